//! Personal data in the report: names of private persons (张*明) and bank or card numbers
//! (****1234). The names are those the findings' evidence gives as a counterparty that reads
//! as a person (a short Chinese name with none of data/report.toml's organisation words); the
//! numbers are runs of at least `min_digits` digits. The workbook keeps both in full.

use crate::model::findings::Finding;
use std::collections::BTreeSet;

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskRules {
    /// Words that make a counterparty an organisation (公司, 局, 中心 …).
    pub org_words: Vec<String>,
    pub min_digits: usize,
    pub name_chars: [usize; 2],
}

impl MaskRules {
    pub fn is_person(&self, name: &str) -> bool {
        let n = name.chars().count();
        n >= self.name_chars[0]
            && n <= self.name_chars[1]
            && name
                .chars()
                .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·')
            && !self.org_words.iter().any(|w| name.contains(w.as_str()))
    }

    /// The private persons named in the findings' evidence.
    pub fn persons(&self, findings: &[&Finding]) -> BTreeSet<String> {
        findings
            .iter()
            .flat_map(|f| f.evidence.iter())
            .filter_map(|e| e.counterparty.as_deref())
            .map(str::trim)
            .filter(|n| self.is_person(n))
            .map(str::to_string)
            .collect()
    }
}

/// 张*明, 王* (first and last character kept; a two-character name keeps the first). The
/// stars are written escaped (`\\*`) for the report's markup, which prints them as stars.
pub fn mask_name(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    match c.len() {
        0 | 1 => name.to_string(),
        2 => format!("{}\\*", c[0]),
        n => format!("{}{}{}", c[0], "\\*".repeat(n - 2), c[n - 1]),
    }
}

const STARS: &str = "\\*\\*\\*\\*";

/// Mask every digit run of `min_digits` or more (spaces inside a run are part of it, as card
/// numbers are printed in groups of four): `****` (escaped for the markup) and the last four
/// digits.
pub fn mask_numbers(text: &str, min_digits: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            let mut digits = String::new();
            let mut end = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == ' ') {
                if chars[j].is_ascii_digit() {
                    digits.push(chars[j]);
                    end = j + 1;
                }
                j += 1;
            }
            let next_ok = end >= chars.len() || !chars[end].is_ascii_alphanumeric();
            if digits.len() >= min_digits && next_ok {
                out.push_str(STARS);
                out.push_str(&digits[digits.len() - 4..]);
                i = end;
                continue;
            }
            for c in &chars[i..end] {
                out.push(*c);
            }
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

pub fn mask(text: &str, persons: &BTreeSet<String>, min_digits: usize) -> String {
    let mut t = mask_numbers(text, min_digits);
    // Longer names first, so 欧阳明 is not half-masked by 欧阳.
    let mut names: Vec<&String> = persons.iter().collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    for n in names {
        t = t.replace(n.as_str(), &mask_name(n));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> MaskRules {
        MaskRules {
            org_words: vec!["公司".into(), "局".into(), "中心".into(), "店".into()],
            min_digits: 12,
            name_chars: [2, 4],
        }
    }

    fn plain(s: String) -> String {
        s.replace("\\*", "*")
    }

    #[test]
    fn persons_and_numbers_are_masked_organisations_and_amounts_are_not() {
        let r = rules();
        assert!(r.is_person("周建国"));
        assert!(r.is_person("王丽"));
        assert!(!r.is_person("寻甸县财政局"));
        assert!(!r.is_person("昆明新华印刷有限公司"));
        assert!(!r.is_person("张"));
        assert_eq!(plain(mask_name("周建国")), "周*国");
        assert_eq!(plain(mask_name("王丽")), "王*");
        assert_eq!(plain(mask_name("欧阳小明")), "欧**明");
        assert_eq!(
            plain(mask_numbers(
                "卡号6222 0212 3456 7890 123，金额1,356.00元，资产TY1997000001",
                12
            )),
            "卡号****0123，金额1,356.00元，资产TY1997000001"
        );
        assert_eq!(
            plain(mask_numbers("账号 6217003760001234567。", 12)),
            "账号 ****4567。"
        );
        assert_eq!(mask_numbers("编号 20230315", 12), "编号 20230315");
        let p: BTreeSet<String> = ["周建国".to_string()].into();
        assert_eq!(plain(mask("付至周建国个人卡", &p, 12)), "付至周*国个人卡");
    }
}
