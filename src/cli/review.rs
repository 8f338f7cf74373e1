//! `reeval review [DIR] [--workbook FILE]`: the auditor's judgements typed in the evidence
//! workbook taken into the engagement's review.toml (see [`crate::review`]).

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// 项目目录（含 engagement.toml；默认：附带的样例 samples/hrss-2023）
    pub dir: Option<PathBuf>,
    /// 填写了核实结论的底稿（默认：上次运行结果中的 底稿-<项目 id>.xlsx）
    #[arg(long)]
    pub workbook: Option<PathBuf>,
    /// 允许修改已复核签字（复核人、复核日期已填）的核实结论（修改记入历史）
    #[arg(long)]
    pub override_signed: bool,
    /// 只在出错时输出
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &ReviewArgs) -> Result<()> {
    let (origin, dir) = super::run::engagement_dir(&args.dir)?;
    let e = crate::run::engagement::Engagement::load(&dir)?;
    let workbook = match &args.workbook {
        Some(w) => origin.join(w),
        None => dir
            .join("output")
            .join(&e.engagement.id)
            .join(crate::workbook::file_name(&e.engagement.id)),
    };
    if !workbook.is_file() {
        anyhow::bail!(
            "找不到底稿 {}；请先运行 reeval run，或用 --workbook 指定填写了核实结论的底稿",
            workbook.display()
        );
    }
    let done = crate::review::import(&dir, &e, &workbook, args.override_signed)?;
    if args.quiet {
        return Ok(());
    }
    if done.changes.is_empty() {
        if done.path.exists() {
            println!("底稿中没有新的核实结论；{} 未改动", done.path.display());
        } else {
            println!("底稿中没有核实结论；未写入 {}", done.path.display());
        }
    } else {
        println!(
            "已导入 {} 项核实结论到 {}：",
            done.changes.len(),
            done.path.display()
        );
        for c in &done.changes {
            println!("  {c}");
        }
    }
    if !done.orphans.is_empty() {
        println!(
            "以下 {} 项与本次结果不对应（已保留，未丢弃）：",
            done.orphans.len()
        );
        for o in &done.orphans {
            println!("  {o}");
        }
    }
    if done.written {
        println!("重新运行 reeval run 以应用这些核实结论。");
    }
    Ok(())
}
