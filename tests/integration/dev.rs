//! Acceptance 7 (in part): `hoopctl dev` brings up the whole flow on one machine.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::util::*;

#[test]
fn dev_runs_the_whole_flow() {
    if !require_pg() {
        return;
    }
    let client = TestClient::new();
    let mut dev = client
        .cmd()
        .args(["dev", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(dev.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = String::new();
    while !seen.contains("Press Ctrl-C") {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            panic!("hoopctl dev exited early:\n{seen}");
        }
        seen.push_str(&line);
        assert!(Instant::now() < deadline, "{seen}");
    }
    assert!(seen.contains("export HOOPCTL_PROFILE=dev"), "{seen}");
    let out = client
        .cmd()
        .env("HOOPCTL_PROFILE", "dev")
        .args([
            "connect",
            "demo",
            "--reason",
            "try hoopctl",
            "--",
            "psql",
            "-X",
            "-At",
            "-c",
            "select count(*) from patients",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "50");
    // The demo masks its patients: SSNs are tokens (area 9xx), MRNs, e-mails and names hidden,
    // dates of birth NULL.
    let out = client
        .cmd()
        .env("HOOPCTL_PROFILE", "dev")
        .args([
            "connect",
            "demo",
            "--reason",
            "try hoopctl",
            "--",
            "psql",
            "-X",
            "-At",
            "-c",
            "select mrn, ssn, email, name, dob from patients where id = 1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let row: Vec<String> = stdout(&out).trim().split('|').map(str::to_string).collect();
    assert_eq!(row[0], "[redacted:mrn]", "{row:?}");
    assert!(
        row[1].starts_with('9') && row[1] != "101-11-1001",
        "{row:?}"
    );
    assert_eq!(row[2], "********@******e.org", "{row:?}");
    assert_eq!(row[3], "[redacted]", "{row:?}");
    assert_eq!(row[4], "", "{row:?}");
    // An unbounded UPDATE waits for a review; the dev user may approve their own.
    let held = client
        .cmd()
        .env("HOOPCTL_PROFILE", "dev")
        .args([
            "connect",
            "demo",
            "--reason",
            "try hoopctl",
            "--",
            "psql",
            "-X",
            "-c",
            "update patients set email = lower(email)",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let review = loop {
        let out = client
            .cmd()
            .env("HOOPCTL_PROFILE", "dev")
            .args(["-o", "json", "review", "list"])
            .output()
            .unwrap();
        let list: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        if let Some(r) = list.as_array().and_then(|l| l.first()) {
            break r["id"].as_str().unwrap().to_string();
        }
        assert!(std::time::Instant::now() < deadline, "no review opened");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let ok = client
        .cmd()
        .env("HOOPCTL_PROFILE", "dev")
        .args(["review", "approve", &review])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    let out = held.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("UPDATE 50"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!("held for review {review}")),
        "{}",
        stderr(&out)
    );
    let audit = client
        .cmd()
        .env("HOOPCTL_PROFILE", "dev")
        .args(["audit", "list"])
        .output()
        .unwrap();
    assert!(
        stdout(&audit).contains("select count(*) from patients"),
        "{}",
        stdout(&audit)
    );
    // The whole session's log exports and verifies against the gateway's key.
    let dev_cmd = |args: &[&str]| {
        client
            .cmd()
            .env("HOOPCTL_PROFILE", "dev")
            .args(args)
            .output()
            .unwrap()
    };
    let key = stdout(&dev_cmd(&["audit", "public-key"]))
        .trim()
        .to_string();
    let file = tempfile::NamedTempFile::new().unwrap();
    let path = file.path().to_str().unwrap();
    let exported = dev_cmd(&["audit", "export", "--out", path]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let verified = dev_cmd(&["audit", "verify", path, "--public-key", &key]);
    assert!(
        verified.status.success() && stdout(&verified).contains("OK"),
        "{}{}",
        stdout(&verified),
        stderr(&verified)
    );
    // Every session was recorded: the count session replays with its statement and result.
    let listed = dev_cmd(&["-o", "json", "sessions", "list"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listed: serde_json::Value = serde_json::from_str(stdout(&listed).trim()).unwrap();
    let replays: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| stdout(&dev_cmd(&["sessions", "replay", s["id"].as_str().unwrap()])))
        .collect();
    assert!(
        replays
            .iter()
            .any(|r| r.contains("demo=> select count(*) from patients") && r.contains("(1 row)")),
        "{replays:?}"
    );
    // The masked select above received patient 1: accounted by MRN, though masked.
    let who = dev_cmd(&[
        "-o",
        "json",
        "audit",
        "who-accessed",
        "--connection",
        "demo",
        "--table",
        "patients",
        "--key",
        "MRN0000001",
    ]);
    assert!(who.status.success(), "{}", stderr(&who));
    let who: serde_json::Value = serde_json::from_str(stdout(&who).trim()).unwrap();
    assert!(
        !who.as_array().unwrap().is_empty(),
        "nobody received patient 1: {who}"
    );
    // SIGTERM stops it cleanly and forgets the dev profile.
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(dev.id().to_string())
        .status();
    let status = dev.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        client.run(&["--profile", "dev", "whoami"]).status.code(),
        Some(5)
    );
}
