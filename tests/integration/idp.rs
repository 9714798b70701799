//! Federation tests against a real OpenID Provider: panva's certified `oidc-provider`, run on
//! the machine's Node (tests/idp/idp.mjs, installed with `npm ci --prefix tests/idp`). The
//! "browser" is a reqwest client with a cookie jar that follows the page to the provider and
//! back by hand, so each hop can be checked.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::util::*;

const CLIENT_ID: &str = "hoopctl-gateway";
const CLIENT_SECRET: &str = "test-client-secret-9f3a";

fn idp_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/idp")
}

/// True when Node and the provider's packages are there (installing them once, under a lock,
/// when npm is). Without Node a test is skipped loudly — except under CI=true, where it fails.
pub fn require_idp() -> bool {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let skip = |why: &str| {
        if ci {
            panic!("{why} and CI=true: .ci/run must install it (npm ci --prefix tests/idp)");
        }
        eprintln!("\n!!!!! SKIPPING: {why} — this test did NOT run !!!!!\n");
        false
    };
    if Command::new("node").arg("--version").output().is_err() {
        return skip("node is not installed");
    }
    let dir = idp_dir();
    let installed = || dir.join("node_modules/oidc-provider/package.json").exists();
    if installed() {
        return true;
    }
    let lock = dir.join(".install-lock");
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if std::fs::create_dir(&lock).is_ok() {
            let ok = !installed()
                && Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                    .arg(&dir)
                    .status()
                    .is_ok_and(|s| s.success());
            let _ = std::fs::remove_dir(&lock);
            if ok || installed() {
                return true;
            }
            return skip("npm ci --prefix tests/idp failed");
        }
        if installed() {
            return true;
        }
        if Instant::now() > deadline {
            return skip("tests/idp is being installed by another test for too long");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A running provider.
pub struct Idp {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Idp {
    /// Starts the provider on `port` with one client (redirecting to `gw`) and `accounts`.
    pub fn start(port: u16, gw: &TestGateway, accounts: Value) -> Idp {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("idp.json");
        std::fs::write(
            &cfg,
            json!({
                "port": port,
                "clients": [{
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [format!("{}/device/oidc/callback", gw.url)],
                }],
                "accounts": accounts,
            })
            .to_string(),
        )
        .unwrap();
        let mut child = Command::new("node")
            .arg(idp_dir().join("idp.mjs"))
            .arg(&cfg)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the provider printed {line:?}"))
            .to_string();
        Idp {
            child,
            url,
            _dir: dir,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let r = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    }

    /// The next login at the provider is `account`'s.
    pub async fn next_login(&self, account: &str) {
        self.post("/test/next-login", json!({ "account": account }))
            .await;
    }

    /// The provider signs with a fresh key from now on; returns its kid.
    pub async fn rotate(&self) -> String {
        self.post("/test/rotate", json!({})).await["kid"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Changes `account`'s claims at the provider (`Value::Null` deletes the account).
    pub async fn set_account(&self, account: &str, claims: Value) {
        self.post(
            "/test/account",
            json!({ "account": account, "claims": claims }),
        )
        .await;
    }

    /// The next ID token is re-signed (with the real key) with these claims changed.
    pub async fn fault(&self, claims: Value) {
        self.post("/test/fault", json!({ "claims": claims })).await;
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The gateway's `[[auth.oidc]]` for the provider on `port`, with `more` lines added.
pub fn provider_config(port: u16, more: &str) -> String {
    let scopes = if more.contains("scopes =") {
        ""
    } else {
        "scopes = [\"openid\", \"email\", \"groups\", \"org\"]\n"
    };
    format!(
        r#"
[[auth.oidc]]
name = "corp"
display_name = "Corp SSO"
issuer = "http://127.0.0.1:{port}"
client_id = "{CLIENT_ID}"
client_secret = {{ env = "TEST_IDP_SECRET" }}
{scopes}insecure_http = true
jwks_min_refresh = "1s"
{more}
"#
    )
}

/// A browser: follows redirects by hand, keeps cookies per origin.
pub struct Browser {
    http: reqwest::Client,
    jar: HashMap<String, HashMap<String, String>>,
}

/// A hop's answer.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

fn origin(url: &str) -> String {
    let u = reqwest::Url::parse(url).unwrap();
    format!(
        "{}:{}",
        u.host_str().unwrap(),
        u.port_or_known_default().unwrap()
    )
}

impl Browser {
    pub fn new(gw: &TestGateway) -> Browser {
        let pem = std::fs::read(&gw.ca).unwrap();
        Browser {
            http: reqwest::Client::builder()
                .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: HashMap::new(),
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder, url: &str) -> Page {
        let jar = self.jar.entry(origin(url)).or_default();
        let cookies: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let req = if cookies.is_empty() {
            req
        } else {
            req.header("cookie", cookies.join("; "))
        };
        let r = req.send().await.unwrap();
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.to_ascii_lowercase().contains("max-age=0") || val.is_empty() {
                jar.remove(k.trim());
            } else {
                jar.insert(k.trim().to_string(), val.to_string());
            }
        }
        let status = r.status();
        let location = r.headers().get("location").map(|l| {
            reqwest::Url::parse(url)
                .unwrap()
                .join(l.to_str().unwrap())
                .unwrap()
                .to_string()
        });
        // The text as a person reads it (HTML entities decoded), for assertions.
        let body = r
            .text()
            .await
            .unwrap()
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        Page {
            status,
            location,
            body,
        }
    }

    pub async fn get(&mut self, url: &str) -> Page {
        let req = self.http.get(url);
        self.send(req, url).await
    }

    pub async fn post_form(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let req = self.http.post(url).form(form);
        self.send(req, url).await
    }

    /// Opens the `/device` page for `code`: returns its anti-forgery token.
    pub async fn open_page(&mut self, gw: &TestGateway, code: &str) -> String {
        let p = self
            .get(&format!("{}/device?user_code={code}", gw.url))
            .await;
        let csrf = p
            .body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("no anti-forgery token on the page: {}", p.body));
        csrf.to_string()
    }

    /// Presses "Sign in with Corp SSO" for `code` on the page: returns the provider's
    /// authorization URL.
    pub async fn start(&mut self, gw: &TestGateway, code: &str) -> String {
        let csrf = self.open_page(gw, code).await;
        let p = self
            .post_form(
                &format!("{}/device/oidc", gw.url),
                &[("user_code", code), ("provider", "corp"), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        p.location.unwrap()
    }

    /// Follows the provider's redirects (login and consent by the test stand-in) until it
    /// sends the browser back to the gateway; returns that callback URL.
    pub async fn through_provider(&mut self, gw: &TestGateway, authorize: &str) -> String {
        let mut url = authorize.to_string();
        for _ in 0..10 {
            let p = self.get(&url).await;
            let next = p.location.unwrap_or_else(|| {
                panic!("the provider stopped at {url}: {} {}", p.status, p.body)
            });
            if next.starts_with(&gw.url) {
                return next;
            }
            url = next;
        }
        panic!("the provider never sent the browser back");
    }

    /// Up to the provider's answer: `account` signs in for `code`; returns the callback URL
    /// (not opened yet).
    pub async fn answer(
        &mut self,
        gw: &TestGateway,
        idp: &Idp,
        code: &str,
        account: &str,
    ) -> String {
        let authorize = self.start(gw, code).await;
        idp.next_login(account).await;
        self.through_provider(gw, &authorize).await
    }

    /// The whole sign-in of `account` for `code`: the gateway's final page.
    pub async fn sign_in(
        &mut self,
        gw: &TestGateway,
        idp: &Idp,
        code: &str,
        account: &str,
    ) -> Page {
        let back = self.answer(gw, idp, code, account).await;
        self.get(&back).await
    }
}

/// A fresh device code (as `hoopctl login` would ask for): (user code, device code).
pub async fn device_code(gw: &TestGateway) -> (String, String) {
    let v = oauth_form(
        gw,
        "/oauth/device_authorization",
        &[("client_id", "hoopctl")],
    )
    .await;
    (
        v["user_code"].as_str().unwrap().to_string(),
        v["device_code"].as_str().unwrap().to_string(),
    )
}

/// Polls the token endpoint for `device`, as `hoopctl login` does.
pub async fn poll(gw: &TestGateway, device: &str) -> Value {
    oauth_form(
        gw,
        "/oauth/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device),
            ("client_id", "hoopctl"),
        ],
    )
    .await
}

fn accounts() -> Value {
    json!({
        // "admins" is an admin group on the gateway: a provider may not confer it by default.
        "dana": {"email": "dana@example.com", "email_verified": true, "groups": ["developers", "admins"],
                 "org": {"teams": [{"name": "db-readers"}, {"name": "developers"}]}},
        "erin": {"email": "erin@example.com", "email_verified": true, "groups": []},
        "mallory": {"email": "mallory@elsewhere.test", "email_verified": true, "groups": ["developers"]},
        // A second account later given dana's (recycled) address.
        "dana2": {"email": "dana@example.com", "email_verified": true, "groups": []},
        // Claims an address the provider never verified.
        "vera": {"email": "cfo@example.com", "email_verified": false, "groups": ["developers"]},
    })
}

/// A gateway federated to a fresh provider (and a database it can reach), or None to skip.
async fn federated(more: &str) -> Option<(TestGateway, Idp, TestDb)> {
    if !require_idp() || !require_pg() {
        return None;
    }
    let port = free_port();
    let db = TestDb::create();
    let gw = TestGateway::start_full(
        &pg_connection("pg", &db),
        &[("TEST_IDP_SECRET", CLIENT_SECRET)],
        "",
        &provider_config(port, more),
    );
    let idp = Idp::start(port, &gw, accounts());
    Some((gw, idp, db))
}

/// `hoopctl login` against a federated gateway: the page sends the person to the provider and
/// back; the identity has the provider's groups, and policy decides with them.
#[tokio::test(flavor = "multi_thread")]
async fn login_through_the_identity_provider_carries_its_groups_into_policy() {
    let Some((gw, idp, db)) =
        federated("claims.groups = \"groups\"\nallowed_domains = [\"example.com\"]").await
    else {
        return;
    };
    let dana = TestClient::new();
    let mut login = dana
        .cmd()
        .args(["-o", "json", "login", "--gateway", &gw.url, "--ca-file"])
        .arg(&gw.ca)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(login.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    let v: Value = serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first:?}"));
    let code = v["user_code"].as_str().unwrap().to_string();

    let mut browser = Browser::new(&gw);
    let page = browser
        .get(v["verification_uri_complete"].as_str().unwrap())
        .await;
    assert!(page.body.contains("Sign in with Corp SSO"), "{}", page.body);
    let authorize = browser.start(&gw, &code).await;
    // PKCE S256, a state and a nonce go to the provider; the verifier never does.
    let q: HashMap<String, String> = reqwest::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert!(q["code_challenge"].len() >= 43 && q["state"].len() >= 43 && q["nonce"].len() >= 43);
    assert!(!q.contains_key("code_verifier"));
    idp.next_login("dana").await;
    let back = browser.through_provider(&gw, &authorize).await;
    let done = browser.get(&back).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body
            .contains("Signed in as dana@example.com through corp (groups: developers)"),
        "{}",
        done.body
    );
    let out = login.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let who = dana.json(&["whoami"]);
    assert_eq!(who["identity"], "dana@example.com", "{who}");
    assert_eq!(who["groups"], json!(["developers"]), "{who}");
    assert_eq!(who["identity_provider"], "corp", "{who}");
    let text = dana.ok(&["whoami"]);
    assert!(text.contains("signed in through: corp"), "{text}");
    // A member of developers may connect, and the session works.
    let tunnel = Tunnel::open(&dana, &["pg", "--reason", "federated"]);
    let client = tunnel.client(&db.name).await;
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);

    // erin signs in too, with no groups: the same policy denies her.
    let erin = TestClient::new();
    let (code, device) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "erin").await;
    assert!(
        page.body
            .contains("Signed in as erin@example.com through corp (no groups)"),
        "{}",
        page.body
    );
    let tokens = poll(&gw, &device).await;
    let access = tokens["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{tokens}"));
    let denied = gw
        .reqwest()
        .post(format!("{}/v1/grants", gw.url))
        .bearer_auth(access)
        .json(&json!({"connection": "pg", "reason": "no group", "duration": "10m"}))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    drop(erin);

    // Both sign-ins are in the audit log, with the provider and the groups.
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let logins: Vec<Value> = audit(&bob, &["--limit", "100"])
        .into_iter()
        .filter(|e| e["kind"] == "login" && e["outcome"] == "ok")
        .collect();
    assert!(
        logins.iter().any(|e| e["identity"] == "dana@example.com"
            && e["detail"]
                .as_str()
                .unwrap()
                .contains("identity provider corp")
            && e["detail"].as_str().unwrap().contains("groups: developers")),
        "{logins:?}"
    );
}

/// The login events about the provider that were refused, with their details.
fn refusals(gw: &TestGateway) -> Vec<String> {
    let bob = TestClient::new();
    bob.login_token(gw, "bob");
    audit(&bob, &["--limit", "500"])
        .into_iter()
        .filter(|e| e["kind"] == "login" && e["outcome"] == "denied")
        .filter_map(|e| e["detail"].as_str().map(str::to_string))
        .filter(|d| d.starts_with("identity provider "))
        .collect()
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Every way a sign-in can be wrong is refused with a message on the page, recorded in the
/// audit log, and leaves the device code unapproved.
#[tokio::test(flavor = "multi_thread")]
async fn forged_replayed_or_foreign_sign_ins_are_refused_on_the_page_and_audited() {
    let Some((gw, idp, _db)) =
        federated("claims.groups = \"groups\"\nallowed_domains = [\"example.com\"]").await
    else {
        return;
    };
    let mut expected = Vec::new();
    // ID tokens re-signed by the provider's real key with one thing wrong.
    let faults = [
        (
            json!({"aud": "someone-else"}),
            "the ID token was issued to another client",
        ),
        (
            json!({"iss": "http://127.0.0.1:1"}),
            "the ID token's issuer is not",
        ),
        (
            json!({"exp": now_s() - 600, "iat": now_s() - 1200}),
            "the ID token has expired",
        ),
        (
            json!({"nonce": "not-the-one-we-sent"}),
            "the ID token's nonce is not this sign-in's",
        ),
        (
            json!({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}),
            "the ID token's at_hash does not match the access token",
        ),
        (
            json!({"azp": "someone-else"}),
            "the ID token was issued for another client",
        ),
    ];
    for (claims, want) in faults {
        let (code, device) = device_code(&gw).await;
        let mut b = Browser::new(&gw);
        let authorize = b.start(&gw, &code).await;
        idp.next_login("dana").await;
        idp.fault(claims.clone()).await;
        let back = b.through_provider(&gw, &authorize).await;
        let page = b.get(&back).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{claims}: {}",
            page.body
        );
        assert!(
            page.body.contains(want),
            "{claims}: want {want:?} in {}",
            page.body
        );
        assert!(page.body.contains("Not signed in"), "{}", page.body);
        expected.push(want.to_string());
        let poll = poll(&gw, &device).await;
        assert_eq!(poll["error"], "authorization_pending", "{claims}: {poll}");
    }

    // Another site posting the button's form (no token, or a token without its cookie).
    let (code, _) = device_code(&gw).await;
    let cross_site = Browser::new(&gw)
        .post_form(
            &format!("{}/device/oidc", gw.url),
            &[("user_code", code.as_str()), ("provider", "corp")],
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::BAD_REQUEST);
    assert!(
        cross_site
            .body
            .contains("did not come from this gateway's /device page"),
        "{}",
        cross_site.body
    );
    let token = Browser::new(&gw).open_page(&gw, &code).await;
    let foreign = Browser::new(&gw)
        .post_form(
            &format!("{}/device/oidc", gw.url),
            &[
                ("user_code", code.as_str()),
                ("provider", "corp"),
                ("csrf", &token),
            ],
        )
        .await;
    assert!(
        foreign
            .body
            .contains("did not come from this gateway's /device page"),
        "{}",
        foreign.body
    );
    expected.push("did not come from this gateway's /device page".into());

    // Someone outside the allowed domains.
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "mallory").await;
    assert!(
        page.body
            .contains("accounts of \"elsewhere.test\" may not sign in here"),
        "{}",
        page.body
    );
    expected.push("may not sign in here".into());

    // An address the provider never verified names nobody.
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "vera").await;
    assert!(
        page.body
            .contains("your email address is not verified at the provider"),
        "{}",
        page.body
    );
    expected.push("not verified at the provider".into());

    // The provider promises `iss` in its answers (RFC 9207): an answer without it is refused.
    let (code, _) = device_code(&gw).await;
    let mut b = Browser::new(&gw);
    let back = b.answer(&gw, &idp, &code, "dana").await;
    let mut url = reqwest::Url::parse(&back).unwrap();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "iss")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(kept);
    let page = b.get(url.as_str()).await;
    assert!(page.body.contains("carries no iss"), "{}", page.body);
    expected.push("carries no iss".into());

    // A callback replayed, or with a state the gateway never issued.
    let (code, _) = device_code(&gw).await;
    let mut b = Browser::new(&gw);
    let back = b.answer(&gw, &idp, &code, "dana").await;
    assert_eq!(b.get(&back).await.status, StatusCode::OK);
    let again = b.get(&back).await;
    assert!(
        again.body.contains("unknown, expired, or was already used"),
        "{}",
        again.body
    );
    let forged = back.replace("state=", "state=x");
    let page = b.get(&forged).await;
    assert!(
        page.body.contains("unknown, expired, or was already used"),
        "{}",
        page.body
    );
    expected.push("unknown, expired, or was already used".into());

    // The provider's answer opened in another browser (a sign-in link sent to a victim).
    let (code, _) = device_code(&gw).await;
    let mut a = Browser::new(&gw);
    let back = a.answer(&gw, &idp, &code, "dana").await;
    let page = Browser::new(&gw).get(&back).await;
    assert!(
        page.body.contains("started in another browser"),
        "{}",
        page.body
    );
    expected.push("started in another browser".into());
    // …and that attempt did not spoil the sign-in for the browser that started it.
    let own = a.get(&back).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);

    // PKCE: a code from one sign-in delivered with another's state is redeemed with the wrong
    // verifier, and the provider refuses it; and without any verifier the code is useless.
    let (code1, _) = device_code(&gw).await;
    let (code2, _) = device_code(&gw).await;
    let mut b = Browser::new(&gw);
    let back1 = b.answer(&gw, &idp, &code1, "dana").await;
    let back2 = b.answer(&gw, &idp, &code2, "dana").await;
    let param = |u: &str, k: &str| {
        reqwest::Url::parse(u)
            .unwrap()
            .query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let stolen = param(&back1, "code");
    let injected = back2.replace(&param(&back2, "code"), &stolen);
    let page = b.get(&injected).await;
    assert!(
        page.body.contains("refused the authorization code"),
        "{}",
        page.body
    );
    expected.push("refused the authorization code".into());
    let (code3, _) = device_code(&gw).await;
    let back3 = b.answer(&gw, &idp, &code3, "dana").await;
    let no_verifier = reqwest::Client::new()
        .post(format!("{}/token", idp.url))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &param(&back3, "code")),
            ("redirect_uri", &format!("{}/device/oidc/callback", gw.url)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(no_verifier.status(), StatusCode::BAD_REQUEST);

    let audited = refusals(&gw);
    for want in &expected {
        assert!(
            audited.iter().any(|d| d.contains(want.as_str())),
            "no audit event says {want:?}: {audited:#?}"
        );
    }
}

/// The provider rotates its signing key: the next sign-in works without a gateway restart.
#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_provider_key_needs_no_gateway_restart() {
    let Some((gw, idp, _db)) = federated("claims.groups = \"org.teams[*].name\"").await else {
        return;
    };
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    // The nested selector picks the team names.
    assert!(
        page.body.contains("(groups: db-readers, developers)"),
        "{}",
        page.body
    );
    let kid = idp.rotate().await;
    // Past jwks_min_refresh (1s here): an unknown kid makes the gateway fetch the JWKS again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "after rotating to {kid}: {}",
        page.body
    );
    assert!(
        page.body.contains("Signed in as dana@example.com"),
        "{}",
        page.body
    );
    let fetches = gw.log_text().matches("fetched JWKS").count();
    assert_eq!(
        fetches,
        2,
        "one fetch before and one after the rotation:\n{}",
        gw.log_text()
    );
}

