//! `pacta demo`: a realistic negotiation, recorded through the same commands a delegation uses,
//! so that a new user sees the product at once and every demo event is a verified, chained fact.
//!
//! The story: Côte d'Ivoire and Morocco, facilitated by the IOM, negotiate a memorandum of
//! understanding on preventing and combating trafficking in persons. Côte d'Ivoire tables the
//! preamble and most articles; Morocco amends the scope; the article on exchanging personal data
//! stays disputed; the rest is agreed.

use cqrs_es::persist::PersistedEventRepository;
use pacta_domain::{
    Action, ClauseKind, Facilitator, InstrumentKind, NegotiationCommand, Party, PersonName, Role,
};

use crate::cli::{print_draft, CliError};
use crate::ledger::{CommandContext, Ledger, LedgerError};

pub const DEMO_NEGOTIATION: &str = "civ-mar-tip-mou";

const CIV_HEAD: &str = "amina.kone";
const CIV_NEGOTIATOR: &str = "koffi.yao";
const MAR_HEAD: &str = "youssef.benali";
const MAR_NEGOTIATOR: &str = "salma.idrissi";
const IOM_SECRETARIAT: &str = "iom.secretariat";
const MAR_TRANSLATOR: &str = "nadia.alaoui";
const MAR_LEGAL_LINGUIST: &str = "karim.tazi";

/// The wording of each clause Côte d'Ivoire tables: (id, kind, heading, text).
const TABLED: &[(&str, ClauseKind, &str, &str)] = &[
    (
        "rec-1",
        ClauseKind::Recital,
        "",
        "Conscients de la gravité de la traite des personnes, qui porte atteinte à la dignité humaine et aux droits fondamentaux ;",
    ),
    (
        "rec-2",
        ClauseKind::Recital,
        "",
        "Rappelant le Protocole visant à prévenir, réprimer et punir la traite des personnes, en particulier des femmes et des enfants, additionnel à la Convention des Nations Unies contre la criminalité transnationale organisée ;",
    ),
    (
        "art-objet",
        ClauseKind::Article,
        "Objet",
        "Le présent Mémorandum a pour objet de renforcer la coopération entre les Parties en vue de prévenir la traite des personnes et d'en protéger les victimes.",
    ),
    (
        "art-domaines",
        ClauseKind::Article,
        "Domaines de coopération",
        "Les Parties coopèrent notamment dans les domaines suivants :\na) la formation des acteurs de la chaîne pénale ;\nb) l'identification et l'orientation des victimes ;\nc) la sensibilisation des populations à risque.",
    ),
    (
        "art-donnees",
        ClauseKind::Article,
        "Échange d'informations",
        "Les Parties échangent, par l'intermédiaire de leurs points focaux, toute information utile, y compris les données à caractère personnel des victimes et des auteurs présumés.",
    ),
    (
        "art-comite",
        ClauseKind::Article,
        "Comité technique mixte",
        "Il est institué un Comité technique mixte chargé du suivi de la mise en œuvre du présent Mémorandum. Il se réunit une fois par an, alternativement à Abidjan et à Rabat.",
    ),
];

/// Morocco's Arabic versions of the agreed clauses: (id, heading, text).
const ARABIC: &[(&str, &str, &str)] = &[
    (
        "rec-1",
        "",
        "إدراكاً منهما لخطورة الاتجار بالأشخاص الذي يمس بالكرامة الإنسانية وبالحقوق الأساسية؛",
    ),
    (
        "rec-2",
        "",
        "وإذ يشيران إلى بروتوكول منع وقمع ومعاقبة الاتجار بالأشخاص، وبخاصة النساء والأطفال، المكمل لاتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية؛",
    ),
    (
        "art-objet",
        "الموضوع",
        "تهدف مذكرة التفاهم هذه إلى تعزيز التعاون بين الطرفين من أجل منع الاتجار بالأشخاص ومكافحته، وحماية الضحايا ومساعدتهم، وملاحقة مرتكبيه.",
    ),
    (
        "art-domaines",
        "مجالات التعاون",
        "يتعاون الطرفان على وجه الخصوص في المجالات التالية:\nأ) تكوين الفاعلين في سلسلة العدالة الجنائية؛\nب) تحديد هوية الضحايا وتوجيههم؛\nج) توعية الفئات المعرضة للخطر.",
    ),
];

