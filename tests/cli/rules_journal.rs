//! Journal-entry tests: fixtures that must and must not fire.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, write_table, Layout, L, V};
use std::collections::BTreeSet;

fn pay(s: &str, fen: i64, from: &str, to: Option<&str>) -> Vec<L> {
    let mut c = cr(
        s,
        from,
        if from == "1001" {
            "库存现金"
        } else {
            "银行存款"
        },
        fen,
    );
    if let Some(t) = to {
        c = c.cp(t);
    }
    vec![
        dr(s, "500102", "业务活动费用-商品和服务费用-办公费", fen).econ("30201", "办公费"),
        c,
    ]
}

fn fired(rule: &str, vs: &[V]) -> BTreeSet<u32> {
    let d = tmp();
    let path = d.path().join("账.xlsx");
    write_ledger(&path, "局机关", 2023, &[], vs, Layout::FULL).unwrap();
    let (out, doc) = cli_check(d.path(), &[p(&path), "--rules", rule]);
    assert!(out.status.success(), "{}", stderr(&out));
    doc.unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["voucher"]
                .as_str()
                .unwrap()
                .rsplit('-')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

/// A ledger written as a plain table (for columns the ledger writer has no option for:
/// 凭证状态, 会计期间, 往来单位 on opening rows), checked with one rule.
fn check_table(header: &[&str], rows: &[Vec<String>], rule: &str) -> serde_json::Value {
    let d = tmp();
    let path = d.path().join("账.xlsx");
    write_table(&path, "凭证", header, rows).unwrap();
    let (out, doc) = cli_check(d.path(), &[p(&path), "--entity", "局机关", "--rules", rule]);
    assert!(out.status.success(), "{}", stderr(&out));
    doc.unwrap()
}

fn set(v: &[u32]) -> BTreeSet<u32> {
    v.iter().copied().collect()
}

#[test]
fn weekend_posting_uses_the_holiday_calendar() {
    let vs = vec![
        V::new(1, 24, 1, pay("春节假期付款", 500_00, "1002", None)), // 2023-01-24 春节
        V::new(3, 25, 2, pay("周六付款", 500_00, "1002", None)),     // a Saturday
        V::new(10, 3, 3, pay("国庆付款", 500_00, "1002", None)),     // 国庆
        V::new(1, 28, 4, pay("调休上班日付款", 500_00, "1002", None)), // 调休 Saturday
        V::new(3, 24, 5, pay("周五付款", 500_00, "1002", None)),
    ];
    // Numbers are per month, so the test reads them back per voucher.
    assert_eq!(fired("weekend-posting", &vs), set(&[1, 2, 3]));
}

#[test]
fn round_amounts_above_the_threshold() {
    let vs = vec![
        V::new(3, 1, 1, pay("支付咨询费", 50_000_00, "1002", None)),
        V::new(3, 2, 2, pay("支付培训费", 12_000_00, "1002", None)),
        V::new(3, 3, 3, pay("支付设备款", 100_000_00, "1002", None)),
        V::new(3, 6, 4, pay("支付办公用品费", 9_000_00, "1002", None)),
        V::new(3, 7, 5, pay("支付印刷费", 12_345_60, "1002", None)),
        V::new(
            3,
            8,
            6,
            vec![
                dr("收到财政拨款", "1011", "零余额", 500_000_00),
                cr("收到财政拨款", "4001", "财政拨款收入", 500_000_00),
            ],
        ),
    ];
    assert_eq!(fired("round-amount", &vs), set(&[1, 2, 3]));
}

#[test]
fn voucher_gaps_and_backdating_count_voided_numbers_as_used() {
    let row = |date: &str, n: &str, st: &str| -> Vec<String> {
        vec![
            date.into(),
            n.into(),
            "支付办公费".into(),
            "500102".into(),
            "业务活动费用".into(),
            "100.00".into(),
            "".into(),
            st.into(),
        ]
    };
    let row2 = |date: &str, n: &str, st: &str| -> Vec<String> {
        vec![
            date.into(),
            n.into(),
            "支付办公费".into(),
            "1002".into(),
            "银行存款".into(),
            "".into(),
            "100.00".into(),
            st.into(),
        ]
    };
    let mut rows = Vec::new();
    for (date, n, st) in [
        ("2023-03-01", "记-1", "正常"),
        ("2023-03-02", "记-2", "作废"), // voided: its number is used, not a gap
        ("2023-03-03", "记-3", "正常"),
        ("2023-03-06", "记-6", "正常"), // 4 and 5 missing
        ("2023-03-02", "记-7", "正常"), // dated before 记-6
        ("2023-04-01", "记-1", "正常"), // numbering restarts each month
    ] {
        rows.push(row(date, n, st));
        rows.push(row2(date, n, st));
    }
    let doc = check_table(
        &[
            "凭证日期",
            "凭证号",
            "摘要",
            "科目编码",
            "科目名称",
            "借方金额",
            "贷方金额",
            "凭证状态",
        ],
        &rows,
        "voucher-gap",
    );
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            "voucher-gap/局机关/2023-03 记-6/断号-4",
            "voucher-gap/局机关/2023-03 记-7/日期倒序"
        ]
    );
    assert!(doc["findings"][0]["explanation"]
        .as_str()
        .unwrap()
        .contains("记-4 至 记-5"));
}

