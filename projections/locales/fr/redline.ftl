# Les mots d'une comparaison (redline) autour des données du registre : titre, légende et
# attributions de ses documents (export/markdown.rs, html.rs, docx.rs, mod.rs) et notes de chaque
# clause au-delà de son libellé (redline.rs). Codes des Parties, noms, numéros, points, dates
# (AAAA-MM-JJ), étiquettes de langue et libellés appartiennent au registre.

# « Accord — comparaison entre l'événement n° 5 (…) et la révision 1 (…) ».
redline-title = { $title } — comparaison entre { $from } et { $to }
redline-end = { $point } (événement n° { $sequence }, révision { $revision })
# Les points, tels que le titre les nomme.
redline-point-sequence = l'événement n° { $sequence }
redline-point-date = le { $date }
redline-point-round = la session { $round }
redline-point-revision = la révision { $revision }

redline-legend-markdown = Les mots supprimés sont barrés ({ $deleted }) ; les mots ajoutés sont en gras ({ $inserted }).
redline-legend-html = Les mots supprimés sont barrés ({ $deleted }) ; les mots ajoutés sont soulignés ({ $inserted }).
redline-example = comme ceci

redline-proposed = Proposé par { $author } le { $date }
# Se lit après « Proposé par ».
redline-unattributed = (aucun acte entre les deux points)
redline-list = { $first }, { $second }

redline-renumbered = { $old } devient { $new }
redline-moved = { $wording ->
    [unchanged] Déplacé ; libellé inchangé
   *[changed] Déplacé
}
redline-references-renumbered = Renvois renumérotés ; libellé inchangé
redline-other-version = Version { $other } modifiée ; voir le redline en { $other }
