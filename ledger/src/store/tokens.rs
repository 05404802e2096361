//! Bearer tokens for the HTTP service: each acts as one person. The secret is shown once, when
//! issued; the table keeps only its SHA-256, so a copy of the database lets nobody act. A
//! presented token is hashed and looked up by that hash: the secret is never compared, so the
//! comparison cannot leak it through timing.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::{Database, StoreError, TokenRefusal};

/// Every token string starts with this, so a leaked one is recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "pacta_";
/// Random bytes behind each token: 256 bits, beyond any guessing.
pub const TOKEN_SECRET_BYTES: usize = 32;
/// Random bytes behind each public token id, written as twice as many hex digits.
pub const TOKEN_ID_BYTES: usize = 6;
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
}

type TokenRow = (String, String, String, String, Option<String>);

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
        const INSERT: &str =
            "INSERT INTO api_tokens (token_id, token_sha256, person, label, issued_at)
                              VALUES ($1, $2, $3, $4, $5)";
        check_label(label)?;
        let token_id = hex::encode(random_bytes::<TOKEN_ID_BYTES>()?);
        let secret = random_bytes::<TOKEN_SECRET_BYTES>()?;
        let token = format!(
            "{TOKEN_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
        );
        on_pool!(self, |pool| sqlx::query(INSERT)
            .bind(&token_id)
            .bind(token_sha256(&token))
            .bind(person)
            .bind(label)
            .bind(issued_at)
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(IssuedToken {
            token_id,
            token,
            person: person.to_string(),
        })
    }

    /// The person a presented token acts as; `None` if no token has this secret or it is revoked.
    pub async fn person_of_token(&self, token: &str) -> Result<Option<String>, StoreError> {
        const QUERY: &str =
            "SELECT person FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL";
        Ok(fetch!(
            self,
            fetch_optional,
            sqlx::query_scalar(QUERY).bind(token_sha256(token))
        ))
    }

    /// Revokes a token from `revoked_at` on; false (and nothing changed) if no token has this id
    /// or it is revoked already.
    pub async fn revoke_token(&self, token_id: &str, revoked_at: &str) -> Result<bool, StoreError> {
        const UPDATE: &str =
            "UPDATE api_tokens SET revoked_at = $2 WHERE token_id = $1 AND revoked_at IS NULL";
        let revoked = on_pool!(self, |pool| sqlx::query(UPDATE)
            .bind(token_id)
            .bind(revoked_at)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(revoked == 1)
    }

    /// Every token ever issued, revoked ones included, oldest first.
    pub async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        const QUERY: &str = "SELECT token_id, person, label, issued_at, revoked_at FROM api_tokens
                              ORDER BY issued_at, token_id";
        let rows: Vec<TokenRow> = fetch!(self, fetch_all, sqlx::query_as(QUERY));
        Ok(rows
            .into_iter()
            .map(
                |(token_id, person, label, issued_at, revoked_at)| TokenRecord {
                    token_id,
                    person,
                    label,
                    issued_at,
                    revoked_at,
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
