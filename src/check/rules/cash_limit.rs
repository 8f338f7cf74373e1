//! cash-limit — 超限额现金支付.
//!
//! Payments out of 库存现金 (1001 credits) above the 现金管理 结算起点 (data, default 1,000 元)
//! on a voucher that expenses or pays someone. A journal-entry test pointing at cash that
//! should have gone through the bank or the 公务卡.
//!
//! Look-alikes that do not fire: cash at or below the limit; cash paid into the unit's own
//! bank or 零余额 account (存现, 1001 → 1002); cash received (1001 debits).

use crate::check::config::fen;
use crate::check::finding::Draft;
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "cash-limit",
    title: "超过结算起点的现金支付",
    analytical: true,
    category: "日记账测试",
    looks_at: "贷记库存现金（1001）且金额超过现金结算起点（默认 1,000 元）的凭证；现金存入本单位银行账户的除外。",
    why: "现金管理规定结算起点以上的支付原则上通过银行转账结算；大额现金支付难以追踪收款人，是舞弊风险特征。",
    example: "“支付培训住宿费”以现金支付 3,200.00 元。",
    look_alikes: "结算起点以下的零星现金支出；将现金存入本单位银行账户；收到现金。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    limit: String,
    except_counter_accounts: Vec<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let limit = fen("limit", &p.limit)?;
    let book = cx.book;
    let cash = &cx.config.common.cash_on_hand_accounts;
    let mut out = RuleOutcome::default();
    for v in &book.vouchers {
        let paid: Vec<usize> = v
            .rows
            .iter()
            .copied()
            .filter(|&i| !book.is_budget(i) && book.in_accounts(i, cash) && book.credit(i).0 > 0)
            .collect();
        let amount: Fen = paid.iter().map(|&i| book.credit(i)).sum();
        if amount <= limit {
            continue;
        }
        // 存现: the cash went into the unit's own accounts.
        let to_own: Fen = v
            .rows
            .iter()
            .filter(|&&i| !book.is_budget(i) && book.in_accounts(i, &p.except_counter_accounts))
            .map(|&i| book.debit(i))
            .sum();
        let net = amount - to_own;
        if net <= limit {
            continue;
        }
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(net);
        d.explanation = format!(
            "凭证“{}”以库存现金支付 {} 元，超过现金结算起点 {} 元。",
            d.summary,
            net.grouped(),
            limit.grouped()
        );
        d.rows = v
            .rows
            .iter()
            .copied()
            .filter(|&i| !book.is_budget(i))
            .collect();
        out.drafts.push(d);
    }
    Ok(out)
}
