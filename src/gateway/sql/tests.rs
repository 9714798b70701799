use super::*;

fn sum(sql: &str) -> String {
    inspect(sql, &SearchPath::default()).summary()
}

#[test]
fn reads_writes_and_bounds() {
    assert_eq!(sum("select * from orders"), "select r=public.orders");
    assert_eq!(
        sum("SELECT o.id FROM Orders o JOIN \"Patients\" p ON p.id = o.pid WHERE o.id = 1 LIMIT 5"),
        "select r=public.Patients,public.orders where limit"
    );
    assert_eq!(
        sum("update orders set n = n + 1 where id = 1"),
        "update w=public.orders where"
    );
    assert_eq!(sum("delete from orders"), "delete w=public.orders");
    assert_eq!(
        sum("delete from orders using items where items.o = orders.id returning *"),
        "delete r=public.items,public.orders w=public.orders where"
    );
    assert_eq!(
        sum("insert into a select * from b"),
        "insert r=public.b w=public.a"
    );
    // `TABLE t` is not a statement to the parser (fail closed), but it is a query body.
    assert_eq!(sum("TABLE s.t"), "unparsed admin=unparsed");
    assert_eq!(sum("select 1 union table s.\"T\""), "select r=s.T");
}

#[test]
fn multi_statement_strings_are_split() {
    assert_eq!(
        sum("select 1; delete from orders;"),
        "select ; delete w=public.orders"
    );
    assert_eq!(
        sum("select '\\'; delete from patients; --'"),
        "select ; delete w=public.patients"
    );
    assert_eq!(sum("select $$; delete from orders$$"), "select");
    assert_eq!(sum("/* only */ -- comments\n"), "empty");
}

#[test]
fn cte_scoping_follows_postgres() {
    assert_eq!(
        sum("with patients as (select * from patients) select * from patients"),
        "select r=public.patients"
    );
    assert_eq!(
        sum(
            "select * from orders where exists (with patients as (select 1) select 1 from patients)"
        ),
        "select r=public.orders where"
    );
    assert_eq!(
        sum(
            "select * from patients where exists (with patients as (select 1) select * from patients)"
        ),
        "select r=public.patients where"
    );
    assert_eq!(
        sum(
            "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r"
        ),
        "select"
    );
    assert_eq!(
        sum("with a as (select 1), b as (select * from a) select * from b"),
        "select"
    );
    assert_eq!(
        sum("with x as (select 1) select * from public.x"),
        "select r=public.x"
    );
    assert_eq!(
        sum("with d as (delete from orders returning *) select * from d"),
        "select r=public.orders w=public.orders"
    );
}

#[test]
fn admin_reasons() {
    assert_eq!(
        sum("select pg_catalog.PG_READ_FILE('/etc/passwd')"),
        "select admin=fn:pg_read_file"
    );
    assert_eq!(sum("set role postgres"), "set_role admin=set_role");
    assert_eq!(
        sum("SET SESSION AUTHORIZATION x"),
        "set_role admin=set_role"
    );
    assert_eq!(sum("reset role"), "set_role admin=set_role");
    assert_eq!(sum("set search_path = evil"), "set admin=search_path");
    assert_eq!(sum("set statement_timeout = 5"), "set");
    assert_eq!(
        sum("SET standard_conforming_strings = off"),
        "set admin=standard_conforming_strings"
    );
    assert_eq!(
        sum("select 1 -- comment ends here\r; delete from t"),
        "select ; delete w=public.t"
    );
    assert_eq!(sum("select * from ÄRZTE"), "select r=public.Ärzte");
    assert_eq!(
        sum("copy t from stdin;\ndelete from patients"),
        "copy_from w=public.t ; delete w=public.patients"
    );
    assert_eq!(
        sum("copy orders to program 'curl x'"),
        "copy_to r=public.orders x=public.orders admin=copy_program"
    );
    assert_eq!(
        sum("copy (select * from patients where id < 9) to stdout"),
        "copy_to r=public.patients x=public.patients where"
    );
    assert_eq!(sum("do $$ begin perform 1; end $$"), "do admin=do");
    assert_eq!(sum("call p()"), "call admin=call");
    assert_eq!(sum("selec 1"), "unparsed admin=unparsed");
    assert!(inspect("selec 1", &SearchPath::default()).error.is_some());
    assert_eq!(
        sum("select * from pg_ls_dir('.')"),
        "select admin=fn:pg_ls_dir"
    );
}

