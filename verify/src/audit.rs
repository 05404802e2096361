//! Audit bundles (docs/ledger-format.md §10): one negotiation's stored events with everything
//! needed to check them offline, and the verifier.
//!
//! Pure, like `chain.rs` and `journal.rs`: no I/O, no clock and no store. An auditor's tool can
//! run `verify` on any bundle it was handed, and the verifier trusts nothing in the bundle that it
//! can recompute: the chain is recomputed from the first event, every text root from replaying the
//! bundled events, the journal root from the events' leaves and one multiproof.
//!
//! A bundle is JSON lines: a header, then one line per event holding the exact bytes its chain
//! hash covers. So the verifier hashes each line's record as it stands, never re-serialising it,
//! and parses it once, straight into the domain's event for the replay. The header also carries
//! the text each draft signature binds, which the verifier hashes to the bound root on its own,
//! before the replay shows that the events produce that text.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use pacta_domain::{
    clause_text_hash, text_root_hash, ClauseKind, Negotiation, NegotiationEvent, Role, RootClause,
    RootText, SigningMessage,
};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::chain::{self, ChainProblem, Hash};
use crate::journal::{self, multiproof, CheckpointBody};
use crate::journal::{Cosignature, SignedCheckpoint};

/// The bundle format this build writes and reads. Version 1 was one JSON document with an
/// inclusion proof per event; version 2 had no `signed_texts`. Both are refused with a request to
/// export again.
pub const FORMAT_VERSION: u64 = 3;
/// Largest bundle file `pacta audit verify` reads: a negotiation of 100,000 events of about
/// 1.1 KB each, and its journal proof, fit well below it.
pub const MAX_BUNDLE_BYTES: u64 = 512 * 1024 * 1024;

/// The first line of a bundle: what the events are proved against, and the keys and signatures
/// to check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format_version: u64,
    pub negotiation_id: String,
    pub checkpoint: SignedCheckpoint,
    pub cosignatures: Vec<BundleCosignature>,
    #[serde(default)]
    pub consistency: Vec<ConsistencyFrom>,
    pub keys: Keys,
    pub signatures: Vec<DraftSignature>,
    /// The text each draft signature binds, once per (revision, root), in the order of first
    /// signature.
    pub signed_texts: Vec<SignedText>,
    /// The multiproof (`journal::multiproof`) of every event's leaf in the checkpoint: hex, left
    /// to right.
    pub journal_proof: Vec<String>,
}

/// One event line, `[leaf_index,"hash",record]`: the RFC 8785 form of that array, so `record` is
/// exactly the canonical record (§2) the chain hash covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleEvent<'a> {
    pub leaf_index: u64,
    /// The chain hash the ledger recorded for the event.
    pub hash: Hash,
    pub record: &'a str,
}

impl BundleEvent<'_> {
    /// The line as the exporter writes it (without its newline).
    pub fn line(leaf_index: u64, hash: &Hash, canonical_record: &[u8]) -> Vec<u8> {
        let mut line = Vec::with_capacity(canonical_record.len() + 96);
        line.extend_from_slice(format!("[{leaf_index},\"{}\",", hex::encode(hash)).as_bytes());
        line.extend_from_slice(canonical_record);
        line.push(b']');
        line
    }

    /// Reads a line of exactly the exporter's form; anything else is refused, because the record
    /// must be the very bytes that were hashed.
    fn parse(line: &str) -> Result<BundleEvent<'_>, &'static str> {
        const FORM: &str = "not an event line of the form [leaf_index,\"hash\",{record}]";
        let rest = line.strip_prefix('[').ok_or(FORM)?;
        let (index, rest) = rest.split_once(",\"").ok_or(FORM)?;
        let canonical_number = index == "0" || !index.starts_with('0');
        if index.is_empty() || !canonical_number || !index.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FORM);
        }
        let leaf_index = index.parse().map_err(|_| FORM)?;
        let (hash, rest) = rest.split_at_checked(64).ok_or(FORM)?;
        let hash = journal::parse_hash(hash).map_err(|_| FORM)?;
        let record = rest.strip_prefix("\",").ok_or(FORM)?;
        let record = record.strip_suffix(']').ok_or(FORM)?;
        if !record.starts_with('{') {
            return Err(FORM);
        }
        Ok(BundleEvent {
            leaf_index,
            hash,
            record,
        })
    }
}

/// A parsed bundle; the events borrow their records from the file's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle<'a> {
    pub header: Header,
    pub events: Vec<BundleEvent<'a>>,
}

impl Bundle<'_> {
    /// The bundle file: the header's compact JSON, then one line per event.
    pub fn write(header: &Header, event_lines: &[Vec<u8>]) -> Vec<u8> {
        let mut text = serde_json::to_vec(header).expect("invariant: the header is JSON");
        text.push(b'\n');
        for line in event_lines {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        text
    }
}

/// The fields of a record the verifier reads; the rest is covered by the hash.
#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    aggregate_id: Cow<'a, str>,
    sequence: usize,
    payload: NegotiationEvent,
    #[serde(default)]
    metadata: RecordDates,
}

/// The one metadata field the replay folds with the payload: the date the act took place.
#[derive(Default, Deserialize)]
struct RecordDates {
    #[serde(default)]
    took_place_on: Option<String>,
}

