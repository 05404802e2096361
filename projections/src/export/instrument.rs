//! The instrument form: the text as the parties sign it, in one authentic language, with none of
//! the negotiation's apparatus (statuses, proposers, bracketed alternatives, positions).
//!
//! Title, opening formula naming the parties, preamble, "agreed as follows", the articles and
//! final clauses numbered in the language's convention, testimonium, one signature block per
//! party, then the annexes. Every word around the negotiated text (formulas, month names,
//! language names, notes) is a Fluent message in `projections/locales/{fr,ar,en}/instrument.ftl`,
//! never a string in code; a language without messages of its own gets the English ones.
//! Wordings follow ANATOMY.md (treaty practice); those marked ⚠ in the message files must be
//! confirmed by the parties' treaty offices.
//!
//! [`Instrument`] is the document once, in words; each format only lays it out.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use cqrs_es::EventEnvelope;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use pacta_domain::{
    metadata, ClauseKind, ClauseStatus, InstrumentKind, LanguageStatus, Negotiation,
    NegotiationEvent, Party, PartyKind,
};

use super::{check_authentic, is_right_to_left, wording, ExportError};
use crate::{AgreementState, Draft, DraftClause};

use super::messages::MESSAGES;

/// Which document of a text: the negotiators' working document, or the instrument to sign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// Every clause with its status, proposer, bracketed alternatives and positions: what the
    /// delegations work on. What exports were before forms existed, so the default.
    #[default]
    Working,
    /// The text as signed: formulas, articles, testimonium and signature blocks only.
    Instrument,
}

impl Form {
    pub const ALL: [Form; 2] = [Form::Working, Form::Instrument];

    pub fn name(self) -> &'static str {
        match self {
            Form::Working => "working",
            Form::Instrument => "instrument",
        }
    }
}

/// A name that is not one of [`Form::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a document form (working or instrument)")]
pub struct UnknownForm(pub String);

impl FromStr for Form {
    type Err = UnknownForm;

    fn from_str(name: &str) -> Result<Form, UnknownForm> {
        Form::ALL
            .into_iter()
            .find(|form| form.name() == name)
            .ok_or_else(|| UnknownForm(name.to_string()))
    }
}

/// One party's signature of the text, as its signature block shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signing {
    pub party: String,
    /// The signatory's person id, as the ledger names them.
    pub signatory: String,
    /// The signatory's name, as the register recorded it when they were accredited.
    pub name: String,
    /// Their title or function, where the signature recorded one.
    pub title: Option<String>,
    /// Their title as authentic languages word it (language → title), where recorded.
    pub title_in: BTreeMap<String, String>,
    pub on: NaiveDate,
    /// Where they signed, where the act stated it (`took_place.place`).
    pub place: Option<String>,
    /// The place as authentic languages name it (language → name), where recorded.
    pub place_in: BTreeMap<String, String>,
}

impl Signing {
    /// The title the version in `language` shows: its own wording, else the one recorded.
    pub fn title_for(&self, language: &str) -> Option<&str> {
        self.title_in
            .get(language)
            .or(self.title.as_ref())
            .map(String::as_str)
    }

    /// The place the version in `language` names: its own name for it, else the one stated.
    pub fn place_for(&self, language: &str) -> Option<&str> {
        self.place_in
            .get(language)
            .or(self.place.as_ref())
            .map(String::as_str)
    }
}

