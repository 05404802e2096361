//! `pacta verify` with no negotiation verifies the whole ledger (docs/ledger-format.md §9,
//! "Verifying the whole ledger"), on both stores: each attack below leaves every chain it did
//! not touch intact, and is caught only by the journal, a checkpoint or a co-signature. And an
//! audit bundle counts a co-signature only by a signatory the negotiation accredits (§10 rule 4).

use crate::common::cli::ExitCode::Integrity;
use crate::common::cli::{
    accredit_civ_signatory, assert_ok, cosign, create_checkpoint, generate_key, json, ok,
    open_civ_mar, pacta, stderr, stdout,
};
use crate::common::cli::{CheckpointedDemo, DEMO_TARGET_SEQUENCE};
use crate::common::Backend;
use cqrs_es::persist::SerializedEvent;
use pacta::demo::DEMO_NEGOTIATION;
use pacta_verify::audit::{self, BundleCosignature, Subject};
use pacta_verify::journal::{self, CheckpointBody, SignedCheckpoint};

on_both_stores!(
    a_clean_demo_with_a_checkpoint_verifies,
    the_last_events_of_a_negotiation_deleted_are_found,
    a_chain_rewritten_and_resealed_is_found,
    one_journal_leaf_changed_is_found,
    a_checkpoint_signature_changed_is_found,
    two_events_global_positions_swapped_are_found,
    a_cosignature_by_a_person_never_accredited_is_found,
    a_bundle_counts_no_cosignature_by_a_non_signatory,
);

const TARGET: usize = DEMO_TARGET_SEQUENCE;

impl CheckpointedDemo {
    /// The latest checkpoint, as `pacta checkpoint show --json` prints it.
    fn latest_checkpoint(&self) -> SignedCheckpoint {
        let shown = json(&self.store, &["checkpoint", "show"]);
        serde_json::from_value(shown["checkpoint"].clone()).unwrap()
    }

    /// `pacta verify` must fail as an integrity failure, naming each of `expected` on stderr.
    fn verify_finds(&self, case: &str, expected: &[&str]) -> String {
        let output = pacta(&self.store, &["verify"]);
        let message = stderr(&output);
        assert_eq!(
            output.status.code(),
            Some(Integrity as i32),
            "{case}: pacta verify must exit 3; stdout: {}\nstderr: {message}",
            stdout(&output)
        );
        for expected in expected {
            assert!(
                message.contains(expected),
                "{case}: expected '{expected}' in:\n{message}"
            );
        }
        message
    }
}

/// One SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

async fn a_clean_demo_with_a_checkpoint_verifies(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let size = setup.latest_checkpoint().tree_size;
    let printed = ok(&setup.store, &["verify"]);
    for expected in [
        &format!("{DEMO_NEGOTIATION}: ")[..],
        "chain intact, head ",
        "every link intact",
        &format!("journal: {size} leaves"),
        "(0 events not yet journaled)",
        "1 checkpoints",
        &format!("checkpoint {size}: every event it covers is still in the store, unchanged"),
    ] {
        assert!(printed.contains(expected), "'{expected}' in:\n{printed}");
    }

    // A signatory co-signs a later checkpoint; an event recorded after it is not journaled
    // yet by the checkpoint, and is no finding.
    let civ_public = generate_key(&setup.store, &setup.path("civ.key"));
    open_civ_mar(&setup.store, "civ-mar-verify", "Mémorandum", "mou");
    accredit_civ_signatory(&setup.store, "civ-mar-verify", &civ_public);
    create_checkpoint(&setup.store, &setup.path("ledger.key"));
    let size = setup.latest_checkpoint().tree_size.to_string();
    assert_ok(&cosign(
        &setup.store,
        "minister.civ",
        &size,
        &setup.path("civ.key"),
    ));
    let printed = ok(&setup.store, &["verify"]);
    assert!(printed.contains("1 co-signatures"), "{printed}");
    assert!(printed.contains("2 checkpoints"), "{printed}");
}

async fn the_last_events_of_a_negotiation_deleted_are_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let recorded = setup
        .store
        .ledger()
        .events(DEMO_NEGOTIATION)
        .await
        .unwrap()
        .len();
    setup.store.lift_append_only_guards(&["events"]).await;
    let kept = recorded - 3;
    setup
        .store
        .raw(&format!(
            "DELETE FROM events WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence > {kept}"
        ))
        .await;
    // The shorter chain still links: only the journal shows the cut.
    setup.store.ledger().verify(DEMO_NEGOTIATION).await.unwrap();
    let size = setup.latest_checkpoint().tree_size;
    setup.verify_finds(
        "the last events of a negotiation deleted",
        &[&format!(
            "checkpoint {size} covers event {} of '{DEMO_NEGOTIATION}'",
            kept + 1
        ),
        &format!("which is no longer in the store (it holds events up to {kept}): the history was cut short")],
    );
}

