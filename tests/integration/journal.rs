//! The journal on both stores: one leaf per event in commit order, signed checkpoints and
//! co-signatures, inclusion and consistency proofs, refusals that write nothing, and a process
//! killed mid-catch-up that leaves the leaves dense.

use std::time::{Duration, Instant};

use crate::common::cli::{self, create_checkpoint, generate_key, ok, Negotiation, PROPOSE_OBJET};
use crate::common::kill::{kill_at_failpoint, FAILPOINT_TIMEOUT};
use crate::common::{Backend, TestStore};
use pacta_ledger::store::{CommitCursor, Database};
use pacta_verify::journal::{self, CheckpointBody};

on_both_stores!(
    checkpoints_cosignatures_and_proofs_follow_the_journal,
    a_cosigner_refuses_a_checkpoint_over_a_rewritten_journal,
    a_process_killed_mid_catch_up_leaves_the_journal_dense,
    a_journal_begun_without_frontiers_gains_them_and_checkpoints_agree,
);

/// (leaf index, negotiation, sequence, chain hash), in leaf order.
async fn leaves(database: &Database) -> Vec<(i64, String, i64, String)> {
    const QUERY: &str = "SELECT leaf_index, negotiation_id, sequence, chain_hash
                           FROM journal_leaves ORDER BY leaf_index";
    match database {
        Database::Postgres(pool, _) => sqlx::query_as(QUERY).fetch_all(pool).await,
        Database::Sqlite(pool) => sqlx::query_as(QUERY).fetch_all(pool).await,
    }
    .unwrap()
}

async fn count(database: &Database, table: &str) -> i64 {
    let query = format!("SELECT count(*) FROM {table}");
    match database {
        Database::Postgres(pool, _) => sqlx::query_scalar(&query).fetch_one(pool).await,
        Database::Sqlite(pool) => sqlx::query_scalar(&query).fetch_one(pool).await,
    }
    .unwrap()
}

/// Every committed event as (negotiation, sequence, chain hash), in commit order.
async fn committed(database: &Database) -> Vec<(String, i64, String)> {
    database
        .read_committed(CommitCursor::default(), 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.event.aggregate_id.clone(),
                c.event.sequence as i64,
                c.event.metadata["hash"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The journal holds exactly one leaf per committed event, in commit order, indexed 0..n-1,
/// and a frontier at its size.
async fn assert_journal_is_the_ledger_in_commit_order(database: &Database) {
    let leaves = leaves(database).await;
    let expected = committed(database).await;
    assert_eq!(leaves.len(), expected.len());
    for (i, ((index, negotiation, sequence, hash), (e_neg, e_seq, e_hash))) in
        leaves.iter().zip(&expected).enumerate()
    {
        assert_eq!(*index, i as i64);
        assert_eq!((negotiation, sequence, hash), (e_neg, e_seq, e_hash));
    }
    let sizes = assert_frontiers_give_the_roots_of_the_leaves(database).await;
    assert_eq!(sizes.last().copied(), Some(leaves.len() as u64));
}

/// Every stored frontier's root is the root of the leaves up to its size; returns the sizes.
async fn assert_frontiers_give_the_roots_of_the_leaves(database: &Database) -> Vec<u64> {
    const QUERY: &str = "SELECT tree_size FROM journal_frontiers ORDER BY tree_size";
    let sizes: Vec<i64> = match database {
        Database::Postgres(pool, _) => sqlx::query_scalar(QUERY).fetch_all(pool).await,
        Database::Sqlite(pool) => sqlx::query_scalar(QUERY).fetch_all(pool).await,
    }
    .unwrap();
    let leaves: Vec<[u8; 32]> = leaves(database)
        .await
        .iter()
        .map(|(.., hash)| journal::parse_hash(hash).unwrap())
        .collect();
    for size in &sizes {
        let size = *size as u64;
        let stored = database.journal_root(size).await.unwrap();
        assert_eq!(
            stored,
            Some(journal::root(&leaves[..size as usize])),
            "frontier at {size}"
        );
    }
    sizes.into_iter().map(|s| s as u64).collect()
}

/// Runs a command that must be refused in one line containing `expected`, and checks that it
/// wrote no checkpoint, co-signature or event.
async fn refused(store: &TestStore, args: &[&str], expected: &str) {
    let before = (
        count(&store.database, "checkpoints").await,
        count(&store.database, "cosignatures").await,
        store.event_count().await,
    );
    let output = cli::pacta(store, args);
    let message = cli::stderr(&output);
    assert!(!output.status.success(), "{args:?} was accepted");
    assert!(message.contains(expected), "{args:?}: {message}");
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
    let after = (
        count(&store.database, "checkpoints").await,
        count(&store.database, "cosignatures").await,
        store.event_count().await,
    );
    assert_eq!(before, after, "{args:?} wrote nothing");
}

fn json(store: &TestStore, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(store, args)).unwrap()
}

fn hashes(value: &serde_json::Value) -> Vec<[u8; 32]> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|h| journal::parse_hash(h.as_str().unwrap()).unwrap())
        .collect()
}

