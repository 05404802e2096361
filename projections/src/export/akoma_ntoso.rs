//! A text as Akoma Ntoso 3.0 XML (OASIS LegalDocML), valid against the OASIS schema
//! (`tests/schemas/akoma-ntoso/akomantoso30.xsd`), written with `quick-xml` so every text and
//! attribute is escaped.
//!
//! One document is one FRBR *expression*: the instrument (the *work*) in one authentic language
//! at one revision, so an instrument in French and Arabic is exported twice. Choices the standard
//! leaves open, made here once:
//! - Work IRI `/akn/int/act/{kind}/{date}/{negotiation id}`: `int` because a bilateral instrument
//!   belongs to no single country's jurisdiction; the date is the original text's entry into
//!   force, else its signature, else the export date (a draft).
//! - Expression `{work}/{ISO 639-2 language}@` for the original, `@revision-N` for revision N.
//! - `eId` and `wId` are taken from the clause id (`art_art-objet`), never from the number, so
//!   references survive clauses moving and stay the same across revisions.
//! - Recitals go to `<preamble>`, articles to `<body>`, annexes to `<body>` as
//!   `<hcontainer name="annex">`; withdrawn clauses are not part of a text and are left out.
//! - `<conclusions>` holds the text root hash and each party's signature that binds this
//!   revision: signatory, date, capacity and the root hash it signed. The views record no place
//!   of signature.
//! - Action matrices are `<attachments>`, one `<doc name="actionMatrix">` each, reproduced in
//!   the language they were recorded in.
//!
//! In the instrument form ([`super::Form::Instrument`]) the document is the [`Instrument`] in
//! words: `<docTitle>` in the document's language, `<docStatus>` marking a draft, the opening
//! formula and "agreed as follows" as `<formula>`s around the recitals, each `<num>` in the
//! language's numbering ("المادة 2"), the testimonium in `<conclusions>` followed by one
//! `<signature>` per party with its `<person>`, `<role>`, `<location>` and `<date>`. Action
//! matrices are not part of the instrument and are left out.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pacta_domain::{ClauseKind, ClauseStatus, Matrix};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::{check_authentic, wording, ExportError, Instrument, Passage};
use crate::{AgreementState, Draft, DraftClause};

/// The namespace of Akoma Ntoso 3.0.
pub const AKN_NAMESPACE: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";
/// The organisation that produced the XML, as the document's references name it.
const SOURCE: &str = "#pacta";

/// The views one Akoma Ntoso document is made from.
#[derive(Clone, Copy, Debug)]
pub struct AkomaNtosoSource<'a> {
    pub draft: &'a Draft,
    pub agreement: &'a AgreementState,
    pub matrices: &'a BTreeMap<String, Matrix>,
    /// The day the document is made: the manifestation's date, and the work's while the
    /// instrument is neither signed nor in force.
    pub exported_on: NaiveDate,
    /// The instrument form's words, in the language asked for; `None`: the working form.
    pub instrument: Option<&'a Instrument>,
}

