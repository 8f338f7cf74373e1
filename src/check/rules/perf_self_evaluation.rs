//! perf-self-evaluation — 绩效自评不实或自评依据不足 (seed 002: 自评 96 分“优”，再评价 84.63).
//!
//! Each row of the 自评表 — 年度指标值, 实际完成值, 分值, 得分 — is set beside what reeval can
//! compute from the inputs: the 绩效目标表's 指标值 for the same indicator (by name) and the
//! row's own figures. A finding when, beyond the rounding of the figures as written:
//! - the 自评表's 年度指标值 is not the 绩效目标表's (自评不实: the target restated);
//! - the 实际完成值 misses the target in its direction and the 得分 is still the full 分值
//!   (自评不实), or misses it with no 偏差原因 (自评依据不足);
//! - a 得分 is given with no number as 实际完成值 (自评依据不足).
//!
//! - the 实际完成值 is an amount the books compute — an indicator named as a quantity of
//!   `data/claims.toml` with 经济分类 codes or a department total (三公经费, 公用经费, 人员经费,
//!   支出决算, 基本支出, 项目支出 …; the same sums `claims::books::from_ledger` sets beside the
//!   自评报告) or as one of the books' projects (its expenditure) — and differs from the books'
//!   figure beyond the rounding of the figure as written (自评不实, both figures and the source).
//!   An indicator naming a budget word (预算, 安排 …) or anything besides the quantity (就业补助
//!   资金实际支出) is not that quantity; a rate (三公经费变动率, %) is not an amount.
//!
//! A row with nothing to compare (no number, no direction) is listed as not verified (a scope
//! limit), never passed; so is an amount or a quantity of the vocabulary the books cannot
//! compute (预算执行率: the budget is not in the books). Look-alikes that do not fire: an unmet target scored below full
//! marks with its 偏差原因; 89.996 against ≥90 (rounding); a 年度指标值 written `90%` against the
//! table's `≥90%`.

