//! Wall-clock helpers. The store keeps unix milliseconds; the API and CLI show RFC 3339.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// RFC 3339 (seconds precision, UTC) of a unix-millisecond time.
pub fn fmt_ms(ms: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Parses RFC 3339 into unix milliseconds.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let t = humantime::parse_rfc3339_weak(s).ok()?;
    Some(t.duration_since(UNIX_EPOCH).ok()?.as_millis() as i64)
}

/// Human form of a duration, rounded to seconds ("1h 30m").
pub fn fmt_duration(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs())).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ms = 1_790_000_000_000;
        assert_eq!(parse_rfc3339_ms(&fmt_ms(ms)), Some(ms));
        assert_eq!(fmt_duration(Duration::from_millis(5_400_999)), "1h 30m");
    }
}
