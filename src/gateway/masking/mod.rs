//! Inline PHI masking. This module is sans-IO: values in, masked values and counts out. The
//! proxies call it for every textual value they forward; a failure here ends the session (fail
//! closed) — raw data is never sent instead.
//!
//! - [`detect`]: the content detectors (SSN, MRN, e-mail, phone, card, NPI, IP addresses).
//! - [`Masker`]: applies each finding's action — `redact`, `partial` (keep the last N
//!   characters), `token` (deterministic keyed HMAC, so joins still work; SSN-shaped for SSNs),
//!   `null` — and counts what it masked, per detector, for the audit log (never the values).

pub mod detect;

use std::borrow::Cow;
use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub use self::detect::{Detectors, Found, Kind};
use crate::secret::Secret;

/// What happens to a finding. In config: `"redact"`, `"token"`, `"null"`, `"partial"` (keeps 4),
/// or `{ action = "partial", keep = N }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Replaced by `[redacted:KIND]`.
    Redact,
    /// All but the last `keep` letters and digits become `*`; separators stay.
    Partial {
        /// Characters kept at the end.
        keep: usize,
    },
    /// Replaced by a deterministic token: same input and key, same token.
    Token,
    /// The whole value becomes NULL.
    Null,
}

/// `redact`, `partial(keep 4)`, `token`, `null`.
impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Redact => f.write_str("redact"),
            Action::Partial { keep } => write!(f, "partial(keep {keep})"),
            Action::Token => f.write_str("token"),
            Action::Null => f.write_str("null"),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        fn named<E: Error>(s: &str, keep: Option<usize>) -> Result<Action, E> {
            Ok(match (s, keep) {
                ("redact", None) => Action::Redact,
                ("token", None) => Action::Token,
                ("null", None) => Action::Null,
                ("partial", k) => Action::Partial {
                    keep: k.unwrap_or(4),
                },
                (_, Some(_)) => return Err(E::custom("`keep` goes with action \"partial\"")),
                (other, None) => {
                    return Err(E::custom(format!(
                        "unknown action {other:?}: use redact, partial, token or null"
                    )));
                }
            })
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Action;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"redact\", \"partial\", \"token\", \"null\" or { action = \"partial\", keep = N }")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Action, E> {
                named(v, None)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Action, A::Error> {
                let (mut action, mut keep) = (None::<String>, None::<usize>);
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "action" => action = Some(m.next_value()?),
                        "keep" => keep = Some(m.next_value()?),
                        other => return Err(A::Error::custom(format!("unknown key {other:?}"))),
                    }
                }
                named(
                    &action.ok_or_else(|| A::Error::custom("missing `action`"))?,
                    keep,
                )
            }
        }
        d.deserialize_any(V)
    }
}

/// Values masked per rule or detector in one statement: what the audit records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub BTreeMap<String, u64>);

impl Counts {
    /// One more masked by `what` (allocates only the first time a name is counted).
    pub fn add(&mut self, what: &str) {
        match self.0.get_mut(what) {
            Some(n) => *n += 1,
            None => {
                self.0.insert(what.to_string(), 1);
            }
        }
    }

    /// Nothing masked.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, other: Counts) {
        for (k, v) in other.0 {
            *self.0.entry(k).or_default() += v;
        }
    }
}

