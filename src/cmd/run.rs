//! `reeval run`: until the full pipeline lands, loads the bundled fixture engagement
//! (`samples/fixture`) and prints its load summary, writing `output/<name>/load.json`.

use crate::cli::RunArgs;
use crate::load::{self, LoadRequest};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

fn bundled() -> PathBuf {
    let local = Path::new("samples/fixture");
    if local.is_dir() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fixture")
}

fn xlsx_in(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取目录 {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "xls"))
        .collect();
    v.sort();
    Ok(v)
}

pub fn run(args: &RunArgs) -> Result<()> {
    let dir = args.dir.clone().unwrap_or_else(bundled);
    let ledgers = xlsx_in(&dir.join("ledger"))?;
    if ledgers.is_empty() {
        bail!("项目目录 {} 的 ledger/ 下没有 .xlsx 序时账", dir.display());
    }
    let req = LoadRequest {
        ledgers,
        assets: xlsx_in(&dir.join("assets"))?,
        ..Default::default()
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "engagement".into());
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&name));
    println!(
        "项目 {}（目前 run 只执行“载入”一步；检查、抽样、评分待后续实现）",
        dir.display()
    );
    let started = std::time::Instant::now();
    let loaded = load::load(&req)?;
    print!("{}", super::load::summary_text(&loaded.report, 10));
    let json = serde_json::to_vec_pretty(&loaded.report)?;
    super::write_atomic(&out.join("load.json"), &json)?;
    println!(
        "载入用时 {:.2} 秒；载入报告已写入 {}",
        started.elapsed().as_secs_f64(),
        out.join("load.json").display()
    );
    Ok(())
}
