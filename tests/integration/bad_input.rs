//! Acceptance 6: hostile bytes get an error or a close, a log line saying why, and the gateway
//! keeps serving.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::*;

/// Reads backend messages until ReadyForQuery.
async fn until_ready<S: tokio::io::AsyncRead + Unpin>(s: &mut S) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed before ReadyForQuery");
        buf.extend_from_slice(&chunk[..n]);
        let mut i = 0;
        while i + 5 <= buf.len() {
            let len = u32::from_be_bytes([buf[i + 1], buf[i + 2], buf[i + 3], buf[i + 4]]) as usize;
            if buf[i] == b'Z' {
                return;
            }
            i += 1 + len;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_bytes_are_refused_and_the_gateway_keeps_serving() {
    let Some(Setup { gw, db, alice }) = setup_pg() else {
        return;
    };
    let token = alice.token();
    let g = request_grant(&gw, &token, "pg", "1h").await;
    let gid = g["id"].as_str().unwrap().to_string();
    let (key, cert, ca) = fetch_cert(&gw, &token, &gid).await;

    let startup_cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "length below minimum",
            vec![0, 0, 0, 3, 1, 2, 3],
            "invalid message length 3",
        ),
        (
            "negative length",
            vec![0xff, 0xff, 0xff, 0xf0],
            "invalid message length",
        ),
        (
            "oversized startup",
            {
                let mut v = 100_000i32.to_be_bytes().to_vec();
                v.extend([0u8; 64]);
                v
            },
            "exceeds the limit",
        ),
        (
            "HTTP after the preamble",
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            "exceeds the limit",
        ),
        (
            "protocol 2.0",
            {
                let mut v = 8i32.to_be_bytes().to_vec();
                v.extend(131072i32.to_be_bytes());
                v
            },
            "unsupported frontend protocol 2.0",
        ),
        (
            "unterminated parameters",
            {
                let mut v = 14i32.to_be_bytes().to_vec();
                v.extend(196608i32.to_be_bytes());
                v.extend(b"user\0x");
                v
            },
            "malformed StartupMessage",
        ),
    ];
    for (what, bytes, expect) in startup_cases {
        let mut tls = raw_tunnel(&gw, &ca, &cert, &key, Some((&gid, "pg")))
            .await
            .unwrap();
        tls.write_all(&bytes).await.unwrap();
        let reply = read_all(&mut tls).await;
        let (code, msg) =
            pg_error(&reply).unwrap_or_else(|| panic!("{what}: no error, got {reply:?}"));
        assert_eq!(code, "08P01", "{what}: {msg}");
        assert!(msg.contains(expect), "{what}: {msg}");
    }

    // Lying lengths after a good start-up.
    let lies: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "length 2",
            b"Q\x00\x00\x00\x02".to_vec(),
            "invalid message length 2",
        ),
        (
            "2 GiB message",
            b"Q\x7f\xff\xff\xffselect".to_vec(),
            "exceeds the limit",
        ),
        (
            "query without NUL",
            b"Q\x00\x00\x00\x08abcd".to_vec(),
            "malformed Query",
        ),
    ];
    for (what, bytes, expect) in lies {
        let mut tls = raw_tunnel(&gw, &ca, &cert, &key, Some((&gid, "pg")))
            .await
            .unwrap();
        tls.write_all(&startup_packet(&[("user", "x"), ("database", &db.name)]))
            .await
            .unwrap();
        until_ready(&mut tls).await;
        tls.write_all(&bytes).await.unwrap();
        let reply = read_all(&mut tls).await;
        let (code, msg) =
            pg_error(&reply).unwrap_or_else(|| panic!("{what}: no error, got {reply:?}"));
        assert_eq!(code, "08P01", "{what}: {msg}");
        assert!(msg.contains(expect), "{what}: {msg}");
    }

    // A bad preamble, a truncated TLS handshake and plain garbage on the port.
    let mut tls = raw_tunnel(&gw, &ca, &cert, &key, None).await.unwrap();
    tls.write_all(b"XXXXgarbage").await.unwrap();
    assert!(read_all(&mut tls).await.is_empty());
    let mut tcp = tokio::net::TcpStream::connect(gw.addr).await.unwrap();
    tcp.write_all(&[
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03,
    ])
    .await
    .unwrap();
    drop(tcp);
    let mut tcp = tokio::net::TcpStream::connect(gw.addr).await.unwrap();
    tcp.write_all(b"\x00\x00\x00\x08\x04\xd2\x16\x2fhello")
        .await
        .unwrap();
    let _ = read_all(&mut tcp).await;

    // The gateway logged why…
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = gw.log_text();
    assert!(log.contains("protocol violation from client"), "{log}");
    assert!(log.contains("TLS handshake failed"), "{log}");
    assert!(log.contains("bad magic"), "{log}");
    // …and still serves a normal session.
    let out = alice.run(&[
        "connect",
        "pg",
        "--reason",
        "after the storm",
        "--",
        "psql",
        "-X",
        "-At",
        "-c",
        "select 'still-serving'",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "still-serving");
}
