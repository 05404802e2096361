//! One notification of new events per process (`pacta_ledger::new_events`), on both stores: an
//! act of another process (the `pacta` binary) or of another ledger on its own connections wakes
//! the service's watch within a bound. On PostgreSQL it is the notification that wakes it (the
//! fallback poll is set to an hour), and for events stored by something that does not announce
//! them the fallback poll still does; on SQLite the short poll does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pacta_domain::{InstrumentKind, Party};
use pacta_ledger::new_events::NewEventsSettings;
use pacta_ledger::store::{Database, MIN_ANNOUNCEMENT_INTERVAL_MS, NEW_EVENTS_CHANNEL};
use pacta_service::AppState;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::common::cli::open_civ_mar;
use crate::common::{open_civ_mar_command, open_command, Backend, Ledger, TestStore};
use crate::group_commit::comment;

on_both_stores!(
    an_act_of_another_process_wakes_the_watch,
    without_notifications_the_fallback_poll_wakes_the_watch,
    a_burst_of_acts_committed_in_groups_wakes_the_watch_to_the_last,
);

/// How soon an act committed elsewhere must wake the watch: far above a notification's delivery
/// or a SQLite poll, far below the hour the notification test's fallback waits.
const WAKE_BOUND: Duration = Duration::from_secs(5);
/// A fallback poll no test outlasts: within `WAKE_BOUND`, only a notification wakes the watch.
const NEVER: Duration = Duration::from_secs(3_600);

/// A service state whose follower falls back to polling every `fallback_poll` on PostgreSQL,
/// and its watch once the follower has read the position: the state, the watch, that position.
async fn watching(
    store: &TestStore,
    fallback_poll: Duration,
) -> (AppState, watch::Receiver<i64>, i64) {
    let settings = NewEventsSettings {
        postgres_fallback_poll: fallback_poll,
        ..NewEventsSettings::default()
    };
    let state = AppState::new(store.database.clone()).with_new_events(settings);
    let mut watch = state.new_events.subscribe();
    let first = first_reading(&mut watch).await;
    (state, watch, first)
}

/// The watch's first reading of the position: the follower is listening by then.
async fn first_reading(watch: &mut watch::Receiver<i64>) -> i64 {
    tokio::time::timeout(WAKE_BOUND, watch.wait_for(|position| *position >= 0))
        .await
        .expect("the follower reads the position at its start")
        .map(|position| *position)
        .expect("the follower runs")
}

/// Waits until the watch reaches the store's last position, at most `WAKE_BOUND`; returns how
/// long after `since` (just before the act) it did.
async fn woken_to(
    watch: &mut watch::Receiver<i64>,
    database: &Database,
    since: Instant,
    what: &str,
) -> Duration {
    let target = database.last_position().await.unwrap();
    tokio::time::timeout(WAKE_BOUND, watch.wait_for(|position| *position >= target))
        .await
        .unwrap_or_else(|_| panic!("{what}: the watch did not wake within {WAKE_BOUND:?}"))
        .expect("the follower runs");
    since.elapsed()
}

async fn an_act_of_another_process_wakes_the_watch(backend: Backend) {
    let store = TestStore::new(backend).await;
    let (_state, mut watch, before) = watching(&store, NEVER).await;

    // Processes of their own: the `pacta` binary registers the heads, opens a negotiation and
    // has Morocco accept it.
    tokio::task::block_in_place(|| open_civ_mar(&store, "civ-mar-cli", "Mémorandum", "mou"));
    let since = Instant::now();
    let took = woken_to(&mut watch, &store.database, since, "the CLI's opening").await;
    println!("{backend:?}: the CLI's last act had woken the watch {took:?} after it ended");
    assert!(*watch.borrow() > before);

    // Another ledger on connections of its own, as another service instance would hold.
    let other = Database::connect(&store.url).await.unwrap();
    // Heads of its own: the CLI registered civ.head and mar.head under other names.
    let parties = [
        Party::new("CIV", "CIV", "civ.other", "civ.other"),
        Party::new("MAR", "MAR", "mar.other", "mar.other"),
    ];
    let command = open_command(
        "civ.other",
        "civ-mar-other",
        "Autre",
        InstrumentKind::Mou,
        &parties,
        &["fr"],
    );
    let since = Instant::now();
    Ledger::on(&other)
        .execute("civ-mar-other", command)
        .await
        .unwrap();
    let took = woken_to(
        &mut watch,
        &store.database,
        since,
        "another ledger's opening",
    )
    .await;
    println!("{backend:?}: another ledger's act (opening and acceptance) woke the watch {took:?} after it began");
}