use crate::check::finding::{not_checked, partly_checked, Draft};
use crate::check::performance::{
    differ, half_unit, indicator_key, indicator_rows, quantify, vocab,
};
use crate::check::{Context, Doc, RuleOutcome};
use crate::claims::books::{from_ledger, BookFigures};
use crate::claims::Vocabulary;
use crate::model::findings::split_facts;
use crate::model::money::grouped_yuan;
use anyhow::Result;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "perf-self-evaluation",
    title: "绩效自评不实或自评依据不足",
    analytical: false,
    category: "自评不实",
    looks_at: "绩效自评表的每项指标：年度指标值是否与绩效目标表一致，实际完成值未达到指标值时是否仍得满分、是否说明偏差原因，得分是否有实际完成值支持；实际完成值为账面可计算的支出金额（“三公”经费、公用经费、支出决算、账面项目的支出等）的，与账面数核对。",
    why: "绩效自评应以批复的绩效目标为准，如实反映目标完成情况；未完成的指标按偏差扣分并分析原因（中发〔2018〕34号第四条（七）的绩效目标管理要求）。自评不实，评价结果就不能用于预算安排和改进管理。",
    example: "“城镇新增就业人数”指标值 ≥800 人，实际完成 760 人，自评仍得满分 4 分，未说明偏差原因。",
    look_alikes: "未完成指标按偏差扣分并说明了原因；89.996 对 ≥90（四舍五入以内）；自评表写“90%”而目标表写“≥90%”。",
    inputs: &[("self-evaluation", true), ("targets", false)],
};

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let Some(table) = cx.supporting.get("self-evaluation") else {
        return Ok(RuleOutcome {
            limits: vec![not_checked(
                "缺少绩效自评表（[supporting] self-evaluation）：单位自评的实际完成值和得分未复核",
            )],
            ..Default::default()
        });
    };
    let v = vocab(cx.config)?;
    let targets = cx.supporting.get("targets");
    let target_rows = targets.map(indicator_rows).unwrap_or_default();
    let mut limits = Vec::new();
    if targets.is_none() {
        limits.push(partly_checked(
            "缺少绩效目标表（[supporting] targets）：自评表的年度指标值未与批复的绩效目标核对",
        ));
    }
    let books = Books::of(cx);
    let mut drafts = Vec::new();
    let mut unverified = Vec::new();
    let mut not_from_books = Vec::new();
    for r in indicator_rows(table) {
        let name = r.indicator.clone();
        let own = quantify(r.text("target").unwrap_or(""), None, None, &v);
        let listed = target_rows
            .iter()
            .find(|t| indicator_key(&t.indicator) == indicator_key(&name));
        let listed_q = listed.map(|t| {
            quantify(
                t.text("value").unwrap_or(""),
                t.text("unit"),
                t.text("direction"),
                &v,
            )
        });
        let actual_text = r.text("actual").unwrap_or("").trim().to_string();
        let actual = quantify(&actual_text, None, None, &v);
        let (score, max) = (r.record.number("score"), r.record.number("max"));
        let mut untrue = Vec::new();
        let mut unfounded = Vec::new();
        // Each fact with where it was read (the workbook shows the reference, the report
        // the fact alone).
        let mut facts = vec![(
            format!(
                "自评表“{name}”：年度指标值“{}”，实际完成值“{actual_text}”，分值 {}，得分 {}",
                r.text("target").unwrap_or("").trim(),
                max.map(|m| m.to_string()).unwrap_or_else(|| "—".into()),
                score.map(|s| s.to_string()).unwrap_or_else(|| "—".into()),
            ),
            r.record.source.clone(),
        )];
        if let (Some(lq), Some(t)) = (&listed_q, listed) {
            if let (Some(a), Some(b)) = (own.number, lq.number) {
                if differ(a, b) {
                    untrue.push((
                        format!(
                            "年度指标值 {} 与绩效目标表的指标值“{}”不一致",
                            own.show(),
                            t.text("value").unwrap_or("").trim()
                        ),
                        t.record.source.clone(),
                    ));
                }
            }
        }
        // The target the actual is measured against: the 绩效目标表's when listed.
        let reference = match &listed_q {
            Some(q) if q.number.is_some() => q.clone(),
            _ => own.clone(),
        };
        let direction = reference.direction.or(own.direction);
        let mut compared = false;
        match (actual.number, reference.number, direction) {
            (Some(a), Some(t), Some(d)) => {
                compared = true;
                if !d.met(a, t) {
                    let full = matches!((score, max), (Some(s), Some(m)) if s >= m);
                    let shortfall = format!("实际完成值 {a} 未达到指标值 {}{t}", d.symbol());
                    let no_reason = r.text("reason").is_none();
                    let why = if no_reason {
                        "，未说明偏差原因"
                    } else {
                        ""
                    };
                    if full {
                        untrue.push((
                            format!(
                                "{shortfall}，自评仍得满分 {}{why}",
                                score.unwrap_or_default()
                            ),
                            String::new(),
                        ));
                    } else if no_reason {
                        unfounded.push((format!("{shortfall}{why}"), String::new()));
                    }
                }
            }
            (None, _, _) if score.is_some() => {
                compared = true;
                unfounded.push((
                    if actual_text.is_empty() {
                        "给出了得分但没有实际完成值".to_string()
                    } else {
                        format!("实际完成值“{actual_text}”没有可核对的数值，得分缺少依据")
                    },
                    String::new(),
                ));
            }
            _ => {}
        }
        // The 实际完成值 beside the books, where they compute it.
        match books.compare(&name, &actual_text, r.text("target").unwrap_or("")) {
            BookCheck::NotAnAmount => {}
            BookCheck::NotComputed(why) => not_from_books.push(format!("“{name}”（{why}）")),
            BookCheck::Agrees => compared = true,
            BookCheck::Differs(fact) => {
                compared = true;
                untrue.push((fact, String::new()));
            }
        }
        if untrue.is_empty() && unfounded.is_empty() {
            if !compared {
                unverified.push(format!("“{name}”"));
            }
            continue;
        }
        let kind = if untrue.is_empty() {
            "自评依据不足"
        } else {
            "自评不实"
        };
        facts.extend(untrue);
        facts.extend(unfounded);
        let (facts, fact_evidence) = split_facts(facts);
        drafts.push(Draft {
            part: Some(name.clone()),
            aspect: Some("自评".into()),
            summary: format!("{kind}：{name}"),
            facts,
            fact_evidence,
            register_rows: vec![r.evidence(&format!("自评：{name}"))],
            ..Default::default()
        });
    }
    if !not_from_books.is_empty() {
        limits.push(partly_checked(format!(
            "自评表中 {} 项指标的实际完成值无法由账面计算，未与账面核对：{}",
            not_from_books.len(),
            not_from_books.join("、")
        )));
    }
    if !unverified.is_empty() {
        limits.push(partly_checked(format!(
            "自评表中 {} 项指标无法由所给资料核实（未核实）：{}",
            unverified.len(),
            unverified.join("、")
        )));
    }
    Ok(RuleOutcome { drafts, limits })
}

