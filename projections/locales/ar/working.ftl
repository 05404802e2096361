# The words of the working document in Arabic, around the ledger's data (export/mod.rs,
# markdown.rs, html.rs, docx.rs, bilingual.rs, and pacta-pdf's draft_layout). Modern Standard
# Arabic diplomatic usage; ⚠ marks a wording a treaty office should confirm. Party codes, ids,
# language tags and wordings are the ledger's and stay as recorded.

working-fact = { $term }: { $value }
working-label = { $term }:
working-instrument = الصك
working-parties = الأطراف
working-legal-effect = الأثر القانوني
working-text = النص
working-language = اللغة
working-negotiation = المفاوضة
working-status = الحالة
working-note = ملاحظة
working-positions = المواقف
# ⚠ «بين معقوفين» for bracketed text.
working-alternatives = البدائل بين معقوفين

working-kind-treaty = معاهدة
working-kind-agreement = اتفاق
working-kind-mou = مذكرة تفاهم
working-kind-exchange-of-notes = تبادل مذكرات

working-status-proposed = مقترح
working-status-under-discussion = قيد المناقشة
working-status-bracketed = بين معقوفين
# ⚠ ad referendum: agreed subject to the government's approval.
working-status-agreed-ad-referendum = متفق عليه رهناً بموافقة الحكومة
working-status-agreed = متفق عليه
working-status-withdrawn = مسحوب
working-proposed-by = اقترحه { $party }
# ⚠ «بصياغة»: the party whose wording now stands.
working-worded-by = بصياغة { $party }
working-agreed-by = وافق عليه { $parties }
working-then = { $first }؛ { $second }
working-codes = { $first }، { $second }

working-party = { $name } ({ $code })
working-parties-pair = { $first } و{ $second }
working-parties-more = { $first } و{ $second }

working-revision = { $revision ->
    [0] النص الأصلي (التنقيح 0)
   *[other] التنقيح { $revision }
}
# ⚠ «اللغات ذات الحجية» for the authentic languages.
working-language-line = { $name } ({ $code })؛ اللغات ذات الحجية: { $authentic }
working-negotiation-line = { $negotiation } (حتى الحدث رقم { $sequence })
# ⚠ both wordings of the legal effect (Article 102 of the Charter of the United Nations).
working-legal-effect-line = { $binding ->
    [yes] ملزم قانوناً؛ قابل للتسجيل بموجب المادة 102 من ميثاق الأمم المتحدة بعد دخوله حيز النفاذ
   *[no] لا يُقصد به أن يكون ملزماً قانوناً؛ غير قابل للتسجيل بموجب المادة 102 من ميثاق الأمم المتحدة
}

working-note-no-version = لا توجد لهذا البند صيغة باللغة { $language }؛ أُورد النص المرجعي باللغة { $reference }.
working-note-missing = لا توجد بعد صيغة لهذا البند باللغة { $language }؛ أُورد النص المرجعي باللغة { $reference }.
working-note-stale = لا توجد لهذا البند باللغة { $language } إلا صيغة لنص سابق؛ أُورد النص المرجعي باللغة { $reference }.
working-note-awaiting = صيغة هذا البند باللغة { $language } في انتظار تحقق خبير لغوي قانوني من التطابق.

working-alternative-name = البديل [{ $label }]
working-alternative = { $alternative }، اقترحه { $party } ({ $language }):
working-alternative-caption = [{ $label }] اقترحه { $party }
working-position-accept = يقبل
working-position-reject = يرفض
working-position-reserve = يتحفظ
working-position-alternative = يفضّل البديل { $label }
working-position-of = موقف { $party }: { $position }

working-column = { $name } ({ $code })
# ⚠ «فقرة بفقرة» for "passage by passage".
working-bilingual = النص باللغة { $first } ({ $first-code }) وباللغة { $second } ({ $second-code })، فقرة بفقرة.

working-language-name-other = «{ $code }»
working-language-name-ar = العربية
working-language-name-de = الألمانية
working-language-name-en = الإنجليزية
working-language-name-es = الإسبانية
working-language-name-fa = الفارسية
working-language-name-fr = الفرنسية
working-language-name-he = العبرية
working-language-name-it = الإيطالية
working-language-name-pt = البرتغالية
working-language-name-ru = الروسية
working-language-name-sw = السواحيلية
working-language-name-ur = الأردية
working-language-name-zh = الصينية
