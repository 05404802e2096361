//! `pacta demo`: a realistic story, recorded through the same commands a delegation uses, so that
//! a new user sees the product at once and every demo event is a verified, chained fact.
//!
//! The story: Côte d'Ivoire and Morocco, facilitated by the IOM, negotiate a memorandum of
//! understanding on preventing and combating trafficking in persons over two rounds, in French
//! and Arabic. In Abidjan, Côte d'Ivoire tables the text, Morocco widens its purpose and brackets
//! the article on exchanging personal data with an alternative; in Rabat the alternative is
//! chosen, every clause is agreed and translated, and the text adopted. Both signatories sign it
//! in Rabat with Ed25519 keys and it takes effect; a closing workshop validates three action
//! matrices. Beside it, the two governments conclude a cooperation agreement on higher
//! education, signed in Abidjan subject to approval, which enters into force thirty days after
//! the receipt of the last notification of approval. Each signature records the signatory's
//! title and the place in French and in Arabic, as each version's signature blocks show them.

use std::future::Future;

use chrono::NaiveDate;
use cqrs_es::Aggregate;
use pacta_domain::{
    clause_text_hash, Action, ClauseKind, ConsentMode, ConsentProcedure, EntryIntoForceRule,
    Facilitator, FullPowers, Indicator, InstrumentKind, LegalEffect, Negotiation,
    NegotiationCommand, Occasion, Party, PersonName, Position, Role, RoundKind, RowContent,
    RowProgress, SignatureCapacity, SigningAuthority, SigningMessage, Transmission,
};
use sha2::{Digest, Sha256};

use crate::keys;
use pacta_ledger::{CommandContext, Ledger, LedgerError};

/// The memorandum of understanding on trafficking in persons.
pub const DEMO_NEGOTIATION: &str = "civ-mar-tip-mou";
/// The cooperation agreement on higher education.
pub const DEMO_AGREEMENT: &str = "civ-mar-higher-education";

/// A person in the story, and the party (or facilitator) they act for.
struct Person {
    id: &'static str,
    name: &'static str,
    party: &'static str,
}

const fn person(id: &'static str, name: &'static str, party: &'static str) -> Person {
    Person { id, name, party }
}

const CIV: &str = "CIV";
const MAR: &str = "MAR";
const CIV_NAME: &str = "République de Côte d'Ivoire";
const MAR_NAME: &str = "Royaume du Maroc";

// The MoU's delegations and the IOM, which facilitates it.
const CIV_HEAD: Person = person("amina.kone", "Amina Koné", CIV);
const CIV_NEGOTIATOR: Person = person("koffi.yao", "Koffi Yao", CIV);
const MAR_HEAD: Person = person("youssef.benali", "Youssef Benali", MAR);
const MAR_NEGOTIATOR: Person = person("salma.idrissi", "Salma Idrissi", MAR);
const IOM_SECRETARIAT: Person = person("iom.secretariat", "Secrétariat de l'OIM", "IOM");
// Morocco is responsible for the Arabic version of both instruments: its legal-linguists
// translate it and verify its concordance.
const MAR_TRANSLATOR: Person = person("nadia.alaoui", "Nadia Alaoui", MAR);
const MAR_LEGAL_LINGUIST: Person = person("karim.tazi", "Karim Tazi", MAR);

// The higher-education agreement is negotiated by the ministries of higher education.
const CIV_EDUCATION_HEAD: Person = person("awa.traore", "Awa Traoré", CIV);
const MAR_EDUCATION_HEAD: Person = person("mehdi.chraibi", "Mehdi Chraïbi", MAR);

/// A signatory, the title the signature block gives them in the French and the Arabic
/// version, and the reference of the full powers they present (art. 7 VCLT), which the other
/// party's head examines.
struct Signatory {
    person: Person,
    title: &'static str,
    title_ar: &'static str,
    full_powers: &'static str,
}

// ⚠ The Arabic titles follow each ministry's usual Arabic name (a woman's in the feminine, as
// Arabic protocol writes it); the treaty offices confirm them.
const CIV_MOU_SIGNATORY: Signatory = Signatory {
    person: person("adjoua.kouame", "Adjoua Kouamé", CIV),
    title: "Ministre de la Solidarité et de la Lutte contre la Pauvreté",
    title_ar: "وزيرة التضامن ومكافحة الفقر",
    full_powers: "Pleins pouvoirs MAE-CI n° 2026/031",
};
const MAR_MOU_SIGNATORY: Signatory = Signatory {
    person: person("leila.bennani", "Leïla Bennani", MAR),
    title: "Ambassadeur du Royaume du Maroc en République de Côte d'Ivoire",
    title_ar: "سفيرة المملكة المغربية لدى جمهورية كوت ديفوار",
    full_powers: "Pleins pouvoirs MAECAE n° 2026/112",
};
const CIV_AGREEMENT_SIGNATORY: Signatory = Signatory {
    person: person("serge.kouadio", "Serge Kouadio", CIV),
    title: "Ministre de l'Enseignement supérieur et de la Recherche scientifique",
    title_ar: "وزير التعليم العالي والبحث العلمي",
    full_powers: "Pleins pouvoirs MAE-CI n° 2026/047",
};
const MAR_AGREEMENT_SIGNATORY: Signatory = Signatory {
    person: person("samira.elamrani", "Samira El Amrani", MAR),
    title: "Ministre de l'Enseignement supérieur, de la Recherche scientifique et de l'Innovation",
    title_ar: "وزيرة التعليم العالي والبحث العلمي والابتكار",
    full_powers: "Pleins pouvoirs MAECAE n° 2026/139",
};

/// A place of signature: its name as recorded (the French version's), and the Arabic
/// version's.
struct Place {
    name: &'static str,
    ar: &'static str,
}

/// The MoU is signed in Rabat, where its text was settled at the second round.
const MOU_SIGNED_IN: Place = Place {
    name: "Rabat",
    ar: "الرباط",
};
/// The agreement, settled in Rabat, is signed in Abidjan: each capital hosts a signing.
const AGREEMENT_SIGNED_IN: Place = Place {
    name: "Abidjan",
    ar: "أبيدجان",
};

// Each party's treaty office, which expresses its consent to the agreement (its approval).
const CIV_TREATY_OFFICE: Person = person(
    "daj.maeci",
    "Direction des Affaires juridiques (MAE-CI)",
    CIV,
);
const MAR_TREATY_OFFICE: Person = person(
    "dajt.maec",
    "Direction des Affaires juridiques et des Traités (MAEC)",
    MAR,
);

