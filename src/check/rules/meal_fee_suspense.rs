//! meal-fee-suspense — 交纳公务伙食费挂往来.
//!
//! Officials on a visit who pay for their own meals hand the money to the host, which should
//! reduce the reception expense. Crediting it to 其他应付款 (2307) leaves the expense
//! overstated and a balance nobody will claim. A 2307 credit whose 摘要 names a meal fee paid
//! by visitors (调研, 检查, 督查, 缴纳 …) is a 疑点.
//!
//! Look-alikes that do not fire: staff canteen money collected and passed on (职工, 食堂 —
//! a genuine 代收代付); a refund of a meal advance credited back to the expense (not 2307);
//! meal fees credited to the expense account directly (the compliant booking).

use crate::check::finding::Draft;
use crate::check::text::{find_any, has_any, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "meal-fee-suspense",
    title: "来访人员交纳的伙食费挂往来，未冲减费用",
    analytical: false,
    category: "交纳公务伙食费挂往来",
    looks_at: "贷记其他应付款（2307）的分录，摘要写明伙食费/餐费且为来访、调研、检查人员交纳（不含职工食堂代收）。",
    why: "来访公务人员交纳的伙食费是对接待费用的补偿，应冲减相应费用；挂在其他应付款既虚增了费用，又形成长期挂账，不符合政府会计准则如实反映的要求。",
    example: "局机关 2023年6月记-15“收到市局调研缴纳伙食费”320.00元：借 银行存款，贷 其他应付款-暂收款-代扣代缴。",
    look_alikes: "职工食堂伙食费的代收代付（职工、食堂字样）；直接冲减费用科目的伙食费收入（合规做法）。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    meal_words: WordList,
    visitor_words: WordList,
    except_words: WordList,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    for v in &book.vouchers {
        let mut rows = Vec::new();
        let mut amount = Fen::ZERO;
        let mut word = String::new();
        for &i in &v.rows {
            if book.is_budget(i)
                || !book.in_accounts(i, &c.other_payable_accounts)
                || book.credit(i).0 <= 0
            {
                continue;
            }
            let s = book.summary(i);
            let Some(w) = find_any(s, &p.meal_words) else {
                continue;
            };
            if !has_any(s, &p.visitor_words) || has_any(s, &p.except_words) {
                continue;
            }
            rows.push(i);
            amount += book.credit(i);
            word = w.to_string();
        }
        if rows.is_empty() {
            continue;
        }
        let accounts: Vec<String> = rows
            .iter()
            .map(|&i| format!("{} {}", book.code(i), book.name(i)))
            .collect();
        let mut d = Draft::for_voucher(book, v);
        d.amount = Some(amount);
        d.explanation = format!(
            "凭证“{}”收到{} {} 元，贷记“{}”，未冲减相应的接待费用，形成往来挂账。",
            d.summary,
            word,
            amount.grouped(),
            accounts.join("、")
        );
        d.rows = v
            .rows
            .iter()
            .copied()
            .filter(|i| !book.is_budget(*i))
            .collect();
        out.drafts.push(d);
    }
    Ok(out)
}
