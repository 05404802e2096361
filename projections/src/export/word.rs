//! What makes a Word document more than its paragraphs: the language of every run (`w:lang`, and
//! `w:rtl` on right-to-left text), the document's properties (`docProps/core.xml`) from the
//! ledger, and the package itself.
//!
//! docx-rs writes neither `w:lang` nor `w:rtl`, and no title, creator or language in core.xml, so
//! [`package`] finishes the parts docx-rs builds: it rewrites the run properties of every run of
//! the document, its headers, footers and comments with quick-xml, and writes core.xml itself.
//! Pure like every exporter: the dates are the ledger's, passed in through [`Provenance`].

use std::io::Cursor;

use chrono::{DateTime, SecondsFormat, Utc};
use cqrs_es::EventEnvelope;
use docx_rs::Docx;
use pacta_domain::{metadata, Negotiation};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};

use super::{is_right_to_left, ExportError};
use crate::Draft;

/// Where a document stands in its negotiation's ledger: what its properties and running header
/// say of it. Made from the events by [`Provenance::of`]; an exporter reads no clock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    pub negotiation_id: String,
    /// The negotiation's authentic languages (BCP 47): each run's `w:lang` names the document's
    /// language and, for text in the other script, the negotiation's language written in it.
    pub languages: Vec<String>,
    /// The revision whose text the document shows (0: the original instrument).
    pub revision: u32,
    /// When the ledger recorded the negotiation's first event (RFC 3339; empty if unstamped):
    /// the document's creation date.
    pub opened_at: String,
    /// When the ledger recorded the last event the document reflects: its modification date,
    /// and the day its header says the text stood.
    pub as_of_at: String,
}

impl Provenance {
    /// The provenance of `draft`, folded from `events` (the negotiation's, from its first).
    pub fn of(draft: &Draft, events: &[EventEnvelope<Negotiation>]) -> Provenance {
        let recorded_at = |event: Option<&EventEnvelope<Negotiation>>| {
            event
                .and_then(|e| e.metadata.get(metadata::RECORDED_AT))
                .cloned()
                .unwrap_or_default()
        };
        Provenance {
            negotiation_id: draft.negotiation_id.clone(),
            languages: draft.languages.clone(),
            revision: draft.revision,
            opened_at: recorded_at(events.first()),
            as_of_at: recorded_at(events.iter().find(|e| e.sequence == draft.as_of_sequence)),
        }
    }

    /// `dc:creator` and `cp:lastModifiedBy`: the ledger that made the document and the
    /// negotiation it is of. Not a delegation: the text is the parties' joint work, and naming
    /// one of them as its author would misattribute it.
    pub fn creator(&self) -> String {
        format!("Pacta — {}", self.negotiation_id)
    }
}

/// An instant as W3CDTF in UTC, as Word writes core properties; `None` when it cannot be read.
pub(crate) fn utc(instant: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(instant).ok().map(|t| {
        t.with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    })
}

/// Whether `text` holds a letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana,
/// N'Ko and their presentation forms): such a run is marked `w:rtl`, so Word shapes and orders
/// it as complex script.
pub(crate) fn has_right_to_left(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
    })
}

/// The languages every run names in `w:lang`: `w:val` for text in Latin (and other
/// left-to-right, non-East-Asian) script, `w:bidi` for complex-script text (ECMA-376 Part 1,
/// 17.3.2.20). The document's own language fills its side; the other side is the negotiation's
/// first authentic language written that way, so an Arabic name in the French version is
/// proofed as Arabic. Tags are the ledger's BCP 47 tags, which `w:lang` takes as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LanguageTags {
    latin: Option<String>,
    complex: Option<String>,
}

impl LanguageTags {
    fn new(language: &str, authentic: &[String]) -> LanguageTags {
        let side = |right_to_left: bool| {
            std::iter::once(language)
                .chain(authentic.iter().map(String::as_str))
                .find(|tag| !tag.is_empty() && is_right_to_left(tag) == right_to_left)
                .map(str::to_string)
        };
        LanguageTags {
            latin: side(false),
            complex: side(true),
        }
    }

