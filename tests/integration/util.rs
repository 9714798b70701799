//! Helpers: a real gateway process on 127.0.0.1:0, clients with their own config dirs, real
//! PostgreSQL (the machine's server, or a private cluster when a test needs password auth), and
//! a raw mTLS tunnel for the tests that must misbehave on purpose.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{CertificateParams, KeyPair};
use serde_json::Value;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_hoopctl");

/// True when the machine's PostgreSQL answers on 127.0.0.1:5432. Without it a test is skipped
/// loudly — except under CI=true, where it fails.
pub fn require_pg() -> bool {
    if TcpStream::connect_timeout(&"127.0.0.1:5432".parse().unwrap(), Duration::from_secs(2))
        .is_ok()
    {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("PostgreSQL is not reachable on 127.0.0.1:5432 and CI=true: .ci/run must start it");
    }
    eprintln!(
        "\n!!!!! SKIPPING: PostgreSQL is not reachable on 127.0.0.1:5432 — this test did NOT run !!!!!\n"
    );
    false
}

pub fn rand_suffix() -> String {
    let n: u64 = rand::random();
    format!("{n:012x}")[..12].to_string()
}

fn psql_output(db: &str, sql: &str) -> std::io::Result<Output> {
    Command::new("psql")
        .args([
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
        ])
        .args(["-d", db, "-c", sql])
        .output()
}

