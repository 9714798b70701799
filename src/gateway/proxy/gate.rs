//! Per-statement policy for one session: inspect the SQL, decide, and word the outcome.
//!
//! Protocol-neutral: a proxy hands each statement string here and gets a [`Decision`] back; how
//! a refusal reaches the client (a PostgreSQL ErrorResponse, a MySQL ERR packet) is the
//! proxy's business. The session's fixed facts — who, where, under which grant — are gathered
//! once at start-up.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::now_ms;
use crate::gateway::config::TableConfig;
use crate::gateway::policy::{Policy, Principal, Scope, Verdict};
use crate::gateway::sql::{self, Features, Inspection, Kind, SearchPath};

/// What the proxy does with a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Run it.
    Forward,
    /// Do not run it; tell the client why.
    Refuse(Refusal),
    /// Run it only if a human approves; the requests that need approval.
    Hold(Vec<String>),
}

/// A refusal as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Names the rule and the action (never the statement's data).
    pub message: String,
    /// What to do next (and the parser's message for SQL that did not parse).
    pub hint: Option<String>,
}

/// One session's policy context.
#[derive(Debug)]
pub struct Gate {
    principal: Principal,
    connection: String,
    kind: String,
    tables: BTreeMap<String, TableConfig>,
    reason: String,
    ci: Option<String>,
    path: SearchPath,
}

impl Gate {
    /// The session's facts. `path` is where the target resolves unqualified names.
    pub fn new(
        principal: Principal,
        connection: &str,
        kind: &str,
        tables: BTreeMap<String, TableConfig>,
        reason: &str,
        ci: Option<String>,
        path: SearchPath,
    ) -> Gate {
        Gate {
            principal,
            connection: connection.to_string(),
            kind: kind.to_string(),
            tables,
            reason: reason.to_string(),
            ci,
            path,
        }
    }

    fn scope(&self) -> Scope<'_> {
        Scope {
            principal: &self.principal,
            connection: &self.connection,
            connection_kind: &self.kind,
            tables: &self.tables,
            reason: &self.reason,
            ci: self.ci.as_deref(),
            now_ms: now_ms(),
        }
    }

    /// The grant's stated reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Inspects a statement string (done once per prepared statement).
    pub fn inspect(&self, sql: &str) -> Arc<Inspection> {
        Arc::new(sql::inspect(sql, &self.path))
    }

    /// Decides an inspected statement string.
    pub fn decide(&self, policy: &Policy, sql: &Inspection) -> Decision {
        match policy.decide_statement(&self.scope(), sql) {
            Verdict::Allow => Decision::Forward,
            Verdict::Hold(asks) => Decision::Hold(asks),
            Verdict::Refuse(r) => Decision::Refuse(Refusal {
                message: r.message(),
                hint: Some(match &sql.error {
                    Some(e) => format!(
                        "the gateway's SQL parser rejected it ({e}); statements it cannot read need the `admin` action"
                    ),
                    None => "ask for a policy that permits it (`hoopctl policy test` shows why)"
                        .to_string(),
                }),
            }),
        }
    }

    /// Whether this session sees raw values on a masked connection (`unmask`).
    pub fn may_unmask(&self, policy: &Policy) -> Result<bool, String> {
        policy.may_unmask(&self.scope())
    }
}

/// A statement the gateway cannot see into — a fast-path function call, or a portal bound to
/// a statement it did not see prepared: it needs `admin`.
pub fn opaque(why: &str) -> Arc<Inspection> {
    let mut f = Features::empty(Kind::Other);
    f.admin.insert(why.to_string());
    Arc::new(Inspection {
        statements: vec![f],
        error: None,
    })
}

/// How long a session reuses a decision for the same statement text. Everything a decision
/// weighs is fixed for the session except the time, which moves this much at most.
pub const REUSE: Duration = Duration::from_secs(1);
/// Most statement texts a session remembers decisions for.
const REMEMBERED: usize = 512;

/// One session's recent decisions, by statement text and by what the statement does.
///
/// A statement run again and again (a prepared statement's Executes, a polling query) is
/// parsed and decided once a second, not every time. A statement whose text differs only in
/// what the policy cannot see — literal values, a different `aid` on every pgbench query — is
/// parsed but not decided again: a decision depends only on the [`Inspection`], the session's
/// fixed facts and the time. Either way a decision is reused for at most [`REUSE`] after it was
/// made, and never under another policy.
#[derive(Debug, Default)]
pub struct Decisions {
    by_text: HashMap<Arc<str>, (Instant, Decision)>,
    by_inspection: HashMap<Arc<Inspection>, (Instant, Decision)>,
    generation: u64,
}

/// Remembers `d`, made `at`, under `key`, bounded to [`REMEMBERED`] entries.
fn remember<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, (Instant, Decision)>,
    key: K,
    at: Instant,
    d: Decision,
    now: Instant,
) {
    if map.len() >= REMEMBERED {
        map.retain(|_, (at, _)| now.duration_since(*at) < REUSE);
        if map.len() >= REMEMBERED {
            map.clear();
        }
    }
    map.insert(key, (at, d));
}