/// Each party's signature of `revision`, the last it gave (a signature of a corrected text
/// follows the first), with the signatory's name as accredited and the place of signature
/// where the act stated it: from the events, since the agreement view keeps the signatures of
/// the current revision only and no view records places.
pub fn signings(events: &[EventEnvelope<Negotiation>], revision: u32) -> Vec<Signing> {
    let state = crate::replay(events);
    let mut signings: Vec<Signing> = Vec::new();
    for event in events {
        let NegotiationEvent::InstrumentSigned {
            party,
            signatory,
            revision: signed_revision,
            signed_on,
            signatory_title,
            signatory_title_in,
            place_in,
            ..
        } = &event.payload
        else {
            continue;
        };
        if *signed_revision != revision {
            continue;
        }
        signings.retain(|s| s.party != *party);
        signings.push(Signing {
            party: party.clone(),
            signatory: signatory.clone(),
            name: state
                .delegate(signatory)
                .map_or_else(|| signatory.clone(), |d| d.name.clone()),
            title: signatory_title.clone(),
            title_in: signatory_title_in.clone(),
            on: *signed_on,
            place: event.metadata.get(metadata::TOOK_PLACE_IN).cloned(),
            place_in: place_in.clone(),
        });
    }
    signings
}

/// The views an instrument is made from.
#[derive(Clone, Copy, Debug)]
pub struct InstrumentSource<'a> {
    pub draft: &'a Draft,
    pub agreement: &'a AgreementState,
    pub signings: &'a [Signing],
    /// The party whose original this is (the alternat): named first in the title's parties,
    /// the opening formula and the signature blocks. `None`: the order of the opening.
    pub alternat: Option<&'a str>,
}

/// The instrument in one language, in words: what every format lays out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instrument {
    pub language: String,
    /// "PROJET": set until every party has adopted the text. A treaty office prints drafts
    /// too, so a draft is marked rather than refused.
    pub draft_marking: Option<String>,
    pub title: String,
    /// What the reader must know: a title or a party's name missing in this language.
    pub notes: Vec<String>,
    /// "Le Gouvernement … et le Gouvernement …, ci-après dénommés « les Parties »,".
    pub opening: String,
    pub recitals: Vec<Passage>,
    /// "Sont convenus de ce qui suit :".
    pub agreed: String,
    /// Articles, the headings of parts, chapters and sections, and final clauses, in order.
    pub body: Vec<Passage>,
    /// "En foi de quoi, …".
    pub witness: String,
    /// "Fait à …, le …, en deux exemplaires originaux, …".
    pub done: String,
    pub signature_blocks: Vec<SignatureBlock>,
    pub annexes: Vec<Passage>,
}

/// A recital, article or annex as the instrument shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passage {
    pub clause_id: String,
    pub kind: ClauseKind,
    /// "Article premier", "المادة 2"; empty for a recital.
    pub label: String,
    pub heading: String,
    /// Paragraphs, one a line, numbered where the article has several.
    pub text: String,
    /// The language of `text`: the document's, or the reference language's on fallback.
    pub language: String,
    /// Set when the reference wording stands in for this language's version, or when that
    /// version awaits its concordance check.
    pub note: Option<String>,
}

/// One party's signature block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureBlock {
    /// The party's code, for references (Akoma Ntoso).
    pub party: String,
    /// The signatory's person id, once the party has signed.
    pub signatory: Option<String>,
    /// "Pour le Gouvernement du Royaume du Maroc".
    pub for_party: String,
    /// The signatory's name and title; blank lines until the party has signed.
    pub name: String,
    pub title: String,
    /// "À Rabat, le 28 mai 2026".
    pub place_and_date: String,
    /// The same, as data, where the party has signed.
    pub place: Option<String>,
    pub date: Option<NaiveDate>,
}

