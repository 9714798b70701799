//! The gateway's OAuth 2.0 authorization server for hoopctl.
//!
//! RFC 8414 metadata, RFC 8628 device authorization grant with a verification page at `/device`
//! (local users, argon2), short-lived opaque access tokens and rotating refresh tokens. Every
//! token is stored as its SHA-256, so a copy of the store grants nothing. Replaying a refresh
//! token that was already rotated revokes its whole family (it was probably stolen).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::clock::now_ms;
use crate::gateway::config::Config;
use crate::gateway::policy::{Principal, PrincipalKind};
use crate::gateway::store::{Store, StoreError};
use crate::secret::Secret;

/// Prefix of access tokens (lets secret scanners recognise them).
pub const ACCESS_PREFIX: &str = "hpa_";
/// Prefix of refresh tokens.
pub const REFRESH_PREFIX: &str = "hpr_";
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// SHA-256 hex of a token or code: what the store keeps.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random token: prefix + 32 random bytes, base64url.
pub fn new_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A user code like `BCDF-GHJK`: 8 letters without vowels (no words), easy to type.
pub fn new_user_code() -> String {
    let mut s = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            s.push('-');
        }
        let idx = rand::random_range(0..USER_CODE_ALPHABET.len());
        s.push(USER_CODE_ALPHABET[idx] as char);
    }
    s
}

/// Normalises what a person typed: case, spaces and dashes do not matter.
pub fn normalize_user_code(input: &str) -> String {
    let letters: String = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if letters.len() == 8 {
        format!("{}-{}", &letters[..4], &letters[4..])
    } else {
        letters
    }
}

/// Hashes a password for `[[auth.users]]`.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// A PHC hash of a random password, verified against when the user does not exist, so that
/// response time does not reveal which user names exist.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// Checks a local user's password. Runs argon2 (deliberately slow): call off the async runtime.
pub fn verify_local_user(cfg: &Config, username: &str, password: &Secret<String>) -> bool {
    let (hash, exists) = match cfg.user(username) {
        Some(u) => (u.password_hash.as_str(), true),
        None => (dummy_hash(), false),
    };
    let ok = PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.expose().as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    ok && exists
}

/// The principal for an identity name, from the config (users and service accounts). `None` if
/// unknown now: removing an identity from the config ends what it could do.
pub fn principal_for(cfg: &Config, identity: &str) -> Option<Principal> {
    if let Some(u) = cfg.user(identity) {
        return Some(Principal {
            name: u.name.clone(),
            kind: PrincipalKind::User,
            groups: u.groups.clone(),
        });
    }
    cfg.service_account(identity).map(|s| Principal {
        name: s.name.clone(),
        kind: PrincipalKind::ServiceAccount,
        groups: s.groups.clone(),
    })
}

/// An issued token pair.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TokenResponse {
    /// Bearer token for `/v1`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single-use refresh token (absent for minted automation tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// RFC 8693: the type of token issued by a token exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_token_type: Option<String>,
}

/// Issues an access token (and a refresh token unless `with_refresh` is false) for `identity`.
pub async fn issue_tokens(
    store: &Store,
    cfg: &Config,
    identity: &str,
    family: Option<&str>,
    access_ttl_ms: i64,
    with_refresh: bool,
    provenance: Option<&str>,
) -> Result<TokenResponse, StoreError> {
    let now = now_ms();
    let fam = family
        .map(str::to_string)
        .unwrap_or_else(|| hash_token(&new_token("fam_"))[..24].to_string());
    let access = new_token(ACCESS_PREFIX);
    store
        .insert_token(
            &hash_token(&access),
            "access",
            identity,
            &fam,
            now + access_ttl_ms,
            provenance,
        )
        .await?;
    let refresh = if with_refresh {
        let r = new_token(REFRESH_PREFIX);
        let ttl = cfg.auth.refresh_token_ttl.as_millis() as i64;
        store
            .insert_token(
                &hash_token(&r),
                "refresh",
                identity,
                &fam,
                now + ttl,
                provenance,
            )
            .await?;
        Some(r)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: access_ttl_ms / 1000,
        refresh_token: refresh,
        issued_token_type: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_normalise() {
        let c = new_user_code();
        assert_eq!(c.len(), 9);
        assert_eq!(normalize_user_code(&c.to_lowercase().replace('-', " ")), c);
        assert_eq!(normalize_user_code(" bcdf-ghjk "), "BCDF-GHJK");
    }

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let a = new_token(ACCESS_PREFIX);
        let b = new_token(ACCESS_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with("hpa_") && a.len() > 40);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse").unwrap();
        let cfg = Config::parse(
            &format!(
                "[gateway]\nlisten = \"127.0.0.1:1\"\ndata_dir = \"d\"\n[[auth.users]]\nname = \"alice\"\npassword_hash = \"{h}\"\ngroups = [\"g\"]\n"
            ),
            std::path::Path::new("."),
        )
        .unwrap();
        assert!(verify_local_user(
            &cfg,
            "alice",
            &Secret::new("correct horse".into())
        ));
        assert!(!verify_local_user(
            &cfg,
            "alice",
            &Secret::new("wrong".into())
        ));
        assert!(!verify_local_user(
            &cfg,
            "bob",
            &Secret::new("correct horse".into())
        ));
        assert_eq!(principal_for(&cfg, "alice").unwrap().groups, vec!["g"]);
    }
}
