//! Voucher identity: entity + year + period + type + number, shown as `2023-03 记-19`.
//! Two vouchers with the same key from different files, or on different dates, are still two
//! vouchers: the analysis keeps them apart and labels them with what differs (`tags`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VoucherId {
    pub entity: String,
    pub year: i32,
    pub period: u32,
    /// Normalised voucher word: 记, 收, 付, 转 … (`记账` and `记字` become `记`).
    pub kind: String,
    pub number: u32,
}

impl VoucherId {
    pub fn new(entity: &str, year: i32, period: u32, kind: &str, number: u32) -> VoucherId {
        VoucherId {
            entity: entity.to_string(),
            year,
            period,
            kind: kind.to_string(),
            number,
        }
    }

    /// `局机关 2023-03 记-19`: the display with its entity, for reports spanning entities.
    pub fn with_entity(&self) -> String {
        format!("{} {}", self.entity, self)
    }
}

impl fmt::Display for VoucherId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:02} {}-{}",
            self.year, self.period, self.kind, self.number
        )
    }
}

/// What tells apart vouchers that share entity, year, period, word and number (`base`) but
/// are not the same voucher: they come from different files (the same month exported twice,
/// or two entities' files) or carry different dates (one number used twice in a period).
/// For each member: `None` when its base key is unique — the label stays `2023-03 记-19` —
/// else `（file.xlsx）`, `（2023-03-05）` or both, whichever differ within the group.
pub fn tags<K: Ord>(members: &[(K, &str, Option<NaiveDate>)]) -> Vec<Option<String>> {
    // The members in key order (a stable sort: a group's members stay in their order, and
    // members already sorted, as callers mostly pass them, cost one pass), then each group of
    // equal keys at once: no map or list per group on a million vouchers.
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| members[a].0.cmp(&members[b].0));
    let mut out = vec![None; members.len()];
    for idx in order
        .chunk_by(|&a, &b| members[a].0 == members[b].0)
        .filter(|g| g.len() > 1)
    {
        let files: BTreeSet<&str> = idx.iter().map(|&i| members[i].1).collect();
        let dates: BTreeSet<Option<NaiveDate>> = idx.iter().map(|&i| members[i].2).collect();
        for &i in idx {
            let mut parts = Vec::new();
            if files.len() > 1 {
                parts.push(file_name(members[i].1));
            }
            if dates.len() > 1 {
                parts.push(
                    members[i]
                        .2
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                );
            }
            if !parts.is_empty() {
                out[i] = Some(format!("（{}）", parts.join("，")));
            }
        }
    }
    out
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.to_string())
}

/// Voucher words as exports spell them → the short word. Longer spellings first.
const KIND_ALIASES: &[(&str, &str)] = &[
    ("记账凭证", "记"),
    ("收款凭证", "收"),
    ("付款凭证", "付"),
    ("转账凭证", "转"),
    ("记账", "记"),
    ("收款", "收"),
    ("付款", "付"),
    ("转账", "转"),
];

/// Normalise a voucher word: strip `字`, `凭证`, separators; map long forms to the short one.
pub fn normalize_kind(raw: &str) -> String {
    let t: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '_' | '#' | '第' | '号'))
        .collect();
    for (long, short) in KIND_ALIASES {
        if t == *long {
            return (*short).to_string();
        }
    }
    let t = t.trim_end_matches('字');
    let t = t.trim_end_matches("凭证");
    t.to_string()
}

/// Split `记-17`, `记账-17`, `记17`, `记-0017`, `记字第17号`, `17` into (word, number).
/// The word is empty when the cell holds only the number.
pub fn parse_voucher_no(raw: &str) -> Result<(String, u32), String> {
    let s: String = raw
        .trim()
        .chars()
        .map(crate::model::money::fullwidth_to_ascii)
        .collect();
    let s = s.trim_end_matches('号');
    let digits_start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i);
    let Some(start) = digits_start else {
        return Err(format!("凭证号中没有数字：“{raw}”"));
    };
    let number: u32 = s[start..]
        .parse()
        .map_err(|_| format!("凭证号数字过大：“{raw}”"))?;
    let mut kind = normalize_kind(&s[..start]);
    if kind.chars().any(|c| c.is_ascii_digit()) {
        // A year or year-month printed into the number (`2023-记-12`, `记-2023-0012`,
        // `202301记0012`, `2023年01月记-12`): the line's date gives the period, so the prefix is
        // dropped — only beside a voucher word, and only a year (19xx/20xx), a year-month
        // (`202301`) or a month right after a year; `1-12` and `2023-0012` stay unread.
        match without_period(&s[..start]) {
            Some(word) if !word.is_empty() => kind = word,
            _ => return Err(format!("凭证号格式无法识别：“{raw}”")),
        }
    }
    Ok((kind, number))
}

