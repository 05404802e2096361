//! The audit bundle's tamper matrix, on both stores: one row per attack, each asserting the
//! finding the offline verifier (or the export) names. Attacks on the bundle file are edits of
//! its lines after export (`bundle_value` / `bundle_text`); attacks "on a real store" lift the
//! append-only triggers first, as someone with direct database access would.

mod common;

use common::cli::{accredit_civ_signatory, generate_key, ok, open_civ_mar, pacta, stderr, stdout};
use common::{Backend, TestStore};
use pacta::audit::{self, Finding, Report, Subject, TrustedCheckpoint};
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use serde_json::Value;

on_both_stores!(
    a_clean_bundle_of_the_demo_verifies,
    a_changed_byte_in_a_payload_is_found,
    a_changed_byte_in_metadata_is_found,
    a_deleted_event_is_found,
    two_swapped_events_are_found,
    a_tail_cut_short_in_the_store_is_refused_by_the_export,
    a_bundle_cut_short_after_export_is_found_against_a_kept_head,
    a_deleted_negotiation_is_refused_by_the_export,
    a_restore_from_before_a_cosigned_checkpoint_fails_against_it,
    a_forged_draft_signature_is_found,
    a_signature_replayed_on_another_text_is_found,
    a_checkpoint_signed_with_another_key_is_found,
    a_malformed_or_unknown_version_bundle_is_refused_in_one_line,
);

/// Article "Objet" is proposed at sequence 9 of the demo story (as in tests/tamper.rs).
const TARGET: usize = 9;

struct Setup {
    store: TestStore,
    dir: tempfile::TempDir,
}

impl Setup {
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// `pacta audit export NEG --out FILE` and the bundle it wrote, as one JSON value.
    fn export(&self, negotiation: &str, extra: &[&str]) -> Value {
        let out = self.path(&format!("{negotiation}.bundle"));
        let mut args = vec!["audit", "export", negotiation, "--out", &out];
        args.extend_from_slice(extra);
        ok(&self.store, &args);
        let text = std::fs::read_to_string(&out).unwrap();
        let event_lines = |text: &str| text.split_once('\n').unwrap().1.to_string();
        assert!(
            event_lines(&bundle_text(&bundle_value(&text))) == event_lines(&text),
            "the editing form writes the event lines back byte for byte"
        );
        bundle_value(&text)
    }

    /// `pacta audit export NEG --out FILE`, refused in one line naming `expected`.
    fn export_refused(&self, negotiation: &str, expected: &str) {
        let out = self.path("refused.bundle");
        refused(
            &self.store,
            &["audit", "export", negotiation, "--out", &out],
            expected,
        );
    }

    /// `pacta checkpoint show [SIZE] --json`, kept by an auditor.
    fn keep_checkpoint(&self, size: Option<u64>) -> TrustedCheckpoint {
        let size = size.map(|s| s.to_string());
        let mut args = vec!["checkpoint", "show"];
        args.extend(size.as_deref());
        args.push("--json");
        serde_json::from_str(&ok(&self.store, &args)).unwrap()
    }
}

/// The demo, a ledger key, and one checkpoint over all of it.
async fn demo_with_checkpoint(backend: Backend) -> Setup {
    let setup = Setup {
        store: TestStore::new(backend).await,
        dir: tempfile::tempdir().unwrap(),
    };
    ok(&setup.store, &["demo"]);
    generate_key(&setup.store, &setup.path("ledger.key"));
    ok(
        &setup.store,
        &["checkpoint", "create", "--key", &setup.path("ledger.key")],
    );
    setup
}

/// A bundle file as one value to edit: the header's fields, and "events" holding each event
/// line's record with the line's "leaf_index" and "hash" beside the record's own fields.
fn bundle_value(text: &str) -> Value {
    let mut lines = text.lines();
    let mut bundle: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let events = lines
        .map(|line| {
            let [leaf_index, hash, mut record]: [Value; 3] =
                serde_json::from_str(line).expect("an event line");
            record["leaf_index"] = leaf_index;
            record["hash"] = hash;
            record
        })
        .collect();
    bundle["events"] = Value::Array(events);
    bundle
}

