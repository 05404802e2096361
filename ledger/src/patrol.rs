//! The patrol: the whole ledger verified again and again, in the background, at a bounded rate.
//!
//! `pacta verify` checks the whole ledger at once (`crate::verification`). A service cannot
//! stop for that on a long ledger, and an act no longer verifies its chain from the first event
//! (`crate::verified`): so `pacta serve` runs a patrol that re-reads every event in commit order,
//! at most `events_per_second`, and checks what `pacta verify` checks — every chain link, every
//! journal leaf against the event at its place in commit order, the journal's frontiers and
//! checkpoints against the roots of the leaves, every co-signature — pass after pass. A pass
//! keeps its place across a store that goes away for a while and carries on from it.
//!
//! Fail closed, per negotiation: the moment a pass finds a negotiation's chain broken, or a leaf
//! that does not match the event at its place, the negotiations it names are put in
//! [`Quarantine`]; the ledger sharing it refuses every act on them
//! (`LedgerError::Quarantined`, naming the finding) until the ledger is restored from a verified
//! copy and the service restarted. Findings that name no negotiation (a checkpoint's signature,
//! a frontier, a co-signature) refuse no act — no negotiation's history is in doubt — but they
//! are reported like the others, on `/healthz` and in the log, as `pacta verify` prints them.
//!
//! Its memory is bounded by the number of negotiations (one chain head each) and the journal
//! frontier (one hash per level), not by the number of events.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use cqrs_es::persist::SerializedEvent;
use pacta_verify::chain::{self, ChainHead, Hash};
use pacta_verify::journal::{self, Frontier};

use crate::store::{CommitCursor, Database, LeafRow, StoreError};
use crate::verification::{
    accredited_signatory, check_journal_records, event_ref, EventRef, JournalRecords,
    LedgerFinding, MAX_LEAF_FINDINGS,
};

/// How many events a second `pacta serve`'s patrol reads unless told otherwise: a few percent
/// of what one core verifies, so a ledger of a million events is re-checked every few minutes
/// while acts keep nearly all of the machine.
pub const DEFAULT_PATROL_EVENTS_PER_SECOND: u32 = 5_000;
/// The shortest time a pass takes, however few events there are: a small ledger is re-checked
/// every second rather than in a busy loop.
pub const DEFAULT_MIN_PASS_MS: u64 = 1_000;
/// Events (and journal leaves) read per query.
pub const PATROL_BATCH_EVENTS: usize = 500;
/// How long the patrol waits after the store failed before it tries again from where it was.
pub const STORE_RETRY_MS: u64 = 1_000;
/// Findings kept for `/healthz` beyond the count.
pub const MAX_REPORTED_FINDINGS: usize = 20;

/// The negotiations whose history a verification found damaged, with the first finding on each:
/// acts on them are refused (`Ledger::with_quarantine`).
#[derive(Debug, Default)]
pub struct Quarantine {
    negotiations: RwLock<BTreeMap<String, LedgerFinding>>,
}

impl Quarantine {
    /// What was found on `negotiation_id`, if it is quarantined.
    pub fn finding(&self, negotiation_id: &str) -> Option<LedgerFinding> {
        self.read().get(negotiation_id).cloned()
    }

