//! Running the `pacta` binary against a test store, as a user would.

use std::path::Path;
use std::process::Output;

pub use pacta::cli::ExitCode;
use pacta::demo::DEMO_NEGOTIATION;
use pacta_ledger::store::Database;
use pacta_verify::chain;
use pacta_verify::journal::{self, SignedCheckpoint};
use serde_json::Value;

use super::{Backend, TestStore};

/// `pacta --store URL ARGS…`, with no actor taken from the environment.
pub fn pacta_at(url: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .arg("--store")
        .arg(url)
        .args(args)
        .env_remove("PACTA_ACTOR")
        .output()
        .expect("run pacta")
}

pub fn pacta(store: &TestStore, args: &[&str]) -> Output {
    pacta_at(&store.url, args)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command that must succeed, and returns what it printed.
pub fn ok(store: &TestStore, args: &[&str]) -> String {
    let output = pacta(store, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

/// Asserts that `output` is a success; returns what it printed.
#[track_caller]
pub fn assert_ok(output: &Output) -> String {
    assert!(output.status.success(), "{}", stderr(output));
    stdout(output)
}

/// The JSON a command prints with `--json`.
pub fn json(store: &TestStore, args: &[&str]) -> Value {
    let printed = ok(store, &[args, &["--json"]].concat());
    serde_json::from_str(&printed).unwrap_or_else(|e| panic!("{args:?}: {e}\n{printed}"))
}

/// Asserts that `output` failed with exit status `code`, saying on stderr, in one line, something
/// that contains `expected`; returns that line.
#[track_caller]
pub fn assert_fails(output: &Output, code: ExitCode, expected: &str) -> String {
    failed("pacta", output, code, expected)
}

/// Runs a command that must fail with `code` in one line containing `expected`, writing no event.
pub async fn refused(store: &TestStore, args: &[&str], code: ExitCode, expected: &str) -> String {
    let before = store.event_count().await;
    let output = pacta(store, args);
    let message = failed(&format!("{args:?}"), &output, code, expected);
    assert_eq!(store.event_count().await, before, "{args:?} wrote nothing");
    message
}

/// Runs `act`, which must fail with `code` in one line containing `expected`, writing no event.
pub async fn refused_act(
    store: &TestStore,
    code: ExitCode,
    expected: &str,
    act: impl FnOnce() -> Output,
) -> String {
    let before = store.event_count().await;
    let message = assert_fails(&act(), code, expected);
    assert_eq!(
        store.event_count().await,
        before,
        "a refused act wrote nothing"
    );
    message
}

#[track_caller]
fn failed(command: &str, output: &Output, code: ExitCode, expected: &str) -> String {
    let message = stderr(output);
    assert_eq!(
        output.status.code(),
        Some(code as i32),
        "{command}: expected exit status {} ({code:?}) and '{expected}', got {}: {message}",
        code as i32,
        output.status
    );
    assert!(
        message.contains(expected),
        "{command}: expected '{expected}' in: {message}"
    );
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "{command}: one line: {message}"
    );
    message
}

/// `pacta person add PERSON --name NAME --party PARTY`: the ledger's operator binds `person`
/// to `party` on the register.
pub fn register(store: &TestStore, person: &str, name: &str, party: &str) -> String {
    ok(
        store,
        &["person", "add", person, "--name", name, "--party", party],
    )
}

/// `pacta key generate --out PATH`; returns the public key it prints.
pub fn generate_key(store: &TestStore, path: &str) -> String {
    let printed = ok(store, &["key", "generate", "--out", path]);
    let last = printed.lines().last().expect("the public key line");
    last.trim_start_matches("public key ").to_string()
}

/// `person` co-signs the checkpoint of `size` with the key in the file `key`.
pub fn cosign(store: &TestStore, person: &str, size: &str, key: &str) -> Output {
    pacta(store, &cosign_args(person, size, key))
}

/// The arguments of `cosign`.
pub fn cosign_args<'a>(person: &'a str, size: &'a str, key: &'a str) -> [&'a str; 7] {
    ["--as", person, "checkpoint", "cosign", size, "--key", key]
}

/// `pacta checkpoint create --key KEY`, signed with the ledger's key; returns what it printed.
pub fn create_checkpoint(store: &TestStore, key: &str) -> String {
    ok(store, &["checkpoint", "create", "--key", key])
}

/// The arguments, after `propose NEGOTIATION`, of a first article in French, `art-objet`, with
/// no heading.
pub const PROPOSE_OBJET: [&str; 5] = [
    "art-objet",
    "--language",
    "fr",
    "--text",
    "Le présent mémorandum a pour objet la lutte contre la traite des personnes.",
];

/// Opens `negotiation`: a French instrument of `kind` titled `title`, between Côte d'Ivoire and
/// Morocco, whose heads of delegation are `civ.head` and `mar.head`.
pub fn open_civ_mar(store: &TestStore, negotiation: &str, title: &str, kind: &str) {
    Negotiation::new(store, negotiation).open_civ_mar(title, kind, &["--language", "fr"]);
}

/// Accredits `minister.civ` as Côte d'Ivoire's signatory ex officio, holding `public_key`.
pub fn accredit_civ_signatory(store: &TestStore, negotiation: &str, public_key: &str) {
    let signing = ["--public-key", public_key, "--ex-officio"];
    Negotiation::new(store, negotiation).accredit(
        "civ.head",
        "minister.civ",
        "CIV",
        "signatory",
        &signing,
    );
}

/// One negotiation in a test store, acted on and read through the `pacta` binary.
#[derive(Clone, Copy)]
pub struct Negotiation<'a> {
    pub store: &'a TestStore,
    pub id: &'a str,
}

