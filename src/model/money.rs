//! Money: integer 分 (i64) in frames and sums, `rust_decimal::Decimal` at the edges.
//!
//! Never `f64`: a spreadsheet number cell arrives as an `f64`, so it is turned into its
//! shortest decimal text first (`6039.77`, not `6039.7700000000004`) and parsed as a Decimal.
//! Rounding is half away from zero, as Chinese reports round.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The largest amount one cell may hold, in 分: an amount of 10^15 元 (1,000 万亿元, some 40
/// times a year of the whole national budget) or more is rejected with its cell as a unit or
/// entry error. Per cell, far from i64's 9.2 × 10^18 分.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000_000_000_000;

/// The largest sum of absolute amounts one load may hold, in 分 (10^16 元). A load beyond it is
/// refused (`load::check_money`), so that every sum the later stages form — totals, a voucher's
/// net, a balance plus its movement, the difference of two such sums — stays exact in i64:
/// nine sums of the whole load still fit. Counted in i128, so the check itself cannot wrap.
pub const MAX_TOTAL_FEN: i128 = 1_000_000_000_000_000_000;

/// An amount in 分 (hundredths of a 元).
///
/// Arithmetic never wraps: `+`, `-`, `+=`, `-=`, negation and `sum()` saturate at the i64
/// bounds instead of wrapping around as release builds otherwise would. Saturation cannot
/// happen on loaded data (cells are bounded by `MAX_AMOUNT_FEN`, a load by `MAX_TOTAL_FEN`);
/// where a sum of outside figures must be exact or refused, use `checked_add` / `try_sum`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Decimal 元 → 分, rounding half away from zero. `None` when it does not fit an i64.
    pub fn from_yuan(d: Decimal) -> Option<Fen> {
        let fen = d
            .checked_mul(Decimal::ONE_HUNDRED)?
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        fen.to_i64().map(Fen)
    }

    pub fn to_yuan(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `None` when the sum does not fit.
    pub fn checked_add(self, o: Fen) -> Option<Fen> {
        self.0.checked_add(o.0).map(Fen)
    }

    /// The exact sum, or `None` when it does not fit an i64 (added up in i128).
    pub fn try_sum<I: IntoIterator<Item = Fen>>(iter: I) -> Option<Fen> {
        let total: i128 = iter.into_iter().map(|f| f.0 as i128).sum();
        i64::try_from(total).ok().map(Fen)
    }

    /// `1,234,567.89` (thousands separators, two decimals), as reports print money.
    pub fn grouped(self) -> String {
        grouped_fen(self.0 as i128)
    }
}

/// An i128 sum of 分 in 元, exact (a Decimal holds 96 bits: any sum of loaded amounts, which
/// `MAX_TOTAL_FEN` bounds, fits; beyond that the value saturates rather than wraps).
pub fn yuan_of_fen(fen: i128) -> Decimal {
    Decimal::try_from_i128_with_scale(fen, 2).unwrap_or(if fen < 0 {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// An amount of 分 of any size (an i128 sum) as `1,234,567.89`.
pub fn grouped_fen(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", grouped_int(abs / 100), abs % 100)
}

/// A whole number with thousands separators: 17179869184 → `17,179,869,184`.
pub fn grouped_int(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

// Saturating, never wrapping: see the type's documentation.
impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0.saturating_add(o.0))
    }
}
impl std::ops::AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        *self = *self + o;
    }
}
impl std::ops::Sub for Fen {
    type Output = Fen;
    fn sub(self, o: Fen) -> Fen {
        Fen(self.0.saturating_sub(o.0))
    }
}
impl std::ops::SubAssign for Fen {
    fn sub_assign(&mut self, o: Fen) {
        *self = *self - o;
    }
}

impl Fen {
    pub fn abs(self) -> Fen {
        Fen(self.0.saturating_abs())
    }
}

impl std::ops::Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(self.0.saturating_neg())
    }
}
impl std::iter::Sum for Fen {
    /// Added up in i128, then clamped to the i64 bounds (never wrapped).
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        let total: i128 = iter.map(|f| f.0 as i128).sum();
        Fen(total.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }
}
impl<'a> std::iter::Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

/// Plain `1234.56`: exact, machine-readable; used in JSON.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_yuan())
    }
}

impl Serialize for Fen {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Sums in a report may exceed one cell's bound: only i64 limits what is read back.
        let s = String::deserialize(d)?;
        let v = parse_decimal(&s).map_err(serde::de::Error::custom)?;
        Fen::from_yuan(v).ok_or_else(|| serde::de::Error::custom(format!("金额超出范围：{v}")))
    }
}

/// A parsed amount and whether it had to be rounded to whole 分.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub fen: Fen,
    pub rounded: bool,
}