async fn a_chain_rewritten_and_resealed_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let target = format!("aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = {TARGET}");
    setup
        .store
        .tamper_events("payload", ("Objet", "Objat"), &target)
        .await;
    // The attacker re-seals every event from the one changed, so the chain links again.
    let mut events: Vec<SerializedEvent> = setup
        .store
        .database
        .read_stream_before(DEMO_NEGOTIATION, usize::MAX)
        .await
        .unwrap();
    let mut prev = pacta_verify::chain::GENESIS_HASH;
    let mut reseal = String::new();
    for event in &mut events {
        if event.sequence < TARGET {
            prev = pacta_verify::chain::hash_field(event).unwrap();
            continue;
        }
        prev = pacta_verify::chain::seal(event, &prev).unwrap();
        let metadata = literal(&event.metadata.to_string());
        let metadata = match backend {
            Backend::Postgres => format!("{metadata}::jsonb"),
            Backend::Sqlite => metadata,
        };
        reseal.push_str(&format!(
            "UPDATE events SET metadata = {metadata}
              WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = {};\n",
            event.sequence
        ));
    }
    setup.store.raw(&reseal).await;
    setup
        .store
        .ledger()
        .verify(DEMO_NEGOTIATION)
        .await
        .expect("the re-sealed chain links");
    let size = setup.latest_checkpoint().tree_size;
    setup.verify_finds(
        "a chain rewritten and re-sealed",
        &[
            &format!("event {TARGET} of '{DEMO_NEGOTIATION}' has chain hash"),
            &format!("but checkpoint {size} covers it"),
            "the history was rewritten after the checkpoint",
        ],
    );
}

async fn one_journal_leaf_changed_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    setup
        .store
        .lift_append_only_guards(&["journal_leaves"])
        .await;
    setup
        .store
        .raw(
            "UPDATE journal_leaves SET chain_hash =
                (SELECT chain_hash FROM journal_leaves WHERE leaf_index = 6)
              WHERE leaf_index = 5",
        )
        .await;
    let size = setup.latest_checkpoint().tree_size;
    setup.verify_finds(
        "one journal leaf changed",
        &[
            "journal leaf 5 holds event",
            "but the event at that place in commit order is event",
            &format!("checkpoint {size} signs root"),
        ],
    );
}

async fn a_checkpoint_signature_changed_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let checkpoint = setup.latest_checkpoint();
    let mut signature = checkpoint.signature.clone().into_bytes();
    signature[0] = if signature[0] == b'0' { b'1' } else { b'0' };
    let signature = String::from_utf8(signature).unwrap();
    setup.store.lift_append_only_guards(&["checkpoints"]).await;
    setup
        .store
        .raw(&format!(
            "UPDATE checkpoints SET signature = '{signature}' WHERE tree_size = {}",
            checkpoint.tree_size
        ))
        .await;
    setup.verify_finds(
        "a checkpoint's signature changed",
        &[&format!(
            "checkpoint {}'s ledger signature does not verify",
            checkpoint.tree_size
        )],
    );
}

