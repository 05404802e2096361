//! A draft, an instrument or a redline as a Word document (.docx, Office Open XML) written by
//! `docx-rs` and finished by the `word` module: every run names its languages (`w:lang`), and
//! right-to-left text is marked `w:rtl` in right-to-left (`w:bidi`) paragraphs; the core
//! properties carry the instrument's title, the document's language and the ledger's dates;
//! every page has a header naming the instrument and its state, and a footer numbering pages.
//!
//! A redline is the whole text at its later point, each change since the earlier point a Word
//! tracked change (`w:ins`/`w:del`) by the delegates who made it, so "accept all" in Word gives
//! the later text and "reject all" the earlier; the shared comments made on a clause in between
//! are Word comments on it.

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use docx_rs::{
    AlignmentType, BreakType, Comment, Delete, Docx, Footer, Header, Insert, NumPages, PageNum,
    Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};
use fluent_templates::fluent_bundle::FluentValue;
use pacta_domain::{metadata, Negotiation, NegotiationEvent};

use super::instrument::Words;
use super::word::{self, has_right_to_left, Properties, Provenance};
use super::{
    check_authentic, clause_title, is_right_to_left, wording, ExportError, RedlineWords,
    WorkingWords,
};
use super::{Instrument, Passage};
use crate::point::day_of;
use crate::{phrases, word_diff, ChangeKind, ClauseChange, Draft, Redline, WordChange};

/// Half-points, as Word measures font sizes: 16 pt title, 13 pt clause headings, 11 pt text,
/// 9 pt running header and footer.
const TITLE_SIZE_HALF_POINTS: usize = 32;
const HEADING_SIZE_HALF_POINTS: usize = 26;
const TEXT_SIZE_HALF_POINTS: usize = 22;
const RUNNING_SIZE_HALF_POINTS: usize = 18;
/// Twips (twentieths of a point), as Word measures widths: an A4 page's 16 cm of text.
const TEXT_WIDTH_TWIPS: usize = 9070;
/// A face with Latin and Arabic glyphs that Word and LibreOffice both know.
const FONT: &str = "Times New Roman";
/// The author of the comments that say what changed beyond the words ("Article 3 becomes
/// Article 2"): the ledger, not a delegate.
const NOTE_AUTHOR: &str = "Pacta";
/// Stand-ins for the page number and page count in the footer's message, where the PAGE and
/// NUMPAGES fields go: private-use characters, which no message contains.
const PAGE_FIELD: &str = "\u{E000}";
const PAGES_FIELD: &str = "\u{E001}";

/// The draft in `language`, one of its authentic languages, as the bytes of a .docx file; its
/// `provenance` gives its properties' dates and its header's "as at".
pub fn draft_docx(
    draft: &Draft,
    language: &str,
    provenance: &Provenance,
) -> Result<Vec<u8>, ExportError> {
    check_authentic(draft, language)?;
    let rtl = is_right_to_left(language);
    let words = Words::new(language);
    let title_text = draft.titles.get(language).unwrap_or(&draft.title);
    let header = header_line(
        &words,
        &marking(language, None),
        title_text,
        revision_words(&words, provenance.revision),
        &provenance.as_of_at,
    );
    let mut document =
        running(new_document(), &header, language).add_paragraph(title(title_text, rtl));
    let working = WorkingWords::new(language);
    // The words around the ledger's data are in the document's language, so its direction.
    let plain = |line: &str| text_paragraph(line, rtl);
    let italic = |line: &str| {
        direction(
            Paragraph::new().add_run(Run::new().italic().add_text(line)),
            rtl,
        )
    };
    for fact in working.facts(draft) {
        document = document.add_paragraph(plain(&working.fact_line(&fact)));
    }
    for clause in &draft.clauses {
        let shown = wording(draft, clause, language);
        let shown_rtl = is_right_to_left(shown.language);
        document = document
            .add_paragraph(heading(&clause_title(&shown.label, shown.heading), rtl))
            .add_paragraph(italic(&working.status(clause)));
        if let Some(note) = &shown.note {
            document = document.add_paragraph(italic(&working.note(note)));
        }
        for line in lines(&shown.text) {
            document = document.add_paragraph(text_paragraph(line, shown_rtl));
        }
        for alternative in &clause.alternatives {
            let name = working.alternative_name(&alternative.label);
            document = document.add_paragraph(direction(
                Paragraph::new().add_run(Run::new().bold().add_text(working.alternative_line(
                    &name,
                    &alternative.proposed_by,
                    alternative,
                ))),
                rtl,
            ));
            let alternative_rtl = is_right_to_left(&alternative.language);
            for line in lines(&alternative.text) {
                document = document.add_paragraph(text_paragraph(line, alternative_rtl).indent(
                    Some(720),
                    None,
                    None,
                    None,
                ));
            }
        }
        for stated in &clause.positions {
            document = document.add_paragraph(plain(&working.position_of(stated)));
        }
    }
    let properties = Properties {
        title: title_text,
        language,
        provenance,
    };
    word::package(document, &properties)
}