/// The draft's text in `language`, one of its authentic languages, as one Akoma Ntoso document.
pub fn akoma_ntoso(source: &AkomaNtosoSource, language: &str) -> Result<String, ExportError> {
    check_authentic(source.draft, language)?;
    let mut xml = Xml::new();
    xml.declaration();
    xml.open("akomaNtoso", &[("xmlns", AKN_NAMESPACE)]);
    let contains = if source.draft.revision == 0 {
        "originalVersion"
    } else {
        "singleVersion"
    };
    let kind = pacta_domain::variant_name(&source.draft.instrument_kind);
    xml.open("act", &[("name", &kind), ("contains", contains)]);
    let names = Names::new(source, language);
    write_meta(&mut xml, source, &names);
    if let Some(instrument) = source.instrument {
        write_instrument(&mut xml, instrument);
        xml.close("act");
        xml.close("akomaNtoso");
        return Ok(xml.finish());
    }
    write_preface(&mut xml, source.draft);
    let live: Vec<&DraftClause> = source
        .draft
        .clauses
        .iter()
        .filter(|c| c.status != ClauseStatus::Withdrawn)
        .collect();
    let recitals: Vec<&DraftClause> = live
        .iter()
        .copied()
        .filter(|c| c.kind == ClauseKind::Recital)
        .collect();
    if !recitals.is_empty() {
        xml.open("preamble", &[]);
        xml.open("recitals", &[("eId", "recs"), ("wId", "recs")]);
        for clause in recitals {
            write_clause(&mut xml, "recital", source.draft, clause, language);
        }
        xml.close("recitals");
        xml.close("preamble");
    }
    xml.open("body", &[]);
    let mut body_is_empty = true;
    for clause in live.iter().filter(|c| c.kind != ClauseKind::Recital) {
        // Parts, chapters and sections are headings in the flat sequence of the body.
        let element = match clause.kind {
            ClauseKind::Annex | ClauseKind::Part | ClauseKind::Chapter | ClauseKind::Section => {
                "hcontainer"
            }
            _ => "article",
        };
        write_clause(&mut xml, element, source.draft, clause, language);
        body_is_empty = false;
    }
    if body_is_empty {
        // The schema requires a body with at least one element.
        xml.open("hcontainer", &[("name", "noArticles")]);
        xml.open("content", &[]);
        xml.text_element("p", &[], "No article has been proposed yet.");
        xml.close("content");
        xml.close("hcontainer");
    }
    xml.close("body");
    write_conclusions(&mut xml, source);
    write_attachments(&mut xml, source, &names);
    xml.close("act");
    xml.close("akomaNtoso");
    Ok(xml.finish())
}

/// The instrument form after the metadata: preface, preamble, body, conclusions.
fn write_instrument(xml: &mut Xml, instrument: &Instrument) {
    let language = instrument.language.as_str();
    xml.open("preface", &[]);
    if let Some(marking) = &instrument.draft_marking {
        xml.open("p", &[]);
        xml.text_element("docStatus", &[], marking);
        xml.close("p");
    }
    xml.open("p", &[]);
    xml.text_element("docTitle", &[], &instrument.title);
    xml.close("p");
    for note in &instrument.notes {
        xml.open("p", &[]);
        xml.text_element("remark", &[("status", "editorial")], note);
        xml.close("p");
    }
    xml.close("preface");
    xml.open("preamble", &[]);
    xml.open("formula", &[("name", "openingFormula")]);
    xml.text_element("p", &[], &instrument.opening);
    xml.close("formula");
    if !instrument.recitals.is_empty() {
        xml.open("recitals", &[("eId", "recs"), ("wId", "recs")]);
        for recital in &instrument.recitals {
            write_passage(xml, recital, language);
        }
        xml.close("recitals");
    }
    xml.open("formula", &[("name", "agreedAsFollows")]);
    xml.text_element("p", &[], &instrument.agreed);
    xml.close("formula");
    xml.close("preamble");
    xml.open("body", &[]);
    for passage in instrument.body.iter().chain(&instrument.annexes) {
        write_passage(xml, passage, language);
    }
    if instrument.body.is_empty() && instrument.annexes.is_empty() {
        // The schema requires a body with at least one element: an empty one, unnamed.
        xml.open("hcontainer", &[("name", "noArticles")]);
        xml.open("content", &[]);
        xml.text_element("p", &[], "");
        xml.close("content");
        xml.close("hcontainer");
    }
    xml.close("body");
    xml.open("conclusions", &[]);
    xml.text_element("p", &[], &instrument.witness);
    xml.text_element("p", &[], &instrument.done);
    for block in &instrument.signature_blocks {
        let code = block.party.to_lowercase();
        let party_ref = format!("#party-{code}");
        let id = |what: &str| format!("sig_{code}__{what}");
        xml.open("p", &[]);
        xml.open("signature", &[("refersTo", &party_ref)]);
        xml.text_element(
            "party",
            &[("refersTo", &party_ref), ("as", "#role-party")],
            &block.for_party,
        );
        xml.empty("eol", &[]);
        match &block.signatory {
            Some(signatory) => xml.text_element(
                "person",
                &[
                    ("eId", &id("person")),
                    ("refersTo", &format!("#person-{signatory}")),
                    ("as", "#role-signatory"),
                ],
                &block.name,
            ),
            None => xml.text(&block.name),
        }
        xml.empty("eol", &[]);
        match &block.signatory {
            Some(_) => xml.text_element(
                "role",
                &[
                    ("eId", &id("role")),
                    ("refersTo", &format!("#title-{code}")),
                ],
                &block.title,
            ),
            None => xml.text(&block.title),
        }
        xml.empty("eol", &[]);
        match (&block.place, block.date) {
            (Some(place), Some(date)) => {
                xml.text_element(
                    "location",
                    &[
                        ("eId", &id("location")),
                        ("refersTo", &format!("#place-{code}")),
                    ],
                    place,
                );
                xml.text(" ");
                xml.text_element(
                    "date",
                    &[("date", &date.to_string())],
                    &block.place_and_date,
                );
            }
            (None, Some(date)) => xml.text_element(
                "date",
                &[("date", &date.to_string())],
                &block.place_and_date,
            ),
            _ => xml.text(&block.place_and_date),
        }
        xml.close("signature");
        xml.close("p");
    }
    xml.close("conclusions");
}