/// What the books compute for a 自评表 row's 实际完成值.
enum BookCheck {
    /// Not an amount nor a quantity of the vocabulary: nothing to set beside the books.
    NotAnAmount,
    /// A quantity the books cannot give (the reason).
    NotComputed(String),
    Agrees,
    /// The fact: both figures, the difference and the source.
    Differs(String),
}

/// The books' figures: the claims' sums of 预算会计 expenditure (by quantity), and each
/// project's expenditure (预算会计 lines, else 财务会计 expense lines when it has none).
struct Books {
    vocab: Option<Vocabulary>,
    figures: Option<BookFigures>,
    /// Project → (预算会计 fen, 财务会计 fen).
    projects: BTreeMap<String, (i128, i128)>,
}

impl Books {
    fn of(cx: &Context) -> Books {
        let vocab = Vocabulary::builtin().ok();
        let figures = vocab.as_ref().and_then(|v| {
            let map = crate::score::reconcile::LedgerMap::builtin().ok()?;
            let f = from_ledger(cx.lines, v, &map).ok()?;
            // Books without 预算会计 expenditure lines compute no figure (not a zero).
            let total = f.figures.get(&("支出决算".to_string(), "实际".to_string()));
            total.filter(|(t, _)| !t.is_zero())?;
            Some(f)
        });
        let c = &cx.config.common;
        let mut projects: BTreeMap<String, (i128, i128)> = BTreeMap::new();
        for i in 0..cx.book.len() {
            let Some(p) = cx.book.project(i).map(str::trim).filter(|s| !s.is_empty()) else {
                continue;
            };
            let d = cx.book.debit(i).0 as i128;
            let e = projects.entry(p.to_string()).or_default();
            if cx.book.in_accounts(i, &c.budget_expense_accounts) {
                e.0 += d;
            } else if cx.book.in_accounts(i, &c.expense_accounts) {
                e.1 += d;
            }
        }
        projects.retain(|_, (b, f)| *b != 0 || *f != 0);
        Books {
            vocab,
            figures,
            projects,
        }
    }

