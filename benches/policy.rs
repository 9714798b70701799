//! The cost of per-statement policy on one core: SQL inspection (lexer + sqlparser + walk) and
//! the Cedar decision, per statement, for typical statements. Run with `cargo bench --bench
//! policy` (`--smoke` for a short run).

use std::path::PathBuf;
use std::time::Instant;

use hoopctl::gateway::policy::{Policy, Principal, PrincipalKind, Scope};
use hoopctl::gateway::proxy::gate::{Decisions, Gate};
use hoopctl::gateway::sql::{SearchPath, inspect};

const STATEMENTS: &[(&str, &str)] = &[
    (
        "point select",
        "SELECT abalance FROM pgbench_accounts WHERE aid = 48213",
    ),
    (
        "join + subquery",
        "SELECT o.id, c.name, sum(i.qty * i.price) FROM orders o JOIN customers c ON c.id = o.customer_id \
         JOIN items i ON i.order_id = o.id WHERE o.created_at > now() - interval '7 days' \
         AND c.id IN (SELECT customer_id FROM vip) GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20",
    ),
    (
        "insert",
        "INSERT INTO events (kind, payload) VALUES ('login', '{\"ok\": true}') RETURNING id",
    ),
    (
        "update",
        "UPDATE pgbench_accounts SET abalance = abalance + 12 WHERE aid = 48213",
    ),
    (
        "CTE delete",
        "WITH d AS (DELETE FROM sessions WHERE expires_at < now() RETURNING user_id) \
         INSERT INTO audit_log (user_id, what) SELECT user_id, 'expired' FROM d",
    ),
];

const POLICY: &str = r#"
permit (principal in Group::"analysts", action in [Action::"read", Action::"write"], resource)
when { resource.schema == "public" };
forbid (principal, action == Action::"write", resource)
when { context.statement.unbounded_write } unless { context.approved };
forbid (principal, action == Action::"read", resource)
when { resource.tags.contains("phi") && !context.statement.has_where } unless { context.approved };
"#;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let n: u32 = if smoke { 2_000 } else { 50_000 };
    let policy = Policy::from_sources(&[(PathBuf::from("bench.cedar"), POLICY.to_string())])
        .unwrap_or_else(|e| panic!("{e:?}"));
    let who = Principal {
        name: "ana".into(),
        kind: PrincipalKind::User,
        groups: vec!["analysts".into()],
    };
    let tables = Default::default();
    let path = SearchPath::default();
    println!("per statement, one core, {n} iterations each");
    println!(
        "{:<18} {:>14} {:>14} {:>14}",
        "statement", "inspect µs", "decide µs", "total µs"
    );
    for (name, sql) in STATEMENTS {
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(inspect(std::hint::black_box(sql), &path));
        }
        let inspect_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        let i = inspect(sql, &path);
        let t = Instant::now();
        for _ in 0..n {
            let scope = Scope {
                principal: &who,
                connection: "warehouse",
                connection_kind: "postgres",
                tables: &tables,
                reason: "bench",
                ci: None,
                now_ms: 1_800_000_000_000,
            };
            std::hint::black_box(policy.decide_statement(&scope, &i));
        }
        let decide_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        println!(
            "{name:<18} {inspect_us:>14.1} {decide_us:>14.1} {:>14.1}",
            inspect_us + decide_us
        );
    }
    // What a session pays for a statement it ran less than a second ago (its Executes).
    let gate = Gate::new(
        who,
        "warehouse",
        "postgres",
        tables,
        "bench",
        None,
        SearchPath::default(),
    );
    let mut recent = Decisions::default();
    let sql = STATEMENTS[1].1;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(recent.decide(&gate, &policy, sql, || gate.inspect(sql)));
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!(
        "{:<18} {:>14} {:>14} {us:>14.2}",
        "join, repeated", "-", "-"
    );
    // pgbench's select-only: a new key in every text, so each one is inspected, but what the
    // policy sees is the same: the decision is reused.
    let texts: Vec<String> = (0..n)
        .map(|k| format!("SELECT abalance FROM pgbench_accounts WHERE aid = {k}"))
        .collect();
    let t = Instant::now();
    for sql in &texts {
        std::hint::black_box(recent.decide(&gate, &policy, sql, || gate.inspect(sql)));
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!(
        "{:<18} {:>14} {:>14} {us:>14.2}",
        "point, new key", "-", "-"
    );
}
