//! Acceptance 2: tokio-postgres through `hoopctl connect` — extended protocol, prepared
//! statements, binary results, COPY in both directions, and cancel requests.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};

use crate::util::*;

#[tokio::test(flavor = "multi_thread")]
async fn extended_protocol_copy_and_cancel() {
    let Some(Setup { gw, db, alice }) = setup_pg() else {
        return;
    };
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "extended protocol test"]);
    assert_eq!(tunnel.info["database"], db.name.as_str());

    let (client, conn) = tunnel
        .pg_config(&db.name)
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    let conn_task = tokio::spawn(conn);

    client
        .batch_execute("CREATE TABLE items (id int8 PRIMARY KEY, name text, price numeric, seen timestamptz DEFAULT now())")
        .await
        .unwrap();
    // Prepared statement, parameters and results in binary format.
    let insert = client
        .prepare("INSERT INTO items (id, name) VALUES ($1, $2)")
        .await
        .unwrap();
    for i in 1..=3i64 {
        client
            .execute(&insert, &[&i, &format!("item-{i}")])
            .await
            .unwrap();
    }
    let rows = client
        .query(
            "SELECT id, name FROM items WHERE id >= $1 ORDER BY id",
            &[&2i64],
        )
        .await
        .unwrap();
    let got: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        got,
        vec![(2, "item-2".to_string()), (3, "item-3".to_string())]
    );
    let n: i64 = client
        .query_one("SELECT count(*) FROM items", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
    // A statement error in the extended protocol leaves the session usable.
    let err = client
        .query("SELECT * FROM no_such_table", &[])
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE)
    );
    assert_eq!(
        client
            .query_one("SELECT 41 + 1", &[])
            .await
            .unwrap()
            .get::<_, i32>(0),
        42
    );

    // COPY FROM STDIN.
    let sink = client
        .copy_in("COPY items (id, name) FROM STDIN")
        .await
        .unwrap();
    tokio::pin!(sink);
    let mut data = String::new();
    for i in 100..600 {
        data.push_str(&format!("{i}\tcopied-{i}\n"));
    }
    sink.send(Bytes::from(data)).await.unwrap();
    let copied = sink.finish().await.unwrap();
    assert_eq!(copied, 500);
    // COPY TO STDOUT.
    let stream = client
        .copy_out("COPY (SELECT id, name FROM items ORDER BY id) TO STDOUT")
        .await
        .unwrap();
    tokio::pin!(stream);
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 503);
    assert!(text.contains("599\tcopied-599\n"));

    // Cancel a long pg_sleep through the client's cancel request.
    let token = client.cancel_token();
    let started = Instant::now();
    let sleeper = async move {
        let r = client.query("SELECT pg_sleep(30)", &[]).await;
        (r, started.elapsed(), client)
    };
    let canceller = async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        token.cancel_query(tokio_postgres::NoTls).await
    };
    let ((r, took, client), c) = tokio::join!(sleeper, canceller);
    c.expect("cancel request sent");
    let e = r.expect_err("pg_sleep should be cancelled");
    assert_eq!(
        e.code(),
        Some(&tokio_postgres::error::SqlState::QUERY_CANCELED),
        "{e}"
    );
    assert!(took < Duration::from_secs(15), "cancel took {took:?}");
    // The session survives the cancel.
    assert_eq!(
        client
            .query_one("SELECT 1::int4", &[])
            .await
            .unwrap()
            .get::<_, i32>(0),
        1
    );
    drop(client);
    let _ = conn_task.await;

    // Every statement is audited with identity and grant (acceptance 5 for this path).
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let events = audit(&admin, &["--connection", "pg"]);
    for (kind, sql) in [
        ("parse", "INSERT INTO items (id, name) VALUES ($1, $2)"),
        ("execute", "INSERT INTO items (id, name) VALUES ($1, $2)"),
        (
            "execute",
            "SELECT id, name FROM items WHERE id >= $1 ORDER BY id",
        ),
        ("execute", "COPY items (id, name) FROM STDIN"),
        (
            "execute",
            "COPY (SELECT id, name FROM items ORDER BY id) TO STDOUT",
        ),
        ("execute", "SELECT pg_sleep(30)"),
    ] {
        let e = events
            .iter()
            .find(|e| e["kind"] == kind && e["statement"] == sql)
            .unwrap_or_else(|| panic!("{kind} {sql:?} not audited: {events:#?}"));
        assert_eq!(e["identity"], "alice");
        assert_eq!(e["grant_id"], tunnel.info["grant"]);
    }
    let copy_in = events
        .iter()
        .find(|e| e["kind"] == "execute" && e["statement"] == "COPY items (id, name) FROM STDIN")
        .unwrap();
    assert_eq!(copy_in["rows"], 500);
    let failed = events
        .iter()
        .find(|e| e["kind"] == "execute" && e["statement"] == "SELECT * FROM no_such_table");
    let failed = failed
        .or_else(|| {
            events
                .iter()
                .find(|e| e["kind"] == "parse" && e["statement"] == "SELECT * FROM no_such_table")
        })
        .unwrap();
    assert_eq!(failed["outcome"], "error");
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "cancel" && e["outcome"] == "ok"),
        "cancel not audited"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn large_results_stream_through_completely() {
    let Some(Setup { gw: _gw, db, alice }) = setup_pg() else {
        return;
    };
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "bulk"]);
    let client = tunnel.client(&db.name).await;
    // 100 MB in 100,000 rows, read slowly at first so the gateway's writes to the tunnel block:
    // the last bytes of the burst must still arrive (they once waited in the TLS layer forever).
    let stream = client
        .query_raw(
            "SELECT repeat('x', 1000) FROM generate_series(1, 100000)",
            std::iter::empty::<i32>(),
        )
        .await
        .unwrap();
    tokio::pin!(stream);
    let mut bytes = 0usize;
    let mut rows = 0usize;
    let read = async {
        while let Some(row) = stream.next().await {
            let row = row.unwrap();
            bytes += row.get::<_, &str>(0).len();
            rows += 1;
            if rows.is_multiple_of(20_000) {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(120), read)
        .await
        .expect("the stream stalled");
    assert_eq!((rows, bytes), (100_000, 100_000_000));
    assert_eq!(
        client
            .query_one("SELECT 1::int4", &[])
            .await
            .unwrap()
            .get::<_, i32>(0),
        1
    );
}
