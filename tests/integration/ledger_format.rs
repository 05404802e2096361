//! The test vectors of docs/ledger-format.md, checked against the implementation; and the
//! Python verifier the document publishes (docs/verify_ledger.py, §8), run on the vectors, on
//! demo ledgers of both stores, on audit bundles and on tampered copies of each (of whole
//! ledgers in verify_ledger.rs), agreeing with `pacta verify` and `pacta audit verify` every
//! time: the published format and the code agree.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cqrs_es::persist::SerializedEvent;
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_domain::{Action, NegotiationCommand};
use pacta_verify::chain::{self, ChainHead, CHAIN_DOMAIN_TAG};
use serde_json::{json, Value};

use crate::audit::{
    bundle_text, bundle_value, event_mut, first_signature, forge_a_signature, reseal,
};
use crate::common::cli::ExitCode::Integrity;
use crate::common::cli::{
    assert_ok, ok, pacta, stderr, stdout, CheckpointedDemo, DEMO_TARGET_SEQUENCE,
};
use crate::common::Backend;

const FORMAT_DOC: &str = include_str!("../../docs/ledger-format.md");

/// Fenced blocks whose info string is `<lang> vector:<name>:<part>`, by (name, part).
fn vectors() -> BTreeMap<(String, String), String> {
    let mut found = BTreeMap::new();
    let mut lines = FORMAT_DOC.lines();
    while let Some(line) = lines.next() {
        let Some(key) = line
            .strip_prefix("```")
            .and_then(|info| info.split_whitespace().nth(1))
        else {
            continue;
        };
        let Some(key) = key.strip_prefix("vector:") else {
            continue;
        };
        let (name, part) = key.split_once(':').expect("vector:<name>:<part>");
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        found.insert((name.to_string(), part.to_string()), body.join("\n"));
    }
    found
}

fn part<'a>(vectors: &'a BTreeMap<(String, String), String>, name: &str, part: &str) -> &'a str {
    vectors
        .get(&(name.to_string(), part.to_string()))
        .unwrap_or_else(|| panic!("docs/ledger-format.md lacks vector:{name}:{part}"))
}

fn stored_event(json: &str) -> SerializedEvent {
    let v: Value = serde_json::from_str(json).expect("stored event is JSON");
    SerializedEvent::new(
        v["aggregate_id"].as_str().unwrap().into(),
        v["sequence"].as_u64().unwrap() as usize,
        v["aggregate_type"].as_str().unwrap().into(),
        v["event_type"].as_str().unwrap().into(),
        v["event_version"].as_str().unwrap().into(),
        v["payload"].clone(),
        v["metadata"].clone(),
    )
}

#[test]
fn the_documented_domain_tags_are_the_ones_used() {
    assert!(FORMAT_DOC.contains(&hex::encode(CHAIN_DOMAIN_TAG)));
    assert!(FORMAT_DOC.contains(&hex::encode(pacta_domain::TEXT_HASH_DOMAIN_TAG)));
    assert!(FORMAT_DOC.contains(&hex::encode(pacta_domain::TEXT_ROOT_DOMAIN_TAG)));
    assert!(FORMAT_DOC.contains(&hex::encode(pacta_domain::SIGNATURE_DOMAIN_TAG)));
    assert!(FORMAT_DOC.contains(&hex::encode(pacta_domain::ROW_HASH_DOMAIN_TAG)));
}

#[test]
fn clause_text_vectors() {
    let vectors = vectors();
    for name in ["clause-text", "clause-text-escapes"] {
        let input: Value = serde_json::from_str(part(&vectors, name, "input")).unwrap();
        let canonical = serde_json_canonicalizer::to_string(&input).unwrap();
        assert_eq!(canonical, part(&vectors, name, "canonical"), "{name}");
        let hash = pacta_domain::clause_text_hash(
            input["heading"].as_str().unwrap(),
            input["language"].as_str().unwrap(),
            input["text"].as_str().unwrap(),
        );
        assert_eq!(hash, part(&vectors, name, "hash"), "{name}");
    }
}

