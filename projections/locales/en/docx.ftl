# The running header and footer of Word documents (export/docx.rs).
docx-working = Working document
docx-adopted = Adopted text
docx-redline = Comparison
docx-revision = { $revision ->
    [0] original text
   *[other] revision { $revision }
}
# $marking: "Working document", "DRAFT"…; $revision: a docx-revision, or two joined by →.
docx-header = { $marking } — { $title }, { $revision }, as at { $date }
docx-header-undated = { $marking } — { $title }, { $revision }
# $page and $pages stand where Word puts the page number and the number of pages.
docx-page = Page { $page } of { $pages }
