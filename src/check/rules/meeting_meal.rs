//! meeting-meal — 会议餐费管理不规范.
//!
//! Meeting meals belong inside the 会议费 综合定额 as 工作餐/自助餐. A meal line of a meeting
//! (会议费 30215, or a 摘要 naming a meeting) is a 疑点 when its 摘要 says banquet or table
//! meals (桌餐, 会餐, 宴请, 酒水, N桌), when the meals span several days, when the stated number
//! of people puts the meal cost per person and day above the 伙食费 part of the 定额, or when
//! the meal of a meeting is booked outside 会议费 (hidden in 办公费, 其他商品和服务支出 …).
//! With the 会议台账 (participants, days, meal cost, meal form) the per-person-day test and
//! the meal-form test run on every meeting, whatever its 摘要 says.
//!
//! A meeting's meal reimbursed in the same voucher to a person (not by card, not to the venue)
//! is one too: the meal was paid on its own, outside the meeting's comprehensive bill. Words
//! match as words: `人工审核会餐费` is 审核会 + 餐费 (a meeting's meal), not 会餐.
//!
//! Look-alikes that do not fire: a 会议费 paid to the 定点饭店 as one comprehensive bill
//! (no meal wording); a meeting meal paid by 公务卡 with no banquet word, one date and no
//! head count above the standard; a working meal within the 定额 with the number of people stated; a
//! meeting's room hire or materials; 培训费 meals (the training rule's concern, not this one).

