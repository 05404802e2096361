//! The OpenAPI schemas of commands, events and views are derived from the domain's and the views'
//! own types (utoipa reading their serde attributes). These tests hold the schemas to what serde
//! really reads and writes: every reference resolves, every act has its variant under its serde
//! tag, a whole recorded negotiation and every view of it is valid against them, and what serde
//! refuses, they refuse.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate};
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_domain::{
    Action, ActionKind, ClauseKind, EntryIntoForceRule, Facilitator, Indicator, InstrumentKind,
    NegotiationCommand, NegotiationError, NegotiationEvent, Party, PersonName, Position,
    RowContent, RowProgress, SignatureCapacity,
};
use pacta_projections::{
    agreement_state, clause_history, draft, history, index_entry, matrix_status, redline,
    AgreementState, ClauseHistory, Draft, HistoryEntry, IndexEntry, MatrixStatus, Point, Redline,
};
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::OpenApi;

use crate::common::http::documented_error_codes;
use crate::common::{Backend, TestStore};

/// The types a client sends and reads; utoipa adds every type they contain.
#[derive(OpenApi)]
#[openapi(components(schemas(
    NegotiationCommand,
    NegotiationEvent,
    Draft,
    HistoryEntry,
    ClauseHistory,
    Redline,
    IndexEntry,
    MatrixStatus,
    AgreementState,
)))]
struct Schemas;

const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

fn document() -> Value {
    let json = Schemas::openapi()
        .to_json()
        .expect("the document serialises");
    serde_json::from_str(&json).expect("the document is valid JSON")
}

fn schemas(document: &Value) -> &Map<String, Value> {
    document["components"]["schemas"]
        .as_object()
        .expect("the document has component schemas")
}

#[test]
fn every_reference_names_a_schema_of_the_document() {
    let document = document();
    assert_eq!(document["openapi"], "3.1.0");
    let names = schemas(&document);
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(!references.is_empty(), "views refer to domain types");
    for reference in references {
        let name = reference.strip_prefix(SCHEMA_REF_PREFIX);
        assert!(
            name.is_some_and(|name| names.contains_key(name)),
            "{reference} names no schema of the document"
        );
    }
}

fn collect_references(value: &Value, references: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                references.push(reference.clone());
            }
            object
                .values()
                .for_each(|v| collect_references(v, references));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, references)),
        _ => {}
    }
}

#[test]
fn every_act_has_its_variant_under_its_serde_tag() {
    let document = document();
    let variants = schemas(&document)["Action"]["oneOf"]
        .as_array()
        .expect("Action is one of its variants");
    let mut tags: Vec<&str> = variants
        .iter()
        .map(|v| {
            v["properties"]["type"]["enum"][0]
                .as_str()
                .expect("each variant names its tag")
        })
        .collect();
    tags.sort_unstable();
    // `Action::kind` maps each variant to the ActionKind of the same name; serde tags it kebab-case.
    let mut expected: Vec<String> = ActionKind::ALL
        .iter()
        .map(|kind| kebab_case(&format!("{kind:?}")))
        .collect();
    expected.sort_unstable();
    assert_eq!(tags, expected);
    for tag in ["open-negotiation", "propose-clause", "sign-instrument"] {
        assert!(tags.contains(&tag), "{tag} is an act of the API");
    }
}

fn kebab_case(camel: &str) -> String {
    let mut kebab = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() && !kebab.is_empty() {
            kebab.push('-');
        }
        kebab.push(c.to_ascii_lowercase());
    }
    kebab
}

