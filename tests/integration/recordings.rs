//! Issue 7, acceptance 2 and 5: a session's recording replays its statements and masked rows,
//! holds no raw PHI value, and matches the digest in its close event; retention deletes old
//! recordings and says so in the audit log. (Acceptance 4's recording half is in
//! `audit_chain::a_crash_mid_session_loses_no_statement_and_the_chain_verifies`; the credential
//! scan is in `e2e`, against a target that really takes a password.)

use std::path::PathBuf;

use hoopctl::proto::recording::{Frames, kind};
use sha2::Digest;

use crate::masking::{RAW, RULED, leaks_of, masked_setup};
use crate::util::*;

/// The recording file of a session, as the gateway stores it.
pub fn recording_file(gw: &TestGateway, session: &str) -> PathBuf {
    gw.dir
        .path()
        .join(format!("data/recordings/{session}.hrec"))
}

/// Every stream byte of a recording (client and server payloads), and whether it ended
/// cleanly.
pub fn stream_bytes(compressed: &[u8]) -> (Vec<u8>, bool) {
    let mut frames = Frames::from_compressed(compressed).unwrap();
    let mut all = Vec::new();
    for f in frames.by_ref() {
        let f = f.unwrap();
        all.extend_from_slice(&f.data);
        if f.kind == kind::CLIENT || f.kind == kind::SERVER {
            assert!(!f.data.is_empty());
        }
    }
    (all, frames.ended_cleanly())
}

