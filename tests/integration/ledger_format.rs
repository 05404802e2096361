//! The test vectors of docs/ledger-format.md, checked against the implementation, and the
//! document's own Python verifier run on them: the published format and the code agree.

use std::collections::BTreeMap;

use cqrs_es::persist::SerializedEvent;
use pacta_verify::chain::{self, ChainHead, CHAIN_DOMAIN_TAG};
use serde_json::Value;

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
fn clause_text_vector() {
    let vectors = vectors();
    let input: Value = serde_json::from_str(part(&vectors, "clause-text", "input")).unwrap();
    let canonical = serde_json_canonicalizer::to_string(&input).unwrap();
    assert_eq!(canonical, part(&vectors, "clause-text", "canonical"));
    let hash = pacta_domain::clause_text_hash(
        input["heading"].as_str().unwrap(),
        input["language"].as_str().unwrap(),
        input["text"].as_str().unwrap(),
    );
    assert_eq!(hash, part(&vectors, "clause-text", "hash"));
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
fn the_documents_python_verifier_checks_the_vectors() {
    let vectors = vectors();
    let verifier = FORMAT_DOC
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/ledger-format.md has a Python verifier");
    let events = format!(
        "[{}, {}]",
        part(&vectors, "event-1", "stored"),
        part(&vectors, "event-2", "stored")
    );
    let script = format!("{verifier}\nimport sys\nprint(*verify(json.loads(sys.stdin.read())))\n");
    let mut child = std::process::Command::new("python3")
        .args(["-c", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs the documented verifier (it is on every machine this project uses)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(events.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        format!("2 {}", part(&vectors, "event-2", "hash"))
    );
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
