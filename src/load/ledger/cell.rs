//! Cell values → text, codes, amounts, dates. Codes never pass through floats; money never
//! stays in floats; dates accept the spellings Chinese exports use.

use crate::model::money::{self, Amount};
use calamine::Data;
use chrono::NaiveDate;
use std::borrow::Cow;

/// Text of a cell, trimmed. Whole numbers print without `.0`.
pub fn text(c: &Data) -> Cow<'_, str> {
    match c {
        Data::String(s) => Cow::Borrowed(s.trim()),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) => Cow::Owned(float_text(*f)),
        Data::Bool(b) => Cow::Borrowed(if *b { "是" } else { "否" }),
        Data::DateTime(d) => Cow::Owned(
            serial_to_date(d.as_f64())
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| d.as_f64().to_string()),
        ),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s.trim()),
        Data::Error(e) => Cow::Owned(format!("#{e:?}")),
        Data::Empty => Cow::Borrowed(""),
    }
}

pub fn is_blank(c: &Data) -> bool {
    match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A code (account, voucher, asset, classification): text as shown, never `230701.0`.
pub fn code(c: &Data) -> Result<String, String> {
    match c {
        Data::Float(f) if !f.is_finite() => Err("编码不是有效数字".into()),
        Data::Error(e) => Err(format!("单元格为错误值 #{e:?}")),
        _ => {
            let t = text(c);
            if t.contains(char::is_whitespace) {
                Ok(t.chars().filter(|ch| !ch.is_whitespace()).collect())
            } else {
                // Nothing to drop: the text as it is (a number's text without a second copy).
                Ok(t.into_owned())
            }
        }
    }
}

/// An amount cell: numbers kept exact to 分; texts parsed with separators, ¥, 元, brackets.
pub fn amount(c: &Data) -> Result<Amount, String> {
    match c {
        Data::Empty => Ok(Amount {
            fen: money::Fen::ZERO,
            rounded: false,
        }),
        Data::Int(i) => match i.checked_mul(100).and_then(plain_amount) {
            Some(a) => Ok(a),
            None => money::amount_from_decimal((*i).into()),
        },
        Data::Float(f) => match plain_float_cents(*f).and_then(plain_amount) {
            Some(a) => Ok(a),
            None => money::amount_from_f64(*f),
        },
        Data::String(s) => match plain_amount_text(s).and_then(plain_amount) {
            Some(a) => Ok(a),
            // Anything else, and every error, as `parse_amount` reads and words it.
            None => money::parse_amount(s),
        },
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            Err(format!("金额单元格是日期格式：“{}”", text(c)))
        }
        Data::Bool(_) => Err("金额单元格是逻辑值".into()),
        Data::Error(e) => Err(format!("金额单元格为错误值 #{e:?}")),
    }
}

/// The value of an amount text in its plainest spelling — optional spaces around, an optional
/// `-`, at most 15 ASCII digits (grouped by commas in threes, or not at all), and a `.` with
/// one or two more — as `parse_amount` reads it, without its allocations; `None` for every
/// other spelling (left to `parse_amount`, which also words every error).
/// (The value in 分.)
fn plain_amount_text(raw: &str) -> Option<i64> {
    let t = raw.trim().as_bytes();
    let (neg, t) = match t.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, t),
    };
    let (int, frac) = match t.iter().position(|&b| b == b'.') {
        Some(p) => (&t[..p], &t[p + 1..]),
        None => (t, &[][..]),
    };
    let digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
    let num = |d: &[u8]| d.iter().fold(0i64, |a, &b| a * 10 + i64::from(b - b'0'));
    if t.len() > int.len() && (frac.is_empty() || frac.len() > 2 || !digits(frac)) {
        return None;
    }
    let mut groups = int.split(|&b| b == b',');
    let first = groups.next()?;
    let grouped = int.contains(&b',');
    if first.is_empty() || first.len() > if grouped { 3 } else { 15 } || !digits(first) {
        return None;
    }
    let (mut n, mut count) = (num(first), first.len());
    for g in groups {
        count += 3;
        if g.len() != 3 || !digits(g) || count > 15 {
            return None;
        }
        n = n * 1000 + num(g);
    }
    let cents = n * 100 + num(frac) * if frac.len() == 1 { 10 } else { 1 };
    Some(if neg { -cents } else { cents })
}