/// A recital, article or annex of the instrument form, identified by its clause id.
fn write_passage(xml: &mut Xml, passage: &Passage, language: &str) {
    let (element, prefix, name) = element_of(passage.kind);
    let id = format!("{prefix}_{}", passage.clause_id);
    let mut attributes = vec![("eId", id.as_str()), ("wId", id.as_str())];
    if let Some(name) = name {
        attributes.push(("name", name));
    }
    xml.open(element, &attributes);
    let paragraphs = |xml: &mut Xml| {
        if let Some(note) = &passage.note {
            xml.open("p", &[]);
            xml.text_element("remark", &[("status", "editorial")], note);
            xml.close("p");
        }
        let own_language = [("xml:lang", passage.language.as_str())];
        let attributes: &[(&str, &str)] = if passage.language == language {
            &[]
        } else {
            &own_language
        };
        for line in passage
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            xml.text_element("p", attributes, line);
        }
    };
    if passage.kind == ClauseKind::Recital {
        paragraphs(xml);
    } else {
        xml.text_element("num", &[], &passage.label);
        if !passage.heading.is_empty() {
            xml.text_element("heading", &[], &passage.heading);
        }
        xml.open("content", &[]);
        paragraphs(xml);
        xml.close("content");
    }
    xml.close(element);
}

/// The element a clause of this kind is, its `eId` prefix, and its `name` where the element is
/// a generic `hcontainer`.
fn element_of(kind: ClauseKind) -> (&'static str, &'static str, Option<&'static str>) {
    match kind {
        ClauseKind::Recital => ("recital", "rec", None),
        ClauseKind::Article | ClauseKind::FinalClause => ("article", "art", None),
        ClauseKind::Annex => ("hcontainer", "annex", Some("annex")),
        ClauseKind::Part => ("hcontainer", "part", Some("part")),
        ClauseKind::Chapter => ("hcontainer", "chp", Some("chapter")),
        ClauseKind::Section => ("hcontainer", "sec", Some("section")),
    }
}