async fn two_events_global_positions_swapped_are_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let store = &setup.store;
    // Leaf 0, the MoU's first event, and the first leaf of another negotiation.
    let leaves: Vec<(i64, String, i64)> = match &store.database {
        pacta_ledger::store::Database::Postgres(pool) => sqlx::query_as(
            "SELECT leaf_index, negotiation_id, sequence FROM journal_leaves ORDER BY leaf_index",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        pacta_ledger::store::Database::Sqlite(pool) => sqlx::query_as(
            "SELECT leaf_index, negotiation_id, sequence FROM journal_leaves ORDER BY leaf_index",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    let first = &leaves[0];
    let other = leaves
        .iter()
        .find(|(_, negotiation, _)| *negotiation != first.1)
        .expect("the demo has two negotiations");
    let event = |(_, negotiation, sequence): &(i64, String, i64)| {
        format!("aggregate_id = '{negotiation}' AND sequence = {sequence}")
    };
    let (a, b) = (event(first), event(other));
    store.lift_append_only_guards(&["events"]).await;
    // On PostgreSQL commit order is (transaction id, global position): both move together.
    let (columns, a_set, b_set) = match backend {
        Backend::Postgres => (
            format!(
                "(SELECT global_position FROM events WHERE {a}) AS pa,
                 (SELECT transaction_id FROM events WHERE {a}) AS ta,
                 (SELECT global_position FROM events WHERE {b}) AS pb,
                 (SELECT transaction_id FROM events WHERE {b}) AS tb"
            ),
            "global_position = (SELECT pb FROM swap), transaction_id = (SELECT tb FROM swap)",
            "global_position = (SELECT pa FROM swap), transaction_id = (SELECT ta FROM swap)",
        ),
        Backend::Sqlite => (
            format!(
                "(SELECT global_position FROM events WHERE {a}) AS pa,
                 (SELECT global_position FROM events WHERE {b}) AS pb"
            ),
            "global_position = (SELECT pb FROM swap)",
            "global_position = (SELECT pa FROM swap)",
        ),
    };
    store
        .raw(&format!(
            "CREATE TEMP TABLE swap AS SELECT {columns};
             UPDATE events SET global_position = -1 WHERE {a};
             UPDATE events SET {b_set} WHERE {b};
             UPDATE events SET {a_set} WHERE global_position = -1;
             DROP TABLE swap;"
        ))
        .await;
    // Every chain still links.
    store.ledger().verify(DEMO_NEGOTIATION).await.unwrap();
    let message = setup.verify_finds(
        "two events' global positions swapped",
        &[
            &format!("journal leaf 0 holds event {} of '{}'", first.2, first.1),
            &format!(
                "but the event at that place in commit order is event {} of '{}'",
                other.2, other.1
            ),
        ],
    );
    assert!(
        message.contains(&format!("journal leaf {} holds event", other.0)),
        "{message}"
    );
}

/// A co-signature row written straight into the store, signed by a key no negotiation accredits.
async fn a_cosignature_by_a_person_never_accredited_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let checkpoint = setup.latest_checkpoint();
    let stranger_public = generate_key(&setup.store, &setup.path("stranger.key"));
    let stranger =
        pacta::keys::read_signing_key(std::path::Path::new(&setup.path("stranger.key"))).unwrap();
    let signed_at = checkpoint.created_at + 60;
    let signature = journal::sign(&stranger, &body(&checkpoint).cosignature_message(signed_at));
    setup
        .store
        .raw(&format!(
            "INSERT INTO cosignatures (tree_size, party, person, public_key, signature, signed_at)
             VALUES ({}, 'MAR', 'someone.else', '{stranger_public}', '{signature}', {signed_at})",
            checkpoint.tree_size
        ))
        .await;
    setup.verify_finds(
        "a co-signature by a person never accredited",
        &[&format!(
            "the co-signature of MAR on checkpoint {}: someone.else is not accredited as MAR's signatory with key {stranger_public}",
            checkpoint.tree_size
        )],
    );
}

fn body(checkpoint: &SignedCheckpoint) -> CheckpointBody {
    CheckpointBody {
        ledger_id: checkpoint.ledger_id.clone(),
        tree_size: checkpoint.tree_size,
        root: journal::parse_hash(&checkpoint.root_hash).unwrap(),
        time: checkpoint.created_at,
    }
}

/// Before §10 rule 4 required an accredited signatory, a bundle accepted a co-signature by
/// anyone the negotiation never accredited, under any key.
async fn a_bundle_counts_no_cosignature_by_a_non_signatory(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let store = &setup.store;
    // minister.civ is accredited in another negotiation, and co-signs a checkpoint.
    let civ_public = generate_key(store, &setup.path("civ.key"));
    open_civ_mar(store, "civ-mar-cosign", "Mémorandum", "mou");
    accredit_civ_signatory(store, "civ-mar-cosign", &civ_public);
    create_checkpoint(store, &setup.path("ledger.key"));
    let checkpoint = setup.latest_checkpoint();
    let size = checkpoint.tree_size.to_string();
    assert_ok(&cosign(
        store,
        "minister.civ",
        &size,
        &setup.path("civ.key"),
    ));

    let export = |negotiation: &str| {
        let out = setup.path(&format!("{negotiation}.bundle"));
        ok(store, &["audit", "export", negotiation, "--out", &out]);
        std::fs::read_to_string(&out).unwrap()
    };
    // Where the negotiation accredits the co-signer, the co-signature counts.
    let text = export("civ-mar-cosign");
    let bundle = audit::parse_bundle(&text).unwrap();
    let report = audit::verify(&bundle, None, None).expect("the bundle verifies");
    assert_eq!(report.cosignatures, 1);

    // The MoU never accredited minister.civ: the export leaves the co-signature out, and one
    // put back in (or a stranger's, validly signed) is a finding.
    let text = export(DEMO_NEGOTIATION);
    let mut bundle = audit::parse_bundle(&text).unwrap();
    assert!(bundle.header.cosignatures.is_empty(), "{:?}", bundle.header);
    assert_eq!(audit::verify(&bundle, None, None).unwrap().cosignatures, 0);
    let stranger_public = generate_key(store, &setup.path("stranger.key"));
    let stranger =
        pacta::keys::read_signing_key(std::path::Path::new(&setup.path("stranger.key"))).unwrap();
    let signed_at = checkpoint.created_at + 60;
    bundle.header.cosignatures.push(BundleCosignature {
        party: "CIV".into(),
        person: "stranger".into(),
        public_key: stranger_public.clone(),
        signature: journal::sign(&stranger, &body(&checkpoint).cosignature_message(signed_at)),
        signed_at,
    });
    let findings = audit::verify(&bundle, None, None).expect_err("a non-signatory's co-signature");
    let expected = format!(
        "co-signature of CIV: stranger is not accredited as CIV's signatory with key {stranger_public}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.subject == Subject::Cosignature("CIV".into()) && f.to_string() == expected),
        "expected '{expected}' in {findings:?}"
    );
    assert_eq!(
        findings.len(),
        1,
        "its signature itself verifies: {findings:?}"
    );
}
