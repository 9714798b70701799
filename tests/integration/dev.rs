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