/// The same fields when the payload is not an event, to name the event in the finding.
#[derive(Deserialize)]
struct RecordPlace {
    sequence: usize,
}

/// A consistency proof from an older checkpoint (of `old_size` leaves) to the bundle's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsistencyFrom {
    pub old_size: u64,
    pub proof: Vec<String>,
}

/// A party's public key as the bundle states it; the verifier checks it against the
/// accreditation recorded in the bundled events where that negotiation accredits the person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyKey {
    pub party: String,
    pub person: String,
    pub public_key: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keys {
    pub ledger: String,
    pub cosigners: Vec<PartyKey>,
    pub signatories: Vec<PartyKey>,
}

/// One draft signature (an `InstrumentSigned` event) with the message it signs, stated for the
/// reader; the verifier rebuilds the message from the events, never from this copy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftSignature {
    pub sequence: usize,
    pub public_key: String,
    pub signature: String,
    pub text_root_hash: String,
    /// The signing message's fields (`pacta_domain::SigningMessage`), as signed.
    pub message: serde_json::Value,
}

/// A text as draft signatures bind it: every clause its root covers, in document order, each
/// language version in full. An auditor hashes it (§3, §4) to the root with no replay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedText {
    pub revision: u32,
    /// The root the signatures name; the clauses must hash to it.
    pub text_root_hash: String,
    pub clauses: Vec<SignedClause>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedClause {
    pub clause_id: String,
    pub kind: ClauseKind,
    /// Each language version the root covers, by its BCP 47 tag.
    pub versions: BTreeMap<String, SignedWording>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedWording {
    pub heading: String,
    pub text: String,
}

impl SignedText {
    /// The text the domain's root was computed from (`Negotiation::root_texts`), as the bundle
    /// states it.
    pub fn of(revision: u32, text_root_hash: &str, clauses: &[RootText]) -> SignedText {
        let clauses = clauses
            .iter()
            .map(|clause| SignedClause {
                clause_id: clause.clause_id.to_string(),
                kind: clause.kind,
                versions: clause
                    .versions
                    .iter()
                    .map(|(language, wording)| {
                        let wording = SignedWording {
                            heading: wording.heading.to_string(),
                            text: wording.text.to_string(),
                        };
                        (language.to_string(), wording)
                    })
                    .collect(),
            })
            .collect();
        SignedText {
            revision,
            text_root_hash: text_root_hash.to_string(),
            clauses,
        }
    }

    /// The root of these words alone: each version's text hash (§3), then the text root (§4).
    pub fn root(&self, negotiation_id: &str) -> String {
        let clauses: Vec<RootClause> = self
            .clauses
            .iter()
            .map(|clause| RootClause {
                clause_id: clause.clause_id.clone(),
                kind: clause.kind,
                versions: clause
                    .versions
                    .iter()
                    .map(|(language, w)| {
                        let hash = clause_text_hash(&w.heading, language, &w.text);
                        (language.clone(), hash)
                    })
                    .collect(),
            })
            .collect();
        text_root_hash(negotiation_id, self.revision, &clauses)
    }

    fn binds(&self, revision: u32, root: &str) -> bool {
        self.revision == revision && self.text_root_hash == root
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleCosignature {
    pub party: String,
    pub person: String,
    pub public_key: String,
    pub signature: String,
    pub signed_at: i64,
}

impl From<&Cosignature> for BundleCosignature {
    fn from(c: &Cosignature) -> Self {
        BundleCosignature {
            party: c.party.clone(),
            person: c.person.clone(),
            public_key: c.public_key.clone(),
            signature: c.signature.clone(),
            signed_at: c.signed_at,
        }
    }
}

/// The checkpoint an auditor kept, as `pacta checkpoint show SIZE --json` prints it: only its
/// "checkpoint" object is read, and its ledger signature is checked before it is relied on.
#[derive(Clone, Debug, Deserialize)]
pub struct TrustedCheckpoint {
    pub checkpoint: SignedCheckpoint,
}

/// A negotiation's head an auditor kept (`pacta verify NEG` prints it): the bundle must reach
/// it, with the same hash. A chain and a checkpoint alone cannot show that events were cut from
/// the end of a bundle; only something the auditor kept from before can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedHead {
    pub sequence: usize,
    /// Lower-case hex of the event's chain hash.
    pub hash: String,
}

/// What a finding is about: the place the verifier names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    Bundle,
    /// An event, by its sequence in the negotiation.
    Event(usize),
    Checkpoint,
    /// The multiproof of the events' leaves in the checkpoint.
    JournalProof,
    Cosignature(String),
    /// The draft signature recorded at this sequence.
    Signature(usize),
    /// An entry of the header's `signed_texts`.
    SignedText {
        revision: u32,
        text_root_hash: String,
    },
    TrustedCheckpoint,
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Bundle => write!(f, "bundle"),
            Subject::Event(sequence) => write!(f, "event {sequence}"),
            Subject::Checkpoint => write!(f, "checkpoint"),
            Subject::JournalProof => write!(f, "journal proof"),
            Subject::Cosignature(party) => write!(f, "co-signature of {party}"),
            Subject::Signature(sequence) => write!(f, "signature at event {sequence}"),
            Subject::SignedText {
                revision,
                text_root_hash,
            } => write!(
                f,
                "signed text of revision {revision} with root {text_root_hash}"
            ),
            Subject::TrustedCheckpoint => write!(f, "trusted checkpoint"),
        }
    }
}

