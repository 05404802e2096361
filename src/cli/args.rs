//! The command line's arguments (clap), and the parsers of their compound values.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use pacta_domain::{
    ClauseKind, ConsentMode, EntryIntoForceRule, Facilitator, FullPowers, InstrumentKind, Party,
    PersonName, Position, Role, RoundKind, SignatureCapacity, SigningAuthority,
};

use super::{audit, export, journal, persons, projections, reads, tokens, CliError};
use crate::files::read_bounded;

pub const DEFAULT_STORE_URL: &str = "sqlite://pacta.db";
/// Largest text file read for a clause: well above `MAX_CLAUSE_TEXT_BYTES`, so that an over-long
/// text reaches the domain and is refused with the clause limit, not a file-size error.
pub const MAX_TEXT_FILE_BYTES: u64 = 4 * pacta_domain::limits::MAX_CLAUSE_TEXT_BYTES as u64;
/// Largest command file `pacta submit` reads; above the largest valid command with headroom.
pub const MAX_COMMAND_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Parser, Debug)]
#[command(
    name = "pacta",
    version,
    about = "A tamper-evident ledger for negotiating MoUs, agreements and treaties"
)]
pub struct Cli {
    /// Event store: sqlite://FILE (embedded, the default) or postgres://USER@HOST/DB, e.g. --store
    /// postgres://postgres@127.0.0.1:5432/pacta.
    #[arg(long, env = "PACTA_STORE", default_value = DEFAULT_STORE_URL, global = true)]
    pub store: String,
    /// The person performing the act (their accredited person id). For a read, the person
    /// reading: they see their own party's internal comments; without it (or as a person not
    /// accredited in the negotiation) no internal comment is shown, e.g. --as amina.kone.
    #[arg(long = "as", env = "PACTA_ACTOR", global = true)]
    pub actor: Option<String>,
    /// Client-chosen id recorded with the act's events (default: a fresh UUID), e.g. --command-id
    /// 5f0c2a9e-1b7d-4c3e-9a61-2d8f4e0b7c15.
    #[arg(long, global = true)]
    pub command_id: Option<String>,
    /// For an act: the date it took place (YYYY-MM-DD), when not the day it is recorded. An act
    /// with its own date (sign/confirm/consent --on, terminate --notified-on, revise --on…)
    /// took place on that date; this must then be the same, e.g. --took-place-on 2026-03-05.
    #[arg(long, global = true, value_name = "DATE")]
    pub took_place_on: Option<NaiveDate>,
    /// For an act: the time of day it took place (HH:MM), in the place's own time, e.g.
    /// --took-place-at 10:30.
    #[arg(long, global = true, value_name = "HH:MM", requires = "took_place_on", value_parser = time_of_day)]
    pub took_place_at: Option<chrono::NaiveTime>,
    /// For an act: where it took place (a city, a venue), e.g. --took-place-in Rabat.
    #[arg(long, global = true, value_name = "PLACE", requires = "took_place_on")]
    pub took_place_in: Option<String>,
    /// For an act recorded while a round is open: it was intersessional work, done between the
    /// round's sessions, so it is not dated within the round, e.g. --took-place-on 2026-04-02
    /// --intersessional.
    #[arg(long, global = true, requires = "took_place_on")]
    pub intersessional: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Every negotiating act: each is recorded as events, or refused by the rules.
    #[command(flatten)]
    Act(Act),
    /// Generate a signing key: the private key stays in a file on this machine.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// The state of the agreement: text root, each party's acts, entry into force, revisions.
    Status {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
        /// Also say which text (revision and root hash) was in force on this date, e.g. --on
        /// 2027-01-15.
        #[arg(long)]
        on: Option<NaiveDate>,
    },
    /// Action matrices: create, propose and agree rows, validate, report progress.
    Matrix {
        #[command(subcommand)]
        command: MatrixCommand,
    },
    /// Rounds, meetings and sessions: open, close, minutes.
    Round {
        #[command(subcommand)]
        command: RoundCommand,
    },
    /// Serve the HTTP API and the web pages (see README: "The service").
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080 (port 0: any free port).
        #[arg(long, default_value = pacta_service::DEFAULT_LISTEN)]
        listen: String,
        /// Load the demo story first, and print a token to sign in with, e.g. pacta serve --demo.
        #[arg(long)]
        demo: bool,
        /// The service is reached only through a TLS-terminating reverse proxy: trust its
        /// X-Forwarded-Proto (cookies get Secure; https is the origin forms must come from),
        /// X-Forwarded-Host and X-Forwarded-For (the address sign-ins are counted against), e.g.
        /// --behind-tls-proxy.
        #[arg(long)]
        behind_tls_proxy: bool,
        /// How many events (and journal leaves) a second the background verification re-reads,
        /// pass after pass over the whole ledger: higher finds damage sooner, lower leaves more
        /// of the machine to acts, e.g. --verify-events-per-second 20000.
        #[arg(long, default_value_t = pacta_ledger::patrol::DEFAULT_PATROL_EVENTS_PER_SECOND,
              value_parser = clap::value_parser!(u32).range(1..))]
        verify_events_per_second: u32,
    },
    /// Submit a command as JSON ({"actor": …, "action": {"type": …}}) from a file, or - for stdin.
    Submit {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The JSON command's file, or - to read it from stdin, e.g. command.json.
        file: PathBuf,
    },
    /// Every recorded act of a negotiation, with its chain hash; the options keep only some.
    History {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
        /// Only acts performed for this party (or facilitator), by code, e.g. --party MAR.
        #[arg(long)]
        party: Option<String>,
        /// Only acts on this clause, e.g. --clause art-objet.
        #[arg(long)]
        clause: Option<String>,
        /// Only acts recorded while this round was open, e.g. --round round-1.
        #[arg(long)]
        round: Option<String>,
        /// Only acts that took place on or after this day (the act's date, not the day it was
        /// recorded; the two are the same for an act given no date), e.g. --since 2026-03-01.
        #[arg(long)]
        since: Option<NaiveDate>,
        /// Only acts that took place on or before this day (the act's date), e.g. --until
        /// 2026-03-31.
        #[arg(long)]
        until: Option<NaiveDate>,
    },
    /// The current draft: clauses in order with their status.
    Draft {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
        /// Show the text in this authentic language (default: each clause's reference wording),
        /// e.g. --language ar.
        #[arg(long)]
        language: Option<String>,
        /// Show this revision's text instead of the current one (0 is the original instrument),
        /// e.g. --revision 0.
        #[arg(long)]
        revision: Option<u32>,
        /// Show the draft as it stood at a point: SEQUENCE, DATE (YYYY-MM-DD: the acts that took place
        /// by that day, by their own dates), round:ID (or a bare
        /// round id) or revision:N, e.g. --at 2026-03-05 or --at round:round-1.
        #[arg(long, conflicts_with = "revision")]
        at: Option<String>,
    },
    /// The text at one point against another, clause by clause: {+inserted+} and [-deleted-]
    /// words, and who proposed each change. Points as for draft --at. As a document: markdown,
    /// html, or docx (Word tracked changes, authored by the proposing party; needs --out).
    Redline {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The earlier point: an event number (--from 12), a date (--from 2026-03-05: the acts
        /// that took place by that day), a round (--from round:round-1, the text as that round
        /// closed, or now if it is open) or a revision (--from revision:0: the text as it stood just
        /// before revision 1 opened, or now if revision 0 is current), e.g. --from round:round-1.
        #[arg(long)]
        from: String,
        /// The later point, written as for --from, e.g. --to revision:1 or --to 2026-05-28.
        #[arg(long)]
        to: String,
        /// text (default), json, markdown, html or docx, e.g. --format markdown.
        #[arg(long, value_enum)]
        format: Option<reads::RedlineFormat>,
        /// The same as --format json, e.g. --json.
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// Write the redline to this file (required for docx; the others default to stdout), e.g.
        /// --out redline.docx.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Compare each clause's version in this authentic language (a correction to it
        /// included), labelled by its convention ("Article premier"); default: each clause's
        /// reference language, labelled in English, e.g. --language fr or --language ar.
        #[arg(long)]
        language: Option<String>,
    },
    /// Every wording a clause had, each against the one before, and every other act on it.
    ClauseHistory {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
    },
    /// Every negotiation in the ledger: status, clauses by status, matrices, last activity.
    List {
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
    },
    /// The text as a document: markdown, html, docx, akoma-ntoso (XML) or json.
    Export(export::ExportArgs),
    /// Verify one negotiation's hash chain, or (with no negotiation) the whole ledger: every chain,
    /// the journal against the events, frontiers, checkpoints, co-signatures, and the events the
    /// latest checkpoint covers. Findings exit 3.
    Verify {
        /// The negotiation whose chain to verify (left out: the whole ledger), e.g.
        /// civ-mar-tip-mou.
        negotiation: Option<String>,
        /// The head you kept from an earlier verify ('SEQUENCE:HASH'): fails if the history no
        /// longer ends there, which a chain alone cannot show (a cut-off tail, a restored backup),
        /// e.g. --expect-head 42:HASH, with the full 64-hex-digit hash verify printed.
        #[arg(long, requires = "negotiation", value_parser = parse_head)]
        expect_head: Option<(usize, String)>,
    },
    /// Load the sample story (Côte d'Ivoire–Morocco: an MoU on trafficking in persons, an
    /// agreement on higher education) and show the MoU.
    Demo,
    /// Stored views: their lag behind the ledger, catching up, rebuilding from the events.
    Projections {
        #[command(subcommand)]
        command: projections::ProjectionsCommand,
    },
    /// Signed checkpoints of the journal (the Merkle tree of every event): create, show,
    /// co-sign.
    Checkpoint {
        #[command(subcommand)]
        command: journal::CheckpointCommand,
    },
    /// Proofs against signed checkpoints: an event's inclusion, two checkpoints' consistency.
    Proof {
        #[command(subcommand)]
        command: journal::ProofCommand,
    },
    /// Audit bundles: export one negotiation with every proof, verify one offline.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Bearer tokens for the HTTP service, each acting as one person: issue, revoke, list.
    Token {
        #[command(subcommand)]
        command: tokens::TokenCommand,
    },
    /// The operator's register of persons: who may be named for which party, under which name.
    Person {
        #[command(subcommand)]
        command: persons::PersonCommand,
    },
}

