//! Each finding cites the provision (and the paragraph) about what it found, not the first
//! article of its rule's list: a meeting's meal paid to a person on the settlement and card
//! provisions, a banquet on the 会议用餐 text, 预算法第五十七条 by its paragraph on spending as
//! budgeted, an idle or unscrapped asset on the provisions about using and disposing of assets
//! (not 盘点 or 核销).
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, Layout, L, V};
use reeval::fixtures::seed002;
use serde_json::Value;

const BANK: &str = "1002";
const CASH: &str = "1001";

fn meeting(s: &str, fen: i64, econ: (&str, &str)) -> L {
    dr(
        s,
        "500102",
        &format!("业务活动费用-商品和服务费用-{}", econ.1),
        fen,
    )
    .econ(econ.0, econ.1)
}

/// A meeting's meal paid from the bank (or cash) to a person.
fn to_person(s: &str, fen: i64, from: &str, who: &str) -> Vec<L> {
    let name = if from == CASH {
        "库存现金"
    } else {
        "银行存款"
    };
    vec![
        meeting(s, fen, ("30215", "会议费")),
        cr(s, from, name, fen).cp(who).settle("转账"),
    ]
}

/// Paid by 公务卡 (a 2307 公务卡 credit).
fn by_card(s: &str, fen: i64, econ: (&str, &str)) -> Vec<L> {
    vec![
        meeting(s, fen, econ),
        cr(s, "230702", "其他应付款-公务卡", fen)
            .cp("李明")
            .settle("公务卡"),
    ]
}

fn cited(f: &Value, key: &str) -> Vec<String> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    f[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| format!("{}{}：{}", s(&c["law"]), s(&c["article"]), s(&c["text"])))
                .collect()
        })
        .unwrap_or_default()
}

fn all_cited(f: &Value) -> String {
    let mut v = cited(f, "citations");
    v.extend(cited(f, "unquoted_citations"));
    v.join("\n")
}

fn by_voucher<'a>(doc: &'a Value, rule: &str, n: u32) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == rule
                && f["voucher"]
                    .as_str()
                    .is_some_and(|v| v.rsplit('-').next() == Some(&n.to_string()))
        })
        .unwrap_or_else(|| panic!("no {rule} finding on voucher {n}: {doc}"))
}

const MEAL_FORM: &str = "会议用餐严格控制菜品种类";
const CARD: &str = "应当使用公务卡结算";
const SETTLEMENT: &str = "电子结算单";
const DEFINED_AMOUNT: &str = "综合定额标准";
const SCOPE: &str = "会议费开支范围";