/// One reason the bundle does not verify; printed as one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub subject: Subject,
    pub problem: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.subject, self.problem)
    }
}

/// What a clean bundle was verified to hold.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Report {
    pub events: usize,
    /// Events whose leaves the journal proof places in the checkpoint.
    pub proven_events: usize,
    pub journal_proof_hashes: usize,
    pub cosignatures: usize,
    pub draft_signatures: usize,
    /// Signed texts whose words hash to the root their signatures bind.
    pub signed_texts: usize,
    /// The trusted checkpoint's size, when one was given and the bundle extends it.
    pub consistent_with: Option<u64>,
    pub tree_size: u64,
}

struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, subject: Subject, problem: impl Into<String>) {
        self.0.push(Finding {
            subject,
            problem: problem.into(),
        });
    }
}

fn hashes(hexes: &[String]) -> Result<Vec<Hash>, String> {
    hexes
        .iter()
        .map(|h| journal::parse_hash(h).map_err(|e| e.to_string()))
        .collect()
}

fn body_of(checkpoint: &SignedCheckpoint) -> Result<CheckpointBody, String> {
    checkpoint.body().map_err(|e| e.to_string())
}

/// What the replay keeps of an `InstrumentSigned`: the event, and the text root and signing key
/// as they stood before it.
struct SignedDraft {
    sequence: usize,
    event: NegotiationEvent,
    text_root_hash: String,
    key: Option<String>,
}

/// Checks everything the bundle states; returns what was verified, or every finding.
pub fn verify(
    bundle: &Bundle,
    trusted: Option<&TrustedCheckpoint>,
    trusted_head: Option<&TrustedHead>,
) -> Result<Report, Vec<Finding>> {
    let header = &bundle.header;
    let mut findings = Findings(Vec::new());
    let mut report = Report {
        tree_size: header.checkpoint.tree_size,
        ..Report::default()
    };
    if header.format_version != FORMAT_VERSION {
        findings.add(
            Subject::Bundle,
            format!(
                "format version {} is not {FORMAT_VERSION}, the one this verifier reads",
                header.format_version
            ),
        );
        return Err(findings.0);
    }
    if bundle.events.is_empty() {
        findings.add(Subject::Bundle, "it holds no event");
    }

    // 1. One pass over the events: every chain link, recomputed from the record's bytes; the
    //    sequence and leaf order; and the replay that gives the accreditations and text roots.
    let replay = replay_events(bundle, &mut findings);
    report.events = replay.verified_events;
    if let Some(head) = trusted_head {
        check_head(&replay.heads, head, &mut findings);
    }

    // 2. The checkpoint's ledger signature, under the ledger key the bundle names.
    let checkpoint = &header.checkpoint;
    let body = match body_of(checkpoint) {
        Ok(body) => Some(body),
        Err(e) => {
            findings.add(Subject::Checkpoint, e);
            None
        }
    };
    if checkpoint.ledger_public_key != header.keys.ledger {
        findings.add(
            Subject::Checkpoint,
            format!(
                "it names key {}, not the ledger's key {}",
                checkpoint.ledger_public_key, header.keys.ledger
            ),
        );
    }
    if let Some(body) = &body {
        if let Err(e) =
            journal::verify_signature(&header.keys.ledger, &body.body(), &checkpoint.signature)
        {
            findings.add(
                Subject::Checkpoint,
                format!("its ledger signature: {e} (the ledger's key)"),
            );
        }
    }

    // 3. The events' leaves, with the one journal proof, give the checkpoint's root.
    if let Some(body) = &body {
        match check_journal_proof(bundle, body) {
            Ok(hashes) => {
                report.proven_events = bundle.events.len();
                report.journal_proof_hashes = hashes;
            }
            Err(problem) => findings.add(Subject::JournalProof, problem),
        }
    }

    // 4. Co-signatures: each counts only when the bundled events accredit its co-signer as that
    //    party's signatory with the key it names, and it verifies under that key.
    let state = &replay.state;
    for cosignature in &header.cosignatures {
        let subject = Subject::Cosignature(cosignature.party.clone());
        let accredited = accredits_cosigner(state, cosignature);
        if !accredited {
            findings.add(
                subject.clone(),
                format!(
                    "{person} is not accredited as {party}'s signatory with key {key}",
                    person = cosignature.person,
                    party = cosignature.party,
                    key = cosignature.public_key
                ),
            );
        }
        let Some(body) = &body else { continue };
        match journal::verify_signature(
            &cosignature.public_key,
            &body.cosignature_message(cosignature.signed_at),
            &cosignature.signature,
        ) {
            Ok(()) if accredited => report.cosignatures += 1,
            Ok(()) => {}
            Err(e) => findings.add(subject, e.to_string()),
        }
    }

    // 5. Signed texts: each hashes, from its own words, to the root it names; each signature's
    //    (revision, root) has its text, and each text is bound by a signature.
    report.signed_texts = check_signed_texts(header, &replay.bindings, &mut findings);

    // 6. Draft signatures: each must bind the text root recomputed from the events before it,
    //    and verify on the message rebuilt from the event, under the key accredited then.
    for signed in &replay.signed {
        match check_draft_signature(&header.negotiation_id, signed) {
            Ok(()) => report.draft_signatures += 1,
            Err(problem) => findings.add(Subject::Signature(signed.sequence), problem),
        }
    }

    // 7. The checkpoint the auditor kept: signed by the same ledger key, and a prefix of the
    //    bundle's (or the same checkpoint).
    if let Some(trusted) = trusted {
        check_trusted(
            header,
            body.as_ref(),
            &trusted.checkpoint,
            &mut findings,
            &mut report,
        );
    }

    if findings.0.is_empty() {
        Ok(report)
    } else {
        Err(findings.0)
    }
}