impl<'a> Negotiation<'a> {
    pub fn new(store: &'a TestStore, id: &'a str) -> Negotiation<'a> {
        Negotiation { store, id }
    }

    /// The arguments of `pacta --as ACTOR COMMAND NEG ARGS…`: `command` is the words before the
    /// negotiation ("agree", "round open").
    pub fn args<'b>(&'b self, actor: &'b str, command: &'b str, args: &[&'b str]) -> Vec<&'b str> {
        let mut all = vec!["--as", actor];
        all.extend(self.read_args(command, args));
        all
    }

    /// The arguments of `pacta COMMAND NEG ARGS…`, by nobody in particular.
    pub fn read_args<'b>(&'b self, command: &'b str, args: &[&'b str]) -> Vec<&'b str> {
        let mut all: Vec<&str> = command.split(' ').collect();
        all.push(self.id);
        all.extend_from_slice(args);
        all
    }

    /// `pacta --as ACTOR COMMAND NEG ARGS…`, whatever comes of it.
    pub fn act(&self, actor: &str, command: &str, args: &[&str]) -> Output {
        pacta(self.store, &self.args(actor, command, args))
    }

    /// `pacta --as ACTOR COMMAND NEG ARGS…`, which must succeed; returns what it printed.
    pub fn ok(&self, actor: &str, command: &str, args: &[&str]) -> String {
        ok(self.store, &self.args(actor, command, args))
    }

    /// The same act by each of `actors`.
    pub fn ok_by(&self, actors: &[&str], command: &str, args: &[&str]) {
        for actor in actors {
            self.ok(actor, command, args);
        }
    }

    /// `pacta --as ACTOR COMMAND NEG ARGS…`, which must fail with `code` in one line containing
    /// `expected` and write nothing.
    pub async fn refused(
        &self,
        actor: &str,
        command: &str,
        args: &[&str],
        code: ExitCode,
        expected: &str,
    ) -> String {
        refused(self.store, &self.args(actor, command, args), code, expected).await
    }

    /// `pacta COMMAND NEG ARGS…` (draft, status, history…), which must succeed.
    pub fn read(&self, command: &str, args: &[&str]) -> String {
        ok(self.store, &self.read_args(command, args))
    }

    /// `pacta COMMAND NEG ARGS… --json`.
    pub fn json(&self, command: &str, args: &[&str]) -> Value {
        json(self.store, &self.read_args(command, args))
    }

    /// `pacta status NEG --json`.
    pub fn status(&self) -> Value {
        self.json("status", &[])
    }

    /// The root hash of the negotiation's text, as `pacta status` gives it.
    pub fn text_root(&self) -> String {
        let status = self.status();
        status["text_root_hash"].as_str().unwrap().to_string()
    }

    /// The hash of the current wording of `clause`, as `pacta draft` gives it.
    pub fn text_hash(&self, clause: &str) -> String {
        let draft = self.json("draft", &[]);
        let clauses = draft["clauses"].as_array().unwrap();
        let found = clauses.iter().find(|c| c["clause_id"] == clause);
        let found = found.unwrap_or_else(|| panic!("no clause {clause} in {draft}"));
        found["text_hash"].as_str().unwrap().to_string()
    }

    /// `civ.head` opens this negotiation: an instrument of `kind` titled `title` between Côte
    /// d'Ivoire and Morocco, whose heads of delegation are `civ.head` and `mar.head`; `terms` are
    /// the rest (its languages, its entry into force…).
    pub fn open_civ_mar(&self, title: &str, kind: &str, terms: &[&str]) -> String {
        let parties = [
            "--party",
            "CIV|Côte d'Ivoire|civ.head|Chef CIV",
            "--party",
            "MAR|Maroc|mar.head|Chef MAR",
        ];
        self.open("civ.head", title, kind, &[terms, &parties].concat())
    }

    /// `opener` opens this negotiation, an instrument of `kind` titled `title`, on `terms`;
    /// returns what the opening printed. Standing in for the ledger's operator and the other
    /// delegations, as tests whose subject is neither need (`register.rs` is): the heads and
    /// secretariat that `terms` name (`--party`, `--facilitator`) are first put on the register
    /// (`pacta person add`, under the name given, or their id), and afterwards each one whose
    /// party is not the opener's accepts (`pacta accept`).
    pub fn open(&self, opener: &str, title: &str, kind: &str, terms: &[&str]) -> String {
        let founders: Vec<[String; 3]> = terms
            .windows(2)
            .filter(|pair| pair[0] == "--party" || pair[0] == "--facilitator")
            .filter_map(|pair| {
                let fields: Vec<&str> = pair[1].split('|').map(str::trim).collect();
                let (code, person) = (*fields.first()?, *fields.get(2)?);
                // An organisation's spec names its kind first ('organisation:IOM').
                let code = code.split_once(':').map_or(code, |(_, code)| code);
                let name = fields
                    .get(3)
                    .copied()
                    .filter(|n| !n.is_empty())
                    .unwrap_or(person);
                Some([code, person, name].map(String::from))
            })
            .collect();
        for [party, person, name] in &founders {
            register(self.store, person, name, party);
        }
        let head = ["--title", title, "--kind", kind];
        let opened = self.ok(opener, "open", &[&head, terms].concat());
        let opener_party = founders.iter().find(|[_, person, _]| person == opener);
        for [party, person, _] in &founders {
            if opener_party.is_some_and(|[own, _, _]| own != party) {
                self.ok(person, "accept", &[]);
            }
        }
        opened
    }

    /// `head` accredits `person` (named after their id) for `party` in `role`; `signing` holds a
    /// signatory's key and powers.
    pub fn accredit(
        &self,
        head: &str,
        person: &str,
        party: &str,
        role: &str,
        signing: &[&str],
    ) -> String {
        register(self.store, person, person, party);
        let delegate = [
            "--person", person, "--name", person, "--party", party, "--role", role,
        ];
        self.ok(head, "accredit", &[&delegate, signing].concat())
    }

    /// Each head of delegation accredits their party's signatory, `minister.civ` or
    /// `minister.mar`, holding a key generated into `dir` (`CIV.key`, `MAR.key`), with full
    /// powers `FP-2026-1` whose document is `dir/full-powers.pdf`; returns the two key files.
    pub fn accredit_signatories(&self, dir: &Path) -> [String; 2] {
        let powers = dir.join("full-powers.pdf");
        std::fs::write(&powers, b"%PDF full powers").unwrap();
        let powers = powers.to_str().unwrap();
        [("CIV", "civ.head"), ("MAR", "mar.head")].map(|(party, head)| {
            let key = dir.join(format!("{party}.key")).display().to_string();
            let public_key = generate_key(self.store, &key);
            let signatory = format!("minister.{}", party.to_lowercase());
            let full_powers = ["--full-powers", "FP-2026-1", "--full-powers-file", powers];
            let signing = [&["--public-key", &public_key][..], &full_powers].concat();
            self.accredit(head, &signatory, party, "signatory", &signing);
            key
        })
    }

    /// `pacta --as ACTOR COMMAND NEG ARGS…` followed by the heading, language and text of
    /// `wording`: an act that tables a wording.
    pub fn table(&self, actor: &str, command: &str, args: &[&str], wording: Wording) -> Output {
        self.act(actor, command, &[args, &wording.args()].concat())
    }

    /// `actor` proposes `clause` in `wording`, which must be recorded.
    pub fn propose(&self, actor: &str, clause: &str, wording: Wording) -> String {
        assert_ok(&self.table(actor, "propose", &[clause], wording))
    }

    /// `actor` translates `clause`, whose source wording has the hash `source`, into `wording`.
    pub fn translate(&self, actor: &str, clause: &str, source: &str, wording: Wording) -> Output {
        self.table(actor, "translate", &[clause, "--source", source], wording)
    }

    /// `actor` agrees the wording of `clause` whose hash is `hash`; `terms` such as
    /// `--ad-referendum`.
    pub fn agree(&self, actor: &str, clause: &str, hash: &str, terms: &[&str]) -> Output {
        self.act(actor, "agree", &[&[clause, "--hash", hash], terms].concat())
    }

    /// `actor` verifies that the `language` version of `clause`, of hash `hash`, is concordant.
    pub fn concordance(&self, actor: &str, clause: &str, language: &str, hash: &str) -> Output {
        let args = [clause, "--language", language, "--hash", hash];
        self.act(actor, "concordance", &args)
    }

    /// `signatory` signs the text of root `root` on `on`, in `capacity`, with the key in the file
    /// `key`.
    pub fn sign(&self, signatory: &str, key: &str, root: &str, capacity: &str, on: &str) -> Output {
        let key = ["--key", key, "--root", root];
        let terms = ["--capacity", capacity, "--on", on];
        self.act(signatory, "sign", &[key, terms].concat())
    }
}

