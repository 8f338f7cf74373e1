//! Charts and the holiday calendar as files over the built-ins (issue 16): `reeval load
//! --chart`, `reeval check --calendar`, `[inputs] charts` and `[rules] calendar` in
//! engagement.toml, each recorded in the outputs by path and SHA-256; a broken file is one
//! Chinese sentence naming it (and its line), exit 2.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// Vouchers on: a 调休 Saturday (2023-01-28, a working day in the built-in calendar), an
/// ordinary Friday (2023-03-24), an ordinary Saturday (2023-03-25), and 2026-05-01 (a year
/// the built-in calendar does not cover).
const WEEKEND_LEDGER: &str = "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
    2023-01-28,记-1,付办公费,5001,业务活动费用,100.00,\n\
    2023-01-28,记-1,付办公费,1002,银行存款,,100.00\n\
    2023-03-24,记-2,付电费,5001,业务活动费用,200.00,\n\
    2023-03-24,记-2,付电费,1002,银行存款,,200.00\n\
    2023-03-25,记-3,付水费,5001,业务活动费用,300.00,\n\
    2023-03-25,记-3,付水费,1002,银行存款,,300.00\n\
    2026-05-01,记-4,付邮费,5001,业务活动费用,400.00,\n\
    2026-05-01,记-4,付邮费,1002,银行存款,,400.00\n";