use crate::check::config::fen;
use crate::check::finding::{partly_checked, Draft};
use crate::check::text::{day_mentions, find_any, has_any, headcount, is_person, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::findings::Evidence;
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "meeting-meal",
    title: "会议餐费管理不规范",
    analytical: false,
    category: "会议餐费管理不规范",
    looks_at: "会议费（30215）或摘要写明会议的餐费分录：摘要含桌餐/会餐/宴请/酒水/N桌；餐费跨多日；写明人数时每人每天伙食费超过会议费综合定额的伙食费标准；会议餐费列支在会议费以外的经济分类。给出会议台账时，按台账的参会人数、会期、餐费和用餐形式检查每个会议。",
    why: "会议费管理办法规定会议用餐按综合定额安排工作餐，不得宴请、上高档菜肴和酒水；以桌餐形式连续多日安排会议餐，或把会议餐费列入其他科目，超出了会议费的开支范围和标准。",
    example: "2023年4月记-11“支付2023年事业单位公开招聘报名人工审核会餐费”4,806.00元：审核会期间3月28日至4月1日每日午餐、晚餐桌餐，经办人垫付后报销至个人储蓄卡。",
    look_alikes: "会议费一次性支付给定点饭店（摘要无餐费字样）；写明人数且在定额内的会议工作餐；会场租金、资料费；培训费中的伙食费。",
    inputs: &[("meetings", false)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    econ: Vec<String>,
    meeting_words: WordList,
    meal_words: WordList,
    banquet_words: WordList,
    meal_per_person_day: String,
    /// Families cited besides the rule's own when a meal exceeds the 伙食费 standard (the
    /// 综合定额 speaks to amounts only, not to the form of a meal).
    amount_citations: Vec<String>,
}

/// What a finding of this rule found, as the citations catalogue's `fits` name it: each
/// family of the rule's `citations` is cited by its provision about these facts (the meal
/// form by the 会议用餐 text, a meal paid to a person by the settlement provisions).
const BANQUET: &str = "桌餐宴请";
const DAYS: &str = "多日用餐";
const OVER: &str = "超过伙食费标准";
const OUTSIDE: &str = "会议费以外列支";
const TO_PERSON: &str = "付给个人";

fn situations(found: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in found {
        if !out.iter().any(|x| x == f) {
            out.push(f.to_string());
        }
    }
    out
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let limit = fen("meal_per_person_day", &p.meal_per_person_day)?;
    let mut out = RuleOutcome::default();
    for v in &book.vouchers {
        let mut rows = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        let mut found: Vec<&str> = Vec::new();
        let mut amount = Fen::ZERO;
        let mut over_standard = false;
        // Paid in this voucher to a person (not by card, not to the venue): the meal was
        // reimbursed on its own rather than settled with the meeting's bill.
        // (Computed once, for the first meeting meal line of the voucher.)
        let mut paid_to_person: Option<Option<&str>> = None;
        let mut to_person = || {
            *paid_to_person.get_or_insert_with(|| {
                if v.rows.iter().any(|&i| book.is_card(i, c)) {
                    return None;
                }
                v.rows.iter().find_map(|&i| {
                    let cash = !book.is_budget(i)
                        && book.in_accounts(i, &c.cash_accounts)
                        && book.credit(i).0 != 0;
                    book.counterparty(i)
                        .filter(|cp| cash && is_person(cp, &c.org_suffixes, &c.person_words))
                })
            })
        };
        for i in book.expense_rows(v, c) {
            let s = book.summary(i);
            let econ = book.econ(i);
            let meeting =
                econ.is_some_and(|e| p.econ.iter().any(|x| x == e)) || has_any(s, &p.meeting_words);
            if !meeting || !has_any(s, &p.meal_words) {
                continue;
            }
            let mut why: Vec<String> = Vec::new();
            if let Some(w) = find_any(s, &p.banquet_words) {
                why.push(format!("摘要写明“{w}”，为桌餐/宴请形式"));
                found.push(BANQUET);
            }
            let mut ds: Vec<(u32, u32)> =
                day_mentions(s).iter().map(|d| (d.month, d.day)).collect();
            ds.sort();
            ds.dedup();
            if ds.len() > 1 {
                why.push(format!("餐费跨 {} 个日期", ds.len()));
                found.push(DAYS);
            }
            if let Some(n) = headcount(s).filter(|&n| n > 0) {
                let days = ds.len().max(1) as i64;
                let per = Fen(book.debit(i).0 / (n as i64 * days));
                if per > limit {
                    over_standard = true;
                    found.push(OVER);
                    why.push(format!(
                        "按摘要 {n} 人、{days} 天计每人每天 {} 元，超过伙食费标准 {} 元",
                        per.grouped(),
                        limit.grouped()
                    ));
                }
            }
            if let Some(e) = econ.filter(|e| !p.econ.iter().any(|x| x == e)) {
                why.push(format!("会议餐费列支在经济分类 {e}，未在会议费中核算"));
                found.push(OUTSIDE);
            }
            if let Some(cp) = to_person() {
                why.push(format!(
                    "会议餐费在同一凭证中付给个人“{cp}”，未随会议费向会议定点饭店一并结算"
                ));
                found.push(TO_PERSON);
            }
            if why.is_empty() {
                continue;
            }
            rows.push(i);
            amount += book.debit(i);
            for w in why {
                if !reasons.contains(&w) {
                    reasons.push(w);
                }
            }
        }
        if rows.is_empty() {
            continue;
        }
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(amount);
        d.facts = vec![format!(
            "摘要“{}”，列支会议餐费 {} 元（{}）",
            d.summary,
            amount.grouped(),
            rows.iter()
                .filter_map(|&i| book.econ(i))
                .map(|e| format!("经济分类 {e}"))
                .fold(Vec::<String>::new(), |mut a, x| {
                    if !a.contains(&x) {
                        a.push(x);
                    }
                    a
                })
                .join("、")
        )];
        d.facts.extend(reasons);
        d.situations = situations(&found);
        d.unseen = vec!["用餐形式（桌餐/自助餐/工作餐）、会期和用餐人数无法由账面判断：是否超出会议费综合定额或安排了宴请？".into()];
        d.rows = rows;
        if over_standard {
            d.citations = p.amount_citations.clone();
        }
        out.drafts.push(d);
    }

    match cx.supporting.get("meetings") {
        None => out.limits.push(partly_checked(
            "缺少会议台账：会议天数、人数和用餐形式仅据摘要判断",
        )),
        Some(t) => {
            for r in &t.records {
                let name = r.text("name").unwrap_or("");
                let days = r
                    .int("days")
                    .or_else(|| match (r.date("start"), r.date("end")) {
                        (Some(a), Some(b)) => Some((b - a).num_days() + 1),
                        _ => None,
                    })
                    .unwrap_or(1)
                    .max(1);
                let mut why: Vec<String> = Vec::new();
                let mut found: Vec<&str> = Vec::new();
                let mut over_standard = false;
                if let Some(w) = r
                    .text("meal_form")
                    .and_then(|f| find_any(f, &p.banquet_words))
                {
                    why.push(format!("用餐形式为“{w}”"));
                    found.push(BANQUET);
                }
                if let (Some(n), Some(cost)) = (
                    r.int("participants").filter(|&n| n > 0),
                    r.money("meal_cost"),
                ) {
                    let per = Fen(cost.0 / (n * days));
                    if per > limit {
                        over_standard = true;
                        found.push(OVER);
                        why.push(format!(
                            "餐费 {} 元，{n} 人 {days} 天，每人每天 {} 元，超过伙食费标准 {} 元",
                            cost.grouped(),
                            per.grouped(),
                            limit.grouped()
                        ));
                    }
                }
                if why.is_empty() {
                    continue;
                }
                let reference = r.text("voucher");
                let v = reference.and_then(|x| {
                    book.vouchers.iter().find(|v| {
                        super::card_settlement::voucher_matches(x, &v.base_label(), v.number)
                            && (x.contains(' ')
                                || r.date("start").is_none_or(|d| v.date_ok(book, d)))
                    })
                });
                let mut d = match v {
                    Some(v) => Draft::for_voucher(book, v),
                    None => Draft {
                        entity: book.entities.first().cloned(),
                        date: r.date("start"),
                        summary: name.to_string(),
                        ..Default::default()
                    },
                };
                d.part = Some(format!("台账-{name}"));
                d.amount = r.money("meal_cost");
                d.explanation = format!("会议台账显示“{name}”：{}。", why.join("；"));
                d.situations = situations(&found);
                if over_standard {
                    d.citations = p.amount_citations.clone();
                }
                d.register_rows = vec![Evidence {
                    date: r.date("start").map(|x| x.to_string()),
                    summary: format!("会议台账：{name}"),
                    debit: r.money("meal_cost").map(Fen::to_yuan),
                    source: r.source.clone(),
                    ..Default::default()
                }];
                out.drafts.push(d);
            }
        }
    }
    Ok(out)
}
