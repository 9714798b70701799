//! Issue 4: CI workload identity. A local issuer signs real RS256/ES256 tokens and serves real
//! discovery and JWKS documents; a stand-in plays GitHub's token request endpoint.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::issuer::{GITHUB_REQUEST_TOKEN, Issuer, jws, now};
use crate::util::*;

pub const AUD: &str = "hoopctl-test";
const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";

/// `[[auth.workload]]` trusting `iss`, with bindings: repository 4242 on main → warehouse-ci;
/// environment "prod" → prod-deployer (overlapping on purpose: a token with both is ambiguous).
pub fn workload_config(iss: &Issuer, extra_issuer: &str) -> String {
    format!(
        r#"
[[auth.service_accounts]]
name = "warehouse-ci"
groups = ["developers"]

[[auth.service_accounts]]
name = "prod-deployer"
groups = []

[[auth.workload]]
name = "gha"
kind = "github"
issuer = "{url}"
audience = "{AUD}"
insecure_http = true
algorithms = ["RS256", "ES256"]
jwks_min_refresh = "2s"
{extra_issuer}

[[auth.workload.bindings]]
service_account = "warehouse-ci"
claims = {{ repository_id = 4242, ref = {{ glob = "refs/heads/ma*" }} }}

[[auth.workload.bindings]]
name = "deployers"
service_account = "prod-deployer"
claims = {{ environment = ["prod", "production"] }}
"#,
        url = iss.url()
    )
}

pub fn github_claims() -> Value {
    json!({
        "sub": "repo:acme/warehouse:ref:refs/heads/main",
        "repository": "acme/warehouse", "repository_id": "4242", "repository_owner_id": "77",
        "ref": "refs/heads/main", "sha": "0123456789abcdef0123456789abcdef01234567",
        "run_id": "987654", "run_attempt": "2", "workflow": "nightly", "actor": "octocat",
    })
}

/// Environment of a GitHub Actions job and nothing else CI-like.
pub fn github_job(cmd: &mut Command, iss: &Issuer, gw: &TestGateway) {
    cmd.env("GITHUB_ACTIONS", "true")
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", iss.github_request_url())
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", GITHUB_REQUEST_TOKEN)
        .env("HOOPCTL_GATEWAY", &gw.url)
        .env("HOOPCTL_CA_FILE", &gw.ca)
        .env("HOOPCTL_AUDIENCE", AUD);
}

