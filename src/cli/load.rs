//! `reeval load`: load files, print the summary, optionally write the JSON report.

use super::LoadInputs;
use crate::load;
use crate::load::report::LoadReport;
use crate::model::money::Fen;
use anyhow::Result;
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

pub fn run(args: &LoadArgs) -> Result<()> {
    let req = args.inputs.request(&args.ledgers);
    // The cache directory is claimed before the load, so a refused --out fails at once.
    let claim = args
        .out
        .as_deref()
        .map(crate::load::cache::claim)
        .transpose()?;
    let mut loaded = load::load(&req)?;
    print!("{}", summary_text(&loaded.report, args.show));
    if let (Some(dir), Some(claim)) = (&args.out, claim) {
        let notes = crate::load::cache::write(claim, &mut loaded)?;
        println!("载入缓存（Parquet）已写入 {}", dir.display());
        for n in notes {
            println!("  {n}");
        }
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(&loaded.report)?;
        super::write_report(path, &json, &loaded.report.provenance, &args.ledgers)?;
        println!("载入报告已写入 {}", path.display());
    }
    // The cache and the report are written (files closed): freeing a large ledger's frames
    // (hundreds of MB) would only delay the exit, and the OS takes the memory back anyway.
    // The frames hold no files or locks (nothing needs their Drop).
    std::mem::forget(loaded);
    Ok(())
}

/// Chinese name of a reconciled figure.
fn field_name(field: &str) -> &str {
    match field {
        "debit" => "借方",
        "credit" => "贷方",
        "original" => "原值",
        "accumulated" => "累计折旧",
        "net" => "净值",
        other => other,
    }
}

fn money(f: Fen) -> String {
    f.grouped()
}

