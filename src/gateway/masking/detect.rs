//! Content detectors: find PHI-shaped substrings in any textual value.
//!
//! One pass decides whether anything may be there: a byte prefilter (every detector needs a digit,
//! `@` or `:`), then one [`RegexSet`] scan. Only the detectors the set reports run their own
//! regex, and only their candidates reach the validators (SSN area/group/serial rules, Luhn, the
//! NPI's `80840` Luhn, IPv6 parsing), so clean text costs one scan and PHI-dense text a few.
//!
//! Precision limits, stated in docs/masking.md: a 9-digit number that is a valid SSN is reported
//! as an SSN (an expression such as `replace(ssn, '-', '')` must not leak); NANP phone numbers
//! need separators or a `+1`; card numbers need a known issuer prefix and a valid Luhn digit.

use std::str::FromStr;

use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// What a detector looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// US Social Security number.
    Ssn,
    /// Medical record number (configured patterns).
    Mrn,
    /// E-mail address.
    Email,
    /// NANP or E.164 phone number.
    Phone,
    /// Payment card number (Luhn).
    CreditCard,
    /// US National Provider Identifier.
    Npi,
    /// IPv4 address.
    Ipv4,
    /// IPv6 address.
    Ipv6,
    /// Date of birth: a date next to a DOB-like key (`"dob": "1980-02-03"`, `birth_date=…`);
    /// whole values of DOB-tagged columns are masked by column rule.
    Dob,
}

impl Kind {
    /// Every kind, in priority order: when two matches overlap, the earlier kind wins.
    pub const ALL: [Kind; 9] = [
        Kind::Ssn,
        Kind::Dob,
        Kind::Mrn,
        Kind::CreditCard,
        Kind::Npi,
        Kind::Email,
        Kind::Phone,
        Kind::Ipv6,
        Kind::Ipv4,
    ];

    /// Name in config, audit counts and placeholders.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ssn => "ssn",
            Kind::Mrn => "mrn",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::CreditCard => "credit_card",
            Kind::Npi => "npi",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Dob => "dob",
        }
    }
}

/// The default MRN pattern: the label `MRN` followed by 6 to 10 digits. Hospitals' own formats
/// vary too much to guess; configure `mrn_patterns` for unlabelled ones.
pub const DEFAULT_MRN: &str = r"(?i)\bMRN[\s:#-]*\d{6,10}\b";

const SSN: &str = r"\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b|\b\d{9}\b";
const EMAIL: &str = r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b";
const PHONE: &str =
    r"(?:\+1[-. ]?)?(?:\(\d{3}\) ?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b|\+[1-9]\d{7,14}\b";
const CARD: &str = r"\b\d(?:[ -]?\d){12,18}\b";
const NPI: &str = r"\b[12]\d{9}\b";
const IPV4: &str =
    r"\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b";
/// A DOB-like key (JSON, hstore, `key=value`), then an ISO or US date; the date is group 1.
const DOB: &str = r#"(?i)\b(?:dob|date[_ ]?of[_ ]?birth|birth[_ ]?date|born(?:[_ ]on)?)"?\s*(?:=>|[:=])\s*"?(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})\b"#;
const IPV6: &str = r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[0-9A-Za-z]+)?";

/// One finding in a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// What it is.
    pub kind: Kind,
    /// Byte range in the value.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
}

/// The compiled detectors.
#[derive(Debug, Clone)]
pub struct Detectors {
    set: RegexSet,
    each: Vec<(Kind, Regex)>,
    /// The DOB pattern runs on its own, after a literal search for its keys (`dob`, `bir…`,
    /// `bor…`, any case) that the regex engine runs vectorised: in the set, or unfiltered, it
    /// cost a fifth of the clean-text throughput.
    dob: Option<(Regex, Regex)>,
}

/// A detector pattern that does not compile.
#[derive(Debug, thiserror::Error)]
#[error("masking pattern {pattern:?}: {error}")]
pub struct PatternError {
    pattern: String,
    error: String,
}

