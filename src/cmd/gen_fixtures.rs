//! `reeval gen-fixtures`: write the bundled fixture engagement (and optionally a large
//! ledger for timing) with the seeded generator.

use crate::cli::GenArgs;
use crate::fixtures;
use anyhow::Result;

pub fn run(args: &GenArgs) -> Result<()> {
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
        return Ok(());
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
    Ok(())
}

/// The floor for Excel input: calamine reading every cell of every sheet, nothing else.
pub fn bare_read(args: &crate::cli::BareReadArgs) -> Result<()> {
    let sheets = crate::workbook::read_sheets(&args.file)?;
    let cells: usize = sheets
        .iter()
        .map(|s| s.range.get_size().0 * s.range.get_size().1)
        .sum();
    let rows: usize = sheets.iter().map(|s| s.range.height()).sum();
    println!("{} 个工作表，{rows} 行，{cells} 个单元格", sheets.len());
    Ok(())
}
