//! Issue 7, acceptance 1: the audit log is a hash chain with signed checkpoints. Editing,
//! deleting or reordering an event directly in SQLite, or altering an export, makes
//! `hoopctl audit verify` fail and name the first bad event; an untouched export verifies.

use std::path::Path;

use sqlx::sqlite::SqlitePool;

use crate::util::*;

fn export(admin: &TestClient, file: &Path, format: &str) {
    admin.ok(&[
        "audit",
        "export",
        "--format",
        format,
        "--out",
        file.to_str().unwrap(),
    ]);
}

/// Runs `audit verify`: Ok(stdout) when it verifies, Err(stderr) when it does not.
fn verify(admin: &TestClient, file: &Path, key: &str) -> Result<String, String> {
    let out = admin.run(&[
        "audit",
        "verify",
        file.to_str().unwrap(),
        "--public-key",
        key,
    ]);
    if out.status.success() {
        Ok(stdout(&out))
    } else {
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        Err(stderr(&out))
    }
}

async fn exec(db: &SqlitePool, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(db)
        .await
        .unwrap();
}

/// `kill -9`s the gateway, runs `sql` on its store, and starts it again.
async fn edit_while_stopped(gw: &mut TestGateway, sql: &str) {
    gw.kill();
    let store = SqlitePool::connect(&format!(
        "sqlite://{}",
        gw.dir.path().join("data/store.db").display()
    ))
    .await
    .unwrap();
    exec(&store, sql).await;
    store.close().await;
    gw.crash_and_restart();
}