/// A clause's heading and text in one language.
#[derive(Clone, Copy, Debug)]
pub struct Wording<'a> {
    pub language: &'a str,
    pub heading: &'a str,
    pub text: &'a str,
}

impl<'a> Wording<'a> {
    /// `text` headed `heading`, in French.
    pub const fn fr(heading: &'a str, text: &'a str) -> Wording<'a> {
        Wording {
            language: "fr",
            heading,
            text,
        }
    }

    /// The hash the ledger gives this wording.
    pub fn hash(&self) -> String {
        pacta_domain::clause_text_hash(self.heading, self.language, self.text)
    }

    /// The arguments that give this wording to an act.
    pub fn args(&self) -> [&'a str; 6] {
        let Wording {
            language,
            heading,
            text,
        } = *self;
        ["--heading", heading, "--language", language, "--text", text]
    }
}

/// Article "Objet" is proposed at sequence 11 of the demo's MoU: the event the tamper tests alter.
pub const DEMO_TARGET_SEQUENCE: usize = 11;

/// The demo on a fresh store, the ledger's key in a scratch directory, and a checkpoint over all
/// of it: where the audit and whole-ledger tamper tests start.
pub struct CheckpointedDemo {
    pub store: TestStore,
    pub dir: tempfile::TempDir,
}

