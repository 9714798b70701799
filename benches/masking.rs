//! The masking engine's throughput on one core: MB/s of text inspected (and rewritten), on clean
//! business text and on PHI-dense text, with every detector on. Run with `cargo bench --bench
//! masking` (or through `bench/run`); `--smoke` uses a small corpus.

use std::collections::BTreeMap;
use std::time::Instant;

use hoopctl::gateway::masking::{Action, Counts, Kind, Masker};
use hoopctl::secret::Secret;

fn corpus(lines: usize, phi: bool) -> Vec<String> {
    (0..lines)
        .map(|i| {
            let n = i as u64 * 2_654_435_761 % 1_000_000_007;
            if phi {
                format!(
                    "Patient {n} seen {:02}/{:02}: SSN {:03}-{:02}-{:04}, mail p{n}@example.org, \
                     phone (415) 555-{:04}, MRN {:08}, notes: stable, follow up in 3 weeks",
                    i % 12 + 1,
                    i % 28 + 1,
                    n % 800 + 100,
                    n % 89 + 10,
                    n % 8999 + 1000,
                    n % 10_000,
                    n % 100_000_000
                )
            } else {
                format!(
                    "Order {n} shipped {:02}/{:02} for ${}.{:02}; build 2.{}.{}; batch {}-{:02}; \
                     status delivered, signature on file, courier notes: left at front desk",
                    i % 12 + 1,
                    i % 28 + 1,
                    n % 100_000,
                    n % 100,
                    n % 30,
                    n % 200,
                    n % 1_000_000,
                    n % 100
                )
            }
        })
        .collect()
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let lines = if smoke { 20_000 } else { 400_000 };
    let actions: BTreeMap<Kind, Action> = Kind::ALL.iter().map(|k| (*k, Action::Redact)).collect();
    let masker = match Masker::new(actions, &[], Secret::new(b"bench".to_vec())) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("bench masking: {e}");
            std::process::exit(1);
        }
    };
    println!("masking engine, one core, every detector, {lines} values per corpus:");
    for (label, phi) in [("clean business text", false), ("PHI-dense text", true)] {
        let values = corpus(lines, phi);
        let bytes: usize = values.iter().map(String::len).sum();
        let mut counts = Counts::default();
        let start = Instant::now();
        let mut out = 0usize;
        for v in &values {
            if let hoopctl::gateway::masking::Masked::Text(t) = masker.mask_text(v, &mut counts) {
                out += t.len();
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "  {label:<20} {:>8.1} MB/s  ({:.1} MB in {secs:.2} s; masked: {}; {out} bytes out)",
            bytes as f64 / 1e6 / secs,
            bytes as f64 / 1e6,
            if counts.is_empty() {
                "nothing".to_string()
            } else {
                counts.to_string()
            }
        );
    }
}