/// What one pass over the events established.
struct Replay {
    /// Events whose link verified before the first broken one.
    verified_events: usize,
    /// (sequence, recorded hash) of each event, for the auditor's kept head.
    heads: Vec<(usize, Hash)>,
    /// The negotiation after the last event that could be replayed.
    state: Negotiation,
    signed: Vec<SignedDraft>,
    /// What every `InstrumentSigned` record binds, replayed or not.
    bindings: Vec<Binding>,
}

/// The (revision, text root) an `InstrumentSigned` at `sequence` binds.
struct Binding {
    sequence: usize,
    revision: u32,
    text_root_hash: String,
}

fn replay_events(bundle: &Bundle, findings: &mut Findings) -> Replay {
    let id = bundle.header.negotiation_id.as_str();
    let mut replay = Replay {
        verified_events: 0,
        heads: Vec::with_capacity(bundle.events.len()),
        state: Negotiation::default(),
        signed: Vec::new(),
        bindings: Vec::new(),
    };
    let mut previous_hash = chain::GENESIS_HASH;
    let mut previous_leaf: Option<u64> = None;
    let (mut chain_intact, mut replaying) = (true, true);
    for (position, event) in bundle.events.iter().enumerate() {
        let expected = position + 1;
        let record = match serde_json::from_str::<Record>(event.record) {
            Ok(record) => Some(record),
            Err(e) => {
                let place = serde_json::from_str::<RecordPlace>(event.record).ok();
                let subject = Subject::Event(place.as_ref().map_or(expected, |p| p.sequence));
                findings.add(
                    subject,
                    format!("its record is not a negotiation event's: {e}"),
                );
                replaying = false;
                None
            }
        };
        let sequence = record.as_ref().map_or(expected, |r| r.sequence);
        let subject = Subject::Event(sequence);
        if let Some(record) = &record {
            if record.aggregate_id != id {
                findings.add(
                    subject.clone(),
                    format!(
                        "it belongs to negotiation '{}', not '{id}'",
                        record.aggregate_id
                    ),
                );
                chain_intact = false;
            }
        }
        if chain_intact {
            let computed = chain::link_hash(&previous_hash, event.record.as_bytes());
            // A gap is named where the missing event should be, as `pacta verify` names it.
            let problem = if sequence != expected {
                Some((expected, ChainProblem::SequenceGap { expected }))
            } else if computed != event.hash {
                let altered = ChainProblem::ContentAltered {
                    stored: hex::encode(event.hash),
                    computed: hex::encode(computed),
                };
                Some((sequence, altered))
            } else {
                None
            };
            match problem {
                // Links after a broken one prove nothing about the history: stop there.
                Some((at, problem)) => {
                    findings.add(Subject::Event(at), problem.to_string());
                    chain_intact = false;
                }
                None => replay.verified_events = expected,
            }
        }
        previous_hash = event.hash;
        replay.heads.push((sequence, event.hash));
        if previous_leaf.is_some_and(|p| event.leaf_index <= p) {
            findings.add(
                subject.clone(),
                format!(
                    "its leaf index {} does not follow the previous event's",
                    event.leaf_index
                ),
            );
        }
        previous_leaf = Some(event.leaf_index);
        if let Some(NegotiationEvent::InstrumentSigned {
            revision,
            text_root_hash,
            ..
        }) = record.as_ref().map(|r| &r.payload)
        {
            replay.bindings.push(Binding {
                sequence,
                revision: *revision,
                text_root_hash: text_root_hash.clone(),
            });
        }
        if let (true, Some(record)) = (replaying, record) {
            let took_place_on = record.metadata.took_place_on;
            replaying = replay_one(
                &mut replay,
                sequence,
                record.payload,
                took_place_on,
                findings,
            );
        }
    }
    replay
}

/// Applies one event; false (with a finding) when it cannot follow the events before it.
fn replay_one(
    replay: &mut Replay,
    sequence: usize,
    event: NegotiationEvent,
    took_place_on: Option<String>,
    findings: &mut Findings,
) -> bool {
    if let NegotiationEvent::InstrumentSigned { signatory, .. } = &event {
        replay.signed.push(SignedDraft {
            sequence,
            key: signing_key(&replay.state, signatory),
            text_root_hash: replay.state.text_root_hash(),
            event: event.clone(),
        });
    }
    // A doctored bundle can hold a history no negotiation could have: the checked fold names
    // what is missing. A state left half-applied is never read for a verdict: the replay stops
    // at the first such event.
    let took_place_on = pacta_domain::stated_date(took_place_on.as_deref());
    match replay.state.apply_recorded(event, took_place_on) {
        Ok(()) => true,
        Err(reason) => {
            findings.add(
                Subject::Event(sequence),
                format!("it cannot follow the events before it in a negotiation: {reason}"),
            );
            false
        }
    }
}