#[test]
fn writes_anywhere_are_seen_with_their_bounds() {
    let i = |sql: &str| inspect(sql, &SearchPath::default()).statements[0].clone();
    let f = i("with d as (delete from orders returning *) select * from d");
    assert_eq!(f.kind, Kind::Select);
    assert_eq!(f.dml, BTreeSet::from(["delete"]));
    assert!(f.unbounded_write);
    let f = i(
        "with d as (delete from orders where id = 1 returning *) insert into log select * from d",
    );
    assert_eq!(f.dml, BTreeSet::from(["delete", "insert"]));
    assert!(!f.unbounded_write);
    assert!(i("update t set a = 1").unbounded_write);
    assert!(!i("update t set a = 1 where b").unbounded_write);
    assert!(i("truncate t").unbounded_write);
    assert!(!i("select * from t").unbounded_write);
}

#[test]
fn review_findings_stay_fixed() {
    // RETURNING reads the target even when a CTE has its name.
    assert_eq!(
        sum("with secrets as (select 1) update secrets set id = id returning *"),
        "update r=public.secrets w=public.secrets"
    );
    // MERGE that deletes or updates matched rows is unbounded; RETURNING reads the target.
    let f = inspect(
        "merge into orders o using (select 1 as x) s on true when matched then delete",
        &SearchPath::default(),
    );
    assert!(f.statements[0].unbounded_write);
    assert_eq!(
        sum("truncate a cascade"),
        "truncate w=public.a admin=truncate_cascade"
    );
    assert_eq!(
        sum("set client_encoding = 'SJIS'"),
        "set admin=client_encoding"
    );
    assert_eq!(sum("set names 'sjis'"), "set admin=client_encoding");
    assert_eq!(
        sum("select U&\"quer\\0079_to_xml\"('select * from secrets', true, false, '')"),
        "unparsed admin=unparsed"
    );
    assert_eq!(
        sum("select 'U&\"x\"', \"U&\"\"\" from t"),
        "select r=public.t",
        "inside quotes it is text"
    );
    assert_eq!(
        sum("select schema_to_xml_and_xmlschema('public', true, false, '')"),
        "select admin=fn:schema_to_xml_and_xmlschema"
    );
    let long = "a".repeat(70);
    assert_eq!(
        sum(&format!("select * from {long}")),
        format!("select r=public.{}", "a".repeat(63))
    );
    assert_eq!(
        sum("select * from pg_x"),
        "select r=pg_catalog.pg_x,public.pg_x"
    );
}

#[test]
fn ddl_and_table_creation() {
    assert_eq!(
        sum("select * into copy_of from patients"),
        "create_table_as r=public.patients ddl"
    );
    assert_eq!(
        sum("create table x as select * from patients"),
        "create_table_as r=public.patients ddl"
    );
    assert_eq!(sum("drop table orders"), "ddl ddl");
    assert_eq!(
        sum("create view v as select * from orders"),
        "ddl r=public.orders ddl"
    );
}

#[test]
fn search_path_resolves_unqualified_names() {
    let p = SearchPath::parse("\"$user\", app, \"Mixed\"");
    assert_eq!(
        inspect("select * from t, pg_class", &p).summary(),
        "select r=Mixed.pg_class,Mixed.t,app.pg_class,app.t,pg_catalog.pg_class"
    );
    assert_eq!(
        inspect("select 1 from t", &SearchPath::parse("")).summary(),
        "select r=public.t"
    );
}

