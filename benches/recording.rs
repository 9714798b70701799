//! What recording a session costs: the gateway's side (framing and zstd compression as the
//! proxy writes to the client, in its 64 KiB batches) and the reader's (decompressing and
//! framing for `sessions replay`), per MB of stream, and how small the file gets. Run with
//! `cargo bench --bench recording` (`--smoke` for a short run).

use std::time::Instant;

use hoopctl::gateway::config::RecordingsSection;
use hoopctl::gateway::recordings::Recordings;
use hoopctl::gateway::store::Store;
use hoopctl::proto::recording::{Frames, Header, kind};

/// A DataRow of a masked patients result, text format.
fn data_row(i: u64) -> Vec<u8> {
    let vals = [
        i.to_string(),
        format!("tok_{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        format!(
            "9{:02}-{:02}-{:04}",
            i % 100,
            (i / 7) % 100,
            (i * 31) % 10_000
        ),
        "***@******e.org".to_string(),
        format!("visit {} for follow-up, see note {}", i % 365, i % 997),
    ];
    let mut body = (vals.len() as u16).to_be_bytes().to_vec();
    for v in &vals {
        body.extend((v.len() as i32).to_be_bytes());
        body.extend(v.as_bytes());
    }
    let mut m = vec![b'D'];
    m.extend(((body.len() + 4) as u32).to_be_bytes());
    m.extend(body);
    m
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let rows: u64 = if smoke { 20_000 } else { 1_000_000 };
    let mut stream = Vec::new();
    for i in 0..rows {
        stream.extend(data_row(i));
    }
    let mb = stream.len() as f64 / 1e6;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async move {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(dir.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let cfg = RecordingsSection {
            max_session_bytes: u64::MAX,
            ..Default::default()
        };
        let recs = Recordings::open(dir.path(), cfg, store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for round in 0..3 {
            let header = Header {
                session_id: format!("se_bench{round}"),
                connection: "warehouse".into(),
                identity: "ci-nightly".into(),
                grant_id: "gr_0123456789abcdef".into(),
                protocol: "postgres".into(),
                started_at: 0,
            };
            let rec = recs
                .start(&header)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("recordings are on"));
            let t = Instant::now();
            for c in stream.chunks(64 * 1024) {
                rec.push(kind::SERVER, c).unwrap_or_else(|e| panic!("{e}"));
            }
            let row = recs.finish(&rec, "bench").await;
            let write = t.elapsed().as_secs_f64();
            let path = dir.path().join("recordings").join(&row.file);
            let file = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
            let t = Instant::now();
            let mut n = 0usize;
            for f in Frames::from_compressed(&file).unwrap_or_else(|e| panic!("{e}")) {
                n += f.unwrap_or_else(|e| panic!("{e}")).data.len();
            }
            let read = t.elapsed().as_secs_f64();
            println!(
                "recording run {round}: {mb:.1} MB of DataRows ({rows} rows) -> {:.2} MB on disk (ratio {:.1}x); \
                 record {:.0} MB/s ({:.0} ns/row), replay read {:.0} MB/s ({n} bytes)",
                file.len() as f64 / 1e6,
                stream.len() as f64 / file.len() as f64,
                mb / write,
                write * 1e9 / rows as f64,
                mb / read,
            );
        }
    });
}
