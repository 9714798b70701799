//! Issue 7, acceptance 3: record-level access accounting. Three sessions — two CI runs and a
//! human — read overlapping patient rows through a masked connection whose `patients` table
//! declares `mrn` as its key; `audit who-accessed` returns exactly the sessions that received
//! a record, with the runs' provenance, and nothing for a record never returned.

use serde_json::Value;

use crate::issuer::Issuer;
use crate::util::*;
use crate::workload::{AUD, exchange, github_claims, github_job, workload_config};

const MASK: &str = r#"
[masking]
key = { env = "HOOPCTL_MASK_KEY" }

[masking.profiles.phi]
detectors = { mrn = "redact", ssn = "token" }
"#;

fn mrn(i: u32) -> String {
    format!("MRN-{i:08}")
}

/// Runs one CI job (a GitHub Actions run) that reads `sql` through the gateway.
fn ci_run(iss: &Issuer, gw: &TestGateway, run_id: &str, sql: &str) -> String {
    let mut claims = github_claims();
    claims["run_id"] = Value::from(run_id);
    iss.set_github_claims(claims);
    let job = TestClient::new();
    let mut cmd = job.cmd();
    github_job(&mut cmd, iss, gw);
    let out = cmd
        .args([
            "connect", "pg", "--ci", "--reason", "nightly", "--", "psql", "-X", "-At", "-c", sql,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn who(admin: &TestClient, key: &str) -> Vec<Value> {
    admin
        .json(&[
            "audit",
            "who-accessed",
            "--connection",
            "pg",
            "--table",
            "patients",
            "--key",
            key,
        ])
        .as_array()
        .unwrap()
        .clone()
}

fn sessions_of(found: &[Value]) -> Vec<String> {
    let mut s: Vec<String> = found
        .iter()
        .map(|a| a["session_id"].as_str().unwrap().to_string())
        .collect();
    s.sort();
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn who_accessed_names_exactly_the_sessions_that_received_a_record() {
    if !require_pg() {
        return;
    }
    let iss = Issuer::start();
    let db = TestDb::create();
    let mut rows = Vec::new();
    for i in 1..=5 {
        rows.push(format!("({i}, '{}', 'patient {i}')", mrn(i)));
    }
    psql_admin(
        &db.name,
        &format!(
            "CREATE TABLE patients (id int PRIMARY KEY, mrn text UNIQUE, name text);
             INSERT INTO patients VALUES {};
             CREATE VIEW ward AS SELECT mrn AS patient, name FROM patients;
             ALTER TABLE patients OWNER TO {role}; ALTER VIEW ward OWNER TO {role};",
            rows.join(", "),
            role = db.role
        ),
    );
    let conn = format!(
        "{}masking = \"phi\"\n\n[connections.pg.tables.\"public.patients\"]\ntags = [\"phi\"]\nkey = \"mrn\"\n",
        pg_connection("pg", &db)
    );
    let gw = TestGateway::start_full(
        &conn,
        &[("HOOPCTL_MASK_KEY", "mask-key-1")],
        &format!("{}\n{MASK}", workload_config(&iss, "")),
        "",
    );
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");

    // CI run 1001 receives 1, 2, 3; CI run 1002 receives 3 and 4 (through a view, by alias).
    let out = ci_run(
        &iss,
        &gw,
        "1001",
        "SELECT id, mrn FROM patients WHERE id IN (1, 2, 3) ORDER BY id",
    );
    // Masked on the wire, accounted all the same.
    assert!(!out.contains("MRN-0000"), "{out}");
    assert_eq!(out.lines().count(), 3, "{out}");
    ci_run(
        &iss,
        &gw,
        "1002",
        "SELECT patient AS p FROM ward WHERE name IN ('patient 3', 'patient 4')",
    );
    // A human (alice) receives 4 and 5 over the extended protocol (binary results), and counts
    // rows without receiving any key.
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "chart review"]);
    let c = tunnel.client(&db.name).await;
    let got = c
        .query(
            "SELECT mrn, name FROM patients WHERE id >= $1 ORDER BY id",
            &[&4i32],
        )
        .await
        .unwrap();
    assert_eq!(got.len(), 2);
    let n: i64 = c
        .query_one("SELECT count(*) FROM patients", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 5);
    drop(c);
    drop(tunnel);

    let list = bob.json(&["sessions", "list", "--connection", "pg"]);
    let ids = |pred: &dyn Fn(&Value) -> bool| -> Vec<String> {
        let mut v: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| pred(s))
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let run1 = ids(&|s| s["provenance"]["run_id"] == "1001");
    let run2 = ids(&|s| s["provenance"]["run_id"] == "1002");
    let human = ids(&|s| s["identity"] == "alice");
    assert_eq!((run1.len(), run2.len(), human.len()), (1, 1, 1), "{list}");
    let both = |a: &[String], b: &[String]| {
        let mut v = [a, b].concat();
        v.sort();
        v
    };

    // Accounting reaches the store shortly after the rows (it rides the audit writer's next
    // commit): wait for the last session's.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while who(&bob, &mrn(5)).is_empty() {
        assert!(std::time::Instant::now() < deadline, "nothing accounted");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sessions_of(&who(&bob, &mrn(1))), run1);
    assert_eq!(sessions_of(&who(&bob, &mrn(2))), run1);
    assert_eq!(sessions_of(&who(&bob, &mrn(3))), both(&run1, &run2));
    assert_eq!(sessions_of(&who(&bob, &mrn(4))), both(&run2, &human));
    assert_eq!(sessions_of(&who(&bob, &mrn(5))), human);
    // Never returned, or not a key at all: nothing.
    assert!(who(&bob, &mrn(9)).is_empty());
    assert!(who(&bob, "patient 3").is_empty());

    // Each answer carries the run's provenance, identity and the statement that returned it.
    let three = who(&bob, &mrn(3));
    let first = three
        .iter()
        .find(|a| a["provenance"]["run_id"] == "1001")
        .unwrap();
    assert_eq!(first["provenance"]["repository"], "acme/warehouse");
    assert_eq!(first["identity"], "warehouse-ci");
    assert_eq!(
        first["statement"],
        "SELECT id, mrn FROM patients WHERE id IN (1, 2, 3) ORDER BY id"
    );
    let four = who(&bob, &mrn(4));
    let by_alice = four.iter().find(|a| a["identity"] == "alice").unwrap();
    assert_eq!(
        by_alice["statement"],
        "SELECT mrn, name FROM patients WHERE id >= $1 ORDER BY id"
    );
    assert_eq!(by_alice["reason"], "chart review");
    // The text form, and --since.
    let text = bob.ok(&[
        "audit",
        "who-accessed",
        "--connection",
        "pg",
        "--table",
        "public.patients",
        "--key",
        &mrn(3),
    ]);
    assert!(
        text.contains("run=1001") && text.contains("run=1002"),
        "{text}"
    );
    let later = bob.json(&[
        "audit",
        "who-accessed",
        "--connection",
        "pg",
        "--table",
        "patients",
        "--key",
        &mrn(3),
        "--since",
        "2099-01-01T00:00:00Z",
    ]);
    assert_eq!(later.as_array().unwrap().len(), 0);

    // The store holds hashes, never the keys; the lookups are audited without the key.
    let store = std::fs::read(gw.dir.path().join("data/store.db")).unwrap();
    let wal = std::fs::read(gw.dir.path().join("data/store.db-wal")).unwrap_or_default();
    for hay in [&store, &wal] {
        for i in 1..=5 {
            assert!(
                !hay.windows(12).any(|w| w == mrn(i).as_bytes()),
                "{} is in the store",
                mrn(i)
            );
        }
    }
    let lookups: Vec<Value> = audit(&bob, &[])
        .into_iter()
        .filter(|e| e["kind"] == "record_lookup")
        .collect();
    assert!(lookups.len() >= 8, "{lookups:?}");
    assert!(
        lookups
            .iter()
            .all(|e| e["identity"] == "bob" && !e["detail"].as_str().unwrap().contains("MRN-"))
    );
    // Close events count what each session received.
    let closes: Vec<Value> = audit(&bob, &["--session", &run1[0]])
        .into_iter()
        .filter(|e| e["kind"] == "session_close")
        .collect();
    assert!(
        closes[0]["detail"]
            .as_str()
            .unwrap()
            .contains("records_accessed=3"),
        "{closes:?}"
    );

    // Another run of the same service account cannot take run 1001's grant: its sessions
    // would be attributed to run 1001.
    let mut claims = github_claims();
    claims["run_id"] = Value::from("1003");
    let (status, body) = exchange(&gw, &iss.sign(&iss.claims(AUD, claims), 0)).await;
    assert!(status.is_success(), "{body}");
    let token = body["access_token"].as_str().unwrap();
    let run1_grant = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["provenance"]["run_id"] == "1001")
        .unwrap()["grant_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = gw
        .reqwest()
        .post(format!("{}/v1/grants/{run1_grant}/certificate", gw.url))
        .bearer_auth(token)
        .json(&serde_json::json!({"csr": "unused"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("another CI run"),
        "{problem}"
    );

    // Admins only, and clear errors for a table that is not accounted.
    let denied = alice.run(&[
        "audit",
        "who-accessed",
        "--connection",
        "pg",
        "--table",
        "patients",
        "--key",
        "x",
    ]);
    assert!(!denied.status.success() && stderr(&denied).contains("admin"));
    let bad = bob.run(&[
        "audit",
        "who-accessed",
        "--connection",
        "pg",
        "--table",
        "orders",
        "--key",
        "x",
    ]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("accounted tables are public.patients"),
        "{}",
        stderr(&bad)
    );
}
