//! card-settlement — 公务卡强制结算目录内支出未使用公务卡结算.
//!
//! Looks at each voucher that expenses an item of the 公务卡强制结算目录 (by 经济分类, or by
//! 摘要 words when the export has no 经济分类) and pays it in the same voucher: paid in cash,
//! with a personal 结算方式, with 摘要 wording such as 垫付/个人卡/储蓄卡, or to a counterparty
//! that is a person (and, when the holder list is given, not a 公务卡 holder) is a 疑点.
//!
//! Look-alikes that do not fire:
//! - a reception or meeting paid with the 公务卡: the expense is credited to 2307 其他应付款-
//!   公务卡 (or the 结算方式 says 公务卡); the later repayment voucher (借 2307 贷 1011) has no
//!   expense line;
//! - 财政直接支付 or a bank transfer to a supplier: the counterparty is an organisation;
//! - what the 目录 itself exempts (财库〔2011〕160号): 例外（三）按规定支付给个人的支出 — a
//!   line whose 摘要 names an allowance, fee or subsidy fixed by a rule (公务交通补贴, a 差旅
//!   reimbursement's 伙食补助 and 市内交通, 误餐/加班 allowances, 慰问金, 劳务费/讲课费/评审费)
//!   and nothing bought (住宿, 机票, 餐费 …), or whose 经济分类 is 301xx/303xx; tolls, taxis,
//!   courier fees; single payments of 200 元 or less (configurable); units below county level
//!   (`below_county = true`). The word lists are data (`to_individuals_words`, `purchase_words`);
//! - expenses outside the 目录 paid to a person (慰问金, 福利费): not this rule's concern;
//! - a payment to a person who is on the holder list when the payment detail shows the card
//!   number as the receiving account (repaying the card, as the 公务卡 system intends).

use crate::check::book::Book;
use crate::check::config::fen;
use crate::check::finding::{not_checked, partly_checked, Draft};
use crate::check::text::{find_any, has_any, is_person, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use chrono::Datelike;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "card-settlement",
    title: "公务卡强制结算目录内支出未使用公务卡结算",
    analytical: false,
    category: "公务卡结算不规范",
    looks_at: "列支公务卡强制结算目录内经济分类（差旅、会议、培训、公务接待、公务用车运行维护、办公费等）且在同一凭证中付款的凭证：以现金支付、结算方式为个人卡/现金、摘要写明垫付/个人卡/储蓄卡，或收款人为个人（给出持卡人名单时：不在名单上）。给出国库集中支付/银行付款明细时，按凭证号或日期加金额匹配，以明细中的收款人和账号为准。",
    why: "《党政机关厉行节约反对浪费条例》要求目录内公务支出除财政直接支付或银行转账外使用公务卡结算；经办人垫付后报销至个人储蓄卡，使支出脱离公务卡的消费记录和监督。",
    example: "局机关 2023年3月记-19“支付接待费”429.00元：借 业务活动费用（30217 公务接待费），贷 银行存款，往来个人 李明；付款明细显示付至经办人个人储蓄卡。",
    look_alikes: "用公务卡结算的接待/会议（贷记其他应付款-公务卡，或结算方式为公务卡）；财政直接支付或转账给供应商；目录例外（财库〔2011〕160号）：按规定支付给个人的支出——车改后的公务交通补贴、差旅费中的伙食补助费和市内交通费、按规定标准发放的误餐/加班餐补助、慰问金、付给个人的劳务费/讲课费/评审费、工资福利（301）和对个人和家庭的补助（303）——摘要同时写明住宿、机票、餐费等购买事项的除外；过路过桥费、出租车费等只能付现金的支出，单笔 200 元以下，县级以下单位。",
    inputs: &[("payments", false), ("card-holders", false)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    catalogue_econ: Vec<String>,
    catalogue_words: WordList,
    exempt_econ: Vec<String>,
    exempt_words: WordList,
    to_individuals_words: WordList,
    to_individuals_econ_prefixes: Vec<String>,
    purchase_words: WordList,
    personal_words: WordList,
    personal_settlement: WordList,
    small_amount: String,
    below_county: bool,
}

/// Why a line is inside the 目录: its 经济分类, or a word of its 摘要 (worded only for a finding,
/// not for every line read).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reason<'a> {
    Econ(&'a str),
    Word(&'a str),
}

impl std::fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Econ(e) => write!(f, "经济分类 {e}"),
            Reason::Word(w) => write!(f, "摘要“{w}”"),
        }
    }
}

