//! The findings document's finding, as `reeval check` writes it and `sample --risk`,
//! `score --findings` (and the review and report steps to come) read it: one type, whose
//! kind, status and scope-limit extent are enums serialised as the Chinese words of the
//! document.
//!
//! A reader takes a hand-written document too (the 寻甸 report's findings in
//! samples/xundian-2023 carry only rule, category, voucher and status): every field but `rule`
//! may be missing, and a kind or status outside the lists below is an error naming the allowed
//! words.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a finding is: a possible breach, a list for the inspection, or the result of an
/// analytical procedure (a pointer where to look, never a breach, a deduction or a 问题金额).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum Kind {
    /// 疑点: a possible breach, to verify.
    #[default]
    #[serde(rename = "疑点")]
    Issue,
    /// 提示: a list for the inspection, not a breach.
    #[serde(rename = "提示")]
    Informational,
    /// 分析性程序: a journal-entry test or another analytical procedure (benford, round
    /// amounts, weekend postings, voucher gaps, cut-off …) — it points where to look: it feeds
    /// the risk ranking and the sample, never a score deduction or a total of 问题金额.
    #[serde(rename = "分析性程序")]
    Analytical,
}

/// Where the verification of a finding stands. The tool only ever writes 待核实; the auditor
/// records 确认, 排除 or 待定 (looked at, not settled). Only 确认 findings deduct.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum Status {
    #[default]
    #[serde(rename = "待核实")]
    Pending,
    #[serde(rename = "确认")]
    Confirmed,
    /// 排除: verified as no breach; neither a sampling target nor a deduction.
    #[serde(rename = "排除")]
    Excluded,
    /// 待定: looked at, not settled yet; pending like 待核实 (no deduction, a sampling target).
    #[serde(rename = "待定")]
    Undecided,
}

impl Status {
    /// Not settled: 待核实 or 待定. A pending 疑点 deducts only in the score's
    /// `total_if_confirmed`.
    pub fn is_pending(self) -> bool {
        matches!(self, Status::Pending | Status::Undecided)
    }
}

/// How much of its work a rule could do. (The order is that of the words, so limits sort as
/// they always have.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Extent {
    /// 未检查: not run.
    #[serde(rename = "未检查")]
    NotChecked,
    /// 部分检查: run on part of what it needs (the ledger alone).
    #[serde(rename = "部分检查")]
    Partly,
}

macro_rules! words {
    ($t:ty { $($v:ident = $w:literal),+ $(,)? }) => {
        impl $t {
            /// The word the document uses.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$v => $w),+
                }
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(Kind {
    Issue = "疑点",
    Informational = "提示",
    Analytical = "分析性程序",
});
words!(Status {
    Pending = "待核实",
    Confirmed = "确认",
    Excluded = "排除",
    Undecided = "待定",
});
words!(Extent {
    NotChecked = "未检查",
    Partly = "部分检查",
});

/// One journal line (or register row) shown as evidence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_no: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The voucher number as the export wrote it (`记-0005`, `付 - 12`); the finding's
    /// `voucher` is the normalised label vouchers are matched on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voucher_text: Option<String>,
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
    /// The line's 项目, when the export names one (project-coverage's lines are the projects
    /// without targets or monitoring).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// `file.xlsx:sheet:row`
    pub source: String,
}

/// One citation as a finding carries it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Citation {
    pub family: String,
    /// 《法规名称》 with 文号 when it has one.
    pub law: String,
    pub article: String,
    /// The quoted text ("" when it must still be pulled from the original).
    pub text: String,
    /// Whether `text` is the original wording or an editor's summary of it.
    pub verbatim: bool,
    pub in_force: String,
    /// V / S / U, as in the reference notes.
    pub grade: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// `引文待与原文核对` on a text read only in a secondary source (grade S).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub caution: String,
    /// The place a local rule holds in (`云南省/昆明市/寻甸回族彝族自治县`); absent for a
    /// nationwide rule.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
}

impl Citation {
    /// Whether the citation may be quoted in a finding: it has text, and the text was read
    /// somewhere (grade V or S; a grade U text has no source and is never quoted).
    pub fn quotable(&self) -> bool {
        !self.text.trim().is_empty() && self.grade != "U"
    }