/// A party's approval of the agreement: its instrument, and the date the other party received
/// the notification of it.
struct Approval {
    authority: &'static Person,
    reference: &'static str,
    approved_on: NaiveDate,
    /// The other party's head, who records the receipt.
    received_by: &'static Person,
    received_on: NaiveDate,
}

const APPROVALS: [Approval; 2] = [
    Approval {
        authority: &CIV_TREATY_OFFICE,
        reference: "Décret n° 2026-612 du 19 août 2026 portant approbation de l'Accord",
        approved_on: day(2026, 8, 20),
        received_by: &MAR_EDUCATION_HEAD,
        received_on: day(2026, 8, 27),
    },
    Approval {
        authority: &MAR_TREATY_OFFICE,
        reference: "Dahir n° 1-26-12",
        approved_on: day(2026, 9, 3),
        received_by: &CIV_EDUCATION_HEAD,
        received_on: day(2026, 9, 10),
    },
];

/// A calendar date, checked when the demo is compiled: the domain reads no clock, so every date
/// of the story is fixed here.
const fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a calendar date"),
    }
}

/// A round of the MoU's negotiation, and the reference of its minutes.
struct Session {
    id: &'static str,
    kind: RoundKind,
    place: &'static str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    minutes: &'static str,
}

const ROUND_1: Session = Session {
    id: "round-1",
    kind: RoundKind::NegotiatingRound,
    place: "Abidjan",
    starts_on: day(2026, 3, 3),
    ends_on: day(2026, 3, 5),
    minutes: "PV/OIM-CIV-MAR/2026/01",
};
const ROUND_2: Session = Session {
    id: "round-2",
    kind: RoundKind::NegotiatingRound,
    place: "Rabat",
    starts_on: day(2026, 4, 21),
    ends_on: day(2026, 4, 23),
    minutes: "PV/OIM-CIV-MAR/2026/02",
};
/// The closing workshop, an experts' meeting, where the action matrices are validated.
const CLOSING_WORKSHOP: Session = Session {
    id: "atelier-cloture",
    kind: RoundKind::ExpertsMeeting,
    place: "Grand-Bassam",
    starts_on: day(2026, 6, 23),
    ends_on: day(2026, 6, 25),
    minutes: "RA/OIM-CIV-MAR/2026/03",
};

const MOU_SIGNED_ON: NaiveDate = day(2026, 5, 28);
const AGREEMENT_SIGNED_ON: NaiveDate = day(2026, 7, 9);
const FIRST_PROGRESS_REPORT_ON: NaiveDate = day(2026, 10, 15);
/// The IOM secretariat opens the MoU's negotiation, in Abidjan, a fortnight before round 1.
const MOU_OPENED_ON: NaiveDate = day(2026, 2, 16);
/// Côte d'Ivoire's ministry opens the agreement's negotiation after the MoU's text is adopted.
const AGREEMENT_OPENED_ON: NaiveDate = day(2026, 5, 4);
/// The heads settle the agreement's text in one sitting.
const AGREEMENT_TEXT_SETTLED_ON: NaiveDate = day(2026, 6, 10);
const REVISION_OPENED_ON: NaiveDate = day(2026, 11, 16);

/// The mobility article as the revision proposes it.
const REVISED_MOBILITY: Wording = Wording {
    heading: "Mobilité",
    text: "Les Parties favorisent la mobilité des étudiants, y compris des doctorants, des enseignants-chercheurs et des personnels administratifs entre leurs établissements d'enseignement supérieur.",
};

/// One wording of a clause in one language.
struct Wording {
    heading: &'static str,
    text: &'static str,
}

impl Wording {
    fn hash(&self, language: &str) -> String {
        clause_text_hash(self.heading, language, self.text)
    }
}

/// A clause as finally agreed: its French reference wording and its Arabic version.
struct FinalClause {
    id: &'static str,
    kind: ClauseKind,
    fr: Wording,
    ar: Wording,
}

const MOU_CLAUSES: &[FinalClause] = &[
    FinalClause {
        id: "rec-1",
        kind: ClauseKind::Recital,
        fr: Wording {
            heading: "",
            text: "Conscients de la gravité de la traite des personnes, qui porte atteinte à la dignité humaine et aux droits fondamentaux ;",
        },
        ar: Wording {
            heading: "",
            text: "إدراكاً منهما لخطورة الاتجار بالأشخاص الذي يمس بالكرامة الإنسانية وبالحقوق الأساسية؛",
        },
    },
    FinalClause {
        id: "rec-2",
        kind: ClauseKind::Recital,
        fr: Wording {
            heading: "",
            text: "Rappelant le Protocole visant à prévenir, réprimer et punir la traite des personnes, en particulier des femmes et des enfants, additionnel à la Convention des Nations Unies contre la criminalité transnationale organisée ;",
        },
        ar: Wording {
            heading: "",
            text: "وإذ يشيران إلى بروتوكول منع وقمع ومعاقبة الاتجار بالأشخاص، وبخاصة النساء والأطفال، المكمل لاتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية؛",
        },
    },
    FinalClause {
        id: "art-objet",
        kind: ClauseKind::Article,
        fr: OBJET_WIDENED,
        ar: Wording {
            heading: "الموضوع",
            text: "تهدف مذكرة التفاهم هذه إلى تعزيز التعاون بين الطرفين من أجل منع الاتجار بالأشخاص ومكافحته، وحماية الضحايا ومساعدتهم، وملاحقة مرتكبيه.",
        },
    },
    FinalClause {
        id: "art-domaines",
        kind: ClauseKind::Article,
        fr: Wording {
            heading: "Domaines de coopération",
            text: "Les Parties coopèrent notamment dans les domaines suivants :\na) la formation des acteurs de la chaîne pénale ;\nb) l'identification et l'orientation des victimes ;\nc) la sensibilisation des populations à risque.",
        },
        ar: Wording {
            heading: "مجالات التعاون",
            text: "يتعاون الطرفان على وجه الخصوص في المجالات التالية:\nأ) تكوين الفاعلين في سلسلة العدالة الجنائية؛\nب) تحديد هوية الضحايا وتوجيههم؛\nج) توعية الفئات المعرضة للخطر.",
        },
    },
    FinalClause {
        id: "art-donnees",
        kind: ClauseKind::Article,
        fr: DONNEES_ALTERNATIVE_B,
        ar: Wording {
            heading: "تبادل المعلومات",
            text: "يتبادل الطرفان، عن طريق نقاط الاتصال التابعة لهما، المعلومات المفيدة لمنع الاتجار بالأشخاص وحماية الضحايا. ولا يتم تبادل المعطيات ذات الطابع الشخصي إلا في إطار احترام تشريع كل طرف المتعلق بحمايتها، ولا سيما القانون الإيفواري رقم 2013-450 والقانون المغربي رقم 09-08، وللأغراض التي أُرسلت من أجلها فقط.",
        },
    },
    FinalClause {
        id: "art-comite",
        kind: ClauseKind::Article,
        fr: Wording {
            heading: "Comité technique mixte",
            text: "Il est institué un Comité technique mixte chargé du suivi de la mise en œuvre du présent Mémorandum. Il se réunit une fois par an, alternativement à Abidjan et à Rabat.",
        },
        ar: Wording {
            heading: "اللجنة التقنية المشتركة",
            text: "تُحدَث لجنة تقنية مشتركة تُكلَّف بتتبع تنفيذ مذكرة التفاهم هذه. وتجتمع مرة واحدة في السنة، بالتناوب في أبيدجان والرباط.",
        },
    },
];

