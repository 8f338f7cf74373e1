//! Supporting inputs change what the rules see; without them the rules say what they could not
//! check. Asset rules on a register with planted problems and look-alikes.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, write_table, Layout, V};
use serde_json::Value;

fn ledger(dir: &std::path::Path) -> std::path::PathBuf {
    let r = ("30217", "公务接待费");
    let exp = |s: &str, f: i64| {
        dr(s, "500102", "业务活动费用-商品和服务费用-公务接待费", f).econ(r.0, r.1)
    };
    let bank = |s: &str, f: i64, who: &str| cr(s, "1002", "银行存款", f).cp(who).settle("转账");
    let vs = vec![
        // The 摘要 says nothing about dates or meals: only the 台账 can tell.
        V::new(
            6,
            20,
            7,
            vec![
                exp("支付公务接待费", 794_00),
                cr("支付公务接待费", "230702", "其他应付款-公务卡", 794_00)
                    .cp("李明")
                    .settle("公务卡"),
            ],
        ),
        // Paid to a person: 李明 holds a 公务卡 and the payment went to his card number.
        V::new(
            7,
            5,
            8,
            vec![
                exp("支付接待费", 600_00),
                bank("支付接待费", 600_00, "李明"),
            ],
        ),
        // Paid to a person who holds no card.
        V::new(
            7,
            6,
            9,
            vec![
                exp("支付接待费", 450_00),
                bank("支付接待费", 450_00, "周建国"),
            ],
        ),
        // No 往来 on the books; the payment detail shows a savings card.
        V::new(
            7,
            7,
            10,
            vec![
                exp("支付接待费", 380_00),
                cr("支付接待费", "1002", "银行存款", 380_00),
            ],
        ),
    ];
    let path = dir.join("账.xlsx");
    write_ledger(&path, "局机关", 2023, &[], &vs, Layout::FULL).unwrap();
    path
}

fn vouchers(doc: &Value, rule: &str) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["voucher"].as_str().unwrap_or("").to_string())
        .collect()
}