/// The service's document lists every error code it answers with, each with its one status,
/// and every error status an endpoint documents is the status of some code.
#[test]
fn the_service_documents_every_error_code_with_its_status() {
    let json = pacta_service::openapi_document()
        .to_json()
        .expect("the document serialises");
    let document: Value = serde_json::from_str(&json).expect("JSON");
    let table: BTreeMap<String, u64> = pacta_service::error::error_codes()
        .into_iter()
        .map(|row| (row.code, u64::from(row.status.as_u16())))
        .collect();

    // ErrorBody.code lists every code of the table once, and maps each to its status.
    assert_eq!(
        pacta_service::error::STATUS_BY_CODE_EXTENSION,
        "x-status-by-code"
    );
    assert_eq!(
        documented_error_codes(&document),
        table,
        "the enum and its map are every code of the table, each with its status, and nothing else"
    );

    // Every refusal by the rules has its code there, with the status the service answers.
    for refusal in NegotiationError::CODES {
        assert!(table.contains_key(*refusal), "{refusal} is not documented");
    }
    let stale = NegotiationError::StaleTextRoot {
        given: "a".into(),
        current: "b".into(),
    };
    assert_eq!(
        table.get(stale.code()),
        Some(&u64::from(
            pacta_service::error::refusal_status(&stale).as_u16()
        ))
    );

    let statuses: BTreeSet<u64> = table.values().copied().collect();
    let paths = document["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("operations") {
            let responses = operation["responses"].as_object().expect("responses");
            for (status, response) in responses {
                let status: u64 = status.parse().expect("a numeric status");
                if response.to_string().contains("ErrorBody") {
                    assert!(
                        statuses.contains(&status),
                        "{method} {path} documents {status}, which no error code answers with"
                    );
                }
            }
        }
    }
}

/// Commands as a client sends them, one of each shape the nested types take.
fn sample_commands() -> Vec<NegotiationCommand> {
    let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let actions = vec![
        Action::OpenNegotiation {
            negotiation_id: "civ-mar".into(),
            title: "MoU".into(),
            titles: Default::default(),
            instrument_kind: InstrumentKind::Mou,
            parties: vec![Party::new("CIV", "Côte d'Ivoire", "awa", "Awa")],
            facilitator: Some(Facilitator {
                code: "IOM".into(),
                name: "IOM".into(),
                secretariat: PersonName {
                    person: "sec".into(),
                    name: "Sec".into(),
                },
            }),
            languages: vec!["fr".into(), "ar".into()],
            language_responsibility: [("ar".to_string(), "CIV".to_string())].into(),
            entry_into_force_rule: Some(EntryIntoForceRule::DaysAfterLastConsent { days: 30 }),
            termination_notice_months: None,
            provisional_application: true,
            legal_effect: None,
            arabic_article_numbering: None,
        },
        Action::ProposeClause {
            clause_id: "art-1".into(),
            kind: ClauseKind::Article,
            heading: "Objet".into(),
            language: "fr".into(),
            text: "Le présent mémorandum…".into(),
            after: None,
            before: None,
        },
        Action::StatePosition {
            clause_id: "art-1".into(),
            position: Position::Alternative { label: "B".into() },
            rationale: String::new(),
        },
        Action::SignInstrument {
            text_root_hash: "ab".repeat(32),
            capacity: SignatureCapacity::AdReferendum,
            signed_on: day(5),
            signature: "cd".repeat(64),
            signatory_title: Some("Ministre des Affaires étrangères".into()),
            signatory_title_in: [("ar".into(), "وزير الشؤون الخارجية".into())].into(),
            place_in: [("ar".into(), "الرباط".into())].into(),
        },
        Action::ProposeRow {
            matrix_id: "m-1".into(),
            row_id: "r-1".into(),
            content: RowContent {
                objective: "Protect".into(),
                action: "Train".into(),
                responsible_party: "CIV".into(),
                agency: "Police".into(),
                starts_on: day(1),
                ends_on: day(31),
                indicator: Indicator {
                    name: "Officers trained".into(),
                    unit: "people".into(),
                    baseline: "0".into(),
                    target: "120".into(),
                },
            },
            base_row_hash: None,
        },
        Action::ReportProgress {
            matrix_id: "m-1".into(),
            row_id: "r-1".into(),
            progress: RowProgress::OnTrack,
            reported_on: day(20),
            note: String::new(),
        },
    ];
    actions
        .into_iter()
        .map(|action| NegotiationCommand {
            actor: "awa".into(),
            action,
            took_place: None,
        })
        .collect()
}

#[test]
fn commands_are_valid_against_the_command_schema() {
    let document = document();
    let check = Check::new(&document);
    for command in sample_commands() {
        check.valid("NegotiationCommand", &command);
    }
}

type Change = fn(&mut Value);

