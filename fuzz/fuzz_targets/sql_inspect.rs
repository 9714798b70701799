//! The SQL inspection behind per-statement policy on arbitrary input: no panics, at least one
//! statement reported, and SQL the parser rejects always needs `admin` (fail closed).
#![no_main]

use hoopctl::gateway::sql::{SearchPath, inspect};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let i = inspect(sql, &SearchPath::default());
    assert!(!i.statements.is_empty());
    if i.error.is_some() {
        assert_eq!(i.statements.len(), 1);
        assert!(!i.statements[0].admin.is_empty(), "unparsed SQL needs admin");
    }
    let _ = i.summary();
});
