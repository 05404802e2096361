# The words of an instrument in Arabic, around the negotiated text (ANATOMY.md, treaty practice).
# ⚠ marks a wording a treaty office must confirm before signature. Moroccan usage: months
# يناير … دجنبر, digits 0–9.

draft-marking = مشروع
government-of = { $kind ->
    [organisation] { $name }
   *[state] حكومة { $name }
}
list-pair = { $first } و{ $second }
list-more = { $first } و{ $second }
# «الطرفين»: object of «المشار إليهما بـ» (ANATOMY.md §2), never the subject form «الطرفان».
opening-formula = إن { $governments }، { $count ->
    [2] المشار إليهما فيما بعد بـ«الطرفين»،
   *[other] المشار إليها فيما بعد بـ«الأطراف»،
}
# ⚠ MoU: «قد توافقتا» (ANATOMY.md §4); subject: the two governments (feminine dual).
agreed-as-follows = { $binding ->
    [yes] { $count ->
        [2] قد اتفقتا على ما يلي:
       *[other] قد اتفقت على ما يلي:
    }
   *[no] { $count ->
        [2] قد توافقتا على ما يلي:
       *[other] قد توافقت على ما يلي:
    }
}
the-instrument = { $kind ->
    [treaty] هذه المعاهدة
    [mou] هذه المذكرة
   *[other] هذا الاتفاق
}
# ⚠ both variants (ANATOMY.md §7, EXAMPLE-MOU.md).
testimonium-witness = { $binding ->
    [yes] وإثباتا لذلك، وقّع الممثلان المفوضان قانونا من قبل حكومتيهما على { $instrument }.
   *[no] وإثباتا لذلك، وقّع ممثلا الطرفين، المأذون لهما بذلك، على { $instrument }.
}
# ⚠ «حُرِّر في … بتاريخ …»: the place is the ledger's, so no «بـ» prefix is fused to it.
testimonium-done = { $kind ->
    [mou] حُرِّرت
   *[other] حُرِّر
} في { $place } بتاريخ { $date }، في { $originals ->
    [2] نظيرين أصليين
   *[other] { $originals } نظائر أصلية
} { $language-count ->
    [1] باللغة { $languages }.
    [2] باللغتين { $languages }، ولكل من النصين الحجية نفسها.
   *[other] باللغات { $languages }، ولكل من النصوص الحجية نفسها.
}
language-fr = الفرنسية
language-ar = العربية
language-en = الإنجليزية
language-es = الإسبانية
# ⚠ «عن حكومة …» (ANATOMY.md §8).
signature-for = عن { $government }
signature-place-date = في { $place } بتاريخ { $date }
signature-date = بتاريخ { $date }
blank = ……………
date = { $day } { $month } { $year }
month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = ماي
month-6 = يونيو
month-7 = يوليوز
month-8 = غشت
month-9 = شتنبر
month-10 = أكتوبر
month-11 = نونبر
month-12 = دجنبر
note-title-missing = لا توجد بعد صيغة للعنوان باللغة { $language }؛ أُورد العنوان باللغة { $reference }.
note-name-missing = لا توجد بعد صيغة للاسم «{ $name }» بهذه اللغة؛ أُورد كما سُجّل.
note-clause-missing = لا توجد بعد صيغة باللغة { $language } لـ{ $label }؛ أُورد النص المرجعي باللغة { $reference }.
note-clause-stale = صيغة { $label } باللغة { $language } ترجمة لنص سابق؛ أُورد النص المرجعي باللغة { $reference }.
note-clause-awaiting = صيغة { $label } باللغة { $language } في انتظار التحقق من التطابق.
