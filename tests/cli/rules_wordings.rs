//! Each rule on at least three independent wordings of its pattern and on the look-alikes it
//! must leave alone, in an export with every optional column (text codes) and in a bare one
//! (no 经济分类 / 往来单位 / 结算方式 columns, codes as numbers, the 款 only in the account name).
//! Positive vouchers are numbered below 100, look-alikes from 101.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, Layout, L, V};
use std::collections::BTreeSet;

const EXP: &str = "500102";
const BANK: &str = "1002";
const ZERO: &str = "1011";

/// An expense line whose 款 is both in the account name and in the 经济分类 column.
fn exp(s: &str, fen: i64, econ: (&str, &str)) -> L {
    dr(
        s,
        EXP,
        &format!("业务活动费用-商品和服务费用-{}", econ.1),
        fen,
    )
    .econ(econ.0, econ.1)
}
fn bud(s: &str, fen: i64, econ: (&str, &str)) -> L {
    dr(
        s,
        "710102",
        &format!("行政支出-商品和服务支出-{}", econ.1),
        fen,
    )
    .econ(econ.0, econ.1)
}
fn b8(s: &str, fen: i64) -> L {
    cr(s, "800102", "资金结存-货币资金", fen)
}
/// Expense paid from `from` with its 预算会计 pair.
fn paid(
    s: &str,
    fen: i64,
    econ: (&str, &str),
    from: &str,
    to: Option<&str>,
    how: Option<&str>,
) -> Vec<L> {
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
    if let Some(h) = how {
        c = c.settle(h);
    }
    vec![exp(s, fen, econ), c, bud(s, fen, econ), b8(s, fen)]
}
fn card(s: &str, fen: i64, econ: (&str, &str)) -> Vec<L> {
    vec![
        exp(s, fen, econ),
        cr(s, "230702", "其他应付款-公务卡", fen)
            .cp("李明")
            .settle("公务卡"),
    ]
}