/// `email=2,ssn=5`.
impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (k, v) in &self.0 {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

/// The result of masking one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Masked<'a> {
    /// Forward as it is (possibly rewritten).
    Text(Cow<'a, str>),
    /// Forward as NULL.
    Null,
}

/// The compiled profiles a gateway masks with. A reload replaces them whole; a session picks up
/// the new set between results (see `WireMasker`), never in the middle of one.
#[derive(Debug)]
pub struct Profiles {
    current: std::sync::RwLock<(u64, ProfileSet)>,
}

/// Compiled profiles by name.
pub type ProfileSet = std::sync::Arc<BTreeMap<String, std::sync::Arc<Masker>>>;

impl Profiles {
    /// Generation 0: `profiles`.
    pub fn new(profiles: BTreeMap<String, std::sync::Arc<Masker>>) -> Profiles {
        Profiles {
            current: std::sync::RwLock::new((0, std::sync::Arc::new(profiles))),
        }
    }

    /// The generation now in force (each reload adds one).
    pub fn generation(&self) -> u64 {
        self.current.read().map(|c| c.0).unwrap_or(u64::MAX)
    }

    /// Profile `name` as of now, with its generation.
    pub fn get(&self, name: &str) -> Option<(u64, std::sync::Arc<Masker>)> {
        let c = self.current.read().ok()?;
        c.1.get(name).map(|m| (c.0, m.clone()))
    }

    /// Replaces every profile; returns the new generation.
    pub fn replace(&self, profiles: BTreeMap<String, std::sync::Arc<Masker>>) -> u64 {
        match self.current.write() {
            Ok(mut c) => {
                c.0 += 1;
                c.1 = std::sync::Arc::new(profiles);
                c.0
            }
            Err(_) => u64::MAX,
        }
    }
}

/// Every `[masking.profiles.*]` of `cfg`, compiled, with the token key from `[masking] key`
/// (empty when unset: config validation lets only profiles without `token` through then).
pub fn compile(
    cfg: &crate::gateway::config::Config,
) -> Result<BTreeMap<String, std::sync::Arc<Masker>>, String> {
    let key = match &cfg.masking.key {
        Some(r) => r
            .resolve(&cfg.base_dir)
            .map_err(|e| format!("masking.key: {e}"))?
            .expose()
            .as_bytes()
            .to_vec(),
        None => Vec::new(),
    };
    let mut out = BTreeMap::new();
    for (name, p) in &cfg.masking.profiles {
        let m = Masker::new(
            p.detectors.clone(),
            &p.mrn_patterns,
            Secret::new(key.clone()),
        )
        .map_err(|e| format!("masking.profiles.{name}: {e}"))?
        .with_columns(&p.columns, &p.dob_columns);
        out.insert(name.clone(), std::sync::Arc::new(m));
    }
    Ok(out)
}

/// The result of masking one value's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaskedBytes<'a> {
    /// Forward these bytes (possibly rewritten).
    Bytes(Cow<'a, [u8]>),
    /// Forward NULL.
    Null,
}

/// A column rule: every value of the columns whose `schema.table.column` matches `column` (a
/// glob: `*` any run, `?` one character) gets `action`, whatever it contains.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRule {
    /// `schema.table.column`, unquoted, with `*` and `?`.
    pub column: String,
    /// What each value becomes.
    pub action: Action,
}

/// DOB-tagged columns when a profile does not list its own: whole values are dates of birth.
pub const DEFAULT_DOB_COLUMNS: &[&str] = &[
    "*.*.dob",
    "*.*.date_of_birth",
    "*.*.birth_date",
    "*.*.birthdate",
];

/// A compiled column rule: the pattern, its action, and the name it is counted under.
#[derive(Debug, Clone)]
struct Rule {
    pattern: String,
    action: Action,
    /// `dob` for DOB-tagged columns; the pattern for configured rules.
    label: String,
    dob: bool,
}

/// Detectors with their actions, column rules, and the token key.
#[derive(Debug)]
pub struct Masker {
    detectors: Detectors,
    actions: BTreeMap<Kind, Action>,
    rules: Vec<Rule>,
    key: Secret<Vec<u8>>,
}

impl Masker {
    /// `actions` names the detectors to run and what each does.
    pub fn new(
        actions: BTreeMap<Kind, Action>,
        mrn_patterns: &[String],
        key: Secret<Vec<u8>>,
    ) -> Result<Masker, detect::PatternError> {
        let kinds: Vec<Kind> = actions.keys().copied().collect();
        Ok(Masker {
            detectors: Detectors::new(&kinds, mrn_patterns)?,
            actions,
            rules: Vec::new(),
            key,
        })
    }

    /// Adds column rules (first match wins) and, when the `dob` detector runs, the DOB-tagged
    /// column patterns after them, with the `dob` action.
    pub fn with_columns(mut self, rules: &[ColumnRule], dob_columns: &[String]) -> Masker {
        self.rules = rules
            .iter()
            .map(|r| Rule {
                pattern: r.column.clone(),
                action: r.action,
                label: r.column.clone(),
                dob: false,
            })
            .collect();
        if let Some(action) = self.actions.get(&Kind::Dob) {
            self.rules.extend(dob_columns.iter().map(|p| Rule {
                pattern: p.clone(),
                action: *action,
                label: Kind::Dob.name().into(),
                dob: true,
            }));
        }
        self
    }

