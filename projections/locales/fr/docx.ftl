# The running header and footer of Word documents (export/docx.rs).
docx-working = Document de travail
docx-adopted = Texte adopté
docx-redline = Comparaison
docx-revision = { $revision ->
    [0] texte original
   *[other] révision { $revision }
}
# $marking: "Document de travail", "PROJET"…; $revision: a docx-revision, or two joined by →.
docx-header = { $marking } — { $title }, { $revision }, état au { $date }
docx-header-undated = { $marking } — { $title }, { $revision }
# $page and $pages stand where Word puts the page number and the number of pages.
docx-page = Page { $page } sur { $pages }
