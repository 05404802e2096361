//! Why the ledger refused a command. Each refusal names the rule, the clause or party it is
//! about, and when useful what to do next. A refused command records nothing.

use crate::commands::ActionKind;
use crate::values::Role;

/// Each variant's code is its name in kebab case (`StaleTextHash` → `stale-text-hash`): see
/// [`NegotiationError::code`]. Clients branch on these codes, so a variant is never renamed.
#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames,
)]
#[strum(serialize_all = "kebab-case")]
pub enum NegotiationError {
    // The negotiation as a whole.
    #[error("no negotiation has been opened under this id; open it first")]
    NotOpened,
    #[error("negotiation '{0}' is already open")]
    AlreadyOpen(String),

    // Well-formedness and limits.
    #[error("{field} '{value}' is not a valid identifier: use 1 to {max_bytes} lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")]
    InvalidIdentifier {
        field: &'static str,
        value: String,
        max_bytes: usize,
    },
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} contains the control character {code_point}; remove it (line breaks and tabs are allowed)")]
    ControlCharacter {
        field: &'static str,
        code_point: String,
    },
    #[error("{field} holds {code_point} {name} at character {at}: bidirectional controls can make the text read differently from what is hashed; remove it (the marks LRM, RLM and ALM are allowed)")]
    BidiControl {
        field: String,
        code_point: String,
        name: String,
        at: usize,
    },
    #[error("{field} holds {code_point} {name} at character {at}: an invisible format character makes texts that read the same hash differently; remove it (ZWJ, ZWNJ, LRM, RLM and ALM are allowed)")]
    InvisibleCharacter {
        field: String,
        code_point: String,
        name: String,
        at: usize,
    },
    #[error("{field} holds the noncharacter {code_point} at character {at}: noncharacters are not text, and XML cannot carry some of them; remove it")]
    Noncharacter {
        field: String,
        code_point: String,
        at: usize,
    },
    #[error("{field} holds {code_point} at character {at}: the code point is not assigned in Unicode, so no reader can tell what it shows; remove it")]
    UnassignedCodePoint {
        field: String,
        code_point: String,
        at: usize,
    },
    #[error("title is {bytes} bytes; the limit is {max_title_bytes} bytes")]
    TitleTooLong {
        bytes: usize,
        max_title_bytes: usize,
    },
    #[error("{field} is {bytes} bytes; the limit is {max_name_bytes} bytes")]
    NameTooLong {
        field: &'static str,
        bytes: usize,
        max_name_bytes: usize,
    },
    #[error(
        "heading of clause '{clause_id}' is {bytes} bytes; the limit is {max_heading_bytes} bytes"
    )]
    HeadingTooLong {
        clause_id: String,
        bytes: usize,
        max_heading_bytes: usize,
    },
    #[error("text of clause '{clause_id}' is {bytes} bytes; the limit is {max_clause_text_bytes} bytes: split it into several clauses or an annex")]
    ClauseTextTooLong {
        clause_id: String,
        bytes: usize,
        max_clause_text_bytes: usize,
    },
    #[error("{field} is {bytes} bytes; the limit is {max_comment_bytes} bytes")]
    CommentTooLong {
        field: &'static str,
        bytes: usize,
        max_comment_bytes: usize,
    },
    #[error("a negotiation needs at least two parties; {count} given")]
    TooFewParties { count: usize },
    #[error("{count} parties given; the limit is {max_parties} parties per negotiation")]
    TooManyParties { count: usize, max_parties: usize },
    #[error("{count} authentic languages given; the limit is {max_languages}")]
    TooManyLanguages { count: usize, max_languages: usize },
    #[error("negotiation already has {max_delegates} accredited delegates, the limit")]
    TooManyDelegates { max_delegates: usize },
    #[error("negotiation already has {max_clauses} clauses, the limit")]
    TooManyClauses { max_clauses: usize },
    #[error("'{0}' is not an ISO 3166-1 alpha-3 country code (for example CIV, MAR); if it names an international organisation, give the party the kind organisation")]
    UnknownCountryCode(String),
    #[error("organisation code '{0}' must be 2 to 10 upper-case letters (for example IOM)")]
    InvalidOrganisationCode(String),
    #[error("'{0}' is the ISO 3166-1 alpha-3 code of a State: a party so named is a State; give an international organisation a code that no State has (for example IOM)")]
    OrganisationCodeIsCountryCode(String),
    #[error(
        "facilitator code '{0}' must be 2 to 10 upper-case letters and must not be a party's code"
    )]
    InvalidFacilitatorCode(String),
    #[error("party '{0}' is listed twice")]
    DuplicateParty(String),
    #[error("'{0}' is not a valid BCP 47 language tag (for example fr, ar, en)")]
    InvalidLanguageTag(String),
    #[error("language '{0}' is listed twice")]
    DuplicateLanguage(String),
    #[error("person '{0}' is named twice when opening the negotiation")]
    DuplicatePerson(String),

    // Who acts.
    #[error("'{0}' is not accredited to this negotiation; a head of delegation must accredit them first")]
    UnknownActor(String),
    #[error("'{person}' opens the negotiation but is neither a head of delegation nor the facilitator's secretariat named in it")]
    OpenerNotNamed { person: String },
    #[error("{person} is accredited as {role}, and a {role} may not {action}")]
    NotPermitted {
        person: String,
        role: Role,
        action: ActionKind,
    },
    #[error("{person} acts for {own_party} and may not act for {other_party}")]
    WrongParty {
        person: String,
        own_party: String,
        other_party: String,
    },
    #[error("'{0}' is neither a party nor the facilitator of this negotiation")]
    UnknownParty(String),
    #[error("the facilitator's people act for no party and may only be secretariat or observer, not {0}")]
    RoleNotOpenToFacilitator(Role),
    #[error("'{0}' is already accredited")]
    AlreadyAccredited(String),

    // The operator's register of persons, and acceptance.
    #[error("'{person}' is not in this ledger's register of persons, so cannot be named for a party; the ledger's operator registers who may act for each party (pacta person add)")]
    NotRegistered { person: String },
    #[error("'{person}' is not registered as acting for {party}, so cannot be named for it; the ledger's operator binds persons to parties (pacta person add {person} --party {party})")]
    NotBoundToParty { person: String, party: String },
    #[error("'{person}' is registered as '{registered}', not '{given}'; leave the name out (the register's is recorded) or give the registered one")]
    NameDiffersFromRegister {
        person: String,
        given: String,
        registered: String,
    },
    #[error("{party} has not accepted this negotiation yet: until its head of delegation (or secretariat) accepts it (accept-negotiation), no one may act for {party} in it")]
    AwaitingAcceptance { party: String },
    #[error("{party} takes part in this negotiation already; there is nothing for it to accept")]
    NotAwaitingAcceptance { party: String },

    // Clauses.
    #[error("clause '{0}' does not exist")]
    UnknownClause(String),
    #[error("clause '{0}' already exists; amend it instead")]
    ClauseExists(String),
    #[error(
        "'{language}' is not an authentic language of this negotiation (authentic: {authentic})"
    )]
    NotAuthenticLanguage { language: String, authentic: String },
    #[error("clause '{clause_id}' has changed since you read it: you named text {given}, the current text is {current}; read the clause again")]
    StaleTextHash {
        clause_id: String,
        given: String,
        current: String,
    },
    #[error("clause '{0}' was withdrawn; propose the text again under a new clause id")]
    ClauseWithdrawn(String),
    #[error("clause '{0}' is agreed by every party; a head of delegation must reopen it before it is changed or withdrawn")]
    ClauseAlreadyAgreed(String),
    #[error("{party} has already agreed clause '{clause_id}' in this wording")]
    AlreadyAgreed { clause_id: String, party: String },
    #[error("the amendment leaves clause '{0}' unchanged")]
    AmendmentChangesNothing(String),
    #[error("'{language}' is the reference language of clause '{clause_id}'; amend it instead of translating")]
    TranslationOfReference { clause_id: String, language: String },
    #[error("clause '{clause_id}' has no {language} version yet; record a translation first")]
    NoTranslation { clause_id: String, language: String },
    #[error("the {language} version of clause '{clause_id}' translates an older wording; record a translation of the current one first")]
    StaleTranslation { clause_id: String, language: String },
    #[error("the {language} version of clause '{clause_id}' is already verified as concordant")]
    AlreadyConcordant { clause_id: String, language: String },
    #[error("the translation leaves the {language} version of clause '{clause_id}' unchanged")]
    TranslationChangesNothing { clause_id: String, language: String },
    #[error("the {language} version is the responsibility of {responsible}; only its legal-linguists verify concordance")]
    NotResponsibleForLanguage {
        language: String,
        responsible: String,
    },
    #[error("the entry-into-force rule is invalid: count at most ten years (3,653 days or 120 months) after the last consent, and at least one month in a first-of-month rule")]
    InvalidEntryIntoForceRule(crate::values::EntryIntoForceRule),
    #[error("clause '{0}' is bracketed: propose choosing an alternative (every party then agrees its wording), or have the alternatives withdrawn, before agreeing")]
    ClauseBracketed(String),
    #[error("'{0}' is not an alternative label: use one or two capital letters (A, B, … AA)")]
    InvalidAlternativeLabel(String),
    #[error("clause '{clause_id}' already has an alternative {label}")]
    AlternativeExists { clause_id: String, label: String },
    #[error("clause '{clause_id}' has no alternative {label}")]
    UnknownAlternative { clause_id: String, label: String },
    #[error("clause '{clause_id}' already has {max_alternatives} alternatives, the limit")]
    TooManyAlternatives {
        clause_id: String,
        max_alternatives: usize,
    },
    #[error("the alternative repeats a wording clause '{0}' already has")]
    AlternativeRepeatsWording(String),
    #[error("clause '{clause_id}' has no heading in {language} to keep; give the heading (an empty one for none)")]
    HeadingRequired { clause_id: String, language: String },
    #[error("alternative {label} of clause '{clause_id}' was proposed by {proposer}; only {proposer} may withdraw it")]
    NotAlternativeProposer {
        clause_id: String,
        label: String,
        proposer: String,
    },
    #[error("alternative {label} of clause '{clause_id}' is not proposed as the choice; propose choosing it before agreeing its wording")]
    ChoiceNotProposed { clause_id: String, label: String },
    #[error("choosing alternative {label} of clause '{clause_id}' is already proposed; each party now agrees its wording")]
    ChoiceAlreadyProposed { clause_id: String, label: String },
    #[error("{party} has no agreement ad referendum to clause '{clause_id}' to confirm")]
    NoAgreementToConfirm { clause_id: String, party: String },
    #[error("clause '{0}' is not agreed; there is nothing to reopen")]
    NotAgreed(String),
    #[error("round '{0}' already exists")]
    RoundExists(String),
    #[error("round '{0}' is still open; close it before opening another")]
    RoundStillOpen(String),
    #[error("round '{0}' does not exist")]
    UnknownRound(String),
    #[error("round '{0}' is already closed")]
    RoundClosed(String),
    #[error("negotiation already has {max_rounds} rounds, the limit")]
    TooManyRounds { max_rounds: usize },
    #[error("a meeting cannot end ({ends_on}) before it starts ({starts_on})")]
    EndsBeforeItStarts {
        starts_on: chrono::NaiveDate,
        ends_on: chrono::NaiveDate,
    },
    #[error("{field} '{value}' is not the 64-hex-digit SHA-256 of a document")]
    NotASha256 { field: &'static str, value: String },
    #[error("these minutes of round '{0}' are already on record")]
    MinutesUnchanged(String),
    #[error("round '{0}' has no minutes on record yet")]
    NoMinutes(String),
    #[error("the minutes of round '{round_id}' have changed: you named {given}, the minutes on record are {current}")]
    StaleMinutes {
        round_id: String,
        given: String,
        current: String,
    },
    #[error("the instrument is not in force on {0}")]
    NotInForce(chrono::NaiveDate),
    #[error("the instrument's operation is already suspended, by {0}")]
    AlreadySuspended(String),
    #[error("{0} has not suspended the instrument's operation")]
    NotSuspended(String),
    #[error("a suspension from {date} would start before operation resumed on {resumed_on}")]
    DateBeforeResumption {
        date: chrono::NaiveDate,
        resumed_on: chrono::NaiveDate,
    },
    #[error("{date} is before the suspension of {since}")]
    DateBeforeSuspension {
        date: chrono::NaiveDate,
        since: chrono::NaiveDate,
    },
    #[error("termination has already been notified, taking effect on {0}")]
    TerminationAlreadyNotified(chrono::NaiveDate),
    #[error("a notice period of {0} months is invalid: use 0 to 120 months")]
    InvalidNoticePeriod(u32),
    #[error("action matrix '{0}' does not exist")]
    UnknownMatrix(String),
    #[error("action matrix '{0}' already exists")]
    MatrixExists(String),
    #[error("negotiation already has {max_matrices} action matrices, the limit")]
    TooManyMatrices { max_matrices: usize },
    #[error("row '{row_id}' of matrix '{matrix_id}' does not exist")]
    UnknownRow { matrix_id: String, row_id: String },
    #[error("row '{row_id}' of matrix '{matrix_id}' already exists; change it with the hash of its current content")]
    RowExists { matrix_id: String, row_id: String },
    #[error("matrix '{matrix_id}' already has {max_rows} rows, the limit")]
    TooManyRows { matrix_id: String, max_rows: usize },
    #[error("row '{row_id}' has changed since you read it: you named {given}, its content is now {current}")]
    StaleRowHash {
        row_id: String,
        given: String,
        current: String,
    },
    #[error("the change leaves row '{0}' as it is")]
    RowUnchanged(String),
    #[error("matrix '{0}' has no rows to validate")]
    EmptyMatrix(String),
    #[error("matrix '{matrix_id}' cannot be validated: row '{row_id}' is not agreed by every party in its current content")]
    RowNotAgreed { matrix_id: String, row_id: String },
    #[error("matrix '{0}' is already validated")]
    MatrixAlreadyValidated(String),
    #[error("row '{row_id}' of matrix '{matrix_id}' is not in implementation: the matrix must be validated and the row agreed by every party")]
    RowNotInImplementation { matrix_id: String, row_id: String },
    #[error("this instrument does not provide for provisional application")]
    ProvisionalApplicationNotProvided,
    #[error("the instrument is already in force; provisional application is moot")]
    AlreadyInForce,
    #[error("clause '{0}' cannot be reopened: the text is authenticated (initialled or signed); propose a correction (art. 79) or, once it is in force, open a revision")]
    ReopenAfterAuthentication(String),
    #[error("every party adopted the minutes of round '{0}'; they can no longer be replaced")]
    MinutesAlreadyAdopted(String),
    #[error("the negotiation was abandoned; nothing more can be recorded in it")]
    Abandoned,
    #[error("every party has adopted the text; it can no longer change (an error in an authenticated text is corrected by a correction agreed by every party; a text in force is amended by a revision)")]
    TextFrozen,
    #[error("there is no clause to adopt")]
    NothingToAdopt,
    #[error("the text cannot be adopted yet: clause '{clause_id}': {reason}")]
    NotReadyForAdoption { clause_id: String, reason: String },
    #[error("the text has changed since you read it: you named root {given}, the current text root is {current}")]
    StaleTextRoot { given: String, current: String },
    #[error("every party must adopt the text first")]
    NotAdopted,
    #[error("{party} has already {act}")]
    AlreadyDone { party: String, act: &'static str },
    #[error("a {capacity} signature is not possible for an instrument of kind {kind}")]
    CapacityNotAllowed {
        capacity: crate::values::SignatureCapacity,
        kind: crate::values::InstrumentKind,
    },
    #[error("signature refused: {0}")]
    InvalidSignature(crate::signing::SignatureProblem),
    #[error("{0} has not signed")]
    NotSigned(String),
    #[error("{0} has no signature ad referendum awaiting confirmation")]
    NothingToConfirm(String),
    #[error("{0}'s signature ad referendum must be confirmed before it consents")]
    SignatureUnconfirmed(String),
    #[error("an instrument of kind {0} binds on signature; no further consent is expressed")]
    ConsentNotRequired(crate::values::InstrumentKind),
    #[error("{0} is an international organisation: it does not ratify, it consents to be bound by an act of formal confirmation (VCLT 1986 art. 14); use formal-confirmation, acceptance or approval")]
    RatificationByOrganisation(String),
    #[error("{0} is a State: an act of formal confirmation is an international organisation's (VCLT 1986 art. 2(1)(b bis)); use ratification, acceptance, approval or notification-of-completion")]
    FormalConfirmationByState(String),
    #[error("{date} is before the signature of {signed_on}")]
    DateBeforeSignature {
        date: chrono::NaiveDate,
        signed_on: chrono::NaiveDate,
    },
    #[error("the text is already authenticated; the negotiation can no longer be abandoned")]
    AlreadyAuthenticated,
    #[error("a signatory is accredited with a signing key (pacta key generate) and full powers or ex officio")]
    SignatoryWithoutKey,
    #[error(
        "a signatory needs full powers (reference and document hash) unless signing ex officio"
    )]
    NoFullPowers,
    #[error("'{0}' is not the 64-hex-digit SHA-256 of the full-powers document")]
    InvalidDocumentHash(String),
    #[error("only a signatory carries a signing key, not a {0}")]
    SigningKeyForNonSignatory(Role),
    #[error("clause '{clause_id}' was proposed by {proposer}; only {proposer} may withdraw it")]
    NotProposer { clause_id: String, proposer: String },
    #[error("revision {revision} is not in force: a revision amends a text in force, and one revision is negotiated at a time")]
    RevisionOfTextNotInForce { revision: u32 },
    #[error("{date} is before the text in force entered into force on {in_force_on}")]
    DateBeforeEntryIntoForce {
        date: chrono::NaiveDate,
        in_force_on: chrono::NaiveDate,
    },
    #[error("{date} is before this revision was opened, on {opened_on}")]
    DateBeforeRevision {
        date: chrono::NaiveDate,
        opened_on: chrono::NaiveDate,
    },
    #[error("the instrument already had {max_revisions} revisions, the limit")]
    TooManyRevisions { max_revisions: usize },
    #[error("the text is not authenticated yet: until it is initialled or signed, change it by reopening and amending the clause")]
    CorrectionBeforeAuthentication,
    #[error("correction '{0}' already exists")]
    CorrectionExists(String),
    #[error("the text already had {max_corrections} corrections, the limit")]
    TooManyCorrections { max_corrections: usize },
    #[error("clause '{clause_id}' has no {language} version to correct")]
    NoVersionToCorrect { clause_id: String, language: String },
    #[error("the correction leaves clause '{0}' as it is")]
    CorrectionChangesNothing(String),
    #[error("correction '{correction_id}' of clause '{clause_id}' in {language} is pending; agree to it or propose yours after it is made")]
    CorrectionPending {
        clause_id: String,
        language: String,
        correction_id: String,
    },
    #[error("correction '{0}' does not exist")]
    UnknownCorrection(String),
    #[error("correction '{0}' is already made")]
    CorrectionAlreadyMade(String),

    // The structure of the text and its numbering (structure.rs).
    #[error("clause '{clause_id}' is placed by naming exactly one other clause: give either `after` or `before` (--after or --before), not both and not neither")]
    PlacementAmbiguous { clause_id: String },
    #[error("clause '{clause_id}' cannot be placed after or before itself: name another clause")]
    PlacementRelativeToItself { clause_id: String },
    #[error("clause '{clause_id}' is to be placed by clause '{reference}', which the negotiation does not have: name a clause of the draft")]
    UnknownPlacementClause {
        clause_id: String,
        reference: String,
    },
    #[error("clause '{clause_id}' is to be placed by clause '{reference}', which was withdrawn: name a clause still in the text")]
    PlacementByWithdrawnClause {
        clause_id: String,
        reference: String,
    },
    #[error("clause '{clause_id}' belongs in {section} but '{reference}' is in {reference_section}: a clause is placed within its own section (recitals, articles, final clauses, annexes)")]
    PlacementAcrossSections {
        clause_id: String,
        section: &'static str,
        reference: String,
        reference_section: &'static str,
    },
    #[error("the text of clause '{clause_id}' refers to [[{reference}]], which the negotiation does not have: refer to a clause by its id, or propose that clause first")]
    UnknownCrossReference {
        clause_id: String,
        reference: String,
    },
    #[error("a structure change '{0}' was already proposed: choose another proposal id")]
    StructureProposalExists(String),
    #[error("no structure change '{0}' was proposed: check the proposal id")]
    UnknownStructureProposal(String),
    #[error("structure change '{0}' has taken effect already: every party agreed it")]
    StructureChangeCarriedOut(String),
    #[error("the numbering of the articles is frozen: articles keep their numbers and cannot be moved; place a new article instead, numbered \"bis\" after the one it follows")]
    NumberingFrozen,
    #[error("article '{clause_id}' would stand before the first article, but the numbering is frozen: a new article is numbered \"bis\" after the one it follows, and none precedes it; place it after an article (--after)")]
    PlacementBeforeFirstFrozenArticle { clause_id: String },

    // When the act took place (occasion.rs).
    #[error("the act is dated {date}, in the future: the latest date the recording clock allows is {latest} ({tolerance_hours} hours ahead of UTC, for time zones); record the act once it has taken place")]
    ActDatedInFuture {
        date: chrono::NaiveDate,
        latest: chrono::NaiveDate,
        tolerance_hours: i64,
    },
    #[error("the act is dated {date}, before the negotiation opened on {opened_on}")]
    ActDatedBeforeOpening {
        date: chrono::NaiveDate,
        opened_on: chrono::NaiveDate,
    },
    #[error("the act is dated {date}, before {basis} it builds on, dated {basis_on}")]
    ActDatedBeforeItsBasis {
        date: chrono::NaiveDate,
        basis: String,
        basis_on: chrono::NaiveDate,
    },
    #[error("the act is dated {date}, outside round '{round_id}' ({starts_on} to {ends_on}), which is open: give the date it took place within the round, or mark it as intersessional work")]
    ActDatedOutsideRound {
        date: chrono::NaiveDate,
        round_id: String,
        starts_on: chrono::NaiveDate,
        ends_on: chrono::NaiveDate,
    },
    #[error("the act's {field} is {own} but it is said to have taken place on {took_place_on}; give one date")]
    OccasionContradictsAct {
        field: &'static str,
        own: chrono::NaiveDate,
        took_place_on: chrono::NaiveDate,
    },

    // What the parties intend, and how each consents (lifecycle.rs).
    #[error("the instrument is not intended to be legally binding: it is signed and takes effect, and no party consents to be bound (no ratification, approval or acceptance); nothing more to record")]
    NotLegallyBinding,
    #[error("a non-binding instrument is concluded by signature alone; it cannot provide for {procedure}: state it as legally binding, or leave the consent procedure out")]
    ConsentProcedureOfNonBinding {
        procedure: crate::values::ConsentProcedure,
    },
    #[error("entry into force {rule} needs an instrument or notification of consent to receive, but no party consents by one (by signature or an exchange of notes there is nothing to receive): count from the last consent instead (--entry-into-force on-last-consent, days:N or first-of-month:N)")]
    ReceiptRuleWithoutInstruments {
        rule: crate::values::EntryIntoForceRule,
    },
    #[error("a non-binding instrument is not applied provisionally pending entry into force (art. 25 VCLT): it takes effect as its text says; leave out provisional application, or state it as legally binding")]
    ProvisionalApplicationOfNonBinding,
    #[error("the instrument provides that {party} consents by {procedure}: no further act of consent is expressed")]
    ConsentNotProvided {
        party: String,
        procedure: crate::values::ConsentProcedure,
    },
    #[error("the instrument provides that {party} consents by {procedure}, not by {}: express its {}", .given.term(), .procedure.consent_mode().map_or("consent as provided", |m| m.term()))]
    ConsentModeNotProvided {
        party: String,
        given: crate::values::ConsentMode,
        procedure: crate::values::ConsentProcedure,
    },
    #[error("the instrument is not concluded by an exchange of notes: its opening provides {procedure} for {party}; sign it instead")]
    NotAnExchangeOfNotes { party: String, procedure: String },
    #[error("an exchange of notes is every party's procedure or none's: {party} would consent by {procedure}")]
    ExchangeOfNotesForSomeParties {
        party: String,
        procedure: crate::values::ConsentProcedure,
    },
    #[error("note {number} already proposes the agreement: reply to it, giving its note text hash {text_hash} with --in-reply-to")]
    ProposalNoteExists { number: String, text_hash: String },
    #[error("no note proposes the agreement yet: send the proposal first (without --in-reply-to)")]
    NoProposalNote,
    #[error("the reply does not reproduce the proposal: {reason}")]
    ReplyDoesNotReproduceProposal { reason: String },
    #[error("{party} sent the proposal: the reply comes from another party")]
    ReplyToOwnNote { party: String },
    #[error("the reply is dated {sent_on}, before the proposal of {proposed_on}")]
    ReplyBeforeProposal {
        sent_on: chrono::NaiveDate,
        proposed_on: chrono::NaiveDate,
    },
    #[error(
        "the text of note {number} is {bytes} bytes; the limit is {max_note_text_bytes} bytes"
    )]
    NoteTextTooLong {
        number: String,
        bytes: usize,
        max_note_text_bytes: usize,
    },
    #[error("{signatory}'s full powers were examined by {examined_by} and not accepted: {reason}; {signatory} cannot sign until their head of delegation accredits them again with full powers that are accepted")]
    FullPowersRefused {
        signatory: String,
        examined_by: String,
        reason: String,
    },
    #[error("{0} signs ex officio (head of State or Government, minister for foreign affairs: VCLT art. 7(2)): there are no full powers to examine")]
    FullPowersNotRequired(String),
    #[error("{0} is not an accredited signatory: only a signatory's full powers are examined")]
    NotASignatory(String),
    #[error("{party}'s head of delegation cannot examine its own signatory's full powers: the other party examines them")]
    ExamineOwnFullPowers { party: String },
    #[error("{signatory} already signed this text on {signed_on}: full powers are examined before the signature; a party that doubts them raises it with the other party's head of delegation")]
    FullPowersExaminedAfterSignature {
        signatory: String,
        signed_on: chrono::NaiveDate,
    },
    #[error("{party} has expressed no consent to be bound: there is no instrument or notification of it to receive yet")]
    NoConsentToReceive { party: String },
    #[error("{party} cannot receive its own instrument of consent: the other party records the date it received it")]
    ReceiptOfOwnConsent { party: String },
    #[error("the instrument or notification is said to be received on {received_on}, before {party} expressed its consent on {consented_on}")]
    ReceiptBeforeConsent {
        party: String,
        received_on: chrono::NaiveDate,
        consented_on: chrono::NaiveDate,
    },
    #[error(
        "a {capacity} signature does not fit {party}'s procedure, {procedure}: sign {expected}"
    )]
    CapacityNotProvided {
        party: String,
        capacity: crate::values::SignatureCapacity,
        procedure: crate::values::ConsentProcedure,
        expected: &'static str,
    },
    #[error("the {field} is given in '{language}', which is not an authentic language of this negotiation (authentic: {authentic}): only the language versions of the instrument have signature blocks to show it")]
    NotAnInstrumentLanguage {
        field: &'static str,
        language: String,
        authentic: String,
    },
}

