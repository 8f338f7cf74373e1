//! 绩效管理 under review (issue 23): the 绩效目标表, 监控表, 自评表, 年度任务清单 and 资料清单
//! loaded like the other supporting records, the five 绩效 rules firing on their patterns in
//! three wordings and silent on look-alikes, a missing input a scope limit, and the bundled
//! sample reporting seed 002 七(一) with `self_score` in score.json.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, write_table, Layout, V};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A 局机关 ledger with a 项目 column: three projects on expense lines, one on a payable only.
fn ledger(dir: &Path) -> PathBuf {
    let exp = |s: &str, f: i64, p: &str| {
        let mut l = dr(s, "500102", "业务活动费用-商品和服务费用-委托业务费", f)
            .econ("30227", "委托业务费");
        l.project = Some(p.to_string());
        l
    };
    let bank = |s: &str, f: i64| cr(s, "1002", "银行存款", f).settle("转账");
    let mut payable = cr("暂收项目押金", "230799", "其他应付款-其他", 500_00);
    payable.project = Some("城乡环境整治项目".into());
    let vs = vec![
        V::new(
            3,
            6,
            1,
            vec![
                exp("支付就业见习补贴", 20_000_00, "2023年 就业见习补贴项目"),
                bank("支付就业见习补贴", 20_000_00),
            ],
        ),
        V::new(
            4,
            7,
            2,
            vec![
                exp("支付职业技能培训费", 8_000_00, "职业技能提升培训项目"),
                bank("支付职业技能培训费", 8_000_00),
            ],
        ),
        V::new(
            5,
            8,
            3,
            vec![
                exp("支付劳动监察执法经费", 6_000_00, "劳动保障监察执法项目"),
                bank("支付劳动监察执法经费", 6_000_00),
            ],
        ),
        V::new(
            6,
            9,
            4,
            vec![dr("收到押金", "1002", "银行存款", 500_00), payable],
        ),
    ];
    let path = dir.join("账.xlsx");
    let layout = Layout {
        project: true,
        ..Layout::FULL
    };
    write_ledger(&path, "局机关", 2023, &[], &vs, layout).unwrap();
    path
}

fn table(dir: &Path, name: &str, sheet: &str, header: &[&str], rows: &[&[&str]]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let path = dir.join(name);
    write_table(&path, sheet, header, &rows).unwrap();
    format!("{}={}", name_kind(name), path.display())
}

fn name_kind(name: &str) -> &str {
    name.split('.').next().unwrap()
}

/// `reeval check` on the ledger with the given `KIND=FILE` specs; the document.
fn check(dir: &Path, specs: &[String]) -> Value {
    let l = ledger(dir);
    let mut args: Vec<String> = vec![l.display().to_string()];
    for s in specs {
        args.push("--supporting".into());
        args.push(s.clone());
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, doc) = cli_check(dir, &a);
    assert!(out.status.success(), "{}", stderr(&out));
    doc.expect("findings document")
}

