# The words of a redline in Spanish, which the redline's notes spoke before they were messages;
# Spanish has no other messages here, so every other document word falls back on English.
# Party codes, names, labels, points, dates, language tags and wordings are the ledger's.

redline-title = { $title } — comparación entre { $from } y { $to }
redline-end = { $point } (evento n.º { $sequence }, revisión { $revision })
redline-point-sequence = el evento n.º { $sequence }
redline-point-date = el { $date }
redline-point-round = la ronda { $round }
redline-point-revision = la revisión { $revision }

redline-legend-markdown = Las palabras suprimidas están tachadas ({ $deleted }); las añadidas, en negrita ({ $inserted }).
redline-legend-html = Las palabras suprimidas están tachadas ({ $deleted }); las añadidas, subrayadas ({ $inserted }).
redline-example = así

redline-proposed = Propuesto por { $author } el { $date }
redline-unattributed = (ningún acto entre los dos puntos)
redline-list = { $first }, { $second }

redline-renumbered = { $old } pasa a ser { $new }
redline-moved = { $wording ->
    [unchanged] Desplazado; texto sin cambios
   *[changed] Desplazado
}
redline-references-renumbered = Remisiones renumeradas; texto sin cambios
redline-other-version = Versión { $other } modificada; véase la comparación en { $other }
