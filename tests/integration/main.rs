//! Pacta's integration tests, one binary for the whole workspace: the ledger on both stores, the
//! CLI as a user runs it, the HTTP service over real sockets, the browser, documents, the journal
//! and audit bundles, and the published format. Each test uses its own SQLite file or PostgreSQL
//! database (`common`), so they run in parallel. `cargo test --test integration cli::` runs one
//! module.

#[macro_use]
mod common;

mod access_view;
mod audit;
mod bilingual;
mod browser;
mod cli;
mod cli_hashes;
mod cli_readers;
mod cli_revisions;
mod cli_tokens;
mod cli_views;
mod demo_story;
mod event_schemas;
mod exports;
mod exports_docx;
mod group_commit;
mod http_acts;
mod http_api;
mod http_hardening;
mod http_injection;
mod http_live;
mod http_pages;
mod http_pages_ui;
mod http_sessions;
mod journal;
mod ledger_conformance;
mod ledger_format;
mod legal_effect;
mod new_events;
mod old_ledger;
mod openapi_schemas;
mod organisations;
mod patrol;
mod pdf_exports;
mod register;
mod reliability;
mod store_lookups;
mod strict_input;
mod structure;
mod tamper;
mod verified_states;
mod verify_ledger;
mod views;
mod views_pipeline;