pub async fn exchange(gw: &TestGateway, token: &str) -> (reqwest::StatusCode, Value) {
    let r = gw
        .reqwest()
        .post(format!("{}/oauth/token", gw.url))
        .form(&[
            ("grant_type", EXCHANGE),
            ("subject_token", token),
            ("subject_token_type", JWT),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn github_job_connects_with_only_its_platform_token_and_is_traced() {
    if !require_pg() {
        return;
    }
    let iss = Issuer::start();
    iss.set_github_claims(github_claims());
    let db = TestDb::create();
    psql_admin(
        &db.name,
        &format!(
            "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2), (3); ALTER TABLE orders OWNER TO {}",
            db.role
        ),
    );
    let gw = TestGateway::start_full(
        &pg_connection("pg", &db),
        &[],
        &workload_config(&iss, ""),
        "",
    );
    let job = TestClient::new();

    // The one-liner of a CI job: no login step, no stored secret.
    let mut cmd = job.cmd();
    github_job(&mut cmd, &iss, &gw);
    let out = cmd
        .args([
            "connect",
            "pg",
            "--ci",
            "--reason",
            "nightly refresh",
            "--",
            "psql",
            "-X",
            "-At",
            "-c",
            "SELECT count(*) FROM orders",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "connect --ci failed: {}",
        stderr(&out)
    );
    assert_eq!(stdout(&out).trim(), "3");
    // Nothing was written to the runner: no profile, no credentials file.
    assert!(
        job.all_files().is_empty(),
        "a --ci run left files behind in the config dir"
    );

    // `login --ci` says who the job is, with its provenance.
    let mut cmd = job.cmd();
    github_job(&mut cmd, &iss, &gw);
    let out = cmd.args(["login", "--ci", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let who: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(who["identity"], "warehouse-ci");
    assert_eq!(who["kind"], "service_account");
    assert_eq!(who["provenance"]["repository"], "acme/warehouse");
    assert_eq!(who["saved"], false);

    // Every event of the run names the repository, the run and the commit.
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let events = audit(
        &admin,
        &["--repository", "acme/warehouse", "--run", "987654"],
    );
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    for k in ["workload_login", "grant_active", "session_open", "query"] {
        assert!(kinds.contains(&k), "no {k} event for the run: {kinds:?}");
    }
    for e in &events {
        assert_eq!(e["provenance"]["run_id"], "987654", "{e}");
        assert_eq!(
            e["provenance"]["sha"],
            "0123456789abcdef0123456789abcdef01234567"
        );
    }
    let q = events.iter().find(|e| e["kind"] == "query").unwrap();
    assert_eq!(q["identity"], "warehouse-ci");
    assert_eq!(q["statement"], "SELECT count(*) FROM orders");
    assert_eq!(
        q["provenance"]["url"],
        "https://github.com/acme/warehouse/actions/runs/987654"
    );
    // Another run shows nothing of this one.
    assert!(audit(&admin, &["--run", "111"]).is_empty());

    // A job of another repository is refused with a reason, exit code 3 (denied).
    let mut other = github_claims();
    other["repository_id"] = json!("5555");
    iss.set_github_claims(other);
    let mut cmd = job.cmd();
    github_job(&mut cmd, &iss, &gw);
    let out = cmd.args(["whoami", "--ci"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no binding of issuer gha matches"),
        "{}",
        stderr(&out)
    );

    // Without `id-token: write` GitHub gives no request URL: the error says what to add.
    let out = job
        .cmd()
        .env("GITHUB_ACTIONS", "true")
        .env("HOOPCTL_GATEWAY", &gw.url)
        .args(["whoami", "--ci"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("id-token: write"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_expired_and_unbound_tokens_are_refused_each_with_its_reason() {
    let iss = Issuer::start();
    let gw = TestGateway::start_full("", &[], &workload_config(&iss, ""), "");
    let good = iss.claims(
        AUD,
        json!({"repository_id": 4242, "ref": "refs/heads/main"}),
    );
    let t = now();
    let with = |patch: Value| {
        let mut c = good.clone();
        if let (Some(m), Value::Object(p)) = (c.as_object_mut(), patch) {
            m.extend(p);
        }
        c
    };

    // The baseline passes, with both key types.
    for key in [0, 1] {
        let (s, body) = exchange(&gw, &iss.sign(&good, key)).await;
        assert!(s.is_success(), "key {key}: {body}");
        assert_eq!(
            body["issued_token_type"],
            "urn:ietf:params:oauth:token-type:access_token"
        );
        assert!(body["expires_in"].as_i64().unwrap() <= 900);
        assert!(
            body.get("refresh_token").is_none(),
            "workloads get no refresh token"
        );
    }

    let valid = iss.sign(&good, 0);
    let parts: Vec<&str> = valid.split('.').collect();
    let rsa_jwk = iss.public_jwk(0);
    let hs256 = {
        // The classic confusion attack: HMAC keyed with the issuer's *public* key.
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"});
        let msg = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(good.to_string().as_bytes())
        );
        let key =
            aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, rsa_jwk.to_string().as_bytes());
        let tag = aws_lc_rs::hmac::sign(&key, msg.as_bytes());
        format!("{msg}.{}", b64(tag.as_ref()))
    };
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(with(json!({"repository_id": 4242, "sub": "someone-else"}))
            .to_string()
            .as_bytes()),
        parts[2]
    );
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "wrong issuer",
            iss.sign(&with(json!({"iss": "https://evil.example"})), 0),
            "invalid_grant",
            "is not trusted",
        ),
        (
            "wrong audience",
            iss.sign(&with(json!({"aud": "someone-else"})), 0),
            "invalid_grant",
            "audience",
        ),
        (
            "expired",
            iss.sign(&with(json!({"exp": t - 120})), 0),
            "invalid_grant",
            "expired",
        ),
        (
            "not yet valid",
            iss.sign(&with(json!({"nbf": t + 300, "exp": t + 600})), 0),
            "invalid_grant",
            "not valid before",
        ),
        (
            "too old",
            iss.sign(&with(json!({"iat": t - 3600})), 0),
            "invalid_grant",
            "accepts tokens at most",
        ),
        (
            "alg none",
            jws(&json!({"alg": "none", "typ": "JWT"}), &good, None),
            "invalid_grant",
            "alg \"none\"",
        ),
        (
            "HS256 with the public key",
            hs256,
            "invalid_grant",
            "algorithm \"HS256\" is not accepted",
        ),
        (
            "unknown kid",
            iss.sign_with_header(&json!({"alg": "RS256", "kid": "nope"}), &good, 0),
            "invalid_grant",
            "not in the JWKS",
        ),
        (
            "tampered payload",
            tampered,
            "invalid_grant",
            "signature does not verify",
        ),
        (
            "stripped signature",
            format!("{}.{}.", parts[0], parts[1]),
            "invalid_grant",
            "no signature",
        ),
        (
            "no binding",
            iss.sign(&with(json!({"repository_id": 9999})), 0),
            "invalid_grant",
            "no binding of issuer gha matches",
        ),
        (
            "two bindings",
            iss.sign(&with(json!({"environment": "prod"})), 0),
            "server_error",
            "more than one binding matches",
        ),
        (
            "not a JWT",
            "not-a-token".to_string(),
            "invalid_grant",
            "not a JWS compact token",
        ),
    ];
    for (name, token, code, text) in &cases {
        let (status, body) = exchange(&gw, token).await;
        assert!(!status.is_success(), "{name}: accepted: {body}");
        assert_eq!(body["error"], *code, "{name}: {body}");
        let d = body["error_description"].as_str().unwrap_or_default();
        assert!(d.contains(text), "{name}: expected {text:?} in {d:?}");
        assert!(
            !d.contains(token.as_str()),
            "{name}: the error quotes the token"
        );
    }

    // Each refusal is in the audit log with its reason; the two good exchanges too.
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let logins: Vec<Value> = audit(&admin, &[])
        .into_iter()
        .filter(|e| e["kind"] == "workload_login")
        .collect();
    let refused: Vec<&Value> = logins.iter().filter(|e| e["outcome"] != "ok").collect();
    assert_eq!(refused.len(), cases.len(), "{logins:#?}");
    for ((name, _, _, text), e) in cases.iter().zip(&refused) {
        // The operator's record names the overlapping bindings; the caller is not told them.
        let text = match *name {
            "two bindings" => "bindings warehouse-ci, deployers of issuer gha all match",
            _ => text,
        };
        assert!(
            e["detail"].as_str().unwrap_or_default().contains(text),
            "{name}: audit detail {e}"
        );
    }
    assert_eq!(logins.iter().filter(|e| e["outcome"] == "ok").count(), 2);
}

fn b64(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

#[tokio::test(flavor = "multi_thread")]
async fn rotated_keys_are_picked_up_and_unknown_kids_cannot_flood_the_issuer() {
    let iss = Issuer::start();
    let gw = TestGateway::start_full("", &[], &workload_config(&iss, ""), "");
    let claims = iss.claims(
        AUD,
        json!({"repository_id": 4242, "ref": "refs/heads/main"}),
    );
    let (s, body) = exchange(&gw, &iss.sign(&claims, 0)).await;
    assert!(s.is_success(), "{body}");
    assert_eq!(iss.jwks_fetches(), 1);

    // The issuer rotates: the new key is accepted without a restart (one refetch).
    iss.rotate("rsa-2");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (s, body) = exchange(&gw, &iss.sign(&claims, 0)).await;
    assert!(s.is_success(), "token from the rotated key: {body}");
    assert_eq!(iss.jwks_fetches(), 2);

    // 300 tokens with random kids in a burst: refused, and the JWKS is fetched at most once
    // per jwks_min_refresh (2s) however many arrive.
    let started = Instant::now();
    let before = iss.jwks_fetches();
    let client = gw.reqwest();
    let mut tasks = Vec::new();
    for i in 0..300 {
        let kid = format!("random-{i}-{}", rand_suffix());
        let token = jws(&json!({"alg": "RS256", "kid": kid}), &claims, None) + "c2ln";
        let (client, url) = (client.clone(), gw.url.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{url}/oauth/token"))
                .form(&[
                    ("grant_type", EXCHANGE),
                    ("subject_token", &token),
                    ("subject_token_type", JWT),
                ])
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }));
    }
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 400, "{body}");
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains("not in the JWKS"),
            "{body}"
        );
    }
    let elapsed = started.elapsed().as_secs_f64();
    let fetched = iss.jwks_fetches() - before;
    let allowed = 1 + (elapsed / 2.0).floor() as u64;
    assert!(
        fetched <= allowed,
        "{fetched} JWKS fetches in {elapsed:.1}s; the limit allows {allowed}"
    );
    // The right key still works after the flood.
    let (s, body) = exchange(&gw, &iss.sign(&claims, 0)).await;
    assert!(s.is_success(), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_outlives_its_gateway_token_without_losing_its_tunnel_or_sessions() {
    if !require_pg() {
        return;
    }
    let iss = Issuer::start();
    iss.set_github_claims(github_claims());
    let db = TestDb::create();
    let gw = TestGateway::start_full(
        &pg_connection("pg", &db),
        &[],
        &format!(
            "[grants]\ncertificate_ttl = \"10s\"\n{}",
            workload_config(&iss, "token_ttl = \"10s\"")
        ),
        "",
    );
    let job = TestClient::new();
    let mut cmd = job.cmd();
    github_job(&mut cmd, &iss, &gw);
    // One session spans the token's whole life; a second one starts after it expired (and
    // after the certificate was renewed with a re-exchanged token).
    let script = "psql -X -At -c 'SELECT 1' -c 'SELECT pg_sleep(13)' -c 'SELECT 2' && psql -X -At -c 'SELECT 3'";
    let out = cmd
        .args([
            "connect", "pg", "--ci", "--reason", "long job", "--", "sh", "-c", script,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(lines, ["1", "2", "3"], "{}", stderr(&out));
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let events = audit(&admin, &[]);
    let logins = events
        .iter()
        .filter(|e| e["kind"] == "workload_login" && e["outcome"] == "ok")
        .count();
    assert!(
        logins >= 2,
        "the job never re-exchanged its token ({logins} logins)"
    );
    let certs = events
        .iter()
        .filter(|e| e["kind"] == "certificate_issued")
        .count();
    assert!(certs >= 2, "the certificate was never renewed ({certs})");
}

fn sigterm(child: &std::process::Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -TERM failed");
}

async fn probe(addr: &str, path: &str) -> Option<u16> {
    reqwest::get(format!("http://{addr}{path}"))
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

/// Reads JSON lines from a child's stdout on a thread of their own.
fn json_lines(stdout: std::process::ChildStdout) -> std::sync::mpsc::Receiver<Value> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    rx
}

fn next_event(rx: &std::sync::mpsc::Receiver<Value>, kind: &str) -> Value {
    loop {
        let v = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no {kind} event"));
        if v["event"] == kind {
            return v;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_lifecycle_probes_wait_events_and_sigterm_drain() {
    if !require_pg() {
        return;
    }
    let db = TestDb::create();
    let conns = format!(
        "{}{}",
        pg_connection("pg", &db),
        pg_connection("gated", &db)
    );
    let gw = TestGateway::start(&conns, &[]);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let health = format!("127.0.0.1:{}", free_port());

    // Nothing listens yet: `wait` gives up after its timeout with exit code 1.
    let t = Instant::now();
    let out = alice.run(&["wait", "--health-addr", &health, "--timeout", "1s"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("not ready after"), "{}", stderr(&out));
    assert!(t.elapsed() < Duration::from_secs(10));

    let mut child = alice
        .cmd()
        .args([
            "connect",
            "gated",
            "--reason",
            "lifecycle",
            "--wait",
            "--timeout",
            "1m",
            "--health-addr",
            &health,
            "--max-sigterm-delay",
            "8s",
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let events = json_lines(child.stdout.take().unwrap());

    // While the grant waits for an approver: alive, not started, not ready.
    let pending = next_event(&events, "grant_pending");
    assert_eq!(probe(&health, "/liveness").await, Some(200));
    assert_eq!(probe(&health, "/startup").await, Some(503));
    assert_eq!(probe(&health, "/readiness").await, Some(503));

    bob.ok(&["grant", "approve", pending["grant"].as_str().unwrap()]);
    let out = alice.run(&["wait", "--health-addr", &health, "--timeout", "30s"]);
    assert!(out.status.success(), "{}", stderr(&out));
    next_event(&events, "grant_approved");
    let ready = next_event(&events, "ready");
    assert_eq!(probe(&health, "/startup").await, Some(200));
    assert_eq!(probe(&health, "/readiness").await, Some(200));

    // A statement in flight when SIGTERM arrives finishes; new connections are refused.
    let port = ready["port"].as_u64().unwrap() as u16;
    let mut cfg = tokio_postgres::Config::new();
    cfg.host("127.0.0.1")
        .port(port)
        .user(ready["user"].as_str().unwrap())
        .dbname(ready["database"].as_str().unwrap());
    let (client, conn) = cfg.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    let slow = tokio::spawn(async move {
        client
            .query_one("SELECT pg_sleep(2), 42::int4", &[])
            .await
            .map(|r| r.get::<_, i32>(1))
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    sigterm(&child);
    let deadline = Instant::now() + Duration::from_secs(5);
    while probe(&health, "/readiness").await != Some(503) {
        assert!(Instant::now() < deadline, "readiness never flipped to 503");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_ok()
    {
        assert!(
            Instant::now() < deadline,
            "the draining tunnel still accepts connections"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(slow.await.unwrap().expect("in-flight statement"), 42);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    let closed = next_event(&events, "closed");
    assert_eq!(closed["exit_code"], 143);
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_passes_signals_to_its_command() {
    let Some(Setup {
        gw: _gw,
        db: _db,
        alice,
    }) = setup_pg()
    else {
        return;
    };
    let script = "trap 'echo got-term; exit 7' TERM; echo started; sleep 30 & wait";
    // CMD's status is the answer, with or without --exit-zero-on-sigterm (that flag is about
    // a tunnel without CMD, below).
    for (extra, want) in [(None, 7), (Some("--exit-zero-on-sigterm"), 7)] {
        let mut args = vec!["connect", "pg", "--reason", "signals"];
        args.extend(extra);
        args.extend(["--", "sh", "-c", script]);
        let mut child = alice
            .cmd()
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for l in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(l);
            }
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)).unwrap(), "started");
        let t = Instant::now();
        sigterm(&child);
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(10)).unwrap(),
            "got-term"
        );
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(want), "{extra:?}");
        assert!(
            t.elapsed() < Duration::from_secs(8),
            "the command was not told at once"
        );
    }
    // Without CMD: 143 after SIGTERM, or 0 with --exit-zero-on-sigterm.
    for (extra, want) in [(None, 143), (Some("--exit-zero-on-sigterm"), 0)] {
        let mut args = vec!["connect", "pg", "--reason", "signals", "-o", "json"];
        args.extend(extra);
        let mut child = alice
            .cmd()
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let events = json_lines(child.stdout.take().unwrap());
        next_event(&events, "ready");
        sigterm(&child);
        assert_eq!(child.wait().unwrap().code(), Some(want), "{extra:?}");
        assert_eq!(next_event(&events, "closed")["exit_code"], want);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn gitlab_kubernetes_env_and_file_token_sources() {
    let iss = Issuer::start();
    let gw = TestGateway::start_full("", &[], &workload_config(&iss, ""), "");
    let token = iss.sign(
        &iss.claims(
            AUD,
            json!({"repository_id": "4242", "ref": "refs/heads/main"}),
        ),
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let job = TestClient::new();
    let run = |env: &[(&str, &str)], args: &[&str]| {
        let mut c = job.cmd();
        c.env("HOOPCTL_GATEWAY", &gw.url)
            .env("HOOPCTL_CA_FILE", &gw.ca);
        for (k, v) in env {
            c.env(k, v);
        }
        c.args(["-o", "json", "whoami", "--ci"])
            .args(args)
            .output()
            .unwrap()
    };
    let file_arg = file.to_str().unwrap();
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "gitlab, detected",
            vec![("GITLAB_CI", "true"), ("HOOPCTL_ID_TOKEN", &token)],
            vec![],
        ),
        (
            "gitlab, named variable",
            vec![("GITLAB_CI", "true"), ("MY_TOKEN", &token)],
            vec!["--token-env", "MY_TOKEN"],
        ),
        (
            "kubernetes, token file",
            vec![("KUBERNETES_SERVICE_HOST", "10.0.0.1")],
            vec!["--provider", "kubernetes", "--token-file", file_arg],
        ),
        (
            "env",
            vec![("SOME_TOKEN", &token)],
            vec!["--provider", "env", "--token-env", "SOME_TOKEN"],
        ),
        (
            "file",
            vec![],
            vec!["--provider", "file", "--token-file", file_arg],
        ),
    ];
    for (name, env, args) in &cases {
        let out = run(env, args);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let who: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(who["identity"], "warehouse-ci", "{name}");
    }
    // `login --ci --save` keeps the profile and the short-lived token for later commands.
    let saved = job
        .cmd()
        .env("HOOPCTL_GATEWAY", &gw.url)
        .env("HOOPCTL_CA_FILE", &gw.ca)
        .env("HOOPCTL_ID_TOKEN", &token)
        .env("GITLAB_CI", "true")
        .args(["login", "--ci", "--save"])
        .output()
        .unwrap();
    assert!(saved.status.success(), "{}", stderr(&saved));
    assert_eq!(job.json(&["whoami"])["identity"], "warehouse-ci");
    assert!(!job.all_files().is_empty());
    // Nothing to detect: a usage error that lists the ways to say where the token is.
    let out = run(&[], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--token-env"), "{}", stderr(&out));
    // A detected platform without its token names the variable to set.
    let out = run(&[("GITLAB_CI", "true")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("HOOPCTL_ID_TOKEN is not set"),
        "{}",
        stderr(&out)
    );
    // In a pod without the projected token, the error names the path to mount.
    let out = run(&[("KUBERNETES_SERVICE_HOST", "10.0.0.1")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/var/run/secrets/tokens/hoopctl"),
        "{}",
        stderr(&out)
    );
    // CI flags without --ci are a usage error, not silently ignored.
    let out = job.run(&["whoami", "--token-env", "X"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("go with --ci"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_issuer_is_an_outage_not_a_refusal() {
    // An issuer whose discovery endpoint is down: the same keys, on a port nobody listens on.
    let iss = Issuer::start();
    let down = format!("http://127.0.0.1:{}", free_port());
    let cfg = workload_config(&iss, "").replace(iss.url(), &down);
    let gw = TestGateway::start_full("", &[], &cfg, "");
    let claims = iss.claims(
        AUD,
        json!({"iss": down, "repository_id": 4242, "ref": "refs/heads/main"}),
    );
    let (status, body) = exchange(&gw, &iss.sign(&claims, 0)).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"], "temporarily_unavailable");
    let d = body["error_description"].as_str().unwrap();
    assert!(d.contains("cannot be fetched now"), "{d}");
    assert!(!d.contains(&down), "the caller is told internal URLs: {d}");
    // The gateway's own log has the reason.
    assert!(
        gw.log_text().contains("JWKS fetch failed"),
        "{}",
        gw.log_text()
    );
}