#[test]
fn command_vector() {
    let vectors = vectors();
    let input: Value = serde_json::from_str(part(&vectors, "command", "input")).unwrap();
    let canonical = serde_json_canonicalizer::to_string(&input).unwrap();
    assert_eq!(canonical, part(&vectors, "command", "canonical"));
    let command: pacta_domain::NegotiationCommand = serde_json::from_value(input.clone()).unwrap();
    // The vector is the command exactly as the ledger writes it, nothing defaulted or added.
    assert_eq!(serde_json::to_value(&command).unwrap(), input);
    assert_eq!(
        pacta_ledger::command_sha256(&command),
        part(&vectors, "command", "hash")
    );
}

#[test]
fn event_chain_vectors() {
    let vectors = vectors();
    let mut head = ChainHead::EMPTY;
    for name in ["event-1", "event-2"] {
        let event = stored_event(part(&vectors, name, "stored"));
        let canonical = chain::canonical_record(&event).unwrap();
        assert_eq!(
            String::from_utf8(canonical.clone()).unwrap(),
            part(&vectors, name, "canonical"),
            "{name}"
        );
        assert_eq!(
            hex::encode(head.hash),
            part(&vectors, name, "prev"),
            "{name}"
        );
        let hash = chain::link_hash(&head.hash, &canonical);
        assert_eq!(hex::encode(hash), part(&vectors, name, "hash"), "{name}");
        head = chain::verify_next("civ-mar-tip-mou", head, &event)
            .expect("the stored vector verifies");
    }
}

#[test]
fn text_root_and_signature_vectors() {
    use ed25519_dalek::{Signer, SigningKey};
    let vectors = vectors();
    let input: Value = serde_json::from_str(part(&vectors, "text-root", "input")).unwrap();
    assert_eq!(
        serde_json_canonicalizer::to_string(&input).unwrap(),
        part(&vectors, "text-root", "canonical")
    );
    let clauses: Vec<pacta_domain::RootClause> = input["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| pacta_domain::RootClause {
            clause_id: c["clause_id"].as_str().unwrap().into(),
            kind: serde_json::from_value(c["kind"].clone()).unwrap(),
            versions: serde_json::from_value(c["versions"].clone()).unwrap(),
        })
        .collect();
    let root = pacta_domain::text_root_hash(input["negotiation_id"].as_str().unwrap(), 0, &clauses);
    assert_eq!(root, part(&vectors, "text-root", "hash"));

    let message: pacta_domain::SigningMessage = {
        let v: Value = serde_json::from_str(part(&vectors, "signature", "message")).unwrap();
        pacta_domain::SigningMessage {
            negotiation_id: v["negotiation_id"].as_str().unwrap().into(),
            revision: v["revision"].as_u64().unwrap() as u32,
            text_root_hash: v["text_root_hash"].as_str().unwrap().into(),
            party: v["party"].as_str().unwrap().into(),
            signatory: v["signatory"].as_str().unwrap().into(),
            capacity: serde_json::from_value(v["capacity"].clone()).unwrap(),
            ad_referendum: v["ad_referendum"].as_bool().unwrap(),
            signed_on: v["signed_on"].as_str().unwrap().parse().unwrap(),
        }
    };
    assert_eq!(message.text_root_hash, root);
    let bytes = message.to_bytes();
    assert_eq!(
        &bytes[pacta_domain::SIGNATURE_DOMAIN_TAG.len()..],
        part(&vectors, "signature", "message").as_bytes()
    );
    let mut secret = [0u8; 32];
    hex::decode_to_slice(part(&vectors, "signature", "secret"), &mut secret).unwrap();
    let key = SigningKey::from_bytes(&secret);
    assert_eq!(
        hex::encode(key.verifying_key().to_bytes()),
        part(&vectors, "signature", "public")
    );
    assert_eq!(
        hex::encode(key.sign(&bytes).to_bytes()),
        part(&vectors, "signature", "signature")
    );
    pacta_domain::verify_signature(
        part(&vectors, "signature", "public"),
        part(&vectors, "signature", "signature"),
        &message,
    )
    .expect("the documented signature verifies");
    let mut other_text = message.clone();
    other_text.text_root_hash = "0".repeat(64);
    assert!(pacta_domain::verify_signature(
        part(&vectors, "signature", "public"),
        part(&vectors, "signature", "signature"),
        &other_text
    )
    .is_err());
}