/// Côte d'Ivoire's first draft of the purpose, which Morocco widens to prosecution.
const OBJET_TABLED: Wording = Wording {
    heading: "Objet",
    text: "Le présent Mémorandum a pour objet de renforcer la coopération entre les Parties en vue de prévenir la traite des personnes et d'en protéger les victimes.",
};
/// Morocco's amendment, which both parties agree.
const OBJET_WIDENED: Wording = Wording {
    heading: "Objet",
    text: "Le présent Mémorandum a pour objet de renforcer la coopération entre les Parties en vue de prévenir et de combattre la traite des personnes, de protéger et d'assister les victimes et de poursuivre les auteurs.",
};
/// Côte d'Ivoire's first draft of the data article, which Morocco cannot accept as it stands.
const DONNEES_TABLED: Wording = Wording {
    heading: "Échange d'informations",
    text: "Les Parties échangent, par l'intermédiaire de leurs points focaux, toute information utile, y compris les données à caractère personnel des victimes et des auteurs présumés.",
};
/// Morocco's bracketed alternative, chosen in round 2.
const DONNEES_ALTERNATIVE_B: Wording = Wording {
    heading: "Échange d'informations",
    text: "Les Parties échangent, par l'intermédiaire de leurs points focaux, les informations utiles à la prévention de la traite et à la protection des victimes. Les données à caractère personnel ne sont échangées que dans le respect de la législation de chaque Partie relative à leur protection, notamment la loi ivoirienne n° 2013-450 et la loi marocaine n° 09-08, et aux seules fins pour lesquelles elles ont été communiquées.",
};

const AGREEMENT_CLAUSES: &[FinalClause] = &[
    FinalClause {
        id: "art-objet",
        kind: ClauseKind::Article,
        fr: Wording {
            heading: "Objet",
            text: "Le présent Accord a pour objet de développer la coopération entre les Parties dans le domaine de l'enseignement supérieur et de la recherche scientifique.",
        },
        ar: Wording {
            heading: "الموضوع",
            text: "يهدف هذا الاتفاق إلى تطوير التعاون بين الطرفين في مجال التعليم العالي والبحث العلمي.",
        },
    },
    FinalClause {
        id: "art-mobilite",
        kind: ClauseKind::Article,
        fr: Wording {
            heading: "Mobilité",
            text: "Les Parties favorisent la mobilité des étudiants, des enseignants-chercheurs et des personnels administratifs entre leurs établissements d'enseignement supérieur.",
        },
        ar: Wording {
            heading: "التنقل",
            text: "يشجع الطرفان تنقل الطلبة والأساتذة الباحثين والأطر الإدارية بين مؤسسات التعليم العالي التابعة لهما.",
        },
    },
    FinalClause {
        id: "art-bourses",
        kind: ClauseKind::Article,
        fr: Wording {
            heading: "Bourses",
            text: "Chaque Partie accorde chaque année des bourses d'études aux étudiants de l'autre Partie, dans la limite des places fixées d'un commun accord.",
        },
        ar: Wording {
            heading: "المنح",
            text: "يمنح كل طرف سنوياً منحاً دراسية لطلبة الطرف الآخر، في حدود المقاعد المحددة باتفاق مشترك.",
        },
    },
    FinalClause {
        id: "art-vigueur",
        kind: ClauseKind::Article,
        fr: Wording {
            heading: "Entrée en vigueur et durée",
            text: "Le présent Accord entre en vigueur à la date de sa signature par les deux Parties. Il est conclu pour une durée de cinq ans, renouvelable par tacite reconduction.",
        },
        ar: Wording {
            heading: "الدخول حيز التنفيذ والمدة",
            text: "يدخل هذا الاتفاق حيز التنفيذ في تاريخ توقيعه من قبل الطرفين. ويُبرَم لمدة خمس سنوات قابلة للتجديد ضمنياً.",
        },
    },
];

/// An action matrix validated at the closing workshop.
struct MatrixPlan {
    id: &'static str,
    title: &'static str,
    rows: &'static [RowPlan],
}