/// The FRBR identifiers of the work, of this language's expression and of this manifestation.
struct Names {
    work: String,
    work_date: (NaiveDate, &'static str),
    expression: String,
    expression_date: (NaiveDate, &'static str),
    language: String,
    exported_on: NaiveDate,
}

impl Names {
    fn new(source: &AkomaNtosoSource, language: &str) -> Names {
        let AkomaNtosoSource {
            draft, agreement, ..
        } = source;
        let original_in_force = agreement
            .revisions
            .iter()
            .find(|r| r.revision == 0)
            .and_then(|r| r.in_force_from);
        let first_signature = |revision: u32| {
            binding_signatures(source)
                .filter(|_| revision == draft.revision)
                .filter_map(|(_, s)| Some(s?.signed_on))
                .min()
        };
        let work_date = original_in_force
            .map(|d| (d, "entryIntoForce"))
            .or_else(|| first_signature(0).map(|d| (d, "signature")))
            .unwrap_or((source.exported_on, "draft"));
        let revision_in_force = agreement
            .revisions
            .iter()
            .find(|r| r.revision == draft.revision)
            .and_then(|r| r.in_force_from);
        let expression_date = revision_in_force
            .map(|d| (d, "entryIntoForce"))
            .or_else(|| first_signature(draft.revision).map(|d| (d, "signature")))
            .unwrap_or((source.exported_on, "draft"));
        let kind = pacta_domain::variant_name(&draft.instrument_kind);
        let work = format!(
            "/akn/int/act/{kind}/{}/{}",
            work_date.0, draft.negotiation_id
        );
        let language = iso_639_2(language);
        let version = if draft.revision == 0 {
            String::new()
        } else {
            format!("revision-{}", draft.revision)
        };
        Names {
            expression: format!("{work}/{language}@{version}"),
            work,
            work_date,
            expression_date,
            language,
            exported_on: source.exported_on,
        }
    }
}

/// Each party's signature, if it binds the revision exported. The agreement view holds the
/// signatures of its current revision only, so an earlier revision is shown without them.
fn binding_signatures<'a>(
    source: &'a AkomaNtosoSource,
) -> impl Iterator<
    Item = (
        &'a crate::PartyState,
        Option<&'a pacta_domain::SignatureRecord>,
    ),
> {
    let current = source.agreement.revision == source.draft.revision;
    source
        .agreement
        .parties
        .iter()
        .map(move |p| (p, p.signature.as_ref().filter(|_| current)))
}

fn write_meta(xml: &mut Xml, source: &AkomaNtosoSource, names: &Names) {
    let draft = source.draft;
    xml.open("meta", &[]);
    write_identification(
        xml,
        names,
        "!main",
        &party_refs(draft),
        |xml| xml.empty("FRBRname", &[("value", &draft.title)]),
        |xml| {
            xml.empty(
                "FRBRversionNumber",
                &[("value", &draft.revision.to_string())],
            );
            // Every language of the negotiation is authentic (art. 33 VCLT).
            xml.empty("FRBRauthoritative", &[("value", "true")]);
            xml.empty("FRBRlanguage", &[("language", &names.language)]);
        },
    );
    xml.open("references", &[("source", SOURCE)]);
    xml.empty(
        "TLCOrganization",
        &[
            ("eId", "pacta"),
            ("href", "/ontology/organization/pacta"),
            ("showAs", "Pacta"),
        ],
    );
    for party in &draft.parties {
        let code = party.code.to_lowercase();
        xml.empty(
            "TLCOrganization",
            &[
                ("eId", &format!("party-{code}")),
                ("href", &format!("/ontology/organization/{code}")),
                ("showAs", &party.name),
            ],
        );
    }
    for (_, signature) in binding_signatures(source) {
        if let Some(signature) = signature {
            xml.empty(
                "TLCPerson",
                &[
                    ("eId", &format!("person-{}", signature.signatory)),
                    ("href", &format!("/ontology/person/{}", signature.signatory)),
                    ("showAs", &signature.signatory),
                ],
            );
        }
    }
    if let Some(instrument) = source.instrument {
        for block in instrument
            .signature_blocks
            .iter()
            .filter(|b| b.signatory.is_some())
        {
            let code = block.party.to_lowercase();
            xml.empty(
                "TLCRole",
                &[
                    ("eId", &format!("title-{code}")),
                    ("href", &format!("/ontology/role/signatory-title/{code}")),
                    ("showAs", &block.title),
                ],
            );
            if let Some(place) = &block.place {
                xml.empty(
                    "TLCLocation",
                    &[
                        ("eId", &format!("place-{code}")),
                        ("href", &format!("/ontology/location/signature/{code}")),
                        ("showAs", place),
                    ],
                );
            }
        }
    }
    xml.empty(
        "TLCRole",
        &[
            ("eId", "role-party"),
            ("href", "/ontology/role/party"),
            ("showAs", "Party"),
        ],
    );
    xml.empty(
        "TLCRole",
        &[
            ("eId", "role-signatory"),
            ("href", "/ontology/role/signatory"),
            ("showAs", "Signatory"),
        ],
    );
    xml.close("references");
    xml.close("meta");
}

/// The FRBR identification of one component (`!main`, or an attachment): its work, expression
/// and manifestation, the work and expression with their own further properties.
fn write_identification(
    xml: &mut Xml,
    names: &Names,
    component: &str,
    authors: &[String],
    work: impl FnOnce(&mut Xml),
    expression: impl FnOnce(&mut Xml),
) {
    xml.open("identification", &[("source", SOURCE)]);
    write_frbr(
        xml,
        "FRBRWork",
        &format!("{}/{component}", names.work),
        &names.work,
        names.work_date,
        authors,
        |xml| {
            xml.empty("FRBRcountry", &[("value", "int")]);
            work(xml);
        },
    );
    write_frbr(
        xml,
        "FRBRExpression",
        &format!("{}/{component}", names.expression),
        &names.expression,
        names.expression_date,
        authors,
        expression,
    );
    write_frbr(
        xml,
        "FRBRManifestation",
        &format!("{}/{component}.xml", names.expression),
        &format!("{}.akn", names.expression),
        (names.exported_on, "export"),
        &[SOURCE.to_string()],
        |_| {},
    );
    xml.close("identification");
}

/// One FRBR level: `this`, `uri`, date, authors, then the level's own properties.
fn write_frbr(
    xml: &mut Xml,
    level: &str,
    this: &str,
    uri: &str,
    (date, date_name): (NaiveDate, &str),
    authors: &[String],
    properties: impl FnOnce(&mut Xml),
) {
    xml.open(level, &[]);
    xml.empty("FRBRthis", &[("value", this)]);
    xml.empty("FRBRuri", &[("value", uri)]);
    xml.empty(
        "FRBRdate",
        &[("date", &date.to_string()), ("name", date_name)],
    );
    for author in authors {
        xml.empty("FRBRauthor", &[("href", author)]);
    }
    properties(xml);
    xml.close(level);
}

fn party_refs(draft: &Draft) -> Vec<String> {
    draft
        .parties
        .iter()
        .map(|p| format!("#party-{}", p.code.to_lowercase()))
        .collect()
}

fn write_preface(xml: &mut Xml, draft: &Draft) {
    xml.open("preface", &[]);
    xml.open("p", &[]);
    xml.text_element("docTitle", &[], &draft.title);
    xml.close("p");
    xml.open("p", &[]);
    for (index, party) in draft.parties.iter().enumerate() {
        if index > 0 {
            xml.text(" — ");
        }
        xml.text_element(
            "party",
            &[
                ("refersTo", &format!("#party-{}", party.code.to_lowercase())),
                ("as", "#role-party"),
            ],
            &party.name,
        );
    }
    xml.close("p");
    xml.close("preface");
}

/// A recital, article or annex, identified by its clause id; its wording in `language`, or the
/// reference wording with an editorial remark when that version is missing or out of date.
fn write_clause(xml: &mut Xml, element: &str, draft: &Draft, clause: &DraftClause, language: &str) {
    let prefix = match clause.kind {
        ClauseKind::Recital => "rec",
        ClauseKind::Article | ClauseKind::FinalClause => "art",
        ClauseKind::Annex => "annex",
        ClauseKind::Part => "part",
        ClauseKind::Chapter => "chp",
        ClauseKind::Section => "sec",
    };
    let id = format!("{prefix}_{}", clause.clause_id);
    let mut attributes = vec![("eId", id.as_str()), ("wId", id.as_str())];
    match clause.kind {
        ClauseKind::Annex => attributes.push(("name", "annex")),
        ClauseKind::Part => attributes.push(("name", "part")),
        ClauseKind::Chapter => attributes.push(("name", "chapter")),
        ClauseKind::Section => attributes.push(("name", "section")),
        _ => {}
    }
    xml.open(element, &attributes);
    let shown = wording(draft, clause, language);
    let paragraphs = |xml: &mut Xml| {
        if let Some(note) = &shown.note {
            xml.open("p", &[]);
            xml.text_element("remark", &[("status", "editorial")], note);
            xml.close("p");
        }
        let own_language = [("xml:lang", shown.language)];
        let attributes: &[(&str, &str)] = if shown.language == language {
            &[]
        } else {
            &own_language
        };
        for line in shown.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            xml.text_element("p", attributes, line);
        }
    };
    if clause.kind == ClauseKind::Recital {
        paragraphs(xml);
    } else {
        xml.text_element("num", &[], &shown.label);
        if !shown.heading.is_empty() {
            xml.text_element("heading", &[], shown.heading);
        }
        xml.open("content", &[]);
        paragraphs(xml);
        xml.close("content");
    }
    xml.close(element);
}

