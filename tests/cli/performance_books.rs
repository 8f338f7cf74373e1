//! The 自评表's 实际完成值 against the books (issue 23): an amount the books compute — a
//! quantity of the claims vocabulary with 经济分类 codes or a department total, or one of the
//! books' projects — set beside the books' figure; a difference beyond rounding is a 自评不实
//! finding with both figures and the source, agreement within rounding silent, and a figure
//! the books cannot give (a budget, 预算执行率, another fund) listed as not verified.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, write_table, Layout, L, V};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// 局机关: 公务接待 1,200.00 and 公务用车运行 2,800.00 (三公 4,000.00), 办公费 5,000.00 (公用
/// 经费 9,000.00), the project 2023年就业见习补贴项目 20,000.00; 财务会计 and 预算会计 lines.
fn ledger(dir: &Path) -> PathBuf {
    let pair = |s: &str, econ: (&str, &str), f: i64, project: Option<&str>| -> Vec<L> {
        let mut fin = dr(s, "5001", "业务活动费用", f).econ(econ.0, econ.1);
        let mut bud = dr(s, "7101", "行政支出", f).econ(econ.0, econ.1);
        fin.project = project.map(str::to_string);
        bud.project = project.map(str::to_string);
        vec![
            fin,
            cr(s, "1002", "银行存款", f).settle("转账"),
            bud,
            cr(s, "8001", "资金结存", f),
        ]
    };
    let vs = vec![
        V::new(
            3,
            6,
            1,
            pair("接待上级检查", ("30217", "公务接待费"), 1_200_00, None),
        ),
        V::new(
            4,
            7,
            2,
            pair(
                "公务用车加油",
                ("30231", "公务用车运行维护费"),
                2_800_00,
                None,
            ),
        ),
        V::new(
            5,
            8,
            3,
            pair("购办公用品", ("30201", "办公费"), 5_000_00, None),
        ),
        V::new(
            6,
            9,
            4,
            pair(
                "支付就业见习补贴",
                ("30227", "委托业务费"),
                20_000_00,
                Some("2023年就业见习补贴项目"),
            ),
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

fn check(dir: &Path, rows: &[[&str; 6]]) -> Value {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let se = dir.join("self-evaluation.xlsx");
    write_table(
        &se,
        "自评表",
        &[
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因",
        ],
        &rows,
    )
    .unwrap();
    let l = ledger(dir);
    let spec = format!("self-evaluation={}", se.display());
    let (out, doc) = cli_check(dir, &[p(&l), "--supporting", &spec]);
    assert!(out.status.success(), "{}", stderr(&out));
    doc.expect("findings document")
}

fn findings(doc: &Value) -> Vec<&Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "perf-self-evaluation")
        .collect()
}

fn limits(doc: &Value) -> Vec<String> {
    doc["scope_limits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rule"] == "perf-self-evaluation")
        .map(|l| l["reason"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn perf_self_evaluation_sets_amounts_beside_the_books_in_three_wordings_and_not_look_alikes() {
    for (three, public, project) in [
        (
            "“三公”经费支出",
            "公用经费实际支出数",
            "就业见习补贴项目支出",
        ),
        (
            "三公经费实际支出数",
            "日常公用经费支出",
            "2023年就业见习补贴项目资金",
        ),
        ("本部门“三公经费”", "公用经费", "就业见习补贴项目经费支出"),
    ] {
        let t = tmp();
        let doc = check(
            t.path(),
            &[
                // The books: 4,000.00, 9,000.00 and 20,000.00 — each claimed otherwise.
                [three, "≤0.5万元", "0.38万元", "2", "2", ""],
                [public, "≤10,000元", "8,000元", "2", "2", ""],
                [project, "≤2万元", "1.5万元", "2", "2", ""],
                // Agrees within the rounding of 2.9万元 (29,000.00).
                ["部门整体支出决算", "≤3万元", "2.9万元", "2", "2", ""],
                // Look-alikes: a rate, a budget, another fund, a project budget, a rate of
                // the vocabulary the books cannot give.
                ["三公经费变动率", "≤0%", "-5%", "2", "2", ""],
                ["三公经费预算数", "≤0.5万元", "0.5万元", "2", "2", ""],
                ["就业补助资金实际支出", "≥1万元", "3万元", "2", "2", ""],
                ["就业见习补贴项目预算", "≤3万元", "3万元", "2", "2", ""],
                ["预算执行率", "≥90%", "95%", "2", "2", ""],
            ],
        );
        let fs = findings(&doc);
        let mut names: Vec<String> = fs
            .iter()
            .map(|f| f["summary"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        let mut want = vec![
            format!("自评不实：{three}"),
            format!("自评不实：{public}"),
            format!("自评不实：{project}"),
        ];
        want.sort();
        assert_eq!(names, want, "{three}");
        let text = |name: &str| -> String {
            let f = fs
                .iter()
                .find(|f| f["summary"].as_str().unwrap().ends_with(name))
                .unwrap();
            f["explanation"].as_str().unwrap().to_string()
        };
        let x = text(three);
        assert!(
            x.contains("（3,800.00 元）") && x.contains("4,000.00 元") && x.contains("经济分类"),
            "{x}"
        );
        assert!(x.contains("相差 -200.00 元"), "{x}");
        let x = text(public);
        assert!(
            x.contains("8,000.00 元") && x.contains("9,000.00 元"),
            "{x}"
        );
        let x = text(project);
        assert!(
            x.contains("15,000.00 元")
                && x.contains("20,000.00 元")
                && x.contains("项目“2023年就业见习补贴项目”的预算会计支出科目"),
            "{x}"
        );
        // What the books cannot give is listed as not verified against them, by name.
        let l = limits(&doc);
        let books = l
            .iter()
            .find(|l| l.contains("无法由账面计算"))
            .unwrap_or_else(|| panic!("{l:?}"));
        for name in [
            "三公经费预算数",
            "就业补助资金实际支出",
            "就业见习补贴项目预算",
            "预算执行率",
        ] {
            assert!(books.contains(&format!("“{name}”")), "{name}: {books}");
        }
        for name in ["三公经费变动率", "部门整体支出决算", three] {
            assert!(!books.contains(&format!("“{name}”")), "{name}: {books}");
        }
    }
}

#[test]
fn perf_self_evaluation_without_budget_lines_sets_no_amount_beside_zero() {
    // Books with 财务会计 lines only: the claims' 预算会计 sums are no figure, not zero.
    let t = tmp();
    let vs = vec![V::new(
        3,
        6,
        1,
        vec![
            dr("接待", "5001", "业务活动费用", 1_200_00).econ("30217", "公务接待费"),
            cr("接待", "1002", "银行存款", 1_200_00).settle("转账"),
        ],
    )];
    let l = t.path().join("账.xlsx");
    write_ledger(&l, "局机关", 2023, &[], &vs, Layout::FULL).unwrap();
    let se = t.path().join("self-evaluation.xlsx");
    let rows = vec![vec![
        "三公经费".to_string(),
        "≤0.5万元".into(),
        "0.38万元".into(),
        "2".into(),
        "2".into(),
        String::new(),
    ]];
    write_table(
        &se,
        "自评表",
        &[
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因",
        ],
        &rows,
    )
    .unwrap();
    let spec = format!("self-evaluation={}", se.display());
    let (out, doc) = cli_check(t.path(), &[p(&l), "--supporting", &spec]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    assert!(findings(&doc).is_empty());
    let l = limits(&doc);
    assert!(
        l.iter()
            .any(|l| l.contains("“三公经费”（账面没有预算会计支出分录）")),
        "{l:?}"
    );
}

/// One sheet: its name, header and rows.
type SheetSpec<'a> = (&'a str, &'a [&'a str], Vec<Vec<&'a str>>);

/// A workbook of several sheets.
fn workbook(path: &Path, sheets: &[SheetSpec]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, header, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn perf_one_workbook_holds_targets_monitoring_and_self_evaluation_as_sheets_told_apart() {
    const TARGET: &[&str] = &[
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "计量单位",
        "方向",
    ];
    const PROJECT: &[&str] = &[
        "项目名称",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "计量单位",
        "方向",
    ];
    const MONITOR: &[&str] = &["项目名称", "监控日期", "偏差情况", "纠偏措施"];
    const SELF: &[&str] = &[
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因",
    ];
    // Three wordings of the sheet names: named for their kind, named vaguely (部门整体, 项目,
    // 监控表, 自评表), and Sheet1…; and a look-alike naming two kinds (目标自评), settled by
    // its header.
    for names in [
        ["部门整体绩效目标", "项目绩效目标", "运行监控", "绩效自评"],
        ["部门整体", "项目", "监控表", "自评表"],
        ["Sheet1", "Sheet2", "Sheet3", "目标自评"],
    ] {
        let t = tmp();
        let wb = t.path().join("绩效资料.xlsx");
        workbook(
            &wb,
            &[
                (
                    names[0],
                    TARGET,
                    vec![
                        vec!["产出指标", "数量指标", "城镇新增就业人数", "800", "人", "≥"],
                        vec!["效益指标", "社会效益", "就业形势", "稳定", "", ""],
                    ],
                ),
                (
                    names[1],
                    PROJECT,
                    vec![vec![
                        "就业见习补贴项目",
                        "产出指标",
                        "数量指标",
                        "见习人数",
                        "50",
                        "人",
                        "≥",
                    ]],
                ),
                (
                    names[2],
                    MONITOR,
                    vec![
                        vec!["就业见习补贴项目", "2023-07-15", "无", "无"],
                        vec!["职业技能提升培训项目", "2023-07-15", "进度偏慢", "加快"],
                    ],
                ),
                (
                    names[3],
                    SELF,
                    vec![vec![
                        "产出指标",
                        "数量指标",
                        "城镇新增就业人数",
                        "≥800人",
                        "820人",
                        "4",
                        "4",
                        "",
                    ]],
                ),
            ],
        );
        let l = ledger(t.path());
        let specs: Vec<String> = ["targets", "monitoring", "self-evaluation"]
            .iter()
            .map(|k| format!("{k}={}", wb.display()))
            .collect();
        let mut args = vec![p(&l).to_string()];
        for s in &specs {
            args.push("--supporting".into());
            args.push(s.clone());
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (out, doc) = cli_check(t.path(), &a);
        assert!(out.status.success(), "{names:?}: {}", stderr(&out));
        let doc = doc.unwrap();
        let report = |kind: &str| -> Value {
            doc["supporting"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["kind"] == kind)
                .unwrap()
                .clone()
        };
        for (kind, loaded, others) in [
            ("targets", 3, 2),
            ("monitoring", 2, 3),
            ("self-evaluation", 1, 3),
        ] {
            let r = report(kind);
            assert_eq!(r["rows_loaded"], loaded, "{names:?} {kind}: {r}");
            assert_eq!(r["rows_rejected"], 0, "{names:?} {kind}: {r}");
            assert_eq!(
                r["other_sheets"].as_array().map_or(0, Vec::len),
                others,
                "{names:?} {kind}: {r}"
            );
            // Every row of the workbook accounted for: loaded, or skipped (headers, the
            // sheets of the other kinds).
            let n = |k: &str| r[k].as_u64().unwrap();
            assert_eq!(n("rows_read"), 3 + 2 + 3 + 2, "{kind}: {r}");
            assert_eq!(
                n("rows_read"),
                n("rows_loaded") + n("rows_skipped") + n("rows_rejected"),
                "{kind}: {r}"
            );
        }
        let t_report = report("targets");
        let others = t_report["other_sheets"].to_string();
        assert!(
            others.contains(&format!("工作表“{}”", names[3])) && others.contains("绩效自评表"),
            "{others}"
        );
        // The rules read each kind's own rows: the project has its targets, the self-
        // evaluation's met target is no finding, the target sheet's vague 效益 indicator is.
        let quantified: Vec<&Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "perf-target-quantified")
            .collect();
        assert!(
            quantified
                .iter()
                .any(|f| f["id"] == "perf-target-quantified/部门整体"),
            "{names:?}"
        );
        assert!(findings(&doc).is_empty(), "{names:?}");
    }
}

/// A copy of the bundled sample engagement.
fn sample_copy(root: &Path) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023");
    let to = root.join("eng");
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(sample.join("engagement.toml"), to.join("engagement.toml")).unwrap();
    for f in std::fs::read_dir(sample.join("data")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, to.join("data").join(f.file_name().unwrap())).unwrap();
        }
    }
    to
}

fn run_json(eng: &Path, file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(eng.join("output/hrss-2023").join(file)).unwrap())
        .unwrap()
}

#[test]
fn perf_a_kind_takes_several_files_in_engagement_toml_and_on_the_command_line() {
    let t = tmp();
    let eng = sample_copy(t.path());
    // The project the sample's 绩效目标表 leaves out, in a file of its own.
    write_table(
        &eng.join("data/返乡创业园项目绩效目标.xlsx"),
        "项目",
        &[
            "项目名称",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "计量单位",
            "方向",
        ],
        &[vec![
            "2023年返乡创业园建设项目".to_string(),
            "产出指标".into(),
            "数量指标".into(),
            "入园企业数".into(),
            "10".into(),
            "户".into(),
            "≥".into(),
        ]],
    )
    .unwrap();
    let toml_path = eng.join("engagement.toml");
    let text = std::fs::read_to_string(&toml_path).unwrap();
    let one = "targets = \"data/绩效目标表-2023.xlsx\"";
    assert!(text.contains(one));
    std::fs::write(
        &toml_path,
        text.replace(
            one,
            "targets = [\"data/绩效目标表-2023.xlsx\", \"data/返乡创业园项目绩效目标.xlsx\"]",
        ),
    )
    .unwrap();
    let mut cmd = bin();
    cmd.args(["run", "-q"]).arg(&eng);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = run_json(&eng, "findings.json");
    // Both files loaded and reported, each with its rows accounted for.
    let reports: Vec<&Value> = doc["supporting"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "targets")
        .collect();
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert_eq!(reports[1]["path"], "data/返乡创业园项目绩效目标.xlsx");
    assert_eq!(reports[1]["rows_loaded"], 1);
    // The project now has its targets: the coverage's 目标 part is silent, the 监控 part not.
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"perf-project-coverage/目标"), "{ids:?}");
    assert!(ids.contains(&"perf-project-coverage/监控"), "{ids:?}");
    // Both files in the provenance.
    let prov = doc["provenance"].to_string();
    assert!(prov.contains("返乡创业园项目绩效目标.xlsx"), "{prov}");
    // On the command line: the kind given twice, two files; the same file twice is refused.
    let l = ledger(t.path());
    let a = format!(
        "targets={}",
        eng.join("data/绩效目标表-2023.xlsx").display()
    );
    let b = format!(
        "targets={}",
        eng.join("data/返乡创业园项目绩效目标.xlsx").display()
    );
    let (out, doc) = cli_check(t.path(), &[p(&l), "--supporting", &a, "--supporting", &b]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    let n = doc["supporting"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "targets")
        .count();
    assert_eq!(n, 2);
    let (out, _) = cli_check(t.path(), &[p(&l), "--supporting", &a, "--supporting", &a]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("给出了两次"), "{}", stderr(&out));
}
