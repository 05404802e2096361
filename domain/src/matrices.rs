//! Action matrices: the annexes that say who does what, by when, measured how. Rows are
//! negotiated like clauses — each named by the hash of its content, agreed by every party in that
//! exact content — and a matrix is validated at a session (a workshop). After validation,
//! progress reports are implementation events; changing a row's content (its target or dates)
//! needs every party's agreement again.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::aggregate::{
    already_done, check_comment, check_hash, check_identifier, check_name, named, named_mut,
    Decision, Negotiation, Opened,
};
use crate::errors::{NegotiationError, ReplayError};
use crate::events::NegotiationEvent;
use crate::limits::{MAX_MATRICES_PER_NEGOTIATION, MAX_ROWS_PER_MATRIX};
use crate::values::{Delegate, Role};

pub const ROW_HASH_DOMAIN_TAG: &[u8] = b"pacta:matrix-row:v1\0";

/// What the parties negotiate in one row. Quantities are decimal strings, never floats, so
/// that a row's hash is the same in every language that verifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RowContent {
    pub objective: String,
    pub action: String,
    /// The party responsible for carrying out the action.
    pub responsible_party: String,
    pub agency: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub indicator: Indicator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Indicator {
    pub name: String,
    pub unit: String,
    pub baseline: String,
    pub target: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RowProgress {
    NotStarted,
    OnTrack,
    Delayed,
    Completed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    pub content: RowContent,
    pub row_hash: String,
    /// Each party's agreement, as the row hash it agreed; cleared when the content changes.
    pub agreed_by: BTreeMap<String, String>,
    pub progress: RowProgress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Matrix {
    pub title: String,
    /// Row ids in the order proposed.
    pub row_order: Vec<String>,
    pub rows: BTreeMap<String, Row>,
    /// The round (workshop) at which the matrix was validated.
    pub validated_at: Option<String>,
}

/// Lower-case hex SHA-256 over the domain tag and the RFC 8785 canonical JSON of the content.
pub fn row_hash(content: &RowContent) -> String {
    let canonical = serde_json_canonicalizer::to_vec(content).expect("a row canonicalises");
    let mut hasher = Sha256::new();
    hasher.update(ROW_HASH_DOMAIN_TAG);
    hasher.update(&canonical);
    hex::encode(hasher.finalize())
}

impl Row {
    /// The parties that agreed the row's current content.
    pub fn agreed_parties(&self) -> impl Iterator<Item = &str> {
        self.agreed_by
            .iter()
            .filter(|(_, hash)| **hash == self.row_hash)
            .map(|(party, _)| party.as_str())
    }

    pub fn agreed_by_all(&self, parties: &[crate::values::Party]) -> bool {
        parties
            .iter()
            .all(|p| self.agreed_by.get(&p.code) == Some(&self.row_hash))
    }
}

impl Negotiation {
    pub fn matrix(&self, matrix_id: &str) -> Option<&Matrix> {
        self.matrices.get(matrix_id)
    }

    pub fn matrices(&self) -> impl Iterator<Item = (&String, &Matrix)> {
        self.matrices.iter()
    }

    fn existing_matrix(&self, matrix_id: &str) -> Result<&Matrix, NegotiationError> {
        named(&self.matrices, matrix_id, NegotiationError::UnknownMatrix)
    }

    fn existing_row(&self, matrix_id: &str, row_id: &str) -> Result<&Row, NegotiationError> {
        self.existing_matrix(matrix_id)?
            .rows
            .get(row_id)
            .ok_or_else(|| NegotiationError::UnknownRow {
                matrix_id: matrix_id.to_string(),
                row_id: row_id.to_string(),
            })
    }

    pub(crate) fn decide_matrix(&self, matrix_id: &str, title: &str) -> Decision {
        check_identifier("matrix id", matrix_id)?;
        if self.matrices.contains_key(matrix_id) {
            return Err(NegotiationError::MatrixExists(matrix_id.to_string()));
        }
        if self.matrices.len() >= MAX_MATRICES_PER_NEGOTIATION {
            return Err(NegotiationError::TooManyMatrices {
                max_matrices: MAX_MATRICES_PER_NEGOTIATION,
            });
        }
        check_name("matrix title", title)?;
        Ok(vec![NegotiationEvent::MatrixCreated {
            matrix_id: matrix_id.to_string(),
            title: title.to_string(),
        }])
    }

    pub(crate) fn decide_row(
        &self,
        opened: &Opened,
        matrix_id: &str,
        row_id: &str,
        content: &RowContent,
        base_row_hash: Option<&str>,
    ) -> Decision {
        let matrix = self.existing_matrix(matrix_id)?;
        check_identifier("row id", row_id)?;
        // A new row names no base; a revised one names the content it revises.
        match base_row_hash {
            Some(base) => check_current_row(row_id, self.existing_row(matrix_id, row_id)?, base)?,
            None if matrix.rows.contains_key(row_id) => {
                return Err(NegotiationError::RowExists {
                    matrix_id: matrix_id.to_string(),
                    row_id: row_id.to_string(),
                })
            }
            None if matrix.rows.len() >= MAX_ROWS_PER_MATRIX => {
                return Err(NegotiationError::TooManyRows {
                    matrix_id: matrix_id.to_string(),
                    max_rows: MAX_ROWS_PER_MATRIX,
                })
            }
            None => {}
        }
        check_row_content(opened, content)?;
        let hash = row_hash(content);
        if matrix
            .rows
            .get(row_id)
            .is_some_and(|row| row.row_hash == hash)
        {
            return Err(NegotiationError::RowUnchanged(row_id.to_string()));
        }
        Ok(vec![NegotiationEvent::RowProposed {
            matrix_id: matrix_id.to_string(),
            row_id: row_id.to_string(),
            content: content.clone(),
            row_hash: hash,
        }])
    }

    pub(crate) fn decide_row_agreement(
        &self,
        actor: &Delegate,
        matrix_id: &str,
        row_id: &str,
        given: &str,
    ) -> Decision {
        let row = self.existing_row(matrix_id, row_id)?;
        check_current_row(row_id, row, given)?;
        if row.agreed_by.get(&actor.party) == Some(&row.row_hash) {
            return Err(already_done(actor, "agreed this row"));
        }
        Ok(vec![NegotiationEvent::RowAgreed {
            matrix_id: matrix_id.to_string(),
            row_id: row_id.to_string(),
            party: actor.party.clone(),
            row_hash: given.to_string(),
        }])
    }

    pub(crate) fn decide_validation(&self, matrix_id: &str, round_id: &str) -> Decision {
        let matrix = self.existing_matrix(matrix_id)?;
        if self.round(round_id).is_none() {
            return Err(NegotiationError::UnknownRound(round_id.to_string()));
        }
        if matrix.rows.is_empty() {
            return Err(NegotiationError::EmptyMatrix(matrix_id.to_string()));
        }
        let pending = matrix
            .row_order
            .iter()
            .find(|id| !matrix.rows[*id].agreed_by_all(self.parties()));
        if let Some(row_id) = pending {
            return Err(NegotiationError::RowNotAgreed {
                matrix_id: matrix_id.to_string(),
                row_id: row_id.clone(),
            });
        }
        if matrix.validated_at.is_some() {
            return Err(NegotiationError::MatrixAlreadyValidated(
                matrix_id.to_string(),
            ));
        }
        Ok(vec![NegotiationEvent::MatrixValidated {
            matrix_id: matrix_id.to_string(),
            round_id: round_id.to_string(),
        }])
    }

    pub(crate) fn decide_progress(
        &self,
        actor: &Delegate,
        matrix_id: &str,
        row_id: &str,
        progress: crate::matrices::RowProgress,
        reported_on: NaiveDate,
        note: &str,
    ) -> Decision {
        let matrix = self.existing_matrix(matrix_id)?;
        let row = self.existing_row(matrix_id, row_id)?;
        if matrix.validated_at.is_none() || !row.agreed_by_all(self.parties()) {
            return Err(NegotiationError::RowNotInImplementation {
                matrix_id: matrix_id.to_string(),
                row_id: row_id.to_string(),
            });
        }
        if actor.role != Role::Secretariat && actor.party != row.content.responsible_party {
            return Err(NegotiationError::WrongParty {
                person: actor.person.clone(),
                own_party: actor.party.clone(),
                other_party: row.content.responsible_party.clone(),
            });
        }
        if !note.is_empty() {
            check_comment("progress note", note)?;
        }
        Ok(vec![NegotiationEvent::ProgressReported {
            matrix_id: matrix_id.to_string(),
            row_id: row_id.to_string(),
            progress,
            reported_on,
            note: note.to_string(),
        }])
    }

    pub(crate) fn apply_matrix_event(
        &mut self,
        event: NegotiationEvent,
    ) -> Result<(), ReplayError> {
        match event {
            NegotiationEvent::MatrixCreated { matrix_id, title } => {
                let matrix = Matrix {
                    title,
                    row_order: Vec::new(),
                    rows: BTreeMap::new(),
                    validated_at: None,
                };
                // A matrix's rows and agreements are never replaced by a second creation.
                let Entry::Vacant(entry) = self.matrices.entry(matrix_id.clone()) else {
                    return Err(ReplayError::MatrixExists { matrix_id });
                };
                entry.insert(matrix);
            }
            NegotiationEvent::RowProposed {
                matrix_id,
                row_id,
                content,
                row_hash,
            } => {
                let matrix = self.matrix_mut(&matrix_id)?;
                match matrix.rows.get_mut(&row_id) {
                    // A changed row needs every party's agreement again, validated or not.
                    Some(row) => {
                        row.content = content;
                        row.row_hash = row_hash;
                        row.agreed_by.clear();
                    }
                    None => {
                        matrix.row_order.push(row_id.clone());
                        let row = Row {
                            content,
                            row_hash,
                            agreed_by: BTreeMap::new(),
                            progress: RowProgress::NotStarted,
                        };
                        matrix.rows.insert(row_id, row);
                    }
                }
            }
            NegotiationEvent::RowAgreed {
                matrix_id,
                row_id,
                party,
                row_hash,
            } => {
                self.row_mut(&matrix_id, &row_id)?
                    .agreed_by
                    .insert(party, row_hash);
            }
            NegotiationEvent::MatrixValidated {
                matrix_id,
                round_id,
            } => {
                self.matrix_mut(&matrix_id)?.validated_at = Some(round_id);
            }
            NegotiationEvent::ProgressReported {
                matrix_id,
                row_id,
                progress,
                ..
            } => self.row_mut(&matrix_id, &row_id)?.progress = progress,
            // The fold dispatches only the events above here, whatever the event sequence.
            other => unreachable!("not a matrix event: {}", other.name()),
        }
        Ok(())
    }

    fn matrix_mut(&mut self, matrix_id: &str) -> Result<&mut Matrix, ReplayError> {
        named_mut(&mut self.matrices, matrix_id, |matrix_id| {
            ReplayError::UnknownMatrix { matrix_id }
        })
    }

    fn row_mut(&mut self, matrix_id: &str, row_id: &str) -> Result<&mut Row, ReplayError> {
        self.matrix_mut(matrix_id)?
            .rows
            .get_mut(row_id)
            .ok_or_else(|| ReplayError::UnknownRow {
                matrix_id: matrix_id.to_string(),
                row_id: row_id.to_string(),
            })
    }
}

/// `given` names the row's current content.
fn check_current_row(row_id: &str, row: &Row, given: &str) -> Result<(), NegotiationError> {
    check_hash("row hash", given)?;
    if row.row_hash == given {
        Ok(())
    } else {
        Err(NegotiationError::StaleRowHash {
            row_id: row_id.to_string(),
            given: given.to_string(),
            current: row.row_hash.clone(),
        })
    }
}

fn check_row_content(opened: &Opened, content: &RowContent) -> Result<(), NegotiationError> {
    for (field, value) in [
        ("objective", &content.objective),
        ("action", &content.action),
    ] {
        check_comment(field, value)?;
    }
    for (field, value) in [
        ("agency", &content.agency),
        ("indicator name", &content.indicator.name),
        ("indicator unit", &content.indicator.unit),
        ("indicator baseline", &content.indicator.baseline),
        ("indicator target", &content.indicator.target),
    ] {
        check_name(field, value)?;
    }
    if !opened
        .parties
        .iter()
        .any(|p| p.code == content.responsible_party)
    {
        return Err(NegotiationError::UnknownParty(
            content.responsible_party.clone(),
        ));
    }
    if content.ends_on < content.starts_on {
        return Err(NegotiationError::EndsBeforeItStarts {
            starts_on: content.starts_on,
            ends_on: content.ends_on,
        });
    }
    Ok(())
}

#[cfg(all(test, feature = "cqrs"))]
pub(crate) mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::aggregate::tests::*;
    use crate::commands::Action;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    pub(crate) fn content(target: &str) -> RowContent {
        RowContent {
            objective: "Renforcer l'identification des victimes".into(),
            action: "Former les agents de la police des frontières".into(),
            responsible_party: "CIV".into(),
            agency: "Direction de la Police des Frontières".into(),
            starts_on: date("2026-06-01"),
            ends_on: date("2026-12-31"),
            indicator: Indicator {
                name: "Agents formés".into(),
                unit: "personnes".into(),
                baseline: "0".into(),
                target: target.into(),
            },
        }
    }

    fn matrix_created() -> NegotiationEvent {
        NegotiationEvent::MatrixCreated {
            matrix_id: "mx-protection".into(),
            title: "Protection des victimes".into(),
        }
    }

    fn row_proposed(target: &str) -> NegotiationEvent {
        NegotiationEvent::RowProposed {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
            content: content(target),
            row_hash: row_hash(&content(target)),
        }
    }

    fn matrix_validated() -> NegotiationEvent {
        NegotiationEvent::MatrixValidated {
            matrix_id: "mx-protection".into(),
            round_id: "round-1".into(),
        }
    }

    pub(crate) fn matrix_history(agreed: bool, validated: bool) -> Vec<NegotiationEvent> {
        let mut events = negotiating();
        events.extend([matrix_created(), row_proposed("120")]);
        if agreed {
            for party in ["CIV", "MAR"] {
                events.push(NegotiationEvent::RowAgreed {
                    matrix_id: "mx-protection".into(),
                    row_id: "r1".into(),
                    party: party.into(),
                    row_hash: row_hash(&content("120")),
                });
            }
            events.push(crate::rounds::tests::round_opened());
        }
        if validated {
            events.push(matrix_validated());
        }
        events
    }

    pub(crate) fn propose_row(target: &str, base: Option<String>) -> Action {
        Action::ProposeRow {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
            content: content(target),
            base_row_hash: base,
        }
    }

    fn propose_new_row(content: RowContent) -> Action {
        Action::ProposeRow {
            matrix_id: "mx-protection".into(),
            row_id: "r2".into(),
            content,
            base_row_hash: None,
        }
    }

    fn create_matrix() -> Action {
        Action::CreateMatrix {
            matrix_id: "mx-protection".into(),
            title: "Protection des victimes".into(),
        }
    }

    pub(crate) fn validate_matrix() -> Action {
        Action::ValidateMatrix {
            matrix_id: "mx-protection".into(),
            round_id: "round-1".into(),
        }
    }

    /// Progress on row r1: on track at the end of September.
    pub(crate) fn report_progress(note: &str) -> Action {
        Action::ReportProgress {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
            progress: RowProgress::OnTrack,
            reported_on: date("2026-09-30"),
            note: note.into(),
        }
    }

    fn not_in_implementation() -> NegotiationError {
        NegotiationError::RowNotInImplementation {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
        }
    }

    #[test]
    fn rows_are_proposed_agreed_and_validated_at_a_workshop() {
        expect_events(
            negotiating(),
            IOM_SECRETARIAT,
            create_matrix(),
            vec![matrix_created()],
        );
        expect_events(
            matrix_history(true, false),
            IOM_SECRETARIAT,
            validate_matrix(),
            vec![matrix_validated()],
        );
    }

    #[test]
    fn matrix_refusals() {
        let mut bad_dates = content("120");
        bad_dates.ends_on = date("2026-01-01");
        let mut foreign = content("120");
        foreign.responsible_party = "FRA".into();
        let proposed = || matrix_history(false, false);
        expect_refusals(
            CIV_NEGOTIATOR,
            [
                (
                    proposed(),
                    propose_row("150", None),
                    NegotiationError::RowExists {
                        matrix_id: "mx-protection".into(),
                        row_id: "r1".into(),
                    },
                ),
                (
                    proposed(),
                    propose_row("150", Some("0".repeat(64))),
                    NegotiationError::StaleRowHash {
                        row_id: "r1".into(),
                        given: "0".repeat(64),
                        current: row_hash(&content("120")),
                    },
                ),
                (
                    proposed(),
                    propose_row("120", Some(row_hash(&content("120")))),
                    NegotiationError::RowUnchanged("r1".into()),
                ),
                (
                    proposed(),
                    propose_new_row(bad_dates),
                    NegotiationError::EndsBeforeItStarts {
                        starts_on: date("2026-06-01"),
                        ends_on: date("2026-01-01"),
                    },
                ),
                (
                    proposed(),
                    propose_new_row(foreign),
                    NegotiationError::UnknownParty("FRA".into()),
                ),
                (
                    negotiating(),
                    propose_row("150", None),
                    NegotiationError::UnknownMatrix("mx-protection".into()),
                ),
            ],
        );
        expect_refusal(
            followed_by(proposed(), [crate::rounds::tests::round_opened()]),
            IOM_SECRETARIAT,
            validate_matrix(),
            NegotiationError::RowNotAgreed {
                matrix_id: "mx-protection".into(),
                row_id: "r1".into(),
            },
        );
    }

    #[test]
    fn a_matrix_is_created_once_validated_once_and_only_with_rows() {
        let empty = followed_by(
            negotiating(),
            [matrix_created(), crate::rounds::tests::round_opened()],
        );
        expect_refusals(
            IOM_SECRETARIAT,
            [
                (
                    matrix_history(false, false),
                    create_matrix(),
                    NegotiationError::MatrixExists("mx-protection".into()),
                ),
                (
                    empty,
                    validate_matrix(),
                    NegotiationError::EmptyMatrix("mx-protection".into()),
                ),
                (
                    matrix_history(true, true),
                    validate_matrix(),
                    NegotiationError::MatrixAlreadyValidated("mx-protection".into()),
                ),
            ],
        );
    }

    #[test]
    fn changing_a_validated_target_needs_every_party_again() {
        let events = followed_by(matrix_history(true, true), [row_proposed("200")]);
        let state = state_of(&events);
        let row = &state.matrix("mx-protection").unwrap().rows["r1"];
        assert!(
            !row.agreed_by_all(state.parties()),
            "the new target is not agreed yet"
        );
        expect_refusal(
            events,
            CIV_NEGOTIATOR,
            report_progress(""),
            not_in_implementation(),
        );
    }

    #[test]
    fn the_responsible_party_reports_progress_on_a_validated_row() {
        let note = "60 agents formés à Abidjan";
        expect_events(
            matrix_history(true, true),
            CIV_NEGOTIATOR,
            report_progress(note),
            vec![NegotiationEvent::ProgressReported {
                matrix_id: "mx-protection".into(),
                row_id: "r1".into(),
                progress: RowProgress::OnTrack,
                reported_on: date("2026-09-30"),
                note: note.into(),
            }],
        );
        let cases = [
            (
                matrix_history(true, true),
                MAR_NEGOTIATOR,
                NegotiationError::WrongParty {
                    person: MAR_NEGOTIATOR.into(),
                    own_party: "MAR".into(),
                    other_party: "CIV".into(),
                },
            ),
            (
                matrix_history(true, false),
                CIV_NEGOTIATOR,
                not_in_implementation(),
            ),
        ];
        for (given, actor, error) in cases {
            expect_refusal(given, actor, report_progress(note), error);
        }
    }
}
