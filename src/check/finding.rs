//! What a rule reports (`Draft`) and what the findings document carries (`Finding`): the
//! rule's draft completed with the rule's category, citations in force, 核实要点 and
//! recommendation, a stable id and the status 待核实.

use super::book::{Book, Voucher};
use super::citations::Citation;
use crate::model::money::Fen;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// Status of a finding: the tool only ever says 待核实; the auditor sets 确认 / 排除.
pub const PENDING: &str = "待核实";

/// A rule's report of one 疑点, before the framework completes it.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub entity: Option<String>,
    pub voucher: Option<String>,
    pub asset: Option<String>,
    /// Distinguishes two findings of one rule on the same voucher (e.g. `vehicle`, `6-13`).
    pub part: Option<String>,
    pub date: Option<NaiveDate>,
    pub amount: Option<Fen>,
    pub summary: String,
    pub explanation: String,
    /// Extra 核实要点 for this finding, before the rule's general ones.
    pub verify: Option<String>,
    /// Rows of the book (journal lines) that show the pattern.
    pub rows: Vec<usize>,
    /// Register rows, for asset findings: (file, sheet, row).
    pub register_rows: Vec<Evidence>,
    /// 提示 (a list for the inspection), not a breach.
    pub informational: bool,
}

impl Draft {
    /// A draft about a voucher: entity, number, date and the first non-empty 摘要 filled in.
    pub fn for_voucher(book: &Book, v: &Voucher) -> Draft {
        let summary = v
            .rows
            .iter()
            .map(|&i| book.summary(i))
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_string();
        Draft {
            entity: Some(v.entity.clone()),
            voucher: Some(v.label()),
            date: book.voucher_date(v),
            summary,
            verify: (!v.linked.is_empty()).then(|| {
                format!(
                    "本凭证与 {} 由关联凭证号连为同一业务（财务会计与预算会计分别成证），证据含两者的分录。",
                    v.linked.join("、")
                )
            }),
            ..Default::default()
        }
    }
}

/// One journal line (or register row) shown as evidence.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_no: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub summary: String,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub debit: Option<Decimal>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub credit: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub econ: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement: Option<String>,
    /// `file.xlsx:sheet:row`
    pub source: String,
}

impl Evidence {
    pub fn line(book: &Book, i: usize) -> Evidence {
        let nz = |f: Fen| (!f.is_zero()).then(|| f.to_yuan());
        Evidence {
            line_no: book.line_no.get(i),
            date: book.date(i).map(|d| d.to_string()),
            basis: book.basis.get(i).map(str::to_string),
            account: Some(format!("{} {}", book.code(i), book.name(i))),
            summary: book.summary(i).to_string(),
            debit: nz(book.debit(i)),
            credit: nz(book.credit(i)),
            econ: book.econ(i).map(|c| match book.econ_name.get(i) {
                Some(n) if !n.is_empty() => format!("{c} {n}"),
                _ => c.to_string(),
            }),
            counterparty: book.counterparty(i).map(str::to_string),
            settlement: book.settlement(i).map(str::to_string),
            source: book.source(i),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable: `rule/entity/voucher[/part]`, the same for the same finding across runs and
    /// versions, so an auditor's judgement can follow it.
    pub id: String,
    pub rule: String,
    pub title: String,
    pub category: String,
    /// 疑点 (to verify) or 提示 (informational: a list for the inspection, not a breach).
    pub kind: String,
    pub entity: Option<String>,
    pub voucher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    pub date: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
    pub summary: String,
    pub status: String,
    pub explanation: String,
    pub verify: String,
    pub evidence: Vec<Evidence>,
    pub citations: Vec<Citation>,
    pub recommendation: String,
}

/// A rule that could not run, or ran on part of what it needs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScopeLimit {
    pub rule: String,
    /// 未检查 (not run) or 部分检查 (run on the ledger alone).
    pub extent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The missing input, in the users' words (缺少公务接待台账).
    pub reason: String,
}

pub fn not_checked(reason: impl Into<String>) -> ScopeLimit {
    ScopeLimit {
        rule: String::new(),
        extent: "未检查".into(),
        entity: None,
        reason: reason.into(),
    }
}

pub fn partly_checked(reason: impl Into<String>) -> ScopeLimit {
    ScopeLimit {
        rule: String::new(),
        extent: "部分检查".into(),
        entity: None,
        reason: reason.into(),
    }
}

/// Build the stable id from its parts; separators inside parts are replaced so ids split cleanly.
pub fn stable_id(rule: &str, d: &Draft) -> String {
    let clean = |s: &str| s.replace('/', "／");
    let mut parts = vec![rule.to_string()];
    if let Some(e) = &d.entity {
        parts.push(clean(e));
    }
    if let Some(v) = &d.voucher {
        parts.push(clean(v));
    }
    if let Some(a) = &d.asset {
        parts.push(clean(a));
    }
    if let Some(p) = &d.part {
        parts.push(clean(p));
    }
    parts.join("/")
}
