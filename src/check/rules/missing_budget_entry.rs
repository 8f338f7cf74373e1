//! missing-budget-entry — 未按规定进行预算会计核算.
//!
//! 财会〔2017〕25号 第一部分第五条: a cash receipt or payment within the department budget is
//! recorded on both bases (平行记账). A voucher that moves cash on the 财务会计 side and has no
//! 预算会计 line is a 疑点 — unless every other line is an account whose cash movements stay
//! outside the budget (暂收暂付 2307/1218, 应缴财政款 2103, 受托代理 2901, transfers between
//! the unit's own cash accounts), which the same article exempts ("对于其他业务，仅需进行财务
//! 会计核算"). The exemption is lifted when an earlier rule (income-in-suspense) found that the
//! money parked in 2307 is really income.
//!
//! An entity whose export holds no 预算会计 line at all is not tested (the 预算会计 side was
//! probably exported separately): that is a scope limit, not a wall of findings.
//! Look-alikes that do not fire: 暂收款, 押金, 代扣代缴 remitted; 公务卡 repayment that is
//! expensed with its 预算会计 entry; 取现 (1002 → 1001); non-cash vouchers (accruals,
//! depreciation, closing entries).

use crate::check::finding::{not_checked, Draft};
use crate::check::{Context, Doc, RuleOutcome};
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "missing-budget-entry",
    title: "现金收支未同时进行预算会计核算",
    analytical: false,
    category: "预算会计核算不规范",
    looks_at: "财务会计现金类科目有净收付、但同一凭证中没有任何预算会计分录的凭证；对方科目全为暂收暂付、应缴财政款、受托代理等非预算科目的除外（该款项被 income-in-suspense 认定为收入的，不再除外）。整个核算单位没有预算会计分录时不检查并列入范围限制。",
    why: "政府会计制度要求单位对纳入部门预算管理的现金收支业务，在采用财务会计核算的同时进行预算会计核算；漏记预算会计使预算收支和结转结余失真。",
    example: "局机关 2023年10月记-13“收到红十字会拨网络筹款”3,533.84元：借 银行存款，贷 其他应付款-其他，未做预算会计核算。",
    look_alikes: "收取或退还押金、保证金，上缴代扣代缴款，公务卡还款（已做预算会计分录），提取现金（银行存款转库存现金），计提、折旧、期末结转等不涉及现金的凭证。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    exempt_counter_accounts: Vec<String>,
    unless_flagged_by: Vec<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    let with_budget: std::collections::BTreeSet<&str> = (0..book.len())
        .filter(|&i| book.is_budget(i))
        .filter_map(|i| book.entity.get(i))
        .collect();
    for e in &book.entities {
        if !with_budget.contains(e.as_str()) {
            let mut l = not_checked("账套导出中没有预算会计分录（可能另行导出），未检查平行记账");
            l.entity = Some(e.clone());
            out.limits.push(l);
        }
    }
    for v in &book.vouchers {
        if !with_budget.contains(v.entity.as_str()) || book.has_budget_lines(v) {
            continue;
        }
        let (cash, any) = book.cash_out(v, c);
        if !any || cash.0 == 0 {
            continue;
        }
        let counters: Vec<usize> = v
            .rows
            .iter()
            .copied()
            .filter(|&i| !book.in_accounts(i, &c.cash_accounts))
            .collect();
        let exempt = !counters.is_empty()
            && counters
                .iter()
                .all(|&i| book.in_accounts(i, &p.exempt_counter_accounts));
        let label = v.label();
        let lifted = p
            .unless_flagged_by
            .iter()
            .find(|r| cx.was_flagged(r, &v.entity, &label));
        if exempt && lifted.is_none() {
            continue;
        }
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(cash.abs());
        let dir = if cash.0 > 0 { "支付" } else { "收到" };
        d.explanation = format!(
            "凭证“{}”以现金类科目{}款项 {} 元，同一凭证中没有预算会计分录（未登记预算收入/预算支出和资金结存）{}。",
            d.summary,
            dir,
            cash.abs().grouped(),
            match lifted {
                Some(r) => format!("；规则 {r} 将该款项列为疑似应纳入收入管理的款项（如属实，则不是仅需财务会计核算的暂收款）"),
                None => String::new(),
            }
        );
        d.rows = v.rows.clone();
        out.drafts.push(d);
    }
    Ok(out)
}
