//! The masked relay's rewriters on hostile target output: DataRow (text and binary, with and
//! without column rules), CopyData (text, CSV, binary), errors, notifications, and the answer
//! tracking that decides which descriptions apply. The input drives a sequence of operations:
//! raw messages of any tag and body, structured row descriptions and rows, COPY streams, and the
//! client-side expectations. Whatever comes back must be framed correctly; nothing may panic.
#![no_main]

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use hoopctl::gateway::masking::{Action, ColumnRule, Counts, Kind, Masker};
use hoopctl::gateway::proxy::postgres::copy::{CopyOpts, Layout};
use hoopctl::gateway::proxy::postgres::mask::{Expect, Out, WireMasker};
use libfuzzer_sys::fuzz_target;

fn masker() -> Arc<Masker> {
    static M: OnceLock<Arc<Masker>> = OnceLock::new();
    M.get_or_init(|| {
        let actions = Kind::ALL.iter().map(|k| (*k, Action::Token)).collect();
        let rules = [ColumnRule {
            column: "public.t.*".into(),
            action: Action::Partial { keep: 2 },
        }];
        let m = Masker::new(actions, &[], hoopctl::secret::Secret::new(b"fuzz".to_vec()))
            .expect("the fuzz profile compiles")
            .with_columns(&rules, &["*.*.dob".into()]);
        Arc::new(m)
    })
    .clone()
}

fn message(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![tag];
    m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    m.extend_from_slice(body);
    m
}

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (h, t) = self.0.split_at(n);
        self.0 = t;
        h
    }
}

const TYPES: &[u32] = &[25, 1043, 17, 114, 3802, 23, 20, 1082, 1009, 2249, 0];

fn check(msg: &[u8], out: &Out) {
    if let Out::Replace(m) = out {
        assert!(m.len() >= 5, "a rewritten message has a header");
        // A rewrite keeps the tag; a refused COPY's completion becomes an error.
        assert!(
            m[0] == msg[0] || (msg[0] == b'C' && m[0] == b'E'),
            "tag {}",
            m[0]
        );
        let len = u32::from_be_bytes([m[1], m[2], m[3], m[4]]) as usize;
        assert_eq!(len + 1, m.len(), "a rewrite carries its own length");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut w = WireMasker::new(masker());
    let mut counts = Counts::default();
    let mut input = Input(data);
    // Relation 7 is `public.t`; 8 has a DOB column.
    let cols = |names: &[&str]| {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (i as i16 + 1, vec![n.to_string()]))
            .collect::<HashMap<_, _>>()
    };
    w.learn(
        &[7, 8],
        HashMap::from([
            (7, cols(&["public.t.a", "public.t.b", "public.t.c"])),
            (8, cols(&["public.u.dob", "public.u.x"])),
        ]),
    );
    let mut ncols = 0usize;
    while let Some(op) = input.byte() {
        let msg = match op % 7 {
            // Any tag, any body.
            0 => {
                let tag = input.byte().unwrap_or(b'D');
                let len = input.byte().unwrap_or(0) as usize * 2;
                message(tag, input.bytes(len))
            }
            // A row description: types, formats and sources from the input.
            1 => {
                ncols = (input.byte().unwrap_or(1) % 6) as usize;
                let mut b = (ncols as i16).to_be_bytes().to_vec();
                for i in 0..ncols {
                    let x = input.byte().unwrap_or(0);
                    let table: u32 = [0, 7, 8][x as usize % 3];
                    b.extend_from_slice(format!("c{i}\0").as_bytes());
                    b.extend_from_slice(&table.to_be_bytes());
                    b.extend_from_slice(&((x as i16 >> 2) % 4).to_be_bytes());
                    b.extend_from_slice(&TYPES[(x as usize >> 4) % TYPES.len()].to_be_bytes());
                    b.extend_from_slice(&[0; 6]);
                    b.extend_from_slice(&((x >> 7) as i16).to_be_bytes());
                }
                message(b'T', &b)
            }
            // A row of that shape (or not quite: the count comes from the input).
            2 => {
                let n = if input.byte().unwrap_or(0) < 240 {
                    ncols
                } else {
                    ncols + 1
                };
                let mut b = (n as i16).to_be_bytes().to_vec();
                for _ in 0..n {
                    let len = input.byte().unwrap_or(0);
                    if len == 255 {
                        b.extend_from_slice(&(-1i32).to_be_bytes());
                    } else {
                        let v = input.bytes(len as usize);
                        b.extend_from_slice(&(v.len() as i32).to_be_bytes());
                        b.extend_from_slice(v);
                    }
                }
                message(b'D', &b)
            }
            // COPY FROM STDIN begins.
            6 => message(b'G', &[0, 0, 0]),
            // COPY: a CopyOutResponse, then rows.
            3 => {
                let binary = input.byte().unwrap_or(0) % 2;
                message(b'H', &[binary, 0, 2, 0, binary, 0, binary])
            }
            4 => {
                let len = input.byte().unwrap_or(0) as usize;
                message(b'd', input.bytes(len))
            }
            // What the client side reports.
            _ => {
                let opts = CopyOpts {
                    layout: [Layout::Text, Layout::Csv, Layout::Binary]
                        [input.byte().unwrap_or(0) as usize % 3],
                    header: true,
                    custom: false,
                };
                let e = match input.byte().unwrap_or(0) % 14 {
                    0 => Expect::Query,
                    1 => Expect::Call,
                    2 => Expect::Parse,
                    3 => Expect::Bind,
                    4 => Expect::Describe,
                    5 => Expect::Injected,
                    6 => Expect::Execute,
                    7 => Expect::Close,
                    8 => Expect::Sync,
                    9 => Expect::ProbeParse { synced: true },
                    10 => Expect::ProbeDescribe { opts, synced: true },
                    11 => Expect::ProbeClose,
                    12 => Expect::CopyEnd,
                    _ => Expect::ProbeSync,
                };
                w.expect([e]);
                continue;
            }
        };
        if let Ok(out) = w.on_backend(&msg, &mut counts) {
            check(&msg, &out);
        }
    }
});
