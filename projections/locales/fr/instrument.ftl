# The words of an instrument in French, around the negotiated text (ANATOMY.md, treaty practice).
# ⚠ marks a wording a treaty office must confirm before signature.

draft-marking = PROJET
# $first: the first word of the party's name as the French version writes it ("le Royaume du
# Maroc"): "de le" contracts to "du", "de les" to "des"; "de la", "de l'" stay.
government-of = { $kind ->
    [organisation] { $name }
   *[state] { $first ->
        [le] le Gouvernement du { $rest }
        [Le] le Gouvernement du { $rest }
        [les] le Gouvernement des { $rest }
        [Les] le Gouvernement des { $rest }
       *[other] le Gouvernement de { $name }
    }
}
list-pair = { $first } et { $second }
list-more = { $first }, { $second }
# "les Parties" for an MoU too: francophone practice (ANATOMY.md §0).
opening-formula = { $governments }, ci-après dénommés « les Parties »,
# ⚠ for an MoU: "sont convenus de ce qui suit" is usual, not confirmed (ANATOMY.md §4).
agreed-as-follows = Sont convenus de ce qui suit :
the-instrument = { $kind ->
    [treaty] le présent Traité
    [mou] le présent Mémorandum
   *[other] le présent Accord
}
testimonium-witness = En foi de quoi, les représentants des { $count ->
    [2] deux Parties
   *[other] Parties
}, dûment autorisés à cet effet, ont signé { $instrument }.
testimonium-done = Fait à { $place }, le { $date }, en { $originals ->
    [2] deux exemplaires originaux
   *[other] { $originals } exemplaires originaux
}, { $language-count ->
    [1] en langue { $languages }.
    [2] en langues { $languages }, les deux textes faisant également foi.
   *[other] en langues { $languages }, tous les textes faisant également foi.
}
language-fr = française
language-ar = arabe
language-en = anglaise
language-es = espagnole
signature-for = Pour { $government }
signature-place-date = À { $place }, le { $date }
signature-date = Le { $date }
blank = ……………
date = { $day ->
    [1] 1er
   *[other] { $day }
} { $month } { $year }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
note-title-missing = Le titre n'a pas encore de version en langue { $language } ; celui en langue { $reference } est reproduit.
note-name-missing = Le nom « { $name } » n'a pas encore de version en langue { $language } ; il est reproduit tel qu'enregistré.
note-clause-missing = { $label } n'a pas encore de version en langue { $language } ; le texte de référence en langue { $reference } est reproduit.
note-clause-stale = La version en langue { $language } de l'{ $label } traduit un texte antérieur ; le texte de référence en langue { $reference } est reproduit.
note-clause-awaiting = La version en langue { $language } de l'{ $label } attend la vérification de concordance.
