//! Applying review.toml to a run's findings: each finding's status and judgement (by id, else
//! by rule, entity and voucher or asset when a rule change altered the id), the manual findings
//! and the asset findings of the inspection added, the 取证单 numbers given, and every
//! judgement that could not be placed reported.

use super::file::{Entry, ReviewFile};
use super::merge::citation_ids;
use super::words::Words;
use crate::check::citations::Catalogue;
use crate::model::findings::{Evidence, Finding, Judgement, Kind, Status};
use crate::model::money::Fen;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use polars::prelude::DataFrame;
use serde::Serialize;
use std::collections::BTreeSet;

/// What applying review.toml did (findings.json `review`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct ReviewReport {
    pub file: String,
    /// Findings with a judgement, by status.
    pub confirmed: usize,
    pub excluded: usize,
    pub undecided: usize,
    /// Judgements placed by rule, entity and voucher or asset (old id → new id).
    pub carried: Vec<String>,
    /// Judgements of review.toml that match no finding of this run (kept in the file).
    pub unplaced: Vec<String>,
    pub manual_findings: usize,
    pub asset_findings: usize,
}

pub const ASSET_RULE: &str = "asset-inspection";

fn judgement(e: &Entry) -> Judgement {
    let g = |f: &str| e.get(f).to_string();
    Judgement {
        conclusion: g("conclusion"),
        note: g("note"),
        verifier: g("verifier"),
        verified_on: g("verified_on"),
        evidence_no: g("evidence_no"),
        reviewer: g("reviewer"),
        reviewed_on: g("reviewed_on"),
        response: g("response"),
        response_note: g("response_note"),
        evidence_sheet: String::new(),
        carried_from: String::new(),
    }
}

/// Where a finding sits for the fallback: its voucher, else its asset.
pub fn place_of(f: &Finding) -> String {
    f.voucher
        .clone()
        .or_else(|| f.asset.clone())
        .unwrap_or_default()
}

/// Apply `review` to `findings` (in place; manual and asset findings appended).
pub fn apply(
    findings: &mut Vec<Finding>,
    review: &ReviewFile,
    words: &Words,
    catalogue: &Catalogue,
    assets: &DataFrame,
    as_of: NaiveDate,
) -> Result<ReviewReport> {
    let mut rep = ReviewReport {
        file: super::file::FILE.into(),
        ..Default::default()
    };
    for e in &review.manual {
        findings.push(manual_finding(e, words, catalogue, as_of)?);
        rep.manual_findings += 1;
    }
    let rows = crate::workbook::sheets::asset_rows(assets);
    for e in &review.asset {
        let state = e.get("state");
        let Some(ws) = words.asset_state(state) else {
            continue;
        };
        match rows.get(&e.id) {
            Some(&i) => {
                findings.push(asset_finding(e, ws, assets, i, catalogue, as_of));
                rep.asset_findings += 1;
            }
            None => rep.unplaced.push(format!(
                "资产 {}（{}，实盘状态 {state}）：资产明细表中没有这一资产，未生成资产问题",
                e.id, e.plan
            )),
        }
    }
    let current: BTreeSet<String> = findings.iter().map(|f| f.id.clone()).collect();
    let current_ref: BTreeSet<&str> = current.iter().map(String::as_str).collect();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for f in findings
        .iter_mut()
        .filter(|f| f.kind != Kind::Analytical && f.rule != words.manual.rule)
    {
        let entity = f.entity.clone().unwrap_or_default();
        let Some((e, fallback)) =
            review.finding_for(&f.id, &f.rule, &entity, &place_of(f), &current_ref)
        else {
            continue;
        };
        if !used.insert(e.id.clone()) {
            continue;
        }
        let mut j = judgement(e);
        if fallback {
            j.carried_from = e.id.clone();
            rep.carried.push(format!("{} → {}", e.id, f.id));
        }
        if let Some(s) = words.status(&j.conclusion) {
            f.status = s;
        } else if !j.conclusion.is_empty() {
            bail!(
                "review.toml 中疑点 {} 的核实结论“{}”不是可用的结论（{}）",
                e.id,
                j.conclusion,
                words
                    .conclusions
                    .map
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("、")
            );
        }
        f.judgement = Some(j);
    }
    for e in &review.finding {
        if !used.contains(&e.id) {
            rep.unplaced.push(format!(
                "疑点 {}（{} {} {}）：本次结果中没有这一疑点，核实结论未用上（保留在 review.toml 中）",
                e.id, e.rule, e.entity, e.place
            ));
        }
    }
    // The 取证单 numbers: the auditor's 取证单号, else the next free one of the tool's.
    let taken: BTreeSet<String> = findings
        .iter()
        .filter_map(|f| f.judgement.as_ref())
        .map(|j| j.evidence_no.clone())
        .filter(|n| !n.is_empty())
        .collect();
    let mut n = 0u32;
    for f in findings.iter_mut() {
        match f.status {
            Status::Confirmed => rep.confirmed += 1,
            Status::Excluded => rep.excluded += 1,
            Status::Undecided => rep.undecided += 1,
            Status::Pending => {}
        }
        if f.status != Status::Confirmed || f.kind != Kind::Issue {
            continue;
        }
        // The review settled it: the facts stop saying they await verification (the
        // auditor's own manual findings are left as typed).
        if f.rule != words.manual.rule {
            let pending = words.pending_words();
            for x in f.facts.iter_mut() {
                *x = settled(x, pending);
            }
            f.explanation = settled(&f.explanation, pending);
        }
        let j = f.judgement.get_or_insert_with(Judgement::default);
        j.evidence_sheet = if j.evidence_no.is_empty() {
            loop {
                n += 1;
                let no = format!("{}{n:03}", words.evidence.prefix);
                if !taken.contains(&no) {
                    break no;
                }
            }
        } else {
            j.evidence_no.clone()
        };
    }
    Ok(rep)
}