async fn without_notifications_the_fallback_poll_wakes_the_watch(backend: Backend) {
    let store = TestStore::new(backend).await;
    let (_state, mut watch, _) = watching(&store, Duration::from_millis(200)).await;

    // As if the notification were lost: the events are stored by something that sends none.
    let command = open_civ_mar_command("civ-mar-polled", "Sondé", InstrumentKind::Mou, &["fr"]);
    let empty = crate::group_commit::context_after(&store, "civ-mar-polled").await;
    let sealed = crate::group_commit::sealed(&empty, &command);
    let since = Instant::now();
    crate::group_commit::store_unannounced(&store, &sealed).await;
    let took = woken_to(&mut watch, &store.database, since, "an act no one notified").await;
    println!("{backend:?}: the poll alone woke the watch {took:?} after the act began");
}

/// A ledger committing in groups on `database`, with `id` opened and `writers` writers
/// accredited in it.
async fn grouped_ledger(database: &Database, id: &str, title: &str, writers: usize) -> Arc<Ledger> {
    let grouped = Arc::new(Ledger(
        pacta_ledger::Ledger::on(database)
            .keeping_verified_states(16)
            .committing_in_groups(),
    ));
    let command = open_civ_mar_command(id, title, InstrumentKind::Mou, &["fr"]);
    grouped.execute(id, command).await.unwrap();
    grouped.accredit_writers(id, writers).await;
    grouped
}

/// `writers` concurrent writers each comment `acts_each` times on `id`; returns once every act
/// is committed.
async fn burst(grouped: &Arc<Ledger>, id: &str, writers: usize, acts_each: usize) {
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let (grouped, id) = (grouped.clone(), id.to_string());
            tokio::spawn(async move {
                for i in 0..acts_each {
                    let act = comment(&format!("writer-{w}"), format!("{w}/{i}"));
                    grouped.execute(&id, act).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

/// The group committer announces one group at a time, the groups committed meanwhile covered by
/// the next announcement: after a burst of concurrent acts on another ledger's connections, the
/// watch still reaches the last of them, with no fallback poll on PostgreSQL.
async fn a_burst_of_acts_committed_in_groups_wakes_the_watch_to_the_last(backend: Backend) {
    const WRITERS: usize = 12;
    const ACTS_EACH: usize = 5;
    let store = TestStore::new(backend).await;
    let (_state, mut watch, _) = watching(&store, NEVER).await;

    let other = Database::connect(&store.url).await.unwrap();
    let grouped = grouped_ledger(&other, "civ-mar-burst", "Rafale", WRITERS).await;
    let since = Instant::now();
    burst(&grouped, "civ-mar-burst", WRITERS, ACTS_EACH).await;
    let (groups, acts) = grouped.0.groups_and_acts();
    assert!(
        acts as usize >= WRITERS * ACTS_EACH,
        "{acts} acts committed in groups"
    );
    let took = woken_to(&mut watch, &store.database, since, "the burst's last group").await;
    println!("{backend:?}: {acts} acts in {groups} groups woke the watch to the last {took:?} after the burst began");
}

/// Announcements are spaced by at least `MIN_ANNOUNCEMENT_INTERVAL_MS`, however many groups
/// commit: a listener of its own counts those of a burst of grouped acts, and they are no more
/// than the time they spanned allows (sent back to back, there was one per group, a flushed
/// transaction each). The last group is still announced.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn announcements_of_a_burst_are_spaced_by_the_minimum_interval() {
    const WRITERS: usize = 12;
    const ACTS_EACH: usize = 10;
    let interval = Duration::from_millis(MIN_ANNOUNCEMENT_INTERVAL_MS);
    let store = TestStore::new(Backend::Postgres).await;
    let grouped = grouped_ledger(&store.database, "civ-mar-spaced", "Espacé", WRITERS).await;
    // Announcements of the setup's acts are let through before listening.
    tokio::time::sleep(interval * 5).await;
    let mut listener = PgListener::connect(&store.url).await.unwrap();
    listener.listen(NEW_EVENTS_CHANNEL).await.unwrap();
    let (groups_before, _) = grouped.0.groups_and_acts();
    // Each announcement timed as it arrives, until none has come for far longer than the burst
    // lasts.
    let listening = tokio::spawn(async move {
        let mut received = Vec::new();
        while let Ok(notification) = tokio::time::timeout(WAKE_BOUND, listener.recv()).await {
            notification.unwrap();
            received.push(Instant::now());
        }
        received
    });

    burst(&grouped, "civ-mar-spaced", WRITERS, ACTS_EACH).await;
    let (groups_after, _) = grouped.0.groups_and_acts();
    let groups = groups_after - groups_before;
    let received = listening.await.unwrap();
    let (Some(first), Some(last)) = (received.first(), received.last()) else {
        panic!("the burst's {groups} groups were never announced");
    };
    let spanned = *last - *first;
    // n announcements at least `interval` apart span at least (n - 1) intervals; one more for
    // the jitter of their delivery.
    let allowed = (spanned.as_millis() / interval.as_millis()) as usize + 2;
    println!(
        "{groups} groups announced {} times over {spanned:?}",
        received.len()
    );
    assert!(
        received.len() <= allowed,
        "{} announcements over {spanned:?} for {groups} groups: more than one per {interval:?}",
        received.len()
    );
}