fn write_conclusions(xml: &mut Xml, source: &AkomaNtosoSource) {
    let draft = source.draft;
    xml.open("conclusions", &[]);
    let root = source
        .agreement
        .revisions
        .iter()
        .find(|r| r.revision == draft.revision)
        .map(|r| r.text_root_hash.clone())
        .or_else(|| {
            (source.agreement.revision == draft.revision)
                .then(|| source.agreement.text_root_hash.clone())
        });
    if let Some(root) = root {
        xml.open("p", &[]);
        xml.text("Text root hash: ");
        xml.text_element("inline", &[("name", "textRootHash")], &root);
        xml.close("p");
    }
    let mut signed = false;
    for (party, signature) in binding_signatures(source) {
        let Some(signature) = signature else { continue };
        signed = true;
        let party_ref = format!("#party-{}", party.code.to_lowercase());
        let date = signature.signed_on.to_string();
        xml.open("p", &[]);
        xml.open("signature", &[("refersTo", &party_ref)]);
        xml.text("For ");
        xml.text_element(
            "party",
            &[("refersTo", &party_ref), ("as", "#role-party")],
            &party.name,
        );
        xml.text(": ");
        xml.text_element(
            "person",
            &[
                ("refersTo", &format!("#person-{}", signature.signatory)),
                ("as", "#role-signatory"),
            ],
            &signature.signatory,
        );
        xml.text(", signed on ");
        xml.text_element("date", &[("date", &date)], &date);
        if source.agreement.is_non_binding() {
            // A signature of a non-binding instrument binds no one: no capacity, no "binding".
            xml.text(", text root ");
        } else {
            xml.text(" (");
            xml.text_element(
                "inline",
                &[("name", "capacity")],
                &pacta_domain::variant_name(&signature.capacity),
            );
            xml.text("), binding text root ");
        }
        xml.text_element(
            "inline",
            &[("name", "textRootHash")],
            &signature.text_root_hash,
        );
        xml.close("signature");
        xml.close("p");
    }
    if !signed {
        xml.text_element("p", &[], "No signature binds this text yet.");
    }
    if let Some(registration) = &source.agreement.registration {
        xml.open("p", &[]);
        xml.text("Registration: ");
        xml.text_element("inline", &[("name", "registration")], registration);
        xml.close("p");
    }
    xml.close("conclusions");
}

