//! Mapping profiles: which header names mean which canonical field, kept as TOML data.
//! Built-in profiles are embedded at build time; `--profile FILE` adds or replaces one.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Canonical ledger fields a profile may map (see docs/data-model.md).
pub const LEDGER_FIELDS: &[&str] = &[
    "entity",
    "book",
    "accounting_system",
    "year",
    "month",
    "day",
    "period",
    "date",
    "voucher",
    "voucher_kind",
    "voucher_number",
    "line_no",
    "summary",
    "account_code",
    "account_name",
    "account",
    "debit",
    "credit",
    "direction",
    "amount",
    "aux",
    "department",
    "project",
    "counterparty",
    "econ",
    "econ_code",
    "econ_name",
    "func",
    "func_code",
    "func_name",
    "fund_source",
    "settlement",
    "payee_account",
    "linked_voucher",
    "preparer",
    "reviewer",
    "poster",
    "attachments",
    "status",
    "balance",
];

/// Canonical asset-register fields.
pub const ASSET_FIELDS: &[&str] = &[
    "entity",
    "asset_code",
    "asset_name",
    "category",
    "category_code",
    "category_name",
    "acquired",
    "original",
    "accumulated",
    "net",
    "department",
    "user",
    "status",
    "location",
    "life",
    "quantity",
];

const TOTAL_SCOPES: &[&str] = &[
    "voucher",
    "segment",
    "page",
    "month",
    "year_to_date",
    "sheet",
    "carried",
    "opening",
];

/// 科目余额表 / 科目表 fields.
pub const BALANCE_FIELDS: &[&str] = &[
    "entity",
    "year",
    "account_code",
    "account_name",
    "account",
    "opening_debit",
    "opening_credit",
    "opening_direction",
    "opening",
    "debit",
    "credit",
    "closing_debit",
    "closing_credit",
    "closing_direction",
    "closing",
];

const BUILTIN: &[(&str, &str)] = &[
    (
        "generic",
        include_str!("../../../data/profiles/generic.toml"),
    ),
    (
        "yonyou-grp-u8",
        include_str!("../../../data/profiles/yonyou-grp-u8.toml"),
    ),
    (
        "voucher-detail-2row",
        include_str!("../../../data/profiles/voucher-detail-2row.toml"),
    ),
    (
        "yonyou-u8",
        include_str!("../../../data/profiles/yonyou-u8.toml"),
    ),
    (
        "kingdee",
        include_str!("../../../data/profiles/kingdee.toml"),
    ),
    (
        "assets-generic",
        include_str!("../../../data/profiles/assets-generic.toml"),
    ),
    (
        "balances-generic",
        include_str!("../../../data/profiles/balances-generic.toml"),
    ),
];

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub extends: Option<String>,
    /// Header names that make this profile a better fit than the generic one.
    #[serde(default)]
    pub signature: Vec<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub totals: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub title: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub aux_keys: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub status_words: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub status_codes: BTreeMap<String, String>,
    /// 方向 cell words → `debit` / `credit` (方向+金额 layouts).
    #[serde(default)]
    pub direction_words: BTreeMap<String, Vec<String>>,
}

impl Profile {
    fn parse(text: &str, origin: &str) -> Result<Profile> {
        let p: Profile =
            toml::from_str(text).with_context(|| format!("映射方案 {origin} 格式错误"))?;
        let fields = match p.kind.as_str() {
            "ledger" => LEDGER_FIELDS,
            "assets" => ASSET_FIELDS,
            "balances" => BALANCE_FIELDS,
            other => {
                bail!("映射方案 {origin} 的 kind 应为 ledger、assets 或 balances，实为 “{other}”")
            }
        };
        for key in p.columns.keys() {
            if !fields.contains(&key.as_str()) {
                bail!(
                    "映射方案 {origin} 的 [columns] 含未知字段 “{key}”；可用字段：{}",
                    fields.join(", ")
                );
            }
        }
        for key in p.totals.keys() {
            if !TOTAL_SCOPES.contains(&key.as_str()) {
                bail!(
                    "映射方案 {origin} 的 [totals] 含未知范围 “{key}”；可用：{}",
                    TOTAL_SCOPES.join(", ")
                );
            }
        }
        Ok(p)
    }