/// An admin revokes a federated person's sessions: their live tunnel's PostgreSQL session ends
/// within seconds with an error saying why, their login stops working, and the provider's word
/// is withdrawn until they sign in there again.
#[tokio::test(flavor = "multi_thread")]
async fn revoking_an_identity_ends_its_live_tunnel_within_seconds() {
    let Some((gw, idp, db)) = federated("claims.groups = \"groups\"").await else {
        return;
    };
    // dana signs in (device flow) and keeps a tunnel with a live session open.
    let dana = TestClient::new();
    let (code, device) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let tokens = poll(&gw, &device).await;
    dana.login_with(&gw, tokens["access_token"].as_str().unwrap());
    let tunnel = Tunnel::open(&dana, &["pg", "--reason", "long job"]);
    let (client, conn) = tunnel
        .pg_config(&db.name)
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    let conn = tokio::spawn(conn);
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);

    // Only an admin may revoke.
    let carol = TestClient::new();
    carol.login_token(&gw, "carol");
    let out = carol.run(&[
        "admin",
        "sessions",
        "revoke",
        "--identity",
        "dana@example.com",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("admin group"), "{}", stderr(&out));

    // A second sign-in, approved but not yet redeemed, must not survive the revocation.
    let (code2, device2) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code2, "dana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let started = Instant::now();
    let r = bob.json(&[
        "admin",
        "sessions",
        "revoke",
        "--identity",
        "dana@example.com",
        "--reason",
        "laptop lost",
    ]);
    assert_eq!(r["grants_revoked"], 1, "{r}");
    assert_eq!(r["sessions_ended"], 1, "{r}");
    assert!(r["tokens_revoked"].as_u64().unwrap() >= 1, "{r}");
    let err = tokio::time::timeout(Duration::from_secs(5), conn)
        .await
        .expect("the session ends within seconds")
        .unwrap()
        .unwrap_err();
    let elapsed = started.elapsed();
    let msg = err
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| err.to_string());
    assert!(
        msg.contains("the sessions of dana@example.com were revoked by bob: laptop lost"),
        "{msg}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // The login is gone too, and the tunnel cannot open new sessions.
    let out = dana.run(&["whoami"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(
        tunnel
            .pg_config(&db.name)
            .connect(tokio_postgres::NoTls)
            .await
            .is_err()
    );
    let revoked: Vec<Value> = audit(&bob, &["--limit", "50"])
        .into_iter()
        .filter(|e| e["kind"] == "identity_revoked")
        .collect();
    assert!(
        revoked
            .iter()
            .any(|e| e["detail"].as_str().unwrap().contains("laptop lost")),
        "{revoked:?}"
    );
    let late = poll(&gw, &device2).await;
    assert!(late.get("access_token").is_none(), "{late}");
    // Signing in at the provider again works.
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

/// With `offline_access`, each refresh of the gateway login asks the provider again: a change
/// of groups there takes effect at the next refresh, and an account disabled there ends the
/// login at its next refresh, with the reason.
#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_asks_the_provider_again() {
    let Some((gw, idp, _db)) = federated(
        "claims.groups = \"groups\"\nscopes = [\"openid\", \"email\", \"groups\", \"offline_access\"]\nprompt = \"consent\"",
    )
    .await
    else {
        return;
    };
    let (code, device) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let t = poll(&gw, &device).await;
    let whoami = |access: String| {
        let http = gw.reqwest();
        let url = format!("{}/v1/whoami", gw.url);
        async move {
            let r = http.get(url).bearer_auth(access).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (_, who) = whoami(t["access_token"].as_str().unwrap().to_string()).await;
    assert_eq!(who["groups"], json!(["developers"]), "{who}");

    // The provider adds dana to db-readers: the next refresh carries it.
    idp.set_account(
        "dana",
        json!({"email": "dana@example.com", "email_verified": true, "groups": ["developers", "db-readers"]}),
    )
    .await;
    let t2 = refresh(&gw, t["refresh_token"].as_str().unwrap()).await;
    let access2 = t2["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{t2}"))
        .to_string();
    let (_, who) = whoami(access2.clone()).await;
    assert_eq!(who["groups"], json!(["db-readers", "developers"]), "{who}");

    // The account is disabled at the provider: the next refresh is refused and says why, and
    // the whole login ends.
    idp.set_account("dana", Value::Null).await;
    let t3 = refresh(&gw, t2["refresh_token"].as_str().unwrap()).await;
    assert_eq!(t3["error"], "invalid_grant", "{t3}");
    let why = t3["error_description"].as_str().unwrap();
    assert!(
        why.contains("identity provider corp no longer vouches for this sign-in"),
        "{why}"
    );
    let (status, _) = whoami(access2).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        refusals(&gw)
            .iter()
            .any(|d| d.contains("refused to renew the sign-in of dana@example.com")),
        "{:?}",
        refusals(&gw)
    );
}

/// Local passwords turned off, `allowed_groups` and `max_age`: the page offers only the
/// provider, a password is refused, a person in none of the allowed groups is refused, and so
/// is a sign-in whose last authentication at the provider is older than `max_age`.
#[tokio::test(flavor = "multi_thread")]
async fn local_users_off_allowed_groups_and_max_age() {
    if !require_idp() {
        return;
    }
    let port = free_port();
    let gw = TestGateway::start_full(
        "",
        &[("TEST_IDP_SECRET", CLIENT_SECRET)],
        "",
        &format!(
            "local_users = false\n{}",
            provider_config(
                port,
                "claims.groups = \"groups\"\nallowed_groups = [\"developers\"]\nmax_age = \"10m\""
            )
        ),
    );
    let idp = Idp::start(port, &gw, accounts());
    let (code, _) = device_code(&gw).await;
    let mut b = Browser::new(&gw);
    let page = b.get(&format!("{}/device?user_code={code}", gw.url)).await;
    assert!(page.body.contains("Sign in with Corp SSO"), "{}", page.body);
    assert!(!page.body.contains("name=\"password\""), "{}", page.body);
    let refused = b
        .post_form(
            &format!("{}/device", gw.url),
            &[
                ("user_code", &code),
                ("username", "alice"),
                ("password", "alice-password"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("turned off"), "{}", refused.body);

    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "erin").await;
    assert!(
        page.body
            .contains("you are in none of the groups allowed to sign in here (developers)"),
        "{}",
        page.body
    );
    let mut b = Browser::new(&gw);
    let authorize = b.start(&gw, &code).await;
    assert!(authorize.contains("max_age=600"), "{authorize}");
    idp.next_login("dana").await;
    idp.fault(json!({"auth_time": now_s() - 3600})).await;
    let back = b.through_provider(&gw, &authorize).await;
    let page = b.get(&back).await;
    assert!(
        page.body
            .contains("you last authenticated at the provider more than 10m ago"),
        "{}",
        page.body
    );
    // Within max_age, dana (a developer) signs in.
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

/// A name later configured as a gateway user belongs to that user: the provider account that
/// signed in under it loses its logins at the next start, instead of inheriting the user's
/// groups.
#[tokio::test(flavor = "multi_thread")]
async fn a_name_later_configured_as_a_user_is_not_inherited() {
    let Some((mut gw, idp, _db)) = federated("claims.groups = \"groups\"").await else {
        return;
    };
    let (code, device) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let dana = TestClient::new();
    dana.login_with(
        &gw,
        poll(&gw, &device).await["access_token"].as_str().unwrap(),
    );
    assert_eq!(dana.json(&["whoami"])["identity_provider"], "corp");

    let text = std::fs::read_to_string(&gw.config).unwrap();
    let hash = text
        .lines()
        .find_map(|l| l.strip_prefix("password_hash = "))
        .unwrap()
        .to_string();
    std::fs::write(
        &gw.config,
        format!("{text}\n[[auth.users]]\nname = \"dana@example.com\"\npassword_hash = {hash}\ngroups = [\"admins\"]\n"),
    )
    .unwrap();
    gw.crash_and_restart();
    let out = dana.run(&["whoami"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    assert!(
        audit(&bob, &["--limit", "50"])
            .iter()
            .any(|e| e["kind"] == "identity_revoked"
                && e["detail"]
                    .as_str()
                    .unwrap()
                    .contains("is now configured on the gateway")),
        "no identity_revoked event"
    );
}

/// A name is bound to the account that first signed in with it: another account mapping to the
/// same name (a recycled address) is refused until an admin frees the name.
#[tokio::test(flavor = "multi_thread")]
async fn a_name_bound_to_one_account_is_freed_only_by_an_admin() {
    let Some((gw, idp, _db)) = federated("claims.groups = \"groups\"").await else {
        return;
    };
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana2").await;
    assert!(
        page.body
            .contains("the name dana@example.com already belongs to another account")
            && page
                .body
                .contains("hoopctl admin identities forget --identity dana@example.com"),
        "{}",
        page.body
    );

    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let list = bob.json(&["admin", "identities", "list"]);
    assert_eq!(list[0]["name"], "dana@example.com", "{list}");
    assert_eq!(list[0]["subject"], "dana", "{list}");
    assert_eq!(list[0]["groups"], json!(["developers"]), "{list}");
    let carol = TestClient::new();
    carol.login_token(&gw, "carol");
    assert!(!carol.run(&["admin", "identities", "list"]).status.success());
    let out = bob.run(&["admin", "identities", "forget", "--identity", "alice"]);
    assert!(
        stderr(&out).contains("remove it from the config instead"),
        "{}",
        stderr(&out)
    );
    let r = bob.json(&[
        "admin",
        "identities",
        "forget",
        "--identity",
        "dana@example.com",
        "--reason",
        "address reassigned",
    ]);
    assert_eq!(r["identity"], "dana@example.com", "{r}");
    assert_eq!(bob.json(&["admin", "identities", "list"]), json!([]));

    // The name binds again, to the account that now maps to it.
    let (code, _) = device_code(&gw).await;
    let page = Browser::new(&gw).sign_in(&gw, &idp, &code, "dana2").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        bob.json(&["admin", "identities", "list"])[0]["subject"],
        "dana2"
    );
    assert!(
        audit(&bob, &["--limit", "50"])
            .iter()
            .any(|e| e["kind"] == "identity_forgotten"
                && e["detail"].as_str().unwrap().contains("address reassigned")),
        "no identity_forgotten event"
    );
}

/// `gateway check --online` contacts the provider: it reports its keys when it answers, and
/// names it when it does not.
#[tokio::test(flavor = "multi_thread")]
async fn gateway_check_online_reaches_the_provider() {
    let Some((gw, idp, _db)) = federated("").await else {
        return;
    };
    let check = || {
        Command::new(BIN)
            .args(["gateway", "check", "--online", "--config"])
            .arg(&gw.config)
            .env("TEST_IDP_SECRET", CLIENT_SECRET)
            .output()
            .unwrap()
    };
    let out = check();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("auth.oidc \"corp\": discovery and JWKS OK (1 signing key(s))"),
        "{}",
        stdout(&out)
    );
    drop(idp);
    let out = check();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("auth.oidc \"corp\": cannot fetch"),
        "{}",
        stderr(&out)
    );
}