impl CheckpointedDemo {
    pub async fn new(backend: Backend) -> CheckpointedDemo {
        let demo = CheckpointedDemo {
            store: TestStore::new(backend).await,
            dir: tempfile::tempdir().unwrap(),
        };
        ok(&demo.store, &["demo"]);
        generate_key(&demo.store, &demo.path("ledger.key"));
        demo.create_checkpoint();
        demo
    }

    /// A file in the scratch directory.
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// `pacta checkpoint create`, signed with the ledger's key.
    pub fn create_checkpoint(&self) {
        create_checkpoint(&self.store, &self.path("ledger.key"));
    }

    /// The latest checkpoint, as `pacta checkpoint show --json` prints it.
    pub fn latest_checkpoint(&self) -> SignedCheckpoint {
        let shown = json(&self.store, &["checkpoint", "show"]);
        serde_json::from_value(shown["checkpoint"].clone()).unwrap()
    }

    /// `minister.civ` is accredited as CIV's signatory in a new negotiation, `negotiation`, and
    /// co-signs a new checkpoint covering it with the key `civ.key`.
    pub fn cosigned_by_civ(&self, negotiation: &str) {
        let civ_public = generate_key(&self.store, &self.path("civ.key"));
        open_civ_mar(&self.store, negotiation, "Mémorandum", "mou");
        accredit_civ_signatory(&self.store, negotiation, &civ_public);
        self.create_checkpoint();
        let size = self.latest_checkpoint().tree_size.to_string();
        assert_ok(&cosign(
            &self.store,
            "minister.civ",
            &size,
            &self.path("civ.key"),
        ));
    }