/// Is this expense line inside the 目录 and not exempt? Returns the reason it is in the 目录.
fn catalogue_reason<'a>(book: &'a Book, i: usize, p: &'a Settings) -> Option<Reason<'a>> {
    let summary = book.summary(i);
    // 例外（三）: a payment a rule fixes and makes to people (an allowance, a fee, a subsidy),
    // unless the same line also names something bought.
    // (A purchase word inside the allowance's own name — 餐费 in 误餐费 — does not count.)
    let to_individuals = || {
        if !has_any(summary, &p.to_individuals_words) {
            return false;
        }
        let mut rest = summary.to_string();
        for w in p.to_individuals_words.iter().filter(|w| !w.is_empty()) {
            rest = rest.replace(w.as_str(), "，");
        }
        !has_any(&rest, &p.purchase_words)
    };
    if let Some(e) = book.econ(i) {
        if p.exempt_econ.iter().any(|x| x == e)
            || p.to_individuals_econ_prefixes
                .iter()
                .any(|x| e.starts_with(x.as_str()))
            || !p.catalogue_econ.iter().any(|x| x == e)
            || to_individuals()
        {
            return None;
        }
        // A 目录 classification whose 摘要 names only an exempt item (过路费 under 30231).
        if has_any(summary, &p.exempt_words) && !has_any(summary, &p.catalogue_words) {
            return None;
        }
        return Some(Reason::Econ(e));
    }
    let w = find_any(summary, &p.catalogue_words)?;
    if to_individuals() || has_any(summary, &p.exempt_words) {
        return None;
    }
    Some(Reason::Word(w))
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    if p.below_county {
        out.limits.push(not_checked(
            "项目配置为县级以下单位（below_county = true），公务卡强制结算目录不强制",
        ));
        return Ok(out);
    }
    let payments = cx.supporting.get("payments");
    let holders = cx.supporting.get("card-holders");
    if payments.is_none() {
        out.limits.push(partly_checked(
            "缺少国库集中支付/银行付款明细：收款人及账号仅据账面往来单位、结算方式和摘要判断",
        ));
    }
    if holders.is_none() {
        out.limits.push(partly_checked(
            "缺少公务卡持卡人名单：未核对个人收款人是否为公务卡持卡人",
        ));
    }
    let holder_names: Vec<&str> = holders
        .map(|t| t.records.iter().filter_map(|r| r.text("name")).collect())
        .unwrap_or_default();
    let holder_cards: Vec<String> = holders
        .map(|t| {
            t.records
                .iter()
                .filter_map(|r| r.text("card"))
                .map(digits)
                .collect()
        })
        .unwrap_or_default();
    let small = fen("small_amount", &p.small_amount)?;

    for v in &book.vouchers {
        let exp = book.expense_rows(v, c);
        let mut in_cat = Vec::new();
        let mut why_cat = Vec::new();
        let mut amount = Fen::ZERO;
        for &i in &exp {
            if let Some(r) = catalogue_reason(book, i, &p) {
                in_cat.push(i);
                amount += book.debit(i);
                if !why_cat.contains(&r) {
                    why_cat.push(r);
                }
            }
        }
        if in_cat.is_empty() || amount <= small {
            continue;
        }
        let card = v.rows.iter().any(|&i| book.is_card(i, c));
        if card {
            continue;
        }
        let cash_rows: Vec<usize> = v
            .rows
            .iter()
            .copied()
            .filter(|&i| {
                !book.is_budget(i) && book.in_accounts(i, &c.cash_accounts) && book.credit(i).0 != 0
            })
            .collect();
        if cash_rows.is_empty() {
            continue; // not paid in this voucher (accrued, or paid through 应付账款)
        }
        // Each signal with where it was read ("" for the books).
        let mut signals: Vec<(String, String)> = Vec::new();
        if cash_rows
            .iter()
            .any(|&i| book.in_accounts(i, &c.cash_on_hand_accounts))
        {
            signals.push(("以库存现金支付".into(), String::new()));
        }
        for &i in &v.rows {
            if let Some(s) = book.settlement(i) {
                if let Some(w) = find_any(s, &p.personal_settlement) {
                    let t = format!("结算方式为“{w}”");
                    if !signals.iter().any(|(x, _)| *x == t) {
                        signals.push((t, String::new()));
                    }
                }
            }
            if let Some(w) = find_any(book.summary(i), &p.personal_words) {
                let t = format!("摘要写明“{w}”");
                if !signals.iter().any(|(x, _)| *x == t) {
                    signals.push((t, String::new()));
                }
            }
        }
        let mut person: Option<String> = None;
        for &i in &v.rows {
            if let Some(cp) = book.counterparty(i) {
                if is_person(cp, &c.org_suffixes, &c.person_words) {
                    person = Some(cp.to_string());
                    break;
                }
            }
        }
        let mut cleared_by_card = false;
        let date = book.voucher_date(v);
        let label = v.base_label();
        if let Some(t) = payments {
            let cash_total: Fen = cash_rows.iter().map(|&i| book.credit(i)).sum();
            let hit = t.records.iter().find(|r| {
                (r.text("voucher")
                    .is_some_and(|x| voucher_matches(x, &label, v.number))
                    && r.date("date").is_none_or(|d| d.month() == v.period))
                    || (r.money("amount") == Some(cash_total)
                        && match (r.date("date"), date) {
                            (Some(a), Some(b)) => (a - b).num_days().abs() <= 5,
                            _ => false,
                        })
            });
            if let Some(r) = hit {
                let payee = r.text("payee").unwrap_or("");
                let acct = r.text("payee_account").map(digits).unwrap_or_default();
                if !acct.is_empty() && holder_cards.contains(&acct) {
                    cleared_by_card = true;
                } else if is_person(payee, &c.org_suffixes, &c.person_words) {
                    signals.push((
                        format!(
                            "付款明细显示收款人为个人“{payee}”{}",
                            if acct.is_empty() {
                                String::new()
                            } else {
                                format!("，账号 {acct}")
                            }
                        ),
                        r.source.clone(),
                    ));
                    person = None;
                }
            }
        }
        if let Some(name) = person {
            if holders.is_some() && holder_names.contains(&name.as_str()) {
                // A holder may be repaid onto the card; without the payment detail we cannot
                // tell, so it is not flagged on this ground alone.
            } else if holders.is_some() {
                signals.push((
                    format!("收款人为个人“{name}”，不在公务卡持卡人名单中"),
                    String::new(),
                ));
            } else {
                signals.push((format!("收款人（往来）为个人“{name}”"), String::new()));
            }
        }
        if cleared_by_card || signals.is_empty() {
            continue;
        }
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(amount);
        let paid_from: Vec<String> = cash_rows
            .iter()
            .map(|&i| format!("{} {}", book.code(i), book.name(i)))
            .fold(Vec::new(), |mut a, x| {
                if !a.contains(&x) {
                    a.push(x);
                }
                a
            });
        // 借 names the accounts debited, as 贷 does; why they are in the 目录 follows in brackets.
        let debited: Vec<String> = in_cat
            .iter()
            .map(|&i| {
                format!("{} {}", book.code(i), book.name(i))
                    .trim()
                    .to_string()
            })
            .fold(Vec::new(), |mut a, x| {
                if !a.contains(&x) {
                    a.push(x);
                }
                a
            });
        d.facts = vec![
            format!("摘要“{}”", d.summary),
            format!(
                "借 {} {} 元（{}，属公务卡强制结算目录内支出）",
                debited.join("、"),
                amount.grouped(),
                why_cat
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            format!(
                "贷 {}，同一凭证中付款，无公务卡科目或结算方式",
                paid_from.join("、")
            ),
        ];
        d.fact_evidence = vec![String::new(); d.facts.len()];
        for (t, r) in signals {
            d.facts.push(t);
            d.fact_evidence.push(r);
        }
        d.unseen = vec!["是否由经办人垫付后报销至个人账户或以现金结算？".into()];
        d.rows = in_cat.iter().chain(cash_rows.iter()).copied().collect();
        out.drafts.push(d);
    }
    Ok(out)
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// A voucher reference in a supporting record (`记-19`, `2023-03 记-19`, `19`) names this voucher?
pub fn voucher_matches(reference: &str, label: &str, number: u32) -> bool {
    let r = reference.trim();
    if r == label {
        return true;
    }
    match crate::model::voucher::parse_voucher_no(r) {
        Ok((_, n)) => n == number && (!r.contains('-') || label.ends_with(&format!("-{n}"))),
        Err(_) => false,
    }
}
