//! The index of negotiations: one line per negotiation, for a delegation's list of files, and
//! where each action matrix stands.

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{ClauseStatus, InstrumentKind, InstrumentStatus, Negotiation, RowProgress};
use serde::{Deserialize, Serialize};

use crate::NegotiationFold;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexEntry {
    pub negotiation_id: String,
    pub title: String,
    pub instrument_kind: InstrumentKind,
    /// Party codes, in the instrument's order.
    pub parties: Vec<String>,
    /// The parties (and the facilitator) named in the opening that have not accepted it yet,
    /// in code order; none once every one takes part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awaiting_acceptance: Vec<String>,
    /// Where the instrument as a whole stands.
    pub status: InstrumentStatus,
    /// The revision being negotiated, or in force when none is: 0 is the original.
    pub revision: u32,
    /// The clauses of that revision's text, by status.
    pub clauses: ClauseCounts,
    /// When the last event was recorded (RFC 3339), and its sequence: the number of events, as
    /// sequences are dense.
    pub last_recorded_at: String,
    pub last_sequence: usize,
    pub matrices: Vec<MatrixStatus>,
    /// Whether the instrument is intended to be legally binding, where the opening stated it:
    /// `false` for one that is signed and takes effect, never "in force".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legally_binding: Option<bool>,
}

impl IndexEntry {
    /// The status in words: "in force from D", or "takes effect on D" for a non-binding
    /// instrument; otherwise the status's name.
    pub fn status_in_words(&self) -> String {
        match self.status {
            InstrumentStatus::InForce { on } if self.legally_binding == Some(false) => {
                format!("takes effect on {on}")
            }
            InstrumentStatus::InForce { on } => format!("in force from {on}"),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|v| v["status"].as_str().map(str::to_string))
                .unwrap_or_default(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseCounts {
    pub total: usize,
    pub proposed: usize,
    pub under_discussion: usize,
    pub bracketed: usize,
    pub agreed_ad_referendum: usize,
    pub agreed: usize,
    pub withdrawn: usize,
}

/// One action matrix in summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixStatus {
    pub matrix_id: String,
    pub title: String,
    pub rows_proposed: usize,
    /// Rows every party agreed in their current content.
    pub rows_agreed: usize,
    /// The round the matrix was validated at, once it is.
    pub validated_at: Option<String>,
    /// The progress report recorded last, if any.
    pub latest_progress: Option<ProgressReport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressReport {
    pub row_id: String,
    pub progress: RowProgress,
    pub reported_on: NaiveDate,
    pub sequence: usize,
}

/// The negotiation's line in the index.
pub fn index_entry(negotiation_id: &str, events: &[EventEnvelope<Negotiation>]) -> IndexEntry {
    NegotiationFold::of(negotiation_id, events).index_entry()
}

/// Every action matrix, in id order: rows proposed and agreed, validation, latest progress.
pub fn matrix_status(events: &[EventEnvelope<Negotiation>]) -> Vec<MatrixStatus> {
    let negotiation_id = events.first().map_or("", |e| e.aggregate_id.as_str());
    NegotiationFold::of(negotiation_id, events).matrix_status()
}

impl NegotiationFold {
    /// The negotiation's line in the index, as of the last event folded in.
    pub fn index_entry(&self) -> IndexEntry {
        let state = &self.state;
        let mut clauses = ClauseCounts::default();
        for (_, clause) in state
            .revision_clauses(state.revision())
            .expect("invariant: the current revision is on record")
        {
            clauses.total += 1;
            *match state.clause_status(clause) {
                ClauseStatus::Proposed => &mut clauses.proposed,
                ClauseStatus::UnderDiscussion => &mut clauses.under_discussion,
                ClauseStatus::Bracketed => &mut clauses.bracketed,
                ClauseStatus::AgreedAdReferendum => &mut clauses.agreed_ad_referendum,
                ClauseStatus::Agreed => &mut clauses.agreed,
                ClauseStatus::Withdrawn => &mut clauses.withdrawn,
            } += 1;
        }
        IndexEntry {
            negotiation_id: self.negotiation_id.clone(),
            title: state.title().unwrap_or_default().to_string(),
            instrument_kind: state.instrument_kind().unwrap_or(InstrumentKind::Mou),
            parties: state.parties().iter().map(|p| p.code.clone()).collect(),
            awaiting_acceptance: state.awaiting_acceptance().map(str::to_string).collect(),
            status: state.instrument_status(),
            revision: state.revision(),
            clauses,
            last_recorded_at: self.last_recorded_at.clone(),
            last_sequence: self.last_sequence,
            matrices: self.matrix_status(),
            legally_binding: state.legally_binding(),
        }
    }

    /// Every action matrix, in id order.
    pub fn matrix_status(&self) -> Vec<MatrixStatus> {
        let state = &self.state;
        state
            .matrices()
            .map(|(matrix_id, matrix)| MatrixStatus {
                matrix_id: matrix_id.clone(),
                title: matrix.title.clone(),
                rows_proposed: matrix.rows.len(),
                rows_agreed: matrix
                    .rows
                    .values()
                    .filter(|row| row.agreed_by_all(state.parties()))
                    .count(),
                validated_at: matrix.validated_at.clone(),
                latest_progress: self.latest_progress.get(matrix_id).cloned(),
            })
            .collect()
    }
}
