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

/// A local CI issuer whose job is `etl`, and a database with three orders and one patient.
fn rig() -> (Issuer, TestDb) {
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
    (iss, db)
}

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
    let (iss, db) = rig();
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

/// Unqualified names resolve where the target resolves them: a `$user` schema, or a role's
/// default `search_path`, that puts another `orders` in front of `public.orders` is what policy
/// is asked about — reading it is not passed off as reading the table policy allows.
#[tokio::test(flavor = "multi_thread")]
async fn unqualified_names_resolve_where_the_target_resolves_them() {
    if !require_pg() {
        return;
    }
    let (iss, db) = rig();
    let r = &db.role;
    psql_admin(
        &db.name,
        &format!(
            "CREATE SCHEMA {r} AUTHORIZATION {r};
             CREATE TABLE {r}.orders (secret text); INSERT INTO {r}.orders VALUES ('shadow');
             ALTER TABLE {r}.orders OWNER TO {r};"
        ),
    );
    let gw = TestGateway::start_policy(&pg_connection("pg", &db), &[], &config(&iss), "", POLICY);
    let job = TestClient::new();
    let open = || {
        let mut cmd = job.cmd();
        github_job(&mut cmd, &iss, &gw);
        Tunnel::open_cmd(cmd, &["pg", "--ci", "--reason", "nightly etl"])
    };
    let tunnel = open();
    let c = tunnel.client(&db.name).await;
    let (code, msg) = refusal(&c.simple_query("select * from orders").await.unwrap_err());
    assert_eq!(code, "42501");
    assert!(
        msg.contains(&format!("`read` on Table::\"pg/{r}.orders\"")),
        "the $user schema's table is what an unqualified name reads: {msg}"
    );
    let n: i64 = c
        .query_one("SELECT count(*) FROM public.orders", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3, "the allowed table, named in full");
    drop(c);
    drop(tunnel);

    // The role's default path for this database, read when a session starts.
    psql_admin(
        &db.name,
        &format!(
            "DROP SCHEMA {r} CASCADE; CREATE SCHEMA app AUTHORIZATION {r};
             ALTER ROLE {r} IN DATABASE {d} SET search_path = app, public;",
            d = db.name
        ),
    );
    let tunnel = open();
    let c = tunnel.client(&db.name).await;
    let (code, msg) = refusal(&c.simple_query("select * from orders").await.unwrap_err());
    assert_eq!(code, "42501");
    assert!(msg.contains("Table::\"pg/app.orders\""), "{msg}");
    let (code, _) = refusal(&c.simple_query("select * from patients").await.unwrap_err());
    assert_eq!(code, "42501");
}

/// Raw protocol messages, for sequences no driver sends.
mod wire {
    fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        v.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
        v.extend_from_slice(body);
        v
    }
    fn cstrs(parts: &[&str]) -> Vec<u8> {
        let mut b = Vec::new();
        for p in parts {
            b.extend_from_slice(p.as_bytes());
            b.push(0);
        }
        b
    }
    pub fn parse(name: &str, sql: &str) -> Vec<u8> {
        let mut b = cstrs(&[name, sql]);
        b.extend_from_slice(&0i16.to_be_bytes());
        msg(b'P', &b)
    }
    pub fn bind(portal: &str, stmt: &str) -> Vec<u8> {
        let mut b = cstrs(&[portal, stmt]);
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        msg(b'B', &b)
    }
    pub fn execute(portal: &str) -> Vec<u8> {
        let mut b = cstrs(&[portal]);
        b.extend_from_slice(&0i32.to_be_bytes());
        msg(b'E', &b)
    }
    pub fn sync() -> Vec<u8> {
        msg(b'S', &[])
    }
    pub fn query(sql: &str) -> Vec<u8> {
        msg(b'Q', &cstrs(&[sql]))
    }
    /// Every message up to and including the next ReadyForQuery: (tag, body).
    pub async fn until_ready<S: tokio::io::AsyncRead + Unpin>(
        s: &mut S,
        buf: &mut Vec<u8>,
    ) -> Vec<(u8, Vec<u8>)> {
        use tokio::io::AsyncReadExt;
        let mut out = Vec::new();
        loop {
            while buf.len() >= 5 {
                let len = u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]) as usize;
                if buf.len() < 1 + len {
                    break;
                }
                let m: Vec<u8> = buf.drain(..1 + len).collect();
                let tag = m[0];
                out.push((tag, m[5..].to_vec()));
                if tag == b'Z' {
                    return out;
                }
            }
            let mut chunk = [0u8; 8192];
            let n = tokio::time::timeout(std::time::Duration::from_secs(20), s.read(&mut chunk))
                .await
                .expect("no answer")
                .unwrap();
            assert!(n > 0, "closed: {out:?}");
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    pub fn code(msgs: &[(u8, Vec<u8>)]) -> Option<String> {
        msgs.iter().find(|(t, _)| *t == b'E').map(|(_, b)| {
            b.split(|&c| c == 0)
                .find(|f| f.first() == Some(&b'C'))
                .map(|f| String::from_utf8_lossy(&f[1..]).to_string())
                .unwrap_or_default()
        })
    }
}

