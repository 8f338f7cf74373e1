//! Header diagnosis: which fields a ledger header lacks, named in Chinese, and for each header
//! the profiles do not know, the missing field it most resembles (shared characters against
//! every alias the profiles know for that field), for the "nothing loaded" and "no header"
//! errors and for rejections on a column the header lacks.

use super::header::norm;
use super::profile::Profile;
use std::collections::{BTreeMap, BTreeSet};

/// The Chinese name of a canonical field, as messages show it (never the internal name).
pub fn field_label(field: &str) -> &'static str {
    match field {
        "entity" => "核算单位",
        "book" => "账套",
        "accounting_system" => "会计制度",
        "year" => "年度",
        "month" => "月",
        "day" => "日",
        "period" => "会计期间",
        "date" => "日期",
        "voucher" => "凭证号",
        "voucher_kind" => "凭证字",
        "voucher_number" => "凭证序号",
        "line_no" => "分录号",
        "summary" => "摘要",
        "account_code" => "科目编码",
        "account_name" => "科目名称",
        "account" => "科目",
        "debit" => "借方",
        "credit" => "贷方",
        "direction" => "方向",
        "amount" => "金额",
        "aux" => "辅助核算",
        "department" => "部门",
        "project" => "项目",
        "counterparty" => "往来单位",
        "econ" | "econ_code" | "econ_name" => "经济分类",
        "func" | "func_code" | "func_name" => "功能分类",
        "fund_source" => "资金性质",
        "settlement" => "结算方式",
        "payee_account" => "收款账号",
        "linked_voucher" => "关联凭证号",
        "preparer" => "制单人",
        "reviewer" => "审核人",
        "poster" => "记账人",
        "attachments" => "附单据数",
        "status" => "凭证状态",
        "balance" => "余额",
        "asset_code" => "资产编号",
        "asset_name" => "资产名称",
        "category" | "category_code" | "category_name" => "资产类别",
        "acquired" => "取得日期",
        "original" => "原值",
        "accumulated" => "累计折旧",
        "net" => "净值",
        "user" => "使用人",
        "location" => "存放地点",
        "life" => "使用年限",
        "quantity" => "数量",
        "opening" | "opening_debit" | "opening_credit" => "期初余额",
        "opening_direction" => "期初方向",
        "closing" | "closing_debit" | "closing_credit" => "期末余额",
        "closing_direction" => "期末方向",
        _ => "未知字段",
    }
}