/// `text` without the words that say it awaits verification: a bracket (（…） or (…)) that holds
/// one is left out; elsewhere the word goes with the comma or space before it. What is quoted
/// (“…”: a voucher's 摘要, a cell as written) is never touched. Text without them is returned
/// as it is.
pub fn settled(text: &str, pending: &[String]) -> String {
    let words: Vec<&str> = pending
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    // Byte offsets of `t` outside “…”.
    let outside = |t: &str| -> Vec<bool> {
        let mut depth = 0i32;
        let mut out = vec![true; t.len() + 1];
        for (i, c) in t.char_indices() {
            if c == '“' {
                depth += 1;
            }
            out[i] = depth == 0;
            if c == '”' {
                depth = (depth - 1).max(0);
            }
        }
        out
    };
    // The first pending word of `t` outside quotations: (start, word).
    let find = |t: &str| -> Option<(usize, usize)> {
        let ok = outside(t);
        let mut best: Option<(usize, usize)> = None;
        for w in &words {
            let mut from = 0;
            while let Some(i) = t[from..].find(w).map(|i| i + from) {
                if ok[i] {
                    // The longest word at the earliest place (待进一步核实 before 待核实).
                    if best.is_none_or(|(b, l)| i < b || (i == b && w.len() > l)) {
                        best = Some((i, w.len()));
                    }
                    break;
                }
                from = i + w.len();
            }
        }
        best
    };
    if find(text).is_none() {
        return text.to_string();
    }
    let mut out = text.to_string();
    // Brackets holding a pending word (outside quotations), innermost first.
    loop {
        let ok = outside(&out);
        let mut stack: Vec<usize> = Vec::new();
        let mut cut = None;
        for (i, c) in out.char_indices() {
            if !ok[i] {
                continue;
            }
            match c {
                '（' | '(' => stack.push(i),
                '）' | ')' => {
                    if let Some(j) = stack.pop() {
                        let end = i + c.len_utf8();
                        if find(&out[j..end]).is_some() {
                            cut = Some((j, end));
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
        match cut {
            Some((a, b)) => out.replace_range(a..b, ""),
            None => break,
        }
    }
    while let Some((i, len)) = find(&out) {
        let mut start = i;
        while let Some(c) = out[..start].chars().next_back() {
            if matches!(c, '，' | '、' | ' ' | ',') {
                start -= c.len_utf8();
            } else {
                break;
            }
        }
        out.replace_range(start..i + len, "");
    }
    out.trim_end_matches(['，', '、', ' ']).to_string()
}

fn cite(
    catalogue: &Catalogue,
    ids: &[String],
    as_of: NaiveDate,
    entity: Option<&str>,
) -> Vec<crate::model::findings::Citation> {
    ids.iter()
        .map(|id| catalogue.cite_for(id, as_of, entity))
        .collect()
}

fn manual_finding(
    e: &Entry,
    words: &Words,
    catalogue: &Catalogue,
    as_of: NaiveDate,
) -> Result<Finding> {
    let category = e.get("category");
    if !crate::model::categories::is_known(category)? {
        bail!(
            "review.toml 中人工问题 {} 的类别“{category}”不在类别目录中，应为 {} 之一",
            e.id,
            crate::model::categories::names()?
        );
    }
    let ids = citation_ids(e.get("citations"));
    for id in &ids {
        if !catalogue.has_family(id) {
            bail!(
                "review.toml 中人工问题 {} 的依据编号“{id}”不在法规目录中",
                e.id
            );
        }
    }
    let amount = match e.get("amount") {
        "" => None,
        raw => Some(
            crate::model::money::parse_amount(raw)
                .map_err(|m| anyhow::anyhow!("review.toml 中人工问题 {} 的金额“{raw}”：{m}", e.id))?
                .fen
                .to_yuan(),
        ),
    };
    let entity = Some(e.get("entity").to_string()).filter(|s| !s.is_empty());
    let facts: Vec<String> = e
        .get("facts")
        .split('\n')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let title = e.get("title").to_string();
    let (quotable, unquoted): (Vec<_>, Vec<_>) = cite(catalogue, &ids, as_of, entity.as_deref())
        .into_iter()
        .partition(|c| c.quotable());
    Ok(Finding {
        id: e.id.clone(),
        rule: words.manual.rule.clone(),
        title: if title.is_empty() {
            category.to_string()
        } else {
            title.clone()
        },
        category: category.to_string(),
        aspect: None,
        kind: Kind::Issue,
        entity,
        voucher: Some(e.get("voucher").to_string()).filter(|s| !s.is_empty()),
        asset: None,
        date: None,
        amount,
        summary: if title.is_empty() {
            facts.first().cloned().unwrap_or_default()
        } else {
            title
        },
        status: words.manual_status(e.get("conclusion")),
        explanation: facts.join("；"),
        facts,
        fact_evidence: Vec::new(),
        unseen: Vec::new(),
        verify: String::new(),
        evidence: Vec::new(),
        citations: quotable,
        unquoted_citations: unquoted,
        recommendation: String::new(),
        judgement: Some(judgement(e)),
    })
}

fn asset_finding(
    e: &Entry,
    ws: &super::words::AssetState,
    df: &DataFrame,
    i: usize,
    catalogue: &Catalogue,
    as_of: NaiveDate,
) -> Finding {
    let s = |c: &str| -> String {
        df.column(c)
            .ok()
            .and_then(|c| c.str().ok().and_then(|c| c.get(i).map(str::to_string)))
            .unwrap_or_default()
    };
    let fen = |c: &str| -> Option<Fen> {
        df.column(c)
            .ok()
            .and_then(|c| c.i64().ok().and_then(|c| c.get(i)))
            .map(Fen)
    };
    let row = df
        .column("source_row")
        .ok()
        .and_then(|c| c.u32().ok().and_then(|c| c.get(i)))
        .unwrap_or(0);
    let entity = s("entity");
    let code = s("asset_code");
    let name = s("asset_name");
    let original = fen("original_fen");
    let net = fen("net_fen");
    let amount = if ws.amount == "net" { net } else { original };
    let yuan = |f: Option<Fen>| f.map(|f| f.grouped()).unwrap_or_else(|| "—".into());
    let mut seen = vec![format!("实盘状态：{}", e.get("state"))];
    for (id, label) in [
        ("quantity", "实存数量"),
        ("place", "存放地点"),
        ("note", "备注"),
    ] {
        if !e.get(id).is_empty() {
            seen.push(format!("{label}：{}", e.get(id)));
        }
    }
    let facts = vec![
        format!(
            "资产卡片：{code} {name}，原值 {} 元，净值 {} 元，登记状况 {}，登记存放地点 {}",
            yuan(original),
            yuan(net),
            s("status"),
            s("location")
        ),
        format!("实地抽查（{}）：{}", e.plan, seen.join("，")),
    ];
    let (quotable, unquoted): (Vec<_>, Vec<_>) = cite(
        catalogue,
        &ws.citations,
        as_of,
        Some(entity.as_str()).filter(|s| !s.is_empty()),
    )
    .into_iter()
    .partition(|c| c.quotable());
    Finding {
        id: format!("{ASSET_RULE}/{entity}/{}", e.id),
        rule: ASSET_RULE.into(),
        title: ws.title.clone(),
        category: ws.category.clone(),
        aspect: None,
        kind: Kind::Issue,
        entity: Some(entity).filter(|s| !s.is_empty()),
        voucher: None,
        asset: Some(e.id.clone()),
        date: Some(as_of.to_string()),
        amount: amount.map(Fen::to_yuan),
        summary: format!("{name}（{code}）实盘{}", e.get("state")),
        // The inspection is the auditor's own observation: the finding is confirmed.
        status: Status::Confirmed,
        explanation: facts.join("；"),
        facts,
        fact_evidence: Vec::new(),
        unseen: Vec::new(),
        verify: String::new(),
        evidence: vec![
            Evidence {
                summary: format!("资产卡片 {code} {name}"),
                debit: original.map(Fen::to_yuan),
                source: format!("{}:{}:{row}", s("source_file"), s("source_sheet")),
                ..Default::default()
            },
            Evidence {
                summary: format!("实地抽查：{}", seen.join("，")),
                source: format!("review.toml:asset:{}", e.id),
                ..Default::default()
            },
        ],
        citations: quotable,
        unquoted_citations: unquoted,
        recommendation: ws.recommendation.clone(),
        // E1 shows it with blank judgement cells: a 复核 or the department's response typed
        // there is taken in as any finding's.
        judgement: None,
    }
}

#[cfg(test)]
mod tests {
    use super::settled;

    #[test]
    fn a_confirmed_facts_pending_wording_goes_in_every_form() {
        let w: Vec<String> = ["待核实", "待查明", "待进一步核实"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            settled("与摘要不符，差额 1,009.85 元待核实", &w),
            "与摘要不符，差额 1,009.85 元"
        );
        assert_eq!(
            settled(
                "以以前年度挂账余额冲销列支（是否有预算安排、是否经批准，待核实）",
                &w
            ),
            "以以前年度挂账余额冲销列支"
        );
        assert_eq!(
            settled("收款人身份待查明；金额（原值 1,356.00 元）", &w),
            "收款人身份；金额（原值 1,356.00 元）"
        );
        assert_eq!(settled("用途，待进一步核实", &w), "用途");
        assert_eq!(
            settled("（外层（是否经批准，待核实）说明）", &w),
            "（外层说明）"
        );
        // Look-alikes left as they are: no pending word, or an empty list.
        assert_eq!(
            settled("核实后确认，差额 9.85 元（尾差）", &w),
            "核实后确认，差额 9.85 元（尾差）"
        );
        assert_eq!(settled("差额待核实", &[]), "差额待核实");
        // What is quoted is the department's own wording: never touched.
        assert_eq!(
            settled("凭证“暂收款待核实”收到 320.00 元，待核实", &w),
            "凭证“暂收款待核实”收到 320.00 元"
        );
        assert_eq!(
            settled("摘要“（待核实）押金”（用途待查明）", &w),
            "摘要“（待核实）押金”"
        );
    }
}
