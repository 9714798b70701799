//! Issue 5: masking on the PostgreSQL wire — content detectors and column rules — against real
//! PostgreSQL, through psql and tokio-postgres.

use crate::util::*;

/// Identifiers the content detectors find wherever they appear.
pub const RAW: &[&str] = &[
    "123-45-6789",
    "234-56-7890",
    "ada@example.org",
    "(415) 555-0132",
    "4111 1111 1111 1111",
    "00123456",
];

/// Values only column rules protect (names, addresses) and dates of birth.
pub const RULED: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Analytical",
    "Compiler",
    "1980-02-29",
    "1975-04-17",
];

const MASKING: &str = r#"
[masking]
key = { env = "HOOPCTL_MASK_KEY" }

[masking.profiles.phi]
detectors = { ssn = "token", email = { action = "partial", keep = 4 }, phone = "redact", credit_card = "redact", mrn = "redact", npi = "redact", ipv4 = "redact", ipv6 = "redact", dob = "redact" }
columns = [
  { column = "public.patients.name", action = "token" },
  { column = "public.patients.address", action = "redact" },
]
"#;

/// A gateway whose `pg` connection masks with the `phi` profile, over a patients table.
pub fn masked_setup() -> Option<Setup> {
    if !require_pg() {
        return None;
    }
    let db = TestDb::create();
    patients(&db);
    let conns = format!("{}masking = \"phi\"\n", pg_connection("pg", &db));
    let gw = TestGateway::start_with(&conns, &[("HOOPCTL_MASK_KEY", "mask-key-1")], MASKING);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    Some(Setup { gw, db, alice })
}

fn patients(db: &TestDb) {
    psql_admin(
        &db.name,
        &format!(
            "CREATE TABLE patients (id int PRIMARY KEY, name text, ssn text UNIQUE, mrn text, dob date, email text, phone text, card text, address text, notes text);
             INSERT INTO patients VALUES
               (1, 'Ada Lovelace', '123-45-6789', 'MRN-00123456', '1980-02-29', 'ada@example.org', '(415) 555-0132', '4111 1111 1111 1111', '12 Analytical Way', 'called (415) 555-0132 about 123-45-6789, MRN 00123456'),
               (2, 'Grace Hopper', '234-56-7890', 'MRN-00765432', '1975-04-17', 'grace@example.org', NULL, NULL, '1 Compiler Rd', 'no identifiers here');
             CREATE VIEW contacts AS SELECT id, name AS who, address FROM patients;
             CREATE VIEW contacts_2 AS SELECT who, address AS addr FROM contacts;
             CREATE VIEW ssns AS SELECT id, ssn AS s, upper(notes) AS n FROM patients;
             ALTER TABLE patients OWNER TO {role};
             ALTER VIEW contacts OWNER TO {role};
             ALTER VIEW contacts_2 OWNER TO {role};
             ALTER VIEW ssns OWNER TO {role};",
            role = db.role
        ),
    );
}

/// `connect pg -- psql -At -c SQL` as `client`; stdout of a run that must succeed.
fn psql_at(client: &TestClient, reason: &str, sql: &str) -> String {
    client.ok(&[
        "connect", "pg", "--reason", reason, "--", "psql", "-X", "-At", "-c", sql,
    ])
}

/// Raw values found in `text`, as they are or hex-encoded (how psql shows `bytea`).
fn leaks(text: &str) -> Vec<&'static str> {
    leaks_of(RAW, text)
}

