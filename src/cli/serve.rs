//! `pacta serve`: starts the HTTP service on a store, optionally with the demo story loaded and
//! tokens to sign in with.

use std::sync::Arc;

use super::CliError;
use pacta_ledger::store::{Database, IssuedToken};
use pacta_ledger::views::Projector;
use pacta_ledger::Ledger;
use pacta_service::security::SessionSettings;
use pacta_service::AppState;

/// The label of the tokens `serve --demo` issues: each start revokes the ones the last start
/// issued before issuing new ones, so a demo store holds one live demo token per person however
/// often it is served (a token's secret is not kept, so it cannot be shown again).
const DEMO_TOKEN_LABEL: &str = "pacta serve --demo";

/// One token per demo negotiation's head of Côte d'Ivoire's delegation: with the two, a reader
/// reaches both demo negotiations. Each replaces the token the last start issued.
async fn demo_tokens(database: &Database) -> Result<Vec<(IssuedToken, &'static str)>, CliError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut tokens = Vec::new();
    for (person, negotiation) in [
        (
            crate::demo::DEMO_TOKEN_PERSON,
            crate::demo::DEMO_NEGOTIATION,
        ),
        (
            crate::demo::DEMO_AGREEMENT_TOKEN_PERSON,
            crate::demo::DEMO_AGREEMENT,
        ),
    ] {
        database
            .revoke_tokens_labelled(person, DEMO_TOKEN_LABEL, &now)
            .await?;
        let issued = database.issue_token(person, DEMO_TOKEN_LABEL, &now).await?;
        tokens.push((issued, negotiation));
    }
    Ok(tokens)
}

pub async fn run(
    database: Database,
    listen: &str,
    demo: bool,
    behind_tls_proxy: bool,
) -> Result<(), CliError> {
    pacta_service::init_logging();
    let mut tokens = Vec::new();
    if demo {
        super::demo::report_loaded(&crate::demo::load(&Ledger::on(&database)).await?);
        tokens = demo_tokens(&database).await?;
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| CliError::Listen {
            address: listen.to_string(),
            source,
        })?;
    let address = listener.local_addr().map_err(|source| CliError::Listen {
        address: listen.to_string(),
        source,
    })?;
    Projector::new(database.clone())
        .catch_up_to_now()
        .await
        .map_err(CliError::ServiceStart)?;
    let state = Arc::new(AppState::new(database).with_sessions(SessionSettings {
        behind_tls_proxy,
        ..SessionSettings::default()
    }));
    println!("Pacta is serving http://{address}/ (API description: http://{address}/openapi.json)");
    if !tokens.is_empty() {
        println!(
            "Sign in at http://{address}/login with one of these tokens (Côte d'Ivoire's head of \
             delegation in each demo negotiation; the tokens of the last start are revoked):"
        );
        for (issued, negotiation) in &tokens {
            println!(
                "  {negotiation} (http://{address}/negotiations/{negotiation}), as {}:",
                issued.person
            );
            println!("  {}", issued.token);
        }
        println!(
            "or call the API with one: curl -H 'Authorization: Bearer TOKEN' \
             http://{address}/api/negotiations"
        );
    }
    println!("Stop with Ctrl-C; requests in flight finish first.");
    pacta_service::serve(state, listener)
        .await
        .map_err(CliError::Serve)
}
