//! `pacta person add|unbind|list`: the operator's register of persons, which binds each person
//! to the parties they may be named for (head of delegation, secretariat, delegate) and gives
//! the name every event naming them records. Whoever holds the store is the operator, as for
//! `pacta token`; the HTTP service only reads the register.

use chrono::{SecondsFormat, Utc};
use clap::Subcommand;

use super::CliError;
use pacta_ledger::store::{Database, PersonRecord};

#[derive(Subcommand, Debug)]
pub enum PersonCommand {
    /// Register PERSON under their full name, or bind a registered person to more parties.
    Add {
        /// The person id, what tokens and commands name them by, e.g. youssef.benali.
        person: String,
        /// Their full name, recorded in every event that names them: needed the first time, then
        /// it may be left out and may not differ, e.g. --name "Youssef Benali".
        #[arg(long)]
        name: Option<String>,
        /// A party they may act for: a State's ISO 3166-1 alpha-3 code or an organisation's
        /// code; repeat for several, e.g. --party MAR --party IOM.
        #[arg(long = "party", required = true)]
        parties: Vec<String>,
    },
    /// End PERSON's binding to a party: they can no longer be named for it. The record of the
    /// binding is kept, and negotiations that named them before keep them.
    Unbind {
        /// The person id, e.g. amina.kone.
        person: String,
        /// The party, by code, they may no longer be named for, e.g. --party IOM.
        #[arg(long)]
        party: String,
    },
    /// Everyone on the register, with every binding ever made.
    List {
        /// Print JSON instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
    },
}

pub(super) async fn run(database: &Database, command: PersonCommand) -> Result<(), CliError> {
    match command {
        PersonCommand::Add {
            person,
            name,
            parties,
        } => {
            let added = database
                .add_person(&person, name.as_deref(), &parties, &now())
                .await?;
            let who = format!("{person} ({})", added.name);
            if added.registered {
                super::print::say(&format!("registered {who}"));
            }
            if added.bound.is_empty() {
                super::print::say(&format!(
                    "{who} was already bound to {}",
                    parties.join(", ")
                ));
            } else {
                super::print::say(&format!("bound {who} to {}", added.bound.join(", ")));
            }
        }
        PersonCommand::Unbind { person, party } => {
            database.unbind_person(&person, &party, &now()).await?;
            super::print::say(&format!("unbound {person} from {party}"));
        }
        PersonCommand::List { json } => {
            let persons = database.persons().await?;
            if json {
                println!("{}", super::to_json(&persons));
            } else {
                print_persons(&persons);
            }
        }
    }
    Ok(())
}

/// Microseconds: a binding is keyed by when it was made, and one may be ended and made again
/// within a second.
fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn print_persons(persons: &[PersonRecord]) {
    if persons.is_empty() {
        println!(
            "no one is on the register (pacta person add PERSON --name \"Full Name\" --party CODE)"
        );
        return;
    }
    println!("{:<24}  {:<32}  parties", "person", "name");
    for person in persons {
        let parties: Vec<String> = person
            .parties
            .iter()
            .map(|binding| match &binding.unbound_at {
                None => binding.party.clone(),
                Some(unbound_at) => format!("{} (unbound {unbound_at})", binding.party),
            })
            .collect();
        // The name is free text typed by the operator.
        super::print::say(&format!(
            "{:<24}  {:<32}  {}",
            person.person,
            person.name,
            parties.join(", ")
        ));
    }
}