impl NegotiationError {
    /// Every refusal's code, in the order the variants are declared.
    pub const CODES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    /// The refusal's stable, machine-readable code: the variant's name in kebab case
    /// (`StaleTextHash { .. }` → `stale-text-hash`). Published codes never change.
    pub fn code(&self) -> &'static str {
        self.into()
    }
}

/// Why an event cannot follow the events before it: what the fold looked for in the state and
/// did not find (or found already there). The domain's own events never meet one; a replay of
/// events from outside (an auditor's bundle) may. Each message reads as a finding about the
/// event ("it names clause 'art-9', which no earlier event proposed").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("it records {event} before any event opened the negotiation")]
    NotOpened { event: &'static str },
    #[error("it opens the negotiation again; an earlier event opened it as '{negotiation_id}'")]
    AlreadyOpened { negotiation_id: String },
    #[error(
        "it records {party}'s acceptance, but no earlier event left {party} awaiting acceptance"
    )]
    NotAwaitingAcceptance { party: String },
    #[error("it names clause '{clause_id}', which no earlier event proposed")]
    UnknownClause { clause_id: String },
    #[error("it proposes clause '{clause_id}', which an earlier event already proposed")]
    ClauseExists { clause_id: String },
    #[error("it names alternative {label} of clause '{clause_id}', which the clause does not have (no earlier event proposed it, or a choice or withdrawal cleared it)")]
    UnknownAlternative { clause_id: String, label: String },
    #[error(
        "it names the {language} version of clause '{clause_id}', which no earlier event recorded"
    )]
    UnknownTranslation { clause_id: String, language: String },
    #[error("it confirms the signature of {party}, which no earlier event recorded")]
    UnknownSignature { party: String },
    #[error("it records receipt of {party}'s consent, which no earlier event recorded")]
    UnknownConsent { party: String },
    #[error("it resumes the instrument's operation, which no running suspension stopped")]
    NoRunningSuspension,
    #[error("it opens revision {revision}, but no earlier event put a text in force")]
    NoTextInForce { revision: u32 },
    #[error("it abandons revision {revision}, but no revision is open: no earlier event opened one, or it was abandoned already")]
    NoRevisionToAbandon { revision: u32 },
    #[error("it names action matrix '{matrix_id}', which no earlier event created")]
    UnknownMatrix { matrix_id: String },
    #[error("it creates action matrix '{matrix_id}', which an earlier event already created")]
    MatrixExists { matrix_id: String },
    #[error("it names row '{row_id}' of matrix '{matrix_id}', which no earlier event proposed")]
    UnknownRow { matrix_id: String, row_id: String },
    #[error("it names round '{round_id}', which no earlier event opened")]
    UnknownRound { round_id: String },
    #[error("it opens round '{round_id}', which an earlier event already opened")]
    RoundExists { round_id: String },
    #[error("it names correction '{correction_id}', which no earlier event proposed")]
    UnknownCorrection { correction_id: String },
    #[error("it names structure change '{proposal_id}', which no earlier event proposed")]
    UnknownStructureProposal { proposal_id: String },
    #[error("it proposes correction '{correction_id}', which an earlier event already proposed")]
    CorrectionExists { correction_id: String },
    #[error("it makes correction '{correction_id}', which an earlier event already made")]
    CorrectionAlreadyMade { correction_id: String },
    #[error("it places clause '{clause_id}' beside clause '{reference}', which is in another section of the text")]
    PlacementAcrossSections {
        clause_id: String,
        reference: String,
    },
}
