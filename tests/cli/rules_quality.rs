//! Issue 17: findings a partner would sign. Payments to individuals by rule are outside the
//! 公务卡 catalogue; split-purchase tests what 实施条例第二十八条 says (one year, one 预算项目,
//! one 品目 of 货物/服务, a threshold given with its source); keywords match as words; one
//! reception reimbursed in several vouchers is 拆分报销; analytical procedures are 分析性程序
//! (no citation, no 问题金额, no deduction) unless they test every element of a breach; amounts
//! are not double counted; every finding separates facts from what the books cannot show.
//! Positive vouchers are numbered below 100, look-alikes from 101.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, write_table, Layout, L, V};
use serde_json::Value;
use std::collections::BTreeSet;

const BANK: &str = "1002";

fn exp(s: &str, fen: i64, econ: (&str, &str)) -> L {
    dr(
        s,
        "500102",
        &format!("业务活动费用-商品和服务费用-{}", econ.1),
        fen,
    )
    .econ(econ.0, econ.1)
}
/// An expense paid from the bank (or cash) to `to` in the same voucher.
fn paid(s: &str, fen: i64, econ: (&str, &str), from: &str, to: &str) -> Vec<L> {
    let name = if from == "1001" {
        "库存现金"
    } else {
        "银行存款"
    };
    vec![exp(s, fen, econ), cr(s, from, name, fen).cp(to)]
}
fn card(s: &str, fen: i64, econ: (&str, &str)) -> Vec<L> {
    vec![
        exp(s, fen, econ),
        cr(s, "230702", "其他应付款-公务卡", fen)
            .cp("李明")
            .settle("公务卡"),
    ]
}

/// The document of `reeval check` on one ledger with `rules` (and an optional rules config).
fn check(layout: Layout, vs: &[V], rules: &str, config: Option<&str>) -> Value {
    let d = tmp();
    let path = d.path().join("账.xlsx");
    write_ledger(&path, "测试局", 2023, &[], vs, layout).unwrap();
    let cfg = d.path().join("rules.toml");
    let mut args = vec![p(&path).to_string(), "--rules".into(), rules.into()];
    if let Some(c) = config {
        std::fs::write(&cfg, c).unwrap();
        args.extend(["--config".to_string(), p(&cfg).to_string()]);
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, doc) = cli_check(d.path(), &a);
    assert!(out.status.success(), "{}", stderr(&out));
    doc.unwrap()
}

fn numbers(doc: &Value, rule: &str) -> BTreeSet<u32> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let v = f["voucher"].as_str().unwrap();
            v.rsplit('-').next().unwrap().parse().unwrap()
        })
        .collect()
}

fn set(v: &[u32]) -> BTreeSet<u32> {
    v.iter().copied().collect()
}