/// True when `state` (a negotiation replayed up to the checkpoint) accredits the co-signer as
/// the co-signature's party's signatory, with the key the co-signature names (§10 rule 4).
pub fn accredits_cosigner(state: &Negotiation, cosignature: &BundleCosignature) -> bool {
    state.delegate(&cosignature.person).is_some_and(|d| {
        d.party == cosignature.party
            && d.role == Role::Signatory
            && d.signing
                .as_ref()
                .is_some_and(|s| s.public_key == cosignature.public_key)
    })
}

/// The public key `person` is accredited to sign with in `state`, if any.
pub fn signing_key(state: &Negotiation, person: &str) -> Option<String> {
    state
        .delegate(person)
        .and_then(|d| d.signing.as_ref())
        .map(|s| s.public_key.clone())
}

/// Rule 5: returns how many signed texts hash to the root they name and are bound by a signature.
fn check_signed_texts(header: &Header, bindings: &[Binding], findings: &mut Findings) -> usize {
    let mut verified = 0;
    for (position, text) in header.signed_texts.iter().enumerate() {
        let subject = Subject::SignedText {
            revision: text.revision,
            text_root_hash: text.text_root_hash.clone(),
        };
        let earlier = &header.signed_texts[..position];
        if earlier
            .iter()
            .any(|e| e.binds(text.revision, &text.text_root_hash))
        {
            findings.add(subject, "it is listed twice in signed_texts");
            continue;
        }
        let root = text.root(&header.negotiation_id);
        let hashes_to_its_root = root == text.text_root_hash;
        if !hashes_to_its_root {
            findings.add(
                subject.clone(),
                format!(
                    "its clauses hash to root {root}, not the root it names: these are not the words signed"
                ),
            );
        }
        let bound = bindings
            .iter()
            .any(|b| text.binds(b.revision, &b.text_root_hash));
        if !bound {
            findings.add(subject, "no InstrumentSigned of the bundle binds it");
        }
        if hashes_to_its_root && bound {
            verified += 1;
        }
    }
    for binding in bindings {
        let listed = header
            .signed_texts
            .iter()
            .any(|t| t.binds(binding.revision, &binding.text_root_hash));
        if !listed {
            findings.add(
                Subject::Signature(binding.sequence),
                format!(
                    "signed_texts holds no text of revision {} with root {}, the text it binds",
                    binding.revision, binding.text_root_hash
                ),
            );
        }
    }
    verified
}

fn check_draft_signature(negotiation_id: &str, signed: &SignedDraft) -> Result<(), String> {
    let Some((message, signature)) = SigningMessage::of_recorded(negotiation_id, &signed.event)
    else {
        unreachable!("only InstrumentSigned events are kept as signed drafts")
    };
    let (bound, recomputed) = (&message.text_root_hash, &signed.text_root_hash);
    if recomputed != bound {
        return Err(format!(
            "it binds text root {bound}, but the text before it has root {recomputed}"
        ));
    }
    let Some(key) = &signed.key else {
        return Err(format!(
            "{} is not accredited with a signing key before it",
            message.signatory
        ));
    };
    pacta_domain::verify_signature(key, signature, &message).map_err(|e| format!("{e} (key {key})"))
}

/// The root from the events' leaves and the bundle's journal proof must be the checkpoint's;
/// returns how many hashes the proof held.
fn check_journal_proof(bundle: &Bundle, body: &CheckpointBody) -> Result<usize, String> {
    let proof = hashes(&bundle.header.journal_proof)?;
    let leaves: Vec<(u64, Hash)> = bundle
        .events
        .iter()
        .map(|e| (e.leaf_index, e.hash))
        .collect();
    let root = multiproof::root_from(body.tree_size, &leaves, &proof).map_err(|e| {
        format!(
            "the {} events' leaves are not proved in checkpoint {}: {e}",
            leaves.len(),
            body.tree_size
        )
    })?;
    if root != body.root {
        return Err(format!(
            "the {} events' leaves and the proof give root {}, not checkpoint {}'s root {}: an event or its leaf index was changed",
            leaves.len(),
            hex::encode(root),
            body.tree_size,
            hex::encode(body.root)
        ));
    }
    Ok(proof.len())
}

/// The bundle must hold the kept head's event, with the kept hash.
fn check_head(heads: &[(usize, Hash)], head: &TrustedHead, findings: &mut Findings) {
    match heads.iter().find(|(sequence, _)| *sequence == head.sequence) {
        None => findings.add(
            Subject::Bundle,
            format!(
                "it ends at event {}, before the head you kept (event {}): events were cut from its end",
                heads.last().map_or(0, |(sequence, _)| *sequence),
                head.sequence
            ),
        ),
        Some((_, hash)) => {
            let hash = hex::encode(hash);
            if hash != head.hash {
                findings.add(
                    Subject::Event(head.sequence),
                    format!(
                        "its hash is {hash}, not {} as you kept it: the history was rewritten",
                        head.hash
                    ),
                );
            }
        }
    }
}

