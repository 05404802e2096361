//! An international organisation as a party (VCLT 1986): a State and the IOM record an MoU from
//! the register to signature; what differs for an organisation — its code, and the act by which
//! it consents to be bound — is refused in one line and writes nothing. These tests register and
//! accept themselves, so that every step an organisation's people take is on view.

use crate::common::cli::{
    assert_ok, generate_key, pacta, register, stderr, ExitCode, Negotiation, Wording,
};
use crate::common::{Backend, TestStore};

on_both_stores!(
    a_state_and_the_iom_record_an_mou_through_to_signature,
    an_organisation_is_named_by_a_code_no_state_has,
    an_organisation_consents_by_formal_confirmation_and_a_state_by_ratification,
);

const IOM: &str = "organisation:IOM|Organisation internationale pour les migrations|iom.head";
const CIV: &str = "CIV|Côte d'Ivoire|civ.head";

/// The operator's register: Côte d'Ivoire's head of delegation and the IOM's chief of mission.
fn register_heads(store: &TestStore) {
    register(store, "civ.head", "Amina Koné", "CIV");
    register(store, "iom.head", "Chef de mission de l'OIM", "IOM");
}

/// `civ.head` opens `neg`, an instrument of `kind` in French between Côte d'Ivoire and the IOM,
/// and the IOM's head accepts.
fn open_civ_iom(neg: &Negotiation, kind: &str) -> String {
    let terms = [
        "--title",
        "Mémorandum d'entente relatif à la migration de main-d'œuvre",
        "--kind",
        kind,
        "--language",
        "fr",
        "--party",
        CIV,
        "--party",
        IOM,
    ];
    let opened = neg.ok("civ.head", "open", &terms);
    assert_eq!(neg.status()["awaiting_acceptance"][0], "IOM");
    neg.ok("iom.head", "accept", &[]);
    opened
}

/// An article is agreed and the text adopted by both; `minister.civ` (ex officio) and `iom.dg`
/// sign it in `capacity`, Côte d'Ivoire on 4 May 2026, the IOM on 6 May.
fn agree_adopt_and_sign(neg: &Negotiation, dir: &std::path::Path, capacity: &str) {
    let object = Wording::fr(
        "Objet",
        "Le présent mémorandum organise la coopération des Participants en matière de migration de main-d'œuvre.",
    );
    let hash = object.hash();
    neg.propose("iom.head", "art-1", object);
    for head in ["civ.head", "iom.head"] {
        assert_ok(&neg.agree(head, "art-1", &hash, &[]));
    }
    let root = neg.text_root();
    neg.ok_by(&["civ.head", "iom.head"], "adopt", &["--root", &root]);

    let civ_key = dir.join("civ.key").display().to_string();
    let civ_public = generate_key(neg.store, &civ_key);
    let ex_officio = ["--public-key", &civ_public, "--ex-officio"];
    neg.accredit("civ.head", "minister.civ", "CIV", "signatory", &ex_officio);
    // The organisation's representative produces appropriate full powers (VCLT 1986 art. 7(3)).
    let powers = dir.join("pleins-pouvoirs.pdf");
    std::fs::write(&powers, b"%PDF pleins pouvoirs du Directeur general").unwrap();
    let iom_key = dir.join("iom.key").display().to_string();
    let iom_public = generate_key(neg.store, &iom_key);
    let full_powers = [
        "--public-key",
        &iom_public,
        "--full-powers",
        "OIM-PP-2026-04",
        "--full-powers-file",
        powers.to_str().unwrap(),
    ];
    neg.accredit("iom.head", "iom.dg", "IOM", "signatory", &full_powers);

    assert_ok(&neg.sign("minister.civ", &civ_key, &root, capacity, "2026-05-04"));
    assert_ok(&neg.sign("iom.dg", &iom_key, &root, capacity, "2026-05-06"));
}