/// Runs SQL on the machine's server as `postgres` through psql.
pub fn psql_admin(db: &str, sql: &str) -> String {
    let out = psql_output(db, sql).expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A throwaway database and role on the machine's server (trust auth there).
pub struct TestDb {
    pub name: String,
    pub role: String,
}

impl TestDb {
    pub fn create() -> TestDb {
        let s = rand_suffix();
        let db = TestDb {
            name: format!("hoopctl_t_{s}"),
            role: format!("hoopctl_r_{s}"),
        };
        psql_admin(
            "postgres",
            &format!("CREATE ROLE {} LOGIN PASSWORD 'unused-{s}'", db.role),
        );
        psql_admin(
            "postgres",
            &format!("CREATE DATABASE {} OWNER {}", db.name, db.role),
        );
        db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let db = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = psql_output("postgres", &db);
        let _ = psql_output("postgres", &format!("DROP ROLE IF EXISTS {}", self.role));
    }
}

fn pg_bin(name: &str) -> PathBuf {
    let base = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<_> = std::fs::read_dir(base)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .last()
        .map(|v| v.join("bin").join(name))
        .unwrap_or_else(|| PathBuf::from(name))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

/// A private PostgreSQL cluster with password authentication on 127.0.0.1 (SCRAM by default,
/// md5 for roles named `*_md5`), so the gateway's credential handling is exercised for real.
pub struct PgCluster {
    dir: TempDir,
    pub port: u16,
    /// PEM of the CA that signed the cluster's server certificate (for 127.0.0.1).
    pub ca_pem: String,
}

impl PgCluster {
    fn run_as_pg(cmd: &mut Command) -> Output {
        let out = if is_root() {
            let mut c = Command::new("runuser");
            c.arg("-u")
                .arg("postgres")
                .arg("--")
                .arg(cmd.get_program())
                .args(cmd.get_args());
            c.output()
        } else {
            cmd.output()
        };
        out.expect("PostgreSQL tool runs")
    }

    pub fn start() -> PgCluster {
        let dir = tempfile::Builder::new()
            .prefix("hoopctl-pg-")
            .tempdir_in("/tmp")
            .unwrap();
        if is_root() {
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
        }
        let data = dir.path().join("data");
        let out = Self::run_as_pg(Command::new(pg_bin("initdb")).arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ]));
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // md5 for the database md5db, TLS-only for tlsdb, SCRAM for everything else over TCP.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\n\
             hostssl tlsdb all 127.0.0.1/32 scram-sha-256\n\
             host tlsdb all 127.0.0.1/32 reject\n\
             host md5db all 127.0.0.1/32 md5\n\
             host all all 127.0.0.1/32 scram-sha-256\n",
        )
        .unwrap();
        // A server certificate for 127.0.0.1 from a CA of the test's own.
        let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        std::fs::write(data.join("server.crt"), cert.pem()).unwrap();
        std::fs::write(data.join("server.key"), key.serialize_pem()).unwrap();
        if is_root() {
            Command::new("chown")
                .args(["postgres:postgres"])
                .arg(data.join("server.crt"))
                .arg(data.join("server.key"))
                .status()
                .unwrap();
        }
        Command::new("chmod")
            .arg("600")
            .arg(data.join("server.key"))
            .status()
            .unwrap();
        let port = free_port();
        let out = Self::run_as_pg(
            Command::new(pg_bin("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.path().join("log"))
                .arg("-w")
                .arg("-o")
                .arg(format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on",
                    dir.path().display()
                ))
                .arg("start"),
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PgCluster {
            dir,
            port,
            ca_pem: ca_cert.pem(),
        }
    }

    /// Runs SQL as the superuser over the private socket.
    pub fn sql(&self, db: &str, sql: &str) -> String {
        let out = Command::new("psql")
            .args([
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-U",
                "postgres",
                "-d",
                db,
            ])
            .arg("-h")
            .arg(self.dir.path())
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-c")
            .arg(sql)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = Self::run_as_pg(
            Command::new(pg_bin("pg_ctl"))
                .arg("-D")
                .arg(self.dir.path().join("data"))
                .args(["-m", "immediate", "stop"]),
        );
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The users every test gateway has.
pub const USERS: &[(&str, &str, &[&str])] = &[
    ("alice", "alice-password", &["developers"]),
    (
        "bob",
        "bob-password",
        &["developers", "approvers", "admins"],
    ),
    ("carol", "carol-password", &[]),
];

/// Test policy: developers connect anywhere and run anything; "gated*" connections need an
/// approved grant; approvers see unmasked values.
pub const TEST_POLICY: &str = r#"
permit (principal in Group::"developers", action == Action::"connect", resource)
when { context.duration_seconds <= 28800 };

forbid (principal, action == Action::"connect", resource)
when { resource.name like "gated*" }
unless { context.approved };

permit (
  principal in Group::"developers",
  action in [Action::"read", Action::"write", Action::"export", Action::"ddl", Action::"admin"],
  resource
);

permit (principal in Group::"approvers", action == Action::"unmask", resource);

permit (principal in Group::"approvers", action == Action::"approve", resource);
"#;

pub struct TestGateway {
    pub dir: TempDir,
    pub url: String,
    pub addr: std::net::SocketAddr,
    pub config: PathBuf,
    pub ca: PathBuf,
    pub log: PathBuf,
    child: Child,
    /// The environment it was started with (kept for restarts).
    env: Vec<(String, String)>,
}

fn hashes() -> &'static Vec<String> {
    static H: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        USERS
            .iter()
            .map(|(_, pw, _)| hoopctl::gateway::auth::hash_password(pw).unwrap())
            .collect()
    })
}

impl TestGateway {
    /// Starts `hoopctl gateway serve` with the given `[connections.*]` TOML and environment.
    pub fn start(connections: &str, env: &[(&str, &str)]) -> TestGateway {
        Self::start_with(connections, env, "")
    }

    pub fn start_with(connections: &str, env: &[(&str, &str)], extra: &str) -> TestGateway {
        Self::start_full(connections, env, extra, "")
    }

    /// `extra` is appended at top level; `auth_extra` goes inside `[auth]`.
    pub fn start_full(
        connections: &str,
        env: &[(&str, &str)],
        extra: &str,
        auth_extra: &str,
    ) -> TestGateway {
        Self::start_policy(connections, env, extra, auth_extra, TEST_POLICY)
    }