#[test]
fn deep_nesting_and_huge_input_fail_closed() {
    let deep = format!("select {}1{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(sum(&deep), "unparsed admin=unparsed");
    let big = format!("select '{}'", "x".repeat(MAX_SQL));
    assert_eq!(sum(&big), "unparsed admin=unparsed");
}

/// The corpus in `tests/data/sql_corpus.toml`: every expectation written by hand.
#[test]
fn corpus_matches_expected_classification() {
    #[derive(serde::Deserialize)]
    struct Case {
        sql: String,
        expect: String,
    }
    #[derive(serde::Deserialize)]
    struct Corpus {
        case: Vec<Case>,
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sql_corpus.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let corpus: Corpus = toml::from_str(&text).unwrap();
    assert!(corpus.case.len() >= 200, "{} cases", corpus.case.len());
    let mut bad = Vec::new();
    for c in &corpus.case {
        let got = sum(&c.sql);
        if got != c.expect {
            bad.push(format!(
                "{:?}\n  expected {}\n  got      {got}",
                c.sql, c.expect
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "select",
        "from",
        "where",
        "delete",
        "update",
        "insert",
        "into",
        "with",
        "as",
        "(",
        ")",
        ";",
        ",",
        "*",
        "'",
        "\"",
        "$$",
        "$a$",
        "--",
        "/*",
        "*/",
        "\n",
        "E'",
        "\\",
        "orders",
        "patients",
        "pg_read_file",
        "set",
        "role",
        "copy",
        "to",
        "program",
        "stdout",
        "limit",
        "1",
        "union",
        "values",
        "table",
        "returning",
        "recursive",
        "do",
        "call",
        "explain",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        /// Arbitrary bytes never panic and always give at least one statement.
        #[test]
        fn never_panics_on_text(s in "\\PC{0,200}") {
            let i = inspect(&s, &SearchPath::default());
            prop_assert!(!i.statements.is_empty());
        }

        /// SQL-shaped soup: never panics; a parse failure always needs admin.
        #[test]
        fn sql_soup_fails_closed(words in proptest::collection::vec(proptest::sample::select(WORDS), 0..40)) {
            let s = words.join(" ");
            let i = inspect(&s, &SearchPath::default());
            if i.error.is_some() {
                prop_assert_eq!(i.statements.len(), 1);
                prop_assert!(!i.statements[0].admin.is_empty());
            }
        }

        /// Prefixing a harmless statement never hides the statements after it.
        #[test]
        fn a_prefix_hides_nothing(t in "[a-z]{1,8}") {
            let alone = inspect(&format!("delete from {t}"), &SearchPath::default());
            let both = inspect(&format!("select 1; delete from {t}"), &SearchPath::default());
            if alone.error.is_some() {
                // A keyword is not a table name: then the pair fails to parse as a whole.
                prop_assert!(both.error.is_some());
            } else {
                prop_assert_eq!(&both.statements[1], &alone.statements[0]);
            }
        }
    }
}

/// Long flat chains (`1+1+…`, `UNION` after `UNION`) are not nesting to the parser's limit,
/// but the AST they build is as deep as they are long: inspection must not overflow a worker
/// thread's stack (2 MiB in tokio) on them.
#[test]
fn long_chains_do_not_overflow_a_worker_stack() {
    let chains = [
        format!("select 1{}", "+1".repeat(200_000)),
        format!("select 1{}", " union select 1".repeat(50_000)),
        format!("select 1 where true{}", " and true".repeat(100_000)),
        format!("select 1{}", "::int".repeat(100_000)),
        format!("select {}1", "- ".repeat(100_000)),
        format!("select 1{}", "+(1)".repeat(100_000)),
    ];
    for sql in chains {
        let h = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || inspect(&sql, &SearchPath::default()).summary())
            .unwrap();
        let got = h.join().expect("inspection overflowed a 2 MiB stack");
        assert_eq!(got, "unparsed admin=unparsed");
    }
}

#[test]
fn wide_statements_are_not_long_chains() {
    // Thousands of rows or list items are commas apart: read as usual.
    let rows: Vec<String> = (0..5000).map(|i| format!("({i}, 'x{i}')")).collect();
    assert_eq!(
        sum(&format!("insert into t values {}", rows.join(", "))),
        "insert w=public.t"
    );
    let ids: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    assert_eq!(
        sum(&format!("select * from t where id in ({})", ids.join(","))),
        "select r=public.t where"
    );
    assert!(lex::longest_run("select a + b, c from t where x = 1") < 10);
}