/// Voucher numbers the rule flags, for a ledger written in `layout`.
fn fired(
    rule: &str,
    layout: Layout,
    opening: &[(&str, &str, i64)],
    vs: &[V],
    also: &[&str],
) -> BTreeSet<u32> {
    let d = tmp();
    let path = d.path().join("账.xlsx");
    write_ledger(&path, "测试局", 2023, opening, vs, layout).unwrap();
    let mut rules = vec![rule];
    rules.extend_from_slice(also);
    let list = rules.join(",");
    let (out, doc) = cli_check(d.path(), &[p(&path), "--rules", &list]);
    assert!(out.status.success(), "{}", stderr(&out));
    doc.unwrap()["findings"]
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
fn card_settlement() {
    let vs = vec![
        V::new(
            3,
            5,
            1,
            paid(
                "报销会议餐费（经办人垫付）",
                860_00,
                ("30215", "会议费"),
                BANK,
                Some("张三"),
                Some("转账"),
            ),
        ),
        V::new(
            3,
            6,
            2,
            paid(
                "支付培训住宿费",
                1_200_00,
                ("30216", "培训费"),
                "1001",
                None,
                Some("现金"),
            ),
        ),
        V::new(
            3,
            7,
            3,
            paid(
                "付差旅费至个人储蓄卡",
                2_340_00,
                ("30211", "差旅费"),
                BANK,
                None,
                None,
            ),
        ),
        V::new(
            3,
            8,
            4,
            paid(
                "支付公务接待餐费",
                530_00,
                ("30217", "公务接待费"),
                ZERO,
                Some("王五"),
                None,
            ),
        ),
        // Look-alikes.
        V::new(
            3,
            9,
            101,
            card("支付公务接待费", 530_00, ("30217", "公务接待费")),
        ),
        V::new(
            3,
            9,
            102,
            paid(
                "支付会议费",
                9_000_00,
                ("30215", "会议费"),
                ZERO,
                Some("寻甸县金源大酒店"),
                Some("国库集中支付"),
            ),
        ),
        V::new(
            3,
            10,
            103,
            paid(
                "发放下乡伙食补助",
                600_00,
                ("30106", "伙食补助费"),
                BANK,
                Some("张三"),
                Some("转账"),
            ),
        ),
        V::new(
            3,
            10,
            104,
            paid(
                "支付快递费",
                50_00,
                ("30207", "邮电费"),
                "1001",
                None,
                Some("现金"),
            ),
        ),
        V::new(
            3,
            11,
            105,
            paid(
                "支付春节慰问金",
                500_00,
                ("30229", "福利费"),
                BANK,
                Some("张三"),
                Some("转账"),
            ),
        ),
        V::new(
            3,
            11,
            106,
            paid(
                "支付讲课费",
                1_000_00,
                ("30226", "劳务费"),
                BANK,
                Some("李四"),
                Some("转账"),
            ),
        ),
    ];
    assert_eq!(
        fired("card-settlement", Layout::FULL, &[], &vs, &[]),
        set(&[1, 2, 3, 4])
    );
    // Without the 往来 column the payee of 记-4 cannot be seen in the books (the payment
    // detail would show it); the other three still show in the 摘要 and the cash account.
    assert_eq!(
        fired("card-settlement", Layout::BARE, &[], &vs, &[]),
        set(&[1, 2, 3])
    );
}

#[test]
fn reception_frequency() {
    let r = ("30217", "公务接待费");
    let vs = vec![
        V::new(
            6,
            20,
            1,
            card(
                "接待双柏县劳动保障监察大队6月13日午餐406元、晚餐388元",
                794_00,
                r,
            ),
        ),
        V::new(5, 9, 2, {
            let mut l = card("支付省人社厅督查组2023年5月8日中餐", 420_00, r);
            l.extend(card("支付省人社厅督查组2023年5月8日晚餐", 380_00, r));
            l
        }),
        V::new(
            3,
            16,
            3,
            card("接待昆明市劳动监察支队3.15午餐费", 300_00, r),
        ),
        V::new(
            3,
            17,
            100,
            card("接待昆明市劳动监察支队3.15晚餐费", 280_00, r),
        ),
        V::new(
            4,
            2,
            4,
            card("接待曲靖市就业局调研组工作餐（5人）", 1_000_00, r),
        ),
        // Look-alikes.
        V::new(6, 22, 101, {
            let mut l = card("接待宜良县就业局6月21日午餐", 300_00, r);
            l.extend(card("接待嵩明县社保局6月21日午餐", 310_00, r));
            l
        }),
        V::new(7, 12, 102, {
            let mut l = card("接待省厅督导组7月10日晚餐", 350_00, r);
            l.extend(card("接待省厅督导组7月11日午餐", 330_00, r));
            l
        }),
        V::new(7, 13, 103, card("支付公务接待费", 900_00, r)),
        V::new(
            7,
            14,
            104,
            card("报销出差期间6月5日午餐、晚餐", 120_00, ("30211", "差旅费")),
        ),
        V::new(7, 15, 105, card("接待工作餐（8人）", 760_00, r)),
    ];
    // 100: the 3.15 reception of 昆明市劳动监察支队 reimbursed in two vouchers (3 and 100) is
    // also a split reimbursement (拆分报销), flagged on the later voucher.
    for layout in [Layout::FULL, Layout::BARE] {
        assert_eq!(
            fired("reception-frequency", layout, &[], &vs, &[]),
            set(&[1, 2, 3, 4, 100])
        );
    }
}

#[test]
fn meeting_meal() {
    let m = ("30215", "会议费");
    let vs = vec![
        V::new(4, 6, 1, card("支付审核会会餐费", 4_806_00, m)),
        V::new(4, 7, 2, card("支付业务培训会桌餐费（3桌）", 2_400_00, m)),
        V::new(4, 8, 3, card("支付座谈会3月28日至3月31日餐费", 3_100_00, m)),
        V::new(
            4,
            9,
            4,
            card("支付年度工作会议晚宴费", 5_000_00, ("30201", "办公费")),
        ),
        V::new(4, 10, 5, card("会议工作餐（10人）", 3_000_00, m)),
        // Look-alikes.
        V::new(4, 11, 101, card("支付就业工作会议会议费", 12_000_00, m)),
        V::new(
            4,
            12,
            102,
            card("支付社保培训会工作餐（20人）", 2_400_00, m),
        ),
        V::new(4, 13, 103, card("支付会场租赁费", 1_500_00, m)),
        V::new(4, 14, 104, card("付新闻发布会会议餐费", 1_005_00, m)),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        assert_eq!(
            fired("meeting-meal", layout, &[], &vs, &[]),
            set(&[1, 2, 3, 4, 5])
        );
    }
}

#[test]
fn three_public_misclass() {
    let vs = vec![
        V::new(
            4,
            12,
            1,
            card("支付公务用车保养费、贴膜费", 2_039_77, ("30201", "办公费")),
        ),
        V::new(
            4,
            13,
            2,
            card("云A12345车辆维修费", 3_500_00, ("30213", "维修（护）费")),
        ),
        V::new(
            4,
            14,
            3,
            card(
                "支付1-3月高速通行费",
                640_00,
                ("30299", "其他商品和服务支出"),
            ),
        ),
        V::new(
            4,
            15,
            4,
            card("支付接待调研组餐费", 480_00, ("30201", "办公费")),
        ),
        V::new(
            4,
            16,
            5,
            card("车辆保险费", 4_200_00, ("30299", "其他商品和服务支出")),
        ),
        // Look-alikes.
        V::new(
            5,
            1,
            101,
            card(
                "支付公务用车加油费",
                500_00,
                ("30231", "公务用车运行维护费"),
            ),
        ),
        V::new(
            5,
            2,
            102,
            card("支付打印机维修费", 300_00, ("30213", "维修（护）费")),
        ),
        V::new(
            5,
            3,
            103,
            card("报销差旅费（含过路费）", 1_300_00, ("30211", "差旅费")),
        ),
        V::new(
            5,
            4,
            104,
            card("支付会议期间工作餐", 600_00, ("30215", "会议费")),
        ),
        V::new(
            5,
            5,
            105,
            card("支付公务接待费", 450_00, ("30217", "公务接待费")),
        ),
        V::new(
            5,
            6,
            106,
            card("支付出租车费", 80_00, ("30239", "其他交通费用")),
        ),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        assert_eq!(
            fired("three-public-misclass", layout, &[], &vs, &[]),
            set(&[1, 2, 3, 4, 5])
        );
    }
}

fn receipt(s: &str, fen: i64, code: &str, name: &str) -> Vec<L> {
    vec![dr(s, BANK, "银行存款", fen), cr(s, code, name, fen)]
}

#[test]
fn meal_fee_suspense() {
    let vs = vec![
        V::new(
            6,
            16,
            1,
            receipt(
                "收到市局调研缴纳伙食费",
                320_00,
                "230701",
                "其他应付款-暂收款-代扣代缴",
            ),
        ),
        V::new(
            6,
            17,
            2,
            receipt("收省厅检查组交纳餐费", 260_00, "230799", "其他应付款-其他"),
        ),
        V::new(
            6,
            18,
            3,
            receipt("收到督查组人员就餐费", 150_00, "2307", "其他应付款"),
        ),
        // Look-alikes.
        V::new(
            6,
            19,
            101,
            receipt(
                "收到职工交纳食堂伙食费",
                2_000_00,
                "230799",
                "其他应付款-其他",
            ),
        ),
        V::new(
            6,
            20,
            102,
            receipt(
                "收到调研组交纳伙食费",
                200_00,
                EXP,
                "业务活动费用-商品和服务费用-公务接待费",
            ),
        ),
        V::new(
            6,
            21,
            103,
            receipt("收到投标保证金", 5_000_00, "2307", "其他应付款"),
        ),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        assert_eq!(
            fired("meal-fee-suspense", layout, &[], &vs, &[]),
            set(&[1, 2, 3])
        );
    }
}

#[test]
fn income_in_suspense_and_missing_budget_entry() {
    let vs = vec![
        V::new(
            10,
            17,
            1,
            receipt(
                "收到红十字会拨网络筹款",
                3_533_84,
                "230799",
                "其他应付款-其他",
            ),
        ),
        V::new(
            12,
            22,
            2,
            receipt(
                "收到2023年度失业动态监测检查费（人社部下拨部分）",
                565_80,
                "23079999",
                "其他应付款-其他-其他",
            ),
        ),
        V::new(
            8,
            3,
            3,
            receipt("收到县慈善总会捐赠款", 10_000_00, "2307", "其他应付款"),
        ),
        V::new(
            8,
            4,
            4,
            receipt(
                "收到市局下拨就业工作经费",
                20_000_00,
                "230799",
                "其他应付款-其他",
            ),
        ),
        // Cash paid or received inside the budget with no 预算会计 lines.
        V::new(
            8,
            5,
            5,
            vec![
                exp("支付办公用品费", 800_00, ("30201", "办公费")),
                cr("支付办公用品费", ZERO, "零余额账户用款额度", 800_00),
            ],
        ),
        V::new(
            8,
            6,
            6,
            receipt("收到银行存款利息", 35_12, "4604", "利息收入"),
        ),
        // Look-alikes.
        V::new(
            9,
            1,
            101,
            receipt("收到履约保证金", 5_000_00, "230799", "其他应付款-其他"),
        ),
        V::new(
            9,
            2,
            102,
            receipt("收到代收医保费", 1_200_00, "230701", "其他应付款-代扣代缴"),
        ),
        V::new(
            9,
            3,
            103,
            receipt(
                "收到财政预拨2024年度经费",
                50_000_00,
                "230799",
                "其他应付款-其他",
            ),
        ),
        V::new(9, 4, 104, {
            let s = "收到市局下拨就业工作经费";
            vec![
                dr(s, BANK, "银行存款", 20_000_00),
                cr(s, "4601", "非同级财政拨款收入", 20_000_00),
                dr(s, "800102", "资金结存-货币资金", 20_000_00),
                cr(s, "6601", "非同级财政拨款预算收入", 20_000_00),
            ]
        }),
        V::new(
            9,
            5,
            105,
            vec![
                dr("提取备用金", "1001", "库存现金", 2_000_00),
                cr("提取备用金", BANK, "银行存款", 2_000_00),
            ],
        ),
        V::new(
            9,
            6,
            106,
            vec![
                dr("缴纳代扣个税", "230701", "其他应付款-代扣代缴", 900_00),
                cr("缴纳代扣个税", BANK, "银行存款", 900_00),
            ],
        ),
        V::new(
            9,
            7,
            107,
            vec![
                dr("计提折旧", "500105", "业务活动费用-固定资产折旧费", 700_00),
                cr("计提折旧", "1602", "固定资产累计折旧", 700_00),
            ],
        ),
        V::new(
            9,
            8,
            108,
            paid(
                "支付电费",
                1_800_00,
                ("30206", "电费"),
                BANK,
                Some("云南电网有限责任公司寻甸供电局"),
                None,
            ),
        ),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        assert_eq!(
            fired("income-in-suspense", layout, &[], &vs, &[]),
            set(&[1, 2, 3, 4])
        );
        // Receipts parked in 2307 are exempt from 平行记账 unless they are income.
        assert_eq!(
            fired(
                "missing-budget-entry",
                layout,
                &[],
                &vs,
                &["income-in-suspense"]
            ),
            set(&[1, 2, 3, 4, 5, 6])
        );
        assert_eq!(
            fired("missing-budget-entry", layout, &[], &vs, &[]),
            set(&[5, 6])
        );
    }
}

#[test]
fn suspense_spending() {
    let opening = [
        ("230799", "其他应付款-其他", -100_000_00),
        ("230701", "其他应付款-代扣代缴", -5_000_00),
    ];
    let s1 = "2022年度工会经费单位行政补助";
    let s2 = "支付就业服务中心租金";
    let s3 = "发放公益性岗位补贴";
    let vs = vec![
        V::new(
            1,
            18,
            1,
            vec![
                exp(s1, 50_000_00, ("30228", "工会经费")),
                dr(s1, "230799", "其他应付款-其他", 23_600_00),
                cr(s1, ZERO, "零余额账户用款额度", 50_000_00),
                cr(s1, BANK, "银行存款", 23_600_00),
            ],
        ),
        V::new(
            3,
            3,
            2,
            vec![
                exp(s2, 8_000_00, ("30214", "租赁费")),
                dr(s2, "230799", "其他应付款-其他", 2_000_00),
                cr(s2, BANK, "银行存款", 10_000_00),
            ],
        ),
        V::new(
            4,
            3,
            3,
            vec![
                exp(s3, 5_000_00, ("30399", "其他对个人和家庭的补助")),
                dr(s3, "230799", "其他应付款-其他", 5_000_00),
                cr(s3, ZERO, "零余额账户用款额度", 10_000_00),
            ],
        ),
        // Look-alikes.
        V::new(
            2,
            1,
            101,
            vec![
                dr("归还公务卡欠款", "230702", "其他应付款-公务卡", 3_000_00),
                cr("归还公务卡欠款", ZERO, "零余额账户用款额度", 3_000_00),
            ],
        ),
        V::new(
            2,
            2,
            102,
            vec![
                dr("缴纳代扣个税", "230701", "其他应付款-代扣代缴", 900_00),
                cr("缴纳代扣个税", BANK, "银行存款", 900_00),
            ],
        ),
        V::new(
            2,
            3,
            103,
            receipt(
                "收到项目暂收款",
                30_000_00,
                "230788",
                "其他应付款-项目暂收款",
            ),
        ),
        V::new(
            5,
            3,
            104,
            vec![
                exp("支付项目费用", 30_000_00, ("30227", "委托业务费")),
                dr("支付项目费用", "230788", "其他应付款-项目暂收款", 30_000_00),
                cr("支付项目费用", BANK, "银行存款", 60_000_00),
            ],
        ),
        V::new(
            6,
            3,
            105,
            vec![
                dr(
                    "退还押金并支付手续费",
                    "230799",
                    "其他应付款-其他",
                    2_000_00,
                ),
                exp("退还押金并支付手续费", 10_00, ("30204", "手续费")),
                cr("退还押金并支付手续费", BANK, "银行存款", 2_010_00),
            ],
        ),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        assert_eq!(
            fired("suspense-spending", layout, &opening, &vs, &[]),
            set(&[1, 2, 3])
        );
    }
}

/// suspense-spending's amount is the money drawn from the balance carried from earlier years,
/// not the whole payment; its facts say what the whole was and what is not counted.
#[test]
fn suspense_spending_amount_is_the_part_drawn_from_the_carried_balance() {
    let opening = [
        ("230799", "其他应付款-其他", -100_000_00),
        ("230798", "其他应付款-暂存款", -5_000_00),
    ];
    let s1 = "2022年度工会经费单位行政补助";
    let s2 = "支付就业服务中心租金";
    let s3 = "支付劳务派遣人员服务费";
    let s4 = "支付办公用品采购款";
    let vs = vec![
        // The seed's shape: 50,000.00 from the 零余额 account, 23,600.00 from the old balance.
        V::new(
            1,
            18,
            1,
            vec![
                exp(s1, 50_000_00, ("30228", "工会经费")),
                dr(s1, "230799", "其他应付款-其他", 23_600_00),
                cr(s1, ZERO, "零余额账户用款额度", 50_000_00),
                cr(s1, BANK, "银行存款", 23_600_00),
            ],
        ),
        // Split from the bank: 8,000.00 expensed, 2,000.00 charged to the old balance.
        V::new(
            3,
            3,
            2,
            vec![
                exp(s2, 8_000_00, ("30214", "租赁费")),
                dr(s2, "230799", "其他应付款-其他", 2_000_00),
                cr(s2, BANK, "银行存款", 10_000_00),
            ],
        ),
        // 3,000.00 received this year on 230798 first, then 8,000.00 drawn: 5,000.00 of it is
        // the carried balance (oldest first), 3,000.00 this year's receipt.
        V::new(
            4,
            2,
            3,
            receipt("收到暂存款", 3_000_00, "230798", "其他应付款-暂存款"),
        ),
        V::new(
            4,
            20,
            4,
            vec![
                exp(s3, 1_000_00, ("30226", "劳务费")),
                dr(s3, "230798", "其他应付款-暂存款", 8_000_00),
                cr(s3, BANK, "银行存款", 9_000_00),
            ],
        ),
        // Look-alike: none of it from 其他应付款 (a 2307 credit for the tax withheld).
        V::new(
            5,
            8,
            101,
            vec![
                exp(s4, 6_000_00, ("30201", "办公费")),
                cr(s4, "230701", "其他应付款-代扣代缴", 60_00),
                cr(s4, ZERO, "零余额账户用款额度", 5_940_00),
            ],
        ),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        let d = tmp();
        let path = d.path().join("账.xlsx");
        write_ledger(&path, "测试局", 2023, &opening, &vs, layout).unwrap();
        let (out, doc) = cli_check(d.path(), &[p(&path), "--rules", "suspense-spending"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let doc = doc.unwrap();
        let got: Vec<(String, String, String)> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["voucher"].as_str().unwrap().to_string(),
                    f["amount"].as_str().unwrap().to_string(),
                    f["explanation"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let amounts: Vec<(&str, &str)> = got
            .iter()
            .map(|(v, a, _)| (v.rsplit('-').next().unwrap(), a.as_str()))
            .collect();
        assert_eq!(
            amounts,
            [("1", "23600.00"), ("2", "2000.00"), ("4", "5000.00")],
            "{got:#?}"
        );
        let says = |k: usize, parts: &[&str]| {
            for x in parts {
                assert!(got[k].2.contains(x), "{x} not in {}", got[k].2);
            }
        };
        says(
            0,
            &[
                "共支付 73,600.00 元",
                "按动用以前年度结余的 23,600.00 元计",
                "其余 50,000.00 元",
            ],
        );
        says(
            1,
            &[
                "共支付 10,000.00 元",
                "按动用以前年度结余的 2,000.00 元计",
                "其余 8,000.00 元",
            ],
        );
        says(
            2,
            &[
                "8,000.00 元中 5,000.00 元为以前年度",
                "其余 3,000.00 元为本年收到",
            ],
        );
    }
}

#[test]
fn amount_mismatch() {
    let w = ("30229", "福利费");
    let s1 = "支付春节慰问费（16人*500.00元/人）";
    let s2 = "发放节日慰问金（12人×300元）";
    let s3 = "支付培训费";
    let s4 = "发放3月工资";
    let s5 = "2022年度工会经费单位行政补助";
    let vs = vec![
        V::new(
            1,
            20,
            1,
            vec![
                exp(s1, 9_009_85, w),
                cr(s1, BANK, "银行存款", 9_009_85).cp("王丽珍"),
                bud(s1, 9_000_00, w),
                b8(s1, 9_000_00),
            ],
        ),
        V::new(2, 1, 2, paid(s2, 3_800_00, w, BANK, None, None)),
        V::new(
            2,
            2,
            3,
            vec![
                exp(s3, 5_000_00, ("30216", "培训费")),
                cr(s3, ZERO, "零余额账户用款额度", 5_000_00),
                bud(s3, 4_500_00, ("30216", "培训费")),
                cr(s3, "800101", "资金结存-零余额账户用款额度", 4_500_00),
            ],
        ),
        // Look-alikes.
        V::new(
            3,
            25,
            101,
            vec![
                dr(s4, "2201", "应付职工薪酬", 180_000_00),
                cr(s4, "230701", "其他应付款-代扣代缴", 18_000_00),
                cr(s4, ZERO, "零余额账户用款额度", 162_000_00),
                dr(s4, "710101", "行政支出-工资福利支出", 162_000_00),
                cr(s4, "800101", "资金结存-零余额账户用款额度", 162_000_00),
            ],
        ),
        V::new(
            1,
            18,
            102,
            vec![
                exp(s5, 50_000_00, ("30228", "工会经费")),
                dr(s5, "230799", "其他应付款-其他", 23_600_00),
                cr(s5, ZERO, "零余额账户用款额度", 50_000_00),
                cr(s5, BANK, "银行存款", 23_600_00),
                bud(s5, 50_000_00, ("30228", "工会经费")),
                cr(s5, "800101", "资金结存-零余额账户用款额度", 50_000_00),
            ],
        ),
        V::new(
            3,
            8,
            103,
            paid(
                "支付三八节慰问金（10人*200元/人）",
                2_000_00,
                w,
                BANK,
                None,
                None,
            ),
        ),
        V::new(
            3,
            31,
            104,
            vec![
                dr(
                    "计提3月工资",
                    "500101",
                    "业务活动费用-工资福利费用",
                    180_000_00,
                ),
                cr("计提3月工资", "2201", "应付职工薪酬", 180_000_00),
            ],
        ),
        V::new(
            4,
            1,
            105,
            vec![
                dr("归还公务卡欠款", "230702", "其他应付款-公务卡", 3_000_00),
                cr("归还公务卡欠款", ZERO, "零余额账户用款额度", 3_000_00),
                bud("归还公务卡欠款", 3_000_00, ("30211", "差旅费")),
                cr(
                    "归还公务卡欠款",
                    "800101",
                    "资金结存-零余额账户用款额度",
                    3_000_00,
                ),
            ],
        ),
    ];
    for layout in [Layout::FULL, Layout::BARE] {
        assert_eq!(
            fired("amount-mismatch", layout, &[], &vs, &[]),
            set(&[1, 2, 3])
        );
    }
}
