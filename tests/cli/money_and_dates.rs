//! Exact money (issue 14, item 6): an amount beyond what a ledger holds is rejected with its
//! cell, and a load whose sums would not stay exact is refused, never printed wrapped. Dates
//! (item 9): a bare number in a date column is a noted Excel serial in a workbook, not a date
//! at all in a text file, and a number that is no date is rejected with its cell.

use crate::common::*;
use crate::voucher_identity::{write_xlsx, C, HEADER};

fn line(date: &'static str, no: &'static str, code: &'static str, dr: C, cr: C) -> Vec<C> {
    vec![
        C::D(date),
        C::S(no),
        C::S("摘要"),
        C::S(code),
        C::S("科目"),
        dr,
        cr,
    ]
}

#[test]
fn four_lines_of_5e16_yuan_are_rejected_with_their_cells_not_summed_wrapped() {
    let d = tmp();
    let path = d.path().join("巨额.xlsx");
    let rows = vec![
        line("2023-01-05", "记-1", "5001", C::N(5e16), C::E),
        line(
            "2023-01-05",
            "记-1",
            "1002",
            C::E,
            C::S("50,000,000,000,000,000.00"),
        ),
        line(
            "2023-01-06",
            "记-2",
            "5001",
            C::S("50000000000000000"),
            C::E,
        ),
        line("2023-01-06", "记-2", "1002", C::E, C::N(5e16)),
        line("2023-01-07", "记-3", "5001", C::N(12.5), C::E),
        line("2023-01-07", "记-3", "1002", C::E, C::N(12.5)),
    ];
    write_xlsx(&path, Some("单位：测试局"), &HEADER, &rows);
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(!printed.contains("15,532,559"), "{printed}");
    let rep = rep.unwrap();
    let f = &rep["files"][0];
    assert_eq!(f["rows_loaded"], 2);
    let rej = f["rejections"].as_array().unwrap();
    let cells: Vec<(u64, &str)> = rej
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        cells,
        [
            (3, "F（借方）"),
            (4, "G（贷方）"),
            (5, "F（借方）"),
            (6, "G（贷方）")
        ]
    );
    for r in rej {
        assert_eq!(r["sheet"], "Sheet1");
        let why = r["reason"].as_str().unwrap();
        assert!(why.contains("超出账簿可记范围"), "{why}");
        assert!(why.contains("1,000,000,000,000,000.00"), "{why}");
    }
    assert_eq!(fen(&rep["summary"]["debit"]), 1250);
}

#[test]
fn a_load_whose_sums_would_not_stay_exact_is_refused_in_one_sentence() {
    // 110 debits of 9 × 10^14 元, each below the cell bound: 9.9 × 10^16 元 of debits, beyond
    // i64 分 (9.2 × 10^16 元) — before, the debit total wrapped around to a negative figure.
    let d = tmp();
    let path = d.path().join("合计溢出.xlsx");
    let mut rows = Vec::new();
    for _ in 0..110 {
        rows.push(line("2023-01-05", "记-1", "5001", C::N(9e14), C::E));
        rows.push(line("2023-01-05", "记-1", "1002", C::E, C::N(9e14)));
    }
    write_xlsx(&path, Some("单位：测试局"), &HEADER, &rows);
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    let e = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("超出可精确计算的上限"), "{e}");
    assert!(e.contains("合计溢出.xlsx"), "{e}");
    assert!(!e.contains("panicked"), "{e}");
    assert!(rep.is_none());
    let (out, _) = cli_check(d.path(), &[p(&path)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn bare_numbers_in_a_workbooks_date_column_are_serials_with_one_warning() {
    let d = tmp();
    let path = d.path().join("序号日期.xlsx");
    let rows = vec![
        // 44931 = 2023-01-05 as an unformatted number; 20230106 is a yyyymmdd number.
        line("2023-01-05", "记-1", "5001", C::N(10.0), C::E),
        line("2023-01-05", "记-1", "1002", C::E, C::N(10.0)),
        line("2023-01-05", "记-2", "5001", C::N(20.0), C::E),
        line("2023-01-05", "记-2", "1002", C::E, C::N(20.0)),
        line("2023-01-05", "记-3", "5001", C::N(30.0), C::E),
        line("2023-01-05", "记-3", "1002", C::E, C::N(30.0)),
        line("2023-01-05", "记-4", "5001", C::N(40.0), C::E),
    ];
    let mut rows = rows;
    for (i, r) in rows.iter_mut().enumerate() {
        r[0] = match i {
            0 | 1 => C::N(44931.0),
            2 | 3 => C::N(20230106.0),
            4 | 5 => C::D("2023-01-07"),
            _ => C::N(99999999.0),
        };
    }
    write_xlsx(&path, Some("单位：测试局"), &HEADER, &rows);
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["rows_loaded"], 6);
    let warnings: Vec<&str> = f["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    let serial: Vec<&&str> = warnings.iter().filter(|w| w.contains("日期序号")).collect();
    assert_eq!(serial.len(), 1, "{warnings:?}");
    assert!(serial[0].contains("A（日期）"), "{}", serial[0]);
    assert!(serial[0].contains("有 2 个单元格"), "{}", serial[0]);
    assert!(serial[0].contains("44931 读作 2023-01-05"), "{}", serial[0]);
    // An impossible date is rejected with its cell.
    let rej = &f["rejections"][0];
    assert_eq!(rej["row"], 9);
    assert_eq!(rej["column"], "A（日期）");
    assert!(
        rej["reason"].as_str().unwrap().contains("99999999"),
        "{rej}"
    );
}

#[test]
fn a_bare_number_in_a_csv_date_column_is_not_a_date() {
    let d = tmp();
    let csv = d.path().join("数字日期.csv");
    std::fs::write(
        &csv,
        "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         45000,记-1,支付办公费,5001,业务活动费用,100.00,\n\
         45000,记-1,支付办公费,1002,银行存款,,100.00\n\
         2023-03-15,记-2,支付办公费,5001,业务活动费用,100.00,\n\
         20230315,记-2,支付办公费,1002,银行存款,,100.00\n",
    )
    .unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&csv), "--entity", "测试局"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["rows_loaded"], 2);
    let rej = f["rejections"].as_array().unwrap();
    assert_eq!(rej.len(), 2);
    for r in rej {
        assert_eq!(r["column"], "A（日期）");
        let why = r["reason"].as_str().unwrap();
        assert!(why.contains("45000") && why.contains("不是日期"), "{why}");
    }
}
