//! The operator and user commands around the data path: init/check/hash-password, login state,
//! token rotation and revocation, exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::*;

fn hoopctl(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn init_then_check_and_readable_config_errors() {
    let dir = tempfile::tempdir().unwrap();
    let gwdir = dir.path().join("gw");
    let out = hoopctl(&["gateway", "init", gwdir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("User \"admin\" has password"),
        "{}",
        stderr(&out)
    );
    let cfg = gwdir.join("gateway.toml");
    let out = hoopctl(&["gateway", "check", "--config", cfg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("OK"));
    // init never overwrites.
    let again = hoopctl(&["gateway", "init", gwdir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));

    // Unknown keys are named, with their line.
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace(
            "max_duration = \"8h\"",
            "max_duration = \"8h\"\nmax_durration = \"9h\"",
        ),
    )
    .unwrap();
    let out = hoopctl(&["gateway", "check", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown field `max_durration`"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("line "), "{}", stderr(&out));
    std::fs::write(&cfg, &text).unwrap();

    // A connection whose secret is missing, and a policy error with file:line.
    std::fs::write(
        &cfg,
        format!("{text}\n[connections.wh]\nkind = \"postgres\"\nhost = \"db\"\ndatabase = \"wh\"\nuser = \"etl\"\npassword = {{ env = \"HOOPCTL_TEST_NOT_SET_ANYWHERE\" }}\n"),
    )
    .unwrap();
    std::fs::write(
        gwdir.join("policies/default.cedar"),
        "permit (principal, action == Action::\"connect\", resource)\nwhen { context.nonsense };\n",
    )
    .unwrap();
    let out = hoopctl(&["gateway", "check", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.contains("HOOPCTL_TEST_NOT_SET_ANYWHERE is not set"),
        "{e}"
    );
    assert!(e.contains("default.cedar:2:"), "{e}");
    // Serving that config fails with the policy error too, before binding anything.
    let out = hoopctl(&["gateway", "serve", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("policy"), "{}", stderr(&out));
}

#[test]
fn hash_password_reads_stdin() {
    let mut child = Command::new(BIN)
        .args(["gateway", "hash-password"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"s3cret\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let hash = stdout(&out).trim().to_string();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("s3cret"));
    let empty = Command::new(BIN)
        .args(["gateway", "hash-password"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(empty.status.code(), Some(2));
}

#[test]
fn usage_errors_and_not_logged_in_have_their_codes() {
    let client = TestClient::new();
    let out = client.run(&["whoami"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("hoopctl login"), "{}", stderr(&out));
    let out = client.run(&["grant", "request"]);
    assert_eq!(out.status.code(), Some(2));
    let out = client.run(&["login"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--gateway"), "{}", stderr(&out));
    let help = client.run(&["--help"]);
    assert!(stdout(&help).contains("Exit codes:"));
}

#[tokio::test(flavor = "multi_thread")]
async fn device_login_refresh_rotation_replay_and_logout() {
    let gw = TestGateway::start("", &[]);
    let client = TestClient::new();
    // A wrong password does not log in.
    let http = gw.reqwest();
    let da: Value = oauth_form(
        &gw,
        "/oauth/device_authorization",
        &[("client_id", "hoopctl")],
    )
    .await;
    let bad = http
        .post(format!("{}/device", gw.url))
        .form(&[
            ("user_code", da["user_code"].as_str().unwrap()),
            ("username", "alice"),
            ("password", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let poll: Value = oauth_form(
        &gw,
        "/oauth/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", da["device_code"].as_str().unwrap()),
            ("client_id", "hoopctl"),
        ],
    )
    .await;
    assert_eq!(poll["error"], "authorization_pending");
    // Polling again at once earns slow_down (RFC 8628 §3.5).
    let poll: Value = oauth_form(
        &gw,
        "/oauth/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", da["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(poll["error"], "slow_down");

    let out = client.login_device(&gw, "alice", "alice-password").await;
    assert!(out.status.success(), "{}", stderr(&out));
    let creds: Value = serde_json::from_str(
        &std::fs::read_to_string(client.dir.path().join("credentials/default.json")).unwrap(),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(client.dir.path().join("credentials/default.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let refresh = creds["refresh_token"].as_str().unwrap().to_string();
    let t2 = crate::util::refresh(&gw, &refresh).await;
    let access2 = t2["access_token"].as_str().expect("rotated").to_string();
    assert_ne!(t2["refresh_token"].as_str().unwrap(), refresh);
    let who = |tok: String| {
        let http = http.clone();
        let url = gw.url.clone();
        async move {
            http.get(format!("{url}/v1/whoami"))
                .bearer_auth(tok)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(who(access2.clone()).await, 200);
    // Replaying the old refresh token revokes the whole login.
    let replay = crate::util::refresh(&gw, &refresh).await;
    assert_eq!(replay["error"], "invalid_grant");
    assert_eq!(who(access2).await, 401);

    // Logout revokes at the gateway.
    let out = client.login_device(&gw, "alice", "alice-password").await;
    assert!(out.status.success());
    let token = client.token();
    assert_eq!(who(token.clone()).await, 200);
    let out = client.run(&["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("tokens revoked"), "{}", stderr(&out));
    assert_eq!(who(token).await, 401);
    assert_eq!(client.run(&["whoami"]).status.code(), Some(5));
    // Forged tokens are refused.
    assert_eq!(who("hpa_forged".into()).await, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn limits_on_logins_pending_grants_and_code_guessing() {
    if !require_pg() {
        return;
    }
    let db = TestDb::create();
    let gw = TestGateway::start_full(
        &pg_connection("gated", &db),
        &[],
        "[grants]\npending_timeout = \"2s\"\n",
        "max_login_age = \"3s\"\n",
    );
    let http = gw.reqwest();

    // Five wrong passwords for one code, and the code is refused even with the right one.
    let da: Value = oauth_form(
        &gw,
        "/oauth/device_authorization",
        &[("client_id", "hoopctl")],
    )
    .await;
    let code = da["user_code"].as_str().unwrap();
    for _ in 0..5 {
        let r = http
            .post(format!("{}/device", gw.url))
            .form(&[
                ("user_code", code),
                ("username", "alice"),
                ("password", "guess"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = http
        .post(format!("{}/device", gw.url))
        .form(&[
            ("user_code", code),
            ("username", "alice"),
            ("password", "alice-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let poll: Value = oauth_form(
        &gw,
        "/oauth/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", da["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(poll["error"], "access_denied");

    // A login cannot be refreshed past max_login_age.
    let client = TestClient::new();
    let out = client.login_device(&gw, "alice", "alice-password").await;
    assert!(out.status.success(), "{}", stderr(&out));
    let creds: Value = serde_json::from_str(
        &std::fs::read_to_string(client.dir.path().join("credentials/default.json")).unwrap(),
    )
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    let r: Value = oauth_form(
        &gw,
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", creds["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(r["error"], "invalid_grant");
    assert!(
        r["error_description"]
            .as_str()
            .unwrap()
            .contains("max_login_age")
    );

    // A pending grant nobody decides on expires.
    let token = gw.mint("alice");
    let g = request_grant(&gw, &token, "gated", "1h").await;
    assert_eq!(g["status"], "pending");
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let got: Value = http
        .get(format!(
            "{}/v1/grants/{}",
            gw.url,
            g["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "expired");

    // Framework errors are problem details too.
    let r = http
        .post(format!("{}/v1/grants", gw.url))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["code"], "bad_request");
}

#[test]
fn policy_test_explains_decisions_and_check_validates_the_new_schema() {
    let dir = tempfile::tempdir().unwrap();
    let gwdir = dir.path().join("gw");
    assert!(
        hoopctl(&["gateway", "init", gwdir.to_str().unwrap()])
            .status
            .success()
    );
    let cfg = gwdir.join("gateway.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        format!("{text}\n[connections.wh]\nkind = \"postgres\"\nhost = \"db\"\ndatabase = \"wh\"\nuser = \"etl\"\n\n[connections.wh.tables.\"public.patients\"]\ntags = [\"phi\"]\n"),
    )
    .unwrap();
    let c = cfg.to_str().unwrap();
    let t = |args: &[&str]| {
        let mut a = vec!["policy", "test", "--config", c, "--principal", "admin"];
        a.extend_from_slice(args);
        hoopctl(&a)
    };
    let out = t(&[
        "--connection",
        "wh",
        "--sql",
        "select * from orders join patients using (id)",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(s.contains("read    Table::\"wh/public.patients\""), "{s}");
    assert!(s.contains("verdict     allow"), "{s}");
    // The default policy reviews an unbounded DELETE: exit 4, naming the rule.
    let out = t(&["--connection", "wh", "--sql", "delete from orders"]);
    assert_eq!(out.status.code(), Some(4), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("unbounded-write-needs-review"),
        "{}",
        stdout(&out)
    );
    // Nobody may unmask under the default policy: exit 3.
    let out = t(&["--action", "unmask", "--resource", "Connection::\"wh\""]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    // approve_own is denied unless a policy permits it; approve of someone else's is not.
    let out = t(&[
        "--action",
        "approve",
        "--resource",
        "Connection::\"wh\"",
        "--context",
        "{\"requester\": \"someone\"}",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = t(&[
        "--action",
        "approve_own",
        "--resource",
        "Connection::\"wh\"",
    ]);
    assert_eq!(out.status.code(), Some(3));
    // JSON output for scripts.
    let out = hoopctl(&[
        "-o",
        "json",
        "policy",
        "test",
        "--config",
        c,
        "--principal",
        "admin",
        "--connection",
        "wh",
        "--sql",
        "selec 1",
    ]);
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        v["verdict"], "allow",
        "admin may run what the parser cannot read (admin action)"
    );
    assert!(v["parser_error"].is_string());
    assert_eq!(v["requests"][0]["action"], "admin");
    // Usage errors say what to do.
    let out = t(&["--sql", "select 1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--connection"), "{}", stderr(&out));
    let out = hoopctl(&[
        "policy",
        "test",
        "--config",
        c,
        "--principal",
        "nobody",
        "--connection",
        "wh",
        "--sql",
        "select 1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = t(&[
        "--action",
        "read",
        "--resource",
        "Table::\"wh/public.x\"",
        "--context",
        "{\"statement\": {\"kind\": 7}}",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a context that does not fit the schema"
    );

    // `gateway check` validates policies against the new schema, with file:line:col.
    std::fs::write(
        gwdir.join("policies/default.cedar"),
        "permit (principal, action == Action::\"read\", resource)\nwhen { resource.kind == \"x\" };\n",
    )
    .unwrap();
    let out = hoopctl(&["gateway", "check", "--config", c]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("default.cedar:2:"),
        "{}",
        stderr(&out)
    );
    // Options that moved into policy are reported with the way forward.
    std::fs::write(gwdir.join("policies/default.cedar"), crate_default_policy()).unwrap();
    std::fs::write(
        &cfg,
        text.replace("[grants]", "[grants]\nallow_self_approval = true"),
    )
    .unwrap();
    let out = hoopctl(&["gateway", "check", "--config", c]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("approve_own"), "{}", stderr(&out));
}

fn crate_default_policy() -> &'static str {
    hoopctl::gateway::policy::DEFAULT_POLICY
}
