//! What a first reader of the seeds found `reeval claims` misreading, each as a class: the
//! seed's wording, two wordings written here (as held-out reviewers would), and look-alikes
//! that must stay as they are.

use crate::claims::{claims_of_text, kinds, rows};
use serde_json::Value;

fn report(body: &str) -> Value {
    claims_of_text(&format!("2023年度部门整体支出绩效自评报告\n\n{body}\n"))
}

/// (quantity, of, basis, value) of each claim, `-` for none.
fn qv(f: &Value) -> Vec<(String, String, String, String)> {
    rows(f)
        .into_iter()
        .map(|[q, of, b, _, v, _]| (q, of, b, v))
        .collect()
}

fn has(f: &Value, q: &str, of: &str, basis: &str, value: &str) -> bool {
    qv(f)
        .iter()
        .any(|c| c.0 == q && c.1 == of && c.2 == basis && c.3 == value)
}

fn kind_list(f: &Value) -> Vec<String> {
    kinds(f).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn claims_list_whole_is_the_figure_its_parts_are_of_not_the_nearest_total() {
    // Seed 001 l.47: the parts add up to the 安排资金, not to the 实际支出 standing next to them.
    for body in [
        "（1）保基本民生安排资金19435.98万元，实际支出5780.26万元，包括下达2023年中央就业补助资金预算122万元；关于提前下达2023年中央就业补助资金预算指标的通知220万元；调整下达2023年中央就业补助资金预算25.83万元；保定市徐水区城乡居民基本养老保险村（居）代办员财政补助资金25.12万元；城乡居民养老保险财政补助资金19043.03万元项目，已足额发放到保障对象；",
        "乡村振兴衔接资金预算安排500万元，已支出420万元，其中：产业发展资金300万元，基础设施建设资金200万元。",
        "高校毕业生就业见习补贴计划安排资金64.8万元，实际使用31.2万元，包括省级下达预算40万元、县级配套预算24.8万元。",
    ] {
        let f = report(body);
        assert!(kinds(&f).is_empty(), "{body}: {:?}", kinds(&f));
    }
    // The parts are budget figures and add up to neither: set against the budget, not the
    // actual figure next to them.
    let f = report("培训经费计划安排资金80万元，实际支出60万元，包括下达培训补助预算50万元、下达鉴定补贴预算40万元。");
    assert_eq!(kinds(&f), [("list_exceeds".into(), "100000".into())]);
    // Look-alikes: the nearest figure is the whole and the list does not add up to it.
    let f = report("2023年预算安排100万元，实际支出90万元，其中：办公费50万元，差旅费45万元。");
    assert_eq!(kinds(&f), [("list_exceeds".into(), "50000".into())]);
    let f = report("全年预算安排300万元，实际支出280万元，其中：基本支出200万元，项目支出80万元。");
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    assert!(has(&f, "项目支出", "-", "实际", "800000"), "{:?}", qv(&f));
}

#[test]
fn claims_budget_at_the_start_of_the_year_and_after_adjustment_never_conflict() {
    // Seed 002 l.157–166 and l.523.
    let seed = report(
        "人社局2023年年初批复预算收入14,011,524.49元，其中：一般公共预算收入14,011,524.49元。\n\
         2023年度，人社局执行了预算追加调整程序，调整后的预算收入为19,854,773.32元。\n\
         人社局2023年年初支出预算安排14,011,524.49元，其中：基本支出13,911,524.49元、项目支出100,000.00元。\n\
         2023年度，人社局执行了预算追加调整程序，调整后的预算支出为19,854,773.32元。\n\
         2023年度，人社局年末结转结余资金为1,000,370.85元,支出预算数为19,854,773.32元。",
    );
    assert!(kinds(&seed).is_empty(), "{:?}", kinds(&seed));
    assert!(has(&seed, "年初预算", "-", "预算", "14011524.49"));
    assert!(
        has(&seed, "调整后预算", "-", "预算", "19854773.32"),
        "{:?}",
        qv(&seed)
    );
    for body in [
        "本局年初批复项目支出预算300万元。经追加调整后，项目支出预算360万元。",
        "年初安排“三公”经费预算8万元；年中追加后“三公”经费预算9.5万元。",
    ] {
        let f = report(body);
        assert!(kinds(&f).is_empty(), "{body}: {:?}", kinds(&f));
        assert_eq!(
            f["claims"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["stage"].is_string())
                .count(),
            2,
            "{body}: {}",
            f["claims"]
        );
    }
    // Look-alikes: the same stage stated twice with different values still conflicts.
    for body in [
        "年初预算安排100万元。……本年年初预算为120万元。",
        "调整后预算数为200万元。预算执行率90%。调整后预算为210万元。",
        "年初批复项目支出预算300万元。年初批复项目支出预算320万元。",
    ] {
        let f = report(body);
        assert!(
            kind_list(&f).contains(&"conflicting_values".to_string()),
            "{body}: {:?}",
            kinds(&f)
        );
    }
}

#[test]
fn claims_executed_budget_is_the_actual_and_the_budget_to_execute_the_adjusted_one() {
    // Seed 002 l.521: “实际执行预算” is what was spent, “应执行预算” the adjusted budget.
    let f = report("2023年度，人社局应执行预算19,854,773.32元，实际执行预算18,854,402.47元，预算执行率为94.96%，预算执行进度较高。");
    assert!(
        has(&f, "调整后预算", "-", "预算", "19854773.32"),
        "{:?}",
        qv(&f)
    );
    assert!(
        has(&f, "支出决算", "-", "实际", "18854402.47"),
        "{:?}",
        qv(&f)
    );
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    let f = report("本年应执行预算数500万元，实际执行预算数480万元，预算执行率96%。");
    assert!(has(&f, "支出决算", "-", "实际", "4800000"), "{:?}", qv(&f));
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    // Must fire: the rate does not follow from the two.
    let f = report("全年应执行预算200万元，实际执行预算150万元，预算执行率为90%。");
    assert_eq!(kinds(&f), [("rate_mismatch".into(), "90".into())]);
}

#[test]
fn claims_generic_figure_after_a_specific_quantity_is_that_quantitys() {
    // Seed 002 l.524: “决算报表实际支出数” is the 三公经费's actual, not a fund called 决算报表.
    for body in [
        "预算安排“三公经费”27,800.00元,决算报表实际支出数27,800.00元（公务用车运行维护24,000.00元、公务接待费3,800.00元），“三公经费”控制率为100%。",
        "年初安排公务接待费5万元，账面实际支出4.2万元。",
        "批复公用经费预算80万元，财务系统实际支出78.6万元。",
    ] {
        let f = report(body);
        assert!(
            qv(&f).iter().all(|c| c.0 != "支出决算"),
            "{body}: {:?}",
            qv(&f)
        );
    }
    let f = report("预算安排“三公经费”27,800.00元,决算报表实际支出数27,800.00元（公务用车运行维护24,000.00元、公务接待费3,800.00元）。");
    assert!(has(&f, "三公经费", "-", "实际", "27800"), "{:?}", qv(&f));
    assert!(
        has(&f, "公务用车运行维护费", "-", "实际", "24000"),
        "{:?}",
        qv(&f)
    );
    assert!(has(&f, "公务接待费", "-", "实际", "3800"), "{:?}", qv(&f));
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    // Look-alike: a fund named before the generic word keeps it.
    let f = report("公务接待费预算5万元，就业补助资金实际支出300万元。");
    assert!(
        has(&f, "支出决算", "就业补助资金", "实际", "3000000"),
        "{:?}",
        qv(&f)
    );
}

#[test]
fn claims_a_single_vouchers_amount_is_not_the_years_figure() {
    // Seed 002 l.630 and l.656.
    let f = report(
        "“三公经费”实际支出数27,800.00元（公务用车运行维护24,000.00元、公务接待费3,800.00元）。\n\
         如：2023年10月记账-19号凭证“支付公务接待费”1,668.00元，其中，同日接待双柏县劳动保障监察大队公务794.00元（2023年6月13日午餐406.00元、晚餐388.00元）。\n\
         局机关2023年1月记账-22号凭证“支付春节慰问费”9,000.00元（16人*500.00元/人），其中财政拨款9,000.00元，但银行存款转账王丽珍个人卡9,009.85元，多记支出9.85元。",
    );
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    assert_eq!(
        qv(&f).iter().filter(|c| c.0 == "公务接待费").count(),
        1,
        "{:?}",
        qv(&f)
    );
    for body in [
        "全年公务接待费3,800.00元。抽查第12号付款凭证，列支公务接待费2,450元。",
        "全年公务接待费3,800.00元。抽查发现该笔公务接待费1,200元，其中餐费900元、住宿费200元。",
    ] {
        let f = report(body);
        assert!(kinds(&f).is_empty(), "{body}: {:?}", kinds(&f));
        assert_eq!(qv(&f).len(), 1, "{body}: {:?}", qv(&f));
    }
    // Look-alikes: vouchers in general are no single item; the year's figure stated twice
    // differently still conflicts.
    let f = report(
        "2023年公务接待费支出3,800.00元。本局严格审核每张凭证，2023年公务接待费共计4,200.00元。",
    );
    assert_eq!(
        kinds(&f),
        [("conflicting_values".into(), "公务接待费".into())]
    );
}

#[test]
fn claims_economic_classes_are_parts_of_the_whole_expenditure() {
    // Seed 000 l.393.
    let f = report("2023年决算总支出为1309.96万元，其中：工资福利支出960.74万元，商品服务支出211.42万元，对个人和家庭的补助费用21.45万元。");
    assert!(has(&f, "工资福利支出", "-", "实际", "9607400"));
    assert!(has(&f, "商品和服务支出", "-", "实际", "2114200"));
    assert!(has(&f, "对个人和家庭的补助", "-", "实际", "214500"));
    assert_eq!(kinds(&f), [("list_incomplete".into(), "1163500".into())]);
    let f = report("2023年支出决算500万元，其中工资福利支出300万元、商品和服务支出150万元、对个人和家庭补助50万元。");
    assert_eq!(qv(&f).len(), 4, "{:?}", qv(&f));
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    // Must fire: a class larger than the whole expenditure.
    let f = report("全年总支出200万元。全年工资福利支出250万元。");
    assert_eq!(
        kinds(&f),
        [("part_exceeds_whole".into(), "工资福利支出".into())]
    );
    // Look-alike: 基本支出 smaller than a class (which includes 项目支出's) is no inconsistency.
    let f = report("全年支出决算300万元，基本支出100万元，项目支出200万元。工资福利支出120万元。");
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
}

#[test]
fn claims_funds_listed_under_a_funds_budget_and_its_arrival_rate() {
    // Seed 001 l.99.
    let f = claims_of_text("2022年度就业补助资金绩效自评报告\n\n2022年度就业补助资金预算安排1,700万元，资金来源包含中央就业补助资金和省级就业补助资金，其中：中央资金就业补助资金1,435万元，省级就业补助资金265万元，资金到位率100%。\n");
    assert!(
        has(&f, "预算", "中央资金就业补助资金", "预算", "14350000"),
        "{:?}",
        qv(&f)
    );
    assert!(
        has(&f, "预算", "省级就业补助资金", "预算", "2650000"),
        "{:?}",
        qv(&f)
    );
    assert!(
        has(&f, "资金到位率", "就业补助资金", "-", "100"),
        "{:?}",
        qv(&f)
    );
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    let f = report("乡村公益岗位补贴资金预算安排800万元，实际到位资金800万元，资金到位率100%，其中：中央补助资金500万元，县级配套资金300万元。");
    assert!(
        qv(&f)
            .iter()
            .any(|c| c.1 == "中央补助资金" && c.3 == "5000000"),
        "{:?}",
        qv(&f)
    );
    assert!(
        has(&f, "资金到位率", "乡村公益岗位补贴资金", "-", "100"),
        "{:?}",
        qv(&f)
    );
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    // Must fire: the arrival rate does not follow from the funds arrived and the budget.
    let f = report("创业担保贷款贴息资金预算安排200万元，实际到位资金150万元，资金到位率100%。");
    assert_eq!(
        kinds(&f),
        [("rate_mismatch".into(), "100".into())],
        "{:?}",
        qv(&f)
    );
    // Look-alike: parts that are no funds (办公费, 工资) are not claims.
    let f = report("培训项目预算安排80万元，其中：工资30万元，办公费50万元。");
    assert_eq!(qv(&f).len(), 1, "{:?}", qv(&f));
}

#[test]
fn claims_a_part_named_with_the_wholes_word_is_a_part_not_the_whole_again() {
    // Seed 002 l.157: “一般公共预算收入” holds the word 预算收入.
    for (body, whole) in [
        (
            "人社局2023年年初批复预算收入14,011,524.49元，其中：一般公共预算收入14,011,524.49元。",
            "14011524.49",
        ),
        (
            "本年收入总额500万元，其中：一般公共预算收入450万元，其他收入50万元。",
            "5000000",
        ),
        (
            "2023年预算收入2544.94万元，其中：一般公共预算收入2500万元，政府性基金预算收入44.94万元。",
            "25449400",
        ),
    ] {
        let f = report(body);
        let incomes: Vec<String> = qv(&f)
            .into_iter()
            .filter(|c| c.0 == "收入")
            .map(|c| c.3)
            .collect();
        assert_eq!(incomes, [whole], "{body}: {:?}", qv(&f));
        assert!(kinds(&f).is_empty(), "{body}: {:?}", kinds(&f));
    }
    // Look-alike: the list still adds up its parts.
    let f = report("本年收入总额500万元，其中：一般公共预算收入480万元，其他收入50万元。");
    assert_eq!(kinds(&f), [("list_exceeds".into(), "300000".into())]);
}

#[test]
fn claims_tranches_of_one_fund_in_a_list_are_parts_not_a_conflict() {
    // Seed 001 l.47: 下达 … 122万元 and 调整下达 … 25.83万元 of the same 中央就业补助资金.
    for body in [
        "保基本民生安排资金19435.98万元，实际支出5780.26万元，包括下达2023年中央就业补助资金预算122万元；调整下达2023年中央就业补助资金预算25.83万元；城乡居民养老保险财政补助资金19288.15万元。",
        "就业补助资金预算安排300万元，其中：提前下达中央就业补助资金预算200万元，调整下达中央就业补助资金预算100万元。",
        "培训补贴资金计划安排资金90万元，包括第一批下达省级培训补贴资金预算60万元、第二批下达省级培训补贴资金预算30万元。",
    ] {
        let f = report(body);
        assert!(kinds(&f).is_empty(), "{body}: {:?}", kinds(&f));
    }
    let f = report("2023年安排新增资产预算20万元，用于购置电脑。");
    assert!(
        has(&f, "预算", "新增资产", "预算", "200000"),
        "{:?}",
        qv(&f)
    );
    // Look-alike: the same fund's budget stated twice outside a list still conflicts.
    let f = report("中央就业补助资金预算200万元。全年中央就业补助资金预算安排210万元。");
    assert_eq!(
        kinds(&f),
        [("conflicting_values".into(), "预算".into())],
        "{:?}",
        qv(&f)
    );
}

/// (quantity, basis, year, value) of each claim.
fn qyv(f: &Value) -> Vec<(String, String, String, String)> {
    rows(f)
        .into_iter()
        .map(|[q, _, b, y, v, _]| (q, b, y, v))
        .collect()
}

fn has_year(f: &Value, q: &str, basis: &str, year: &str, value: &str) -> bool {
    qyv(f)
        .iter()
        .any(|c| c.0 == q && c.1 == basis && c.2 == year && c.3 == value)
}

#[test]
fn claims_figure_of_the_previous_period_is_recorded_with_its_year_not_as_this_years() {
    // The tryout's sentence: the figure after 比上年（2022年） is 2022's.
    let f = report("2023年全年支出决算1970.76万元，比上年（2022年）1800.00万元增长9.49%。");
    assert!(
        has_year(&f, "支出决算", "实际", "2023", "19707600"),
        "{:?}",
        qyv(&f)
    );
    assert!(
        has_year(&f, "支出决算", "实际", "2022", "18000000"),
        "{:?}",
        qyv(&f)
    );
    assert!(
        !has_year(&f, "支出决算", "实际", "2023", "18000000"),
        "{:?}",
        qyv(&f)
    );
    // Other wordings: 上年 without a year, 较去年同期的, 较2022年 followed by the figure.
    for (body, q, prior, this) in [
        (
            "2023年“三公”经费支出3.96万元，上年4.30万元，同比减少0.34万元。",
            "三公经费",
            "43000",
            "39600",
        ),
        (
            "全年公用经费481.97万元，较去年同期的450.00万元有所增加。",
            "公用经费",
            "4500000",
            "4819700",
        ),
        (
            "2023年三公经费支出3.96万元，较2022年4.30万元减少0.34万元。",
            "三公经费",
            "43000",
            "39600",
        ),
        (
            "本年度基本支出1500.00万元，上年度基本支出1380.00万元。",
            "基本支出",
            "13800000",
            "15000000",
        ),
    ] {
        let f = report(body);
        assert!(
            has_year(&f, q, "实际", "2022", prior),
            "{body}: {:?}",
            qyv(&f)
        );
        assert!(
            has_year(&f, q, "实际", "2023", this),
            "{body}: {:?}",
            qyv(&f)
        );
        assert!(
            !has_year(&f, q, "实际", "2023", prior),
            "{body}: {:?}",
            qyv(&f)
        );
        // Two years' figures are no 前后不一.
        assert!(kinds(&f).is_empty(), "{body}: {:?}", kinds(&f));
    }
    // Seed 001 l.50: years written out; the change after 较2022年 is this year's.
    let f = report("2022年我部门三公经费4.30万元，2023年3.96万元，较2022年减少0.34万元，主要是修车及接待费用减少。");
    assert!(
        has_year(&f, "三公经费", "实际", "2022", "43000"),
        "{:?}",
        qyv(&f)
    );
    assert!(
        has_year(&f, "三公经费", "实际", "2023", "39600"),
        "{:?}",
        qyv(&f)
    );
    assert!(
        has_year(&f, "三公经费", "变动", "2023", "-3400"),
        "{:?}",
        qyv(&f)
    );
    // Look-alikes that stay this year's: a change after the comparison, money carried from
    // the previous year.
    for (body, q, basis, value) in [
        (
            "2023年三公经费支出3.96万元，比上年减少0.34万元。",
            "三公经费",
            "变动",
            "-3400",
        ),
        (
            "2023年公用经费481.97万元，较上年同期增长31.97万元。",
            "公用经费",
            "变动",
            "319700",
        ),
        (
            "2023年基本支出1500.00万元，比2022年增加120.00万元。",
            "基本支出",
            "变动",
            "1200000",
        ),
    ] {
        let f = report(body);
        assert!(
            has_year(&f, q, basis, "2023", value),
            "{body}: {:?}",
            qyv(&f)
        );
    }
    let f = report("2023年使用上年结转资金安排项目支出120.00万元。");
    assert!(!qyv(&f).iter().any(|c| c.2 == "2022"), "{:?}", qyv(&f));
}

#[test]
fn claims_budget_figure_named_by_its_allocation_notice_is_a_claim_of_the_fund() {
    // Seed 001 l.47: “关于提前下达…预算指标的通知220万元” was no claim.
    let f = report("（1）保基本民生安排资金19435.98万元，实际支出5780.26万元，包括下达2023年中央就业补助资金预算122万元；关于提前下达2023年中央就业补助资金预算指标的通知220万元；调整下达2023年中央就业补助资金预算25.83万元；保定市徐水区城乡居民基本养老保险村（居）代办员财政补助资金25.12万元；城乡居民养老保险财政补助资金19043.03万元项目，已足额发放到保障对象；");
    assert!(
        has(&f, "预算", "中央就业补助资金", "预算", "2200000"),
        "{:?}",
        qv(&f)
    );
    assert!(
        has(&f, "预算", "中央就业补助资金", "预算", "1220000"),
        "{:?}",
        qv(&f)
    );
    // Other wordings: a notice of another fund, a 预算指标 stated directly.
    let f = report("就业补助资金安排200万元，包括关于下达2023年就业见习补贴预算指标的通知150万元、县级配套预算50万元。");
    assert!(
        has(&f, "预算", "就业见习补贴", "预算", "1500000"),
        "{:?}",
        qv(&f)
    );
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
    let f = report("2023年下达创业担保贷款贴息资金预算指标80万元。");
    assert!(
        has(&f, "预算", "创业担保贷款贴息资金", "预算", "800000"),
        "{:?}",
        qv(&f)
    );
    // Look-alike: a rate of 绩效指标 is no budget figure.
    let f = report("2023年绩效指标完成率为95%，满意度为90%。");
    assert!(!qv(&f).iter().any(|c| c.0 == "预算"), "{:?}", qv(&f));
}

#[test]
fn claims_figures_of_a_performance_task_are_the_tasks_not_the_departments() {
    // Seed 002 l.409 and l.570: 招商引资 is investment brought to the county, not the
    // department's funds: its 到位资金 is of the task, never set beside the books.
    for (body, task, value) in [
        ("招商引资目标任务为1000万元，全年实际到位资金1100万元。", "招商引资", "11000000"),
        (
            "(2)招商引资任务完成率：2023年人社局招商引资目标任务为1000万元，根据《各责任单位2023年度省外产业到位资金申报数》，2023年人社局全年到位资金1100万元，占目标任务的110%。",
            "招商引资",
            "11000000",
        ),
        // Two wordings written here.
        ("争取上级资金目标任务为1500万元，全年实际到位资金1820.5万元。", "争取上级资金", "18205000"),
        ("2023年我局引进省外资金任务数为800万元，实际到位资金960万元，完成任务的120%。", "引进省外资金", "9600000"),
    ] {
        let f = report(body);
        assert!(has(&f, "到位资金", task, "实际", value), "{body}: {:?}", qv(&f));
        assert!(!has(&f, "到位资金", "-", "实际", value), "{body}: {:?}", qv(&f));
    }
    // Look-alikes: a task named without its target figure, or after the figure, leaves the
    // department's own figures as they are.
    for body in [
        "按照年初目标任务，全年实际到位资金1100万元。",
        "全年实际到位资金1100万元，完成年度目标任务。",
        "年度目标任务全部完成，全年实际到位资金1100万元。",
    ] {
        let f = report(body);
        assert!(
            has(&f, "到位资金", "-", "实际", "11000000"),
            "{body}: {:?}",
            qv(&f)
        );
    }
}

#[test]
fn claims_a_modifier_glued_to_the_quantity_word_is_no_part_of_what_it_is_of() {
    // Seed 001 l.73: “采购总预算0万元” is the budget of 采购 (its total), not of “采购总”.
    for (body, of, value) in [
        (
            "政府采购过程中，严格落实政府采购程序，采购总预算0万元，采购合同总金额0万元。",
            "采购",
            "0",
        ),
        (
            "信息化建设总预算120万元，已完成招标。",
            "信息化建设",
            "1200000",
        ),
        ("办公设备购置总预算35.6万元。", "办公设备购置", "356000"),
    ] {
        let f = report(body);
        assert!(has(&f, "预算", of, "预算", value), "{body}: {:?}", qv(&f));
        assert!(
            !qv(&f).iter().any(|c| c.1.ends_with('总')),
            "{body}: {:?}",
            qv(&f)
        );
    }
    // Look-alikes: 总 alone before the word is the department's whole budget, and a name
    // ending in 总 inside a word (总支出 is a word of 支出决算) stays as it is.
    let f = report("2023年我局总预算2075.35万元。");
    assert!(has(&f, "预算", "-", "预算", "20753500"), "{:?}", qv(&f));
    let f = report("全年总支出1970.76万元。");
    assert!(has(&f, "支出决算", "-", "实际", "19707600"), "{:?}", qv(&f));
}
