//! Word documents of the demo, read back with a zip reader and an XML parser: `pacta export
//! --format docx` names every run's languages (`w:lang`, `w:rtl` on Arabic text), carries the
//! ledger's dates, title and creator in its core properties, and a header and page-numbered
//! footer on every page; `pacta redline --format docx` is the whole text, whose "accept all" is
//! the later text and "reject all" the earlier, clause by clause, every tracked change by a
//! delegate of the register with their party, and the shared comments in between as Word
//! comments by their authors.

use std::collections::BTreeSet;
use std::io::Cursor;

use cqrs_es::EventEnvelope;
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_domain::{metadata, Negotiation, NegotiationEvent};
use pacta_projections::{draft, events_at, redline, ClauseChange, Draft, Point};
use quick_xml::events::{BytesStart, Event};

use crate::common::cli::ok;
use crate::common::{Backend, TestStore};

/// One part of a .docx file, as text.
fn part(file: &std::path::Path, name: &str) -> String {
    let bytes = std::fs::read(file).expect("the .docx was written");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a .docx is a zip archive");
    let part = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the .docx"));
    std::io::read_to_string(part).expect("UTF-8 XML")
}

fn attribute(element: &BytesStart, name: &str) -> Option<String> {
    element
        .try_get_attribute(name)
        .expect("well-formed attributes")
        .map(|a| {
            let raw = String::from_utf8(a.value.to_vec()).expect("UTF-8");
            quick_xml::escape::unescape(&raw)
                .expect("XML's entities")
                .into_owned()
        })
}

/// Each `w:comment` of comments.xml: its author, date and text.
fn comments(xml: &str) -> Vec<(String, String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut comments: Vec<(String, String, String)> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().as_ref() == b"w:comment" => comments.push((
                attribute(&e, "w:author").expect("a comment's author"),
                attribute(&e, "w:date").expect("a comment's date"),
                String::new(),
            )),
            Event::Text(t) => {
                if let Some(comment) = comments.last_mut() {
                    comment.2.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(comment) = comments.last_mut() {
                    let name = r.decode().unwrap();
                    comment
                        .2
                        .push_str(quick_xml::escape::resolve_xml_entity(&name).unwrap());
                }
            }
            Event::Eof => return comments,
            _ => {}
        }
    }
}

/// A paragraph of document.xml as Word's "accept all" and "reject all" leave it: `None` when
/// its mark is a tracked insertion (rejected) or deletion (accepted), so it goes altogether.
#[derive(Debug, Default)]
struct Resolved {
    accepted: Option<String>,
    rejected: Option<String>,
}

/// A run read: its text, whether it is marked `w:rtl`, its `w:lang` (val, bidi).
#[derive(Debug, Default)]
struct ReadRun {
    text: String,
    rtl: bool,
    lang: Option<(Option<String>, Option<String>)>,
}

/// A paragraph being read: its accepted and rejected text, and whether its mark is a tracked
/// insertion or deletion.
type Reading = Option<(String, String, bool, bool)>;

/// `text` into the paragraph being read, on the sides that keep it.
fn push_text(text: &str, inserted: usize, deleted: usize, paragraph: &mut Reading) {
    if let Some((accepted, rejected, _, _)) = paragraph.as_mut() {
        if deleted == 0 {
            accepted.push_str(text);
        }
        if inserted == 0 {
            rejected.push_str(text);
        }
    }
}

/// What a parser reads of a part: its paragraphs resolved, its runs, and the authors and
/// dates of its tracked changes.
#[derive(Debug, Default)]
struct Read {
    paragraphs: Vec<Resolved>,
    runs: Vec<ReadRun>,
    revisions: Vec<(String, String)>,
    comment_anchors: usize,
}