    fn compare(&self, name: &str, actual: &str, target: &str) -> BookCheck {
        let Some(v) = &self.vocab else {
            return BookCheck::NotAnAmount;
        };
        // `2023年三公经费`: the year is the engagement's, not part of the name.
        let key = strip_year(&indicator_key(name));
        // The amount as written, in 元, with its rounding: 实际完成值's unit, else the target's.
        let amount = money(actual, target, v);
        let strip = |rest: String, extra: &[&str]| -> String {
            let mut words: Vec<&str> = v
                .self_names
                .iter()
                .chain(v.filler.iter())
                .map(String::as_str)
                .chain(extra.iter().copied())
                .filter(|w| !w.is_empty())
                .collect();
            words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            let mut rest = rest;
            for w in words {
                rest = rest.replace(&indicator_key(w), "");
            }
            rest
        };
        let budget = v
            .budget_words
            .iter()
            .any(|w| !w.is_empty() && key.contains(&indicator_key(w)));
        // A project of the books, named with nothing else than expenditure words.
        let project = self.projects.iter().find_map(|(p, sums)| {
            let core = strip_year(&crate::check::performance::project_key(p));
            (core.chars().count() >= 4
                && key.contains(&core)
                && strip(key.replacen(&core, "", 1), &["实际", "资金", "经费"]).is_empty())
            .then_some((p, sums))
        });
        // Else a quantity of the vocabulary, its longest word, with nothing else beside it.
        let quantity = || {
            let mut words: Vec<(&str, &crate::claims::Quantity)> = v
                .quantity
                .iter()
                .flat_map(|q| q.words.iter().map(move |w| (w.as_str(), q)))
                .filter(|(w, _)| !w.is_empty())
                .collect();
            words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
            words.into_iter().find_map(|(w, q)| {
                let wk = indicator_key(w);
                (key.contains(&wk) && strip(key.replacen(&wk, "", 1), &["实际"]).is_empty())
                    .then_some(q)
            })
        };
        let (book, source) = if let Some((p, &(b, f))) = project {
            if amount.is_none() {
                return BookCheck::NotAnAmount;
            }
            if budget {
                return BookCheck::NotComputed("预算数，账面只记录实际支出".into());
            }
            let (fen, side) = if b != 0 {
                (b, "预算会计支出科目")
            } else {
                (f, "财务会计费用科目")
            };
            let yuan = crate::model::money::yuan_of_fen(fen);
            (yuan, format!("账面（项目“{p}”的{side}借方）"))
        } else if let Some(q) = quantity() {
            if amount.is_none() {
                // A rate or count of the vocabulary (预算执行率 …): not from the books alone.
                let rate = matches!(q.kind, crate::claims::QuantityKind::Rate);
                return if rate {
                    BookCheck::NotComputed("比率的分母（预算）不在账面".into())
                } else {
                    BookCheck::NotAnAmount
                };
            }
            if budget {
                return BookCheck::NotComputed("预算数，账面只记录实际支出".into());
            }
            let got = self
                .figures
                .as_ref()
                .and_then(|f| f.figures.get(&(q.name.clone(), "实际".to_string())));
            match got {
                Some((val, src)) => (*val, src.clone()),
                None => {
                    return BookCheck::NotComputed(if self.figures.is_none() {
                        "账面没有预算会计支出分录".into()
                    } else {
                        format!("reeval 不由账面计算“{}”", q.name)
                    })
                }
            }
        } else {
            return match amount {
                Some(_) if budget => BookCheck::NotComputed("预算数，账面只记录实际支出".into()),
                Some(_) => BookCheck::NotComputed("不是账面可计算的支出数".into()),
                None => BookCheck::NotAnAmount,
            };
        };
        let Some((written, tol)) = amount else {
            return BookCheck::NotAnAmount;
        };
        let diff = written - book;
        if diff.abs() <= tol {
            BookCheck::Agrees
        } else {
            BookCheck::Differs(format!(
                "实际完成值“{}”（{} 元）与{source}的 {} 元不符，相差 {} 元",
                actual.trim(),
                grouped_yuan(written),
                grouped_yuan(book),
                grouped_yuan(diff)
            ))
        }
    }
}

/// A project name without a leading year (`2023年就业见习补贴项目` → `就业见习补贴项目`).
fn strip_year(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() > 5 && chars[..4].iter().all(char::is_ascii_digit) && chars[4] == '年' {
        chars[5..].iter().collect()
    } else {
        key.to_string()
    }
}

/// An amount as written (`3.96万元`, `39,600元`): its value in 元 and half a unit of its last
/// place in 元; the unit from the 实际完成值, else from the 年度指标值. None when it is no amount.
fn money(actual: &str, target: &str, v: &Vocabulary) -> Option<(Decimal, Decimal)> {
    let clean = |s: &str| -> String {
        s.chars()
            .map(crate::model::money::fullwidth_to_ascii)
            .filter(|c| !c.is_whitespace() && *c != ',')
            .collect()
    };
    let a = clean(actual);
    let digits: String = a
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let n: Decimal = digits.trim_end_matches('.').parse().ok()?;
    let unit_of = |s: &str| -> Option<Decimal> {
        let mut units: Vec<&crate::claims::Unit> = v.unit.iter().filter(|u| !u.bare).collect();
        units.sort_by_key(|u| std::cmp::Reverse(u.word.chars().count()));
        units
            .into_iter()
            .find(|u| s.ends_with(u.word.as_str()))
            .map(|u| u.factor)
    };
    let factor = unit_of(&a).or_else(|| {
        let t = clean(target);
        (!a.ends_with('%') && a.chars().last().is_some_and(|c| c.is_ascii_digit()))
            .then(|| unit_of(&t))
            .flatten()
    })?;
    Some((n * factor, half_unit(n) * factor))
}