    /// Whether results must be resolved to their source columns (the profile has column rules).
    pub fn needs_catalog(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The first rule matching any of a column's names (`schema.table.column`: its own, and
    /// those of the table or view columns it comes from).
    pub fn column_rule<S: AsRef<str>>(&self, names: &[S]) -> Option<usize> {
        self.rules.iter().position(|r| {
            names
                .iter()
                .any(|n| crate::gateway::workload::glob(&r.pattern, n.as_ref()))
        })
    }

    /// The rule's action and what it is counted under.
    pub fn rule(&self, rule: usize) -> Option<(Action, &str)> {
        self.rules.get(rule).map(|r| (r.action, r.label.as_str()))
    }

    /// A value under column rule `rule`, as text: `None` for NULL. Counted under the rule.
    pub fn mask_column(&self, rule: usize, v: &[u8], counts: &mut Counts) -> Option<Vec<u8>> {
        let r = self.rules.get(rule)?;
        counts.add(&r.label);
        let text = String::from_utf8_lossy(v);
        let out = match r.action {
            Action::Null => return None,
            Action::Redact if r.dob => format!("[redacted:{}]", Kind::Dob.name()),
            Action::Redact => "[redacted]".to_string(),
            Action::Partial { keep } => partial(&text, keep),
            Action::Token => {
                // A whole value that is itself an identifier keeps that identifier's token shape
                // (an SSN column tokenizes to SSN-shaped tokens, equal to the detector's).
                let whole = self.detectors.find(v);
                let kind = if r.dob {
                    Some(Kind::Dob)
                } else {
                    match whole.as_slice() {
                        [f] if f.start == 0 && f.end == v.len() => Some(f.kind),
                        _ => None,
                    }
                };
                match kind {
                    Some(k) => token(self.key.expose(), k, &text),
                    None => column_token(self.key.expose(), &text),
                }
            }
        };
        Some(out.into_bytes())
    }

    /// The findings in `text` with the action each gets (for `gateway mask-test`).
    pub fn explain(&self, text: &str) -> Vec<(Found, Action)> {
        self.explain_bytes(text.as_bytes())
    }

    fn explain_bytes(&self, text: &[u8]) -> Vec<(Found, Action)> {
        self.detectors
            .find(text)
            .into_iter()
            .map(|f| {
                (
                    f,
                    self.actions.get(&f.kind).copied().unwrap_or(Action::Redact),
                )
            })
            .collect()
    }

    /// Masks every finding in `text`; a `null` action makes the whole value NULL.
    pub fn mask_text<'a>(&self, text: &'a str, counts: &mut Counts) -> Masked<'a> {
        match self.mask_bytes(text.as_bytes(), counts) {
            MaskedBytes::Bytes(Cow::Borrowed(_)) => Masked::Text(Cow::Borrowed(text)),
            // Findings are ASCII and replaced by ASCII, so the text stays UTF-8; lossy
            // conversion is only a guard.
            MaskedBytes::Bytes(Cow::Owned(b)) => {
                Masked::Text(Cow::Owned(String::from_utf8_lossy(&b).into_owned()))
            }
            MaskedBytes::Null => Masked::Null,
        }
    }

    /// Masks every finding in a value's bytes, in whatever encoding: detectors match ASCII.
    pub fn mask_bytes<'a>(&self, v: &'a [u8], counts: &mut Counts) -> MaskedBytes<'a> {
        self.mask(v, counts, true)
    }

    /// Masks every finding where a value cannot become NULL (a COPY line, an error message):
    /// `null` acts as `redact`.
    pub fn mask_inline<'a>(&self, v: &'a [u8], counts: &mut Counts) -> Cow<'a, [u8]> {
        match self.mask(v, counts, false) {
            MaskedBytes::Bytes(b) => b,
            MaskedBytes::Null => Cow::Owned(Vec::new()),
        }
    }

    fn mask<'a>(&self, text: &'a [u8], counts: &mut Counts, allow_null: bool) -> MaskedBytes<'a> {
        let found = self.explain_bytes(text);
        if found.is_empty() {
            return MaskedBytes::Bytes(Cow::Borrowed(text));
        }
        let mut out = Vec::with_capacity(text.len() + 16);
        let mut at = 0;
        for (f, action) in &found {
            counts.add(f.kind.name());
            if *action == Action::Null && allow_null {
                return MaskedBytes::Null;
            }
            out.extend_from_slice(&text[at..f.start]);
            // Matches are ASCII by construction (every pattern is ASCII-only).
            let span = String::from_utf8_lossy(&text[f.start..f.end]);
            out.extend_from_slice(self.apply(*action, f.kind, &span).as_bytes());
            at = f.end;
        }
        out.extend_from_slice(&text[at..]);
        MaskedBytes::Bytes(Cow::Owned(out))
    }

    /// One value under one action.
    pub fn apply(&self, action: Action, kind: Kind, value: &str) -> String {
        match action {
            Action::Redact | Action::Null => format!("[redacted:{}]", kind.name()),
            Action::Partial { keep } => partial(value, keep),
            Action::Token => token(self.key.expose(), kind, value),
        }
    }
}

