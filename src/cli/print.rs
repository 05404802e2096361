//! How the CLI prints what it recorded and the views it reads. Every line that carries something
//! from the record goes through [`say`] (or [`escaped`]), so a recorded text is shown, never
//! obeyed by the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

use cqrs_es::EventEnvelope;
use pacta_domain::variant_name;
use pacta_domain::{Negotiation, PartyKind};
use pacta_projections::Draft;

/// `text` with every character that could steer a terminal made visible: C0 and C1 controls
/// (`\r`, `\t`, `\n`, `\u{1b}`…) and the bidirectional embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069), which could overwrite a line or reorder what it shows. A
/// newline is escaped too: a multi-line text is printed line by line, each through this.
pub(crate) fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(steers_a_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if steers_a_terminal(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn steers_a_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Prints one line that carries something from the record, escaped (see [`escaped`]).
pub(crate) fn say(line: &str) {
    println!("{}", escaped(line));
}

/// Prints a multi-line text from the record, each line after `indent`, each escaped.
fn say_block(indent: &str, text: &str) {
    for line in text.lines() {
        say(&format!("{indent}{line}"));
    }
}

pub fn print_recorded(events: &[EventEnvelope<Negotiation>]) {
    for event in events {
        let hash = event
            .metadata
            .get(pacta_domain::metadata::HASH)
            .map_or("", String::as_str);
        say(&format!(
            "recorded {} #{}: {} (hash {})",
            event.aggregate_id,
            event.sequence,
            pacta_projections::summary(&event.payload),
            hash
        ));
        // In full, whatever the act recorded, so the next act can name it without a look-up.
        let payload = serde_json::to_value(&event.payload).expect("invariant: events serialise");
        for (field, hash) in super::hashes::hash_fields(&payload) {
            say(&format!("{} {hash}", field.replace('_', " ")));
        }
    }
}

pub fn print_draft(view: &Draft, language: Option<&str>) {
    say(&format!("{} ({})", view.title, view.negotiation_id));
    let parties: Vec<String> = view
        .parties
        .iter()
        .map(|p| format!("{} ({})", p.name, p.code))
        .collect();
    say(&format!("Parties: {}", parties.join(" and ")));
    say(&format!(
        "Authentic languages: {}",
        view.languages.join(", ")
    ));
    if view.revision > 0 {
        say(&format!("Revision {}", view.revision));
    }
    say(&format!("As of event #{}", view.as_of_sequence));
    if view.numbering_frozen {
        say("Numbering frozen: new articles are numbered \"bis\", \"ter\"… after the one they follow");
    }
    for warning in &view.warnings {
        say(&format!("Warning: {warning}"));
    }
    for clause in &view.clauses {
        let agreed = if clause.agreed_by.is_empty() {
            String::new()
        } else {
            format!("; agreed by {}", clause.agreed_by.join(", "))
        };
        let shown = language.and_then(|l| clause.languages.iter().find(|v| v.language == l));
        let (heading, text) = match shown {
            Some(version) => (&version.heading, &version.text),
            None => (&clause.heading, &clause.text),
        };
        // With --language, labels follow that language's convention ("Article premier");
        // without, the English labels as before. Cross-references read in the wording's language.
        let shown_language = language.unwrap_or(&clause.language);
        let label = match language {
            Some(language) => view.label_in(clause, language),
            None => clause.label.clone(),
        };
        let text = &view.rendered_text(clause, text, shown_language);
        let heading = if heading.is_empty() {
            String::new()
        } else {
            format!(" — {heading}")
        };
        let versions: Vec<String> = clause
            .languages
            .iter()
            .map(|v| format!("{} {}", v.language, variant_name(&v.status)))
            .collect();
        println!();
        say(&format!(
            "{}{heading}  [{}; {}{agreed}; {} {}]",
            label,
            variant_name(&clause.status),
            clause.attribution(),
            clause.clause_id,
            &clause.text_hash[..12],
        ));
        say(&format!("    ({})", versions.join(", ")));
        if text.is_empty() {
            say(&format!(
                "    [no {} version yet]",
                language.unwrap_or_default()
            ));
        }
        say_block("    ", text);
        for alternative in &clause.alternatives {
            say(&format!(
                "    [{}] proposed by {} ({}):",
                alternative.label,
                alternative.proposed_by,
                &alternative.text_hash[..12]
            ));
            say_block("        ", &alternative.text);
        }
        if let Some(choice) = &clause.proposed_choice {
            say(&format!("    {}", choice.summary()));
        }
        for stated in &clause.positions {
            let position = &stated.position;
            let because = if stated.rationale.is_empty() {
                String::new()
            } else {
                format!(" — {}", stated.rationale)
            };
            say(&format!("    {}: {position}{because}", stated.party));
        }
    }
}

pub fn print_agreement_state(state: &pacta_projections::AgreementState) {
    say(&format!("{} ({})", state.title, state.negotiation_id));
    say(&format!(
        "Instrument: {}; status: {}",
        variant_name(&state.instrument_kind),
        state.status_in_words(&state.status)
    ));
    if let Some(intent) = state.legal_effect_in_words() {
        say(&format!("Legal effect: {intent}"));
    }
    if let Some(registration) = &state.registration {
        say(&format!("Registration: {registration}"));
    }
    if state.revision > 0 {
        say(&format!(
            "Revision {}: {}",
            state.revision,
            state.status_in_words(&state.revision_status)
        ));
    }
    say(&format!("Text root: {}", state.text_root_hash));
    if !state.awaiting_acceptance.is_empty() {
        say(&format!(
            "Awaiting acceptance by: {} (each takes part once its head accepts: pacta accept)",
            state.awaiting_acceptance.join(", ")
        ));
    }
    if state.revisions.len() > 1 {
        println!("Revisions:");
        for period in &state.revisions {
            let in_force = state.in_force_words();
            let span = match (period.in_force_from, period.in_force_until) {
                (None, _) => format!("not {in_force}"),
                (Some(from), None) => format!("{in_force} from {from}"),
                (Some(from), Some(until)) => format!("{in_force} from {from} until {until}"),
            };
            say(&format!(
                "  revision {}: {span} [{}]",
                period.revision, period.text_root_hash
            ));
        }
    }
    if let Some((date, text)) = &state.text_in_force_on {
        let in_force = if state.is_non_binding() {
            "In effect"
        } else {
            "In force"
        };
        match text {
            Some(text) => say(&format!(
                "{in_force} on {date}: revision {} [{}]",
                text.revision, text.text_root_hash
            )),
            None => say(&format!("{in_force} on {date}: no text")),
        }
    }
    for (id, correction) in &state.corrections {
        let made = match &correction.superseded {
            Some(old) => format!("made; superseded root {}", old.text_root_hash),
            None if correction.agreed_by.is_empty() => "proposed".to_string(),
            None => format!(
                "proposed; agreed by {}",
                correction
                    .agreed_by
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        say(&format!(
            "Correction {id} of {} ({}) [{}]: {made}",
            correction.clause_id, correction.language, correction.text_hash
        ));
    }
    if let Some((label, rule)) = state.entry_into_force_in_words() {
        say(&format!("{label}: {rule}"));
    }
    for line in state.notes_in_words() {
        say(&format!("Exchange of notes: {line}"));
    }
    if let Some((party, from)) = &state.suspended {
        say(&format!("Operation suspended by {party} from {from}"));
    }
    if let Some(on) = state.terminates_on {
        say(&format!("Termination notified: ends on {on}"));
    }
    for party in &state.parties {
        let mut acts = Vec::new();
        if party.adopted {
            acts.push("adopted the current text".to_string());
        }
        if let Some(s) = &party.signature {
            acts.push(state.signature_in_words(s));
        }
        if let Some(c) = &party.consent {
            acts.push(state.consent_in_words(c));
        }
        if let Some(from) = party.provisionally_applied_from {
            acts.push(format!("applies it provisionally from {from}"));
        }
        acts.extend(party.full_powers_examined.iter().map(|e| e.in_words()));
        let acts = if acts.is_empty() {
            "no act yet".to_string()
        } else {
            acts.join("; ")
        };
        let kind = match party.kind {
            PartyKind::State => String::new(),
            kind => format!(", {kind}"),
        };
        say(&format!("  {} ({}{kind}): {acts}", party.name, party.code));
    }
}

/// Each action matrix: whether it was validated, and each row with its progress.
pub(super) fn print_matrices(matrices: &std::collections::BTreeMap<String, pacta_domain::Matrix>) {
    for (id, matrix) in matrices {
        let validated = matrix
            .validated_at
            .as_ref()
            .map_or("not validated".to_string(), |round| {
                format!("validated at {round}")
            });
        say(&format!("{} — {} ({validated})", id, matrix.title));
        for row_id in &matrix.row_order {
            let row = &matrix.rows[row_id];
            let c = &row.content;
            let agreed: Vec<&str> = row.agreed_parties().collect();
            say(&format!(
                "  {row_id}: {} — {} [{}: {}, {} to {}] {} {} → {} {}; {}; agreed by {}; row {}",
                c.objective,
                c.action,
                c.responsible_party,
                c.agency,
                c.starts_on,
                c.ends_on,
                c.indicator.name,
                c.indicator.baseline,
                c.indicator.target,
                c.indicator.unit,
                variant_name(&row.progress),
                if agreed.is_empty() {
                    "nobody".to_string()
                } else {
                    agreed.join(", ")
                },
                &row.row_hash[..12]
            ));
        }
    }
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("views serialise to JSON")
}

#[cfg(test)]
mod tests {
    use super::escaped;

    #[test]
    fn controls_and_bidi_overrides_are_shown_not_obeyed() {
        assert_eq!(
            escaped("a\rb\x1b[2Kc\td\ne\u{85}f\u{202E}g\u{2066}h\u{7f}"),
            "a\\rb\\u{1b}[2Kc\\td\\ne\\u{85}f\\u{202e}g\\u{2066}h\\u{7f}"
        );
    }

    #[test]
    fn printable_text_is_unchanged() {
        let text = "Les Parties — المادة ١ \u{200F}(RLM) \u{200D}";
        assert!(matches!(escaped(text), std::borrow::Cow::Borrowed(t) if t == text));
    }
}