impl Instrument {
    /// The instrument in `language`, one of the draft's authentic languages; refused when the
    /// alternat names no party.
    pub fn new(source: &InstrumentSource, language: &str) -> Result<Instrument, ExportError> {
        let draft = source.draft;
        check_authentic(draft, language)?;
        let parties = ordered_parties(draft, source.alternat)?;
        let words = Words::new(language);
        // The opening's title and names are taken to be in its first authentic language.
        let reference = draft.languages.first().map_or(language, String::as_str);
        let mut notes = Vec::new();
        let title = match draft.titles.get(language) {
            Some(title) => title.clone(),
            None => {
                if language != reference {
                    notes.push(words.with(
                        "note-title-missing",
                        &[
                            ("language", words.language_name(language).into()),
                            ("reference", words.language_name(reference).into()),
                        ],
                    ));
                }
                draft.title.clone()
            }
        };
        let governments: Vec<String> = parties
            .iter()
            .map(|party| {
                if !party.names.contains_key(language) && language != reference {
                    notes.push(words.with(
                        "note-name-missing",
                        &[
                            ("name", party.name.clone().into()),
                            ("language", words.language_name(language).into()),
                        ],
                    ));
                }
                words.government(party, language)
            })
            .collect();
        let binding = draft
            .legally_binding
            .unwrap_or(draft.instrument_kind != InstrumentKind::Mou);
        let binding: FluentValue = if binding { "yes" } else { "no" }.into();
        let kind: FluentValue = pacta_domain::variant_name(&draft.instrument_kind).into();
        let count = FluentValue::from(parties.len());
        let opening = sentence(&words.with(
            "opening-formula",
            &[
                ("governments", words.list(governments.clone()).into()),
                ("count", count.clone()),
                ("binding", binding.clone()),
            ],
        ));
        let agreed = words.with(
            "agreed-as-follows",
            &[("count", count.clone()), ("binding", binding.clone())],
        );
        let the_instrument = words.with("the-instrument", &[("kind", kind.clone())]);
        let witness = words.with(
            "testimonium-witness",
            &[
                ("count", count.clone()),
                ("binding", binding.clone()),
                ("instrument", the_instrument.into()),
            ],
        );
        let blank = words.get("blank");
        let signed = |code: &str| source.signings.iter().find(|s| s.party == code);
        let all_signed: Option<Vec<&Signing>> = parties.iter().map(|p| signed(&p.code)).collect();
        // The testimonium states one place and date: those every party signed at, else blanks
        // (parties who sign apart are dated in their own signature blocks).
        let common = |field: &dyn Fn(&Signing) -> Option<String>| {
            let all = all_signed.as_ref()?;
            let first = field(all.first()?)?;
            all.iter()
                .all(|s| field(s).as_deref() == Some(first.as_str()))
                .then_some(first)
        };
        let place =
            common(&|s| s.place_for(language).map(str::to_string)).unwrap_or_else(|| blank.clone());
        let date = common(&|s| Some(words.date(s.on))).unwrap_or_else(|| blank.clone());
        let languages: Vec<String> = draft
            .languages
            .iter()
            .map(|l| words.language_name(l))
            .collect();
        let done = words.with(
            "testimonium-done",
            &[
                ("place", place.into()),
                ("date", date.into()),
                // ⚠ One original per party, as in bilateral practice ("en deux exemplaires
                // originaux"); the ledger does not record the number of originals.
                ("originals", count.clone()),
                ("languages", words.list(languages).into()),
                ("language-count", FluentValue::from(draft.languages.len())),
                ("binding", binding),
                ("kind", kind),
            ],
        );
        let signature_blocks = parties
            .iter()
            .zip(&governments)
            .map(|(party, government)| {
                let signing = signed(&party.code);
                let place = signing.and_then(|s| s.place_for(language));
                let place_and_date = match (signing, place) {
                    (Some(Signing { on, .. }), Some(place)) => words.with(
                        "signature-place-date",
                        &[
                            ("place", place.to_string().into()),
                            ("date", words.date(*on).into()),
                        ],
                    ),
                    (Some(Signing { on, .. }), None) => {
                        words.with("signature-date", &[("date", words.date(*on).into())])
                    }
                    (None, _) => words.with(
                        "signature-place-date",
                        &[
                            ("place", blank.clone().into()),
                            ("date", blank.clone().into()),
                        ],
                    ),
                };
                SignatureBlock {
                    party: party.code.clone(),
                    signatory: signing.map(|s| s.signatory.clone()),
                    for_party: words.with(
                        "signature-for",
                        &[("government", government.clone().into())],
                    ),
                    name: signing.map_or_else(|| blank.clone(), |s| s.name.clone()),
                    title: signing
                        .and_then(|s| s.title_for(language))
                        .map_or_else(|| blank.clone(), str::to_string),
                    place_and_date,
                    place: place.map(str::to_string),
                    date: signing.map(|s| s.on),
                }
            })
            .collect();
        let adopted = draft.revision != source.agreement.revision
            || source.agreement.parties.iter().all(|p| p.adopted);
        let live = draft
            .clauses
            .iter()
            .filter(|c| c.status != ClauseStatus::Withdrawn);
        let passage = |clause: &DraftClause| passage(&words, draft, clause, language);
        Ok(Instrument {
            language: language.to_string(),
            draft_marking: (!adopted).then(|| words.get("draft-marking")),
            title,
            notes,
            opening,
            recitals: live
                .clone()
                .filter(|c| c.kind == ClauseKind::Recital)
                .map(passage)
                .collect(),
            agreed,
            body: live
                .clone()
                .filter(|c| !matches!(c.kind, ClauseKind::Recital | ClauseKind::Annex))
                .map(passage)
                .collect(),
            witness,
            done,
            signature_blocks,
            annexes: live
                .filter(|c| c.kind == ClauseKind::Annex)
                .map(passage)
                .collect(),
        })
    }