    /// The quarantined negotiations, by id.
    pub fn negotiations(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// Quarantines `negotiation_id` for `finding`; the first finding on a negotiation stays.
    /// Whether it was not quarantined before.
    fn quarantine(&self, negotiation_id: &str, finding: &LedgerFinding) -> bool {
        let mut negotiations = self
            .negotiations
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if negotiations.contains_key(negotiation_id) {
            return false;
        }
        negotiations.insert(negotiation_id.to_string(), finding.clone());
        true
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, LedgerFinding>> {
        self.negotiations
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How fast and how often the patrol reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatrolSettings {
    pub events_per_second: u32,
    pub min_pass_ms: u64,
}

impl Default for PatrolSettings {
    fn default() -> PatrolSettings {
        PatrolSettings {
            events_per_second: DEFAULT_PATROL_EVENTS_PER_SECOND,
            min_pass_ms: DEFAULT_MIN_PASS_MS,
        }
    }
}

/// What the patrol has done and found, for `/healthz`.
#[derive(Clone, Debug, Default)]
pub struct PatrolReport {
    pub settings: Option<PatrolSettings>,
    /// Passes over the whole ledger completed.
    pub passes: u64,
    /// Events read so far in the pass under way.
    pub events_this_pass: u64,
    /// The last completed pass.
    pub last_pass: Option<PassSummary>,
    /// Every distinct finding so far (at most `MAX_REPORTED_FINDINGS`), in the order found.
    pub findings: Vec<LedgerFinding>,
    pub findings_total: usize,
    /// The store could not be read: the patrol waits and resumes where it was.
    pub store_error: Option<String>,
}

/// One completed pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassSummary {
    pub finished_at: chrono::DateTime<chrono::Utc>,
    pub took_ms: u64,
    pub events: u64,
    pub leaves: u64,
    pub checkpoints: usize,
    /// Findings of this pass.
    pub findings: usize,
}

/// The background verifier of one database.
pub struct Patrol {
    database: Database,
    settings: PatrolSettings,
    quarantine: Arc<Quarantine>,
    report: Mutex<PatrolReport>,
}

impl Patrol {
    pub fn new(database: Database, settings: PatrolSettings, quarantine: Arc<Quarantine>) -> Self {
        assert!(settings.events_per_second >= 1, "the patrol must progress");
        Patrol {
            database,
            settings,
            quarantine,
            report: Mutex::new(PatrolReport {
                settings: Some(settings),
                ..PatrolReport::default()
            }),
        }
    }

    pub fn report(&self) -> PatrolReport {
        self.lock().clone()
    }

    pub fn quarantine(&self) -> &Arc<Quarantine> {
        &self.quarantine
    }

    /// Pass after pass, until the task running it is dropped.
    pub async fn run(&self) {
        loop {
            self.run_pass().await;
        }
    }

    /// One whole pass: every event, every leaf, then the journal's frontiers, checkpoints and
    /// co-signatures. A store error pauses the pass, which then resumes from where it was.
    pub async fn run_pass(&self) -> PassSummary {
        let started = tokio::time::Instant::now();
        let mut pacer = Pacer::new(self.settings.events_per_second);
        let mut pass = loop {
            match self.journal_at_start().await {
                Ok(journal) => break Pass::new(journal),
                Err(error) => self.wait_for_store(error).await,
            }
        };
        self.lock().events_this_pass = 0;
        loop {
            match self.step(&mut pass).await {
                Ok(0) => break,
                Ok(read) => {
                    self.lock().events_this_pass = pass.events;
                    pacer.pace(read).await;
                }
                Err(error) => self.wait_for_store(error).await,
            }
        }
        let findings = pass.finish();
        self.record_all(&findings);
        let min_pass = Duration::from_millis(self.settings.min_pass_ms);
        tokio::time::sleep_until(started + min_pass).await;
        let summary = PassSummary {
            finished_at: chrono::Utc::now(),
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            events: pass.events,
            leaves: pass.leaves,
            checkpoints: pass.journal.checkpoints.len(),
            findings: pass.findings,
        };
        let mut report = self.lock();
        report.passes += 1;
        report.last_pass = Some(summary.clone());
        report.store_error = None;
        summary
    }

    /// Reads the next events (or, once they are all read, the leaves past them) and checks
    /// them; how many records it read, 0 when the pass has read everything.
    async fn step(&self, pass: &mut Pass) -> Result<usize, StoreError> {
        let batch = if pass.events_done {
            Vec::new()
        } else {
            self.database
                .read_committed(pass.cursor, PATROL_BATCH_EVENTS)
                .await?
        };
        let limit = batch.len().max(PATROL_BATCH_EVENTS);
        let leaves = self
            .database
            .journal_leaf_rows_from(pass.next_leaf, limit)
            .await?;
        if batch.is_empty() {
            pass.events_done = true;
        }
        let read = batch.len() + leaves.len();
        let mut found = Vec::new();
        for committed in batch {
            pass.cursor = committed.cursor;
            pass.event(&committed.event, &mut found);
        }
        for row in leaves {
            pass.leaf(row, &mut found);
        }
        pass.pair(&mut found);
        self.record_all(&found);
        Ok(read)
    }

    async fn journal_at_start(&self) -> Result<JournalRecords, StoreError> {
        Ok(JournalRecords {
            frontiers: self.database.journal_frontiers().await?,
            checkpoints: self.database.checkpoints().await?,
            identity: self.database.ledger_identity().await?,
            cosignatures: self.database.all_cosignatures().await?,
        })
    }

    async fn wait_for_store(&self, error: StoreError) {
        tracing::warn!("the patrol cannot read the store ({error}); it resumes where it was");
        self.lock().store_error = Some(error.to_string());
        tokio::time::sleep(Duration::from_millis(STORE_RETRY_MS)).await;
    }

    /// Quarantines what `findings` name, and keeps each finding not seen before.
    fn record_all(&self, findings: &[LedgerFinding]) {
        for finding in findings {
            for negotiation in affected_negotiations(finding) {
                if self.quarantine.quarantine(negotiation, finding) {
                    tracing::error!(
                        "the background verification found damage; acts on negotiation \
                         '{negotiation}' are refused from now on: {finding}"
                    );
                }
            }
            let mut report = self.lock();
            if !report.findings.contains(finding) {
                report.findings_total += 1;
                if report.findings.len() < MAX_REPORTED_FINDINGS {
                    report.findings.push(finding.clone());
                }
                if affected_negotiations(finding).is_empty() {
                    tracing::error!("the background verification found: {finding}");
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PatrolReport> {
        self.report
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The negotiations whose history a finding puts in doubt.
pub fn affected_negotiations(finding: &LedgerFinding) -> Vec<&str> {
    match finding {
        LedgerFinding::Chain(error) => vec![error.aggregate_id.as_str()],
        LedgerFinding::LeafMismatch { leaf, event, .. } => {
            let mut named = vec![leaf.negotiation.as_str()];
            if let Some(event) = event {
                if event.negotiation != leaf.negotiation {
                    named.push(event.negotiation.as_str());
                }
            }
            named
        }
        LedgerFinding::CutShort { negotiation, .. }
        | LedgerFinding::RewrittenAfterCheckpoint { negotiation, .. } => {
            vec![negotiation.as_str()]
        }
        _ => Vec::new(),
    }
}

/// Keeps a pass to `events_per_second`: after each read it sleeps until the records read so far
/// are due.
struct Pacer {
    started: tokio::time::Instant,
    records: u64,
    events_per_second: u32,
}

impl Pacer {
    fn new(events_per_second: u32) -> Pacer {
        Pacer {
            started: tokio::time::Instant::now(),
            records: 0,
            events_per_second,
        }
    }

    async fn pace(&mut self, records: usize) {
        self.records += records as u64;
        let due_ms = self.records * 1_000 / u64::from(self.events_per_second);
        tokio::time::sleep_until(self.started + Duration::from_millis(due_ms)).await;
    }
}

/// One pass under way: each negotiation's head so far, the leaves not yet matched with an event
/// (and the events not yet matched with a leaf), the journal's frontier.
struct Pass {
    journal: JournalRecords,
    cursor: CommitCursor,
    events_done: bool,
    next_leaf: u64,
    events: u64,
    leaves: u64,
    findings: usize,
    heads: HashMap<String, ChainHead>,
    broken: HashSet<String>,
    unmatched_events: VecDeque<EventRef>,
    unmatched_leaves: VecDeque<LeafRow>,
    leaf_mismatches: usize,
    frontier: Frontier,
    /// The tree sizes whose roots the frontiers and checkpoints name, and the roots found.
    wanted_sizes: BTreeSet<u64>,
    roots: HashMap<u64, Hash>,
    /// (party, person, public key) of the signatories each negotiation accredits.
    signatories: HashMap<String, BTreeSet<(String, String, String)>>,
}

impl Pass {
    fn new(journal: JournalRecords) -> Pass {
        let mut wanted_sizes: BTreeSet<u64> = journal.frontiers.iter().map(|(s, _)| *s).collect();
        wanted_sizes.extend(journal.checkpoints.iter().map(|c| c.tree_size));
        wanted_sizes.remove(&0);
        Pass {
            journal,
            cursor: CommitCursor::default(),
            events_done: false,
            next_leaf: 0,
            events: 0,
            leaves: 0,
            findings: 0,
            heads: HashMap::new(),
            broken: HashSet::new(),
            unmatched_events: VecDeque::new(),
            unmatched_leaves: VecDeque::new(),
            leaf_mismatches: 0,
            frontier: Frontier::default(),
            wanted_sizes,
            roots: HashMap::new(),
            signatories: HashMap::new(),
        }
    }

    /// The next event in commit order: the next link of its negotiation's chain.
    fn event(&mut self, event: &SerializedEvent, found: &mut Vec<LedgerFinding>) {
        self.events += 1;
        let negotiation = &event.aggregate_id;
        if self.broken.contains(negotiation) {
            return;
        }
        let head = self
            .heads
            .get(negotiation)
            .copied()
            .unwrap_or(ChainHead::EMPTY);
        match chain::verify_next(negotiation, head, event) {
            Ok(head) => {
                self.heads.insert(negotiation.clone(), head);
                self.unmatched_events.push_back(event_ref(event));
                if let Some(signatory) = accredited_signatory(event) {
                    self.signatories
                        .entry(negotiation.clone())
                        .or_default()
                        .insert(signatory);
                }
            }
            Err(error) => {
                // As `pacta verify` does: a broken chain is named once, and its events are left
                // out of the comparison with the leaves, which would name it again at every one.
                self.broken.insert(negotiation.clone());
                self.heads.remove(negotiation);
                self.signatories.remove(negotiation);
                self.unmatched_events
                    .retain(|e| &e.negotiation != negotiation);
                self.unmatched_leaves
                    .retain(|l| &l.negotiation_id != negotiation);
                self.findings += 1;
                found.push(LedgerFinding::Chain(error));
            }
        }
    }

    /// The next journal leaf: in place, well formed, a step of the tree.
    fn leaf(&mut self, row: LeafRow, found: &mut Vec<LedgerFinding>) {
        let expected = self.next_leaf;
        self.next_leaf = row.leaf_index.max(expected) + 1;
        self.leaves += 1;
        if row.leaf_index != expected {
            self.findings += 1;
            found.push(LedgerFinding::LeafMissing { index: expected });
        }
        let hash = journal::parse_hash(&row.chain_hash).unwrap_or_else(|_| {
            self.findings += 1;
            found.push(LedgerFinding::LeafMalformed {
                index: row.leaf_index,
                chain_hash: row.chain_hash.clone(),
            });
            [0; 32]
        });
        self.frontier.push(&hash);
        let size = self.frontier.size();
        if self.wanted_sizes.contains(&size) {
            self.roots.insert(size, self.frontier.root());
        }
        if !self.broken.contains(&row.negotiation_id) {
            self.unmatched_leaves.push_back(row);
        }
    }

    /// Each leaf must hold the event at its place in commit order (negotiations with a broken
    /// chain left out of both sides).
    fn pair(&mut self, found: &mut Vec<LedgerFinding>) {
        while !self.unmatched_leaves.is_empty() && !self.unmatched_events.is_empty() {
            let row = self
                .unmatched_leaves
                .pop_front()
                .expect("checked non-empty");
            let event = self.unmatched_events.pop_front();
            self.compare(row, event, found);
        }
    }

    fn compare(&mut self, row: LeafRow, event: Option<EventRef>, found: &mut Vec<LedgerFinding>) {
        let leaf = EventRef {
            negotiation: row.negotiation_id,
            sequence: row.sequence,
            chain_hash: row.chain_hash,
        };
        if event.as_ref() == Some(&leaf) {
            return;
        }
        self.leaf_mismatches += 1;
        if self.leaf_mismatches <= MAX_LEAF_FINDINGS {
            self.findings += 1;
            found.push(LedgerFinding::LeafMismatch {
                index: row.leaf_index,
                leaf,
                event,
            });
        }
    }

    /// The pass has read every event and leaf: leaves with no event left, then the frontiers,
    /// checkpoints and co-signatures against the roots the leaves gave.
    fn finish(&mut self) -> Vec<LedgerFinding> {
        let mut found = Vec::new();
        // Events past the last leaf are not a finding: the journal lags the events a little.
        while let Some(row) = self.unmatched_leaves.pop_front() {
            self.compare(row, None, &mut found);
        }
        if self.leaf_mismatches > MAX_LEAF_FINDINGS {
            found.push(LedgerFinding::MoreLeafMismatches {
                count: self.leaf_mismatches - MAX_LEAF_FINDINGS,
            });
        }
        let roots = std::mem::take(&mut self.roots);
        let root_at = |size: u64| roots.get(&size).map(hex::encode);
        let signatories: BTreeSet<(String, String, String)> =
            self.signatories.values().flatten().cloned().collect();
        check_journal_records(&self.journal, &root_at, &signatories, &mut found);
        self.findings += found.len();
        found
    }
}
