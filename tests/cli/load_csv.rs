//! CSV exports in UTF-8 (with and without BOM) and GBK, and SpreadsheetML 2003: the same ledger gives the same
//! lines, totals and findings; undecodable bytes reject their row; bad values reject theirs.

use crate::common::*;
use reeval::fixtures::books::{
    write_ledger, write_ledger_csv, write_ledger_spreadsheet_ml, Layout,
};
use reeval::fixtures::seed002;
use serde_json::Value;
use std::collections::BTreeSet;

fn findings(doc: &Value) -> BTreeSet<(String, String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["voucher"].as_str().unwrap_or("").to_string(),
                f["amount"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_same_ledger_as_gbk_utf8_and_bom_csv_loads_and_checks_like_the_workbook() {
    let d = tmp();
    let vouchers = seed002::bureau_vouchers(2023);
    let xlsx = d.path().join("局机关.xlsx");
    write_ledger(&xlsx, "局机关", 2023, &[], &vouchers, Layout::FULL).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&xlsx)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let want = &rep.unwrap()["files"][0];
    let (_, doc) = cli_check(
        d.path(),
        &[
            p(&xlsx),
            "--rules",
            "card-settlement,amount-mismatch,meal-fee-suspense",
        ],
    );
    let want_findings = findings(&doc.unwrap());
    assert!(want_findings.len() >= 4, "{want_findings:?}");

    for (name, enc, bom, label) in [
        ("gbk.csv", encoding_rs::GBK, false, "GBK/GB18030"),
        ("gb18030.csv", encoding_rs::GB18030, false, "GBK/GB18030"),
        ("utf8.csv", encoding_rs::UTF_8, false, "UTF-8"),
        ("bom.csv", encoding_rs::UTF_8, true, "UTF-8（带 BOM）"),
    ] {
        let csv = d.path().join(name);
        write_ledger_csv(&csv, "局机关", 2023, &vouchers, enc, bom).unwrap();
        let (out, rep) = cli_load(d.path(), &[p(&csv)]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let f = &rep.unwrap()["files"][0];
        assert_eq!(f["encoding"], label, "{name}");
        assert_eq!(f["entity"], "局机关", "{name}");
        for k in ["rows_loaded", "rows_rejected", "vouchers"] {
            assert_eq!(f[k], want[k], "{name} {k}");
        }
        assert_eq!(f["totals"], want["totals"], "{name}");
        let (_, doc) = cli_check(
            d.path(),
            &[
                p(&csv),
                "--rules",
                "card-settlement,amount-mismatch,meal-fee-suspense",
            ],
        );
        assert_eq!(findings(&doc.unwrap()), want_findings, "{name}");
    }

    // The same ledger as SpreadsheetML 2003 saved with an .xls name.
    let xml = d.path().join("序时账.xls");
    write_ledger_spreadsheet_ml(&xml, "局机关", 2023, &vouchers).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&xml)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    for k in [
        "rows_loaded",
        "rows_rejected",
        "vouchers",
        "totals",
        "entity",
    ] {
        assert_eq!(f[k], want[k], "SpreadsheetML {k}");
    }
    let (_, doc) = cli_check(
        d.path(),
        &[
            p(&xml),
            "--rules",
            "card-settlement,amount-mismatch,meal-fee-suspense",
        ],
    );
    assert_eq!(findings(&doc.unwrap()), want_findings, "SpreadsheetML");
}

#[test]
fn undecodable_bytes_and_bad_values_reject_their_rows_only() {
    let d = tmp();
    let csv = d.path().join("坏.csv");
    let good = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let mut bytes =
        good("单位：局机关\n凭证日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额\n");
    bytes.extend(good(
        "2023-01-05,记-1,支付办公费,500102,业务活动费用,100.00,\n",
    ));
    bytes.extend(good(
        "2023-01-05,记-1,支付办公费,1011,零余额账户用款额度,,100.00\n",
    ));
    // Row 5: a byte sequence that is neither GBK nor UTF-8.
    bytes.extend_from_slice(b"2023-01-06,\xd8-2,\xff\xfe\xff,500102,x,50.00,\n");
    bytes.extend(good(
        "2023-01-07,记-3,支付电费,500102,业务活动费用,\"1,2,3\",\n",
    ));
    bytes.extend(good(
        "2023-13-40,记-4,支付水费,500102,业务活动费用,80.00,\n",
    ));
    bytes.extend(good(
        "2023-01-08,记-5,支付邮费,500102,业务活动费用,20.00,\n",
    ));
    bytes.extend(good(
        "2023-01-08,记-5,支付邮费,1011,零余额账户用款额度,,20.00\n",
    ));
    std::fs::write(&csv, bytes).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&csv)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["encoding"], "GBK/GB18030");
    assert_eq!(f["rows_loaded"], 4);
    assert_eq!(f["rows_rejected"], 3);
    let rej: Vec<(u64, String)> = f["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(rej[0].0, 5);
    assert!(rej[0].1.contains("无法按 GBK/GB18030 解码"), "{rej:?}");
    assert_eq!(rej[1].0, 6);
    assert_eq!(rej[2].0, 7);
    assert_eq!(f["rows_read"], 9);
}
