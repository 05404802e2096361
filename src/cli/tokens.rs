//! `pacta token issue|revoke|list`: the bearer tokens the HTTP service accepts, each acting as one
//! person. Issuing prints the secret once, alone on stdout, so a script can capture it
//! (`TOKEN=$(pacta token issue --person ID)`); what a person reads goes to stderr.

use chrono::{SecondsFormat, Utc};
use clap::Subcommand;
use pacta_domain::{check_person_id, NegotiationError};

use super::CliError;
use pacta_ledger::store::{Database, TokenRecord};

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Issue a token that acts as PERSON: printed once, alone on stdout.
    ///
    /// Only the token's SHA-256 is kept, so it cannot be shown again: a lost token is revoked
    /// and a new one issued.
    Issue {
        /// The person id the token acts as, e.g. --person koffi.yao.
        #[arg(long)]
        person: String,
        /// What the token is for (which machine or script holds it): one line, e.g. --label
        /// "laptop, Abidjan".
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revoke a token or a web-page session by its id (see pacta token list): requests
    /// presenting it are refused.
    Revoke {
        /// The token's or session's id, as `pacta token list` shows it, e.g. 3f9a1c07b2de.
        token_id: String,
    },
    /// Every token issued and every web-page session signed in, revoked ones included, sessions
    /// with their expiry; never a secret.
    List {
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TokenFailure {
    #[error(transparent)]
    Person(#[from] NegotiationError),
    #[error("no token has id '{0}' (see pacta token list)")]
    Unknown(String),
    #[error("token {token_id} was already revoked at {revoked_at}")]
    AlreadyRevoked {
        token_id: String,
        revoked_at: String,
    },
}

pub(super) async fn run(database: &Database, command: TokenCommand) -> Result<(), CliError> {
    match command {
        TokenCommand::Issue { person, label } => {
            check_person_id(&person).map_err(TokenFailure::from)?;
            let issued = database.issue_token(&person, &label, &now()).await?;
            eprintln!(
                "token {} for {} (shown once; only its SHA-256 is kept)",
                issued.token_id, issued.person
            );
            println!("{}", issued.token);
        }
        TokenCommand::Revoke { token_id } => {
            if !database.revoke_token(&token_id, &now()).await? {
                let record = database
                    .tokens()
                    .await?
                    .into_iter()
                    .find(|t| t.token_id == token_id);
                return Err(match record.and_then(|t| t.revoked_at) {
                    Some(revoked_at) => TokenFailure::AlreadyRevoked {
                        token_id,
                        revoked_at,
                    },
                    None => TokenFailure::Unknown(token_id),
                }
                .into());
            }
            println!("revoked token {token_id}");
        }
        TokenCommand::List { json } => {
            let tokens = database.tokens().await?;
            if json {
                println!("{}", super::to_json(&tokens));
            } else {
                print_tokens(&tokens);
            }
        }
    }
    Ok(())
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn print_tokens(tokens: &[TokenRecord]) {
    if tokens.is_empty() {
        println!("no token has been issued (pacta token issue --person ID)");
        return;
    }
    println!(
        "{:<12}  {:<7}  {:<24}  {:<20}  {:<20}  {:<20}  label",
        "token", "kind", "person", "issued", "expires", "revoked"
    );
    for token in tokens {
        // The label and person are free text typed by whoever issued the token.
        super::print::say(&format!(
            "{:<12}  {:<7}  {:<24}  {:<20}  {:<20}  {:<20}  {}",
            token.token_id,
            token.kind,
            token.person,
            token.issued_at,
            token.expires_at.as_deref().unwrap_or("-"),
            token.revoked_at.as_deref().unwrap_or("-"),
            token.label
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_ids_follow_the_domain_rule() {
        for valid in ["koffi.yao", "a", "civ_head-2", &"x".repeat(64)] {
            assert!(check_person_id(valid).is_ok(), "{valid}");
        }
        for invalid in [
            "",
            "Koffi",
            "koffi yao",
            ".koffi",
            "koffi/yao",
            &"x".repeat(65),
        ] {
            let refusal = check_person_id(invalid).expect_err(invalid);
            assert!(
                refusal.to_string().starts_with("person id '"),
                "{invalid}: {refusal}"
            );
        }
    }
}
