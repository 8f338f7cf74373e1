//! `reeval gen-fixtures`: write the bundled fixture engagement (and optionally a large
//! ledger for timing) with the seeded generator.

use crate::fixtures;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

/// Generate into a staging directory, then add the files to DIR: a file already there with
/// other bytes is never replaced without `--force` (DIR may be a real engagement).
pub fn run(args: &GenArgs) -> Result<()> {
    let staging = crate::publish::Staging::beside(&args.dir)?;
    let staged = GenArgs {
        dir: staging.path().to_path_buf(),
        ..args.clone()
    };
    let said = generate(&staged)?;
    staging.add_to(&args.dir, args.force)?;
    print!(
        "{}",
        said.replace(
            &staged.dir.display().to_string(),
            &args.dir.display().to_string()
        )
    );
    Ok(())
}

fn generate(args: &GenArgs) -> Result<String> {
    use std::fmt::Write as _;
    let mut said = String::new();
    macro_rules! println {
        ($($t:tt)*) => {{ let _ = writeln!(said, $($t)*); }};
    }
    if args.engagement {
        let mut size = fixtures::seed002::SAMPLE;
        if let Some(n) = args.lines {
            // The clean templates average about 3.3 lines a voucher; 局机关 60 %, 社保中心 40 %.
            let per_month = |share: f64| ((n as f64 * share / 12.0 / 3.3).ceil() as u32).max(25);
            size.bureau_per_month = per_month(0.6);
            size.centre_per_month = per_month(0.4);
        }
        if args.csv {
            size.files[0] = "局机关-序时账-2023.csv";
            size.files[1] = "社保中心-凭证明细-2023.csv";
        }
        let w = fixtures::engagement::write(&args.dir, args.seed, &size)?;
        println!(
            "样例项目已写入 {}：预期疑点 {} 条（seed 002 第七部分），正常凭证 {} 张",
            args.dir.display(),
            w.expected.len(),
            w.clean.len()
        );
        return Ok(said);
    }
    fixtures::write_bundled(&args.dir, args.seed)?;
    println!("样例已写入 {}", args.dir.display());
    if args.rules_test {
        let dir = args.dir.join("rules-test");
        let w = fixtures::seed002::write(&dir, args.seed)?;
        println!(
            "规则测试账套已写入 {}：预期疑点 {} 条，正常凭证 {} 张",
            dir.display(),
            w.expected.len(),
            w.clean.len()
        );
        fixtures::seed002::write_small(&dir.join("局机关-小.xlsx"), args.seed)?;
        if let Some(n) = args.lines {
            let path = dir.join(format!("scale-{n}.xlsx"));
            let (lines, vouchers) = fixtures::seed002::write_scaled(&path, args.seed, n)?;
            println!(
                "规则测速序时账 {}：{lines} 行分录，{vouchers} 张凭证",
                path.display()
            );
        }
        return Ok(said);
    }
    if let Some(n) = args.lines {
        let path = args.dir.join(format!("scale-{n}.xlsx"));
        let f = fixtures::write_grp_u8(&path, "规模测试单位", args.seed, n)?;
        println!(
            "大序时账 {}：{} 行分录，{} 张凭证",
            path.display(),
            f.lines,
            f.vouchers
        );
    }
    Ok(said)
}

/// The floor for Excel input: calamine reading every cell of every sheet, nothing else.
pub fn bare_read(args: &BareReadArgs) -> Result<()> {
    let sheets = crate::load::formats::workbook::read_sheets(&args.file)?;
    let cells: usize = sheets
        .iter()
        .map(|s| s.range.get_size().0 * s.range.get_size().1)
        .sum();
    let rows: usize = sheets.iter().map(|s| s.range.height()).sum();
    println!("{} 个工作表，{rows} 行，{cells} 个单元格", sheets.len());
    Ok(())
}

#[derive(Args, Debug)]
pub struct BareReadArgs {
    pub file: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct GenArgs {
    /// 输出目录
    pub dir: PathBuf,
    /// 另外生成一个约 N 行的大序时账（GRP-U8 版式），用于测速
    #[arg(long)]
    pub lines: Option<usize>,
    /// 随机种子
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// 另外生成规则测试账套（seed 002 第七部分的全部凭证混入正常凭证）到 DIR/rules-test
    #[arg(long = "rules-test")]
    pub rules_test: bool,
    /// 生成完整的样例再评价项目（engagement.toml + data/）到 DIR；与 --lines N 同用时按约 N 行
    /// 分录放大（两个核算单位约六四开）
    #[arg(long)]
    pub engagement: bool,
    /// 与 --engagement 同用：序时账写成 UTF-8 CSV（超过工作表 1,048,576 行上限时用）
    #[arg(long)]
    pub csv: bool,
    /// 允许替换 DIR 中内容不同的同名文件（默认拒绝，以免覆盖已有资料）
    #[arg(long)]
    pub force: bool,
}