/// The file of a value made by `bundle_value`; each record is written in its canonical form, as
/// the exporter writes it.
fn bundle_text(bundle: &Value) -> String {
    let mut header = bundle.clone();
    let events = header.as_object_mut().unwrap().remove("events").unwrap();
    let mut text = format!("{header}\n");
    for event in events.as_array().unwrap() {
        let (leaf_index, hash, record) = split_event(event);
        let record = pacta::chain::canonical_json(&record).unwrap();
        let line = audit::BundleEvent::line(leaf_index, &hash, &record);
        text.push_str(std::str::from_utf8(&line).unwrap());
        text.push('\n');
    }
    text
}

/// An event of `bundle_value`: its leaf index, its recorded hash, and its record.
fn split_event(event: &Value) -> (u64, pacta::chain::Hash, Value) {
    let mut record = event.clone();
    let fields = record.as_object_mut().unwrap();
    let leaf_index = fields.remove("leaf_index").unwrap().as_u64().unwrap();
    let hash = fields.remove("hash").unwrap();
    let hash = pacta::journal::parse_hash(hash.as_str().unwrap()).unwrap();
    (leaf_index, hash, record)
}

fn verify(bundle: &Value, trusted: Option<&TrustedCheckpoint>) -> Result<Report, Vec<Finding>> {
    let text = bundle_text(bundle);
    let bundle = audit::parse_bundle(&text).expect("a well-formed bundle");
    audit::verify(&bundle, trusted, None)
}

