//! Issue 25 (loading at the speed of the read): the faster loader gives the same answers.
//! Byte-identity with the previous loader on the bench ledgers is checked by bench/same.sh;
//! these tests pin what those ledgers do not contain: unbalanced vouchers whose lines are
//! interleaved with another voucher's, one number on two dates, two bases in one voucher, units
//! and statuses read per row from their columns.

use crate::common::*;
use reeval::load::{load, LoadRequest};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn unbalanced(f: &Value) -> Vec<(String, String, String, String)> {
    f["vouchers_unbalanced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["voucher"].as_str().unwrap().to_string(),
                u["basis"].as_str().unwrap().to_string(),
                u["debit"].as_str().unwrap().to_string(),
                u["credit"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const INTERLEAVED: &str = "单位：测试局
凭证日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额
2023-01-05,记-1,a,5001,业务活动费用,100,
2023-01-05,记-1,a,1002,银行存款,,90
2023-01-20,记-1,b,5001,业务活动费用,70,
2023-01-20,记-1,b,1002,银行存款,,70
2023-01-21,记-2,c,5001,业务活动费用,30,
2023-01-21,记-3,d,5001,业务活动费用,5,
2023-01-21,记-2,c,1002,银行存款,,20
2023-01-21,记-3,d,1002,银行存款,,5
2023-01-22,记-4,e,5001,业务活动费用,100,
2023-01-22,记-4,e,1002,银行存款,,100
2023-01-22,记-4,e,7101,行政支出,100,
2023-01-22,记-4,e,8001,资金结存,,90
";

#[test]
fn balance_check_sums_interleaved_lines_per_voucher_and_basis_and_tags_a_reused_number_by_date() {
    let d = tmp();
    // The same books as CSV and with the lines of 记-2 and 记-3 in the other order.
    let swapped = INTERLEAVED.replace(
        "2023-01-21,记-3,d,5001,业务活动费用,5,\n2023-01-21,记-2,c,1002,银行存款,,20",
        "2023-01-21,记-2,c,1002,银行存款,,20\n2023-01-21,记-3,d,5001,业务活动费用,5,",
    );
    assert_ne!(swapped, INTERLEAVED);
    for (name, text) in [("交错.csv", INTERLEAVED), ("顺序.csv", swapped.as_str())] {
        let path = write(d.path(), name, text);
        let (out, rep) = cli_load(d.path(), &[p(&path)]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let f = &rep.unwrap()["files"][0];
        // 记-1 on two dates is two vouchers; 记-2, 记-3, 记-4.
        assert_eq!(f["vouchers"], 5, "{name}");
        let s = |x: &str| x.to_string();
        assert_eq!(
            unbalanced(f),
            [
                (
                    s("测试局 2023-01 记-1（2023-01-05）"),
                    s("财务会计"),
                    s("100.00"),
                    s("90.00")
                ),
                (
                    s("测试局 2023-01 记-2"),
                    s("财务会计"),
                    s("30.00"),
                    s("20.00")
                ),
                (
                    s("测试局 2023-01 记-4"),
                    s("预算会计"),
                    s("100.00"),
                    s("90.00")
                ),
            ],
            "{name}"
        );
        assert_eq!(
            f["duplicate_voucher_numbers"],
            json!([{"voucher": "测试局 2023-01 记-1", "dates": ["2023-01-05", "2023-01-20"]}]),
            "{name}"
        );
    }
}

#[test]
fn balance_check_without_unbalanced_vouchers_lists_none() {
    let d = tmp();
    let text = INTERLEAVED
        .replace(",,90\n", ",,100\n")
        .replace(",,20\n", ",,30\n")
        .replace("2023-01-20,记-1", "2023-01-05,记-1");
    let path = write(d.path(), "平.csv", &text);
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert!(unbalanced(f).is_empty(), "{f}");
    assert_eq!(f["duplicate_voucher_numbers"], json!([]));
    // 记-1's two dates are now one: four vouchers.
    assert_eq!(f["vouchers"], 4);
}

const TWO_UNITS: &str = "核算单位,凭证日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,状态
局机关,2023-03-05,记-7,a,5001,业务活动费用,50,,
社保中心,2023-03-05,记-7,a,5001,业务活动费用,50,,已作废
局机关,2023-03-05,记-7,a,1002,银行存款,,50,
社保中心,2023-03-05,记-7,a,1002,银行存款,,40,已作废
社保中心,2023-03-06,记-8,b,5001,业务活动费用,8,,
社保中心,2023-03-06,记-8,b,1002,银行存款,,8,未记账
";

#[test]
fn units_and_statuses_read_per_row_stay_with_their_rows() {
    let d = tmp();
    let path = write(d.path(), "两单位.csv", TWO_UNITS);
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rep = rep.unwrap();
    let f = &rep["files"][0];
    // The same number on the same date in two units: two vouchers, one of them unbalanced.
    assert_eq!(f["vouchers"], 3);
    let s = |x: &str| x.to_string();
    assert_eq!(
        unbalanced(f),
        [(
            s("社保中心 2023-03 记-7"),
            s("财务会计"),
            s("50.00"),
            s("40.00")
        )]
    );
    assert_eq!(rep["summary"]["lines_excluded_status"], 3);

    let loaded = load(&LoadRequest {
        ledgers: vec![path],
        keep_rows: true,
        ..Default::default()
    })
    .unwrap();
    let col = |name: &str| -> Vec<String> {
        loaded
            .frames
            .lines
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        col("entity"),
        [
            "局机关",
            "社保中心",
            "局机关",
            "社保中心",
            "社保中心",
            "社保中心"
        ]
    );
    assert_eq!(
        col("status"),
        ["正常", "作废", "正常", "作废", "正常", "未记账"]
    );
    assert_eq!(col("basis"), ["财务会计"; 6]);
    assert_eq!(
        col("account_l1"),
        [
            "业务活动费用",
            "业务活动费用",
            "银行存款",
            "银行存款",
            "业务活动费用",
            "银行存款"
        ]
    );
    assert_eq!(col("source_sheet"), ["两单位"; 6]);
    // The row structs agree with the frame, and compare with plain text.
    assert!(loaded.lines[1].entity == "社保中心");
    assert_eq!(loaded.lines[5].status.as_str(), "未记账");
    assert_eq!(
        loaded
            .lines
            .iter()
            .map(|l| l.source.row)
            .collect::<Vec<_>>(),
        [2, 3, 4, 5, 6, 7]
    );
}