/// What `amount_from_decimal` gives for a whole number of 分 (`cents` / 100 元, never
/// rounded) when it is within `MAX_AMOUNT_FEN`; `None` beyond (the error is worded there).
fn plain_amount(cents: i64) -> Option<Amount> {
    (cents.unsigned_abs() < money::MAX_AMOUNT_FEN as u64).then_some(Amount {
        fen: money::Fen(cents),
        rounded: false,
    })
}

/// A number cell's value when it is a whole number or has at most two decimals (the shortest
/// text of the f64, which `amount_from_f64` parses, is then that value: below 10¹² an f64's
/// spacing is under a thousandth, so one two-decimal number at most reads as it); `None`
/// otherwise (left to `amount_from_f64`).
fn plain_float_cents(v: f64) -> Option<i64> {
    if !v.is_finite() || v.abs() >= 1e12 {
        return None;
    }
    let cents = (v * 100.0).round();
    (cents / 100.0 == v).then_some(cents as i64)
}

/// An optional whole number (year, month, period, 附单据数).
pub fn int(c: &Data) -> Result<Option<i64>, String> {
    match c {
        Data::Empty => Ok(None),
        Data::Int(i) => Ok(Some(*i)),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e12 => Ok(Some(*f as i64)),
        Data::String(s) => {
            let t: String = s
                .trim()
                .chars()
                .map(money::fullwidth_to_ascii)
                .filter(|c| !c.is_whitespace())
                .collect();
            let t = t.trim_end_matches(['年', '月', '日', '期', '张']);
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<i64>()
                .map(Some)
                .map_err(|_| format!("不是整数：“{}”", s.trim()))
        }
        _ => Err(format!("不是整数：“{}”", text(c))),
    }
}

/// A 会计期间 cell as exports write it: `1`, `01`, `1期`, `第1期`, `2023.1`, `2023.01`,
/// `2023-01`, `2023/1`, `2023年1期`, `2023年第1期`, `2023年1月`, `202301`. Returns the year when
/// the cell states one, the period, and whether the cell was a number such as `2023.1` whose
/// period may have lost a trailing zero (`2023.10` stored as a number reads `2023.1`).
/// `Ok(None)` for an empty cell.
pub fn period(c: &Data) -> Result<Option<Period>, String> {
    let raw = match c {
        Data::Empty => return Ok(None),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.is_finite() => {
            let t = float_text(*f);
            let p = period_text(&t)?;
            return Ok(p.map(|mut p| {
                // A number 2023.1 may be 2023.10 with its zero dropped.
                p.maybe_tenth = p.year.is_some() && p.period == 1;
                p
            }));
        }
        Data::String(s) => s.clone(),
        _ => return Err(format!("不是会计期间：“{}”", excerpt(&text(c)))),
    };
    period_text(&raw)
}

/// A 会计期间 as [`period`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: Option<i32>,
    pub period: u32,
    pub maybe_tenth: bool,
}

fn period_text(raw: &str) -> Result<Option<Period>, String> {
    let s: String = raw
        .trim()
        .chars()
        .map(money::fullwidth_to_ascii)
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Ok(None);
    }
    let fail = || {
        format!(
            "会计期间无法识别：“{}”（可写作 1、2023.1、2023-01、2023年1期）",
            excerpt(raw)
        )
    };
    let t = s.trim_start_matches('第');
    let t = t.trim_end_matches(['期', '月']);
    let num = |p: &str| -> Result<u32, String> {
        let p = p.trim_start_matches('第');
        if p.is_empty() || p.len() > 2 || !p.chars().all(|c| c.is_ascii_digit()) {
            return Err(fail());
        }
        p.parse().map_err(|_| fail())
    };
    // `202301`: year and month run together.
    if t.len() == 6 && t.chars().all(|c| c.is_ascii_digit()) {
        let y: i32 = t[..4].parse().map_err(|_| fail())?;
        if (1990..=2100).contains(&y) {
            return Ok(Some(Period {
                year: Some(y),
                period: num(&t[4..])?,
                maybe_tenth: false,
            }));
        }
    }
    let parts: Vec<&str> = t.split(['.', '-', '/', '年']).collect();
    match parts.as_slice() {
        [p] => Ok(Some(Period {
            year: None,
            period: num(p)?,
            maybe_tenth: false,
        })),
        [y, p] if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => Ok(Some(Period {
            year: Some(y.parse().map_err(|_| fail())?),
            period: num(p)?,
            maybe_tenth: false,
        })),
        _ => Err(fail()),
    }
}