/// The bundle must fail with a finding about `subject` whose text contains `problem`.
fn assert_found(
    attack: &str,
    result: Result<Report, Vec<Finding>>,
    subject: Subject,
    problem: &str,
) {
    let findings = match result {
        Ok(report) => panic!("{attack}: the bundle verified ({report:?})"),
        Err(findings) => findings,
    };
    assert!(
        findings
            .iter()
            .any(|f| f.subject == subject && f.problem.contains(problem)),
        "{attack}: expected '{subject}: …{problem}…', found:\n{}",
        findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn event_mut(bundle: &mut Value, sequence: usize) -> &mut Value {
    &mut bundle["events"][sequence - 1]
}

/// The attacker rewrites the whole chain after editing, so only the other checks remain.
fn reseal(bundle: &mut Value) {
    let mut prev = pacta::chain::GENESIS_HASH;
    for event in bundle["events"].as_array_mut().unwrap() {
        let (_, _, record) = split_event(event);
        prev = pacta::chain::link_hash(&prev, &pacta::chain::canonical_json(&record).unwrap());
        event["hash"] = hex::encode(prev).into();
    }
}

/// The sequence of the first `InstrumentSigned` of a bundle.
fn first_signature(bundle: &Value) -> usize {
    bundle["signatures"][0]["sequence"].as_u64().unwrap() as usize
}

/// Lifts the append-only guards of `tables`, as an attacker who owns the database would.
async fn lift_guards(store: &TestStore, backend: Backend, tables: &[&str]) {
    for table in tables {
        let sql = match (backend, *table) {
            (Backend::Postgres, "events") => {
                "ALTER TABLE events DISABLE TRIGGER events_append_only".to_string()
            }
            (Backend::Postgres, table) => {
                format!("ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            }
            (Backend::Sqlite, "events") => "DROP TRIGGER events_append_only_delete".to_string(),
            (Backend::Sqlite, table) => format!("DROP TRIGGER {table}_no_delete"),
        };
        store.raw(&sql).await;
    }
}

/// Runs a command that must fail in one line containing `expected`.
fn refused(store: &TestStore, args: &[&str], expected: &str) {
    let output = pacta(store, args);
    let message = stderr(&output);
    assert!(!output.status.success(), "{args:?} was accepted");
    assert!(message.contains(expected), "{args:?}: {message}");
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
}

async fn a_clean_bundle_of_the_demo_verifies(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let trusted = setup.keep_checkpoint(None);
    let bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let events = bundle["events"].as_array().unwrap().len();
    let report = verify(&bundle, Some(&trusted)).expect("the demo's bundle verifies");
    assert_eq!(report.events, events);
    assert_eq!(report.proven_events, events);
    assert_eq!(report.draft_signatures, 2, "both parties signed the MoU");
    assert_eq!(report.consistent_with, Some(trusted.checkpoint.tree_size));

    // The CLI verifies it too, with no store: an unreachable --store is never opened.
    let file = setup.path(&format!("{DEMO_NEGOTIATION}.bundle"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args(["--store", "postgres://nobody@127.0.0.1:1/none"])
        .args(["audit", "verify", &file])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(&format!("{events} events: every chain link recomputed")),
        "{}",
        stdout(&output)
    );

    // No checkpoint covers an event recorded after the last one: the export says what to do.
    ok(
        &setup.store,
        &[
            "--as",
            "amina.kone",
            "comment",
            DEMO_NEGOTIATION,
            "--text",
            "après le point de contrôle",
        ],
    );
    setup.export_refused(DEMO_NEGOTIATION, "run pacta checkpoint create");
    assert!(!std::path::Path::new(&setup.path("refused.bundle.json")).exists());
}

async fn a_changed_byte_in_a_payload_is_found(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    event_mut(&mut bundle, TARGET)["payload"]["ClauseProposed"]["heading"] = "Objeu".into();
    assert_found(
        "a byte changed in a payload",
        verify(&bundle, None),
        Subject::Event(TARGET),
        "the event was altered",
    );
    // Resealed, the chain holds, but the recorded hashes are no longer the journal's leaves.
    reseal(&mut bundle);
    let findings = verify(&bundle, None).unwrap_err();
    assert_found(
        "a byte changed in a payload, the chain resealed",
        Err(findings.clone()),
        Subject::JournalProof,
        "an event or its leaf index was changed",
    );
    assert_eq!(
        findings.len(),
        1,
        "only the journal proof fails: {findings:?}"
    );
    // The last event given the next leaf, another negotiation's, fails the same way.
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let tree_size = bundle["checkpoint"]["tree_size"].as_u64().unwrap();
    let last = bundle["events"].as_array_mut().unwrap().last_mut().unwrap();
    let next_leaf = last["leaf_index"].as_u64().unwrap() + 1;
    assert!(next_leaf < tree_size);
    last["leaf_index"] = next_leaf.into();
    assert_found(
        "an event moved to another leaf",
        verify(&bundle, None),
        Subject::JournalProof,
        "the 90 events' leaves",
    );
}

async fn a_changed_byte_in_metadata_is_found(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    event_mut(&mut bundle, TARGET)["metadata"]["actor"] = "koffi.yaO".into();
    assert_found(
        "a byte changed in metadata",
        verify(&bundle, None),
        Subject::Event(TARGET),
        "the event was altered",
    );
}

async fn a_deleted_event_is_found(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    bundle["events"].as_array_mut().unwrap().remove(TARGET - 1);
    assert_found(
        "an event deleted",
        verify(&bundle, None),
        Subject::Event(TARGET),
        "expected sequence 9; an event is missing",
    );
}

async fn two_swapped_events_are_found(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    bundle["events"]
        .as_array_mut()
        .unwrap()
        .swap(TARGET - 1, TARGET);
    assert_found(
        "two events swapped",
        verify(&bundle.clone(), None),
        Subject::Event(TARGET),
        "expected sequence 9",
    );
    // Renumbered and resealed, the swap still cannot be proved in the signed journal.
    for (i, event) in bundle["events"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        event["sequence"] = (i + 1).into();
    }
    reseal(&mut bundle);
    assert_found(
        "two events swapped, renumbered and resealed",
        verify(&bundle, None),
        Subject::Event(TARGET + 1),
        "does not follow the previous event's",
    );
}

async fn a_tail_cut_short_in_the_store_is_refused_by_the_export(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let events = setup.export(DEMO_NEGOTIATION, &[])["events"]
        .as_array()
        .unwrap()
        .len();
    lift_guards(&setup.store, backend, &["events"]).await;
    setup
        .store
        .raw(&format!(
            "DELETE FROM events WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence > {}",
            events - 3
        ))
        .await;
    setup.export_refused(DEMO_NEGOTIATION, "the history was cut short");
}

/// Events cut from the end of the bundle file leave a chain and proofs that verify; only the head
/// the auditor kept from `pacta verify` shows the cut, and a rewritten head.
async fn a_bundle_cut_short_after_export_is_found_against_a_kept_head(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let verified = ok(&setup.store, &["verify", DEMO_NEGOTIATION]);
    let head = verified
        .split("head ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("pacta verify prints the head")
        .to_string();
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let file = setup.path("cut.bundle");
    std::fs::write(&file, bundle_text(&bundle)).unwrap();
    let whole = ok(
        &setup.store,
        &["audit", "verify", &file, "--trusted-head", &head],
    );
    assert!(whole.contains("reaches the head you kept"), "{whole}");

    let events = bundle["events"].as_array_mut().unwrap();
    let kept_len = events.len() - 3;
    assert_eq!(kept_len, 87, "the demo's MoU has 90 events");
    events.truncate(kept_len);
    assert_found(
        "a bundle cut short, its journal proof left as it was",
        verify(&bundle, None),
        Subject::JournalProof,
        "87 events' leaves",
    );
    // Whoever holds the journal can prove the shorter set of leaves.
    let tree_size = bundle["checkpoint"]["tree_size"].as_u64().unwrap();
    let leaves = setup
        .store
        .database
        .journal_leaves(tree_size)
        .await
        .unwrap();
    let kept: Vec<u64> = bundle["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| split_event(e).0)
        .collect();
    let proof = pacta::journal::multiproof::prove(&leaves, &kept).unwrap();
    bundle["journal_proof"] = pacta::journal::proof_hex(&proof).into();
    std::fs::write(&file, bundle_text(&bundle)).unwrap();
    assert!(
        verify(&bundle, None).is_ok(),
        "without a kept head a cut with a new proof cannot be seen"
    );
    refused(
        &setup.store,
        &["audit", "verify", &file, "--trusted-head", &head],
        &format!("bundle: it ends at event {kept_len}, before the head you kept"),
    );
    let (sequence, _) = head.split_once(':').unwrap();
    let rewritten = format!("{}:{}", kept_len, "0".repeat(64));
    refused(
        &setup.store,
        &["audit", "verify", &file, "--trusted-head", &rewritten],
        &format!("event {kept_len}: its hash is"),
    );
    assert_ne!(sequence, kept_len.to_string());
}

async fn a_deleted_negotiation_is_refused_by_the_export(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    lift_guards(&setup.store, backend, &["events"]).await;
    setup
        .store
        .raw(&format!(
            "DELETE FROM events WHERE aggregate_id = '{DEMO_NEGOTIATION}'"
        ))
        .await;
    setup.export_refused(DEMO_NEGOTIATION, "the negotiation was deleted");
}

async fn a_restore_from_before_a_cosigned_checkpoint_fails_against_it(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let store = &setup.store;
    let first = setup.keep_checkpoint(None).checkpoint.tree_size;
    // A party's signatory, with a key kept in a file, co-signs a later checkpoint.
    let civ_public = generate_key(store, &setup.path("civ.key"));
    ok(
        store,
        &[
            "--as",
            "amina.kone",
            "comment",
            DEMO_NEGOTIATION,
            "--text",
            "enregistré avant la sauvegarde perdue",
        ],
    );
    open_civ_mar(store, "civ-mar-restore", "Mémorandum", "mou");
    accredit_civ_signatory(store, "civ-mar-restore", &civ_public);
    ok(
        store,
        &["checkpoint", "create", "--key", &setup.path("ledger.key")],
    );
    let cosigned = setup.keep_checkpoint(None);
    let size = cosigned.checkpoint.tree_size.to_string();
    ok(
        store,
        &[
            "--as",
            "minister.civ",
            "checkpoint",
            "cosign",
            &size,
            "--key",
            &setup.path("civ.key"),
        ],
    );
    let trusted = setup.keep_checkpoint(Some(cosigned.checkpoint.tree_size));
    let before = setup.export("civ-mar-restore", &[]);
    assert_eq!(verify(&before, Some(&trusted)).unwrap().cosignatures, 1);
    // A co-signature moved onto another person's key is refused.
    let mut doctored = before.clone();
    doctored["cosignatures"][0]["person"] = "mar.head".into();
    doctored["cosignatures"][0]["signature"] = doctored["checkpoint"]["signature"].clone();
    assert_found(
        "a co-signature that is not the co-signer's",
        verify(&doctored, None),
        Subject::Cosignature("CIV".into()),
        "does not verify",
    );

    // The database is restored from a backup taken at the first checkpoint.
    lift_guards(
        store,
        backend,
        &["events", "journal_leaves", "checkpoints", "cosignatures"],
    )
    .await;
    store
        .raw(&format!(
            "DELETE FROM events WHERE EXISTS (SELECT 1 FROM journal_leaves j
                WHERE j.leaf_index >= {first} AND j.negotiation_id = events.aggregate_id
                  AND j.sequence = events.sequence);
             DELETE FROM cosignatures;
             DELETE FROM checkpoints WHERE tree_size > {first};
             DELETE FROM journal_leaves WHERE leaf_index >= {first};"
        ))
        .await;
    setup.export_refused("civ-mar-restore", "no negotiation 'civ-mar-restore'");
    let bundle = setup.export(DEMO_NEGOTIATION, &[]);
    assert!(
        verify(&bundle, None).is_ok(),
        "the restored ledger is self-consistent"
    );
    assert_found(
        "the database restored from before a co-signed checkpoint",
        verify(&bundle, Some(&trusted)),
        Subject::TrustedCheckpoint,
        "the ledger was rolled back",
    );

    // The same trusted checkpoint, with no rollback, needs and gets a consistency proof.
    let setup = demo_with_checkpoint(backend).await;
    let kept = setup.keep_checkpoint(None);
    let kept_size = kept.checkpoint.tree_size.to_string();
    ok(
        &setup.store,
        &[
            "--as",
            "amina.kone",
            "comment",
            DEMO_NEGOTIATION,
            "--text",
            "plus tard",
        ],
    );
    ok(
        &setup.store,
        &["checkpoint", "create", "--key", &setup.path("ledger.key")],
    );
    assert_found(
        "a later bundle without a consistency proof",
        verify(&setup.export(DEMO_NEGOTIATION, &[]), Some(&kept)),
        Subject::TrustedCheckpoint,
        "--consistent-with",
    );
    let proved = setup.export(DEMO_NEGOTIATION, &["--consistent-with", &kept_size]);
    assert_eq!(
        verify(&proved, Some(&kept)).unwrap().consistent_with,
        Some(kept.checkpoint.tree_size)
    );
}

async fn a_forged_draft_signature_is_found(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let sequence = first_signature(&bundle);
    let signed = &mut event_mut(&mut bundle, sequence)["payload"]["InstrumentSigned"];
    // Flip one bit of the last byte: always a change (overwriting it with 00 was not, one run
    // in 256, when the demo's fresh key happened to sign with a last byte of 00).
    let signature = signed["signature"].as_str().unwrap();
    let last = u8::from_str_radix(&signature[126..], 16).unwrap() ^ 0x01;
    let forged = format!("{}{last:02x}", &signature[..126]);
    signed["signature"] = forged.into();
    reseal(&mut bundle);
    assert_found(
        "a forged draft signature",
        verify(&bundle, None),
        Subject::Signature(sequence),
        "does not verify",
    );
}

async fn a_signature_replayed_on_another_text_is_found(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let other = setup.export(DEMO_AGREEMENT, &[]);
    // A valid signature, and the text root it binds, from the other negotiation.
    let source = &other["events"][first_signature(&other) - 1]["payload"]["InstrumentSigned"];
    let sequence = first_signature(&bundle);
    let target = &mut event_mut(&mut bundle, sequence)["payload"]["InstrumentSigned"];
    target["signature"] = source["signature"].clone();
    target["text_root_hash"] = source["text_root_hash"].clone();
    reseal(&mut bundle);
    assert_found(
        "a signature replayed on another text",
        verify(&bundle, None),
        Subject::Signature(sequence),
        "but the text before it has root",
    );
}

async fn a_checkpoint_signed_with_another_key_is_found(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let trusted = setup.keep_checkpoint(None);
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let stranger_public = generate_key(&setup.store, &setup.path("stranger.key"));
    let stranger =
        pacta::keys::read_signing_key(std::path::Path::new(&setup.path("stranger.key"))).unwrap();
    let checkpoint = audit::parse_bundle(&bundle_text(&bundle))
        .unwrap()
        .header
        .checkpoint;
    let body = pacta::journal::CheckpointBody {
        ledger_id: checkpoint.ledger_id.clone(),
        tree_size: checkpoint.tree_size,
        root: pacta::journal::parse_hash(&checkpoint.root_hash).unwrap(),
        time: checkpoint.created_at,
    };
    bundle["checkpoint"]["signature"] = pacta::journal::sign(&stranger, &body.body()).into();
    assert_found(
        "a checkpoint signed with a key that is not the ledger's",
        verify(&bundle, None),
        Subject::Checkpoint,
        "its ledger signature",
    );
    // The attacker also swaps the key the bundle names: only the auditor's checkpoint tells.
    bundle["checkpoint"]["ledger_public_key"] = stranger_public.clone().into();
    bundle["keys"]["ledger"] = stranger_public.into();
    assert!(
        verify(&bundle, None).is_ok(),
        "self-consistent without an anchor"
    );
    assert_found(
        "a checkpoint signed with another key, the key swapped too",
        verify(&bundle, Some(&trusted)),
        Subject::TrustedCheckpoint,
        "not the same ledger",
    );
}

async fn a_malformed_or_unknown_version_bundle_is_refused_in_one_line(backend: Backend) {
    let setup = demo_with_checkpoint(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let file = setup.path("doctored.bundle");
    let refused_file = |text: &str, expected: &str| {
        std::fs::write(&file, text).unwrap();
        refused(&setup.store, &["audit", "verify", &file], expected);
    };
    refused_file(
        "{ not json",
        "not an audit bundle: its first line is not a JSON header",
    );
    refused_file("[]\n", "not an audit bundle: it has no format_version");
    let good = bundle_text(&bundle);
    let mut unknown = bundle.clone();
    unknown["format_version"] = 3.into();
    refused_file(&bundle_text(&unknown), "format version 3 is not 2");
    // Version 1 was one pretty-printed document; it is named, and the way out given.
    refused_file(
        "{\n  \"format_version\": 1,\n  \"events\": []\n}\n",
        "format version 1 is not 2, the one this verifier reads: export it again",
    );
    let mut header = bundle.clone();
    header["checkpoint"] = "none".into();
    refused_file(&bundle_text(&header), "a malformed audit bundle header");
    let (first, events) = good.split_once('\n').unwrap();
    let not_a_line = format!(
        "{first}\n[\"first\",{}",
        &events[events.find(',').unwrap() + 1..]
    );
    refused_file(&not_a_line, "line 2: not an event line");
    let spaced = format!("{first}\n{}", events.replacen(",\"", ", \"", 1));
    refused_file(&spaced, "line 2: not an event line");

    // A record that is not an event, and findings printed one per line, naming the events.
    bundle["events"][TARGET - 1]["metadata"]["actor"] = "someone".into();
    bundle["events"][TARGET]["payload"] = serde_json::json!({"NotAnEvent": {}});
    std::fs::write(&file, bundle_text(&bundle)).unwrap();
    let output = pacta(&setup.store, &["audit", "verify", &file]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(&format!("event {TARGET}: its content hashes to")),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "event {}: its record is not a negotiation event's",
            TARGET + 1
        )),
        "{message}"
    );
}