pub fn leaks_of(raw: &[&'static str], text: &str) -> Vec<&'static str> {
    raw.iter()
        .copied()
        .filter(|r| text.contains(r) || text.contains(&hex::encode(r)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn psql_sees_no_raw_identifier_through_any_channel() {
    let Some(Setup { gw, db: _db, alice }) = masked_setup() else {
        return;
    };

    let queries = [
        "SELECT * FROM patients ORDER BY id",
        "SELECT ssn AS x, upper(email), replace(ssn, '-', ''), ssn::bytea, ssn::char(20), lpad(ssn, 14), format('%s!', ssn), substring(ssn, 1, 11) FROM patients",
        "SELECT row_to_json(p) FROM patients p",
        "SELECT * FROM ssns UNION SELECT 0, ssn::text, mrn FROM patients",
        "SELECT to_jsonb(p), json_agg(p.ssn) OVER (), array_agg(ssn) OVER (), string_agg(ssn, ',') OVER () FROM patients p",
        "WITH c AS (SELECT ssn FROM patients) SELECT * FROM c UNION ALL SELECT concat('ssn:', ssn) FROM (SELECT ssn FROM patients) s",
        "COPY (SELECT * FROM patients) TO STDOUT",
        "COPY (SELECT * FROM patients) TO STDOUT WITH (FORMAT csv, HEADER)",
        "COPY (SELECT ssn, email FROM patients) TO STDOUT WITH (FORMAT binary)",
        "INSERT INTO patients (id, ssn) VALUES (3, '123-45-6789')",
        "DO $$ BEGIN RAISE NOTICE 'looked at %', (SELECT ssn FROM patients WHERE id = 1); END $$",
        "LISTEN ch; NOTIFY ch, 'patient 123-45-6789 updated'; SELECT 1",
    ];
    for q in queries {
        let out = alice.run(&[
            "connect", "pg", "--reason", "masking", "--", "psql", "-X", "-c", q,
        ]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            leaks(&all).is_empty(),
            "{q}\nleaked {:?} in:\n{all}",
            leaks(&all)
        );
        // The statement ran: results, or the expected unique violation, reached the client.
        if q.starts_with("INSERT") {
            assert!(all.contains("duplicate key"), "{all}");
        } else if !q.starts_with("DO") {
            assert!(out.status.success(), "{q}: {all}");
        }
    }
    // What replaced them: an SSN-shaped token (area 9xx), a partial e-mail, placeholders.
    let out = psql_at(
        &alice,
        "masking",
        "SELECT ssn, email, phone FROM patients WHERE id = 1",
    );
    let fields: Vec<&str> = out.trim().split('|').collect();
    assert!(fields[0].starts_with('9') && fields[0].len() == 11, "{out}");
    assert_eq!(fields[1], "***@******e.org");
    assert_eq!(fields[2], "[redacted:phone]");
    // Tokens are deterministic: the same value gives the same token in another session.
    let again = psql_at(&alice, "masking", "SELECT ssn FROM patients WHERE id = 1");
    assert_eq!(again.trim(), fields[0]);

    // The audit records how many values were masked, never the values.
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let events = audit(&bob, &["--identity", "alice"]);
    let q = events
        .iter()
        .find(|e| e["statement"] == "SELECT ssn, email, phone FROM patients WHERE id = 1")
        .expect("the statement's event");
    assert_eq!(q["detail"], "masked email=1,phone=1,ssn=1", "{q}");
    let closes: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["kind"] == "session_close")
        .collect();
    assert!(
        closes
            .iter()
            .any(|e| e["detail"].as_str().unwrap_or_default().contains("masked=")),
        "{closes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_results_are_masked_and_identities_permitted_unmask_see_raw_values_on_record() {
    let Some(Setup { gw, db, alice }) = masked_setup() else {
        return;
    };

    // tokio-postgres: extended protocol, binary result format.
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "binary"]);
    let client = tunnel.client(&db.name).await;
    let stmt = client
        .prepare("SELECT ssn, notes, id FROM patients ORDER BY id")
        .await
        .unwrap();
    let rows = client.query(&stmt, &[]).await.unwrap();
    let mut seen = String::new();
    for r in &rows {
        let ssn: String = r.get(0);
        let notes: String = r.get(1);
        let id: i32 = r.get(2);
        seen.push_str(&format!("{ssn} {notes} {id}\n"));
    }
    assert!(leaks(&seen).is_empty(), "{seen}");
    assert!(
        seen.contains(" 1\n") && seen.contains(" 2\n"),
        "ids are numbers, untouched: {seen}"
    );
    drop(client);
    drop(tunnel);

    // bob is an approver, whom policy permits `unmask`: raw values, and the audit says so.
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let out = psql_at(&bob, "review", "SELECT ssn FROM patients WHERE id = 1");
    assert_eq!(out.trim(), "123-45-6789");
    let events = audit(&bob, &["--identity", "bob"]);
    assert!(
        events.iter().any(|e| e["kind"] == "session_unmasked"),
        "{events:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn column_rules_follow_columns_through_aliases_views_and_binary_results() {
    let Some(Setup { gw: _gw, db, alice }) = masked_setup() else {
        return;
    };
    // Plain references keep their source column however they are reached.
    let queries = [
        "SELECT * FROM patients ORDER BY id",
        "SELECT name AS x, address AS y, dob AS z FROM patients",
        "SELECT * FROM contacts",
        "SELECT * FROM contacts_2",
        "WITH c AS (SELECT name, dob FROM patients) SELECT * FROM (SELECT * FROM c) s",
        "SELECT p.name, q.address FROM patients p JOIN patients q USING (id)",
        "SELECT to_jsonb(p) - 'name' - 'address' FROM patients p",
    ];
    for q in queries {
        let out = psql_at(&alice, "columns", q);
        let bad = [leaks(&out), leaks_of(RULED, &out)].concat();
        assert!(bad.is_empty(), "{q}\nleaked {bad:?} in:\n{out}");
    }
    let out = psql_at(
        &alice,
        "columns",
        "SELECT p.name, p.address, p.dob, c.who FROM patients p JOIN contacts c USING (id) WHERE id = 1",
    );
    let f: Vec<&str> = out.trim().split('|').collect();
    assert!(f[0].starts_with("tok_") && f[0].len() == 20, "{out}");
    let token = f[0].to_string();
    assert_eq!(f[1], "[redacted]");
    // A date of birth is not a text: it becomes NULL, a valid value of any type.
    assert_eq!(f[2], "");
    assert_eq!(
        f[3], f[0],
        "the view's column is the table's column: same token"
    );

    // COPY: the gateway describes each COPY's source first, so its fields meet their rules in
    // text, CSV and binary; a layout it cannot split is refused, not forwarded.
    for q in [
        "COPY patients TO STDOUT",
        "COPY (SELECT * FROM contacts_2) TO STDOUT WITH (FORMAT csv, HEADER)",
        "COPY patients (address) TO STDOUT (FORMAT binary)",
    ] {
        let out = alice.run(&[
            "connect", "pg", "--reason", "copy", "--", "psql", "-X", "-At", "-c", q,
        ]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(out.status.success(), "{q}: {all}");
        let bad = [leaks(&all), leaks_of(RULED, &all)].concat();
        assert!(bad.is_empty(), "{q}\nleaked {bad:?} in:\n{all}");
        assert!(
            all.contains(&token) || all.contains("[redacted]"),
            "{q}: {all}"
        );
    }
    let out = psql_at(
        &alice,
        "copy",
        "COPY (SELECT id, name, dob FROM patients WHERE id = 1) TO STDOUT",
    );
    assert_eq!(out, format!("1\t{token}\t\\N\n"));
    // A COPY whose rows cannot be split (custom delimiter), or one after another statement in
    // the same query string (which could change what it reads), is refused under column rules.
    for q in [
        "COPY patients TO STDOUT (DELIMITER '|')",
        "SELECT 1; COPY patients TO STDOUT",
    ] {
        let out = alice.run(&[
            "connect", "pg", "--reason", "copy", "--", "psql", "-X", "-c", q,
        ]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            all.contains("cannot be masked column by column"),
            "{q}: {all}"
        );
        let bad = [leaks(&all), leaks_of(RULED, &all)].concat();
        assert!(bad.is_empty(), "{q}: leaked {bad:?} in:\n{all}");
    }
    // Without a ruled column, custom options are fine.
    let out = psql_at(
        &alice,
        "copy",
        "COPY (SELECT id, 'x' FROM patients ORDER BY id) TO STDOUT (DELIMITER '|')",
    );
    assert_eq!(out, "1|x\n2|x\n");

    // tokio-postgres: statements prepared (and described) in one cycle, run with binary results
    // in later ones — the rows still meet the rules.
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "binary"]);
    let client = tunnel.client(&db.name).await;
    let stmt = client
        .prepare("SELECT id, name, dob, address, to_jsonb(p) FROM patients p ORDER BY id")
        .await
        .unwrap();
    for _ in 0..2 {
        let rows = client.query(&stmt, &[]).await.unwrap();
        assert_eq!(rows.len(), 2);
        for r in &rows {
            let id: i32 = r.get(0);
            let name: String = r.get(1);
            let dob: Option<time::Date> = r.get(2);
            let address: String = r.get(3);
            let json: serde_json::Value = r.get(4);
            assert!(id == 1 || id == 2);
            assert!(name.starts_with("tok_"), "{name}");
            assert_eq!(dob, None);
            assert_eq!(address, "[redacted]");
            let all = format!("{name} {address} {json}");
            assert!(leaks(&all).is_empty(), "{all}");
            assert_eq!(json["dob"], "[redacted:dob]", "{json}");
        }
    }
    // COPY through the extended protocol: its source is described first, its fields meet
    // their rules.
    use futures_util::TryStreamExt;
    let copied: Vec<bytes::Bytes> = client
        .copy_out("COPY patients TO STDOUT WITH (FORMAT csv)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&copied.concat()).into_owned();
    let bad = [leaks(&text), leaks_of(RULED, &text)].concat();
    assert!(bad.is_empty(), "leaked {bad:?} in:\n{text}");
    assert!(text.contains("\"[redacted]\""), "{text}");
    // COPY FROM STDIN over the extended protocol (the target ignores the Sync sent with it),
    // then more statements on the same connection.
    use futures_util::SinkExt;
    client
        .batch_execute("CREATE TEMP TABLE scratch (x text)")
        .await
        .unwrap();
    let sink = client
        .copy_in::<_, bytes::Bytes>("COPY scratch FROM STDIN")
        .await
        .unwrap();
    let mut sink = std::pin::pin!(sink);
    sink.send(bytes::Bytes::from_static(b"a\nb\n"))
        .await
        .unwrap();
    assert_eq!(sink.finish().await.unwrap(), 2);
    let n: i64 = client
        .query_one("SELECT count(*) FROM scratch", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
    // A view created in the session is looked up when first used.
    client
        .batch_execute("CREATE TEMP VIEW mine AS SELECT address AS a FROM patients")
        .await
        .unwrap();
    let rows = client.query("SELECT a FROM mine", &[]).await.unwrap();
    for r in rows {
        assert_eq!(r.get::<_, String>(0), "[redacted]");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_statement_prepared_before_a_rule_changed_runs_under_the_new_rule() {
    let Some(Setup { gw, db, alice }) = masked_setup() else {
        return;
    };
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "reload"]);
    let client = tunnel.client(&db.name).await;
    let stmt = client
        .prepare("SELECT notes FROM patients WHERE id = 1")
        .await
        .unwrap();
    let notes = |rows: Vec<tokio_postgres::Row>| rows[0].get::<_, String>(0);
    let before = notes(client.query(&stmt, &[]).await.unwrap());
    assert!(before.starts_with("called [redacted:phone]"), "{before}");

    // The operator adds a rule for `notes` and sends SIGHUP; the same session, the same
    // prepared statement, now meets it.
    let original = std::fs::read_to_string(&gw.config).unwrap();
    let tightened = original.replace(
        r#"{ column = "public.patients.address", action = "redact" },"#,
        r#"{ column = "public.patients.address", action = "redact" }, { column = "public.patients.notes", action = "redact" },"#,
    );
    assert_ne!(tightened, original);
    std::fs::write(&gw.config, &tightened).unwrap();
    gw.hangup();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let after = loop {
        let v = notes(client.query(&stmt, &[]).await.unwrap());
        if v == "[redacted]" || std::time::Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(after, "[redacted]");

    // A broken file is refused and the rules in force stay.
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    std::fs::write(
        &gw.config,
        tightened.replace("[masking.profiles.phi]", "[masking.profiles.other]"),
    )
    .unwrap();
    gw.hangup();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let reloads = loop {
        let r: Vec<serde_json::Value> = audit(&bob, &[])
            .into_iter()
            .filter(|e| e["kind"] == "masking_reloaded")
            .collect();
        if r.len() >= 2 || std::time::Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let outcomes: Vec<&str> = reloads
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"ok") && outcomes.contains(&"error"),
        "{reloads:#?}"
    );
    let refused = reloads.iter().find(|e| e["outcome"] == "error").unwrap();
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("no [masking.profiles.phi]"),
        "{refused}"
    );
    assert_eq!(notes(client.query(&stmt, &[]).await.unwrap()), "[redacted]");
}

#[test]
fn a_profile_that_tokenizes_needs_a_key_and_connections_name_real_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let write = |body: &str| {
        let p = dir.path().join("gw.toml");
        std::fs::write(&p, format!("[gateway]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"d\"\n[policy]\nfiles = [\"p.cedar\"]\n{body}")).unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_hoopctl"))
            .args(["gateway", "check", "--config"])
            .arg(&p)
            .output()
            .unwrap()
    };
    let out = write("[masking.profiles.phi]\ndetectors = { ssn = \"token\" }\n");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("masking.key is not set"),
        "{}",
        stderr(&out)
    );
    let out = write(
        "[connections.pg]\nkind = \"postgres\"\nhost = \"h\"\ndatabase = \"d\"\nuser = \"u\"\nmasking = \"nope\"\n",
    );
    assert!(
        stderr(&out).contains("no [masking.profiles.nope]"),
        "{}",
        stderr(&out)
    );
    let out = write(
        "[masking.profiles.phi]\ncolumns = [{ column = \"patients.ssn\", action = \"redact\" }]\n",
    );
    assert!(
        stderr(&out).contains("\"patients.ssn\" must be schema.table.column"),
        "{}",
        stderr(&out)
    );
    let out = write(
        "[masking.profiles.phi]\ncolumns = [{ column = \"public.p.ssn\", action = \"token\" }]\n",
    );
    assert!(
        stderr(&out).contains("masking.key is not set"),
        "{}",
        stderr(&out)
    );
    let out = write("[masking.profiles.phi]\ndetectors = { ssn = \"scramble\" }\n");
    assert!(
        stderr(&out).contains("unknown action \"scramble\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn mask_test_explains_what_a_profile_does() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("gw.toml");
    std::fs::write(
        &cfg,
        format!(
            "[gateway]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"d\"\n[policy]\nfiles = [\"p.cedar\"]\n{MASKING}\n\
             [connections.pg]\nkind = \"postgres\"\nhost = \"h\"\ndatabase = \"d\"\nuser = \"u\"\nmasking = \"phi\"\n"
        ),
    )
    .unwrap();
    let run = |args: &[&str], stdin: Option<&str>| {
        use std::io::Write;
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_hoopctl"));
        c.args(["gateway", "mask-test", "--config"])
            .arg(&cfg)
            .args(args)
            .env("HOOPCTL_MASK_KEY", "mask-key-1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(s) = stdin {
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    };
    let out = run(
        &["--connection", "pg", "Pt 123-45-6789, ada@example.org"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("out: Pt 9"), "{text}");
    assert!(text.contains("***@******e.org"), "{text}");
    assert!(
        text.contains("ssn") && text.contains("token") && text.contains("partial(keep 4)"),
        "{text}"
    );
    assert!(
        leaks(text.split("out:").nth(1).unwrap()).is_empty(),
        "{text}"
    );
    // A cell of a ruled column: the rule, not the detectors.
    let out = run(
        &[
            "--connection",
            "pg",
            "--column",
            "public.patients.address",
            "12 Analytical Way",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("out: [redacted]"), "{text}");
    assert!(
        text.contains("column rule public.patients.address (redact)"),
        "{text}"
    );
    let out = run(
        &["--connection", "pg", "--column", "patients.address", "x"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Lines from stdin, JSON out: one object per line.
    let out = run(
        &["-o", "json", "-"],
        Some("call (415) 555-0132\nnothing here\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["output"], "call [redacted:phone]");
    assert_eq!(lines[0]["findings"][0]["detector"], "phone");
    assert_eq!(lines[1]["findings"].as_array().unwrap().len(), 0);
    // Without the key in the environment, the error names it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoopctl"))
        .args(["gateway", "mask-test", "--config"])
        .arg(&cfg)
        .arg("x")
        .env_remove("HOOPCTL_MASK_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("HOOPCTL_MASK_KEY"),
        "{}",
        stderr(&out)
    );
}
