# The words of a redline around the ledger's data: its documents' title, legend and attributions
# (export/markdown.rs, html.rs, docx.rs, mod.rs) and the notes each clause carries beyond its
# words (redline.rs, which the JSON and the pages show too). Party codes, person names, labels,
# points, dates (YYYY-MM-DD), language tags and wordings are the ledger's and stay as recorded.

# The document's title: "Accord — redline from #5 (#5, revision 0) to revision 1 (#40, revision 1)".
redline-title = { $title } — redline from { $from } to { $to }
# One end of the redline: the point asked for, the last event it includes and its revision.
redline-end = { $point } (#{ $sequence }, revision { $revision })
redline-point-sequence = #{ $sequence }
redline-point-date = { $date }
redline-point-round = round { $round }
redline-point-revision = revision { $revision }

# The legend; $deleted and $inserted are $example as the document marks it ("~~like this~~").
redline-legend-markdown = Deleted words are struck through ({ $deleted }); inserted words are in bold ({ $inserted }).
redline-legend-html = Deleted words are struck through ({ $deleted }); inserted words are underlined ({ $inserted }).
redline-example = like this

# Who proposed a clause's changes, and on which day.
redline-proposed = Proposed by { $author } on { $date }
# The author of a change no act between the two points accounts for (a redline read backwards
# undoes acts rather than records one); it reads after "Proposed by".
redline-unattributed = (no act between the two points)
# Proposers or delegates in a list: "CIV, MAR".
redline-list = { $first }, { $second }

# What changed beyond the words: "Article 3 becomes Article 2".
redline-renumbered = { $old } becomes { $new }
redline-moved = { $wording ->
    [unchanged] Moved; wording unchanged
   *[changed] Moved
}
redline-references-renumbered = Cross-references renumbered; wording unchanged
# $other: the language tag of the version that changed while the one compared stood.
redline-other-version = The { $other } version changed; see the redline in { $other }
