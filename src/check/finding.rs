//! What a rule reports (`Draft`), before the framework completes it into the findings
//! document's [`crate::model::findings::Finding`] (the rule's category, citations in force,
//! 核实要点 and recommendation, a stable id and the status 待核实); evidence from the book.

use super::book::{Book, Voucher};
use crate::model::findings::{Evidence, Extent, ScopeLimit};
use crate::model::money::Fen;
use chrono::NaiveDate;

/// A rule's report of one 疑点, before the framework completes it.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub entity: Option<String>,
    pub voucher: Option<String>,
    pub asset: Option<String>,
    /// Distinguishes two findings of one rule on the same voucher (e.g. `vehicle`, `6-13`).
    pub part: Option<String>,
    /// Which side of 绩效管理 it concerns (see `Finding::aspect`).
    pub aspect: Option<String>,
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
    /// Citation families this finding rests on besides the rule's own (`citations` of its
    /// section in rules.toml), e.g. the 综合定额 where an amount exceeds it.
    pub citations: Vec<String>,
    /// For a rule whose `Doc` is analytical: this result tested every element of a breach
    /// (the same invoice paid twice to the same payee), so it is a 疑点 and cites the rule's
    /// citations; otherwise an analytical rule's result is 分析性程序, with no citation.
    pub breach: bool,
    /// What the finding found, as the citations catalogue's `fits` name it (`付给个人`,
    /// `桌餐` …): the provision or paragraph of each family cited is the one that fits.
    pub situations: Vec<String>,
    /// Facts read from the books, one a line (see `Finding::facts`).
    pub facts: Vec<String>,
    /// Where each fact was read, by index (see `Finding::fact_evidence`); may be shorter than
    /// `facts` (the rest have none).
    pub fact_evidence: Vec<String>,
    /// What the books cannot show, worded as open questions (see `Finding::unseen`).
    pub unseen: Vec<String>,
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

impl Evidence {
    pub fn line(book: &Book, i: usize) -> Evidence {
        let nz = |f: Fen| (!f.is_zero()).then(|| f.to_yuan());
        Evidence {
            line_no: book.line_no.get(i),
            date: book.date(i).map(|d| d.to_string()),
            voucher_text: book.voucher_text(i).map(str::to_string),
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
            project: book.project(i).map(str::to_string),
            source: book.source(i),
        }
    }
}

pub fn not_checked(reason: impl Into<String>) -> ScopeLimit {
    ScopeLimit {
        rule: String::new(),
        extent: Extent::NotChecked,
        entity: None,
        reason: reason.into(),
    }
}

pub fn partly_checked(reason: impl Into<String>) -> ScopeLimit {
    ScopeLimit {
        rule: String::new(),
        extent: Extent::Partly,
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
