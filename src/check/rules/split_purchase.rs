//! split-purchase — 化整为零规避公开招标.
//!
//! 《政府采购法实施条例》第二十八条 (verbatim in the reference notes): 在一个财政年度内，采购人将
//! 一个预算项目下的同一品目或者类别的货物、服务采用公开招标以外的方式多次采购，累计资金数额超过
//! 公开招标数额标准的，属于以化整为零方式规避公开招标 — except 项目预算调整 or 经批准采用公开招标以外
//! 方式. The rule tests the elements the books hold: one fiscal year; one 预算项目 (the export's
//! 项目 column; without it the whole year of the 核算单位, said in the finding); one 品目 (the
//! books hold no 品目: the 经济分类 stands in for it, said in the finding); 货物、服务 only
//! (`econ_prefixes`, less 工程 codes and words); several payments each under the standard,
//! together over it. Payments at or above the standard alone are taken as tendered and left out.
//!
//! The standard is the province's 公开招标数额标准 for the year, given per engagement with its
//! source document (`threshold`, `threshold_source` in the engagement's rules config): there is
//! no default — without it the rule is a scope limit (未检查), never a guess.
//!
//! Look-alikes that do not fire: public utilities and regulated tariffs (水费, 电费, 邮电/通讯,
//! 取暖, 物业 under a contract: `exclude_econ`, `exclude_words`); subsidies and transfers —
//! 303xx, 301xx, and a 补贴 passed through a provider under a programme (就业见习补贴 paid to a
//! 人力资源服务 company under 30227: `transfer_words`); 工程; payments to persons; a year whose
//! payments stay under the standard; the same supplier for different 经济分类 that each stay
//! under it.