const OBJET_AMENDED: &str = "Le présent Mémorandum a pour objet de renforcer la coopération entre les Parties en vue de prévenir et de combattre la traite des personnes, de protéger et d'assister les victimes et de poursuivre les auteurs.";

pub async fn run<R: PersistedEventRepository>(ledger: &Ledger<R>) -> Result<(), CliError> {
    match ledger.events(DEMO_NEGOTIATION).await {
        Ok(_) => println!("The demo negotiation is already in this store; showing it.\n"),
        Err(LedgerError::UnknownNegotiation(_)) => {
            let count = record_story(ledger).await?;
            println!(
                "Recorded the demo negotiation '{DEMO_NEGOTIATION}': {count} chained events.\n"
            );
        }
        Err(other) => return Err(other.into()),
    }
    let events = ledger.events(DEMO_NEGOTIATION).await?;
    print_draft(&pacta_projections::draft(DEMO_NEGOTIATION, &events), None);
    println!("\nTry next:");
    println!("  pacta history {DEMO_NEGOTIATION}        every act, who, when, and its hash");
    println!("  pacta verify                           recompute every hash chain");
    println!("  pacta --as {MAR_HEAD} agree {DEMO_NEGOTIATION} art-donnees --hash <text hash>");
    Ok(())
}

/// Records the story through ordinary commands; returns the number of events recorded.
pub async fn record_story<R: PersistedEventRepository>(
    ledger: &Ledger<R>,
) -> Result<usize, LedgerError> {
    let mut recorded = 0;
    let mut act = async |actor: &str, action: Action| -> Result<Vec<String>, LedgerError> {
        let command = NegotiationCommand {
            actor: actor.to_string(),
            action,
        };
        let events = ledger
            .execute(DEMO_NEGOTIATION, command, &CommandContext::default())
            .await?;
        recorded += events.len();
        Ok(events
            .iter()
            .map(|e| e.metadata.get("hash").cloned().unwrap_or_default())
            .collect())
    };

    act(
        IOM_SECRETARIAT,
        Action::OpenNegotiation {
            negotiation_id: DEMO_NEGOTIATION.into(),
            title: "Mémorandum d'entente entre le Gouvernement de la République de Côte d'Ivoire et le Gouvernement du Royaume du Maroc relatif à la prévention et à la lutte contre la traite des personnes".into(),
            instrument_kind: InstrumentKind::Mou,
            parties: vec![
                Party::new("CIV", "République de Côte d'Ivoire", CIV_HEAD, "Amina Koné"),
                Party::new("MAR", "Royaume du Maroc", MAR_HEAD, "Youssef Benali"),
            ],
            facilitator: Some(Facilitator {
                code: "IOM".into(),
                name: "Organisation internationale pour les migrations".into(),
                secretariat: PersonName {
                    person: IOM_SECRETARIAT.into(),
                    name: "Secrétariat de l'OIM".into(),
                },
            }),
            languages: vec!["fr".into(), "ar".into()],
            language_responsibility: [("fr".into(), "CIV".into()), ("ar".into(), "MAR".into())].into(),
            entry_into_force_rule: None,
            termination_notice_months: None,
            provisional_application: false,
        },
    )
    .await?;
    act(
        CIV_HEAD,
        accredit(CIV_NEGOTIATOR, "Koffi Yao", "CIV", Role::Negotiator),
    )
    .await?;
    act(
        MAR_HEAD,
        accredit(MAR_NEGOTIATOR, "Salma Idrissi", "MAR", Role::Negotiator),
    )
    .await?;
    act(
        MAR_HEAD,
        accredit(MAR_TRANSLATOR, "Nadia Alaoui", "MAR", Role::LegalLinguist),
    )
    .await?;
    act(
        MAR_HEAD,
        accredit(MAR_LEGAL_LINGUIST, "Karim Tazi", "MAR", Role::LegalLinguist),
    )
    .await?;

    for (clause_id, kind, heading, text) in TABLED {
        act(
            CIV_NEGOTIATOR,
            Action::ProposeClause {
                clause_id: clause_id.to_string(),
                kind: *kind,
                heading: heading.to_string(),
                language: "fr".into(),
                text: text.to_string(),
            },
        )
        .await?;
    }
    let hash_of = |clause_id: &str| {
        let (_, _, heading, text) = TABLED
            .iter()
            .find(|c| c.0 == clause_id)
            .expect("tabled clause");
        pacta_domain::clause_text_hash(heading, "fr", text)
    };

    // Morocco widens the purpose to prosecution; both delegations agree the amended wording.
    act(
        MAR_NEGOTIATOR,
        Action::AmendClause {
            clause_id: "art-objet".into(),
            base_text_hash: hash_of("art-objet"),
            heading: "Objet".into(),
            language: "fr".into(),
            text: OBJET_AMENDED.into(),
        },
    )
    .await?;
    let objet_amended = pacta_domain::clause_text_hash("Objet", "fr", OBJET_AMENDED);

    // The data-exchange article stays disputed: Morocco objects and does not agree.
    act(
        MAR_NEGOTIATOR,
        Action::Comment {
            clause_id: Some("art-donnees".into()),
            text: "Le Royaume du Maroc ne peut accepter l'échange de données à caractère personnel sans garanties conformes à la loi n° 09-08 ; une formulation alternative sera proposée au prochain round.".into(),
        },
    )
    .await?;
    act(
        CIV_HEAD,
        Action::AgreeClause {
            clause_id: "art-donnees".into(),
            text_hash: hash_of("art-donnees"),
            ad_referendum: false,
        },
    )
    .await?;

    for head in [CIV_HEAD, MAR_HEAD] {
        for (clause_id, hash) in [
            ("rec-1", hash_of("rec-1")),
            ("rec-2", hash_of("rec-2")),
            ("art-objet", objet_amended.clone()),
            ("art-domaines", hash_of("art-domaines")),
        ] {
            act(
                head,
                Action::AgreeClause {
                    clause_id: clause_id.into(),
                    text_hash: hash,
                    ad_referendum: false,
                },
            )
            .await?;
        }
    }
    // Morocco's translator records the Arabic versions of the agreed clauses; its legal-linguist
    // verifies all but the last, which is left awaiting concordance.
    for (index, (clause_id, heading, text)) in ARABIC.iter().enumerate() {
        let source_text_hash = if *clause_id == "art-objet" {
            objet_amended.clone()
        } else {
            hash_of(clause_id)
        };
        act(
            MAR_TRANSLATOR,
            Action::TranslateClause {
                clause_id: clause_id.to_string(),
                language: "ar".into(),
                heading: heading.to_string(),
                text: text.to_string(),
                source_text_hash,
            },
        )
        .await?;
        if index + 1 < ARABIC.len() {
            act(
                MAR_LEGAL_LINGUIST,
                Action::VerifyConcordance {
                    clause_id: clause_id.to_string(),
                    language: "ar".into(),
                    text_hash: pacta_domain::clause_text_hash(heading, "ar", text),
                },
            )
            .await?;
        }
    }
    act(
        IOM_SECRETARIAT,
        Action::Comment {
            clause_id: Some("art-comite".into()),
            text: "L'OIM propose d'assurer le secrétariat de la première réunion du Comité.".into(),
        },
    )
    .await?;
    Ok(recorded)
}

fn accredit(person: &str, name: &str, party: &str, role: Role) -> Action {
    Action::AccreditDelegate {
        person: person.into(),
        name: name.into(),
        party: party.into(),
        role,
        signing: None,
    }
}