/// The readable terminal summary of a load report.
pub fn summary_text(r: &LoadReport, show: usize) -> String {
    let mut s = String::new();
    for f in &r.files {
        let _ = writeln!(
            s,
            "■ {}（{}）",
            f.path,
            match f.kind.as_str() {
                "ledger" => "序时账",
                "balances" => "科目余额表/科目表",
                _ => "资产明细表",
            }
        );
        if let Some(d) = &f.duplicate_of {
            let _ = writeln!(s, "  与 {d} 内容相同，未重复载入");
            continue;
        }
        let _ = writeln!(
            s,
            "  映射方案 {}；核算单位 {}（来自{}）{}{}",
            f.profile.as_deref().unwrap_or("-"),
            f.entity.as_deref().unwrap_or("按行取列值"),
            f.entity_source.as_deref().unwrap_or("-"),
            f.accounting_system
                .as_ref()
                .map(|a| format!("；会计制度 {a}"))
                .unwrap_or_default(),
            f.encoding
                .as_ref()
                .map(|e| format!("；文本编码 {e}"))
                .unwrap_or_default()
        );
        let _ = writeln!(
            s,
            "  读取 {} 行：载入 {}，期初 {}，跳过（标题/表头/合计/空行/无表头工作表）{}，拒收 {}",
            f.rows_read, f.rows_loaded, f.rows_opening, f.rows_skipped, f.rows_rejected
        );
        if f.kind == "balances" {
            let _ = writeln!(
                s,
                "  末级科目 {} 个（期初余额载入 opening 表）",
                f.rows_loaded
            );
        } else if f.kind == "ledger" {
            let _ = writeln!(
                s,
                "  凭证 {} 张，借方合计 {}，贷方合计 {}；借贷不平 {} 张",
                f.vouchers,
                money(f.totals.debit),
                money(f.totals.credit),
                f.vouchers_unbalanced.len()
            );
        } else {
            let _ = writeln!(
                s,
                "  原值 {}，累计折旧 {}，净值 {}",
                money(f.totals.original.unwrap_or_default()),
                money(f.totals.accumulated.unwrap_or_default()),
                money(f.totals.net.unwrap_or_default())
            );
        }
        let bad_totals: Vec<_> = f.totals_checked.iter().filter(|t| !t.matches).collect();
        let _ = writeln!(
            s,
            "  合计行核对 {} 行：相符 {}，不符 {}",
            f.totals_checked.len(),
            f.totals_checked.len() - bad_totals.len(),
            bad_totals.len()
        );
        for t in bad_totals.iter().take(show) {
            let figs: Vec<String> = t
                .figures
                .iter()
                .map(|x| {
                    format!(
                        "{} 表列 {} / 载入 {}",
                        field_name(&x.field),
                        money(x.stated),
                        money(x.loaded)
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "    ✗ {} 第 {} 行“{}”（{}）：{}",
                t.sheet,
                t.row,
                t.label,
                t.scope,
                figs.join("；")
            );
        }
        for u in f.vouchers_unbalanced.iter().take(show) {
            let _ = writeln!(
                s,
                "    ✗ 借贷不平：{}（{}）借 {} 贷 {}，差 {}",
                u.voucher,
                u.basis,
                money(u.debit),
                money(u.credit),
                money(u.difference)
            );
        }
        for j in f.rejections.iter().take(show) {
            let _ = writeln!(
                s,
                "    拒收 {} 第 {} 行 {}：{}",
                j.sheet, j.row, j.column, j.reason
            );
        }
        if f.rejections.len() > show {
            let _ = writeln!(
                s,
                "    ……另有 {} 行拒收，见 JSON 报告",
                f.rejections.len() - show
            );
        }
        if !f.accounts_not_in_chart.is_empty() {
            let _ = writeln!(
                s,
                "  不在科目表中的一级科目：{}",
                f.accounts_not_in_chart.join("、")
            );
        }
        for sh in f.sheets.iter().filter(|sh| !sh.ignored_columns.is_empty()) {
            let _ = writeln!(
                s,
                "  工作表“{}”未读取的列：{}",
                sh.sheet,
                crate::load::report::ColumnMap::list(&sh.ignored_columns)
            );
        }
        for w in &f.warnings {
            let _ = writeln!(s, "  注意：{w}");
        }
    }
    let m = &r.summary;
    let _ = writeln!(
        s,
        "合计：{} 个文件，分录 {} 行（作废/未记账 {} 行不参与分析），期初余额 {} 条，资产 {} 项，拒收 {} 行，凭证 {} 张（借贷不平 {}），合计行不符 {}/{}",
        m.files,
        m.lines_loaded,
        m.lines_excluded_status,
        m.opening_balances,
        m.assets_loaded,
        m.rows_rejected,
        m.vouchers,
        m.vouchers_unbalanced,
        m.totals_mismatched,
        m.totals_checked
    );
    if !m.vouchers_in_several_files.is_empty() {
        let _ = writeln!(
            s,
            "注意：{} 张凭证同时出现在多个文件中（重复导出？），已按文件分为不同凭证：{}",
            m.vouchers_in_several_files.len(),
            crate::load::excerpt(&m.vouchers_in_several_files)
        );
    }
    if !m.duplicate_voucher_numbers.is_empty() {
        let _ = writeln!(
            s,
            "注意：{} 个凭证号在同一期间用于不同日期（凭证号重复），已按日期分为不同凭证：{}",
            m.duplicate_voucher_numbers.len(),
            crate::load::excerpt(&m.duplicate_voucher_numbers)
        );
    }
    s
}

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// 序时账 / 凭证明细文件（.xlsx、.xls），可多个
    #[arg(required = true, value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: LoadInputs,
    /// 把载入报告写成 JSON
    #[arg(long = "json", value_name = "REPORT")]
    pub json: Option<PathBuf>,
    /// 把载入结果写成 Parquet 缓存目录（lines/opening/assets.parquet + load.json）；
    /// 之后各命令可用该目录代替原始文件
    #[arg(long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 终端上最多列出多少条拒收行
    #[arg(long, default_value_t = 20)]
    pub show: usize,
}
