//! `pacta serve`: starts the HTTP service on a store, optionally with the demo story loaded and
//! tokens to sign in with.

use std::sync::Arc;

use super::CliError;
use pacta_ledger::patrol::PatrolSettings;
use pacta_ledger::store::{Database, IssuedToken};
use pacta_ledger::views::Projector;
use pacta_ledger::Ledger;
use pacta_service::security::SessionSettings;
use pacta_service::AppState;

/// The label of the tokens `serve --demo` issues. A store holds at most one live demo token per
/// person: issuing a new one revokes the last.
const DEMO_TOKEN_LABEL: &str = "pacta serve --demo";

/// The file beside an embedded store where `serve --demo` keeps the tokens it issued, so each
/// start prints the same way in instead of issuing new permanent tokens (a token's secret is
/// not kept in the store, only its hash). Readable by its owner only, like the store itself.
fn demo_sign_in_file(store_url: &str) -> Option<std::path::PathBuf> {
    let path = store_url.strip_prefix("sqlite://")?;
    let path = path
        .split('?')
        .next()
        .filter(|p| !p.is_empty() && *p != ":memory:")?;
    Some(std::path::PathBuf::from(format!("{path}.demo-sign-in")))
}

/// A demo token as the file beside the store keeps it.
#[derive(serde::Serialize, serde::Deserialize)]
struct DemoSignIn {
    person: String,
    negotiation: String,
    token: String,
}

/// One token per demo negotiation's head of Côte d'Ivoire's delegation: with the two, a reader
/// reaches both demo negotiations. The tokens kept beside the store are reused while the store
/// still accepts them; otherwise new ones replace them (and the last start's are revoked).
async fn demo_tokens(
    database: &Database,
    kept_in: Option<&std::path::Path>,
) -> Result<Vec<DemoSignIn>, CliError> {
    let wanted = [
        (
            crate::demo::DEMO_TOKEN_PERSON,
            crate::demo::DEMO_NEGOTIATION,
        ),
        (
            crate::demo::DEMO_AGREEMENT_TOKEN_PERSON,
            crate::demo::DEMO_AGREEMENT,
        ),
    ];
    let kept: Vec<DemoSignIn> = kept_in
        .and_then(|path| std::fs::read(path).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let mut tokens = Vec::new();
    for (person, negotiation) in wanted {
        if let Some(still_valid) = kept
            .iter()
            .find(|k| k.person == person && k.negotiation == negotiation)
        {
            if database
                .person_of_token(&still_valid.token)
                .await?
                .as_deref()
                == Some(person)
            {
                tokens.push(DemoSignIn {
                    person: person.to_string(),
                    negotiation: negotiation.to_string(),
                    token: still_valid.token.clone(),
                });
                continue;
            }
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        database
            .revoke_tokens_labelled(person, DEMO_TOKEN_LABEL, &now)
            .await?;
        let issued: IssuedToken = database.issue_token(person, DEMO_TOKEN_LABEL, &now).await?;
        tokens.push(DemoSignIn {
            person: person.to_string(),
            negotiation: negotiation.to_string(),
            token: issued.token,
        });
    }
    if let Some(path) = kept_in {
        keep_demo_tokens(path, &tokens)?;
    }
    Ok(tokens)
}

/// Writes the demo tokens beside the store, readable by their owner only.
fn keep_demo_tokens(path: &std::path::Path, tokens: &[DemoSignIn]) -> Result<(), CliError> {
    use std::io::Write;
    let json = serde_json::to_vec_pretty(tokens).expect("tokens serialise");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| file.write_all(&json))
        .map_err(|source| CliError::DemoSignInFile {
            path: path.to_path_buf(),
            source,
        })
}

pub async fn run(
    database: Database,
    store_url: &str,
    listen: &str,
    demo: bool,
    behind_tls_proxy: bool,
    verify_events_per_second: u32,
) -> Result<(), CliError> {
    pacta_service::init_logging();
    let mut tokens = Vec::new();
    if demo {
        super::demo::report_loaded(&crate::demo::load(&Ledger::on(&database)).await?);
        tokens = demo_tokens(&database, demo_sign_in_file(store_url).as_deref()).await?;
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
    let state = Arc::new(
        AppState::new(database)
            .with_sessions(SessionSettings {
                behind_tls_proxy,
                ..SessionSettings::default()
            })
            .with_patrol(PatrolSettings {
                events_per_second: verify_events_per_second,
                ..PatrolSettings::default()
            }),
    );
    println!("Pacta is serving http://{address}/ (API description: http://{address}/openapi.json)");
    if !tokens.is_empty() {
        println!(
            "Sign in at http://{address}/login with one of these tokens (Côte d'Ivoire's head of \
             delegation in each demo negotiation; the same at every start until revoked with \
             `pacta token revoke`):"
        );
        for demo in &tokens {
            println!(
                "  {} (http://{address}/negotiations/{}), as {}:",
                demo.negotiation, demo.negotiation, demo.person
            );
            println!("  {}", demo.token);
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