fn limits(doc: &Value, rule: &str) -> Vec<String> {
    doc["scope_limits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rule"] == rule)
        .map(|l| l["reason"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reception_ledger_is_used_when_given_and_its_absence_is_a_scope_limit() {
    let d = tmp();
    let l = ledger(d.path());
    let (out, doc) = cli_check(d.path(), &[p(&l), "--rules", "reception-frequency"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    assert!(vouchers(&doc, "reception-frequency").is_empty());
    assert!(limits(&doc, "reception-frequency")[0].contains("缺少公务接待台账"));

    let t = d.path().join("接待台账.xlsx");
    let row = |date: &str, vis: &str, meal: &str, n: &str, amt: &str, v: &str| {
        [date, vis, meal, n, amt, v]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    write_table(
        &t,
        "接待台账",
        &["接待日期", "来访单位", "餐次", "接待人数", "金额", "凭证号"],
        &[
            row(
                "2023-06-13",
                "双柏县劳动保障监察大队",
                "午餐",
                "4",
                "406.00",
                "记-7",
            ),
            row(
                "2023-06-13",
                "双柏县劳动保障监察大队",
                "晚餐",
                "4",
                "388.00",
                "记-7",
            ),
            row("2023-06-14", "宜良县就业局", "午餐", "3", "300.00", "记-8"),
            row("2023-13-40", "错误日期", "午餐", "3", "300.00", ""),
        ],
    )
    .unwrap();
    let spec = format!("receptions={}", p(&t));
    let (out, doc) = cli_check(
        d.path(),
        &[
            p(&l),
            "--rules",
            "reception-frequency",
            "--supporting",
            &spec,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    assert_eq!(vouchers(&doc, "reception-frequency"), vec!["2023-06 记-7"]);
    assert!(limits(&doc, "reception-frequency").is_empty());
    let f = &doc["findings"][0];
    assert_eq!(f["amount"], "794.00");
    assert!(
        f["evidence"]
            .to_string()
            .contains("接待台账.xlsx:接待台账:2"),
        "{f}"
    );
    // The bad row is rejected with its place and reason, not silently dropped.
    let rep = &doc["supporting"][0];
    assert_eq!(rep["rows_loaded"], 3);
    assert_eq!(rep["rows_rejected"], 1);
    assert_eq!(rep["rejections"][0]["row"], 5);
    // A supporting kind the tool does not know is an error that names the known ones.
    let (out, _) = cli_check(
        d.path(),
        &[p(&l), "--supporting", &format!("bogus={}", p(&t))],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("receptions"), "{}", stderr(&out));
}

#[test]
fn payment_detail_and_holder_list_decide_card_settlement() {
    let d = tmp();
    let l = ledger(d.path());
    let (_, doc) = cli_check(d.path(), &[p(&l), "--rules", "card-settlement"]);
    let doc = doc.unwrap();
    // Books alone: both named payees look like people; 记-10 shows nothing.
    assert_eq!(
        vouchers(&doc, "card-settlement"),
        vec!["2023-07 记-8", "2023-07 记-9"]
    );
    assert_eq!(limits(&doc, "card-settlement").len(), 2);

    let holders = d.path().join("持卡人.xlsx");
    write_table(
        &holders,
        "名单",
        &["姓名", "公务卡号"],
        &[vec!["李明".into(), "6228480012345678".into()]],
    )
    .unwrap();
    let pay = d.path().join("支付明细.xlsx");
    write_table(
        &pay,
        "明细",
        &["支付日期", "收款人", "收款账号", "金额", "用途"],
        &[
            vec![
                "2023-07-05".into(),
                "李明".into(),
                "6228480012345678".into(),
                "600.00".into(),
                "接待费".into(),
            ],
            vec![
                "2023-07-07".into(),
                "马丽".into(),
                "6217000099998888".into(),
                "380.00".into(),
                "接待费".into(),
            ],
        ],
    )
    .unwrap();
    let (out, doc) = cli_check(
        d.path(),
        &[
            p(&l),
            "--rules",
            "card-settlement",
            "--supporting",
            &format!("card-holders={}", p(&holders)),
            "--supporting",
            &format!("payments={}", p(&pay)),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    // 记-8 went to 李明's 公务卡: cleared. 记-9: 周建国 is no holder. 记-10: the detail shows 马丽.
    assert_eq!(
        vouchers(&doc, "card-settlement"),
        vec!["2023-07 记-10", "2023-07 记-9"]
    );
    assert!(limits(&doc, "card-settlement").is_empty());
    let ten = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["voucher"] == "2023-07 记-10")
        .unwrap();
    assert!(
        ten["explanation"].as_str().unwrap().contains("马丽"),
        "{ten}"
    );
}

fn register(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("资产.xlsx");
    let h = [
        "核算单位",
        "资产编号",
        "资产名称",
        "资产分类",
        "取得日期",
        "原值",
        "累计折旧",
        "净值",
        "使用状况",
        "折旧年限",
    ];
    let r = |code: &str,
             name: &str,
             cat: &str,
             date: &str,
             o: &str,
             a: &str,
             n: &str,
             st: &str,
             life: &str| {
        ["局机关", code, name, cat, date, o, a, n, st, life]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    write_table(
        &path,
        "资产",
        &h,
        &[
            // 2020-07 .. 2023-12 = 42 months of 72: 3,500.00 — correct.
            r(
                "A1",
                "台式计算机",
                "2010105 台式计算机",
                "2020-07-10",
                "6000.00",
                "3500.00",
                "2500.00",
                "在用",
                "6",
            ),
            // Same asset booked 5,000.00: over-depreciated by 1,500.00.
            r(
                "A2",
                "台式计算机",
                "2010105 台式计算机",
                "2020-07-10",
                "6000.00",
                "5000.00",
                "1000.00",
                "在用",
                "6",
            ),
            // Books are never depreciated.
            r(
                "A3",
                "古籍",
                "5010000 图书",
                "2015-01-01",
                "3000.00",
                "600.00",
                "2400.00",
                "在用",
                "",
            ),
            r(
                "A4",
                "刷卡机",
                "2010199 其他计算机设备",
                "2016-03-01",
                "16000.00",
                "16000.00",
                "0.00",
                "闲置",
                "6",
            ),
            r(
                "A5",
                "照相机",
                "2010300 照相机",
                "1997-06-01",
                "1356.00",
                "1356.00",
                "0.00",
                "待报废",
                "6",
            ),
            r(
                "A6",
                "投影仪",
                "2011000 投影仪",
                "2012-09-01",
                "6800.00",
                "6800.00",
                "0.00",
                "在用",
                "6",
            ),
            r(
                "A7",
                "档案柜",
                "6020000 柜类",
                "2019-01-01",
                "2400.00",
                "800.00",
                "1600.00",
                "出租出借",
                "15",
            ),
        ],
    )
    .unwrap();
    path
}

#[test]
fn asset_rules_on_the_register_and_the_inspection() {
    let d = tmp();
    let reg = register(d.path());
    let l = d.path().join("账.xlsx");
    // Opening balances that differ from the register by 1,000.00 (原值).
    let total: i64 = 6000_00 * 2 + 3000_00 + 16000_00 + 1356_00 + 6800_00 + 2400_00;
    let acc: i64 = 3500_00 + 5000_00 + 600_00 + 16000_00 + 1356_00 + 6800_00 + 800_00;
    let open = [
        ("1601", "固定资产", total - 1000_00),
        ("1602", "固定资产累计折旧", -acc),
    ];
    let vs = vec![V::new(
        1,
        5,
        1,
        vec![
            dr("提现", "1001", "库存现金", 100_00),
            cr("提现", "1002", "银行存款", 100_00),
        ],
    )];
    write_ledger(&l, "局机关", 2023, &open, &vs, Layout::FULL).unwrap();
    let (out, doc) = cli_check(d.path(), &[p(&l), "--assets", p(&reg)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    let by = |rule: &str| -> Vec<String> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                f["asset"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| f["amount"].as_str().unwrap().to_string())
            })
            .collect()
    };
    assert_eq!(by("asset-idle"), vec!["A4"]);
    assert_eq!(by("asset-disposal-pending"), vec!["A5"]);
    assert_eq!(by("asset-depreciation"), vec!["A2", "A3"]);
    assert_eq!(by("asset-fully-depreciated"), vec!["A6"]);
    assert_eq!(by("asset-ledger-mismatch"), vec!["1000.00"]);
    let a2 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["asset"] == "A2")
        .unwrap();
    assert_eq!(a2["amount"], "1500.00");
    assert!(a2["explanation"].as_str().unwrap().contains("3,500.00"));
    assert!(limits(&doc, "asset-idle")[0].contains("缺少资产盘点结果"));

    // The inspection found A1 idle and A4 in use: it wins over the register.
    let insp = d.path().join("盘点.xlsx");
    write_table(
        &insp,
        "盘点",
        &["资产编号", "盘点状况"],
        &[
            vec!["A1".into(), "闲置".into()],
            vec!["A4".into(), "在用".into()],
        ],
    )
    .unwrap();
    let (_, doc2) = cli_check(
        d.path(),
        &[
            p(&l),
            "--assets",
            p(&reg),
            "--supporting",
            &format!("inspection={}", p(&insp)),
            "--rules",
            "asset-idle",
        ],
    );
    let doc2 = doc2.unwrap();
    let idle: Vec<&str> = doc2["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["asset"].as_str().unwrap())
        .collect();
    assert_eq!(idle, vec!["A1"]);
    assert!(limits(&doc2, "asset-idle").is_empty());

    // No register at all: every asset rule says so.
    let (_, doc3) = cli_check(
        d.path(),
        &[p(&l), "--rules", "asset-idle,asset-depreciation"],
    );
    assert_eq!(
        limits(&doc3.unwrap(), "asset-idle"),
        vec!["缺少固定资产明细表（资产卡片）"]
    );
}

#[test]
fn engagement_overrides_parameters_and_adds_local_citations() {
    let d = tmp();
    let l = ledger(d.path());
    let cfg = d.path().join("rules.toml");
    // Raise the 目录 exemption above 600 元 and cite the local 实施细则 for receptions.
    std::fs::write(
        &cfg,
        "[card-settlement]\nsmall_amount = \"600.00\"\n[reception-frequency]\nextra_citations = [\"xundian-reception-19\"]\n",
    )
    .unwrap();
    let (out, doc) = cli_check(
        d.path(),
        &[p(&l), "--rules", "card-settlement", "--config", p(&cfg)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    assert!(vouchers(&doc, "card-settlement").is_empty());
    assert!(doc["provenance"]["inputs"]
        .to_string()
        .contains("rules.toml"));
    let out = bin()
        .args(["rules", "reception-frequency", "--config", p(&cfg)])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("寻甸回族彝族自治县"),
        "{}",
        stdout(&out)
    );

    // A typo is an error, not a silently ignored key.
    std::fs::write(&cfg, "[card-settlement]\nsmal_amount = \"600.00\"\n").unwrap();
    let (out, _) = cli_check(d.path(), &[p(&l), "--config", p(&cfg)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("card-settlement"), "{}", stderr(&out));
    std::fs::write(&cfg, "[card-setlement]\nsmall_amount = \"600.00\"\n").unwrap();
    let (out, _) = cli_check(d.path(), &[p(&l), "--config", p(&cfg)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("不是已知的规则"), "{}", stderr(&out));
}

#[test]
fn rules_lists_every_rule_and_prints_one_with_its_citations() {
    let out = bin().arg("rules").output().unwrap();
    let text = stdout(&out);
    for id in [
        "card-settlement",
        "reception-frequency",
        "meeting-meal",
        "three-public-misclass",
        "meal-fee-suspense",
        "income-in-suspense",
        "suspense-spending",
        "amount-mismatch",
        "missing-budget-entry",
        "asset-idle",
        "asset-disposal-pending",
        "asset-fully-depreciated",
        "asset-ledger-mismatch",
        "asset-depreciation",
    ] {
        assert!(text.contains(id), "{id} missing");
    }
    let out = bin().args(["rules", "card-settlement"]).output().unwrap();
    let text = stdout(&out);
    for part in [
        "检查什么",
        "为什么是问题",
        "凭证示例",
        "合规做法",
        "依据",
        "第十一条",
        "2013-11-18 至 2025-05-01",
        "2025年修订",
        "small_amount",
    ] {
        assert!(text.contains(part), "{part} missing:\n{text}");
    }
    let out = bin().args(["rules", "no-such-rule"]).output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn meeting_ledger_is_used_when_given() {
    let d = tmp();
    let m = ("30215", "会议费");
    let s = "支付公开招聘审核会会议费";
    let vs = vec![V::new(
        4,
        6,
        11,
        vec![
            dr(s, "500102", "业务活动费用-商品和服务费用-会议费", 4_806_00).econ(m.0, m.1),
            cr(s, "230702", "其他应付款-公务卡", 4_806_00)
                .cp("李明")
                .settle("公务卡"),
        ],
    )];
    let l = d.path().join("账.xlsx");
    write_ledger(&l, "局机关", 2023, &[], &vs, Layout::FULL).unwrap();
    let (_, doc) = cli_check(d.path(), &[p(&l), "--rules", "meeting-meal"]);
    let doc = doc.unwrap();
    assert!(vouchers(&doc, "meeting-meal").is_empty());
    assert!(limits(&doc, "meeting-meal")[0].contains("缺少会议台账"));
    let t = d.path().join("会议台账.xlsx");
    write_table(
        &t,
        "会议",
        &[
            "会议名称",
            "开始日期",
            "结束日期",
            "参会人数",
            "餐费",
            "用餐形式",
            "凭证号",
        ],
        &[
            [
                "公开招聘报名人工审核会",
                "2023-03-28",
                "2023-04-01",
                "6",
                "4806.00",
                "桌餐",
                "记-11",
            ]
            .iter()
            .map(|x| x.to_string())
            .collect(),
            [
                "就业工作会议",
                "2023-05-10",
                "2023-05-10",
                "60",
                "7200.00",
                "自助餐",
                "",
            ]
            .iter()
            .map(|x| x.to_string())
            .collect(),
        ],
    )
    .unwrap();
    let (out, doc) = cli_check(
        d.path(),
        &[
            p(&l),
            "--rules",
            "meeting-meal",
            "--supporting",
            &format!("meetings={}", p(&t)),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    // 4,806.00 for 6 people over 5 days is 160.20 a head and day, as 桌餐: flagged, on 记-11.
    assert_eq!(vouchers(&doc, "meeting-meal"), vec!["2023-04 记-11"]);
    let x = doc["findings"][0]["explanation"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(x.contains("桌餐") && x.contains("160.20"), "{x}");
    assert!(limits(&doc, "meeting-meal").is_empty());
}

#[test]
fn rules_say_what_they_could_not_check() {
    let d = tmp();
    // Only the 财务会计 side was exported, and no opening balances.
    let s = "2022年度工会经费单位行政补助";
    let vs = vec![V::new(
        1,
        18,
        17,
        vec![
            dr(
                s,
                "500102",
                "业务活动费用-商品和服务费用-工会经费",
                50_000_00,
            ),
            dr(s, "230799", "其他应付款-其他", 23_600_00),
            cr(s, "1011", "零余额账户用款额度", 50_000_00),
            cr(s, "1002", "银行存款", 23_600_00),
        ],
    )];
    let l = d.path().join("账.xlsx");
    write_ledger(&l, "局机关", 2023, &[], &vs, Layout::BARE).unwrap();
    let (out, doc) = cli_check(
        d.path(),
        &[p(&l), "--rules", "missing-budget-entry,suspense-spending"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    // No 预算会计 line anywhere: 平行记账 is not tested (and no wall of findings).
    assert!(vouchers(&doc, "missing-budget-entry").is_empty());
    assert!(limits(&doc, "missing-budget-entry")[0].contains("没有预算会计分录"));
    // No opening balances: the carried balance is inferred from this year's credits, and said so.
    assert_eq!(vouchers(&doc, "suspense-spending"), vec!["2023-01 记-17"]);
    assert!(limits(&doc, "suspense-spending")[0].contains("缺少其他应付款期初余额"));
}