/// The voucher word of a number's prefix once a year / year-month in it is removed; `None`
/// when digits other than those remain.
fn without_period(prefix: &str) -> Option<String> {
    // Runs of digits and of other characters, in order.
    let mut runs: Vec<(bool, String)> = Vec::new();
    for c in prefix.chars() {
        let d = c.is_ascii_digit();
        match runs.last_mut() {
            Some((rd, t)) if *rd == d => t.push(c),
            _ => runs.push((d, c.to_string())),
        }
    }
    let year = |t: &str| t.len() == 4 && t.parse::<u32>().is_ok_and(|y| (1990..=2099).contains(&y));
    let month = |t: &str| t.len() <= 2 && t.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m));
    let mut word = String::new();
    let mut after_year = false;
    for (is_digits, t) in &runs {
        if *is_digits {
            let ok = year(t)
                || (t.len() == 6 && year(&t[..4]) && month(&t[4..]))
                || (after_year && month(t));
            if !ok {
                return None;
            }
            after_year = year(t);
        } else {
            // Separators and 年/月 between a year and a month keep the year's hold.
            let seps = t.chars().all(|c| {
                c.is_whitespace() || matches!(c, '-' | '－' | '_' | '/' | '.' | '年' | '月')
            });
            if seps {
                continue;
            }
            after_year = false;
            // `月记-` after `2023年01`: the unit belongs to the figure just dropped.
            word.push_str(t.trim_start_matches(['年', '月']));
        }
    }
    let word = normalize_kind(&word);
    (!word.chars().any(|c| c.is_ascii_digit())).then_some(word)
}

/// The lines-frame columns that make one voucher: its `VoucherId` (entity, year, period, kind,
/// number) and the file and date that keep two vouchers of one number apart (never merged).
pub const KEY_COLUMNS: [&str; 7] = [
    "entity",
    "year",
    "period",
    "voucher_kind",
    "voucher_number",
    "source_file",
    "date",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_voucher_spellings() {
        for raw in [
            "记-17",
            "记账-17",
            "记17",
            "记-0017",
            "记字第17号",
            " 记 - 17 ",
            "记账凭证-17",
        ] {
            assert_eq!(parse_voucher_no(raw).unwrap(), ("记".into(), 17), "{raw}");
        }
        assert_eq!(parse_voucher_no("17").unwrap(), ("".into(), 17));
        assert_eq!(parse_voucher_no("付-3").unwrap(), ("付".into(), 3));
        assert!(parse_voucher_no("记-").is_err());
        assert!(parse_voucher_no("1-2").is_err());
    }

    #[test]
    fn a_year_or_period_printed_into_the_number_is_dropped_beside_a_voucher_word() {
        for raw in [
            "2023-记-12",
            "记-2023-0012",
            "202301记0012",
            "2023-01-记-0012",
            "2023年01月记-12",
            "2023.1 记字第12号",
            "记账凭证2023-12",
        ] {
            assert_eq!(parse_voucher_no(raw).unwrap(), ("记".into(), 12), "{raw}");
        }
        assert_eq!(parse_voucher_no("2023-付-3").unwrap(), ("付".into(), 3));
        // Look-alikes: no voucher word, or digits that are no year or month after one.
        for raw in [
            "1-12",
            "2023-0012",
            "3-记-12",
            "记-1-2",
            "2023-13-记-1",
            "1899-记-1",
            "记-20231-5",
        ] {
            assert!(parse_voucher_no(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn displays_like_the_report() {
        let v = VoucherId {
            entity: "局机关".into(),
            year: 2023,
            period: 3,
            kind: "记".into(),
            number: 19,
        };
        assert_eq!(v.to_string(), "2023-03 记-19");
        assert_eq!(v.with_entity(), "局机关 2023-03 记-19");
    }

    #[test]
    fn tags_only_what_tells_vouchers_apart() {
        let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day);
        let members = [
            (1, "a/局.xlsx", d(1, 5)),
            (1, "a/局.xlsx", d(1, 20)),
            (2, "a/局.xlsx", d(1, 6)),
            (3, "a/局.xlsx", d(2, 1)),
            (3, "b/中心.xlsx", d(2, 1)),
        ];
        let t = tags(&members);
        assert_eq!(t[0].as_deref(), Some("（2023-01-05）"));
        assert_eq!(t[1].as_deref(), Some("（2023-01-20）"));
        assert_eq!(t[2], None);
        assert_eq!(t[3].as_deref(), Some("（局.xlsx）"));
        assert_eq!(t[4].as_deref(), Some("（中心.xlsx）"));
    }
}
