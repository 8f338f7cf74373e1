//! `reeval workbook [DIR]`: the evidence workbook (审计底稿) written again from an engagement's
//! last results (`<DIR>/output/<id>/`) without re-running the checks: the documents are read as
//! the run wrote them, and the ledgers are loaded again only for the journal lines of the
//! vouchers they name — after checking that every input is the one the run read (SHA-256).

use crate::publish;
use crate::run::{ManifestRecord, RUN_OUTPUT};
use crate::workbook::{self, Documents, Sources};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct WorkbookArgs {
    /// 项目目录（含 engagement.toml；默认：附带的样例 samples/hrss-2023）
    pub dir: Option<PathBuf>,
    /// 上次运行的结果目录（默认 output/<项目 id>，或 run --out 给出的目录）
    #[arg(long)]
    pub results: Option<PathBuf>,
    /// 结果目录中的底稿有审计人员填写的内容时，仍然重新编制（原底稿改名保留）
    #[arg(long)]
    pub discard_entries: bool,
    /// 不显示进度和结果（只在出错时输出）
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &WorkbookArgs) -> Result<()> {
    // The engagement as run is the manifest's (below), not today's engagement.toml.
    let (dir, _, results, manifest_path) = super::run::previous_run(&args.dir, &args.results)?;
    // The lock and the clean-up of an interrupted run, as `reeval run` takes them.
    let claim = publish::claim(&results, &RUN_OUTPUT, &[&dir])?;
    let text = std::fs::read(&manifest_path)
        .with_context(|| format!("无法读取 {}", manifest_path.display()))?;
    let manifest: ManifestRecord = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{} 无法读取（不是本版本 reeval 写的？请重新运行 reeval run）",
            manifest_path.display()
        )
    })?;
    let e = &manifest.parameters;
    let name = workbook::file_name(&e.engagement.id);
    let target = results.join(&name);
    let layout = crate::run::workbook::layout_for(e, &dir)?;
    if target.is_file() && !args.discard_entries {
        let review = crate::review::file::ReviewFile::load_in(&dir)?;
        let found = workbook::entries::unimported(&target, &layout, review.as_ref())?;
        if let Some(msg) = workbook::entries::disagreement(&target, &found, "未重新编制") {
            bail!(msg);
        }
        if !found.is_empty() {
            bail!(
                "底稿 {} 中有审计人员填写的内容：{}；未重新编制（什么也没有改动）。请先用 reeval review 导入；确认不需要时加 --discard-entries（原底稿会改名保留）",
                target.display(),
                workbook::entries::describe(&found)
            );
        }
    }
    // The documents as the run wrote them: one edited since (its SHA-256 is not run.json's)
    // would give a workbook that agrees with no run.
    let docs = Documents::read(&|n| {
        let Some(o) = manifest.outputs.iter().find(|o| o.file == n) else {
            return Ok(None);
        };
        let p = results.join(n);
        let bytes =
            std::fs::read(&p).with_context(|| format!("无法读取结果文件 {}", p.display()))?;
        use sha2::Digest;
        let sha: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if sha != o.sha256 {
            bail!(
                "结果文件 {} 在运行之后被修改过（SHA-256 与 run.json 不同）；底稿须与运行结果一致，请重新运行 reeval run",
                p.display()
            );
        }
        Ok(Some(bytes))
    })?;
    let pb = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    pb.set_message("重新载入序时账（只取疑点与样本涉及的凭证）…");
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    let loaded = crate::load::load_in(&dir, &crate::run::load::request(e));
    pb.finish_and_clear();
    let loaded = loaded?;
    same_inputs(
        &docs.load.provenance.inputs,
        &loaded.report.provenance.inputs,
    )?;
    let review = crate::review::file::ReviewFile::load_in(&dir)?;
    let bytes = workbook::build(
        &Sources {
            engagement: e,
            docs: &docs,
            inputs: &manifest.inputs,
            version: env!("CARGO_PKG_VERSION"),
            lines: &loaded.frames.lines,
            assets: &loaded.frames.assets,
            benford_min: crate::run::workbook::benford_min(e, &dir)?,
            review: review.as_ref(),
            book: None,
        },
        &layout,
    )?;
    let set_aside = crate::run::replace_output(&results, &name, &bytes, &manifest)?;
    drop(claim);
    if !args.quiet {
        println!("已写入 {}", target.display());
        if let Some(p) = set_aside {
            println!("  原底稿已改名保留为 {}", p.display());
        }
    }
    Ok(())
}

/// The inputs loaded now are those the run loaded (same paths, same SHA-256).
fn same_inputs(
    then: &[crate::model::provenance::InputFile],
    now: &[crate::model::provenance::InputFile],
) -> Result<()> {
    for n in now {
        match then.iter().find(|t| t.path == n.path) {
            Some(t) if t.sha256 == n.sha256 => {}
            Some(_) => bail!(
                "输入文件 {} 自上次运行后已改变（SHA-256 不同）；底稿须与结果一致，请重新运行 reeval run",
                n.path
            ),
            None => bail!(
                "输入文件 {} 不在上次运行的载入报告中；请重新运行 reeval run",
                n.path
            ),
        }
    }
    Ok(())
}