    /// A co-signature of `checkpoint`, a minute after it, by a key no negotiation accredits
    /// (`stranger.key`, generated here): its public key, signature and time.
    pub fn stranger_cosignature(&self, checkpoint: &SignedCheckpoint) -> (String, String, i64) {
        let public_key = generate_key(&self.store, &self.path("stranger.key"));
        let stranger = pacta::keys::read_signing_key(Path::new(&self.path("stranger.key")));
        let signed_at = checkpoint.created_at + 60;
        let message = checkpoint.body().unwrap().cosignature_message(signed_at);
        let signature = journal::sign(&stranger.unwrap(), &message);
        (public_key, signature, signed_at)
    }
}

/// The attacks of the whole-ledger tamper tests, each made straight in the store by someone who
/// owns the database, and each leaving every chain it does not touch intact.
impl CheckpointedDemo {
    /// Deletes the last `count` events of the demo's MoU; returns how many it keeps.
    pub async fn delete_last_events(&self, count: usize) -> usize {
        let recorded = self.store.ledger().events(DEMO_NEGOTIATION).await.unwrap();
        let kept = recorded.len() - count;
        self.store.lift_append_only_guards(&["events"]).await;
        self.store
            .raw(&format!(
                "DELETE FROM events WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence > {kept}"
            ))
            .await;
        kept
    }

    /// Changes the heading "Objet" to "Objat" in the payload of the MoU's event `sequence`.
    pub async fn change_event(&self, sequence: usize) {
        let target = format!("aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = {sequence}");
        self.store
            .tamper_events("payload", ("Objet", "Objat"), &target)
            .await;
    }

    /// Re-seals every event of the MoU from `sequence` on, so its chain links again after an
    /// event was changed.
    pub async fn reseal_from(&self, sequence: usize) {
        let events = self
            .store
            .database
            .read_stream_before(DEMO_NEGOTIATION, usize::MAX)
            .await
            .unwrap();
        let cast = match self.store.backend {
            Backend::Postgres => "::jsonb",
            Backend::Sqlite => "",
        };
        let mut prev = chain::GENESIS_HASH;
        let mut reseal = String::new();
        for mut event in events {
            if event.sequence < sequence {
                prev = chain::hash_field(&event).unwrap();
                continue;
            }
            prev = chain::seal(&mut event, &prev).unwrap();
            let metadata = event.metadata.to_string().replace('\'', "''");
            reseal.push_str(&format!(
                "UPDATE events SET metadata = '{metadata}'{cast}
                  WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = {};\n",
                event.sequence
            ));
        }
        self.store.raw(&reseal).await;
    }

    /// Journal leaf `leaf` is given the chain hash of the leaf after it.
    pub async fn change_leaf(&self, leaf: u64) {
        self.store
            .lift_append_only_guards(&["journal_leaves"])
            .await;
        self.store
            .raw(&format!(
                "UPDATE journal_leaves SET chain_hash =
                    (SELECT chain_hash FROM journal_leaves WHERE leaf_index = {})
                  WHERE leaf_index = {leaf}",
                leaf + 1
            ))
            .await;
    }

