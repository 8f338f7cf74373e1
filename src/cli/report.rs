//! `reeval report [DIR]`: the report draft (报告-<id>.docx / .md) again from an engagement's
//! last results (`<DIR>/output/<id>/`) without re-running the checks — after the auditor's
//! judgements reached findings.json, or after a firm edited its templates. The ledgers are
//! loaded again only to check that every cited voucher is in the books. A report file there
//! that is not the one run.json lists (edited since) is set aside under a new name, never
//! written over.

use crate::publish;
use crate::report::{self, Settings, Sources};
use crate::run::{ManifestRecord, RUN_OUTPUT};
use crate::workbook::Documents;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// 项目目录（含 engagement.toml；默认：附带的样例 samples/hrss-2023）
    pub dir: Option<PathBuf>,
    /// 上次运行的结果目录（默认 output/<项目 id>，或 run --out 给出的目录）
    #[arg(long)]
    pub results: Option<PathBuf>,
    /// 不显示结果（只在出错时输出）
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let (dir, current, results, manifest_path) =
        super::run::previous_run(&args.dir, &args.results)?;
    let claim = publish::claim(&results, &RUN_OUTPUT, &[&dir])?;
    let manifest: ManifestRecord = serde_json::from_slice(
        &std::fs::read(&manifest_path)
            .with_context(|| format!("无法读取 {}", manifest_path.display()))?,
    )
    .with_context(|| {
        format!(
            "{} 无法读取（不是本版本 reeval 写的？请重新运行 reeval run）",
            manifest_path.display()
        )
    })?;
    // The engagement as it is now: its [report] settings may have changed since the run.
    let e = &current;
    let docs = Documents::read(&|n| {
        let p = results.join(n);
        if !p.is_file() {
            return Ok(None);
        }
        Ok(Some(std::fs::read(&p).with_context(|| {
            format!("无法读取结果文件 {}", p.display())
        })?))
    })?;
    let loaded = crate::load::load_in(&dir, &crate::run::load::request(e))?;
    let vouchers =
        crate::run::report::book_vouchers_named(&loaded.frames.lines, &docs.findings.findings)?;
    let inputs = crate::run::report::scoring_inputs(e, &dir)?;
    let settings = Settings::builtin()?;
    let r = report::build(&Sources {
        engagement: e,
        dir: &dir,
        findings: &docs.findings.findings,
        score: docs.score.as_ref(),
        inputs: inputs.as_ref(),
        vouchers: Some(&vouchers),
        settings: &settings,
        chart: true,
    })?;
    let [docx, md, png] = report::file_names(&e.engagement.id);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (docx, r.docx.clone()),
        (md, r.markdown.clone().into_bytes()),
    ];
    if let Some(c) = &r.chart {
        files.push((png, c.clone()));
    }
    let mut aside = Vec::new();
    for (name, bytes) in &files {
        if let Some(p) = crate::run::replace_output(&results, name, bytes, &manifest)? {
            aside.push(p);
        }
    }
    drop(claim);
    if !args.quiet {
        for w in &r.warnings {
            eprintln!("注意：{w}");
        }
        println!(
            "{}：{} 个问题（{}）",
            if r.draft { "征求意见稿" } else { "报告" },
            r.problems,
            if r.draft {
                "全部疑点标【待核实】"
            } else {
                "只列确认的疑点"
            }
        );
        for (name, _) in &files {
            println!("已写入 {}", results.join(name).display());
        }
        for p in aside {
            println!("  原文件已改名保留为 {}", p.display());
        }
    }
    Ok(())
}
