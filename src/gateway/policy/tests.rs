use super::*;

fn user(name: &str, groups: &[&str]) -> Principal {
    Principal {
        name: name.into(),
        kind: PrincipalKind::User,
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

fn default_policy() -> Policy {
    Policy::from_sources(&[(PathBuf::from("default.cedar"), DEFAULT_POLICY.to_string())]).unwrap()
}

const CTX: ConnectContext<'static> = ConnectContext {
    reason: "nightly refresh",
    duration_seconds: 3600,
    ci: None,
    now_ms: 1_800_000_000_000,
};

#[test]
fn default_policy_allows_developers_and_holds_prod() {
    let p = default_policy();
    let dev = user("alice", &["developers"]);
    assert_eq!(
        p.decide_connect(&dev, "pg", "postgres", &CTX),
        ConnectDecision::Allow
    );
    assert_eq!(
        p.decide_connect(&dev, "prod-db", "postgres", &CTX),
        ConnectDecision::NeedsApproval
    );
    let outsider = user("mallory", &["contractors"]);
    assert!(matches!(
        p.decide_connect(&outsider, "pg", "postgres", &CTX),
        ConnectDecision::Deny(_)
    ));
    let long = ConnectContext {
        duration_seconds: 9 * 3600,
        ..CTX
    };
    assert!(matches!(
        p.decide_connect(&dev, "pg", "postgres", &long),
        ConnectDecision::Deny(_)
    ));
}

#[test]
fn errors_carry_file_and_line() {
    let src = "permit (principal, action == Action::\"connect\", resource)\nwhen { context.nope == 1 };\n";
    let errs = Policy::from_sources(&[(PathBuf::from("p.cedar"), src.into())]).unwrap_err();
    assert!(errs.iter().any(|e| e.starts_with("p.cedar:2:")), "{errs:?}");
    let errs = Policy::from_sources(&[(PathBuf::from("q.cedar"), "permit (".into())]).unwrap_err();
    assert!(errs[0].starts_with("q.cedar:"), "{errs:?}");
}

fn grant(status: &str, connection: &str, expires_at: i64) -> GrantRow {
    GrantRow {
        id: "gr_1".into(),
        identity: "alice".into(),
        connection: connection.into(),
        reason: "r".into(),
        status: status.into(),
        duration_ms: 3_600_000,
        created_at: 0,
        expires_at: Some(expires_at),
        decided_by: None,
        decision_reason: None,
        provenance: None,
    }
}

fn req<'a>(identity: &'a str, connection: &'a str) -> SessionRequest<'a> {
    SessionRequest {
        cert_identity: identity,
        cert_grant: "gr_1",
        connection,
        connection_kind: "postgres",
    }
}

#[test]
fn permits_need_an_active_matching_grant() {
    let p = default_policy();
    let dev = user("alice", &["developers"]);
    let now = 1000;
    let ok = grant("active", "pg", 5000);
    let permit = p
        .permit_session(&req("alice", "pg"), Some(&ok), Some(&dev), now)
        .unwrap();
    assert_eq!(permit.expires_at, 5000);
    let r = p.permit_session(&req("alice", "pg"), None, Some(&dev), now);
    assert!(matches!(r, Err(Refusal::UnknownGrant(_))));
    let r = p.permit_session(&req("alice", "other"), Some(&ok), Some(&dev), now);
    assert!(matches!(r, Err(Refusal::Mismatch(_))));
    let r = p.permit_session(&req("bob", "pg"), Some(&ok), Some(&dev), now);
    assert!(matches!(r, Err(Refusal::Mismatch(_))));
    let r = p.permit_session(
        &req("alice", "pg"),
        Some(&grant("revoked", "pg", 5000)),
        Some(&dev),
        now,
    );
    assert!(matches!(r, Err(Refusal::NotActive { .. })));
    let r = p.permit_session(
        &req("alice", "pg"),
        Some(&grant("active", "pg", 500)),
        Some(&dev),
        now,
    );
    assert!(matches!(r, Err(Refusal::NotActive { .. })));
    // Removed from the group since the grant: policy re-check refuses.
    let ex = user("alice", &[]);
    let r = p.permit_session(&req("alice", "pg"), Some(&ok), Some(&ex), now);
    assert!(matches!(r, Err(Refusal::PolicyDenied { .. })));
}

#[test]
fn evaluation_errors_fail_closed() {
    // The forbid overflows for any real duration: Cedar would skip it; we deny instead.
    let src = format!(
        "{DEFAULT_POLICY}\nforbid (principal, action == Action::\"connect\", resource)\nwhen {{ context.duration_seconds * 9223372036854775807 > 0 }};\n"
    );
    let p = Policy::from_sources(&[(PathBuf::from("p.cedar"), src)]).unwrap();
    let dev = user("alice", &["developers"]);
    assert!(matches!(
        p.decide_connect(&dev, "pg", "postgres", &CTX),
        ConnectDecision::Deny(_)
    ));
}

/// The acceptance scenario's policy: `etl` reads `public.orders` only; PHI exports and
/// unbounded deletes are reviewed.
const ETL_POLICY: &str = r#"
@id("etl-reads-orders")
permit (principal == ServiceAccount::"etl", action == Action::"read", resource == Table::"pg/public.orders");

@id("etl-deletes-orders-after-review")
permit (principal == ServiceAccount::"etl", action == Action::"write", resource == Table::"pg/public.orders")
when { context.statement.kind == "delete" && context.approved };

@id("no-night-work")
forbid (principal, action, resource) when { context.time.hour < 1 };

@id("phi-never-leaves")
forbid (principal, action == Action::"export", resource) when { resource.tags.contains("phi") };
"#;

fn etl() -> Principal {
    Principal {
        name: "etl".into(),
        kind: PrincipalKind::ServiceAccount,
        groups: vec![],
    }
}

fn decide(p: &Policy, who: &Principal, sql: &str) -> Verdict {
    let tables = std::collections::BTreeMap::from([(
        "public.patients".to_string(),
        crate::gateway::config::TableConfig {
            tags: vec!["phi".into()],
            key: None,
        },
    )]);
    let scope = Scope {
        principal: who,
        connection: "pg",
        connection_kind: "postgres",
        tables: &tables,
        reason: "nightly",
        ci: None,
        // 2027-01-15 08:00 UTC.
        now_ms: 1_800_000_000_000 - (1_800_000_000 % 86_400) * 1000 + 8 * 3_600_000,
    };
    let i = crate::gateway::sql::inspect(sql, &crate::gateway::sql::SearchPath::default());
    p.decide_statement(&scope, &i)
}

#[test]
fn statements_are_decided_per_table_and_action() {
    let p = Policy::from_sources(&[(PathBuf::from("etl.cedar"), ETL_POLICY.into())]).unwrap();
    let etl = etl();
    assert_eq!(decide(&p, &etl, "select * from orders"), Verdict::Allow);
    assert_eq!(decide(&p, &etl, "SELECT 1"), Verdict::Allow);
    let Verdict::Refuse(r) = decide(&p, &etl, "select * from orders join patients using (id)")
    else {
        panic!("patients must be refused")
    };
    assert_eq!((r.action.as_str(), r.kind), ("read", "select"));
    assert_eq!(r.resource, "Table::\"pg/public.patients\"");
    assert!(
        r.message().contains("no policy permits it"),
        "{}",
        r.message()
    );
    let Verdict::Refuse(r) = decide(&p, &etl, "select 1; set role postgres") else {
        panic!("set role must be refused")
    };
    assert_eq!(r.action, "admin");
    assert_eq!(
        decide(&p, &etl, "delete from orders"),
        Verdict::Hold(vec!["write on Table::\"pg/public.orders\"".into()])
    );
    assert!(matches!(
        decide(&p, &etl, "update orders set x = 1"),
        Verdict::Refuse(_)
    ));
    assert!(matches!(
        decide(&p, &etl, "selec 1"),
        Verdict::Refuse(Refused {
            kind: "unparsed",
            ..
        })
    ));
}

#[test]
fn forbids_name_the_rule_and_tags_come_from_config() {
    let src = format!(
        "{ETL_POLICY}\npermit (principal, action == Action::\"export\", resource);\npermit (principal, action == Action::\"read\", resource);"
    );
    let p = Policy::from_sources(&[(PathBuf::from("etl.cedar"), src)]).unwrap();
    assert_eq!(decide(&p, &etl(), "copy orders to stdout"), Verdict::Allow);
    let Verdict::Refuse(r) = decide(&p, &etl(), "copy (select * from patients) to stdout") else {
        panic!("PHI export must be refused")
    };
    assert_eq!(r.rules, vec!["etl.cedar#phi-never-leaves".to_string()]);
    assert!(r.message().contains("etl.cedar#phi-never-leaves"));
}

#[test]
fn default_policy_reviews_unbounded_writes_and_denies_unmask() {
    let p = default_policy();
    let dev = user("alice", &["developers"]);
    assert_eq!(
        decide(&p, &dev, "delete from t where id = 1"),
        Verdict::Allow
    );
    assert!(matches!(
        decide(&p, &dev, "delete from t"),
        Verdict::Hold(_)
    ));
    assert!(matches!(decide(&p, &dev, "truncate t"), Verdict::Hold(_)));
    assert!(matches!(
        decide(&p, &dev, "with d as (delete from t returning *) select 1"),
        Verdict::Hold(_)
    ));
    assert_eq!(decide(&p, &dev, "do $$ begin end $$"), Verdict::Allow);
    let outsider = user("mallory", &[]);
    assert!(matches!(
        decide(&p, &outsider, "select 1 from t"),
        Verdict::Refuse(_)
    ));
    let tables = Default::default();
    let scope = Scope {
        principal: &dev,
        connection: "pg",
        connection_kind: "postgres",
        tables: &tables,
        reason: "r",
        ci: None,
        now_ms: 0,
    };
    assert_eq!(p.may_unmask(&scope), Ok(false));
}

#[test]
fn context_time_is_utc_hour_and_iso_weekday() {
    // 2026-11-29 (a Sunday) 23:30 UTC.
    let src = "permit (principal, action == Action::\"connect\", resource) when { context.time.weekday == 7 && context.time.hour == 23 };";
    let p = Policy::from_sources(&[(PathBuf::from("t.cedar"), src.into())]).unwrap();
    let ctx = ConnectContext {
        now_ms: 1_795_995_000_000,
        ..CTX
    };
    assert_eq!(
        p.decide_connect(&user("a", &[]), "pg", "postgres", &ctx),
        ConnectDecision::Allow
    );
}

/// The PHI rule pack in `examples/policies/phi.cedar`, on top of a permit-everything base.
#[test]
fn phi_rule_pack_holds_bulk_access_and_blocks_escapes() {
    let base = r#"
permit (principal in Group::"analysts", action in [Action::"read", Action::"write", Action::"export", Action::"ddl", Action::"admin"], resource);
"#;
    let p = Policy::from_sources(&[
        (PathBuf::from("base.cedar"), base.into()),
        (
            PathBuf::from("phi.cedar"),
            include_str!("../../../examples/policies/phi.cedar").into(),
        ),
    ])
    .unwrap();
    let who = user("ana", &["analysts"]);
    let held = |sql: &str| matches!(decide(&p, &who, sql), Verdict::Hold(_));
    let refused = |sql: &str| matches!(decide(&p, &who, sql), Verdict::Refuse(_));
    assert_eq!(decide(&p, &who, "select * from orders"), Verdict::Allow);
    assert_eq!(
        decide(&p, &who, "select * from patients where id = 7"),
        Verdict::Allow
    );
    assert_eq!(
        decide(&p, &who, "select * from patients limit 10"),
        Verdict::Allow
    );
    assert!(held("select * from patients"));
    assert!(held("copy patients to stdout"));
    assert!(held("copy (select * from patients where id < 9) to stdout"));
    assert!(held("insert into stash select * from patients"));
    assert!(held("delete from orders"));
    assert!(held("update orders set x = 1"));
    assert!(held("truncate orders"));
    assert!(held(
        "with d as (delete from orders returning *) select * from d"
    ));
    assert!(held("create table t (id int)"));
    assert_eq!(
        decide(&p, &who, "delete from orders where id = 1"),
        Verdict::Allow
    );
    assert!(refused("grant select on patients to public"));
    assert!(refused("set role postgres"));
    assert!(refused("copy orders to program 'curl x'"));
    assert!(refused("select pg_read_file('/etc/passwd')"));
    assert_eq!(decide(&p, &who, "do $$ begin end $$"), Verdict::Allow);
}