#[tokio::test(flavor = "multi_thread")]
async fn tampering_with_the_log_or_an_export_is_caught() {
    let gw = TestGateway::start("", &[]);
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    // Events from the gateway and from another process (`gateway token` writes its own).
    for who in ["alice", "carol", "alice", "bob"] {
        gw.mint(who);
    }
    let key = bob.ok(&["audit", "public-key"]).trim().to_string();
    let offline = std::process::Command::new(BIN)
        .args(["gateway", "audit-key", "--config"])
        .arg(&gw.config)
        .output()
        .unwrap();
    assert_eq!(stdout(&offline).trim(), key, "{}", stderr(&offline));
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("audit.jsonl");
    let csv = dir.path().join("audit.csv");

    // Untouched: both formats verify.
    export(&bob, &jsonl, "jsonl");
    let ok = verify(&bob, &jsonl, &key).unwrap();
    assert!(
        ok.contains("OK") && ok.contains("signed checkpoint"),
        "{ok}"
    );
    export(&bob, &csv, "csv");
    verify(&bob, &csv, &key).unwrap();
    // The key from a file works too; another key does not.
    let key_file = dir.path().join("key.b64");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    verify(&bob, &jsonl, key_file.to_str().unwrap()).unwrap();
    let other = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    let e = verify(&bob, &jsonl, other).unwrap_err();
    assert!(e.contains("does not verify with this public key"), "{e}");

    // An altered export: the first changed event is named.
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let third: serde_json::Value = serde_json::from_str(lines[3]).unwrap();
    let id = third["id"].as_i64().unwrap();
    let mut changed = third.clone();
    changed["identity"] = "mallory".into();
    let altered = text.replace(lines[3], &changed.to_string());
    std::fs::write(&jsonl, altered).unwrap();
    let e = verify(&bob, &jsonl, &key).unwrap_err();
    assert!(
        e.contains(&format!("event {id}: its contents do not match its hash")),
        "{e}"
    );

    // Cut: at the end (the manifest goes with it), or at the start (the chain alone would
    // still verify: a later slice is a valid chain).
    let cut = dir.path().join("cut.jsonl");
    std::fs::write(&cut, lines[..lines.len() - 1].join("\n")).unwrap();
    let e = verify(&bob, &cut, &key).unwrap_err();
    assert!(e.contains("no signed manifest at its end"), "{e}");
    let first: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    let first = first["id"].as_i64().unwrap();
    let mut head_cut = lines.clone();
    head_cut.remove(1);
    std::fs::write(&cut, head_cut.join("\n")).unwrap();
    let e = verify(&bob, &cut, &key).unwrap_err();
    assert!(
        e.contains(&format!("events {first}..{first}: cut from the start")),
        "{e}"
    );

    // Directly in SQLite, while the gateway runs.
    let store = SqlitePool::connect(&format!(
        "sqlite://{}",
        gw.dir.path().join("data/store.db").display()
    ))
    .await
    .unwrap();
    let detail: Option<String> = sqlx::query_scalar("SELECT detail FROM audit_events WHERE id = ?")
        .bind(id)
        .fetch_one(&store)
        .await
        .unwrap();
    // Edited.
    exec(
        &store,
        &format!("UPDATE audit_events SET detail = 'nothing to see' WHERE id = {id}"),
    )
    .await;
    export(&bob, &jsonl, "jsonl");
    let e = verify(&bob, &jsonl, &key).unwrap_err();
    assert!(e.contains(&format!("event {id}: its contents")), "{e}");
    sqlx::query("UPDATE audit_events SET detail = ? WHERE id = ?")
        .bind(&detail)
        .bind(id)
        .execute(&store)
        .await
        .unwrap();
    export(&bob, &jsonl, "jsonl");
    verify(&bob, &jsonl, &key).expect("restored, it verifies again");
    // Reordered: two neighbours swap places (ids kept, everything else exchanged).
    let (a, b) = (id, id + 1);
    let swap = format!(
        "UPDATE audit_events SET id = -1 WHERE id = {a};
         UPDATE audit_events SET id = {a} WHERE id = {b};
         UPDATE audit_events SET id = {b} WHERE id = -1;"
    );
    exec(&store, &swap).await;
    export(&bob, &jsonl, "jsonl");
    let e = verify(&bob, &jsonl, &key).unwrap_err();
    assert!(e.contains(&format!("event {a}:")), "{e}");
    exec(&store, &swap).await;
    export(&bob, &jsonl, "jsonl");
    verify(&bob, &jsonl, &key).expect("put back, it verifies again");
    // Deleted.
    exec(&store, &format!("DELETE FROM audit_events WHERE id = {a}")).await;
    export(&bob, &csv, "csv");
    let e = verify(&bob, &csv, &key).unwrap_err();
    assert!(
        e.contains(&format!("event {b}: follows event {}", a - 1)),
        "{e}"
    );
    // A checkpoint the gateway did not sign: exports refuse, and say why.
    exec(
        &store,
        "INSERT INTO audit_checkpoints (event_id, event_hash, time, key_id, signature)
         VALUES (9223372036854775807, 'x', 0, 'k', 'eA==')",
    )
    .await;
    let out = bob.run(&["audit", "export", "--out", jsonl.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("did not sign"), "{}", stderr(&out));
    exec(
        &store,
        "DELETE FROM audit_checkpoints WHERE event_id = 9223372036854775807",
    )
    .await;
    // The newest signed events and their checkpoint cut off: the running gateway refuses to
    // sign over what is left.
    let head: i64 =
        sqlx::query_scalar("SELECT event_id FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
            .fetch_one(&store)
            .await
            .unwrap();
    exec(
        &store,
        &format!(
            "DELETE FROM audit_events WHERE id >= {head};
             DELETE FROM audit_checkpoints WHERE event_id >= {head};"
        ),
    )
    .await;
    let out = bob.run(&["audit", "export", "--out", jsonl.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("lost or changed event {head}")),
        "{}",
        stderr(&out)
    );
    // (A chain rewritten with fresh hashes is caught by the signed checkpoint:
    // proto::chain::tests::each_kind_of_tampering_names_the_first_bad_event.)
    store.close().await;
}

/// Issue 7, acceptance 4 (the audit half): `kill -9` of the gateway during a busy session. With
/// `sync` durability every statement that reached the target is in the audit log after a
/// restart, and the chain — events appended but not yet chained when the process died
/// included — verifies.
#[tokio::test(flavor = "multi_thread")]
async fn a_crash_mid_session_loses_no_statement_and_the_chain_verifies() {
    if !require_pg() {
        return;
    }
    let db = TestDb::create();
    psql_admin(
        &db.name,
        &format!(
            "CREATE TABLE t (v int); ALTER TABLE t OWNER TO {};",
            db.role
        ),
    );
    let mut gw = TestGateway::start(&pg_connection("pg", &db), &[]);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "load"]);
    let c = tunnel.client(&db.name).await;
    let writer = tokio::spawn(async move {
        // Bounded: at most 100,000 statements, stopped by the crash long before.
        for v in 0..100_000 {
            if c.simple_query(&format!("INSERT INTO t VALUES ({v})"))
                .await
                .is_err()
            {
                return v;
            }
        }
        100_000
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while psql_admin(&db.name, "SELECT count(*) FROM t")
        .parse::<i64>()
        .unwrap()
        < 200
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the load never got going"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Past a recording flush (every second), so the recording has a prefix to keep.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    gw.crash_and_restart();
    let stopped = writer.await.unwrap();
    assert!(stopped < 100_000, "the session ended with the gateway");
    drop(tunnel);

    let reached: Vec<i64> = psql_admin(&db.name, "SELECT v FROM t ORDER BY v")
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert!(reached.len() >= 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.jsonl");
    export(&bob, &file, "jsonl");
    let key = bob.ok(&["audit", "public-key"]).trim().to_string();
    let ok = verify(&bob, &file, &key).unwrap();
    assert!(ok.contains("OK"), "{ok}");
    let audited: std::collections::HashSet<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|e| e["statement"].as_str().map(str::to_string))
        .collect();
    let missing: Vec<&i64> = reached
        .iter()
        .filter(|v| !audited.contains(&format!("INSERT INTO t VALUES ({v})")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} statements that reached the target are not in the audit log: {missing:?}",
        missing.len(),
        reached.len()
    );

    // The partial recording is marked incomplete — with its digest, on record — not lost.
    let list = crate::recordings::sessions(&bob, "pg");
    assert_eq!(list.len(), 1, "{list:?}");
    let id = list[0]["id"].as_str().unwrap();
    assert_eq!(list[0]["recording"]["state"], "incomplete", "{list:?}");
    let compressed = std::fs::read(crate::recordings::recording_file(&gw, id)).unwrap();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&compressed))
    };
    let (_, clean) = crate::recordings::stream_bytes(&compressed);
    assert!(!clean, "the recording of a killed session has no end frame");
    let marked = audit(&bob, &["--session", id]);
    let note = marked
        .iter()
        .find(|e| e["kind"] == "recording_incomplete")
        .expect("a recording_incomplete event");
    assert!(note["detail"].as_str().unwrap().contains(&digest), "{note}");
    let replay = bob.ok(&["sessions", "replay", id, "--statements-only"]);
    let replayed = replay
        .lines()
        .filter(|l| l.contains("INSERT INTO t VALUES"))
        .count();
    assert!(
        replayed >= 100 && replayed <= reached.len() + 1,
        "{replayed} statements replayed of {} that ran",
        reached.len()
    );
    assert!(
        replay.ends_with("-- recording incomplete: the gateway stopped before the session ended\n"),
        "{replay}"
    );
    // Events written at the restart are chained too.
    export(&bob, &file, "jsonl");
    assert!(verify(&bob, &file, &key).unwrap().contains("OK"));
}

