//! `reeval rules [ID]`: the rule catalogue, or one rule's documentation, parameters and the
//! citations it rests on (every version in the catalogue, with the dates each was in force).

use crate::check::citations::Catalogue;
use crate::check::config::Config;
use crate::check::{self, REGISTRY};
use anyhow::{bail, Result};
use clap::Args;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    category: &'a str,
    /// The kind of its results: 疑点 (a possible breach) or 分析性程序 (a pointer).
    kind: &'a str,
    looks_at: &'a str,
    why: &'a str,
    example: &'a str,
    look_alikes: &'a str,
    inputs: Vec<String>,
    parameters: Option<&'a toml::Value>,
}

fn input_name(kind: &str) -> String {
    match kind {
        "assets" => "固定资产明细表".into(),
        "opening" => "期初余额".into(),
        k => crate::load::supporting::Supporting::title(k),
    }
}

pub fn run(a: &RulesArgs) -> Result<()> {
    let config = Config::with_overrides(a.config.as_deref())?;
    let catalogue = Catalogue::builtin()?;
    let entries: Vec<Entry> = REGISTRY
        .iter()
        .map(|(d, _)| Entry {
            id: d.id,
            title: d.title,
            category: d.category,
            kind: if d.analytical {
                "分析性程序"
            } else {
                "疑点"
            },
            looks_at: d.looks_at,
            why: d.why,
            example: d.example,
            look_alikes: d.look_alikes,
            inputs: d
                .inputs
                .iter()
                .map(|(k, req)| {
                    format!(
                        "{}{}",
                        input_name(k),
                        if *req { "（必需）" } else { "（可选）" }
                    )
                })
                .collect(),
            parameters: config.raw(d.id),
        })
        .collect();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(());
    }
    let mut s = String::new();
    match &a.id {
        None => {
            for e in &entries {
                let _ = writeln!(
                    s,
                    "{:<26} {}  〔{}{}〕",
                    e.id,
                    e.title,
                    e.category,
                    if e.kind == "疑点" {
                        String::new()
                    } else {
                        format!("·{}", e.kind)
                    }
                );
            }
            let _ = writeln!(
                s,
                "共 {} 条规则；reeval rules ID 查看说明、参数与依据",
                entries.len()
            );
        }
        Some(id) => {
            let Some(e) = entries.iter().find(|e| e.id == id) else {
                bail!("没有规则“{id}”；reeval rules 列出全部规则");
            };
            let d = check::doc(id).expect("listed");
            let _ = writeln!(
                s,
                "{}  {}\n问题类别：{}\n结果性质：{}{}\n",
                e.id,
                e.title,
                e.category,
                e.kind,
                if d.analytical {
                    "（指向应查之处，不引用法规、不计问题金额、不扣分；检验了违规全部要件的结果为疑点）"
                } else {
                    ""
                }
            );
            let _ = writeln!(s, "检查什么\n  {}\n", d.looks_at);
            let _ = writeln!(s, "为什么是问题\n  {}\n", d.why);
            let _ = writeln!(s, "凭证示例\n  {}\n", d.example);
            let _ = writeln!(s, "合规做法与不触发的情形\n  {}\n", d.look_alikes);
            if !e.inputs.is_empty() {
                let _ = writeln!(s, "所需资料\n  {}\n", e.inputs.join("、"));
            }
            let (meta, _): (_, toml::Table) = config.section(id)?;
            let _ = writeln!(s, "依据");
            for fam in &meta.citations {
                for c in catalogue.versions(fam) {
                    let _ = writeln!(
                        s,
                        "  {} {}（{}，{}）{}",
                        c.law,
                        c.article,
                        c.in_force,
                        c.grade,
                        if c.text.is_empty() {
                            "：条文待核".to_string()
                        } else {
                            format!("：“{}”", c.text)
                        }
                    );
                }
            }
            let _ = writeln!(
                s,
                "\n核实要点\n  {}\n\n建议\n  {}",
                meta.verify, meta.recommendation
            );
            if let Some(p) = e.parameters {
                let _ = writeln!(
                    s,
                    "\n参数（data/rules.toml [{id}]，可用 --config 覆盖）\n{}",
                    toml::to_string_pretty(p)?
                );
            }
        }
    }
    print!("{s}");
    Ok(())
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// 规则 id：打印该规则的说明、参数与法规依据
    pub id: Option<String>,
    /// 规则配置覆盖文件（显示覆盖后的参数）
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 以 JSON 输出规则目录
    #[arg(long)]
    pub json: bool,
}
