//! Legal effect by what the parties intend, not by the label (issue 14 item 3), through the
//! `pacta` binary: an exchange of notes concluded by a reply reproducing the proposal; a
//! non-binding State–IOM MoU that is signed and takes effect, never "in force"; a treaty subject
//! to approval entering into force from the receipt of the last notification; and a signature
//! refused after the other party refused the signatory's full powers.

use crate::common::cli::{assert_ok, generate_key, ExitCode, Negotiation, Wording};
use crate::common::{Backend, TestStore};

on_both_stores!(
    an_exchange_of_notes_is_concluded_by_the_reply_reproducing_the_proposal,
    a_non_binding_mou_with_the_iom_is_signed_and_takes_effect,
    a_treaty_subject_to_approval_enters_into_force_from_the_last_receipt,
    a_signatory_whose_full_powers_were_refused_cannot_sign,
);

const PROPOSAL: &str = "J'ai l'honneur de vous proposer, au nom du Gouvernement de la République de Côte d'Ivoire, que nos deux Gouvernements coopèrent en matière de formation diplomatique. Si cette proposition recueille l'agrément de votre Gouvernement, la présente note et votre réponse constitueront un accord, qui entrera en vigueur à la date de votre réponse.";

async fn an_exchange_of_notes_is_concluded_by_the_reply_reproducing_the_proposal(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "civ-mar-notes");
    let terms = [
        "--language",
        "fr",
        "--legally-binding",
        "--consent",
        "exchange-of-notes",
    ];
    neg.open_civ_mar(
        "Échange de notes relatif à la formation diplomatique",
        "exchange-of-notes",
        &terms,
    );
    let proposal = ["--number", "N° 0123/MAEIA/DAJ", "--on", "2026-04-02"];
    let proposal_args = [&proposal[..], &["--text", PROPOSAL]].concat();
    // The notes conclude the negotiated text: none is proposed before every party adopts it.
    neg.refused(
        "civ.head",
        "note",
        &proposal_args,
        ExitCode::Refused,
        "every party must adopt the text first",
    )
    .await;
    agree_and_adopt(&neg, ["civ.head", "mar.head"]);
    neg.ok("civ.head", "note", &proposal_args);
    let proposal_hash = pacta_domain::note_text_hash(PROPOSAL);
    let status = neg.read("status", &[]);
    assert!(
        status.contains(&format!(
            "Exchange of notes: note N° 0123/MAEIA/DAJ from CIV on 2026-04-02 (proposal) [{proposal_hash}]"
        )),
        "status prints the proposal's note text hash: {status}"
    );

    let dir = tempfile::tempdir().unwrap();
    let reply_file = dir.path().join("reponse.txt");
    let reply_head = ["--number", "N° 456/DAJ", "--on", "2026-04-10"];
    // A reply that changes the proposal's wording is refused and records nothing.
    std::fs::write(
        &reply_file,
        format!(
            "J'ai l'honneur d'accuser réception de votre note ainsi conçue : « {} » …",
            PROPOSAL.replace("formation diplomatique", "formation")
        ),
    )
    .unwrap();
    let reply_args = [
        &reply_head[..],
        &[
            "--text-file",
            reply_file.to_str().unwrap(),
            "--in-reply-to",
            &proposal_hash,
        ],
    ]
    .concat();
    neg.refused(
        "mar.head",
        "note",
        &reply_args,
        ExitCode::Refused,
        "the reply does not reproduce the proposal: its text does not contain the full text of note N° 0123/MAEIA/DAJ word for word",
    )
    .await;
    std::fs::write(
        &reply_file,
        format!(
            "J'ai l'honneur d'accuser réception de votre note ainsi conçue : « {PROPOSAL} » J'ai l'honneur de vous faire savoir que cette proposition recueille l'agrément du Gouvernement du Royaume du Maroc."
        ),
    )
    .unwrap();
    neg.ok("mar.head", "note", &reply_args);

    let status = neg.status();
    assert_eq!(status["status"]["status"], "in-force");
    assert_eq!(status["entry_into_force"], "2026-04-10", "the reply's date");
    assert_eq!(status["notes"][1]["in_reply_to"], proposal_hash.as_str());
    let shown = neg.read("status", &[]);
    for line in [
        "status: in force from 2026-04-10",
        "Exchange of notes: note N° 456/DAJ from MAR on 2026-04-10 (reply reproducing the proposal)",
        "Exchange of notes: concluded by the exchange of notes on 2026-04-10",
        "Registration: registrable under Article 102 of the UN Charter once in force",
    ] {
        assert!(shown.contains(line), "{line}: {shown}");
    }
    let history = neg.read("history", &[]);
    assert!(
        history.contains("MAR replied by note N° 456/DAJ on 2026-04-10, reproducing the proposal"),
        "{history}"
    );
}

