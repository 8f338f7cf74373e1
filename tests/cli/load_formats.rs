//! Formats chosen by the file's bytes: a legacy .xls and an HTML table written by LibreOffice
//! (committed under tests/fixtures/libreoffice, made once with `soffice --headless
//! --convert-to xls|html ledger.xlsx`; CI needs no office suite) load exactly like the .xlsx
//! they were made from, and check to the same findings. An HTML “.xls” in GBK as vendors write it.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/libreoffice")
        .join(name)
}

fn found(doc: &Value) -> BTreeSet<(String, String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["voucher"].as_str().unwrap_or("").into(),
                f["amount"].as_str().unwrap_or("").into(),
            )
        })
        .collect()
}

#[test]
fn libreoffice_xls_and_html_load_and_check_like_the_xlsx() {
    let d = tmp();
    let (out, rep) = cli_load(d.path(), &[p(&fixture("ledger.xlsx"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    let want = rep.unwrap()["files"][0].clone();
    let (_, doc) = cli_check(d.path(), &[p(&fixture("ledger.xlsx"))]);
    let want_findings = found(&doc.unwrap());
    assert!(want_findings.len() >= 8, "{want_findings:?}");
    for name in ["ledger.xls", "ledger.html"] {
        let (out, rep) = cli_load(d.path(), &[p(&fixture(name))]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let f = &rep.unwrap()["files"][0];
        for k in [
            "rows_read",
            "rows_loaded",
            "rows_opening",
            "rows_rejected",
            "vouchers",
            "totals",
            "entity",
        ] {
            assert_eq!(f[k], want[k], "{name} {k}");
        }
        let (_, doc) = cli_check(d.path(), &[p(&fixture(name))]);
        assert_eq!(found(&doc.unwrap()), want_findings, "{name}");
    }
}

#[test]
fn a_gbk_html_table_saved_as_xls_is_read() {
    let d = tmp();
    let html = "<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gbk\"></head><body>\
        <table><tr><td colspan=4>单位：局机关</td></tr>\
        <tr><th>凭证日期</th><th>凭证号</th><th>摘要</th><th>科目编码</th><th>科目名称</th><th>借方金额</th><th>贷方金额</th></tr>\
        <tr><td>2023-06-16</td><td>记-15</td><td>收到市局调研缴纳伙食费</td><td>1002</td><td>银行存款</td><td>320.00</td><td></td></tr>\
        <tr><td>2023-06-16</td><td>记-15</td><td>收到市局调研缴纳伙食费</td><td>230701</td><td>其他应付款&mdash;暂收款</td><td></td><td>320.00</td></tr>\
        </table></body></html>";
    let path = d.path().join("导出.xls");
    std::fs::write(&path, encoding_rs::GBK.encode(html).0).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["encoding"], "GBK/GB18030");
    assert_eq!(f["rows_loaded"], 2);
    assert_eq!(f["entity"], "局机关");
    let (_, doc) = cli_check(d.path(), &[p(&path), "--rules", "meal-fee-suspense"]);
    assert_eq!(doc.unwrap()["findings"][0]["voucher"], "2023-06 记-15");
}