/// The instrument form ([`Instrument`]) as the bytes of a .docx file: title, opening formula,
/// preamble, articles, testimonium, the signature blocks side by side (a borderless table, one
/// column a party, the first party's at the start of the line: on the right in a right-to-left
/// document), then the annexes. Every paragraph in a right-to-left language is marked `w:bidi`.
/// Its header says "PROJET" until every party adopted the text.
pub fn instrument_docx(
    instrument: &Instrument,
    provenance: &Provenance,
) -> Result<Vec<u8>, ExportError> {
    let rtl = instrument.is_right_to_left();
    let words = Words::new(&instrument.language);
    let header = header_line(
        &words,
        &marking(&instrument.language, Some(instrument)),
        &instrument.title,
        revision_words(&words, provenance.revision),
        &provenance.as_of_at,
    );
    let plain = |line: &str| text_paragraph(line, rtl);
    let mut document = running(new_document(), &header, &instrument.language);
    if let Some(marking) = &instrument.draft_marking {
        document = document.add_paragraph(title(marking, rtl));
    }
    document = document.add_paragraph(title(&instrument.title, rtl));
    for note in &instrument.notes {
        document = document.add_paragraph(direction(
            Paragraph::new().add_run(Run::new().italic().add_text(note)),
            rtl,
        ));
    }
    document = document.add_paragraph(plain(&instrument.opening));
    for recital in &instrument.recitals {
        document = add_passage(document, recital, rtl);
    }
    document = document.add_paragraph(plain(&instrument.agreed));
    for passage in &instrument.body {
        document = add_passage(document, passage, rtl);
    }
    document = document
        .add_paragraph(plain(&instrument.witness))
        .add_paragraph(plain(&instrument.done));
    // A row of no cells would not be valid Office Open XML.
    if !instrument.signature_blocks.is_empty() {
        document = document.add_table(signature_table(&instrument.signature_blocks, rtl));
    }
    for annex in &instrument.annexes {
        document = add_passage(document, annex, rtl);
    }
    let properties = Properties {
        title: &instrument.title,
        language: &instrument.language,
        provenance,
    };
    word::package(document, &properties)
}

/// The signature blocks side by side, as signed originals set them: a borderless table of one
/// row, one cell a party holding "Pour …", room for the signature, the name, the title, and the
/// place and date.
fn signature_table(blocks: &[super::SignatureBlock], rtl: bool) -> Table {
    let columns = blocks.len().max(1);
    let width = TEXT_WIDTH_TWIPS / columns;
    let plain = |line: &str| text_paragraph(line, rtl);
    let cells = blocks
        .iter()
        .map(|block| {
            TableCell::new()
                .width(width, WidthType::Dxa)
                .add_paragraph(direction(
                    Paragraph::new()
                        .keep_next(true)
                        .add_run(Run::new().bold().add_text(&block.for_party)),
                    rtl,
                ))
                // Room for the signature itself.
                .add_paragraph(Paragraph::new().keep_next(true))
                .add_paragraph(Paragraph::new().keep_next(true))
                .add_paragraph(plain(&block.name).keep_next(true))
                .add_paragraph(plain(&block.title).keep_next(true))
                .add_paragraph(plain(&block.place_and_date))
        })
        .collect();
    let row = TableRow::new(cells).cant_split();
    Table::without_borders(vec![row])
        .set_grid(vec![width; columns])
        .width(width * columns, WidthType::Dxa)
}

/// A recital as its paragraphs; an article (or annex) under its numbered heading.
fn add_passage(mut document: Docx, passage: &Passage, rtl: bool) -> Docx {
    if !passage.label.is_empty() {
        document = document.add_paragraph(heading(
            &clause_title(&passage.label, &passage.heading),
            rtl,
        ));
    }
    if let Some(note) = &passage.note {
        document = document.add_paragraph(direction(
            Paragraph::new().add_run(Run::new().italic().add_text(note)),
            rtl,
        ));
    }
    let shown_rtl = is_right_to_left(&passage.language);
    for line in lines(&passage.text) {
        document = document.add_paragraph(text_paragraph(line, shown_rtl));
    }
    document
}

/// A redline as a Word document shows it: the whole text at the later point, clause by clause,
/// each change since the earlier point tracked and attributed, and the shared comments made on
/// each clause in between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedlineDocument {
    /// The instrument's title in the redline's language.
    pub title: String,
    /// The language of the wordings compared; decides the paragraphs' direction.
    pub language: String,
    /// The revisions compared: the earlier point's, then the later's.
    pub revisions: (u32, u32),
    /// Its `as_of_at` is when the ledger recorded the later point's last event.
    pub provenance: Provenance,
    /// Every clause of either text, in the redline's order: unchanged ones too.
    pub clauses: Vec<TrackedClause>,
}

/// One clause of a [`RedlineDocument`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackedClause {
    pub change: ClauseChange,
    /// "Article 2 — Mobilité" at the earlier point against the same at the later one: a
    /// renumbering or a new heading is a tracked change too.
    pub title: Vec<WordChange>,
    pub text: Vec<WordChange>,
    /// The language of the wording compared.
    pub language: String,
    /// Who made the changes, and when; `None` when there is none to attribute.
    pub changed_by: Option<Reviser>,
    /// What changed beyond the words ("Article 3 becomes Article 2"): comments by Pacta.
    pub notes: Vec<String>,
    /// The shared comments made on the clause between the two points, oldest first.
    pub comments: Vec<SharedComment>,
}

/// The author and date Word shows for a clause's tracked changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reviser {
    /// "Koffi Yao (CIV)": each delegate who recorded an act that changed the wording, by the
    /// name the register accredited them under, with the party they acted for; oldest first,
    /// as a list in the redline's language ("…, …"). [`RedlineWords::unattributed`] when no act
    /// between the points accounts for the change.
    pub author: String,
    /// The day the last of those acts took place (its stated date, else the day it was
    /// recorded); with no act, the day the later point was recorded.
    pub date: NaiveDate,
}

/// A comment every party may read (never one internal to a party), as Word shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedComment {
    /// "Amina Benali (MAR)", as for a [`Reviser`].
    pub author: String,
    /// The day the comment was made: its stated date, else the day it was recorded.
    pub date: NaiveDate,
    pub text: String,
}

