//! The COPY statement lexer and the text/CSV row codecs on arbitrary input: no panics, and rows
//! that split re-join to rows that split the same way.
#![no_main]

use hoopctl::gateway::proxy::postgres::copy::{
    copy_outs, join_csv, join_text, split_csv, split_text,
};
use hoopctl::gateway::sql::lex::statements;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sql) = std::str::from_utf8(data) {
        let _ = statements(sql);
        let _ = copy_outs(sql);
    }
    let fields = split_text(data);
    let again = join_text(&fields);
    assert_eq!(split_text(&again), fields, "text rows round-trip");
    if let Some(fields) = split_csv(data) {
        let again = join_csv(&fields);
        assert_eq!(
            split_csv(&again).as_ref(),
            Some(&fields),
            "CSV rows round-trip"
        );
    }
});
