//! The performance harness: the same workloads, side by side in one run, over four paths to one
//! PostgreSQL server —
//!
//! - `direct`: TCP to PostgreSQL;
//! - `pgbouncer`: through pgbouncer in session pooling (the one-hop protocol proxy baseline);
//! - `gateway`: a client holding a test certificate speaking to the gateway's tunnel listener;
//! - `full`: `hoopctl connect` + gateway, as a CI job would use it.
//!
//! Run it with `bench/run` (which installs what is missing). Prints a table, writes JSON, and
//! gives every figure as a ratio to `direct` (and the gateway's to pgbouncer's).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_postgres::{Client, NoTls};

const HOOPCTL: &str = env!("CARGO_BIN_EXE_hoopctl");
const DB: &str = "hoopctl_bench";

type Res<T> = Result<T, String>;

fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(msg.into())
}

#[derive(Clone, Debug)]
struct Opts {
    smoke: bool,
    seconds: u64,
    out: PathBuf,
    scale: u32,
    bulk_rows: u64,
    connects: usize,
    clients: Vec<usize>,
    pg_port: u16,
    durability: Vec<String>,
    perf: Option<PathBuf>,
    /// Rows of the PHI-dense masked stream (memory must stay flat).
    phi_rows: u64,
    /// Only the masking figures.
    masking_only: bool,
}

fn parse_opts() -> Res<Opts> {
    let mut o = Opts {
        smoke: false,
        seconds: 10,
        out: PathBuf::from("bench/results.json"),
        scale: 10,
        bulk_rows: 1_000_000,
        connects: 200,
        clients: vec![1, 8, 32],
        pg_port: 0,
        durability: vec!["sync".into(), "async".into()],
        perf: None,
        phi_rows: 10_000_000,
        masking_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--smoke" => {
                o.smoke = true;
                o.seconds = 1;
                o.scale = 1;
                o.bulk_rows = 20_000;
                o.connects = 10;
                o.clients = vec![1, 8];
                o.phi_rows = 20_000;
            }
            "--phi-rows" => o.phi_rows = num(args.next())?,
            "--masking-only" => o.masking_only = true,
            "--seconds" => o.seconds = num(args.next())?,
            "--out" => o.out = PathBuf::from(args.next().ok_or("--out needs a path")?),
            "--scale" => o.scale = num(args.next())?,
            "--bulk-rows" => o.bulk_rows = num(args.next())?,
            "--pg-port" => o.pg_port = num(args.next())?,
            "--durability" => {
                let d = args
                    .next()
                    .ok_or("--durability needs sync, async or sync,async")?;
                o.durability = d.split(',').map(str::to_string).collect();
                if o.durability.iter().any(|d| d != "sync" && d != "async") {
                    return fail(format!(
                        "--durability {d:?}: expected sync, async or sync,async"
                    ));
                }
            }
            "--perf" => {
                o.perf = Some(PathBuf::from(
                    args.next().ok_or("--perf needs a directory")?,
                ))
            }
            other => return fail(format!("unknown argument {other:?}; see bench/run --help")),
        }
    }
    Ok(o)
}