impl Detectors {
    /// Compiles `kinds` (MRN with `mrn_patterns`, or [`DEFAULT_MRN`] when empty).
    pub fn new(kinds: &[Kind], mrn_patterns: &[String]) -> Result<Detectors, PatternError> {
        let mut each = Vec::new();
        let mut dob = None;
        for k in Kind::ALL.iter().filter(|k| kinds.contains(k)) {
            let patterns: Vec<String> = match k {
                Kind::Ssn => vec![SSN.into()],
                Kind::Mrn if mrn_patterns.is_empty() => vec![DEFAULT_MRN.into()],
                Kind::Mrn => mrn_patterns.to_vec(),
                Kind::Email => vec![EMAIL.into()],
                Kind::Phone => vec![PHONE.into()],
                Kind::CreditCard => vec![CARD.into()],
                Kind::Npi => vec![NPI.into()],
                Kind::Ipv4 => vec![IPV4.into()],
                Kind::Ipv6 => vec![IPV6.into()],
                Kind::Dob => vec![DOB.into()],
            };
            for p in patterns {
                // ASCII semantics over bytes: values in any client encoding are inspected, and
                // `\b`, `\d`, `\s` mean their ASCII selves.
                let re = RegexBuilder::new(&p)
                    .unicode(false)
                    .size_limit(1 << 22)
                    .build()
                    .map_err(|e| PatternError {
                        pattern: p.clone(),
                        error: e.to_string(),
                    })?;
                if *k == Kind::Dob {
                    dob = Some((dob_keys()?, re));
                } else {
                    each.push((*k, re));
                }
            }
        }
        let set = RegexSetBuilder::new(each.iter().map(|(_, r)| r.as_str()))
            .unicode(false)
            .size_limit(1 << 24)
            .build()
            .map_err(|e| PatternError {
                pattern: "(all)".into(),
                error: e.to_string(),
            })?;
        Ok(Detectors { set, each, dob })
    }

    /// Every finding in `text`, sorted, without overlaps (on overlap the earlier-listed kind
    /// in [`Kind::ALL`] wins, then the longer match).
    pub fn find(&self, text: impl AsRef<[u8]>) -> Vec<Found> {
        let text = text.as_ref();
        let mut out = Vec::new();
        if !may_match(text) {
            return out;
        }
        if let Some((_, re)) = self.dob.as_ref().filter(|(keys, _)| keys.is_match(text)) {
            // The key stays; only the date (group 1) is the finding.
            for c in re.captures_iter(text) {
                if let Some(m) = c.get(1)
                    && valid(Kind::Dob, m.as_bytes())
                {
                    out.push(Found {
                        kind: Kind::Dob,
                        start: m.start(),
                        end: m.end(),
                    });
                }
            }
        }
        let hits = self.set.matches(text);
        for i in hits.iter() {
            let (kind, re) = &self.each[i];
            for m in re.find_iter(text) {
                if valid(*kind, m.as_bytes()) && in_context(*kind, text, m.start(), m.end()) {
                    out.push(Found {
                        kind: *kind,
                        start: m.start(),
                        end: m.end(),
                    });
                }
            }
        }
        resolve_overlaps(out)
    }
}

fn rank(k: Kind) -> usize {
    Kind::ALL.iter().position(|x| *x == k).unwrap_or(usize::MAX)
}