#[test]
fn journal_vectors() {
    use pacta_verify::journal::{self, CheckpointBody};
    let vectors = vectors();
    let hashes = |text: &str| -> Vec<[u8; 32]> {
        text.lines()
            .map(|l| journal::parse_hash(l).unwrap())
            .collect()
    };
    let leaves = hashes(part(&vectors, "journal", "chain-hashes"));
    assert_eq!(
        hex::encode(journal::leaf_hash(&leaves[1])),
        part(&vectors, "journal", "leaf-1")
    );
    let root = journal::root(&leaves);
    assert_eq!(hex::encode(root), part(&vectors, "journal", "root"));
    let inclusion = journal::inclusion_proof(&leaves, 1).unwrap();
    assert_eq!(inclusion, hashes(part(&vectors, "journal", "inclusion-1")));
    journal::verify_inclusion(&root, 3, 1, &leaves[1], &inclusion).unwrap();
    let consistency = journal::consistency_proof(&leaves, 2).unwrap();
    assert_eq!(
        consistency,
        hashes(part(&vectors, "journal", "consistency-2-3"))
    );
    journal::verify_consistency(&journal::root(&leaves[..2]), 2, &root, 3, &consistency).unwrap();

    let body = CheckpointBody {
        ledger_id: "example-ledger".into(),
        tree_size: 3,
        root,
        time: 1_767_225_600,
    };
    assert_eq!(
        body.body(),
        format!("{}\n", part(&vectors, "journal", "body"))
    );
    let mut secret = [0u8; 32];
    hex::decode_to_slice(part(&vectors, "signature", "secret"), &mut secret).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    assert_eq!(
        journal::sign(&key, &body.body()),
        part(&vectors, "journal", "signature")
    );
    let public = part(&vectors, "signature", "public");
    journal::verify_signature(public, &body.body(), part(&vectors, "journal", "signature"))
        .unwrap();
    let cosigning = body.cosignature_message(1_767_225_660);
    assert_eq!(
        journal::sign(&key, &cosigning),
        part(&vectors, "journal", "cosignature")
    );
    // A co-signature is never a ledger signature of the same body.
    assert!(journal::verify_signature(
        public,
        &body.body(),
        part(&vectors, "journal", "cosignature")
    )
    .is_err());
}

#[test]
fn audit_bundle_vectors() {
    use pacta_verify::audit::BundleEvent;
    use pacta_verify::journal::{self, multiproof};
    use sha2::Digest;
    let vectors = vectors();
    let hashes = |text: &str| -> Vec<journal::Hash> {
        text.lines()
            .map(|l| journal::parse_hash(l).unwrap())
            .collect()
    };
    let leaves = hashes(part(&vectors, "multiproof", "chain-hashes"));
    for (i, leaf) in leaves.iter().enumerate() {
        assert_eq!(
            *leaf,
            <[u8; 32]>::from(sha2::Sha256::digest(format!("leaf {i}"))),
            "the vector's leaves are what it says"
        );
    }
    let root = journal::root(&leaves);
    assert_eq!(hex::encode(root), part(&vectors, "multiproof", "root"));
    let proof = multiproof::prove(&leaves, &[1, 2, 5]).unwrap();
    assert_eq!(proof, hashes(part(&vectors, "multiproof", "proof-1-2-5")));
    let proven: Vec<(u64, journal::Hash)> = [1u64, 2, 5]
        .iter()
        .map(|&i| (i, leaves[i as usize]))
        .collect();
    assert_eq!(multiproof::root_from(7, &proven, &proof).unwrap(), root);

    let event = stored_event(part(&vectors, "event-1", "stored"));
    let hash = chain::hash_field(&event).unwrap();
    let line = BundleEvent::line(0, &hash, &chain::canonical_record(&event).unwrap());
    assert_eq!(
        String::from_utf8(line).unwrap(),
        part(&vectors, "bundle", "line-event-1")
    );
}