const IOM: &str = "organisation:IOM|Organisation internationale pour les migrations|iom.head";

/// Article 1 agreed by both heads and the text adopted: returns the text root.
fn agree_and_adopt(neg: &Negotiation, heads: [&str; 2]) -> String {
    let object = Wording::fr(
        "Objet",
        "Le présent instrument organise la coopération des Participants.",
    );
    let hash = object.hash();
    neg.propose(heads[0], "art-1", object);
    for head in heads {
        assert_ok(&neg.agree(head, "art-1", &hash, &[]));
    }
    let root = neg.text_root();
    neg.ok_by(&heads, "adopt", &["--root", &root]);
    root
}

/// `head` accredits `signatory` of `party`, ex officio or with full powers `FP-…`; returns the key
/// file.
fn accredit_signatory(
    neg: &Negotiation,
    dir: &std::path::Path,
    head: &str,
    signatory: &str,
    party: &str,
    ex_officio: bool,
) -> String {
    let key = dir.join(format!("{signatory}.key")).display().to_string();
    let public = generate_key(neg.store, &key);
    let powers = dir.join(format!("{signatory}-pleins-pouvoirs.pdf"));
    std::fs::write(&powers, format!("%PDF pleins pouvoirs {signatory}")).unwrap();
    let reference = format!("FP-{signatory}");
    let authority: Vec<&str> = if ex_officio {
        vec!["--public-key", &public, "--ex-officio"]
    } else {
        vec![
            "--public-key",
            &public,
            "--full-powers",
            &reference,
            "--full-powers-file",
            powers.to_str().unwrap(),
        ]
    };
    neg.accredit(head, signatory, party, "signatory", &authority);
    key
}