fn resolve_overlaps(mut v: Vec<Found>) -> Vec<Found> {
    v.sort_by_key(|f| (rank(f.kind), f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Found> = Vec::with_capacity(v.len());
    for f in v {
        if kept.iter().all(|k| f.end <= k.start || f.start >= k.end) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| f.start);
    kept
}

/// The literal search that gates the DOB pattern.
fn dob_keys() -> Result<Regex, PatternError> {
    const KEYS: &str = "(?i)dob|bir|bor";
    RegexBuilder::new(KEYS)
        .unicode(false)
        .build()
        .map_err(|e| PatternError {
            pattern: KEYS.into(),
            error: e.to_string(),
        })
}

/// Whether any detector could match: each needs a digit, `@` or `:`.
pub fn may_match(text: &[u8]) -> bool {
    text.iter()
        .any(|b| b.is_ascii_digit() || *b == b'@' || *b == b':')
}

fn digits(s: &[u8]) -> Vec<u8> {
    s.iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// Luhn over decimal digits.
pub fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        let mut v = u32::from(x);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !d.is_empty() && sum.is_multiple_of(10)
}

/// SSA rules: area not 000, 666 or 900–999; group not 00; serial not 0000.
pub fn ssn_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let n = |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    let (area, group, serial) = (n(0..3), n(3..5), n(5..9));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// Issuer prefixes of the major card networks (Visa, Mastercard, Amex, Discover, JCB, Diners,
/// UnionPay, Maestro), with their lengths.
fn card_network(d: &[u8]) -> bool {
    let p = |n: usize| d.iter().take(n).fold(0u32, |a, &x| a * 10 + u32::from(x));
    let len = d.len();
    match d.first() {
        Some(4) => matches!(len, 13 | 16 | 19),
        Some(5) => {
            (51..=55).contains(&p(2)) && len == 16 || p(2) == 50 || (56..=58).contains(&p(2))
        }
        Some(2) => (2221..=2720).contains(&p(4)) && len == 16,
        Some(3) => {
            (matches!(p(2), 34 | 37) && len == 15)
                || ((3528..=3589).contains(&p(4)) && (16..=19).contains(&len))
                || (matches!(p(2), 36 | 38 | 39) || (300..=305).contains(&p(3)))
                    && (14..=19).contains(&len)
        }
        Some(6) => {
            (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3)) || p(2) == 62 || p(2) == 67)
                && (16..=19).contains(&len)
        }
        _ => false,
    }
}

/// A bare 9-digit SSN is taken only where a value or a field starts and ends around it — the
/// whole value, or between delimiters of arrays, JSON, CSV and COPY text — not inside prose, where
/// 9-digit numbers are usually order or tracking numbers. (`replace(ssn, '-', '')` yields a
/// whole value; `array_agg` of it, an array.)
fn in_context(kind: Kind, text: &[u8], start: usize, end: usize) -> bool {
    if kind != Kind::Ssn || text[start..end].iter().any(|b| !b.is_ascii_digit()) {
        return true;
    }
    const DELIMS: &[u8] = b"{}[],\"'()|;:=\t\n\r";
    let before = text[..start].last();
    let after = text.get(end);
    before.is_none_or(|b| DELIMS.contains(b)) && after.is_none_or(|b| DELIMS.contains(b))
}