/// A lost signing key is not silently replaced once checkpoints exist: a new key could not vouch
/// for them, and every later export would fail to verify against the old public key.
#[test]
fn a_missing_signing_key_stops_the_gateway_once_checkpoints_exist() {
    let mut gw = TestGateway::start("", &[]);
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let dir = tempfile::tempdir().unwrap();
    export(&bob, &dir.path().join("a.jsonl"), "jsonl");
    gw.kill();
    std::fs::remove_file(gw.dir.path().join("data/audit-signing.pk8")).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["gateway", "serve", "--config"])
        .arg(&gw.config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("audit-signing.pk8 is missing")
            && stderr(&out).contains("restore the key"),
        "{}",
        stderr(&out)
    );
}

/// The documented limit of a store-only chain — someone who writes the store while the gateway
/// is stopped rewrites events, clears their hashes and drops the checkpoints after them; the
/// restarted gateway signs the result — and what closes it: `verify --previous` with an earlier
/// export kept elsewhere names the first rewritten event.
#[tokio::test(flavor = "multi_thread")]
async fn a_log_rewritten_while_the_gateway_was_stopped_is_caught_by_an_earlier_export() {
    let mut gw = TestGateway::start("", &[]);
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    for who in ["alice", "carol", "alice"] {
        gw.mint(who);
    }
    let key = bob.ok(&["audit", "public-key"]).trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let early = dir.path().join("early.jsonl");
    export(&bob, &early, "jsonl");
    let events: Vec<serde_json::Value> = std::fs::read_to_string(&early)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|e: &serde_json::Value| e["type"] == "event")
        .collect();
    let minted = events
        .iter()
        .find(|e| e["kind"] == "token_minted" && e["identity"] == "carol")
        .expect("carol's token_minted event");
    let id = minted["id"].as_i64().unwrap();

    edit_while_stopped(
        &mut gw,
        &format!(
            "UPDATE audit_events SET identity = 'alice' WHERE id = {id};
             UPDATE audit_events SET hash = NULL WHERE id >= {id};
             DELETE FROM audit_checkpoints WHERE event_id >= {id};"
        ),
    )
    .await;

    let later = dir.path().join("later.jsonl");
    export(&bob, &later, "jsonl");
    // Alone, the rewritten log verifies: the gateway re-chained and signed it.
    assert!(verify(&bob, &later, &key).unwrap().contains("OK"));
    // Against the earlier export, it does not, and the rewritten event is named.
    let out = bob.run(&[
        "audit",
        "verify",
        later.to_str().unwrap(),
        "--public-key",
        &key,
        "--previous",
        early.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!(
            "does NOT continue {}: event {id}: differs",
            early.display()
        )),
        "{}",
        stderr(&out)
    );
    // An honest later export continues the earlier one.
    let third = dir.path().join("third.jsonl");
    export(&bob, &third, "jsonl");
    let ok = bob.ok(&[
        "audit",
        "verify",
        third.to_str().unwrap(),
        "--public-key",
        &key,
        "--previous",
        later.to_str().unwrap(),
    ]);
    assert!(ok.contains("continues") && ok.contains("identical"), "{ok}");
}

