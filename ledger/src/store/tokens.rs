//! Bearer tokens for the HTTP service: each acts as one person. The secret is shown once, when
//! issued; the table keeps only its SHA-256, so a copy of the database lets nobody act. A
//! presented token is hashed and looked up by that hash: the secret is never compared, so the
//! comparison cannot leak it through timing.
//!
//! The same table keeps the web pages' sessions (`kind` 'session'): signing in with a token
//! starts a session of its own, a new secret that expires (`expires_at`) and that signing out
//! revokes. A session is not a token: `person_of_token` never accepts one, and
//! `person_of_session` never accepts a token.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::{Database, StoreError, TokenRefusal};

/// Every token string starts with this, so a leaked one is recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "pacta_";
/// Random bytes behind each token: 256 bits, beyond any guessing.
pub const TOKEN_SECRET_BYTES: usize = 32;
/// Random bytes behind each public token id, written as twice as many hex digits.
pub const TOKEN_ID_BYTES: usize = 6;
/// Every session secret starts with this, so a leaked one is told from a token at a glance.
pub const SESSION_PREFIX: &str = "pacta_session_";
/// What `kind` says of a bearer token for the API.
pub const KIND_TOKEN: &str = "token";
/// What `kind` says of a web-page session.
pub const KIND_SESSION: &str = "session";
/// A label says what a token is for ("laptop", "CI"); a short line, not a document.
pub const MAX_TOKEN_LABEL_BYTES: usize = 200;

/// A token just issued: `token` is the secret, which is stored nowhere and cannot be shown again.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub token_id: String,
    pub token: String,
    pub person: String,
}

// Debug leaves the secret out, so a log line or a failed assertion never prints it.
impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token_id", &self.token_id)
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

/// What is on record about a token: never its secret, nor its hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TokenRecord {
    pub token_id: String,
    pub person: String,
    pub label: String,
    /// RFC 3339, UTC.
    pub issued_at: String,
    /// RFC 3339, UTC; `None` while the token is valid.
    pub revoked_at: Option<String>,
    /// `token` (a bearer token for the API) or `session` (a sign-in on the web pages).
    pub kind: String,
    /// RFC 3339, UTC: when a session stops being accepted; `None` for a token.
    pub expires_at: Option<String>,
}

/// A session a presented secret names, whether or not it has expired (the caller's clock says).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_id: String,
    pub person: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

type TokenRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(TokenRefusal::NoRandomness)?;
    Ok(bytes)
}

fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn check_label(label: &str) -> Result<(), StoreError> {
    if label.len() > MAX_TOKEN_LABEL_BYTES {
        return Err(TokenRefusal::LabelTooLong {
            bytes: label.len(),
            max_token_label_bytes: MAX_TOKEN_LABEL_BYTES,
        }
        .into());
    }
    if let Some(control) = label.chars().find(|c| c.is_control()) {
        return Err(TokenRefusal::LabelControlCharacter {
            code_point: u32::from(control),
        }
        .into());
    }
    Ok(())
}

impl Database {
    /// Issues a token acting as `person`, whom the caller has checked is a valid person id.
    /// Refuses a label over `MAX_TOKEN_LABEL_BYTES` or with a control character, writing nothing.
    pub async fn issue_token(
        &self,
        person: &str,
        label: &str,
        issued_at: &str,
    ) -> Result<IssuedToken, StoreError> {
        self.insert_secret(person, label, issued_at, KIND_TOKEN, None)
            .await
    }

    /// Starts a web-page session acting as `person` until `expires_at` (RFC 3339, UTC), or until
    /// it is revoked. The secret goes into the sign-in cookie and nowhere else.
    pub async fn issue_session(
        &self,
        person: &str,
        label: &str,
        issued_at: &str,
        expires_at: &str,
    ) -> Result<IssuedToken, StoreError> {
        self.insert_secret(person, label, issued_at, KIND_SESSION, Some(expires_at))
            .await
    }