    /// Whether the document's language is written right to left.
    pub fn is_right_to_left(&self) -> bool {
        is_right_to_left(&self.language)
    }
}

/// The parties in the order of the opening, or with the alternat's party first.
fn ordered_parties<'a>(
    draft: &'a Draft,
    alternat: Option<&str>,
) -> Result<Vec<&'a Party>, ExportError> {
    let mut parties: Vec<&Party> = draft.parties.iter().collect();
    if let Some(first) = alternat {
        let index = parties
            .iter()
            .position(|p| p.code == first)
            .ok_or_else(|| ExportError::AlternatNotAParty {
                party: first.to_string(),
                parties: draft
                    .parties
                    .iter()
                    .map(|p| p.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let party = parties.remove(index);
        parties.insert(0, party);
    }
    Ok(parties)
}

/// The clause as the instrument shows it, its notes in the document's language.
fn passage(words: &Words, draft: &Draft, clause: &DraftClause, language: &str) -> Passage {
    let shown = wording(draft, clause, language);
    let status = clause
        .languages
        .iter()
        .find(|v| v.language == language)
        .map_or(LanguageStatus::Missing, |v| v.status);
    let label = draft.label_in(clause, language);
    let note_args = || {
        vec![
            ("label", FluentValue::from(label.clone())),
            ("language", words.language_name(language).into()),
            ("reference", words.language_name(&clause.language).into()),
        ]
    };
    let note = match status {
        LanguageStatus::Reference | LanguageStatus::Concordant => None,
        LanguageStatus::Missing => Some(words.with("note-clause-missing", &note_args())),
        LanguageStatus::Stale => Some(words.with("note-clause-stale", &note_args())),
        LanguageStatus::AwaitingConcordance => {
            Some(words.with("note-clause-awaiting", &note_args()))
        }
    };
    Passage {
        clause_id: clause.clause_id.clone(),
        kind: clause.kind,
        label: if clause.kind == ClauseKind::Recital {
            String::new()
        } else {
            shown.label
        },
        heading: shown.heading.to_string(),
        text: shown.text,
        language: shown.language.to_string(),
        note,
    }
}

/// The first character upper-cased: a formula that opens the document opens a sentence.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The messages of one language (the instrument's words, and the .docx header and footer's).
pub(crate) struct Words {
    language: LanguageIdentifier,
}

impl Words {
    /// By the primary subtag (`ar-MA` speaks `ar`); a tag without messages gets English's.
    pub(crate) fn new(language: &str) -> Words {
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        Words {
            language: primary
                .to_ascii_lowercase()
                .parse()
                .unwrap_or_else(|_| "en".parse().expect("'en' is a language identifier")),
        }
    }

    pub(crate) fn get(&self, id: &str) -> String {
        MESSAGES.lookup(&self.language, id)
    }

    pub(crate) fn with(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Owned(name.to_string()), value.clone()))
            .collect();
        MESSAGES.lookup_with_args(&self.language, id, &args)
    }

    /// "française", "العربية"; the tag itself for a language the messages do not name.
    fn language_name(&self, language: &str) -> String {
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        MESSAGES
            .try_lookup(
                &self.language,
                &format!("language-{}", primary.to_lowercase()),
            )
            .unwrap_or_else(|| language.to_string())
    }

    /// "le 1er mars 2026" without its article: "1er mars 2026", "1 مارس 2026".
    pub(crate) fn date(&self, date: NaiveDate) -> String {
        self.with(
            "date",
            &[
                ("day", FluentValue::from(date.day())),
                ("month", self.get(&format!("month-{}", date.month())).into()),
                // A string: a number would be formatted, and a year is not a quantity.
                ("year", date.year().to_string().into()),
            ],
        )
    }

    /// "A et B", "A, B et C", "A وB".
    fn list(&self, items: Vec<String>) -> String {
        let mut items = items.into_iter();
        let Some(mut joined) = items.next() else {
            return String::new();
        };
        let mut rest: Vec<String> = items.collect();
        let last = rest.pop();
        for item in rest {
            joined = self.with(
                "list-more",
                &[("first", joined.into()), ("second", item.into())],
            );
        }
        if let Some(last) = last {
            joined = self.with(
                "list-pair",
                &[("first", joined.into()), ("second", last.into())],
            );
        }
        joined
    }

    /// "le Gouvernement du Royaume du Maroc", "حكومة المملكة المغربية": the party's name in
    /// `language` (its recorded name where none was given), with its first word apart so the
    /// French message can contract "de le" into "du".
    fn government(&self, party: &Party, language: &str) -> String {
        let name = party.name_in(language);
        let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
        let kind = match party.kind {
            PartyKind::State => "state",
            PartyKind::Organisation => "organisation",
        };
        self.with(
            "government-of",
            &[
                ("kind", kind.into()),
                ("name", name.to_string().into()),
                ("first", first.to_string().into()),
                ("rest", rest.to_string().into()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::{
        assert_contains, instrument_events, ARABIC_TEXT, ARABIC_TITLE, CIV_SIGNATORY, CIV_TITLE,
        MAR_SIGNATORY, MAR_TITLE, MAR_TITLE_AR, MISSING_IN_ARABIC, PLACE_AR, TRICKY_TEXT,
    };
    use crate::export::{instrument_docx, instrument_html, instrument_markdown, Provenance};
    use crate::{agreement_state, draft};

    fn instrument_of(
        adopted: bool,
        language: &str,
        alternat: Option<&str>,
    ) -> Result<Instrument, ExportError> {
        let events = instrument_events(adopted);
        let draft = draft("neg-1", &events);
        let agreement = agreement_state("neg-1", &events, None);
        let signed = signings(&events, draft.revision);
        let source = InstrumentSource {
            draft: &draft,
            agreement: &agreement,
            signings: &signed,
            alternat,
        };
        Instrument::new(&source, language)
    }

    fn instrument(language: &str) -> Instrument {
        instrument_of(true, language, None).unwrap()
    }

    /// The text of a .docx's paragraphs, as `w:t` runs hold it.
    fn docx_text(docx: &[u8]) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn the_french_instrument_has_its_formulas_articles_testimonium_and_signature_blocks() {
        let french = instrument("fr");
        assert_eq!(french.title, "Mémorandum \"TIP\" <CIV & MAR>");
        assert_eq!(french.draft_marking, None);
        assert_eq!(
            french.opening,
            "Le Gouvernement de la République de Côte d'Ivoire et le Gouvernement du Royaume \
             du Maroc, ci-après dénommés « les Parties »,"
        );
        assert_eq!(french.agreed, "Sont convenus de ce qui suit :");
        let labels: Vec<&str> = french.body.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["Article premier", "Article 2"]);
        assert_eq!(
            french.done,
            "Fait à Rabat, le 28 mai 2026, en deux exemplaires originaux, en langues française \
             et arabe, les deux textes faisant également foi."
        );
        let page = instrument_markdown(&french);
        assert_contains(
            &page,
            &[
                "## Article premier — Objet \\& portée",
                "## Article 2 — Points focaux",
                "En foi de quoi, les représentants des deux Parties, dûment autorisés à cet effet, \
                 ont signé le présent Mémorandum.",
                "| Pour le Gouvernement de la République de Côte d'Ivoire | Pour le Gouvernement \
                 du Royaume du Maroc |",
                &format!("| {CIV_SIGNATORY} | {MAR_SIGNATORY} |"),
                "| À Rabat, le 28 mai 2026 | À Rabat, le 28 mai 2026 |",
                "Conscients de la gravité de la traite des personnes",
            ],
        );
        assert!(page.contains(CIV_TITLE));
        assert!(page.contains(MAR_TITLE));
        // None of the negotiation's apparatus.
        for apparatus in ["Status", "proposed by", "Alternative", "[B]", "Loi 09-08"] {
            assert!(!page.contains(apparatus), "{apparatus} in {page}");
        }
    }

    #[test]
    fn the_arabic_instrument_is_in_arabic_words_around_the_ledger_data() {
        let arabic = instrument("ar");
        assert_eq!(arabic.title, ARABIC_TITLE);
        assert_eq!(
            arabic.opening,
            "إن حكومة جمهورية كوت ديفوار وحكومة المملكة المغربية، المشار إليهما فيما بعد بـ«الطرفين»،"
        );
        // A memorandum, not legally binding.
        assert_eq!(arabic.agreed, "قد توافقتا على ما يلي:");
        let labels: Vec<&str> = arabic.body.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["المادة 1", "المادة 2"]);
        assert_eq!(
            arabic.done,
            format!(
                "حُرِّرت في {PLACE_AR} بتاريخ 28 ماي 2026، في نظيرين أصليين باللغتين الفرنسية والعربية، \
                 ولكل من النصين الحجية نفسها."
            )
        );
        let fors: Vec<&str> = arabic
            .signature_blocks
            .iter()
            .map(|b| b.for_party.as_str())
            .collect();
        assert_eq!(
            fors,
            ["عن حكومة جمهورية كوت ديفوار", "عن حكومة المملكة المغربية"]
        );
        let page = instrument_markdown(&arabic);
        assert_contains(&page, &[ARABIC_TEXT, CIV_SIGNATORY, MAR_TITLE_AR]);
        // Each signature block in the Arabic version: Morocco's title in Arabic, Côte d'Ivoire's
        // as recorded (it gave none in Arabic); the place as Arabic names it.
        let titles: Vec<&str> = arabic
            .signature_blocks
            .iter()
            .map(|b| b.title.as_str())
            .collect();
        assert_eq!(titles, [CIV_TITLE, MAR_TITLE_AR]);
        assert!(!page.contains(MAR_TITLE), "{page}");
        for block in &arabic.signature_blocks {
            assert_eq!(block.place.as_deref(), Some(PLACE_AR));
            assert_eq!(
                block.place_and_date,
                format!("في {PLACE_AR} بتاريخ 28 ماي 2026")
            );
        }
        // The article with no Arabic version shows the French reference wording, noted in Arabic.
        assert_eq!(
            arabic.body[1].note.as_deref(),
            Some("لا توجد بعد صيغة باللغة العربية لـالمادة 2؛ أُورد النص المرجعي باللغة الفرنسية.")
        );
        // Every Latin letter comes from the ledger: names, the title with no Arabic wording, the
        // French fallback.
        let mut rest = page.clone();
        for data in [
            CIV_SIGNATORY,
            MAR_SIGNATORY,
            CIV_TITLE,
            MISSING_IN_ARABIC,
            "Points focaux",
        ] {
            rest = rest.replace(data, "");
        }
        let latin: Vec<char> = rest.chars().filter(char::is_ascii_alphabetic).collect();
        assert!(latin.is_empty(), "Latin letters {latin:?} in {rest}");
        let docx = docx_text(&instrument_docx(&arabic, &Provenance::default()).unwrap());
        assert_contains(
            &docx,
            &[
                "<w:bidi />",
                "قد توافقتا على ما يلي:",
                "عن حكومة المملكة المغربية",
                MAR_SIGNATORY,
            ],
        );
    }

    #[test]
    fn the_alternat_names_its_party_first() {
        let moroccan = instrument_of(true, "fr", Some("MAR")).unwrap();
        assert!(moroccan.opening.starts_with(
            "Le Gouvernement du Royaume du Maroc et le Gouvernement de la République"
        ));
        assert_eq!(moroccan.signature_blocks[0].party, "MAR");
        assert_eq!(moroccan.signature_blocks[0].name, MAR_SIGNATORY);
        assert_eq!(
            instrument_of(true, "fr", Some("SEN")),
            Err(ExportError::AlternatNotAParty {
                party: "SEN".into(),
                parties: "CIV, MAR".into()
            })
        );
    }

    #[test]
    fn a_text_not_yet_adopted_is_marked_as_a_draft_in_its_language() {
        let french = instrument_of(false, "fr", None).unwrap();
        assert_eq!(french.draft_marking.as_deref(), Some("PROJET"));
        assert!(instrument_html(&french).contains("<p class=\"marking\">PROJET</p>"));
        let arabic = instrument_of(false, "ar", None).unwrap();
        assert_eq!(arabic.draft_marking.as_deref(), Some("مشروع"));
        let docx = docx_text(&instrument_docx(&arabic, &Provenance::default()).unwrap());
        assert!(docx.contains("مشروع"));
    }

    #[test]
    fn an_unsigned_instrument_has_blank_signature_blocks_and_a_missing_title_is_noted() {
        let view = crate::export::test_support::views();
        let source = InstrumentSource {
            draft: &view.draft,
            agreement: &view.agreement,
            signings: &[],
            alternat: None,
        };
        let arabic = Instrument::new(&source, "ar").unwrap();
        // The sample's opening gives no Arabic title nor names: the French ones, noted.
        assert_eq!(arabic.title, view.draft.title);
        assert_eq!(
            arabic.notes[0],
            "لا توجد بعد صيغة للعنوان باللغة العربية؛ أُورد العنوان باللغة الفرنسية."
        );
        assert_eq!(arabic.notes.len(), 3, "the title and both names");
        assert_eq!(arabic.signature_blocks[0].name, "……………");
        assert_eq!(
            arabic.signature_blocks[0].place_and_date,
            "في …………… بتاريخ ……………"
        );
        assert!(arabic.done.contains("في …………… بتاريخ ……………"));
        assert!(!arabic.done.contains(TRICKY_TEXT));
    }

    #[test]
    fn english_uses_the_vocabulary_of_a_non_binding_instrument() {
        let events = instrument_events(true);
        let mut draft = draft("neg-1", &events);
        draft.languages.push("en".into());
        let agreement = agreement_state("neg-1", &events, None);
        let signed = signings(&events, draft.revision);
        let source = InstrumentSource {
            draft: &draft,
            agreement: &agreement,
            signings: &signed,
            alternat: None,
        };
        let english = Instrument::new(&source, "en").unwrap();
        assert!(english
            .opening
            .ends_with("(hereinafter referred to as \"the Participants\"),"));
        assert_eq!(english.agreed, "Have reached the following understanding:");
        assert!(english
            .done
            .starts_with("Signed at Rabat on 28 May 2026, in duplicate"));
        assert!(english.done.ends_with("all texts being equally valid."));
    }

    #[test]
    fn forms_are_named() {
        assert_eq!("instrument".parse(), Ok(Form::Instrument));
        assert_eq!("working".parse(), Ok(Form::Working));
        assert_eq!("clean".parse::<Form>(), Err(UnknownForm("clean".into())));
    }
}
