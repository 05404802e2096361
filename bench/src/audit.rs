//! `pacta-bench audit`: how fast an audit bundle verifies offline, on one core.
//!
//! One negotiation of realistic acts is seeded on a scratch PostgreSQL database or SQLite file
//! (as `pacta-bench views` does), in batches that alternate in commit order with other negotiations' (one by
//! default, `--neighbours`), so its leaves are runs scattered through a larger journal. The
//! ledger signs a checkpoint with a key made for the run, and the negotiation is exported as a
//! bundle file, through the library functions `pacta checkpoint create` and `pacta audit export`
//! call. Then the bundle is read back and verified in this process, single-threaded: every chain
//! link, the replay of every event, the journal proof, the checkpoint signature and every draft
//! signature.

use std::time::Instant;

use super::scratch::{with_chained_store, BenchDatabase, Server};
use super::views::Seeder;
use super::BenchError;
use clap::Args;
use ed25519_dalek::SigningKey;

#[derive(Args, Debug)]
pub struct AuditBenchArgs {
    /// Events in the negotiation exported.
    #[arg(long, default_value_t = 100_000)]
    pub events: usize,
    /// Clauses in it; its other acts cycle over them.
    #[arg(long, default_value_t = 120)]
    pub clauses: usize,
    /// Events per batch; each neighbour commits a batch between two of this one's. (Each batch
    /// reloads its negotiation's chain, so small batches make seeding slow.)
    #[arg(long, default_value_t = 500)]
    pub batch_events: usize,
    /// Other negotiations whose batches interleave with this one's in the journal, never
    /// exported: with N, the exported negotiation holds one leaf in N + 1.
    #[arg(long, default_value_t = 1)]
    pub neighbours: usize,
    /// Verifications timed.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Keep the benchmark database and files instead of removing them.
    #[arg(long)]
    pub keep: bool,
}

const NEGOTIATION: &str = "bench-audit";

pub async fn run(server: &Server, args: &AuditBenchArgs) -> Result<(), BenchError> {
    let bench_database = BenchDatabase::create(server, "audit").await?;
    let dir = std::env::temp_dir().join(format!("pacta-bench-audit-{}", std::process::id()));
    let measured = measure(&bench_database, args, &dir).await;
    if args.keep {
        println!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    bench_database.finish(args.keep).await;
    measured
}

async fn measure(
    bench_database: &BenchDatabase,
    args: &AuditBenchArgs,
    dir: &std::path::Path,
) -> Result<(), BenchError> {
    let database = &bench_database.database;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let bundle = dir.join("negotiation.bundle");
    println!(
        "pacta-bench audit on {}, {} CPU cores (verification uses one)",
        database.kind(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let started = Instant::now();
    let recorded = with_chained_store!(database, |store| {
        let mut exported = Seeder::open(&store, NEGOTIATION, args.clauses).await?;
        let mut neighbours = Vec::with_capacity(args.neighbours);
        for n in 1..=args.neighbours {
            let id = format!("{NEGOTIATION}-neighbour-{n}");
            neighbours.push(Seeder::open(&store, &id, args.clauses).await?);
        }
        while exported.recorded < args.events {
            let batch = args.batch_events.clamp(1, args.events - exported.recorded);
            exported.commit_batch(&store, batch).await?;
            for neighbour in &mut neighbours {
                neighbour.commit_batch(&store, batch).await?;
            }
        }
        exported.recorded
    });
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| format!("cannot read the operating system's randomness: {e}"))?;
    let key = SigningKey::from_bytes(&secret);
    pacta_ledger::journal::create_checkpoint(
        database,
        &key,
        chrono::Utc::now().timestamp(),
        || uuid::Uuid::new_v4().to_string(),
    )
    .await?;
    let exported_bytes =
        pacta_ledger::journal::export_bundle(database, NEGOTIATION, None, &[]).await?;
    std::fs::write(&bundle, &exported_bytes)
        .map_err(|e| format!("cannot write {}: {e}", bundle.display()))?;
    println!(
        "seeded {} events in batches of {} between {} neighbours' batches, checkpointed and exported a {} MiB bundle in {:.1} s",
        recorded,
        args.batch_events,
        args.neighbours,
        exported_bytes.len() / (1024 * 1024),
        started.elapsed().as_secs_f64()
    );

    let text = std::fs::read_to_string(&bundle)
        .map_err(|e| format!("cannot read {}: {e}", bundle.display()))?;
    for run in 1..=args.runs {
        let started = Instant::now();
        let parsed = pacta_verify::audit::parse_bundle(&text)?;
        let parsed_s = started.elapsed().as_secs_f64();
        let report = pacta_verify::audit::verify(&parsed, None, None).map_err(|findings| {
            format!("the bundle does not verify: {} findings", findings.len())
        })?;
        let total_s = started.elapsed().as_secs_f64();
        println!(
            "run {run}: verified {} events (journal proof of {} hashes) in {total_s:.2} s (parse {parsed_s:.2} s): {:.0} events/s",
            report.events,
            report.journal_proof_hashes,
            report.events as f64 / total_s
        );
    }
    Ok(())
}