#[test]
fn cash_payments_over_the_limit() {
    let vs = vec![
        V::new(5, 4, 1, pay("以现金支付培训住宿费", 3_200_00, "1001", None)),
        V::new(5, 5, 2, pay("现金支付维修费", 1_500_00, "1001", None)),
        V::new(5, 8, 3, pay("支付快递费", 80_00, "1001", None)),
        V::new(
            5,
            9,
            4,
            vec![
                dr("现金存入银行", "1002", "银行存款", 5_000_00),
                cr("现金存入银行", "1001", "库存现金", 5_000_00),
            ],
        ),
        V::new(
            5,
            10,
            5,
            vec![
                dr("提取备用金", "1001", "库存现金", 2_000_00),
                cr("提取备用金", "1002", "银行存款", 2_000_00),
            ],
        ),
        V::new(5, 11, 6, pay("转账支付设备款", 9_800_00, "1002", None)),
    ];
    assert_eq!(fired("cash-limit", &vs), set(&[1, 2]));
}

#[test]
fn duplicate_payments_to_one_payee_within_the_window() {
    let vs = vec![
        V::new(
            3,
            5,
            1,
            pay("支付印刷费", 8_600_00, "1002", Some("昆明新华印刷有限公司")),
        ),
        V::new(
            3,
            18,
            2,
            pay("支付印刷费", 8_600_00, "1002", Some("昆明新华印刷公司")),
        ), // near-duplicate name
        V::new(
            3,
            20,
            3,
            pay("支付印刷费", 8_650_00, "1002", Some("昆明新华印刷有限公司")),
        ), // other amount
        V::new(
            3,
            21,
            4,
            pay(
                "支付办公用品费",
                8_600_00,
                "1002",
                Some("寻甸县科达办公设备经营部"),
            ),
        ), // other payee
        V::new(
            4,
            1,
            5,
            pay(
                "支付4月物业费",
                12_000_00,
                "1002",
                Some("寻甸县物业服务中心"),
            ),
        ),
        V::new(
            5,
            1,
            6,
            pay(
                "支付5月物业费",
                12_000_00,
                "1002",
                Some("寻甸县物业服务中心"),
            ),
        ), // a month later
        V::new(
            5,
            6,
            7,
            pay(
                "重复支付咨询费",
                30_000_00,
                "1002",
                Some("云南某咨询有限责任公司"),
            ),
        ),
        V::new(
            5,
            9,
            8,
            pay("支付咨询费", 30_000_00, "1002", Some("云南某咨询有限公司")),
        ),
    ];
    assert_eq!(fired("duplicate-payment", &vs), set(&[2, 8]));
}