    /// Fill what this profile leaves out from the profile it extends (per key).
    fn inherit(mut self, base: &Profile) -> Profile {
        fn merge<V: Clone>(own: &mut BTreeMap<String, V>, base: &BTreeMap<String, V>) {
            for (k, v) in base {
                own.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        merge(&mut self.columns, &base.columns);
        merge(&mut self.totals, &base.totals);
        merge(&mut self.title, &base.title);
        merge(&mut self.aux_keys, &base.aux_keys);
        merge(&mut self.status_words, &base.status_words);
        merge(&mut self.status_codes, &base.status_codes);
        merge(&mut self.direction_words, &base.direction_words);
        self
    }

    /// Normalised total/opening word → its scope (`voucher`, `month`, `opening` …).
    pub fn total_keywords(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        for (scope, words) in &self.totals {
            for w in words {
                m.insert(super::header::norm(w), scope.clone());
            }
        }
        m
    }

    /// The total/opening scope a row's text names: the word itself (`本月合计`), or its shape
    /// with a leading year and month written as `{年}` and `{月}` (`2023年1月合计` →
    /// `{年}{月}合计`, `一月合计` → `{月}合计`), as the profile's `[totals]` list them.
    /// Returns the scope and the year and month the text states.
    pub fn total_scope(
        keywords: &BTreeMap<String, String>,
        text: &str,
    ) -> Option<(String, Option<i32>, Option<u32>)> {
        let n = super::header::norm(text);
        let n = n.split(['(', '（']).next().unwrap_or("");
        if n.is_empty() {
            return None;
        }
        if let Some(scope) = keywords.get(n) {
            return Some((scope.clone(), None, None));
        }
        let (shape, year, month) = total_shape(n)?;
        keywords.get(&shape).map(|s| (s.clone(), year, month))
    }

    pub fn words(&self, table: &BTreeMap<String, Vec<String>>, key: &str) -> Vec<String> {
        table.get(key).cloned().unwrap_or_default()
    }
}

/// `2023年1月合计` → (`{年}{月}合计`, 2023, 1); `十二月份合计` → (`{月}合计`, –, 12);
/// `第3期合计` → (`{月}合计`, –, 3); `2023年度合计` → (`{年}度合计`, 2023, –). `None` when the
/// text starts with neither a year nor a month.
pub fn total_shape(n: &str) -> Option<(String, Option<i32>, Option<u32>)> {
    let chars: Vec<char> = n.chars().collect();
    let mut i = 0;
    let mut shape = String::new();
    let digits = |from: usize, max: usize| -> usize {
        chars[from..]
            .iter()
            .take(max + 1)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut year = None;
    if digits(0, 4) == 4 && chars.get(4) == Some(&'年') {
        year = chars[..4].iter().collect::<String>().parse::<i32>().ok();
        shape.push_str("{年}");
        i = 5;
    }
    let mut month = None;
    let mut j = i;
    if chars.get(j) == Some(&'第') {
        j += 1;
    }
    let nd = digits(j, 2);
    let (value, len) = if (1..=2).contains(&nd) {
        let v: u32 = chars[j..j + nd].iter().collect::<String>().parse().ok()?;
        (Some(v), nd)
    } else {
        let cn = |c: char| "一二三四五六七八九十".find(c).map(|b| b as u32 / 3 + 1);
        let run: Vec<u32> = chars[j..].iter().take(3).map_while(|&c| cn(c)).collect();
        let v = match run.as_slice() {
            [a] => Some(*a),
            [10, b, ..] if *b < 10 => Some(10 + b),
            _ => None,
        };
        (v, if v.is_some_and(|v| v > 10) { 2 } else { 1 })
    };
    if let Some(v) = value {
        let k = j + len;
        let unit = if chars.get(k..k + 2) == Some(&['月', '份'][..]) {
            2
        } else if matches!(chars.get(k), Some('月') | Some('期')) {
            1
        } else {
            0
        };
        if unit > 0 && (1..=16).contains(&v) {
            month = Some(v);
            shape.push_str("{月}");
            i = k + unit;
        }
    }
    if year.is_none() && month.is_none() {
        return None;
    }
    shape.extend(&chars[i..]);
    Some((shape, year, month))
}

/// The profiles in force: built-ins, then user files (a user file with a built-in id
/// replaces it).
#[derive(Debug, Clone)]
pub struct Profiles {
    pub all: Vec<Profile>,
}

impl Profiles {
    pub fn load(user_files: &[&Path]) -> Result<Profiles> {
        let mut raw: Vec<Profile> = Vec::new();
        for (id, text) in BUILTIN {
            raw.push(Profile::parse(text, &format!("内置 {id}"))?);
        }
        for path in user_files {
            let text = crate::model::provenance::read_input_text(path)
                .with_context(|| format!("无法读取映射方案文件 {}", path.display()))?;
            let p = Profile::parse(&text, &path.display().to_string())?;
            raw.retain(|q| q.id != p.id);
            raw.push(p);
        }
        let lookup = raw.clone();
        let mut all = Vec::new();
        for p in raw {
            let resolved = match &p.extends {
                Some(base_id) => {
                    let base = lookup.iter().find(|q| &q.id == base_id).with_context(|| {
                        format!("映射方案 {} 继承的方案 “{base_id}” 不存在", p.id)
                    })?;
                    if base.extends.is_some() {
                        bail!(
                            "映射方案 {} 继承的 {base_id} 本身又继承其他方案，只支持一层",
                            p.id
                        );
                    }
                    p.inherit(base)
                }
                None => p,
            };
            all.push(resolved);
        }
        Ok(Profiles { all })
    }

    pub fn of_kind(&self, kind: &str) -> Vec<&Profile> {
        self.all.iter().filter(|p| p.kind == kind).collect()
    }

    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.all.iter().find(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_field_has_a_slot() {
        for f in LEDGER_FIELDS
            .iter()
            .chain(ASSET_FIELDS)
            .chain(BALANCE_FIELDS)
        {
            assert!(
                crate::load::ledger::header::field_slot(f).is_some(),
                "{f} has no slot"
            );
        }
    }

    use super::*;

    #[test]
    fn builtins_parse_and_inherit() {
        let ps = Profiles::load(&[]).unwrap();
        let u8p = ps.get("yonyou-grp-u8").unwrap();
        assert!(u8p.columns["summary"].contains(&"摘要".to_string()));
        let two = ps.get("voucher-detail-2row").unwrap();
        assert_eq!(two.totals["voucher"][0], "合计");
        assert_eq!(ps.of_kind("assets").len(), 1);
    }

    #[test]
    fn total_shapes() {
        let t = |s: &str| total_shape(s);
        assert_eq!(t("1月合计"), Some(("{月}合计".into(), None, Some(1))));
        assert_eq!(t("12月份合计"), Some(("{月}合计".into(), None, Some(12))));
        assert_eq!(t("一月合计"), Some(("{月}合计".into(), None, Some(1))));
        assert_eq!(t("十二月合计"), Some(("{月}合计".into(), None, Some(12))));
        assert_eq!(t("十月合计"), Some(("{月}合计".into(), None, Some(10))));
        assert_eq!(
            t("2023年1月合计"),
            Some(("{年}{月}合计".into(), Some(2023), Some(1)))
        );
        assert_eq!(t("第3期合计"), Some(("{月}合计".into(), None, Some(3))));
        assert_eq!(
            t("2023年度合计"),
            Some(("{年}度合计".into(), Some(2023), None))
        );
        assert_eq!(t("本月合计"), None);
        assert_eq!(t("13号合计"), None);
        assert_eq!(t("支付1月合计电费"), None);
        assert_eq!(t("一次性支付"), None);
    }

    #[test]
    fn rejects_unknown_fields() {
        let bad = "id='x'\nname='x'\nkind='ledger'\n[columns]\namont=['金额']\n";
        let err = Profile::parse(bad, "x").unwrap_err().to_string();
        assert!(err.contains("amont"), "{err}");
    }
}
