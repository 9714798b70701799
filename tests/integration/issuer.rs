//! A local OIDC issuer for workload-identity tests: real RSA and P-256 keys (aws-lc-rs, not the
//! gateway's JWT library), OIDC discovery and a JWKS over HTTP on loopback, key rotation, a
//! count of JWKS fetches, and a stand-in for GitHub's token request endpoint that checks the
//! bearer token and signs for the audience asked for.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
    RsaPublicKeyComponents,
};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};

/// The bearer token the GitHub stand-in expects.
pub const GITHUB_REQUEST_TOKEN: &str = "gh-request-token-for-tests";

pub enum SigningKey {
    Rsa { kid: String, pair: RsaKeyPair },
    Ec { kid: String, pair: EcdsaKeyPair },
}

impl SigningKey {
    pub fn rsa(kid: &str) -> SigningKey {
        SigningKey::Rsa {
            kid: kid.into(),
            pair: RsaKeyPair::generate(KeySize::Rsa2048).unwrap(),
        }
    }

    pub fn ec(kid: &str) -> SigningKey {
        SigningKey::Ec {
            kid: kid.into(),
            pair: EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap(),
        }
    }

    pub fn kid(&self) -> &str {
        match self {
            SigningKey::Rsa { kid, .. } | SigningKey::Ec { kid, .. } => kid,
        }
    }

    pub fn alg(&self) -> &'static str {
        match self {
            SigningKey::Rsa { .. } => "RS256",
            SigningKey::Ec { .. } => "ES256",
        }
    }

    fn jwk(&self) -> Value {
        match self {
            SigningKey::Rsa { kid, pair } => {
                let c = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public_key());
                json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
                       "n": B64.encode(&c.n), "e": B64.encode(&c.e)})
            }
            SigningKey::Ec { kid, pair } => {
                let p = pair.public_key().as_ref();
                json!({"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
                       "x": B64.encode(&p[1..33]), "y": B64.encode(&p[33..65])})
            }
        }
    }

    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match self {
            SigningKey::Rsa { pair, .. } => {
                let mut sig = vec![0; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &rng, msg, &mut sig).unwrap();
                sig
            }
            SigningKey::Ec { pair, .. } => pair.sign(&rng, msg).unwrap().as_ref().to_vec(),
        }
    }
}

struct Inner {
    url: String,
    /// Published in the JWKS, newest first; the first signs by default.
    keys: Mutex<Vec<SigningKey>>,
    jwks_fetches: AtomicU64,
    /// Claims the GitHub stand-in puts in its tokens (iss, aud, times are added).
    github_claims: Mutex<Value>,
}

#[derive(Clone)]
pub struct Issuer(Arc<Inner>);

/// Encodes a JWS from a header and claims, signed by `key` (or with `sig` as the signature).
pub fn jws(header: &Value, claims: &Value, key: Option<&SigningKey>) -> String {
    let msg = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let sig = key
        .map(|k| B64.encode(k.sign(msg.as_bytes())))
        .unwrap_or_default();
    format!("{msg}.{sig}")
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Issuer {
    /// Starts on 127.0.0.1 with one RSA and one P-256 key, on a thread of its own (tests block
    /// on child processes while the gateway calls it).
    pub fn start() -> Issuer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let inner = Arc::new(Inner {
            url: format!("http://{addr}"),
            keys: Mutex::new(vec![SigningKey::rsa("rsa-1"), SigningKey::ec("ec-1")]),
            jwks_fetches: AtomicU64::new(0),
            github_claims: Mutex::new(json!({})),
        });
        let app = axum::Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/github/token", get(github_token))
            .with_state(inner.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(l, app).await.unwrap();
            });
        });
        Issuer(inner)
    }

    pub fn url(&self) -> &str {
        &self.0.url
    }

    /// The GitHub stand-in's `ACTIONS_ID_TOKEN_REQUEST_URL`.
    pub fn github_request_url(&self) -> String {
        format!("{}/github/token?api-version=2.0", self.0.url)
    }

    pub fn jwks_fetches(&self) -> u64 {
        self.0.jwks_fetches.load(Ordering::SeqCst)
    }

    /// Replaces every key with a new RSA key named `kid` (the old keys leave the JWKS).
    pub fn rotate(&self, kid: &str) {
        *self.0.keys.lock().unwrap() = vec![SigningKey::rsa(kid)];
    }

    pub fn set_github_claims(&self, claims: Value) {
        *self.0.github_claims.lock().unwrap() = claims;
    }

    /// Claims that pass every check for `audience`, plus `extra`.
    pub fn claims(&self, audience: &str, extra: Value) -> Value {
        let t = now();
        let mut c = json!({"iss": self.0.url, "aud": audience, "sub": "repo:acme/warehouse:ref:refs/heads/main",
                           "iat": t, "nbf": t - 5, "exp": t + 300});
        if let (Some(m), Value::Object(e)) = (c.as_object_mut(), extra) {
            m.extend(e);
        }
        c
    }

    /// Signs `claims` with the current key at `index` (0 = RSA, 1 = P-256 until a rotation).
    pub fn sign(&self, claims: &Value, index: usize) -> String {
        let keys = self.0.keys.lock().unwrap();
        let k = &keys[index];
        jws(
            &json!({"alg": k.alg(), "typ": "JWT", "kid": k.kid()}),
            claims,
            Some(k),
        )
    }

    /// Signs with the key at `index` under a header of the caller's choosing.
    pub fn sign_with_header(&self, header: &Value, claims: &Value, index: usize) -> String {
        jws(header, claims, Some(&self.0.keys.lock().unwrap()[index]))
    }

    /// The public JWK of the current key at `index`.
    pub fn public_jwk(&self, index: usize) -> Value {
        self.0.keys.lock().unwrap()[index].jwk()
    }
}

async fn discovery(State(s): State<Arc<Inner>>) -> Json<Value> {
    Json(
        json!({"issuer": s.url, "jwks_uri": format!("{}/jwks", s.url),
                "id_token_signing_alg_values_supported": ["RS256", "ES256"]}),
    )
}

async fn jwks(State(s): State<Arc<Inner>>) -> Json<Value> {
    s.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let keys: Vec<Value> = s.keys.lock().unwrap().iter().map(SigningKey::jwk).collect();
    Json(json!({ "keys": keys }))
}

async fn github_token(
    State(s): State<Arc<Inner>>,
    headers: HeaderMap,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !auth.eq_ignore_ascii_case(&format!("bearer {GITHUB_REQUEST_TOKEN}")) {
        return (StatusCode::UNAUTHORIZED, "bad bearer").into_response();
    }
    if q.get("api-version").map(String::as_str) != Some("2.0") {
        return (StatusCode::BAD_REQUEST, "api-version").into_response();
    }
    let Some(aud) = q.get("audience") else {
        return (StatusCode::BAD_REQUEST, "audience missing").into_response();
    };
    let t = now();
    let mut claims = json!({"iss": s.url, "aud": aud, "iat": t, "nbf": t, "exp": t + 300});
    if let (Some(m), Value::Object(e)) = (
        claims.as_object_mut(),
        s.github_claims.lock().unwrap().clone(),
    ) {
        m.extend(e);
    }
    let keys = s.keys.lock().unwrap();
    let k = &keys[0];
    let token = jws(
        &json!({"alg": k.alg(), "typ": "JWT", "kid": k.kid()}),
        &claims,
        Some(k),
    );
    Json(json!({ "count": 1, "value": token })).into_response()
}