impl Decisions {
    /// The policy generation now in force: a new one forgets every decision.
    pub fn policy(&mut self, generation: u64) {
        if generation != self.generation {
            self.by_text.clear();
            self.by_inspection.clear();
            self.generation = generation;
        }
    }

    /// The decision for `sql`, reused when made less than [`REUSE`] ago for the same text or
    /// the same inspection; `inspection` gives what the statement does when the text is new.
    pub fn decide(
        &mut self,
        gate: &Gate,
        policy: &Policy,
        sql: &str,
        inspection: impl FnOnce() -> Arc<Inspection>,
    ) -> Decision {
        let now = Instant::now();
        let fresh = |at: &Instant| now.duration_since(*at) < REUSE;
        if let Some((at, d)) = self.by_text.get(sql)
            && fresh(at)
        {
            return d.clone();
        }
        let i = inspection();
        let (at, d) = match self.by_inspection.get(&i) {
            Some((at, d)) if fresh(at) => (*at, d.clone()),
            _ => {
                let d = gate.decide(policy, &i);
                remember(&mut self.by_inspection, i, now, d.clone(), now);
                (now, d)
            }
        };
        // Reused by text only as long as the decision itself is fresh.
        remember(&mut self.by_text, Arc::from(sql), at, d.clone(), now);
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::policy::PrincipalKind;

    /// A session of `u` under a policy that lets it read `public.a` only.
    fn rig() -> (Policy, Gate) {
        let policy = Policy::from_sources(&[(
            "p.cedar".into(),
            "permit (principal, action == Action::\"read\", resource) when { resource.name == \"public.a\" };".into(),
        )])
        .unwrap();
        let who = Principal {
            name: "u".into(),
            kind: PrincipalKind::User,
            groups: vec![],
        };
        let gate = Gate::new(
            who,
            "pg",
            "postgres",
            BTreeMap::new(),
            "r",
            None,
            SearchPath::default(),
        );
        (policy, gate)
    }

    #[test]
    fn decisions_are_reused_briefly_per_statement_text() {
        let (policy, gate) = rig();
        let mut d = Decisions::default();
        let inspected = std::cell::Cell::new(0u32);
        let run = |sql: &str, d: &mut Decisions| {
            d.decide(&gate, &policy, sql, || {
                inspected.set(inspected.get() + 1);
                gate.inspect(sql)
            })
        };
        assert_eq!(run("select * from a", &mut d), Decision::Forward);
        assert_eq!(run("select * from a", &mut d), Decision::Forward);
        assert!(matches!(
            run("select * from b", &mut d),
            Decision::Refuse(_)
        ));
        assert!(matches!(
            run("select * from b", &mut d),
            Decision::Refuse(_)
        ));
        assert_eq!(inspected.get(), 2, "each text inspected once within REUSE");
        // Old decisions are not reused.
        if let Some((at, _)) = d.by_text.get_mut("select * from a") {
            *at = at.checked_sub(REUSE).unwrap();
        }
        assert_eq!(run("select * from a", &mut d), Decision::Forward);
        assert_eq!(inspected.get(), 3);
        // A reloaded policy decides afresh.
        d.policy(0);
        assert_eq!(run("select * from a", &mut d), Decision::Forward);
        assert_eq!(inspected.get(), 3, "same generation: reused");
        d.policy(1);
        assert_eq!(run("select * from a", &mut d), Decision::Forward);
        assert_eq!(inspected.get(), 4, "new generation: decided again");
        assert_eq!(d.by_inspection.len(), 1);
    }

    #[test]
    fn statements_that_differ_only_in_literals_share_a_decision() {
        let (policy, gate) = rig();
        let mut d = Decisions::default();
        let run =
            |sql: &str, d: &mut Decisions| d.decide(&gate, &policy, sql, || gate.inspect(sql));
        for n in 0..5 {
            let sql = format!("select * from a where id = {n} and name = 'x{n}'");
            assert_eq!(run(&sql, &mut d), Decision::Forward);
        }
        assert_eq!(d.by_text.len(), 5, "each text is inspected");
        assert_eq!(d.by_inspection.len(), 1, "and decided once");
        // Anything the policy can see is a different inspection: a new decision.
        assert!(matches!(
            run("select * from b where id = 1", &mut d),
            Decision::Refuse(_)
        ));
        assert!(matches!(
            run("select * from a where id = 1; delete from a", &mut d),
            Decision::Refuse(_)
        ));
        assert_eq!(run("select * from a", &mut d), Decision::Forward);
        assert_eq!(d.by_inspection.len(), 4, "no WHERE: another inspection");
        // A decision is reused for REUSE after it was made, whichever text reuses it.
        for (at, _) in d.by_inspection.values_mut() {
            *at = at.checked_sub(REUSE).unwrap();
        }
        let before = Instant::now();
        assert_eq!(
            run("select * from a where id = 99", &mut d),
            Decision::Forward
        );
        let made = d
            .by_inspection
            .get(&gate.inspect("select * from a where id = 7"))
            .map(|(at, _)| *at)
            .unwrap();
        assert!(made >= before, "a stale decision is made again");
    }
}
