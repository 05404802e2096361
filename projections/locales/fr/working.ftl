# The words of the working document in French, around the ledger's data (export/mod.rs,
# markdown.rs, html.rs, docx.rs, bilingual.rs, and pacta-pdf's draft_layout). A space before
# ":" and ";", as in instrument.ftl. ⚠ marks a wording a treaty office should confirm.

working-fact = { $term } : { $value }
working-label = { $term } :
working-instrument = Instrument
working-parties = Parties
working-legal-effect = Effet juridique
working-text = Texte
working-language = Langue
working-negotiation = Négociation
working-status = Statut
working-note = Note
working-positions = Positions
working-alternatives = Variantes entre crochets

working-kind-treaty = Traité
working-kind-agreement = Accord
working-kind-mou = Mémorandum d'entente
working-kind-exchange-of-notes = Échange de notes

# A clause's status; masculine, agreeing with « le texte ».
working-status-proposed = proposé
working-status-under-discussion = en discussion
working-status-bracketed = entre crochets
# ⚠ ad referendum.
working-status-agreed-ad-referendum = agréé ad referendum
working-status-agreed = agréé
working-status-withdrawn = retiré
working-proposed-by = proposé par { $party }
working-worded-by = libellé de { $party }
working-agreed-by = agréé par { $parties }
working-then = { $first } ; { $second }
working-codes = { $first }, { $second }

working-party = { $name } ({ $code })
working-parties-pair = { $first } et { $second }
working-parties-more = { $first }, { $second }

working-revision = { $revision ->
    [0] Texte original (révision 0)
   *[other] Révision { $revision }
}
working-language-line = { $name } ({ $code }) ; langues authentiques : { $authentic }
working-negotiation-line = { $negotiation } (état à l'événement n° { $sequence })
# ⚠ both wordings of the legal effect.
working-legal-effect-line = { $binding ->
    [yes] juridiquement contraignant ; enregistrable au titre de l'Article 102 de la Charte des Nations Unies après son entrée en vigueur
   *[no] sans effet juridique contraignant ; non enregistrable au titre de l'Article 102 de la Charte des Nations Unies
}

working-note-no-version = Cette clause n'a pas de version en { $language } ; le texte de référence en { $reference } est reproduit.
working-note-missing = Cette clause n'a pas encore de version en { $language } ; le texte de référence en { $reference } est reproduit.
working-note-stale = Cette clause n'a en { $language } que la version d'un texte antérieur ; le texte de référence en { $reference } est reproduit.
working-note-awaiting = La version en { $language } attend la vérification de concordance par un juriste-linguiste.

working-alternative-name = Variante [{ $label }]
working-alternative = { $alternative }, proposée par { $party } ({ $language }) :
working-alternative-caption = [{ $label }] proposée par { $party }
working-position-accept = accepte
working-position-reject = rejette
working-position-reserve = réserve sa position
working-position-alternative = préfère la variante { $label }
working-position-of = Position de { $party } : { $position }

working-column = { $name } ({ $code })
working-bilingual = Texte en { $first } ({ $first-code }) et en { $second } ({ $second-code }), passage par passage.

working-language-name-other = « { $code } »
working-language-name-ar = arabe
working-language-name-de = allemand
working-language-name-en = anglais
working-language-name-es = espagnol
working-language-name-fa = persan
working-language-name-fr = français
working-language-name-he = hébreu
working-language-name-it = italien
working-language-name-pt = portugais
working-language-name-ru = russe
working-language-name-sw = swahili
working-language-name-ur = ourdou
working-language-name-zh = chinois