    /// Changes the first hex digit of the latest checkpoint's signature; returns its tree size.
    pub async fn change_checkpoint_signature(&self) -> u64 {
        let checkpoint = self.latest_checkpoint();
        let signature = &checkpoint.signature;
        let changed = if signature.starts_with('0') { "1" } else { "0" };
        self.store.lift_append_only_guards(&["checkpoints"]).await;
        self.store
            .raw(&format!(
                "UPDATE checkpoints SET signature = '{changed}{}' WHERE tree_size = {}",
                &signature[1..],
                checkpoint.tree_size
            ))
            .await;
        checkpoint.tree_size
    }

    /// Swaps the commit order of two events of different negotiations: journal leaf 0's, and
    /// the first leaf of another negotiation's. Returns those leaves, as (leaf index,
    /// negotiation, sequence).
    pub async fn swap_first_global_positions(&self) -> [(i64, String, i64); 2] {
        let store = &self.store;
        let select =
            "SELECT leaf_index, negotiation_id, sequence FROM journal_leaves ORDER BY leaf_index";
        let leaves: Vec<(i64, String, i64)> = match &store.database {
            Database::Postgres(pool, _) => sqlx::query_as(select).fetch_all(pool).await,
            Database::Sqlite(pool) => sqlx::query_as(select).fetch_all(pool).await,
        }
        .unwrap();
        let first = leaves[0].clone();
        let other = leaves
            .into_iter()
            .find(|(_, negotiation, _)| *negotiation != first.1)
            .expect("the demo has two negotiations");
        let event = |(_, negotiation, sequence): &(i64, String, i64)| {
            format!("aggregate_id = '{negotiation}' AND sequence = {sequence}")
        };
        let (a, b) = (event(&first), event(&other));
        store.lift_append_only_guards(&["events"]).await;
        // On PostgreSQL commit order is (transaction id, global position): both move together.
        let moved = match store.backend {
            Backend::Postgres => "global_position, transaction_id",
            Backend::Sqlite => "global_position",
        };
        let set_from = |side: &str| {
            moved
                .split(", ")
                .map(|c| format!("{c} = (SELECT {c} FROM swap WHERE side = '{side}')"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        store
            .raw(&format!(
                "CREATE TEMP TABLE swap AS
                   SELECT 'a' AS side, {moved} FROM events WHERE {a}
                   UNION ALL SELECT 'b', {moved} FROM events WHERE {b};
                 UPDATE events SET global_position = -1 WHERE {a};
                 UPDATE events SET {} WHERE {b};
                 UPDATE events SET {} WHERE global_position = -1;
                 DROP TABLE swap;",
                set_from("a"),
                set_from("b")
            ))
            .await;
        [first, other]
    }

    /// Writes a co-signature of the latest checkpoint for MAR by `someone.else`, validly signed
    /// by a key no negotiation accredits; returns the checkpoint's tree size and that key.
    pub async fn insert_stranger_cosignature(&self) -> (u64, String) {
        let checkpoint = self.latest_checkpoint();
        let (public_key, signature, signed_at) = self.stranger_cosignature(&checkpoint);
        self.store
            .raw(&format!(
                "INSERT INTO cosignatures (tree_size, party, person, public_key, signature, signed_at)
                 VALUES ({}, 'MAR', 'someone.else', '{public_key}', '{signature}', {signed_at})",
                checkpoint.tree_size
            ))
            .await;
        (checkpoint.tree_size, public_key)
    }
}

/// The article on exchanging information that the CLI tests negotiate, and the wording Côte
/// d'Ivoire tables for it.
pub const DATA_ARTICLE: &str = "art-donnees";
pub const DATA_WORDING: Wording = Wording::fr(
    "Échange d'informations",
    "Les Parties échangent, par l'intermédiaire de leurs points focaux, toute information utile, y compris les données à caractère personnel des victimes et des auteurs présumés.",
);