// ---------------------------------------------------------------------------------------------
// The Python verifier of §8: exactly the file the document publishes.

/// docs/verify_ledger.py, which the document's Python excerpts are taken from.
const PYTHON_VERIFIER: &str = include_str!("../../docs/verify_ledger.py");

fn python_verifier() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/verify_ledger.py")
}

/// `python3 ARGS…` with `stdin`, writing no bytecode cache into the source tree.
fn python3(args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>, stdin: &str) -> Output {
    let mut child = Command::new("python3")
        .arg("-B")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs the published verifier (CI installs python3, nothing else)");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// `python3 docs/verify_ledger.py ARGS…`.
fn python_verifies(args: &[&str], stdin: &str) -> Output {
    let verifier = python_verifier().into_os_string();
    python3(
        std::iter::once(verifier).chain(args.iter().map(Into::into)),
        stdin,
    )
}

/// Each Python block of the document is the published file's own code, not a paraphrase.
#[test]
fn the_documents_python_is_the_published_verifier() {
    let blocks: Vec<&str> = FORMAT_DOC
        .split("```python\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert!(
        !blocks.is_empty(),
        "docs/ledger-format.md shows its verifier"
    );
    for block in blocks {
        for definition in block.split("\n\n\n") {
            assert!(
                PYTHON_VERIFIER.contains(definition.trim_end()),
                "docs/ledger-format.md shows code that docs/verify_ledger.py does not hold:\n{definition}"
            );
        }
    }
    assert!(
        FORMAT_DOC.contains("docs/verify_ledger.py"),
        "the document names its verifier"
    );
}

#[test]
fn the_python_verifier_checks_the_chain_vectors() {
    let vectors = vectors();
    let events = format!(
        "[{}, {}]",
        part(&vectors, "event-2", "stored"),
        part(&vectors, "event-1", "stored")
    );
    let output = python_verifies(&["chain"], &events);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        format!("2 {}", part(&vectors, "event-2", "hash"))
    );

    // An event altered is named by sequence, as `pacta verify` names it.
    let altered = events.replace("Koffi Yao", "Koffi Yaa");
    let output = python_verifies(&["chain"], &altered);
    assert_eq!(output.status.code(), Some(Integrity as i32));
    assert!(
        stderr(&output).contains(
            "integrity error in negotiation 'civ-mar-tip-mou' at sequence 1: its content hashes to"
        ),
        "{}",
        stderr(&output)
    );
}

/// The vectors of §7, §9 and §10 through the Python verifier's own functions.
const PYTHON_VECTOR_CHECKS: &str = r#"
import hashlib, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("verify_ledger", sys.argv[1])
v = importlib.util.module_from_spec(spec)
spec.loader.exec_module(v)
vectors = json.load(sys.stdin)
hashes = lambda name: [bytes.fromhex(h) for h in vectors[name].split()]
clause = json.loads(vectors["clause-text:input"])
escapes = json.loads(vectors["clause-text-escapes:input"])
command = json.loads(vectors["command:input"])
root_input = json.loads(vectors["text-root:input"])
public, message = vectors["signature:public"], v.SIGN_TAG + vectors["signature:message"].encode()
leaves, tree, first_two = hashes("journal:chain-hashes"), v.Frontier(), v.Frontier()
for leaf in leaves:
    tree.push(leaf)
