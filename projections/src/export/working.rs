//! The words of the working document in one language: every label, status, note and phrase
//! around the ledger's data, from the Fluent messages in `projections/locales/*/working.ftl`
//! (read by the same loader as the instrument's words). Party codes, person ids, language tags,
//! titles and wordings are the ledger's and stay as recorded; only the words around them follow
//! the document's language.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use pacta_domain::{ClauseStatus, InstrumentKind, Position};

use super::messages::{language_id, MESSAGES};
use crate::{Draft, DraftAlternative, DraftClause, DraftPosition};

/// The working document's words in one language; a language without messages of its own gets
/// the English ones.
pub struct WorkingWords {
    /// The document's language, as the ledger tags it.
    language: String,
    /// The messages' language.
    messages: LanguageIdentifier,
}

/// One line of a working document's heading: "Parties: …", or a value that reads alone
/// ("Revision 1").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// "Parties", "Langue", "الأطراف".
    pub term: String,
    pub value: String,
    /// Whether a list shows the value without its term (the revision line names itself).
    pub bare: bool,
}

impl WorkingWords {
    /// The words of a document in `language` (BCP 47; `ar-MA` speaks `ar`).
    pub fn new(language: &str) -> WorkingWords {
        WorkingWords {
            language: language.to_string(),
            messages: language_id(language),
        }
    }

    fn get(&self, id: &str) -> String {
        MESSAGES.lookup(&self.messages, id)
    }