fn findings<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn parts(doc: &Value, rule: &str) -> Vec<String> {
    let mut v: Vec<String> = findings(doc, rule)
        .iter()
        .map(|f| {
            f["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    v.sort();
    v
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

fn text(f: &Value) -> String {
    f["explanation"].as_str().unwrap().to_string()
}

/// Three wordings of a 绩效目标表: header names and vague values differ.
const TARGET_WORDINGS: &[([&str; 6], &str)] = &[
    (
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "计量单位",
            "方向",
        ],
        "有所提高",
    ),
    (
        [
            "一级指标",
            "二级指标",
            "指标名称",
            "目标值",
            "度量单位",
            "指标方向",
        ],
        "进一步提升",
    ),
    (
        [
            "一级指标",
            "二级指标",
            "绩效指标",
            "年度指标值",
            "单位",
            "符号",
        ],
        "明显改善",
    ),
];

/// A department set: every dimension present, three 效益 indicators, one of them vague, and
/// quantified look-alikes (`≥90%` in the value, `不低于 3.87` with a unit, a number with unit
/// and direction in their columns, `提高5%`).
fn target_rows(vague: &str) -> Vec<[String; 6]> {
    let r = |a: &str, b: &str, c: &str, d: &str, e: &str, f: &str| {
        [a, b, c, d, e, f].map(str::to_string)
    };
    vec![
        r("产出指标", "数量指标", "城镇新增就业人数", "800", "人", "≥"),
        r("", "", "基本养老保险参保人数", "不低于 3.87", "万人", ""),
        r("", "质量指标", "仲裁结案率", "≥90%", "", ""),
        r("", "时效指标", "资金拨付及时率", "100", "%", "="),
        r("", "成本指标", "“三公经费”控制率", "100", "%", "≤"),
        r("效益指标", "社会效益指标", "农民工收入", vague, "", ""),
        r("", "", "劳动者权益保障水平", "提高5%", "", ""),
        r("", "经济效益指标", "争取上级资金", "1500", "万元", "≥"),
        r(
            "满意度指标",
            "服务对象满意度指标",
            "服务对象满意度",
            "≥90%",
            "",
            "",
        ),
    ]
}

fn write_targets(dir: &Path, header: &[&str; 6], rows: &[[String; 6]]) -> String {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
    let path = dir.join("targets.xlsx");
    write_table(&path, "部门整体", header, &rows).unwrap();
    format!("targets={}", path.display())
}

#[test]
fn perf_target_quantified_fires_on_vague_values_in_three_wordings_and_not_on_look_alikes() {
    for (header, vague) in TARGET_WORDINGS {
        let t = tmp();
        let spec = write_targets(t.path(), header, &target_rows(vague));
        let doc = check(t.path(), &[spec]);
        let f = findings(&doc, "perf-target-quantified");
        assert_eq!(
            parts(&doc, "perf-target-quantified"),
            ["部门整体"],
            "{vague}"
        );
        let x = text(f[0]);
        assert!(x.contains("“农民工收入”") && x.contains(vague), "{x}");
        assert!(x.contains("9 项指标，其中 1 项未细化量化"), "{x}");
        for quantified in [
            "城镇新增就业人数",
            "基本养老保险参保人数",
            "仲裁结案率",
            "劳动者权益保障水平",
        ] {
            assert!(!x.contains(&format!("“{quantified}”")), "{quantified}: {x}");
        }
        // Every dimension is there and 效益 has three indicators: only the vague one counts.
        assert!(!x.contains("未设置") && !x.contains("效益指标仅"), "{x}");
        assert!(x.contains("效益指标 3 个，其中未量化 1 个"), "{x}");
        assert_eq!(f[0]["citations"][0]["article"], "第四条第（七）项");
        assert_eq!(f[0]["category"], "绩效管理不规范");
    }
}

#[test]
fn perf_target_quantified_names_missing_dimensions_and_few_benefit_indicators() {
    let t = tmp();
    let header = &TARGET_WORDINGS[0].0;
    // No 成本, no 满意度; one 效益 indicator (quantified). A complete set with 服务对象满意度
    // worded 满意度指标 and 效益 as 社会效益 / 可持续影响 stays silent.
    let mut rows: Vec<[String; 6]> = target_rows("有所提高")
        .into_iter()
        .filter(|r| {
            ![
                "“三公经费”控制率",
                "服务对象满意度",
                "农民工收入",
                "劳动者权益保障水平",
            ]
            .contains(&r[2].as_str())
        })
        .collect();
    rows.retain(|r| r[0] != "满意度指标");
    let spec = write_targets(t.path(), header, &rows);
    let doc = check(t.path(), &[spec]);
    let f = findings(&doc, "perf-target-quantified");
    assert_eq!(f.len(), 1);
    let x = text(f[0]);
    assert!(x.contains("未设置成本、满意度指标"), "{x}");
    assert!(x.contains("效益指标仅 1 个（少于 3 个）"), "{x}");
    assert!(!x.contains("未细化量化"), "{x}");
}

const TASK_WORDINGS: &[[&str; 3]] = &[
    ["任务", "任务值", "计量单位"],
    ["目标任务", "目标值", "单位"],
    ["工作任务", "任务指标值", "计量单位"],
];

#[test]
fn perf_target_tasks_lists_unmapped_tasks_in_three_wordings_and_maps_look_alikes() {
    for h in TASK_WORDINGS {
        let t = tmp();
        let targets = write_targets(t.path(), &TARGET_WORDINGS[0].0, &target_rows("≥5%"));
        let tasks = table(
            t.path(),
            "tasks.xlsx",
            "年度任务",
            &["序号", h[0], h[1], h[2], "对应指标"],
            &[
                // Worded unlike its indicator but the same thing (name inside the task's).
                &["1", "全年城镇新增就业人数目标", "800", "人", ""],
                // No indicator answers it.
                &["2", "创业担保贷款发放", "5000", "万元", ""],
                // Named in 对应指标.
                &["3", "劳动人事争议调处", "90", "%", "仲裁结案率"],
                // Mapped, but the indicator's value is lower than the task's.
                &["4", "争取上级资金", "2000", "万元", ""],
                // Mapped, 3.87 against 不低于 3.87 万人: the same value.
                &["5", "基本养老保险参保", "3.87", "万人", ""],
                // Another unmapped one.
                &["6", "根治欠薪专项行动", "12", "次", ""],
            ],
        );
        let doc = check(t.path(), &[targets, tasks]);
        let f = findings(&doc, "perf-target-tasks");
        assert_eq!(f.len(), 1, "{h:?}");
        let x = text(f[0]);
        assert!(
            x.contains("6 项任务") && x.contains("4 项任务有对应指标，2 项没有"),
            "{x}"
        );
        assert!(
            x.contains("“创业担保贷款发放”（任务值 5000万元）") && x.contains("“根治欠薪专项行动”"),
            "{x}"
        );
        assert!(x.contains("任务“争取上级资金”任务值 2000万元"), "{x}");
        assert!(!x.contains("任务“基本养老保险参保”任务值"), "{x}");
        assert!(x.contains("劳动人事争议调处→仲裁结案率"), "{x}");
        assert!(
            x.contains("全年城镇新增就业人数目标→城镇新增就业人数"),
            "{x}"
        );
    }
}

#[test]
fn perf_target_tasks_is_silent_when_every_task_has_its_indicator() {
    let t = tmp();
    let targets = write_targets(t.path(), &TARGET_WORDINGS[0].0, &target_rows("≥5%"));
    let tasks = table(
        t.path(),
        "tasks.xlsx",
        "年度任务",
        &["任务", "任务值", "计量单位"],
        &[
            &["城镇新增就业", "800", "人"],
            &["服务对象满意度", "90", "%"],
        ],
    );
    let doc = check(t.path(), &[targets, tasks]);
    assert!(findings(&doc, "perf-target-tasks").is_empty());
    assert!(limits(&doc, "perf-target-tasks").is_empty());
}

const PROJECT_HEADERS: &[&str] = &["项目名称", "项目", "预算项目"];

#[test]
fn perf_project_coverage_counts_the_books_projects_against_targets_and_monitoring() {
    for h in PROJECT_HEADERS {
        let t = tmp();
        let dir = t.path();
        // Targets for two of the three projects: one written without the space, one inside a
        // longer name. The payable-only project (城乡环境整治项目) is no project spending.
        let targets = table(
            dir,
            "targets.xlsx",
            "项目",
            &[
                *h,
                "一级指标",
                "二级指标",
                "三级指标",
                "指标值",
                "计量单位",
                "方向",
            ],
            &[
                &[
                    "2023年就业见习补贴项目",
                    "产出指标",
                    "数量指标",
                    "见习人数",
                    "120",
                    "人",
                    "≥",
                ],
                &["", "", "质量指标", "见习留用率", "60", "%", "≥"],
                &["", "", "时效指标", "补贴发放及时率", "100", "%", "="],
                &["", "", "成本指标", "人均补贴", "1500", "元", "≤"],
                &["", "效益指标", "社会效益指标", "就业率", "80", "%", "≥"],
                &["", "", "", "稳岗率", "80", "%", "≥"],
                &["", "", "经济效益指标", "带动就业", "100", "人", "≥"],
                &[
                    "",
                    "满意度指标",
                    "服务对象满意度指标",
                    "满意度",
                    "90",
                    "%",
                    "≥",
                ],
                &[
                    "寻甸县劳动保障监察执法项目（2023年）",
                    "产出指标",
                    "数量指标",
                    "检查户数",
                    "200",
                    "户",
                    "≥",
                ],
                &["", "", "质量指标", "结案率", "95", "%", "≥"],
                &["", "", "时效指标", "按期办结率", "95", "%", "≥"],
                &["", "", "成本指标", "经费控制率", "100", "%", "≤"],
                &["", "效益指标", "社会效益指标", "欠薪追回率", "90", "%", "≥"],
                &["", "", "", "投诉下降", "10", "%", "≥"],
                &["", "", "可持续影响指标", "长效机制", "1", "项", "≥"],
                &[
                    "",
                    "满意度指标",
                    "服务对象满意度指标",
                    "满意度",
                    "90",
                    "%",
                    "≥",
                ],
            ],
        );
        let monitoring = table(
            dir,
            "monitoring.xlsx",
            "监控",
            &[*h, "监控期间", "偏差情况", "纠偏措施"],
            &[&["２０２３年就业见习补贴项目", "1-7月", "无", "无"]],
        );
        let doc = check(dir, &[targets, monitoring]);
        assert_eq!(
            parts(&doc, "perf-project-coverage"),
            ["监控", "目标"],
            "{h}"
        );
        let f = findings(&doc, "perf-project-coverage");
        let target = f
            .iter()
            .find(|f| f["id"].as_str().unwrap().ends_with("目标"))
            .unwrap();
        let x = text(target);
        assert!(
            x.contains("账面支出分录记录项目 3 个")
                && x.contains("覆盖 2 个（66.67%），1 个未编制项目绩效目标"),
            "{x}"
        );
        assert!(
            x.contains("“职业技能提升培训项目”") && !x.contains("城乡环境整治"),
            "{x}"
        );
        let mon = f
            .iter()
            .find(|f| f["id"].as_str().unwrap().ends_with("监控"))
            .unwrap();
        let x = text(mon);
        assert!(
            x.contains("覆盖 1 个（33.33%），2 个未开展绩效运行监控"),
            "{x}"
        );
        assert!(!x.contains("就业见习补贴项目”"), "{x}");
        assert_eq!(mon["citations"][0]["article"], "第三条");
        assert_eq!(mon["evidence"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn perf_project_coverage_takes_a_missing_monitoring_report_from_the_document_list() {
    let t = tmp();
    let docs = table(
        t.path(),
        "documents.xlsx",
        "资料清单",
        &["资料名称", "索取日期", "是否提供"],
        &[&["项目绩效运行监控报告", "2024-03-01", "否"]],
    );
    let doc = check(t.path(), &[docs]);
    let f = findings(&doc, "perf-project-coverage");
    assert_eq!(f.len(), 1);
    let x = text(f[0]);
    assert!(
        x.contains("覆盖 0 个（0.00%），3 个未开展绩效运行监控"),
        "{x}"
    );
    assert!(x.contains("于 2024-03-01 索取"), "{x}");
    // Targets were not given: that part is a scope limit.
    assert_eq!(limits(&doc, "perf-project-coverage").len(), 1);
}

const NOT_PROVIDED: &[&str] = &["否", "未提供", "×"];

#[test]
fn perf_documents_missing_required_is_a_finding_other_missing_a_scope_limit() {
    for (k, no) in NOT_PROVIDED.iter().enumerate() {
        let t = tmp();
        let header = [
            ["资料名称", "索取日期", "是否提供"],
            ["资料", "提出日期", "提供情况"],
            ["索取资料", "日期", "是否收到"],
        ][k];
        let docs = table(
            t.path(),
            "documents.xlsx",
            "资料清单",
            &header,
            &[
                &["2023年项目绩效运行监控资料", "2024-03-01", no],
                &["2023年度部门整体绩效目标申报表", "2024-03-01", "已提供"],
                &["项目绩效目标批复", "2024-03-01", "是"],
                &["第三季度绩效监控报告", "2024-03-02", "√"],
                &["2023年度党组会议纪要", "2024-03-05", no],
                &["固定资产盘点表", "2024-03-05", "待补充"],
            ],
        );
        let doc = check(t.path(), &[docs]);
        assert_eq!(
            parts(&doc, "perf-documents"),
            ["2023年项目绩效运行监控资料"],
            "{no}"
        );
        let f = &findings(&doc, "perf-documents")[0];
        assert_eq!(f["date"], "2024-03-01");
        assert_eq!(f["citations"][0]["article"], "第三条");
        let l = limits(&doc, "perf-documents");
        assert_eq!(l.len(), 2, "{l:?}");
        assert!(l
            .iter()
            .any(|x| x.contains("党组会议纪要") && x.contains("2024-03-05")));
        assert!(l
            .iter()
            .any(|x| x.contains("固定资产盘点表") && x.contains("无法判断")));
    }
}

/// Three wordings of a 自评表's header.
const SELF_HEADERS: &[[&str; 6]] = &[
    [
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因",
    ],
    [
        "指标名称",
        "指标值",
        "完成值",
        "指标分值",
        "自评得分",
        "未完成原因",
    ],
    [
        "评价指标",
        "目标值",
        "实际值",
        "满分",
        "自评分",
        "偏差原因分析及改进措施",
    ],
];

#[test]
fn perf_self_evaluation_finds_untrue_and_unfounded_scores_in_three_wordings() {
    for h in SELF_HEADERS {
        let t = tmp();
        let targets = write_targets(t.path(), &TARGET_WORDINGS[0].0, &target_rows("≥5%"));
        let se = table(
            t.path(),
            "self-evaluation.xlsx",
            "自评表",
            h,
            &[
                // Unmet, full marks: 自评不实.
                &["城镇新增就业人数", "≥800人", "760人", "4", "4", ""],
                // Unmet, marked down with its reason: silent.
                &["仲裁结案率", "≥90%", "85%", "4", "3", "案件增多"],
                // Met within rounding: silent.
                &["服务对象满意度", "≥90%", "89.996%", "4", "4", ""],
                // Target restated below the 绩效目标表's 3.87: 自评不实.
                &["基本养老保险参保人数", "≥3.5万人", "3.9万人", "4", "4", ""],
                // A score with no figure: 自评依据不足.
                &["资金拨付及时率", "=100%", "基本及时", "4", "4", ""],
                // Nothing to compare (no direction anywhere): not verified.
                &["重点工作", "4项", "4项", "4", "4", ""],
            ],
        );
        let doc = check(t.path(), &[targets, se]);
        assert_eq!(
            parts(&doc, "perf-self-evaluation"),
            ["城镇新增就业人数", "基本养老保险参保人数", "资金拨付及时率"],
            "{h:?}"
        );
        let by = |p: &str| {
            findings(&doc, "perf-self-evaluation")
                .into_iter()
                .find(|f| f["id"].as_str().unwrap().ends_with(p))
                .unwrap()
                .clone()
        };
        let x = text(&by("城镇新增就业人数"));
        assert!(
            x.contains("实际完成值 760 未达到指标值 ≥800，自评仍得满分 4"),
            "{x}"
        );
        assert!(by("城镇新增就业人数")["summary"]
            .as_str()
            .unwrap()
            .starts_with("自评不实"));
        assert!(text(&by("基本养老保险参保人数")).contains("与绩效目标表"));
        assert!(by("资金拨付及时率")["summary"]
            .as_str()
            .unwrap()
            .starts_with("自评依据不足"));
        let l = limits(&doc, "perf-self-evaluation");
        assert_eq!(l.len(), 1, "{l:?}");
        assert!(l[0].contains("“重点工作”"), "{l:?}");
    }
}

#[test]
fn perf_missing_inputs_are_scope_limits_never_a_silent_pass() {
    let t = tmp();
    let doc = check(t.path(), &[]);
    for rule in [
        "perf-target-quantified",
        "perf-target-tasks",
        "perf-project-coverage",
        "perf-documents",
        "perf-self-evaluation",
    ] {
        assert!(findings(&doc, rule).is_empty(), "{rule}");
        let l: Vec<&Value> = doc["scope_limits"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["rule"] == rule)
            .collect();
        assert_eq!(l.len(), 1, "{rule}");
        assert_eq!(l[0]["extent"], "未检查", "{rule}");
        assert!(l[0]["reason"].as_str().unwrap().contains("缺少"), "{rule}");
        let run = doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule)
            .unwrap();
        assert_eq!(run["ran"], false, "{rule}");
    }
}

#[test]
fn perf_project_coverage_without_a_project_dimension_is_a_scope_limit() {
    let t = tmp();
    let path = t.path().join("无项目.xlsx");
    let vs = vec![V::new(
        3,
        6,
        1,
        vec![
            dr("支付委托费", "500102", "业务活动费用", 1_000_00).econ("30227", "委托业务费"),
            cr("支付委托费", "1002", "银行存款", 1_000_00),
        ],
    )];
    write_ledger(&path, "局机关", 2023, &[], &vs, Layout::FULL).unwrap();
    let targets = write_targets(t.path(), &TARGET_WORDINGS[0].0, &target_rows("≥5%"));
    let (out, doc) = cli_check(t.path(), &[p(&path), "--supporting", &targets]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    assert!(findings(&doc, "perf-project-coverage").is_empty());
    let l = limits(&doc, "perf-project-coverage");
    assert!(l[0].contains("没有项目辅助核算"), "{l:?}");
}

#[test]
fn perf_tables_reject_rows_with_sheet_row_column_and_reason() {
    let t = tmp();
    let docs = table(
        t.path(),
        "documents.xlsx",
        "资料清单",
        &["资料名称", "索取日期", "是否提供"],
        &[
            &["监控报告", "2024-03-01", ""],
            &["自评报告", "2024-13-40", "是"],
        ],
    );
    let se = table(
        t.path(),
        "self-evaluation.xlsx",
        "自评表",
        &["三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        &[&["城镇新增就业人数", "≥800人", "900人", "4", "满分"]],
    );
    let doc = check(t.path(), &[docs, se]);
    let sup = doc["supporting"].as_array().unwrap();
    let rej = |kind: &str| -> Vec<(u64, String, String)> {
        sup.iter().find(|s| s["kind"] == kind).unwrap()["rejections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                assert!(r["sheet"].as_str().is_some());
                (
                    r["row"].as_u64().unwrap(),
                    r["column"].as_str().unwrap().to_string(),
                    r["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let d = rej("documents");
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(
        (d[0].0, d[0].1.as_str(), d[0].2.as_str()),
        (2, "C（是否提供）", "必填项为空")
    );
    assert_eq!(d[1].0, 3);
    assert!(d[1].1.starts_with("B（"), "{d:?}");
    let s = rej("self-evaluation");
    assert_eq!(s.len(), 1);
    assert!(
        s[0].1.starts_with("E（") && s[0].2.contains("不是数字"),
        "{s:?}"
    );
}

#[test]
fn perf_sample_run_reports_section_7_1_and_self_scores() {
    let t = tmp();
    let out_dir = t.path().join("out");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023");
    let mut cmd = bin();
    cmd.arg("run")
        .arg(&sample)
        .arg("--out")
        .arg(&out_dir)
        .arg("--quiet");
    let out = output_within(cmd, 120);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("findings.json")).unwrap()).unwrap();
    let perf: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        // perf-self-evaluation is under 自评不实, with the 自评报告's findings.
        .filter(|f| f["category"] == "绩效管理不规范" || f["category"] == "自评不实")
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for id in [
        "perf-target-quantified/部门整体",
        "perf-target-tasks/年度任务",
        "perf-project-coverage/目标",
        "perf-project-coverage/监控",
        "perf-documents/2023年项目绩效运行监控报告",
        "perf-self-evaluation/实际完成率",
    ] {
        assert!(perf.contains(&id), "{id} not in {perf:?}");
    }
    let mon = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "perf-project-coverage/监控")
        .unwrap();
    assert!(
        text(mon).contains("账面支出分录记录项目 12 个"),
        "{}",
        text(mon)
    );
    let score: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("score.json")).unwrap()).unwrap();
    let ind = |id: &str| {
        score["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .chain(score["subtotals"].as_array().unwrap())
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(ind("completion_rate")["self_score"], "8.00");
    assert_eq!(ind("satisfaction")["self_score"], "5.00");
    // A parent whose every child is self-scored carries the sum; others none.
    assert_eq!(ind("satisfaction_group")["self_score"], "5.00");
    assert!(ind("execution_rate").get("self_score").is_none());
    // The 自评表 claims 953 new jobs where the scoring inputs (the verified figure) say 933.
    let warnings: Vec<&str> = score["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("“城镇新增就业人数”的实际完成值 953人") && w.contains("actual 933")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("“实际完成率”")),
        "{warnings:?}"
    );
}

/// A set whose 绩效管理 indicator counts the category, one parent with two leaves.
const PERF_SET: &str = r#"
name = "t"
[[indicator]]
id = "pm"
name = "绩效管理"
weight = "10"
[[indicator]]
id = "pm_findings"
parent = "pm"
name = "绩效管理规范性"
weight = "4"
kind = "findings"
categories = ["绩效管理不规范"]
per_finding = "1"
[[indicator]]
id = "pm_manual"
parent = "pm"
name = "绩效自评质量"
weight = "6"
kind = "manual"
[[indicator]]
id = "rest"
name = "其他"
weight = "90"
kind = "manual"
"#;

#[test]
fn perf_findings_flow_into_a_set_naming_their_category_and_self_scores_sit_beside() {
    use reeval::model::findings::Finding;
    use reeval::score::inputs::ScoringInputs;
    use reeval::score::score::score;
    use reeval::score::set::IndicatorSet;
    let set = IndicatorSet::parse(PERF_SET).unwrap();
    let inputs = ScoringInputs::parse(
        "[manual.pm_manual]\nscore = \"5\"\n[manual.rest]\nscore = \"90\"\n\
         [self_evaluation]\nscore = \"100\"\n\
         [self_evaluation.indicators.pm_findings]\nscore = \"4\"\n\
         [self_evaluation.indicators.pm_manual]\nscore = \"6\"\n",
    )
    .unwrap();
    // Findings about tables carry no voucher: each counts once (perf-project-coverage and
    // perf-target-quantified), a pending one only if confirmed.
    let f = |id: &str, status: &str| -> Finding {
        serde_json::from_value(serde_json::json!({
            "id": id, "rule": id.split('/').next().unwrap(),
            "category": "绩效管理不规范", "status": status
        }))
        .unwrap()
    };
    let fs = [
        f("perf-target-quantified/部门整体", "确认"),
        f("perf-project-coverage/监控", "确认"),
        f("perf-self-evaluation/实际完成率", "待核实"),
    ];
    let r = score(&set, &inputs, Some(&fs));
    let leaf = r.indicators.iter().find(|i| i.id == "pm_findings").unwrap();
    assert_eq!(leaf.score.unwrap().to_string(), "2");
    assert_eq!(leaf.score_if_confirmed.unwrap().to_string(), "1");
    assert_eq!(leaf.self_score.unwrap().to_string(), "4");
    let parent = r.subtotals.iter().find(|i| i.id == "pm").unwrap();
    assert_eq!(parent.self_score.unwrap().to_string(), "10");
    // A parent whose child has no self score has none; an unscored leaf has none.
    let rest = r.indicators.iter().find(|i| i.id == "rest").unwrap();
    assert!(rest.self_score.is_none());
    let json = serde_json::to_value(rest).unwrap();
    assert!(json.get("self_score").is_none());
}

#[test]
fn perf_target_quantified_reads_operator_columns_and_percent_weights() {
    let t = tmp();
    let rows: Vec<Vec<String>> = target_rows("≥5%")
        .into_iter()
        .map(|r| {
            let mut v = r.to_vec();
            v.push("10%".into());
            v
        })
        .collect();
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    let spec = table(
        t.path(),
        "targets.xlsx",
        "部门整体",
        &[
            "一级指标",
            "二级指标",
            "指标",
            "指标值",
            "度量单位",
            "运算符号",
            "权重",
        ],
        &slices,
    );
    let doc = check(t.path(), &[spec]);
    let sup = &doc["supporting"][0];
    assert_eq!(sup["rows_loaded"], 9, "{sup}");
    assert_eq!(sup["rows_rejected"], 0, "{sup}");
    // Every indicator quantified, every dimension present, three 效益 indicators.
    assert!(findings(&doc, "perf-target-quantified").is_empty());
}
