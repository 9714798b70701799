//! Issue 6: least privilege per statement. A CI service account allowed to read one table is
//! refused — with SQLSTATE 42501 and an audit event — everything else, however it is written
//! and whichever protocol carries it; on a plain and on a masked connection.

use serde_json::Value;

use crate::issuer::Issuer;
use crate::util::*;
use crate::workload::{AUD, github_claims, github_job};

const POLICY: &str = r#"
@id("etl-connects")
permit (principal == ServiceAccount::"etl", action == Action::"connect", resource);

@id("etl-reads-orders")
permit (principal == ServiceAccount::"etl", action == Action::"read", resource)
when { resource.name == "public.orders" };

@id("admins-audit")
permit (principal in Group::"admins", action == Action::"connect", resource);
"#;

fn config(iss: &Issuer) -> String {
    format!(
        r#"
[[auth.service_accounts]]
name = "etl"

[[auth.workload]]
name = "gha"
kind = "github"
issuer = "{url}"
audience = "{AUD}"
insecure_http = true
algorithms = ["RS256", "ES256"]

[[auth.workload.bindings]]
service_account = "etl"
claims = {{ repository_id = 4242 }}

[masking.profiles.phi]
"#,
        url = iss.url()
    )
}

/// Statements `etl` may not run, each with the action its refusal names.
const REFUSED: &[(&str, &str)] = &[
    ("SELECT * FROM patients", "read"),
    ("select * from \"public\".\"patients\"", "read"),
    ("SeLeCt * FrOm PATIENTS", "read"),
    ("select/**/id/* x */from/**/patients", "read"),
    (
        "select * from orders where id in (select id from patients)",
        "read",
    ),
    ("UPDATE orders SET id = id", "write"),
    ("DELETE FROM orders WHERE id = 1", "write"),
    ("CREATE TABLE stash (id int)", "ddl"),
    ("DROP TABLE orders", "ddl"),
    ("select 1; delete from orders", "write"),
    (
        "with d as (delete from orders returning *) select * from d",
        "write",
    ),
    ("COPY orders TO PROGRAM 'cat'", "export"),
    ("COPY (select 1) TO PROGRAM 'cat'", "admin"),
    ("SET ROLE postgres", "admin"),
    ("set session authorization default", "admin"),
    ("select pg_read_file('/etc/passwd')", "admin"),
    ("select pg_catalog.PG_READ_FILE('/etc/hostname')", "admin"),
    ("do $$ begin delete from orders; end $$", "admin"),
    ("selec * from orders", "admin"),
    ("select '\\'; delete from orders; --'", "write"),
];

async fn count(c: &tokio_postgres::Client) -> i64 {
    c.query_one("SELECT count(*) FROM orders", &[])
        .await
        .unwrap()
        .get(0)
}

fn refusal(e: &tokio_postgres::Error) -> (String, String) {
    let db = e
        .as_db_error()
        .unwrap_or_else(|| panic!("not a server error: {e:?}"));
    (db.code().code().to_string(), db.message().to_string())
}

async fn refusals_hold(tunnel: &Tunnel, db: &str, connection: &str) {
    let c = tunnel.client(db).await;
    assert_eq!(count(&c).await, 3, "reading orders is allowed");
    // Simple protocol, one statement string at a time.
    for (sql, action) in REFUSED {
        let e = c
            .simple_query(sql)
            .await
            .expect_err(&format!("{connection}: {sql:?} must be refused"));
        let (code, msg) = refusal(&e);
        assert_eq!(code, "42501", "{connection}: {sql:?}: {msg}");
        assert!(
            msg.contains(&format!("`{action}`")),
            "{connection}: {sql:?} names {action}: {msg}"
        );
        assert_eq!(count(&c).await, 3, "{connection}: {sql:?} changed nothing");
    }
    // Extended protocol: decided at Execute, whatever was prepared.
    let e = c
        .query("SELECT * FROM patients WHERE id = $1", &[&1i32])
        .await
        .unwrap_err();
    assert_eq!(refusal(&e).0, "42501");
    let delete = c.prepare("DELETE FROM orders").await.unwrap();
    let e = c.execute(&delete, &[]).await.unwrap_err();
    assert_eq!(refusal(&e).0, "42501");
    assert!(refusal(&e).1.contains("`write`"), "{:?}", refusal(&e));
    assert_eq!(count(&c).await, 3);
    // A refusal is an error like any other: it aborts the open transaction.
    c.batch_execute("BEGIN").await.unwrap();
    assert_eq!(count(&c).await, 3);
    let e = c.simple_query("select * from patients").await.unwrap_err();
    assert_eq!(refusal(&e).0, "42501");
    let e = c.simple_query("select 1").await.unwrap_err();
    assert_eq!(refusal(&e).0, "25P02", "the transaction is aborted");
    c.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(count(&c).await, 3, "the session goes on");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_account_reads_what_it_may_and_nothing_else() {
    if !require_pg() {
        return;
    }
    let iss = Issuer::start();
    iss.set_github_claims(github_claims());
    let db = TestDb::create();
    psql_admin(
        &db.name,
        &format!(
            "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2), (3);
             CREATE TABLE patients (id int, ssn text); INSERT INTO patients VALUES (1, '123-45-6789');
             ALTER TABLE orders OWNER TO {r}; ALTER TABLE patients OWNER TO {r};",
            r = db.role
        ),
    );
    let conns = format!(
        "{}{}masking = \"phi\"\n",
        pg_connection("pg", &db),
        pg_connection("pgm", &db)
    );
    let gw = TestGateway::start_policy(&conns, &[], &config(&iss), "", POLICY);
    let job = TestClient::new();
    for connection in ["pg", "pgm"] {
        let mut cmd = job.cmd();
        github_job(&mut cmd, &iss, &gw);
        let tunnel = Tunnel::open_cmd(cmd, &[connection, "--ci", "--reason", "nightly etl"]);
        refusals_hold(&tunnel, &db.name, connection).await;
    }

    // psql shows the refusal and fails.
    let mut cmd = job.cmd();
    github_job(&mut cmd, &iss, &gw);
    let out = cmd
        .args([
            "connect",
            "pg",
            "--ci",
            "--reason",
            "nightly etl",
            "--",
            "psql",
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "select * from patients",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("refused by policy: `read` on Table::\"pg/public.patients\""),
        "{err}"
    );

    // A client encoding that hides quotes inside characters is refused at start-up.
    let mut cmd = job.cmd();
    github_job(&mut cmd, &iss, &gw);
    let out = cmd
        .env("PGCLIENTENCODING", "SJIS")
        .args([
            "connect",
            "pg",
            "--ci",
            "--reason",
            "nightly etl",
            "--",
            "psql",
            "-X",
            "-At",
            "-c",
            "select 1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("client_encoding"), "{}", stderr(&out));

    // Every refusal is on record: the statement as sent, outcome `denied`, the reason.
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let events = audit(&bob, &["--identity", "etl", "--limit", "1000"]);
    let denied: Vec<&Value> = events.iter().filter(|e| e["outcome"] == "denied").collect();
    for (sql, action) in REFUSED {
        assert!(
            denied.iter().any(|e| e["statement"] == *sql
                && e["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("42501") && d.contains(&format!("`{action}`")))),
            "no denied event for {sql:?}: {denied:#?}"
        );
    }
    assert!(
        denied
            .iter()
            .any(|e| e["statement"] == "DELETE FROM orders" && e["kind"] == "execute"),
        "the refused Execute is on record"
    );
}
