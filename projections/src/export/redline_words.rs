//! The words of a redline in one language: its documents' title, legend and attributions, and
//! the notes a clause carries beyond its words ("Article 3 becomes Article 2"), from the Fluent
//! messages in `projections/locales/*/redline.ftl` (read by the same loader as every document's
//! words). Party codes, person names, labels, points, dates and wordings are the ledger's and
//! stay as recorded; only the words around them follow the redline's language.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

use super::messages::{language_id, MESSAGES};
use crate::{Point, Redline, RedlineEnd};

/// Stand-ins for a message's arguments while its own words are escaped: private-use characters,
/// which no message contains (as the .docx footer's page fields).
const FIRST_STAND_IN: u32 = 0xE100;

/// A redline's words in one language; a language without messages of its own gets the English
/// ones.
pub struct RedlineWords {
    messages: LanguageIdentifier,
}

impl RedlineWords {
    /// The words of a redline in `language` (BCP 47; `ar-MA` speaks `ar`).
    pub fn new(language: &str) -> RedlineWords {
        RedlineWords {
            messages: language_id(language),
        }
    }

    fn get(&self, id: &str) -> String {
        MESSAGES.lookup(&self.messages, id)
    }

    fn with(&self, id: &str, args: &[(&str, &str)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Owned(name.to_string()), value.to_string().into()))
            .collect();
        MESSAGES.lookup_with_args(&self.messages, id, &args)
    }

    /// The message `id` in a document's markup: its own words made safe by `escape`, each
    /// argument put in as given (the caller escaped or marked it up). The arguments go in after
    /// the escaping, in one pass, so neither is escaped twice nor read as the other.
    fn marked(&self, id: &str, args: &[(&str, &str)], escape: impl Fn(&str) -> String) -> String {
        let stand_ins: Vec<String> = (FIRST_STAND_IN..)
            .zip(args)
            .map(|(code, _)| char::from_u32(code).map(String::from).unwrap_or_default())
            .collect();
        let with_stand_ins: Vec<(&str, &str)> = args
            .iter()
            .zip(&stand_ins)
            .map(|((name, _), stand_in)| (*name, stand_in.as_str()))
            .collect();
        escape(&self.with(id, &with_stand_ins))
            .chars()
            .map(|c| {
                let argument = (c as u32)
                    .checked_sub(FIRST_STAND_IN)
                    .and_then(|index| args.get(index as usize));
                match argument {
                    Some((_, value)) => value.to_string(),
                    None => c.to_string(),
                }
            })
            .collect()
    }

    /// "Accord — redline from #5 (#5, revision 0) to revision 1 (#40, revision 1)": `title` is
    /// the instrument's, in the redline's language where it has one.
    pub fn title(&self, title: &str, redline: &Redline) -> String {
        self.with(
            "redline-title",
            &[
                ("title", title),
                ("from", &self.end(&redline.from)),
                ("to", &self.end(&redline.to)),
            ],
        )
    }

    /// "revision 1 (#40, revision 1)": the point asked for and what it resolved to.
    fn end(&self, end: &RedlineEnd) -> String {
        self.with(
            "redline-end",
            &[
                ("point", &self.point(&end.point)),
                // Strings: a sequence or revision number is not a quantity to format.
                ("sequence", &end.as_of_sequence.to_string()),
                ("revision", &end.revision.to_string()),
            ],
        )
    }

    /// "#5", "2026-03-05", "round r2", "revision 1".
    pub fn point(&self, point: &Point) -> String {
        match point {
            Point::Sequence(sequence) => self.with(
                "redline-point-sequence",
                &[("sequence", &sequence.to_string())],
            ),
            Point::Date(date) => self.with("redline-point-date", &[("date", &date.to_string())]),
            Point::Round(round) => self.with("redline-point-round", &[("round", round)]),
            Point::Revision(revision) => self.with(
                "redline-point-revision",
                &[("revision", &revision.to_string())],
            ),
        }
    }

    /// "like this", the legend's example of a marked word, unmarked.
    pub fn example(&self) -> String {
        self.get("redline-example")
    }

    /// The legend in a document's markup: `deleted` and `inserted` are the example as the
    /// document marks it; `underlined` where insertions are underlined rather than in bold.
    pub(crate) fn legend(
        &self,
        underlined: bool,
        deleted: &str,
        inserted: &str,
        escape: impl Fn(&str) -> String,
    ) -> String {
        let id = if underlined {
            "redline-legend-html"
        } else {
            "redline-legend-markdown"
        };
        self.marked(id, &[("deleted", deleted), ("inserted", inserted)], escape)
    }

    /// "Proposed by MAR on 2026-10-05" in a document's markup, `author` and `date` as the
    /// document shows them.
    pub(crate) fn proposed(
        &self,
        author: &str,
        date: &str,
        escape: impl Fn(&str) -> String,
    ) -> String {
        self.marked(
            "redline-proposed",
            &[("author", author), ("date", date)],
            escape,
        )
    }

    /// "(no act between the two points)": the author of a change no act between the two points
    /// accounts for, as in a redline read backwards, which undoes acts rather than records one.
    pub fn unattributed(&self) -> String {
        self.get("redline-unattributed")
    }

    /// Proposers or delegates as a list: "CIV, MAR", "CIV، MAR".
    pub fn list<S: AsRef<str>>(&self, items: &[S]) -> String {
        let mut items = items.iter().map(AsRef::as_ref);
        let first = items.next().unwrap_or_default().to_string();
        items.fold(first, |joined, item| {
            self.with("redline-list", &[("first", &joined), ("second", item)])
        })
    }

    /// "Article 3 becomes Article 2".
    pub fn renumbered(&self, old: &str, new: &str) -> String {
        self.with("redline-renumbered", &[("old", old), ("new", new)])
    }

    /// "Moved; wording unchanged", or "Moved" where the wording changed too.
    pub fn moved(&self, wording_unchanged: bool) -> String {
        let wording = if wording_unchanged {
            "unchanged"
        } else {
            "changed"
        };
        self.with("redline-moved", &[("wording", wording)])
    }

    /// "Cross-references renumbered; wording unchanged".
    pub fn references_renumbered(&self) -> String {
        self.get("redline-references-renumbered")
    }

    /// "The ar version changed; see the redline in ar": the compared wording stood while the
    /// version in `other` changed.
    pub fn other_version(&self, other: &str) -> String {
        self.with("redline-other-version", &[("other", other)])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use cqrs_es::EventEnvelope;
    use pacta_domain::{clause_text_hash, metadata, Delegate, Negotiation, NegotiationEvent, Role};

    use super::*;
    use crate::export::docx::tests::part;
    use crate::export::test_support::assert_contains;
    use crate::export::working::tests::{docx_text, latin_labels, page_text};
    use crate::export::{
        redline_docx, redline_html, redline_markdown, ClauseChanges, RedlineDocument,
    };
    use crate::{draft, redline_in, Draft};

    /// The message ids of one language's redline.ftl.
    fn ids(ftl: &str) -> BTreeSet<&str> {
        ftl.lines()
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
            .filter(|id| id.starts_with("redline-"))
            .collect()
    }

    #[test]
    fn every_redline_message_is_in_every_language() {
        let english = ids(include_str!("../../locales/en/redline.ftl"));
        assert!(english.len() > 15, "{english:?}");
        for (language, ftl) in [
            ("fr", include_str!("../../locales/fr/redline.ftl")),
            ("ar", include_str!("../../locales/ar/redline.ftl")),
            ("es", include_str!("../../locales/es/redline.ftl")),
        ] {
            assert_eq!(ids(ftl), english, "{language}");
        }
    }

    const TITLE_AR: &str = "مذكرة تفاهم بشأن التعاون";
    const OBJECT: (&str, &str) = ("Les Parties coopèrent.", "يتعاون الطرفان.");
    const DURATION: (&str, &str) = ("Cinq ans.", "خمس سنوات.");
    const DURATION_RETRANSLATED: &str = "مدة خمس سنوات.";
    const DEFINITIONS: (&str, &str) = ("Définitions.", "تعاريف.");
    const DELEGATES: [(&str, &str, &str); 2] = [
        ("koffi.yao", "Koffi Yao", "CIV"),
        ("amina.benali", "Amina Benali", "MAR"),
    ];

    /// A French and Arabic memorandum between CIV and MAR, each act recorded on its own day of
    /// May 2026 by a delegate: to #7 its purpose and duration, proposed by CIV and translated;
    /// then CIV's definitions placed first (#8–#10), renumbering both, and MAR's retranslation
    /// of the duration (#11).
    fn events() -> Vec<EventEnvelope<Negotiation>> {
        let mut opening = serde_json::to_value(crate::tests::opened()).unwrap();
        opening["NegotiationOpened"]["languages"] = serde_json::json!(["fr", "ar"]);
        opening["NegotiationOpened"]["titles"] = serde_json::json!({ "ar": TITLE_AR });
        let translated = |id: &str, (french, _): (&str, &str), arabic: &str| {
            NegotiationEvent::ClauseTranslated {
                clause_id: id.into(),
                language: "ar".into(),
                heading: String::new(),
                text: arabic.into(),
                text_hash: clause_text_hash("", "ar", arabic),
                source_text_hash: clause_text_hash("", "fr", french),
            }
        };
        let accredited =
            |(person, name, party): (&str, &str, &str)| NegotiationEvent::DelegateAccredited {
                delegate: Delegate {
                    person: person.into(),
                    name: name.into(),
                    party: party.into(),
                    role: Role::Negotiator,
                    signing: None,
                },
            };
        let acts = vec![
            (serde_json::from_value(opening).unwrap(), 0), // 1
            (accredited(DELEGATES[0]), 0),                 // 2
            (accredited(DELEGATES[1]), 1),                 // 3
            (crate::tests::article("art-obj", OBJECT.0), 0),
            (translated("art-obj", OBJECT, OBJECT.1), 0),
            (crate::tests::article("art-dur", DURATION.0), 0),
            (translated("art-dur", DURATION, DURATION.1), 0), // 7
            (crate::tests::article("art-def", DEFINITIONS.0), 0),
            (translated("art-def", DEFINITIONS, DEFINITIONS.1), 0),
            (
                NegotiationEvent::ClausePlaced {
                    clause_id: "art-def".into(),
                    after: None,
                    before: Some("art-obj".into()),
                },
                0,
            ), // 10
            (translated("art-dur", DURATION, DURATION_RETRANSLATED), 1), // 11
        ];
        acts.into_iter()
            .enumerate()
            .map(|(index, (payload, delegate))| {
                let (person, _, party) = DELEGATES[delegate];
                EventEnvelope {
                    aggregate_id: "neg".into(),
                    sequence: index + 1,
                    payload,
                    metadata: HashMap::from([
                        (metadata::ACTOR.to_string(), person.to_string()),
                        (metadata::PARTY.to_string(), party.to_string()),
                        (
                            metadata::RECORDED_AT.to_string(),
                            format!("2026-05-{:02}T10:00:00Z", index + 1),
                        ),
                    ]),
                }
            })
            .collect()
    }

    /// The redline of [`events`] between `from` and `to` in `language`, as each document shows
    /// it: Markdown, the HTML page's text, the .docx's words (body, running header, comments).
    struct Documents {
        markdown: String,
        html: String,
        page: String,
        docx: String,
        docx_body: String,
    }

    fn documents(from: usize, to: usize, language: &str) -> Documents {
        let events = events();
        let view = redline_in(
            &events,
            &Point::Sequence(from),
            &Point::Sequence(to),
            Some(language),
        )
        .unwrap();
        let now = draft("neg", &events);
        let title = RedlineWords::new(language)
            .title(now.titles.get(language).unwrap_or(&now.title), &view);
        let clauses = ClauseChanges::from_redline(&view).unwrap();
        let html = redline_html(&title, language, &clauses);
        let docx = redline_docx(&RedlineDocument::new(&events, &view, language).unwrap()).unwrap();
        let comments = crate::export::docx::tests::runs(&part(&docx, "word/comments.xml"))
            .into_iter()
            .map(|run| run.text + "\n")
            .collect::<String>();
        Documents {
            markdown: redline_markdown(&title, language, &clauses),
            page: page_text(&html),
            html,
            docx: docx_text(&docx) + &comments,
            docx_body: part(&docx, "word/document.xml"),
        }
    }

    /// Both drafts' ledger data, and the delegates' names and ids, for `latin_labels`.
    fn ledger(from: usize, to: usize) -> (Draft, Vec<&'static str>) {
        let events = events();
        let mut both = draft("neg", &events[..to.max(from)]);
        both.clauses
            .extend(draft("neg", &events[..to.min(from)]).clauses);
        let people = DELEGATES
            .iter()
            .flat_map(|(person, name, _)| [*name, *person])
            .collect();
        (both, people)
    }

    /// The Latin letters of `text` outside the ledger's data.
    fn latin(text: &str, (draft, people): &(Draft, Vec<&str>)) -> String {
        let mut rest = text.replace('\\', "");
        for datum in people {
            rest = rest.replace(datum, " ");
        }
        latin_labels(&rest, draft)
    }

    #[test]
    fn an_english_redline_keeps_its_english_words() {
        let events = events();
        let (from, to) = (Point::Sequence(7), Point::Sequence(11));
        let view = redline_in(&events, &from, &to, Some("ar")).unwrap();
        // As the CLI titled a redline before its words were messages.
        assert_eq!(
            RedlineWords::new("en").title("Accord", &view),
            "Accord — redline from #7 (#7, revision 0) to #11 (#11, revision 0)"
        );
        let words = RedlineWords::new("en-GB");
        assert_eq!(
            words.renumbered("Article 1", "Article 2"),
            "Article 1 becomes Article 2"
        );
        assert_eq!(words.moved(true), "Moved; wording unchanged");
        assert_eq!(words.moved(false), "Moved");
        assert_eq!(words.unattributed(), "(no act between the two points)");
        assert_eq!(words.list(&["CIV", "MAR", "SEN"]), "CIV, MAR, SEN");
        assert_eq!(
            words.point(&Point::Round("r-2".into())),
            "round r-2",
            "as a point displays"
        );
        // A language without messages of its own gets these.
        assert_eq!(
            RedlineWords::new("de").moved(true),
            "Moved; wording unchanged"
        );
        let markdown = redline_markdown("T", "en", &[]);
        assert_eq!(
            markdown,
            "# T\n\nDeleted words are struck through (~~like this~~); inserted words are in bold \
             (**like this**).\n"
        );
        assert!(redline_html("T", "en", &[]).contains(
            "<p class=\"legend\">Deleted words are struck through (<del>like this</del>); \
             inserted words are underlined (<ins>like this</ins>).</p>"
        ));
    }

    #[test]
    fn arguments_go_in_after_the_escaping_and_are_not_read_as_stand_ins() {
        let words = RedlineWords::new("en");
        let author = "A\u{E101} & B";
        assert_eq!(
            words.proposed(author, "<d>", |own| own.replace('&', "&amp;")),
            "Proposed by A\u{E101} & B on <d>"
        );
    }

    #[test]
    fn a_french_redline_is_in_french_words() {
        let forward = documents(7, 11, "fr");
        let proposed = "Proposé par CIV le 2026-05-08";
        assert_contains(
            &forward.markdown,
            &[
                "# Mémorandum — comparaison entre l'événement n° 7 (événement n° 7, révision 0) \
                 et l'événement n° 11 (événement n° 11, révision 0)\n",
                "Les mots supprimés sont barrés (~~comme ceci~~) ; les mots ajoutés sont en gras \
                 (**comme ceci**).",
                &format!("*{proposed}*"),
                "> Article premier devient Article 2",
                "> Version ar modifiée ; voir le redline en ar",
            ],
        );
        assert_contains(
            &forward.html,
            &[
                "<html lang=\"fr\" dir=\"ltr\">",
                "les mots ajoutés sont soulignés (<ins>comme ceci</ins>)",
                "<p class=\"status\">Proposé par CIV le <time datetime=\"2026-05-08\">2026-05-08\
                 </time></p>",
                "<em>Article 2 devient Article 3</em>",
            ],
        );
        assert_contains(
            &forward.docx,
            &[
                "Comparaison — Mémorandum",
                "Article premier devient Article 2\n",
                "Version ar modifiée ; voir le redline en ar\n",
            ],
        );
        let backward = documents(11, 7, "fr");
        assert_contains(
            &backward.markdown,
            &["*Proposé par (aucun acte entre les deux points) le 2026-05-11*"],
        );
        assert_contains(
            &backward.docx_body,
            &["w:author=\"(aucun acte entre les deux points)\""],
        );
        for english in [
            "Proposed",
            "struck through",
            "becomes",
            "redline from",
            "revision",
            "no act",
            "version changed",
        ] {
            for document in [
                &forward.markdown,
                &forward.html,
                &forward.docx,
                &backward.markdown,
                &backward.html,
                &backward.docx_body,
            ] {
                assert!(!document.contains(english), "{english} in {document}");
            }
        }
    }

    #[test]
    fn an_arabic_redline_has_arabic_words_and_no_latin_label() {
        let forward = documents(7, 11, "ar");
        // The definitions, proposed by CIV, stand in Arabic since their translation (#9).
        let proposed = "اقترحه CIV في 2026-05-09";
        let renumbered = "المادة 1 تصبح المادة 2";
        assert_contains(
            &forward.markdown,
            &[
                &format!(
                    "# {TITLE_AR} — مقارنة من الحدث رقم 7 (الحدث رقم 7، التنقيح 0) إلى الحدث رقم \
                     11 (الحدث رقم 11، التنقيح 0)\n"
                ),
                "ما حُذف من كلمات مشطوب (~~هكذا~~)؛ وما أُضيف منها بخط عريض (**هكذا**).",
                &format!("*{proposed}*"),
                &format!("> {renumbered}"),
                "*اقترحه MAR في 2026-05-11*",
                "**مدة** خمس سنوات.",
            ],
        );
        assert_contains(
            &forward.html,
            &[
                "<html lang=\"ar\" dir=\"rtl\">",
                "وما أُضيف منها تحته خط (<ins>هكذا</ins>)",
                "<p class=\"status\">اقترحه CIV في <time datetime=\"2026-05-09\">2026-05-09\
                 </time></p>",
            ],
        );
        assert_contains(&forward.docx, &["مقارنة — ", &format!("{renumbered}\n")]);
        let backward = documents(11, 7, "ar");
        let unattributed = "(لا يوجد إجراء بين النقطتين)";
        assert_contains(
            &backward.markdown,
            &[&format!("*اقترحه {unattributed} في 2026-05-11*")],
        );
        assert_contains(&backward.html, &[unattributed]);
        assert_contains(
            &backward.docx_body,
            &[&format!("w:author=\"{unattributed}\"")],
        );
        // Every Latin letter comes from the ledger: codes, names, ids, the title, tags.
        let ledger = ledger(7, 11);
        for (format, text) in [
            ("markdown", &forward.markdown),
            ("html", &forward.page),
            ("docx", &forward.docx),
            ("backward markdown", &backward.markdown),
            ("backward html", &backward.page),
            ("backward docx", &backward.docx),
        ] {
            let latin = latin(text, &ledger);
            assert!(
                latin.is_empty(),
                "{format}: Latin letters {latin:?} in {text}"
            );
        }
    }
}
