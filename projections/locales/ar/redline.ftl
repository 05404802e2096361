# The words of a redline in Arabic around the ledger's data: its documents' title, legend and
# attributions (export/markdown.rs, html.rs, docx.rs, mod.rs) and each clause's notes beyond its
# words (redline.rs). Modern Standard Arabic diplomatic usage; ⚠ marks a wording a treaty office
# should confirm. Party codes, names, labels, points, dates (YYYY-MM-DD), language tags and
# wordings are the ledger's and stay as recorded.

# ⚠ «مقارنة» for a redline, as in docx.ftl's docx-redline.
redline-title = { $title } — مقارنة من { $from } إلى { $to }
redline-end = { $point } (الحدث رقم { $sequence }، التنقيح { $revision })
redline-point-sequence = الحدث رقم { $sequence }
redline-point-date = { $date }
redline-point-round = الجولة { $round }
redline-point-revision = التنقيح { $revision }

# ⚠ «مشطوب» (struck through), «بخط عريض» (in bold), «تحته خط» (underlined).
redline-legend-markdown = ما حُذف من كلمات مشطوب ({ $deleted })؛ وما أُضيف منها بخط عريض ({ $inserted }).
redline-legend-html = ما حُذف من كلمات مشطوب ({ $deleted })؛ وما أُضيف منها تحته خط ({ $inserted }).
redline-example = هكذا

# «اقترحه CIV في 2026-10-05».
redline-proposed = اقترحه { $author } في { $date }
# ⚠ reads after «اقترحه»: no act between the two points accounts for the change.
redline-unattributed = (لا يوجد إجراء بين النقطتين)
redline-list = { $first }، { $second }

# ⚠ «تصبح» agrees with a feminine label (المادة، الفقرة من الديباجة); a masculine one (الملحق،
# الباب، الفصل، الفرع) would take «يصبح».
redline-renumbered = { $old } تصبح { $new }
redline-moved = { $wording ->
    [unchanged] نُقل دون تغيير في الصياغة
   *[changed] نُقل
}
redline-references-renumbered = أعيد ترقيم الإحالات دون تغيير في الصياغة
redline-other-version = تغيرت صيغة { $other }؛ انظر المقارنة باللغة { $other }
