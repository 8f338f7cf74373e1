//! Step 1 — 载入: every entity's ledgers, the register and balances → frames + load.json.

use super::{Run, State, Step};
use crate::load::{FileHint, LoadRequest};
use crate::model::money::Fen;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;

pub const STEP: Step = Step {
    id: "load",
    title: "载入",
    run: Run::Alone(run),
    needs: &[],
};

#[derive(Debug, Serialize)]
pub struct LoadSummary {
    pub files: usize,
    pub lines_loaded: usize,
    pub rows_rejected: usize,
    pub vouchers: usize,
    pub vouchers_unbalanced: usize,
    pub assets: usize,
    pub totals_checked: usize,
    pub totals_mismatched: usize,
    pub debit: Fen,
    pub credit: Fen,
    /// Files whose own title/column names another entity than engagement.toml gives them,
    /// voucher numbers used on several dates, vouchers found in several files.
    pub warnings: Vec<String>,
}

/// What the load step loads for an engagement: every entity's ledgers (with the entity and
/// profile engagement.toml gives them), the register, the balances, the profiles.
pub fn request(e: &crate::run::engagement::Engagement) -> LoadRequest {
    let mut ledgers = Vec::new();
    let mut file_hints = BTreeMap::new();
    for ent in &e.entities {
        for p in &ent.ledgers {
            ledgers.push(p.clone());
            file_hints.insert(
                p.clone(),
                FileHint {
                    entity: Some(ent.name.clone()),
                    profile: ent.profile.clone(),
                },
            );
        }
    }
    LoadRequest {
        ledgers,
        assets: e.inputs.assets.clone(),
        balances: e.inputs.balances.clone(),
        profile_files: e.inputs.profiles.clone(),
        chart_files: e.inputs.charts.clone(),
        year: Some(e.engagement.year),
        file_hints,
        ..Default::default()
    }
}

fn run(st: &mut State) -> Result<()> {
    let e = st.engagement;
    let req = request(e);
    let pb = st.spinner(format!(
        "载入 {} 个核算单位的序时账与资产明细表…",
        e.entities.len()
    ));
    let loaded = crate::load::load_in(&st.dir, &req);
    pb.finish_and_clear();
    let loaded = loaded?;
    let r = &loaded.report;
    let mut warnings = crate::load::warnings(r);
    // Lines of another year than the engagement's: a serial read as 1900, a file of the
    // wrong year, or lines carried in from last year — each changes what the checks see.
    let years = loaded
        .frames
        .lines
        .column("year")
        .ok()
        .and_then(|c| c.i32().ok().cloned());
    if let Some(years) = years {
        let mut other: BTreeMap<i32, usize> = BTreeMap::new();
        for y in years.iter().flatten() {
            if y != e.engagement.year {
                *other.entry(y).or_default() += 1;
            }
        }
        if !other.is_empty() {
            let n: usize = other.values().sum();
            let list: Vec<String> = other
                .iter()
                .take(5)
                .map(|(y, k)| format!("{y} 年 {k} 行"))
                .collect();
            warnings.push(format!(
                "{n} 行分录的年度不是项目的 {} 年（{}）：请核对日期列和所给的文件",
                e.engagement.year,
                list.join("，")
            ));
        }
    }
    st.write("load.json", &serde_json::to_vec_pretty(r)?)?;
    st.record_inputs(&r.provenance.inputs);
    let s = &r.summary;
    st.summary.load = Some(LoadSummary {
        files: s.files,
        lines_loaded: s.lines_loaded,
        rows_rejected: s.rows_rejected,
        vouchers: s.vouchers,
        vouchers_unbalanced: s.vouchers_unbalanced,
        assets: s.assets_loaded,
        totals_checked: s.totals_checked,
        totals_mismatched: s.totals_mismatched,
        debit: s.debit,
        credit: s.credit,
        warnings,
    });
    st.loaded = Some(loaded);
    Ok(())
}