async fn a_state_and_the_iom_record_an_mou_through_to_signature(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    register_heads(&store);
    let neg = Negotiation::new(&store, "civ-iom-mou");
    open_civ_iom(&neg, "mou");
    agree_adopt_and_sign(&neg, dir.path(), "definitive");

    let status = neg.status();
    assert_eq!(status["status"]["status"], "in-force");
    assert_eq!(status["entry_into_force"], "2026-05-06");
    let [civ, iom] = [0, 1].map(|i| &status["parties"][i]);
    assert_eq!(iom["code"], "IOM");
    assert_eq!(iom["kind"], "organisation");
    assert_eq!(iom["signature"]["signatory"], "iom.dg");
    assert!(
        civ.get("kind").is_none(),
        "a State's kind is left out: {civ}"
    );
    // An MoU that states no legal effect is a political commitment: signed, never "definitive".
    let shown = neg.read("status", &[]);
    assert!(
        shown.contains("not registrable under Article 102"),
        "{shown}"
    );
    let iom_line = "Organisation internationale pour les migrations (IOM, international organisation): adopted the current text; signed by iom.dg on 2026-05-06";
    assert!(shown.contains(iom_line), "{shown}");
    assert!(shown.contains("  Côte d'Ivoire (CIV): "), "{shown}");
    let verified = pacta(&store, &["verify"]);
    assert_ok(&verified);
}

async fn an_organisation_is_named_by_a_code_no_state_has(backend: Backend) {
    let store = TestStore::new(backend).await;
    register_heads(&store);
    register(&store, "mar.head", "Youssef Benali", "MAR");
    let neg = Negotiation::new(&store, "civ-iom-codes");
    let open = |party: &'static str| {
        let terms = ["--title", "Mémorandum", "--kind", "mou", "--language", "fr"];
        let parties = ["--party", CIV, "--party", party];
        neg.args("civ.head", "open", &[&terms[..], &parties].concat())
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    for (party, expected) in [
        (
            "IOM|Organisation internationale pour les migrations|iom.head",
            "'IOM' is not an ISO 3166-1 alpha-3 country code (for example CIV, MAR); if it names an international organisation, give the party the kind organisation",
        ),
        (
            "organisation:MAR|Maroc|mar.head",
            "'MAR' is the ISO 3166-1 alpha-3 code of a State",
        ),
        (
            "organisation:iom|Organisation internationale pour les migrations|iom.head",
            "organisation code 'iom' must be 2 to 10 upper-case letters",
        ),
    ] {
        let args = open(party);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::common::cli::refused(&store, &args, ExitCode::Refused, expected).await;
    }

    let args = open("org:IOM|Organisation internationale pour les migrations|iom.head");
    let output = pacta(&store, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(output.status.code(), Some(ExitCode::Usage as i32));
    let message = stderr(&output);
    assert!(
        message.contains("'org' is not a kind of party: write 'organisation:CODE'"),
        "{message}"
    );
    assert_eq!(store.event_count().await, 0, "nothing was opened");
}

async fn an_organisation_consents_by_formal_confirmation_and_a_state_by_ratification(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    register_heads(&store);
    let neg = Negotiation::new(&store, "civ-iom-treaty");
    open_civ_iom(&neg, "treaty");
    neg.accredit("iom.head", "iom.legal", "IOM", "competent-authority", &[]);
    neg.accredit("civ.head", "civ.office", "CIV", "competent-authority", &[]);
    let consent = |mode| ["--mode", mode, "--on", "2026-06-01"];
    neg.refused(
        "iom.legal",
        "consent",
        &consent("ratification"),
        ExitCode::Refused,
        "IOM is an international organisation: it does not ratify, it consents to be bound by an act of formal confirmation (VCLT 1986 art. 14); use formal-confirmation",
    )
    .await;
    neg.refused(
        "civ.office",
        "consent",
        &consent("formal-confirmation"),
        ExitCode::Refused,
        "CIV is a State: an act of formal confirmation is an international organisation's",
    )
    .await;
    neg.refused(
        "iom.legal",
        "consent",
        &consent("formal-confirmation"),
        ExitCode::Refused,
        "IOM has not signed",
    )
    .await;

    let dir = tempfile::tempdir().unwrap();
    agree_adopt_and_sign(&neg, dir.path(), "simple");
    neg.ok("iom.legal", "consent", &consent("formal-confirmation"));
    neg.ok("civ.office", "consent", &consent("ratification"));
    let status = neg.status();
    assert_eq!(status["status"]["status"], "in-force");
    assert_eq!(
        status["parties"][1]["consent"]["mode"],
        "formal-confirmation"
    );
    let shown = neg.read("status", &[]);
    assert!(
        shown.contains("act of formal confirmation on 2026-06-01")
            && shown.contains("ratification on 2026-06-01"),
        "{shown}"
    );
    let history = neg.read("history", &[]);
    assert!(
        history.contains(
            "IOM expressed consent to be bound (act of formal confirmation) on 2026-06-01"
        ),
        "{history}"
    );
}