fn check_trusted(
    bundle: &Header,
    body: Option<&CheckpointBody>,
    trusted: &SignedCheckpoint,
    findings: &mut Findings,
    report: &mut Report,
) {
    let subject = Subject::TrustedCheckpoint;
    let trusted_body = match body_of(trusted) {
        Ok(b) => b,
        Err(e) => return findings.add(subject, e),
    };
    if let Err(e) = journal::verify_signature(
        &trusted.ledger_public_key,
        &trusted_body.body(),
        &trusted.signature,
    ) {
        return findings.add(subject, format!("its own ledger signature: {e}"));
    }
    if trusted.ledger_public_key != bundle.keys.ledger
        || trusted.ledger_id != bundle.checkpoint.ledger_id
    {
        return findings.add(
            subject,
            format!(
                "it is signed by ledger key {}, the bundle by {}: not the same ledger",
                trusted.ledger_public_key, bundle.keys.ledger
            ),
        );
    }
    let Some(body) = body else { return };
    if trusted.tree_size > body.tree_size {
        return findings.add(
            subject,
            format!(
                "it covers {} leaves but the bundle's checkpoint only {}: the ledger was rolled back or the bundle predates it",
                trusted.tree_size, body.tree_size
            ),
        );
    }
    if trusted.tree_size == body.tree_size {
        if trusted_body.root != body.root {
            return findings.add(
                subject,
                format!(
                    "it has root {} for {} leaves, the bundle's checkpoint {}: the journal was rewritten",
                    trusted.root_hash, trusted.tree_size, bundle.checkpoint.root_hash
                ),
            );
        }
        report.consistent_with = Some(trusted.tree_size);
        return;
    }
    let Some(from) = bundle
        .consistency
        .iter()
        .find(|c| c.old_size == trusted.tree_size)
    else {
        return findings.add(
            subject,
            format!(
                "the bundle has no consistency proof from size {} (export it with --consistent-with {})",
                trusted.tree_size, trusted.tree_size
            ),
        );
    };
    let checked = hashes(&from.proof).and_then(|proof| {
        journal::verify_consistency(
            &trusted_body.root,
            trusted.tree_size,
            &body.root,
            body.tree_size,
            &proof,
        )
        .map_err(|e| e.to_string())
    });
    match checked {
        Ok(()) => report.consistent_with = Some(trusted.tree_size),
        Err(e) => findings.add(
            subject,
            format!(
                "checkpoint {} is not a prefix of the bundle's checkpoint {}: {e}",
                trusted.tree_size, body.tree_size
            ),
        ),
    }
}

/// Why a file is not an audit bundle this verifier reads; each is one line.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("not an audit bundle: its first line is not a JSON header: {0}")]
    NoHeader(serde_json::Error),
    #[error("not an audit bundle: it has no format_version")]
    NoVersion,
    #[error("audit bundle format version {found} is not {FORMAT_VERSION}, the one this verifier reads: export it again with this pacta")]
    OtherVersion { found: u64 },
    #[error("a malformed audit bundle header: {0}")]
    MalformedHeader(serde_json::Error),
    #[error("a malformed audit bundle: line {line} holds a carriage return; its lines must end in a line feed alone")]
    CarriageReturn { line: usize },
    #[error("a truncated audit bundle: its last line does not end in a line feed")]
    NoFinalNewline,
    #[error("a malformed audit bundle header: the key {path} appears twice in one object, so readers could take either value")]
    RepeatedKey { path: String },
    #[error("line {line}: {problem}")]
    MalformedLine { line: usize, problem: &'static str },
}

