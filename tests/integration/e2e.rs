//! Acceptance 1 and 5: end to end as a user would, with the target password only on the gateway.

use std::time::{Duration, Instant};

use crate::util::*;

#[tokio::test(flavor = "multi_thread")]
async fn psql_through_device_login_never_sees_the_target_password() {
    if !require_pg() {
        return;
    }
    let pg = PgCluster::start();
    let password = format!("scram-secret-{}", rand_suffix());
    let md5_password = format!("md5-secret-{}", rand_suffix());
    pg.sql(
        "postgres",
        &format!("CREATE ROLE app LOGIN PASSWORD '{password}'"),
    );
    pg.sql("postgres", "CREATE DATABASE appdb OWNER app");
    pg.sql("appdb", "CREATE TABLE patients (id int, name text); INSERT INTO patients VALUES (1, 'Ada'), (2, 'Grace')");
    pg.sql("appdb", "ALTER TABLE patients OWNER TO app");
    pg.sql(
        "postgres",
        "SET password_encryption = 'md5'; CREATE ROLE legacy LOGIN PASSWORD 'x'",
    );
    pg.sql(
        "postgres",
        &format!("SET password_encryption = 'md5'; ALTER ROLE legacy PASSWORD '{md5_password}'"),
    );
    pg.sql("postgres", "CREATE DATABASE md5db OWNER legacy");
    let stored = pg.sql(
        "postgres",
        "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'",
    );
    assert!(
        stored.starts_with("SCRAM-SHA-256$"),
        "role must have a SCRAM verifier: {stored}"
    );

    let conns = format!(
        "[connections.pg]\nkind = \"postgres\"\nhost = \"127.0.0.1\"\nport = {port}\ndatabase = \"appdb\"\nuser = \"app\"\npassword = {{ env = \"PG_APP_PASSWORD\" }}\n\n\
         [connections.legacy]\nkind = \"postgres\"\nhost = \"127.0.0.1\"\nport = {port}\ndatabase = \"md5db\"\nuser = \"legacy\"\npassword = {{ env = \"PG_LEGACY_PASSWORD\" }}\n",
        port = pg.port
    );
    let gw = TestGateway::start(
        &conns,
        &[
            ("PG_APP_PASSWORD", &password),
            ("PG_LEGACY_PASSWORD", &md5_password),
        ],
    );

    let client = TestClient::new();
    let login = client.login_device(&gw, "alice", "alice-password").await;
    assert!(login.status.success(), "login failed: {}", stderr(&login));
    assert!(
        stdout(&login).contains("\"identity\":\"alice\""),
        "{}",
        stdout(&login)
    );
    assert!(client.ok(&["whoami"]).contains("alice"));

    let out = client.run(&[
        "connect",
        "pg",
        "--reason",
        "e2e test",
        "--",
        "psql",
        "-X",
        "-c",
        "select name from patients order by id",
    ]);
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "connect failed:\n{o}\n{e}");
    assert!(
        o.contains("Ada") && o.contains("Grace") && o.contains("(2 rows)"),
        "{o}"
    );

    // md5 target authentication, too.
    let out2 = client.run(&[
        "connect",
        "legacy",
        "--reason",
        "md5 check",
        "--",
        "psql",
        "-X",
        "-At",
        "-c",
        "select current_user",
    ]);
    assert!(out2.status.success(), "{}", stderr(&out2));
    assert_eq!(stdout(&out2).trim(), "legacy");

    // Invariant 1: no file, environment variable, argument or output on the client side holds
    // a target password.
    let files = client.all_files();
    for secret in [&password, &md5_password] {
        assert!(
            !files.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "client files hold a target password"
        );
        for o in [&out, &out2, &login] {
            assert!(
                !stdout(o).contains(secret.as_str()) && !stderr(o).contains(secret.as_str()),
                "client output holds a target password"
            );
        }
        assert!(
            std::env::vars().all(|(_, v)| !v.contains(secret.as_str())),
            "test env holds the password"
        );
        assert!(
            !gw.log_text().contains(secret.as_str()),
            "gateway log holds a target password"
        );
        // Nor does any session recording, compressed or not (issue 7).
        let recordings: Vec<_> = std::fs::read_dir(gw.dir.path().join("data/recordings"))
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        assert!(recordings.len() >= 2, "both sessions were recorded");
        for r in &recordings {
            let (stream, _) = crate::recordings::stream_bytes(r);
            for hay in [r, &stream] {
                assert!(
                    !hay.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "a recording holds a target password"
                );
            }
        }
    }
    let mut cmd = client.cmd();
    cmd.args(["connect", "pg", "--reason", "env scan", "--", "env"]);
    let env_out = cmd.output().unwrap();
    assert!(env_out.status.success());
    let env_text = stdout(&env_out);
    assert!(
        env_text.contains("PGHOST=127.0.0.1") && env_text.contains("DATABASE_URL=postgresql://"),
        "{env_text}"
    );
    assert!(!env_text.contains(&password));

    // Acceptance 5: every statement is in the audit log with identity and grant.
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let events = audit(&admin, &["--connection", "pg"]);
    let q = events
        .iter()
        .find(|e| e["kind"] == "query" && e["statement"] == "select name from patients order by id")
        .unwrap_or_else(|| panic!("statement not audited: {events:#?}"));
    assert_eq!(q["identity"], "alice");
    assert!(q["grant_id"].as_str().unwrap().starts_with("gr_"));
    assert_eq!(q["outcome"], "ok");
    assert_eq!(q["rows"], 2);
    assert!(events.iter().any(|e| e["kind"] == "session_open"));
    assert!(events.iter().any(|e| e["kind"] == "session_close"));
    // Non-admins may not read the audit log.
    let denied = client.run(&["audit", "list"]);
    assert!(!denied.status.success());
    assert!(stderr(&denied).contains("admin"), "{}", stderr(&denied));
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_event_is_stored_before_the_target_sees_the_statement() {
    let Some(Setup { gw, db, alice }) = setup_pg() else {
        return;
    };
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");

    // Hold an advisory lock from outside so the audited statement blocks inside the target.
    let (holder, conn) = tokio_postgres::connect(
        &format!("host=127.0.0.1 user=postgres dbname={}", db.name),
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    let key = 7_000_000 + (rand::random::<u32>() % 1_000_000) as i64;
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&key])
        .await
        .unwrap();
    let sql = format!("select pg_advisory_lock({key}) /* audit-order */");
    let mut run = alice.cmd();
    run.args([
        "connect", "pg", "--reason", "ordering", "--", "psql", "-X", "-c", &sql,
    ]);
    let child = run.spawn().unwrap();

    // From the target side: wait until PostgreSQL is executing the statement…
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let n: i64 = holder
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE query = $1",
                &[&sql],
            )
            .await
            .unwrap()
            .get(0);
        if n == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "statement never reached the target"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // …and at that moment the event is already in the gateway's store.
    let events = audit(&admin, &["--connection", "pg"]);
    let e = events
        .iter()
        .find(|e| e["statement"] == sql.as_str())
        .unwrap_or_else(|| {
            panic!("statement running on the target but not in the audit log: {events:#?}")
        });
    assert_eq!(e["outcome"], "started");
    holder
        .execute("SELECT pg_advisory_unlock($1)", &[&key])
        .await
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // The outcome is filled in once the target answers.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let events = audit(&admin, &["--connection", "pg"]);
        let e = events
            .iter()
            .find(|e| e["statement"] == sql.as_str())
            .unwrap();
        if e["outcome"] == "ok" {
            assert_eq!(e["rows"], 1);
            break;
        }
        assert!(Instant::now() < deadline, "outcome never recorded: {e}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_to_the_target_verify_full_and_require() {
    if !require_pg() {
        return;
    }
    let pg = PgCluster::start();
    let password = format!("tls-secret-{}", rand_suffix());
    pg.sql(
        "postgres",
        &format!("CREATE ROLE app LOGIN PASSWORD '{password}'"),
    );
    pg.sql("postgres", "CREATE DATABASE tlsdb OWNER app");
    let ca_dir = tempfile::tempdir().unwrap();
    let good_ca = ca_dir.path().join("target-ca.pem");
    std::fs::write(&good_ca, &pg.ca_pem).unwrap();
    // Any other CA: the gateway's own test CA will do.
    let wrong_ca = ca_dir.path().join("wrong-ca.pem");
    let other = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    std::fs::write(
        &wrong_ca,
        rcgen::CertificateParams::new(vec!["x".to_string()])
            .unwrap()
            .self_signed(&other)
            .unwrap()
            .pem(),
    )
    .unwrap();
    let conn = |name: &str, tls: &str, ca: Option<&std::path::Path>| {
        format!(
            "[connections.{name}]\nkind = \"postgres\"\nhost = \"127.0.0.1\"\nport = {}\ndatabase = \"tlsdb\"\nuser = \"app\"\npassword = {{ env = \"PGPW\" }}\ntls = \"{tls}\"\n{}\n",
            pg.port,
            ca.map(|c| format!("ca_file = \"{}\"\n", c.display()))
                .unwrap_or_default()
        )
    };
    let conns = [
        conn("verified", "verify-full", Some(&good_ca)),
        conn("encrypted", "require", None),
        conn("plain", "disable", None),
        conn("mitm", "verify-full", Some(&wrong_ca)),
    ]
    .concat();
    let gw = TestGateway::start(&conns, &[("PGPW", &password)]);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let ssl_sql = "select ssl from pg_stat_ssl where pid = pg_backend_pid()";
    for name in ["verified", "encrypted"] {
        let out = alice.run(&[
            "connect", name, "--reason", "tls", "--", "psql", "-X", "-At", "-c", ssl_sql,
        ]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(
            stdout(&out).trim(),
            "t",
            "{name} must reach the target over TLS"
        );
    }
    // tlsdb refuses plain TCP (hostssl only): the gateway passes the target's refusal on.
    let out = alice.run(&[
        "connect", "plain", "--reason", "tls", "--", "psql", "-X", "-At", "-c", "select 1",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("refused the session"),
        "{}",
        stderr(&out)
    );
    // A target certificate from the wrong CA is refused by the gateway.
    let out = alice.run(&[
        "connect", "mitm", "--reason", "tls", "--", "psql", "-X", "-At", "-c", "select 1",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("TLS handshake"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_renews_its_certificate_and_passes_exit_status() {
    let Some(Setup { gw, db, alice }) = setup_pg_with("[grants]\ncertificate_ttl = \"12s\"\n")
    else {
        return;
    };

    // The command's exit status is hoopctl's.
    let out = alice.run(&[
        "connect", "pg", "--reason", "status", "--", "sh", "-c", "exit 7",
    ]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));

    // Certificates live 12s here; a tunnel open for longer keeps working because connect renews.
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "renewal"]);
    tokio::time::sleep(Duration::from_secs(16)).await;
    let (client, conn) = tunnel
        .pg_config(&db.name)
        .connect(tokio_postgres::NoTls)
        .await
        .expect("session after renewal");
    tokio::spawn(conn);
    assert_eq!(
        client
            .query_one("SELECT 5::int4", &[])
            .await
            .unwrap()
            .get::<_, i32>(0),
        5
    );
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let issued = audit(&admin, &[])
        .iter()
        .filter(|e| e["kind"] == "certificate_issued")
        .count();
    assert!(
        issued >= 2,
        "expected a renewal, saw {issued} certificate(s)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fast_path_function_calls_are_audited() {
    let Some(Setup { gw, db: _db, alice }) = setup_pg() else {
        return;
    };
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "large object payload").unwrap();
    // psql's \lo_import goes through libpq's large-object API, which uses FunctionCall messages.
    let cmd = format!("\\lo_import {}", file.path().display());
    let out = alice.run(&[
        "connect", "pg", "--reason", "lo", "--", "psql", "-X", "-c", &cmd,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("lo_import"), "{}", stdout(&out));
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let events = audit(&admin, &["--connection", "pg"]);
    let calls: Vec<_> = events
        .iter()
        .filter(|e| e["kind"] == "function_call")
        .collect();
    assert!(calls.len() >= 3, "fast-path calls not audited: {events:#?}");
    assert!(
        calls
            .iter()
            .all(|e| e["identity"] == "alice" && e["outcome"] == "ok"),
        "{calls:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn async_audit_mode_still_records_every_statement() {
    let Some(Setup { gw, db: _db, alice }) = setup_pg_with("[audit]\ndurability = \"async\"\n")
    else {
        return;
    };
    let out = alice.run(&[
        "connect", "pg", "--reason", "async", "--", "psql", "-X", "-At", "-c", "select 1", "-c",
        "select 2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let events = audit(&admin, &["--connection", "pg"]);
        let done = ["select 1", "select 2"].iter().all(|sql| {
            events
                .iter()
                .any(|e| e["statement"] == *sql && e["outcome"] == "ok")
        });
        if done {
            assert!(events.iter().any(|e| e["kind"] == "session_close"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "statements not recorded: {events:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_statement_that_cannot_be_audited_is_not_run() {
    use sqlx::Connection;
    if !require_pg() {
        return;
    }
    let db = TestDb::create();
    let gw = TestGateway::start_with(
        &pg_connection("pg", &db),
        &[],
        "[audit]\nlock_timeout = \"1s\"\n",
    );
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    psql_admin(&db.name, "CREATE TABLE witness (n int)");
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "audit failure"]);
    let (client, conn) = tunnel
        .pg_config(&db.name)
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    let conn = tokio::spawn(conn);
    client.simple_query("SELECT 1").await.unwrap();
    // Another process takes the store's write lock and keeps it: audit writes now fail.
    let store = gw.dir.path().join("data/store.db");
    let mut locker = sqlx::SqliteConnection::connect(&format!("sqlite://{}", store.display()))
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut locker)
        .await
        .unwrap();
    let err = client
        .simple_query("INSERT INTO witness VALUES (1)")
        .await
        .unwrap_err();
    let closed = tokio::time::timeout(Duration::from_secs(10), conn)
        .await
        .unwrap()
        .unwrap();
    let db_msg = |e: &tokio_postgres::Error| e.as_db_error().map(|d| d.message().to_string());
    let msg = db_msg(&err)
        .or_else(|| closed.as_ref().err().and_then(db_msg))
        .unwrap_or_else(|| format!("{err:?} / {closed:?}"));
    assert!(msg.contains("cannot write its audit log"), "{msg}");
    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    // The target never saw the statement.
    assert_eq!(psql_admin(&db.name, "SELECT count(*) FROM witness"), "0");
}