use crate::check::config::fen;
use crate::check::finding::{not_checked, Draft};
use crate::check::text::{find_any, has_any, is_person, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DOC: Doc = Doc {
    id: "split-purchase",
    title: "同一预算项目同类货物服务多次非招标采购累计超过公开招标数额标准，疑似化整为零规避公开招标",
    analytical: false,
    category: "政府采购执行不规范",
    looks_at: "同一财政年度、同一预算项目（账面无项目时按核算单位全年）、同一品目（账面无品目，以经济分类代替）的货物、服务支出，单笔均低于本省公开招标数额标准、累计超过该标准的（标准及其文件出处由项目配置给出，未给出时本规则不运行并列入范围限制）。不含工程、公用事业和政府定价收费（水电、通讯、物业）、补贴和转移支付（303、经服务机构转付的补贴）、工资福利（301）。",
    why: "《政府采购法》第二十八条禁止将应当以公开招标方式采购的货物或者服务化整为零规避公开招标；《政府采购法实施条例》第二十八条规定，在一个财政年度内将一个预算项目下的同一品目或者类别的货物、服务采用公开招标以外的方式多次采购，累计资金数额超过公开招标数额标准的，属于以化整为零方式规避公开招标（项目预算调整或者经批准采用公开招标以外方式采购的除外）。",
    example: "项目“信息化建设”下，一年内 6 次各支付 18 万元“信息系统运维服务费”（31007），合计 108 万元，超过项目配置给出的本省公开招标数额标准 100 万元（文件出处见配置）。",
    look_alikes: "单笔达到标准（应已公开招标）；累计未超过标准；不同预算项目或不同品目（经济分类）；水费、电费、通讯费、物业费等公用事业和政府定价收费；就业见习补贴等经服务机构转付的补贴和 303 对个人和家庭的补助；301 工资福利；工程；付给个人的款项。",
    inputs: &[],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    threshold: String,
    threshold_source: String,
    min_payments: usize,
    econ_prefixes: Vec<String>,
    exclude_econ_prefixes: Vec<String>,
    exclude_words: WordList,
    transfer_words: WordList,
    works_words: WordList,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let mut out = RuleOutcome::default();
    if p.threshold.trim().is_empty() || p.threshold_source.trim().is_empty() {
        out.limits.push(not_checked(if p.threshold.trim().is_empty() {
            "未给出本省当年的公开招标数额标准（项目规则配置 [split-purchase] threshold 及 threshold_source）：化整为零规避公开招标未检查"
        } else {
            "公开招标数额标准未注明文件出处（项目规则配置 [split-purchase] threshold_source）：化整为零规避公开招标未检查"
        }));
        return Ok(out);
    }
    let limit = fen("threshold", &p.threshold)?;
    let source = p.threshold_source.trim();
    let c = &cx.config.common;
    let book = cx.book;
    // (entity, year, project, econ) → [(voucher index, amount, rows)]
    type Pays = Vec<(usize, Fen, Vec<usize>)>;
    let mut groups: BTreeMap<(String, i32, Option<String>, String), Pays> = BTreeMap::new();
    for (k, v) in book.vouchers.iter().enumerate() {
        if let Some(cp) = v.rows.iter().find_map(|&i| book.counterparty(i)) {
            if is_person(cp, &c.org_suffixes, &c.person_words) {
                continue;
            }
        }
        let mut per: BTreeMap<(Option<String>, String), (Fen, Vec<usize>)> = BTreeMap::new();
        for i in book.expense_rows(v, c) {
            let Some(e) = book.econ(i) else { continue };
            let starts = |l: &[String]| l.iter().any(|x| e.starts_with(x.as_str()));
            if !starts(&p.econ_prefixes) || starts(&p.exclude_econ_prefixes) {
                continue;
            }
            let s = book.summary(i);
            if has_any(s, &p.exclude_words)
                || has_any(s, &p.transfer_words)
                || has_any(s, &p.works_words)
            {
                continue;
            }
            let project = book.project(i).map(str::to_string);
            let slot = per.entry((project, e.to_string())).or_default();
            slot.0 += book.debit(i);
            slot.1.push(i);
        }
        for ((project, e), (amt, rows)) in per {
            if amt.0 > 0 {
                groups
                    .entry((v.entity.clone(), v.year, project, e))
                    .or_default()
                    .push((k, amt, rows));
            }
        }
    }
    for ((entity, year, project, econ), pays) in groups {
        // A payment at or above the standard alone is taken as tendered.
        let small: Vec<&(usize, Fen, Vec<usize>)> = pays.iter().filter(|x| x.1 < limit).collect();
        if small.len() < p.min_payments.max(2) {
            continue;
        }
        let total: Fen = small.iter().map(|x| x.1).sum();
        if total <= limit {
            continue;
        }
        let last = &book.vouchers[small.last().map(|x| x.0).unwrap_or(0)];
        let labels: Vec<String> = small.iter().map(|x| book.vouchers[x.0].label()).collect();
        let econ_name = small
            .iter()
            .flat_map(|x| x.2.iter())
            .find_map(|&i| book.econ_name.get(i).filter(|n| !n.is_empty()))
            .unwrap_or("");
        let mut d = Draft::for_voucher(book, last);
        d.entity = Some(entity.clone());
        d.part = Some(format!("{}-{econ}", project.as_deref().unwrap_or("全年")));
        d.amount = Some(total);
        let tendered = pays.len() - small.len();
        d.facts = vec![
            format!(
                "{year}年{}，经济分类 {econ}{} 支出 {} 笔，单笔均低于公开招标数额标准 {} 元，合计 {} 元，超过该标准（凭证：{}）",
                match &project {
                    Some(pj) => format!("预算项目“{pj}”下"),
                    None => format!("{entity}全年（账面无预算项目，按核算单位全年合计）"),
                },
                if econ_name.is_empty() { String::new() } else { format!(" {econ_name}") },
                small.len(),
                limit.grouped(),
                total.grouped(),
                labels.join("、")
            ),
            format!("公开招标数额标准 {} 元，出处：{source}", limit.grouped()),
            "账面无采购品目，以经济分类代替品目或者类别".into(),
        ];
        if tendered > 0 {
            d.facts.push(format!(
                "另有 {tendered} 笔单笔达到标准，视为已公开招标，未计入合计"
            ));
        }
        if let Some(w) = small
            .iter()
            .flat_map(|x| x.2.iter())
            .find_map(|&i| find_any(book.summary(i), &p.works_words))
        {
            d.facts.push(format!("摘要含“{w}”"));
        }
        d.unseen = vec![
            "各笔是否为同一品目或者类别的货物、服务，是否以公开招标以外的方式采购？".into(),
            "项目预算是否调整，是否经批准采用公开招标以外方式采购？".into(),
        ];
        d.rows = small.iter().flat_map(|x| x.2.iter().copied()).collect();
        out.drafts.push(d);
    }
    Ok(out)
}
