//! `reeval run [DIR]`: the whole engagement (load → check → sample → score) into
//! `<engagement>/output/<id>/`, with a short summary; `reeval init DIR` writes a commented skeleton.

use crate::run::{self, RunOutcome};
use anyhow::{Context, Result};
use clap::Args;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The bundled sample engagement, `samples/hrss-2023` under the working directory (the
/// checkout, or wherever `reeval gen-fixtures` wrote it); never looked up beside the build's
/// sources, which a copied or installed binary does not have.
pub fn bundled() -> Result<PathBuf> {
    let local = Path::new("samples/hrss-2023");
    if local.join(crate::run::engagement::FILE).is_file() {
        return Ok(local.to_path_buf());
    }
    anyhow::bail!(
        "未给出项目目录，当前目录下也没有样例 samples/hrss-2023；请给出含 engagement.toml 的目录，或先运行 reeval gen-fixtures samples/hrss-2023 --engagement --seed 2023 生成样例"
    )
}

/// The working directory and the engagement directory a command names (the bundled sample
/// when it names none), resolved against it.
pub fn engagement_dir(arg: &Option<PathBuf>) -> Result<(PathBuf, PathBuf)> {
    let origin = std::env::current_dir().context("无法确定当前目录")?;
    let dir = origin.join(match arg {
        Some(d) => d.clone(),
        None => bundled()?,
    });
    Ok((origin, dir))
}

/// For the commands that redo one output of an earlier run (`reeval workbook`, `reeval report`):
/// the engagement directory, its engagement.toml, the results directory (`--results`, else
/// output/<id>) and the path of its run.json, which must exist.
pub fn previous_run(
    dir: &Option<PathBuf>,
    results: &Option<PathBuf>,
) -> Result<(
    PathBuf,
    crate::run::engagement::Engagement,
    PathBuf,
    PathBuf,
)> {
    let (origin, dir) = engagement_dir(dir)?;
    let current = crate::run::engagement::Engagement::load(&dir)?;
    let results = match results {
        Some(r) => origin.join(r),
        None => dir.join("output").join(&current.engagement.id),
    };
    let manifest_path = results.join(crate::run::RUN_OUTPUT.manifest);
    if !manifest_path.is_file() {
        anyhow::bail!(
            "{} 中没有上次运行的结果（找不到 run.json）；请先运行 reeval run {}",
            results.display(),
            dir.display()
        );
    }
    Ok((dir, current, results, manifest_path))
}

pub fn run(args: &RunArgs) -> Result<()> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => bundled()?,
    };
    let outcome = run::run_with(
        &dir,
        args.out.as_deref(),
        args.quiet || args.json,
        args.discard_entries,
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&outcome.summary)?);
    } else if !args.quiet {
        print!("{}", summary_text(&dir, &outcome));
    }
    // Everything is written and published: freeing a large ledger's frames (hundreds of MB,
    // a third of a second at a million lines) would only delay the exit, and the OS takes
    // the memory back anyway. The frames hold no files or locks (nothing needs their Drop).
    std::mem::forget(outcome.loaded);
    std::mem::forget(outcome.book);
    Ok(())
}

pub fn init(args: &InitArgs) -> Result<()> {
    let path = crate::run::engagement::init(&args.dir)?;
    println!(
        "已写入 {}：按注释填写单位、核算单位与文件、抽样计划和指标体系，把资料放进 {}，然后运行 reeval run {}",
        path.display(),
        args.dir.join("data").display(),
        args.dir.display()
    );
    Ok(())
}