    /// What a run's properties gain: `w:rtl` for right-to-left text, then `w:lang`.
    fn properties(&self, right_to_left: bool) -> Vec<Event<'static>> {
        let mut lang = BytesStart::new("w:lang");
        if let Some(latin) = &self.latin {
            lang.push_attribute(("w:val", latin.as_str()));
        }
        if let Some(complex) = &self.complex {
            lang.push_attribute(("w:bidi", complex.as_str()));
        }
        let rtl = right_to_left.then(|| Event::Empty(BytesStart::new("w:rtl")));
        rtl.into_iter().chain([Event::Empty(lang)]).collect()
    }
}

/// What a document's core properties say besides its dates, which are its [`Provenance`]'s.
pub(crate) struct Properties<'a> {
    /// The instrument's title in the document's language.
    pub title: &'a str,
    /// The document's language (BCP 47).
    pub language: &'a str,
    pub provenance: &'a Provenance,
}

/// The bytes of the .docx `document` builds to, each run naming its language and direction,
/// each table of a right-to-left document read from the right, and core.xml written from
/// `properties`.
pub(crate) fn package(document: Docx, properties: &Properties) -> Result<Vec<u8>, ExportError> {
    let tags = LanguageTags::new(properties.language, &properties.provenance.languages);
    let mut xml = document.build();
    xml.document = with_languages(&xml.document, &tags, is_right_to_left(properties.language))?;
    xml.styles = with_languages(&xml.styles, &tags, false)?;
    xml.comments = with_languages(&xml.comments, &tags, false)?;
    for part in xml.headers.iter_mut().chain(xml.footers.iter_mut()) {
        *part = with_languages(part, &tags, false)?;
    }
    xml.doc_props.core = core_properties(properties)?;
    let mut bytes = Cursor::new(Vec::new());
    xml.pack(&mut bytes).map_err(|e| docx_error(&e))?;
    Ok(bytes.into_inner())
}

fn emit(out: &mut Writer<Vec<u8>>, event: Event<'_>) -> Result<(), ExportError> {
    out.write_event(event).map_err(|e| docx_error(&e))
}

fn docx_error(error: &dyn std::fmt::Display) -> ExportError {
    ExportError::Docx(error.to_string())
}

/// `part` (an XML part docx-rs built) with every run's properties (`w:r/w:rPr`) naming its
/// languages, and `w:rtl` where the run holds right-to-left text; the document defaults
/// (`w:rPrDefault/w:rPr`, in styles.xml) name the languages too, for text added in Word.
/// `right_to_left_tables`: every table's properties gain `w:bidiVisual`, so its first column is
/// on the right (docx-rs cannot say so): signature blocks and bilingual columns then follow
/// the reading order of a right-to-left document.
fn with_languages(
    part: &[u8],
    tags: &LanguageTags,
    right_to_left_tables: bool,
) -> Result<Vec<u8>, ExportError> {
    let events = read_events(part)?;
    let mut out = Writer::new(Vec::with_capacity(part.len()));
    let mut write = |event: Event<'static>| emit(&mut out, event);
    let mut index = 0;
    while let Some(event) = events.get(index) {
        index += 1;
        let owner = match event {
            Event::Start(e) if e.name().as_ref() == b"w:r" => Some(true),
            Event::Start(e) if e.name().as_ref() == b"w:rPrDefault" => Some(false),
            _ => None,
        };
        write(event.clone())?;
        if right_to_left_tables {
            if let Event::Start(e) = event {
                if e.name().as_ref() == b"w:tblPr" {
                    // First in w:tblPr: the schema puts it before the width and borders
                    // docx-rs writes.
                    write(Event::Empty(BytesStart::new("w:bidiVisual")))?;
                }
            }
        }
        let Some(is_run) = owner else { continue };
        let added = tags.properties(is_run && run_is_right_to_left(&events[index..]));
        match events.get(index) {
            Some(Event::Empty(e)) if e.name().as_ref() == b"w:rPr" => {
                index += 1;
                write(Event::Start(BytesStart::new("w:rPr")))?;
                for property in added {
                    write(property)?;
                }
                write(Event::End(BytesEnd::new("w:rPr")))?;
            }
            Some(Event::Start(e)) if e.name().as_ref() == b"w:rPr" => {
                write(events[index].clone())?;
                index += 1;
                // Last among the properties: docx-rs writes the others out of the schema's
                // order (ECMA-376 Part 1, 17.3.2.28) already, so no position would be exact.
                let mut depth = 0usize;
                loop {
                    let Some(child) = events.get(index) else {
                        return Err(docx_error(&"a w:rPr is not closed"));
                    };
                    index += 1;
                    match child {
                        Event::Start(_) => depth += 1,
                        Event::End(_) if depth == 0 => {
                            for property in added {
                                write(property)?;
                            }
                            write(child.clone())?;
                            break;
                        }
                        Event::End(_) => depth -= 1,
                        _ => {}
                    }
                    write(child.clone())?;
                }
            }
            _ => {
                write(Event::Start(BytesStart::new("w:rPr")))?;
                for property in added {
                    write(property)?;
                }
                write(Event::End(BytesEnd::new("w:rPr")))?;
            }
        }
    }
    Ok(out.into_inner())
}

