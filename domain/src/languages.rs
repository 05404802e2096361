//! Authentic languages (art. 33 VCLT): each clause has a reference wording, the language it was
//! last proposed or amended in, and a version in every other authentic language that translates
//! a named reference wording. Changing the reference makes every translation stale, because a
//! translation names the exact wording it translates. A legal-linguist then attests concordance
//! of each current translation; the instrument cannot be adopted until every clause is
//! concordant in every authentic language.

use crate::aggregate::{
    check_current, check_hash, check_wording, Decision, LanguageStatus, Negotiation, Opened,
};
use crate::errors::NegotiationError;
use crate::events::NegotiationEvent;
use crate::text_hash::clause_text_hash;
use crate::values::Delegate;

/// Where the parties named a party responsible for a language version, only its
/// legal-linguists record or verify that version.
fn check_responsibility(
    opened: &Opened,
    actor: &Delegate,
    language: &str,
) -> Result<(), NegotiationError> {
    match opened.language_responsibility.get(language) {
        Some(responsible) if *responsible != actor.party => {
            Err(NegotiationError::NotResponsibleForLanguage {
                language: language.to_string(),
                responsible: responsible.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// Why a language version in `status`, which is not awaiting concordance, cannot be verified.
fn not_awaiting_concordance(
    status: LanguageStatus,
    clause_id: String,
    language: String,
) -> NegotiationError {
    match status {
        LanguageStatus::Reference => NegotiationError::TranslationOfReference {
            clause_id,
            language,
        },
        LanguageStatus::Missing => NegotiationError::NoTranslation {
            clause_id,
            language,
        },
        LanguageStatus::Stale => NegotiationError::StaleTranslation {
            clause_id,
            language,
        },
        LanguageStatus::AwaitingConcordance | LanguageStatus::Concordant => {
            NegotiationError::AlreadyConcordant {
                clause_id,
                language,
            }
        }
    }
}

impl Negotiation {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide_translation(
        &self,
        opened: &Opened,
        actor: &Delegate,
        clause_id: &str,
        language: &str,
        heading: &str,
        text: &str,
        source_text_hash: &str,
    ) -> Decision {
        let clause = self.live_clause(clause_id)?;
        if language == clause.language {
            return Err(NegotiationError::TranslationOfReference {
                clause_id: clause_id.to_string(),
                language: language.to_string(),
            });
        }
        check_current(clause_id, clause, source_text_hash)?;
        check_wording(opened, clause_id, heading, language, text)?;
        check_responsibility(opened, actor, language)?;
        let text_hash = clause_text_hash(heading, language, text);
        let unchanged = clause
            .translations
            .get(language)
            .is_some_and(|t| t.text_hash == text_hash && t.source_text_hash == source_text_hash);
        if unchanged {
            return Err(NegotiationError::TranslationChangesNothing {
                clause_id: clause_id.to_string(),
                language: language.to_string(),
            });
        }
        Ok(vec![NegotiationEvent::ClauseTranslated {
            clause_id: clause_id.to_string(),
            language: language.to_string(),
            heading: heading.to_string(),
            text: text.to_string(),
            text_hash,
            source_text_hash: source_text_hash.to_string(),
        }])
    }

    pub(crate) fn decide_concordance(
        &self,
        opened: &Opened,
        actor: &Delegate,
        clause_id: &str,
        language: &str,
        text_hash: &str,
    ) -> Decision {
        let clause = self.live_clause(clause_id)?;
        if !opened.languages.iter().any(|l| l == language) {
            return Err(NegotiationError::NotAuthenticLanguage {
                language: language.to_string(),
                authentic: opened.languages.join(", "),
            });
        }
        check_responsibility(opened, actor, language)?;
        let (clause_id, language) = (clause_id.to_string(), language.to_string());
        let translation = match clause.language_status(&language) {
            LanguageStatus::AwaitingConcordance => &clause.translations[&language],
            status => return Err(not_awaiting_concordance(status, clause_id, language)),
        };
        check_hash("text hash", text_hash)?;
        if translation.text_hash != text_hash {
            return Err(NegotiationError::StaleTextHash {
                clause_id,
                given: text_hash.to_string(),
                current: translation.text_hash.clone(),
            });
        }
        Ok(vec![NegotiationEvent::ConcordanceVerified {
            clause_id,
            language,
            text_hash: text_hash.to_string(),
            source_text_hash: clause.text_hash.clone(),
            party: actor.party.clone(),
        }])
    }
}

#[cfg(all(test, feature = "cqrs"))]
mod tests {
    use crate::aggregate::tests::*;
    use crate::aggregate::LanguageStatus;
    use crate::commands::Action;
    use crate::errors::NegotiationError;
    use crate::events::NegotiationEvent;
    use crate::text_hash::clause_text_hash;
    use crate::values::Role;

    const ART1_AR_REVISED: &str = "يتعاون الطرفان على منع الاتجار بالأشخاص ومكافحته وحماية ضحاياه.";

    fn translate(text: &str, source_text_hash: String) -> Action {
        Action::TranslateClause {
            clause_id: "art-1".into(),
            language: "ar".into(),
            heading: "الموضوع".into(),
            text: text.into(),
            source_text_hash,
        }
    }

    /// Morocco amends article 1 in Arabic: Arabic becomes the reference.
    fn art1_amended_in_arabic() -> NegotiationEvent {
        NegotiationEvent::ClauseAmended {
            clause_id: "art-1".into(),
            base_text_hash: art1_hash(),
            heading: "الموضوع".into(),
            language: "ar".into(),
            text: ART1_AR_REVISED.into(),
            text_hash: clause_text_hash("الموضوع", "ar", ART1_AR_REVISED),
            amended_by: Some("MAR".into()),
        }
    }

    fn verify(language: &str, text_hash: String) -> Action {
        Action::VerifyConcordance {
            clause_id: "art-1".into(),
            language: language.into(),
            text_hash,
        }
    }

    /// An untitled translation of article 1 into `language`, of the French wording.
    fn translate_into(clause_id: &str, language: &str, text: &str) -> Action {
        Action::TranslateClause {
            clause_id: clause_id.into(),
            language: language.into(),
            heading: String::new(),
            text: text.into(),
            source_text_hash: art1_hash(),
        }
    }

    #[test]
    fn a_legal_linguist_records_a_translation_of_the_current_wording() {
        expect_events(
            negotiating(),
            MAR_LINGUIST,
            translate(ART1_AR_REVISED, art1_hash()),
            vec![NegotiationEvent::ClauseTranslated {
                clause_id: "art-1".into(),
                language: "ar".into(),
                heading: "الموضوع".into(),
                text: ART1_AR_REVISED.into(),
                text_hash: clause_text_hash("الموضوع", "ar", ART1_AR_REVISED),
                source_text_hash: art1_hash(),
            }],
        );
    }

    #[test]
    fn translation_refusals() {
        expect_refusals(
            MAR_LINGUIST,
            [
                (
                    negotiating(),
                    translate_into("art-1", "fr", "Texte"),
                    NegotiationError::TranslationOfReference {
                        clause_id: "art-1".into(),
                        language: "fr".into(),
                    },
                ),
                (
                    negotiating(),
                    translate(ART1_AR_REVISED, "0".repeat(64)),
                    NegotiationError::StaleTextHash {
                        clause_id: "art-1".into(),
                        given: "0".repeat(64),
                        current: art1_hash(),
                    },
                ),
                (
                    negotiating(),
                    translate(ART1_AR, art1_hash()),
                    NegotiationError::TranslationChangesNothing {
                        clause_id: "art-1".into(),
                        language: "ar".into(),
                    },
                ),
                (
                    negotiating(),
                    translate_into("art-1", "en", "Text"),
                    NegotiationError::NotAuthenticLanguage {
                        language: "en".into(),
                        authentic: "fr, ar".into(),
                    },
                ),
                (
                    negotiating(),
                    translate_into("art-9", "ar", "نص"),
                    NegotiationError::UnknownClause("art-9".into()),
                ),
                (
                    art1_withdrawn(),
                    translate(ART1_AR_REVISED, art1_hash()),
                    NegotiationError::ClauseWithdrawn("art-1".into()),
                ),
            ],
        );
    }

    #[test]
    fn a_legal_linguist_verifies_concordance_of_the_current_translation() {
        expect_events(
            negotiating(),
            MAR_LINGUIST,
            verify("ar", art1_ar_hash()),
            vec![art1_concordant()],
        );
        let state = state_of(&followed_by(negotiating(), [art1_concordant()]));
        let clause = state.clause("art-1").unwrap();
        assert_eq!(clause.language_status("ar"), LanguageStatus::Concordant);
        assert_eq!(clause.language_status("fr"), LanguageStatus::Reference);
    }

    #[test]
    fn concordance_refusals() {
        let mut untranslated = negotiating();
        untranslated.remove(untranslated.len() - 1);
        let in_arabic = |given, error| (given, verify("ar", art1_ar_hash()), error);
        expect_refusals(
            MAR_LINGUIST,
            [
                (
                    negotiating(),
                    verify("fr", art1_hash()),
                    NegotiationError::TranslationOfReference {
                        clause_id: "art-1".into(),
                        language: "fr".into(),
                    },
                ),
                (
                    negotiating(),
                    verify("ar", "0".repeat(64)),
                    NegotiationError::StaleTextHash {
                        clause_id: "art-1".into(),
                        given: "0".repeat(64),
                        current: art1_ar_hash(),
                    },
                ),
                in_arabic(
                    followed_by(negotiating(), [art1_concordant()]),
                    NegotiationError::AlreadyConcordant {
                        clause_id: "art-1".into(),
                        language: "ar".into(),
                    },
                ),
                in_arabic(
                    followed_by(negotiating(), [art1_amended()]),
                    NegotiationError::StaleTranslation {
                        clause_id: "art-1".into(),
                        language: "ar".into(),
                    },
                ),
                (
                    negotiating(),
                    verify("en", art1_ar_hash()),
                    NegotiationError::NotAuthenticLanguage {
                        language: "en".into(),
                        authentic: "fr, ar".into(),
                    },
                ),
                in_arabic(
                    untranslated,
                    NegotiationError::NoTranslation {
                        clause_id: "art-1".into(),
                        language: "ar".into(),
                    },
                ),
            ],
        );
    }

    #[test]
    fn only_the_responsible_partys_linguist_records_or_verifies_its_language() {
        let mut given = negotiating();
        if let NegotiationEvent::NegotiationOpened {
            language_responsibility,
            ..
        } = &mut given[0]
        {
            language_responsibility.insert("ar".into(), "MAR".into());
        }
        for action in [
            translate(ART1_AR_REVISED, art1_hash()),
            verify("ar", art1_ar_hash()),
        ] {
            expect_refusal(
                given.clone(),
                CIV_LINGUIST,
                action,
                NegotiationError::NotResponsibleForLanguage {
                    language: "ar".into(),
                    responsible: "MAR".into(),
                },
            );
        }
        expect_events(
            given,
            MAR_LINGUIST,
            verify("ar", art1_ar_hash()),
            vec![art1_concordant()],
        );
    }

    #[test]
    fn opening_refuses_a_responsibility_for_an_unknown_language_or_party() {
        for (language, party, error) in [
            (
                "en",
                "MAR",
                NegotiationError::NotAuthenticLanguage {
                    language: "en".into(),
                    authentic: "fr, ar".into(),
                },
            ),
            ("ar", "FRA", NegotiationError::UnknownParty("FRA".into())),
        ] {
            expect_opening_refused(
                |a| {
                    if let Action::OpenNegotiation {
                        language_responsibility,
                        ..
                    } = a
                    {
                        language_responsibility.insert(language.into(), party.into());
                    }
                },
                error,
            );
        }
    }

    #[test]
    fn a_change_in_one_language_makes_the_others_stale() {
        let mut events = negotiating();
        events.push(art1_concordant());
        // Morocco amends the Arabic version: Arabic becomes the reference, French is stale.
        events.push(art1_amended_in_arabic());
        let state = state_of(&events);
        let clause = state.clause("art-1").unwrap();
        assert_eq!(clause.language, "ar");
        assert_eq!(clause.language_status("ar"), LanguageStatus::Reference);
        assert_eq!(clause.language_status("fr"), LanguageStatus::Stale);
        assert_eq!(
            clause.translations["fr"].text_hash,
            art1_hash(),
            "the former French wording stays on record"
        );

        let retranslated = state
            .decide_as_claimed(&command(
                CIV_LINGUIST,
                Action::TranslateClause {
                    clause_id: "art-1".into(),
                    language: "fr".into(),
                    heading: "Objet".into(),
                    text:
                        "Les Parties coopèrent pour prévenir la traite et en protéger les victimes."
                            .into(),
                    source_text_hash: clause.text_hash.clone(),
                },
            ))
            .unwrap();
        assert!(
            matches!(&retranslated[0], NegotiationEvent::ClauseTranslated { language, .. } if language == "fr")
        );
    }

    /// The text a root names, as `root_texts` gives it and an audit bundle carries it: each
    /// wording hashes to its recorded hash, and those hashes make the root.
    fn root_languages(events: &[NegotiationEvent]) -> Vec<String> {
        let state = state_of(events);
        let texts = state.root_texts();
        let clauses: Vec<crate::RootClause> = texts
            .iter()
            .map(|clause| {
                for (language, w) in &clause.versions {
                    assert_eq!(clause_text_hash(w.heading, language, w.text), w.text_hash);
                }
                crate::RootClause::of_text(clause)
            })
            .collect();
        let root = crate::text_root_hash("civ-mar-tip", state.revision(), &clauses);
        assert_eq!(root, state.text_root_hash());
        let art1 = texts.iter().find(|c| c.clause_id == "art-1").unwrap();
        art1.versions.keys().map(|l| l.to_string()).collect()
    }

    #[test]
    fn the_root_names_the_reference_and_its_current_translations_word_for_word() {
        let mut events = negotiating();
        assert_eq!(root_languages(&events), ["ar", "fr"]);
        events.push(art1_amended_in_arabic());
        assert_eq!(
            root_languages(&events),
            ["ar"],
            "the French wording, stale, is not in the root"
        );
    }

    #[test]
    fn negotiators_do_not_translate() {
        expect_refusal(
            negotiating(),
            MAR_NEGOTIATOR,
            translate(ART1_AR_REVISED, art1_hash()),
            NegotiationError::NotPermitted {
                person: MAR_NEGOTIATOR.into(),
                role: Role::Negotiator,
                action: crate::commands::ActionKind::TranslateClause,
            },
        );
    }
}