/// `***-**-6789`: letters and digits before the last `keep` become `*`.
pub fn partial(value: &str, keep: usize) -> String {
    let total = value.chars().filter(|c| c.is_alphanumeric()).count();
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen + keep <= total { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// The normal form a token is computed from: digits only for numeric identifiers (so
/// `123-45-6789` and `123456789` share a token), lower case for e-mail.
fn normal(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Ssn | Kind::Phone | Kind::CreditCard | Kind::Npi => {
            value.chars().filter(char::is_ascii_digit).collect()
        }
        Kind::Email => value.to_lowercase(),
        _ => value.to_string(),
    }
}

fn mac(key: &[u8], domain: &str, value: &str) -> [u8; 32] {
    // HMAC takes keys of any length; the fallback cannot happen and would still not leak input.
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0; 32];
    };
    m.update(domain.as_bytes());
    m.update(&[0]);
    m.update(value.as_bytes());
    m.finalize().into_bytes().into()
}

/// The token of a whole column value that is not a recognised identifier: `tok_<16 hex>`.
pub fn column_token(key: &[u8], value: &str) -> String {
    format!("tok_{}", hex::encode(&mac(key, "column", value)[..8]))
}

/// A deterministic token. SSNs keep their shape with area 9xx, which no valid SSN has (so a
/// token is never mistaken for, or re-detected as, a real number); the rest are `tok_…`.
pub fn token(key: &[u8], kind: Kind, value: &str) -> String {
    let h = mac(key, kind.name(), &normal(kind, value));
    match kind {
        Kind::Ssn => {
            let n = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
            let d = format!("9{:08}", n % 100_000_000);
            if value.contains('-') {
                format!("{}-{}-{}", &d[0..3], &d[3..5], &d[5..9])
            } else if value.contains(' ') {
                format!("{} {} {}", &d[0..3], &d[3..5], &d[5..9])
            } else {
                d
            }
        }
        _ => format!("tok_{}_{}", kind.name(), hex::encode(&h[..8])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker(action: Action) -> Masker {
        let actions = Kind::ALL.iter().map(|k| (*k, action)).collect();
        Masker::new(actions, &[], Secret::new(b"test-key".to_vec())).unwrap()
    }

    fn text(m: Masked) -> String {
        match m {
            Masked::Text(t) => t.into_owned(),
            Masked::Null => "NULL".into(),
        }
    }

    #[test]
    fn each_action_rewrites_only_the_finding() {
        let v = "ssn 123-45-6789 on file";
        let mut c = Counts::default();
        assert_eq!(
            text(masker(Action::Redact).mask_text(v, &mut c)),
            "ssn [redacted:ssn] on file"
        );
        assert_eq!(
            text(masker(Action::Partial { keep: 4 }).mask_text(v, &mut c)),
            "ssn ***-**-6789 on file"
        );
        assert_eq!(text(masker(Action::Null).mask_text(v, &mut c)), "NULL");
        let t = text(masker(Action::Token).mask_text(v, &mut c));
        assert!(t.starts_with("ssn 9"), "{t}");
        assert!(!t.contains("6789"), "{t}");
        assert_eq!(c.0["ssn"], 4);
        let mut clean = Counts::default();
        assert_eq!(
            masker(Action::Redact).mask_text("nothing here", &mut clean),
            Masked::Text(Cow::Borrowed("nothing here"))
        );
        assert!(clean.is_empty());
    }

    #[test]
    fn tokens_are_deterministic_per_key_and_hide_the_input() {
        let a = token(b"k1", Kind::Ssn, "123-45-6789");
        assert_eq!(a, token(b"k1", Kind::Ssn, "123-45-6789"));
        // Same number in another format: same digits, same shape as the input.
        assert_eq!(a.replace('-', ""), token(b"k1", Kind::Ssn, "123456789"));
        assert_ne!(a, token(b"k2", Kind::Ssn, "123-45-6789"));
        assert!(!a.contains("123") || !a.contains("6789"));
        // A token is not itself a valid SSN, so it is never re-detected.
        let d = Detectors::new(&[Kind::Ssn], &[]).unwrap();
        assert!(d.find(&a).is_empty(), "{a}");
        let e = token(b"k1", Kind::Email, "Ada@Example.org");
        assert_eq!(e, token(b"k1", Kind::Email, "ada@example.org"));
        assert!(!e.contains("ada"));
    }
}
