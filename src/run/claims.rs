//! Step — 自评报告: when engagement.toml names the department's 自评报告
//! (`[inputs] self_report`), its claims are read, checked against each other, and each claim
//! reeval computes is set beside the books; a difference beyond the rounding of the claim as
//! written is a finding (自评不实, 疑点) → claims.json.

use super::{Run, State, Step};
use crate::claims::books::{self, Verified};
use crate::claims::{self, FileClaims, Vocabulary};
use crate::model::findings::{Finding, Kind};
use crate::model::provenance::{sha256_file_in, Provenance};
use crate::score::inputs::ScoringInputs;
use crate::score::reconcile::LedgerMap;
use anyhow::{Context, Result};
use serde::Serialize;

pub const STEP: Step = Step {
    id: "claims",
    title: "自评报告核对",
    run: Run::Alone(run),
    needs: &["load"],
};

/// The rule id the 自评不实 findings carry.
pub const RULE: &str = "self-report-claims";
/// Their category (data/categories.toml).
pub const CATEGORY: &str = "自评不实";

#[derive(Debug, Serialize)]
pub struct ClaimsSummary {
    pub file: String,
    pub claims: usize,
    pub inconsistencies: usize,
    pub agreeing: usize,
    pub disagreeing: usize,
    pub not_verified: usize,
}

#[derive(Serialize)]
struct ClaimsOutput<'a> {
    provenance: Provenance,
    files: Vec<&'a FileClaims>,
    /// One entry per claim of `files[0]`, in its order: beside the books, or why not.
    verification: &'a [Verified],
    /// 自评不实: the claims that differ from the books beyond rounding.
    findings: &'a [Finding],
}

fn finding(c: &claims::Claim, v: &Verified, path: &str) -> Finding {
    let computed = v.computed.unwrap_or_default();
    let diff = v.difference.unwrap_or_default();
    let shown = |d| claims::shown(d, &c.unit);
    let what = match &c.basis {
        Some(b) if b != "实际" => format!("{}（{b}）", c.quantity),
        _ => c.quantity.clone(),
    };
    // A difference of rates is in percentage points, as reports say it.
    let gap = |d: rust_decimal::Decimal| {
        if c.unit == "%" {
            format!("{} 个百分点", d.normalize())
        } else {
            shown(d)
        }
    };
    let claimed = if c.stated.replace(' ', "") == shown(c.value).replace(' ', "") {
        c.stated.clone()
    } else {
        format!("{}（{}）", c.stated, shown(c.value))
    };
    // The report quotes the facts: the source in the auditor's words, the input key (for the
    // working papers) after a comma inside the brackets.
    let source = match v.source.split_once('，') {
        Some((words, _key)) if words.contains('（') => format!("{words}）"),
        _ => v.source.clone(),
    };
    // The sentence quoted; its file and line are the fact's evidence reference (the working
    // papers'), not the report's words.
    let facts = vec![
        format!("自评报告称：“{}”", c.text),
        format!("自评所称{what}：{claimed}"),
        format!("按{source}核算为 {}", shown(computed)),
        format!("相差 {}", gap(diff)),
    ];
    let fact_evidence = vec![
        format!("{path} 第 {} 行", c.line),
        String::new(),
        String::new(),
        String::new(),
    ];
    let unseen = vec![format!(
        "自评报告所称{what}与账面不符的原因（口径不同、含未入账事项，或自评数字有误）待核实"
    )];
    Finding {
        id: format!("{RULE}/{}/{}", c.quantity, c.line),
        rule: RULE.into(),
        title: "自评报告数字与账面不符".into(),
        category: CATEGORY.into(),
        kind: Kind::Issue,
        // No 问题金额: a figure misstated in the report is not money misused; the difference
        // is in the summary and the facts.
        amount: None,
        summary: format!(
            "自评报告称{what} {}，账面为 {}，相差 {}",
            shown(c.value),
            shown(computed),
            gap(diff)
        ),
        explanation: facts
            .iter()
            .zip(fact_evidence.iter())
            .map(|(f, r)| crate::model::findings::with_ref(f, Some(r)))
            .chain(unseen.iter().cloned())
            .collect::<Vec<_>>()
            .join("；"),
        facts,
        fact_evidence,
        unseen,
        verify: "取得部门决算报表及自评报告底稿，核对该数字的口径与来源；与账面不一致的，在再评价报告中指出自评不实".into(),
        recommendation: "自评报告中的数字应与部门决算及账面一致，如实反映预算执行情况".into(),
        ..Default::default()
    }
}

fn run(st: &mut State) -> Result<()> {
    let e = st.engagement;
    let Some(path) = &e.inputs.self_report else {
        return Ok(());
    };
    let vocab = Vocabulary::with_extra(
        e.inputs
            .claims_vocabulary
            .as_ref()
            .map(|p| st.dir.join(p))
            .as_deref(),
    )?;
    let shown_path = path.display().to_string();
    let file = claims::read_file(&st.dir.join(path), &shown_path, &vocab)?;
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    let map = LedgerMap::builtin()?;
    let mut figures = books::from_ledger(&loaded.frames.lines, &vocab, &map)?;
    let mut prov = Provenance::new("claims");
    prov.inputs.push(sha256_file_in(&st.dir, path)?);
    if let Some(p) = &e.inputs.claims_vocabulary {
        prov.inputs.push(sha256_file_in(&st.dir, p)?);
    }
    if let Some(sc) = &e.scoring {
        let inputs = ScoringInputs::load(&st.dir.join(&sc.inputs))?;
        books::add_inputs(&mut figures, &inputs);
        prov.inputs.push(sha256_file_in(&st.dir, &sc.inputs)?);
    }
    let verified = books::compare(&file.claims, e.engagement.year, &figures, &vocab);
    let findings: Vec<Finding> = verified
        .iter()
        .filter(|v| v.verdict == "不符")
        .map(|v| finding(&file.claims[v.claim], v, &shown_path))
        .collect();
    let count = |verdict: &str| verified.iter().filter(|v| v.verdict == verdict).count();
    st.summary.claims = Some(ClaimsSummary {
        file: shown_path.clone(),
        claims: file.claims.len(),
        inconsistencies: file.inconsistencies.len(),
        agreeing: count("一致"),
        disagreeing: count("不符"),
        not_verified: count("未核对"),
    });
    st.record_inputs(&prov.inputs);
    let out = ClaimsOutput {
        provenance: prov,
        files: vec![&file],
        verification: &verified,
        findings: &findings,
    };
    st.write("claims.json", &serde_json::to_vec_pretty(&out)?)?;
    st.claim_findings = findings;
    Ok(())
}
