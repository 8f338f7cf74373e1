//! suspense-spending — 超范围使用结余资金.
//!
//! A voucher that expenses money and, in the same voucher, debits 其他应付款 (2307) spends a
//! balance parked there. When that balance was carried from earlier years — the sub-account's
//! credit opening balance is not yet cleared (debits clear the oldest balance first), or,
//! without opening balances, this year's credits before the voucher cannot cover the debit —
//! the department is spending old 结余 outside its budget: a 疑点.
//!
//! Look-alikes that do not fire: paying a 公务卡 bill (借 2307 公务卡, no expense line);
//! paying over withheld tax or 公积金 (代扣代缴: no expense); refunding a deposit (退还押金);
//! a 2307 balance created earlier this year and cleared now (covered by this year's credits);
//! a voucher with an expense and a 2307 debit that a 2307 credit of the same sub-account in the
//! same voucher offsets (a reclassification).

use crate::check::finding::{partly_checked, Draft};
use crate::check::text::{has_any, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "suspense-spending",
    title: "动用其他应付款挂账的以前年度结余资金列支费用",
    analytical: false,
    category: "超范围使用结余资金",
    looks_at: "同一凭证中既列支费用又借记其他应付款（2307，公务卡、代扣代缴、押金退还除外）的凭证，且该明细科目的余额来自以前年度（有贷方期初余额，或本年此前的贷方发生额不足以支付）。",
    why: "以前年度结余资金挂在其他应付款中，再直接用于列支费用，支出未按预算执行，扩大了开支范围。",
    example: "局机关 2023年1月记-17“2022年度工会经费单位行政补助”73,600.00元，其中财政拨款 50,000.00元、单位其他资金 23,600.00元（借记其他应付款-其他，为以前年度公岗报账等结余资金）。",
    look_alikes: "偿还公务卡欠款（借 2307 公务卡、无费用）；上缴代扣的个税、公积金；退还押金、保证金；本年形成、本年结清的暂收款；同一凭证内同一明细借贷相抵的调账。",
    inputs: &[("opening", false)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    except_words: WordList,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let mut out = RuleOutcome::default();

    // Opening credit balances of 2307 sub-accounts, per (entity, account code).
    let mut opening: BTreeMap<(String, String), Fen> = BTreeMap::new();
    if cx.opening.height() > 0 {
        let e = cx.opening.column("entity")?.str()?;
        let code = cx.opening.column("account_code")?.str()?;
        let bal = cx.opening.column("balance_fen")?.i64()?;
        for k in 0..cx.opening.height() {
            let (Some(e), Some(code)) = (e.get(k), code.get(k)) else {
                continue;
            };
            if c.other_payable_accounts
                .iter()
                .any(|p| code.starts_with(p.as_str()))
            {
                *opening
                    .entry((e.to_string(), code.to_string()))
                    .or_default() += -Fen(bal.get(k).unwrap_or(0));
            }
        }
    }
    let entities_with_opening: Vec<&String> = opening.keys().map(|(e, _)| e).collect();
    if opening.is_empty() {
        out.limits.push(partly_checked(
            "缺少其他应付款期初余额（期初余额行或科目余额表）：以前年度余额仅据本年贷方发生额不足以支付推断",
        ));
    }

    // Debits clear the oldest balance first: while a sub-account's carried (opening) credit
    // balance is not used up, a debit draws on it. Without opening balances, a debit is taken
    // as drawing on earlier years when this year's credits before it cannot cover it.
    let mut carried_left: BTreeMap<(String, String), Fen> = opening
        .iter()
        .filter(|(_, b)| b.0 > 0)
        .map(|(k, b)| (k.clone(), *b))
        .collect();
    let mut running: BTreeMap<(String, String), Fen> = BTreeMap::new();
    for v in &book.vouchers {
        let exp = book.expense_rows(v, c);
        let fin_exp: Fen = exp
            .iter()
            .filter(|&&i| !book.is_budget(i))
            .map(|&i| book.debit(i))
            .sum();
        // Net 2307 movement per sub-account in this voucher (debit positive).
        let mut net: BTreeMap<String, (Fen, Vec<usize>)> = BTreeMap::new();
        for &i in &v.rows {
            if book.is_budget(i) || !book.in_accounts(i, &c.other_payable_accounts) {
                continue;
            }
            let e = net.entry(book.code(i).to_string()).or_default();
            e.0 += book.debit(i);
            e.0 -= book.credit(i);
            e.1.push(i);
        }
        let has_opening_data = entities_with_opening.contains(&&v.entity);
        for (code, (n, rows)) in &net {
            let key = (v.entity.clone(), code.clone());
            let left = carried_left.get(&key).copied().unwrap_or_default();
            let from_carry = if has_opening_data {
                Fen(n.0.min(left.0).max(0))
            } else {
                let available = running.get(&key).copied().unwrap_or_default();
                Fen((n.0 - available.0.max(0)).clamp(0, n.0.max(0)))
            };
            let spending = fin_exp.0 > 0
                && n.0 > 0
                && !rows.iter().any(|&i| {
                    book.is_card(i, c)
                        || has_any(book.summary(i), &p.except_words)
                        || has_any(book.name(i), &p.except_words)
                });
            if spending && from_carry.0 > 0 {
                // The problem is the money drawn from the carried balance, not the whole
                // payment: the rest of it (零余额, this year's 暂收) was spent through the
                // budget as usual. Seed 002 states the voucher's 73,600.00 and names the
                // 23,600.00 of 单位其他资金 (the old 其他应付款 balance) as the 结余 used.
                let cash: Fen = book.cash_out(v, c).0;
                let total = Fen(fin_exp.0.max(cash.0).max(fin_exp.0 + n.0));
                let name = rows.first().map(|&i| book.name(i)).unwrap_or("");
                let mut d = Draft::for_voucher(book, v);
                d.part = Some(code.clone());
                d.amount = Some(from_carry);
                // Spending outside the budget: 预算法第五十七条's paragraph on spending as budgeted.
                d.situations = vec!["超范围支出".into()];
                let rest = Fen(total.0 - from_carry.0);
                let origin = if has_opening_data {
                    format!(
                        "该明细年初贷方余额 {} 元，此前尚未冲销 {} 元",
                        opening.get(&key).copied().unwrap_or_default().grouped(),
                        left.grouped()
                    )
                } else {
                    "本年此前该明细贷方发生额不足以支付".to_string()
                };
                d.facts = vec![
                    format!(
                        "凭证“{}”共支付 {} 元，其中 {} 元借记“{code} {name}”冲销挂账余额",
                        d.summary,
                        total.grouped(),
                        n.grouped()
                    ),
                    if from_carry == *n {
                        format!(
                            "所冲销的 {} 元为以前年度挂账的结余资金（{origin}）",
                            n.grouped()
                        )
                    } else {
                        format!(
                            "所冲销的 {} 元中 {} 元为以前年度挂账的结余资金（{origin}），其余 {} 元为本年收到的款项",
                            n.grouped(),
                            from_carry.grouped(),
                            Fen(n.0 - from_carry.0).grouped()
                        )
                    },
                    format!(
                        "问题金额按动用以前年度结余的 {} 元计，其余 {} 元按正常渠道支付，不计入",
                        from_carry.grouped(),
                        rest.grouped()
                    ),
                ];
                d.rows = v
                    .rows
                    .iter()
                    .copied()
                    .filter(|&i| !book.is_budget(i))
                    .collect();
                out.drafts.push(d);
            }
            if n.0 > 0 && left.0 > 0 {
                carried_left.insert(key.clone(), Fen(left.0 - n.0.min(left.0)));
            }
            *running.entry(key).or_default() += -*n;
        }
    }
    Ok(out)
}