/// The negotiating acts, each one command of the ledger (`acts::action_of` maps them).
#[derive(Subcommand, Debug)]
pub enum Act {
    /// Open a negotiation between parties, each named with its head of delegation. Every other
    /// party takes part once its head accepts (pacta accept).
    Open(OpenArgs),
    /// Accept, as the head of delegation (or secretariat) named in it, a negotiation another
    /// party opened: your party takes part from now on.
    Accept {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
    },
    /// Accredit a member of your own delegation, bound to your party on the register.
    Accredit {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The person's id, as on the register, e.g. --person koffi.yao.
        #[arg(long)]
        person: String,
        /// The register's name for them; it may be left out, e.g. --name 'Koffi Yao'.
        #[arg(long)]
        name: Option<String>,
        /// Your party's code (the person must be bound to it on the register), e.g. --party CIV.
        #[arg(long)]
        party: String,
        /// negotiator, head-of-delegation, legal-linguist, signatory, competent-authority,
        /// secretariat, observer or auditor, e.g. --role negotiator.
        #[arg(long)]
        role: Role,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// Propose a new clause: recital, article, final-clause, annex, or a part, chapter or section
    /// heading. It goes at the end of its section unless placed --after or --before another
    /// clause of that section. Refer to another clause in the text as [[clause-id]].
    Propose {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The new clause's id, unique in the negotiation, e.g. art-objet.
        clause: String,
        /// recital, article, final-clause, annex, part, chapter or section, e.g. --kind recital.
        #[arg(long, default_value = "article")]
        kind: ClauseKind,
        /// Place the clause right after this clause of its section, e.g. --after art-objet.
        #[arg(long, conflicts_with = "before")]
        after: Option<String>,
        /// Place the clause right before this clause of its section, e.g. --before art-comite.
        #[arg(long)]
        before: Option<String>,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Propose moving a clause right after or before another clause of its section. It moves
    /// once every party agrees (pacta agree-structure); its agreements stand.
    Move {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause to move (by id), e.g. art-comite.
        clause: String,
        /// Move it right after this clause of its section, e.g. --after art-objet.
        #[arg(long, conflicts_with = "before", required_unless_present = "before")]
        after: Option<String>,
        /// Move it right before this clause of its section, e.g. --before art-domaines.
        #[arg(long)]
        before: Option<String>,
        /// The proposal's id, for agree-structure (default: move-CLAUSE), e.g. --id move-comite.
        #[arg(long)]
        id: Option<String>,
    },
    /// Propose freezing the numbering of the articles: once every party agrees, articles keep
    /// their numbers and a new one is numbered "bis", "ter"… after the one it follows.
    FreezeNumbering {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The proposal's id, for agree-structure (default: freeze-numbering), e.g. --id freeze-1.
        #[arg(long)]
        id: Option<String>,
    },
    /// Agree, for your party, to a proposed structure change (move or freeze); the last
    /// party's agreement carries it out.
    AgreeStructure {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The proposal's id, as move or freeze-numbering gave it, e.g. move-art-comite.
        proposal: String,
    },
    /// Replace a clause's wording; --base is the text hash you are amending.
    Amend {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// The text hash of the wording you are amending (or a prefix of 8+ hex digits of it, as
        /// pacta draft prints it), e.g. --base 3f2a9c41d07e.
        #[arg(long)]
        base: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Comment on the negotiation or on one clause.
    Comment {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Comment on this clause (by id) rather than the negotiation as a whole, e.g. --clause
        /// art-objet.
        #[arg(long)]
        clause: Option<String>,
        /// The comment, e.g. --text 'We need a definition of victim here'.
        #[arg(long)]
        text: String,
        /// For your own delegation only: the service shows it to no other party, e.g. --internal.
        #[arg(long)]
        internal: bool,
    },
    /// Agree, for your party, to exactly the wording with this text hash.
    Agree {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// The text hash of the wording you agree (or a prefix of 8+ hex digits of it, as pacta
        /// draft prints it), e.g. --hash 3f2a9c41d07e.
        #[arg(long)]
        hash: String,
        /// Agree subject to confirmation by your capital (confirm later with confirm-agreement),
        /// e.g. --ad-referendum.
        #[arg(long)]
        ad_referendum: bool,
    },
    /// Bracket a clause with an alternative wording labelled A, B, …
    Bracket {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// The alternative's label, e.g. --label B.
        #[arg(long)]
        label: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// State your party's position on a clause: accept, reject, reserve, or alternative:LABEL.
    Position {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// accept, reject, reserve or alternative:LABEL, e.g. --position alternative:B.
        #[arg(long, value_parser = parse_position)]
        position: Position,
        /// Why your party takes this position (may be left out), e.g. --rationale 'Conflicts with
        /// our data law'.
        #[arg(long, default_value = "")]
        rationale: String,
    },
    /// Propose resolving a bracketed clause with an alternative (--base: current hash). It
    /// becomes the wording once every party agrees the alternative's text hash (pacta agree).
    Choose {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// The alternative to resolve the brackets with, by its label, e.g. --label B.
        #[arg(long)]
        label: String,
        /// The clause's current text hash (or a prefix of 8+ hex digits of it, as pacta draft
        /// prints it), e.g. --base 3f2a9c41d07e.
        #[arg(long)]
        base: String,
    },
    /// Withdraw an alternative your party proposed; with the last one gone the brackets lift.
    WithdrawAlternative {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// The alternative's label, e.g. --label B.
        #[arg(long)]
        label: String,
        /// Why it is withdrawn, e.g. --reason 'Covered by article 3'.
        #[arg(long)]
        reason: String,
    },
    /// Confirm your party's agreement ad referendum to a clause.
    ConfirmAgreement {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
    },
    /// Reopen an agreed clause (before the text is authenticated).
    Reopen {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// Why the clause is reopened, e.g. --reason 'New data-protection law'.
        #[arg(long)]
        reason: String,
    },
    /// Withdraw a clause your party proposed.
    Withdraw {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// Why the clause is withdrawn, e.g. --reason 'Merged into art-objet'.
        #[arg(long)]
        reason: String,
    },
    /// Record a clause's wording in another authentic language; --source is the hash of the
    /// reference wording you translated.
    Translate {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// The text hash of the reference wording you translated (or a prefix of 8+ hex digits of
        /// it, as pacta draft prints it), e.g. --source 3f2a9c41d07e.
        #[arg(long)]
        source: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Attest, as a legal-linguist, that a language version (named by its hash) concords with the
    /// reference wording.
    Concordance {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// The language version's language (BCP 47), e.g. --language ar.
        #[arg(long)]
        language: String,
        /// That language version's text hash (or a prefix of 8+ hex digits of it, as pacta draft
        /// prints it), e.g. --hash 3f2a9c41d07e.
        #[arg(long)]
        hash: String,
    },
    /// Adopt, for your party, the text with this root hash (see pacta status).
    Adopt {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The text root hash you adopt (or a prefix of 8+ hex digits of it, as pacta status prints
        /// it), e.g. --root 9b1d04e7c2aa.
        #[arg(long)]
        root: String,
    },
    /// Initial, for your party, the adopted text with this root hash.
    Initial {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The adopted text's root hash (or a prefix of 8+ hex digits of it, as pacta status prints
        /// it), e.g. --root 9b1d04e7c2aa.
        #[arg(long)]
        root: String,
    },
    /// Sign the adopted text with your private key, on this machine, and record the signature.
    Sign {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Private key file written by `pacta key generate`, e.g. --key amina.key.
        #[arg(long)]
        key: PathBuf,
        /// The text root hash you reviewed; the signature binds exactly this text. A prefix of 8+
        /// hex digits will do, e.g. --root 9b1d04e7c2aa.
        #[arg(long)]
        root: String,
        /// simple, definitive or ad-referendum, e.g. --capacity definitive.
        #[arg(long)]
        capacity: SignatureCapacity,
        /// Date of signature (YYYY-MM-DD), e.g. --on 2026-06-12.
        #[arg(long)]
        on: NaiveDate,
        /// Your title or function, as the signature block shows it (e.g. 'Ministre des
        /// Affaires étrangères'). Recorded with the signature, not signed.
        #[arg(long)]
        title: Option<String>,
        /// Your title in another authentic language, as that language version's signature
        /// block shows it: 'LANG=TITLE' (repeatable; a version without one shows --title),
        /// e.g. --title-in 'ar=وزير الشؤون الخارجية'.
        #[arg(long = "title-in", value_name = "LANG=TITLE", value_parser = parse_in_language)]
        titles_in: Vec<(String, String)>,
        /// The place of signature as another authentic language names it, for that language
        /// version's testimonium and signature block: 'LANG=PLACE' (repeatable; the others show
        /// --took-place-in), e.g. --took-place-in Rabat --place-in 'ar=الرباط'.
        #[arg(long = "place-in", value_name = "LANG=PLACE", value_parser = parse_in_language)]
        places_in: Vec<(String, String)>,
    },
    /// Examine another party's signatory's full powers, as accredited (head of delegation):
    /// --accept, or --refuse REASON. A signatory whose full powers are refused cannot sign.
    ExamineFullPowers {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The signatory (by person id) whose full powers you examined, e.g. --signatory
        /// youssef.benali.
        #[arg(long)]
        signatory: String,
        /// The full powers are in good and due form, e.g. --accept.
        #[arg(long, conflicts_with = "refuse", required_unless_present = "refuse")]
        accept: bool,
        /// Why the full powers are not accepted, e.g. --refuse 'Not signed by the head of State'.
        #[arg(long, value_name = "REASON")]
        refuse: Option<String>,
    },
    /// Confirm your party's signature ad referendum (competent authority).
    Confirm {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Date of the confirmation (YYYY-MM-DD), e.g. --on 2026-09-01.
        #[arg(long)]
        on: NaiveDate,
    },
    /// Express your party's consent to be bound (competent authority).
    Consent {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// ratification (a State), formal-confirmation (an international organisation),
        /// approval, acceptance or notification-of-completion, e.g. --mode ratification.
        #[arg(long)]
        mode: ConsentMode,
        /// Date of the consent (YYYY-MM-DD), e.g. --on 2026-11-20.
        #[arg(long)]
        on: NaiveDate,
        /// The instrument's reference (e.g. 'Dahir n° 1-26-12').
        #[arg(long)]
        reference: Option<String>,
        /// The scan of the instrument: its SHA-256 is recorded, not the file, e.g. --scan
        /// dahir-1-26-12.pdf.
        #[arg(long, value_name = "FILE")]
        scan: Option<std::path::PathBuf>,
        /// How the instrument reaches the other party: exchange-of-instruments or
        /// diplomatic-notification, e.g. --transmitted-by diplomatic-notification.
        #[arg(long)]
        transmitted_by: Option<pacta_domain::Transmission>,
    },
    /// Send a note of an exchange of notes constituting the agreement (head of delegation or
    /// competent authority): the proposal, or with --in-reply-to the reply, whose text must
    /// reproduce the proposal's word for word. The reply concludes the agreement.
    Note {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The note's number (e.g. 'N° 0123/MAEIA/DAJ').
        #[arg(long)]
        number: String,
        /// Date of the note (YYYY-MM-DD), e.g. --on 2026-05-04.
        #[arg(long)]
        on: NaiveDate,
        /// The note's full text, e.g. --text "J'ai l'honneur de…".
        #[arg(
            long,
            required_unless_present = "text_file",
            conflicts_with = "text_file"
        )]
        text: Option<String>,
        /// A file holding the note's full text (UTF-8), e.g. --text-file note-0123.txt.
        #[arg(long, value_name = "FILE")]
        text_file: Option<PathBuf>,
        /// For a reply: the proposal's note text hash (SHA-256 of its text, as status shows); a
        /// prefix of 8+ hex digits will do, e.g. --in-reply-to 5c7e20b4a91f.
        #[arg(long, value_name = "HASH")]
        in_reply_to: Option<String>,
    },
    /// Record the date your party received another party's instrument of ratification
    /// (approval, acceptance…) or its notification (head of delegation or competent authority).
    Receipt {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The party (by code) whose instrument or notification was received, e.g. --from MAR.
        #[arg(long)]
        from: String,
        /// Date your party received it (YYYY-MM-DD), e.g. --on 2026-12-02.
        #[arg(long)]
        on: NaiveDate,
    },
    /// Apply the signed instrument provisionally from a date (competent authority; art. 25).
    ApplyProvisionally {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Date provisional application starts (YYYY-MM-DD), e.g. --from 2026-07-01.
        #[arg(long)]
        from: NaiveDate,
    },
    /// Suspend the instrument's operation from a date (competent authority).
    Suspend {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Date the operation is suspended from (YYYY-MM-DD), e.g. --from 2027-03-01.
        #[arg(long)]
        from: NaiveDate,
        /// Why it is suspended, e.g. --reason 'Material breach of article 4'.
        #[arg(long)]
        reason: String,
    },
    /// Resume the operation your party suspended (competent authority).
    Resume {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Date the operation resumes from (YYYY-MM-DD), e.g. --from 2027-06-01.
        #[arg(long)]
        from: NaiveDate,
    },
    /// Notify termination; it takes effect after the notice period (competent authority).
    Terminate {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Date the termination was notified (YYYY-MM-DD); the notice period runs from it, e.g.
        /// --notified-on 2028-01-10.
        #[arg(long)]
        notified_on: NaiveDate,
        /// Why your party terminates, e.g. --reason 'Superseded by the 2028 agreement'.
        #[arg(long)]
        reason: String,
    },
    /// Open a revision (amending instrument) of the text in force (head of delegation). The text
    /// in force stays as it is; reopen, amend and agree clauses of the revision, then adopt and
    /// sign it as usual.
    Revise {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Date the revision opens (YYYY-MM-DD), e.g. --on 2028-02-01.
        #[arg(long)]
        on: NaiveDate,
        /// Why the text is revised, e.g. --reason 'Add a clause on data exchange'.
        #[arg(long)]
        reason: String,
    },
    /// Propose to correct an error in the authenticated text (legal-linguist; art. 79): the
    /// clause's wording in --language, named by --base (its current hash), becomes the new text.
    Correct {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The clause's id, e.g. art-objet.
        clause: String,
        /// An id for the correction, e.g. corr-1.
        #[arg(long)]
        id: String,
        /// The current text hash of the wording in --language (or a prefix of 8+ hex digits of it,
        /// as pacta draft prints it), e.g. --base 3f2a9c41d07e.
        #[arg(long)]
        base: String,
        /// The error being corrected, e.g. --reason 'Typo: "traffic" for "trafficking"'.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Agree, for your party, to a proposed correction, named with its corrected text hash.
    AgreeCorrection {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The correction's id, as correct --id gave it, e.g. corr-1.
        correction: String,
        /// The corrected text hash (or a prefix of 8+ hex digits of it, as pacta draft prints it),
        /// e.g. --hash 3f2a9c41d07e.
        #[arg(long)]
        hash: String,
    },
    /// Abandon the negotiation (before the text is authenticated), or the revision in progress.
    Abandon {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Why the negotiation (or revision) is abandoned, e.g. --reason 'No agreement on scope'.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub struct OpenArgs {
    /// The new negotiation's id, chosen here, e.g. civ-mar-tip-mou.
    pub negotiation: String,
    /// The instrument's title, e.g. --title 'Memorandum of Understanding on trafficking in
    /// persons'.
    #[arg(long)]
    pub title: String,
    /// The title in another authentic language, as that language version heads the instrument:
    /// 'LANG=TEXT' (repeatable; --title is taken to be in the first --language), e.g.
    /// --title-in 'ar=مذكرة تفاهم بشأن الاتجار بالبشر'.
    #[arg(long = "title-in", value_name = "LANG=TEXT", value_parser = parse_in_language)]
    pub titles_in: Vec<(String, String)>,
    /// A party's name in another authentic language, as that version names it after "the
    /// Government of": 'CODE:LANG=NAME' (repeatable), e.g. --party-name 'MAR:ar=المملكة المغربية'
    /// or --party-name 'MAR:en=the Kingdom of Morocco'.
    #[arg(long = "party-name", value_name = "CODE:LANG=NAME", value_parser = parse_party_name)]
    pub party_names: Vec<(String, String, String)>,
    /// treaty, agreement, mou or exchange-of-notes, e.g. --kind mou.
    #[arg(long)]
    pub kind: InstrumentKind,
    /// A party and its head of delegation: 'CODE|Name|head-person-id' (a State, by its ISO
    /// 3166 alpha-3 code) or 'organisation:CODE|Name|head-person-id' (an international
    /// organisation, by a code of 2 to 10 upper-case letters that no State has), the head bound
    /// to the party on the register; a fourth field '|Head Name' also gives the head's name,
    /// which must be the register's, e.g. --party 'MAR|Royaume du Maroc|youssef.benali'.
    #[arg(long = "party", required = true, value_parser = parse_party)]
    pub parties: Vec<Party>,
    /// A facilitating organisation and its secretariat: 'CODE|Name|person-id' (or with
    /// '|Person Name', the register's name), e.g. --facilitator 'IOM|OIM|iom.secretariat'.
    #[arg(long, value_parser = parse_facilitator)]
    pub facilitator: Option<Facilitator>,
    /// An authentic language (BCP 47), repeated in the instrument's order; 'ar=MAR' also names
    /// the party whose legal-linguists verify that language version, e.g. --language fr --language
    /// ar=MAR.
    #[arg(long = "language", required = true)]
    pub languages: Vec<String>,
    /// When the instrument enters into force: on-last-consent, days:N (N days after the last
    /// consent) or first-of-month:N (first day of the N-th month after); counted from the
    /// receipt of the last instrument or notification instead: on-last-receipt, receipt-days:N,
    /// receipt-first-of-month:N (default: by kind), e.g. --entry-into-force days:30.
    #[arg(long, value_parser = parse_entry_into_force_rule)]
    pub entry_into_force: Option<EntryIntoForceRule>,
    /// Months between a notice of termination and its effect (default 6), e.g.
    /// --termination-notice-months 3.
    #[arg(long)]
    pub termination_notice_months: Option<u32>,
    /// The instrument provides for provisional application pending entry into force (art. 25), e.g.
    /// --provisional-application.
    #[arg(long)]
    pub provisional_application: bool,
    /// How the Arabic version numbers articles: numerals ("المادة 1", the default) or
    /// ordinal-words ("المادة الأولى"… up to the twentieth, numerals beyond), e.g.
    /// --arabic-numbering ordinal-words.
    #[arg(long = "arabic-numbering", value_name = "STYLE")]
    pub arabic_numbering: Option<pacta_domain::ArabicArticleNumbering>,
    /// The parties intend the instrument to be legally binding (a treaty, whatever its name).
    /// With none of the legal-effect flags, the kind decides, as before, e.g. --legally-binding.
    #[arg(long, conflicts_with = "not_legally_binding")]
    pub legally_binding: bool,
    /// The parties do not intend it to be legally binding (a political commitment, such as most
    /// MoUs): it is signed and takes effect; no ratification, never "in force", e.g.
    /// --not-legally-binding.
    #[arg(long)]
    pub not_legally_binding: bool,
    /// How every party consents to be bound: signature, ratification, approval, acceptance,
    /// notification-of-completion, formal-confirmation or exchange-of-notes, e.g. --consent
    /// ratification.
    #[arg(long, value_name = "PROCEDURE")]
    pub consent: Option<pacta_domain::ConsentProcedure>,
    /// One party's own consent procedure, where it differs: 'CODE=PROCEDURE' (repeatable), e.g.
    /// --consent-of MAR=approval.
    #[arg(long = "consent-of", value_name = "CODE=PROCEDURE", value_parser = parse_consent_of)]
    pub consent_of: Vec<(String, pacta_domain::ConsentProcedure)>,
    /// Other States may accede later (recorded and shown), e.g. --open-to-accession.
    #[arg(long)]
    pub open_to_accession: bool,
}

impl OpenArgs {
    /// The legal effect the flags state; `None` when none is given (the kind then decides).
    pub fn legal_effect(&self) -> Option<pacta_domain::LegalEffect> {
        let stated = self.legally_binding
            || self.not_legally_binding
            || self.consent.is_some()
            || !self.consent_of.is_empty()
            || self.open_to_accession;
        stated.then(|| pacta_domain::LegalEffect {
            legally_binding: !self.not_legally_binding,
            consent_procedure: self
                .consent
                .unwrap_or(pacta_domain::ConsentProcedure::Signature),
            consent_procedure_by_party: self.consent_of.iter().cloned().collect(),
            open_to_accession: self.open_to_accession,
        })
    }
}

/// 'LANG=TEXT', for --title-in.
fn parse_in_language(spec: &str) -> Result<(String, String), String> {
    spec.split_once('=')
        .map(|(language, text)| (language.to_string(), text.to_string()))
        .ok_or_else(|| format!("'{spec}' is not LANG=TEXT (e.g. 'ar=مذكرة تفاهم')"))
}

/// 'CODE:LANG=NAME', for --party-name.
fn parse_party_name(spec: &str) -> Result<(String, String, String), String> {
    let malformed = || format!("'{spec}' is not CODE:LANG=NAME (e.g. 'MAR:ar=المملكة المغربية')");
    let (code, rest) = spec.split_once(':').ok_or_else(malformed)?;
    let (language, name) = parse_in_language(rest).map_err(|_| malformed())?;
    Ok((code.to_string(), language, name))
}

fn parse_consent_of(spec: &str) -> Result<(String, pacta_domain::ConsentProcedure), String> {
    let (party, procedure) = spec
        .split_once('=')
        .ok_or_else(|| format!("'{spec}' is not CODE=PROCEDURE (e.g. MAR=approval)"))?;
    Ok((party.to_string(), procedure.parse()?))
}

pub(crate) fn parse_head(spec: &str) -> Result<(usize, String), String> {
    let parsed = spec.split_once(':').and_then(|(sequence, hash)| {
        let is_hash = hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        Some((sequence.parse().ok()?, hash.to_string())).filter(|_| is_hash)
    });
    parsed.ok_or_else(|| {
        format!("'{spec}' is not a head: use SEQUENCE:HASH as printed by pacta verify")
    })
}

fn parse_position(spec: &str) -> Result<Position, String> {
    match spec.split_once(':') {
        None if spec == "accept" => Ok(Position::Accept),
        None if spec == "reject" => Ok(Position::Reject),
        None if spec == "reserve" => Ok(Position::Reserve),
        Some(("alternative", label)) => Ok(Position::Alternative {
            label: label.to_string(),
        }),
        _ => Err(format!(
            "'{spec}' is not a position: use accept, reject, reserve or alternative:LABEL"
        )),
    }
}

fn parse_entry_into_force_rule(spec: &str) -> Result<EntryIntoForceRule, String> {
    let number = |n: &str| n.parse::<u32>().map_err(|e| format!("'{spec}': {e}"));
    match spec.split_once(':') {
        None if spec == "on-last-consent" => Ok(EntryIntoForceRule::OnLastConsent),
        None if spec == "on-last-receipt" => Ok(EntryIntoForceRule::OnLastReceipt),
        Some(("days", n)) => Ok(EntryIntoForceRule::DaysAfterLastConsent { days: number(n)? }),
        Some(("first-of-month", n)) => {
            Ok(EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months: number(n)? })
        }
        Some(("receipt-days", n)) => {
            Ok(EntryIntoForceRule::DaysAfterLastReceipt { days: number(n)? })
        }
        Some(("receipt-first-of-month", n)) => {
            Ok(EntryIntoForceRule::FirstDayOfMonthAfterLastReceipt { months: number(n)? })
        }
        _ => Err(format!(
            "'{spec}' is not a rule: use on-last-consent, days:N, first-of-month:N, on-last-receipt, receipt-days:N or receipt-first-of-month:N"
        )),
    }
}

#[derive(Subcommand, Debug)]
pub enum MatrixCommand {
    Create {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The new matrix's id, e.g. matrix-tip.
        matrix: String,
        /// The matrix's title, e.g. --title "Plan d'action 2026-2028".
        #[arg(long)]
        title: String,
    },
    /// Propose a row from a JSON file ({"objective", "action", "responsible_party", "agency",
    /// "starts_on", "ends_on", "indicator": {"name", "unit", "baseline", "target"}}); with
    /// --base (the row hash you saw), change an existing row.
    Row {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The matrix's id, e.g. matrix-tip.
        matrix: String,
        /// The row's id, e.g. row-1.
        row: String,
        /// The JSON file with the row's content (fields above), e.g. --content-file row-1.json.
        #[arg(long)]
        content_file: PathBuf,
        /// To change an existing row: the row hash you saw (or a prefix of 8+ hex digits of it),
        /// e.g. --base 7d19e0c3a5b2.
        #[arg(long)]
        base: Option<String>,
    },
    /// Agree, for your party, a row's exact content (its row hash).
    AgreeRow {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The matrix's id, e.g. matrix-tip.
        matrix: String,
        /// The row's id, e.g. row-1.
        row: String,
        /// The row hash you agree (or a prefix of 8+ hex digits of it), e.g. --hash 7d19e0c3a5b2.
        #[arg(long)]
        hash: String,
    },
    /// Validate the matrix at a round (workshop); every row must be agreed by every party.
    Validate {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The matrix's id, e.g. matrix-tip.
        matrix: String,
        /// The round (workshop) the matrix is validated at, by id, e.g. --round round-1.
        #[arg(long)]
        round: String,
    },
    /// Report progress on a row: not-started, on-track, delayed or completed.
    Progress {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The matrix's id, e.g. matrix-tip.
        matrix: String,
        /// The row's id, e.g. row-1.
        row: String,
        /// not-started, on-track, delayed or completed, e.g. --status on-track.
        #[arg(long)]
        status: pacta_domain::RowProgress,
        /// Date of the report (YYYY-MM-DD), e.g. --on 2026-12-31.
        #[arg(long)]
        on: NaiveDate,
        /// What was done or is late (may be left out), e.g. --note '3 of 5 trainings held'.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Every matrix with its rows, agreements and progress.
    Show {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RoundCommand {
    /// Open a round; acts recorded until it closes belong to it.
    Open {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The new round's id, e.g. round-1.
        round: String,
        /// negotiating-round, experts-meeting or joint-commission, e.g. --kind experts-meeting.
        #[arg(long, default_value = "negotiating-round")]
        kind: RoundKind,
        /// Where it is held, e.g. --place Rabat.
        #[arg(long)]
        place: String,
        /// Its first day (YYYY-MM-DD), e.g. --starts-on 2026-03-02.
        #[arg(long)]
        starts_on: NaiveDate,
        /// Its last day (YYYY-MM-DD), e.g. --ends-on 2026-03-06.
        #[arg(long)]
        ends_on: NaiveDate,
    },
    Close {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The round's id, e.g. round-1.
        round: String,
    },
    /// Put the minutes on record: the file's SHA-256 is recorded with its reference.
    Minutes {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The round's id, e.g. round-1.
        round: String,
        /// The minutes file; its SHA-256 is recorded, not the file, e.g. --file
        /// minutes-round-1.pdf.
        #[arg(long)]
        file: PathBuf,
        /// The minutes' reference, e.g. --reference 'PV/CIV-MAR/2026/1'.
        #[arg(long)]
        reference: String,
    },
    /// Adopt, for your party, the minutes: name them by the file you read (its SHA-256 is
    /// computed here) or by their hash as `round minutes` printed it (a prefix of 8 or more hex
    /// digits will do).
    #[command(group(clap::ArgGroup::new("minutes").required(true).args(["hash", "file"])))]
    AdoptMinutes {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The round's id, e.g. round-1.
        round: String,
        /// The minutes' SHA-256 or a prefix of it, e.g. --hash 3f2a9c41d07e.
        #[arg(long)]
        hash: Option<String>,
        /// The minutes file you read, e.g. --file minutes-round-1.pdf.
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Write a new Ed25519 private key to a file (mode 0600) and print its public key.
    Generate {
        /// The private key file to write (it must not exist yet), e.g. --out amina.key.
        #[arg(long)]
        out: PathBuf,
    },
}

/// A signatory's signing authority, given when accrediting them.
#[derive(Args, Debug)]
pub struct SigningArgs {
    /// The signatory's Ed25519 public key (hex), printed by `pacta key generate`, e.g. --public-key
    /// 8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c.
    #[arg(long)]
    pub public_key: Option<String>,
    /// Reference of the full-powers instrument, e.g. --full-powers 'FP/2026/014'.
    #[arg(long, requires = "full_powers_file")]
    pub full_powers: Option<String>,
    /// The full-powers document; its SHA-256 is recorded, e.g. --full-powers-file full-powers.pdf.
    #[arg(long, requires = "full_powers")]
    pub full_powers_file: Option<PathBuf>,
    /// The signatory signs ex officio (head of state or government, foreign minister), e.g.
    /// --ex-officio.
    #[arg(long)]
    pub ex_officio: bool,
}

impl SigningArgs {
    pub(super) fn authority(&self) -> Result<Option<SigningAuthority>, CliError> {
        let Some(public_key) = &self.public_key else {
            return Ok(None);
        };
        let full_powers = match (&self.full_powers, &self.full_powers_file) {
            (Some(reference), Some(path)) => Some(FullPowers {
                reference: reference.clone(),
                document_hash: crate::keys::file_sha256(path)?,
            }),
            _ => None,
        };
        Ok(Some(SigningAuthority {
            public_key: public_key.clone(),
            full_powers,
            ex_officio: self.ex_officio,
        }))
    }
}

#[derive(Args, Debug)]
pub struct WordingArgs {
    /// The heading. Left out, `amend` and `bracket` keep the clause's heading in --language
    /// (refused if it has none there yet) and other acts give none; --heading '' is none, e.g.
    /// --heading 'Objet'.
    #[arg(long)]
    pub heading: Option<String>,
    /// Authentic language of the text (BCP 47), e.g. --language fr.
    #[arg(long)]
    pub language: String,
    /// The text, e.g. --text 'Le présent Mémorandum a pour objet…'.
    #[arg(
        long,
        required_unless_present = "text_file",
        conflicts_with = "text_file"
    )]
    pub text: Option<String>,
    /// Read the text from a UTF-8 file, e.g. --text-file art-objet.fr.txt.
    #[arg(long)]
    pub text_file: Option<PathBuf>,
}

/// 'CODE|Name|person-id', or with '|Person Name': the person's name is the register's, and
/// may be left out (it is then empty).
fn four_fields(spec: &str) -> Result<[String; 4], String> {
    let fields: Vec<&str> = spec.split('|').map(str::trim).collect();
    match fields[..] {
        [code, name, person] => Ok([code, name, person, ""].map(String::from)),
        [code, name, person, person_name] => {
            Ok([code, name, person, person_name].map(String::from))
        }
        _ => Err(format!(
            "'{spec}' must have three or four fields: 'CODE|Name|person-id' or 'CODE|Name|person-id|Person Name'"
        )),
    }
}

/// A State's spec, or an international organisation's: the same fields, the code prefixed with
/// 'organisation:' ('state:' may be written, and is what no prefix means).
fn parse_party(spec: &str) -> Result<Party, String> {
    let [code, name, person, person_name] = four_fields(spec)?;
    match code.split_once(':') {
        None => Ok(Party::new(&code, &name, &person, &person_name)),
        Some(("state", code)) => Ok(Party::new(code, &name, &person, &person_name)),
        Some(("organisation", code)) => {
            Ok(Party::organisation(code, &name, &person, &person_name))
        }
        Some((kind, _)) => Err(format!(
            "'{kind}' is not a kind of party: write 'organisation:CODE' for an international organisation, 'CODE' (or 'state:CODE') for a State"
        )),
    }
}

fn parse_facilitator(spec: &str) -> Result<Facilitator, String> {
    let [code, name, person, person_name] = four_fields(spec)?;
    Ok(Facilitator {
        code,
        name,
        secretariat: PersonName {
            person,
            name: person_name,
        },
    })
}

/// A note's text from a file, bounded as a clause's text file is.
pub(super) fn read_note_text(path: &std::path::Path) -> Result<String, CliError> {
    Ok(read_bounded(path, MAX_TEXT_FILE_BYTES)?)
}

impl WordingArgs {
    pub(super) fn text(&self) -> Result<String, CliError> {
        match (&self.text, &self.text_file) {
            (Some(text), _) => Ok(text.clone()),
            (None, Some(path)) => Ok(read_bounded(path, MAX_TEXT_FILE_BYTES)?),
            (None, None) => unreachable!("clap requires --text or --text-file"),
        }
    }
}

/// A time of day as HH:MM or HH:MM:SS.
fn time_of_day(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| format!("'{text}' is not a time of day: use HH:MM, e.g. 10:30"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument of `command` and its subcommands, recursively, whose help is empty or
    /// gives no example ("e.g."), as 'pacta sub … --arg'; clap's own help and version are left out.
    fn arguments_without_an_example(
        command: &clap::Command,
        path: &str,
        offenders: &mut Vec<String>,
    ) {
        for argument in command.get_arguments() {
            let id = argument.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let help = argument
                .get_long_help()
                .or(argument.get_help())
                .map(|help| help.to_string())
                .unwrap_or_default();
            if !help.contains("e.g.") {
                offenders.push(format!("{path} {id}"));
            }
        }
        for subcommand in command.get_subcommands() {
            let name = subcommand.get_name();
            if name == "help" {
                continue;
            }
            let path = format!("{path} {name}");
            arguments_without_an_example(subcommand, &path, offenders);
        }
    }

    #[test]
    fn every_argument_of_every_command_is_documented_with_an_example() {
        use clap::CommandFactory;
        let cli = Cli::command();
        let mut offenders = Vec::new();
        arguments_without_an_example(&cli, "pacta", &mut offenders);
        assert!(
            offenders.is_empty(),
            "{} arguments have no help with an example (\"e.g.\"):\n{}",
            offenders.len(),
            offenders.join("\n")
        );
    }

    #[test]
    fn titles_and_party_names_in_other_languages_are_parsed() {
        assert_eq!(
            parse_in_language("ar=مذكرة تفاهم = نص"),
            Ok(("ar".into(), "مذكرة تفاهم = نص".into()))
        );
        assert_eq!(
            parse_party_name("MAR:ar=المملكة المغربية"),
            Ok(("MAR".into(), "ar".into(), "المملكة المغربية".into()))
        );
        assert!(parse_in_language("مذكرة").is_err());
        assert!(parse_party_name("MAR=ar:Maroc").is_err());
    }

    #[test]
    fn a_party_is_a_state_unless_its_spec_names_it_an_organisation() {
        let civ = Party::new("CIV", "Côte d'Ivoire", "civ.head", "");
        assert_eq!(parse_party("CIV|Côte d'Ivoire|civ.head"), Ok(civ.clone()));
        assert_eq!(parse_party("state:CIV|Côte d'Ivoire|civ.head"), Ok(civ));
        assert_eq!(
            parse_party("organisation:IOM|OIM|iom.head|Chef OIM"),
            Ok(Party::organisation("IOM", "OIM", "iom.head", "Chef OIM"))
        );
        let refused = parse_party("international:IOM|OIM|iom.head").unwrap_err();
        assert!(
            refused.starts_with("'international' is not a kind of party"),
            "{refused}"
        );
    }
}