/// Parses a bundle, refusing in one line a file that is not one, is of another version, or is
/// not spelt exactly as the exporter writes it: lines end in a line feed alone, the last one
/// too, and no object of the header names a key twice (`serde_json` would keep the last, another
/// reader the first). The events' records are parsed only by `verify`: a record that is not an
/// event is a finding there.
pub fn parse_bundle(text: &str) -> Result<Bundle<'_>, BundleError> {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let header: serde_json::Value = match serde_json::from_str(first) {
        Ok(header) => header,
        // Version 1 was one pretty-printed document: read it whole to name its version.
        Err(e) => serde_json::from_str(text).map_err(|_| BundleError::NoHeader(e))?,
    };
    match header
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
    {
        Some(FORMAT_VERSION) => {}
        Some(found) => return Err(BundleError::OtherVersion { found }),
        None => return Err(BundleError::NoVersion),
    }
    if let Some(at) = text.find('\r') {
        let line = text[..at].matches('\n').count() + 1;
        return Err(BundleError::CarriageReturn { line });
    }
    if !text.ends_with('\n') {
        return Err(BundleError::NoFinalNewline);
    }
    if let Some(path) = repeated_key(first).map_err(BundleError::NoHeader)? {
        return Err(BundleError::RepeatedKey { path });
    }
    let header: Header = serde_json::from_value(header).map_err(BundleError::MalformedHeader)?;
    let events = rest
        .lines()
        .enumerate()
        .map(|(i, line)| {
            BundleEvent::parse(line).map_err(|problem| BundleError::MalformedLine {
                line: i + 2,
                problem,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Bundle { header, events })
}

/// The path (`checkpoint.tree_size`, `signed_texts[0].clauses[1].versions.fr`) of the first key
/// that an object of `json` names twice, if any.
fn repeated_key(json: &str) -> Result<Option<String>, serde_json::Error> {
    RepeatedKey { path: "" }.deserialize(&mut serde_json::Deserializer::from_str(json))
}

/// Walks a JSON value, remembering each object's keys: `serde_json::Value` keeps only the last
/// of two equal keys, so a repetition must be seen while parsing. (serde_json has no option for
/// it, and the crates that wrap it for this are young single-author ones; this is a few lines.)
struct RepeatedKey<'p> {
    path: &'p str,
}

impl<'de> DeserializeSeed<'de> for RepeatedKey<'_> {
    type Value = Option<String>;

    fn deserialize<D: serde::Deserializer<'de>>(self, json: D) -> Result<Self::Value, D::Error> {
        json.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RepeatedKey<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let mut repeated = None;
        let mut index = 0usize;
        loop {
            let path = format!("{}[{index}]", self.path);
            match items.next_element_seed(RepeatedKey { path: &path })? {
                None => return Ok(repeated),
                Some(inner) => repeated = repeated.or(inner),
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let mut keys = HashSet::new();
        let mut repeated = None;
        while let Some(key) = entries.next_key::<String>()? {
            let path = match self.path {
                "" => key.clone(),
                outer => format!("{outer}.{key}"),
            };
            let inner = entries.next_value_seed(RepeatedKey { path: &path })?;
            if !keys.insert(key) {
                repeated = repeated.or(Some(path));
            }
            repeated = repeated.or(inner);
        }
        Ok(repeated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of the `text-root` vector of docs/ledger-format.md §7, and its root.
    const VECTOR_NEGOTIATION: &str = "civ-mar-higher-ed";
    const VECTOR_ROOT: &str = "44f99b6ed608554018cee2b18784f206a4ebb67ccdde09b6aa2338e73670b7a6";

    fn vector_text() -> SignedText {
        let wording = |heading: &str, text: &str| SignedWording {
            heading: heading.into(),
            text: text.into(),
        };
        SignedText {
            revision: 0,
            text_root_hash: VECTOR_ROOT.into(),
            clauses: vec![SignedClause {
                clause_id: "art-1".into(),
                kind: ClauseKind::Article,
                versions: BTreeMap::from([
                    (
                        "fr".to_string(),
                        wording(
                            "Mobilité",
                            "Les Parties encouragent la mobilité des étudiants et des enseignants.",
                        ),
                    ),
                    (
                        "ar".to_string(),
                        wording("التنقل", "يشجع الطرفان تنقل الطلاب والأساتذة."),
                    ),
                ]),
            }],
        }
    }

    /// A header holding `signed_texts`; only they are read by rule 5.
    fn header(signed_texts: Vec<SignedText>) -> Header {
        Header {
            format_version: FORMAT_VERSION,
            negotiation_id: VECTOR_NEGOTIATION.into(),
            checkpoint: SignedCheckpoint {
                tree_size: 1,
                root_hash: "00".repeat(32),
                created_at: 0,
                ledger_id: "ledger".into(),
                ledger_public_key: "00".repeat(32),
                signature: "00".repeat(64),
            },
            cosignatures: vec![],
            consistency: vec![],
            keys: Keys {
                ledger: "00".repeat(32),
                cosigners: vec![],
                signatories: vec![],
            },
            signatures: vec![],
            signed_texts,
            journal_proof: vec![],
        }
    }

    /// A signature at event 12 of the vector's text.
    fn binding() -> Binding {
        Binding {
            sequence: 12,
            revision: 0,
            text_root_hash: VECTOR_ROOT.into(),
        }
    }

    fn signed_text_findings(header: &Header, bindings: &[Binding]) -> (usize, Vec<String>) {
        let mut findings = Findings(Vec::new());
        let verified = check_signed_texts(header, bindings, &mut findings);
        (
            verified,
            findings.0.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn a_signed_text_hashes_from_its_words_to_the_documents_root_vector() {
        assert_eq!(vector_text().root(VECTOR_NEGOTIATION), VECTOR_ROOT);
        let (verified, findings) = signed_text_findings(&header(vec![vector_text()]), &[binding()]);
        assert_eq!((verified, findings), (1, vec![]));
    }

    #[test]
    fn a_word_changed_in_a_signed_text_is_named() {
        let mut changed = vector_text();
        let fr = changed.clauses[0].versions.get_mut("fr").unwrap();
        fr.text = fr.text.replace("encouragent", "découragent");
        let (verified, findings) = signed_text_findings(&header(vec![changed]), &[binding()]);
        assert_eq!(verified, 0);
        assert_eq!(findings.len(), 1, "{findings:?}");
        let named =
            format!("signed text of revision 0 with root {VECTOR_ROOT}: its clauses hash to root");
        assert!(findings[0].starts_with(&named), "{findings:?}");
        assert!(findings[0].ends_with("these are not the words signed"));
    }

    #[test]
    fn a_language_or_clause_dropped_from_a_signed_text_is_named() {
        let mut dropped_language = vector_text();
        dropped_language.clauses[0].versions.remove("ar");
        let mut dropped_clause = vector_text();
        dropped_clause.clauses.clear();
        for text in [dropped_language, dropped_clause] {
            let (_, findings) = signed_text_findings(&header(vec![text]), &[binding()]);
            assert!(findings[0].contains("not the words signed"), "{findings:?}");
        }
    }

    #[test]
    fn a_signature_whose_text_was_removed_is_named() {
        let (verified, findings) = signed_text_findings(&header(vec![]), &[binding()]);
        assert_eq!(verified, 0);
        assert_eq!(
            findings,
            [format!(
                "signature at event 12: signed_texts holds no text of revision 0 with root {VECTOR_ROOT}, the text it binds"
            )]
        );
        // The same text listed for another revision is not the text signed.
        let mut other_revision = vector_text();
        other_revision.revision = 1;
        let (_, findings) = signed_text_findings(&header(vec![other_revision]), &[binding()]);
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("signature at event 12: signed_texts holds no text")),
            "{findings:?}"
        );
    }

    #[test]
    fn a_signed_text_no_signature_binds_or_listed_twice_is_named() {
        let (_, findings) = signed_text_findings(&header(vec![vector_text()]), &[]);
        assert_eq!(
            findings,
            [format!(
                "signed text of revision 0 with root {VECTOR_ROOT}: no InstrumentSigned of the bundle binds it"
            )]
        );
        let twice = header(vec![vector_text(), vector_text()]);
        let (verified, findings) = signed_text_findings(&twice, &[binding()]);
        assert_eq!(verified, 1);
        assert_eq!(
            findings,
            [format!(
                "signed text of revision 0 with root {VECTOR_ROOT}: it is listed twice in signed_texts"
            )]
        );
    }

    #[test]
    fn a_signed_text_is_read_strictly() {
        let line = serde_json::to_string(&vector_text()).unwrap();
        let extra = line.replacen("{\"revision\"", "{\"note\":\"x\",\"revision\"", 1);
        assert!(serde_json::from_str::<SignedText>(&extra)
            .unwrap_err()
            .to_string()
            .contains("unknown field `note`"));
        let bad_kind = line.replace("\"article\"", "\"paragraph\"");
        assert!(serde_json::from_str::<SignedText>(&bad_kind).is_err());
    }

    fn refusal(text: &str) -> BundleError {
        parse_bundle(text).expect_err("refused")
    }

    const HEADER: &str = "{\"format_version\":3}";

    #[test]
    fn a_carriage_return_anywhere_is_refused_naming_its_line() {
        for (text, line) in [
            (format!("{HEADER}\r\n"), 1),
            (format!("{HEADER}\n[0,\"00\",{{}}]\r\n"), 2),
            (format!("{HEADER}\n[0,\"0\r0\",{{}}]\n"), 2),
        ] {
            let refused = refusal(&text);
            assert!(
                matches!(refused, BundleError::CarriageReturn { line: l } if l == line),
                "{text:?}: {refused}"
            );
            assert_eq!(
                refused.to_string(),
                format!("a malformed audit bundle: line {line} holds a carriage return; its lines must end in a line feed alone")
            );
        }
    }

    #[test]
    fn a_bundle_without_its_final_line_feed_is_refused() {
        for text in [HEADER.to_string(), format!("{HEADER}\n[0,\"00\",{{}}]")] {
            let refused = refusal(&text);
            assert!(matches!(refused, BundleError::NoFinalNewline), "{refused}");
            assert_eq!(
                refused.to_string(),
                "a truncated audit bundle: its last line does not end in a line feed"
            );
        }
    }

    #[test]
    fn a_key_repeated_anywhere_in_the_header_is_refused_naming_its_path() {
        for (header, path) in [
            (
                r#"{"format_version":3,"format_version":3}"#,
                "format_version",
            ),
            (
                r#"{"format_version":3,"checkpoint":{"tree_size":1,"root_hash":"a","tree_size":2}}"#,
                "checkpoint.tree_size",
            ),
            (
                r#"{"format_version":3,"signed_texts":[{"clauses":[{"versions":{"fr":{"text":"a"},"fr":{"text":"b"}}}]}]}"#,
                "signed_texts[0].clauses[0].versions.fr",
            ),
            // Keys are compared as the strings they decode to, escapes and all.
            (r#"{"format_version":3,"a":1,"\u0061":2}"#, "a"),
        ] {
            let refused = refusal(&format!("{header}\n"));
            assert!(
                matches!(&refused, BundleError::RepeatedKey { path: p } if p == path),
                "{header}: {refused}"
            );
            assert_eq!(
                refused.to_string(),
                format!("a malformed audit bundle header: the key {path} appears twice in one object, so readers could take either value")
            );
        }
        // Equal keys in different objects are not a repetition.
        let distinct = r#"{"format_version":3,"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]}"#;
        assert_eq!(repeated_key(distinct).unwrap(), None);
    }

    #[test]
    fn version_2_is_refused_with_a_request_for_a_new_export() {
        let refused = refusal("{\"format_version\":2}\n");
        assert!(matches!(refused, BundleError::OtherVersion { found: 2 }));
        assert_eq!(
            refused.to_string(),
            "audit bundle format version 2 is not 3, the one this verifier reads: export it again with this pacta"
        );
    }
}