fn hash(value: &serde_json::Value) -> [u8; 32] {
    journal::parse_hash(value.as_str().unwrap()).unwrap()
}

const NEG: &str = "civ-mar-journal";

/// Opens `NEG` and accredits `minister.civ` as CIV's signatory with `civ_public`.
fn open_with_signatory(store: &TestStore, civ_public: &str) {
    cli::open_civ_mar(store, NEG, "Mémorandum", "mou");
    cli::accredit_civ_signatory(store, NEG, civ_public);
}

/// `minister.civ` co-signs the checkpoint of `size` with the key in the file `key`, which must
/// succeed; returns what it printed.
fn minister_cosigns(store: &TestStore, size: &str, key: &str) -> String {
    cli::assert_ok(&cli::cosign(store, "minister.civ", size, key))
}

async fn checkpoints_cosignatures_and_proofs_follow_the_journal(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    ok(&store, &["demo"]);
    assert_journal_is_the_ledger_in_commit_order(&store.database).await;
    let first_size = leaves(&store.database).await.len();

    let (ledger_key, civ_key, stranger_key) = (path("ledger.key"), path("civ.key"), path("x.key"));
    let ledger_public = generate_key(&store, &ledger_key);
    let civ_public = generate_key(&store, &civ_key);
    generate_key(&store, &stranger_key);

    let created = create_checkpoint(&store, &ledger_key);
    assert!(
        created.starts_with(&format!("checkpoint {first_size}: root ")),
        "{created}"
    );
    let first = json(&store, &["checkpoint", "show", "--json"]);
    assert_eq!(first["checkpoint"]["tree_size"], first_size);
    assert_eq!(first["checkpoint"]["ledger_public_key"], ledger_public);
    let stored: Vec<[u8; 32]> = leaves(&store.database)
        .await
        .iter()
        .map(|l| journal::parse_hash(&l.3).unwrap())
        .collect();
    assert_eq!(
        hash(&first["checkpoint"]["root_hash"]),
        journal::root(&stored)
    );
    refused(
        &store,
        &["checkpoint", "create", "--key", &ledger_key],
        "exists already",
    )
    .await;

    // A negotiation with a signatory accredited with a key kept in a file.
    let neg = NEG;
    open_with_signatory(&store, &civ_public);
    // The ledger's key is fixed by the first checkpoint.
    refused(
        &store,
        &["checkpoint", "create", "--key", &stranger_key],
        "is not the ledger's key",
    )
    .await;
    // Co-signing: not a signatory, not the accredited key, an unknown checkpoint.
    let size = first_size.to_string();
    for (person, size, key, expected) in [
        (
            "civ.head",
            size.as_str(),
            &civ_key,
            "not an accredited signatory",
        ),
        (
            "minister.civ",
            &size,
            &stranger_key,
            "is not minister.civ's accredited signing key",
        ),
        (
            "minister.civ",
            "9999",
            &civ_key,
            "no checkpoint of size 9999",
        ),
    ] {
        refused(&store, &cli::cosign_args(person, size, key), expected).await;
    }
    let cosigned = minister_cosigns(&store, &size, &civ_key);
    assert_eq!(
        cosigned.trim(),
        format!("checkpoint {size} co-signed for CIV by minister.civ")
    );

    // More acts, a second checkpoint; the party co-signs it after checking consistency.
    create_checkpoint(&store, &ledger_key);
    assert_journal_is_the_ledger_in_commit_order(&store.database).await;
    let second = json(&store, &["checkpoint", "show", "--json"]);
    let second_size = second["checkpoint"]["tree_size"].as_u64().unwrap();
    assert_eq!(second_size, leaves(&store.database).await.len() as u64);
    assert!(second_size > first_size as u64);
    minister_cosigns(&store, &second_size.to_string(), &civ_key);
    let shown = json(
        &store,
        &["checkpoint", "show", &second_size.to_string(), "--json"],
    );
    assert_eq!(shown["cosignatures"][0]["party"], "CIV");

    // The first event ever recorded, proved in the second checkpoint, and checked here too.
    let (_, first_neg, first_seq, first_hash) = leaves(&store.database).await[0].clone();
    let inclusion = json(
        &store,
        &[
            "proof",
            "inclusion",
            &first_neg,
            &first_seq.to_string(),
            "--checkpoint",
            &second_size.to_string(),
            "--json",
        ],
    );
    assert_eq!(inclusion["leaf_index"], 0);
    let second_root = hash(&second["checkpoint"]["root_hash"]);
    let proof = hashes(&inclusion["proof"]);
    let leaf = journal::parse_hash(&first_hash).unwrap();
    journal::verify_inclusion(&second_root, second_size, 0, &leaf, &proof).unwrap();
    assert!(journal::verify_inclusion(&second_root, second_size, 1, &leaf, &proof).is_err());
    let consistency = json(
        &store,
        &[
            "proof",
            "consistency",
            &size,
            &second_size.to_string(),
            "--json",
        ],
    );
    let first_root = hash(&first["checkpoint"]["root_hash"]);
    let proof = hashes(&consistency["proof"]);
    journal::verify_consistency(
        &first_root,
        first_size as u64,
        &second_root,
        second_size,
        &proof,
    )
    .unwrap();
    // The event recorded after the second checkpoint is not in it.
    Negotiation::new(&store, neg).ok("civ.head", "propose", &PROPOSE_OBJET);
    let (_, _, last_seq, _) = leaves(&store.database).await.last().unwrap().clone();
    refused(
        &store,
        &[
            "proof",
            "inclusion",
            neg,
            &last_seq.to_string(),
            "--checkpoint",
            &second_size.to_string(),
        ],
        "after checkpoint",
    )
    .await;

    // A forged checkpoint: validly signed with the ledger's key, over a root the journal does
    // not give. Neither a co-signer nor a proof accepts it.
    let forged_size = second_size + 1;
    let ledger_id = second["checkpoint"]["ledger_id"].as_str().unwrap();
    let body = CheckpointBody {
        ledger_id: ledger_id.to_string(),
        tree_size: forged_size,
        root: [0x42; 32],
        time: 1_767_225_600,
    };
    let key = pacta::keys::read_signing_key(std::path::Path::new(&ledger_key)).unwrap();
    let signature = journal::sign(&key, &body.body());
    store
        .raw(&format!(
            "INSERT INTO checkpoints (tree_size, root_hash, created_at, ledger_id, \
             ledger_public_key, signature) VALUES ({forged_size}, '{}', 1767225600, '{ledger_id}', \
             '{ledger_public}', '{signature}')",
            hex::encode([0x42u8; 32])
        ))
        .await;
    let forged = forged_size.to_string();
    let cosign_forged = cli::cosign_args("minister.civ", &forged, &civ_key);
    refused(&store, &cosign_forged, "does not match the journal").await;
    refused(
        &store,
        &["proof", "consistency", &size, &forged],
        &format!("checkpoint {forged} does not match the journal"),
    )
    .await;
    // And the ledger refuses to sign past it.
    refused(
        &store,
        &["checkpoint", "create", "--key", &ledger_key],
        "exists already",
    )
    .await;
    // The journal is never rebuilt.
    refused(
        &store,
        &["projections", "rebuild", "journal"],
        "the journal is never rebuilt",
    )
    .await;
    ok(&store, &["projections", "rebuild"]);
    assert_journal_is_the_ledger_in_commit_order(&store.database).await;
}

