//! Audit bundles (docs/ledger-format.md §10): one negotiation's stored events with everything
//! needed to check them offline, and the verifier.
//!
//! Pure, like `chain.rs` and `journal.rs`: no I/O, no clock and no store. An auditor's tool can
//! run `verify` on any bundle it was handed, and the verifier trusts nothing in the bundle that it
//! can recompute: the chain is recomputed from the first event, every text root from replaying the
//! bundled events, every proof against the signed checkpoint root.

use cqrs_es::persist::SerializedEvent;
use cqrs_es::Aggregate;
use pacta_domain::{Negotiation, NegotiationEvent, SignatureCapacity, SigningMessage};
use serde::{Deserialize, Serialize};

use crate::chain::{self, Hash};
use crate::journal::{self, CheckpointBody};
use crate::store::{Cosignature, StoredCheckpoint};

/// The bundle format this build writes and reads.
pub const FORMAT_VERSION: u64 = 1;
/// Largest bundle file `pacta audit verify` reads: a negotiation of 100,000 events of about 1 KB
/// each, with proofs of about 20 hashes (1.3 KB of hex) per event, fits well below it.
pub const MAX_BUNDLE_BYTES: u64 = 512 * 1024 * 1024;

/// One stored event exactly as stored, with where it sits in the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleEvent {
    pub aggregate_type: String,
    pub sequence: usize,
    pub event_type: String,
    pub event_version: String,
    pub payload: serde_json::Value,
    pub metadata: serde_json::Value,
    pub leaf_index: u64,
    /// The audit path of the event's leaf in the bundle's checkpoint, leaf side first, hex.
    pub inclusion_proof: Vec<String>,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format_version: u64,
    pub negotiation_id: String,
    pub events: Vec<BundleEvent>,
    pub checkpoint: BundleCheckpoint,
    pub cosignatures: Vec<BundleCosignature>,
    #[serde(default)]
    pub consistency: Vec<ConsistencyFrom>,
    pub keys: Keys,
    pub signatures: Vec<DraftSignature>,
}

/// The checkpoint fields as `pacta checkpoint show --json` prints them under "checkpoint".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleCheckpoint {
    pub tree_size: u64,
    pub root_hash: String,
    pub created_at: i64,
    pub ledger_id: String,
    pub ledger_public_key: String,
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleCosignature {
    pub party: String,
    pub person: String,
    pub public_key: String,
    pub signature: String,
    pub signed_at: i64,
}

impl From<&StoredCheckpoint> for BundleCheckpoint {
    fn from(c: &StoredCheckpoint) -> Self {
        BundleCheckpoint {
            tree_size: c.tree_size,
            root_hash: c.root_hash.clone(),
            created_at: c.created_at,
            ledger_id: c.ledger_id.clone(),
            ledger_public_key: c.ledger_public_key.clone(),
            signature: c.signature.clone(),
        }
    }
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

impl BundleEvent {
    pub fn to_serialized(&self, negotiation_id: &str) -> SerializedEvent {
        SerializedEvent::new(
            negotiation_id.to_string(),
            self.sequence,
            self.aggregate_type.clone(),
            self.event_type.clone(),
            self.event_version.clone(),
            self.payload.clone(),
            self.metadata.clone(),
        )
    }