    /// [`TestGateway::start_full`] with its own policy file.
    pub fn start_policy(
        connections: &str,
        env: &[(&str, &str)],
        extra: &str,
        auth_extra: &str,
        policy: &str,
    ) -> TestGateway {
        let dir = tempfile::Builder::new()
            .prefix("hoopctl-gw-")
            .tempdir()
            .unwrap();
        let mut users = String::new();
        for ((name, _, groups), hash) in USERS.iter().zip(hashes()) {
            users.push_str(&format!(
                "[[auth.users]]\nname = \"{name}\"\npassword_hash = \"{hash}\"\ngroups = {groups:?}\n\n"
            ));
        }
        std::fs::write(dir.path().join("policy.cedar"), policy).unwrap();
        let config = dir.path().join("gateway.toml");
        std::fs::write(
            &config,
            format!(
                "[gateway]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"data\"\n\n[auth]\ndevice_poll_interval = \"1s\"\n{auth_extra}\n\n{users}[policy]\nfiles = [\"policy.cedar\"]\n\n{extra}\n{connections}"
            ),
        )
        .unwrap();
        let log = dir.path().join("gateway.log");
        let (child, addr) = serve(&config, &log, env);
        TestGateway {
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            url: format!("https://{addr}"),
            addr,
            ca: dir.path().join("data/ca.pem"),
            config,
            log,
            dir,
            child,
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A reqwest client trusting this gateway's CA.
    pub fn reqwest(&self) -> reqwest::Client {
        let pem = std::fs::read(&self.ca).unwrap();
        reqwest::Client::builder()
            .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).unwrap())
            .build()
            .unwrap()
    }