fn write_attachments(xml: &mut Xml, source: &AkomaNtosoSource, names: &Names) {
    if source.matrices.is_empty() {
        return;
    }
    xml.open("attachments", &[]);
    for (matrix_id, matrix) in source.matrices {
        let id = format!("att_{matrix_id}");
        xml.open("attachment", &[("eId", &id), ("wId", &id)]);
        xml.open("doc", &[("name", "actionMatrix")]);
        xml.open("meta", &[]);
        write_identification(
            xml,
            names,
            &format!("!{matrix_id}"),
            &party_refs(source.draft),
            |_| {},
            |xml| xml.empty("FRBRlanguage", &[("language", &names.language)]),
        );
        xml.close("meta");
        xml.open("preface", &[]);
        xml.open("p", &[]);
        xml.text_element("docTitle", &[], &matrix.title);
        xml.close("p");
        let validated = match &matrix.validated_at {
            Some(round) => format!("Validated at {round}."),
            None => "Not yet validated.".to_string(),
        };
        xml.text_element("p", &[], &validated);
        xml.close("preface");
        xml.open("mainBody", &[]);
        write_matrix_table(xml, &id, matrix);
        xml.close("mainBody");
        xml.close("doc");
        xml.close("attachment");
    }
    xml.close("attachments");
}