    pub fn from_serialized(
        event: &SerializedEvent,
        leaf_index: u64,
        inclusion_proof: Vec<String>,
    ) -> Self {
        BundleEvent {
            aggregate_type: event.aggregate_type.clone(),
            sequence: event.sequence,
            event_type: event.event_type.clone(),
            event_version: event.event_version.clone(),
            payload: event.payload.clone(),
            metadata: event.metadata.clone(),
            leaf_index,
            inclusion_proof,
        }
    }
}

/// The checkpoint an auditor kept, as `pacta checkpoint show SIZE --json` prints it: only its
/// "checkpoint" object is read, and its ledger signature is checked before it is relied on.
#[derive(Clone, Debug, Deserialize)]
pub struct TrustedCheckpoint {
    pub checkpoint: BundleCheckpoint,
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
    Cosignature(String),
    /// The draft signature recorded at this sequence.
    Signature(usize),
    TrustedCheckpoint,
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Bundle => write!(f, "bundle"),
            Subject::Event(sequence) => write!(f, "event {sequence}"),
            Subject::Checkpoint => write!(f, "checkpoint"),
            Subject::Cosignature(party) => write!(f, "co-signature of {party}"),
            Subject::Signature(sequence) => write!(f, "signature at event {sequence}"),
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
    pub inclusion_proofs: usize,
    pub cosignatures: usize,
    pub draft_signatures: usize,
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

fn body_of(checkpoint: &BundleCheckpoint) -> Result<CheckpointBody, String> {
    Ok(CheckpointBody {
        ledger_id: checkpoint.ledger_id.clone(),
        tree_size: checkpoint.tree_size,
        root: journal::parse_hash(&checkpoint.root_hash).map_err(|e| e.to_string())?,
        time: checkpoint.created_at,
    })
}

/// Checks everything the bundle states; returns what was verified, or every finding.
pub fn verify(
    bundle: &Bundle,
    trusted: Option<&TrustedCheckpoint>,
    trusted_head: Option<&TrustedHead>,
) -> Result<Report, Vec<Finding>> {
    let mut findings = Findings(Vec::new());
    let mut report = Report {
        tree_size: bundle.checkpoint.tree_size,
        ..Report::default()
    };
    if bundle.format_version != FORMAT_VERSION {
        findings.add(
            Subject::Bundle,
            format!(
                "format version {} is not {FORMAT_VERSION}, the one this verifier reads",
                bundle.format_version
            ),
        );
        return Err(findings.0);
    }
    if bundle.events.is_empty() {
        findings.add(Subject::Bundle, "it holds no event");
    }
    let id = bundle.negotiation_id.as_str();
    let serialized: Vec<SerializedEvent> =
        bundle.events.iter().map(|e| e.to_serialized(id)).collect();

    // 1. The chain, every link from the first event.
    match chain::verify_stream(id, &serialized) {
        Ok(head) => report.events = head.sequence,
        Err(error) => findings.add(Subject::Event(error.sequence), error.problem.to_string()),
    }

    if let Some(head) = trusted_head {
        check_head(&serialized, head, &mut findings);
    }

    // 2. The checkpoint's ledger signature, under the ledger key the bundle names.
    let checkpoint = &bundle.checkpoint;
    let body = match body_of(checkpoint) {
        Ok(body) => Some(body),
        Err(e) => {
            findings.add(Subject::Checkpoint, e);
            None
        }
    };
    if checkpoint.ledger_public_key != bundle.keys.ledger {
        findings.add(
            Subject::Checkpoint,
            format!(
                "it names key {}, not the ledger's key {}",
                checkpoint.ledger_public_key, bundle.keys.ledger
            ),
        );
    }
    if let Some(body) = &body {
        if let Err(e) =
            journal::verify_signature(&bundle.keys.ledger, &body.body(), &checkpoint.signature)
        {
            findings.add(
                Subject::Checkpoint,
                format!("its ledger signature: {e} (the ledger's key)"),
            );
        }
    }

    // 3. Each event's leaf and inclusion proof against the checkpoint root. Leaves of one
    //    negotiation are in commit order, so their indexes strictly increase.
    let mut previous_index: Option<u64> = None;
    for event in &bundle.events {
        let subject = Subject::Event(event.sequence);
        if previous_index.is_some_and(|p| event.leaf_index <= p) {
            findings.add(
                subject.clone(),
                format!(
                    "its leaf index {} does not follow the previous event's",
                    event.leaf_index
                ),
            );
        }
        previous_index = Some(event.leaf_index);
        let Some(body) = &body else { continue };
        let Some(chain_hash) = chain::hash_field(&event.to_serialized(id)) else {
            findings.add(subject, "it carries no chain hash to prove");
            continue;
        };
        let checked = hashes(&event.inclusion_proof).and_then(|proof| {
            journal::verify_inclusion(
                &body.root,
                body.tree_size,
                event.leaf_index,
                &chain_hash,
                &proof,
            )
            .map_err(|e| e.to_string())
        });
        match checked {
            Ok(()) => report.inclusion_proofs += 1,
            Err(e) => findings.add(
                subject,
                format!(
                    "its inclusion as leaf {} of checkpoint {}: {e}",
                    event.leaf_index, body.tree_size
                ),
            ),
        }
    }

    // 4. Replay the events for the accreditations and the text roots. The domain's fold
    //    treats an impossible history as a broken invariant and panics; a doctored bundle can be
    //    one, so each step is guarded and the first impossible event becomes a finding.
    let mut state = Negotiation::default();
    let mut signed: Vec<(usize, NegotiationEvent, String, Option<String>)> = Vec::new();
    for event in &bundle.events {
        let parsed = match serde_json::from_value::<NegotiationEvent>(event.payload.clone()) {
            Ok(parsed) => parsed,
            Err(e) => {
                findings.add(
                    Subject::Event(event.sequence),
                    format!("its payload is not a negotiation event: {e}"),
                );
                break;
            }
        };
        if let NegotiationEvent::InstrumentSigned { signatory, .. } = &parsed {
            // What the signature must bind: the text, and the key, as they stood before it.
            let key = state
                .delegate(signatory)
                .and_then(|d| d.signing.as_ref())
                .map(|s| s.public_key.clone());
            signed.push((event.sequence, parsed.clone(), state.text_root_hash(), key));
        }
        // A state left half-applied by a panic is never read for a verdict: the loop stops.
        let applied =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.apply(parsed)));
        match applied {
            Ok(()) => {}
            Err(_) => {
                findings.add(
                    Subject::Event(event.sequence),
                    "it cannot follow the events before it in a negotiation",
                );
                break;
            }
        }
    }
    let accredited_key = |person: &str| {
        state
            .delegate(person)
            .and_then(|d| d.signing.as_ref())
            .map(|s| s.public_key.clone())
    };