    /// `《法规》（文号）第N条`, or the law alone when the article is not known.
    pub fn reference(&self) -> String {
        format!("{}{}", self.law, self.article)
    }
}

/// The aspects a finding may name (`Finding::aspect`): 目标 (target setting), 监控 (运行监控),
/// 自评 (the department's self-evaluation), 资料 (other documents to keep).
pub const ASPECTS: &[&str] = &["目标", "监控", "自评", "资料"];

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Finding {
    /// Stable: `rule/entity/voucher[/part]`, the same for the same finding across runs and
    /// versions, so an auditor's judgement can follow it.
    #[serde(default)]
    pub id: String,
    pub rule: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub category: String,
    /// Which side of 绩效管理 the finding concerns — 目标, 监控, 自评 or 资料
    /// ([`ASPECTS`]) — for the rules that set one (the perf-* rules); an indicator set's
    /// `aspects` selects findings by it. Absent for the other rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
    /// 疑点 (to verify) or 提示 (informational: a list for the inspection, not a breach);
    /// 疑点 when a document leaves it out.
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub entity: Option<String>,
    #[serde(default)]
    pub voucher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    /// The amount involved, in 元.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
    #[serde(default)]
    pub summary: String,
    /// 待核实 when a document leaves it out.
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub explanation: String,
    /// What was read from the books (or a supporting record), one fact a line: the 摘要, the
    /// accounts, the amounts, the counterparty. `explanation` is these followed by `unseen`.
    #[serde(default)]
    pub facts: Vec<String>,
    /// Where each fact was read, for the working papers (`绩效自评表.xlsx:自评表:6`, a file,
    /// `自评报告.txt 第 8 行`): one entry per fact, in order, "" for a fact read from the books
    /// (its voucher is the finding's); absent when no fact has one. The report prints the
    /// facts alone, the workbook each fact with its reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fact_evidence: Vec<String>,
    /// What the books cannot show and must be seen in the documents (会议通知、签到表未见 …),
    /// and the open questions, worded as questions (…待核实).
    #[serde(default)]
    pub unseen: Vec<String>,
    #[serde(default)]
    pub verify: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub citations: Vec<Citation>,
    /// Provisions the finding rests on whose text is not known (article unverified, or no
    /// version in the catalogue for the date, entity or place): never quoted; `verify` says
    /// what remains to be checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unquoted_citations: Vec<Citation>,
    #[serde(default)]
    pub recommendation: String,
    /// The auditor's judgement from the engagement's review.toml (absent until one is
    /// recorded): what the status rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<Judgement>,
}

impl Finding {
    /// The evidence reference of fact `i` (None when it has none).
    pub fn fact_ref(&self, i: usize) -> Option<&str> {
        self.fact_evidence
            .get(i)
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
    }

    /// Each fact with its evidence reference after it in brackets, as the working papers show
    /// them (`自评表“实际完成率”：…（绩效自评表.xlsx:自评表:2）`).
    pub fn facts_with_refs(&self) -> Vec<String> {
        self.facts
            .iter()
            .enumerate()
            .map(|(i, f)| with_ref(f, self.fact_ref(i)))
            .collect()
    }
}

/// A fact followed by its reference in brackets (the fact alone when it has none).
pub fn with_ref(fact: &str, reference: Option<&str>) -> String {
    match reference.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => format!("{fact}（{r}）"),
        None => fact.to_string(),
    }
}

/// Facts and their references as `Finding::facts` / `Finding::fact_evidence` hold them: the
/// references empty when no fact has one.
pub fn split_facts(facts: Vec<(String, String)>) -> (Vec<String>, Vec<String>) {
    let any = facts.iter().any(|(_, r)| !r.trim().is_empty());
    let (texts, refs): (Vec<String>, Vec<String>) = facts.into_iter().unzip();
    (texts, if any { refs } else { Vec::new() })
}