impl RedlineDocument {
    /// The redline `view` of the negotiation whose events are `events` (all of them, from the
    /// first), in `language` (the language its wordings are compared in, which its words
    /// around the ledger's data speak too).
    pub fn new(
        events: &[EventEnvelope<Negotiation>],
        view: &Redline,
        language: &str,
    ) -> Result<RedlineDocument, ExportError> {
        let negotiation_id = events.first().map_or("", |e| e.aggregate_id.as_str());
        let words = RedlineWords::new(language);
        let (earlier, later) = if view.from.as_of_sequence > view.to.as_of_sequence {
            (&view.to, &view.from)
        } else {
            (&view.from, &view.to)
        };
        // Delegates stay in the register once accredited, so the whole history names them all.
        let register = crate::replay(events);
        let who = |person: &str, party: &str| {
            let name = register
                .delegate(person)
                .map_or(person, |d| d.name.as_str());
            format!("{name} ({party})")
        };
        let between =
            |sequence: usize| earlier.as_of_sequence < sequence && sequence <= later.as_of_sequence;
        let mut clauses = Vec::with_capacity(view.clauses.len());
        for clause in &view.clauses {
            let undated = |sequence| ExportError::UndatedChange {
                label: clause.label.clone(),
                sequence,
            };
            let side = |left_out: ChangeKind| -> String {
                clause
                    .heading
                    .iter()
                    .filter(|run| run.kind != left_out)
                    .map(|run| run.text.as_str())
                    .collect()
            };
            let old_title = match clause.change {
                ClauseChange::Added => String::new(),
                _ => clause_title(
                    clause.old_label.as_deref().unwrap_or(&clause.label),
                    &side(ChangeKind::Inserted),
                ),
            };
            let new_title = match clause.change {
                ClauseChange::Removed => String::new(),
                _ => clause_title(&clause.label, &side(ChangeKind::Deleted)),
            };
            let title = phrases(&word_diff(&old_title, &new_title));
            let text = phrases(&clause.text);
            let changed =
                |runs: &[WordChange]| runs.iter().any(|r| r.kind != ChangeKind::Unchanged);
            let changed_by = if changed(&title) || changed(&text) || !clause.notes.is_empty() {
                let mut authors: Vec<String> = Vec::new();
                for act in &clause.changed_by {
                    let author = who(&act.actor, &act.party);
                    if !authors.contains(&author) {
                        authors.push(author);
                    }
                }
                Some(match clause.changed_by.last() {
                    Some(last) => Reviser {
                        author: words.list(&authors),
                        date: last
                            .took_place_on
                            .parse()
                            .ok()
                            .or_else(|| day_of(&last.recorded_at))
                            .ok_or_else(|| undated(last.sequence))?,
                    },
                    None => Reviser {
                        author: words.unattributed(),
                        date: day_of(&later.recorded_at)
                            .ok_or_else(|| undated(later.as_of_sequence))?,
                    },
                })
            } else {
                None
            };
            let mut comments = Vec::new();
            for event in events.iter().filter(|e| between(e.sequence)) {
                let NegotiationEvent::Commented {
                    clause_id: Some(on),
                    text,
                    internal: false,
                } = &event.payload
                else {
                    continue;
                };
                if *on != clause.clause_id {
                    continue;
                }
                let field = |key: &str| event.metadata.get(key).map_or("", String::as_str);
                comments.push(SharedComment {
                    author: who(field(metadata::ACTOR), field(metadata::PARTY)),
                    date: crate::took_place_on(event).ok_or_else(|| undated(event.sequence))?,
                    text: text.clone(),
                });
            }
            clauses.push(TrackedClause {
                change: clause.change,
                title,
                text,
                language: clause.language.clone(),
                changed_by,
                notes: clause.notes.clone(),
                comments,
            });
        }
        let now = crate::draft(negotiation_id, events);
        let opened_at = events
            .first()
            .and_then(|e| e.metadata.get(metadata::RECORDED_AT))
            .cloned()
            .unwrap_or_default();
        Ok(RedlineDocument {
            title: now.titles.get(language).unwrap_or(&now.title).clone(),
            language: language.to_string(),
            revisions: (view.from.revision, view.to.revision),
            provenance: Provenance {
                negotiation_id: negotiation_id.to_string(),
                languages: now.languages,
                revision: later.revision,
                opened_at,
                as_of_at: later.recorded_at.clone(),
            },
            clauses,
        })
    }
}