#[test]
fn benford_is_one_population_finding_per_entity_with_its_figures() {
    let d = tmp();
    let path = d.path().join("大.xlsx");
    reeval::fixtures::seed002::write_scaled(&path, 5, 6000).unwrap();
    let (out, doc) = cli_check(d.path(), &[p(&path), "--rules", "benford"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    let f = &doc["findings"].as_array().unwrap()[0];
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    assert!(f["voucher"].is_null(), "{f}");
    let x = f["explanation"].as_str().unwrap();
    for part in ["首位数字 MAD", "首两位数字 MAD", "卡方", "低于此数未计入"] {
        assert!(x.contains(part), "{part}: {x}");
    }
    // Population findings are not sampling targets: the risk ranking leaves them out.
    assert!(doc["risk"].as_array().unwrap().is_empty());
    // Too small a population is a scope limit, not a verdict.
    let small = d.path().join("小.xlsx");
    write_ledger(
        &small,
        "局机关",
        2023,
        &[],
        &[V::new(3, 1, 1, pay("支付办公费", 500_00, "1002", None))],
        Layout::FULL,
    )
    .unwrap();
    let (_, doc) = cli_check(d.path(), &[p(&small), "--rules", "benford"]);
    let doc = doc.unwrap();
    assert!(doc["findings"].as_array().unwrap().is_empty());
    assert!(doc["scope_limits"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("未做首位数字分析"));
}

#[test]
fn cutoff_outside_the_period_and_next_year_at_year_end() {
    let row = |date: &str,
               period: &str,
               n: &str,
               s: &str,
               code: &str,
               dr: &str,
               cr: &str|
     -> Vec<String> {
        [date, period, n, s, code, "科目", dr, cr]
            .iter()
            .map(|x| x.to_string())
            .collect()
    };
    let mut rows = Vec::new();
    for (date, period, n, s) in [
        ("2023-12-28", "12", "记-1", "支付2024年度物业费"), // next year at year end
        ("2023-12-20", "12", "记-2", "预付下年度网络服务费"), // next year at year end
        ("2023-11-03", "12", "记-3", "支付办公费"),         // dated in November, period 12
        ("2024-01-02", "12", "记-4", "支付印刷费"),         // dated in the next year
        ("2023-12-29", "12", "记-5", "支付2023年度审计费"), // this year's bill
        ("2023-06-10", "6", "记-6", "转发2024年度预算编制通知印刷费"), // mid-year mention
        ("2023-01-10", "1", "记-7", "支付2022年度物业费尾款"), // previous year: normal
    ] {
        rows.push(row(date, period, n, s, "500102", "100.00", ""));
        rows.push(row(date, period, n, s, "1002", "", "100.00"));
    }
    let doc = check_table(
        &[
            "凭证日期",
            "会计期间",
            "凭证号",
            "摘要",
            "科目编码",
            "科目名称",
            "借方金额",
            "贷方金额",
        ],
        &rows,
        "cutoff",
    );
    let got: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["voucher"].as_str().unwrap().to_string())
        .collect();
    // Without a 年度 column the year is the date's, so 记-4 reads as 2024 period 12: still
    // outside its period (dated in January).
    assert_eq!(
        got,
        vec![
            "2023-12 记-1",
            "2023-12 记-2",
            "2023-12 记-3",
            "2024-12 记-4"
        ]
    );
}

#[test]
fn suspense_balances_carried_through_the_year_are_aged() {
    let r = |date: &str,
             n: &str,
             s: &str,
             code: &str,
             name: &str,
             dr: &str,
             cr: &str,
             cp: &str|
     -> Vec<String> {
        [date, n, s, code, name, dr, cr, cp]
            .iter()
            .map(|x| x.to_string())
            .collect()
    };
    let rows = vec![
        r(
            "2023-01-01",
            "",
            "期初余额",
            "230799",
            "其他应付款-其他",
            "",
            "3533.84",
            "县红十字会",
        ),
        r(
            "2023-01-01",
            "",
            "期初余额",
            "230799",
            "其他应付款-其他",
            "",
            "5000.00",
            "宏达公司",
        ),
        r(
            "2023-01-01",
            "",
            "期初余额",
            "121899",
            "其他应收款-其他",
            "2000.00",
            "",
            "张三",
        ),
        r(
            "2023-01-01",
            "",
            "期初余额",
            "230702",
            "其他应付款-公务卡",
            "",
            "8000.00",
            "李明",
        ),
        // 宏达公司's deposit returned in full; 张三 repaid 500 of 2,000.
        r(
            "2023-03-10",
            "记-1",
            "退还宏达公司保证金",
            "230799",
            "其他应付款-其他",
            "5000.00",
            "",
            "宏达公司",
        ),
        r(
            "2023-03-10",
            "记-1",
            "退还宏达公司保证金",
            "1002",
            "银行存款",
            "",
            "5000.00",
            "",
        ),
        r(
            "2023-04-10",
            "记-2",
            "收回张三借款",
            "1002",
            "银行存款",
            "500.00",
            "",
            "",
        ),
        r(
            "2023-04-10",
            "记-2",
            "收回张三借款",
            "121899",
            "其他应收款-其他",
            "",
            "500.00",
            "张三",
        ),
        // A balance created this year is not aged.
        r(
            "2023-05-10",
            "记-3",
            "收到投标保证金",
            "1002",
            "银行存款",
            "9000.00",
            "",
            "",
        ),
        r(
            "2023-05-10",
            "记-3",
            "收到投标保证金",
            "230799",
            "其他应付款-其他",
            "",
            "9000.00",
            "新城公司",
        ),
    ];
    let doc = check_table(
        &[
            "凭证日期",
            "凭证号",
            "摘要",
            "科目编码",
            "科目名称",
            "借方金额",
            "贷方金额",
            "往来单位",
        ],
        &rows,
        "suspense-aging",
    );
    let got: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["summary"].as_str().unwrap().to_string(),
                f["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "121899 其他应收款-其他 张三".to_string(),
                "1500.00".to_string()
            ),
            (
                "230799 其他应付款-其他 县红十字会".to_string(),
                "3533.84".to_string()
            ),
        ]
    );
    assert!(doc["scope_limits"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("三年以上"));
}

#[test]
fn split_purchases_under_the_threshold_adding_up_over_it() {
    let repair = ("30213", "维修（护）费");
    let buy = |s: &str, fen: i64, econ: (&str, &str), who: &str| -> Vec<L> {
        vec![
            dr(s, "500102", &format!("业务活动费用-{}", econ.1), fen).econ(econ.0, econ.1),
            cr(s, "1011", "零余额账户用款额度", fen).cp(who),
        ]
    };
    let mut vs = Vec::new();
    // 12 × 28,000 = 336,000 to one supplier for one 经济分类: a split (threshold 300,000).
    for m in 1..=12u32 {
        vs.push(V::new(
            m,
            10,
            1,
            buy(
                "支付办公设备维修费",
                28_000_00,
                repair,
                "寻甸县科达办公设备经营部",
            ),
        ));
    }
    // Look-alikes: one procured purchase over the threshold with small follow-ups; small totals;
    // the same supplier for another 经济分类; a person.
    vs.push(V::new(
        3,
        12,
        2,
        buy(
            "支付信息系统建设费",
            450_000_00,
            ("31007", "信息网络及软件购置更新"),
            "云南某信息技术有限公司",
        ),
    ));
    vs.push(V::new(
        6,
        12,
        2,
        buy(
            "支付信息系统运维费",
            20_000_00,
            ("31007", "信息网络及软件购置更新"),
            "云南某信息技术有限公司",
        ),
    ));
    vs.push(V::new(
        4,
        12,
        3,
        buy(
            "支付印刷费",
            40_000_00,
            ("30202", "印刷费"),
            "昆明新华印刷有限公司",
        ),
    ));
    vs.push(V::new(
        5,
        12,
        3,
        buy(
            "支付印刷费",
            50_000_00,
            ("30202", "印刷费"),
            "昆明新华印刷有限公司",
        ),
    ));
    vs.push(V::new(
        7,
        12,
        3,
        buy(
            "支付办公用品费",
            280_000_00,
            ("30201", "办公费"),
            "寻甸县科达办公设备经营部",
        ),
    ));
    vs.push(V::new(
        8,
        12,
        3,
        buy("支付评审费", 200_000_00, ("30227", "委托业务费"), "张三"),
    ));
    vs.push(V::new(
        9,
        12,
        3,
        buy("支付评审费", 200_000_00, ("30227", "委托业务费"), "张三"),
    ));
    // The 公开招标数额标准 is given per engagement, with its source (no default).
    let d = tmp();
    let path = d.path().join("账.xlsx");
    write_ledger(&path, "局机关", 2023, &[], &vs, Layout::FULL).unwrap();
    let cfg = d.path().join("rules.toml");
    std::fs::write(
        &cfg,
        "[split-purchase]\nthreshold = \"300000.00\"\nthreshold_source = \"某省公开招标数额标准\"\n",
    )
    .unwrap();
    let (out, doc) = cli_check(
        d.path(),
        &[p(&path), "--rules", "split-purchase", "--config", p(&cfg)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got: BTreeSet<u32> = doc.unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["voucher"]
                .as_str()
                .unwrap()
                .rsplit('-')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    // Flagged on the last payment of the group (December's 记-1).
    assert_eq!(got, set(&[1]));
}
