//! The `pacta` command line: one subcommand per negotiating act, and the views to read them.

mod audit;
pub mod export;
mod journal;
mod projections;
mod reads;
mod serve;
mod tokens;

use std::io::Read;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::EventEnvelope;
use pacta_domain::variant_name;
use pacta_domain::{
    Action, ClauseKind, ConsentMode, EntryIntoForceRule, Facilitator, FullPowers, InstrumentKind,
    Negotiation, NegotiationCommand, Party, PersonName, Position, Role, RoundKind,
    SignatureCapacity, SigningAuthority,
};
use pacta_projections::Draft;

use crate::ledger::{CommandContext, Ledger, LedgerError};
use crate::store::{Database, StoreError};
use crate::views::{View, ViewError};

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
    /// Event store: sqlite://FILE (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(long, env = "PACTA_STORE", default_value = DEFAULT_STORE_URL, global = true)]
    pub store: String,
    /// The person performing the act (their accredited person id).
    #[arg(long = "as", env = "PACTA_ACTOR", global = true)]
    pub actor: Option<String>,
    /// Client-chosen id recorded with the act's events (default: a fresh UUID).
    #[arg(long, global = true)]
    pub command_id: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open a negotiation between parties, each named with its head of delegation.
    Open(OpenArgs),
    /// Accredit a member of your own delegation.
    Accredit {
        negotiation: String,
        #[arg(long)]
        person: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        party: String,
        /// negotiator, head-of-delegation, legal-linguist, signatory, competent-authority,
        /// secretariat, observer or auditor.
        #[arg(long)]
        role: Role,
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// Propose a new clause (recital, article or annex).
    Propose {
        negotiation: String,
        clause: String,
        #[arg(long, default_value = "article")]
        kind: ClauseKind,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Replace a clause's wording; --base is the text hash you are amending.
    Amend {
        negotiation: String,
        clause: String,
        #[arg(long)]
        base: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Comment on the negotiation or on one clause.
    Comment {
        negotiation: String,
        #[arg(long)]
        clause: Option<String>,
        #[arg(long)]
        text: String,
        /// For your own delegation only: the service shows it to no other party.
        #[arg(long)]
        internal: bool,
    },
    /// Agree, for your party, to exactly the wording with this text hash.
    Agree {
        negotiation: String,
        clause: String,
        #[arg(long)]
        hash: String,
        /// Agree subject to confirmation by your capital (confirm later with confirm-agreement).
        #[arg(long)]
        ad_referendum: bool,
    },
    /// Bracket a clause with an alternative wording labelled A, B, …
    Bracket {
        negotiation: String,
        clause: String,
        #[arg(long)]
        label: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// State your party's position on a clause: accept, reject, reserve, or alternative:LABEL.
    Position {
        negotiation: String,
        clause: String,
        #[arg(long, value_parser = parse_position)]
        position: Position,
        #[arg(long, default_value = "")]
        rationale: String,
    },
    /// Resolve a bracketed clause: the alternative becomes its wording (--base: current hash).
    Choose {
        negotiation: String,
        clause: String,
        #[arg(long)]
        label: String,
        #[arg(long)]
        base: String,
    },
    /// Confirm your party's agreement ad referendum to a clause.
    ConfirmAgreement { negotiation: String, clause: String },
    /// Reopen an agreed clause (before the text is authenticated).
    Reopen {
        negotiation: String,
        clause: String,
        #[arg(long)]
        reason: String,
    },
    /// Withdraw a clause your party proposed.
    Withdraw {
        negotiation: String,
        clause: String,
        #[arg(long)]
        reason: String,
    },
    /// Record a clause's wording in another authentic language; --source is the hash of the
    /// reference wording you translated.
    Translate {
        negotiation: String,
        clause: String,
        #[arg(long)]
        source: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Attest, as a legal-linguist, that a language version (named by its hash) concords with the
    /// reference wording.
    Concordance {
        negotiation: String,
        clause: String,
        #[arg(long)]
        language: String,
        #[arg(long)]
        hash: String,
    },
    /// Generate a signing key: the private key stays in a file on this machine.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Adopt, for your party, the text with this root hash (see pacta status).
    Adopt {
        negotiation: String,
        #[arg(long)]
        root: String,
    },
    /// Initial, for your party, the adopted text with this root hash.
    Initial {
        negotiation: String,
        #[arg(long)]
        root: String,
    },
    /// Sign the adopted text with your private key, on this machine, and record the signature.
    Sign {
        negotiation: String,
        /// Private key file written by `pacta key generate`.
        #[arg(long)]
        key: PathBuf,
        /// The text root hash you reviewed; the signature binds exactly this text.
        #[arg(long)]
        root: String,
        /// simple, definitive or ad-referendum.
        #[arg(long)]
        capacity: SignatureCapacity,
        /// Date of signature (YYYY-MM-DD).
        #[arg(long)]
        on: NaiveDate,
    },
    /// Confirm your party's signature ad referendum (competent authority).
    Confirm {
        negotiation: String,
        #[arg(long)]
        on: NaiveDate,
    },
    /// Express your party's consent to be bound (competent authority).
    Consent {
        negotiation: String,
        /// ratification, approval, acceptance or notification-of-completion.
        #[arg(long)]
        mode: ConsentMode,
        #[arg(long)]
        on: NaiveDate,
    },
    /// Apply the signed instrument provisionally from a date (competent authority; art. 25).
    ApplyProvisionally {
        negotiation: String,
        #[arg(long)]
        from: NaiveDate,
    },
    /// Suspend the instrument's operation from a date (competent authority).
    Suspend {
        negotiation: String,
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        reason: String,
    },
    /// Resume the operation your party suspended (competent authority).
    Resume {
        negotiation: String,
        #[arg(long)]
        from: NaiveDate,
    },
    /// Notify termination; it takes effect after the notice period (competent authority).
    Terminate {
        negotiation: String,
        #[arg(long)]
        notified_on: NaiveDate,
        #[arg(long)]
        reason: String,
    },
    /// Open a revision (amending instrument) of the text in force (head of delegation). The text
    /// in force stays as it is; reopen, amend and agree clauses of the revision, then adopt and
    /// sign it as usual.
    Revise {
        negotiation: String,
        #[arg(long)]
        on: NaiveDate,
        #[arg(long)]
        reason: String,
    },
    /// Propose to correct an error in the authenticated text (legal-linguist; art. 79): the
    /// clause's wording in --language, named by --base (its current hash), becomes the new text.
    Correct {
        negotiation: String,
        clause: String,
        /// An id for the correction, e.g. corr-1.
        #[arg(long)]
        id: String,
        #[arg(long)]
        base: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        wording: WordingArgs,
    },
    /// Agree, for your party, to a proposed correction, named with its corrected text hash.
    AgreeCorrection {
        negotiation: String,
        correction: String,
        #[arg(long)]
        hash: String,
    },
    /// Abandon the negotiation (before the text is authenticated), or the revision in progress.
    Abandon {
        negotiation: String,
        #[arg(long)]
        reason: String,
    },
    /// The state of the agreement: text root, each party's acts, entry into force, revisions.
    Status {
        negotiation: String,
        #[arg(long)]
        json: bool,
        /// Also say which text (revision and root hash) was in force on this date.
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
        #[arg(long, default_value = crate::http::DEFAULT_LISTEN)]
        listen: String,
        /// Load the demo story first, and print a token to sign in with.
        #[arg(long)]
        demo: bool,
    },
    /// Submit a command as JSON ({"actor": …, "action": {"type": …}}) from a file, or - for stdin.
    Submit { negotiation: String, file: PathBuf },
    /// Every recorded act of a negotiation, with its chain hash; the options keep only some.
    History {
        negotiation: String,
        #[arg(long)]
        json: bool,
        /// Only acts performed for this party (or facilitator), by code.
        #[arg(long)]
        party: Option<String>,
        /// Only acts on this clause.
        #[arg(long)]
        clause: Option<String>,
        /// Only acts recorded while this round was open.
        #[arg(long)]
        round: Option<String>,
        /// Only acts recorded on or after this day (UTC).
        #[arg(long)]
        since: Option<NaiveDate>,
        /// Only acts recorded on or before this day (UTC).
        #[arg(long)]
        until: Option<NaiveDate>,
    },
    /// The current draft: clauses in order with their status.
    Draft {
        negotiation: String,
        #[arg(long)]
        json: bool,
        /// Show the text in this authentic language (default: each clause's reference wording).
        #[arg(long)]
        language: Option<String>,
        /// Show this revision's text instead of the current one (0 is the original instrument).
        #[arg(long)]
        revision: Option<u32>,
        /// Show the draft as it stood at a point: SEQUENCE, DATE (YYYY-MM-DD), round:ID (or a bare
        /// round id) or revision:N.
        #[arg(long, conflicts_with = "revision")]
        at: Option<String>,
    },
    /// The text at one point against another, clause by clause: {+inserted+} and [-deleted-]
    /// words, and who proposed each change. Points as for draft --at. As a document: markdown,
    /// html, or docx (Word tracked changes, authored by the proposing party; needs --out).
    Redline {
        negotiation: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// text (default), json, markdown, html or docx.
        #[arg(long, value_enum)]
        format: Option<reads::RedlineFormat>,
        /// The same as --format json.
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// Write the redline to this file (required for docx; the others default to stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Every wording a clause had, each against the one before, and every other act on it.
    ClauseHistory {
        negotiation: String,
        clause: String,
        #[arg(long)]
        json: bool,
    },
    /// Every negotiation in the ledger: status, clauses by status, matrices, last activity.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The text as a document: markdown, html, docx, akoma-ntoso (XML) or json.
    Export(export::ExportArgs),
    /// Recompute the hash chain of one negotiation, or of every negotiation.
    Verify {
        negotiation: Option<String>,
        /// The head you kept from an earlier verify ('SEQUENCE:HASH'): fails if the history no
        /// longer ends there, which a chain alone cannot show (a cut-off tail, a restored backup).
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
    /// Measure command throughput and latency, chained against plain postgres-es.
    Bench(crate::bench::BenchArgs),
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
}

#[derive(Args, Debug)]
pub struct OpenArgs {
    pub negotiation: String,
    #[arg(long)]
    pub title: String,
    /// treaty, agreement, mou or exchange-of-notes.
    #[arg(long)]
    pub kind: InstrumentKind,
    /// A party and its head of delegation: 'CODE|Name|head-person-id|Head Name' (ISO 3166 alpha-3).
    #[arg(long = "party", required = true, value_parser = parse_party)]
    pub parties: Vec<Party>,
    /// A facilitating organisation and its secretariat: 'CODE|Name|person-id|Person Name'.
    #[arg(long, value_parser = parse_facilitator)]
    pub facilitator: Option<Facilitator>,
    /// An authentic language (BCP 47), repeated in the instrument's order; 'ar=MAR' also names
    /// the party whose legal-linguists verify that language version.
    #[arg(long = "language", required = true)]
    pub languages: Vec<String>,
    /// When the instrument enters into force: on-last-consent, days:N (N days after the last
    /// consent) or first-of-month:N (first day of the N-th month after). Default: by kind.
    #[arg(long, value_parser = parse_entry_into_force_rule)]
    pub entry_into_force: Option<EntryIntoForceRule>,
    /// Months between a notice of termination and its effect (default 6).
    #[arg(long)]
    pub termination_notice_months: Option<u32>,
    /// The instrument provides for provisional application pending entry into force (art. 25).
    #[arg(long)]
    pub provisional_application: bool,
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
        Some(("days", n)) => Ok(EntryIntoForceRule::DaysAfterLastConsent { days: number(n)? }),
        Some(("first-of-month", n)) => {
            Ok(EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months: number(n)? })
        }
        _ => Err(format!(
            "'{spec}' is not a rule: use on-last-consent, days:N or first-of-month:N"
        )),
    }
}

#[derive(Subcommand, Debug)]
pub enum MatrixCommand {
    Create {
        negotiation: String,
        matrix: String,
        #[arg(long)]
        title: String,
    },
    /// Propose a row from a JSON file ({"objective", "action", "responsible_party", "agency",
    /// "starts_on", "ends_on", "indicator": {"name", "unit", "baseline", "target"}}); with
    /// --base (the row hash you saw), change an existing row.
    Row {
        negotiation: String,
        matrix: String,
        row: String,
        #[arg(long)]
        content_file: PathBuf,
        #[arg(long)]
        base: Option<String>,
    },
    /// Agree, for your party, a row's exact content (its row hash).
    AgreeRow {
        negotiation: String,
        matrix: String,
        row: String,
        #[arg(long)]
        hash: String,
    },
    /// Validate the matrix at a round (workshop); every row must be agreed by every party.
    Validate {
        negotiation: String,
        matrix: String,
        #[arg(long)]
        round: String,
    },
    /// Report progress on a row: not-started, on-track, delayed or completed.
    Progress {
        negotiation: String,
        matrix: String,
        row: String,
        #[arg(long)]
        status: pacta_domain::RowProgress,
        #[arg(long)]
        on: NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Every matrix with its rows, agreements and progress.
    Show {
        negotiation: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RoundCommand {
    /// Open a round; acts recorded until it closes belong to it.
    Open {
        negotiation: String,
        round: String,
        /// negotiating-round, experts-meeting or joint-commission.
        #[arg(long, default_value = "negotiating-round")]
        kind: RoundKind,
        #[arg(long)]
        place: String,
        #[arg(long)]
        starts_on: NaiveDate,
        #[arg(long)]
        ends_on: NaiveDate,
    },
    Close {
        negotiation: String,
        round: String,
    },
    /// Put the minutes on record: the file's SHA-256 is recorded with its reference.
    Minutes {
        negotiation: String,
        round: String,
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        reference: String,
    },
    /// Adopt, for your party, the minutes with this hash.
    AdoptMinutes {
        negotiation: String,
        round: String,
        #[arg(long)]
        hash: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Write a new Ed25519 private key to a file (mode 0600) and print its public key.
    Generate {
        #[arg(long)]
        out: PathBuf,
    },
}

/// A signatory's signing authority, given when accrediting them.
#[derive(Args, Debug)]
pub struct SigningArgs {
    /// The signatory's Ed25519 public key (hex), printed by `pacta key generate`.
    #[arg(long)]
    pub public_key: Option<String>,
    /// Reference of the full-powers instrument.
    #[arg(long, requires = "full_powers_file")]
    pub full_powers: Option<String>,
    /// The full-powers document; its SHA-256 is recorded.
    #[arg(long, requires = "full_powers")]
    pub full_powers_file: Option<PathBuf>,
    /// The signatory signs ex officio (head of state or government, foreign minister).
    #[arg(long)]
    pub ex_officio: bool,
}

impl SigningArgs {
    fn authority(&self) -> Result<Option<SigningAuthority>, CliError> {
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
    #[arg(long, default_value = "")]
    pub heading: String,
    /// Authentic language of the text (BCP 47).
    #[arg(long)]
    pub language: String,
    #[arg(
        long,
        required_unless_present = "text_file",
        conflicts_with = "text_file"
    )]
    pub text: Option<String>,
    /// Read the text from a UTF-8 file.
    #[arg(long)]
    pub text_file: Option<PathBuf>,
}

fn four_fields(spec: &str) -> Result<[String; 4], String> {
    let fields: Vec<&str> = spec.split('|').map(str::trim).collect();
    match fields[..] {
        [code, name, person, person_name] => {
            Ok([code, name, person, person_name].map(String::from))
        }
        _ => Err(format!(
            "'{spec}' must have four fields: 'CODE|Name|person-id|Person Name'"
        )),
    }
}

fn parse_party(spec: &str) -> Result<Party, String> {
    let [code, name, person, person_name] = four_fields(spec)?;
    Ok(Party::new(&code, &name, &person, &person_name))
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

/// Everything the CLI can fail with, each as one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error("say who is acting: pass --as PERSON or set PACTA_ACTOR")]
    NoActor,
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is larger than {max_bytes} bytes, the most this command reads from a file")]
    FileTooLarge { path: String, max_bytes: u64 },
    #[error("{path} is not a valid command: {source}")]
    MalformedCommand {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "'{language}' is not an authentic language of this negotiation (authentic: {authentic})"
    )]
    NotAuthenticLanguage { language: String, authentic: String },
    #[error("negotiation '{negotiation}' now ends at {found}, not at the head you kept ({expected}): its history was cut short, rolled back or rewritten since")]
    HeadMismatch {
        negotiation: String,
        expected: String,
        found: String,
    },
    #[error("negotiation '{negotiation}' has no revision {revision} on record (see pacta status for its revisions)")]
    UnknownRevision { negotiation: String, revision: u32 },
    #[error(transparent)]
    Export(#[from] export::ExportFailure),
    #[error(transparent)]
    Token(#[from] tokens::TokenFailure),
    #[error("negotiation '{negotiation}' has no clause '{clause}' (see pacta draft {negotiation} for its clauses)")]
    UnknownClause { negotiation: String, clause: String },
    #[error(transparent)]
    Point(#[from] pacta_projections::PointError),
    #[error("{0}")]
    Bench(String),
    #[error("{0}")]
    Key(String),
    #[error("{0}")]
    Journal(String),
    /// The findings of `pacta audit verify`, one per line.
    #[error("{0}")]
    Audit(String),
    #[error("cannot listen on {address}: {source} (is another server using it? try --listen 127.0.0.1:0)")]
    Listen {
        address: String,
        source: std::io::Error,
    },
    #[error("the service stopped: {0}")]
    Serve(String),
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    // Key generation happens on the signatory's machine and touches no store.
    if let Command::Key {
        command: KeyCommand::Generate { out },
    } = &cli.command
    {
        let public_key = crate::keys::generate(out)?;
        println!(
            "wrote the private key to {} (keep it on this machine)",
            out.display()
        );
        println!("public key {public_key}");
        return Ok(());
    }
    // An auditor verifies a bundle offline: no store is opened, so none can be trusted by mistake.
    if let Command::Audit {
        command:
            audit::AuditCommand::Verify {
                file,
                trusted_checkpoint,
                trusted_head,
            },
    } = &cli.command
    {
        return audit::verify(file, trusted_checkpoint.as_deref(), trusted_head.clone());
    }
    let database = Database::connect(&cli.store).await?;
    if let Command::Serve { listen, demo } = &cli.command {
        return serve::run(database, listen, *demo).await;
    }
    match &database {
        Database::Postgres(pool) => {
            let ledger = Ledger::new(postgres_es::PostgresEventRepository::new(pool.clone()));
            run_with(&ledger, &database, cli).await
        }
        Database::Sqlite(pool) => {
            let ledger = Ledger::new(sqlite_es::SqliteEventRepository::new(pool.clone()));
            run_with(&ledger, &database, cli).await
        }
    }
}

async fn run_with<R: PersistedEventRepository>(
    ledger: &Ledger<R>,
    database: &Database,
    cli: Cli,
) -> Result<(), CliError> {
    let context = CommandContext {
        command_id: cli.command_id.clone(),
    };
    let actor = || cli.actor.clone().ok_or(CliError::NoActor);
    let (negotiation, action) = match cli.command {
        Command::Open(args) => {
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
            let action = Action::OpenNegotiation {
                negotiation_id: args.negotiation.clone(),
                title: args.title,
                instrument_kind: args.kind,
                parties: args.parties,
                facilitator: args.facilitator,
                languages,
                language_responsibility,
                entry_into_force_rule: args.entry_into_force,
                termination_notice_months: args.termination_notice_months,
                provisional_application: args.provisional_application,
            };
            (args.negotiation, action)
        }
        Command::Accredit {
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
                name,
                party,
                role,
                signing,
            };
            (negotiation, action)
        }
        Command::Serve { listen, demo } => {
            return serve::run(database.clone(), &listen, demo).await;
        }
        Command::Key {
            command: KeyCommand::Generate { out },
        } => {
            let public_key = crate::keys::generate(&out)?;
            println!(
                "wrote the private key to {} (keep it on this machine)",
                out.display()
            );
            println!("public key {public_key}");
            return Ok(());
        }
        Command::Matrix { command } => match command {
            MatrixCommand::Create {
                negotiation,
                matrix,
                title,
            } => (
                negotiation,
                Action::CreateMatrix {
                    matrix_id: matrix,
                    title,
                },
            ),
            MatrixCommand::Row {
                negotiation,
                matrix,
                row,
                content_file,
                base,
            } => {
                let text = read_bounded(&content_file, MAX_COMMAND_FILE_BYTES)?;
                let content =
                    serde_json::from_str(&text).map_err(|source| CliError::MalformedCommand {
                        path: content_file.display().to_string(),
                        source,
                    })?;
                let action = Action::ProposeRow {
                    matrix_id: matrix,
                    row_id: row,
                    content,
                    base_row_hash: base,
                };
                (negotiation, action)
            }
            MatrixCommand::AgreeRow {
                negotiation,
                matrix,
                row,
                hash,
            } => (
                negotiation,
                Action::AgreeRow {
                    matrix_id: matrix,
                    row_id: row,
                    row_hash: hash,
                },
            ),
            MatrixCommand::Validate {
                negotiation,
                matrix,
                round,
            } => (
                negotiation,
                Action::ValidateMatrix {
                    matrix_id: matrix,
                    round_id: round,
                },
            ),
            MatrixCommand::Progress {
                negotiation,
                matrix,
                row,
                status,
                on,
                note,
            } => (
                negotiation,
                Action::ReportProgress {
                    matrix_id: matrix,
                    row_id: row,
                    progress: status,
                    reported_on: on,
                    note,
                },
            ),
            MatrixCommand::Show { negotiation, json } => {
                let matrices =
                    pacta_projections::action_matrices(&ledger.events(&negotiation).await?);
                if json {
                    println!("{}", to_json(&matrices));
                } else {
                    print_matrices(&matrices);
                }
                return Ok(());
            }
        },
        Command::Round { command } => match command {
            RoundCommand::Open {
                negotiation,
                round,
                kind,
                place,
                starts_on,
                ends_on,
            } => (
                negotiation,
                Action::OpenRound {
                    round_id: round,
                    kind,
                    place,
                    starts_on,
                    ends_on,
                },
            ),
            RoundCommand::Close { negotiation, round } => {
                (negotiation, Action::CloseRound { round_id: round })
            }
            RoundCommand::Minutes {
                negotiation,
                round,
                file,
                reference,
            } => {
                let minutes_hash = crate::keys::file_sha256(&file)?;
                let action = Action::RecordMinutes {
                    round_id: round,
                    minutes_hash,
                    reference,
                };
                (negotiation, action)
            }
            RoundCommand::AdoptMinutes {
                negotiation,
                round,
                hash,
            } => (
                negotiation,
                Action::AdoptMinutes {
                    round_id: round,
                    minutes_hash: hash,
                },
            ),
        },
        Command::Adopt { negotiation, root } => (
            negotiation,
            Action::AdoptText {
                text_root_hash: root,
            },
        ),
        Command::Initial { negotiation, root } => (
            negotiation,
            Action::InitialText {
                text_root_hash: root,
            },
        ),
        Command::Sign {
            negotiation,
            key,
            root,
            capacity,
            on,
        } => {
            let actor = actor()?;
            let events = ledger.events(&negotiation).await?;
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
            };
            (negotiation, action)
        }
        Command::Confirm { negotiation, on } => {
            (negotiation, Action::ConfirmSignature { confirmed_on: on })
        }
        Command::Consent {
            negotiation,
            mode,
            on,
        } => (negotiation, Action::ExpressConsent { mode, on }),
        Command::Abandon {
            negotiation,
            reason,
        } => (negotiation, Action::AbandonNegotiation { reason }),
        Command::Suspend {
            negotiation,
            from,
            reason,
        } => (negotiation, Action::SuspendOperation { from, reason }),
        Command::Resume { negotiation, from } => (negotiation, Action::ResumeOperation { from }),
        Command::ApplyProvisionally { negotiation, from } => {
            (negotiation, Action::ApplyProvisionally { from })
        }
        Command::Terminate {
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
        Command::Status {
            negotiation,
            json,
            on,
        } => {
            let state = match on {
                // Which text was in force on a date is a question about the past: fold the events.
                Some(on) => pacta_projections::agreement_state(
                    &negotiation,
                    &ledger.events(&negotiation).await?,
                    Some(on),
                ),
                None => stored(database, View::Agreement, &negotiation).await?,
            };
            if json {
                println!("{}", to_json(&state));
            } else {
                print_agreement_state(&state);
            }
            return Ok(());
        }
        Command::Propose {
            negotiation,
            clause,
            kind,
            wording,
        } => {
            let text = wording.text()?;
            let action = Action::ProposeClause {
                clause_id: clause,
                kind,
                heading: wording.heading,
                language: wording.language,
                text,
            };
            (negotiation, action)
        }
        Command::Amend {
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
        Command::Comment {
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
        Command::Agree {
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
        Command::Bracket {
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
        Command::Position {
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
        Command::Choose {
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
        Command::ConfirmAgreement {
            negotiation,
            clause,
        } => (
            negotiation,
            Action::ConfirmClauseAgreement { clause_id: clause },
        ),
        Command::Reopen {
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
        Command::Withdraw {
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
        Command::Revise {
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
        Command::Correct {
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
                heading: wording.heading,
                text,
                reason,
            };
            (negotiation, action)
        }
        Command::AgreeCorrection {
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
        Command::Translate {
            negotiation,
            clause,
            source,
            wording,
        } => {
            let text = wording.text()?;
            let action = Action::TranslateClause {
                clause_id: clause,
                language: wording.language,
                heading: wording.heading,
                text,
                source_text_hash: source,
            };
            (negotiation, action)
        }
        Command::Concordance {
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
        Command::Submit { negotiation, file } => {
            let command = read_command_file(&file)?;
            let events = ledger.execute(&negotiation, command, &context).await?;
            print_recorded(&events);
            projections::refresh_after_recording(database).await;
            return Ok(());
        }
        Command::History {
            negotiation,
            json,
            party,
            clause,
            round,
            since,
            until,
        } => {
            let filter = pacta_projections::TimelineFilter {
                party,
                clause,
                round,
                from_date: since,
                to_date: until,
            };
            return reads::history(database, &negotiation, filter, json).await;
        }
        Command::Redline {
            negotiation,
            from,
            to,
            format,
            json,
            out,
        } => {
            let format = match (format, json) {
                (Some(format), _) => format,
                (None, true) => reads::RedlineFormat::Json,
                (None, false) => reads::RedlineFormat::Text,
            };
            return reads::redline(ledger, &negotiation, &from, &to, format, out).await;
        }
        Command::ClauseHistory {
            negotiation,
            clause,
            json,
        } => return reads::clause_history(ledger, &negotiation, &clause, json).await,
        Command::List { json } => return reads::list(database, json).await,
        Command::Draft {
            negotiation,
            json,
            language,
            revision,
            at,
        } => {
            let view = match (revision, at) {
                (None, None) => stored(database, View::Draft, &negotiation).await?,
                (_, Some(at)) => {
                    reads::draft_at(&negotiation, &ledger.events(&negotiation).await?, &at)?
                }
                (Some(revision), None) => {
                    let events = ledger.events(&negotiation).await?;
                    pacta_projections::draft_of_revision(&negotiation, &events, revision).ok_or(
                        CliError::UnknownRevision {
                            negotiation: negotiation.clone(),
                            revision,
                        },
                    )?
                }
            };
            if let Some(language) = language.as_ref().filter(|l| !view.languages.contains(l)) {
                return Err(CliError::NotAuthenticLanguage {
                    language: language.clone(),
                    authentic: view.languages.join(", "),
                });
            }
            if json {
                println!("{}", to_json(&view));
            } else {
                print_draft(&view, language.as_deref());
            }
            return Ok(());
        }
        Command::Export(args) => return export::run(ledger, args).await,
        Command::Verify {
            negotiation,
            expect_head,
        } => return verify(ledger, database, negotiation, expect_head).await,
        Command::Demo => {
            crate::demo::run(ledger).await?;
            projections::refresh_after_recording(database).await;
            return Ok(());
        }
        Command::Projections { command } => return projections::run(database, command).await,
        Command::Bench(args) => return crate::bench::run(database, &cli.store, args).await,
        Command::Checkpoint { command } => {
            return journal::checkpoint(ledger, database, cli.actor.as_deref(), command).await
        }
        Command::Proof { command } => return journal::proof(database, command).await,
        Command::Audit { command } => return audit::export(database, command).await,
        Command::Token { command } => return tokens::run(database, command).await,
    };
    let command = NegotiationCommand {
        actor: actor()?,
        action,
    };
    let events = ledger.execute(&negotiation, command, &context).await?;
    print_recorded(&events);
    projections::refresh_after_recording(database).await;
    Ok(())
}

/// A negotiation's document in a stored view, once the views have caught up with the ledger.
async fn stored<T: serde::de::DeserializeOwned>(
    database: &Database,
    view: View,
    negotiation: &str,
) -> Result<T, CliError> {
    projections::catch_up(database).await?;
    crate::views::document(database, view, negotiation)
        .await?
        .ok_or_else(|| LedgerError::UnknownNegotiation(negotiation.to_string()).into())
}

impl WordingArgs {
    fn text(&self) -> Result<String, CliError> {
        match (&self.text, &self.text_file) {
            (Some(text), _) => Ok(text.clone()),
            (None, Some(path)) => read_bounded(path, MAX_TEXT_FILE_BYTES),
            (None, None) => unreachable!("clap requires --text or --text-file"),
        }
    }
}

/// Reads at most `max_bytes` of a UTF-8 file (`-` is stdin); a longer file is refused, not truncated.
fn read_bounded(path: &std::path::Path, max_bytes: u64) -> Result<String, CliError> {
    let display = path.display().to_string();
    let read_error = |source| CliError::ReadFile {
        path: display.clone(),
        source,
    };
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(read_error)?)
    };
    let mut bytes = Vec::new();
    reader
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > max_bytes {
        return Err(CliError::FileTooLarge {
            path: display,
            max_bytes,
        });
    }
    String::from_utf8(bytes)
        .map_err(|e| read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

fn read_command_file(path: &std::path::Path) -> Result<NegotiationCommand, CliError> {
    let text = read_bounded(path, MAX_COMMAND_FILE_BYTES)?;
    serde_json::from_str(&text).map_err(|source| CliError::MalformedCommand {
        path: path.display().to_string(),
        source,
    })
}

async fn verify<R: PersistedEventRepository>(
    ledger: &Ledger<R>,
    database: &Database,
    negotiation: Option<String>,
    expect_head: Option<(usize, String)>,
) -> Result<(), CliError> {
    let negotiations = match negotiation {
        Some(id) => vec![id],
        None => {
            database
                .aggregate_ids(<Negotiation as cqrs_es::Aggregate>::TYPE)
                .await?
        }
    };
    let mut events = 0;
    for id in &negotiations {
        let head = ledger.verify(id).await?;
        if head.sequence == 0 {
            return Err(LedgerError::UnknownNegotiation(id.clone()).into());
        }
        if let Some((sequence, hash)) = &expect_head {
            if (head.sequence, hex::encode(head.hash)) != (*sequence, hash.clone()) {
                return Err(CliError::HeadMismatch {
                    negotiation: id.clone(),
                    expected: format!("{sequence}:{hash}"),
                    found: format!("{}:{}", head.sequence, hex::encode(head.hash)),
                });
            }
        }
        println!(
            "{id}: {} events, chain intact, head {}:{}",
            head.sequence,
            head.sequence,
            hex::encode(head.hash)
        );
        events += head.sequence;
    }
    println!(
        "verified {} negotiation(s), {events} events on {}: every link intact",
        negotiations.len(),
        database.kind()
    );
    Ok(())
}

pub fn print_recorded(events: &[EventEnvelope<Negotiation>]) {
    for event in events {
        let hash = event
            .metadata
            .get(pacta_domain::metadata::HASH)
            .map_or("", String::as_str);
        println!(
            "recorded {} #{}: {} (hash {})",
            event.aggregate_id,
            event.sequence,
            pacta_projections::summary(&event.payload),
            hash
        );
        if let pacta_domain::NegotiationEvent::ClauseProposed { text_hash, .. }
        | pacta_domain::NegotiationEvent::ClauseAmended { text_hash, .. } = &event.payload
        {
            println!("text hash {text_hash}");
        }
    }
}

pub fn print_draft(view: &Draft, language: Option<&str>) {
    println!("{} ({})", view.title, view.negotiation_id);
    let parties: Vec<String> = view
        .parties
        .iter()
        .map(|p| format!("{} ({})", p.name, p.code))
        .collect();
    println!("Parties: {}", parties.join(" and "));
    println!("Authentic languages: {}", view.languages.join(", "));
    if view.revision > 0 {
        println!("Revision {}", view.revision);
    }
    println!("As of event #{}", view.as_of_sequence);
    for clause in &view.clauses {
        let agreed = if clause.agreed_by.is_empty() {
            String::new()
        } else {
            format!("; agreed by {}", clause.agreed_by.join(", "))
        };
        let shown = language.and_then(|l| clause.languages.iter().find(|v| v.language == l));
        let (heading, text) = match shown {
            Some(version) => (&version.heading, &version.text),
            None => (&clause.heading, &clause.text),
        };
        let heading = if heading.is_empty() {
            String::new()
        } else {
            format!(" — {heading}")
        };
        let versions: Vec<String> = clause
            .languages
            .iter()
            .map(|v| format!("{} {}", v.language, variant_name(&v.status)))
            .collect();
        println!();
        println!(
            "{}{heading}  [{}; proposed by {}{agreed}; {} {}]",
            clause.label,
            variant_name(&clause.status),
            clause.proposed_by,
            clause.clause_id,
            &clause.text_hash[..12],
        );
        println!("    ({})", versions.join(", "));
        if text.is_empty() {
            println!("    [no {} version yet]", language.unwrap_or_default());
        }
        for line in text.lines() {
            println!("    {line}");
        }
        for alternative in &clause.alternatives {
            println!(
                "    [{}] proposed by {} ({}):",
                alternative.label,
                alternative.proposed_by,
                &alternative.text_hash[..12]
            );
            for line in alternative.text.lines() {
                println!("        {line}");
            }
        }
        for stated in &clause.positions {
            let position = &stated.position;
            let because = if stated.rationale.is_empty() {
                String::new()
            } else {
                format!(" — {}", stated.rationale)
            };
            println!("    {}: {position}{because}", stated.party);
        }
    }
}

pub fn print_agreement_state(state: &pacta_projections::AgreementState) {
    println!("{} ({})", state.title, state.negotiation_id);
    println!(
        "Instrument: {}; status: {}",
        variant_name(&state.instrument_kind),
        status_line(&state.status)
    );
    if state.revision > 0 {
        println!(
            "Revision {}: {}",
            state.revision,
            status_line(&state.revision_status)
        );
    }
    println!("Text root: {}", state.text_root_hash);
    if state.revisions.len() > 1 {
        println!("Revisions:");
        for period in &state.revisions {
            let span = match (period.in_force_from, period.in_force_until) {
                (None, _) => "not in force".to_string(),
                (Some(from), None) => format!("in force from {from}"),
                (Some(from), Some(until)) => format!("in force from {from} until {until}"),
            };
            println!(
                "  revision {}: {span} [{}]",
                period.revision, period.text_root_hash
            );
        }
    }
    if let Some((date, text)) = &state.text_in_force_on {
        match text {
            Some(text) => println!(
                "In force on {date}: revision {} [{}]",
                text.revision, text.text_root_hash
            ),
            None => println!("In force on {date}: no text"),
        }
    }
    for (id, correction) in &state.corrections {
        let made = match &correction.superseded {
            Some(old) => format!("made; superseded root {}", old.text_root_hash),
            None if correction.agreed_by.is_empty() => "proposed".to_string(),
            None => format!(
                "proposed; agreed by {}",
                correction
                    .agreed_by
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        println!(
            "Correction {id} of {} ({}) [{}]: {made}",
            correction.clause_id, correction.language, correction.text_hash
        );
    }
    if let Some(rule) = &state.entry_into_force_rule {
        println!(
            "Entry into force: {}",
            serde_json::to_string(rule).unwrap_or_default()
        );
    }
    if let Some((party, from)) = &state.suspended {
        println!("Operation suspended by {party} from {from}");
    }
    if let Some(on) = state.terminates_on {
        println!("Termination notified: ends on {on}");
    }
    for party in &state.parties {
        let mut acts = Vec::new();
        if party.adopted {
            acts.push("adopted the current text".to_string());
        }
        if let Some(s) = &party.signature {
            let confirmed = s
                .confirmed_on
                .map(|d| format!(", confirmed {d}"))
                .unwrap_or_default();
            acts.push(format!(
                "signed {} by {} on {}{confirmed}",
                variant_name(&s.capacity),
                s.signatory,
                s.signed_on
            ));
        }
        if let Some(c) = &party.consent {
            acts.push(format!("{} on {}", variant_name(&c.mode), c.on));
        }
        if let Some(from) = party.provisionally_applied_from {
            acts.push(format!("applies it provisionally from {from}"));
        }
        let acts = if acts.is_empty() {
            "no act yet".to_string()
        } else {
            acts.join("; ")
        };
        println!("  {} ({}): {acts}", party.name, party.code);
    }
}

/// The `position` tag serde gives a tagged enum variant ("reserve").
fn print_matrices(matrices: &std::collections::BTreeMap<String, pacta_domain::Matrix>) {
    for (id, matrix) in matrices {
        let validated = matrix
            .validated_at
            .as_ref()
            .map_or("not validated".to_string(), |round| {
                format!("validated at {round}")
            });
        println!("{} — {} ({validated})", id, matrix.title);
        for row_id in &matrix.row_order {
            let row = &matrix.rows[row_id];
            let c = &row.content;
            let agreed: Vec<&str> = row.agreed_parties().collect();
            println!(
                "  {row_id}: {} — {} [{}: {}, {} to {}] {} {} → {} {}; {}; agreed by {}; row {}",
                c.objective,
                c.action,
                c.responsible_party,
                c.agency,
                c.starts_on,
                c.ends_on,
                c.indicator.name,
                c.indicator.baseline,
                c.indicator.target,
                c.indicator.unit,
                variant_name(&row.progress),
                if agreed.is_empty() {
                    "nobody".to_string()
                } else {
                    agreed.join(", ")
                },
                &row.row_hash[..12]
            );
        }
    }
}

pub(crate) fn status_line(status: &pacta_domain::InstrumentStatus) -> String {
    match status {
        pacta_domain::InstrumentStatus::InForce { on } => format!("in force from {on}"),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v["status"].as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("views serialise to JSON")
}