/// One row of a matrix; the responsible party's negotiator proposes it.
struct RowPlan {
    id: &'static str,
    proposer: &'static Person,
    objective: &'static str,
    action: &'static str,
    agency: &'static str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    /// Name, unit, baseline and target.
    indicator: [&'static str; 4],
}

const CIV_TIP_COMMITTEE: &str = "Comité national de lutte contre la traite des personnes";
const MAR_TIP_COMMISSION: &str = "Commission nationale de lutte contre la traite des êtres humains";
const FIRST_YEAR: (NaiveDate, NaiveDate) = (day(2026, 7, 1), day(2027, 6, 30));

const MATRICES: &[MatrixPlan] = &[
    MatrixPlan {
        id: "mx-prevention",
        title: "Prévention de la traite",
        rows: &[
            RowPlan {
                id: "prev-1",
                proposer: &CIV_NEGOTIATOR,
                objective: "Sensibiliser les populations à risque",
                action: "Campagnes de sensibilisation dans les zones de départ",
                agency: CIV_TIP_COMMITTEE,
                starts_on: FIRST_YEAR.0,
                ends_on: FIRST_YEAR.1,
                indicator: ["Personnes sensibilisées", "personnes", "0", "20000"],
            },
            RowPlan {
                id: "prev-2",
                proposer: &MAR_NEGOTIATOR,
                objective: "Informer les migrants en transit",
                action:
                    "Diffuser un guide d'orientation en français et en arabe aux points d'entrée",
                agency: MAR_TIP_COMMISSION,
                starts_on: FIRST_YEAR.0,
                ends_on: FIRST_YEAR.1,
                indicator: ["Guides diffusés", "exemplaires", "0", "10000"],
            },
        ],
    },
    MatrixPlan {
        id: "mx-protection",
        title: "Protection et assistance des victimes",
        rows: &[
            RowPlan {
                id: "prot-1",
                proposer: &CIV_NEGOTIATOR,
                objective: "Identifier et orienter les victimes",
                action: "Former les travailleurs sociaux au mécanisme national d'orientation",
                agency: "Ministère de la Solidarité et de la Lutte contre la pauvreté",
                starts_on: FIRST_YEAR.0,
                ends_on: FIRST_YEAR.1,
                indicator: ["Travailleurs sociaux formés", "personnes", "0", "150"],
            },
            RowPlan {
                id: "prot-2",
                proposer: &MAR_NEGOTIATOR,
                objective: "Assurer le retour volontaire et sûr des victimes",
                action:
                    "Organiser avec l'OIM le retour volontaire assisté des victimes identifiées",
                agency: MAR_TIP_COMMISSION,
                starts_on: FIRST_YEAR.0,
                ends_on: day(2027, 12, 31),
                indicator: ["Victimes assistées au retour", "personnes", "0", "100"],
            },
        ],
    },
    MatrixPlan {
        id: "mx-poursuites",
        title: "Poursuites et coopération judiciaire",
        rows: &[
            RowPlan {
                id: "pours-1",
                proposer: &CIV_NEGOTIATOR,
                objective: "Renforcer les enquêtes",
                action:
                    "Former enquêteurs et magistrats aux enquêtes financières liées à la traite",
                agency: "Ministère de la Justice et des Droits de l'Homme",
                starts_on: FIRST_YEAR.0,
                ends_on: FIRST_YEAR.1,
                indicator: ["Enquêteurs et magistrats formés", "personnes", "0", "80"],
            },
            RowPlan {
                id: "pours-2",
                proposer: &MAR_NEGOTIATOR,
                objective: "Accélérer l'entraide judiciaire",
                action:
                    "Désigner des points focaux au sein des parquets pour l'entraide judiciaire",
                agency: "Présidence du Ministère public",
                starts_on: FIRST_YEAR.0,
                ends_on: FIRST_YEAR.1,
                indicator: ["Délai moyen de réponse", "jours", "120", "60"],
            },
        ],
    },
];

impl RowPlan {
    fn content(&self) -> RowContent {
        let [name, unit, baseline, target] = self.indicator;
        RowContent {
            objective: self.objective.into(),
            action: self.action.into(),
            responsible_party: self.proposer.party.into(),
            agency: self.agency.into(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            indicator: Indicator {
                name: name.into(),
                unit: unit.into(),
                baseline: baseline.into(),
                target: target.into(),
            },
        }
    }
}

/// How many chained events the story recorded in each negotiation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub mou: usize,
    pub agreement: usize,
}

/// Why the story could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    #[error(transparent)]
    Store(#[from] pacta_ledger::store::StoreError),
}

/// What `load` did with one of the story's negotiations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub negotiation_id: &'static str,
    /// The chained events recorded, or `None` when the store held the negotiation already.
    pub recorded: Option<usize>,
}

/// Records the story's negotiations that the store does not hold yet, so a second run records
/// nothing.
pub async fn load(ledger: &Ledger) -> Result<[Loaded; 2], DemoError> {
    register_cast(ledger).await?;
    Ok([
        record_unless_present(ledger, DEMO_NEGOTIATION, record_mou(ledger)).await?,
        record_unless_present(ledger, DEMO_AGREEMENT, record_agreement(ledger)).await?,
    ])
}

/// The person `pacta serve --demo` issues a token to: Côte d'Ivoire's head of delegation on the
/// MoU, who sees its draft, positions and her own party's internal notes.
pub const DEMO_TOKEN_PERSON: &str = CIV_HEAD.id;

/// The person `pacta serve --demo` issues a second token to: Côte d'Ivoire's head of delegation
/// on the higher-education agreement, which no one of the MoU is accredited in.
pub const DEMO_AGREEMENT_TOKEN_PERSON: &str = CIV_EDUCATION_HEAD.id;

/// Records one negotiation's story unless the store already holds that negotiation. `story` is
/// not started (futures are lazy) when it is skipped.
async fn record_unless_present(
    ledger: &Ledger,
    negotiation_id: &'static str,
    story: impl Future<Output = Result<usize, DemoError>>,
) -> Result<Loaded, DemoError> {
    let recorded = match ledger.events(negotiation_id).await {
        Ok(_) => None,
        Err(LedgerError::UnknownNegotiation(_)) => Some(story.await?),
        Err(other) => return Err(other.into()),
    };
    Ok(Loaded {
        negotiation_id,
        recorded,
    })
}

/// Records the whole story, both negotiations, in a store that holds neither.
pub async fn record_story(ledger: &Ledger) -> Result<Recorded, DemoError> {
    register_cast(ledger).await?;
    Ok(Recorded {
        mou: record_mou(ledger).await?,
        agreement: record_agreement(ledger).await?,
    })
}

/// Everyone in the story, as the operator's register binds them to their party.
const CAST: [&Person; 15] = [
    &CIV_HEAD,
    &CIV_NEGOTIATOR,
    &MAR_HEAD,
    &MAR_NEGOTIATOR,
    &IOM_SECRETARIAT,
    &MAR_TRANSLATOR,
    &MAR_LEGAL_LINGUIST,
    &CIV_EDUCATION_HEAD,
    &MAR_EDUCATION_HEAD,
    &CIV_MOU_SIGNATORY.person,
    &MAR_MOU_SIGNATORY.person,
    &CIV_AGREEMENT_SIGNATORY.person,
    &MAR_AGREEMENT_SIGNATORY.person,
    &CIV_TREATY_OFFICE,
    &MAR_TREATY_OFFICE,
];

/// Puts the story's cast on the register of the ledger's store, as its operator would before
/// anyone is named in a negotiation. Someone already registered under the same name is left
/// as they are, so a second run changes nothing.
async fn register_cast(ledger: &Ledger) -> Result<(), DemoError> {
    let registered_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    for person in CAST {
        ledger
            .database()
            .add_person(
                person.id,
                Some(person.name),
                &[person.party.to_string()],
                &registered_at,
            )
            .await?;
    }
    Ok(())
}

