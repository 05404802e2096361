//! `pacta demo` and `serve --demo`: record the sample story (`crate::demo`) and say what was done.

use pacta_ledger::Ledger;

use super::{print_draft, CliError};
use crate::demo::{Loaded, DEMO_AGREEMENT, DEMO_NEGOTIATION};

/// One line per negotiation of the story: recorded now, or found already in the store.
pub(super) fn report_loaded(loaded: &[Loaded]) {
    for Loaded {
        negotiation_id,
        recorded,
    } in loaded
    {
        match recorded {
            Some(count) => println!(
                "Recorded the demo negotiation '{negotiation_id}': {count} chained events."
            ),
            None => println!("The demo negotiation '{negotiation_id}' is already in this store."),
        }
    }
}

/// `pacta demo`: records the story unless present, then shows the MoU and both agreements' state.
pub(super) async fn run(ledger: &Ledger) -> Result<(), CliError> {
    report_loaded(&crate::demo::load(ledger).await?);
    println!();
    let events = ledger.events(DEMO_NEGOTIATION).await?;
    print_draft(&pacta_projections::draft(DEMO_NEGOTIATION, &events), None);
    println!();
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        let state = pacta_projections::agreement_state(
            negotiation,
            &ledger.events(negotiation).await?,
            None,
        );
        let revision = if state.revision > 0 {
            format!(
                "; revision {}: {}",
                state.revision,
                state.status_in_words(&state.revision_status)
            )
        } else {
            String::new()
        };
        println!(
            "{negotiation} ({}): {}{revision}",
            state.instrument_kind,
            state.status_in_words(&state.status)
        );
    }
    println!("\nTry next:");
    let suggestions = [
        (
            format!("pacta status {DEMO_NEGOTIATION}"),
            "text root, signatures, the date it took effect",
        ),
        (
            format!("pacta matrix show {DEMO_NEGOTIATION}"),
            "the action matrices of the closing workshop",
        ),
        (
            format!("pacta draft {DEMO_NEGOTIATION} --language ar"),
            "the Arabic version",
        ),
        (
            format!("pacta history {DEMO_AGREEMENT}"),
            "every act, who, when, and its hash",
        ),
        (
            format!("pacta status {DEMO_AGREEMENT} --on 2026-12-01"),
            "its revision, and the text in force that day",
        ),
        ("pacta verify".to_string(), "recompute every hash chain"),
    ];
    for (command, what) in suggestions {
        println!("  {command:<48} {what}");
    }
    Ok(())
}
