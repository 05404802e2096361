//! The negotiating acts: each command line becomes one `Action` of the domain, performed by the
//! person named with `--as`. Files named on the command line (texts, full powers, signing keys)
//! are read here; the ledger decides.

use pacta_domain::{Action, Negotiation, SignatureCapacity};
use pacta_ledger::{Ledger, LedgerError};

use super::{Act, CliError};

/// The negotiation an act is addressed to, and the act. Signing reads the negotiation's state,
/// to build the exact message the key signs.
pub(super) async fn action_of(
    ledger: &Ledger,
    actor: Option<&str>,
    act: Act,
) -> Result<(String, Action), CliError> {
    let actor = || actor.map(str::to_string).ok_or(CliError::NoActor);
    Ok(match act {
        Act::Open(args) => {
            let legal_effect = args.legal_effect();
            let mut languages = Vec::new();
            let mut language_responsibility = std::collections::BTreeMap::new();
            for spec in args.languages {
                match spec.split_once('=') {
                    Some((language, party)) => {
                        language_responsibility.insert(language.to_string(), party.to_string());
                        languages.push(language.to_string());
                    }
                    None => languages.push(spec),
                }
            }
            let mut parties = args.parties;
            for (code, language, name) in args.party_names {
                let party = parties
                    .iter_mut()
                    .find(|p| p.code == code)
                    .ok_or(CliError::NameForUnknownParty(code))?;
                party.names.insert(language, name);
            }
            let action = Action::OpenNegotiation {
                negotiation_id: args.negotiation.clone(),
                title: args.title,
                titles: args.titles_in.into_iter().collect(),
                instrument_kind: args.kind,
                parties,
                facilitator: args.facilitator,
                languages,
                language_responsibility,
                entry_into_force_rule: args.entry_into_force,
                termination_notice_months: args.termination_notice_months,
                provisional_application: args.provisional_application,
                legal_effect,
                arabic_article_numbering: args.arabic_numbering,
            };
            (args.negotiation, action)
        }
        Act::Accredit {
            negotiation,
            person,
            name,
            party,
            role,
            signing,
        } => {
            let signing = signing.authority()?;
            let action = Action::AccreditDelegate {
                person,
                name: name.unwrap_or_default(),
                party,
                role,
                signing,
            };
            (negotiation, action)
        }
        Act::Accept { negotiation } => (negotiation, Action::AcceptNegotiation),
        Act::Adopt { negotiation, root } => (
            negotiation,
            Action::AdoptText {
                text_root_hash: root,
            },
        ),
        Act::Initial { negotiation, root } => (
            negotiation,
            Action::InitialText {
                text_root_hash: root,
            },
        ),
        Act::Sign {
            negotiation,
            key,
            root,
            capacity,
            on,
            title,
            titles_in,
            places_in,
        } => {
            let actor = actor()?;
            let events = ledger.events(&negotiation).await?;
            // The key signs the full root: a prefix is resolved before the message is built.
            let root = super::hashes::resolve_one("root", root, &negotiation, &events)?;
            let state = Negotiation::replay(events.iter().map(|e| &e.payload));
            let party = state
                .delegate(&actor)
                .map(|d| d.party.clone())
                .ok_or_else(|| LedgerError::Refused {
                    negotiation_id: negotiation.clone(),
                    reason: pacta_domain::NegotiationError::UnknownActor(actor.clone()),
                })?;
            let message = pacta_domain::SigningMessage {
                negotiation_id: negotiation.clone(),
                revision: state.revision(),
                text_root_hash: root.clone(),
                party,
                signatory: actor,
                capacity,
                ad_referendum: capacity == SignatureCapacity::AdReferendum,
                signed_on: on,
            };
            let signature = crate::keys::sign(&key, &message)?;
            let action = Action::SignInstrument {
                text_root_hash: root,
                capacity,
                signed_on: on,
                signature,
                signatory_title: title,
                signatory_title_in: titles_in.into_iter().collect(),
                place_in: places_in.into_iter().collect(),
            };
            (negotiation, action)
        }
        Act::ExamineFullPowers {
            negotiation,
            signatory,
            accept,
            refuse,
        } => {
            let action = Action::ExamineFullPowers {
                signatory,
                accepted: accept && refuse.is_none(),
                reason: refuse,
            };
            (negotiation, action)
        }
        Act::Confirm { negotiation, on } => {
            (negotiation, Action::ConfirmSignature { confirmed_on: on })
        }
        Act::Consent {
            negotiation,
            mode,
            on,
            reference,
            scan,
            transmitted_by,
        } => {
            let scan_sha256 = scan.as_deref().map(crate::keys::file_sha256).transpose()?;
            let action = Action::ExpressConsent {
                mode,
                on,
                instrument_reference: reference,
                scan_sha256,
                transmitted_by,
            };
            (negotiation, action)
        }
        Act::Note {
            negotiation,
            number,
            on,
            text,
            text_file,
            in_reply_to,
        } => {
            let text = match (text, text_file) {
                (Some(text), _) => text,
                (None, Some(path)) => super::args::read_note_text(&path)?,
                (None, None) => unreachable!("clap requires --text or --text-file"),
            };
            let action = Action::SendNote {
                number,
                sent_on: on,
                text,
                in_reply_to,
            };
            (negotiation, action)
        }
        Act::Receipt {
            negotiation,
            from,
            on,
        } => (
            negotiation,
            Action::RecordReceipt {
                from_party: from,
                received_on: on,
            },
        ),
        Act::Abandon {
            negotiation,
            reason,
        } => (negotiation, Action::AbandonNegotiation { reason }),
        Act::Suspend {
            negotiation,
            from,
            reason,
        } => (negotiation, Action::SuspendOperation { from, reason }),
        Act::Resume { negotiation, from } => (negotiation, Action::ResumeOperation { from }),
        Act::ApplyProvisionally { negotiation, from } => {
            (negotiation, Action::ApplyProvisionally { from })
        }
        Act::Terminate {
            negotiation,
            notified_on,
            reason,
        } => (
            negotiation,
            Action::NotifyTermination {
                notified_on,
                reason,
            },
        ),
        Act::Propose {
            negotiation,
            clause,
            kind,
            after,
            before,
            wording,
        } => {
            let text = wording.text()?;
            let action = Action::ProposeClause {
                clause_id: clause,
                kind,
                heading: wording.heading.unwrap_or_default(),
                language: wording.language,
                text,
                after,
                before,
            };
            (negotiation, action)
        }
        Act::Move {
            negotiation,
            clause,
            after,
            before,
            id,
        } => (
            negotiation,
            Action::ProposeStructureChange {
                proposal_id: id.unwrap_or_else(|| format!("move-{clause}")),
                change: pacta_domain::StructureChange::Move {
                    clause_id: clause,
                    after,
                    before,
                },
            },
        ),
        Act::FreezeNumbering { negotiation, id } => (
            negotiation,
            Action::ProposeStructureChange {
                proposal_id: id.unwrap_or_else(|| "freeze-numbering".into()),
                change: pacta_domain::StructureChange::FreezeNumbering,
            },
        ),
        Act::AgreeStructure {
            negotiation,
            proposal,
        } => (
            negotiation,
            Action::AgreeStructureChange {
                proposal_id: proposal,
            },
        ),
        Act::Amend {
            negotiation,
            clause,
            base,
            wording,
        } => {
            let text = wording.text()?;
            let action = Action::AmendClause {
                clause_id: clause,
                base_text_hash: base,
                heading: wording.heading,
                language: wording.language,
                text,
            };
            (negotiation, action)
        }
        Act::Comment {
            negotiation,
            clause,
            text,
            internal,
        } => (
            negotiation,
            Action::Comment {
                clause_id: clause,
                text,
                internal,
            },
        ),
        Act::Agree {
            negotiation,
            clause,
            hash,
            ad_referendum,
        } => (
            negotiation,
            Action::AgreeClause {
                clause_id: clause,
                text_hash: hash,
                ad_referendum,
            },
        ),
        Act::Bracket {
            negotiation,
            clause,
            label,
            wording,
        } => {
            let text = wording.text()?;
            let action = Action::ProposeAlternative {
                clause_id: clause,
                label,
                heading: wording.heading,
                language: wording.language,
                text,
            };
            (negotiation, action)
        }
        Act::Position {
            negotiation,
            clause,
            position,
            rationale,
        } => (
            negotiation,
            Action::StatePosition {
                clause_id: clause,
                position,
                rationale,
            },
        ),
        Act::Choose {
            negotiation,
            clause,
            label,
            base,
        } => (
            negotiation,
            Action::ChooseAlternative {
                clause_id: clause,
                label,
                base_text_hash: base,
            },
        ),
        Act::WithdrawAlternative {
            negotiation,
            clause,
            label,
            reason,
        } => (
            negotiation,
            Action::WithdrawAlternative {
                clause_id: clause,
                label,
                reason,
            },
        ),
        Act::ConfirmAgreement {
            negotiation,
            clause,
        } => (
            negotiation,
            Action::ConfirmClauseAgreement { clause_id: clause },
        ),
        Act::Reopen {
            negotiation,
            clause,
            reason,
        } => (
            negotiation,
            Action::ReopenClause {
                clause_id: clause,
                reason,
            },
        ),
        Act::Withdraw {
            negotiation,
            clause,
            reason,
        } => (
            negotiation,
            Action::WithdrawClause {
                clause_id: clause,
                reason,
            },
        ),
        Act::Revise {
            negotiation,
            on,
            reason,
        } => (
            negotiation,
            Action::OpenRevision {
                opened_on: on,
                reason,
            },
        ),
        Act::Correct {
            negotiation,
            clause,
            id,
            base,
            reason,
            wording,
        } => {
            let text = wording.text()?;
            let action = Action::ProposeCorrection {
                correction_id: id,
                clause_id: clause,
                language: wording.language,
                base_text_hash: base,
                heading: wording.heading.unwrap_or_default(),
                text,
                reason,
            };
            (negotiation, action)
        }
        Act::AgreeCorrection {
            negotiation,
            correction,
            hash,
        } => (
            negotiation,
            Action::AgreeCorrection {
                correction_id: correction,
                text_hash: hash,
            },
        ),
        Act::Translate {
            negotiation,
            clause,
            source,
            wording,
        } => {
            let text = wording.text()?;
            let action = Action::TranslateClause {
                clause_id: clause,
                language: wording.language,
                heading: wording.heading.unwrap_or_default(),
                text,
                source_text_hash: source,
            };
            (negotiation, action)
        }
        Act::Concordance {
            negotiation,
            clause,
            language,
            hash,
        } => (
            negotiation,
            Action::VerifyConcordance {
                clause_id: clause,
                language,
                text_hash: hash,
            },
        ),
    })
}