/// Excel 1900 date serial → date (serial 60 is Excel's phantom 1900-02-29).
pub fn serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 61 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// A date cell: Excel date or serial, `2023-01-05`, `2023/1/5`, `2023.1.5`, `2023年1月5日`,
/// `20230105` (text or number). `Ok(None)` for an empty cell.
pub fn date(c: &Data) -> Result<Option<NaiveDate>, String> {
    match c {
        Data::Empty => Ok(None),
        Data::DateTime(d) => serial_to_date(d.as_f64())
            .map(Some)
            .ok_or_else(|| format!("日期超出范围：{}", d.as_f64())),
        Data::Int(i) => int_date(*i),
        Data::Float(f) if !f.is_finite() => Err("日期单元格不是有效数字".into()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e12 => int_date(*f as i64),
        Data::Float(f) => serial_to_date(*f)
            .map(Some)
            .ok_or_else(|| format!("日期超出范围：{f}")),
        Data::String(s) | Data::DateTimeIso(s) => parse_date_text(s),
        _ => Err(format!("不是日期：“{}”", text(c))),
    }
}

fn int_date(i: i64) -> Result<Option<NaiveDate>, String> {
    if (19_000_101..=21_001_231).contains(&i) {
        let (y, m, d) = (i / 10_000, (i / 100) % 100, i % 100);
        return ymd(y, m, d, &i.to_string()).map(Some);
    }
    serial_to_date(i as f64).map(Some).ok_or_else(|| {
        format!("数字 {i} 不是日期：既不是 20230105 式的年月日，也不在 Excel 日期序号范围内")
    })
}

fn ymd(y: i64, m: i64, d: i64, raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
        .ok_or_else(|| format!("日期不存在：“{}”", excerpt(raw)))
}

/// At most 24 characters of a cell's text, for a rejection reason.
fn excerpt(raw: &str) -> String {
    let t = raw.trim();
    let mut out: String = t.chars().take(24).collect();
    if t.chars().count() > 24 {
        out.push('…');
    }
    out
}

/// A number cell in a date column that is neither date-formatted nor a `20230105` number:
/// read as an Excel date serial (`44931` = 2023-01-05), which the load report notes.
pub fn is_bare_serial(c: &Data) -> bool {
    let yyyymmdd = |i: i64| (19_000_101..=21_001_231).contains(&i);
    match c {
        Data::Int(i) => !yyyymmdd(*i),
        Data::Float(f) => !(f.fract() == 0.0 && yyyymmdd(*f as i64)),
        _ => false,
    }
}

pub fn parse_date_text(raw: &str) -> Result<Option<NaiveDate>, String> {
    if let Some(d) = plain_date_text(raw) {
        return d.map(Some);
    }
    let s: String = raw.trim().chars().map(money::fullwidth_to_ascii).collect();
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // Drop a time part: `2023-01-05 00:00:00`, `2023-01-05T00:00:00`.
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        let i: i64 = s
            .parse()
            .map_err(|_| format!("不是日期：“{}”", excerpt(raw)))?;
        let (y, m, d) = (i / 10_000, (i / 100) % 100, i % 100);
        return ymd(y, m, d, raw).map(Some);
    }
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
        let n: Vec<i64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        if n.len() == 3 && parts[0].len() == 4 {
            return ymd(n[0], n[1], n[2], raw).map(Some);
        }
    }
    if s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        // Text has no date serials: `45000` in a CSV is a number, not 2023-03-15.
        return Err(format!(
            "“{}”是数字而不是日期（文本中的数字不按 Excel 日期序号解读；日期应写作 2023-01-05 或 20230105）",
            excerpt(raw)
        ));
    }
    Err(format!("不是可识别的日期：“{}”", excerpt(raw)))
}

