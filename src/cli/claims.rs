//! `reeval claims FILE... [--json OUT]`: the figures self-evaluation reports state, and where
//! they disagree with themselves.

use crate::claims::{self, Vocabulary};
use crate::model::provenance::{sha256_file, Provenance};
use anyhow::{bail, Result};
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ClaimsArgs {
    /// 自评报告（.docx、.txt 或 .md，可给多个）
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// 词表 TOML 文件：在内置 data/claims.toml 之上增加量、词语和单位
    #[arg(long = "vocabulary", value_name = "FILE")]
    pub vocabulary: Option<PathBuf>,
    /// 把结果（JSON）写入此文件
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

#[derive(Serialize)]
pub struct ClaimsDocument {
    pub provenance: Provenance,
    pub files: Vec<claims::FileClaims>,
}

pub fn run(a: &ClaimsArgs) -> Result<()> {
    let vocab = Vocabulary::with_extra(a.vocabulary.as_deref())?;
    let mut prov = Provenance::new("claims");
    let mut files = Vec::new();
    for f in &a.files {
        if !f.is_file() {
            bail!("找不到自评报告 {}", f.display());
        }
        let shown = f.display().to_string();
        files.push(claims::read_file(f, &shown, &vocab)?);
        prov.inputs.push(sha256_file(f)?);
    }
    if let Some(v) = &a.vocabulary {
        prov.inputs.push(sha256_file(v)?);
    }
    for fc in &files {
        println!(
            "{}：{} 项自评数字，{} 处前后不一致",
            fc.path,
            fc.claims.len(),
            fc.inconsistencies.len()
        );
        // The terminal shows the first 200; all are in --json.
        for c in fc.claims.iter().take(200) {
            let of =
                c.of.as_deref()
                    .map(|o| format!("〔{o}〕"))
                    .unwrap_or_default();
            let basis = c
                .basis
                .as_deref()
                .map(|b| match &c.stage {
                    Some(st) if !c.quantity.starts_with(st.as_str()) => format!("（{st}{b}）"),
                    _ => format!("（{b}）"),
                })
                .unwrap_or_default();
            // A figure of another year than the report's says so (上年的数字 is no claim about
            // this year).
            let other_year = match (c.year, fc.year) {
                (Some(y), Some(d)) if y != d => format!("〔{y}年〕"),
                _ => String::new(),
            };
            println!(
                "  第 {:>4} 行  {other_year}{}{}{}  {}  = {}",
                c.line,
                c.quantity,
                basis,
                of,
                c.stated,
                claims::shown(c.value, &c.unit)
            );
        }
        if fc.claims.len() > 200 {
            println!("  ……另有 {} 项，见 --json 输出", fc.claims.len() - 200);
        }
        for i in fc.inconsistencies.iter().take(200) {
            println!("  ！第 {} 行 {}", i.line, i.explanation);
        }
    }
    if let Some(out) = &a.json {
        let doc = ClaimsDocument {
            provenance: prov,
            files,
        };
        let bytes = serde_json::to_vec_pretty(&doc)?;
        super::write_report(out, &bytes, &doc.provenance, &[])?;
    }
    Ok(())
}