for leaf in leaves[:2]:
    first_two.push(leaf)
body = v.checkpoint_body({"ledger_id": "example-ledger", "tree_size": 3,
                          "root_hash": tree.root().hex(), "created_at": 1767225600})
seven = hashes("multiproof:chain-hashes")
print(json.dumps({
    "clause-text:canonical": v.jcs(clause).decode(),
    "clause-text:hash": v.clause_text_hash(clause["heading"], clause["language"], clause["text"]),
    "clause-text-escapes:canonical": v.jcs(escapes).decode(),
    "clause-text-escapes:hash": v.clause_text_hash(escapes["heading"], escapes["language"],
                                                   escapes["text"]),
    "command:canonical": v.jcs(command).decode(),
    "command:hash": hashlib.sha256(v.jcs(command)).hexdigest(),
    "text-root:canonical": v.jcs(root_input).decode(),
    "text-root:hash": v.text_root_hash(root_input["negotiation_id"], root_input["revision"],
                                       root_input["clauses"]),
    "signature verifies": v.ed25519_verify(public, message, vectors["signature:signature"]),
    "signature verifies for another party": v.ed25519_verify(
        public, message.replace(b'"CIV"', b'"MAR"'), vectors["signature:signature"]),
    "journal:leaf-1": v.leaf_hash(leaves[1]).hex(),
    "journal:root": tree.root().hex(),
    "journal:body": body,
    "consistency-2-3 verifies": v.verify_consistency(2, first_two.root(), 3, tree.root(),
                                                     hashes("journal:consistency-2-3")),
    "checkpoint signature verifies": v.ed25519_verify(public, body.encode(),
                                                      vectors["journal:signature"]),
    "co-signature verifies": v.ed25519_verify(
        public, v.cosignature_message(body, 1767225660).encode(), vectors["journal:cosignature"]),
    "co-signature verifies as the ledger's": v.ed25519_verify(public, body.encode(),
                                                              vectors["journal:cosignature"]),
    "multiproof:root": v.multiproof_root(7, [(i, seven[i]) for i in (1, 2, 5)],
                                         hashes("multiproof:proof-1-2-5")).hex(),
}))
"#;

