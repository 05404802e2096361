//! The audit bundle's tamper matrix, on both stores: one row per attack, each asserting the
//! finding the offline verifier (or the export) names. Attacks on the bundle file are edits of
//! its lines after export (`bundle_value` / `bundle_text`); attacks "on a real store" lift the
//! append-only triggers first, as someone with direct database access would.

use crate::common::cli::ExitCode;
use crate::common::cli::ExitCode::{Integrity, Refused};
use crate::common::cli::{
    accredit_civ_signatory, assert_ok, cosign, generate_key, ok, open_civ_mar, pacta, pacta_at,
    refused, stderr, Negotiation,
};
use crate::common::cli::{CheckpointedDemo, DEMO_TARGET_SEQUENCE};
use crate::common::Backend;
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_verify::audit::{self, Finding, Report, Subject, TrustedCheckpoint};
use serde_json::Value;

on_both_stores!(
    a_clean_bundle_of_the_demo_verifies,
    every_edit_of_the_events_is_found,
    a_tail_cut_short_in_the_store_is_refused_by_the_export,
    a_bundle_cut_short_after_export_is_found_against_a_kept_head,
    a_deleted_negotiation_is_refused_by_the_export,
    a_restore_from_before_a_cosigned_checkpoint_fails_against_it,
    a_checkpoint_signed_with_another_key_is_found,
    a_malformed_or_unknown_version_bundle_is_refused_in_one_line,
);

const TARGET: usize = DEMO_TARGET_SEQUENCE;

impl CheckpointedDemo {
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

    /// `pacta audit export NEG --out FILE`, refused with `code` in one line naming `expected`.
    async fn export_refused(&self, negotiation: &str, code: ExitCode, expected: &str) {
        let out = self.path("refused.bundle");
        let export = ["audit", "export", negotiation, "--out", &out];
        refused(&self.store, &export, code, expected).await;
    }

    /// `pacta audit verify FILE ARGS…` of `bundle`, written to FILE, which must fail with
    /// `code` in one line naming `expected`.
    async fn verify_refused(&self, bundle: &str, args: &[&str], code: ExitCode, expected: &str) {
        let file = self.path("doctored.bundle");
        std::fs::write(&file, bundle).unwrap();
        let verify = [&["audit", "verify", &file][..], args].concat();
        refused(&self.store, &verify, code, expected).await;
    }

    /// Deletes the MoU's events `matching` an SQL condition, the append-only guard lifted first.
    async fn delete_events(&self, matching: &str) {
        self.store.lift_append_only_guards(&["events"]).await;
        let negotiation = format!("aggregate_id = '{DEMO_NEGOTIATION}'");
        let delete = format!("DELETE FROM events WHERE {negotiation} AND {matching}");
        self.store.raw(&delete).await;
    }

