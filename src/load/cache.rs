//! The load cache: `reeval load … --out DIR` writes the frames as Parquet with the load report
//! beside them, and every command that loads books accepts DIR in place of the files, so Excel
//! is parsed once. DuckDB, Spark or pandas read the same files (`lines.parquet` …); money is
//! integer 分 (`*_fen`), dates are Parquet dates, codes are strings — as in docs/data-model.md.

use crate::load::report::LoadReport;
use crate::load::{Frames, Loaded};
use crate::model::provenance::sha256_file;
use anyhow::{bail, Context, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

const MANIFEST: &str = "cache.json";
const FORMAT: u32 = 1;
const FRAMES: [&str; 3] = ["lines", "opening", "assets"];

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    tool: String,
    version: String,
    /// Each frame file with its row count and SHA-256, checked when the cache is read.
    frames: Vec<FrameFile>,
    /// SHA-256 of `load.json` (absent in caches of reeval 0.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    report_sha256: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct FrameFile {
    name: String,
    file: String,
    rows: usize,
    sha256: String,
}

pub fn is_cache(path: &Path) -> bool {
    path.is_dir() && path.join(MANIFEST).is_file()
}

/// What `reeval load --out` writes: recognised by `cache.json`.
pub static CACHE_OUTPUT: crate::publish::OutputKind = crate::publish::OutputKind {
    manifest: MANIFEST,
    label: "载入缓存",
    owned: cache_files,
};

fn cache_files(dir: &Path) -> Option<Vec<crate::publish::Owned>> {
    let text = std::fs::read(dir.join(MANIFEST)).ok()?;
    let m: Manifest = serde_json::from_slice(&text).ok()?;
    if m.tool != env!("CARGO_PKG_NAME") {
        return None;
    }
    let mut v: Vec<crate::publish::Owned> = m
        .frames
        .into_iter()
        .map(|f| crate::publish::Owned {
            file: f.file,
            sha256: Some(f.sha256),
        })
        .collect();
    v.push(crate::publish::Owned {
        file: "load.json".into(),
        sha256: m.report_sha256,
    });
    Some(v)
}

/// Claim `dir` for a cache (see [`crate::publish::claim`]): before loading, so a directory
/// that cannot be written is refused at once.
pub fn claim(dir: &Path) -> Result<crate::publish::Claim> {
    crate::publish::claim(dir, &CACHE_OUTPUT, &[])
}

/// Write the cache into the claimed directory and publish it (files the user added to an
/// earlier cache there are kept).
pub fn write(claim: crate::publish::Claim, loaded: &mut Loaded) -> Result<Vec<String>> {
    let tmp = claim.staging().to_path_buf();
    let mut files = Vec::new();
    let frames: [(&str, &mut DataFrame); 3] = [
        ("lines", &mut loaded.frames.lines),
        ("opening", &mut loaded.frames.opening),
        ("assets", &mut loaded.frames.assets),
    ];
    for (name, df) in frames {
        let file = format!("{name}.parquet");
        let path = tmp.join(&file);
        let f =
            std::fs::File::create(&path).with_context(|| format!("无法写入 {}", path.display()))?;
        ParquetWriter::new(f)
            .finish(df)
            .map_err(|e| anyhow::anyhow!("写入 {} 失败：{e}", path.display()))?;
        files.push(FrameFile {
            name: name.to_string(),
            file: file.clone(),
            rows: df.height(),
            sha256: sha256_file(&path)?.sha256,
        });
    }
    std::fs::write(
        tmp.join("load.json"),
        serde_json::to_vec_pretty(&loaded.report)?,
    )?;
    let manifest = Manifest {
        format: FORMAT,
        tool: env!("CARGO_PKG_NAME").into(),
        version: env!("CARGO_PKG_VERSION").into(),
        frames: files,
        report_sha256: Some(sha256_file(&tmp.join("load.json"))?.sha256),
    };
    std::fs::write(tmp.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    let kept = claim.plan_kept()?;
    let mut notes = claim.notes.clone();
    notes.extend(claim.publish(&kept)?);
    notes.extend(
        kept.iter()
            .map(|k| format!("保留 {}（{}）", k.file, k.reason)),
    );
    Ok(notes)
}

/// Read a cache back: the frames, and the load report of the files it was made from.
pub fn read(dir: &Path) -> Result<Loaded> {
    let d = dir.display();
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(dir.join(MANIFEST))?)
        .with_context(|| format!("载入缓存 {d} 的 {MANIFEST} 无法解析"))?;
    if manifest.format != FORMAT {
        bail!(
            "载入缓存 {d} 的格式版本为 {}，本工具读取版本 {FORMAT}；请用 reeval load --out 重新生成",
            manifest.format
        );
    }
    let mut got: Vec<DataFrame> = Vec::new();
    for name in FRAMES {
        let Some(ff) = manifest.frames.iter().find(|f| f.name == name) else {
            bail!("载入缓存 {d} 缺少 {name} 表");
        };
        let path = dir.join(&ff.file);
        let sha = sha256_file(&path)
            .with_context(|| format!("载入缓存 {d} 缺少文件 {}", ff.file))?
            .sha256;
        if sha != ff.sha256 {
            bail!(
                "载入缓存 {d} 的 {} 与生成时不一致（SHA-256 不符），可能被修改；请重新生成",
                ff.file
            );
        }
        let f = std::fs::File::open(&path)?;
        let df = ParquetReader::new(f)
            .finish()
            .map_err(|e| anyhow::anyhow!("读取 {} 失败：{e}", path.display()))?;
        if df.height() != ff.rows {
            bail!("载入缓存 {d} 的 {} 行数与清单不符", ff.file);
        }
        got.push(df);
    }
    let report: LoadReport = serde_json::from_slice(&std::fs::read(dir.join("load.json"))?)
        .with_context(|| format!("载入缓存 {d} 的 load.json 无法解析"))?;
    let assets = got.pop().unwrap_or_default();
    let opening = got.pop().unwrap_or_default();
    let lines = got.pop().unwrap_or_default();
    Ok(Loaded {
        frames: Frames {
            lines,
            opening,
            assets,
        },
        report,
        lines: Vec::new(),
        // The reader of a cache sets the charts it was asked for (`load_in`).
        charts: crate::load::ledger::chart::Charts::builtin()?,
    })
}