/// Each change makes serde refuse a valid command; the schema must refuse it too.
#[test]
fn the_command_schema_refuses_what_serde_refuses() {
    let document = document();
    let check = Check::new(&document);
    let proposal = sample_commands()
        .into_iter()
        .find(|c| matches!(c.action, Action::ProposeClause { .. }))
        .unwrap();
    let command = serde_json::to_value(&proposal).unwrap();
    let changes: [(&str, Change); 5] = [
        ("an unknown field beside the action", |c| {
            c["on_behalf_of"] = json!("MAR")
        }),
        ("an unknown act", |c| {
            c["action"]["type"] = json!("propose-clauses")
        }),
        ("a missing text", |c| {
            c["action"].as_object_mut().unwrap().remove("text");
        }),
        ("an unknown clause kind", |c| {
            c["action"]["kind"] = json!("paragraph")
        }),
        ("a text that is not a string", |c| {
            c["action"]["text"] = json!(42)
        }),
    ];
    for (what, change) in changes {
        let mut refused = command.clone();
        change(&mut refused);
        assert!(
            serde_json::from_value::<NegotiationCommand>(refused.clone()).is_err(),
            "serde refuses {what}"
        );
        assert!(
            check.validate("NegotiationCommand", &refused).is_err(),
            "the schema refuses {what}: {refused}"
        );
    }
}

/// The demo story's two negotiations cover most events and every kind of view; what the schemas
/// describe is what the service will send.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_events_and_their_views_are_valid_against_their_schemas() {
    let store = TestStore::new(Backend::Sqlite).await;
    let ledger = store.ledger();
    ledger.record_demo_story().await;
    let document = document();
    let check = Check::new(&document);
    for negotiation_id in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        let events = ledger.events(negotiation_id).await.unwrap();
        for event in &events {
            check.valid("NegotiationEvent", &event.payload);
        }
        let entries = history(&events);
        for entry in &entries {
            check.valid("HistoryEntry", entry);
        }
        let current = draft(negotiation_id, &events);
        check.valid("Draft", &current);
        for clause in &current.clauses {
            let versions = clause_history(&events, &clause.clause_id).expect("a drafted clause");
            check.valid("ClauseHistory", &versions);
        }
        check.valid("IndexEntry", &index_entry(negotiation_id, &events));
        for matrix in matrix_status(&events) {
            check.valid("MatrixStatus", &matrix);
        }
        let state = agreement_state(negotiation_id, &events, None);
        check.valid("AgreementState", &state);
        let in_force_from = state.revisions[0]
            .in_force_from
            .expect("both demo instruments entered into force");
        let state_on = agreement_state(negotiation_id, &events, Some(in_force_from));
        assert!(matches!(state_on.text_in_force_on, Some((_, Some(_)))));
        check.valid("AgreementState", &state_on);

        let first_day = DateTime::parse_from_rfc3339(&entries[0].recorded_at)
            .expect("events are stamped")
            .date_naive();
        let mut points = vec![Point::Sequence(1), Point::Date(first_day)];
        points.extend(
            entries
                .iter()
                .find_map(|e| e.round.clone())
                .map(Point::Round),
        );
        points.push(Point::Revision(state.revision));
        for pair in points.windows(2) {
            let changes = redline(&events, &pair[0], &pair[1]).expect("points on record");
            check.valid("Redline", &changes);
        }
    }
}

/// Just enough JSON Schema (2020-12, the dialect of OpenAPI 3.1) for what utoipa writes. A keyword
/// it does not know fails the test, so no part of a schema passes unchecked.
struct Check<'a> {
    schemas: &'a Map<String, Value>,
}