/// A redline as a .docx: the title, then each clause's title and text, its changes as Word
/// tracked changes (each inserted run a `w:ins`, each deleted run a `w:del` holding
/// `w:delText`) by its [`Reviser`]; a clause added or removed has its paragraphs' marks tracked
/// too, so accepting or rejecting every change leaves no empty paragraph behind. Each shared
/// comment is a Word comment on its clause's text, each note a comment by Pacta on its title.
pub fn redline_docx(redline: &RedlineDocument) -> Result<Vec<u8>, ExportError> {
    let rtl = is_right_to_left(&redline.language);
    let words = Words::new(&redline.language);
    let unattributed = RedlineWords::new(&redline.language).unattributed();
    let (from, to) = redline.revisions;
    let revisions = if from == to {
        revision_words(&words, to)
    } else {
        format!(
            "{} → {}",
            revision_words(&words, from),
            revision_words(&words, to)
        )
    };
    let header = header_line(
        &words,
        &words.get("docx-redline"),
        &redline.title,
        revisions,
        &redline.provenance.as_of_at,
    );
    let mut document = running(new_document(), &header, &redline.language)
        .add_paragraph(title(&redline.title, rtl));
    let mut next_comment = 0;
    let mut comment = |author: &str, date: NaiveDate, text: &str| {
        next_comment += 1;
        Comment::new(next_comment)
            .author(author)
            .date(word_date(date))
            .add_paragraph(text_paragraph(text, has_right_to_left(text)))
    };
    for clause in &redline.clauses {
        let clause_rtl = is_right_to_left(&clause.language);
        let revision = clause
            .changed_by
            .as_ref()
            .map(|r| (r.author.as_str(), word_date(r.date)));
        let notes: Vec<Comment> = match &clause.changed_by {
            Some(reviser) => clause
                .notes
                .iter()
                .map(|note| comment(NOTE_AUTHOR, reviser.date, note))
                .collect(),
            None => Vec::new(),
        };
        let comments: Vec<Comment> = clause
            .comments
            .iter()
            .map(|c| comment(&c.author, c.date, &c.text))
            .collect();
        let heading_run = |run: Run| run.bold().size(HEADING_SIZE_HALF_POINTS);
        let title_paragraph = anchored(
            Paragraph::new().keep_next(true).outline_lvl(1),
            notes,
            |p| {
                tracked(
                    p,
                    &clause.title,
                    heading_run,
                    revision.as_ref(),
                    &unattributed,
                )
            },
        );
        let text_paragraph = anchored(Paragraph::new(), comments, |p| {
            tracked(p, &clause.text, |run| run, revision.as_ref(), &unattributed)
        });
        for paragraph in [title_paragraph, text_paragraph] {
            let paragraph = match (clause.change, &revision) {
                (ClauseChange::Added, Some((author, date))) => paragraph.insert(*author, date),
                (ClauseChange::Removed, Some((author, date))) => paragraph.delete(*author, date),
                _ => paragraph,
            };
            document = document.add_paragraph(direction(paragraph, clause_rtl));
        }
    }
    let properties = Properties {
        title: &redline.title,
        language: &redline.language,
        provenance: &redline.provenance,
    };
    word::package(document, &properties)
}

/// `paragraph` with `comments` anchored around what `content` adds to it.
fn anchored(
    mut paragraph: Paragraph,
    comments: Vec<Comment>,
    content: impl FnOnce(Paragraph) -> Paragraph,
) -> Paragraph {
    let ids: Vec<usize> = comments.iter().map(Comment::id).collect();
    for comment in comments {
        paragraph = paragraph.add_comment_start(comment);
    }
    paragraph = content(paragraph);
    for id in ids {
        paragraph = paragraph.add_comment_end(id);
    }
    paragraph
}

/// `paragraph` with `changes` as runs styled by `style`: unchanged runs plain, the others
/// tracked by `revision` (author, date), or by `unattributed`, undated, where a clause's changes
/// name no reviser.
fn tracked(
    mut paragraph: Paragraph,
    changes: &[WordChange],
    style: impl Fn(Run) -> Run,
    revision: Option<&(&str, String)>,
    unattributed: &str,
) -> Paragraph {
    let (author, date) = revision.map_or((unattributed, ""), |(a, d)| (*a, d.as_str()));
    for change in changes {
        paragraph = match change.kind {
            ChangeKind::Unchanged => paragraph.add_run(style(run_with_breaks(&change.text, false))),
            ChangeKind::Inserted => paragraph.add_insert(
                Insert::new(style(run_with_breaks(&change.text, false)))
                    .author(author)
                    .date(date),
            ),
            ChangeKind::Deleted => paragraph.add_delete(
                Delete::new()
                    .add_run(style(run_with_breaks(&change.text, true)))
                    .author(author)
                    .date(date),
            ),
        };
    }
    paragraph
}

/// Word's `w:date` is an ISO 8601 date-time; changes and comments are dated by the day.
fn word_date(date: NaiveDate) -> String {
    format!("{date}T00:00:00Z")
}

/// What a document is, as its running header names it in `language`: "Document de travail"
/// (the working form: no `instrument`), the instrument's draft marking ("PROJET") until every
/// party adopted the text, then "Texte adopté".
pub(super) fn marking(language: &str, instrument: Option<&Instrument>) -> String {
    let words = Words::new(language);
    match instrument {
        None => words.get("docx-working"),
        Some(instrument) => instrument
            .draft_marking
            .clone()
            .unwrap_or_else(|| words.get("docx-adopted")),
    }
}

/// "texte original", "révision 1".
pub(super) fn revision_words(words: &Words, revision: u32) -> String {
    words.with(
        "docx-revision",
        &[("revision", FluentValue::from(revision))],
    )
}

/// "Document de travail — Mémorandum …, révision 1, état au 28 mai 2026": what the document is
/// and how the text stood; without the date where the ledger did not stamp one.
pub(super) fn header_line(
    words: &Words,
    marking: &str,
    title: &str,
    revision: String,
    as_of_at: &str,
) -> String {
    let mut args: Vec<(&str, FluentValue)> = vec![
        ("marking", marking.to_string().into()),
        ("title", title.to_string().into()),
        ("revision", revision.into()),
    ];
    match day_of(as_of_at) {
        Some(day) => {
            args.push(("date", words.date(day).into()));
            words.with("docx-header", &args)
        }
        None => words.with("docx-header-undated", &args),
    }
}

/// `document` with `header` at the top of every page and the page number ("Page 2 sur 5") at
/// the bottom, as Word's PAGE and NUMPAGES fields, in `language`'s words.
pub(super) fn running(document: Docx, header: &str, language: &str) -> Docx {
    let rtl = is_right_to_left(language);
    let small = |text: &str| Run::new().size(RUNNING_SIZE_HALF_POINTS).add_text(text);
    let header = Header::new().add_paragraph(direction(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(small(header)),
        rtl,
    ));
    let page = Words::new(language).with(
        "docx-page",
        &[("page", PAGE_FIELD.into()), ("pages", PAGES_FIELD.into())],
    );
    let mut footer = Paragraph::new().align(AlignmentType::Center);
    let mut rest = page.as_str();
    while !rest.is_empty() {
        let field = [PAGE_FIELD, PAGES_FIELD]
            .into_iter()
            .filter_map(|f| rest.find(f).map(|at| (at, f)))
            .min();
        let (text, field) = match field {
            Some((at, f)) => (&rest[..at], Some(f)),
            None => (rest, None),
        };
        if !text.is_empty() {
            footer = footer.add_run(small(text));
        }
        footer = match field {
            Some(PAGE_FIELD) => footer.add_page_num(PageNum::new()),
            Some(_) => footer.add_num_pages(NumPages::new()),
            None => footer,
        };
        rest = &rest[text.len() + field.map_or(0, str::len)..];
    }
    document
        .header(header)
        .footer(Footer::new().add_paragraph(direction(footer, rtl)))
}