/// An event edited while the gateway was stopped, its hash left alone, is reported when the
/// gateway next starts: on stderr, and in the audit log itself, naming the event.
#[tokio::test(flavor = "multi_thread")]
async fn a_log_edited_while_the_gateway_was_stopped_is_reported_at_start() {
    let mut gw = TestGateway::start("", &[]);
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    gw.mint("carol");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.jsonl");
    // An export chains and signs everything so far.
    export(&bob, &file, "jsonl");
    let minted = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["kind"] == "token_minted" && e["identity"] == "carol")
        .expect("carol's token_minted event");
    let id = minted["id"].as_i64().unwrap();
    assert!(
        !gw.log_text().contains("audit chain does not verify"),
        "{}",
        gw.log_text()
    );

    edit_while_stopped(
        &mut gw,
        &format!("UPDATE audit_events SET identity = 'alice' WHERE id = {id}"),
    )
    .await;

    let want = format!("event {id}: its contents or its place do not match its hash");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let broken = loop {
        let found: Vec<serde_json::Value> = audit(&bob, &["--limit", "50"])
            .into_iter()
            .filter(|e| e["kind"] == "audit_chain_broken")
            .collect();
        if let Some(e) = found.into_iter().next() {
            break e;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no audit_chain_broken event; log:\n{}",
            gw.log_text()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(
        broken["detail"].as_str().unwrap().contains(&want),
        "{broken}"
    );
    assert!(gw.log_text().contains(&want), "{}", gw.log_text());
}
