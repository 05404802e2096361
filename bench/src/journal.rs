//! `pacta-bench journal`: what a checkpoint costs over a large journal, on PostgreSQL or SQLite.
//!
//! A scratch database's journal is filled with synthetic leaves (in SQL, one statement; no
//! events behind them), so the figures are the checkpoint's own cost: reading every leaf,
//! computing the RFC 6962 root, signing the body; and the proofs a checkpoint serves.

use std::time::Instant;

use clap::Args;
use ed25519_dalek::SigningKey;
use pacta_ledger::store::Database;
use pacta_verify::journal;

use super::scratch::{BenchDatabase, Server};
use super::BenchError;

#[derive(Args, Debug)]
pub struct JournalBenchArgs {
    /// Leaves in the journal.
    #[arg(long, default_value_t = 1_000_000)]
    pub leaves: u64,
    /// Keep the benchmark database instead of dropping it.
    #[arg(long)]
    pub keep: bool,
}

/// The synthetic leaves, in each store's SQL: a chain hash of 64 hex digits per index.
const FILL_POSTGRES: &str = "
INSERT INTO journal_leaves (leaf_index, negotiation_id, sequence, chain_hash)
SELECT i, 'bench', i + 1, encode(sha256(int8send(i)), 'hex')
  FROM generate_series(0, $1 - 1) AS i";
/// SQLite has no SHA-256 in SQL: the hash is the index's hex, 64 digits, which the journal
/// hashes like any other.
const FILL_SQLITE: &str = "
WITH RECURSIVE leaves(i) AS (SELECT 0 WHERE $1 > 0 UNION ALL SELECT i + 1 FROM leaves WHERE i + 1 < $1)
INSERT INTO journal_leaves (leaf_index, negotiation_id, sequence, chain_hash)
SELECT i, 'bench', i + 1, printf('%064x', i) FROM leaves";
const INSERT_FRONTIER: &str = "INSERT INTO journal_frontiers (tree_size, nodes) VALUES ($1, $2)";

pub async fn run(server: &Server, args: &JournalBenchArgs) -> Result<(), BenchError> {
    let bench_database = BenchDatabase::create(server, "journal").await?;
    let measured = measure(&bench_database.database, args).await;
    bench_database.finish(args.keep).await;
    measured
}

async fn measure(database: &Database, args: &JournalBenchArgs) -> Result<(), BenchError> {
    let bench_error = |e: sqlx::Error| format!("cannot fill the journal: {e}");
    println!(
        "pacta-bench journal on {}, {} CPU cores",
        database.kind(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let started = Instant::now();
    let count = i64::try_from(args.leaves).unwrap_or(i64::MAX);
    let filled = match database {
        Database::Postgres(pool, _) => {
            let query = sqlx::query(FILL_POSTGRES).bind(count);
            query.execute(pool).await.map(drop)
        }
        Database::Sqlite(pool) => {
            let query = sqlx::query(FILL_SQLITE).bind(count);
            query.execute(pool).await.map(drop)
        }
    };
    filled.map_err(bench_error)?;
    println!(
        "filled {} synthetic leaves in {:.1} s",
        args.leaves,
        started.elapsed().as_secs_f64()
    );

    let key = SigningKey::from_bytes(&[7; 32]);
    let started = Instant::now();
    let leaves = database.journal_leaves(args.leaves).await?;
    let read_s = started.elapsed().as_secs_f64();
    let root = journal::root(&leaves);
    let root_s = started.elapsed().as_secs_f64() - read_s;
    let body = journal::CheckpointBody {
        ledger_id: "bench".into(),
        tree_size: args.leaves,
        root,
        time: 0,
    };
    journal::sign(&key, &body.body());
    let total_s = started.elapsed().as_secs_f64();
    println!(
        "checkpoint over {} leaves, folding every leaf (a journal begun before frontiers): {total_s:.2} s (read leaves {read_s:.2} s, root {root_s:.2} s, sign {:.4} s)",
        args.leaves,
        total_s - read_s - root_s
    );

    // What the projector keeps instead: the frontier at each size it reaches, appended from the
    // one before. Stored here as a batch would have left it, then read as `checkpoint create`
    // reads it.
    let mut frontier = journal::Frontier::default();
    leaves.iter().for_each(|leaf| frontier.push(leaf));
    let (size, nodes) = (frontier.size() as i64, frontier.nodes_hex());
    let stored = match database {
        Database::Postgres(pool, _) => {
            let query = sqlx::query(INSERT_FRONTIER).bind(size).bind(nodes);
            query.execute(pool).await.map(drop)
        }
        Database::Sqlite(pool) => {
            let query = sqlx::query(INSERT_FRONTIER).bind(size).bind(nodes);
            query.execute(pool).await.map(drop)
        }
    };
    stored.map_err(bench_error)?;
    let started = Instant::now();
    let stored_root = database.journal_root(args.leaves).await?;
    let frontier_ms = started.elapsed().as_secs_f64() * 1e3;
    if stored_root != Some(root) {
        return Err("the stored frontier's root differs from the folded root".into());
    }
    let appended_leaves = 1_000;
    let started = Instant::now();
    (0..appended_leaves).for_each(|i: u32| frontier.push(&i.to_be_bytes()));
    let append_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(appended_leaves);
    println!(
        "checkpoint root from the stored frontier: {frontier_ms:.2} ms; appending a leaf to it: {append_us:.2} µs"
    );

    let started = Instant::now();
    let middle = args.leaves / 2;
    let proof = journal::inclusion_proof(&leaves, middle)?;
    let inclusion_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let leaf = leaves[middle as usize];
    journal::verify_inclusion(&root, args.leaves, middle, &leaf, &proof)?;
    let verify_us = started.elapsed().as_secs_f64() * 1e6;
    let started = Instant::now();
    journal::consistency_proof(&leaves, middle)?;
    let consistency_s = started.elapsed().as_secs_f64();
    println!(
        "inclusion proof of leaf {}: {inclusion_s:.2} s to make ({} hashes), {verify_us:.0} µs to verify; consistency proof from {}: {consistency_s:.2} s",
        middle,
        proof.len(),
        middle
    );

    // A negotiation's events in a busy ledger: every tenth leaf, proved together as an audit
    // bundle proves them.
    let scattered: Vec<u64> = (0..args.leaves).step_by(10).collect();
    let started = Instant::now();
    let multiproof = journal::multiproof::prove(&leaves, &scattered)?;
    let prove_s = started.elapsed().as_secs_f64();
    let proven: Vec<(u64, journal::Hash)> =
        scattered.iter().map(|&i| (i, leaves[i as usize])).collect();
    let started = Instant::now();
    let proven_root = journal::multiproof::root_from(args.leaves, &proven, &multiproof)?;
    let verify_ms = started.elapsed().as_secs_f64() * 1e3;
    if proven_root != root {
        return Err("the multiproof gives another root".into());
    }
    println!(
        "journal proof of every 10th leaf ({} leaves): {prove_s:.2} s to make ({} hashes), {verify_ms:.1} ms to verify ({:.2} µs per leaf)",
        proven.len(),
        multiproof.len(),
        verify_ms * 1e3 / proven.len() as f64
    );
    Ok(())
}