/// Required fields of each kind of table, each as the alternatives that satisfy it.
type Required = &'static [(&'static str, &'static [&'static [&'static str]])];

/// What a header of `kind` (a profile's `kind`) must hold.
fn required(kind: &str) -> Required {
    match kind {
        "assets" => ASSETS_REQUIRED,
        "balances" => BALANCES_REQUIRED,
        _ => REQUIRED,
    }
}

const ASSETS_REQUIRED: Required = &[("资产编号", &[&["asset_code"]]), ("原值", &[&["original"]])];

const BALANCES_REQUIRED: Required = &[
    ("科目编码", &[&["account_code"], &["account"]]),
    (
        "科目名称或期初余额",
        &[
            &["account_name"],
            &["opening"],
            &["opening_debit", "opening_credit"],
        ],
    ),
];

/// A ledger's required fields, each as the alternatives that satisfy it.
const REQUIRED: Required = &[
    ("凭证号", &[&["voucher"], &["voucher_number"]]),
    ("日期", &[&["date"], &["month", "day"]]),
    (
        "科目",
        &[&["account_code"], &["account"], &["account_name"]],
    ),
    ("借方", &[&["debit"], &["direction", "amount"]]),
    ("贷方", &[&["credit"], &["direction", "amount"]]),
];

/// Similarity of two header texts: shared characters over their lengths (Dice), 0–1.
pub fn similarity(a: &str, b: &str) -> f64 {
    let ca: Vec<char> = a.chars().collect();
    let mut cb: Vec<char> = b.chars().collect();
    let (la, lb) = (ca.len(), cb.len());
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let mut shared = 0;
    for c in ca {
        if let Some(i) = cb.iter().position(|&x| x == c) {
            cb.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / (la + lb) as f64
}

/// How close a header must be to an alias to be suggested.
pub const SUGGEST: f64 = 0.6;

/// What a header's names lack, and what the unknown names may be.
pub struct Diagnosis {
    /// Required fields the header lacks, in Chinese (凭证号, 日期 …).
    pub missing: Vec<String>,
    /// Every non-empty header text found.
    pub found: Vec<String>,
    /// Headers no profile knows (column index, text), each with the missing field it most
    /// resembles.
    pub unknown: Vec<(usize, String, Option<String>)>,
}

impl Diagnosis {
    /// `names`: the header texts (normalised); `profiles`: every profile that could map them
    /// (all of one kind: a ledger's, a register's or a balance table's required fields).
    pub fn of(names: &[String], profiles: &[&Profile]) -> Diagnosis {
        let mut alias: BTreeMap<String, String> = BTreeMap::new();
        for p in profiles {
            for (field, ns) in &p.columns {
                for n in ns {
                    alias.entry(norm(n)).or_insert_with(|| field.clone());
                }
            }
        }
        let kind = profiles
            .first()
            .map(|p| p.kind.as_str())
            .unwrap_or("ledger");
        Self::against(names, &alias, required(kind))
    }

    /// [`Diagnosis::of`] for any table: `alias` maps each known (normalised) header to its
    /// field, `required` lists what the header must hold (Chinese label, alternatives).
    pub fn against(
        names: &[String],
        alias: &BTreeMap<String, String>,
        required: &[(&str, &[&[&str]])],
    ) -> Diagnosis {
        let found: Vec<String> = names.iter().filter(|n| !n.is_empty()).cloned().collect();
        let mapped: BTreeSet<&str> = found
            .iter()
            .filter_map(|n| alias.get(n).map(String::as_str))
            .collect();
        let missing: Vec<(&str, &[&[&str]])> = required
            .iter()
            .filter(|(_, alts)| !alts.iter().any(|a| a.iter().all(|f| mapped.contains(f))))
            .map(|&(l, a)| (l, a))
            .collect();
        let unknown = names
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty() && !alias.contains_key(*n))
            .map(|(c, n)| {
                let mut best: Option<(f64, &str)> = None;
                for (label, alts) in &missing {
                    for f in alts.iter().flat_map(|a| a.iter()) {
                        for (a, af) in alias {
                            if af != f {
                                continue;
                            }
                            let s = similarity(n, a);
                            if s >= SUGGEST && best.is_none_or(|b| s > b.0) {
                                best = Some((s, label));
                            }
                        }
                    }
                }
                (c, n.clone(), best.map(|b| b.1.to_string()))
            })
            .collect();
        Diagnosis {
            missing: missing.iter().map(|m| m.0.to_string()).collect(),
            found,
            unknown,
        }
    }

    /// `缺少 凭证号；找到的列：日期、凭证号数 …；未识别的列：凭证号数（可能是 凭证号）`.
    pub fn message(&self) -> String {
        let mut s = String::new();
        if !self.missing.is_empty() {
            s.push_str(&format!("表头缺少 {}；", self.missing.join("、")));
        }
        s.push_str(&format!(
            "找到的列：{}",
            if self.found.is_empty() {
                "（无内容）".to_string()
            } else {
                names_listed(&self.found)
            }
        ));
        if !self.unknown.is_empty() {
            let u: Vec<String> = self
                .unknown
                .iter()
                .map(|(_, n, g)| match g {
                    Some(g) => format!("{n}（可能是 {g}）"),
                    None => n.clone(),
                })
                .collect();
            s.push_str(&format!("；未识别的列：{}", names_listed(&u)));
        }
        s
    }
}

/// Header names as a message lists them: `日期、凭证号数`, past
/// [`crate::load::report::ColumnMap::LISTED`] names counted, not listed (a row of 60,000
/// cells makes no message of a megabyte).
pub fn names_listed(names: &[String]) -> String {
    let n = crate::load::report::ColumnMap::LISTED;
    let mut s = names
        .iter()
        .take(n)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("、");
    if names.len() > n {
        s.push_str(&format!(" 等 {} 列", names.len()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_of_header_wordings() {
        assert!(similarity("凭证号数", "凭证号") >= SUGGEST);
        assert!(similarity("记账凭证号", "凭证号") >= SUGGEST);
        assert!(similarity("借方本期发生额", "借方发生额") >= SUGGEST);
        assert!(similarity("票据号", "凭证号") < SUGGEST);
        assert!(similarity("凭证张数", "凭证号") < SUGGEST);
        assert!(similarity("备注", "摘要") < SUGGEST);
        assert_eq!(similarity("", "凭证号"), 0.0);
    }
}