/// The commonest date spellings — ASCII `2023-01-05`, `2023/1/5`, `2023.1.5` (one separator
/// kind, 1–2 digit month and day) and `20230105` — read as [`parse_date_text`] reads them,
/// without its allocations; `None` for any other text (left to the general reading).
fn plain_date_text(raw: &str) -> Option<Result<NaiveDate, String>> {
    let t = raw.trim().as_bytes();
    let num = |d: &[u8]| d.iter().fold(0i64, |a, &b| a * 10 + i64::from(b - b'0'));
    if t.len() == 8 && t.iter().all(u8::is_ascii_digit) {
        let i = num(t);
        return Some(ymd(i / 10_000, (i / 100) % 100, i % 100, raw));
    }
    if t.len() < 8 || t.len() > 10 || !t[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sep = t[4];
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let rest = &t[5..];
    let p = rest.iter().position(|&b| b == sep)?;
    let (m, d) = (&rest[..p], &rest[p + 1..]);
    let part = |x: &[u8]| (1..=2).contains(&x.len()) && x.iter().all(u8::is_ascii_digit);
    if !part(m) || !part(d) {
        return None;
    }
    Some(ymd(num(&t[..4]), num(m), num(d), raw))
}

/// A date written without its year: `01-05`, `1-5`, `01/05`, `1月5日`, `1月5号` (full-width
/// digits too) → (month, day). Anything else — a year-month (`2023-01`), a month alone
/// (`1月`), three parts, a voucher number (`记-5`), a code (`5001-01`), a month above 12 or a
/// day above 31 — is `None`: no date. Whether the day exists is for the caller, once it has
/// the year.
pub fn month_day(raw: &str) -> Option<(u32, u32)> {
    let s: String = raw.trim().chars().map(money::fullwidth_to_ascii).collect();
    let s = s.trim();
    let (m, d) = if let Some((m, rest)) = s.split_once('月') {
        let d = rest
            .strip_suffix('日')
            .or_else(|| rest.strip_suffix('号'))
            .unwrap_or(rest);
        (m, d)
    } else {
        let mut parts = s.split(['-', '/']);
        let (m, d) = (parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (m, d)
    };
    let small = |p: &str| {
        let p = p.trim();
        (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit())
    };
    if !small(m) || !small(d) {
        return None;
    }
    let (m, d): (u32, u32) = (m.trim().parse().ok()?, d.trim().parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d))
}

/// Split `[230701]其他应付款-暂收款`, `230701 其他应付款`, `30201办公费` into code and name.
/// A cell holding only digits is a code; one holding no leading digits is a name.
pub fn split_code_name(raw: &str) -> (String, String) {
    let t = raw.trim();
    // Mapped to ASCII only when a character changes (no copy of the text otherwise).
    let s: Cow<'_, str> = if t.chars().all(|c| money::fullwidth_to_ascii(c) == c) {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.chars().map(money::fullwidth_to_ascii).collect())
    };
    let s = s.trim_start_matches(['[', '【', '(']);
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '-'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let code = s[..end].trim_end_matches(['.', '-']).to_string();
    if code.is_empty() || !code.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return (String::new(), raw.trim().to_string());
    }
    let name = s[end..]
        .trim_start_matches([']', '】', ')', ' ', '-', '_', ':'])
        .trim()
        .to_string();
    (code, name)
}

