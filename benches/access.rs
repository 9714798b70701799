//! What record-level access accounting costs: CPU per result row on the proxy's path (the
//! wire masker with accounting on, side by side with it off, on one stream), and bytes in the
//! store per accounted record. Run with `cargo bench --bench access` (`--smoke` for a short
//! run).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use hoopctl::gateway::access::AccessKey;
use hoopctl::gateway::config::TableConfig;
use hoopctl::gateway::masking::{Counts, Masker};
use hoopctl::gateway::proxy::postgres::mask::{Accounting, Expect, WireMasker};
use hoopctl::gateway::store::{AuditWrite, Store};
use hoopctl::secret::Secret;

const PATIENTS: u32 = 16_384;

fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![tag];
    m.extend(((body.len() + 4) as u32).to_be_bytes());
    m.extend_from_slice(body);
    m
}

/// A simple query's answer: id, mrn, name of `rows` patients.
fn stream(rows: u32) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut t = 3u16.to_be_bytes().to_vec();
    for (name, att, ty) in [("id", 1i16, 23u32), ("mrn", 2, 25), ("name", 3, 25)] {
        t.extend(name.as_bytes());
        t.push(0);
        t.extend(PATIENTS.to_be_bytes());
        t.extend(att.to_be_bytes());
        t.extend(ty.to_be_bytes());
        t.extend([0u8; 8]);
    }
    out.push(msg(b'T', &t));
    for i in 0..rows {
        let vals = [i.to_string(), format!("MRN-{i:08}"), format!("patient {i}")];
        let mut d = 3u16.to_be_bytes().to_vec();
        for v in &vals {
            d.extend((v.len() as i32).to_be_bytes());
            d.extend(v.as_bytes());
        }
        out.push(msg(b'D', &d));
    }
    out.push(msg(b'C', format!("SELECT {rows}\0").as_bytes()));
    out.push(msg(b'Z', b"I"));
    out
}

fn run(masker: &Arc<Masker>, accounting: Option<Accounting>, msgs: &[Vec<u8>]) -> (f64, usize) {
    let mut w = WireMasker::new(masker.clone()).with_accounting(accounting);
    let cols = HashMap::from([
        (1i16, vec!["public.patients.id".to_string()]),
        (2, vec!["public.patients.mrn".to_string()]),
        (3, vec!["public.patients.name".to_string()]),
    ]);
    w.learn(&[PATIENTS], HashMap::from([(PATIENTS, cols)]));
    w.expect([Expect::Query]);
    let mut counts = Counts::default();
    let mut accounted = 0;
    let start = Instant::now();
    // As the proxy does: the accounted keys are taken after each read (here every 500 rows,
    // about one 64 KiB read).
    for batch in msgs.chunks(500) {
        for m in batch {
            let mut out = None;
            w.set_statement(1);
            w.push(m, 0, m.len(), &mut out, &mut counts)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        accounted += w.take_accessed().len();
    }
    let secs = start.elapsed().as_secs_f64();
    (secs, accounted)
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let rows: u32 = if smoke { 20_000 } else { 1_000_000 };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let key = Arc::new(AccessKey::load_or_create(dir.path()).unwrap_or_else(|e| panic!("{e}")));
    let tables = BTreeMap::from([(
        "public.patients".to_string(),
        TableConfig {
            tags: vec!["phi".into()],
            key: Some("mrn".into()),
        },
    )]);
    let masker = Arc::new(
        Masker::new(BTreeMap::new(), &[], Secret::new(Vec::new()))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let msgs = stream(rows);
    let bytes: usize = msgs.iter().map(Vec::len).sum();
    println!(
        "record access accounting, one core, {rows} rows (id, mrn, name), {:.1} MB:",
        bytes as f64 / 1e6
    );
    for round in 0..3 {
        let (off, _) = run(&masker, None, &msgs);
        let (on, n) = run(&masker, Accounting::new("pg", &tables, key.clone()), &msgs);
        assert_eq!(n, rows as usize);
        println!(
            "  run {round}: wire masker {:.0} ns/row without accounting, {:.0} ns/row with ({:.2}x); {n} keys accounted",
            off * 1e9 / rows as f64,
            on * 1e9 / rows as f64,
            on / off
        );
    }

    // Storage: distinct records across 10 sessions, in the audit writer's batches.
    let n: usize = if smoke { 20_000 } else { 500_000 };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(dir.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut log = store.audit_log().await.unwrap_or_else(|e| panic!("{e}"));
        let size = || {
            ["store.db", "store.db-wal"]
                .iter()
                .map(|f| std::fs::metadata(dir.path().join(f)).map_or(0, |m| m.len()))
                .sum::<u64>()
        };
        let before = size();
        let start = Instant::now();
        for chunk in 0..n / 1000 {
            let session: Arc<str> = Arc::from(format!("se_{:016}", chunk % 10).as_str());
            let keys = (0..1000)
                .map(|i| {
                    let v = format!("MRN-{:08}", chunk * 1000 + i);
                    (1i64, key.hash("pg", "public.patients", v.as_bytes()))
                })
                .collect();
            log.write_batch(&[AuditWrite::Access {
                session_id: session,
                keys,
            }])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let secs = start.elapsed().as_secs_f64();
        drop(log);
        drop(store);
        // Checkpointed into the database file on close; WAL pages are not double counted.
        let after = size();
        println!(
            "  store: {n} accounted records, {:.1} µs each to insert, {:.0} bytes each on disk",
            secs * 1e6 / n as f64,
            (after.saturating_sub(before)) as f64 / n as f64
        );
    });
}