    async fn insert_secret(
        &self,
        person: &str,
        label: &str,
        issued_at: &str,
        kind: &str,
        expires_at: Option<&str>,
    ) -> Result<IssuedToken, StoreError> {
        const INSERT: &str = "INSERT INTO api_tokens
                (token_id, token_sha256, person, label, issued_at, kind, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)";
        check_label(label)?;
        let token_id = hex::encode(random_bytes::<TOKEN_ID_BYTES>()?);
        let secret = random_bytes::<TOKEN_SECRET_BYTES>()?;
        let prefix = if kind == KIND_SESSION {
            SESSION_PREFIX
        } else {
            TOKEN_PREFIX
        };
        let token = format!(
            "{prefix}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
        );
        on_pool!(self, |pool| sqlx::query(INSERT)
            .bind(&token_id)
            .bind(token_sha256(&token))
            .bind(person)
            .bind(label)
            .bind(issued_at)
            .bind(kind)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(IssuedToken {
            token_id,
            token,
            person: person.to_string(),
        })
    }

    /// The person a presented token acts as; `None` if no token has this secret or it is
    /// revoked. A session's secret is not a token: `None` for it too.
    pub async fn person_of_token(&self, token: &str) -> Result<Option<String>, StoreError> {
        const QUERY: &str = "SELECT person FROM api_tokens
                              WHERE token_sha256 = $1 AND revoked_at IS NULL AND kind = 'token'";
        Ok(fetch!(
            self,
            fetch_optional,
            sqlx::query_scalar(QUERY).bind(token_sha256(token))
        ))
    }

    /// The unrevoked session a presented secret names, with its expiry for the caller to check
    /// against its clock; `None` if no session has this secret (a token's is not one) or it is
    /// revoked.
    pub async fn session(&self, secret: &str) -> Result<Option<SessionRecord>, StoreError> {
        const QUERY: &str = "SELECT token_id, person, expires_at FROM api_tokens
                              WHERE token_sha256 = $1 AND revoked_at IS NULL AND kind = 'session'";
        let row: Option<(String, String, Option<String>)> = fetch!(
            self,
            fetch_optional,
            sqlx::query_as(QUERY).bind(token_sha256(secret))
        );
        Ok(row.map(|(token_id, person, expires_at)| SessionRecord {
            token_id,
            person,
            // A session row always has one; an empty one is read as long expired.
            expires_at: expires_at.unwrap_or_default(),
        }))
    }

    /// Revokes every unrevoked token of `person` labelled `label`; returns how many.
    pub async fn revoke_tokens_labelled(
        &self,
        person: &str,
        label: &str,
        revoked_at: &str,
    ) -> Result<u64, StoreError> {
        const UPDATE: &str = "UPDATE api_tokens SET revoked_at = $3
                               WHERE person = $1 AND label = $2 AND kind = 'token'
                                 AND revoked_at IS NULL";
        // As for `revoke_token`: the person's sessions end with the tokens they could have
        // been signed in with.
        const END_SESSIONS: &str = "UPDATE api_tokens SET revoked_at = $2
                                     WHERE person = $1 AND kind = 'session'
                                       AND revoked_at IS NULL";
        let revoked = on_pool!(self, |pool| sqlx::query(UPDATE)
            .bind(person)
            .bind(label)
            .bind(revoked_at)
            .execute(pool)
            .await?
            .rows_affected());
        if revoked > 0 {
            on_pool!(self, |pool| sqlx::query(END_SESSIONS)
                .bind(person)
                .bind(revoked_at)
                .execute(pool)
                .await?
                .rows_affected());
        }
        Ok(revoked)
    }

    /// Revokes a token (or a session) from `revoked_at` on; false (and nothing changed) if no
    /// token has this id or it is revoked already. Revoking a bearer token also ends every live
    /// session of its person: a session does not record the token it was signed in with, and
    /// the sessions a leaked token started must not outlive it.
    pub async fn revoke_token(&self, token_id: &str, revoked_at: &str) -> Result<bool, StoreError> {
        const UPDATE: &str =
            "UPDATE api_tokens SET revoked_at = $2 WHERE token_id = $1 AND revoked_at IS NULL";
        let revoked = on_pool!(self, |pool| sqlx::query(UPDATE)
            .bind(token_id)
            .bind(revoked_at)
            .execute(pool)
            .await?
            .rows_affected());
        if revoked == 1 {
            self.end_sessions_of_token_person(token_id, revoked_at)
                .await?;
        }
        Ok(revoked == 1)
    }

    /// Ends the live sessions of the person whose bearer token `token_id` is (none if it names a
    /// session itself).
    async fn end_sessions_of_token_person(
        &self,
        token_id: &str,
        revoked_at: &str,
    ) -> Result<u64, StoreError> {
        const UPDATE: &str = "UPDATE api_tokens SET revoked_at = $2
                               WHERE kind = 'session' AND revoked_at IS NULL
                                 AND person = (SELECT person FROM api_tokens
                                                WHERE token_id = $1 AND kind = 'token')";
        Ok(on_pool!(self, |pool| sqlx::query(UPDATE)
            .bind(token_id)
            .bind(revoked_at)
            .execute(pool)
            .await?
            .rows_affected()))
    }

    /// Every token and session ever issued, revoked ones included, oldest first.
    pub async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        const QUERY: &str = "SELECT token_id, person, label, issued_at, revoked_at, kind,
                                    expires_at
                               FROM api_tokens ORDER BY issued_at, token_id";
        let rows: Vec<TokenRow> = fetch!(self, fetch_all, sqlx::query_as(QUERY));
        Ok(rows
            .into_iter()
            .map(
                |(token_id, person, label, issued_at, revoked_at, kind, expires_at)| TokenRecord {
                    token_id,
                    person,
                    label,
                    issued_at,
                    revoked_at,
                    kind,
                    expires_at,
                },
            )
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_one_short_line() {
        assert!(check_label("").is_ok());
        assert!(check_label(&"é".repeat(MAX_TOKEN_LABEL_BYTES / 2)).is_ok());
        let long = "a".repeat(MAX_TOKEN_LABEL_BYTES + 1);
        assert!(check_label(&long)
            .unwrap_err()
            .to_string()
            .contains("201 bytes; the limit is 200 bytes"));
        assert!(check_label("two\nlines")
            .unwrap_err()
            .to_string()
            .contains("U+000A"));
    }

    #[test]
    fn the_stored_hash_is_sha256_of_the_token_text() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            token_sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