/// The gateway decides an Execute by what it saw prepared; a client must not be able to make
/// that differ from what the target holds, nor reach a protocol portal through SQL.
#[tokio::test(flavor = "multi_thread")]
async fn prepared_statements_cannot_be_swapped_behind_the_gateway() {
    use tokio::io::AsyncWriteExt;
    if !require_pg() {
        return;
    }
    let (iss, db) = rig();
    let gw = TestGateway::start_policy(&pg_connection("pg", &db), &[], &config(&iss), "", POLICY);
    let job = TestClient::new();
    let mut cmd = job.cmd();
    github_job(&mut cmd, &iss, &gw);
    let tunnel = Tunnel::open_cmd(cmd, &["pg", "--ci", "--reason", "nightly etl"]);
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", tunnel.port))
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.write_all(&startup_packet(&[("user", "x"), ("database", &db.name)]))
        .await
        .unwrap();
    wire::until_ready(&mut s, &mut buf).await;
    let leaked = |m: &[(u8, Vec<u8>)]| {
        m.iter()
            .any(|(t, b)| *t == b'D' && String::from_utf8_lossy(b).contains("123-45-6789"))
    };

    // 1. `s` is prepared as a read of patients; re-preparing it as a read of orders fails at
    //    the target (42P05), so `s` is still patients there — and must not run as "orders".
    s.write_all(&[wire::parse("s", "SELECT * FROM patients"), wire::sync()].concat())
        .await
        .unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert_eq!(wire::code(&r), None, "{r:?}");
    s.write_all(&[wire::parse("s", "SELECT * FROM orders"), wire::sync()].concat())
        .await
        .unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert_eq!(wire::code(&r).as_deref(), Some("42P05"), "{r:?}");
    s.write_all(&[wire::bind("", "s"), wire::execute(""), wire::sync()].concat())
        .await
        .unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert!(!leaked(&r), "patients leaked through a swapped statement");
    assert_eq!(wire::code(&r).as_deref(), Some("42501"), "{r:?}");

    // 2. A re-Parse skipped after an error in its batch does not count either: `u` is still
    //    the read of patients at the target.
    s.write_all(
        &[
            wire::parse("u", "SELECT * FROM patients"),
            wire::sync(),
            wire::bind("", "no_such_statement"),
            wire::parse("u", "SELECT * FROM orders"),
            wire::sync(),
        ]
        .concat(),
    )
    .await
    .unwrap();
    wire::until_ready(&mut s, &mut buf).await;
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert!(wire::code(&r).is_some(), "the Bind fails: {r:?}");
    s.write_all(&[wire::bind("", "u"), wire::execute(""), wire::sync()].concat())
        .await
        .unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert!(!leaked(&r), "patients leaked through a skipped re-Parse");
    assert_eq!(wire::code(&r).as_deref(), Some("42501"), "{r:?}");

    // 3. A portal bound by the protocol cannot be fetched through SQL.
    s.write_all(&wire::query("BEGIN")).await.unwrap();
    wire::until_ready(&mut s, &mut buf).await;
    s.write_all(
        &[
            wire::parse("t", "SELECT * FROM patients"),
            wire::bind("p", "t"),
            wire::sync(),
        ]
        .concat(),
    )
    .await
    .unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert_eq!(wire::code(&r), None, "{r:?}");
    s.write_all(&wire::query("FETCH ALL FROM p")).await.unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert!(
        !leaked(&r),
        "patients leaked through FETCH of a protocol portal"
    );
    assert_eq!(
        wire::code(&r).as_deref(),
        Some("34000"),
        "no such cursor: {r:?}"
    );
    s.write_all(&wire::query("ROLLBACK")).await.unwrap();
    wire::until_ready(&mut s, &mut buf).await;

    // The ordinary extended protocol still works.
    s.write_all(
        &[
            wire::parse("ok", "SELECT * FROM orders"),
            wire::bind("", "ok"),
            wire::execute(""),
            wire::sync(),
        ]
        .concat(),
    )
    .await
    .unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert_eq!(wire::code(&r), None, "{r:?}");
    assert!(r.iter().any(|(t, _)| *t == b'D'), "{r:?}");
    // …including a later batch using a confirmed statement.
    s.write_all(&[wire::bind("q", "ok"), wire::execute("q"), wire::sync()].concat())
        .await
        .unwrap();
    let r = wire::until_ready(&mut s, &mut buf).await;
    assert_eq!(wire::code(&r), None, "{r:?}");
    assert!(r.iter().any(|(t, _)| *t == b'D'), "{r:?}");
}