#[test]
fn a_meeting_meal_paid_to_a_person_cites_settlement_and_card_rules_not_the_meal_form() {
    let d = tmp();
    let path = d.path().join("账.xlsx");
    let vs = vec![
        // Paid to a person, three wordings (bank, bank, cash).
        V::new(
            4,
            11,
            1,
            to_person(
                "支付2023年事业单位公开招聘报名人工审核会餐费",
                4_806_00,
                BANK,
                "马丽",
            ),
        ),
        V::new(
            5,
            9,
            2,
            to_person("报销座谈会午餐费（经办人垫付）", 860_00, BANK, "王芳"),
        ),
        V::new(6, 3, 3, to_person("评审会工作餐费", 420_00, CASH, "赵强")),
        // The meal's form: a banquet paid by card.
        V::new(
            6,
            10,
            4,
            by_card("支付业务培训会桌餐费（3桌）", 2_400_00, ("30215", "会议费")),
        ),
        // Above the 伙食费 part of the 定额, paid by card.
        V::new(
            6,
            12,
            5,
            by_card("会议工作餐（10人）", 3_000_00, ("30215", "会议费")),
        ),
        // A banquet booked outside 会议费.
        V::new(
            6,
            14,
            6,
            by_card("支付年度工作会议晚宴费", 5_000_00, ("30201", "办公费")),
        ),
        // A banquet paid to a person: both.
        V::new(
            6,
            16,
            7,
            to_person("支付推进会会餐费", 1_200_00, BANK, "刘洋"),
        ),
    ];
    write_ledger(&path, "测试局", 2023, &[], &vs, Layout::FULL).unwrap();
    let (out, doc) = cli_check(d.path(), &[p(&path), "--rules", "meeting-meal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    for n in [1, 2, 3] {
        let all = all_cited(by_voucher(&doc, "meeting-meal", n));
        assert!(all.contains(CARD) && all.contains(SETTLEMENT), "{n}: {all}");
        for not in [MEAL_FORM, DEFINED_AMOUNT, SCOPE] {
            assert!(!all.contains(not), "{n} cites {not}: {all}");
        }
    }
    let all = all_cited(by_voucher(&doc, "meeting-meal", 4));
    assert!(all.contains(MEAL_FORM), "{all}");
    for not in [CARD, SETTLEMENT, DEFINED_AMOUNT, SCOPE] {
        assert!(!all.contains(not), "4 cites {not}: {all}");
    }
    let all = all_cited(by_voucher(&doc, "meeting-meal", 5));
    assert!(all.contains(DEFINED_AMOUNT), "{all}");
    for not in [CARD, SETTLEMENT, MEAL_FORM] {
        assert!(!all.contains(not), "5 cites {not}: {all}");
    }
    let all = all_cited(by_voucher(&doc, "meeting-meal", 6));
    assert!(all.contains(MEAL_FORM) && all.contains(SCOPE), "{all}");
    assert!(!all.contains(CARD), "{all}");
    let all = all_cited(by_voucher(&doc, "meeting-meal", 7));
    for want in [MEAL_FORM, CARD, SETTLEMENT] {
        assert!(all.contains(want), "7 lacks {want}: {all}");
    }
}

#[test]
fn the_seed_engagement_cites_the_paragraph_and_the_asset_provisions_that_fit() {
    let d = tmp();
    seed002::write(d.path(), 2023).unwrap();
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
    let find = |rule: &str, key: &str| -> Value {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && (f["voucher"] == key || f["asset"] == key))
            .unwrap_or_else(|| panic!("no {rule} finding on {key}"))
            .clone()
    };
    // 记-11: the meeting's meal reimbursed to 马丽.
    let all = all_cited(&find("meeting-meal", "2023-04 记-11"));
    assert!(all.contains(CARD) && all.contains(SETTLEMENT), "{all}");
    // 预算法第五十七条: the paragraph on spending as budgeted, trimmed as seed 002 quotes it.
    for (rule, key) in [
        ("suspense-spending", "2023-01 记-17"),
        ("three-public-misclass", "2023-04 记-14"),
    ] {
        let f = find(rule, key);
        let q = cited(&f, "citations");
        let art = q
            .iter()
            .find(|c| c.contains("第五十七条"))
            .unwrap_or_else(|| panic!("{rule}: {q:?}"));
        assert!(
            art.contains("……各级政府、各部门、各单位的支出必须按照预算执行"),
            "{art}"
        );
        assert!(
            !art.contains("及时、足额地拨付") && !art.contains("开展绩效评价"),
            "{art}"
        );
    }
    // Idle and awaiting-scrapping assets: as seed 002 cites them (会计法第十七条, 35号第四条,
    // 113号第三十六条), with the 条例's article on using (第十五条) or disposing of (第十九条)
    // assets — not 盘点 (第三十四条) or 核销 (第三十五条) — all quoted.
    for (rule, key, provision, not) in [
        ("asset-idle", "TY2016000001", "充分发挥资产效能", "第十九条"),
        (
            "asset-disposal-pending",
            "TY1997000001",
            "及时处置行政事业性国有资产",
            "第十五条",
        ),
    ] {
        let f = find(rule, key);
        let q = cited(&f, "citations").join("|");
        for want in [
            provision,
            "保障国有资产的安全和完整",
            "会计法》（2017年修正）第十七条",
            "第113号）第三十六条",
        ] {
            assert!(q.contains(want), "{rule} lacks {want}: {q}");
        }
        for not in ["第三十四条", "第三十五条", not] {
            assert!(!q.contains(not), "{rule} cites {not}: {q}");
        }
        assert!(f["unquoted_citations"]
            .as_array()
            .is_none_or(|a| a.is_empty()));
    }
}
