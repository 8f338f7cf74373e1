//! Voucher identity (issue 14, item 4): vouchers that are not the same stay apart. The period
//! comes from the 期间 column, else from each line's own date (never carried over from the
//! rows above); one number on two dates within a period is a listed anomaly; the engagement's
//! entity for a file wins over its title; the same voucher key in two files is two vouchers.

use crate::common::*;
use reeval::check::book::Book;
use reeval::load::{load, FileHint, LoadRequest};
use reeval::sample::population::{from_frames, Unit};
use rust_xlsxwriter::{Format, Workbook};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One cell of a fixture row.
pub enum C {
    S(&'static str),
    /// A number cell without a date format.
    N(f64),
    /// A date cell (Excel serial with a date format), `yyyy-mm-dd`.
    D(&'static str),
    E,
}

pub fn serial(ymd: &str) -> f64 {
    let d = chrono::NaiveDate::parse_from_str(ymd, "%Y-%m-%d").unwrap();
    (d - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

/// A one-sheet workbook: an optional title line (`单位：…`), the header, the rows.
pub fn write_xlsx(path: &Path, title: Option<&str>, header: &[&str], rows: &[Vec<C>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut r = 0u32;
    if let Some(t) = title {
        ws.write_string(r, 0, t).unwrap();
        r += 1;
    }
    for (c, h) in header.iter().enumerate() {
        ws.write_string(r, c as u16, *h).unwrap();
    }
    for row in rows {
        r += 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                C::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                C::D(d) => {
                    ws.write_number_with_format(r, c, serial(d), &date).unwrap();
                }
                C::E => {}
            }
        }
    }
    wb.save(path).unwrap();
}

pub const HEADER: [&str; 7] = [
    "日期",
    "凭证号",
    "摘要",
    "科目编码",
    "科目名称",
    "借方",
    "贷方",
];

/// A two-line voucher: expense debit, bank credit; the second line's date and number blank.
fn voucher(date: &'static str, no: &'static str, amount: f64) -> Vec<Vec<C>> {
    vec![
        vec![
            C::D(date),
            C::S(no),
            C::S("支付办公费"),
            C::S("5001"),
            C::S("业务活动费用"),
            C::N(amount),
            C::E,
        ],
        vec![
            C::E,
            C::E,
            C::S("支付办公费"),
            C::S("1002"),
            C::S("银行存款"),
            C::E,
            C::N(amount),
        ],
    ]
}

fn req(ledgers: Vec<PathBuf>) -> LoadRequest {
    LoadRequest {
        ledgers,
        keep_rows: true,
        ..Default::default()
    }
}

fn book_labels(lines: &polars::prelude::DataFrame) -> Vec<String> {
    let book = Book::new(lines, &BTreeMap::new()).unwrap();
    book.vouchers.iter().map(|v| v.label()).collect()
}

#[test]
fn numbers_restarting_each_month_without_a_period_column_are_two_vouchers() {
    let d = tmp();
    let path = d.path().join("按日期.xlsx");
    let mut rows = voucher("2023-01-05", "记-1", 100.0);
    rows.extend(voucher("2023-02-05", "记-1", 250.0));
    write_xlsx(&path, Some("单位：测试局"), &HEADER, &rows);
    let loaded = load(&req(vec![path.clone()])).unwrap();
    let periods: Vec<(u32, u32)> = loaded
        .lines
        .iter()
        .map(|l| (l.period, l.voucher_number))
        .collect();
    assert_eq!(periods, [(1, 1), (1, 1), (2, 1), (2, 1)]);
    let f = &loaded.report.files[0];
    assert_eq!(f.vouchers, 2);
    assert!(f.vouchers_unbalanced.is_empty());
    assert!(loaded.report.summary.duplicate_voucher_numbers.is_empty());
    assert_eq!(
        book_labels(&loaded.frames.lines),
        ["2023-01 记-1", "2023-02 记-1"]
    );

    // The same in a CSV export, whose dates are text.
    let csv = d.path().join("按日期.csv");
    std::fs::write(
        &csv,
        "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-01-05,记-1,支付办公费,5001,业务活动费用,100.00,\n\
         ,,支付办公费,1002,银行存款,,100.00\n\
         2023-02-05,记-1,支付办公费,5001,业务活动费用,250.00,\n\
         ,,支付办公费,1002,银行存款,,250.00\n",
    )
    .unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&csv), "--entity", "测试局"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rep = rep.unwrap();
    assert_eq!(rep["files"][0]["vouchers"], 2);
    assert_eq!(rep["summary"]["vouchers"], 2);
    assert!(rep["files"][0]["vouchers_unbalanced"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn a_period_column_filled_only_on_a_vouchers_first_line_still_carries_down() {
    // 期间 13 (an adjusting period) on the first line only; the continuation line inherits it.
    let d = tmp();
    let path = d.path().join("期间.xlsx");
    let header = [
        "期间",
        "日期",
        "凭证号",
        "摘要",
        "科目编码",
        "科目名称",
        "借方",
        "贷方",
    ];
    let rows = vec![
        vec![
            C::N(13.0),
            C::D("2023-12-31"),
            C::S("记-1"),
            C::S("调整"),
            C::S("5001"),
            C::S("业务活动费用"),
            C::N(10.0),
            C::E,
        ],
        vec![
            C::E,
            C::E,
            C::E,
            C::S("调整"),
            C::S("1002"),
            C::S("银行存款"),
            C::E,
            C::N(10.0),
        ],
        vec![
            C::E,
            C::D("2023-12-31"),
            C::S("记-1"),
            C::S("调整"),
            C::S("2307"),
            C::S("其他应付款"),
            C::N(5.0),
            C::N(5.0),
        ],
    ];
    write_xlsx(&path, Some("单位：测试局"), &header, &rows);
    let loaded = load(&req(vec![path])).unwrap();
    let periods: Vec<u32> = loaded.lines.iter().map(|l| l.period).collect();
    assert_eq!(periods, [13, 13, 13]);
    let lines: Vec<u32> = loaded.lines.iter().map(|l| l.line_no).collect();
    assert_eq!(lines, [1, 2, 3]);
    assert_eq!(loaded.report.files[0].vouchers, 1);
}

#[test]
fn one_number_on_two_dates_in_a_period_is_listed_and_kept_apart() {
    let d = tmp();
    let path = d.path().join("重号.xlsx");
    let mut rows = voucher("2023-01-05", "记-1", 100.0);
    rows.extend(voucher("2023-01-20", "记-1", 70.0));
    rows.extend(voucher("2023-01-21", "记-2", 30.0));
    write_xlsx(&path, Some("单位：测试局"), &HEADER, &rows);
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rep = rep.unwrap();
    let f = &rep["files"][0];
    let dups = f["duplicate_voucher_numbers"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0]["voucher"], "测试局 2023-01 记-1");
    assert_eq!(
        dups[0]["dates"],
        serde_json::json!(["2023-01-05", "2023-01-20"])
    );
    let sdups = rep["summary"]["duplicate_voucher_numbers"]
        .as_array()
        .unwrap();
    assert_eq!(sdups.len(), 1);
    assert!(sdups[0]
        .as_str()
        .unwrap()
        .starts_with("测试局 2023-01 记-1"));
    assert!(stdout(&out).contains("凭证号重复"), "{}", stdout(&out));
    // Two vouchers (each balances on its own), not one merged voucher.
    assert_eq!(f["vouchers"], 3);
    assert!(f["vouchers_unbalanced"].as_array().unwrap().is_empty());

    let loaded = load(&req(vec![path])).unwrap();
    assert_eq!(
        book_labels(&loaded.frames.lines),
        [
            "2023-01 记-1（2023-01-05）",
            "2023-01 记-1（2023-01-20）",
            "2023-01 记-2"
        ]
    );
    let pop = from_frames(Unit::Vouchers, &loaded.frames.lines, &loaded.frames.assets).unwrap();
    let ids: Vec<(&str, i64)> = pop.iter().map(|i| (i.id.as_str(), i.amount.0)).collect();
    assert_eq!(
        ids,
        [
            ("测试局 2023-01 记-1（2023-01-05）", 10000),
            ("测试局 2023-01 记-1（2023-01-20）", 7000),
            ("测试局 2023-01 记-2", 3000)
        ]
    );
}

#[test]
fn an_account_ordered_detail_ledger_groups_a_vouchers_distant_lines() {
    // 明细账: lines sorted by account, so a voucher's two lines stand far apart.
    let d = tmp();
    let path = d.path().join("明细账.xlsx");
    let line = |date, no, code, name, dr: f64, cr: f64| {
        vec![
            C::D(date),
            C::S(no),
            C::S("摘要"),
            C::S(code),
            C::S(name),
            if dr == 0.0 { C::E } else { C::N(dr) },
            if cr == 0.0 { C::E } else { C::N(cr) },
        ]
    };
    let rows = vec![
        line("2023-01-05", "记-1", "1002", "银行存款", 0.0, 100.0),
        line("2023-01-06", "记-2", "1002", "银行存款", 0.0, 40.0),
        line("2023-02-03", "记-1", "1002", "银行存款", 0.0, 9.0),
        line("2023-01-05", "记-1", "5001", "业务活动费用", 100.0, 0.0),
        line("2023-01-06", "记-2", "5001", "业务活动费用", 40.0, 0.0),
        line("2023-02-03", "记-1", "5001", "业务活动费用", 9.0, 0.0),
    ];
    write_xlsx(&path, Some("单位：测试局"), &HEADER, &rows);
    let loaded = load(&req(vec![path])).unwrap();
    let f = &loaded.report.files[0];
    assert_eq!(f.vouchers, 3);
    assert!(f.vouchers_unbalanced.is_empty());
    assert!(f.duplicate_voucher_numbers.is_empty());
    let book = Book::new(&loaded.frames.lines, &BTreeMap::new()).unwrap();
    let shape: Vec<(String, usize)> = book
        .vouchers
        .iter()
        .map(|v| (v.label(), v.rows.len()))
        .collect();
    assert_eq!(
        shape,
        [
            ("2023-01 记-1".to_string(), 2),
            ("2023-01 记-2".to_string(), 2),
            ("2023-02 记-1".to_string(), 2)
        ]
    );
}

/// A 记-1 paying cash on both bases (balanced), and for the second entity a 记-1 that pays
/// salary payable in cash only: merged, the cash legs would differ by 30.
fn entity_files(d: &Path) -> (PathBuf, PathBuf) {
    let a = d.join("局机关.xlsx");
    let b = d.join("下属中心.xlsx");
    let line = |code, name, dr: f64, cr: f64| {
        vec![
            C::D("2023-03-01"),
            C::S("记-1"),
            C::S("支付"),
            C::S(code),
            C::S(name),
            if dr == 0.0 { C::E } else { C::N(dr) },
            if cr == 0.0 { C::E } else { C::N(cr) },
        ]
    };
    write_xlsx(
        &a,
        Some("单位：某县人社局"),
        &HEADER,
        &[
            line("5001", "业务活动费用", 100.0, 0.0),
            line("1002", "银行存款", 0.0, 100.0),
            line("7201", "事业支出", 100.0, 0.0),
            line("8001", "资金结存", 0.0, 100.0),
        ],
    );
    write_xlsx(
        &b,
        Some("单位：某县人社局"),
        &HEADER,
        &[
            line("2201", "应付职工薪酬", 30.0, 0.0),
            line("1002", "银行存款", 0.0, 30.0),
        ],
    );
    (a, b)
}

#[test]
fn two_entities_with_the_same_title_unit_stay_two_entities() {
    let d = tmp();
    let (a, b) = entity_files(d.path());
    let hint = |e: &str| FileHint {
        entity: Some(e.to_string()),
        profile: None,
    };
    let loaded = load(&LoadRequest {
        ledgers: vec![a.clone(), b.clone()],
        file_hints: [(a.clone(), hint("局机关")), (b.clone(), hint("下属中心"))]
            .into_iter()
            .collect(),
        keep_rows: true,
        ..Default::default()
    })
    .unwrap();
    let entities: Vec<&str> = loaded.lines.iter().map(|l| l.entity.as_str()).collect();
    assert_eq!(
        entities,
        [
            "局机关",
            "局机关",
            "局机关",
            "局机关",
            "下属中心",
            "下属中心"
        ]
    );
    let files = &loaded.report.files;
    assert_eq!(files[0].entity.as_deref(), Some("局机关"));
    assert_eq!(files[0].entity_source.as_deref(), Some("项目文件"));
    assert_eq!(files[0].entity_in_file.as_deref(), Some("某县人社局"));
    assert!(
        files[1]
            .warnings
            .iter()
            .any(|w| w.contains("某县人社局") && w.contains("下属中心")),
        "{:?}",
        files[1].warnings
    );
    assert!(loaded.report.summary.vouchers_in_several_files.is_empty());
    assert_eq!(loaded.report.summary.vouchers, 2);
    let book = Book::new(&loaded.frames.lines, &BTreeMap::new()).unwrap();
    assert_eq!(book.vouchers.len(), 2);
    // No false amount-mismatch from a merged 记-1.
    let config = reeval::check::config::Config::with_overrides(None).unwrap();
    let catalogue = reeval::check::citations::Catalogue::with_extra(None).unwrap();
    let supporting = reeval::load::supporting::Supporting::load(&[], None).unwrap();
    let checked = reeval::check::check(&reeval::check::CheckInputs {
        lines: &loaded.frames.lines,
        opening: &loaded.frames.opening,
        assets: &loaded.frames.assets,
        supporting: &supporting,
        config: &config,
        catalogue: &catalogue,
        only: &["amount-mismatch".to_string()],
        as_of: None,
    })
    .unwrap();
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    // Without an engagement, `--entity` does not override a title: the title names the unit.
    let (out, rep) = cli_load(d.path(), &[p(&a), "--entity", "别的单位"]);
    assert!(out.status.success());
    assert_eq!(rep.unwrap()["files"][0]["entity"], "某县人社局");
}

#[test]
fn the_same_voucher_key_in_two_files_is_listed_and_not_merged() {
    let d = tmp();
    let (a, b) = entity_files(d.path());
    let loaded = load(&req(vec![a, b])).unwrap();
    let s = &loaded.report.summary;
    assert_eq!(s.vouchers_in_several_files, ["某县人社局 2023-03 记-1"]);
    assert_eq!(s.vouchers, 2);
    let labels = book_labels(&loaded.frames.lines);
    assert_eq!(
        labels,
        [
            "2023-03 记-1（下属中心.xlsx）",
            "2023-03 记-1（局机关.xlsx）"
        ]
    );
    let pop = from_frames(Unit::Vouchers, &loaded.frames.lines, &loaded.frames.assets).unwrap();
    let ids: Vec<(&str, i64)> = pop.iter().map(|i| (i.id.as_str(), i.amount.0)).collect();
    assert_eq!(
        ids,
        [
            ("某县人社局 2023-03 记-1（下属中心.xlsx）", 3000),
            ("某县人社局 2023-03 记-1（局机关.xlsx）", 10000),
        ]
    );
    let lines = from_frames(Unit::Lines, &loaded.frames.lines, &loaded.frames.assets).unwrap();
    let mut ids: Vec<&str> = lines.iter().map(|i| i.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "line ids stay unique: {ids:?}");
    let config = reeval::check::config::Config::with_overrides(None).unwrap();
    let catalogue = reeval::check::citations::Catalogue::with_extra(None).unwrap();
    let supporting = reeval::load::supporting::Supporting::load(&[], None).unwrap();
    let checked = reeval::check::check(&reeval::check::CheckInputs {
        lines: &loaded.frames.lines,
        opening: &loaded.frames.opening,
        assets: &loaded.frames.assets,
        supporting: &supporting,
        config: &config,
        catalogue: &catalogue,
        only: &["amount-mismatch".to_string()],
        as_of: None,
    })
    .unwrap();
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
}

#[test]
fn run_keeps_same_titled_entities_apart_and_warns_in_its_summary() {
    let t = tmp();
    let dir = t.path().join("eng");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    // Both files titled 某县人社局; 局机关's 记-1 used on two dates of March.
    std::fs::write(
        dir.join("data/a.csv"),
        "单位：某县人社局\n日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-03-01,记-1,支付,5001,业务活动费用,100,\n\
         2023-03-01,记-1,支付,1002,银行存款,,100\n\
         2023-03-01,记-1,支付,7201,事业支出,100,\n\
         2023-03-01,记-1,支付,8001,资金结存,,100\n\
         2023-03-05,记-1,退回,1002,银行存款,5,\n\
         2023-03-05,记-1,退回,2307,其他应付款,,5\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("data/b.csv"),
        "单位：某县人社局\n日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-03-01,记-1,支付,2201,应付职工薪酬,30,\n\
         2023-03-01,记-1,支付,1002,银行存款,,30\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        "[engagement]\nid = \"t\"\ntitle = \"t\"\ndepartment = \"某县人社局\"\nyear = 2023\n\n\
         [[entities]]\nname = \"局机关\"\nledgers = [\"data/a.csv\"]\n\n\
         [[entities]]\nname = \"下属中心\"\nledgers = [\"data/b.csv\"]\n\n\
         [inputs]\n\n[rules]\n\n[sampling]\nseed = 1\n\n\
         [[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nmethod = \"random\"\nn = 2\n",
    )
    .unwrap();
    let mut cmd = bin();
    cmd.arg("run")
        .arg(&dir)
        .arg("--out")
        .arg(t.path().join("out"))
        .arg("--json");
    let out = output_within(cmd, 120);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["load"]["vouchers"], 3, "{s}");
    let warnings: Vec<&str> = s["load"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("data/b.csv")
            && w.contains("某县人社局")
            && w.contains("下属中心")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("凭证号重复") && w.contains("局机关 2023-03 记-1")),
        "{warnings:?}"
    );
    let findings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("out/findings.json")).unwrap())
            .unwrap();
    assert!(
        !findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "amount-mismatch"),
        "{findings}"
    );
}

