//! A ledger recorded by an earlier release (`tests/fixtures/ledger-bcff745`: the demo story on
//! SQLite, recorded at commit bcff745) opens with the current release, verifies with the same
//! chain heads, and reads the same: its history line for line, and every field the earlier
//! release printed as JSON is printed with the same value, except the few whose wording the later
//! release deliberately changed, listed in `CHANGED_ON_PURPOSE` with the reason. New fields are
//! welcome; lost or altered ones are not.

use std::path::Path;

use serde_json::Value;

use crate::common::cli::{assert_ok, pacta_at};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ledger-bcff745");
const NEGOTIATIONS: [&str; 2] = ["civ-mar-tip-mou", "civ-mar-higher-education"];

/// (file, JSON pointer) of the values the current release prints differently on purpose.
const CHANGED_ON_PURPOSE: &[(&str, &str, &str)] = &[];

#[test]
fn a_ledger_recorded_by_an_earlier_release_verifies_and_reads_the_same() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("ledger.db");
    std::fs::copy(Path::new(FIXTURE).join("ledger.db"), &path).expect("copy the old ledger");
    let url = format!("sqlite://{}", path.display());
    let expected = |name: &str| {
        std::fs::read_to_string(Path::new(FIXTURE).join(name))
            .unwrap_or_else(|e| panic!("read the fixture {name}: {e}"))
    };

    // Verified first as it was recorded (verify opens the store read-only, so no migration of
    // the current release has run yet), and again after the reads have migrated it.
    for when in ["as recorded", "after the current release migrated it"] {
        let printed = assert_ok(&pacta_at(&url, &["verify"]));
        let heads = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|line| line.contains("chain intact, head"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(heads(&printed), heads(&expected("verify.txt")), "{when}");
        assert_eq!(
            heads(&printed).len(),
            NEGOTIATIONS.len(),
            "{when}: {printed}"
        );
        assert!(printed.contains("every link intact"), "{when}: {printed}");

        for negotiation in NEGOTIATIONS {
            // The history as people read it, line for line.
            let history = assert_ok(&pacta_at(&url, &["history", negotiation]));
            let recorded = expected(&format!("history-{negotiation}.txt"));
            assert_eq!(history, recorded, "{when}: pacta history {negotiation}");
            for (file, args) in [
                ("draft", vec!["draft", negotiation, "--json"]),
                ("status", vec!["status", negotiation, "--json"]),
                ("history", vec!["history", negotiation, "--json"]),
                ("export", vec!["export", negotiation, "--format", "json"]),
            ] {
                let name = format!("{file}-{negotiation}.json");
                let now: Value = serde_json::from_str(&assert_ok(&pacta_at(&url, &args)))
                    .unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}"));
                let then: Value = serde_json::from_str(&expected(&name)).expect("fixture JSON");
                let mut differences = Vec::new();
                still_printed(&name, "", &then, &now, &mut differences);
                assert!(
                    differences.is_empty(),
                    "{when}: `pacta {}` no longer prints what the earlier release did:\n{}",
                    args.join(" "),
                    differences.join("\n")
                );
            }
        }
    }
}

/// Collects, in `differences`, every value of `then` that `now` no longer holds at the same
/// place: objects may gain keys, arrays must keep their length and order.
fn still_printed(
    file: &str,
    pointer: &str,
    then: &Value,
    now: &Value,
    differences: &mut Vec<String>,
) {
    if CHANGED_ON_PURPOSE
        .iter()
        .any(|(f, p, _)| *f == file && *p == pointer)
    {
        return;
    }
    match (then, now) {
        (Value::Object(then), Value::Object(now)) => {
            for (key, value) in then {
                let at = format!("{pointer}/{key}");
                match now.get(key) {
                    Some(current) => still_printed(file, &at, value, current, differences),
                    None => differences.push(format!("{file} {at}: missing (was {value})")),
                }
            }
        }
        (Value::Array(then), Value::Array(now)) if then.len() == now.len() => {
            for (index, (value, current)) in then.iter().zip(now).enumerate() {
                still_printed(
                    file,
                    &format!("{pointer}/{index}"),
                    value,
                    current,
                    differences,
                );
            }
        }
        _ if then == now => {}
        _ => differences.push(format!("{file} {pointer}: was {then}, now {now}")),
    }
}
