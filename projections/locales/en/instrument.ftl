# The words of an instrument in English, around the negotiated text (ANATOMY.md, treaty
# practice). A non-binding instrument (MoU) uses UK/Australian vocabulary: "Participants",
# "understanding", "equally valid". ⚠ marks a wording a treaty office must confirm.

draft-marking = DRAFT
government-of = { $kind ->
    [organisation] { $name }
   *[state] the Government of { $name }
}
list-pair = { $first } and { $second }
list-more = { $first }, { $second }
opening-formula = { $governments } (hereinafter referred to as { $binding ->
    [yes] "the Parties"
   *[no] "the Participants"
}),
agreed-as-follows = { $binding ->
    [yes] Have agreed as follows:
   *[no] Have reached the following understanding:
}
the-instrument = { $kind ->
    [treaty] this Treaty
    [mou] this Memorandum
   *[other] this Agreement
}
testimonium-witness = In witness whereof, the undersigned, being duly authorised thereto by their respective Governments, have signed { $instrument }.
# ⚠ the MoU wording "equally valid" (FCDO; ANATOMY.md §7).
testimonium-done = { $binding ->
    [yes] Done at
   *[no] Signed at
} { $place } on { $date }, in { $originals ->
    [2] duplicate
   *[other] { $originals } originals
}, in the { $languages } { $language-count ->
    [1] language.
    [2] languages, both texts being equally { $binding ->
        [yes] authentic
       *[no] valid
    }.
   *[other] languages, all texts being equally { $binding ->
        [yes] authentic
       *[no] valid
    }.
}
language-fr = French
language-ar = Arabic
language-en = English
language-es = Spanish
signature-for = For { $government }
signature-place-date = At { $place } on { $date }
signature-date = On { $date }
blank = ……………
date = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
note-title-missing = The title has no { $language } version yet; the { $reference } title is shown.
note-name-missing = The name "{ $name }" has no version in this language yet; it is shown as recorded.
note-clause-missing = { $label } has no { $language } version yet; the { $reference } reference wording is shown.
note-clause-stale = The { $language } version of { $label } translates an earlier wording; the { $reference } reference wording is shown.
note-clause-awaiting = The { $language } version of { $label } awaits a legal-linguist's concordance check.
