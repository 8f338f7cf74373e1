//! three-public-misclass — 转移"三公经费".
//!
//! Vehicle running costs (保养, 加油, 通行费, 贴膜, 车险 …) belong in 30231 公务用车运行维护费
//! and reception costs (接待, 招待 …) in 30217 公务接待费. An expense line whose 摘要 names one
//! of them but whose 经济分类 (the column, or the account name's last segment when the export
//! has none) is another — 办公费, 维修（护）费, 其他商品和服务支出 — moves money out of the
//! "三公经费" the department reports: a 疑点, with the amount to restate.
//!
//! Look-alikes that do not fire: fuel or repairs correctly under 30231; 维修 of a printer or a
//! building (no vehicle word); tolls and taxis inside a 差旅费 reimbursement (30211 and
//! 差旅/出差/出租车 are excluded); meeting and training meals (会议费/培训费); car hire for a
//! meeting; lines with no 经济分类 at all (cannot be judged — counted in the scope limit).

use crate::check::finding::{partly_checked, Draft};
use crate::check::text::{find_any, has_any, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "three-public-misclass",
    title: "转移“三公经费”（公务用车、公务接待费用在其他科目列支）",
    analytical: false,
    category: "转移“三公经费”",
    looks_at: "费用分录摘要含公务用车运行维护（保养、加油、通行费、贴膜、洗车、车险等）或公务接待（接待、招待）字样，而经济分类不是 30231 公务用车运行维护费 / 30217 公务接待费（无经济分类列时按科目名称末级判断）。",
    why: "“三公经费”须按规定科目如实核算和公开；把公务用车、公务接待费用计入办公费、维修费等科目，使“三公经费”决算数偏低，违反预算法“按照预算执行”和会计法如实核算的要求。",
    example: "局机关 2023年4月记-14“支付公务用车保养费、贴膜费、1-3月通行费”6,039.77元，核算为办公费（30201）。",
    look_alikes: "燃油费、维修费正确列支在 30231；打印机、房屋维修（无车辆字样）；差旅费中的过路费、出租车费（30211 及差旅/出差/出租车字样除外）；会议、培训期间的用餐；会议租车；没有经济分类的分录（无法判断，计入范围限制）。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    vehicle_words: WordList,
    vehicle_repair_words: WordList,
    vehicle_context: WordList,
    vehicle_econ: Vec<String>,
    reception_words: WordList,
    reception_econ: Vec<String>,
    except_words: WordList,
    except_econ: Vec<String>,
}

/// Rows, amount, words seen, classifications booked under — for vehicle and for reception.
type Hits = (Vec<usize>, Fen, Vec<String>, Vec<String>);

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let c = &cx.config.common;
    let book = cx.book;
    let mut out = RuleOutcome::default();
    let mut unclassified = 0usize;
    let repair_like = &p.vehicle_repair_words;
    for v in &book.vouchers {
        // kind → (rows, amount, words, booked-under)
        let mut hits: [Hits; 2] = Default::default();
        for i in book.expense_rows(v, c) {
            let s = book.summary(i);
            if has_any(s, &p.except_words) {
                continue;
            }
            let vehicle = find_any(s, &p.vehicle_words)
                .map(str::to_string)
                .or_else(|| {
                    (has_any(s, repair_like) && has_any(s, &p.vehicle_context))
                        .then(|| find_any(s, repair_like).unwrap_or("").to_string())
                });
            let reception = find_any(s, &p.reception_words).map(str::to_string);
            if vehicle.is_none() && reception.is_none() {
                continue;
            }
            let Some(econ) = book.econ(i) else {
                unclassified += 1;
                continue;
            };
            if p.except_econ.iter().any(|x| x == econ) {
                continue;
            }
            let booked = match book.econ_name.get(i).filter(|n| !n.is_empty()) {
                Some(n) => format!("{econ} {n}"),
                None => econ.to_string(),
            };
            for (k, word, allowed) in [
                (0, &vehicle, &p.vehicle_econ),
                (1, &reception, &p.reception_econ),
            ] {
                let Some(w) = word else { continue };
                if allowed.iter().any(|x| x == econ) {
                    continue;
                }
                let h = &mut hits[k];
                h.0.push(i);
                h.1 += book.debit(i);
                if !h.2.contains(w) {
                    h.2.push(w.clone());
                }
                if !h.3.contains(&booked) {
                    h.3.push(booked.clone());
                }
            }
        }
        for (k, (rows, amount, words, booked)) in hits.into_iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let (part, right) = if k == 0 {
                ("公务用车", "30231 公务用车运行维护费")
            } else {
                ("公务接待", "30217 公务接待费")
            };
            let mut d = Draft::for_voucher(book, v);
            d.part = Some(part.into());
            d.amount = Some(amount);
            d.facts = vec![
                format!(
                    "凭证“{}”{} 元，摘要写明“{}”",
                    d.summary,
                    amount.grouped(),
                    words.join("、")
                ),
                format!("账务核算在 {}，未在 {} 中核算", booked.join("、"), right),
            ];
            d.unseen = vec![format!(
                "费用实际内容是否为{part}费用？如属实，“三公经费”少计 {} 元",
                amount.grouped()
            )];
            d.rows = rows;
            out.drafts.push(d);
        }
    }
    if unclassified > 0 {
        out.limits.push(partly_checked(format!(
            "{unclassified} 行摘要含公务用车/接待字样的费用分录没有经济分类（导出中无经济分类列，科目名称也未体现），未能判断是否转移“三公经费”"
        )));
    }
    Ok(out)
}