fn read(xml: &str) -> Read {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out = Read::default();
    let (mut inserted, mut deleted) = (0usize, 0usize);
    let mut paragraph: Reading = None;
    let mut run: Option<ReadRun> = None;
    let mut in_properties = false;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    b"w:p" => paragraph = Some(Default::default()),
                    b"w:pPr" => in_properties = true,
                    b"w:r" if !empty => run = Some(ReadRun::default()),
                    b"w:ins" | b"w:del" => {
                        let author = attribute(e, "w:author").expect("a tracked change's author");
                        let date = attribute(e, "w:date").expect("a tracked change's date");
                        out.revisions.push((author, date));
                        let insertion = e.name().as_ref() == b"w:ins";
                        match (empty, in_properties, paragraph.as_mut()) {
                            // The paragraph mark's own change.
                            (true, true, Some(p)) if insertion => p.2 = true,
                            (true, true, Some(p)) => p.3 = true,
                            (false, _, _) if insertion => inserted += 1,
                            (false, _, _) => deleted += 1,
                            _ => {}
                        }
                    }
                    b"w:rtl" => run.as_mut().expect("w:rtl in a run").rtl = true,
                    b"w:lang" => {
                        if let Some(run) = run.as_mut() {
                            run.lang = Some((attribute(e, "w:val"), attribute(e, "w:bidi")));
                        }
                    }
                    b"w:br" => push_text("\n", inserted, deleted, &mut paragraph),
                    b"w:commentRangeStart" => out.comment_anchors += 1,
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:pPr" => in_properties = false,
                b"w:r" => out.runs.extend(run.take()),
                b"w:ins" => inserted -= 1,
                b"w:del" => deleted -= 1,
                b"w:p" => {
                    let (accepted, rejected, mark_inserted, mark_deleted) =
                        paragraph.take().expect("a paragraph ends after it starts");
                    out.paragraphs.push(Resolved {
                        accepted: (!mark_deleted).then_some(accepted),
                        rejected: (!mark_inserted).then_some(rejected),
                    });
                }
                _ => {}
            },
            Event::Text(t) => {
                let text = t.decode().expect("UTF-8 text");
                if let Some(run) = run.as_mut() {
                    run.text.push_str(&text);
                }
                push_text(&text, inserted, deleted, &mut paragraph);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().expect("UTF-8");
                let text = quick_xml::escape::resolve_xml_entity(&name).expect("XML's entities");
                if let Some(run) = run.as_mut() {
                    run.text.push_str(text);
                }
                push_text(text, inserted, deleted, &mut paragraph);
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// Every person of the register as a tracked change or comment names them: "Name (PARTY)".
fn delegates(events: &[EventEnvelope<Negotiation>]) -> BTreeSet<String> {
    let state = Negotiation::replay(events.iter().map(|e| &e.payload));
    events
        .iter()
        .filter_map(|e| match &e.payload {
            NegotiationEvent::DelegateAccredited { delegate } => Some(delegate.person.as_str()),
            // The heads of delegation, named at the opening, are in the register too.
            _ => e.metadata.get(metadata::ACTOR).map(String::as_str),
        })
        .filter_map(|person| state.delegate(person))
        .map(|d| format!("{} ({})", d.name, d.party))
        .collect()
}

/// The instant an event was recorded, as core.xml writes it (UTC, whole seconds).
fn recorded_utc(event: &EventEnvelope<Negotiation>) -> String {
    let recorded = &event.metadata[metadata::RECORDED_AT];
    chrono::DateTime::parse_from_rfc3339(recorded)
        .expect("the ledger stamps RFC 3339")
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

on_both_stores!(the_arabic_docx_names_its_languages_dates_and_pages);

/// `pacta export --format docx --language ar`, working and instrument form, of the MoU.
async fn the_arabic_docx_names_its_languages_dates_and_pages(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let events = store.ledger().events(DEMO_NEGOTIATION).await.unwrap();
    let view = draft(DEMO_NEGOTIATION, &events);
    let arabic_title = &view.titles["ar"];
    let dir = tempfile::tempdir().unwrap();
    for form in ["working", "instrument"] {
        let file = dir.path().join(format!("mou-ar-{form}.docx"));
        let args = [
            "export",
            DEMO_NEGOTIATION,
            "--format",
            "docx",
            "--language",
            "ar",
            "--form",
            form,
            "--out",
            file.to_str().unwrap(),
        ];
        ok(&store, &args);
        let document = read(&part(&file, "word/document.xml"));
        assert!(
            document.runs.len() > 20,
            "{form}: {} runs",
            document.runs.len()
        );
        let arabic = |text: &str| text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
        for run in &document.runs {
            assert_eq!(
                run.lang,
                Some((Some("fr".into()), Some("ar".into()))),
                "{form}: French for Latin text, Arabic for complex script: {run:?}"
            );
            assert_eq!(run.rtl, arabic(&run.text), "{form}: {run:?}");
        }
        assert!(
            document
                .runs
                .iter()
                .any(|r| r.rtl && r.text.contains(arabic_title.as_str())),
            "{form}: the Arabic title, right to left"
        );
        let core = part(&file, "docProps/core.xml");
        let as_of = events
            .iter()
            .find(|e| e.sequence == view.as_of_sequence)
            .unwrap();
        for expected in [
            format!(
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created>",
                recorded_utc(&events[0])
            ),
            format!(
                "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}</dcterms:modified>",
                recorded_utc(as_of)
            ),
            format!("<dc:creator>Pacta — {DEMO_NEGOTIATION}</dc:creator>"),
            format!("<dc:title>{arabic_title}</dc:title>"),
            "<dc:language>ar</dc:language>".to_string(),
        ] {
            assert!(core.contains(&expected), "{form}: {expected} in {core}");
        }
        let header = read(&part(&file, "word/header1.xml"));
        let header_text: String = header.runs.iter().map(|r| r.text.as_str()).collect();
        assert!(
            header_text.contains(arabic_title.as_str()),
            "{form}: {header_text}"
        );
        assert!(header_text.contains("الحالة في"), "{form}: {header_text}");
        let footer = part(&file, "word/footer1.xml");
        assert!(
            footer.contains("<w:instrText>PAGE</w:instrText>"),
            "{form}: {footer}"
        );
        assert!(
            footer.contains("<w:instrText>NUMPAGES</w:instrText>"),
            "{form}: {footer}"
        );
        assert!(footer.contains("الصفحة"), "{form}: {footer}");
    }
}

/// A clause's text at a point, in its reference language, as a reader sees it (cross-references
/// numbered); empty where it is not live.
fn text_at(view: &Draft, clause_id: &str) -> String {
    view.clauses
        .iter()
        .find(|c| c.clause_id == clause_id && c.status != pacta_domain::ClauseStatus::Withdrawn)
        .map(|c| view.rendered_text(c, &c.text, &c.language))
        .unwrap_or_default()
}

/// `pacta redline NEGOTIATION --from FROM --to TO --format docx` read back: accepting every
/// change gives the `to` text of every clause, rejecting every change the `from` text, and
/// every tracked change is by a delegate with their party. Returns the document read.
async fn assert_whole_text_tracked(
    store: &TestStore,
    negotiation: &str,
    (from, to): (&str, &str),
) -> Read {
    let events = store.ledger().events(negotiation).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("redline.docx");
    let args = [
        "redline",
        negotiation,
        "--from",
        from,
        "--to",
        to,
        "--format",
        "docx",
        "--out",
        file.to_str().unwrap(),
    ];
    ok(store, &args);
    let document = read(&part(&file, "word/document.xml"));
    let (from_point, to_point): (Point, Point) = (from.parse().unwrap(), to.parse().unwrap());
    let before = draft(negotiation, events_at(&events, &from_point).unwrap());
    let after = draft(negotiation, events_at(&events, &to_point).unwrap());
    let view = redline(&events, &from_point, &to_point).unwrap();
    // The title, then each clause's title and text: the whole text, unchanged clauses too.
    assert_eq!(document.paragraphs.len(), 1 + 2 * view.clauses.len());
    assert!(view
        .clauses
        .iter()
        .any(|c| c.change == ClauseChange::Unchanged));
    assert!(view
        .clauses
        .iter()
        .any(|c| c.change != ClauseChange::Unchanged));
    for (index, clause) in view.clauses.iter().enumerate() {
        let text = &document.paragraphs[2 + 2 * index];
        let (later, earlier) = (
            text_at(&after, &clause.clause_id),
            text_at(&before, &clause.clause_id),
        );
        let said = format!("{negotiation} {from}→{to} {}", clause.clause_id);
        assert_eq!(
            text.accepted.clone().unwrap_or_default(),
            later,
            "{said}: accept all"
        );
        assert_eq!(
            text.rejected.clone().unwrap_or_default(),
            earlier,
            "{said}: reject all"
        );
    }
    let register = delegates(&events);
    assert!(
        !document.revisions.is_empty(),
        "{negotiation}: tracked changes"
    );
    for (author, date) in &document.revisions {
        assert!(
            register.contains(author),
            "{author} is a delegate with their party: {register:?}"
        );
        assert!(date.ends_with("T00:00:00Z") && date.len() == 20, "{date}");
    }
    document
}

on_both_stores!(a_redline_docx_is_the_whole_text_with_changes_by_delegates);

/// The MoU between its two rounds (Côte d'Ivoire's head chose Morocco's alternative for the
/// data article) and the agreement's revision (Morocco's amendment of the mobility article).
async fn a_redline_docx_is_the_whole_text_with_changes_by_delegates(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    for (negotiation, span, event) in [
        (
            DEMO_NEGOTIATION,
            ("round-1", "round-2"),
            "AlternativeChosen",
        ),
        (
            DEMO_AGREEMENT,
            ("revision:0", "revision:1"),
            "ClauseAmended",
        ),
    ] {
        let events = store.ledger().events(negotiation).await.unwrap();
        let document = assert_whole_text_tracked(&store, negotiation, span).await;
        // The act behind the change: its actor by name, with their party, on the day it took
        // place.
        let act = events
            .iter()
            .rev()
            .find(|e| e.payload.name() == event)
            .expect("the demo's change");
        let state = Negotiation::replay(events.iter().map(|e| &e.payload));
        let actor = state.delegate(&act.metadata[metadata::ACTOR]).unwrap();
        let expected = (
            format!("{} ({})", actor.name, actor.party),
            format!(
                "{}T00:00:00Z",
                pacta_projections::took_place_on(act).unwrap()
            ),
        );
        assert!(
            document.revisions.contains(&expected),
            "{negotiation}: {expected:?} in {:?}",
            document.revisions
        );
    }
}

on_both_stores!(a_redline_docx_carries_the_shared_comments_made_between_its_points);

/// The MoU from just before its first comment to the close of round 1: both shared comments
/// (Morocco's on the data article, IOM's on the committee) are Word comments by their authors.
async fn a_redline_docx_carries_the_shared_comments_made_between_its_points(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let events = store.ledger().events(DEMO_NEGOTIATION).await.unwrap();
    let shared: Vec<&EventEnvelope<Negotiation>> = events
        .iter()
        .filter(|e| {
            matches!(
                e.payload,
                NegotiationEvent::Commented {
                    internal: false,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(shared.len(), 2, "the demo's shared comments");
    let before_first = (shared[0].sequence - 1).to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("round-1.docx");
    let args = [
        "redline",
        DEMO_NEGOTIATION,
        "--from",
        &before_first,
        "--to",
        "round-1",
        "--format",
        "docx",
        "--out",
        file.to_str().unwrap(),
    ];
    ok(&store, &args);
    let document = read(&part(&file, "word/document.xml"));
    assert_eq!(
        document.comment_anchors, 2,
        "each comment anchored on its clause"
    );
    let written = comments(&part(&file, "word/comments.xml"));
    let state = Negotiation::replay(events.iter().map(|e| &e.payload));
    let expected: Vec<(String, String, String)> = shared
        .iter()
        .map(|comment| {
            let NegotiationEvent::Commented { text, .. } = &comment.payload else {
                unreachable!("only comments were kept")
            };
            let actor = state.delegate(&comment.metadata[metadata::ACTOR]).unwrap();
            (
                format!("{} ({})", actor.name, comment.metadata[metadata::PARTY]),
                format!(
                    "{}T00:00:00Z",
                    pacta_projections::took_place_on(comment).unwrap()
                ),
                text.clone(),
            )
        })
        .collect();
    assert_eq!(written, expected);
    // Each on its own clause: its range holds the clause's text.
    let xml = part(&file, "word/document.xml");
    let round_1 = draft(
        DEMO_NEGOTIATION,
        events_at(&events, &"round-1".parse().unwrap()).unwrap(),
    );
    for (index, comment) in shared.iter().enumerate() {
        let NegotiationEvent::Commented {
            clause_id: Some(clause_id),
            ..
        } = &comment.payload
        else {
            unreachable!("the demo's comments are on clauses")
        };
        let id = index + 1;
        let start = xml
            .find(&format!("<w:commentRangeStart w:id=\"{id}\""))
            .expect("the comment's range starts");
        let end = xml
            .find(&format!("<w:commentRangeEnd w:id=\"{id}\""))
            .expect("the comment's range ends");
        let text = text_at(&round_1, clause_id);
        let first_line = text.lines().next().expect("a clause with text");
        let escaped = quick_xml::escape::escape(first_line);
        assert!(
            xml[start..end].contains(escaped.as_ref()),
            "comment {id} on {clause_id}"
        );
    }
}