/// Whether the run whose content `rest` begins with holds right-to-left text.
fn run_is_right_to_left(rest: &[Event]) -> bool {
    let mut depth = 0usize;
    for event in rest {
        match event {
            Event::Start(e) if e.name().as_ref() == b"w:r" => depth += 1,
            Event::End(e) if e.name().as_ref() == b"w:r" => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
            }
            Event::Text(text) if std::str::from_utf8(text).is_ok_and(has_right_to_left) => {
                return true
            }
            _ => {}
        }
    }
    false
}

fn read_events(part: &[u8]) -> Result<Vec<Event<'static>>, ExportError> {
    let mut reader = Reader::from_reader(part);
    reader.config_mut().check_end_names = true;
    let mut events = Vec::new();
    let mut buffer = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buffer)
            .map_err(|e| docx_error(&e))?
        {
            Event::Eof => return Ok(events),
            event => events.push(event.into_owned()),
        }
        buffer.clear();
    }
}

/// docProps/core.xml: title, creator, language, and the ledger's dates where it stamped them
/// (an unstamped date is left out rather than invented).
fn core_properties(properties: &Properties) -> Result<Vec<u8>, ExportError> {
    let provenance = properties.provenance;
    let creator = provenance.creator();
    let mut out = Writer::new(Vec::new());
    emit(
        &mut out,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))),
    )?;
    let mut root = BytesStart::new("cp:coreProperties");
    for (name, namespace) in [
        (
            "xmlns:cp",
            "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        ),
        ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ("xmlns:dcterms", "http://purl.org/dc/terms/"),
        ("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
    ] {
        root.push_attribute((name, namespace));
    }
    emit(&mut out, Event::Start(root))?;
    // (element, value, whether it is a W3CDTF date)
    let elements = [
        ("dc:title", Some(properties.title.to_string()), false),
        ("dc:creator", Some(creator.clone()), false),
        ("cp:lastModifiedBy", Some(creator), false),
        ("dc:language", Some(properties.language.to_string()), false),
        ("dcterms:created", utc(&provenance.opened_at), true),
        ("dcterms:modified", utc(&provenance.as_of_at), true),
    ];
    for (name, value, dated) in elements {
        let Some(value) = value else { continue };
        let mut start = BytesStart::new(name);
        if dated {
            start.push_attribute(("xsi:type", "dcterms:W3CDTF"));
        }
        emit(&mut out, Event::Start(start))?;
        emit(&mut out, Event::Text(BytesText::new(&value)))?;
        emit(&mut out, Event::End(BytesEnd::new(name)))?;
    }
    emit(&mut out, Event::End(BytesEnd::new("cp:coreProperties")))?;
    Ok(out.into_inner())
}