    /// A comment by CIV's head on the MoU.
    fn comment(&self, text: &str) {
        let mou = Negotiation::new(&self.store, DEMO_NEGOTIATION);
        mou.ok("amina.kone", "comment", &["--text", text]);
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

/// A bundle file as one value to edit: the header's fields, and "events" holding each event
/// line's record with the line's "leaf_index" and "hash" beside the record's own fields.
pub(crate) fn bundle_value(text: &str) -> Value {
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
pub(crate) fn bundle_text(bundle: &Value) -> String {
    let mut header = bundle.clone();
    let events = header.as_object_mut().unwrap().remove("events").unwrap();
    let mut text = format!("{header}\n");
    for event in events.as_array().unwrap() {
        let (leaf_index, hash, record) = split_event(event);
        let record = pacta_verify::chain::canonical_json(&record).unwrap();
        let line = audit::BundleEvent::line(leaf_index, &hash, &record);
        text.push_str(std::str::from_utf8(&line).unwrap());
        text.push('\n');
    }
    text
}

/// An event of `bundle_value`: its leaf index, its recorded hash, and its record.
fn split_event(event: &Value) -> (u64, pacta_verify::chain::Hash, Value) {
    let mut record = event.clone();
    let fields = record.as_object_mut().unwrap();
    let leaf_index = fields.remove("leaf_index").unwrap().as_u64().unwrap();
    let hash = fields.remove("hash").unwrap();
    let hash = pacta_verify::journal::parse_hash(hash.as_str().unwrap()).unwrap();
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

/// The bundle is self-consistent: it verifies without an anchor. Against the auditor's `trusted`
/// checkpoint it must fail with a finding whose text contains `problem`.
fn assert_found_only_against(
    attack: &str,
    bundle: &Value,
    trusted: &TrustedCheckpoint,
    problem: &str,
) {
    let alone = verify(bundle, None);
    assert!(
        alone.is_ok(),
        "{attack}: verifies without an anchor: {alone:?}"
    );
    let anchored = verify(bundle, Some(trusted));
    assert_found(attack, anchored, Subject::TrustedCheckpoint, problem);
}

pub(crate) fn event_mut(bundle: &mut Value, sequence: usize) -> &mut Value {
    &mut bundle["events"][sequence - 1]
}

/// The attacker rewrites the whole chain after editing, so only the other checks remain.
pub(crate) fn reseal(bundle: &mut Value) {
    let mut prev = pacta_verify::chain::GENESIS_HASH;
    for event in bundle["events"].as_array_mut().unwrap() {
        let (_, _, record) = split_event(event);
        prev = pacta_verify::chain::link_hash(
            &prev,
            &pacta_verify::chain::canonical_json(&record).unwrap(),
        );
        event["hash"] = hex::encode(prev).into();
    }
}

/// The sequence of the first `InstrumentSigned` of a bundle.
pub(crate) fn first_signature(bundle: &Value) -> usize {
    bundle["signatures"][0]["sequence"].as_u64().unwrap() as usize
}

async fn a_clean_bundle_of_the_demo_verifies(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let trusted = setup.keep_checkpoint(None);
    let bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let events = bundle["events"].as_array().unwrap().len();
    let report = verify(&bundle, Some(&trusted)).expect("the demo's bundle verifies");
    assert_eq!(report.events, events);
    assert_eq!(report.proven_events, events);
    assert_eq!(report.draft_signatures, 2, "both parties signed the MoU");
    assert_eq!(report.signed_texts, 1, "both signed one text");
    let signed_text = &bundle["signed_texts"][0];
    assert_eq!(
        signed_text["text_root_hash"],
        bundle["signatures"][0]["text_root_hash"]
    );
    let clauses = signed_text["clauses"].as_array().unwrap();
    assert!(
        clauses
            .iter()
            .all(|c| c["versions"]["fr"]["text"].is_string()),
        "every clause of the MoU is signed in French, word for word: {clauses:?}"
    );
    assert_eq!(report.consistent_with, Some(trusted.checkpoint.tree_size));

    // The CLI verifies it too, with no store: an unreachable --store is never opened.
    let file = setup.path(&format!("{DEMO_NEGOTIATION}.bundle"));
    let unreachable = "postgres://nobody@127.0.0.1:1/none";
    let printed = assert_ok(&pacta_at(unreachable, &["audit", "verify", &file]));
    let recomputed = format!("{events} events: every chain link recomputed");
    assert!(printed.contains(&recomputed), "{printed}");
    let hashed = "1 signed texts, each hashed from its words to the root its signatures bind";
    assert!(printed.contains(hashed), "{printed}");

    // No checkpoint covers an event recorded after the last one: the export says what to do.
    setup.comment("après le point de contrôle");
    let create = "create a later checkpoint (pacta checkpoint create)";
    setup
        .export_refused(DEMO_NEGOTIATION, Refused, create)
        .await;
    assert!(!std::path::Path::new(&setup.path("refused.bundle.json")).exists());
}

/// Article "Objet" of the MoU, its heading changed by a byte.
fn change_a_payload_byte(bundle: &mut Value) {
    event_mut(bundle, TARGET)["payload"]["ClauseProposed"]["heading"] = "Objeu".into();
}

/// The last event of the MoU given the next leaf of the journal, another negotiation's.
fn move_the_last_event_to_the_next_leaf(bundle: &mut Value) {
    let tree_size = bundle["checkpoint"]["tree_size"].as_u64().unwrap();
    let last = bundle["events"].as_array_mut().unwrap().last_mut().unwrap();
    let next_leaf = last["leaf_index"].as_u64().unwrap() + 1;
    assert!(next_leaf < tree_size);
    last["leaf_index"] = next_leaf.into();
}

/// The signature of event `sequence` with one bit of its last byte flipped: always a change
/// (overwriting it with 00 was not, one run in 256, when the demo's fresh key happened to sign
/// with a last byte of 00).
pub(crate) fn forge_a_signature(bundle: &mut Value, sequence: usize) {
    let signed = &mut event_mut(bundle, sequence)["payload"]["InstrumentSigned"];
    let signature = signed["signature"].as_str().unwrap();
    let last = u8::from_str_radix(&signature[126..], 16).unwrap() ^ 0x01;
    let forged = format!("{}{last:02x}", &signature[..126]);
    signed["signature"] = forged.into();
}

fn swap_two_events(bundle: &mut Value) {
    let events = bundle["events"].as_array_mut().unwrap();
    events.swap(TARGET - 1, TARGET);
}

fn renumber(bundle: &mut Value) {
    let events = bundle["events"].as_array_mut().unwrap();
    for (i, event) in events.iter_mut().enumerate() {
        event["sequence"] = (i + 1).into();
    }
}

/// A word slipped into the French of the signed text's first article.
fn change_a_signed_word(bundle: &mut Value) {
    let clauses = bundle["signed_texts"][0]["clauses"].as_array_mut().unwrap();
    let article = clauses.iter_mut().find(|c| c["kind"] == "article").unwrap();
    let french = &mut article["versions"]["fr"]["text"];
    let words: Vec<&str> = french.as_str().unwrap().split(' ').collect();
    let changed = [&words[..1], &["ne"], &words[1..]].concat().join(" ");
    *french = changed.into();
}

/// An attacker's edit of a bundle's values.
type Edit<'a> = dyn Fn(&mut Value) + 'a;

/// Attacks on a bundle: each named, with its edit and the problem it must be found for.
type Attacks<'a> = Vec<(&'a str, &'a Edit<'a>, &'a str)>;

/// The tamper matrix of the events: each edit of an exported bundle, and the finding it draws.
async fn every_edit_of_the_events_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let exported = setup.export(DEMO_NEGOTIATION, &[]);
    let signed = first_signature(&exported);
    // A valid signature, and the text root it binds, from the other negotiation.
    let other = setup.export(DEMO_AGREEMENT, &[]);
    let replayed = &other["events"][first_signature(&other) - 1]["payload"]["InstrumentSigned"];
    let replay = |bundle: &mut Value| {
        let target = &mut event_mut(bundle, signed)["payload"]["InstrumentSigned"];
        target["signature"] = replayed["signature"].clone();
        target["text_root_hash"] = replayed["text_root_hash"].clone();
        reseal(bundle);
    };
    let forge = |bundle: &mut Value| {
        forge_a_signature(bundle, signed);
        reseal(bundle);
    };
    let all_leaves = format!(
        "the {} events' leaves",
        exported["events"].as_array().unwrap().len()
    );
    let signed_text = Subject::SignedText {
        revision: 0,
        text_root_hash: exported["signed_texts"][0]["text_root_hash"]
            .as_str()
            .unwrap()
            .to_string(),
    };
    // Each subject, and the edits it must be found for, with the problem found.
    let edits: [(Subject, Attacks); 6] = [
        (
            Subject::Event(TARGET),
            vec![
                (
                    "a byte changed in a payload",
                    &change_a_payload_byte,
                    "the event was altered",
                ),
                (
                    "a byte changed in metadata",
                    &|bundle| event_mut(bundle, TARGET)["metadata"]["actor"] = "koffi.yaO".into(),
                    "the event was altered",
                ),
                (
                    "an event deleted",
                    &|bundle| {
                        bundle["events"].as_array_mut().unwrap().remove(TARGET - 1);
                    },
                    "expected sequence 11; an event is missing",
                ),
                (
                    "two events swapped",
                    &swap_two_events,
                    "expected sequence 11",
                ),
            ],
        ),
        // Resealed, the chain holds, but the recorded hashes are no longer the journal's leaves.
        (
            Subject::JournalProof,
            vec![
                (
                    "a byte changed in a payload, the chain resealed",
                    &|bundle| {
                        change_a_payload_byte(bundle);
                        reseal(bundle);
                    },
                    "an event or its leaf index was changed",
                ),
                (
                    "an event moved to another leaf",
                    &move_the_last_event_to_the_next_leaf,
                    &all_leaves,
                ),
            ],
        ),
        // Renumbered and resealed, the swap still cannot be proved in the signed journal.
        (
            Subject::Event(TARGET + 1),
            vec![(
                "two events swapped, renumbered and resealed",
                &|bundle| {
                    swap_two_events(bundle);
                    renumber(bundle);
                    reseal(bundle);
                },
                "does not follow the previous event's",
            )],
        ),
        // Resealed so the chain holds, a history no negotiation could have is a finding of the
        // replay (never a panic): here an act recorded before the negotiation was opened.
        (
            Subject::Event(1),
            vec![(
                "an act moved before the opening, renumbered and resealed",
                &|bundle| {
                    let events = bundle["events"].as_array_mut().unwrap();
                    let act = events.remove(TARGET - 1);
                    events.insert(0, act);
                    renumber(bundle);
                    reseal(bundle);
                },
                "it cannot follow the events before it in a negotiation: it records",
            )],
        ),
        (
            Subject::Signature(signed),
            vec![
                ("a forged draft signature", &forge, "does not verify"),
                (
                    "a signature replayed on another text",
                    &replay,
                    "but the text before it has root",
                ),
                (
                    "the signed text removed from the header",
                    &|bundle| {
                        bundle["signed_texts"].as_array_mut().unwrap().clear();
                    },
                    "signed_texts holds no text of revision 0 with root",
                ),
            ],
        ),
        // The words an auditor reads are hashed to the root the signatures bind, with no replay.
        (
            signed_text,
            vec![
                (
                    "a word changed in the signed text",
                    &change_a_signed_word,
                    "these are not the words signed",
                ),
                (
                    "a clause dropped from the signed text",
                    &|bundle| {
                        let clauses = &mut bundle["signed_texts"][0]["clauses"];
                        clauses.as_array_mut().unwrap().pop();
                    },
                    "these are not the words signed",
                ),
            ],
        ),
    ];
    for (subject, attacks) in edits {
        for (attack, edit, problem) in attacks {
            let mut bundle = exported.clone();
            edit(&mut bundle);
            let result = verify(&bundle, None);
            if attack == "a byte changed in a payload, the chain resealed" {
                let findings = result.as_ref().unwrap_err();
                assert_eq!(
                    findings.len(),
                    1,
                    "only the journal proof fails: {findings:?}"
                );
            }
            assert_found(attack, result, subject.clone(), problem);
        }
    }
}

async fn a_tail_cut_short_in_the_store_is_refused_by_the_export(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let events = setup.export(DEMO_NEGOTIATION, &[])["events"]
        .as_array()
        .unwrap()
        .len();
    setup
        .delete_events(&format!("sequence > {}", events - 3))
        .await;
    let cut = "the history was cut short";
    setup.export_refused(DEMO_NEGOTIATION, Integrity, cut).await;
}

/// Events cut from the end of the bundle file leave a chain and proofs that verify; only the head
/// the auditor kept from `pacta verify` shows the cut, and a rewritten head.
async fn a_bundle_cut_short_after_export_is_found_against_a_kept_head(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
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
    let kept_head = ["audit", "verify", &file, "--trusted-head", &head];
    let whole = ok(&setup.store, &kept_head);
    assert!(whole.contains("reaches the head you kept"), "{whole}");

    let events = bundle["events"].as_array_mut().unwrap();
    let kept_len = events.len() - 3;
    events.truncate(kept_len);
    assert_found(
        "a bundle cut short, its journal proof left as it was",
        verify(&bundle, None),
        Subject::JournalProof,
        &format!("the {kept_len} events' leaves"),
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
    let proof = pacta_verify::journal::multiproof::prove(&leaves, &kept).unwrap();
    bundle["journal_proof"] = pacta_verify::journal::proof_hex(&proof).into();
    assert!(
        verify(&bundle, None).is_ok(),
        "without a kept head a cut with a new proof cannot be seen"
    );
    let cut = bundle_text(&bundle);
    let before_head = format!("bundle: it ends at event {kept_len}, before the head you kept");
    let trusted_head = ["--trusted-head", &head];
    setup
        .verify_refused(&cut, &trusted_head, Integrity, &before_head)
        .await;
    let (sequence, _) = head.split_once(':').unwrap();
    let rewritten = format!("{}:{}", kept_len, "0".repeat(64));
    let its_hash = format!("event {kept_len}: its hash is");
    let trusted_head = ["--trusted-head", &rewritten];
    setup
        .verify_refused(&cut, &trusted_head, Integrity, &its_hash)
        .await;
    assert_ne!(sequence, kept_len.to_string());
}

async fn a_deleted_negotiation_is_refused_by_the_export(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    setup.delete_events("TRUE").await;
    let deleted = "the negotiation was deleted";
    setup
        .export_refused(DEMO_NEGOTIATION, Integrity, deleted)
        .await;
}

async fn a_restore_from_before_a_cosigned_checkpoint_fails_against_it(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let store = &setup.store;
    let first = setup.keep_checkpoint(None).checkpoint.tree_size;
    // A party's signatory, with a key kept in a file, co-signs a later checkpoint.
    let civ_public = generate_key(store, &setup.path("civ.key"));
    setup.comment("enregistré avant la sauvegarde perdue");
    open_civ_mar(store, "civ-mar-restore", "Mémorandum", "mou");
    accredit_civ_signatory(store, "civ-mar-restore", &civ_public);
    setup.create_checkpoint();
    let cosigned = setup.keep_checkpoint(None);
    let size = cosigned.checkpoint.tree_size.to_string();
    assert_ok(&cosign(
        store,
        "minister.civ",
        &size,
        &setup.path("civ.key"),
    ));
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
    let journal = ["events", "journal_leaves", "checkpoints", "cosignatures"];
    store.lift_append_only_guards(&journal).await;
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
    let lost = "no negotiation 'civ-mar-restore'";
    setup.export_refused("civ-mar-restore", Refused, lost).await;
    let bundle = setup.export(DEMO_NEGOTIATION, &[]);
    assert_found_only_against(
        "the database restored from before a co-signed checkpoint",
        &bundle,
        &trusted,
        "the ledger was rolled back",
    );

    // The same trusted checkpoint, with no rollback, needs and gets a consistency proof.
    let setup = CheckpointedDemo::new(backend).await;
    let kept = setup.keep_checkpoint(None);
    let kept_size = kept.checkpoint.tree_size.to_string();
    setup.comment("plus tard");
    setup.create_checkpoint();
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

async fn a_checkpoint_signed_with_another_key_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let trusted = setup.keep_checkpoint(None);
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let stranger_public = generate_key(&setup.store, &setup.path("stranger.key"));
    let stranger =
        pacta::keys::read_signing_key(std::path::Path::new(&setup.path("stranger.key"))).unwrap();
    let checkpoint = audit::parse_bundle(&bundle_text(&bundle))
        .unwrap()
        .header
        .checkpoint;
    let body = pacta_verify::journal::CheckpointBody {
        ledger_id: checkpoint.ledger_id.clone(),
        tree_size: checkpoint.tree_size,
        root: pacta_verify::journal::parse_hash(&checkpoint.root_hash).unwrap(),
        time: checkpoint.created_at,
    };
    bundle["checkpoint"]["signature"] = pacta_verify::journal::sign(&stranger, &body.body()).into();
    assert_found(
        "a checkpoint signed with a key that is not the ledger's",
        verify(&bundle, None),
        Subject::Checkpoint,
        "its ledger signature",
    );
    // The attacker also swaps the key the bundle names: only the auditor's checkpoint tells.
    bundle["checkpoint"]["ledger_public_key"] = stranger_public.clone().into();
    bundle["keys"]["ledger"] = stranger_public.into();
    assert_found_only_against(
        "a checkpoint signed with another key, the key swapped too",
        &bundle,
        &trusted,
        "not the same ledger",
    );
}

async fn a_malformed_or_unknown_version_bundle_is_refused_in_one_line(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let mut bundle = setup.export(DEMO_NEGOTIATION, &[]);
    let good = bundle_text(&bundle);
    let mut unknown = bundle.clone();
    unknown["format_version"] = 4.into();
    let mut version_2 = bundle.clone();
    version_2["format_version"] = 2.into();
    version_2.as_object_mut().unwrap().remove("signed_texts");
    let mut header = bundle.clone();
    header["checkpoint"] = "none".into();
    let (first, events) = good.split_once('\n').unwrap();
    let not_a_line = format!(
        "{first}\n[\"first\",{}",
        &events[events.find(',').unwrap() + 1..]
    );
    let spaced = format!("{first}\n{}", events.replacen(",\"", ", \"", 1));
    let not_an_audit_bundle = "not an audit bundle: its first line is not a JSON header";
    // Version 1 was one pretty-printed document; it is named, and the way out given.
    let version_1 = "{\n  \"format_version\": 1,\n  \"events\": []\n}\n".to_string();
    let export_it_again = "format version 1 is not 3, the one this verifier reads: export it again";
    let export_version_2_again =
        "format version 2 is not 3, the one this verifier reads: export it again";
    let crlf = good.replace('\n', "\r\n");
    let cut_mid_line = good[..good.len() - 1].to_string();
    // The header's ledger key stated twice, the second time an attacker's: a reader keeping the
    // first and one keeping the last would check the checkpoint under different keys.
    let repeated = good.replacen(
        "\"ledger\":",
        &format!("\"ledger\":\"{}\",\"ledger\":", "0".repeat(64)),
        1,
    );
    assert_ne!(repeated, good);
    for (text, expected) in [
        ("{ not json".to_string(), not_an_audit_bundle),
        (
            "[]\n".into(),
            "not an audit bundle: it has no format_version",
        ),
        (bundle_text(&unknown), "format version 4 is not 3"),
        (version_1, export_it_again),
        (bundle_text(&version_2), export_version_2_again),
        (crlf, "line 1 holds a carriage return"),
        (cut_mid_line, "its last line does not end in a line feed"),
        (repeated, "the key keys.ledger appears twice in one object"),
        (bundle_text(&header), "a malformed audit bundle header"),
        (not_a_line, "line 2: not an event line"),
        (spaced, "line 2: not an event line"),
    ] {
        setup.verify_refused(&text, &[], Integrity, expected).await;
    }

    // A record that is not an event, and findings printed one per line, naming the events.
    bundle["events"][TARGET - 1]["metadata"]["actor"] = "someone".into();
    bundle["events"][TARGET]["payload"] = serde_json::json!({"NotAnEvent": {}});
    let file = setup.path("doctored.bundle");
    std::fs::write(&file, bundle_text(&bundle)).unwrap();
    let output = pacta(&setup.store, &["audit", "verify", &file]);
    assert_eq!(output.status.code(), Some(Integrity as i32), "{output:?}");
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
