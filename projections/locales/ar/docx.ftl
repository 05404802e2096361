# The running header and footer of Word documents (export/docx.rs).
docx-working = وثيقة عمل
docx-adopted = النص المعتمد
docx-redline = مقارنة
docx-revision = { $revision ->
    [0] النص الأصلي
   *[other] التنقيح { $revision }
}
# $marking: «وثيقة عمل»، «مشروع»…; $revision: a docx-revision, or two joined by →.
docx-header = { $marking } — { $title }، { $revision }، الحالة في { $date }
docx-header-undated = { $marking } — { $title }، { $revision }
# $page and $pages stand where Word puts the page number and the number of pages.
docx-page = الصفحة { $page } من { $pages }