fn summary_text(dir: &Path, o: &RunOutcome) -> String {
    let mut s = String::new();
    // The engagement by its title (engagement.toml), the folder beside it.
    match crate::run::engagement::Engagement::load(dir)
        .ok()
        .map(|e| e.engagement.title)
        .filter(|t| !t.trim().is_empty())
    {
        Some(title) => {
            let _ = writeln!(s, "项目 {}（{}）", title.trim(), dir.display());
        }
        None => {
            let _ = writeln!(s, "项目 {}", dir.display());
        }
    }
    let s_ = &o.summary;
    if let Some(l) = &s_.load {
        let _ = writeln!(
            s,
            "载入：{} 个文件，分录 {} 行，凭证 {} 张（借贷不平 {} 张），资产 {} 项；拒收 {} 行；合计行核对 {} 处（不符 {} 处）；借方合计 {} 元",
            l.files,
            l.lines_loaded,
            l.vouchers,
            l.vouchers_unbalanced,
            l.assets,
            l.rows_rejected,
            l.totals_checked,
            l.totals_mismatched,
            l.debit.grouped()
        );
        for w in &l.warnings {
            let _ = writeln!(s, "  注意：{w}");
        }
    }
    if let Some(c) = &s_.check {
        let _ = writeln!(
            s,
            "检查：{} 条规则，疑点 {} 条，提示 {} 条，范围限制 {} 项",
            c.rules_run, c.findings, c.informational, c.scope_limits
        );
        if !c.supporting.is_empty() {
            let rejected: usize = c.supporting.iter().map(|f| f.rows_rejected).sum();
            let loaded: usize = c.supporting.iter().map(|f| f.rows_loaded).sum();
            let named: Vec<String> = c
                .supporting
                .iter()
                .filter(|f| f.rows_rejected > 0)
                .map(|f| {
                    format!(
                        "{} {} 拒收 {} 行",
                        f.title,
                        f.path,
                        crate::model::money::grouped_int(f.rows_rejected as u128)
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "  辅助资料：{} 个文件，载入 {} 行，拒收 {} 行{}",
                c.supporting.len(),
                crate::model::money::grouped_int(loaded as u128),
                crate::model::money::grouped_int(rejected as u128),
                if named.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", named.join("；"))
                }
            );
        }
        for cat in &c.by_category {
            let _ = writeln!(
                s,
                "  {}：{} 条，金额 {} 元",
                cat.category,
                cat.findings,
                crate::model::money::grouped_yuan(cat.amount)
            );
        }
        let _ = writeln!(
            s,
            "  疑点问题金额合计 {} 元（同一凭证只计一次{}）",
            crate::model::money::grouped_yuan(c.problem_amount),
            if c.overlapping_vouchers > 0 {
                format!(
                    "；{} 张凭证同时属于两个以上类别，各类别条数有重叠",
                    c.overlapping_vouchers
                )
            } else {
                String::new()
            }
        );
        if c.analytical > 0 {
            let _ = writeln!(
                s,
                "分析性程序（指向应查之处，不是疑点，不计问题金额、不扣分）：{} 条——{}",
                c.analytical,
                c.analytical_by_rule
                    .iter()
                    .map(|a| format!("{} {} 条", a.rule, a.results))
                    .collect::<Vec<_>>()
                    .join("，")
            );
        }
        for w in &c.warnings {
            let _ = writeln!(s, "  注意：{w}");
        }
        if let Some(r) = &c.review {
            let _ = writeln!(
                s,
                "核实结论（{}）：确认 {} 条，排除 {} 条，待定 {} 条；人工问题 {} 条，资产抽查问题 {} 条",
                r.file, r.confirmed, r.excluded, r.undecided, r.manual_findings, r.asset_findings
            );
            for c in &r.carried {
                let _ = writeln!(s, "  按规则、单位、凭证对应（疑点编号已变）：{c}");
            }
            for u in &r.unplaced {
                let _ = writeln!(s, "  未能对应：{u}");
            }
        }
    }
    for p in &s_.samples {
        let _ = writeln!(
            s,
            "抽样「{}」：总体 {} 项（{} 元），抽中 {} 项（{} 元），金额覆盖 {}%",
            p.plan,
            p.population_count,
            p.population_value.grouped(),
            p.selected_count,
            p.selected_value.grouped(),
            p.coverage_percent
        );
        for w in &p.warnings {
            let _ = writeln!(s, "  注意：{w}");
        }
    }
    if let Some(c) = &s_.claims {
        let _ = writeln!(
            s,
            "自评报告 {}：{} 项数字，前后不一致 {} 处；与账面一致 {} 项，不符 {} 项（自评不实，列入疑点；明细见 claims.json），未核对 {} 项",
            c.file, c.claims, c.inconsistencies, c.agreeing, c.disagreeing, c.not_verified
        );
    }
    if let Some(sc) = &s_.score {
        let provisional = if sc.complete { "" } else { "（暂定）" };
        let _ = write!(
            s,
            "评分：{} 分，等级 {}{provisional}",
            format_args!("{:.2}", sc.total),
            sc.grade
        );
        if sc.pending_issues > 0 {
            // The two counts reconciled: the pending 疑点 of the check line, the places the
            // findings indicators count (each voucher or asset once per category and
            // indicator), and those no indicator counts.
            let outside: u64 = sc.pending_outside.iter().map(|(_, n)| n).sum();
            let _ = write!(
                s,
                "（待核实疑点 {} 条：计入扣分指标的 {} 项未扣分",
                sc.pending_issues, sc.pending_findings
            );
            if sc.pending_issues - outside != sc.pending_findings {
                let _ = write!(
                    s,
                    "（{} 条疑点按每张凭证或每项资产、每一类别、每一指标计）",
                    sc.pending_issues - outside
                );
            }
            if outside > 0 {
                let _ = write!(
                    s,
                    "，{outside} 条不属于任何扣分指标（{}）",
                    sc.pending_outside
                        .iter()
                        .map(|(c, n)| format!("{c} {n} 条"))
                        .collect::<Vec<_>>()
                        .join("、")
                );
            }
            let _ = write!(s, "；全部确认则为 {:.2} 分）", sc.total_if_confirmed);
        }
        match (&sc.self_evaluation, &sc.difference) {
            (Some(se), Some(d)) => {
                let _ = writeln!(
                    s,
                    "；自评 {se}（{}），相差 {d:+.2}",
                    sc.self_grade.as_deref().unwrap_or("-")
                );
                if !sc.explained_by.is_empty() {
                    let _ = writeln!(
                        s,
                        "  主要差异：{}",
                        sc.explained_by
                            .iter()
                            // Points lost, signed as the report and score.json sign them.
                            .map(|(n, g)| match g.strip_prefix('-') {
                                Some(gained) => format!("{n} +{gained}"),
                                None => format!("{n} -{g}"),
                            })
                            .collect::<Vec<_>>()
                            .join("；")
                    );
                }
            }
            _ => {
                let _ = writeln!(s);
            }
        }
        for w in &sc.warnings {
            let _ = writeln!(s, "  注意：{w}");
        }
    }
    let timing: Vec<String> = o
        .timings
        .iter()
        .map(|(t, secs)| format!("{t} {secs:.2} 秒"))
        .collect();
    let _ = writeln!(s, "用时：{}", timing.join("，"));
    let _ = writeln!(s, "已写入 {}：{}", o.out.display(), o.outputs.join("、"));
    for k in &o.kept {
        if k.file == k.was {
            let _ = writeln!(s, "  保留 {}（{}）", k.file, k.reason);
        } else {
            let _ = writeln!(s, "  保留 {} → {}（{}）", k.was, k.file, k.reason);
        }
    }
    for n in &o.notes {
        let _ = writeln!(s, "  注意：{n}");
    }
    s
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// 项目目录（含 engagement.toml；默认：当前目录下的样例 samples/hrss-2023）
    pub dir: Option<PathBuf>,
    /// 输出目录（默认 output/<项目 id>）
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 不显示进度和摘要（只在出错时输出）
    #[arg(long, short)]
    pub quiet: bool,
    /// 以 JSON 在标准输出打印摘要（供脚本使用）
    #[arg(long)]
    pub json: bool,
    /// 上次结果中的底稿有审计人员填写的内容时仍然运行（原底稿改名保留，新底稿从空白开始）
    #[arg(long)]
    pub discard_entries: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// 新项目目录：写入带注释的 engagement.toml 框架和 data/ 目录
    pub dir: PathBuf,
}
