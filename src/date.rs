//! Calendar dates, through `jiff`: commit times to RFC 3339, `--since` dates to seconds,
//! and today's date for the baseline ledger. All in UTC.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// `2024-01-02T03:04:05Z` from seconds since the epoch (UTC). Times outside the years
/// -9999..=9999 (a forged commit date) are clamped to the nearest representable one.
pub fn rfc3339(secs: i64) -> String {
    let time = Timestamp::from_second(secs).unwrap_or(if secs < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether `text` has the shape `YYYY-MM-DD` (four digits, two, two), valid or not: such
/// an argument is meant as a date, so an impossible one is an error, not a git revision.
pub fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Seconds since the epoch of `YYYY-MM-DD` (UTC midnight), if it is a real calendar date
/// (`2024-02-31` is not).
pub fn parse_date(text: &str) -> Option<i64> {
    if !looks_like_date(text) {
        return None;
    }
    let date: Date = text.parse().ok()?;
    let zoned = date.to_zoned(TimeZone::UTC).ok()?;
    Some(zoned.timestamp().as_second())
}

/// Today's date in UTC, YYYY-MM-DD.
pub fn today() -> String {
    Timestamp::now().to_zoned(TimeZone::UTC).date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_704_164_645), "2024-01-02T03:04:05Z");
        assert_eq!(parse_date("2024-01-02"), Some(1_704_153_600));
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_date("2024-13-02"), None);
        assert_eq!(parse_date("2024-02-31"), None);
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("main"), None);
        assert_eq!(parse_date("20240102"), None);
    }

    #[test]
    fn date_shapes() {
        assert!(looks_like_date("2024-02-31"));
        assert!(!looks_like_date("v1.2.3"));
        assert!(!looks_like_date("2024-2-3"));
    }

    #[test]
    fn forged_times_do_not_panic() {
        for secs in [i64::MAX, i64::MIN] {
            let text = rfc3339(secs);
            assert!(text.contains("9999-") && text.ends_with('Z'), "{text}");
        }
        assert_eq!(today().len(), 10);
    }
}
