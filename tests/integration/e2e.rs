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
    if !require_pg() {
        return;
    }
    let db = TestDb::create();
    let conns = format!(
        "[connections.pg]\nkind = \"postgres\"\nhost = \"127.0.0.1\"\nport = 5432\ndatabase = \"{}\"\nuser = \"{}\"\n",
        db.name, db.role
    );
    let gw = TestGateway::start(&conns, &[]);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
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