/// Decimal → Amount (rounded to 分, half away from zero). An amount of `MAX_AMOUNT_FEN` or
/// more (either sign) is refused: no ledger holds it, and sums of it would not stay exact.
pub fn amount_from_decimal(d: Decimal) -> Result<Amount, String> {
    let too_large = || {
        format!(
            "金额 {} 超出账簿可记范围（绝对值须小于 {} 元）",
            excerpt(&d.to_string()),
            grouped_fen(MAX_AMOUNT_FEN as i128)
        )
    };
    let fen = Fen::from_yuan(d).ok_or_else(too_large)?;
    if fen.0.unsigned_abs() >= MAX_AMOUNT_FEN as u64 {
        return Err(too_large());
    }
    let rounded = d.normalize().scale() > 2;
    Ok(Amount { fen, rounded })
}

/// At most 24 characters of a text, for messages.
fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        out.push('…');
    }
    out
}

/// A spreadsheet number cell. The shortest decimal text of an f64 is what Excel stored.
pub fn amount_from_f64(v: f64) -> Result<Amount, String> {
    if !v.is_finite() {
        return Err(format!("金额不是有限数：{v}"));
    }
    let text = format!("{v}");
    let d = Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| format!("金额超出范围：{}", excerpt(&text)))?;
    amount_from_decimal(d)
}

/// Parse a money text as Chinese ledgers print it: `1,234.56`, `¥1,234.56`, `1234.56元`,
/// `(1,234.56)` or `-1,234.56` or `－1234.56` or `1,234.56-` for red-ink reversals, full-width digits.
/// Empty, `-` and `—` alone mean zero. Thousands groups must be groups of three (`1,2,3` is
/// rejected, not read as 123).
pub fn parse_amount(raw: &str) -> Result<Amount, String> {
    amount_from_decimal(parse_decimal(raw)?)
}

/// The number a money text spells (see `parse_amount`), not yet bounded or rounded.
fn parse_decimal(raw: &str) -> Result<Decimal, String> {
    let s: String = raw
        .chars()
        .map(fullwidth_to_ascii)
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut t = s.as_str();
    for prefix in ["¥", "￥", "RMB", "CNY"] {
        t = t.trim_start_matches(prefix);
    }
    for suffix in ["万元", "元"] {
        if suffix == "万元" && t.ends_with(suffix) {
            return Err(format!("金额以万元为单位，须换算为元：“{raw}”"));
        }
        t = t.trim_end_matches(suffix);
    }
    if t.is_empty() || t == "-" || t == "—" || t == "--" {
        return Ok(Decimal::ZERO);
    }
    let mut neg = false;
    if t.starts_with('(') && t.ends_with(')') && t.len() > 2 {
        neg = true;
        t = &t[1..t.len() - 1];
    }
    if let Some(rest) = t.strip_prefix('-') {
        neg = !neg;
        t = rest;
    } else if let Some(rest) = t.strip_prefix('+') {
        t = rest;
    } else if let Some(rest) = t
        .strip_suffix('-')
        .filter(|r| r.ends_with(|c: char| c.is_ascii_digit()))
    {
        // A trailing minus, as some ledgers and reports print a reversal: `88.00-`.
        neg = !neg;
        t = rest;
    }
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if int_part.is_empty() && frac_part.is_none() {
        return Err(format!("不是金额：“{raw}”"));
    }
    let int_digits = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Err(format!("千分位分隔不正确：“{raw}”"));
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    let frac = frac_part.unwrap_or("");
    if !int_digits.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!("不是金额：“{raw}”"));
    }
    let text = if frac.is_empty() {
        int_digits
    } else {
        format!("{int_digits}.{frac}")
    };
    let mut d =
        Decimal::from_str(&text).map_err(|_| format!("金额超出范围：“{}”", excerpt(raw.trim())))?;
    if neg {
        d = -d;
    }
    Ok(d)
}

/// Full-width digits and punctuation (common in Chinese exports) → ASCII.
pub fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '，' => ',',
        '．' | '。' => '.',
        '－' | '−' => '-',
        '＋' => '+',
        '（' => '(',
        '）' => ')',
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Rounded half up (away from zero) to 2 decimals, as the reports round.
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A ratio as a percentage rounded half up to 2 decimals (94.96%), computed exactly.
pub fn percent(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    if denominator.is_zero() {
        return None;
    }
    Some(round2(numerator * Decimal::ONE_HUNDRED / denominator))
}

