//! `pacta serve`: starts the HTTP service on a store, optionally with the demo story loaded and
//! a token to sign in with.

use std::sync::Arc;

use super::CliError;
use pacta_ledger::store::Database;
use pacta_ledger::views::Projector;
use pacta_ledger::Ledger;
use pacta_service::AppState;

pub async fn run(database: Database, listen: &str, demo: bool) -> Result<(), CliError> {
    pacta_service::init_logging();
    let mut demo_token = None;
    if demo {
        super::demo::report_loaded(&crate::demo::load(&Ledger::on(&database)).await?);
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let issued = database
            .issue_token(crate::demo::DEMO_TOKEN_PERSON, "pacta serve --demo", &now)
            .await?;
        demo_token = Some(issued);
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
    let state = Arc::new(AppState::new(database));
    println!("Pacta is serving http://{address}/ (API description: http://{address}/openapi.json)");
    if let Some(issued) = demo_token {
        println!(
            "Sign in at http://{address}/login as {} (Côte d'Ivoire's head of delegation) with this token:",
            issued.person
        );
        println!("{}", issued.token);
        println!(
            "or call the API: curl -H 'Authorization: Bearer {}' http://{address}/api/negotiations",
            issued.token
        );
    }
    println!("Stop with Ctrl-C; requests in flight finish first.");
    pacta_service::serve(state, listener)
        .await
        .map_err(CliError::Serve)
}