async fn a_non_binding_mou_with_the_iom_is_signed_and_takes_effect(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let neg = Negotiation::new(&store, "civ-iom-mou");
    let terms = [
        "--language",
        "fr",
        "--party",
        "CIV|Côte d'Ivoire|civ.head",
        "--party",
        IOM,
        "--not-legally-binding",
    ];
    neg.open(
        "civ.head",
        "Mémorandum d'entente relatif à la migration de main-d'œuvre",
        "mou",
        &terms,
    );
    let root = agree_and_adopt(&neg, ["civ.head", "iom.head"]);
    let civ_key = accredit_signatory(&neg, dir.path(), "civ.head", "minister.civ", "CIV", true);
    let iom_key = accredit_signatory(&neg, dir.path(), "iom.head", "iom.dg", "IOM", false);
    neg.ok(
        "civ.head",
        "examine-full-powers",
        &["--signatory", "iom.dg", "--accept"],
    );
    let title = ["--title", "Ministre des Affaires étrangères"];
    assert_ok(
        &neg.act(
            "minister.civ",
            "sign",
            &[
                &["--key", &civ_key, "--root", &root][..],
                &["--capacity", "simple", "--on", "2026-05-04"],
                &title,
            ]
            .concat(),
        ),
    );
    assert_ok(&neg.sign("iom.dg", &iom_key, &root, "definitive", "2026-05-06"));

    neg.accredit("iom.head", "iom.legal", "IOM", "competent-authority", &[]);
    neg.refused(
        "iom.legal",
        "consent",
        &["--mode", "formal-confirmation", "--on", "2026-06-01"],
        ExitCode::Refused,
        "the instrument is not intended to be legally binding",
    )
    .await;

    let status = neg.status();
    assert_eq!(status["entry_into_force"], "2026-05-06");
    assert_eq!(status["legal_effect"]["legally_binding"], false);
    let shown = neg.read("status", &[]);
    for line in [
        "status: takes effect on 2026-05-06",
        "Legal effect: not intended to be legally binding",
        "Registration: not registrable under Article 102 of the UN Charter: not intended to be legally binding",
        "Takes effect: on the date of the last signature",
        "signed by minister.civ (Ministre des Affaires étrangères) on 2026-05-04",
        "signed by iom.dg on 2026-05-06",
        "full powers of iom.dg (FP-iom.dg) accepted by CIV",
    ] {
        assert!(shown.contains(line), "{line}: {shown}");
    }
    let history = neg.read("history", &[]);
    for text in [&shown, &history] {
        for never in [
            "in force",
            "consent to be bound",
            "Consent to be bound",
            "ratification",
            "definitive",
        ] {
            assert!(!text.contains(never), "'{never}' in {text}");
        }
    }
    assert!(history.contains("takes effect on 2026-05-06"), "{history}");

    let markdown = neg.read("export", &["--format", "markdown"]);
    assert!(
        markdown.contains("- Effet juridique : sans effet juridique contraignant ; non enregistrable au titre de l'Article 102 de la Charte des Nations Unies"),
        "{markdown}"
    );
    let xml = neg.read("export", &["--format", "akoma-ntoso"]);
    assert!(
        xml.contains("not registrable under Article 102 of the UN Charter: not intended to be legally binding"),
        "{xml}"
    );
    for document in [&markdown, &xml] {
        for never in ["in force", "definitive", "binding text root"] {
            assert!(!document.contains(never), "'{never}' in {document}");
        }
    }
}

async fn a_treaty_subject_to_approval_enters_into_force_from_the_last_receipt(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let neg = Negotiation::new(&store, "civ-mar-sup");
    let terms = [
        "--language",
        "fr",
        "--legally-binding",
        "--consent",
        "approval",
        "--entry-into-force",
        "receipt-days:30",
    ];
    neg.open_civ_mar(
        "Traité de coopération dans le domaine de l'enseignement supérieur",
        "treaty",
        &terms,
    );
    let root = agree_and_adopt(&neg, ["civ.head", "mar.head"]);
    let civ_key = accredit_signatory(&neg, dir.path(), "civ.head", "minister.civ", "CIV", true);
    let mar_key = accredit_signatory(&neg, dir.path(), "mar.head", "minister.mar", "MAR", true);
    neg.refused(
        "minister.civ",
        "sign",
        &[
            "--key",
            &civ_key,
            "--root",
            &root,
            "--capacity",
            "definitive",
            "--on",
            "2026-07-09",
        ],
        ExitCode::Refused,
        "a definitive signature does not fit CIV's procedure, signature subject to approval",
    )
    .await;
    for (signatory, key) in [("minister.civ", &civ_key), ("minister.mar", &mar_key)] {
        assert_ok(&neg.sign(signatory, key, &root, "simple", "2026-07-09"));
    }
    neg.accredit("civ.head", "civ.office", "CIV", "competent-authority", &[]);
    neg.accredit("mar.head", "mar.office", "MAR", "competent-authority", &[]);
    neg.refused(
        "mar.office",
        "consent",
        &["--mode", "ratification", "--on", "2026-09-03"],
        ExitCode::Refused,
        "the instrument provides that MAR consents by signature subject to approval, not by ratification",
    )
    .await;
    let scan = dir.path().join("dahir.pdf");
    std::fs::write(&scan, b"%PDF Dahir n 1-26-12").unwrap();
    let scan_hash = pacta_domain::note_text_hash("%PDF Dahir n 1-26-12");
    neg.ok(
        "civ.office",
        "consent",
        &[
            "--mode",
            "approval",
            "--on",
            "2026-08-20",
            "--reference",
            "Décret n° 2026-612",
        ],
    );
    neg.ok(
        "mar.office",
        "consent",
        &[
            "--mode",
            "approval",
            "--on",
            "2026-09-03",
            "--reference",
            "Dahir n° 1-26-12",
            "--scan",
            scan.to_str().unwrap(),
            "--transmitted-by",
            "diplomatic-notification",
        ],
    );
    assert_eq!(
        neg.status()["entry_into_force"],
        serde_json::Value::Null,
        "counted from receipt, not from the approvals"
    );
    neg.refused(
        "civ.head",
        "receipt",
        &["--from", "MAR", "--on", "2026-09-01"],
        ExitCode::Refused,
        "before MAR expressed its consent on 2026-09-03",
    )
    .await;
    neg.ok(
        "mar.head",
        "receipt",
        &["--from", "CIV", "--on", "2026-08-27"],
    );
    neg.ok(
        "civ.head",
        "receipt",
        &["--from", "MAR", "--on", "2026-09-10"],
    );

    let status = neg.status();
    assert_eq!(
        status["entry_into_force"], "2026-10-10",
        "30 days after 10 September"
    );
    let mar = &status["parties"][1]["consent"];
    assert_eq!(mar["scan_sha256"], scan_hash.as_str());
    assert_eq!(mar["received"]["CIV"], "2026-09-10");
    let shown = neg.read("status", &[]);
    for line in [
        "status: in force from 2026-10-10",
        "Legal effect: legally binding; consent by CIV: signature subject to approval, MAR: signature subject to approval",
        "Entry into force: 30 days after the receipt of the last instrument or notification of consent",
        &format!("approval on 2026-09-03, instrument Dahir n° 1-26-12 [scan SHA-256 {scan_hash}], by notification through diplomatic channels, received by CIV on 2026-09-10"),
    ] {
        assert!(shown.contains(line), "{line}: {shown}");
    }
}

