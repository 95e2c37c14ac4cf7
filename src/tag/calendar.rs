//! Normalised date values as intervals of days: `1917`, `1917-07`, `1917-07-20`, decades and centuries (`193X`,
//! `18XX`) and ranges (`1918/1925`), and when two of them can name the same time (Old Style and New Style dates
//! of one day included). Shared by the claims stage and the reconcile step.

/// Last day of the Julian calendar in Russia (Gregorian 1918-02-13 followed 1918-01-31 O.S.), as a day number.
pub const JULIAN_UNTIL: (i64, i64, i64) = (1918, 2, 14);
pub const JULIAN_SLACK: i64 = 13;
pub fn days(y: i64, m: i64, d: i64) -> i64 {
    // Days from civil (proleptic Gregorian), Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn month_len(y: i64, m: i64) -> i64 {
    days(if m == 12 { y + 1 } else { y }, if m == 12 { 1 } else { m + 1 }, 1) - days(y, m, 1)
}

/// The interval of days a single value covers: `1917`, `1917-07`, `1917-07-20`, `193X`, `18XX`.
fn point(v: &str) -> Option<(i64, i64)> {
    let parts: Vec<&str> = v.split('-').collect();
    let y = parts.first()?;
    if y.len() != 4 {
        return None;
    }
    if let Some(c) = y.strip_suffix("XX") {
        let c: i64 = c.parse().ok()?;
        return Some((days(c * 100, 1, 1), days(c * 100 + 99, 12, 31)));
    }
    if let Some(d) = y.strip_suffix('X') {
        let d: i64 = d.parse().ok()?;
        return Some((days(d * 10, 1, 1), days(d * 10 + 9, 12, 31)));
    }
    let y: i64 = y.parse().ok()?;
    match parts.len() {
        1 => Some((days(y, 1, 1), days(y, 12, 31))),
        2 => {
            let m: i64 = parts[1].parse().ok().filter(|m| (1..=12).contains(m))?;
            Some((days(y, m, 1), days(y, m, 1) + month_len(y, m) - 1))
        }
        3 => {
            let m: i64 = parts[1].parse().ok().filter(|m| (1..=12).contains(m))?;
            let d: i64 = parts[2].parse().ok().filter(|d| (1..=month_len(y, m)).contains(d))?;
            Some((days(y, m, d), days(y, m, d)))
        }
        _ => None,
    }
}

/// The interval of days a value covers, ranges included (`1918/1925`); None for values with no year.
pub fn interval(v: &str) -> Option<(i64, i64)> {
    match v.split_once('/') {
        Some((a, b)) => Some((point(a)?.0, point(b)?.1)),
        None => point(v),
    }
}

/// Can two values name the same time? Overlapping intervals can; so can Old Style and New Style dates of one
/// day. Values with no year (`XXXX-10`) are compatible with anything.
pub fn compatible(a: &str, b: &str) -> bool {
    let (Some(x), Some(y)) = (interval(a), interval(b)) else { return true };
    let (jy, jm, jd) = JULIAN_UNTIL;
    // The calendars differ by days, which matters only between months or days, not whole years.
    let slack = if x.0.min(y.0) < days(jy, jm, jd) && fine(a) && fine(b) { JULIAN_SLACK } else { 0 };
    x.0 <= y.1 + slack && y.0 <= x.1 + slack
}

/// Days between two incompatible values (0 when compatible).
pub fn gap(a: &str, b: &str) -> i64 {
    match (interval(a), interval(b)) {
        (Some(x), Some(y)) => (y.0 - x.1).max(x.0 - y.1).max(0),
        _ => 0,
    }
}

/// A value finer than a year: a month, a day, or a range of them.
pub fn fine(v: &str) -> bool {
    v.split('/').all(|p| p.len() >= 7 && !p.contains('X'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_inside_a_range_is_compatible() {
        assert!(compatible("1920", "1918/1925"));
        assert!(compatible("1848", "1845/1852"));
        assert!(!compatible("1930", "1918/1925"));
        assert!(compatible("193X", "1936"));
        assert!(!compatible("193X", "1941"));
        assert!(compatible("18XX", "1879-11-07"));
    }

    #[test]
    fn a_month_inside_a_year_is_compatible() {
        assert!(compatible("1929-02", "1929"));
        assert!(compatible("1940", "1940-08-20"));
        assert!(!compatible("1929-02", "1930"));
        assert!(!compatible("1917-07", "1917-09"));
        assert!(!compatible("1877", "1879"));
    }

    #[test]
    fn the_same_day_in_two_calendars_is_compatible() {
        // International Women's Day 1917: 23 February Old Style = 8 March New Style.
        assert!(compatible("1917-02-23", "1917-03-08"));
        // Trotsky's birth: 26 October 1879 O.S. = 7 November 1879 N.S.
        assert!(compatible("1879-10-26", "1879-11-07"));
        // After the change of calendar the slack is gone.
        assert!(!compatible("1940-08-20", "1940-08-21"));
        // And it is never more than 13 days.
        assert!(!compatible("1917-02-01", "1917-03-08"));
        // February 1917 Old Style overlaps March 1917 New Style.
        assert!(compatible("1917-02", "1917-03"));
        // Whole years are not stretched by the calendar difference.
        assert!(!compatible("1906", "1907"));
    }

    #[test]
    fn values_without_a_year_never_conflict() {
        assert!(compatible("XXXX-10", "1917"));
        assert_eq!(interval("1918/1925"), Some((days(1918, 1, 1), days(1925, 12, 31))));
        assert_eq!(interval("1917-02-30"), None);
    }
}