#[test]
fn card_settlement_leaves_payments_to_individuals_by_rule_alone() {
    let vs = vec![
        // In the 目录, paid to a person in cash: a purchase is named beside any allowance.
        V::new(
            3,
            1,
            1,
            paid(
                "报销张三出差住宿费及伙食补助",
                1_860_00,
                ("30211", "差旅费"),
                "1001",
                "张三",
            ),
        ),
        V::new(
            3,
            2,
            2,
            paid(
                "报销加班期间工作餐费",
                640_00,
                ("30217", "公务接待费"),
                "1001",
                "李四",
            ),
        ),
        V::new(
            3,
            3,
            3,
            paid(
                "报销会议场地租赁费",
                2_000_00,
                ("30215", "会议费"),
                "1001",
                "王五",
            ),
        ),
        // 例外（三）按规定支付给个人的支出, worded many ways.
        V::new(
            4,
            1,
            101,
            paid(
                "发放2023年3月公务交通补贴",
                9_600_00,
                ("30239", "其他交通费用"),
                "1001",
                "赵六",
            ),
        ),
        V::new(
            4,
            2,
            102,
            paid(
                "报销王五赴昆明出差伙食补助及市内交通费",
                800_00,
                ("30211", "差旅费"),
                "1001",
                "王五",
            ),
        ),
        V::new(
            4,
            3,
            103,
            paid(
                "支付加班误餐补助（12人×20元）",
                240_00 + 1,
                ("30217", "公务接待费"),
                "1001",
                "李四",
            ),
        ),
        V::new(
            4,
            4,
            104,
            paid(
                "支付培训班专家讲课费",
                3_000_00,
                ("30216", "培训费"),
                "1001",
                "陈教授",
            ),
        ),
        V::new(
            4,
            5,
            105,
            paid(
                "支付招聘面试评审费",
                1_500_00,
                ("30215", "会议费"),
                "1001",
                "刘专家",
            ),
        ),
        V::new(
            4,
            6,
            106,
            paid(
                "发放春节困难职工慰问金",
                2_000_00,
                ("30201", "办公费"),
                "1001",
                "孙七",
            ),
        ),
        V::new(
            4,
            7,
            107,
            paid(
                "发放车改补贴",
                4_800_00,
                ("30231", "公务用车运行维护费"),
                "1001",
                "周八",
            ),
        ),
        V::new(
            4,
            8,
            108,
            paid(
                "发放就业见习人员生活补助",
                6_000_00,
                ("30305", "生活补助"),
                "1001",
                "吴九",
            ),
        ),
        V::new(
            4,
            9,
            109,
            paid(
                "支付职工加班餐补",
                900_00,
                ("30299", "其他商品和服务支出"),
                "1001",
                "郑十",
            ),
        ),
        // The allowance's own name may hold a purchase word (餐费 in 误餐费): still an allowance.
        V::new(
            4,
            10,
            110,
            paid(
                "支付职工加班误餐费",
                600_00,
                ("30217", "公务接待费"),
                "1001",
                "郑十",
            ),
        ),
        V::new(
            4,
            11,
            111,
            paid(
                "报销赴省厅出差补助",
                450_00,
                ("30211", "差旅费"),
                "1001",
                "王五",
            ),
        ),
        V::new(
            4,
            12,
            112,
            paid(
                "支付评审专家酬金",
                1_200_00,
                ("30215", "会议费"),
                "1001",
                "刘专家",
            ),
        ),
        // …but an allowance beside a bought meal is not.
        V::new(
            3,
            4,
            4,
            paid(
                "报销误餐补助及接待餐费",
                900_00,
                ("30217", "公务接待费"),
                "1001",
                "李四",
            ),
        ),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        let doc = check(layout, &vs, "card-settlement", None);
        assert_eq!(
            numbers(&doc, "card-settlement"),
            set(&[1, 2, 3, 4]),
            "{layout:?}"
        );
    }
}

const THRESHOLD: &str = "[split-purchase]\nthreshold = \"300000.00\"\nthreshold_source = \"《某省政府集中采购目录及标准（2023年版）》\"\n";

/// `n` monthly payments of `fen` from the 零余额 account to `who`, numbered `first`…; the last
/// one numbered `last`.
fn monthly(
    n: u32,
    s: &str,
    fen: i64,
    econ: (&str, &str),
    who: &str,
    first: u32,
    last: u32,
) -> Vec<V> {
    (1..=n)
        .map(|m| {
            let no = if m == n { last } else { first + m };
            V::new(
                m,
                10,
                no,
                vec![
                    exp(s, fen, econ),
                    cr(s, "1011", "零余额账户用款额度", fen).cp(who),
                ],
            )
        })
        .collect()
}

