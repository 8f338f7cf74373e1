//! income-in-suspense — 收入挂往来核算.
//!
//! Money received that is the unit's income — an allocation (拨款, 下拨), a subsidy (补助), a
//! donation or fund-raising (捐赠, 筹款), an inspection fee (检查费) — should be recognised as
//! 非同级财政拨款收入, 捐赠收入 or 其他收入 and, being a cash receipt inside the budget, also
//! as 预算收入. A voucher that receives cash and credits it to 其他应付款 (2307) with such a
//! 摘要 is a 疑点. The explanation says whether the voucher also lacks the 预算会计 entry.
//!
//! Look-alikes that do not fire: deposits and guarantees to be returned (押金, 保证金,
//! 质保金); withholdings (代扣个税, 公积金, 社保); 代收 money passed on; 公务卡 lines; the
//! 财政预拨 of next year's budget, which the 政府会计制度 itself puts in 2307 (预拨, 下年度);
//! meal fees (the meal-fee-suspense rule's concern).

use crate::check::finding::Draft;
use crate::check::text::{find_any, has_any, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "income-in-suspense",
    title: "应纳入收入管理的款项挂其他应付款",
    analytical: false,
    category: "收入核算不规范",
    looks_at: "收到款项（借记库存现金/银行存款/零余额）并贷记其他应付款（2307）的凭证，摘要含拨款、补助、经费、筹款、捐赠、检查费等收入字样（押金、保证金、代扣代缴、代收、公务卡、财政预拨等除外）。",
    why: "预算法要求全部收入纳入预算；行政单位财务规则规定不得将应当纳入单位收入管理的款项列入暂存款项；政府会计制度要求纳入预算管理的现金收支同时进行预算会计核算。",
    example: "局机关 2023年10月记-13“收到红十字会拨网络筹款”3,533.84元，贷记其他应付款-其他，且未做预算会计核算；社保中心 2023年12月记-41“收到2023年度失业动态监测检查费（人社部下拨部分）”565.80元，贷记其他应付款-其他-其他。",
    look_alikes: "收取的押金、保证金、质保金；代扣个税、公积金、社保；代收代付款；公务卡欠款；财政预拨下年度预算款；来访人员交纳的伙食费（由 meal-fee-suspense 检查）。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    receipt_words: WordList,
    except_words: WordList,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    for v in &book.vouchers {
        let received: Fen = v
            .rows
            .iter()
            .filter(|&&i| !book.is_budget(i) && book.in_accounts(i, &c.cash_accounts))
            .map(|&i| book.debit(i))
            .sum();
        if received.0 <= 0 {
            continue;
        }
        let mut rows = Vec::new();
        let mut amount = Fen::ZERO;
        let mut words: Vec<String> = Vec::new();
        for &i in &v.rows {
            if book.is_budget(i)
                || !book.in_accounts(i, &c.other_payable_accounts)
                || book.credit(i).0 <= 0
                || book.is_card(i, c)
            {
                continue;
            }
            let s = book.summary(i);
            let Some(w) = find_any(s, &p.receipt_words) else {
                continue;
            };
            if has_any(s, &p.except_words) || has_any(book.name(i), &p.except_words) {
                continue;
            }
            rows.push(i);
            amount += book.credit(i);
            if !words.iter().any(|x| x == w) {
                words.push(w.to_string());
            }
        }
        if rows.is_empty() {
            continue;
        }
        let accounts: Vec<String> = rows
            .iter()
            .map(|&i| format!("{} {}", book.code(i), book.name(i)))
            .collect();
        let budget = if book.has_budget_lines(v) {
            ""
        } else {
            "；同一凭证中也没有预算会计分录"
        };
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(amount);
        d.explanation = format!(
            "凭证“{}”收到款项 {} 元（摘要含“{}”），贷记“{}”，未确认为收入（非同级财政拨款收入、捐赠收入或其他收入）{}。",
            d.summary,
            amount.grouped(),
            words.join("、"),
            accounts.join("、"),
            budget
        );
        d.rows = v.rows.clone();
        out.drafts.push(d);
    }
    Ok(out)
}