/// The MoU, from opening to its first progress report; returns the number of events recorded.
async fn record_mou(ledger: &Ledger) -> Result<usize, DemoError> {
    let mut story = Story::new(ledger, DEMO_NEGOTIATION, [&CIV_HEAD, &MAR_HEAD]);
    open_mou(&mut story).await?;
    first_round(&mut story).await?;
    second_round(&mut story).await?;
    // A non-binding MoU takes effect on signature; no ratification follows.
    let signatories = [&CIV_MOU_SIGNATORY, &MAR_MOU_SIGNATORY];
    let capacity = SignatureCapacity::Definitive;
    let signing = Signing {
        on: MOU_SIGNED_ON,
        place: &MOU_SIGNED_IN,
        capacity,
    };
    sign_for_both_parties(&mut story, signatories, &signing, false).await?;
    closing_workshop(&mut story).await?;
    report_first_progress(&mut story).await?;
    Ok(story.recorded)
}

/// The higher-education agreement, from opening to entry into force; returns the number of
/// events recorded.
async fn record_agreement(ledger: &Ledger) -> Result<usize, DemoError> {
    let heads = [&CIV_EDUCATION_HEAD, &MAR_EDUCATION_HEAD];
    let mut story = Story::new(ledger, DEMO_AGREEMENT, heads);
    open_agreement(&mut story).await?;
    negotiate_agreement_text(&mut story).await?;
    bring_agreement_into_force(&mut story).await?;
    open_agreement_revision(&mut story).await?;
    Ok(story.recorded)
}

/// One negotiation being recorded: every act goes through `Ledger::execute`, as a delegation's.
struct Story<'a> {
    ledger: &'a Ledger,
    negotiation_id: &'static str,
    heads: [&'static Person; 2],
    recorded: usize,
    /// When and where the acts now told took place: the story is recorded on its own dates.
    occasion: Option<Occasion>,
    /// The negotiation as recorded so far, folded from the events `execute` returned: the story
    /// starts the negotiation, so this is the whole stream, without reading it back.
    state: Negotiation,
}