    /// Mints a token on the gateway host (as an operator would).
    pub fn mint(&self, user: &str) -> String {
        let out = Command::new(BIN)
            .args(["gateway", "token", "--user", user, "--config"])
            .arg(&self.config)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

/// Starts `hoopctl gateway serve` and waits until it listens.
fn serve(config: &Path, log: &Path, env: &[(&str, &str)]) -> (Child, std::net::SocketAddr) {
    let mut cmd = Command::new(BIN);
    cmd.args(["gateway", "serve", "--config"])
        .arg(config)
        .env("HOOPCTL_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let addr = loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(rest) = text.split("listening on https://").nth(1) {
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
        assert!(Instant::now() < deadline, "gateway did not start:\n{text}");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("gateway exited ({status}) instead of starting:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (child, addr)
}

impl TestGateway {
    /// `kill -9`s the gateway and waits for it to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `kill -9`s the gateway, then starts it again on the same address and data directory.
    pub fn crash_and_restart(&mut self) {
        self.kill();
        let text = std::fs::read_to_string(&self.config).unwrap();
        let pinned = text.replace(
            "listen = \"127.0.0.1:0\"",
            &format!("listen = \"{}\"", self.addr),
        );
        std::fs::write(&self.config, pinned).unwrap();
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (child, addr) = serve(&self.config, &self.log, &env);
        assert_eq!(addr, self.addr);
        self.child = child;
    }

    /// Sends SIGHUP (reload) to the gateway process.
    pub fn hangup(&self) {
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::HUP).unwrap();
    }
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A user's machine: its own config dir, file credentials, a clean PG* environment.
pub struct TestClient {
    pub dir: TempDir,
}

impl TestClient {
    pub fn new() -> TestClient {
        TestClient {
            dir: tempfile::Builder::new()
                .prefix("hoopctl-client-")
                .tempdir()
                .unwrap(),
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        c.env("HOOPCTL_CONFIG_DIR", self.dir.path())
            .env("HOOPCTL_CREDENTIAL_STORE", "file")
            .env_remove("HOOPCTL_PROFILE")
            .env_remove("HOOPCTL_OUTPUT")
            .env_remove("PGPASSWORD")
            .env_remove("PGHOST")
            .env_remove("PGPORT")
            .env_remove("PGDATABASE")
            .env_remove("PGUSER")
            .stdin(Stdio::null());
        // A CI job's test run must not look like a CI job to the client under test.
        for v in [
            "HOOPCTL_CI",
            "HOOPCTL_GATEWAY",
            "HOOPCTL_CA_FILE",
            "HOOPCTL_AUDIENCE",
            "HOOPCTL_TOKEN_ENV",
            "HOOPCTL_TOKEN_FILE",
            "HOOPCTL_CI_PROVIDER",
            "GITHUB_ACTIONS",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "GITLAB_CI",
            "CIRCLECI",
            "BUILDKITE",
            "KUBERNETES_SERVICE_HOST",
        ] {
            c.env_remove(v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "hoopctl {args:?} failed ({:?}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["-o", "json"];
        a.extend_from_slice(args);
        serde_json::from_str(self.ok(&a).trim()).unwrap()
    }

    /// Logs in with a token minted on the gateway host.
    pub fn login_token(&self, gw: &TestGateway, user: &str) {
        self.login_with(gw, &gw.mint(user));
    }

    /// `hoopctl login --token-stdin` with `token`.
    pub fn login_with(&self, gw: &TestGateway, token: &str) {
        let mut child = self
            .cmd()
            .args(["login", "--token-stdin", "--gateway", &gw.url, "--ca-file"])
            .arg(&gw.ca)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(token.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "login: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Logs in through the device flow, completing the verification form over HTTP.
    pub async fn login_device(&self, gw: &TestGateway, user: &str, password: &str) -> Output {
        let mut child = self
            .cmd()
            .args(["-o", "json", "login", "--gateway", &gw.url, "--ca-file"])
            .arg(&gw.ca)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        if first.is_empty() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "login printed nothing: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let v: Value = serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first:?}"));
        let code = v["user_code"].as_str().unwrap().to_string();
        let page = gw
            .reqwest()
            .get(v["verification_uri"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        let html = page.text().await.unwrap();
        assert!(
            html.contains("name=\"user_code\"") && html.contains("name=\"password\""),
            "{html}"
        );
        let resp = gw
            .reqwest()
            .post(format!("{}/device", gw.url))
            .form(&[
                ("user_code", code.as_str()),
                ("username", user),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let body = resp.text().await.unwrap();
        if status.is_success() {
            assert!(body.contains("Signed in as"), "{body}");
        }
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        let mut out = child.wait_with_output().unwrap();
        out.stdout = format!("{first}{rest}").into_bytes();
        out
    }

    /// Every byte under the client's config dir.
    pub fn all_files(&self) -> Vec<u8> {
        fn walk(p: &Path, out: &mut Vec<u8>) {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.extend(std::fs::read(&p).unwrap_or_default());
                }
            }
        }
        let mut v = Vec::new();
        walk(self.dir.path(), &mut v);
        v
    }

    /// The stored access token (tests that drive the API directly).
    pub fn token(&self) -> String {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(self.dir.path().join("credentials/default.json")).unwrap(),
        )
        .unwrap();
        v["access_token"].as_str().unwrap().to_string()
    }
}

/// A `hoopctl connect` serving in the background; `port` is where it listens.
pub struct Tunnel {
    child: Child,
    pub port: u16,
    pub info: Value,
}

impl Tunnel {
    pub fn open(client: &TestClient, args: &[&str]) -> Tunnel {
        Self::open_cmd(client.cmd(), args)
    }

    /// [`Tunnel::open`] from a prepared command (a CI job's environment).
    pub fn open_cmd(mut cmd: Command, args: &[&str]) -> Tunnel {
        let mut child = cmd
            .args(["-o", "json", "connect"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("connect printed {line:?}: {e}"));
        Tunnel {
            port: info["port"].as_u64().unwrap() as u16,
            info,
            child,
        }
    }

    /// A tokio-postgres session to `db` through the tunnel, its connection task spawned.
    pub async fn client(&self, db: &str) -> tokio_postgres::Client {
        let (client, conn) = self
            .pg_config(db)
            .connect(tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("tunnel session to {db}: {e}"));
        tokio::spawn(conn);
        client
    }

    pub fn pg_config(&self, db: &str) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        c.host("127.0.0.1")
            .port(self.port)
            .user("ignored")
            .dbname(db)
            .connect_timeout(Duration::from_secs(20));
        c
    }
}

impl Drop for Tunnel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asks the gateway for a client certificate for `grant`, as `hoopctl connect` would.
pub async fn fetch_cert(gw: &TestGateway, token: &str, grant: &str) -> (KeyPair, String, String) {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let csr = CertificateParams::default()
        .serialize_request(&key)
        .unwrap()
        .pem()
        .unwrap();
    let resp = gw
        .reqwest()
        .post(format!("{}/v1/grants/{grant}/certificate", gw.url))
        .bearer_auth(token)
        .json(&serde_json::json!({ "csr": csr }))
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_success(),
        "certificate: {}",
        resp.text().await.unwrap()
    );
    let v: Value = resp.json().await.unwrap();
    (
        key,
        v["certificate"].as_str().unwrap().to_string(),
        v["ca"].as_str().unwrap().to_string(),
    )
}

/// Requests a grant through the API; returns its JSON.
pub async fn request_grant(
    gw: &TestGateway,
    token: &str,
    connection: &str,
    duration: &str,
) -> Value {
    let resp = gw
        .reqwest()
        .post(format!("{}/v1/grants", gw.url))
        .bearer_auth(token)
        .json(
            &serde_json::json!({"connection": connection, "reason": "test", "duration": duration}),
        )
        .send()
        .await
        .unwrap();
    resp.json().await.unwrap()
}

/// Opens a raw mTLS tunnel with the given certificate and key; sends the preamble if given.
pub async fn raw_tunnel(
    gw: &TestGateway,
    ca_pem: &str,
    cert_pem: &str,
    key: &KeyPair,
    preamble: Option<(&str, &str)>,
) -> std::io::Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    use tokio::io::AsyncWriteExt;
    let cfg = hoopctl::tls::tunnel_client_config(ca_pem, cert_pem, &key.serialize_pem()).unwrap();
    let tcp = tokio::net::TcpStream::connect(gw.addr).await?;
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(cfg))
        .connect(name, tcp)
        .await?;
    if let Some((grant, connection)) = preamble {
        let p = hoopctl::proto::preamble::Preamble {
            grant: grant.into(),
            connection: connection.into(),
        };
        tls.write_all(&p.encode()).await?;
    }
    Ok(tls)
}

/// Reads until EOF or 10s; returns the bytes.
pub async fn read_all<S: tokio::io::AsyncRead + Unpin>(s: &mut S) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    out
}

/// The message text of the first ErrorResponse in `bytes`.
pub fn pg_error(bytes: &[u8]) -> Option<(String, String)> {
    let i = bytes.iter().position(|&b| b == b'E')?;
    let (code, msg) = hoopctl::gateway::proxy::postgres::codec::error_fields(&bytes[i..]);
    Some((code, msg))
}

/// A StartupMessage for protocol 3.0.
pub fn startup_packet(params: &[(&str, &str)]) -> Vec<u8> {
    hoopctl::gateway::proxy::postgres::codec::startup_message(params)
}

/// `[connections.NAME]` TOML for a database on the machine's server.
pub fn pg_connection(name: &str, db: &TestDb) -> String {
    format!(
        "[connections.{name}]\nkind = \"postgres\"\nhost = \"127.0.0.1\"\nport = 5432\ndatabase = \"{}\"\nuser = \"{}\"\n\n",
        db.name, db.role
    )
}

/// Audit events as JSON, read with an admin's token.
pub fn audit(admin: &TestClient, args: &[&str]) -> Vec<Value> {
    let mut a = vec!["audit", "list"];
    a.extend_from_slice(args);
    admin.json(&a).as_array().unwrap().clone()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// The common set-up: a gateway with one `pg` connection to a throwaway database, and alice
/// logged in. `None` when PostgreSQL is absent (outside CI).
pub struct Setup {
    pub gw: TestGateway,
    pub db: TestDb,
    pub alice: TestClient,
}

pub fn setup_pg() -> Option<Setup> {
    setup_pg_with("")
}

/// [`setup_pg`] with `extra` config appended at top level.
pub fn setup_pg_with(extra: &str) -> Option<Setup> {
    if !require_pg() {
        return None;
    }
    let db = TestDb::create();
    let gw = TestGateway::start_with(&pg_connection("pg", &db), &[], extra);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    Some(Setup { gw, db, alice })
}

/// Redeems refresh token `rt` at the token endpoint, as the CLI does.
pub async fn refresh(gw: &TestGateway, rt: &str) -> Value {
    oauth_form(
        gw,
        "/oauth/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("client_id", "hoopctl"),
        ],
    )
    .await
}

/// POSTs an OAuth form to the gateway and returns the JSON answer.
pub async fn oauth_form(gw: &TestGateway, path: &str, form: &[(&str, &str)]) -> Value {
    gw.reqwest()
        .post(format!("{}{path}", gw.url))
        .form(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