/// An auditor's judgement of a finding, as review.toml records it (`reeval review`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Judgement {
    /// 核实结论 as typed (确认/排除/待定; empty when only notes were recorded).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub conclusion: String,
    /// 核实说明: what the auditor saw.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub verifier: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub verified_on: String,
    /// 取证单号 as the auditor gave it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub evidence_no: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reviewed_on: String,
    /// 单位意见 (无异议/有异议) and its text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub response: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub response_note: String,
    /// The number of the 审计取证单 written for a confirmed finding (the auditor's 取证单号,
    /// else one the tool gives).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub evidence_sheet: String,
    /// The finding id the judgement was recorded under, when a rule change altered it and
    /// the judgement was placed by rule, entity and voucher or asset.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub carried_from: String,
}

/// A rule that could not run, or ran on part of what it needs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScopeLimit {
    pub rule: String,
    pub extent: Extent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The missing input, in the users' words (缺少公务接待台账).
    pub reason: String,
}

/// What readers of a findings document take from it: the findings (everything else in the
/// document is for people).
#[derive(Debug, Clone, Deserialize)]
pub struct FindingsDocument {
    pub findings: Vec<Finding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_keep_their_references_apart_and_the_workbook_joins_them() {
        let (facts, refs) = split_facts(vec![
            (
                "自评表“实际完成率”：…".into(),
                "绩效自评表.xlsx:自评表:2".into(),
            ),
            ("实际完成值 22 未达到指标值".into(), String::new()),
        ]);
        let f = Finding {
            rule: "r".into(),
            facts,
            fact_evidence: refs,
            ..Default::default()
        };
        assert_eq!(f.fact_ref(0), Some("绩效自评表.xlsx:自评表:2"));
        assert_eq!(f.fact_ref(1), None);
        assert_eq!(
            f.facts_with_refs(),
            [
                "自评表“实际完成率”：…（绩效自评表.xlsx:自评表:2）",
                "实际完成值 22 未达到指标值"
            ]
        );
        // No reference at all: the key stays out of the document.
        let (_, none) = split_facts(vec![("甲".into(), " ".into())]);
        assert!(none.is_empty());
        let bare = Finding {
            rule: "r".into(),
            facts: vec!["甲".into()],
            ..Default::default()
        };
        assert!(!serde_json::to_string(&bare)
            .unwrap()
            .contains("fact_evidence"));
        assert_eq!(bare.facts_with_refs(), ["甲"]);
        // An older document without the key reads as facts without references.
        let old: Finding = serde_json::from_str(r#"{"rule": "r", "facts": ["乙"]}"#).unwrap();
        assert_eq!(old.fact_ref(0), None);
    }

    #[test]
    fn the_words_are_the_documents_and_a_stranger_is_refused() {
        let f: Finding = serde_json::from_str(
            r#"{"rule": "r", "kind": "提示", "status": "排除", "voucher": "V"}"#,
        )
        .unwrap();
        assert_eq!((f.kind, f.status), (Kind::Informational, Status::Excluded));
        let a: Finding =
            serde_json::from_str(r#"{"rule": "benford", "kind": "分析性程序"}"#).unwrap();
        assert_eq!(a.kind, Kind::Analytical);
        assert_eq!(
            serde_json::to_string(&Kind::Analytical).unwrap(),
            "\"分析性程序\""
        );
        let bare: Finding = serde_json::from_str(r#"{"rule": "r"}"#).unwrap();
        assert_eq!((bare.kind, bare.status), (Kind::Issue, Status::Pending));
        let err = serde_json::from_str::<Finding>(r#"{"rule": "r", "status": "已核实"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("待核实") && err.contains("排除"), "{err}");
        assert_eq!(
            serde_json::to_string(&Extent::Partly).unwrap(),
            "\"部分检查\""
        );
        assert!(Extent::NotChecked < Extent::Partly);
        let undecided: Finding =
            serde_json::from_str(r#"{"rule": "r", "status": "待定"}"#).unwrap();
        assert!(undecided.status.is_pending() && Status::Pending.is_pending());
        assert!(!Status::Confirmed.is_pending() && !Status::Excluded.is_pending());
        assert_eq!(
            serde_json::to_string(&Status::Undecided).unwrap(),
            "\"待定\""
        );
    }
}