/// Runs an engagement of one entity 局机关 over the given CSV ledgers (name, body) and returns
/// the run's output, its findings' vouchers and the report's text.
fn run_one_entity(ledgers: &[(&str, String)]) -> (std::process::Output, Vec<String>, String) {
    let t = tmp();
    let dir = t.path().join("eng");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let mut names = Vec::new();
    for (name, body) in ledgers {
        std::fs::write(dir.join("data").join(name), body).unwrap();
        names.push(format!("\"data/{name}\""));
    }
    std::fs::write(
        dir.join("engagement.toml"),
        format!(
            "[engagement]\nid = \"t\"\ntitle = \"t\"\ndepartment = \"某县人社局\"\nyear = 2023\n\n\
             [[entities]]\nname = \"局机关\"\nledgers = [{}]\n\n[inputs]\n\n[rules]\n\n\
             [sampling]\nseed = 1\n\n[[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\n\
             method = \"random\"\nn = 2\n",
            names.join(", ")
        ),
    )
    .unwrap();
    let mut cmd = bin();
    cmd.arg("run")
        .arg(&dir)
        .arg("--out")
        .arg(t.path().join("out"))
        .arg("-q");
    let out = output_within(cmd, 120);
    let vouchers = std::fs::read(t.path().join("out/findings.json"))
        .map(|b| {
            let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| f["voucher"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let report = std::fs::read_to_string(t.path().join("out/报告-t.md")).unwrap_or_default();
    (out, vouchers, report)
}

const CSV_HEAD: &str = "单位：某县人社局\n日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n";

/// A 记-1 paying a reception meal in cash (a 公务卡 finding), dated `date`.
fn cash_meal(date: &str, payee: &str) -> String {
    [
        ("5001", "业务活动费用", "800", ""),
        ("1001", "库存现金", "", "800"),
        ("7201", "事业支出", "800", ""),
        ("8001", "资金结存", "", "800"),
    ]
    .iter()
    .map(|(code, name, dr, cr)| format!("{date},记-1,付{payee}接待餐费,{code},{name},{dr},{cr}\n"))
    .collect()
}

#[test]
fn a_finding_on_a_voucher_sharing_its_number_is_reported_with_the_tag_that_tells_it_apart() {
    // One number on two dates of a period: the finding's voucher is `2023-03 记-1（2023-03-05）`.
    // The report's check of the books must find it (it stopped the run with "在载入的账簿中不存在"
    // when the tag was read as part of the number) and the report names the voucher with its tag.
    let plain = "2023-03-01,记-1,支付,5001,业务活动费用,100,\n\
                 2023-03-01,记-1,支付,1002,银行存款,,100\n\
                 2023-03-01,记-1,支付,7201,事业支出,100,\n\
                 2023-03-01,记-1,支付,8001,资金结存,,100\n";
    for (ledgers, tag) in [
        (
            vec![(
                "a.csv",
                format!("{CSV_HEAD}{plain}{}", cash_meal("2023-03-05", "张三")),
            )],
            "（2023-03-05）",
        ),
        (
            vec![(
                "a.csv",
                format!("{CSV_HEAD}{}{plain}", cash_meal("2023-03-20", "李四")),
            )],
            "（2023-03-20）",
        ),
        // The same key in two files of one entity: told apart by the file.
        (
            vec![
                ("a.csv", format!("{CSV_HEAD}{plain}")),
                (
                    "b.csv",
                    format!("{CSV_HEAD}{}", cash_meal("2023-03-01", "王五")),
                ),
            ],
            "（b.csv）",
        ),
        // A file name with a space: the tag is whole in the report.
        (
            vec![
                ("a.csv", format!("{CSV_HEAD}{plain}")),
                (
                    "社保 中心.csv",
                    format!("{CSV_HEAD}{}", cash_meal("2023-03-01", "赵六")),
                ),
            ],
            "（社保 中心.csv）",
        ),
    ] {
        let (out, vouchers, report) = run_one_entity(&ledgers);
        assert!(out.status.success(), "{tag}: {}", stderr(&out));
        let expected = format!("2023-03 记-1{tag}");
        assert!(vouchers.contains(&expected), "{tag}: {vouchers:?}");
        assert!(
            report.contains(&format!("2023年3月记-1号凭证{tag}")),
            "{tag}: {report}"
        );
    }
    // Look-alike: a voucher whose number is its own has no tag in the report.
    let (out, vouchers, report) = run_one_entity(&[(
        "a.csv",
        format!("{CSV_HEAD}{}", cash_meal("2023-03-05", "张三")),
    )]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(vouchers.first().map(String::as_str), Some("2023-03 记-1"));
    assert!(report.contains("2023年3月记-1号凭证“"), "{report}");
}
