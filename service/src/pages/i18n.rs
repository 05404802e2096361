//! The languages the pages speak: French, Arabic (right to left) and English.
//!
//! Every label is a message in `service/locales/{en,fr,ar}/*.ftl` (Project Fluent's format, read
//! at compile time by `fluent-templates`), never a string in code. The reader's language is,
//! in order: the one they chose with the switch in the header (the `pacta_language` cookie),
//! the first of their browser's `Accept-Language` the pages speak, else English. Only the
//! interface is translated: a clause's wording is shown in its own language, as negotiated.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::header::{ACCEPT_LANGUAGE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use serde::Deserialize;

use crate::security::cookie;
use crate::AppState;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks would end up inside attribute values and copied hashes.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that keeps the language a reader chose with the switch.
pub const LANGUAGE_COOKIE: &str = "pacta_language";
/// How long the choice is kept: a year.
const LANGUAGE_COOKIE_MAX_AGE_SECONDS: u64 = 365 * 24 * 60 * 60;

/// The interface languages, in the order the switch lists them, each with its own name.
pub const INTERFACE_LANGUAGES: [(&str, &str); 3] =
    [("fr", "Français"), ("ar", "العربية"), ("en", "English")];

/// The reader's interface language.
#[derive(Clone, Debug)]
pub struct Ui {
    code: &'static str,
    language: LanguageIdentifier,
}

impl Ui {
    /// The interface in `code` ("fr", "ar", "en"), or English for any other.
    pub fn new(code: &str) -> Ui {
        let code = INTERFACE_LANGUAGES
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == code)
            .unwrap_or("en");
        Ui {
            code,
            language: code
                .parse()
                .expect("the interface languages are valid BCP 47 tags"),
        }
    }

    pub fn english() -> Ui {
        Ui::new("en")
    }

    /// From the request: the chosen language, else `Accept-Language`, else English.
    pub fn of(headers: &HeaderMap) -> Ui {
        if let Some(chosen) = cookie(headers, LANGUAGE_COOKIE) {
            return Ui::new(&chosen);
        }
        let accepted = headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        Ui::new(preferred(accepted).unwrap_or("en"))
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// `rtl` for Arabic: the whole page, not only its texts, reads right to left.
    pub fn dir(&self) -> &'static str {
        if self.code == "ar" {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The message `key` in the reader's language.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(&self.language, key)
    }

    /// The message `key`, or `None` when no message has that id: for ids built from data (an
    /// event type, a role in an event's metadata), which may name something newer than the
    /// message files.
    pub fn try_t(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.language, key)
    }

    /// The message `key` with its placeables (`{ $name }`) filled in.
    pub fn t_with(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let args: std::collections::HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (std::borrow::Cow::Owned(name.to_string()), value.clone()))
            .collect();
        LOCALES.lookup_with_args(&self.language, key, &args)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ui {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Ui, Self::Rejection> {
        Ok(Ui::of(&parts.headers))
    }
}

/// The first language of an `Accept-Language` header the pages speak, by its quality weights
/// (`fr-CA;q=0.9` counts as `fr`).
fn preferred(accept_language: &str) -> Option<&'static str> {
    let mut ranked: Vec<(f32, usize, &str)> = accept_language
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.trim().split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            // RFC 9110: a weight is between 0 and 1; "inf" or "NaN" is not one.
            (quality > 0.0 && quality <= 1.0).then_some((quality, position, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().find_map(|(_, _, tag)| {
        let primary = tag.split('-').next()?.to_ascii_lowercase();
        INTERFACE_LANGUAGES
            .iter()
            .map(|(code, _)| *code)
            .find(|code| *code == primary)
    })
}

#[derive(Deserialize)]
pub(super) struct Back {
    back: Option<String>,
}

/// `GET /language/{code}?back=/negotiations/…`: keeps the choice in a cookie and goes back to
/// the page it was made on (a path of this service only, never another site).
pub(super) async fn choose(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
    headers: HeaderMap,
) -> Response {
    let ui = Ui::new(&code);
    let back = back
        .back
        .filter(|path| crate::security::local_path(path).is_some())
        .unwrap_or_else(|| "/".to_string());
    let secure = crate::security::over_https(&headers, &state.sessions);
    (
        StatusCode::SEE_OTHER,
        [
            (
                SET_COOKIE,
                crate::security::set_preference_cookie(
                    LANGUAGE_COOKIE,
                    ui.code(),
                    LANGUAGE_COOKIE_MAX_AGE_SECONDS,
                    secure,
                ),
            ),
            (LOCATION, back),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_language_spoken() {
        assert_eq!(preferred("ar-MA,ar;q=0.9,fr;q=0.8"), Some("ar"));
        assert_eq!(preferred("de-DE,fr-CA;q=0.7,en;q=0.5"), Some("fr"));
        assert_eq!(preferred("en;q=0.2, fr;q=0.9"), Some("fr"));
        assert_eq!(preferred("de, ja"), None);
        assert_eq!(preferred("fr;q=0"), None);
        assert_eq!(preferred(""), None);
        assert_eq!(preferred("ar;q=inf, fr"), Some("fr"));
        assert_eq!(preferred("ar;q=NaN, en;q=0.5"), Some("en"));
    }

    #[test]
    fn an_unknown_choice_reads_in_english() {
        assert_eq!(Ui::new("xx").code(), "en");
        assert_eq!(Ui::new("ar").dir(), "rtl");
        assert_eq!(Ui::new("fr").dir(), "ltr");
    }

    /// Every message exists in every language, so no page falls back to English midway.
    #[test]
    fn every_language_has_every_message() {
        let ids = |code: &str| -> std::collections::BTreeSet<String> {
            let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(code);
            let mut ids = std::collections::BTreeSet::new();
            for file in std::fs::read_dir(&folder).expect("the locale folder") {
                let path = file.expect("a locale file").path();
                let text = std::fs::read_to_string(&path).expect("a readable .ftl file");
                for line in text.lines() {
                    let first = line.chars().next();
                    if first.is_some_and(|c| c.is_ascii_alphabetic()) {
                        if let Some((id, _)) = line.split_once('=') {
                            let id = id.trim();
                            assert!(
                                ids.insert(id.to_string()),
                                "{id} twice in {}",
                                path.display()
                            );
                        }
                    }
                }
            }
            ids
        };
        let english = ids("en");
        assert!(!english.is_empty());
        for code in ["fr", "ar"] {
            let other = ids(code);
            let missing: Vec<_> = english.difference(&other).collect();
            let extra: Vec<_> = other.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{code}: missing {missing:?}, not in English {extra:?}"
            );
        }
    }
}