/// `YYYY-MM-DD` or `MM/DD/YYYY` with a month 1–12 and a day 1–31.
fn date_valid(m: &[u8]) -> bool {
    let n = |p: &[u8]| {
        p.iter()
            .fold(0u32, |a, &x| a * 10 + u32::from(x.wrapping_sub(b'0')))
    };
    let iso = m.contains(&b'-');
    let parts: Vec<u32> = m.split(|b| *b == b'-' || *b == b'/').map(n).collect();
    let (month, day) = match (iso, parts.as_slice()) {
        (true, [_, m, d]) | (false, [m, d, _]) => (*m, *d),
        _ => return false,
    };
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn valid(kind: Kind, m: &[u8]) -> bool {
    match kind {
        Kind::Ssn => ssn_valid(&digits(m)),
        Kind::CreditCard => {
            let d = digits(m);
            (13..=19).contains(&d.len()) && card_network(&d) && luhn(&d)
        }
        Kind::Npi => {
            let mut d = vec![8, 0, 8, 4, 0];
            d.extend(digits(m));
            luhn(&d)
        }
        Kind::Ipv6 => {
            let Ok(m) = std::str::from_utf8(m) else {
                return false;
            };
            let addr = m.split('%').next().unwrap_or(m);
            // Enough of an address to name a host: three groups, or two with five hex digits
            // (`fe80::1`). `::`, `::1` and `d8::4` in random text say nothing about anyone.
            let groups = addr.split(':').filter(|g| !g.is_empty()).count();
            let hex = addr.bytes().filter(u8::is_ascii_hexdigit).count();
            (groups >= 3 || (groups == 2 && hex >= 5)) && std::net::Ipv6Addr::from_str(addr).is_ok()
        }
        Kind::Phone => {
            let d = digits(m);
            if m.starts_with(b"+") && !m.starts_with(b"+1") {
                (8..=15).contains(&d.len())
            } else {
                // NANP: area and exchange codes start with 2-9.
                let d = if d.len() == 11 { &d[1..] } else { &d[..] };
                d.len() == 10 && d[0] >= 2 && d[3] >= 2
            }
        }
        Kind::Dob => date_valid(m),
        Kind::Mrn | Kind::Email | Kind::Ipv4 => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Detectors {
        Detectors::new(&Kind::ALL, &[]).unwrap()
    }

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        all()
            .find(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.start..f.end]))
            .collect()
    }

    #[test]
    fn finds_each_kind_in_free_text() {
        let text = "Pt SSN 123-45-6789, MRN: 00123456, mail ada@example.org, call (415) 555-0132 \
                    or +44 20 7946 0958? card 4111 1111 1111 1111, NPI 1234567893, from \
                    10.1.2.3 and fe80::1ff:fe23:4567:890a.";
        let got = kinds(text);
        assert!(got.contains(&(Kind::Ssn, "123-45-6789")), "{got:?}");
        assert!(got.contains(&(Kind::Mrn, "MRN: 00123456")), "{got:?}");
        assert!(got.contains(&(Kind::Email, "ada@example.org")), "{got:?}");
        assert!(got.contains(&(Kind::Phone, "(415) 555-0132")), "{got:?}");
        assert!(
            got.contains(&(Kind::CreditCard, "4111 1111 1111 1111")),
            "{got:?}"
        );
        assert!(got.contains(&(Kind::Npi, "1234567893")), "{got:?}");
        assert!(got.contains(&(Kind::Ipv4, "10.1.2.3")), "{got:?}");
        assert!(
            got.contains(&(Kind::Ipv6, "fe80::1ff:fe23:4567:890a")),
            "{got:?}"
        );
    }

    #[test]
    fn dates_of_birth_are_found_next_to_dob_keys_only() {
        let json = r#"{"name": "Ada", "dob": "1980-02-29", "admitted": "2024-01-02"}"#;
        assert_eq!(kinds(json), vec![(Kind::Dob, "1980-02-29")]);
        assert_eq!(
            kinds("birth_date=04/17/1975; Date of Birth: 1975-04-17"),
            vec![(Kind::Dob, "04/17/1975"), (Kind::Dob, "1975-04-17")]
        );
        assert_eq!(
            kinds(r#""DOB"=>"1990-12-01""#),
            vec![(Kind::Dob, "1990-12-01")]
        );
        // A date without a DOB key, or one that is not a date, is left alone.
        assert!(kinds("visit 1980-02-03").is_empty());
        assert!(kinds(r#""dob": "1980-13-01""#).is_empty());
        assert!(kinds(r#""dob": "13/40/1980""#).is_empty());
    }

    #[test]
    fn validators_reject_lookalikes() {
        for clean in [
            "000-12-3456",            // area 000
            "666-12-3456",            // area 666
            "912-34-5678",            // area 9xx
            "123-00-4567",            // group 00
            "123-45-0000",            // serial 0000
            "4111 1111 1111 1112",    // bad Luhn
            "1234567890",             // NPI with a bad check digit
            "12:30:45",               // a time, not IPv6
            "version 1.2.3",          // not an address
            "call 555-0132",          // 7 digits
            "(115) 555-0132",         // NANP area cannot start with 1
            "256.1.1.1",              // not IPv4
            "plain words, no digits", // nothing
        ] {
            assert_eq!(kinds(clean), vec![], "{clean}");
        }
    }

    #[test]
    fn unformatted_ssn_is_found_because_expressions_strip_dashes() {
        assert_eq!(kinds("123456789"), vec![(Kind::Ssn, "123456789")]);
        assert_eq!(kinds("{123456789,234567890}").len(), 2);
        assert_eq!(kinds("1\t123456789\tAda"), vec![(Kind::Ssn, "123456789")]);
        assert_eq!(
            kinds("{\"ssn\":\"123456789\"}"),
            vec![(Kind::Ssn, "123456789")]
        );
        // In prose a bare 9-digit number is an order or tracking number.
        assert_eq!(kinds("order 123456789 shipped"), vec![]);
        assert_eq!(kinds("id 1234567890123"), vec![]);
    }

    #[test]
    fn luhn_and_ssn_rules() {
        assert!(luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
        assert!(!luhn(&[]));
        assert!(ssn_valid(&[1, 2, 3, 4, 5, 6, 7, 8, 9]));
        assert!(!ssn_valid(&[9, 2, 3, 4, 5, 6, 7, 8, 9]));
    }

    #[test]
    fn a_bad_mrn_pattern_is_a_config_error() {
        let e = Detectors::new(&[Kind::Mrn], &["(unclosed".into()]).unwrap_err();
        assert!(e.to_string().contains("(unclosed"), "{e}");
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    use super::*;

    fn check_digit(prefix: &[u8]) -> u8 {
        (0..10)
            .find(|c| {
                let mut d = prefix.to_vec();
                d.push(*c);
                luhn(&d)
            })
            .unwrap_or(0)
    }

    fn found_exactly(text: &str, value: &str, kind: Kind) -> bool {
        static D: std::sync::OnceLock<Detectors> = std::sync::OnceLock::new();
        let d = D.get_or_init(|| Detectors::new(&Kind::ALL, &[]).unwrap());
        let at = text.find(value).unwrap();
        d.find(text)
            .iter()
            .any(|f| f.kind == kind && f.start == at && f.end == at + value.len())
    }

    proptest! {
        #[test]
        fn valid_ssns_are_found(area in 1u32..900, group in 1u32..100, serial in 1u32..10000,
                                pre in "[a-z ]{0,12}", post in "[a-z ]{0,12}") {
            prop_assume!(area != 666);
            let v = format!("{area:03}-{group:02}-{serial:04}");
            let text = format!("{pre} {v} {post}");
            prop_assert!(found_exactly(&text, &v, Kind::Ssn), "{text}");
        }

        #[test]
        fn luhn_valid_visa_numbers_are_found(body in proptest::collection::vec(0u8..10, 14),
                                             spaced in any::<bool>()) {
            let mut d = vec![4];
            d.extend(body);
            d.push(check_digit(&d));
            let s: String = d.iter().map(|x| char::from(b'0' + x)).collect();
            let v = if spaced {
                format!("{} {} {} {}", &s[0..4], &s[4..8], &s[8..12], &s[12..16])
            } else {
                s
            };
            let text = format!("card {v} exp 12/29");
            prop_assert!(found_exactly(&text, &v, Kind::CreditCard), "{text}");
        }

        #[test]
        fn valid_npis_are_found(first in 1u8..3, body in proptest::collection::vec(0u8..10, 8)) {
            let mut d = vec![first];
            d.extend(body);
            let mut with = vec![8, 0, 8, 4, 0];
            with.extend(&d);
            d.push(check_digit(&with));
            let v: String = d.iter().map(|x| char::from(b'0' + x)).collect();
            let text = format!("provider {v}.");
            prop_assert!(found_exactly(&text, &v, Kind::Npi), "{text}");
        }

        #[test]
        fn emails_are_found(user in "[a-z][a-z0-9._]{0,10}[a-z0-9]", host in "[a-z]{1,10}",
                            tld in "(com|org|net|health)") {
            let v = format!("{user}@{host}.{tld}");
            let text = format!("write to {v} today");
            prop_assert!(found_exactly(&text, &v, Kind::Email), "{text}");
        }

        #[test]
        fn nanp_phones_are_found(a in 200u32..1000, e in 200u32..1000, n in 0u32..10000,
                                 style in 0usize..4) {
            let v = match style {
                0 => format!("({a}) {e}-{n:04}"),
                1 => format!("{a}-{e}-{n:04}"),
                2 => format!("{a}.{e}.{n:04}"),
                _ => format!("+1 {a} {e} {n:04}"),
            };
            let text = format!("phone: {v} (home)");
            prop_assert!(found_exactly(&text, &v, Kind::Phone), "{text}");
        }
    }
}

/// False-positive rates, measured (docs/masking.md quotes the printed figures).
#[cfg(test)]
mod false_positives {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn rate(values: &[String]) -> (usize, f64) {
        let d = Detectors::new(&Kind::ALL, &[]).unwrap();
        let hits = values.iter().filter(|v| !d.find(v).is_empty()).count();
        (hits, hits as f64 / values.len() as f64)
    }

    #[test]
    fn random_printable_text() {
        let mut rng = StdRng::seed_from_u64(7);
        let values: Vec<String> = (0..10_000)
            .map(|_| {
                (0..200)
                    .map(|_| char::from(rng.random_range(32u8..127)))
                    .collect()
            })
            .collect();
        let (hits, r) = rate(&values);
        println!(
            "random printable ASCII, 10,000 values of 200 chars: {hits} flagged ({:.3}%)",
            r * 100.0
        );
        let d = Detectors::new(&Kind::ALL, &[]).unwrap();
        let mut by_kind = std::collections::BTreeMap::new();
        for v in &values {
            for f in d.find(v) {
                by_kind
                    .entry(f.kind.name())
                    .or_insert_with(Vec::new)
                    .push(v[f.start..f.end].to_string());
            }
        }
        for (k, v) in &by_kind {
            println!("  {k}: {} e.g. {:?}", v.len(), &v[..v.len().min(5)]);
        }
        assert!(r < 0.01, "{hits} false positives");
    }

    #[test]
    fn realistic_business_text() {
        let mut rng = StdRng::seed_from_u64(11);
        let values: Vec<String> = (0..10_000)
            .map(|_| {
                format!(
                    "Order #{} shipped {}-{:02}-{:02} for ${}.{:02}; build {}.{}.{}; ref {:08}; \
                     batch {:06}-{:02}; {} units at {:02}:{:02}:{:02}, temp {:.1}C, qty {}",
                    rng.random_range(10_000..10_000_000),
                    rng.random_range(2000..2030),
                    rng.random_range(1..13),
                    rng.random_range(1..29),
                    rng.random_range(1..100_000),
                    rng.random_range(0..100),
                    rng.random_range(0..10),
                    rng.random_range(0..30),
                    rng.random_range(0..200),
                    rng.random_range(0..100_000_000),
                    rng.random_range(0..1_000_000),
                    rng.random_range(0..100),
                    rng.random_range(1..5_000),
                    rng.random_range(0..24),
                    rng.random_range(0..60),
                    rng.random_range(0..60),
                    rng.random_range(-20.0..40.0),
                    rng.random_range(1..1_000_000_000u64),
                )
            })
            .collect();
        let (hits, r) = rate(&values);
        println!(
            "synthetic order/log lines, 10,000 values: {hits} flagged ({:.2}%)",
            r * 100.0
        );
        let d = Detectors::new(&Kind::ALL, &[]).unwrap();
        let mut by_kind = std::collections::BTreeMap::new();
        for v in &values {
            for f in d.find(v) {
                *by_kind.entry(f.kind.name()).or_insert(0) += 1;
            }
        }
        println!("  by detector: {by_kind:?}");
        assert!(r < 0.01, "{hits} false positives");
    }
}