async fn a_signatory_whose_full_powers_were_refused_cannot_sign(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let neg = Negotiation::new(&store, "civ-mar-powers");
    neg.open_civ_mar(
        "Accord de coopération",
        "agreement",
        &["--language", "fr", "--legally-binding"],
    );
    let root = agree_and_adopt(&neg, ["civ.head", "mar.head"]);
    let mar_key = accredit_signatory(&neg, dir.path(), "mar.head", "envoy.mar", "MAR", false);
    let civ_key = accredit_signatory(&neg, dir.path(), "civ.head", "minister.civ", "CIV", true);
    neg.refused(
        "civ.head",
        "examine-full-powers",
        &["--signatory", "minister.civ", "--accept"],
        ExitCode::Refused,
        "CIV's head of delegation cannot examine its own signatory's full powers",
    )
    .await;
    neg.refused(
        "mar.head",
        "examine-full-powers",
        &["--signatory", "minister.civ", "--accept"],
        ExitCode::Refused,
        "minister.civ signs ex officio",
    )
    .await;
    neg.ok(
        "civ.head",
        "examine-full-powers",
        &[
            "--signatory",
            "envoy.mar",
            "--refuse",
            "copie non certifiée conforme",
        ],
    );
    crate::common::cli::refused_act(
        &store,
        ExitCode::Refused,
        "envoy.mar's full powers were examined by CIV and not accepted: copie non certifiée conforme",
        || neg.sign("envoy.mar", &mar_key, &root, "definitive", "2026-05-06"),
    )
    .await;
    let status = neg.status();
    assert_eq!(status["parties"][1]["signature"], serde_json::Value::Null);
    assert_eq!(
        status["status"]["status"], "text-adopted",
        "nothing recorded"
    );
    assert_ok(&neg.sign("minister.civ", &civ_key, &root, "definitive", "2026-05-06"));
    let shown = neg.read("status", &[]);
    assert!(
        shown.contains("full powers of envoy.mar (FP-envoy.mar) not accepted by CIV: copie non certifiée conforme"),
        "{shown}"
    );
}