fn write_matrix_table(xml: &mut Xml, attachment_id: &str, matrix: &Matrix) {
    const COLUMNS: [&str; 9] = [
        "Row",
        "Objective",
        "Action",
        "Responsible party",
        "Agency",
        "Period",
        "Indicator (unit): baseline → target",
        "Agreed by",
        "Progress",
    ];
    xml.open("table", &[("eId", &format!("{attachment_id}__table_1"))]);
    xml.open("tr", &[]);
    for column in COLUMNS {
        xml.open("th", &[]);
        xml.text_element("p", &[], column);
        xml.close("th");
    }
    xml.close("tr");
    for row_id in &matrix.row_order {
        let Some(row) = matrix.rows.get(row_id) else {
            continue;
        };
        let content = &row.content;
        let indicator = &content.indicator;
        let agreed: Vec<&str> = row.agreed_parties().collect();
        let cells = [
            row_id.clone(),
            content.objective.clone(),
            content.action.clone(),
            content.responsible_party.clone(),
            content.agency.clone(),
            format!("{} – {}", content.starts_on, content.ends_on),
            format!(
                "{} ({}): {} → {}",
                indicator.name, indicator.unit, indicator.baseline, indicator.target
            ),
            agreed.join(", "),
            pacta_domain::variant_name(&row.progress),
        ];
        xml.open("tr", &[]);
        for cell in cells {
            xml.open("td", &[]);
            xml.text_element("p", &[], &cell);
            xml.close("td");
        }
        xml.close("tr");
    }
    xml.close("table");
}

/// The ISO 639-2 code Akoma Ntoso's naming convention asks for, from a BCP 47 tag whose primary
/// subtag is ISO 639-1; a code it does not know (already three letters, or rare) is kept.
fn iso_639_2(language: &str) -> String {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or(language)
        .to_ascii_lowercase();
    let code = match primary.as_str() {
        "ar" => "ara",
        "de" => "deu",
        "en" => "eng",
        "es" => "spa",
        "fa" => "fas",
        "fr" => "fra",
        "he" => "heb",
        "it" => "ita",
        "ja" => "jpn",
        "nl" => "nld",
        "pt" => "por",
        "ru" => "rus",
        "sw" => "swa",
        "tr" => "tur",
        "ur" => "urd",
        "zh" => "zho",
        _ => return primary,
    };
    code.to_string()
}

/// A quick-xml writer over memory, with the few calls the document needs. Writing to a `Vec`
/// cannot fail, so the calls do not return `io::Result`.
struct Xml {
    writer: Writer<Vec<u8>>,
}

const WRITE_TO_MEMORY: &str = "invariant: writing XML to memory cannot fail";

impl Xml {
    fn new() -> Xml {
        Xml {
            writer: Writer::new_with_indent(Vec::new(), b' ', 2),
        }
    }

    fn declaration(&mut self) {
        self.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Start(start(name, attributes)));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Empty(start(name, attributes)));
    }

    fn text(&mut self, text: &str) {
        self.event(Event::Text(BytesText::new(&xml_chars(text))));
    }

    fn text_element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.open(name, attributes);
        self.text(text);
        self.close(name);
    }

    fn event(&mut self, event: Event) {
        self.writer.write_event(event).expect(WRITE_TO_MEMORY);
    }

    fn finish(self) -> String {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        String::from_utf8(bytes).expect("invariant: the writer was given UTF-8 only")
    }
}

fn start<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
    let mut element = BytesStart::new(name);
    for (key, value) in attributes {
        element.push_attribute((*key, xml_chars(value).as_str()));
    }
    element
}