impl<'a> Story<'a> {
    fn new(ledger: &'a Ledger, negotiation_id: &'static str, heads: [&'static Person; 2]) -> Self {
        Story {
            ledger,
            negotiation_id,
            heads,
            recorded: 0,
            occasion: None,
            state: Negotiation::default(),
        }
    }

    /// The acts told from now on took place on `on`, in `place` where known.
    fn on(&mut self, on: NaiveDate, place: Option<&str>) {
        self.occasion = Some(Occasion {
            on,
            at: None,
            place: place.map(str::to_string),
            intersessional: false,
        });
    }

    async fn act(&mut self, actor: &Person, action: Action) -> Result<(), DemoError> {
        let command = NegotiationCommand {
            actor: actor.id.into(),
            action,
            took_place: self.occasion.clone(),
        };
        let executed = self
            .ledger
            .execute(self.negotiation_id, command, &CommandContext::default())
            .await?;
        self.recorded += executed.events.len();
        for event in executed.events {
            self.state.apply(event.payload);
        }
        Ok(())
    }

    /// Acts that every party performs, each through its head of delegation.
    async fn by_each_head(&mut self, action: Action) -> Result<(), DemoError> {
        for head in self.heads {
            self.act(head, action.clone()).await?;
        }
        Ok(())
    }

    fn parties(&self) -> Vec<Party> {
        self.heads
            .iter()
            .map(|head| {
                let name = if head.party == CIV {
                    CIV_NAME
                } else {
                    MAR_NAME
                };
                Party {
                    names: names_in_the_instrument(head.party),
                    ..Party::new(head.party, name, head.id, head.name)
                }
            })
            .collect()
    }
}

async fn open_mou(story: &mut Story<'_>) -> Result<(), DemoError> {
    let open = Action::OpenNegotiation {
        negotiation_id: DEMO_NEGOTIATION.into(),
        title: "Mémorandum d'entente entre le Gouvernement de la République de Côte d'Ivoire et le Gouvernement du Royaume du Maroc relatif à la prévention et à la lutte contre la traite des personnes".into(),
        // ⚠ The Arabic title follows EXAMPLE-MOU's wording; the treaty offices confirm it.
        titles: [(
            "ar".into(),
            "مذكرة تفاهم بين حكومة جمهورية كوت ديفوار وحكومة المملكة المغربية بشأن الوقاية من الاتجار بالبشر ومكافحته".into(),
        )]
        .into(),
        instrument_kind: InstrumentKind::Mou,
        parties: story.parties(),
        facilitator: Some(Facilitator {
            code: IOM_SECRETARIAT.party.into(),
            name: "Organisation internationale pour les migrations".into(),
            secretariat: PersonName {
                person: IOM_SECRETARIAT.id.into(),
                name: IOM_SECRETARIAT.name.into(),
            },
        }),
        languages: vec!["fr".into(), "ar".into()],
        language_responsibility: language_responsibility(),
        entry_into_force_rule: None,
        termination_notice_months: None,
        provisional_application: false,
        // A political commitment: signed, it takes effect; no one consents to be bound by it.
        legal_effect: Some(LegalEffect {
            legally_binding: false,
            consent_procedure: ConsentProcedure::Signature,
            consent_procedure_by_party: Default::default(),
            open_to_accession: false,
        }),
        arabic_article_numbering: None,
    };
    story.on(MOU_OPENED_ON, Some("Abidjan"));
    story.act(&IOM_SECRETARIAT, open).await?;
    // The secretariat opened it: each State takes part once its head accepts.
    story.by_each_head(Action::AcceptNegotiation).await?;
    story
        .act(&CIV_HEAD, accredit(&CIV_NEGOTIATOR, Role::Negotiator, None))
        .await?;
    for (member, role) in [
        (&MAR_NEGOTIATOR, Role::Negotiator),
        (&MAR_TRANSLATOR, Role::LegalLinguist),
        (&MAR_LEGAL_LINGUIST, Role::LegalLinguist),
    ] {
        story.act(&MAR_HEAD, accredit(member, role, None)).await?;
    }
    Ok(())
}

/// Abidjan: Côte d'Ivoire tables the text; Morocco widens the purpose and brackets the data
/// article; the undisputed clauses are agreed.
async fn first_round(story: &mut Story<'_>) -> Result<(), DemoError> {
    open_round(story, &ROUND_1).await?;
    for clause in MOU_CLAUSES {
        let wording = match clause.id {
            "art-objet" => &OBJET_TABLED,
            "art-donnees" => &DONNEES_TABLED,
            _ => &clause.fr,
        };
        table(story, &CIV_NEGOTIATOR, clause.id, clause.kind, wording).await?;
    }
    let amendment = Action::AmendClause {
        clause_id: "art-objet".into(),
        base_text_hash: OBJET_TABLED.hash("fr"),
        heading: Some(OBJET_WIDENED.heading.into()),
        language: "fr".into(),
        text: OBJET_WIDENED.text.into(),
    };
    story.act(&MAR_NEGOTIATOR, amendment).await?;
    story.on(day(2026, 3, 4), Some(ROUND_1.place));
    bracket_the_data_article(story).await?;
    for clause in MOU_CLAUSES
        .iter()
        .filter(|c| !matches!(c.id, "art-donnees" | "art-comite"))
    {
        agree(story, clause.id, clause.fr.hash("fr")).await?;
    }
    story
        .act(
            &IOM_SECRETARIAT,
            Action::Comment {
                clause_id: Some("art-comite".into()),
                text: "L'OIM propose d'assurer le secrétariat de la première réunion du Comité."
                    .into(),
                internal: false,
            },
        )
        .await?;
    close_round(story, &ROUND_1).await
}

/// Morocco cannot accept the exchange of personal data without safeguards: it proposes
/// alternative B; Côte d'Ivoire reserves its position until its data-protection authority has
/// been consulted.
async fn bracket_the_data_article(story: &mut Story<'_>) -> Result<(), DemoError> {
    story
        .act(
            &MAR_NEGOTIATOR,
            Action::Comment {
                clause_id: Some("art-donnees".into()),
                text: "Le Royaume du Maroc ne peut accepter l'échange de données à caractère personnel sans garanties conformes à la loi n° 09-08.".into(),
                internal: false,
            },
        )
        .await?;
    story
        .act(
            &MAR_NEGOTIATOR,
            Action::ProposeAlternative {
                clause_id: "art-donnees".into(),
                label: "B".into(),
                heading: Some(DONNEES_ALTERNATIVE_B.heading.into()),
                language: "fr".into(),
                text: DONNEES_ALTERNATIVE_B.text.into(),
            },
        )
        .await?;
    state_position(
        story,
        &MAR_NEGOTIATOR,
        Position::Alternative { label: "B".into() },
        "Loi n° 09-08 relative à la protection des personnes physiques à l'égard du traitement des données à caractère personnel",
    )
    .await?;
    state_position(
        story,
        &CIV_NEGOTIATOR,
        Position::Reserve,
        "La délégation ivoirienne consulte l'Autorité de protection des données (ARTCI).",
    )
    .await
}

/// Rabat: alternative B is chosen, the last clauses agreed, the Arabic version made concordant,
/// and the text adopted.
async fn second_round(story: &mut Story<'_>) -> Result<(), DemoError> {
    open_round(story, &ROUND_2).await?;
    state_position(
        story,
        &CIV_NEGOTIATOR,
        Position::Alternative { label: "B".into() },
        "Après avis de l'ARTCI, la formulation B est compatible avec la loi n° 2013-450.",
    )
    .await?;
    story
        .act(
            &CIV_HEAD,
            Action::ChooseAlternative {
                clause_id: "art-donnees".into(),
                label: "B".into(),
                base_text_hash: DONNEES_TABLED.hash("fr"),
            },
        )
        .await?;
    for clause in MOU_CLAUSES
        .iter()
        .filter(|c| matches!(c.id, "art-donnees" | "art-comite"))
    {
        agree(story, clause.id, clause.fr.hash("fr")).await?;
    }
    story.on(day(2026, 4, 22), Some(ROUND_2.place));
    for clause in MOU_CLAUSES {
        translate_into_arabic(story, clause).await?;
    }
    adopt_text(story).await?;
    close_round(story, &ROUND_2).await
}

/// Grand-Bassam: each party proposes the rows it is responsible for, both agree them, and the
/// secretariat records each matrix as validated at the workshop.
async fn closing_workshop(story: &mut Story<'_>) -> Result<(), DemoError> {
    open_round(story, &CLOSING_WORKSHOP).await?;
    for matrix in MATRICES {
        story
            .act(
                &IOM_SECRETARIAT,
                Action::CreateMatrix {
                    matrix_id: matrix.id.into(),
                    title: matrix.title.into(),
                },
            )
            .await?;
        for row in matrix.rows {
            agree_row(story, matrix.id, row).await?;
        }
        story
            .act(
                &IOM_SECRETARIAT,
                Action::ValidateMatrix {
                    matrix_id: matrix.id.into(),
                    round_id: CLOSING_WORKSHOP.id.into(),
                },
            )
            .await?;
    }
    close_round(story, &CLOSING_WORKSHOP).await
}

async fn report_first_progress(story: &mut Story<'_>) -> Result<(), DemoError> {
    let action = Action::ReportProgress {
        matrix_id: "mx-protection".into(),
        row_id: "prot-1".into(),
        progress: RowProgress::OnTrack,
        reported_on: FIRST_PROGRESS_REPORT_ON,
        note: "62 travailleurs sociaux formés à Abidjan et à Bouaké.".into(),
    };
    story.on(FIRST_PROGRESS_REPORT_ON, Some("Abidjan"));
    story.act(&CIV_NEGOTIATOR, action).await
}

async fn open_agreement(story: &mut Story<'_>) -> Result<(), DemoError> {
    let open = Action::OpenNegotiation {
        negotiation_id: DEMO_AGREEMENT.into(),
        title: "Accord de coopération entre le Gouvernement de la République de Côte d'Ivoire et le Gouvernement du Royaume du Maroc dans le domaine de l'enseignement supérieur et de la recherche scientifique".into(),
        // ⚠ The Arabic title follows ANATOMY.md §1's pattern; the treaty offices confirm it.
        titles: [(
            "ar".into(),
            "اتفاق تعاون بين حكومة جمهورية كوت ديفوار وحكومة المملكة المغربية في مجال التعليم العالي والبحث العلمي".into(),
        )]
        .into(),
        instrument_kind: InstrumentKind::Agreement,
        parties: story.parties(),
        facilitator: None,
        languages: vec!["fr".into(), "ar".into()],
        language_responsibility: language_responsibility(),
        // "Le présent Accord entre en vigueur trente jours après la date de réception de la
        // dernière notification de l'accomplissement des procédures d'approbation."
        entry_into_force_rule: Some(EntryIntoForceRule::DaysAfterLastReceipt { days: 30 }),
        termination_notice_months: None,
        provisional_application: false,
        // A treaty under international law, whatever its name: signed subject to approval.
        legal_effect: Some(LegalEffect {
            legally_binding: true,
            consent_procedure: ConsentProcedure::Approval,
            consent_procedure_by_party: Default::default(),
            open_to_accession: false,
        }),
        arabic_article_numbering: None,
    };
    story.on(AGREEMENT_OPENED_ON, Some("Abidjan"));
    story.act(&CIV_EDUCATION_HEAD, open).await?;
    story
        .act(&MAR_EDUCATION_HEAD, Action::AcceptNegotiation)
        .await?;
    for linguist in [&MAR_TRANSLATOR, &MAR_LEGAL_LINGUIST] {
        story
            .act(
                &MAR_EDUCATION_HEAD,
                accredit(linguist, Role::LegalLinguist, None),
            )
            .await?;
    }
    Ok(())
}

/// A short negotiation between the heads: Côte d'Ivoire tables the four articles, both agree
/// them, Morocco's legal-linguists record the Arabic version, and both adopt the text.
async fn negotiate_agreement_text(story: &mut Story<'_>) -> Result<(), DemoError> {
    story.on(AGREEMENT_TEXT_SETTLED_ON, Some("Rabat"));
    for clause in AGREEMENT_CLAUSES {
        table(
            story,
            &CIV_EDUCATION_HEAD,
            clause.id,
            clause.kind,
            &clause.fr,
        )
        .await?;
        agree(story, clause.id, clause.fr.hash("fr")).await?;
        translate_into_arabic(story, clause).await?;
    }
    adopt_text(story).await
}

/// The agreement is signed subject to approval; each party's treaty office approves it and
/// notifies the other through diplomatic channels, whose head records the date it received the
/// notification: thirty days after the last receipt, it enters into force.
async fn bring_agreement_into_force(story: &mut Story<'_>) -> Result<(), DemoError> {
    let signatories = [&CIV_AGREEMENT_SIGNATORY, &MAR_AGREEMENT_SIGNATORY];
    let capacity = SignatureCapacity::Simple;
    let signing = Signing {
        on: AGREEMENT_SIGNED_ON,
        place: &AGREEMENT_SIGNED_IN,
        capacity,
    };
    sign_for_both_parties(story, signatories, &signing, true).await?;
    for (head, office) in story
        .heads
        .into_iter()
        .zip([&CIV_TREATY_OFFICE, &MAR_TREATY_OFFICE])
    {
        story
            .act(head, accredit(office, Role::CompetentAuthority, None))
            .await?;
    }
    for approval in &APPROVALS {
        story.on(approval.approved_on, None);
        let consent = Action::ExpressConsent {
            mode: ConsentMode::Approval,
            on: approval.approved_on,
            instrument_reference: Some(approval.reference.into()),
            scan_sha256: Some(stand_in_document_hash(approval.reference)),
            transmitted_by: Some(Transmission::DiplomaticNotification),
        };
        story.act(approval.authority, consent).await?;
        story.on(approval.received_on, None);
        let receipt = Action::RecordReceipt {
            from_party: approval.authority.party.into(),
            received_on: approval.received_on,
        };
        story.act(approval.received_by, receipt).await?;
    }
    Ok(())
}

/// Four months on, the parties revise the agreement in force to open mobility to doctoral students.
/// The text in force stays as signed; the revision reopens the mobility article, Morocco tables
/// the new wording and Côte d'Ivoire agrees it, Morocco's agreement still pending: the agreement
/// is in force and under revision.
async fn open_agreement_revision(story: &mut Story<'_>) -> Result<(), DemoError> {
    let mobility = &AGREEMENT_CLAUSES[1];
    let revise = Action::OpenRevision {
        opened_on: REVISION_OPENED_ON,
        reason: "Ouvrir la mobilité aux doctorants, à la demande de la commission mixte".into(),
    };
    story.on(REVISION_OPENED_ON, Some("Rabat"));
    story.act(&MAR_EDUCATION_HEAD, revise).await?;
    let reopen = Action::ReopenClause {
        clause_id: mobility.id.into(),
        reason: "Inclure les doctorants".into(),
    };
    story.act(&MAR_EDUCATION_HEAD, reopen).await?;
    let amend = Action::AmendClause {
        clause_id: mobility.id.into(),
        base_text_hash: mobility.fr.hash("fr"),
        heading: Some(REVISED_MOBILITY.heading.into()),
        language: "fr".into(),
        text: REVISED_MOBILITY.text.into(),
    };
    story.act(&MAR_EDUCATION_HEAD, amend).await?;
    let agree = Action::AgreeClause {
        clause_id: mobility.id.into(),
        text_hash: REVISED_MOBILITY.hash("fr"),
        ad_referendum: false,
    };
    story.act(&CIV_EDUCATION_HEAD, agree).await
}

/// Côte d'Ivoire keeps the French reference version and Morocco the Arabic one, so only
/// Morocco's legal-linguists may verify the Arabic.
/// The party's name as each language version writes it after «Gouvernement» / «حكومة»: with
/// its article in French («le Gouvernement du Royaume du Maroc»). ⚠ Côte d'Ivoire in Arabic: UN
/// usage «جمهورية كوت ديفوار»; Moroccan usage writes «الكوت ديفوار» (ANATOMY.md §1): the
/// parties' treaty offices must agree one.
fn names_in_the_instrument(party: &str) -> std::collections::BTreeMap<String, String> {
    let (french, arabic) = if party == CIV {
        ("la République de Côte d'Ivoire", "جمهورية كوت ديفوار")
    } else {
        ("le Royaume du Maroc", "المملكة المغربية")
    };
    [("fr".into(), french.into()), ("ar".into(), arabic.into())].into()
}

fn language_responsibility() -> std::collections::BTreeMap<String, String> {
    [("fr".into(), CIV.into()), ("ar".into(), MAR.into())].into()
}

fn accredit(member: &Person, role: Role, signing: Option<SigningAuthority>) -> Action {
    Action::AccreditDelegate {
        person: member.id.into(),
        name: member.name.into(),
        party: member.party.into(),
        role,
        signing,
    }
}

async fn table(
    story: &mut Story<'_>,
    proposer: &Person,
    clause_id: &str,
    kind: ClauseKind,
    wording: &Wording,
) -> Result<(), DemoError> {
    let action = Action::ProposeClause {
        clause_id: clause_id.into(),
        kind,
        heading: wording.heading.into(),
        language: "fr".into(),
        text: wording.text.into(),
        after: None,
        before: None,
    };
    story.act(proposer, action).await
}

/// Both parties agree exactly the wording named by `text_hash`.
async fn agree(story: &mut Story<'_>, clause_id: &str, text_hash: String) -> Result<(), DemoError> {
    let action = Action::AgreeClause {
        clause_id: clause_id.into(),
        text_hash,
        ad_referendum: false,
    };
    story.by_each_head(action).await
}

async fn state_position(
    story: &mut Story<'_>,
    negotiator: &Person,
    position: Position,
    rationale: &str,
) -> Result<(), DemoError> {
    let action = Action::StatePosition {
        clause_id: "art-donnees".into(),
        position,
        rationale: rationale.into(),
    };
    story.act(negotiator, action).await
}

/// Morocco's translator records the Arabic version of the agreed French wording, and its
/// legal-linguist attests their concordance.
async fn translate_into_arabic(
    story: &mut Story<'_>,
    clause: &FinalClause,
) -> Result<(), DemoError> {
    let translation = Action::TranslateClause {
        clause_id: clause.id.into(),
        language: "ar".into(),
        heading: clause.ar.heading.into(),
        text: clause.ar.text.into(),
        source_text_hash: clause.fr.hash("fr"),
    };
    story.act(&MAR_TRANSLATOR, translation).await?;
    let concordance = Action::VerifyConcordance {
        clause_id: clause.id.into(),
        language: "ar".into(),
        text_hash: clause.ar.hash("ar"),
    };
    story.act(&MAR_LEGAL_LINGUIST, concordance).await
}

/// Both parties adopt the text the domain names by its root hash; from then on it is frozen.
async fn adopt_text(story: &mut Story<'_>) -> Result<(), DemoError> {
    let text_root_hash = story.state.text_root_hash();
    story
        .by_each_head(Action::AdoptText { text_root_hash })
        .await
}

/// When, where and in what capacity both parties sign.
struct Signing {
    on: NaiveDate,
    place: &'static Place,
    capacity: SignatureCapacity,
}

/// Each party's head accredits its signatory; where `examined`, the other party's head examines
/// the signatory's full powers and accepts them. Each signs the adopted text as `signing` says,
/// together, so the testimonium states one place and date.
async fn sign_for_both_parties(
    story: &mut Story<'_>,
    signatories: [&Signatory; 2],
    signing: &Signing,
    examined: bool,
) -> Result<(), DemoError> {
    story.on(signing.on, Some(signing.place.name));
    let mut keys = Vec::new();
    for (head, signatory) in story.heads.into_iter().zip(signatories) {
        keys.push(accredit_signatory(story, head, signatory).await?);
    }
    let [civ_head, mar_head] = story.heads;
    let examiners = if examined {
        [mar_head, civ_head].to_vec()
    } else {
        vec![]
    };
    for (examiner, signatory) in examiners.into_iter().zip(signatories) {
        let examination = Action::ExamineFullPowers {
            signatory: signatory.person.id.into(),
            accepted: true,
            reason: None,
        };
        story.act(examiner, examination).await?;
    }
    for (signatory, key) in signatories.into_iter().zip(keys) {
        sign(story, signatory, &key, signing).await?;
    }
    Ok(())
}

/// The head accredits the signatory with a key made for this one signature, which is returned
/// for the signature: it is never written, and is wiped when dropped.
async fn accredit_signatory(
    story: &mut Story<'_>,
    head: &Person,
    signatory: &Signatory,
) -> Result<ed25519_dalek::SigningKey, DemoError> {
    let key = keys::new_signing_key()?;
    let member = &signatory.person;
    let authority = SigningAuthority {
        public_key: keys::public_key_hex(&key),
        full_powers: Some(FullPowers {
            reference: signatory.full_powers.into(),
            document_hash: stand_in_document_hash(signatory.full_powers),
        }),
        ex_officio: false,
    };
    story
        .act(head, accredit(member, Role::Signatory, Some(authority)))
        .await?;
    Ok(key)
}

/// The signatory signs the adopted text, the signature blocks giving their title and the place
/// in each language version.
async fn sign(
    story: &mut Story<'_>,
    signatory: &Signatory,
    key: &ed25519_dalek::SigningKey,
    signing: &Signing,
) -> Result<(), DemoError> {
    let Signing {
        on: signed_on,
        place,
        capacity,
    } = *signing;
    let member = &signatory.person;
    let text_root_hash = story.state.text_root_hash();
    let message = SigningMessage {
        negotiation_id: story.negotiation_id.into(),
        revision: story.state.revision(),
        text_root_hash: text_root_hash.clone(),
        party: member.party.into(),
        signatory: member.id.into(),
        capacity,
        ad_referendum: false,
        signed_on,
    };
    let signature = Action::SignInstrument {
        signature: keys::signature_hex(key, &message),
        text_root_hash,
        capacity,
        signed_on,
        signatory_title: Some(signatory.title.into()),
        signatory_title_in: [("ar".into(), signatory.title_ar.into())].into(),
        place_in: [("ar".into(), place.ar.into())].into(),
    };
    story.act(member, signature).await
}

async fn open_round(story: &mut Story<'_>, session: &Session) -> Result<(), DemoError> {
    story.on(session.starts_on, Some(session.place));
    let action = Action::OpenRound {
        round_id: session.id.into(),
        kind: session.kind,
        place: session.place.into(),
        starts_on: session.starts_on,
        ends_on: session.ends_on,
    };
    story.act(&IOM_SECRETARIAT, action).await
}

/// The secretariat puts the minutes on record, both parties adopt them, and the round closes.
async fn close_round(story: &mut Story<'_>, session: &Session) -> Result<(), DemoError> {
    story.on(session.ends_on, Some(session.place));
    let minutes_hash = stand_in_document_hash(session.minutes);
    let minutes = Action::RecordMinutes {
        round_id: session.id.into(),
        minutes_hash: minutes_hash.clone(),
        reference: session.minutes.into(),
    };
    story.act(&IOM_SECRETARIAT, minutes).await?;
    let adoption = Action::AdoptMinutes {
        round_id: session.id.into(),
        minutes_hash,
    };
    story.by_each_head(adoption).await?;
    let close = Action::CloseRound {
        round_id: session.id.into(),
    };
    story.act(&IOM_SECRETARIAT, close).await
}

/// The responsible party's negotiator proposes the row and both parties agree its content.
async fn agree_row(story: &mut Story<'_>, matrix_id: &str, row: &RowPlan) -> Result<(), DemoError> {
    let content = row.content();
    let row_hash = pacta_domain::row_hash(&content);
    let proposal = Action::ProposeRow {
        matrix_id: matrix_id.into(),
        row_id: row.id.into(),
        content,
        base_row_hash: None,
    };
    story.act(row.proposer, proposal).await?;
    let agreement = Action::AgreeRow {
        matrix_id: matrix_id.into(),
        row_id: row.id.into(),
        row_hash,
    };
    story.by_each_head(agreement).await
}

/// The demo has no scanned documents (minutes, full powers): each is named by the SHA-256 of a
/// stand-in whose whole content is its reference.
fn stand_in_document_hash(reference: &str) -> String {
    hex::encode(Sha256::digest(reference.as_bytes()))
}