async fn a_process_killed_mid_catch_up_leaves_the_journal_dense(backend: Backend) {
    let store = TestStore::new(backend).await;
    // Recorded through the library: committed, not yet projected.
    store.ledger().record_demo().await;
    assert!(leaves(&store.database).await.is_empty());
    // On PostgreSQL the commit-order reader holds events back while an older transaction runs
    // anywhere on the server (another test's): wait until it sees them all, as it then always
    // will, so that every killed run finds the batches it is stopped in.
    let events = store.event_count().await as u64;
    let deadline = Instant::now() + FAILPOINT_TIMEOUT;
    while (committed(&store.database).await.len() as u64) < events {
        assert!(
            Instant::now() < deadline,
            "the commit-order reader holds events back"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // One event per batch, so each run is stopped after exactly `nth - 1` or `nth` more leaves:
    // past the nth batch's commit, or with the nth batch written but not committed (lost whole).
    let stops = [
        ("projector-batch-committed", 1, 1),
        ("projector-batch-uncommitted", 3, 2),
        ("projector-batch-uncommitted", 1, 0),
        ("projector-batch-committed", 4, 4),
    ];
    let mut written = 0;
    let catch_up = ["projections", "catch-up", "--batch-events", "1"];
    for (point, nth, added) in stops {
        kill_at_failpoint(&store, &catch_up, point, nth);
        written += added;
        assert!(written < events, "the demo has events left to catch up");
        // Whatever it wrote is a prefix of the ledger in commit order, with no gap, the journal's
        // checkpoint counts exactly those leaves, and a frontier stands at their count.
        let leaves = leaves(&store.database).await;
        assert_eq!(leaves.len() as u64, written, "stopped at {point} #{nth}");
        let expected = committed(&store.database).await;
        for (i, (index, negotiation, sequence, hash)) in leaves.iter().enumerate() {
            assert_eq!(*index, i as i64);
            assert_eq!(
                &expected[i],
                &(negotiation.clone(), *sequence, hash.clone())
            );
        }
        let statuses = pacta_ledger::views::status(&store.database).await.unwrap();
        let journal = statuses
            .iter()
            .find(|s| s.view == pacta_ledger::views::View::Journal)
            .unwrap();
        assert_eq!(journal.events_applied, written, "stopped at {point} #{nth}");
        let sizes = assert_frontiers_give_the_roots_of_the_leaves(&store.database).await;
        assert_eq!(
            sizes.last().copied(),
            Some(written),
            "stopped at {point} #{nth}"
        );
    }
    // The next catch-up reads only the events the killed ones had not committed.
    assert_eq!(
        ok(&store, &["projections", "catch-up"]).trim(),
        format!("views up to date ({} events read)", events - written)
    );
    assert_journal_is_the_ledger_in_commit_order(&store.database).await;
}

/// A journal filled before frontiers were kept (their rows removed, as a database migrated from
/// an earlier version would lack them): a checkpoint over it folds the leaves, the next batch
/// folds them once into a frontier, and the next checkpoint, from that frontier, extends it.
async fn a_journal_begun_without_frontiers_gains_them_and_checkpoints_agree(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("ledger.key").display().to_string();
    generate_key(&store, &key);
    cli::open_civ_mar(&store, "frontiers", "Mémorandum", "mou");
    store.lift_append_only_guards(&["journal_frontiers"]).await;
    store.raw("DELETE FROM journal_frontiers").await;
    let size_before = leaves(&store.database).await.len() as u64;
    assert_eq!(
        store.database.journal_root(size_before).await.unwrap(),
        None
    );
    create_checkpoint(&store, &key);

    let frontiers = Negotiation::new(&store, "frontiers");
    frontiers.ok("civ.head", "comment", &["--text", "encore"]);
    assert_journal_is_the_ledger_in_commit_order(&store.database).await;
    create_checkpoint(&store, &key);
    let shown = json(&store, &["checkpoint", "show", "--json"]);
    let leaves: Vec<[u8; 32]> = leaves(&store.database)
        .await
        .iter()
        .map(|(.., hash)| journal::parse_hash(hash).unwrap())
        .collect();
    assert_eq!(
        shown["checkpoint"]["root_hash"].as_str().unwrap(),
        hex::encode(journal::root(&leaves))
    );
    assert!(leaves.len() as u64 > size_before);
}

/// The journal rewritten under a checkpoint a party co-signed (its trigger dropped, as only the
/// database's owner can), and a checkpoint forged over the rewritten leaves with the ledger's own
/// key: its root matches the journal, but it does not extend what the party vouched for.
async fn a_cosigner_refuses_a_checkpoint_over_a_rewritten_journal(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    ok(&store, &["demo"]);
    let (ledger_key, civ_key) = (path("ledger.key"), path("civ.key"));
    let ledger_public = generate_key(&store, &ledger_key);
    let civ_public = generate_key(&store, &civ_key);
    open_with_signatory(&store, &civ_public);
    create_checkpoint(&store, &ledger_key);
    let old = json(&store, &["checkpoint", "show", "--json"]);
    let old_size = old["checkpoint"]["tree_size"].to_string();
    minister_cosigns(&store, &old_size, &civ_key);
    Negotiation::new(&store, NEG).ok("civ.head", "propose", &PROPOSE_OBJET);
    store.lift_append_only_guards(&["journal_leaves"]).await;
    store
        .raw(&format!(
            "UPDATE journal_leaves SET chain_hash = '{}' WHERE leaf_index = 0",
            "f".repeat(64)
        ))
        .await;
    // The ledger signs from the frontier it kept when the leaves were appended, which the
    // rewrite did not touch: what it signs is the honest extension of the old checkpoint...
    create_checkpoint(&store, &ledger_key);
    let honest = json(&store, &["checkpoint", "show", "--json"]);
    let honest_size = honest["checkpoint"]["tree_size"].to_string();
    // ...and no proof is served from leaves that no longer give the roots it signed.
    refused(
        &store,
        &["proof", "consistency", &old_size, &honest_size],
        "does not match the journal",
    )
    .await;
    let another = [
        "--text",
        "Un acte de plus, pour un point de contrôle forgé.",
    ];
    Negotiation::new(&store, NEG).ok("civ.head", "comment", &another);
    // A checkpoint forged over the rewritten leaves, validly signed with the ledger's key.
    let rewritten: Vec<[u8; 32]> = leaves(&store.database)
        .await
        .iter()
        .map(|l| journal::parse_hash(&l.3).unwrap())
        .collect();
    let body = CheckpointBody {
        ledger_id: old["checkpoint"]["ledger_id"].as_str().unwrap().to_string(),
        tree_size: rewritten.len() as u64,
        root: journal::root(&rewritten),
        time: 1_767_225_600,
    };
    let key = pacta::keys::read_signing_key(std::path::Path::new(&ledger_key)).unwrap();
    store
        .raw(&format!(
            "INSERT INTO checkpoints (tree_size, root_hash, created_at, ledger_id, \
             ledger_public_key, signature) VALUES ({}, '{}', {}, '{}', '{ledger_public}', '{}')",
            body.tree_size,
            hex::encode(body.root),
            body.time,
            body.ledger_id,
            journal::sign(&key, &body.body())
        ))
        .await;
    let new_size = body.tree_size.to_string();
    let inconsistent =
        format!("checkpoint {new_size} is not consistent with checkpoint {old_size}");
    for args in [
        &cli::cosign_args("minister.civ", &new_size, &civ_key)[..],
        &["proof", "consistency", &old_size, &new_size],
    ] {
        refused(&store, args, &inconsistent).await;
    }
}