/// An empty document in the face and size of every exported Word document.
pub(super) fn new_document() -> Docx {
    Docx::new()
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(TEXT_SIZE_HALF_POINTS)
}

fn title(text: &str, rtl: bool) -> Paragraph {
    direction(
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .bold()
                .size(TITLE_SIZE_HALF_POINTS)
                .add_text(text),
        ),
        rtl,
    )
}

fn heading(text: &str, rtl: bool) -> Paragraph {
    direction(
        Paragraph::new().keep_next(true).outline_lvl(1).add_run(
            Run::new()
                .bold()
                .size(HEADING_SIZE_HALF_POINTS)
                .add_text(text),
        ),
        rtl,
    )
}

fn text_paragraph(line: &str, rtl: bool) -> Paragraph {
    direction(Paragraph::new().add_run(Run::new().add_text(line)), rtl)
}

/// Marks a paragraph right-to-left (`w:bidi`): Word then lays it out and aligns it from the right.
fn direction(mut paragraph: Paragraph, rtl: bool) -> Paragraph {
    if rtl {
        paragraph.property = paragraph.property.bidi(true);
    }
    paragraph
}

/// A run whose line breaks are Word line breaks; `deleted` text must be `w:delText` to show as
/// deleted.
fn run_with_breaks(text: &str, deleted: bool) -> Run {
    let mut run = Run::new();
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        if !line.is_empty() {
            run = if deleted {
                run.add_delete_text(line)
            } else {
                run.add_text(line)
            };
        }
    }
    run
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeMap;
    use std::io::Cursor;

    use cqrs_es::EventEnvelope;
    use pacta_domain::{clause_text_hash, Delegate, Role};
    use quick_xml::events::Event;

    use super::*;
    use crate::export::test_support::{
        date, instrument_events, views, ARABIC_TEXT, CIV_SIGNATORY, MAR_SIGNATORY, TRICKY_TEXT,
    };
    use crate::Point;

    /// One part of a .docx, as text.
    pub(crate) fn part(docx: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip archive");
        let part = archive.by_name(name).unwrap_or_else(|_| panic!("{name}"));
        std::io::read_to_string(part).expect("UTF-8 XML")
    }

    pub(crate) fn document_xml(docx: &[u8]) -> String {
        part(docx, "word/document.xml")
    }

    /// A run as a parser reads it: its text (`w:t` and `w:delText`), whether its properties
    /// hold `w:rtl`, and its `w:lang` attributes.
    #[derive(Debug, Default)]
    pub(crate) struct ReadRun {
        pub(crate) text: String,
        pub(crate) rtl: bool,
        pub(crate) lang: Option<BTreeMap<String, String>>,
    }

    /// Every `w:r` of `xml`, read by an XML parser (so `xml` must be well-formed).
    pub(crate) fn runs(xml: &str) -> Vec<ReadRun> {
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let mut runs = Vec::new();
        let mut current: Option<ReadRun> = None;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) if e.name().as_ref() == b"w:r" => {
                    current = Some(ReadRun::default())
                }
                Event::End(e) if e.name().as_ref() == b"w:r" => runs.extend(current.take()),
                Event::Empty(e) if e.name().as_ref() == b"w:rtl" => {
                    current.as_mut().expect("w:rtl in a run").rtl = true;
                }
                Event::Empty(e) if e.name().as_ref() == b"w:lang" => {
                    if let Some(run) = current.as_mut() {
                        let attributes = e
                            .attributes()
                            .map(|a| {
                                let a = a.unwrap();
                                let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                                (key, String::from_utf8(a.value.to_vec()).unwrap())
                            })
                            .collect();
                        run.lang = Some(attributes);
                    }
                }
                Event::Text(t) => {
                    if let Some(run) = current.as_mut() {
                        run.text.push_str(&t.decode().unwrap());
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(run) = current.as_mut() {
                        let name = r.decode().unwrap();
                        run.text
                            .push_str(quick_xml::escape::resolve_xml_entity(&name).unwrap());
                    }
                }
                Event::Eof => return runs,
                _ => {}
            }
        }
    }

    pub(crate) fn lang(val: &str, bidi: &str) -> Option<BTreeMap<String, String>> {
        Some(BTreeMap::from([
            ("w:val".to_string(), val.to_string()),
            ("w:bidi".to_string(), bidi.to_string()),
        ]))
    }

    /// The sample's provenance, as the ledger would have stamped it.
    pub(crate) fn provenance() -> Provenance {
        Provenance {
            negotiation_id: "neg-1".into(),
            languages: vec!["fr".into(), "ar".into()],
            revision: 0,
            opened_at: "2026-03-02T09:15:00+01:00".into(),
            as_of_at: "2026-05-28T16:40:05.123Z".into(),
        }
    }

    #[test]
    fn the_draft_document_holds_every_clause_escaped() {
        let xml = document_xml(&draft_docx(&views().draft, "fr", &provenance()).unwrap());
        assert!(
            xml.contains("Article premier — Objet &amp; portée"),
            "{xml}"
        );
        assert!(xml.contains("si &lt;seuil&gt; &amp;"), "{xml}");
        assert!(!xml.contains(TRICKY_TEXT), "raw text would break the XML");
        assert!(
            xml.contains("Variante [B], proposée par MAR (fr) :"),
            "{xml}"
        );
        assert!(
            xml.contains("Position de MAR : préfère la variante B"),
            "{xml}"
        );
        assert!(!xml.contains("<w:bidi"), "French is left to right");
    }

    #[test]
    fn every_run_names_its_languages_and_arabic_runs_are_right_to_left() {
        // The Latin-script language, then the complex-script one, whichever the document's.
        for language in ["ar", "fr"] {
            let docx = draft_docx(&views().draft, language, &provenance()).unwrap();
            let xml = document_xml(&docx);
            let read = runs(&xml);
            for run in &read {
                assert_eq!(run.lang, lang("fr", "ar"), "{language}: {run:?}");
                assert_eq!(run.rtl, has_right_to_left(&run.text), "{language}: {run:?}");
            }
            // The Arabic version shows French fallbacks, in left-to-right runs.
            let arabic = read.iter().any(|r| r.text.contains(ARABIC_TEXT) && r.rtl);
            assert_eq!(arabic, language == "ar", "{xml}");
            assert!(read.iter().any(|r| !r.rtl));
            assert_eq!(xml.contains("<w:bidi"), language == "ar");
            // Text typed into the document in Word is in the same languages.
            let styles = part(&docx, "word/styles.xml");
            assert!(
                styles.contains("<w:lang w:val=\"fr\" w:bidi=\"ar\"/></w:rPr></w:rPrDefault>"),
                "{styles}"
            );
        }
        let arabic = draft_docx(&views().draft, "ar", &provenance()).unwrap();
        assert!(document_xml(&arabic).contains("لا توجد بعد صيغة لهذا البند باللغة العربية"));
    }

    #[test]
    fn the_core_properties_are_the_ledger_s() {
        let docx = draft_docx(&views().draft, "ar", &provenance()).unwrap();
        let core = part(&docx, "docProps/core.xml");
        for expected in [
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-03-02T08:15:00Z</dcterms:created>",
            "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2026-05-28T16:40:05Z</dcterms:modified>",
            "<dc:creator>Pacta — neg-1</dc:creator>",
            "<cp:lastModifiedBy>Pacta — neg-1</cp:lastModifiedBy>",
            "<dc:language>ar</dc:language>",
            // No Arabic title in the sample: the reference one, escaped.
            "<dc:title>Mémorandum &quot;TIP&quot; &lt;CIV &amp; MAR&gt;</dc:title>",
        ] {
            assert!(core.contains(expected), "{expected} in {core}");
        }
        let unstamped = draft_docx(&views().draft, "fr", &Provenance::default()).unwrap();
        let core = part(&unstamped, "docProps/core.xml");
        assert!(
            !core.contains("dcterms:created"),
            "no date is invented: {core}"
        );
    }

    #[test]
    fn every_page_has_a_header_naming_the_text_and_a_numbered_footer() {
        let docx = draft_docx(&views().draft, "fr", &provenance()).unwrap();
        let header = runs(&part(&docx, "word/header1.xml"));
        let header_text: String = header.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            header_text,
            "Document de travail — Mémorandum \"TIP\" <CIV & MAR>, texte original, \
             état au 28 mai 2026"
        );
        let footer_xml = part(&docx, "word/footer1.xml");
        assert!(
            footer_xml.contains("<w:instrText>PAGE</w:instrText>"),
            "{footer_xml}"
        );
        assert!(
            footer_xml.contains("<w:instrText>NUMPAGES</w:instrText>"),
            "{footer_xml}"
        );
        let footer: String = runs(&footer_xml).iter().map(|r| r.text.as_str()).collect();
        // Each field's code, then its cached value ("1"), where Word puts the numbers.
        assert_eq!(footer, "Page PAGE1 sur NUMPAGES1");
        let arabic = draft_docx(&views().draft, "ar", &provenance()).unwrap();
        let footer = runs(&part(&arabic, "word/footer1.xml"));
        assert!(footer.iter().any(|r| r.text.contains("الصفحة") && r.rtl));
        assert!(footer.iter().all(|r| r.lang == lang("fr", "ar")));
        let header: String = runs(&part(&arabic, "word/header1.xml"))
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert!(header.starts_with("وثيقة عمل — "), "{header}");
        assert!(header.ends_with("الحالة في 28 ماي 2026"), "{header}");
    }

    /// The document's text with Word's "accept all" (`accept`) or "reject all" applied: the
    /// deleted or the inserted runs left out, one paragraph a line.
    fn resolved(xml: &str, accept: bool) -> String {
        let left_out: &[u8] = if accept { b"w:del" } else { b"w:ins" };
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut text, mut skipping, mut marked) = (String::new(), 0usize, false);
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) if e.name().as_ref() == left_out => skipping += 1,
                Event::End(e) if e.name().as_ref() == left_out => skipping -= 1,
                // A paragraph mark tracked as the side left out goes with its paragraph.
                Event::Empty(e) if e.name().as_ref() == left_out => marked = true,
                Event::Empty(e) if e.name().as_ref() == b"w:br" && skipping == 0 => text.push('\n'),
                Event::Text(t) if skipping == 0 => text.push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) if skipping == 0 => text
                    .push_str(quick_xml::escape::resolve_xml_entity(&r.decode().unwrap()).unwrap()),
                Event::End(e) if e.name().as_ref() == b"w:p" => {
                    let gone = std::mem::take(&mut marked);
                    if !gone {
                        text.push('\n');
                    }
                }
                Event::Eof => return text,
                _ => {}
            }
        }
    }

    fn tracked_clause(
        change: ClauseChange,
        (old_title, new_title): (&str, &str),
        (old, new): (&str, &str),
    ) -> TrackedClause {
        TrackedClause {
            change,
            title: phrases(&word_diff(old_title, new_title)),
            text: phrases(&word_diff(old, new)),
            language: "fr".into(),
            changed_by: (old_title != new_title || old != new).then(|| Reviser {
                author: "Koffi Yao (CIV)".into(),
                date: date(2026, 9, 1),
            }),
            notes: Vec::new(),
            comments: Vec::new(),
        }
    }

    #[test]
    fn a_redline_is_the_whole_text_with_tracked_changes_by_their_author() {
        let mut mobility = tracked_clause(
            ClauseChange::Changed,
            ("Article 2 — Mobilité", "Article 2 — Mobilité"),
            (
                "Les étudiants de licence peuvent postuler.\nLes bourses sont annuelles.",
                "Les étudiants & doctorants peuvent postuler.\nLes bourses sont annuelles.",
            ),
        );
        mobility.comments.push(SharedComment {
            author: "Amina Benali (MAR)".into(),
            date: date(2026, 9, 2),
            text: "تحفظ على الصياغة".into(),
        });
        let redline = RedlineDocument {
            title: "Accord <ES>".into(),
            language: "fr".into(),
            revisions: (0, 1),
            provenance: provenance(),
            clauses: vec![
                tracked_clause(
                    ClauseChange::Unchanged,
                    ("Article premier — Objet", "Article premier — Objet"),
                    ("Les Parties coopèrent.", "Les Parties coopèrent."),
                ),
                mobility,
                tracked_clause(
                    ClauseChange::Added,
                    ("", "Article 3 — Durée"),
                    ("", "Cinq ans."),
                ),
                tracked_clause(
                    ClauseChange::Removed,
                    ("Article 4 — Fin", ""),
                    ("Dénonciation.", ""),
                ),
            ],
        };
        let docx = redline_docx(&redline).unwrap();
        let xml = document_xml(&docx);
        assert_eq!(
            resolved(&xml, true),
            "Accord <ES>\nArticle premier — Objet\nLes Parties coopèrent.\nArticle 2 — Mobilité\n\
             Les étudiants & doctorants peuvent postuler.\nLes bourses sont annuelles.\n\
             Article 3 — Durée\nCinq ans.\n"
        );
        assert_eq!(
            resolved(&xml, false),
            "Accord <ES>\nArticle premier — Objet\nLes Parties coopèrent.\nArticle 2 — Mobilité\n\
             Les étudiants de licence peuvent postuler.\nLes bourses sont annuelles.\n\
             Article 4 — Fin\nDénonciation.\n"
        );
        assert!(xml.contains("w:author=\"Koffi Yao (CIV)\" w:date=\"2026-09-01T00:00:00Z\""));
        assert!(xml.contains("<w:delText xml:space=\"preserve\">de licence</w:delText>"));
        assert!(!xml.contains("<w:bidi"), "French is left to right");
        // The shared comment, on the clause's text, by its author; right to left as Arabic.
        let comments = part(&docx, "word/comments.xml");
        assert!(
            comments.contains("w:author=\"Amina Benali (MAR)\" w:date=\"2026-09-02T00:00:00Z\""),
            "{comments}"
        );
        assert!(runs(&comments)
            .iter()
            .any(|r| r.text == "تحفظ على الصياغة" && r.rtl));
        assert!(xml.contains("<w:commentRangeStart w:id=\"1\""), "{xml}");
        assert!(xml.contains("<w:commentReference w:id=\"1\""), "{xml}");
        let header: String = runs(&part(&docx, "word/header1.xml"))
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(
            header,
            "Comparaison — Accord <ES>, texte original → révision 1, état au 28 mai 2026"
        );
    }

    /// The sample instrument, then Koffi Yao, accredited for CIV, amends its first article and
    /// comments on it (once for everyone, once for his own delegation only), each act stamped.
    fn amended() -> (Vec<EventEnvelope<Negotiation>>, usize) {
        let mut events = instrument_events(true);
        let before = events.len();
        let heading = "Objet & portée";
        let text = "Les Parties coopèrent étroitement.";
        let comment = |text: &str, internal| NegotiationEvent::Commented {
            clause_id: Some("art-objet".into()),
            text: text.into(),
            internal,
        };
        let acts = [
            NegotiationEvent::DelegateAccredited {
                delegate: Delegate {
                    person: "koffi.yao".into(),
                    name: "Koffi Yao".into(),
                    party: "CIV".into(),
                    role: Role::Negotiator,
                    signing: None,
                },
            },
            NegotiationEvent::ClauseAmended {
                clause_id: "art-objet".into(),
                base_text_hash: clause_text_hash(heading, "fr", TRICKY_TEXT),
                heading: heading.into(),
                language: "fr".into(),
                text: text.into(),
                text_hash: clause_text_hash(heading, "fr", text),
                amended_by: Some("CIV".into()),
            },
            comment("Pour tous.", false),
            comment("Pour la délégation ivoirienne seulement.", true),
        ];
        for (index, payload) in acts.into_iter().enumerate() {
            events.push(EventEnvelope {
                aggregate_id: "neg-1".into(),
                sequence: events.len() + 1,
                payload,
                metadata: [
                    (metadata::ACTOR, "koffi.yao".to_string()),
                    (metadata::PARTY, "CIV".to_string()),
                    (metadata::RECORDED_AT, format!("2026-09-1{index}T10:00:00Z")),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            });
        }
        (events, before)
    }

    #[test]
    fn a_redline_document_names_the_delegate_and_keeps_shared_comments_only() {
        let (events, before) = amended();
        let view = crate::redline(
            &events,
            &Point::Sequence(before),
            &Point::Sequence(events.len()),
        )
        .unwrap();
        let document = RedlineDocument::new(&events, &view, "fr").unwrap();
        assert_eq!(document.clauses.len(), view.clauses.len(), "the whole text");
        let purpose = document
            .clauses
            .iter()
            .find(|c| c.change == ClauseChange::Changed)
            .expect("the amended article");
        assert_eq!(
            purpose.changed_by,
            Some(Reviser {
                author: "Koffi Yao (CIV)".into(),
                date: date(2026, 9, 11),
            })
        );
        assert_eq!(
            purpose.comments,
            [SharedComment {
                author: "Koffi Yao (CIV)".into(),
                date: date(2026, 9, 12),
                text: "Pour tous.".into(),
            }]
        );
        let untouched = document.clauses.iter().filter(|c| c.changed_by.is_none());
        assert_eq!(untouched.count(), document.clauses.len() - 1);
        assert_eq!(document.provenance.as_of_at, "2026-09-13T10:00:00Z");
        let comments = part(&redline_docx(&document).unwrap(), "word/comments.xml");
        assert!(comments.contains("Pour tous."));
        assert!(
            !comments.contains("seulement"),
            "an internal comment stays internal"
        );
    }

    /// The sample instrument, adopted and signed, in `language`.
    fn signed_instrument(language: &str) -> Instrument {
        let events = instrument_events(true);
        let draft = crate::draft("neg-1", &events);
        let agreement = crate::agreement_state("neg-1", &events, None);
        let signed = super::super::signings(&events, draft.revision);
        let source = super::super::InstrumentSource {
            draft: &draft,
            agreement: &agreement,
            signings: &signed,
            alternat: None,
        };
        Instrument::new(&source, language).unwrap()
    }

    /// A table of `xml` as a parser reads it: whether its properties hold `w:bidiVisual` and
    /// any border, and the text of each cell, row by row.
    #[derive(Debug, Default)]
    struct ReadTable {
        bidi_visual: bool,
        borders: Vec<String>,
        rows: Vec<Vec<String>>,
    }

    fn tables(xml: &str) -> Vec<ReadTable> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut tables, mut path): (Vec<ReadTable>, Vec<String>) = (Vec::new(), Vec::new());
        let name = |e: &quick_xml::events::BytesStart| {
            String::from_utf8(e.name().as_ref().to_vec()).unwrap()
        };
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    let element = name(&e);
                    let table = tables.last_mut();
                    match (element.as_str(), table) {
                        ("w:tbl", _) => tables.push(ReadTable::default()),
                        ("w:tr", Some(t)) => t.rows.push(Vec::new()),
                        ("w:tc", Some(t)) => t.rows.last_mut().unwrap().push(String::new()),
                        _ => {}
                    }
                    path.push(element);
                }
                Event::End(e) => {
                    path.pop();
                    let cell = tables
                        .last_mut()
                        .and_then(|t| t.rows.last_mut())
                        .and_then(|r| r.last_mut());
                    if let (b"w:p", Some(cell)) = (e.name().as_ref(), cell) {
                        cell.push('\n');
                    }
                }
                Event::Empty(e) => {
                    let element = name(&e);
                    let in_borders = path.last().is_some_and(|p| p == "w:tblBorders");
                    if let Some(table) = tables.last_mut() {
                        if element == "w:bidiVisual" {
                            table.bidi_visual = true;
                        } else if in_borders {
                            table.borders.push(element);
                        }
                    }
                }
                Event::Text(t) if path.last().is_some_and(|p| p == "w:t") => {
                    let cell = tables
                        .last_mut()
                        .and_then(|t| t.rows.last_mut())
                        .and_then(|r| r.last_mut());
                    if let Some(cell) = cell {
                        cell.push_str(&t.decode().unwrap());
                    }
                }
                Event::GeneralRef(r) if path.last().is_some_and(|p| p == "w:t") => {
                    let cell = tables
                        .last_mut()
                        .and_then(|t| t.rows.last_mut())
                        .and_then(|r| r.last_mut());
                    if let Some(cell) = cell {
                        let entity = r.decode().unwrap();
                        cell.push_str(quick_xml::escape::resolve_xml_entity(&entity).unwrap());
                    }
                }
                Event::Eof => return tables,
                _ => {}
            }
        }
    }

    #[test]
    fn the_signature_blocks_stand_side_by_side_in_a_borderless_table() {
        for language in ["fr", "ar"] {
            let instrument = signed_instrument(language);
            let xml = document_xml(&instrument_docx(&instrument, &provenance()).unwrap());
            let tables = tables(&xml);
            assert_eq!(
                tables.len(),
                1,
                "{language}: the signature blocks only: {xml}"
            );
            let table = &tables[0];
            assert!(table.borders.is_empty(), "{language}: {:?}", table.borders);
            assert_eq!(table.rows.len(), 1, "{language}: one row: {table:?}");
            let cells = &table.rows[0];
            assert_eq!(cells.len(), instrument.signature_blocks.len(), "{table:?}");
            assert_eq!(cells.len(), 2, "one cell a party");
            // The first party's cell first: read from the right in Arabic (w:bidiVisual).
            for (cell, block) in cells.iter().zip(&instrument.signature_blocks) {
                let lines: Vec<&str> = cell.lines().filter(|l| !l.is_empty()).collect();
                assert_eq!(
                    lines,
                    [
                        block.for_party.as_str(),
                        &block.name,
                        &block.title,
                        &block.place_and_date
                    ],
                    "{language}"
                );
            }
            assert_eq!(table.bidi_visual, language == "ar", "{language}");
        }
        let french = signed_instrument("fr");
        assert_eq!(french.signature_blocks[0].name, CIV_SIGNATORY);
        assert_eq!(french.signature_blocks[1].name, MAR_SIGNATORY);
    }
}
