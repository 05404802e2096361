//! The document as data for the Typst layout (`document.typ`): a title and a sequence of blocks,
//! every ledger word a JSON string. The layout places strings as text, so nothing written in a
//! negotiation can become Typst markup or code, whatever characters it holds.

use pacta_projections::export::{
    clause_title, is_right_to_left, wording, Instrument, Passage, WorkingWords,
};
use pacta_projections::Draft;
use serde::Serialize;

/// What `document.typ` reads as `document.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// The document's language as Typst names it (ISO 639: `fr`, `ar`).
    pub lang: String,
    pub rtl: bool,
    /// The PDF's title (its metadata, required by PDF/A's XMP) and the first heading.
    pub title: String,
    pub blocks: Vec<Block>,
}

/// One block of the page, top to bottom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// "PROJET", above the title until every party has adopted the text.
    Marking {
        text: String,
    },
    Title {
        text: String,
    },
    /// An article's or a clause's label and heading.
    Heading {
        text: String,
    },
    /// Paragraphs in one language, which may differ from the document's (a reference wording
    /// shown in place of a missing version).
    Text {
        paragraphs: Vec<String>,
        lang: String,
        rtl: bool,
    },
    /// A note to the reader, or a working clause's status.
    Note {
        text: String,
    },
    List {
        items: Vec<String>,
    },
    /// A bracketed alternative of the working document, set apart from the clause's text.
    Quote {
        title: String,
        paragraphs: Vec<String>,
        lang: String,
        rtl: bool,
    },
    /// The signature blocks side by side: one column of lines per party.
    Signatures {
        columns: Vec<Vec<String>>,
    },
    /// Two language versions side by side, one row a passage (the bilingual document), each
    /// cell in its own language and direction.
    Columns {
        rows: Vec<crate::bilingual::ColumnRow>,
    },
}

/// Typst's `lang` is an ISO 639 code alone: the primary subtag of a BCP 47 tag (`fr` of
/// `fr-CI`), or `und` where it is not one (Typst refuses anything else).
pub fn typst_lang(tag: &str) -> String {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    let is_iso_639 =
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    if is_iso_639 {
        primary.to_ascii_lowercase()
    } else {
        "und".to_string()
    }
}

/// A clause's text as paragraphs: one a line, blank lines dropped (as the other formats do).
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

fn text_block(text: &str, language: &str) -> Block {
    Block::Text {
        paragraphs: paragraphs(text),
        lang: typst_lang(language),
        rtl: is_right_to_left(language),
    }
}

fn passage(blocks: &mut Vec<Block>, passage: &Passage) {
    if !passage.label.is_empty() {
        blocks.push(Block::Heading {
            text: clause_title(&passage.label, &passage.heading),
        });
    }
    if let Some(note) = &passage.note {
        blocks.push(Block::Note { text: note.clone() });
    }
    if !passage.text.trim().is_empty() {
        blocks.push(text_block(&passage.text, &passage.language));
    }
}

/// The instrument form: what `instrument_markdown` shows, laid out as a signed original is.
pub fn instrument_layout(instrument: &Instrument) -> Layout {
    let language = &instrument.language;
    let mut blocks = Vec::new();
    if let Some(marking) = &instrument.draft_marking {
        blocks.push(Block::Marking {
            text: marking.clone(),
        });
    }
    blocks.push(Block::Title {
        text: instrument.title.clone(),
    });
    blocks.extend(
        instrument
            .notes
            .iter()
            .map(|note| Block::Note { text: note.clone() }),
    );
    blocks.push(text_block(&instrument.opening, language));
    for recital in &instrument.recitals {
        passage(&mut blocks, recital);
    }
    blocks.push(text_block(&instrument.agreed, language));
    for article in &instrument.body {
        passage(&mut blocks, article);
    }
    blocks.push(text_block(&instrument.witness, language));
    blocks.push(text_block(&instrument.done, language));
    blocks.push(Block::Signatures {
        columns: instrument
            .signature_blocks
            .iter()
            .map(|b| {
                vec![
                    b.for_party.clone(),
                    b.name.clone(),
                    b.title.clone(),
                    b.place_and_date.clone(),
                ]
            })
            .collect(),
    });
    for annex in &instrument.annexes {
        passage(&mut blocks, annex);
    }
    Layout {
        lang: typst_lang(language),
        rtl: is_right_to_left(language),
        title: instrument.title.clone(),
        blocks,
    }
}