/// Split `业务活动费用(5001)`, `办公费（500101）`, `银行存款[1002]` — a name with its code in
/// brackets after it — into code and name. `None` unless the bracket closes the cell, holds
/// only digits (dots allowed between them, at least three digits) and a name stands before it.
pub fn trailing_code(raw: &str) -> Option<(String, String)> {
    let s: String = raw.trim().chars().map(money::fullwidth_to_ascii).collect();
    let s = s.trim_end();
    let close = s.chars().last()?;
    let open = match close {
        ')' => '(',
        ']' => '[',
        '】' => '【',
        _ => return None,
    };
    let at = s.rfind(open)?;
    let inner = s[at + open.len_utf8()..s.len() - close.len_utf8()].trim();
    let digits = inner.chars().filter(|c| c.is_ascii_digit()).count();
    let shaped = inner.starts_with(|c: char| c.is_ascii_digit())
        && inner.ends_with(|c: char| c.is_ascii_digit())
        && inner.chars().all(|c| c.is_ascii_digit() || c == '.');
    let name = s[..at].trim().trim_end_matches(['-', '_', ':']).trim();
    (shaped && digits >= 3 && !name.is_empty()).then(|| (inner.to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn reads_date_spellings() {
        for raw in [
            "2023-01-05",
            "2023/1/5",
            "2023年1月5日",
            "20230105",
            "2023.01.05",
            "2023-01-05 00:00:00",
        ] {
            assert_eq!(parse_date_text(raw).unwrap(), d(2023, 1, 5), "{raw}");
        }
        assert_eq!(date(&Data::Float(44931.0)).unwrap(), d(2023, 1, 5));
        assert_eq!(date(&Data::Int(20230105)).unwrap(), d(2023, 1, 5));
        assert!(parse_date_text("2023-13-40").is_err());
        assert!(parse_date_text("昨天").is_err());
        assert_eq!(serial_to_date(1.0), d(1900, 1, 1));
        assert_eq!(serial_to_date(61.0), d(1900, 3, 1));
    }

    /// The allocation-free readings give what the general ones give, value and error alike.
    #[test]
    fn plain_spellings_read_as_the_general_reading() {
        let slow_date = |raw: &str| {
            // The general reading, past the plain one.
            let s: String = raw.trim().chars().map(money::fullwidth_to_ascii).collect();
            let s = s.trim().split([' ', 'T']).next().unwrap_or("").to_string();
            if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
                let i: i64 = s.parse().unwrap();
                return ymd(i / 10_000, (i / 100) % 100, i % 100, raw).map(Some);
            }
            let parts: Vec<&str> = s
                .split(['-', '/', '.', '年', '月', '日'])
                .filter(|p| !p.is_empty())
                .collect();
            let n: Vec<i64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
            ymd(n[0], n[1], n[2], raw).map(Some)
        };
        for raw in [
            "2023-01-05",
            "2023/1/5",
            "2023.1.5",
            " 2023/12/31 ",
            "2023-02-30",
            "2023/13/1",
            "2023-1-05",
            "20230105",
            "20231301",
            "00000000",
            "2024/2/29",
            "2023/2/29",
        ] {
            assert!(plain_date_text(raw).is_some(), "{raw}");
            assert_eq!(parse_date_text(raw), slow_date(raw), "{raw}");
        }
        for raw in [
            "2023-1/5",
            "2023-01-05 00:00:00",
            "2023年1月5日",
            "２０２３-01-05",
            "2023-001-05",
            "2023--1-5",
            "2023-01",
            "223-01-05",
            "2023-01-05x",
            "",
            "45000",
        ] {
            assert!(plain_date_text(raw).is_none(), "{raw}");
        }
        for raw in [
            "375.19",
            "1,234.56",
            "-12,345,678.9",
            "999,999,999,999,999.99",
            "1,000",
            "0",
            "-0",
            "-0.00",
            "007.5",
            " 12.3 ",
            "-1234567.89",
            "999999999999999.99",
            "999999999999999",
            "1.5",
            "100",
        ] {
            let cents = plain_amount_text(raw).unwrap();
            let fast = plain_amount(cents).ok_or(());
            let general = money::parse_amount(raw);
            assert_eq!(fast, general.clone().map_err(|_| ()), "{raw}");
            assert_eq!(
                money::amount_from_decimal(rust_decimal::Decimal::new(cents, 2)),
                general,
                "{raw}"
            );
            assert_eq!(amount(&Data::String(raw.into())), money::parse_amount(raw));
        }
        for raw in [
            "1,23.56",
            "1234,567",
            ",123",
            "1,,234",
            "1,234,",
            "1,2345",
            "1,000,000,000,000,000",
            "1,23a",
            "1.",
            ".5",
            "1.234",
            "+1",
            "--1",
            "(1)",
            "¥1",
            "1元",
            "-",
            "",
            "1 2",
            "1e5",
            "1234567890123456",
            "１２",
            "1.2.3",
        ] {
            assert!(plain_amount_text(raw).is_none(), "{raw}");
            assert_eq!(amount(&Data::String(raw.into())), money::parse_amount(raw));
        }
        for v in [
            0.0,
            -0.0,
            375.19,
            0.1,
            0.3,
            1.005,
            123.45,
            -99.99,
            1e11 + 0.07,
            2.675,
            0.29,
            4.35,
            999999999999.99,
            1e12,
            1e15,
            1.0 / 3.0,
            1e-9,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert_eq!(amount(&Data::Float(v)), money::amount_from_f64(v), "{v}");
        }
        for i in [
            0,
            -5,
            375,
            999_999_999_999_999,
            -999_999_999_999_999,
            1_000_000_000_000_000,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(
                amount(&Data::Int(i)),
                money::amount_from_decimal(i.into()),
                "{i}"
            );
        }
    }

    #[test]
    fn dates_without_a_year_and_their_look_alikes() {
        for raw in [
            "01-05",
            "1-5",
            "01/05",
            "1/5",
            "1月5日",
            "01月05日",
            "1月5号",
            "１月５日",
            " 1-5 ",
        ] {
            assert_eq!(month_day(raw), Some((1, 5)), "{raw}");
        }
        assert_eq!(month_day("12-31"), Some((12, 31)));
        assert_eq!(month_day("2-30"), Some((2, 30))); // checked against the year by the caller
        for raw in [
            "2023-01",
            "2023-01-05",
            "1月",
            "13-05",
            "12-32",
            "0-5",
            "5-0",
            "记-5",
            "5001-01",
            "1-5-2",
            "123-4",
            "1.5",
            "01.05",
            "1/2/3",
            "",
            "-",
            "1-",
            "第1期",
            "1月5日下午",
            "a-5",
            "1-5号",
        ] {
            assert_eq!(month_day(raw), None, "{raw}");
        }
        // A date with its year is still read as one, never as a month and a day.
        assert!(parse_date_text("01-05").is_err());
    }

    #[test]
    fn numbers_that_are_no_date_are_refused_and_serials_are_told_apart() {
        for bad in [99999999.0, 1e300, -5.0, f64::NAN, f64::INFINITY] {
            assert!(date(&Data::Float(bad)).is_err(), "{bad}");
        }
        assert!(date(&Data::Int(99_999_999)).is_err());
        assert!(is_bare_serial(&Data::Float(44931.0)));
        assert!(is_bare_serial(&Data::Int(44931)));
        assert!(!is_bare_serial(&Data::Float(20230105.0)));
        assert!(!is_bare_serial(&Data::String("44931".into())));
        let e = parse_date_text("45000").unwrap_err();
        assert!(e.contains("不是日期"), "{e}");
        let long = "x".repeat(10_000);
        assert!(parse_date_text(&long).unwrap_err().chars().count() < 60);
    }

    #[test]
    fn reads_period_spellings() {
        let p = |c: Data| period(&c).unwrap().map(|p| (p.year, p.period));
        for raw in [
            "1", "01", "1期", "第1期", "2023.1", "2023.01", "2023-01", "2023/1",
        ] {
            let want = if raw.starts_with("2023") {
                Some(2023)
            } else {
                None
            };
            assert_eq!(p(Data::String(raw.into())), Some((want, 1)), "{raw}");
        }
        for raw in [
            "2023年1期",
            "2023年第1期",
            "2023年1月",
            "202301",
            "2023年01期",
        ] {
            assert_eq!(p(Data::String(raw.into())), Some((Some(2023), 1)), "{raw}");
        }
        assert_eq!(p(Data::String("2023.12".into())), Some((Some(2023), 12)));
        assert_eq!(p(Data::Int(7)), Some((None, 7)));
        assert_eq!(p(Data::Float(2023.1)), Some((Some(2023), 1)));
        assert!(period(&Data::Float(2023.1)).unwrap().unwrap().maybe_tenth);
        assert!(
            !period(&Data::String("2023.1".into()))
                .unwrap()
                .unwrap()
                .maybe_tenth
        );
        assert_eq!(p(Data::Empty), None);
        for bad in ["一月", "2023.1.5", "x", "123", "23.1"] {
            assert!(period(&Data::String(bad.into())).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_never_become_floats() {
        assert_eq!(code(&Data::Float(230701.0)).unwrap(), "230701");
        assert_eq!(code(&Data::Int(1001)).unwrap(), "1001");
        assert_eq!(code(&Data::String(" 0012 ".into())).unwrap(), "0012");
        assert_eq!(code(&Data::String("5001 01".into())).unwrap(), "500101");
        assert_eq!(
            code(&Data::String("5001\u{3000}01".into())).unwrap(),
            "500101"
        );
        assert_eq!(code(&Data::String("500101".into())).unwrap(), "500101");
        assert_eq!(code(&Data::Int(-5)).unwrap(), "-5");
    }

    #[test]
    fn splits_code_and_name() {
        let cases = [
            ("[230701]其他应付款-暂收款", ("230701", "其他应付款-暂收款")),
            ("【230701】其他应付款", ("230701", "其他应付款")),
            ("30201 办公费", ("30201", "办公费")),
            ("30201办公费", ("30201", "办公费")),
            ("2307.01 暂收款", ("2307.01", "暂收款")),
            ("办公费", ("", "办公费")),
            ("1001", ("1001", "")),
            ("［１００２］银行存款", ("", "［１００２］银行存款")),
            ("１００２ 银行存款", ("1002", "银行存款")),
            ("（30201）办公费－其他", ("30201", "办公费-其他")),
            ("30201　办公费", ("30201", "办公费")),
        ];
        for (raw, (c, n)) in cases {
            assert_eq!(
                split_code_name(raw),
                (c.to_string(), n.to_string()),
                "{raw}"
            );
        }
    }
}