    // 5. Co-signatures: each verifies under its key, and a key this negotiation accredits must
    //    be the accredited one.
    for cosignature in &bundle.cosignatures {
        let subject = Subject::Cosignature(cosignature.party.clone());
        if let Some(key) = accredited_key(&cosignature.person) {
            if key != cosignature.public_key {
                findings.add(
                    subject.clone(),
                    format!(
                        "signed with key {}, not {}'s accredited key {key}",
                        cosignature.public_key, cosignature.person
                    ),
                );
                continue;
            }
        }
        let Some(body) = &body else { continue };
        match journal::verify_signature(
            &cosignature.public_key,
            &body.cosignature_message(cosignature.signed_at),
            &cosignature.signature,
        ) {
            Ok(()) => report.cosignatures += 1,
            Err(e) => findings.add(subject, e.to_string()),
        }
    }

    // 6. Draft signatures: each must bind the text root recomputed from the events before it,
    //    and verify on the message rebuilt from the event, under the key accredited then.
    for (sequence, event, recomputed, key) in signed {
        let NegotiationEvent::InstrumentSigned {
            party,
            signatory,
            revision,
            capacity,
            text_root_hash,
            signed_on,
            signature,
        } = event
        else {
            continue;
        };
        let subject = Subject::Signature(sequence);
        if recomputed != text_root_hash {
            findings.add(
                subject,
                format!(
                    "it binds text root {text_root_hash}, but the text before it has root {recomputed}"
                ),
            );
            continue;
        }
        let Some(key) = key else {
            findings.add(
                subject,
                format!("{signatory} is not accredited with a signing key before it"),
            );
            continue;
        };
        let message = SigningMessage {
            negotiation_id: id.to_string(),
            revision,
            text_root_hash,
            party,
            signatory,
            capacity,
            ad_referendum: capacity == SignatureCapacity::AdReferendum,
            signed_on,
        };
        match pacta_domain::verify_signature(&key, &signature, &message) {
            Ok(()) => report.draft_signatures += 1,
            Err(e) => findings.add(subject, format!("{e} (key {key})")),
        }
    }

    // 7. The checkpoint the auditor kept: signed by the same ledger key, and a prefix of the
    //    bundle's (or the same checkpoint).
    if let Some(trusted) = trusted {
        check_trusted(
            bundle,
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

/// The bundle must hold the kept head's event, with the kept hash.
fn check_head(events: &[SerializedEvent], head: &TrustedHead, findings: &mut Findings) {
    match events.iter().find(|e| e.sequence == head.sequence) {
        None => findings.add(
            Subject::Bundle,
            format!(
                "it ends at event {}, before the head you kept (event {}): events were cut from its end",
                events.last().map_or(0, |e| e.sequence),
                head.sequence
            ),
        ),
        Some(event) => {
            let hash = chain::hash_field(event).map(hex::encode);
            if hash.as_deref() != Some(head.hash.as_str()) {
                findings.add(
                    Subject::Event(head.sequence),
                    format!(
                        "its hash is {}, not {} as you kept it: the history was rewritten",
                        hash.as_deref().unwrap_or("missing"),
                        head.hash
                    ),
                );
            }
        }
    }
}

fn check_trusted(
    bundle: &Bundle,
    body: Option<&CheckpointBody>,
    trusted: &BundleCheckpoint,
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

/// Parses a bundle, refusing in one line a file that is not one or is of another version.
pub fn parse_bundle(text: &str) -> Result<Bundle, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a JSON audit bundle: {e}"))?;
    match value.get("format_version").and_then(serde_json::Value::as_u64) {
        Some(FORMAT_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "audit bundle format version {other} is not {FORMAT_VERSION}, the one this verifier reads"
            ))
        }
        None => return Err("not an audit bundle: it has no format_version".to_string()),
    }
    serde_json::from_value(value).map_err(|e| format!("a malformed audit bundle: {e}"))
}