fn num<T: std::str::FromStr>(v: Option<String>) -> Res<T> {
    v.as_deref()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "expected a number".to_string())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn psql(port: u16, db: &str, sql: &str) -> Res<String> {
    let out = Command::new("psql")
        .args([
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
        ])
        .args(["-p", &port.to_string(), "-d", db, "-c", sql])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if !out.status.success() {
        return fail(format!(
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A PostgreSQL error with the server's message (tokio-postgres' Display says only "db error").
fn pg_err(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{}: {}", d.code().code(), d.message()),
        None => e.to_string(),
    }
}

fn pg_bin(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .last()
        .map(|v| v.join("bin").join(name))
        .unwrap_or_else(|| PathBuf::from(name))
}

fn as_postgres(cmd: &mut Command) -> Res<std::process::Output> {
    let out = if is_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(cmd.get_program())
            .args(cmd.get_args())
            .output()
    } else {
        cmd.output()
    };
    out.map_err(|e| format!("{:?}: {e}", cmd.get_program()))
}

/// A private PostgreSQL cluster for the run: its own port, `max_connections = 300` (the idle
/// sessions figure needs 100 at once), default durability settings, removed afterwards.
struct PrivatePg {
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePg {
    fn start() -> Res<PrivatePg> {
        let dir = tempfile::Builder::new()
            .prefix("hoopctl-bench-pg-")
            .tempdir_in("/tmp")
            .map_err(|e| e.to_string())?;
        if is_root() {
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .map_err(|e| e.to_string())?;
        }
        let data = dir.path().join("data");
        let out = as_postgres(Command::new(pg_bin("initdb")).arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]))?;
        if !out.status.success() {
            return fail(format!(
                "initdb failed (is the PostgreSQL server package installed?): {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let port = free_port();
        let out = as_postgres(
            Command::new(pg_bin("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.path().join("log"))
                .arg("-w")
                .arg("-o")
                .arg(format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300",
                    dir.path().display()
                ))
                .arg("start"),
        )?;
        if !out.status.success() {
            return fail(format!(
                "pg_ctl start: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(PrivatePg { dir, port })
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let _ = as_postgres(
            Command::new(pg_bin("pg_ctl"))
                .arg("-D")
                .arg(self.dir.path().join("data"))
                .args(["-m", "fast", "stop"]),
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// utime + stime of a process, in clock ticks (1/100 s).
fn cpu_ticks(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// A child process killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The gateway, `hoopctl connect`, pgbouncer, and what is needed to reach each path.
struct Rig {
    _dir: tempfile::TempDir,
    gateway: Proc,
    gateway_addr: std::net::SocketAddr,
    connect: Proc,
    full_port: u16,
    pgbouncer: Option<Proc>,
    bouncer_port: u16,
    tunnel: Arc<rustls::ClientConfig>,
    grant: String,
}

fn wait_for_line(path: &Path, needle: &str, secs: u64) -> Res<String> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains(needle)) {
            return Ok(line.to_string());
        }
        if Instant::now() > deadline {
            return fail(format!(
                "timed out waiting for {needle:?} in {}:\n{text}",
                path.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn start_pgbouncer(dir: &Path, pg_port: u16) -> Res<(Proc, u16)> {
    let bin = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .ok_or("pgbouncer is not installed; bench/run installs it (apt-get install pgbouncer)")?;
    let port = free_port();
    let pdir = dir.join("pgbouncer");
    std::fs::create_dir_all(&pdir).map_err(|e| e.to_string())?;
    std::fs::write(pdir.join("users.txt"), "\"postgres\" \"\"\n").map_err(|e| e.to_string())?;
    let ini = format!(
        "[databases]\n{DB} = host=127.0.0.1 port={pg_port} dbname={DB}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n\
         unix_socket_dir =\nauth_type = trust\nauth_file = {users}\npool_mode = session\nmax_client_conn = 500\n\
         default_pool_size = 200\nlogfile = {log}\nignore_startup_parameters = extra_float_digits\n",
        users = pdir.join("users.txt").display(),
        log = pdir.join("pgbouncer.log").display(),
    );
    std::fs::write(pdir.join("pgbouncer.ini"), ini).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(bin);
    if is_root() {
        // pgbouncer refuses to run as root; `-u` makes it switch user itself, so the process we
        // hold (and kill) is pgbouncer, not a wrapper.
        Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&pdir)
            .status()
            .map_err(|e| e.to_string())?;
        cmd.args(["-u", "postgres"]);
    }
    let child = cmd
        .arg(pdir.join("pgbouncer.ini"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("pgbouncer: {e}"))?;
    let proc_ = Proc(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return fail("pgbouncer did not start listening within 10s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((proc_, port))
}

/// Masking as `bench/run` measures it: every detector, `redact`.
const MASKING: &str = "[masking.profiles.phi]\n\n";

async fn start_rig(o: &Opts, durability: &str, masking: bool) -> Res<Rig> {
    start_rig_with(o, durability, masking, true).await
}

/// [`start_rig`], with session recordings on or off.
async fn start_rig_with(o: &Opts, durability: &str, masking: bool, recordings: bool) -> Res<Rig> {
    let dir = tempfile::Builder::new()
        .prefix("hoopctl-bench-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let d = dir.path();
    let hash = hoopctl::gateway::auth::hash_password("bench-password")?;
    std::fs::write(
        d.join("policy.cedar"),
        // Every statement permitted (the benchmark measures the full per-statement decision);
        // not `unmask`: the masked paths must stay masked.
        "permit (principal, action in [Action::\"connect\", Action::\"read\", Action::\"write\", Action::\"export\", Action::\"ddl\", Action::\"admin\"], resource);\n",
    )
    .map_err(|e| e.to_string())?;
    let cfg = format!(
        "[gateway]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"data\"\n\n[[auth.users]]\nname = \"bench\"\npassword_hash = \"{hash}\"\ngroups = [\"developers\"]\n\n\
         [policy]\nfiles = [\"policy.cedar\"]\n\n[audit]\ndurability = \"{durability}\"\n\n\
         [recordings]\nenabled = {recordings}\n\n\
         {}[connections.bench]\nkind = \"postgres\"\nhost = \"127.0.0.1\"\nport = {}\ndatabase = \"{DB}\"\nuser = \"postgres\"\n{}",
        if masking { MASKING } else { "" },
        o.pg_port,
        if masking { "masking = \"phi\"\n" } else { "" },
    );
    let cfg_path = d.join("gateway.toml");
    std::fs::write(&cfg_path, cfg).map_err(|e| e.to_string())?;
    let log = d.join("gateway.log");
    let child = Command::new(HOOPCTL)
        .args(["gateway", "serve", "--config"])
        .arg(&cfg_path)
        .env("HOOPCTL_LOG", "warn")
        .envs(
            std::env::var("HOOPCTL_BENCH_GATEWAY_THREADS")
                .ok()
                .map(|n| ("TOKIO_WORKER_THREADS", n)),
        )
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| format!("gateway: {e}"))?;
    let gateway = Proc(child);
    let line = wait_for_line(&log, "listening on https://", 60)?;
    let addr: std::net::SocketAddr = line
        .split("https://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .ok_or("cannot parse the gateway address")?;
    let url = format!("https://{addr}");
    let ca = d.join("data/ca.pem");
    let client_dir = d.join("client");
    let env = |c: &mut Command| {
        c.env("HOOPCTL_CONFIG_DIR", &client_dir)
            .env("HOOPCTL_CREDENTIAL_STORE", "file");
    };
    let tok = Command::new(HOOPCTL)
        .args([
            "gateway", "token", "--user", "bench", "--ttl", "12h", "--config",
        ])
        .arg(&cfg_path)
        .output()
        .map_err(|e| e.to_string())?;
    if !tok.status.success() {
        return fail(format!(
            "gateway token: {}",
            String::from_utf8_lossy(&tok.stderr)
        ));
    }
    let token = String::from_utf8_lossy(&tok.stdout).trim().to_string();
    let mut login = Command::new(HOOPCTL);
    env(&mut login);
    let mut login = login
        .args(["login", "--token-stdin", "--gateway", &url, "--ca-file"])
        .arg(&ca)
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = login.stdin.take() {
        stdin
            .write_all(token.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    if !login.wait().map_err(|e| e.to_string())?.success() {
        return fail("hoopctl login --token-stdin failed");
    }
    let mut connect = Command::new(HOOPCTL);
    env(&mut connect);
    let mut child = connect
        .args([
            "-o",
            "json",
            "connect",
            "bench",
            "--reason",
            "benchmark",
            "--duration",
            "8h",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("hoopctl connect: {e}"))?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    let info: Value =
        serde_json::from_str(&first).map_err(|e| format!("connect printed {first:?}: {e}"))?;
    let connect = Proc(child);
    let full_port = info["port"].as_u64().ok_or("no port")? as u16;
    let grant = info["grant"].as_str().ok_or("no grant")?.to_string();

    // The gateway-alone client: its own key and certificate for the same grant.
    let key =
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
    let csr = rcgen::CertificateParams::default()
        .serialize_request(&key)
        .and_then(|c| c.pem())
        .map_err(|e| e.to_string())?;
    let pem = std::fs::read(&ca).map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| e.to_string())?)
        .build()
        .map_err(|e| e.to_string())?;
    let resp: Value = http
        .post(format!("{url}/v1/grants/{grant}/certificate"))
        .bearer_auth(&token)
        .json(&json!({ "csr": csr }))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let tunnel = hoopctl::tls::tunnel_client_config(
        resp["ca"].as_str().ok_or("no ca")?,
        resp["certificate"]
            .as_str()
            .ok_or(format!("no certificate: {resp}"))?,
        &key.serialize_pem(),
    )?;
    let (bouncer, bouncer_port) = start_pgbouncer(d, o.pg_port)?;
    Ok(Rig {
        _dir: dir,
        gateway,
        gateway_addr: addr,
        connect,
        full_port,
        pgbouncer: Some(bouncer),
        bouncer_port,
        tunnel: Arc::new(tunnel),
        grant,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PathKind {
    Direct,
    Pgbouncer,
    Gateway,
    Full,
}

impl PathKind {
    fn name(self) -> &'static str {
        match self {
            PathKind::Direct => "direct",
            PathKind::Pgbouncer => "pgbouncer",
            PathKind::Gateway => "gateway",
            PathKind::Full => "full",
        }
    }
    const ALL: [PathKind; 4] = [
        PathKind::Direct,
        PathKind::Pgbouncer,
        PathKind::Gateway,
        PathKind::Full,
    ];
}

struct Paths {
    pg_port: u16,
    bouncer_port: u16,
    full_port: u16,
    gateway_addr: std::net::SocketAddr,
    tunnel: Arc<rustls::ClientConfig>,
    grant: String,
    /// Tunnel handshakes done, and how many of them resumed a TLS session.
    handshakes: (AtomicU64, AtomicU64),
}

impl Paths {
    fn new(rig: &Rig, pg_port: u16) -> Paths {
        Paths {
            pg_port,
            bouncer_port: rig.bouncer_port,
            full_port: rig.full_port,
            gateway_addr: rig.gateway_addr,
            tunnel: rig.tunnel.clone(),
            grant: rig.grant.clone(),
            handshakes: Default::default(),
        }
    }

    fn tcp_port(&self, p: PathKind) -> Option<u16> {
        match p {
            PathKind::Direct => Some(self.pg_port),
            PathKind::Pgbouncer => Some(self.bouncer_port),
            PathKind::Full => Some(self.full_port),
            PathKind::Gateway => None,
        }
    }

    async fn connect(&self, p: PathKind) -> Res<Client> {
        let mut cfg = tokio_postgres::Config::new();
        cfg.user("postgres").dbname(DB);
        match self.tcp_port(p) {
            Some(port) => {
                cfg.host("127.0.0.1").port(port);
                let (c, conn) = cfg
                    .connect(NoTls)
                    .await
                    .map_err(|e| format!("{}: {}", p.name(), pg_err(&e)))?;
                tokio::spawn(conn);
                Ok(c)
            }
            None => {
                use tokio::io::AsyncWriteExt;
                let tcp = tokio::net::TcpStream::connect(self.gateway_addr)
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = tcp.set_nodelay(true);
                let name = rustls::pki_types::ServerName::try_from("127.0.0.1")
                    .map_err(|e| e.to_string())?;
                let mut tls = tokio_rustls::TlsConnector::from(self.tunnel.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(|e| format!("tunnel: {e}"))?;
                self.handshakes.0.fetch_add(1, Ordering::Relaxed);
                if tls.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed) {
                    self.handshakes.1.fetch_add(1, Ordering::Relaxed);
                }
                let pre = hoopctl::proto::preamble::Preamble {
                    grant: self.grant.clone(),
                    connection: "bench".into(),
                };
                tls.write_all(&pre.encode())
                    .await
                    .map_err(|e| e.to_string())?;
                let (c, conn) = cfg
                    .connect_raw(tls, NoTls)
                    .await
                    .map_err(|e| format!("gateway: {}", pg_err(&e)))?;
                tokio::spawn(conn);
                Ok(c)
            }
        }
    }
}

/// Our load generator: `clients` connections running `script` for `secs`; returns TPS.
async fn loadgen(
    paths: &Arc<Paths>,
    p: PathKind,
    clients: usize,
    tpcb: bool,
    secs: u64,
    scale: u32,
) -> Res<f64> {
    let mut conns = Vec::new();
    for _ in 0..clients {
        conns.push(paths.connect(p).await?);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in conns {
        let (stop, count) = (stop.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            let accounts = 100_000 * scale as u64;
            while !stop.load(Ordering::Relaxed) {
                let aid = rand::random_range(1..=accounts);
                let r = if tpcb {
                    let tid = rand::random_range(1..=10 * scale as u64);
                    let bid = rand::random_range(1..=scale as u64);
                    let delta = rand::random_range(-5000..=5000i64);
                    tpcb_txn(&c, aid, tid, bid, delta).await
                } else {
                    c.simple_query(&format!(
                        "SELECT abalance FROM pgbench_accounts WHERE aid = {aid}"
                    ))
                    .await
                    .map(|_| ())
                };
                if let Err(e) = r {
                    return Err(pg_err(&e));
                }
                count.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    Ok(count.load(Ordering::Relaxed) as f64 / elapsed)
}

async fn tpcb_txn(
    c: &Client,
    aid: u64,
    tid: u64,
    bid: u64,
    delta: i64,
) -> Result<(), tokio_postgres::Error> {
    c.simple_query("BEGIN").await?;
    c.simple_query(&format!(
        "UPDATE pgbench_accounts SET abalance = abalance + {delta} WHERE aid = {aid}"
    ))
    .await?;
    c.simple_query(&format!(
        "SELECT abalance FROM pgbench_accounts WHERE aid = {aid}"
    ))
    .await?;
    c.simple_query(&format!(
        "UPDATE pgbench_tellers SET tbalance = tbalance + {delta} WHERE tid = {tid}"
    ))
    .await?;
    c.simple_query(&format!(
        "UPDATE pgbench_branches SET bbalance = bbalance + {delta} WHERE bid = {bid}"
    ))
    .await?;
    c.simple_query(&format!(
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ({tid}, {bid}, {aid}, {delta}, CURRENT_TIMESTAMP)"
    ))
    .await?;
    c.simple_query("END").await?;
    Ok(())
}

/// The real pgbench against a TCP path; returns TPS.
fn pgbench(port: u16, clients: usize, tpcb: bool, secs: u64) -> Res<f64> {
    let mut cmd = Command::new("pgbench");
    cmd.args([
        "-n",
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-p",
        &port.to_string(),
    ])
    .args([
        "-c",
        &clients.to_string(),
        "-j",
        &clients.min(2).to_string(),
    ])
    .args(["-T", &secs.to_string()]);
    if !tpcb {
        cmd.arg("-S");
    }
    let out = cmd.arg(DB).output().map_err(|e| format!("pgbench: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return fail(format!(
            "pgbench failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no tps in pgbench output: {text}"))
}

/// Streams `rows` rows of 1000 bytes; returns (seconds, MB/s) and the peak RSS of `watch`.
async fn bulk(
    paths: &Arc<Paths>,
    p: PathKind,
    rows: u64,
    watch: &[u32],
) -> Res<(f64, f64, Vec<u64>)> {
    let c = paths.connect(p).await?;
    let peak: Arc<Vec<AtomicU64>> = Arc::new(watch.iter().map(|_| AtomicU64::new(0)).collect());
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done, pids) = (peak.clone(), done.clone(), watch.to_vec());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                for (i, pid) in pids.iter().enumerate() {
                    peak[i].fetch_max(rss_kib(*pid), Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let start = Instant::now();
    let sql = format!("SELECT repeat('x', 1000) FROM generate_series(1, {rows})");
    let stream = c
        .query_raw(sql.as_str(), std::iter::empty::<i32>())
        .await
        .map_err(|e| format!("{}: {e}", p.name()))?;
    tokio::pin!(stream);
    let mut bytes = 0u64;
    while let Some(row) = stream.next().await {
        let row = row.map_err(|e| e.to_string())?;
        let s: &str = row.get(0);
        bytes += s.len() as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    if bytes != rows * 1000 {
        return fail(format!(
            "{}: received {bytes} bytes, expected {}",
            p.name(),
            rows * 1000
        ));
    }
    Ok((
        secs,
        bytes as f64 / 1e6 / secs,
        peak.iter().map(|a| a.load(Ordering::Relaxed)).collect(),
    ))
}

/// Streams `rows` rows that each carry an SSN through the (masked) gateway alone; checks that
/// none arrives raw; returns (seconds, rows/s, peak RSS of `pid`).
async fn phi_stream(paths: &Arc<Paths>, rows: u64, pid: u32) -> Res<(f64, f64, u64)> {
    let c = paths.connect(PathKind::Gateway).await?;
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let start = Instant::now();
    let sql = format!(
        "SELECT g, 'Pt ' || g || ' SSN 123-45-' || lpad((g % 9999 + 1)::text, 4, '0') \
         FROM generate_series(1, {rows}) g"
    );
    let stream = c
        .query_raw(sql.as_str(), std::iter::empty::<i32>())
        .await
        .map_err(|e| format!("PHI stream: {e}"))?;
    tokio::pin!(stream);
    let mut n = 0u64;
    while let Some(row) = stream.next().await {
        let row = row.map_err(|e| e.to_string())?;
        let s: &str = row.get(1);
        if s.contains("123-45-") {
            return fail(format!("PHI stream: a raw SSN reached the client: {s}"));
        }
        n += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    if n != rows {
        return fail(format!("PHI stream: received {n} rows, expected {rows}"));
    }
    Ok((secs, rows as f64 / secs, peak.load(Ordering::Relaxed)))
}

/// Connect + `SELECT 1` + close, `n` times in sequence; returns (p50, p99) in ms.
async fn setup_latency(paths: &Arc<Paths>, p: PathKind, n: usize) -> Res<(f64, f64)> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let c = paths.connect(p).await?;
        c.simple_query("SELECT 1")
            .await
            .map_err(|e| e.to_string())?;
        v.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(c);
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Ok((pct(0.5), pct(0.99)))
}

#[derive(Default)]
struct Table {
    rows: Vec<(String, String, BTreeMap<&'static str, f64>)>,
}

impl Table {
    fn add(&mut self, metric: &str, unit: &str, p: PathKind, v: f64) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.0 == metric) {
            r.2.insert(p.name(), v);
        } else {
            let mut m = BTreeMap::new();
            m.insert(p.name(), v);
            self.rows.push((metric.to_string(), unit.to_string(), m));
        }
        eprintln!("  {metric:<34} {:<10} {v:>12.2} {unit}", p.name());
    }

    fn render(&self) -> String {
        let mut s = format!(
            "{:<34} {:>8} | {:>16} {:>16} {:>16} {:>16} | {:>9}\n",
            "metric", "unit", "direct", "pgbouncer", "gateway", "full", "gw/bouncer"
        );
        s.push_str(&format!("{}\n", "-".repeat(34 + 9 + 3 + 17 * 4 + 12)));
        for (metric, unit, m) in &self.rows {
            let direct = m.get("direct").copied();
            let cell = |k: &str| match (m.get(k), direct) {
                (Some(v), Some(d)) if d != 0.0 && k != "direct" => {
                    format!("{v:.1} ({:.2}x)", v / d)
                }
                (Some(v), _) => format!("{v:.1}"),
                (None, _) => "-".into(),
            };
            let gb = match (m.get("gateway"), m.get("pgbouncer")) {
                (Some(g), Some(b)) if *b != 0.0 => format!("{:.2}x", g / b),
                _ => "-".into(),
            };
            s.push_str(&format!(
                "{metric:<34} {unit:>8} | {:>16} {:>16} {:>16} {:>16} | {gb:>9}\n",
                cell("direct"),
                cell("pgbouncer"),
                cell("gateway"),
                cell("full")
            ));
        }
        s
    }

    fn json(&self) -> Value {
        let mut out = Vec::new();
        for (metric, unit, m) in &self.rows {
            let direct = m.get("direct").copied();
            let mut o = json!({ "metric": metric, "unit": unit });
            for (k, v) in m {
                o[*k] = json!(v);
                if let Some(d) = direct
                    && d != 0.0
                    && *k != "direct"
                {
                    o[format!("{k}_to_direct")] = json!(v / d);
                }
            }
            if let (Some(g), Some(b)) = (m.get("gateway"), m.get("pgbouncer"))
                && *b != 0.0
            {
                o["gateway_to_pgbouncer"] = json!(g / b);
            }
            out.push(o);
        }
        Value::Array(out)
    }
}

fn machine() -> Value {
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let kernel = Command::new("uname")
        .arg("-r")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    json!({
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": cpu, "memory": mem, "kernel": kernel,
    })
}

async fn run(mut o: Opts) -> Res<()> {
    let _cluster = if o.pg_port == 0 {
        let c = PrivatePg::start()?;
        o.pg_port = c.port;
        eprintln!("== private PostgreSQL cluster on 127.0.0.1:{}", c.port);
        Some(c)
    } else {
        None
    };
    // A fresh pgbench database every run.
    psql(
        o.pg_port,
        "postgres",
        &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
    )?;
    psql(o.pg_port, "postgres", &format!("CREATE DATABASE {DB}"))?;
    let init = Command::new("pgbench")
        .args([
            "-i",
            "-q",
            "-s",
            &o.scale.to_string(),
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-p",
            &o.pg_port.to_string(),
            DB,
        ])
        .output()
        .map_err(|e| format!("pgbench is not installed or failed to start: {e}"))?;
    if !init.status.success() {
        return fail(format!(
            "pgbench -i: {}",
            String::from_utf8_lossy(&init.stderr)
        ));
    }
    let pg_version = psql(o.pg_port, DB, "SHOW server_version")?;
    let mut table = Table::default();
    let mut extra = serde_json::Map::new();
    let secs = o.seconds;

    if let Some(dir) = &o.perf {
        return profile(&o, dir).await;
    }
    for (i, durability) in o.durability.iter().enumerate() {
        if o.masking_only {
            break;
        }
        let mut rig = start_rig(&o, durability, false).await?;
        let paths = Arc::new(Paths::new(&rig, o.pg_port));
        if i > 0 {
            // Other audit durability modes: the statement-heavy figures only, as extra rows.
            eprintln!("== audit durability {durability}");
            for (label, tpcb) in [("select-only", false), ("tpcb", true)] {
                for p in [PathKind::Gateway, PathKind::Full] {
                    let tps = loadgen(&paths, p, 8, tpcb, secs, o.scale).await?;
                    table.add(
                        &format!("loadgen {label} c=8 [audit {durability}]"),
                        "tps",
                        p,
                        tps,
                    );
                }
            }
            continue;
        }
        let gw_pid = rig.gateway.0.id();
        let cl_pid = rig.connect.0.id();
        eprintln!(
            "== audit durability {durability}: gateway pid {gw_pid}, hoopctl connect pid {cl_pid}"
        );
        // Warm-up: one connection per path, so every path has its caches and pools primed.
        for p in PathKind::ALL {
            let c = paths.connect(p).await?;
            c.simple_query("SELECT 1")
                .await
                .map_err(|e| e.to_string())?;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        extra.insert(
            "rss_at_rest_kib".into(),
            json!({"gateway": rss_kib(gw_pid), "client": rss_kib(cl_pid)}),
        );

        for &clients in &o.clients {
            for (label, tpcb) in [("select-only", false), ("tpcb", true)] {
                for p in [PathKind::Direct, PathKind::Pgbouncer, PathKind::Full] {
                    let port = paths.tcp_port(p).ok_or("no port")?;
                    let tps = tokio::task::block_in_place(|| pgbench(port, clients, tpcb, secs))?;
                    table.add(&format!("pgbench {label} c={clients}"), "tps", p, tps);
                }
                for p in PathKind::ALL {
                    let tps = loadgen(&paths, p, clients, tpcb, secs, o.scale).await?;
                    table.add(&format!("loadgen {label} c={clients}"), "tps", p, tps);
                }
            }
        }
        let mut peaks = serde_json::Map::new();
        for p in PathKind::ALL {
            let (s, mbps, peak) = bulk(&paths, p, o.bulk_rows, &[gw_pid, cl_pid]).await?;
            table.add(
                &format!("bulk select {} MB", o.bulk_rows / 1000),
                "MB/s",
                p,
                mbps,
            );
            table.add(
                &format!("bulk select {} MB wall", o.bulk_rows / 1000),
                "s",
                p,
                s,
            );
            peaks.insert(
                p.name().into(),
                json!({"gateway_kib": peak[0], "client_kib": peak[1]}),
            );
        }
        extra.insert("rss_peak_while_streaming_kib".into(), Value::Object(peaks));
        for p in PathKind::ALL {
            let (p50, p99) = setup_latency(&paths, p, o.connects).await?;
            table.add("connect + first query p50", "ms", p, p50);
            table.add("connect + first query p99", "ms", p, p99);
        }
        let (done, resumed) = (
            paths.handshakes.0.load(Ordering::Relaxed),
            paths.handshakes.1.load(Ordering::Relaxed),
        );
        eprintln!("  gateway-alone tunnel handshakes: {done}, of which resumed: {resumed}");
        extra.insert(
            "tunnel_handshakes".into(),
            json!({"total": done, "resumed": resumed}),
        );
        // 100 idle sessions through the full path. pgbouncer goes first: its pooled server
        // connections would count against PostgreSQL's max_connections.
        rig.pgbouncer = None;
        let mut idle = Vec::new();
        for _ in 0..100 {
            let c = paths.connect(PathKind::Full).await?;
            c.simple_query("SELECT 1")
                .await
                .map_err(|e| e.to_string())?;
            idle.push(c);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        extra.insert(
            "rss_100_idle_sessions_kib".into(),
            json!({"gateway": rss_kib(gw_pid), "client": rss_kib(cl_pid)}),
        );
        drop(idle);
    }
    // Recordings on and off, back to back in one run: what recording costs the statement path
    // and a bulk stream (no masking, the first audit mode).
    if !o.masking_only {
        for on in [true, false] {
            let rig = start_rig_with(&o, &o.durability[0], false, on).await?;
            let paths = Arc::new(Paths::new(&rig, o.pg_port));
            let tag = if on { "on" } else { "off" };
            eprintln!("== recordings {tag}");
            for p in [PathKind::Gateway, PathKind::Full] {
                let tps = loadgen(&paths, p, 8, false, secs, o.scale).await?;
                table.add(
                    &format!("loadgen select-only c=8 [recordings {tag}]"),
                    "tps",
                    p,
                    tps,
                );
            }
            let (_, mbps, _) = bulk(&paths, PathKind::Gateway, o.bulk_rows, &[]).await?;
            table.add(
                &format!("bulk select {} MB [recordings {tag}]", o.bulk_rows / 1000),
                "MB/s",
                PathKind::Gateway,
                mbps,
            );
        }
    }
    // Masking on (every detector, `redact`): the bulk SELECT and the select-only load again.
    // The bulk rows are clean text, so this is the cost of inspecting every value; the engine's
    // cost on PHI-dense text is `cargo bench --bench masking`.
    if o.masking_only {
        // The masking-off side of the comparison, in the same run.
        let rig = start_rig(&o, &o.durability[0], false).await?;
        let paths = Arc::new(Paths::new(&rig, o.pg_port));
        eprintln!("== masking off");
        for p in [PathKind::Direct, PathKind::Gateway, PathKind::Full] {
            let (_, mbps, _) = bulk(&paths, p, o.bulk_rows, &[]).await?;
            table.add(
                &format!("bulk select {} MB", o.bulk_rows / 1000),
                "MB/s",
                p,
                mbps,
            );
            if p != PathKind::Direct {
                let tps = loadgen(&paths, p, 8, false, secs, o.scale).await?;
                table.add("loadgen select-only c=8", "tps", p, tps);
            }
        }
    }
    {
        let rig = start_rig(&o, &o.durability[0], true).await?;
        let paths = Arc::new(Paths::new(&rig, o.pg_port));
        eprintln!("== masking on");
        for p in [PathKind::Gateway, PathKind::Full] {
            let (_, mbps, _) = bulk(&paths, p, o.bulk_rows, &[]).await?;
            table.add(
                &format!("bulk select {} MB [masking on]", o.bulk_rows / 1000),
                "MB/s",
                p,
                mbps,
            );
            let tps = loadgen(&paths, p, 8, false, secs, o.scale).await?;
            table.add("loadgen select-only c=8 [masking on]", "tps", p, tps);
        }
        // Streaming: a PHI-dense result of `phi_rows` rows (every row an SSN to rewrite)
        // through the masked gateway; its memory must not grow with the result.
        let gw_pid = rig.gateway.0.id();
        let at_rest = rss_kib(gw_pid);
        let (secs_phi, rows_per_s, peak) = phi_stream(&paths, o.phi_rows, gw_pid).await?;
        table.add(
            &format!("PHI stream {} M rows [masking on]", o.phi_rows as f64 / 1e6),
            "rows/s",
            PathKind::Gateway,
            rows_per_s,
        );
        eprintln!(
            "   PHI stream: {} rows in {secs_phi:.1} s; gateway RSS {at_rest} KiB before, peak {peak} KiB",
            o.phi_rows
        );
        extra.insert(
            "masked_phi_stream".into(),
            json!({"rows": o.phi_rows, "seconds": secs_phi, "gateway_rss_before_kib": at_rest, "gateway_rss_peak_kib": peak}),
        );
    }

    let rendered = table.render();
    println!("\n{rendered}");
    let mem = |k: &str| extra.get(k).cloned().unwrap_or(Value::Null);
    println!(
        "resident memory (KiB): at rest {}, with 100 idle sessions {}",
        mem("rss_at_rest_kib"),
        mem("rss_100_idle_sessions_kib")
    );
    println!(
        "peak while streaming (KiB): {}",
        mem("rss_peak_while_streaming_kib")
    );
    let report = json!({
        "machine": machine(),
        "postgresql": pg_version,
        "options": {"seconds": o.seconds, "scale": o.scale, "bulk_rows": o.bulk_rows, "connects": o.connects, "smoke": o.smoke},
        "results": table.json(),
        "memory": Value::Object(extra),
        "table": rendered,
    });
    if let Some(parent) = o.out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(
        &o.out,
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    println!("JSON written to {}", o.out.display());
    psql(
        o.pg_port,
        "postgres",
        &format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"),
    )?;
    Ok(())
}

/// `--perf DIR`: samples the gateway and `hoopctl connect` with `perf record` while the
/// select-only load runs at 8 clients through the full path, once per audit durability mode,
/// and prints where their CPU time goes.
async fn profile(o: &Opts, dir: &Path) -> Res<()> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for durability in &o.durability {
        let rig = start_rig(o, durability, false).await?;
        let paths = Arc::new(Paths::new(&rig, o.pg_port));
        let mut recs = Vec::new();
        for (who, pid) in [
            ("gateway", rig.gateway.0.id()),
            ("client", rig.connect.0.id()),
        ] {
            let data = dir.join(format!("{durability}-{who}.data"));
            let child = Command::new("perf")
                .args(["record", "-F", "499", "-o"])
                .arg(&data)
                .args(["-p", &pid.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("perf is not installed (apt-get install linux-perf): {e}"))?;
            recs.push((who, data, child));
        }
        let pids = [rig.gateway.0.id(), rig.connect.0.id(), std::process::id()];
        let before: Vec<u64> = pids.iter().map(|p| cpu_ticks(*p)).collect();
        let tps = loadgen(&paths, PathKind::Full, 8, false, o.seconds, o.scale).await?;
        let used: Vec<f64> = pids
            .iter()
            .zip(&before)
            .map(|(p, b)| (cpu_ticks(*p) - b) as f64 / 100.0 / (tps * o.seconds as f64) * 1e6)
            .collect();
        println!(
            "\n== audit {durability}: select-only c=8 full path: {tps:.0} tps; CPU per transaction: gateway {:.0} us, hoopctl connect {:.0} us, load generator {:.0} us",
            used[0], used[1], used[2]
        );
        for (who, data, mut child) in recs {
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            let _ = child.wait();
            let rep = Command::new("perf")
                .args([
                    "report",
                    "--stdio",
                    "--no-children",
                    "--sort",
                    "dso,symbol",
                    "--percent-limit",
                    "1.5",
                    "-i",
                ])
                .arg(&data)
                .output()
                .map_err(|e| e.to_string())?;
            println!("-- {who} ({durability}) --");
            for l in String::from_utf8_lossy(&rep.stdout)
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            {
                println!("{l}");
            }
        }
    }
    Ok(())
}

fn main() {
    hoopctl::tls::install_provider();
    let opts = match parse_opts() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(opts)) {
        eprintln!("bench FAILED: {e}");
        std::process::exit(1);
    }
}