    fn with(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Owned(name.to_string()), value.clone()))
            .collect();
        MESSAGES.lookup_with_args(&self.messages, id, &args)
    }

    /// Joins two parts with the message `id` ("{ $first }; { $second }").
    fn join(&self, id: &str, first: String, second: String) -> String {
        self.with(id, &[("first", first.into()), ("second", second.into())])
    }

    /// "Status: agreed", "Statut : agréé".
    fn fact(&self, term_id: &str, value: &str) -> String {
        self.with(
            "working-fact",
            &[
                ("term", self.get(term_id).into()),
                ("value", value.to_string().into()),
            ],
        )
    }

    /// "Note:", "Note :", "ملاحظة:".
    pub fn note_label(&self) -> String {
        self.with(
            "working-label",
            &[("term", self.get("working-note").into())],
        )
    }

    /// "Positions:", "المواقف:".
    pub fn positions_label(&self) -> String {
        self.with(
            "working-label",
            &[("term", self.get("working-positions").into())],
        )
    }

    /// "Positions", as a heading.
    pub fn positions_heading(&self) -> String {
        self.get("working-positions")
    }

    /// "Bracketed alternatives", as a heading.
    pub fn alternatives_heading(&self) -> String {
        self.get("working-alternatives")
    }

    /// "Note: …", in the document's language.
    pub fn note(&self, note: &str) -> String {
        self.fact("working-note", note)
    }

    /// "Status: agreed; proposed by CIV; agreed by CIV, MAR".
    pub fn status(&self, clause: &DraftClause) -> String {
        self.labelled_status(&self.status_line(clause))
    }

    /// "Status: …" for a status line already made ([`WorkingWords::status_line`]).
    pub fn labelled_status(&self, status_line: &str) -> String {
        self.fact("working-status", status_line)
    }

    /// "Treaty", "Mémorandum d'entente", "مذكرة تفاهم".
    pub fn instrument_name(&self, kind: InstrumentKind) -> String {
        self.get(match kind {
            InstrumentKind::Treaty => "working-kind-treaty",
            InstrumentKind::Agreement => "working-kind-agreement",
            InstrumentKind::Mou => "working-kind-mou",
            InstrumentKind::ExchangeOfNotes => "working-kind-exchange-of-notes",
        })
    }

    /// "agreed", "agréé", "متفق عليه".
    pub fn status_name(&self, status: ClauseStatus) -> String {
        self.get(match status {
            ClauseStatus::Proposed => "working-status-proposed",
            ClauseStatus::UnderDiscussion => "working-status-under-discussion",
            ClauseStatus::Bracketed => "working-status-bracketed",
            ClauseStatus::AgreedAdReferendum => "working-status-agreed-ad-referendum",
            ClauseStatus::Agreed => "working-status-agreed",
            ClauseStatus::Withdrawn => "working-status-withdrawn",
        })
    }

    /// "agreed; proposed by CIV; wording of MAR; agreed by CIV, MAR".
    pub fn status_line(&self, clause: &DraftClause) -> String {
        let by = |id: &str, party: &str| self.with(id, &[("party", party.to_string().into())]);
        let mut line = self.join(
            "working-then",
            self.status_name(clause.status),
            by("working-proposed-by", &clause.proposed_by),
        );
        // Who tabled the clause is not who wrote the text it now has.
        if let Some(author) = clause
            .worded_by
            .as_ref()
            .filter(|a| **a != clause.proposed_by)
        {
            line = self.join("working-then", line, by("working-worded-by", author));
        }
        if !clause.agreed_by.is_empty() {
            let agreed = self.with(
                "working-agreed-by",
                &[("parties", self.codes(&clause.agreed_by).into())],
            );
            line = self.join("working-then", line, agreed);
        }
        line
    }

    /// Party codes or language tags as a list: "CIV, MAR", "CIV، MAR".
    pub fn codes(&self, codes: &[String]) -> String {
        let mut codes = codes.iter().cloned();
        let first = codes.next().unwrap_or_default();
        codes.fold(first, |joined, code| {
            self.join("working-codes", joined, code)
        })
    }

    /// "République de Côte d'Ivoire (CIV) and Royaume du Maroc (MAR)": each party's name in the
    /// document's language where the opening gave one, else as recorded.
    pub fn parties_line(&self, draft: &Draft) -> String {
        let mut parties: Vec<String> = draft
            .parties
            .iter()
            .map(|p| {
                self.with(
                    "working-party",
                    &[
                        ("name", p.name_in(&self.language).to_string().into()),
                        ("code", p.code.clone().into()),
                    ],
                )
            })
            .collect();
        let last = parties.pop();
        let mut parties = parties.into_iter();
        let Some(mut joined) = parties.next() else {
            return last.unwrap_or_default();
        };
        for party in parties {
            joined = self.join("working-parties-more", joined, party);
        }
        match last {
            Some(last) => self.join("working-parties-pair", joined, last),
            None => joined,
        }
    }

    /// "Revision 1", or "Original text (revision 0)".
    pub fn revision_line(&self, revision: u32) -> String {
        self.with(
            "working-revision",
            &[("revision", FluentValue::from(revision))],
        )
    }

    /// The name of `language` in the document's language ("Arabic", "arabe", "العربية"); a tag
    /// the messages do not name is quoted.
    pub fn language_name(&self, language: &str) -> String {
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        let id = format!("working-language-name-{}", primary.to_ascii_lowercase());
        MESSAGES.try_lookup(&self.messages, &id).unwrap_or_else(|| {
            self.with(
                "working-language-name-other",
                &[("code", language.to_string().into())],
            )
        })
    }

    /// What a document's heading says of its legal effect, where the opening stated it.
    pub fn legal_effect_line(&self, draft: &Draft) -> Option<String> {
        draft.legally_binding.map(|binding| {
            let binding = if binding { "yes" } else { "no" };
            self.with("working-legal-effect-line", &[("binding", binding.into())])
        })
    }

    /// The heading's facts, in order: instrument, parties, legal effect (where stated), text,
    /// language, negotiation.
    pub fn facts(&self, draft: &Draft) -> Vec<Fact> {
        let fact = |term: &str, value: String| Fact {
            term: self.get(term),
            value,
            bare: false,
        };
        let mut facts = vec![
            fact(
                "working-instrument",
                self.instrument_name(draft.instrument_kind),
            ),
            fact("working-parties", self.parties_line(draft)),
        ];
        if let Some(line) = self.legal_effect_line(draft) {
            facts.push(fact("working-legal-effect", line));
        }
        facts.push(Fact {
            bare: true,
            ..fact("working-text", self.revision_line(draft.revision))
        });
        let language = self.with(
            "working-language-line",
            &[
                ("name", self.language_name(&self.language).into()),
                ("code", self.language.clone().into()),
                ("authentic", self.codes(&draft.languages).into()),
            ],
        );
        facts.push(fact("working-language", language));
        let negotiation = self.with(
            "working-negotiation-line",
            &[
                ("negotiation", draft.negotiation_id.clone().into()),
                // A string: a sequence number is not a quantity to format.
                ("sequence", draft.as_of_sequence.to_string().into()),
            ],
        );
        facts.push(fact("working-negotiation", negotiation));
        facts
    }

    /// A fact as a line: "Parties: …", or the value alone where it names itself.
    pub fn fact_line(&self, fact: &Fact) -> String {
        if fact.bare {
            fact.value.clone()
        } else {
            self.with(
                "working-fact",
                &[
                    ("term", fact.term.clone().into()),
                    ("value", fact.value.clone().into()),
                ],
            )
        }
    }

    /// The note of `wording` (message `id`: `working-note-missing`…) naming the document's
    /// language and the reference wording's.
    pub(crate) fn fallback_note(&self, id: &str, reference: &str) -> String {
        self.with(
            id,
            &[
                ("language", self.language_name(&self.language).into()),
                ("reference", self.language_name(reference).into()),
            ],
        )
    }

    /// "Alternative [B]".
    pub fn alternative_name(&self, label: &str) -> String {
        self.with(
            "working-alternative-name",
            &[("label", label.to_string().into())],
        )
    }

    /// "Alternative [B], proposed by MAR (fr):", `name` as the format shows the alternative's
    /// name (bold, escaped) and `party` as it shows the proposer.
    pub fn alternative_line(
        &self,
        name: &str,
        party: &str,
        alternative: &DraftAlternative,
    ) -> String {
        self.with(
            "working-alternative",
            &[
                ("alternative", name.to_string().into()),
                ("party", party.to_string().into()),
                ("language", alternative.language.clone().into()),
            ],
        )
    }

    /// "[B] proposed by MAR", a caption.
    pub fn alternative_caption(&self, alternative: &DraftAlternative) -> String {
        self.with(
            "working-alternative-caption",
            &[
                ("label", alternative.label.clone().into()),
                ("party", alternative.proposed_by.clone().into()),
            ],
        )
    }

    /// "accepts", "préfère la variante B".
    pub fn position(&self, position: &Position) -> String {
        match position {
            Position::Accept => self.get("working-position-accept"),
            Position::Reject => self.get("working-position-reject"),
            Position::Reserve => self.get("working-position-reserve"),
            Position::Alternative { label } => self.with(
                "working-position-alternative",
                &[("label", label.clone().into())],
            ),
        }
    }

    /// "prefers alternative B — Loi 09-08": the position and, where stated, why.
    pub fn position_with_rationale(&self, stated: &DraftPosition) -> String {
        let position = self.position(&stated.position);
        if stated.rationale.is_empty() {
            position
        } else {
            format!("{position} — {}", stated.rationale)
        }
    }

    /// "Position of MAR: prefers alternative B — Loi 09-08".
    pub fn position_of(&self, stated: &DraftPosition) -> String {
        self.with(
            "working-position-of",
            &[
                ("party", stated.party.clone().into()),
                ("position", self.position_with_rationale(stated).into()),
            ],
        )
    }

    /// A bilingual document's column heading in the column's own language: "Français (fr)",
    /// "العربية (ar)".
    pub fn column(language: &str) -> String {
        let own = WorkingWords::new(language);
        let heading = own.with(
            "working-column",
            &[
                ("name", own.language_name(language).into()),
                ("code", language.to_string().into()),
            ],
        );
        let mut chars = heading.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => heading,
        }
    }

    /// "French (fr) and Arabic (ar), passage by passage.", in the document's language.
    pub fn bilingual(&self, [first, second]: &[String; 2]) -> String {
        self.with(
            "working-bilingual",
            &[
                ("first", self.language_name(first).into()),
                ("first-code", first.clone().into()),
                ("second", self.language_name(second).into()),
                ("second-code", second.clone().into()),
            ],
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cmp::Reverse;
    use std::collections::BTreeSet;

    use super::*;
    use crate::export::docx::tests::{part, provenance, runs};
    use crate::export::test_support::{assert_contains, views, ARABIC_TEXT};
    use crate::export::{draft_docx, draft_html, draft_markdown};

    /// The message ids of one language's working.ftl.
    fn ids(ftl: &str) -> BTreeSet<&str> {
        ftl.lines()
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
            .filter(|id| id.starts_with("working-"))
            .collect()
    }

    #[test]
    fn every_working_message_is_in_every_language() {
        let english = ids(include_str!("../../locales/en/working.ftl"));
        assert!(english.len() > 40, "{english:?}");
        for (language, ftl) in [
            ("fr", include_str!("../../locales/fr/working.ftl")),
            ("ar", include_str!("../../locales/ar/working.ftl")),
        ] {
            assert_eq!(ids(ftl), english, "{language}");
        }
    }

    /// Every string of `draft` that comes from the ledger (titles, names, codes, ids, language
    /// tags, wordings, rationales), longest first so no datum is cut by one it contains.
    pub(crate) fn ledger_data(draft: &Draft) -> Vec<String> {
        let mut data = vec![draft.title.clone(), draft.negotiation_id.clone()];
        data.extend(draft.titles.values().cloned());
        data.extend(draft.languages.iter().cloned());
        for party in &draft.parties {
            data.extend([party.name.clone(), party.code.clone()]);
            data.extend(party.names.values().cloned());
        }
        for clause in &draft.clauses {
            data.extend([
                clause.heading.clone(),
                clause.text.clone(),
                clause.proposed_by.clone(),
            ]);
            data.extend(clause.worded_by.iter().cloned());
            data.extend(clause.agreed_by.iter().cloned());
            for version in &clause.languages {
                data.extend([version.heading.clone(), version.text.clone()]);
            }
            for alternative in &clause.alternatives {
                data.extend([
                    alternative.label.clone(),
                    alternative.heading.clone(),
                    alternative.text.clone(),
                    alternative.proposed_by.clone(),
                ]);
            }
            for stated in &clause.positions {
                data.extend([stated.party.clone(), stated.rationale.clone()]);
            }
        }
        data.retain(|datum| !datum.is_empty());
        data.sort_by_key(|datum| Reverse(datum.chars().count()));
        data
    }

    /// The Latin letters of `text` once the ledger's data is taken out of it: those of labels.
    pub(crate) fn latin_labels(text: &str, draft: &Draft) -> String {
        let mut rest = text.to_string();
        for datum in ledger_data(draft) {
            rest = rest.replace(&datum, " ");
        }
        let latin = |c: &char| {
            c.is_alphabetic()
                && matches!(c, 'A'..='Z' | 'a'..='z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
        };
        rest.chars().filter(latin).collect()
    }

    /// The text of an HTML page's body: tags dropped, entities decoded.
    pub(crate) fn page_text(page: &str) -> String {
        let body = &page[page.find("<body>").expect("a body")..];
        let mut text = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    text.push(' ');
                }
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        html_escape::decode_html_entities(&text).into_owned()
    }

    /// The words of a .docx as Word shows them: its body's and its running header's runs.
    pub(crate) fn docx_text(docx: &[u8]) -> String {
        ["word/document.xml", "word/header1.xml"]
            .iter()
            .flat_map(|name| runs(&part(docx, name)))
            .map(|run| run.text + "\n")
            .collect()
    }

    #[test]
    fn an_english_working_document_keeps_its_english_words() {
        let mut draft = views().draft;
        draft.languages.push("en".into());
        let markdown = draft_markdown(&draft, "en").unwrap();
        assert_contains(
            &markdown,
            &[
                "- Instrument: Memorandum of understanding",
                "- Parties: République de Côte d'Ivoire (CIV) and Royaume du Maroc (MAR)",
                "- Original text (revision 0)",
                "- Language: English (en); authentic languages: fr, ar, en",
                "(as of event #",
                "*Status: agreed; proposed by CIV; agreed by CIV, MAR*",
                "*Status: under-discussion; proposed by CIV; agreed by CIV*",
                "> **Note:** This clause has no version in English; the French reference wording is shown.",
                "**Alternative \\[B\\]**, proposed by MAR (fr):",
                "Positions:",
                "- MAR prefers alternative B — Loi 09-08 \\<protection\\>",
            ],
        );
    }

    #[test]
    fn a_language_without_messages_of_its_own_gets_the_english_words() {
        let words = WorkingWords::new("es-MX");
        assert_eq!(words.instrument_name(InstrumentKind::Treaty), "Treaty");
        assert_eq!(words.language_name("es"), "Spanish");
        assert_eq!(words.language_name("x-klingon"), "'x-klingon'");
        assert_eq!(WorkingWords::new("fr").language_name("ar-MA"), "arabe");
    }

    #[test]
    fn a_french_working_document_is_in_french_words() {
        let draft = views().draft;
        let status = "Statut : agréé ; proposé par CIV ; agréé par CIV, MAR";
        let markdown = draft_markdown(&draft, "fr").unwrap();
        assert_contains(
            &markdown,
            &[
                "- Langue : français (fr) ; langues authentiques : fr, ar",
                "- Négociation : neg-1 (état à l'événement n° ",
                &format!("*{status}*"),
            ],
        );
        let page = draft_html(&draft, "fr").unwrap();
        assert_contains(
            &page,
            &[
                "<dt>Instrument</dt><dd dir=\"auto\">Mémorandum d'entente</dd>",
                "<dt>Texte</dt><dd dir=\"auto\">Texte original (révision 0)</dd>",
                "<dt>Négociation</dt>",
                &format!("<p class=\"status\">{status}</p>"),
                "<h3>Positions</h3>",
            ],
        );
        let docx = docx_text(&draft_docx(&draft, "fr", &provenance()).unwrap());
        assert_contains(
            &docx,
            &[
                "Instrument : Mémorandum d'entente\n",
                "Parties : République de Côte d'Ivoire (CIV) et Royaume du Maroc (MAR)\n",
                "Texte original (révision 0)\n",
                &format!("{status}\n"),
                "Variante [B], proposée par MAR (fr) :\n",
                "Position de MAR : préfère la variante B — Loi 09-08 <protection>\n",
            ],
        );
        for english in [
            "Status",
            "proposed by",
            "agreed by",
            "Alternative",
            "Language:",
        ] {
            for document in [&markdown, &page, &docx] {
                assert!(!document.contains(english), "{english} in {document}");
            }
        }
    }

    #[test]
    fn an_arabic_working_document_has_arabic_labels_and_no_latin_one() {
        let draft = views().draft;
        let status = "الحالة: متفق عليه؛ اقترحه CIV؛ وافق عليه CIV، MAR";
        let note = "ملاحظة: لا توجد بعد صيغة لهذا البند باللغة العربية؛ أُورد النص المرجعي \
                    باللغة الفرنسية.";
        let markdown = draft_markdown(&draft, "ar").unwrap();
        assert_contains(
            &markdown,
            &[
                "- الصك: مذكرة تفاهم",
                "- الأطراف: République de Côte d'Ivoire (CIV) وRoyaume du Maroc (MAR)",
                "- النص الأصلي (التنقيح 0)",
                "- اللغة: العربية (ar)؛ اللغات ذات الحجية: fr، ar",
                "- المفاوضة: neg-1 (حتى الحدث رقم ",
                &format!("*{status}*"),
                "> **ملاحظة:** لا توجد بعد صيغة لهذا البند باللغة العربية",
                "**البديل \\[B\\]**، اقترحه MAR (fr):",
                "المواقف:",
                "- MAR يفضّل البديل B — Loi 09-08 \\<protection\\>",
                ARABIC_TEXT,
            ],
        );
        let page = draft_html(&draft, "ar").unwrap();
        assert_contains(
            &page,
            &[
                "<dt>الصك</dt>",
                &format!("<p class=\"status\">{status}</p>"),
                "<h3>البدائل بين معقوفين</h3>",
                "<figcaption>[B] اقترحه MAR</figcaption>",
                "<h3>المواقف</h3>",
            ],
        );
        let docx_bytes = draft_docx(&draft, "ar", &provenance()).unwrap();
        let docx = docx_text(&docx_bytes);
        assert_contains(
            &docx,
            &[
                &format!("{status}\n"),
                &format!("{note}\n"),
                "موقف MAR: يفضّل البديل B — Loi 09-08 <protection>\n",
            ],
        );
        // The words around the data are Arabic, so their paragraphs are right to left.
        let body = part(&docx_bytes, "word/document.xml");
        let status_at = body.find(status).expect("the status line");
        let paragraph = &body[body[..status_at].rfind("<w:p").unwrap()..status_at];
        assert!(paragraph.contains("<w:bidi"), "{paragraph}");
        // Every Latin letter comes from the ledger: names, codes, ids, tags, the French fallback.
        let unescaped = markdown.replace('\\', "");
        for (format, text) in [
            ("markdown", unescaped),
            ("html", page_text(&page)),
            ("docx", docx),
        ] {
            let latin = latin_labels(&text, &draft);
            assert!(
                latin.is_empty(),
                "{format}: Latin letters {latin:?} in {text}"
            );
        }
    }
}