/// The sessions of a connection, newest first, as an admin sees them.
pub fn sessions(admin: &TestClient, connection: &str) -> Vec<serde_json::Value> {
    admin
        .json(&["sessions", "list", "--connection", connection])
        .as_array()
        .unwrap()
        .clone()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recording_replays_masked_rows_and_matches_its_close_event() {
    let Some(Setup { gw, db: _db, alice }) = masked_setup() else {
        return;
    };
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let out = alice.run(&[
        "connect",
        "pg",
        "--reason",
        "recording",
        "--",
        "psql",
        "-X",
        "-c",
        "SELECT id, ssn, email, name FROM patients ORDER BY id",
        "-c",
        "SELECT 1/0",
        "-c",
        "COPY (SELECT ssn, notes FROM patients) TO STDOUT",
    ]);
    let client_saw = format!("{}{}", stdout(&out), stderr(&out));
    assert!(client_saw.contains("(2 rows)"), "{client_saw}");

    let list = sessions(&bob, "pg");
    assert_eq!(list.len(), 1, "{list:?}");
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(list[0]["identity"], "alice");
    assert_eq!(list[0]["recording"]["state"], "complete", "{list:?}");

    // Replay: the statements, the masked table as psql drew it, the error, the COPY rows.
    let replay = bob.ok(&["sessions", "replay", &id]);
    for want in [
        "pg=> SELECT id, ssn, email, name FROM patients ORDER BY id",
        " id |     ssn     |",
        "***@******e.org",
        "(2 rows)",
        "pg=> SELECT 1/0",
        "ERROR:  division by zero",
        "pg=> COPY (SELECT ssn, notes FROM patients) TO STDOUT",
        "-- session ended at",
    ] {
        assert!(replay.contains(want), "missing {want:?} in:\n{replay}");
    }
    // The masked values are the ones the client got.
    let token_line = stdout(&out)
        .lines()
        .find(|l| l.contains("***@******e.org"))
        .unwrap()
        .to_string();
    let token = token_line.split('|').nth(1).unwrap().trim().to_string();
    assert!(token.starts_with('9'), "{token_line}");
    assert!(replay.contains(&token), "{replay}");
    let only = bob.ok(&["sessions", "replay", &id, "--statements-only"]);
    assert_eq!(only.lines().count(), 3, "{only}");
    assert!(only.lines().all(|l| l.starts_with('+')), "{only}");

    // No raw value in any byte: compressed, or decompressed.
    let file = recording_file(&gw, &id);
    let compressed = std::fs::read(&file).unwrap();
    let (stream, clean) = stream_bytes(&compressed);
    assert!(clean, "a finished session's recording ends cleanly");
    for raw in RAW.iter().chain(RULED) {
        for hay in [&compressed, &stream] {
            assert!(!contains(hay, raw.as_bytes()), "{raw} is in the recording");
            assert!(
                !contains(hay, hex::encode(raw).as_bytes()),
                "{raw} (hex) is in the recording"
            );
        }
    }
    assert!(leaks_of(RAW, &replay).is_empty() && leaks_of(RULED, &replay).is_empty());

    // The close event names the file by its digest; so does the session.
    let digest = hex::encode(sha2::Sha256::digest(&compressed));
    let events = audit(&bob, &["--session", &id]);
    let close = events
        .iter()
        .find(|e| e["kind"] == "session_close")
        .expect("close event");
    let detail = close["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("recording_sha256={digest}")),
        "{detail} vs {digest}"
    );
    let shown = bob.json(&["sessions", "show", &id]);
    assert_eq!(shown["recording"]["sha256"], digest.as_str());
    assert_eq!(shown["statements"], 3);
    // Reading the recording is itself on record.
    assert!(
        audit(&bob, &["--session", &id])
            .iter()
            .any(|e| e["kind"] == "recording_read" && e["identity"] == "bob"),
        "recording reads are audited"
    );
    // Sessions and recordings are for admins.
    let denied = alice.run(&["sessions", "replay", &id]);
    assert!(!denied.status.success());
    assert!(stderr(&denied).contains("admin"), "{}", stderr(&denied));

    // An altered recording is refused, not replayed.
    let mut altered = compressed.clone();
    let mid = altered.len() / 2;
    altered[mid] ^= 0x01;
    std::fs::write(&file, &altered).unwrap();
    let refused = bob.run(&["sessions", "replay", &id]);
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    assert!(
        stderr(&refused).contains("does not match its digest"),
        "{}",
        stderr(&refused)
    );
    assert!(stdout(&refused).is_empty());
    // A saved copy replays offline.
    std::fs::write(&file, &compressed).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("se.hrec");
    bob.ok(&["sessions", "replay", &id, "--save", saved.to_str().unwrap()]);
    let offline = bob.ok(&["sessions", "replay", "--file", saved.to_str().unwrap()]);
    assert_eq!(offline, replay);
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_deletes_old_recordings_and_audits_it() {
    let Some(Setup { gw, db: _db, alice }) =
        setup_pg_with("[recordings]\nmax_age = \"2s\"\nretention_interval = \"1s\"\n")
    else {
        return;
    };
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    alice.ok(&[
        "connect",
        "pg",
        "--reason",
        "retention",
        "--",
        "psql",
        "-X",
        "-c",
        "SELECT 42",
    ]);
    let id = sessions(&bob, "pg")[0]["id"].as_str().unwrap().to_string();
    let file = recording_file(&gw, &id);
    assert!(file.exists());
    let digest = hex::encode(sha2::Sha256::digest(std::fs::read(&file).unwrap()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let s = bob.json(&["sessions", "show", &id]);
        if s["recording"]["state"] == "deleted" {
            assert!(s["recording"]["deleted_at"].is_string());
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "retention never deleted the recording: {s}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(!file.exists(), "the file is gone");
    let events = audit(&bob, &["--session", &id]);
    let deleted = events
        .iter()
        .find(|e| e["kind"] == "recording_deleted")
        .expect("a recording_deleted event");
    let detail = deleted["detail"].as_str().unwrap();
    assert!(
        detail.contains("max_age") && detail.contains(&digest),
        "{detail}"
    );
    // The session's audit events stay; the replay says what happened.
    assert!(events.iter().any(|e| e["statement"] == "SELECT 42"));
    let gone = bob.run(&["sessions", "replay", &id]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(
        stderr(&gone).contains("retention deleted"),
        "{}",
        stderr(&gone)
    );
}
