# The words of the working document around the ledger's data (export/mod.rs, markdown.rs,
# html.rs, docx.rs, bilingual.rs, and pacta-pdf's draft_layout): labels, statuses, notes.
# Party codes, person ids, titles and wordings are the ledger's and are never translated.

# "Status: agreed": a label and its value.
working-fact = { $term }: { $value }
# "Note:", "Positions:": a label introducing what follows.
working-label = { $term }:
working-instrument = Instrument
working-parties = Parties
working-legal-effect = Legal effect
working-text = Text
working-language = Language
working-negotiation = Negotiation
working-status = Status
working-note = Note
working-positions = Positions
working-alternatives = Bracketed alternatives

working-kind-treaty = Treaty
working-kind-agreement = Agreement
working-kind-mou = Memorandum of understanding
working-kind-exchange-of-notes = Exchange of notes

# A clause's status, as the ledger names it.
working-status-proposed = proposed
working-status-under-discussion = under-discussion
working-status-bracketed = bracketed
working-status-agreed-ad-referendum = agreed-ad-referendum
working-status-agreed = agreed
working-status-withdrawn = withdrawn
working-proposed-by = proposed by { $party }
working-worded-by = wording of { $party }
working-agreed-by = agreed by { $parties }
# Two parts of a line: "agreed; proposed by CIV".
working-then = { $first }; { $second }
# Party codes or language tags in a list: "CIV, MAR".
working-codes = { $first }, { $second }

# "République de Côte d'Ivoire (CIV) and Royaume du Maroc (MAR)".
working-party = { $name } ({ $code })
working-parties-pair = { $first } and { $second }
working-parties-more = { $first }, { $second }

working-revision = { $revision ->
    [0] Original text (revision 0)
   *[other] Revision { $revision }
}
working-language-line = { $name } ({ $code }); authentic languages: { $authentic }
working-negotiation-line = { $negotiation } (as of event #{ $sequence })
working-legal-effect-line = { $binding ->
    [yes] legally binding; registrable under Article 102 of the UN Charter once in force
   *[no] not intended to be legally binding; not registrable under Article 102 of the UN Charter
}

# Where the reference wording stands in for this language's version.
working-note-no-version = This clause has no version in { $language }; the { $reference } reference wording is shown.
working-note-missing = This clause has no version yet in { $language }; the { $reference } reference wording is shown.
working-note-stale = This clause has a version of an earlier wording only in { $language }; the { $reference } reference wording is shown.
working-note-awaiting = The { $language } version awaits a legal-linguist's concordance check.

# Bracketed alternatives and stated positions.
working-alternative-name = Alternative [{ $label }]
working-alternative = { $alternative }, proposed by { $party } ({ $language }):
working-alternative-caption = [{ $label }] proposed by { $party }
working-position-accept = accepts
working-position-reject = rejects
working-position-reserve = reserves
working-position-alternative = prefers alternative { $label }
working-position-of = Position of { $party }: { $position }

# A bilingual document's columns, and what it is.
working-column = { $name } ({ $code })
working-bilingual = { $first } ({ $first-code }) and { $second } ({ $second-code }), passage by passage.

# Language names, as the notes and the language line use them; a tag not named here is quoted.
working-language-name-other = '{ $code }'
working-language-name-ar = Arabic
working-language-name-de = German
working-language-name-en = English
working-language-name-es = Spanish
working-language-name-fa = Persian
working-language-name-fr = French
working-language-name-he = Hebrew
working-language-name-it = Italian
working-language-name-pt = Portuguese
working-language-name-ru = Russian
working-language-name-sw = Swahili
working-language-name-ur = Urdu
working-language-name-zh = Chinese