#[test]
fn the_python_verifier_checks_every_other_vector() {
    let vectors = vectors();
    let by_name: BTreeMap<String, &String> = vectors
        .iter()
        .map(|((name, part), text)| (format!("{name}:{part}"), text))
        .collect();
    let verifier = python_verifier();
    let output = python3(
        [
            "-c".as_ref(),
            PYTHON_VECTOR_CHECKS.as_ref(),
            verifier.as_os_str(),
        ],
        &serde_json::to_string(&by_name).unwrap(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let computed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    for (key, expected) in [
        (
            "clause-text:canonical",
            json!(part(&vectors, "clause-text", "canonical")),
        ),
        (
            "clause-text:hash",
            json!(part(&vectors, "clause-text", "hash")),
        ),
        (
            "clause-text-escapes:canonical",
            json!(part(&vectors, "clause-text-escapes", "canonical")),
        ),
        (
            "clause-text-escapes:hash",
            json!(part(&vectors, "clause-text-escapes", "hash")),
        ),
        (
            "command:canonical",
            json!(part(&vectors, "command", "canonical")),
        ),
        ("command:hash", json!(part(&vectors, "command", "hash"))),
        (
            "text-root:canonical",
            json!(part(&vectors, "text-root", "canonical")),
        ),
        ("text-root:hash", json!(part(&vectors, "text-root", "hash"))),
        ("signature verifies", json!(true)),
        ("signature verifies for another party", json!(false)),
        ("journal:leaf-1", json!(part(&vectors, "journal", "leaf-1"))),
        ("journal:root", json!(part(&vectors, "journal", "root"))),
        (
            "journal:body",
            json!(format!("{}\n", part(&vectors, "journal", "body"))),
        ),
        ("consistency-2-3 verifies", json!(true)),
        ("checkpoint signature verifies", json!(true)),
        ("co-signature verifies", json!(true)),
        ("co-signature verifies as the ledger's", json!(false)),
        (
            "multiproof:root",
            json!(part(&vectors, "multiproof", "root")),
        ),
    ] {
        assert_eq!(computed[key], expected, "{key}");
    }
}

// ---------------------------------------------------------------------------------------------
// Whole ledgers (§9): the Python verifier passes where `pacta verify` passes; verify_ledger.rs
// has it name what `pacta verify` names on each tampered copy.

on_both_stores!(
    python_and_pacta_verify_a_clean_cosigned_ledger,
    python_and_pacta_verify_clean_bundles,
    python_and_pacta_name_the_same_subject_in_tampered_bundles,
);

/// The lines naming each negotiation's head: `NEG: N events, chain intact, head N:HASH`.
fn heads(printed: &str) -> Vec<&str> {
    let mut heads: Vec<&str> = printed
        .lines()
        .filter(|l| l.contains(" events, chain intact, head "))
        .collect();
    heads.sort_unstable();
    heads
}

/// `pacta` and the Python verifier both fail as an integrity failure, each naming `named`.
#[track_caller]
pub(crate) fn both_find(case: &str, pacta: &Output, python: &Output, named: &str) {
    for (verifier, output) in [("pacta", pacta), ("the Python verifier", python)] {
        let found = stderr(output);
        assert_eq!(
            output.status.code(),
            Some(Integrity as i32),
            "{case}: {verifier} must exit 3; stdout: {}\nstderr: {found}",
            stdout(output)
        );
        assert!(
            found.contains(named),
            "{case}: {verifier} must name '{named}' in:\n{found}"
        );
    }
}

impl CheckpointedDemo {
    /// `pacta verify` and `python3 verify_ledger.py ledger STORE` of the whole ledger.
    pub(crate) fn verify_ledger_twice(&self) -> (Output, Output) {
        let pacta = pacta(&self.store, &["verify"]);
        let python = python_verifies(&["ledger", &self.store.url], "");
        (pacta, python)
    }
}

async fn python_and_pacta_verify_a_clean_cosigned_ledger(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    setup.cosigned_by_civ("civ-mar-cosign");
    // Recorded through the ledger alone, with no projector run: the journal lags one event
    // behind, which is no finding (§9, "Journal lag").
    let comment = NegotiationCommand {
        actor: "amina.kone".into(),
        action: Action::Comment {
            clause_id: None,
            text: "pas encore dans le journal".into(),
            internal: false,
        },
        took_place: None,
    };
    setup
        .store
        .ledger()
        .execute(DEMO_NEGOTIATION, comment)
        .await
        .unwrap();
    let (pacta, python) = setup.verify_ledger_twice();
    let (pacta, python) = (assert_ok(&pacta), assert_ok(&python));
    assert_eq!(heads(&pacta), heads(&python), "the same heads");
    assert_eq!(heads(&python).len(), 3, "{python}");
    for printed in [&pacta, &python] {
        assert!(
            printed.contains("(1 events not yet journaled)"),
            "{printed}"
        );
    }
    assert!(
        python.contains("2 checkpoints, 1 co-signatures verified"),
        "{python}"
    );
}

// ---------------------------------------------------------------------------------------------
// Audit bundles (§10): the Python verifier passes where `pacta audit verify` passes, and names
// the same subject (event, journal proof, signature, co-signature, bundle) on each doctored copy.

impl CheckpointedDemo {
    /// `pacta audit export NEG --out FILE ARGS…`; returns FILE.
    fn export_bundle(&self, negotiation: &str, args: &[&str]) -> String {
        let out = self.path(&format!("{negotiation}.bundle"));
        ok(
            &self.store,
            &[&["audit", "export", negotiation, "--out", &out], args].concat(),
        );
        out
    }

    /// `pacta audit verify FILE ARGS…` and `python3 verify_ledger.py bundle FILE ARGS…`.
    fn verify_bundle_twice(&self, file: &str, args: &[&str]) -> (Output, Output) {
        let pacta = pacta(&self.store, &[&["audit", "verify", file], args].concat());
        let python = python_verifies(&[&["bundle", file], args].concat(), "");
        (pacta, python)
    }

    /// The head `pacta verify NEG` prints, `SEQUENCE:HASH`.
    fn head(&self, negotiation: &str) -> String {
        let printed = ok(&self.store, &["verify", negotiation]);
        let line = heads(&printed)[0];
        line.rsplit(' ').next().unwrap().to_string()
    }
}

async fn python_and_pacta_verify_clean_bundles(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let kept = setup.path("kept-checkpoint.json");
    std::fs::write(&kept, ok(&setup.store, &["checkpoint", "show", "--json"])).unwrap();
    let kept_size = setup.latest_checkpoint().tree_size.to_string();
    setup.cosigned_by_civ("civ-mar-cosign");
    let head = setup.head(DEMO_NEGOTIATION);

    // The MoU, both parties' signatures and the texts they bind, against a checkpoint and a
    // head kept before, through a consistency proof.
    let file = setup.export_bundle(DEMO_NEGOTIATION, &["--consistent-with", &kept_size]);
    let anchors = ["--trusted-checkpoint", &kept, "--trusted-head", &head];
    let (pacta, python) = setup.verify_bundle_twice(&file, &anchors);
    assert_ok(&pacta);
    let printed = assert_ok(&python);
    assert!(
        printed.contains("0 co-signatures, 2 signatures binding"),
        "{printed}"
    );

    // A negotiation whose signatory co-signed the bundle's checkpoint.
    let file = setup.export_bundle("civ-mar-cosign", &[]);
    let (pacta, python) = setup.verify_bundle_twice(&file, &[]);
    assert_ok(&pacta);
    let printed = assert_ok(&python);
    assert!(printed.contains("1 co-signatures"), "{printed}");
}

/// An attacker's edit of a bundle's values (`crate::audit::bundle_value`).
type BundleEdit<'a> = Box<dyn Fn(&mut Value) + 'a>;

async fn python_and_pacta_name_the_same_subject_in_tampered_bundles(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let head = setup.head(DEMO_NEGOTIATION);
    let read = |file: String| std::fs::read_to_string(file).unwrap();
    let exported_text = read(setup.export_bundle(DEMO_NEGOTIATION, &[]));
    let exported = bundle_value(&exported_text);
    let signed = first_signature(&exported);
    // A valid signature, and the text root it binds, from the other negotiation.
    let other = bundle_value(&read(setup.export_bundle(DEMO_AGREEMENT, &[])));
    let replayed =
        other["events"][first_signature(&other) - 1]["payload"]["InstrumentSigned"].clone();
    let checkpoint = serde_json::from_value(exported["checkpoint"].clone()).unwrap();
    let (stranger_public, stranger_signs, signed_at) = setup.stranger_cosignature(&checkpoint);

    // The checkpoint an auditor kept, its signature changed since.
    let mut kept: Value =
        serde_json::from_str(&ok(&setup.store, &["checkpoint", "show", "--json"])).unwrap();
    let signature = kept["checkpoint"]["signature"].as_str().unwrap();
    let changed = if signature.starts_with('0') { "1" } else { "0" };
    kept["checkpoint"]["signature"] = format!("{changed}{}", &signature[1..]).into();
    let forged_kept = setup.path("forged-kept.json");
    std::fs::write(&forged_kept, kept.to_string()).unwrap();

    let objet = DEMO_TARGET_SEQUENCE;
    let change_a_payload_byte = |bundle: &mut Value| {
        event_mut(bundle, objet)["payload"]["ClauseProposed"]["heading"] = "Objeu".into();
    };
    let cases: Vec<(&str, BundleEdit, Vec<&str>, String)> = vec![
        (
            "a byte changed in a payload",
            Box::new(change_a_payload_byte),
            vec![],
            format!("event {objet}: its content hashes to"),
        ),
        (
            "a byte changed in a payload, the chain resealed",
            Box::new(|bundle| {
                change_a_payload_byte(bundle);
                reseal(bundle);
            }),
            vec![],
            "journal proof: ".into(),
        ),
        (
            "a forged draft signature, the chain resealed",
            Box::new(|bundle| {
                forge_a_signature(bundle, signed);
                reseal(bundle);
            }),
            vec![],
            format!("signature at event {signed}: "),
        ),
        (
            "a signature replayed on another text, the chain resealed",
            Box::new(|bundle| {
                let target = &mut event_mut(bundle, signed)["payload"]["InstrumentSigned"];
                target["signature"] = replayed["signature"].clone();
                target["text_root_hash"] = replayed["text_root_hash"].clone();
                reseal(bundle);
            }),
            vec![],
            format!("signature at event {signed}: "),
        ),
        (
            "a co-signature by a person the negotiation never accredited",
            Box::new(|bundle| {
                bundle["cosignatures"].as_array_mut().unwrap().push(json!({
                    "party": "CIV", "person": "stranger", "public_key": stranger_public,
                    "signature": stranger_signs, "signed_at": signed_at,
                }));
            }),
            vec![],
            format!(
                "co-signature of CIV: stranger is not accredited as CIV's signatory with key {stranger_public}"
            ),
        ),
        (
            "a word of the signed text changed",
            Box::new(|bundle| {
                let wording = &mut bundle["signed_texts"][0]["clauses"][0]["versions"]["fr"];
                let text = format!("{} ", wording["text"].as_str().unwrap());
                wording["text"] = text.into();
            }),
            vec![],
            format!(
                "signed text of revision 0 with root {}: its clauses hash to root",
                exported["signed_texts"][0]["text_root_hash"].as_str().unwrap()
            ),
        ),
        (
            "the last event cut, against a kept head",
            Box::new(|bundle| {
                bundle["events"].as_array_mut().unwrap().pop();
            }),
            vec!["--trusted-head", &head],
            "bundle: it ends at event".into(),
        ),
        (
            "a kept checkpoint whose signature was changed",
            Box::new(|_| {}),
            vec!["--trusted-checkpoint", &forged_kept],
            "trusted checkpoint: its own ledger signature".into(),
        ),
    ];
    let file = setup.path("doctored.bundle");
    for (case, edit, args, named) in cases {
        let mut bundle = exported.clone();
        edit(&mut bundle);
        std::fs::write(&file, bundle_text(&bundle)).unwrap();
        let (pacta, python) = setup.verify_bundle_twice(&file, &args);
        both_find(case, &pacta, &python, &named);
    }

    // Spellings of the same values that the exporter never writes are refused by both.
    let text = exported_text;
    let respelt: [(&str, String, &str); 3] = [
        (
            "CRLF line endings",
            text.replace('\n', "\r\n"),
            "carriage return",
        ),
        (
            "no final line feed",
            text.trim_end().to_string(),
            "does not end in a line feed",
        ),
        (
            "a key of the header twice",
            text.replacen('{', "{\"negotiation_id\":\"another\",", 1),
            "appears twice in one object",
        ),
    ];
    for (case, respelt, named) in respelt {
        std::fs::write(&file, respelt).unwrap();
        let (pacta, python) = setup.verify_bundle_twice(&file, &[]);
        both_find(case, &pacta, &python, named);
    }
}
