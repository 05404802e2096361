//! The state of the agreement: where the instrument stands, the text root every act binds, and
//! each party's adoption, initialling, signature and consent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{
    ConsentRecord, Correction, EntryIntoForceRule, FullPowersExamination, InstrumentKind,
    InstrumentStatus, LegalEffect, Matrix, Negotiation, Note, PartyKind, RevisionPeriod,
    SignatureRecord, SuspensionPeriod, TextInForce,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementState {
    pub negotiation_id: String,
    pub title: String,
    /// The title in other authentic languages, by BCP 47 tag, where the opening gave it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: BTreeMap<String, String>,
    pub instrument_kind: InstrumentKind,
    /// Where the instrument as a whole stands; in force from its first entry into force.
    pub status: InstrumentStatus,
    /// The revision being negotiated, or in force when none is: 0 is the original.
    pub revision: u32,
    /// Where that revision's text stands.
    pub revision_status: InstrumentStatus,
    /// The root hash of that revision's text: what adoption, initialling and signature bind.
    pub text_root_hash: String,
    /// Every revision, oldest first, with the period its text was in force.
    pub revisions: Vec<RevisionPeriod>,
    /// The text in force on the date asked for, if one was asked for and one was in force.
    pub text_in_force_on: Option<(NaiveDate, Option<TextInForce>)>,
    /// Corrections of the current revision's authenticated text (art. 79), proposed or made.
    pub corrections: BTreeMap<String, Correction>,
    /// Root hashes the current text had before corrections; signatures given earlier bind them.
    pub superseded_roots: Vec<String>,
    pub entry_into_force_rule: Option<EntryIntoForceRule>,
    pub entry_into_force: Option<NaiveDate>,
    /// The suspension still running: which party, and from when.
    pub suspended: Option<(String, NaiveDate)>,
    /// Every suspension of the instrument's operation, in order.
    pub suspensions: Vec<SuspensionPeriod>,
    /// When a notified termination takes effect.
    pub terminates_on: Option<NaiveDate>,
    pub parties: Vec<PartyState>,
    /// The parties (and the facilitator) named in the opening that have not accepted it yet:
    /// none of their people may act until their head of delegation (or secretariat) accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awaiting_acceptance: Vec<String>,
    /// What the parties intend, where the opening stated it: whether the instrument is legally
    /// binding, and each party's consent procedure. Absent: the kind of instrument decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_effect: Option<LegalEffect>,
    /// Whether the instrument can be registered with the UN Secretariat under Article 102 of
    /// the Charter, in words; absent where the opening stated no legal effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    /// The notes of an exchange of notes constituting the agreement, in the order sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// The words a reader sees for a non-binding instrument, which is signed and takes effect but is
/// never "in force", never ratified, and no one consents to be bound by.
pub const NOT_REGISTRABLE: &str =
    "not registrable under Article 102 of the UN Charter: not intended to be legally binding";
/// The words for a legally binding instrument (a treaty, whatever its name).
pub const REGISTRABLE: &str = "registrable under Article 102 of the UN Charter once in force";

impl AgreementState {
    /// Whether the opening stated that the instrument is not intended to be legally binding.
    pub fn is_non_binding(&self) -> bool {
        self.legal_effect
            .as_ref()
            .is_some_and(|e| !e.legally_binding)
    }

    /// "in force", or "in effect" for a non-binding instrument.
    pub fn in_force_words(&self) -> &'static str {
        if self.is_non_binding() {
            "in effect"
        } else {
            "in force"
        }
    }

    /// The status as a reader sees it: "in force from 2026-06-01", or for a non-binding
    /// instrument "takes effect on 2026-06-01"; otherwise the status's name.
    pub fn status_in_words(&self, status: &InstrumentStatus) -> String {
        match status {
            InstrumentStatus::InForce { on } if self.is_non_binding() => {
                format!("takes effect on {on}")
            }
            InstrumentStatus::InForce { on } => format!("in force from {on}"),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|v| v["status"].as_str().map(str::to_string))
                .unwrap_or_default(),
        }
    }

    /// The entry-into-force rule in words, with its label: ("Entry into force", "on the date of
    /// the last consent to be bound"), or for a non-binding instrument ("Takes effect", "… the
    /// last signature").
    pub fn entry_into_force_in_words(&self) -> Option<(&'static str, String)> {
        let rule = self.entry_into_force_rule?;
        Some(if self.is_non_binding() {
            ("Takes effect", rule.in_words_from("the last signature"))
        } else {
            ("Entry into force", rule.to_string())
        })
    }

    /// What the parties intend, in words: "not intended to be legally binding", or "legally
    /// binding; CIV: signature subject to approval, …"; `None` where the opening stated none.
    pub fn legal_effect_in_words(&self) -> Option<String> {
        let effect = self.legal_effect.as_ref()?;
        if !effect.legally_binding {
            return Some("not intended to be legally binding: signed, takes effect".into());
        }
        let procedures: Vec<String> = self
            .parties
            .iter()
            .map(|p| format!("{}: {}", p.code, effect.procedure_of(&p.code)))
            .collect();
        let accession = if effect.open_to_accession {
            "; open to accession"
        } else {
            ""
        };
        Some(format!(
            "legally binding; consent by {}{accession}",
            procedures.join(", ")
        ))
    }

    /// Each note of the exchange of notes in words: "note N° 0123 from CIV on 2026-04-02
    /// (proposal) [hash]"; and, once every reply is in, the date the agreement was concluded.
    pub fn notes_in_words(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .notes
            .iter()
            .map(|note| {
                let role = if note.in_reply_to.is_some() {
                    "reply reproducing the proposal"
                } else {
                    "proposal"
                };
                format!(
                    "note {} from {} on {} ({role}) [{}]",
                    note.number, note.party, note.sent_on, note.text_hash
                )
            })
            .collect();
        let last_reply = self
            .notes
            .iter()
            .filter(|n| n.in_reply_to.is_some())
            .map(|n| n.sent_on)
            .max();
        if let (Some(on), Some(_)) = (last_reply, self.entry_into_force) {
            lines.push(format!("concluded by the exchange of notes on {on}"));
        }
        lines
    }

    /// A party's consent in words: "approval on 2026-03-10, instrument Dahir n° 1-26-12 [scan
    /// 3f2a…], by notification through diplomatic channels, received by CIV on 2026-03-20".
    pub fn consent_in_words(&self, consent: &ConsentRecord) -> String {
        let mut words = format!("{} on {}", consent.mode.term(), consent.on);
        if let Some(reference) = &consent.instrument_reference {
            words.push_str(&format!(", instrument {reference}"));
        }
        if let Some(scan) = &consent.scan_sha256 {
            words.push_str(&format!(" [scan SHA-256 {scan}]"));
        }
        if let Some(transmission) = consent.transmitted_by {
            words.push_str(&format!(", by {}", transmission.term()));
        }
        for (party, on) in &consent.received {
            words.push_str(&format!(", received by {party} on {on}"));
        }
        words
    }

    /// A party's signature in words: "signed definitive by minister.civ on 2026-02-01, …", or
    /// for a non-binding instrument "signed by …" (no capacity: a signature that binds no one).
    pub fn signature_in_words(&self, signature: &SignatureRecord) -> String {
        let confirmed = signature
            .confirmed_on
            .map(|d| format!(", confirmed {d}"))
            .unwrap_or_default();
        let capacity = match signature.capacity {
            _ if !self.is_non_binding() => {
                format!(" {}", pacta_domain::variant_name(&signature.capacity))
            }
            pacta_domain::SignatureCapacity::AdReferendum => " ad referendum".to_string(),
            _ => String::new(),
        };
        let title = signature
            .signatory_title
            .as_ref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        format!(
            "signed{capacity} by {}{title} on {}{confirmed}",
            signature.signatory, signature.signed_on
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyState {
    pub code: String,
    pub name: String,
    /// A State, or an international organisation (absent for a State).
    #[serde(default, skip_serializing_if = "PartyKind::is_state")]
    pub kind: PartyKind,
    /// Whether the party adopted the current text.
    pub adopted: bool,
    pub signature: Option<SignatureRecord>,
    pub consent: Option<ConsentRecord>,
    /// Since when the party applies the instrument provisionally, if it does.
    pub provisionally_applied_from: Option<NaiveDate>,
    /// Each examination, by another party, of the full powers of this party's signatories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub full_powers_examined: Vec<FullPowersExamined>,
}

/// One examination of a signatory's full powers, as the agreement view shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FullPowersExamined {
    pub signatory: String,
    #[serde(flatten)]
    pub examination: FullPowersExamination,
}

impl FullPowersExamined {
    /// "full powers of minister.mar (FP-2026-1) accepted by CIV", or "… not accepted by CIV:
    /// REASON".
    pub fn in_words(&self) -> String {
        let e = &self.examination;
        match (e.accepted, &e.reason) {
            (true, _) => format!(
                "full powers of {} ({}) accepted by {}",
                self.signatory, e.reference, e.examined_by
            ),
            (false, reason) => format!(
                "full powers of {} ({}) not accepted by {}: {}",
                self.signatory,
                e.reference,
                e.examined_by,
                reason.as_deref().unwrap_or_default()
            ),
        }
    }
}

/// Every action matrix with its rows, agreements, validation and progress.
pub fn action_matrices(events: &[EventEnvelope<Negotiation>]) -> BTreeMap<String, Matrix> {
    crate::replay(events)
        .matrices()
        .map(|(id, m)| (id.clone(), m.clone()))
        .collect()
}

/// The state of the agreement; `on`, if given, asks which text was in force on that date.
pub fn agreement_state(
    negotiation_id: &str,
    events: &[EventEnvelope<Negotiation>],
    on: Option<NaiveDate>,
) -> AgreementState {
    agreement_state_of(negotiation_id, &crate::replay(events), on)
}

/// The state of an already folded negotiation.
pub fn agreement_state_of(
    negotiation_id: &str,
    state: &Negotiation,
    on: Option<NaiveDate>,
) -> AgreementState {
    let text_root_hash = state.text_root_hash();
    let parties = state
        .parties()
        .iter()
        .map(|party| PartyState {
            code: party.code.clone(),
            name: party.name.clone(),
            kind: party.kind,
            adopted: state.has_adopted_current_text(&party.code),
            signature: state.signature(&party.code).cloned(),
            consent: state.consent(&party.code).cloned(),
            provisionally_applied_from: state.provisionally_applied_by(&party.code),
            full_powers_examined: state
                .every_full_powers_examination()
                .filter(|(signatory, _)| {
                    state
                        .delegate(signatory)
                        .is_some_and(|d| d.party == party.code)
                })
                .map(|(signatory, examination)| FullPowersExamined {
                    signatory: signatory.to_string(),
                    examination: examination.clone(),
                })
                .collect(),
        })
        .collect();
    let entry_into_force = match state.instrument_status() {
        InstrumentStatus::InForce { on } => Some(on),
        _ => None,
    };
    AgreementState {
        negotiation_id: negotiation_id.to_string(),
        title: state.title().unwrap_or_default().to_string(),
        titles: state.titles().cloned().unwrap_or_default(),
        instrument_kind: state.instrument_kind().unwrap_or(InstrumentKind::Mou),
        status: state.instrument_status(),
        revision: state.revision(),
        revision_status: state.revision_status(),
        text_root_hash,
        revisions: state.revisions(),
        text_in_force_on: on.map(|date| (date, state.text_in_force_on(date))),
        corrections: state
            .corrections()
            .map(|(id, c)| (id.clone(), c.clone()))
            .collect(),
        superseded_roots: state.superseded_roots().to_vec(),
        entry_into_force_rule: state.entry_into_force_rule(),
        entry_into_force,
        suspended: state
            .running_suspension()
            .map(|s| (s.party.clone(), s.from)),
        suspensions: state.suspensions().to_vec(),
        terminates_on: state.terminates_on(),
        parties,
        awaiting_acceptance: state.awaiting_acceptance().map(str::to_string).collect(),
        legal_effect: state.legal_effect().cloned(),
        notes: state.notes().to_vec(),
        registration: state.legally_binding().map(|binding| {
            if binding {
                REGISTRABLE
            } else {
                NOT_REGISTRABLE
            }
            .to_string()
        }),
    }
}
