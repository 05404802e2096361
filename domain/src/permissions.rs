//! Who may do what: one table of act × role, read by the aggregate for every command.
//!
//! A role only opens the door; the aggregate separately checks that the person acts for their
//! own party and that the act fits the state of the negotiation.

use crate::commands::ActionKind;
use crate::values::Role;
use Role::*;

pub const PERMISSIONS: &[(ActionKind, &[Role])] = &[
    (
        ActionKind::OpenNegotiation,
        &[HeadOfDelegation, Secretariat],
    ),
    (
        ActionKind::AcceptNegotiation,
        &[HeadOfDelegation, Secretariat],
    ),
    (
        ActionKind::AccreditDelegate,
        &[HeadOfDelegation, Secretariat],
    ),
    (ActionKind::ProposeClause, &[Negotiator, HeadOfDelegation]),
    (ActionKind::AmendClause, &[Negotiator, HeadOfDelegation]),
    (
        ActionKind::Comment,
        &[
            Negotiator,
            HeadOfDelegation,
            LegalLinguist,
            Secretariat,
            Observer,
        ],
    ),
    (ActionKind::AgreeClause, &[HeadOfDelegation]),
    (ActionKind::WithdrawClause, &[Negotiator, HeadOfDelegation]),
    (ActionKind::TranslateClause, &[LegalLinguist]),
    (ActionKind::VerifyConcordance, &[LegalLinguist]),
    (ActionKind::AdoptText, &[HeadOfDelegation]),
    (ActionKind::InitialText, &[HeadOfDelegation]),
    (ActionKind::SignInstrument, &[Signatory]),
    (ActionKind::ConfirmSignature, &[CompetentAuthority]),
    (ActionKind::ExpressConsent, &[CompetentAuthority]),
    // The receiving party's head of delegation or treaty office records the date of receipt.
    (
        ActionKind::RecordReceipt,
        &[HeadOfDelegation, CompetentAuthority],
    ),
    // Notes are sent by the ministry or the embassy: the head of delegation or treaty office.
    (
        ActionKind::SendNote,
        &[HeadOfDelegation, CompetentAuthority],
    ),
    // The other party's head of delegation examines a signatory's full powers.
    (ActionKind::ExamineFullPowers, &[HeadOfDelegation]),
    (ActionKind::AbandonNegotiation, &[HeadOfDelegation]),
    (
        ActionKind::ProposeAlternative,
        &[Negotiator, HeadOfDelegation],
    ),
    (ActionKind::StatePosition, &[Negotiator, HeadOfDelegation]),
    (ActionKind::ChooseAlternative, &[HeadOfDelegation]),
    (
        ActionKind::WithdrawAlternative,
        &[Negotiator, HeadOfDelegation],
    ),
    (ActionKind::ConfirmClauseAgreement, &[HeadOfDelegation]),
    (ActionKind::ReopenClause, &[HeadOfDelegation]),
    (ActionKind::OpenRound, &[HeadOfDelegation, Secretariat]),
    (ActionKind::CloseRound, &[HeadOfDelegation, Secretariat]),
    (ActionKind::RecordMinutes, &[HeadOfDelegation, Secretariat]),
    (ActionKind::AdoptMinutes, &[HeadOfDelegation]),
    (ActionKind::SuspendOperation, &[CompetentAuthority]),
    (ActionKind::ResumeOperation, &[CompetentAuthority]),
    (ActionKind::NotifyTermination, &[CompetentAuthority]),
    (
        ActionKind::CreateMatrix,
        &[Negotiator, HeadOfDelegation, Secretariat],
    ),
    (ActionKind::ProposeRow, &[Negotiator, HeadOfDelegation]),
    (ActionKind::AgreeRow, &[HeadOfDelegation]),
    (ActionKind::ValidateMatrix, &[HeadOfDelegation, Secretariat]),
    (
        ActionKind::ReportProgress,
        &[Negotiator, HeadOfDelegation, Secretariat],
    ),
    (ActionKind::ApplyProvisionally, &[CompetentAuthority]),
    (ActionKind::OpenRevision, &[HeadOfDelegation]),
    (ActionKind::ProposeCorrection, &[LegalLinguist]),
    (
        ActionKind::AgreeCorrection,
        &[HeadOfDelegation, LegalLinguist],
    ),
    (
        ActionKind::ProposeStructureChange,
        &[Negotiator, HeadOfDelegation],
    ),
    (ActionKind::AgreeStructureChange, &[HeadOfDelegation]),
];

pub fn is_permitted(role: Role, action: ActionKind) -> bool {
    PERMISSIONS
        .iter()
        .find(|(kind, _)| *kind == action)
        .is_some_and(|(_, roles)| roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_act_has_exactly_one_row() {
        for action in ActionKind::ALL {
            let rows = PERMISSIONS
                .iter()
                .filter(|(kind, _)| *kind == action)
                .count();
            assert_eq!(rows, 1, "{action} must appear once in PERMISSIONS");
        }
    }

    #[test]
    fn auditors_only_read() {
        for action in ActionKind::ALL {
            assert!(!is_permitted(Auditor, action), "auditor may not {action}");
        }
    }
}
