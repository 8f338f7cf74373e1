//! 财务会计 and 预算会计 exported as separate vouchers, joined by a 关联凭证号 column: the rules
//! see one event with both sides; without the column, the same books look like missing
//! 预算会计 entries.

use crate::common::*;
use reeval::fixtures::books::write_table;

fn rows(link: bool) -> Vec<Vec<String>> {
    let r = |d: &str, v: &str, s: &str, c: &str, n: &str, dr: &str, cr: &str, l: &str| {
        let mut x: Vec<String> = [d, v, s, c, n, dr, cr]
            .iter()
            .map(|t| t.to_string())
            .collect();
        if link {
            x.push(l.to_string());
        }
        x
    };
    vec![
        // 记-5 财务, 记-6 预算 for the same payment; 记-6 names 记-5.
        r(
            "2023-03-10",
            "记-5",
            "支付培训费",
            "500102",
            "业务活动费用-培训费",
            "5000.00",
            "",
            "",
        ),
        r(
            "2023-03-10",
            "记-5",
            "支付培训费",
            "1011",
            "零余额账户用款额度",
            "",
            "5000.00",
            "",
        ),
        r(
            "2023-03-10",
            "记-6",
            "支付培训费",
            "710102",
            "行政支出-培训费",
            "5000.00",
            "",
            "记-5",
        ),
        r(
            "2023-03-10",
            "记-6",
            "支付培训费",
            "800101",
            "资金结存-零余额",
            "",
            "5000.00",
            "记-5",
        ),
        // 记-7 / 记-8: the 预算 side records 4,500.00 only.
        r(
            "2023-03-12",
            "记-7",
            "支付印刷费",
            "500102",
            "业务活动费用-印刷费",
            "5000.00",
            "",
            "记-8",
        ),
        r(
            "2023-03-12",
            "记-7",
            "支付印刷费",
            "1011",
            "零余额账户用款额度",
            "",
            "5000.00",
            "记-8",
        ),
        r(
            "2023-03-12",
            "记-8",
            "支付印刷费",
            "710102",
            "行政支出-印刷费",
            "4500.00",
            "",
            "",
        ),
        r(
            "2023-03-12",
            "记-8",
            "支付印刷费",
            "800101",
            "资金结存-零余额",
            "",
            "4500.00",
            "",
        ),
    ]
}

#[test]
fn linked_vouchers_are_one_event_for_the_rules() {
    let d = tmp();
    let mut header = vec![
        "凭证日期",
        "凭证号",
        "摘要",
        "科目编码",
        "科目名称",
        "借方金额",
        "贷方金额",
    ];
    let with = d.path().join("关联.xlsx");
    let mut h2 = header.clone();
    h2.push("关联凭证号");
    write_table(&with, "凭证", &h2, &rows(true)).unwrap();
    let without = d.path().join("无关联.xlsx");
    header.truncate(7);
    write_table(&without, "凭证", &header, &rows(false)).unwrap();

    let run = |f: &std::path::Path| {
        let (out, doc) = cli_check(
            d.path(),
            &[
                p(f),
                "--entity",
                "局机关",
                "--rules",
                "missing-budget-entry,amount-mismatch",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let doc = doc.unwrap();
        let mut v: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["voucher"].as_str().unwrap()
                )
            })
            .collect();
        v.sort();
        (v, doc)
    };
    let (linked, doc) = run(&with);
    // One event per pair: the 4,500/5,000 pair is a mismatch, nothing lacks a 预算会计 side.
    assert_eq!(linked, vec!["amount-mismatch 2023-03 记-7"]);
    let f = &doc["findings"][0];
    assert!(f["verify"].as_str().unwrap().contains("记-8"), "{f}");
    // The evidence holds lines of both vouchers (the 预算 side's 资金结存 from 记-8).
    assert!(
        f["evidence"].to_string().contains("关联.xlsx:凭证:9"),
        "{f}"
    );
    // Without the link the financial vouchers look like they have no 预算会计 entry.
    let (unlinked, _) = run(&without);
    assert_eq!(
        unlinked,
        vec![
            "missing-budget-entry 2023-03 记-5",
            "missing-budget-entry 2023-03 记-7"
        ]
    );
}
