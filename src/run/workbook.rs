//! Step 5 — 底稿: the evidence workbook `底稿-<id>.xlsx` from this run's documents (read back
//! as written) and the loaded lines of the vouchers they name.

use super::{Commit, Run, State, Step};
use crate::run::engagement::Engagement;
use crate::workbook::{self, layout::WorkbookLayout, Documents, Sources};
use anyhow::{Context, Result};
use std::path::Path;

pub const STEP: Step = Step {
    id: "workbook",
    title: "底稿",
    run: Run::Beside(run),
    needs: &["load", "check", "sample", "score"],
};

/// The engagement's layout: its own file (`[workbook] layout`) or the built-in one.
pub fn layout_for(e: &Engagement, dir: &Path) -> Result<WorkbookLayout> {
    let own = e
        .workbook
        .as_ref()
        .and_then(|w| w.layout.as_ref())
        .map(|p| dir.join(p));
    WorkbookLayout::load(own.as_deref())
}

/// The benford rule's smallest amount, as the engagement's rule configuration sets it.
pub fn benford_min(e: &Engagement, dir: &Path) -> Result<Option<crate::model::money::Fen>> {
    let path = e.rules.config.as_ref().map(|p| dir.join(p));
    let config = crate::check::config::Config::with_overrides(path.as_deref())?;
    let min = config
        .raw("benford")
        .and_then(|t| t.get("min_amount"))
        .and_then(|v| v.as_str())
        .map(|s| crate::check::config::fen("min_amount", s))
        .transpose()?;
    Ok(min)
}

fn run(st: &State) -> Result<Commit> {
    let e = st.engagement;
    let layout = layout_for(e, &st.dir)?;
    // The workbook's cover lists the inputs as run.json will: those recorded before this
    // step, and the engagement's own layout (recorded when the workbook is committed).
    let own_layout = match e.workbook.as_ref().and_then(|w| w.layout.as_ref()) {
        Some(p) => Some(crate::model::provenance::sha256_file_in(&st.dir, p)?),
        None => None,
    };
    let mut inputs = st.inputs.clone();
    if let Some(i) = &own_layout {
        if !inputs.iter().any(|x| x.path == i.path) {
            inputs.push(i.clone());
        }
    }
    let docs = Documents::read(&|name| st.staged(name))?;
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    let book = st.book.as_ref().context("检查步骤未完成")?;
    let review = crate::review::file::ReviewFile::load_in(&st.dir)?;
    let pb = st.spinner("编制审计底稿…".to_string());
    let bytes = workbook::build(
        &Sources {
            engagement: e,
            docs: &docs,
            inputs: &inputs,
            version: env!("CARGO_PKG_VERSION"),
            lines: &loaded.frames.lines,
            assets: &loaded.frames.assets,
            benford_min: benford_min(e, &st.dir)?,
            review: review.as_ref(),
            book: Some(book),
        },
        &layout,
    );
    pb.finish_and_clear();
    let bytes = bytes?;
    let name = workbook::file_name(&e.engagement.id);
    Ok(Box::new(move |st: &mut State| {
        if let Some(i) = own_layout {
            st.record_inputs(&[i]);
        }
        st.write(&name, &bytes)
    }))
}