/// The working form in `language` (already checked authentic): what `draft_markdown` shows, its
/// apparatus (statuses, proposers, alternatives, positions) in `language`'s words.
pub fn draft_layout(draft: &Draft, language: &str) -> Layout {
    let words = WorkingWords::new(language);
    let facts = words
        .facts(draft)
        .iter()
        .map(|fact| words.fact_line(fact))
        .collect();
    let mut blocks = vec![
        Block::Title {
            text: draft.title.clone(),
        },
        Block::List { items: facts },
    ];
    for clause in &draft.clauses {
        let shown = wording(draft, clause, language);
        blocks.push(Block::Heading {
            text: clause_title(&shown.label, shown.heading),
        });
        blocks.push(Block::Note {
            text: words.status(clause),
        });
        if let Some(note) = &shown.note {
            blocks.push(Block::Note {
                text: words.note(note),
            });
        }
        blocks.push(text_block(&shown.text, shown.language));
        for alternative in &clause.alternatives {
            let name = words.alternative_name(&alternative.label);
            blocks.push(Block::Quote {
                title: words.alternative_line(&name, &alternative.proposed_by, alternative),
                paragraphs: paragraphs(&alternative.text),
                lang: typst_lang(&alternative.language),
                rtl: is_right_to_left(&alternative.language),
            });
        }
        if !clause.positions.is_empty() {
            blocks.push(Block::List {
                items: clause
                    .positions
                    .iter()
                    .map(|stated| {
                        format!("{} {}", stated.party, words.position_with_rationale(stated))
                    })
                    .collect(),
            });
        }
    }
    Layout {
        lang: typst_lang(language),
        rtl: is_right_to_left(language),
        title: draft.title.clone(),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_lang_keeps_the_primary_subtag_and_refuses_what_typst_would() {
        assert_eq!(typst_lang("fr-CI"), "fr");
        assert_eq!(typst_lang("AR"), "ar");
        assert_eq!(typst_lang("ku-Arab"), "ku");
        assert_eq!(typst_lang("x-private1"), "und");
        assert_eq!(typst_lang(""), "und");
    }

    #[test]
    fn paragraphs_are_the_non_blank_lines_trimmed() {
        assert_eq!(paragraphs("1. a\n\n  2. b  \n"), vec!["1. a", "2. b"]);
    }

    const ARABIC_TEXT: &str = "يتعاون الطرفان في مجال الهجرة.";
    const FRENCH_ONLY: &str = "Chaque Partie désigne un point focal.";
    const ALTERNATIVE: &str = "Chaque Partie désigne deux points focaux.";

    /// A French and Arabic memorandum: an article agreed by both parties with its Arabic
    /// version, and one in French only with MAR's alternative and stated preference for it.
    fn sample_draft() -> Draft {
        use cqrs_es::EventEnvelope;
        use pacta_domain::{clause_text_hash, ClauseKind, NegotiationEvent, Party, Position};

        let opened = serde_json::from_value(serde_json::json!({ "NegotiationOpened": {
            "negotiation_id": "neg-1",
            "title": "Mémorandum d'entente",
            "instrument_kind": "mou",
            "parties": [
                Party::new("CIV", "Côte d'Ivoire", "civ.head", "Chef CIV"),
                Party::new("MAR", "Maroc", "mar.head", "Chef MAR"),
            ],
            "languages": ["fr", "ar"],
        }}))
        .expect("an opening");
        let proposed = |id: &str, heading: &str, text: &str| NegotiationEvent::ClauseProposed {
            clause_id: id.into(),
            kind: ClauseKind::Article,
            heading: heading.into(),
            language: "fr".into(),
            text: text.into(),
            text_hash: clause_text_hash(heading, "fr", text),
            proposed_by: "CIV".into(),
        };
        let purpose = clause_text_hash("Objet", "fr", "Les Parties coopèrent.");
        let agreed = |party: &str| NegotiationEvent::ClauseAgreed {
            clause_id: "art-1".into(),
            party: party.into(),
            text_hash: purpose.clone(),
            ad_referendum: false,
        };
        let events = [
            opened,
            proposed("art-1", "Objet", "Les Parties coopèrent."),
            NegotiationEvent::ClauseTranslated {
                clause_id: "art-1".into(),
                language: "ar".into(),
                heading: "الهدف".into(),
                text: ARABIC_TEXT.into(),
                text_hash: clause_text_hash("الهدف", "ar", ARABIC_TEXT),
                source_text_hash: purpose.clone(),
            },
            agreed("CIV"),
            agreed("MAR"),
            proposed("art-2", "Points focaux", FRENCH_ONLY),
            NegotiationEvent::AlternativeProposed {
                clause_id: "art-2".into(),
                label: "B".into(),
                heading: "Points focaux".into(),
                language: "fr".into(),
                text: ALTERNATIVE.into(),
                text_hash: clause_text_hash("Points focaux", "fr", ALTERNATIVE),
                proposed_by: "MAR".into(),
            },
            NegotiationEvent::PositionStated {
                clause_id: "art-2".into(),
                party: "MAR".into(),
                position: Position::Alternative { label: "B".into() },
                rationale: "Loi 09-08".into(),
            },
        ];
        let envelopes: Vec<EventEnvelope<_>> = events
            .into_iter()
            .enumerate()
            .map(|(index, payload)| EventEnvelope {
                aggregate_id: "neg-1".into(),
                sequence: index + 1,
                payload,
                metadata: Default::default(),
            })
            .collect();
        pacta_projections::draft("neg-1", &envelopes)
    }

    /// Every string of the layout's blocks that the document's words make, in order.
    fn block_strings(layout: &Layout) -> Vec<String> {
        layout
            .blocks
            .iter()
            .flat_map(|block| match block {
                Block::Note { text } | Block::Heading { text } | Block::Title { text } => {
                    vec![text.clone()]
                }
                Block::List { items } => items.clone(),
                Block::Quote { title, .. } => vec![title.clone()],
                // The clauses' wordings are the ledger's.
                _ => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn the_french_working_layout_is_in_french_words() {
        let strings = block_strings(&draft_layout(&sample_draft(), "fr"));
        for expected in [
            "Instrument : Mémorandum d'entente",
            "Parties : Côte d'Ivoire (CIV) et Maroc (MAR)",
            "Texte original (révision 0)",
            "Langue : français (fr) ; langues authentiques : fr, ar",
            "Statut : agréé ; proposé par CIV ; agréé par CIV, MAR",
            "Variante [B], proposée par MAR (fr) :",
            "MAR préfère la variante B — Loi 09-08",
        ] {
            assert!(
                strings.iter().any(|s| s == expected),
                "{expected} in {strings:?}"
            );
        }
        assert!(
            strings
                .iter()
                .any(|s| s.starts_with("Négociation : neg-1 (état à l'événement n° ")),
            "{strings:?}"
        );
    }

    #[test]
    fn the_arabic_working_layout_has_arabic_labels_and_no_latin_one() {
        let draft = sample_draft();
        let layout = draft_layout(&draft, "ar");
        assert!(layout.rtl);
        let strings = block_strings(&layout);
        for expected in [
            "الصك: مذكرة تفاهم",
            "الحالة: متفق عليه؛ اقترحه CIV؛ وافق عليه CIV، MAR",
            "ملاحظة: لا توجد بعد صيغة لهذا البند باللغة العربية؛ أُورد النص المرجعي باللغة \
             الفرنسية.",
            "البديل [B]، اقترحه MAR (fr):",
            "MAR يفضّل البديل B — Loi 09-08",
        ] {
            assert!(
                strings.iter().any(|s| s == expected),
                "{expected} in {strings:?}"
            );
        }
        // Every Latin letter comes from the ledger: the title, names, codes, the id, language
        // tags and the French heading shown in place of a missing version.
        let data = [
            "Mémorandum d'entente",
            "Côte d'Ivoire",
            "Points focaux",
            "Loi 09-08",
            "Maroc",
            "neg-1",
            "CIV",
            "MAR",
            "fr",
            "ar",
            "B",
        ];
        for string in &strings {
            let mut rest = string.clone();
            for datum in data {
                rest = rest.replace(datum, " ");
            }
            let latin: String = rest
                .chars()
                .filter(|c| {
                    c.is_alphabetic() && (c.is_ascii() || ('\u{C0}'..='\u{24F}').contains(c))
                })
                .collect();
            assert!(latin.is_empty(), "Latin letters {latin:?} in {string}");
        }
    }
}