impl<'a> Check<'a> {
    fn new(document: &'a Value) -> Check<'a> {
        Check {
            schemas: schemas(document),
        }
    }

    fn valid(&self, schema_name: &str, value: &impl Serialize) {
        let value = serde_json::to_value(value).expect("the value serialises");
        if let Err(problem) = self.validate(schema_name, &value) {
            panic!("{schema_name} schema refuses {value}: {problem}");
        }
    }

    fn validate(&self, schema_name: &str, value: &Value) -> Result<(), String> {
        self.check(&self.schemas[schema_name], value, schema_name)
    }

    fn check(&self, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        let schema = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(format!("{at}: nothing may be here")),
            Value::Object(schema) => schema,
            other => panic!("{at}: {other} is not a schema"),
        };
        for (keyword, rule) in schema {
            match keyword.as_str() {
                "$ref" => {
                    let reference = rule.as_str().unwrap();
                    let name = reference.strip_prefix(SCHEMA_REF_PREFIX).unwrap();
                    self.check(&self.schemas[name], value, &format!("{at}<{name}>"))?;
                }
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::Array(types) => types.iter().filter_map(Value::as_str).collect(),
                        single => vec![single.as_str().unwrap()],
                    };
                    if !types.iter().any(|t| is_of_type(value, t)) {
                        return Err(format!("{at}: {value} is not of type {types:?}"));
                    }
                }
                "enum" => {
                    if !rule.as_array().unwrap().contains(value) {
                        return Err(format!("{at}: {value} is none of {rule}"));
                    }
                }
                "required" => {
                    if let Some(object) = value.as_object() {
                        for key in rule.as_array().unwrap().iter().filter_map(Value::as_str) {
                            if !object.contains_key(key) {
                                return Err(format!("{at}: '{key}' is missing"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(object) = value.as_object() {
                        for (key, property) in rule.as_object().unwrap() {
                            if let Some(v) = object.get(key) {
                                self.check(property, v, &format!("{at}.{key}"))?;
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    let declared = schema.get("properties").and_then(Value::as_object);
                    for (key, v) in value.as_object().into_iter().flatten() {
                        if !declared.is_some_and(|d| d.contains_key(key)) {
                            self.check(rule, v, &format!("{at}.{key}"))?;
                        }
                    }
                }
                "propertyNames" => {
                    for key in value.as_object().into_iter().flat_map(Map::keys) {
                        self.check(rule, &json!(key), &format!("{at} key {key}"))?;
                    }
                }
                "prefixItems" => {
                    let prefix = rule.as_array().unwrap();
                    for (i, (item, v)) in prefix.iter().zip(array(value)).enumerate() {
                        self.check(item, v, &format!("{at}[{i}]"))?;
                    }
                }
                "items" => {
                    let prefix_len = schema
                        .get("prefixItems")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    for (i, v) in array(value).iter().enumerate().skip(prefix_len) {
                        self.check(rule, v, &format!("{at}[{i}]"))?;
                    }
                }
                "uniqueItems" => {
                    let items = array(value);
                    if rule == true && (1..items.len()).any(|i| items[..i].contains(&items[i])) {
                        return Err(format!("{at}: {value} repeats an item"));
                    }
                }
                "oneOf" => {
                    let outcomes: Vec<Result<(), String>> = rule
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|option| self.check(option, value, at))
                        .collect();
                    let matching = outcomes.iter().filter(|o| o.is_ok()).count();
                    if matching > 1 {
                        return Err(format!(
                            "{at}: {value} matches {matching} of oneOf's schemas"
                        ));
                    }
                    if matching == 0 {
                        // The option that got furthest into the value names the real problem.
                        let deepest = outcomes
                            .into_iter()
                            .filter_map(Result::err)
                            .max_by_key(|problem| problem.find(": ").unwrap_or(0));
                        return Err(deepest.unwrap_or_else(|| format!("{at}: oneOf is empty")));
                    }
                }
                "allOf" => {
                    for part in rule.as_array().unwrap() {
                        self.check(part, value, at)?;
                    }
                }
                "minimum" => {
                    if value.as_f64().is_some_and(|n| n < rule.as_f64().unwrap()) {
                        return Err(format!("{at}: {value} is below {rule}"));
                    }
                }
                "format" => {
                    if let (Some("date"), Some(date)) = (rule.as_str(), value.as_str()) {
                        NaiveDate::parse_from_str(date, "%Y-%m-%d")
                            .map_err(|e| format!("{at}: '{date}' is not a date ({e})"))?;
                    }
                }
                // Annotations: they describe, they do not constrain.
                "description" | "title" | "default" | "examples" | "deprecated" => {}
                other => panic!("{at}: the schema uses '{other}', which this check does not know"),
            }
        }
        Ok(())
    }
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn is_of_type(value: &Value, json_type: &str) -> bool {
    match json_type {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        other => panic!("unknown JSON type {other}"),
    }
}
