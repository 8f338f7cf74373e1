//! The three tables audit software takes — 科目表, 科目余额表 (two-row header, summary levels)
//! and a 凭证表 with codes only — and a 科目余额表 as the source of opening balances.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::write_table;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

/// 科目余额表 with 期初余额 / 本期发生额 / 期末余额 merged over 借方 and 贷方.
/// (code, name, opening 借, 贷, movements 借, 贷, closing 借, 贷)
type BalanceLine<'a> = (&'a str, &'a str, f64, f64, f64, f64, f64, f64);

fn balance_table(path: &std::path::Path, rows: &[BalanceLine]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.write_string(0, 0, "科目余额表").unwrap();
    ws.write_string(1, 0, "单位：局机关    期间：2023年1月-12月")
        .unwrap();
    ws.merge_range(2, 0, 3, 0, "科目编码", &f).unwrap();
    ws.merge_range(2, 1, 3, 1, "科目名称", &f).unwrap();
    for (k, h) in ["期初余额", "本期发生额", "期末余额"].iter().enumerate() {
        let c = 2 + 2 * k as u16;
        ws.merge_range(2, c, 2, c + 1, h, &f).unwrap();
        ws.write_string(3, c, "借方").unwrap();
        ws.write_string(3, c + 1, "贷方").unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_string(row, 0, r.0).unwrap();
        ws.write_string(row, 1, r.1).unwrap();
        for (k, v) in [r.2, r.3, r.4, r.5, r.6, r.7].iter().enumerate() {
            if *v != 0.0 {
                ws.write_number(row, 2 + k as u16, *v).unwrap();
            }
        }
    }
    ws.write_string(4 + rows.len() as u32, 0, "合计").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn three_tables_give_names_opening_balances_and_a_closing_reconciliation() {
    let d = tmp();
    let chart = d.path().join("科目表.xlsx");
    let names = [
        ("1002", "银行存款"),
        ("1011", "零余额账户用款额度"),
        ("2307", "其他应付款"),
        ("230799", "其他应付款-其他"),
        ("5001", "业务活动费用"),
        ("500102", "业务活动费用-商品和服务费用-工会经费"),
    ];
    let rows: Vec<Vec<String>> = names
        .iter()
        .map(|(c, n)| vec![c.to_string(), n.to_string()])
        .collect();
    write_table(&chart, "科目表", &["科目编码", "科目名称"], &rows).unwrap();
    let bal = d.path().join("科目余额表.xlsx");
    balance_table(
        &bal,
        &[
            (
                "1002",
                "银行存款",
                300_000.0,
                0.0,
                0.0,
                23_600.0,
                276_400.0,
                0.0,
            ),
            (
                "1011",
                "零余额账户用款额度",
                0.0,
                0.0,
                0.0,
                50_000.0,
                0.0,
                50_000.0,
            ),
            // A summary level and its leaf: only the leaf is kept.
            (
                "2307",
                "其他应付款",
                0.0,
                152_300.0,
                23_600.0,
                0.0,
                0.0,
                128_700.0,
            ),
            (
                "230799", "其他", 0.0, 152_300.0, 23_600.0, 0.0, 0.0, 128_700.0,
            ),
            // Written wrong on purpose: 50,000.00 was expensed, the table says 50,100.00.
            (
                "500102",
                "商品和服务费用",
                0.0,
                0.0,
                50_000.0,
                0.0,
                50_100.0,
                0.0,
            ),
        ],
    );
    // The 凭证表: codes only, as CSV.
    let v = d.path().join("凭证表.csv");
    let s = "2022年度工会经费单位行政补助";
    std::fs::write(
        &v,
        format!(
            "单位：局机关\n凭证日期,凭证号,摘要,科目编码,借方金额,贷方金额\n\
             2023-01-18,记-17,{s},500102,50000.00,\n2023-01-18,记-17,{s},230799,23600.00,\n\
             2023-01-18,记-17,{s},1011,,50000.00\n2023-01-18,记-17,{s},1002,,23600.00\n"
        ),
    )
    .unwrap();
    let (out, rep) = cli_load(
        d.path(),
        &[p(&v), "--balances", p(&chart), "--balances", p(&bal)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rep = rep.unwrap();
    let b: &Value = rep["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("科目余额表.xlsx"))
        .unwrap();
    assert_eq!(b["kind"], "balances");
    assert_eq!(b["rows_loaded"], 4, "{b}");
    let checks = b["totals_checked"].as_array().unwrap();
    assert_eq!(checks.len(), 4);
    let bad: Vec<&Value> = checks.iter().filter(|c| c["matches"] == false).collect();
    assert_eq!(bad.len(), 1);
    assert!(bad[0]["label"].as_str().unwrap().contains("500102"));
    assert_eq!(bad[0]["figures"][0]["stated"], "50100.00");
    assert_eq!(bad[0]["figures"][0]["loaded"], "50000.00");
    assert!(
        rep["files"][1]["warnings"]
            .to_string()
            .contains("科目名称取自")
            || b["warnings"].to_string().contains("科目名称取自")
    );

    // The rules see the opening balance and the names.
    let (out, doc) = cli_check(
        d.path(),
        &[
            p(&v),
            "--balances",
            p(&chart),
            "--balances",
            p(&bal),
            "--rules",
            "suspense-spending",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["voucher"], "2023-01 记-17");
    assert!(
        f["explanation"].as_str().unwrap().contains("152,300.00"),
        "{f}"
    );
    assert!(f["evidence"].to_string().contains("其他应付款-其他"), "{f}");
    assert!(
        doc["scope_limits"].as_array().unwrap().is_empty(),
        "{}",
        doc["scope_limits"]
    );
}
