//! The review round-trip: the auditor's judgements typed in the evidence workbook (E1 核实结论,
//! D2 检查结论/审定金额, D3 实盘状态, the 人工问题 sheet) read back with calamine, validated,
//! merged into the engagement's `review.toml` with their history (the source of truth), and
//! applied by every later run: findings get their status and judgement, the sample is evaluated
//! from the audited values, the inspection's states become asset findings, manual findings join
//! the rules' ones, and confirmed findings get a 审计取证单 number.
//!
//! read → validate → merge ([`import`], `reeval review`); apply ([`apply::apply`], `reeval run`).

pub mod apply;
pub mod file;
pub mod merge;
pub mod read;
pub mod words;

use crate::run::engagement::Engagement;
use anyhow::{bail, Context, Result};
use file::ReviewFile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What `reeval review` did.
pub struct Imported {
    pub path: std::path::PathBuf,
    pub changes: Vec<String>,
    pub orphans: Vec<String>,
    pub written: bool,
}

/// The engagement's citations catalogue (with its local rules).
pub fn catalogue(e: &Engagement, dir: &Path) -> Result<crate::check::citations::Catalogue> {
    let extra = e.rules.citations.as_ref().map(|p| dir.join(p));
    Ok(
        crate::check::citations::Catalogue::with_extra(extra.as_deref())?
            .with_setting(e.citation_setting()),
    )
}

/// Read the workbook's judgements and merge them into `<dir>/review.toml`. The workbook's
/// result folder (its findings.json and sample.json) says which keys are current. Any problem
/// and review.toml is left as it was.
pub fn import(
    dir: &Path,
    e: &Engagement,
    workbook: &Path,
    override_signed: bool,
) -> Result<Imported> {
    let layout = crate::run::workbook::layout_for(e, dir)?;
    let (words, _) = words::Words::for_engagement(e, dir)?;
    let catalogue = catalogue(e, dir)?;
    let results = workbook.parent().unwrap_or(Path::new("."));
    let findings_path = results.join("findings.json");
    let text = std::fs::read(&findings_path).with_context(|| {
        format!(
            "底稿旁没有 {}（底稿须在 reeval run 的结果目录中，才能核对疑点编号）",
            findings_path.display()
        )
    })?;
    let doc: crate::model::findings::FindingsDocument = serde_json::from_slice(&text)
        .with_context(|| format!("{} 无法读取", findings_path.display()))?;
    let mut samples = BTreeSet::new();
    let mut assets = BTreeSet::new();
    if let Ok(bytes) = std::fs::read(results.join("sample.json")) {
        let s: crate::sample::document::SampleFile = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} 无法读取", results.join("sample.json").display()))?;
        for p in &s.plans {
            for it in &p.selection.items {
                let k = (p.plan.clone(), it.id.clone());
                if p.unit == crate::sample::population::Unit::Assets {
                    assets.insert(k);
                } else {
                    samples.insert(k);
                }
            }
        }
    }
    let findings: BTreeMap<String, (String, String, String)> = doc
        .findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                (
                    f.rule.clone(),
                    f.entity.clone().unwrap_or_default(),
                    apply::place_of(f),
                ),
            )
        })
        .collect();
    let read = read::read(workbook, &layout)?;
    let path = ReviewFile::path_in(dir);
    let prev = ReviewFile::load_in(dir)?.unwrap_or_default();
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let out = merge::merge(
        &prev,
        read,
        &merge::Current {
            findings,
            samples,
            assets,
            catalogue: &catalogue,
            words: &words,
            layout: &layout,
        },
        override_signed,
        &at,
    );
    if !out.problems.is_empty() {
        // Said as it is: an existing review.toml is left as it was, a missing one not written.
        let left = if path.exists() {
            format!("{} 未改动", path.display())
        } else {
            format!("未写入 {}", path.display())
        };
        bail!(
            "底稿 {} 中有 {} 处问题，未导入（{left}）：\n  {}",
            workbook.display(),
            out.problems.len(),
            out.problems.join("\n  ")
        );
    }
    let written = out.file != prev;
    if written {
        out.file.save(&path)?;
    }
    Ok(Imported {
        path,
        changes: out.changes,
        orphans: out.orphans,
        written,
    })
}

/// `reeval run`'s check step: the engagement's review.toml (when it has one) applied to the
/// findings document, its summary counted again without the 排除 findings (out of the
/// problems, still listed with their reason). The records of review.toml (and of the
/// engagement's review words file) for run.json.
pub fn apply_to_document(
    doc: &mut crate::check::document::Document,
    dir: &Path,
    catalogue: &crate::check::citations::Catalogue,
    loaded: &crate::load::Loaded,
    e: &Engagement,
) -> Result<Vec<crate::model::provenance::InputFile>> {
    let Some(review) = ReviewFile::load_in(dir)? else {
        return Ok(Vec::new());
    };
    let (words, words_input) = words::Words::for_engagement(e, dir)?;
    let layout = crate::run::workbook::layout_for(e, dir)?;
    file::check_by_hand(&review, &ReviewFile::path_in(dir), &layout, &words)?;
    let report = apply::apply(
        &mut doc.findings,
        &review,
        &words,
        catalogue,
        &loaded.frames.assets,
        e.as_of()?,
    )?;
    crate::check::document::recount(doc);
    doc.review = Some(report);
    let mut inputs = vec![crate::model::provenance::sha256_file_in(
        dir,
        Path::new(file::FILE),
    )?];
    inputs.extend(words_input);
    Ok(inputs)
}
