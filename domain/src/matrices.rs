//! Action matrices: the annexes that say who does what, by when, measured how. Rows are
//! negotiated like clauses — each named by the hash of its content, agreed by every party in that
//! exact content — and a matrix is validated at a session (a workshop). After validation,
//! progress reports are implementation events; changing a row's content (its target or dates)
//! needs every party's agreement again.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::aggregate::{
    check_comment, check_hash, check_identifier, check_name, Negotiation, Opened,
};
use crate::errors::NegotiationError;
use crate::events::NegotiationEvent;
use crate::limits::{MAX_MATRICES_PER_NEGOTIATION, MAX_ROWS_PER_MATRIX};
use crate::values::{Delegate, Role};

pub const ROW_HASH_DOMAIN_TAG: &[u8] = b"pacta:matrix-row:v1\0";

/// What the parties negotiate in one row. Quantities are decimal strings, never floats, so
/// that a row's hash is the same in every language that verifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
pub struct Indicator {
    pub name: String,
    pub unit: String,
    pub baseline: String,
    pub target: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RowProgress {
    NotStarted,
    OnTrack,
    Delayed,
    Completed,
}

impl std::str::FromStr for RowProgress {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "not-started" => Ok(Self::NotStarted),
            "on-track" => Ok(Self::OnTrack),
            "delayed" => Ok(Self::Delayed),
            "completed" => Ok(Self::Completed),
            _ => Err(format!(
                "unknown progress '{s}'; expected not-started, on-track, delayed or completed"
            )),
        }
    }
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
        self.matrices
            .get(matrix_id)
            .ok_or_else(|| NegotiationError::UnknownMatrix(matrix_id.to_string()))
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

    pub(crate) fn decide_matrix(
        &self,
        matrix_id: &str,
        title: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
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
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let matrix = self.existing_matrix(matrix_id)?;
        check_identifier("row id", row_id)?;
        match (matrix.rows.get(row_id), base_row_hash) {
            (Some(_), None) => {
                return Err(NegotiationError::RowExists {
                    matrix_id: matrix_id.to_string(),
                    row_id: row_id.to_string(),
                })
            }
            (None, Some(_)) => {
                return Err(NegotiationError::UnknownRow {
                    matrix_id: matrix_id.to_string(),
                    row_id: row_id.to_string(),
                })
            }
            (Some(row), Some(base)) => {
                check_hash("row hash", base)?;
                if row.row_hash != base {
                    return Err(NegotiationError::StaleRowHash {
                        row_id: row_id.to_string(),
                        given: base.to_string(),
                        current: row.row_hash.clone(),
                    });
                }
            }
            (None, None) if matrix.rows.len() >= MAX_ROWS_PER_MATRIX => {
                return Err(NegotiationError::TooManyRows {
                    matrix_id: matrix_id.to_string(),
                    max_rows: MAX_ROWS_PER_MATRIX,
                })
            }
            (None, None) => {}
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
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let row = self.existing_row(matrix_id, row_id)?;
        check_hash("row hash", given)?;
        if row.row_hash != given {
            return Err(NegotiationError::StaleRowHash {
                row_id: row_id.to_string(),
                given: given.to_string(),
                current: row.row_hash.clone(),
            });
        }
        if row.agreed_by.get(&actor.party) == Some(&row.row_hash) {
            return Err(NegotiationError::AlreadyDone {
                party: actor.party.clone(),
                act: "agreed this row",
            });
        }
        Ok(vec![NegotiationEvent::RowAgreed {
            matrix_id: matrix_id.to_string(),
            row_id: row_id.to_string(),
            party: actor.party.clone(),
            row_hash: given.to_string(),
        }])
    }

    pub(crate) fn decide_validation(
        &self,
        matrix_id: &str,
        round_id: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
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
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
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

    pub(crate) fn apply_matrix_event(&mut self, event: NegotiationEvent) {
        match event {
            NegotiationEvent::MatrixCreated { matrix_id, title } => {
                let matrix = Matrix {
                    title,
                    row_order: Vec::new(),
                    rows: BTreeMap::new(),
                    validated_at: None,
                };
                self.matrices.insert(matrix_id, matrix);
            }
            NegotiationEvent::RowProposed {
                matrix_id,
                row_id,
                content,
                row_hash,
            } => {
                let matrix = self.matrix_mut(&matrix_id);
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
                self.row_mut(&matrix_id, &row_id)
                    .agreed_by
                    .insert(party, row_hash);
            }
            NegotiationEvent::MatrixValidated {
                matrix_id,
                round_id,
            } => {
                self.matrix_mut(&matrix_id).validated_at = Some(round_id);
            }
            NegotiationEvent::ProgressReported {
                matrix_id,
                row_id,
                progress,
                ..
            } => self.row_mut(&matrix_id, &row_id).progress = progress,
            other => unreachable!("not a matrix event: {}", other.name()),
        }
    }

    fn matrix_mut(&mut self, matrix_id: &str) -> &mut Matrix {
        self.matrices.get_mut(matrix_id).unwrap_or_else(|| {
            panic!("invariant: event names matrix '{matrix_id}' before it was created")
        })
    }

    fn row_mut(&mut self, matrix_id: &str, row_id: &str) -> &mut Row {
        self.matrix_mut(matrix_id)
            .rows
            .get_mut(row_id)
            .unwrap_or_else(|| {
                panic!("invariant: event names row '{row_id}' before it was proposed")
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

#[cfg(test)]
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

    pub(crate) fn matrix_history(agreed: bool, validated: bool) -> Vec<NegotiationEvent> {
        let mut events = negotiating();
        events.push(NegotiationEvent::MatrixCreated {
            matrix_id: "mx-protection".into(),
            title: "Protection des victimes".into(),
        });
        events.push(NegotiationEvent::RowProposed {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
            content: content("120"),
            row_hash: row_hash(&content("120")),
        });
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
            events.push(NegotiationEvent::MatrixValidated {
                matrix_id: "mx-protection".into(),
                round_id: "round-1".into(),
            });
        }
        events
    }

    fn state_of(events: Vec<NegotiationEvent>) -> Negotiation {
        Negotiation::replay(&events)
    }

    pub(crate) fn propose_row(target: &str, base: Option<String>) -> Action {
        Action::ProposeRow {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
            content: content(target),
            base_row_hash: base,
        }
    }

    #[test]
    fn rows_are_proposed_agreed_and_validated_at_a_workshop() {
        NegotiationTest::with(())
            .given(negotiating())
            .when(command(
                IOM_SECRETARIAT,
                Action::CreateMatrix {
                    matrix_id: "mx-protection".into(),
                    title: "Protection des victimes".into(),
                },
            ))
            .then_expect_events(vec![NegotiationEvent::MatrixCreated {
                matrix_id: "mx-protection".into(),
                title: "Protection des victimes".into(),
            }]);
        NegotiationTest::with(())
            .given(matrix_history(true, false))
            .when(command(
                IOM_SECRETARIAT,
                Action::ValidateMatrix {
                    matrix_id: "mx-protection".into(),
                    round_id: "round-1".into(),
                },
            ))
            .then_expect_events(vec![NegotiationEvent::MatrixValidated {
                matrix_id: "mx-protection".into(),
                round_id: "round-1".into(),
            }]);
    }

    #[test]
    fn matrix_refusals() {
        let mut bad_dates = content("120");
        bad_dates.ends_on = date("2026-01-01");
        let mut foreign = content("120");
        foreign.responsible_party = "FRA".into();
        let cases = [
            (
                matrix_history(false, false),
                propose_row("150", None),
                NegotiationError::RowExists {
                    matrix_id: "mx-protection".into(),
                    row_id: "r1".into(),
                },
            ),
            (
                matrix_history(false, false),
                propose_row("150", Some("0".repeat(64))),
                NegotiationError::StaleRowHash {
                    row_id: "r1".into(),
                    given: "0".repeat(64),
                    current: row_hash(&content("120")),
                },
            ),
            (
                matrix_history(false, false),
                propose_row("120", Some(row_hash(&content("120")))),
                NegotiationError::RowUnchanged("r1".into()),
            ),
            (
                matrix_history(false, false),
                Action::ProposeRow {
                    matrix_id: "mx-protection".into(),
                    row_id: "r2".into(),
                    content: bad_dates,
                    base_row_hash: None,
                },
                NegotiationError::EndsBeforeItStarts {
                    starts_on: date("2026-06-01"),
                    ends_on: date("2026-01-01"),
                },
            ),
            (
                matrix_history(false, false),
                Action::ProposeRow {
                    matrix_id: "mx-protection".into(),
                    row_id: "r2".into(),
                    content: foreign,
                    base_row_hash: None,
                },
                NegotiationError::UnknownParty("FRA".into()),
            ),
            (
                negotiating(),
                propose_row("150", None),
                NegotiationError::UnknownMatrix("mx-protection".into()),
            ),
        ];
        for (given, action, error) in cases {
            NegotiationTest::with(())
                .given(given)
                .when(command(CIV_NEGOTIATOR, action))
                .then_expect_error(error);
        }
        let mut unagreed = matrix_history(false, false);
        unagreed.push(crate::rounds::tests::round_opened());
        NegotiationTest::with(())
            .given(unagreed)
            .when(command(
                IOM_SECRETARIAT,
                Action::ValidateMatrix {
                    matrix_id: "mx-protection".into(),
                    round_id: "round-1".into(),
                },
            ))
            .then_expect_error(NegotiationError::RowNotAgreed {
                matrix_id: "mx-protection".into(),
                row_id: "r1".into(),
            });
    }

    #[test]
    fn a_matrix_is_created_once_validated_once_and_only_with_rows() {
        let create = Action::CreateMatrix {
            matrix_id: "mx-protection".into(),
            title: "Protection".into(),
        };
        let validate = Action::ValidateMatrix {
            matrix_id: "mx-protection".into(),
            round_id: "round-1".into(),
        };
        let mut empty = negotiating();
        empty.push(NegotiationEvent::MatrixCreated {
            matrix_id: "mx-protection".into(),
            title: "Protection".into(),
        });
        empty.push(crate::rounds::tests::round_opened());
        let cases = [
            (
                matrix_history(false, false),
                create,
                NegotiationError::MatrixExists("mx-protection".into()),
            ),
            (
                empty,
                validate.clone(),
                NegotiationError::EmptyMatrix("mx-protection".into()),
            ),
            (
                matrix_history(true, true),
                validate,
                NegotiationError::MatrixAlreadyValidated("mx-protection".into()),
            ),
        ];
        for (given, action, error) in cases {
            NegotiationTest::with(())
                .given(given)
                .when(command(IOM_SECRETARIAT, action))
                .then_expect_error(error);
        }
    }

    #[test]
    fn changing_a_validated_target_needs_every_party_again() {
        let mut events = matrix_history(true, true);
        events.push(NegotiationEvent::RowProposed {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
            content: content("200"),
            row_hash: row_hash(&content("200")),
        });
        let state = state_of(events.clone());
        let row = &state.matrix("mx-protection").unwrap().rows["r1"];
        assert!(
            !row.agreed_by_all(state.parties()),
            "the new target is not agreed yet"
        );
        let report = Action::ReportProgress {
            matrix_id: "mx-protection".into(),
            row_id: "r1".into(),
            progress: RowProgress::OnTrack,
            reported_on: date("2026-09-30"),
            note: String::new(),
        };
        NegotiationTest::with(())
            .given(events)
            .when(command(CIV_NEGOTIATOR, report))
            .then_expect_error(NegotiationError::RowNotInImplementation {
                matrix_id: "mx-protection".into(),
                row_id: "r1".into(),
            });
    }

    #[test]
    fn the_responsible_party_reports_progress_on_a_validated_row() {
        let report = |actor: &str| {
            (
                actor.to_string(),
                Action::ReportProgress {
                    matrix_id: "mx-protection".into(),
                    row_id: "r1".into(),
                    progress: RowProgress::OnTrack,
                    reported_on: date("2026-09-30"),
                    note: "60 agents formés à Abidjan".into(),
                },
            )
        };
        let (actor, action) = report(CIV_NEGOTIATOR);
        NegotiationTest::with(())
            .given(matrix_history(true, true))
            .when(command(&actor, action))
            .then_expect_events(vec![NegotiationEvent::ProgressReported {
                matrix_id: "mx-protection".into(),
                row_id: "r1".into(),
                progress: RowProgress::OnTrack,
                reported_on: date("2026-09-30"),
                note: "60 agents formés à Abidjan".into(),
            }]);
        let (actor, action) = report(MAR_NEGOTIATOR);
        NegotiationTest::with(())
            .given(matrix_history(true, true))
            .when(command(&actor, action))
            .then_expect_error(NegotiationError::WrongParty {
                person: MAR_NEGOTIATOR.into(),
                own_party: "MAR".into(),
                other_party: "CIV".into(),
            });
        let (actor, action) = report(CIV_NEGOTIATOR);
        NegotiationTest::with(())
            .given(matrix_history(true, false))
            .when(command(&actor, action))
            .then_expect_error(NegotiationError::RowNotInImplementation {
                matrix_id: "mx-protection".into(),
                row_id: "r1".into(),
            });
    }
}