fn weekend_dates(doc: &Value) -> Vec<String> {
    let mut v: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "weekend-posting")
        .map(|f| f["date"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn limits(doc: &Value) -> String {
    doc["scope_limits"].to_string()
}

#[test]
fn a_calendar_file_changes_which_days_the_weekend_rule_flags() {
    let d = tmp();
    let ledger = d.path().join("序时账.csv");
    std::fs::write(&ledger, WEEKEND_LEDGER).unwrap();
    let args = [p(&ledger), "--rules", "weekend-posting"];

    // Built-in: only the ordinary Saturday; 2026 is a scope limit naming the year.
    let (o, doc) = cli_check(d.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = doc.unwrap();
    assert_eq!(weekend_dates(&doc), ["2023-03-25"]);
    assert!(limits(&doc).contains("2026"), "{}", limits(&doc));

    // A local file: the 调休 Saturday and the Friday made local holidays, the Saturday a
    // working day, and 2026 added with its 劳动节.
    let cal = d.path().join("本地日历.toml");
    std::fs::write(
        &cal,
        "# 本地节假日\n\
         [2023]\n\
         holidays = [\"2023-01-28\", \"2023-03-24\"]\n\
         workdays = [\"2023-03-25\"]\n\n\
         [2026]\n\
         holidays = [\"2026-05-01..2026-05-05\"]\n\
         workdays = []\n",
    )
    .unwrap();
    let mut with = args.to_vec();
    with.extend(["--calendar", p(&cal)]);
    let (o, doc) = cli_check(d.path(), &with);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = doc.unwrap();
    assert_eq!(
        weekend_dates(&doc),
        ["2023-01-28", "2023-03-24", "2026-05-01"]
    );
    assert!(!limits(&doc).contains("2026"), "{}", limits(&doc));
    // Recorded by path and SHA-256 beside the built-in calendar.
    let inputs = doc["provenance"]["inputs"].to_string();
    assert!(inputs.contains("本地日历.toml"), "{inputs}");

    // A year given only with holidays (workdays omitted) is a valid file too.
    std::fs::write(&cal, "[2026]\nholidays = [\"2026-05-01\"]\n").unwrap();
    let (o, doc) = cli_check(d.path(), &with);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(weekend_dates(&doc.unwrap()), ["2023-03-25", "2026-05-01"]);
}

#[test]
fn a_broken_calendar_file_is_named_with_its_line_and_exits_2() {
    let d = tmp();
    let ledger = d.path().join("序时账.csv");
    std::fs::write(&ledger, WEEKEND_LEDGER).unwrap();
    let cal = d.path().join("日历.toml");
    for (text, expect) in [
        ("[2023]\nholidays = [\"2023-01-28\"\n", "第 2 行"),
        ("[2023]\nholidays = [\"2023/01/28\"]\n", "YYYY-MM-DD"),
        (
            "[2023]\nholidays = [\"2023-02-05..2023-02-01\"]\n",
            "结束早于开始",
        ),
        ("[二〇二三]\nholidays = []\n", "年份"),
        ("[2023]\nholiday = [\"2023-01-28\"]\n", "holiday"),
    ] {
        std::fs::write(&cal, text).unwrap();
        let (o, _) = cli_check(
            d.path(),
            &[
                p(&ledger),
                "--rules",
                "weekend-posting",
                "--calendar",
                p(&cal),
            ],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains("日历.toml") && err.contains("节假日日历") && err.contains(expect),
            "{text}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// A chart of a 会计制度 the built-ins lack: `管理费用/办公费` and `银行存款` resolve through it;
/// without it the system is unknown; a first segment it does not know is still rejected.
const NPO_CHART: &str = "name = \"民间非营利组织会计制度\"\n\
    document = \"财会〔2004〕7号\"\n\
    parallel = false\n\
    code_length = 4\n\
    credit_normal = [\"负债\", \"净资产\", \"收入\"]\n\
    econ = [\"30201 办公费\", \"30211 差旅费\"]\n\n\
    [[groups]]\n\
    basis = \"财务会计\"\n\
    element = \"资产\"\n\
    accounts = [\"1001 现金\", \"1002 银行存款\"]\n\n\
    [[groups]]\n\
    basis = \"财务会计\"\n\
    element = \"费用\"\n\
    accounts = [\"5101 业务活动成本\", \"5201 管理费用\"]\n";

fn write_path_ledger(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("名称科目.csv");
    std::fs::write(
        &path,
        "日期,凭证号,摘要,科目,借方,贷方\n\
         2023-01-05,记-1,购办公用品,管理费用/商品和服务费用/办公费,100.00,\n\
         2023-01-05,记-1,购办公用品,银行存款,,100.00\n\
         2023-01-06,记-2,出差,管理费用-差旅费,50.00,\n\
         2023-01-06,记-2,出差,银行存款,,50.00\n\
         2023-01-07,记-3,x,行政支出/办公费,1.00,\n",
    )
    .unwrap();
    path
}

#[test]
fn a_chart_file_resolves_name_path_accounts_the_builtin_charts_do_not_know() {
    let d = tmp();
    let ledger = write_path_ledger(d.path());
    let chart = d.path().join("民非科目表.toml");
    std::fs::write(&chart, NPO_CHART).unwrap();

    // Without the file: no such system.
    let (o, _) = cli_load(
        d.path(),
        &[p(&ledger), "--system", "民间非营利组织会计制度"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("没有会计制度"), "{}", stderr(&o));

    // With it: the name paths resolve to its codes and 经济分类.
    let (o, rep) = cli_load(
        d.path(),
        &[
            p(&ledger),
            "--system",
            "民间非营利组织会计制度",
            "--chart",
            p(&chart),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rep = rep.unwrap();
    let f = &rep["files"][0];
    assert_eq!(f["rows_loaded"], 4, "{}", f["rejections"]);
    assert_eq!(f["rows_rejected"], 1);
    assert_eq!(f["rejections"][0]["row"], 6, "{}", f["rejections"]);
    assert_eq!(f["accounting_system"], "民间非营利组织会计制度");
    let inputs = rep["provenance"]["inputs"].to_string();
    assert!(inputs.contains("民非科目表.toml"), "{inputs}");

    // The frames through the library: codes and classifications from the file's chart.
    let loaded = reeval::load::load(&reeval::load::LoadRequest {
        ledgers: vec![ledger.clone()],
        chart_files: vec![chart.clone()],
        system: Some("民间非营利组织会计制度".into()),
        keep_rows: true,
        ..Default::default()
    })
    .unwrap();
    let got: Vec<(&str, Option<&str>, &str)> = loaded
        .lines
        .iter()
        .map(|l| {
            (
                l.account_code.as_str(),
                l.econ.code.as_deref(),
                l.basis.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("5201", Some("30201"), "财务会计"),
            ("1002", None, "财务会计"),
            ("5201", Some("30211"), "财务会计"),
            ("1002", None, "财务会计"),
        ]
    );
    assert!(loaded.charts.find("民间非营利组织会计制度").is_some());
}

#[test]
fn a_chart_file_named_like_a_builtin_replaces_it() {
    let d = tmp();
    let ledger = d.path().join("l.csv");
    std::fs::write(
        &ledger,
        "日期,凭证号,摘要,科目,借方,贷方\n\
         2023-01-05,记-1,购办公用品,管理费用/办公费,100.00,\n\
         2023-01-05,记-1,购办公用品,银行存款,,100.00\n\
         2023-01-06,记-2,购纸,业务活动费用/办公费,30.00,\n",
    )
    .unwrap();
    let chart = d.path().join("政府.toml");
    std::fs::write(
        &chart,
        NPO_CHART.replace("民间非营利组织会计制度", "政府会计制度"),
    )
    .unwrap();
    let (o, rep) = cli_load(d.path(), &[p(&ledger), "--chart", p(&chart)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = &rep.unwrap()["files"][0];
    // 管理费用 is known through the replacement; 业务活动费用 is not (the whole built-in
    // chart of that name was replaced).
    assert_eq!(f["rows_loaded"], 2, "{}", f["rejections"]);
    assert_eq!(f["rows_rejected"], 1);
    let (_, rep) = cli_load(d.path(), &[p(&ledger)]);
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["rows_loaded"], 2, "{}", f["rejections"]);
    assert_eq!(f["rejections"][0]["row"], 2, "{}", f["rejections"]);
}

#[test]
fn a_broken_chart_file_is_named_with_its_line_and_exits_2() {
    let d = tmp();
    let ledger = write_path_ledger(d.path());
    let chart = d.path().join("科目表.toml");
    for (text, expect) in [
        (
            NPO_CHART.replace("parallel = false", "parallel = "),
            "第 3 行",
        ),
        (
            NPO_CHART.replace("code_length = 4", "code_lenght = 4"),
            "code_lenght",
        ),
        (
            NPO_CHART.replace("\"5201 管理费用\"", "\"52011 管理费用\""),
            "52011",
        ),
        (
            NPO_CHART.replace("\"5201 管理费用\"", "\"5201管理费用\""),
            "编码 名称",
        ),
        ("name = \"x\"\n".to_string(), "document"),
    ] {
        std::fs::write(&chart, &text).unwrap();
        let (o, _) = cli_load(d.path(), &[p(&ledger), "--chart", p(&chart)]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains("科目表.toml") && err.contains("会计科目表") && err.contains(expect),
            "{text}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// engagement.toml's `[inputs] charts` and `[rules] calendar`: used by the run, recorded in
/// run.json by path and SHA-256 after the built-ins.
#[test]
fn engagement_charts_and_calendar_are_used_and_recorded_in_run_json() {
    let d = tmp();
    let dir = d.path();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("data/序时账.csv"),
        "日期,凭证号,摘要,科目,借方,贷方\n\
         2023-01-28,记-1,付办公费,管理费用/办公费,100.00,\n\
         2023-01-28,记-1,付办公费,银行存款,,100.00\n\
         2023-03-25,记-2,付水费,管理费用/水费,200.00,\n\
         2023-03-25,记-2,付水费,银行存款,,200.00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("chart.toml"),
        NPO_CHART.replace("民间非营利组织会计制度", "政府会计制度"),
    )
    .unwrap();
    std::fs::write(
        dir.join("cal.toml"),
        "[2023]\nholidays = [\"2023-01-28\"]\nworkdays = [\"2023-03-25\"]\n",
    )
    .unwrap();
    let eng = "[engagement]\nid = \"t\"\ntitle = \"t\"\ndepartment = \"某局\"\nyear = 2023\n\n\
        [[entities]]\nname = \"局机关\"\nledgers = [\"data/序时账.csv\"]\n\n\
        [inputs]\ncharts = [\"chart.toml\"]\n\n\
        [rules]\ncalendar = \"cal.toml\"\n\n\
        [sampling]\nseed = 1\n\n\
        [[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nn = 1\nmethod = \"random\"\n";
    std::fs::write(dir.join("engagement.toml"), eng).unwrap();
    let out = dir.join("out");
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(&out);
    let o = output_within(cmd, 120);
    assert!(o.status.success(), "{}", stderr(&o));
    let run: Value = serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let paths: Vec<&str> = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    for want in [
        "builtin:calendar/cn.toml",
        "builtin:charts/gov-2017.toml",
        "chart.toml",
        "cal.toml",
    ] {
        assert!(paths.contains(&want), "{want} not in {paths:?}");
    }
    let sha = |name: &str| {
        run["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == name)
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(sha("cal.toml").len(), 64);
    let load: Value =
        serde_json::from_slice(&std::fs::read(out.join("load.json")).unwrap()).unwrap();
    assert_eq!(
        load["files"][0]["rows_loaded"], 4,
        "{}",
        load["files"][0]["rejections"]
    );
    let findings: Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    assert_eq!(weekend_dates(&findings), ["2023-01-28"]);

    // A calendar file that is not there: named, exit 2, before anything runs.
    std::fs::write(
        dir.join("engagement.toml"),
        eng.replace("cal.toml", "nope.toml"),
    )
    .unwrap();
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(dir.join("out2"));
    let o = output_within(cmd, 120);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.toml"), "{}", stderr(&o));
}