/// An amount in 元 with thousands separators (`1,234.50`); beyond the 分 range as it is.
pub fn grouped_yuan(d: Decimal) -> String {
    Fen::from_yuan(d)
        .map(|f| f.grouped())
        .unwrap_or_else(|| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> i64 {
        parse_amount(s).unwrap().fen.0
    }

    #[test]
    fn parses_ledger_amount_texts() {
        assert_eq!(fen("1,234.56"), 123456);
        assert_eq!(fen("¥1,234.56"), 123456);
        assert_eq!(fen("1234.56元"), 123456);
        assert_eq!(fen("(1,234.56)"), -123456);
        assert_eq!(fen("-429"), -42900);
        assert_eq!(fen("－１２３．４"), -12340);
        assert_eq!(fen(""), 0);
        assert_eq!(fen("-"), 0);
        assert_eq!(fen("9,009.85"), 900985);
        assert_eq!(fen(".5"), 50);
    }

    #[test]
    fn rejects_malformed_amounts() {
        for bad in ["1,2,3", "12a", "1.2.3", "abc", "1,23", "5万元", "()"] {
            assert!(parse_amount(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(fen("0.005"), 1);
        assert_eq!(fen("-0.005"), -1);
        assert_eq!(fen("0.015"), 2); // banker's rounding would give 2 too; 0.025 tells them apart
        assert_eq!(fen("0.025"), 3);
        assert!(parse_amount("0.025").unwrap().rounded);
        assert!(!parse_amount("0.02").unwrap().rounded);
    }

    #[test]
    fn f64_cells_keep_their_decimal_text() {
        assert_eq!(amount_from_f64(6039.77).unwrap().fen.0, 603977);
        assert_eq!(amount_from_f64(0.1 + 0.2).unwrap().fen.0, 30);
        assert_eq!(amount_from_f64(16794706.80).unwrap().fen.0, 1679470680);
        assert!(amount_from_f64(f64::NAN).is_err());
    }

    #[test]
    fn amounts_beyond_a_ledger_are_refused_at_parse() {
        let max = MAX_AMOUNT_FEN / 100; // in 元
        assert!(parse_amount(&format!("{}", max - 1)).is_ok());
        for bad in [
            format!("{max}"),
            format!("-{max}"),
            "50000000000000000".to_string(),
        ] {
            let e = parse_amount(&bad).expect_err(&bad);
            assert!(e.contains("超出"), "{bad}: {e}");
        }
        assert!(amount_from_f64(5e16)
            .unwrap_err()
            .contains("超出账簿可记范围"));
        assert!(amount_from_decimal(Decimal::from(max)).is_err());
        // A long digit string is quoted as an excerpt, not in full.
        let long = "9".repeat(5000);
        assert!(parse_amount(&long).unwrap_err().chars().count() < 80);
        // Reports read back sums above one cell's bound.
        let v: Fen = serde_json::from_str("\"15000000000000000.00\"").unwrap();
        assert_eq!(v, Fen(1_500_000_000_000_000_000));
    }

    #[test]
    fn sums_near_the_limit_are_reported_not_wrapped() {
        let big = Fen(5_000_000_000_000_000_000); // 5e16 元
                                                  // Four of them wrapped to 15,532,559,262,904,483.84 before.
        assert_eq!(Fen::try_sum([big; 4]), None);
        assert_eq!(Fen::try_sum([big, -big, big]), Some(big));
        assert_eq!(big.checked_add(big), None);
        let s: Fen = [big; 4].into_iter().sum();
        assert_eq!(s, Fen(i64::MAX), "saturates, never wraps");
        assert_eq!(big + big, Fen(i64::MAX));
        assert_eq!(-big - big - big, Fen(i64::MIN));
        let mut acc = Fen::ZERO;
        for _ in 0..4 {
            acc += big;
        }
        assert!(acc.0 > 0);
        assert_eq!(Fen(i64::MIN).abs(), Fen(i64::MAX));
        assert_eq!(
            grouped_fen(4 * 5_000_000_000_000_000_000i128),
            "200,000,000,000,000,000.00"
        );
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(Fen(1679470680).grouped(), "16,794,706.80");
        assert_eq!(Fen(-42900).grouped(), "-429.00");
        assert_eq!(Fen(5).grouped(), "0.05");
        assert_eq!(Fen(100000).grouped(), "1,000.00");
        assert_eq!(Fen(603977).to_string(), "6039.77");
    }

    #[test]
    fn percentages_round_half_up() {
        let p = percent(
            Decimal::from_str("18854402.47").unwrap(),
            Decimal::from_str("19854773.32").unwrap(),
        );
        assert_eq!(p.unwrap().to_string(), "94.96");
        assert_eq!(
            percent(Decimal::from(51), Decimal::from(48))
                .unwrap()
                .to_string(),
            "106.25"
        );
        assert!(percent(Decimal::ONE, Decimal::ZERO).is_none());
    }
}
