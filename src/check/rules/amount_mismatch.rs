//! amount-mismatch — 支付金额与列支金额不符.
//!
//! Within one voucher the cash actually paid on the 财务会计 side (credits − debits of 1001 /
//! 1002 / 1011 / 1021) must equal the 资金结存 (8001) outflow on the 预算会计 side: both record
//! the same payment. A difference is a 疑点, unless a non-budget account moving in the same
//! voucher explains it exactly (a 2307 暂收暂付 or 应缴财政款 leg has no 预算会计 entry). A
//! 摘要 that states its arithmetic (`16人*500.00元/人`) must also agree with what was expensed.
//!
//! Comparing cash legs rather than whole sides is what keeps legitimate differences out:
//! accruals (2201 应付职工薪酬), withholdings (230701), depreciation and 公务卡 reimbursements
//! (2307) move no cash, so they change one side's totals but not the cash legs; period-end
//! closing entries move no cash at all.

use crate::check::config::fen;
use crate::check::finding::Draft;
use crate::check::text::stated_product;
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "amount-mismatch",
    title: "支付金额与列支金额不符",
    analytical: false,
    category: "超预算金额列支费用",
    looks_at: "同一凭证中财务会计的现金类科目（库存现金、银行存款、零余额账户用款额度、其他货币资金）净支付额与预算会计“资金结存”净减少额不一致（能由同凭证内其他应付款等非预算科目的发生额恰好解释的除外）；摘要写明“人数×标准”的，与列支金额不一致。",
    why: "财务会计与预算会计记录的是同一笔支付，金额应当一致；实付金额大于预算列支或标准计算金额，说明多付或多记支出，不符合会计法按实际发生的经济业务核算的要求。",
    example: "局机关 2023年1月记-22“支付春节慰问费（16人*500.00元/人）”：预算会计列支 9,000.00元，银行存款转账王丽珍个人卡 9,009.85元，多记 9.85元；而摘要的 16×500.00 只有 8,000.00元。",
    look_alikes: "计提工资（2201）与发放、代扣代缴（230701）、计提折旧、公务卡报销（2307）等不动用现金的分录；收到暂收款、上缴应缴财政款等非预算收支（差额恰为同凭证内 2307/2103 等科目发生额）；期末结转分录。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    explained_by_accounts: Vec<String>,
    tolerance: String,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let tol = fen("tolerance", &p.tolerance)?;
    let mut out = RuleOutcome::default();
    for v in &book.vouchers {
        let (cash, has_cash) = book.cash_out(v, c);
        let (bcash, has_bcash) = book.budget_cash_out(v, c);
        let mut reasons: Vec<String> = Vec::new();
        let mut rows: Vec<usize> = Vec::new();
        // The excesses the finding establishes: between the two books, and between what was
        // expensed and the 摘要's stated arithmetic.
        let mut books_diff: Option<Fen> = None;
        let mut stated_diff: Option<Fen> = None;
        if has_cash && has_bcash {
            let diff = cash - bcash;
            if diff.abs() > tol {
                // Net movement of the non-budget accounts, as a payment would show it.
                let mut non_budget = Fen::ZERO;
                for &i in &v.rows {
                    if !book.is_budget(i) && book.in_accounts(i, &p.explained_by_accounts) {
                        non_budget += book.debit(i);
                        non_budget -= book.credit(i);
                    }
                }
                if non_budget.abs() != diff.abs() {
                    books_diff = Some(diff.abs());
                    reasons.push(format!(
                        "财务会计现金类科目净支付 {} 元，预算会计资金结存净减少 {} 元，相差 {} 元",
                        cash.grouped(),
                        bcash.grouped(),
                        diff.grouped()
                    ));
                    rows.extend(v.rows.iter().copied().filter(|&i| {
                        book.in_accounts(i, &c.cash_accounts)
                            || book.in_accounts(i, &c.budget_cash_accounts)
                    }));
                }
            }
        }
        // The stated arithmetic, from the first line that has one.
        let stated = v
            .rows
            .iter()
            .find_map(|&i| stated_product(book.summary(i)).map(|x| (i, x)));
        // The expense lines only matter with a stated product or a finding (most vouchers
        // have neither).
        if stated.is_none() && reasons.is_empty() {
            continue;
        }
        let exp = book.expense_rows(v, c);
        if let Some((i, (product, a, b))) = stated {
            let fin_exp: Fen = exp
                .iter()
                .filter(|&&i| !book.is_budget(i))
                .map(|&i| book.debit(i))
                .sum();
            let bud_exp: Fen = v
                .rows
                .iter()
                .filter(|&&i| book.in_accounts(i, &c.budget_expense_accounts))
                .map(|&i| book.debit(i))
                .sum();
            let booked: Vec<Fen> = [fin_exp, bud_exp]
                .into_iter()
                .filter(|f| f.0 != 0)
                .collect();
            if !booked.is_empty() && booked.iter().any(|&f| (f - product).abs() > tol) {
                let excess = booked
                    .iter()
                    .map(|&f| (f - product).abs())
                    .max()
                    .unwrap_or_default();
                stated_diff = Some(excess);
                reasons.push(format!(
                    "列支{}，与摘要所列 {a}×{b} = {} 元不符，差额 {} 元待核实",
                    [("财务会计费用", fin_exp), ("预算会计支出", bud_exp)]
                        .iter()
                        .filter(|(_, f)| f.0 != 0)
                        .map(|(n, f)| format!("{n} {} 元", f.grouped()))
                        .collect::<Vec<_>>()
                        .join("、"),
                    product.grouped(),
                    excess.grouped()
                ));
                if !rows.contains(&i) {
                    rows.push(i);
                }
            }
        }
        if reasons.is_empty() {
            continue;
        }
        rows.extend(exp.iter().copied());
        rows.sort_by_key(|&i| (book.line_no.get(i), i));
        rows.dedup();
        let mut d = Draft::for_voucher(book, v);
        // The amount is the excess the finding establishes, never the voucher's total: the
        // books' difference when the two books disagree (the other difference is context),
        // else the difference from the 摘要's arithmetic.
        let (amount, basis) = match (books_diff, stated_diff) {
            (Some(b), Some(st)) => (
                b,
                format!(
                    "问题金额取财务会计与预算会计的差额 {} 元（两套账记录同一笔支付，差额即多记或少记的部分）；与摘要计算金额的差额 {} 元列作背景，待核实",
                    b.grouped(),
                    st.grouped()
                ),
            ),
            (Some(b), None) => (
                b,
                format!(
                    "问题金额取财务会计与预算会计的差额 {} 元（两套账记录同一笔支付，差额即多记或少记的部分）",
                    b.grouped()
                ),
            ),
            (None, Some(st)) => (
                st,
                format!(
                    "问题金额取列支金额与摘要计算金额的差额 {} 元（超出摘要所列标准的部分）",
                    st.grouped()
                ),
            ),
            (None, None) => continue,
        };
        d.amount = Some(amount);
        let seen = format!("凭证“{}”：{}", d.summary, reasons.join("；"));
        d.explanation = format!("{seen}。{basis}。");
        d.facts = vec![seen, basis];
        d.rows = rows;
        out.drafts.push(d);
    }
    Ok(out)
}
