//! `pacta verify` with no negotiation verifies the whole ledger (docs/ledger-format.md §9,
//! "Verifying the whole ledger"), on both stores: each attack below leaves every chain it did
//! not touch intact, and is caught only by the journal, a checkpoint or a co-signature; the
//! Python verifier the document publishes (docs/verify_ledger.py) names each attack as `pacta
//! verify` does. And an audit bundle counts a co-signature only by a signatory the negotiation
//! accredits (§10 rule 4).

use crate::common::cli::{ok, CheckpointedDemo, DEMO_TARGET_SEQUENCE};
use crate::common::Backend;
use crate::ledger_format::both_find;
use pacta::demo::DEMO_NEGOTIATION;
use pacta_verify::audit::{self, BundleCosignature, Subject};

on_both_stores!(
    a_clean_demo_with_a_checkpoint_verifies,
    the_last_events_of_a_negotiation_deleted_are_found,
    an_altered_event_is_found,
    a_chain_rewritten_and_resealed_is_found,
    one_journal_leaf_changed_is_found,
    a_checkpoint_signature_changed_is_found,
    two_events_global_positions_swapped_are_found,
    a_cosignature_by_a_person_never_accredited_is_found,
    a_bundle_counts_no_cosignature_by_a_non_signatory,
);

const TARGET: usize = DEMO_TARGET_SEQUENCE;

impl CheckpointedDemo {
    /// `pacta verify` and the Python verifier must both fail as an integrity failure, each
    /// naming every one of `expected` on stderr.
    #[track_caller]
    fn both_find(&self, case: &str, expected: &[&str]) {
        let (pacta, python) = self.verify_ledger_twice();
        for expected in expected {
            both_find(case, &pacta, &python, expected);
        }
    }
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
    setup.cosigned_by_civ("civ-mar-verify");
    let printed = ok(&setup.store, &["verify"]);
    assert!(printed.contains("1 co-signatures"), "{printed}");
    assert!(printed.contains("2 checkpoints"), "{printed}");
}

async fn the_last_events_of_a_negotiation_deleted_are_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let kept = setup.delete_last_events(3).await;
    // The shorter chain still links: only the journal shows the cut.
    setup.store.ledger().verify(DEMO_NEGOTIATION).await.unwrap();
    let size = setup.latest_checkpoint().tree_size;
    setup.both_find(
        "the last events of a negotiation deleted",
        &[
            &format!(
                "checkpoint {size} covers event {} of '{DEMO_NEGOTIATION}' (leaf",
                kept + 1
            ),
            &format!("which is no longer in the store (it holds events up to {kept}): the history was cut short"),
        ],
    );
}

async fn an_altered_event_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    setup.change_event(TARGET).await;
    setup.both_find(
        "an event altered",
        &[&format!(
            "integrity error in negotiation '{DEMO_NEGOTIATION}' at sequence {TARGET}"
        )],
    );
}

async fn a_chain_rewritten_and_resealed_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    setup.change_event(TARGET).await;
    // The attacker re-seals every event from the one changed, so the chain links again.
    setup.reseal_from(TARGET).await;
    setup
        .store
        .ledger()
        .verify(DEMO_NEGOTIATION)
        .await
        .expect("the re-sealed chain links");
    let size = setup.latest_checkpoint().tree_size;
    setup.both_find(
        "a chain rewritten and re-sealed",
        &[
            &format!("event {TARGET} of '{DEMO_NEGOTIATION}' has chain hash"),
            &format!("but checkpoint {size} covers it (leaf"),
            "the history was rewritten after the checkpoint",
        ],
    );
}

async fn one_journal_leaf_changed_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    setup.change_leaf(5).await;
    let size = setup.latest_checkpoint().tree_size;
    setup.both_find(
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
    let size = setup.change_checkpoint_signature().await;
    setup.both_find(
        "a checkpoint's signature changed",
        &[&format!(
            "checkpoint {size}'s ledger signature does not verify"
        )],
    );
}

async fn two_events_global_positions_swapped_are_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let [first, other] = setup.swap_first_global_positions().await;
    // Every chain still links.
    setup.store.ledger().verify(DEMO_NEGOTIATION).await.unwrap();
    setup.both_find(
        "two events' global positions swapped",
        &[
            &format!("journal leaf 0 holds event 1 of '{DEMO_NEGOTIATION}'"),
            &format!("journal leaf 0 holds event {} of '{}'", first.2, first.1),
            &format!(
                "but the event at that place in commit order is event {} of '{}'",
                other.2, other.1
            ),
            &format!("journal leaf {} holds event", other.0),
        ],
    );
}

/// A co-signature row written straight into the store, signed by a key no negotiation accredits.
async fn a_cosignature_by_a_person_never_accredited_is_found(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let (size, stranger_public) = setup.insert_stranger_cosignature().await;
    setup.both_find(
        "a co-signature by a person never accredited",
        &[&format!(
            "the co-signature of MAR on checkpoint {size}: someone.else is not accredited as MAR's signatory with key {stranger_public}"
        )],
    );
}

/// Before §10 rule 4 required an accredited signatory, a bundle accepted a co-signature by
/// anyone the negotiation never accredited, under any key.
async fn a_bundle_counts_no_cosignature_by_a_non_signatory(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let store = &setup.store;
    // minister.civ is accredited in another negotiation, and co-signs a checkpoint.
    setup.cosigned_by_civ("civ-mar-cosign");
    let checkpoint = setup.latest_checkpoint();

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
    let (stranger_public, signature, signed_at) = setup.stranger_cosignature(&checkpoint);
    bundle.header.cosignatures.push(BundleCosignature {
        party: "CIV".into(),
        person: "stranger".into(),
        public_key: stranger_public.clone(),
        signature,
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
