//! `reeval profile suggest FILE`: write a mapping profile guessed from an unknown export's
//! header (the guessing is `load::suggest`).

use crate::load::ledger::diagnose::field_label;
use crate::load::suggest::{self, ratio};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub fn run(args: &ProfileArgs) -> Result<()> {
    match &args.command {
        ProfileCommand::Suggest(a) => suggest_cmd(a),
    }
}

fn suggest_cmd(a: &SuggestArgs) -> Result<()> {
    let s = suggest::suggest(&a.file, a.kind.as_deref())?;
    let out = a.out.clone().unwrap_or_else(|| default_out(&a.file));
    let id = a.id.clone().unwrap_or_else(|| suggest::default_id(&a.file));
    let source = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let text = s.to_toml(&id, &source);
    // What is written must read back as a profile (a header name with quotes or line breaks
    // included).
    toml::from_str::<crate::load::ledger::profile::Profile>(&text)
        .map_err(|e| anyhow::anyhow!("生成的映射方案无法读回（程序错误）：{e}"))?;
    // Never over an existing file (a profile is not a report reeval replaces) nor the input.
    if std::fs::symlink_metadata(&out).is_ok() && !same_file(&out, &a.file) {
        anyhow::bail!(
            "{} 已存在，未覆盖，未写入；请用 --out 另给一个文件名，或先移走它",
            out.display()
        );
    }
    crate::publish::write_file(&out, text.as_bytes(), std::slice::from_ref(&a.file))?;
    print!("{}", summary(&s, &out, &a.file, &id));
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// `<stem>.profile.toml` beside the export.
fn default_out(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    file.with_file_name(format!("{stem}.profile.toml"))
}

fn summary(s: &suggest::Suggestion, out: &Path, file: &Path, id: &str) -> String {
    let kind = match s.kind.as_str() {
        "ledger" => "序时账",
        "assets" => "资产明细表",
        _ => "科目余额表/科目表",
    };
    let mut t = String::new();
    let _ = writeln!(
        t,
        "已写入映射方案 {}（id {id}，{kind}，工作表“{}”第 {} 行表头）：",
        out.display(),
        s.sheet,
        s.header_row
    );
    for c in &s.columns {
        match &c.field {
            Some(m) if m.exact() => {
                let _ = writeln!(
                    t,
                    "  {} {} → {}（{}）",
                    c.letter,
                    c.header,
                    field_label(&m.field),
                    m.field
                );
            }
            Some(m) => {
                let _ = writeln!(
                    t,
                    "  {} {} → {}（{}）猜测：像“{}”，相似度 {}",
                    c.letter,
                    c.header,
                    field_label(&m.field),
                    m.field,
                    m.alias,
                    ratio(m.score)
                );
            }
            None => {
                let _ = writeln!(t, "  {} {} → 未映射", c.letter, c.header);
            }
        }
    }
    if !s.missing.is_empty() {
        let _ = writeln!(
            t,
            "注意：仍缺少必需的列 {}；请在方案的 [columns] 中手工补上，否则无法载入",
            s.missing.join("、")
        );
    }
    let flag = match s.kind.as_str() {
        "ledger" => String::new(),
        k => format!("<序时账> --{k} "),
    };
    let _ = writeln!(
        t,
        "请核对标“猜测”的列，然后：reeval load {flag}{} --profile {}",
        file.display(),
        out.display()
    );
    t
}

#[derive(Args, Debug)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub command: ProfileCommand,
}

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// 按未知导出文件的表头猜测映射方案（TOML），每列注明猜测的字段和把握
    Suggest(SuggestArgs),
}

#[derive(Args, Debug)]
pub struct SuggestArgs {
    /// 导出文件（.xlsx/.xls/.csv 等，UTF-8 或 GBK）
    pub file: PathBuf,
    /// 映射方案写到哪里（默认：导出文件旁的 <文件名>.profile.toml；已有文件不覆盖）
    #[arg(long, value_name = "PROFILE.toml")]
    pub out: Option<PathBuf>,
    /// 文件是哪一类表（默认按表头判断）
    #[arg(long, value_parser = ["ledger", "assets", "balances"])]
    pub kind: Option<String>,
    /// 方案 id（默认 suggested-<文件名>）
    #[arg(long)]
    pub id: Option<String>,
}