/// Drops the characters XML 1.0 cannot carry at all, even escaped (C0 controls other than tab
/// and line ends, U+FFFE, U+FFFF), so a stray control character cannot make the document
/// ill-formed.
fn xml_chars(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            (c >= ' ' || matches!(c, '\t' | '\n' | '\r')) && !matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::{assert_contains, date, views, ARABIC_TEXT};

    fn export(language: &str) -> String {
        let views = views();
        let source = AkomaNtosoSource {
            draft: &views.draft,
            agreement: &views.agreement,
            matrices: &views.matrices,
            exported_on: date(2026, 6, 1),
            instrument: None,
        };
        akoma_ntoso(&source, language).unwrap()
    }

    #[test]
    fn identifies_work_expression_and_manifestation() {
        let xml = export("ar");
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        // Unsigned by MAR and not in force: the work is dated by CIV's signature.
        let work = "/akn/int/act/mou/2026-05-28/neg-1";
        assert_contains(
            &xml,
            &[
                &format!("<akomaNtoso xmlns=\"{AKN_NAMESPACE}\">"),
                "<act name=\"mou\" contains=\"originalVersion\">",
                &format!("<FRBRthis value=\"{work}/!main\"/>"),
                &format!("<FRBRuri value=\"{work}\"/>"),
                &format!("<FRBRthis value=\"{work}/ara@/!main\"/>"),
                &format!("<FRBRthis value=\"{work}/ara@/!main.xml\"/>"),
                "<FRBRdate date=\"2026-06-01\" name=\"export\"/>",
                "<FRBRlanguage language=\"ara\"/>",
                "<FRBRauthor href=\"#party-civ\"/>",
                "<FRBRname value=\"Mémorandum &quot;TIP&quot; &lt;CIV &amp; MAR&gt;\"/>",
            ],
        );
    }

    #[test]
    fn clauses_are_identified_by_clause_id_in_the_language_asked_for() {
        assert_contains(
            &export("ar"),
            &[
                "<recital eId=\"rec_rec-1\" wId=\"rec_rec-1\">",
                "<article eId=\"art_art-objet\" wId=\"art_art-objet\">",
                "<heading>الهدف</heading>",
                &format!("<p>{ARABIC_TEXT}</p>"),
                // No Arabic version: the French reference, marked as French, with a remark.
                "<p xml:lang=\"fr\">Chaque Partie désigne un point focal.</p>",
                // The remark is in the expression's language.
                "<remark status=\"editorial\">لا توجد بعد صيغة لهذا البند باللغة العربية",
            ],
        );
    }

    #[test]
    fn wording_is_escaped() {
        assert_contains(
            &export("fr"),
            &[
                "<heading>Objet &amp; portée</heading>",
                "si &lt;seuil&gt; &amp; &quot;urgence&quot; le justifient.",
                "Former les agents &lt;frontière&gt;",
            ],
        );
    }

    #[test]
    fn conclusions_hold_each_signature_with_the_root_it_binds() {
        let xml = export("fr");
        let root = "ab".repeat(32);
        assert_contains(
            &xml,
            &[
                "<signature refersTo=\"#party-civ\">",
                "<person refersTo=\"#person-minister.civ\" as=\"#role-signatory\">minister.civ</person>",
                "<date date=\"2026-05-28\">2026-05-28</date>",
                &format!("binding text root <inline name=\"textRootHash\">{root}</inline>"),
            ],
        );
        assert!(
            !xml.contains("<signature refersTo=\"#party-mar\">"),
            "MAR has not signed"
        );
    }

    #[test]
    fn action_matrices_are_attachments() {
        assert_contains(
            &export("fr"),
            &[
                "<attachment eId=\"att_mx-protection\" wId=\"att_mx-protection\">",
                "<doc name=\"actionMatrix\">",
                "<docTitle>Protection des victimes</docTitle>",
                "<p>Agents formés (personnes): 0 → 200</p>",
                "<p>Not yet validated.</p>",
            ],
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_dropped() {
        assert_eq!(xml_chars("a\u{1}b\tc\u{ffff}"), "ab\tc");
    }
}