#[test]
fn split_purchase_tests_the_article_with_a_given_threshold() {
    let mut vs = Vec::new();
    // Three wordings of a split: repairs by one supplier; printers bought from two suppliers
    // (the same 品目 whoever sells it); consulting services.
    vs.extend(monthly(
        12,
        "支付办公设备维修费",
        28_000_00,
        ("30213", "维修（护）费"),
        "寻甸县科达办公设备经营部",
        200,
        1,
    ));
    vs.extend(monthly(
        5,
        "购置打印机",
        70_000_00,
        ("31002", "办公设备购置"),
        "昆明某商贸有限公司",
        220,
        2,
    ));
    vs.extend(monthly(
        3,
        "采购复印机",
        60_000_00,
        ("31002", "办公设备购置"),
        "曲靖某科技有限公司",
        230,
        4,
    ));
    vs.extend(monthly(
        4,
        "支付规划编制咨询服务费",
        90_000_00,
        ("30203", "咨询费"),
        "云南某咨询有限公司",
        240,
        3,
    ));
    // Look-alikes: utilities and regulated tariffs, property services under a contract,
    // subsidies passed through a provider, 工程, 303 and 301, persons, totals under the
    // standard, one tendered purchase.
    vs.extend(monthly(
        12,
        "支付电费",
        30_000_00,
        ("30206", "电费"),
        "云南电网有限责任公司寻甸供电局",
        300,
        101,
    ));
    vs.extend(monthly(
        12,
        "支付电信宽带及电话费",
        30_000_00,
        ("30299", "其他商品和服务支出"),
        "中国电信股份有限公司寻甸分公司",
        320,
        102,
    ));
    vs.extend(monthly(
        12,
        "支付办公楼物业费",
        30_000_00,
        ("30209", "物业管理费"),
        "寻甸某物业服务有限公司",
        340,
        103,
    ));
    vs.extend(monthly(
        12,
        "财政直接支付就业见习补贴项目委托费",
        30_000_00,
        ("30227", "委托业务费"),
        "寻甸县人力资源服务中心有限公司",
        360,
        104,
    ));
    vs.extend(monthly(
        12,
        "支付办公楼维修改造工程款",
        30_000_00,
        ("30213", "维修（护）费"),
        "寻甸某建筑工程有限公司",
        380,
        105,
    ));
    vs.extend(monthly(
        12,
        "发放困难群众生活补助",
        30_000_00,
        ("30305", "生活补助"),
        "寻甸县某街道办事处",
        400,
        106,
    ));
    vs.extend(monthly(
        12,
        "发放津贴补贴",
        30_000_00,
        ("30102", "津贴补贴"),
        "寻甸县财政局",
        420,
        107,
    ));
    vs.extend(monthly(
        12,
        "支付评审费",
        30_000_00,
        ("30227", "委托业务费"),
        "张三",
        440,
        108,
    ));
    vs.extend(monthly(
        3,
        "支付印刷费",
        50_000_00,
        ("30202", "印刷费"),
        "昆明新华印刷有限公司",
        460,
        109,
    ));
    vs.push(V::new(
        3,
        12,
        110,
        vec![
            exp(
                "支付信息系统建设费",
                450_000_00,
                ("31007", "信息网络及软件购置更新"),
            ),
            cr(
                "支付信息系统建设费",
                "1011",
                "零余额账户用款额度",
                450_000_00,
            )
            .cp("云南某信息技术有限公司"),
        ],
    ));
    let doc = check(Layout::FULL, &vs, "split-purchase", Some(THRESHOLD));
    assert_eq!(numbers(&doc, "split-purchase"), set(&[1, 2, 3]));
    for f in doc["findings"].as_array().unwrap() {
        let laws: Vec<&str> = f["citations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["law"].as_str().unwrap())
            .collect();
        assert!(laws.iter().any(|l| l.contains("政府采购法")), "{laws:?}");
        assert!(!laws.iter().any(|l| l.contains("会计法")), "{laws:?}");
        assert_eq!(f["kind"], "疑点");
        let e = f["explanation"].as_str().unwrap();
        assert!(
            e.contains("以经济分类代替品目") && e.contains("某省政府集中采购目录"),
            "{e}"
        );
        assert!(e.contains("账面无预算项目"), "{e}");
    }
}

#[test]
fn split_purchase_without_a_threshold_and_its_source_is_a_scope_limit() {
    let vs = monthly(
        12,
        "支付办公设备维修费",
        28_000_00,
        ("30213", "维修（护）费"),
        "寻甸县科达办公设备经营部",
        200,
        1,
    );
    for (config, says) in [
        (None, "公开招标数额标准"),
        (
            Some("[split-purchase]\nthreshold = \"300000.00\"\n"),
            "出处",
        ),
        (
            Some("[split-purchase]\nthreshold_source = \"某文件\"\n"),
            "公开招标数额标准",
        ),
    ] {
        let doc = check(Layout::FULL, &vs, "split-purchase", config);
        assert!(numbers(&doc, "split-purchase").is_empty());
        let limits = doc["scope_limits"].as_array().unwrap();
        assert!(
            limits.iter().any(|l| l["rule"] == "split-purchase"
                && l["extent"] == "未检查"
                && l["reason"].as_str().unwrap().contains(says)),
            "{limits:?}"
        );
    }
}

#[test]
fn split_purchase_groups_by_budget_project() {
    let header = [
        "凭证日期",
        "凭证号",
        "摘要",
        "科目编码",
        "科目名称",
        "借方金额",
        "贷方金额",
        "经济分类",
        "往来单位",
        "项目",
    ];
    let mut rows = Vec::new();
    let mut no = 0;
    // Two projects of 200,000 each: 400,000 for the year, but under the standard per project.
    // Project 信息化建设: 2 × 200,000 = 400,000 → a split.
    for (m, project) in [
        (2, "就业服务"),
        (3, "社保经办"),
        (4, "信息化建设"),
        (5, "信息化建设"),
    ] {
        no += 1;
        let s = "支付系统运维服务费";
        let d = format!("2023-{m:02}-15");
        rows.push(vec![
            d.clone(),
            format!("记-{no}"),
            s.into(),
            "500102".into(),
            "业务活动费用-委托业务费".into(),
            "200000.00".into(),
            "".into(),
            "30227 委托业务费".into(),
            "".into(),
            project.into(),
        ]);
        rows.push(vec![
            d,
            format!("记-{no}"),
            s.into(),
            "1011".into(),
            "零余额账户用款额度".into(),
            "".into(),
            "200000.00".into(),
            "".into(),
            "云南某信息技术有限公司".into(),
            project.into(),
        ]);
    }
    let d = tmp();
    let path = d.path().join("账.xlsx");
    write_table(&path, "凭证", &header, &rows).unwrap();
    let cfg = d.path().join("rules.toml");
    std::fs::write(&cfg, THRESHOLD).unwrap();
    let (out, doc) = cli_check(
        d.path(),
        &[
            p(&path),
            "--entity",
            "局机关",
            "--rules",
            "split-purchase",
            "--config",
            p(&cfg),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    let fs = doc["findings"].as_array().unwrap();
    assert_eq!(fs.len(), 1, "{fs:?}");
    assert_eq!(fs[0]["voucher"], "2023-05 记-4");
    assert!(fs[0]["explanation"]
        .as_str()
        .unwrap()
        .contains("预算项目“信息化建设”"));
}

#[test]
fn keywords_match_as_words_in_meeting_meal_and_three_public_misclass() {
    let m = ("30215", "会议费");
    let office = ("30201", "办公费");
    let vs = vec![
        // 会餐 as a word, three wordings (paid by card: no other signal).
        V::new(4, 6, 1, card("支付审核会会餐费", 4_806_00, m)),
        V::new(4, 7, 2, card("支付座谈会聚餐费", 2_400_00, m)),
        V::new(4, 8, 3, card("付年度推进会会餐餐费", 3_100_00, m)),
        // 审核会 + 餐费: a meeting's meal, no 会餐 (and paid by card).
        V::new(4, 11, 101, card("支付招聘人工审核会餐费", 4_806_00, m)),
        V::new(
            4,
            12,
            102,
            card("支付公开招聘报名人工审核会餐费", 1_200_00, m),
        ),
        V::new(4, 13, 103, card("报销资格审核会餐费", 900_00, m)),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        let doc = check(layout, &vs, "meeting-meal", None);
        assert_eq!(numbers(&doc, "meeting-meal"), set(&[1, 2, 3]), "{layout:?}");
    }
    let vs = vec![
        V::new(5, 1, 1, card("支付招待省厅检查组餐费", 600_00, office)),
        V::new(5, 2, 2, card("接待市局调研组工作餐", 500_00, office)),
        V::new(5, 3, 3, card("公务接待餐费", 400_00, office)),
        // 招待所 is a guest house, 接待大厅 a hall: no reception.
        V::new(5, 4, 101, card("支付招待所住宿费", 600_00, office)),
        V::new(5, 5, 102, card("政务服务接待大厅办公用品", 500_00, office)),
        V::new(5, 6, 103, card("购买接待室桌椅", 400_00, office)),
    ];
    let doc = check(Layout::FULL, &vs, "three-public-misclass", None);
    assert_eq!(numbers(&doc, "three-public-misclass"), set(&[1, 2, 3]));
}

#[test]
fn reception_frequency_finds_one_reception_reimbursed_in_several_vouchers() {
    let r = ("30217", "公务接待费");
    let vs = vec![
        // Split: the same group on the same day in two vouchers (three wordings; the day read
        // from the 摘要 or, without one, the voucher's date); flagged on the later voucher.
        V::new(4, 2, 10, card("接待曲靖市就业局调研组工作餐", 480_00, r)),
        V::new(4, 2, 1, card("接待曲靖市就业局调研组住宿费", 900_00, r)),
        V::new(
            5,
            9,
            20,
            card("接待昆明市人社局督查组5月8日午餐", 300_00, r),
        ),
        V::new(
            5,
            20,
            2,
            card("支付昆明市人社局督查组5月8日住宿费", 600_00, r),
        ),
        V::new(6, 14, 30, card("招待省医保局检查组6.13工作餐费", 350_00, r)),
        V::new(6, 28, 3, card("招待省医保局检查组6.13茶水费", 90_00, r)),
        // Look-alikes: one group on two days; two groups on one day; one voucher with two lines.
        V::new(7, 1, 101, card("接待宜良县就业局7月1日工作餐", 300_00, r)),
        V::new(7, 2, 102, card("接待宜良县就业局7月2日工作餐", 300_00, r)),
        V::new(8, 3, 103, card("接待嵩明县社保局工作餐", 300_00, r)),
        V::new(8, 3, 104, card("接待石林县人社局工作餐", 300_00, r)),
        V::new(9, 5, 105, {
            let mut l = card("接待禄劝县劳动监察大队9月5日午餐", 300_00, r);
            l.extend(card("接待禄劝县劳动监察大队9月5日住宿费", 500_00, r));
            l
        }),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        let doc = check(layout, &vs, "reception-frequency", None);
        let split: BTreeSet<u32> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"].as_str().unwrap().contains("/拆分-"))
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
        assert_eq!(split, set(&[10, 2, 3]), "{layout:?}");
    }
}

#[test]
fn analytical_procedures_are_kept_apart_from_issues() {
    let office = ("30201", "办公费");
    let vs = vec![
        // A round amount (round-amount) and a Saturday posting (weekend-posting).
        V::new(
            3,
            10,
            1,
            paid(
                "支付办公设备款",
                20_000_00,
                office,
                BANK,
                "昆明某商贸有限公司",
            ),
        ),
        V::new(
            6,
            17,
            2,
            paid("支付办公用品费", 1_234_56, office, BANK, "寻甸某文具店"),
        ),
        // The same invoice paid twice to the same payee (three wordings of the number): a 疑点.
        V::new(
            2,
            1,
            3,
            paid(
                "支付印刷费 发票号12345678",
                8_600_00,
                ("30202", "印刷费"),
                BANK,
                "昆明新华印刷有限公司",
            ),
        ),
        V::new(
            5,
            3,
            4,
            paid(
                "支付印刷费（发票号12345678）",
                8_600_00,
                ("30202", "印刷费"),
                BANK,
                "昆明新华印刷有限公司",
            ),
        ),
        V::new(
            2,
            6,
            5,
            paid(
                "支付维修费 发票号码：23456789",
                1_500_00,
                ("30213", "维修费"),
                BANK,
                "寻甸某修理厂",
            ),
        ),
        V::new(
            9,
            6,
            6,
            paid(
                "支付维修费 发票号码：23456789 余款",
                700_00,
                ("30213", "维修费"),
                BANK,
                "寻甸某修理厂",
            ),
        ),
        V::new(
            2,
            7,
            7,
            paid(
                "支付资料费 票号34567890",
                900_00,
                ("30202", "印刷费"),
                BANK,
                "寻甸某书店",
            ),
        ),
        V::new(
            8,
            7,
            8,
            paid(
                "支付资料费 票号 34567890",
                900_00,
                ("30202", "印刷费"),
                BANK,
                "寻甸某书店",
            ),
        ),
        // Same amount to the same payee within the window, no invoice: 分析性程序 only.
        V::new(
            10,
            9,
            101,
            paid("支付宣传费", 3_300_00, office, BANK, "寻甸某广告有限公司"),
        ),
        V::new(
            10,
            16,
            102,
            paid("支付宣传费", 3_300_00, office, BANK, "寻甸某广告有限公司"),
        ),
        // The same invoice number to another payee: no duplicate.
        V::new(
            11,
            6,
            103,
            paid(
                "支付印刷费 发票号12345678",
                8_600_00,
                ("30202", "印刷费"),
                BANK,
                "曲靖某印务有限公司",
            ),
        ),
    ];
    let doc = check(
        Layout::FULL,
        &vs,
        "round-amount,weekend-posting,duplicate-payment",
        None,
    );
    let fs = doc["findings"].as_array().unwrap();
    let kind_of = |rule: &str, n: u32| -> Vec<String> {
        fs.iter()
            .filter(|f| {
                f["rule"] == rule && f["voucher"].as_str().unwrap().ends_with(&format!("记-{n}"))
            })
            .map(|f| f["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(kind_of("round-amount", 1), ["分析性程序"]);
    assert_eq!(kind_of("weekend-posting", 2), ["分析性程序"]);
    for n in [4, 6, 8] {
        assert_eq!(kind_of("duplicate-payment", n), ["疑点"], "voucher {n}");
    }
    assert_eq!(kind_of("duplicate-payment", 102), ["分析性程序"]);
    assert!(kind_of("duplicate-payment", 103).is_empty());
    let mut issue_sum = 0;
    for f in fs {
        let cites = f["citations"].as_array().unwrap();
        if f["kind"] == "分析性程序" {
            assert!(cites.is_empty(), "{f}");
            assert_eq!(f["recommendation"], "", "{f}");
            let e = f["explanation"].as_str().unwrap();
            assert!(e.contains("账面所见") && e.contains("账面未能反映"), "{e}");
        } else {
            assert!(!cites.is_empty(), "{f}");
            issue_sum += fen(&f["amount"]);
        }
    }
    let s = &doc["summary"];
    assert_eq!(s["findings"], 3);
    assert_eq!(s["analytical"].as_u64().unwrap() as usize, fs.len() - 3);
    assert_eq!(fen(&s["problem_amount"]), issue_sum);
    assert!(s["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["findings"] == 3));
    let by_rule = s["analytical_by_rule"].as_array().unwrap();
    assert!(
        by_rule.iter().any(|r| r["rule"] == "round-amount"),
        "{by_rule:?}"
    );
}

#[test]
fn a_voucher_in_two_categories_counts_once_in_the_problem_amount() {
    let m = ("30215", "会议费");
    let vs = vec![
        // A meeting's meal reimbursed to a person: 公务卡 and 会议 on one voucher.
        V::new(
            4,
            6,
            1,
            paid("支付人工审核会餐费", 4_806_00, m, BANK, "马丽"),
        ),
        V::new(
            4,
            7,
            2,
            paid("报销座谈会桌餐费", 1_200_00, m, BANK, "杨晓燕"),
        ),
        // 公务卡 only.
        V::new(
            4,
            8,
            3,
            paid("报销培训住宿费", 700_00, ("30216", "培训费"), BANK, "王五"),
        ),
        // 公务卡 and 转移“三公经费”: a vehicle's fuel booked as 办公费, repaid to a person.
        V::new(
            4,
            9,
            4,
            paid(
                "报销公务用车加油费",
                500_00,
                ("30201", "办公费"),
                BANK,
                "赵六",
            ),
        ),
    ];
    let doc = check(
        Layout::FULL,
        &vs,
        "card-settlement,meeting-meal,three-public-misclass",
        None,
    );
    assert_eq!(numbers(&doc, "card-settlement"), set(&[1, 2, 3, 4]));
    assert_eq!(numbers(&doc, "meeting-meal"), set(&[1, 2]));
    assert_eq!(numbers(&doc, "three-public-misclass"), set(&[4]));
    let s = &doc["summary"];
    assert_eq!(
        fen(&s["problem_amount"]),
        4_806_00 + 1_200_00 + 700_00 + 500_00
    );
    assert_eq!(s["overlapping_vouchers"], 3);
    let cats: i64 = s["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| fen(&c["amount"]))
        .sum();
    assert_eq!(
        cats,
        2 * (4_806_00 + 1_200_00 + 500_00) + 700_00,
        "the per-category sums overlap"
    );
}

#[test]
fn every_finding_separates_facts_from_what_the_books_cannot_show() {
    let d = tmp();
    reeval::fixtures::seed002::write(d.path(), 2023).unwrap();
    let (out, doc) = cli_check(
        d.path(),
        &[
            p(&d.path().join("局机关.xlsx")),
            p(&d.path().join("社保中心.xlsx")),
            "--assets",
            p(&d.path().join("资产.xlsx")),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    let fs = doc["findings"].as_array().unwrap();
    assert!(!fs.is_empty());
    for f in fs {
        let facts = f["facts"].as_array().unwrap();
        let unseen = f["unseen"].as_array().unwrap();
        assert!(!facts.is_empty() && !unseen.is_empty(), "{f}");
        let e = f["explanation"].as_str().unwrap();
        assert!(
            e.starts_with("账面所见：") && e.contains("账面未能反映（待核实）："),
            "{e}"
        );
        // An inference is a question, not a statement.
        for word in ["应为", "疑为"] {
            assert!(!e.contains(word), "{e}");
        }
    }
    let mismatch = fs.iter().find(|f| f["rule"] == "amount-mismatch").unwrap();
    let e = mismatch["explanation"].as_str().unwrap();
    assert!(e.contains("不符") && e.contains("待核实"), "{e}");
}

#[test]
fn meeting_meal_reimbursed_to_a_person_apart_from_the_meetings_bill() {
    let m = ("30215", "会议费");
    let vs = vec![
        // A meeting's meal repaid to a person in the same voucher (three wordings).
        V::new(
            4,
            6,
            1,
            paid("支付招聘人工审核会餐费", 4_806_00, m, BANK, "马丽"),
        ),
        V::new(
            5,
            10,
            2,
            paid("付4月新闻发布会会议餐费", 1_005_00, m, BANK, "杨晓燕"),
        ),
        V::new(
            6,
            3,
            3,
            paid("报销业务培训会用餐费", 860_00, m, "1001", "经办人"),
        ),
        // Look-alikes: the same meal by 公务卡; a meeting's bill paid to the hotel; a meeting
        // fee without meal wording paid to a person (room hire).
        V::new(4, 16, 101, card("支付招聘人工审核会餐费", 4_806_00, m)),
        V::new(
            5,
            20,
            102,
            paid(
                "支付就业工作会议会议餐费",
                12_000_00,
                m,
                BANK,
                "寻甸县金源大酒店",
            ),
        ),
        V::new(
            6,
            13,
            103,
            paid("报销座谈会会场租赁费", 600_00, m, BANK, "王五"),
        ),
    ];
    let doc = check(Layout::FULL, &vs, "meeting-meal", None);
    assert_eq!(numbers(&doc, "meeting-meal"), set(&[1, 2, 3]));
}
