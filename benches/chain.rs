//! What the tamper-evident audit chain costs, per event: chaining events already in the store
//! (`Store::seal`, off the statement path), and checking an export (`audit verify`). Run with
//! `cargo bench --bench chain` (`--smoke` for a short run).

use std::sync::Arc;
use std::time::Instant;

use hoopctl::gateway::store::{AuditWrite, Store};
use hoopctl::proto::chain::{self, Checkpoint, Record};

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let n: i64 = if smoke { 2_000 } else { 200_000 };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async move {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(dir.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut log = store.audit_log().await.unwrap_or_else(|e| panic!("{e}"));
        let session: Arc<str> = Arc::from("se_bench");
        let batch: Vec<AuditWrite> = (0..1000)
            .map(|seq| AuditWrite::Statement {
                session_id: session.clone(),
                seq,
                kind: "query",
                identity: Arc::from("ci-nightly"),
                grant_id: Arc::from("gr_0123456789abcdef"),
                connection: Arc::from("warehouse"),
                statement: format!("SELECT abalance FROM pgbench_accounts WHERE aid = {seq}"),
            })
            .collect();
        let t = Instant::now();
        for _ in 0..n / 1000 {
            log.write_batch(&batch)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let insert = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let t = Instant::now();
        let sealed = store.seal().await.unwrap_or_else(|e| panic!("{e}"));
        let seal = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        assert_eq!(sealed as i64, n);
        let (head, hash) = store
            .chain_head()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no head"));
        let rng = aws_lc_rs::rand::SystemRandom::new();
        use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
        let doc = Ed25519KeyPair::generate_pkcs8(&rng).unwrap_or_else(|e| panic!("{e}"));
        let key = Ed25519KeyPair::from_pkcs8(doc.as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let sig = key.sign(&Checkpoint::message(head, &hash, 1));
        let cp = Checkpoint {
            event_id: head,
            event_hash: hash,
            time: 1,
            key_id: chain::key_id(key.public_key().as_ref()),
            signature: base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                sig.as_ref(),
            ),
        };
        let t = Instant::now();
        let (events, _) = store
            .export_chain(None, head)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let export = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let mut records: Vec<Record> = events.into_iter().map(Record::Event).collect();
        records.push(Record::Checkpoint(cp));
        let t = Instant::now();
        let v =
            chain::verify(&records, key.public_key().as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let verify = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        assert_eq!(v.events as i64, n);
        let db = std::fs::metadata(dir.path().join("store.db"))
            .map(|m| m.len())
            .unwrap_or(0);
        println!("audit chain, one core, {n} statement events of ~60 characters");
        println!("  append (batches of 1000)   {insert:>8.2} µs/event");
        println!("  chain (Store::seal)        {seal:>8.2} µs/event");
        println!("  read for export            {export:>8.2} µs/event");
        println!("  verify                     {verify:>8.2} µs/event");
        println!(
            "  store size                 {:>8.0} bytes/event",
            db as f64 / n as f64
        );
    });
}
