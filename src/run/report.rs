//! Step 6 — 报告: the report draft `报告-<id>.docx` and `报告-<id>.md` (and the chart
//! `报告-<id>-图1.png`) from this run's documents, checked against the loaded books.

use super::{Commit, Run, State, Step};
use crate::report::{self, Settings, Sources};
use crate::run::engagement::Engagement;
use crate::score::inputs::ScoringInputs;
use crate::workbook::Documents;
use anyhow::{Context, Result};
use polars::prelude::DataFrame;
use std::collections::BTreeSet;
use std::path::Path;

pub const STEP: Step = Step {
    id: "report",
    title: "报告",
    run: Run::Beside(run),
    needs: &["load", "check", "score"],
};

/// The vouchers in the loaded books, `(entity, "2023-03 记-19")`.
pub fn book_vouchers(lines: &DataFrame) -> Result<BTreeSet<(String, String)>> {
    let mut out = BTreeSet::new();
    if lines.height() == 0 {
        return Ok(out);
    }
    let entity = lines.column("entity")?.str()?;
    let year = lines.column("year")?.i32()?;
    let period = lines.column("period")?.u32()?;
    let kind = lines.column("voucher_kind")?.str()?;
    let number = lines.column("voucher_number")?.u32()?;
    for i in 0..lines.height() {
        if let (Some(e), Some(y), Some(p), Some(k), Some(n)) = (
            entity.get(i),
            year.get(i),
            period.get(i),
            kind.get(i),
            number.get(i),
        ) {
            out.insert((e.to_string(), format!("{y}-{p:02} {k}-{n}")));
        }
    }
    Ok(out)
}

/// The scoring inputs the report quotes (budget, staff), when the engagement scores.
pub fn scoring_inputs(e: &Engagement, dir: &Path) -> Result<Option<ScoringInputs>> {
    match &e.scoring {
        Some(sc) => Ok(Some(ScoringInputs::load(&dir.join(&sc.inputs))?)),
        None => Ok(None),
    }
}

fn run(st: &State) -> Result<Commit> {
    let e = st.engagement;
    let docs = Documents::read(&|name| st.staged(name))?;
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    let vouchers = book_vouchers(&loaded.frames.lines)?;
    let inputs = scoring_inputs(e, &st.dir)?;
    let settings = Settings::builtin()?;
    let r = report::build(&Sources {
        engagement: e,
        dir: &st.dir,
        findings: &docs.findings.findings,
        score: docs.score.as_ref(),
        inputs: inputs.as_ref(),
        vouchers: Some(&vouchers),
        settings: &settings,
        chart: true,
    })?;
    let [docx, md, png] = report::file_names(&e.engagement.id);
    Ok(Box::new(move |st: &mut State| {
        st.record_inputs(&r.template_inputs);
        for w in &r.warnings {
            eprintln!("注意：{w}");
        }
        st.write(&docx, &r.docx)?;
        st.write(&md, r.markdown.as_bytes())?;
        if let Some(p) = &r.chart {
            st.write(&png, p)?;
        }
        Ok(())
    }))
}
