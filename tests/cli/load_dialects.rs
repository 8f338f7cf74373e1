//! Export dialects (issue 16 items 3 and 4), each from an export written here from scratch:
//! title blocks read cell by cell, undated 期初 rows, totals in every common wording checked
//! against their scope, 会计期间 and date spellings, voucher numbers with and without leading
//! zeros, 科目 as a name path, and 用友 / 金蝶 layouts as the vendors print them — plus the
//! look-alikes that must stay journal lines.

use crate::common::*;
use reeval::load::report::FileReport;
use reeval::load::{load, LoadRequest, Loaded};
use rust_xlsxwriter::Workbook;
use std::path::{Path, PathBuf};

#[derive(Clone)]
enum C {
    S(&'static str),
    T(String),
    N(f64),
    E,
}
use C::{E, N, S};

fn t(s: impl Into<String>) -> C {
    C::T(s.into())
}

/// One sheet per (name, rows).
fn xlsx(path: &Path, sheets: &[(&str, Vec<Vec<C>>)]) {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    S(s) => ws.write_string(r, c, *s).map(|_| ()),
                    C::T(s) => ws.write_string(r, c, s).map(|_| ()),
                    N(n) => ws.write_number(r, c, *n).map(|_| ()),
                    E => Ok(()),
                }
                .unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn load_files(files: &[PathBuf]) -> Loaded {
    load(&LoadRequest {
        ledgers: files.to_vec(),
        keep_rows: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}"))
}

fn file(l: &Loaded) -> &FileReport {
    &l.report.files[0]
}

/// No row rejected, every total checked and matching.
fn all_accounted(f: &FileReport) {
    assert_eq!(f.rows_rejected, 0, "{:#?}", f.rejections);
    for t in &f.totals_checked {
        assert!(t.matches, "{} 行 {}: {:?}", t.row, t.label, t.figures);
    }
    assert!(
        f.vouchers_unbalanced.is_empty(),
        "{:?}",
        f.vouchers_unbalanced
    );
}

/// 用友 U8 序时账 as printed: a title row, then 核算单位 in one cell and its value in the next,
/// 期间 and 金额单位 in their own cells; 凭证号数 `记-0001`, dates `2023.01.05`, 方向+金额; an
/// undated 期初余额 row (its year from the title's period); month totals as `2023年1月合计` and
/// `二月合计`, then `本年累计`; a real line whose 摘要 says 本月合计.
#[test]
fn a_yonyou_u8_export_written_from_scratch_loads_without_a_profile() {
    let d = tmp();
    let path = d.path().join("export.xlsx");
    let mut rows = vec![
        vec![S("序时账")],
        vec![
            S("核算单位："),
            S("某县人力资源和社会保障局（本级）"),
            E,
            E,
            S("期间：2023.01-2023.12"),
            E,
            S("金额单位：元"),
        ],
        vec![
            S("日期"),
            S("凭证号数"),
            S("科目编码"),
            S("科目名称"),
            S("摘要"),
            S("方向"),
            S("金额"),
        ],
        vec![
            E,
            E,
            S("1002"),
            S("银行存款"),
            S("期初余额"),
            S("借"),
            N(50000.0),
        ],
    ];
    let line =
        |date: &str,
         v: &str,
         code: &'static str,
         name: &'static str,
         summary: &'static str,
         dir: &'static str,
         amt: f64| { vec![t(date), t(v), S(code), S(name), S(summary), S(dir), N(amt)] };
    rows.push(line(
        "2023.01.05",
        "记-0001",
        "500101",
        "业务活动费用-办公费",
        "购办公用品",
        "借",
        100.0,
    ));
    rows.push(line(
        "",
        "",
        "1011",
        "零余额账户用款额度",
        "购办公用品",
        "贷",
        100.0,
    ));
    rows.push(line(
        "2023.01.20",
        "记-0002",
        "500101",
        "业务活动费用-电费",
        "支付本月合计电费",
        "借",
        300.0,
    ));
    rows.push(line(
        "2023.01.20",
        "记-0002",
        "1011",
        "零余额账户用款额度",
        "支付本月合计电费",
        "贷",
        300.0,
    ));
    rows.push(vec![E, E, E, E, S("2023年1月合计"), S("借"), N(400.0)]);
    rows.push(line(
        "2023.02.03",
        "记-0001",
        "500101",
        "业务活动费用-办公费",
        "购墨盒",
        "借",
        200.0,
    ));
    rows.push(line(
        "2023.02.03",
        "记-0001",
        "1011",
        "零余额账户用款额度",
        "购墨盒",
        "贷",
        200.0,
    ));
    rows.push(vec![E, E, E, E, S("二月合计"), S("借"), N(200.0)]);
    rows.push(vec![E, E, E, E, S("本年累计"), S("借"), N(600.0)]);
    xlsx(&path, &[("Sheet1", rows)]);
    let l = load_files(std::slice::from_ref(&path));
    let f = file(&l);
    all_accounted(f);
    assert_eq!(f.rows_loaded, 6);
    assert_eq!(f.rows_opening, 1);
    assert_eq!(f.totals_checked.len(), 3, "{:?}", f.totals_checked);
    assert_eq!(
        f.vouchers, 3,
        "记-1 of January and of February are two vouchers"
    );
    // A filled-down line carries its voucher's number as written.
    assert_eq!(l.lines[1].voucher_text, "记-0001");
    assert_eq!(
        f.entity.as_deref(),
        Some("某县人力资源和社会保障局（本级）")
    );
    assert_eq!(f.entity_source.as_deref(), Some("标题行"));
    assert!(
        !f.warnings.iter().any(|w| w.contains("文件名")),
        "{:?}",
        f.warnings
    );
    let o = &l.frames.opening;
    assert_eq!(o.height(), 1);
    assert_eq!(o.column("year").unwrap().i32().unwrap().get(0), Some(2023));
    let lookalike = l
        .lines
        .iter()
        .filter(|x| x.summary == "支付本月合计电费")
        .count();
    assert_eq!(lookalike, 2, "a line whose 摘要 says 本月合计 stays a line");
    // The CLI agrees: exit 0, nothing rejected.
    let (out, _) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// 金蝶 凭证序时簿 as printed: 核算单位 and 会计期间 in separate cells with ASCII colons, 币别;
/// 会计期间 `2023.1` / `2023-02` / `2023年3期`, 凭证字号 `记 - 5` and `记-0005` (one voucher),
/// 分录号, 科目代码 `5001.01`, 借方/贷方, dates `2023/1/5` and `20230210`; totals 本期合计,
/// 本期发生额合计, 3月合计 and 本年累计.
#[test]
fn a_kingdee_export_written_from_scratch_loads_without_a_profile() {
    let d = tmp();
    let path = d.path().join("凭证序时簿.xlsx");
    let header = [
        "日期",
        "会计期间",
        "凭证字号",
        "分录号",
        "摘要",
        "科目代码",
        "科目名称",
        "币别",
        "原币金额",
        "借方",
        "贷方",
        "制单",
        "审核",
        "过账",
    ];
    let mut rows = vec![
        vec![E, E, E, S("凭证序时簿")],
        vec![
            S("核算单位:某县社会保险中心"),
            E,
            E,
            E,
            S("会计期间:2023年第1期至2023年第12期"),
            E,
            E,
            S("币别:人民币"),
        ],
        header.iter().map(|h| S(h)).collect(),
    ];
    let line = |date: &str,
                period: &str,
                v: &str,
                n: f64,
                code: &'static str,
                name: &'static str,
                dr: f64,
                cr: f64| {
        vec![
            t(date),
            t(period),
            t(v),
            N(n),
            S("支付培训费"),
            S(code),
            S(name),
            S("人民币"),
            N(dr + cr),
            if dr != 0.0 { N(dr) } else { E },
            if cr != 0.0 { N(cr) } else { E },
            S("张三"),
            S("李四"),
            S("王五"),
        ]
    };
    rows.push(line(
        "2023/1/5",
        "2023.1",
        "记 - 5",
        1.0,
        "5001.01",
        "业务活动费用_培训费",
        1200.0,
        0.0,
    ));
    rows.push(line(
        "2023/1/5",
        "2023.1",
        "记-0005",
        2.0,
        "1011",
        "零余额账户用款额度",
        0.0,
        1200.0,
    ));
    rows.push(vec![
        E,
        E,
        E,
        E,
        S("本期合计"),
        E,
        E,
        E,
        E,
        N(1200.0),
        N(1200.0),
    ]);
    rows.push(line(
        "20230210",
        "2023-02",
        "记-5",
        1.0,
        "5001.01",
        "业务活动费用_培训费",
        80.5,
        0.0,
    ));
    rows.push(line(
        "20230210",
        "2023-02",
        "记-5",
        2.0,
        "1011",
        "零余额账户用款额度",
        0.0,
        80.5,
    ));
    rows.push(vec![
        E,
        E,
        E,
        E,
        S("本期发生额合计"),
        E,
        E,
        E,
        E,
        N(80.5),
        N(80.5),
    ]);
    rows.push(line(
        "2023.03.01",
        "2023年3期",
        "付-5",
        1.0,
        "5001.01",
        "业务活动费用_培训费",
        10.0,
        0.0,
    ));
    rows.push(line(
        "2023.03.01",
        "2023年3期",
        "付-5",
        2.0,
        "1011",
        "零余额账户用款额度",
        0.0,
        10.0,
    ));
    rows.push(line(
        "2023.03.01",
        "2023年3期",
        "记-5",
        1.0,
        "5001.01",
        "业务活动费用_培训费",
        7.0,
        0.0,
    ));
    rows.push(line(
        "2023.03.01",
        "2023年3期",
        "记-5",
        2.0,
        "1011",
        "零余额账户用款额度",
        0.0,
        7.0,
    ));
    rows.push(vec![E, E, E, E, S("3月合计"), E, E, E, E, N(17.0), N(17.0)]);
    rows.push(vec![
        E,
        E,
        E,
        E,
        S("本年累计"),
        E,
        E,
        E,
        E,
        N(1297.5),
        N(1297.5),
    ]);
    xlsx(&path, &[("凭证序时簿", rows)]);
    let l = load_files(&[path]);
    let f = file(&l);
    all_accounted(f);
    assert_eq!(f.rows_loaded, 8);
    assert_eq!(f.totals_checked.len(), 4);
    // 记-5 = 记-0005 in January; 记-5 in February, 付-5 and 记-5 in March: four vouchers.
    assert_eq!(f.vouchers, 4);
    assert_eq!(f.profile.as_deref(), Some("kingdee"));
    assert_eq!(f.entity.as_deref(), Some("某县社会保险中心"));
    let periods: Vec<u32> = l.lines.iter().map(|x| x.period).collect();
    assert_eq!(periods, [1, 1, 2, 2, 3, 3, 3, 3]);
    assert_eq!(l.lines[1].voucher_number, 5);
    // Matched as one voucher, shown as written.
    let written: Vec<&str> = l.lines.iter().map(|x| x.voucher_text.as_str()).collect();
    assert_eq!(written[..3], ["记 - 5", "记-0005", "记-5"]);
    let frame = l
        .frames
        .lines
        .column("voucher_text")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert_eq!(frame.get(1), Some("记-0005"));
    assert_eq!(l.lines[4].voucher_kind, "付");
    assert_eq!(l.lines[6].voucher_kind, "记");
}

/// A total that disagrees with its month's lines is reported as a mismatch, whatever its
/// wording: the month named in the words is the scope, not the month above the row.
#[test]
fn month_totals_in_every_wording_are_checked_against_the_month_they_name() {
    let d = tmp();
    for word in [
        "本月合计",
        "1月合计",
        "一月合计",
        "2023年1月合计",
        "月计",
        "本期合计",
        "本期发生额合计",
        "01月份合计",
        "第1期合计",
    ] {
        for (stated, ok) in [("100.00", true), ("99.00", false)] {
            let path = d.path().join(format!("m-{word}-{ok}.csv"));
            std::fs::write(
                &path,
                format!(
                    "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
                     2023-01-05,记-1,购办公用品,5001,业务活动费用,100.00,\n\
                     2023-01-05,记-1,购办公用品,1011,零余额账户用款额度,,100.00\n\
                     ,,{word},,,{stated},{stated}\n"
                ),
            )
            .unwrap();
            let l = load_files(&[path]);
            let f = file(&l);
            assert_eq!(f.rows_rejected, 0, "{word}: {:?}", f.rejections);
            assert_eq!(f.totals_checked.len(), 1, "{word}");
            assert_eq!(f.totals_checked[0].scope, "本月", "{word}");
            assert_eq!(f.totals_checked[0].matches, ok, "{word} {stated}");
        }
    }
    // A month total placed after February's lines but naming January checks January.
    let path = d.path().join("named.csv");
    std::fs::write(
        &path,
        "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-01-05,记-1,a,5001,业务活动费用,100.00,\n\
         2023-01-05,记-1,a,1011,零余额账户用款额度,,100.00\n\
         2023-02-05,记-1,b,5001,业务活动费用,7.00,\n\
         2023-02-05,记-1,b,1011,零余额账户用款额度,,7.00\n\
         ,,一月合计,,,100.00,100.00\n\
         ,,二月合计,,,7.00,7.00\n",
    )
    .unwrap();
    let l = load_files(&[path]);
    all_accounted(file(&l));
    assert_eq!(file(&l).totals_checked.len(), 2);
}

/// Year totals in every wording: 累计, 本年累计, 年度合计, 2023年度合计, 本年合计.
#[test]
fn year_totals_in_every_wording_are_checked_against_the_year() {
    let d = tmp();
    for word in [
        "累计",
        "本年累计",
        "年度合计",
        "2023年度合计",
        "本年合计",
        "全年合计",
    ] {
        for (stated, ok) in [("107.00", true), ("100.00", false)] {
            let path = d.path().join(format!("y-{word}-{ok}.csv"));
            std::fs::write(
                &path,
                format!(
                    "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
                     2023-01-05,记-1,a,5001,业务活动费用,100.00,\n\
                     2023-01-05,记-1,a,1011,零余额账户用款额度,,100.00\n\
                     2023-02-05,记-1,b,5001,业务活动费用,7.00,\n\
                     2023-02-05,记-1,b,1011,零余额账户用款额度,,7.00\n\
                     ,,{word},,,{stated},{stated}\n"
                ),
            )
            .unwrap();
            let l = load_files(&[path]);
            let f = file(&l);
            assert_eq!(f.rows_rejected, 0, "{word}: {:?}", f.rejections);
            assert_eq!(f.totals_checked.len(), 1, "{word}");
            assert_eq!(f.totals_checked[0].scope, "本年累计", "{word}");
            assert_eq!(f.totals_checked[0].matches, ok, "{word} {stated}");
        }
    }
}

/// Look-alikes: a real line (account and voucher number) whose 摘要 is or contains a total or
/// opening word stays a line; a 摘要 that only mentions a month is no total.
#[test]
fn a_line_with_a_voucher_number_is_never_a_total_or_an_opening() {
    let d = tmp();
    let path = d.path().join("lookalike.csv");
    let mut body = String::from("日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n");
    let words = [
        "本月合计",
        "上年结转",
        "期初余额",
        "1月合计",
        "支付本月合计电费",
        "合计",
        "一月份电费",
        "累计折旧调整",
    ];
    for (i, w) in words.iter().enumerate() {
        body.push_str(&format!(
            "2023-01-05,记-{n},{w},5001,业务活动费用,10.00,\n2023-01-05,记-{n},{w},1011,零余额账户用款额度,,10.00\n",
            n = i + 1
        ));
    }
    std::fs::write(&path, body).unwrap();
    let l = load_files(&[path]);
    let f = file(&l);
    all_accounted(f);
    assert_eq!(f.rows_loaded, 2 * words.len());
    assert_eq!(f.rows_opening, 0);
    assert!(f.totals_checked.is_empty(), "{:?}", f.totals_checked);
}

/// 会计期间 as `2023.1`, `2023-01`, `2023年1期`, `1` (and `202301`, `第1期`), dates as
/// `2023.01.05`, `2023/1/5`, `20230105`: every line loads in period 1.
#[test]
fn period_and_date_spellings_load() {
    let d = tmp();
    let path = d.path().join("periods.csv");
    let mut body = String::from("日期,会计期间,凭证号,摘要,科目编码,科目名称,借方,贷方\n");
    let spellings = [
        ("2023.01.05", "2023.1"),
        ("2023/1/5", "2023-01"),
        ("20230105", "2023年1期"),
        ("2023-01-05", "1"),
        ("2023年1月5日", "202301"),
        ("2023.1.5", "第1期"),
    ];
    for (i, (date, period)) in spellings.iter().enumerate() {
        body.push_str(&format!(
            "{date},{period},记-{n},a,5001,业务活动费用,1.00,\n{date},{period},记-{n},a,1011,零余额账户用款额度,,1.00\n",
            n = i + 1
        ));
    }
    body.push_str(",,,2023年1月合计,,,6.00,6.00\n");
    std::fs::write(&path, body).unwrap();
    let l = load_files(&[path]);
    all_accounted(file(&l));
    assert_eq!(file(&l).rows_loaded, 12);
    for x in &l.lines {
        assert_eq!((x.year, x.period), (2023, 1));
        assert_eq!(x.date, chrono::NaiveDate::from_ymd_opt(2023, 1, 5).unwrap());
    }
    // A period no wording can read is rejected on its column, quoting the cell.
    let bad = d.path().join("bad-period.csv");
    std::fs::write(
        &bad,
        "日期,会计期间,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-01-05,2023.1,记-1,a,5001,业务活动费用,1.00,\n\
         2023-01-05,一月份,记-2,a,5001,业务活动费用,1.00,\n",
    )
    .unwrap();
    let l = load_files(&[bad]);
    let f = file(&l);
    assert_eq!(f.rows_rejected, 1);
    assert!(
        f.rejections[0].column.contains("会计期间"),
        "{:?}",
        f.rejections
    );
    assert!(
        f.rejections[0].reason.contains("一月份"),
        "{:?}",
        f.rejections
    );
}

/// A period stored as the number 2023.1 on a line dated in October was 2023.10.
#[test]
fn a_numeric_period_that_lost_its_zero_follows_the_date() {
    let d = tmp();
    let path = d.path().join("numeric.xlsx");
    let header = [
        "日期",
        "会计期间",
        "凭证号",
        "摘要",
        "科目编码",
        "科目名称",
        "借方",
        "贷方",
    ]
    .iter()
    .map(|h| S(h))
    .collect();
    let row = |date: &'static str, period: f64, code: &'static str, dr: f64, cr: f64| {
        vec![
            S(date),
            N(period),
            S("记-1"),
            S("a"),
            S(code),
            S("x"),
            N(dr),
            N(cr),
        ]
    };
    xlsx(
        &path,
        &[(
            "s",
            vec![
                header,
                row("2023-01-05", 2023.1, "5001", 1.0, 0.0),
                row("2023-01-05", 2023.1, "1011", 0.0, 1.0),
                row("2023-10-05", 2023.1, "5001", 2.0, 0.0),
                row("2023-10-05", 2023.1, "1011", 0.0, 2.0),
                row("2023-12-05", 2023.12, "5001", 3.0, 0.0),
                row("2023-12-05", 2023.12, "1011", 0.0, 3.0),
            ],
        )],
    );
    let l = load_files(&[path]);
    all_accounted(file(&l));
    let periods: Vec<u32> = l.lines.iter().map(|x| x.period).collect();
    assert_eq!(periods, [1, 1, 10, 10, 12, 12]);
}

/// 科目 as a name path resolved through the chart (→ its first-level code and the 经济分类 the
/// last segment names), or as `编码 名称`; a path that starts with no first-level name is
/// rejected saying so.
#[test]
fn a_name_path_account_resolves_through_the_chart() {
    let d = tmp();
    let path = d.path().join("paths.csv");
    std::fs::write(
        &path,
        "日期,凭证号,摘要,科目,借方,贷方\n\
         2023-01-05,记-1,购办公用品,业务活动费用/商品和服务费用/办公费,100.00,\n\
         2023-01-05,记-1,购办公用品,零余额账户用款额度,,100.00\n\
         2023-01-06,记-2,修车,行政支出-商品和服务支出-维修费,50.00,\n\
         2023-01-06,记-2,修车,资金结存/零余额账户用款额度,,50.00\n\
         2023-01-07,记-3,购纸,5001 业务活动费用,30.00,\n\
         2023-01-07,记-3,购纸,[1011]零余额账户用款额度,,30.00\n\
         2023-01-08,记-4,x,商品和服务费用/办公费,1.00,\n",
    )
    .unwrap();
    let l = load_files(&[path]);
    let f = file(&l);
    assert_eq!(f.rows_loaded, 6, "{:?}", f.rejections);
    assert_eq!(f.rows_rejected, 1);
    assert!(
        f.rejections[0].reason.contains("一级科目名称"),
        "{:?}",
        f.rejections
    );
    let got: Vec<(&str, Option<&str>)> = l
        .lines
        .iter()
        .map(|x| (x.account_code.as_str(), x.econ.code.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("5001", Some("30201")),
            ("1011", None),
            ("7101", Some("30213")),
            ("8001", None),
            ("5001", None),
            ("1011", None),
        ]
    );
    assert_eq!(
        l.lines[0].account_name,
        "业务活动费用/商品和服务费用/办公费"
    );
    assert_eq!(l.lines[0].econ.name.as_deref(), Some("办公费"));
    assert_eq!(l.lines[0].basis, "财务会计");
    assert_eq!(l.lines[2].basis, "预算会计");
}

/// The title's entity in its wordings and places; `单位：元` is the money unit, never the
/// entity; only without any title entity does the file name serve, with a warning.
#[test]
fn the_entity_comes_from_the_title_in_any_wording_never_from_a_money_unit() {
    let d = tmp();
    let header = vec![
        S("日期"),
        S("凭证号"),
        S("摘要"),
        S("科目编码"),
        S("科目名称"),
        S("借方"),
        S("贷方"),
    ];
    let lines = || {
        vec![
            vec![
                S("2023-01-05"),
                S("记-1"),
                S("a"),
                S("5001"),
                S("x"),
                N(1.0),
                E,
            ],
            vec![
                S("2023-01-05"),
                S("记-1"),
                S("a"),
                S("1011"),
                S("y"),
                E,
                N(1.0),
            ],
        ]
    };
    let cases: Vec<(Vec<Vec<C>>, Option<&str>)> = vec![
        (
            vec![vec![S("单位名称"), E, S("某县就业局")]],
            Some("某县就业局"),
        ),
        (
            vec![vec![E, E, S("编制单位：某县就业局（本级）"), S("单位：元")]],
            Some("某县就业局（本级）"),
        ),
        (
            vec![vec![S("核算单位：某县就业局期间：2023年1月至12月单位：元")]],
            Some("某县就业局"),
        ),
        (
            vec![vec![S("某县就业局2023年度序时账")], vec![S("单位：元")]],
            Some("某县就业局"),
        ),
        (
            vec![
                vec![S("序时账")],
                vec![S("单位：元"), E, S("打印日期：2024-03-01")],
            ],
            None,
        ),
    ];
    for (k, (title, want)) in cases.into_iter().enumerate() {
        let path = d.path().join(format!("文件{k}.xlsx"));
        let mut rows = title;
        rows.push(header.clone());
        rows.extend(lines());
        xlsx(&path, &[("Sheet1", rows)]);
        let l = load_files(&[path]);
        let f = file(&l);
        assert_eq!(f.rows_rejected, 0, "{k}: {:?}", f.rejections);
        match want {
            Some(e) => {
                assert_eq!(f.entity.as_deref(), Some(e), "{k}");
                assert!(!f.warnings.iter().any(|w| w.contains("文件名")), "{k}");
            }
            None => {
                assert_eq!(f.entity.as_deref(), Some(format!("文件{k}").as_str()));
                assert_ne!(f.entity.as_deref(), Some("元"));
                assert!(
                    f.warnings.iter().any(|w| w.contains("以文件名")),
                    "{:?}",
                    f.warnings
                );
            }
        }
    }
}

/// Undated 期初余额 / 上年结转 rows take their year from the title, the sheet name, the file
/// name or the sheet's first dated line, in that order; none of them rejects the row.
#[test]
fn undated_opening_rows_take_the_year_the_file_states() {
    let d = tmp();
    let header = vec![
        S("日期"),
        S("凭证号"),
        S("摘要"),
        S("科目编码"),
        S("科目名称"),
        S("借方"),
        S("贷方"),
    ];
    let body = |word: &'static str| {
        vec![
            vec![E, E, S(word), S("1002"), S("银行存款"), N(500.0), E],
            vec![
                S("2022-01-05"),
                S("记-1"),
                S("a"),
                S("5001"),
                S("x"),
                N(1.0),
                E,
            ],
            vec![
                S("2022-01-05"),
                S("记-1"),
                S("a"),
                S("1011"),
                S("y"),
                E,
                N(1.0),
            ],
        ]
    };
    // (file, sheet, title, opening word, expected year)
    type Case = (&'static str, &'static str, Vec<Vec<C>>, &'static str, i32);
    let cases: Vec<Case> = vec![
        (
            "a.xlsx",
            "Sheet1",
            vec![vec![S("会计期间：2021年1月-12月")]],
            "期初余额",
            2021,
        ),
        (
            "b.xlsx",
            "2020年序时账",
            vec![vec![S("序时账")]],
            "上年结转",
            2020,
        ),
        ("c2019.xlsx", "Sheet1", vec![], "年初余额", 2019),
        (
            "d.xlsx",
            "Sheet1",
            vec![vec![S("序时账")], vec![S("打印日期：2024-03-01")]],
            "期初余额",
            2022,
        ),
        ("e.xlsx", "Sheet1", vec![], "2018年期初余额", 2018),
    ];
    for (name, sheet, title, word, year) in cases {
        let path = d.path().join(name);
        let mut rows = title;
        rows.push(header.clone());
        rows.extend(body(word));
        xlsx(&path, &[(sheet, rows)]);
        let l = load_files(&[path]);
        let f = file(&l);
        assert_eq!(f.rows_rejected, 0, "{name}: {:?}", f.rejections);
        assert_eq!(f.rows_opening, 1, "{name}");
        let y = l
            .frames
            .opening
            .column("year")
            .unwrap()
            .i32()
            .unwrap()
            .get(0);
        assert_eq!(y, Some(year), "{name}");
    }
}

/// 明细账 layouts: the opening balance stands in 余额 with its 方向 (or, without one, on the
/// account's normal side), 借方 and 贷方 empty; a 期初 row with no account is recognised and
/// skipped with a warning, never rejected; 余额 on journal lines is not read.
#[test]
fn opening_balances_in_the_balance_column_of_a_ledger_account_layout() {
    let d = tmp();
    let path = d.path().join("明细账.csv");
    std::fs::write(
        &path,
        "日期,凭证号,摘要,科目编码,科目名称,借方,贷方,方向,余额\n\
         ,,期初余额,,,,,借,999.00\n\
         ,,期初余额,1002,银行存款,,,借,50000.00\n\
         ,,上年结转,2307,其他应付款,,,贷,300.00\n\
         ,,年初余额,2001,短期借款,,,,700.00\n\
         ,,期初余额,1001,库存现金,,,平,0.00\n\
         2023-01-05,记-1,购办公用品,5001,业务活动费用,100.00,,借,100.00\n\
         2023-01-05,记-1,购办公用品,1002,银行存款,,100.00,借,49900.00\n",
    )
    .unwrap();
    let l = load_files(&[path]);
    let f = file(&l);
    all_accounted(f);
    assert_eq!(f.rows_loaded, 2);
    assert_eq!(f.rows_opening, 4);
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("第 2 行") && w.contains("没有科目")),
        "{:?}",
        f.warnings
    );
    let o = &l.frames.opening;
    let code_col = o.column("account_code").unwrap().str().unwrap().clone();
    let codes: Vec<&str> = (0..o.height())
        .map(|i| code_col.get(i).unwrap_or_default())
        .collect();
    let bal: Vec<i64> = o
        .column("balance_fen")
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!(codes, ["1002", "2307", "2001", "1001"]);
    assert_eq!(bal, [5_000_000, -30_000, -70_000, 0]);
    let debits: i64 = l.lines.iter().map(|x| x.debit.0).sum();
    assert_eq!(debits, 10_000);
}

/// Print-style exports repeat the title block and header on every page and close with sign-off
/// and page lines: all recognised and skipped, none rejected; a text row that is none of these
/// is still rejected.
#[test]
fn repeated_title_blocks_and_footers_are_recognised() {
    let d = tmp();
    let header = || {
        [
            "日期",
            "凭证号",
            "摘要",
            "科目编码",
            "科目名称",
            "借方",
            "贷方",
        ]
        .iter()
        .map(|h| S(h))
        .collect::<Vec<_>>()
    };
    let title = || {
        vec![
            vec![E, E, S("某县就业局2023年度序时账")],
            vec![
                S("核算单位："),
                S("某县就业局"),
                E,
                E,
                S("期间：2023年1月-12月"),
                E,
                S("单位：元"),
            ],
        ]
    };
    let voucher = |n: u32, amt: f64| {
        vec![
            vec![
                t("2023-01-05"),
                t(format!("记-{n}")),
                S("a"),
                S("5001"),
                S("x"),
                N(amt),
                E,
            ],
            vec![
                t("2023-01-05"),
                t(format!("记-{n}")),
                S("a"),
                S("1011"),
                S("y"),
                E,
                N(amt),
            ],
        ]
    };
    let mut rows = title();
    rows.push(header());
    rows.extend(voucher(1, 10.0));
    rows.push(vec![E, E, S("过次页"), E, E, N(10.0), N(10.0)]);
    rows.push(vec![
        S("制表人：张三"),
        E,
        E,
        S("审核人：李四"),
        E,
        S("第 1 页，共 2 页"),
    ]);
    rows.extend(title());
    rows.push(header());
    rows.push(vec![E, E, S("承前页"), E, E, N(10.0), N(10.0)]);
    rows.extend(voucher(2, 5.0));
    rows.push(vec![E, E, S("本月合计"), E, E, N(15.0), N(15.0)]);
    rows.push(vec![
        S("会计主管"),
        S("王五"),
        E,
        S("记账"),
        S("赵六"),
        E,
        S("第2页"),
    ]);
    let path = d.path().join("print.xlsx");
    xlsx(&path, &[("Sheet1", rows.clone())]);
    let l = load_files(&[path]);
    let f = file(&l);
    all_accounted(f);
    assert_eq!(f.rows_loaded, 4);
    assert_eq!(f.entity.as_deref(), Some("某县就业局"));
    // A look-alike: a stray note is not a title line.
    rows.push(vec![S("以上数据仅供参考"), E, S("张三")]);
    let path = d.path().join("print2.xlsx");
    xlsx(&path, &[("Sheet1", rows)]);
    let l = load_files(&[path]);
    assert_eq!(file(&l).rows_rejected, 1, "{:?}", file(&l).rejections);
}

/// A title stating amounts in 万元 is told (amounts are read as 元, never silently rescaled);
/// 元 says nothing.
#[test]
fn a_title_in_another_money_unit_is_told() {
    let d = tmp();
    for (unit, warned) in [
        ("金额单位：万元", true),
        ("单  位：元", false),
        ("单位：千元", true),
    ] {
        let path = d.path().join(format!("u-{warned}-{}.xlsx", unit.len()));
        let rows = vec![
            vec![S("编制单位：某县就业局"), E, S(unit)],
            [
                "日期",
                "凭证号",
                "摘要",
                "科目编码",
                "科目名称",
                "借方",
                "贷方",
            ]
            .iter()
            .map(|h| S(h))
            .collect(),
            vec![
                S("2023-01-05"),
                S("记-1"),
                S("a"),
                S("5001"),
                S("x"),
                N(1.0),
                E,
            ],
            vec![
                S("2023-01-05"),
                S("记-1"),
                S("a"),
                S("1011"),
                S("y"),
                E,
                N(1.0),
            ],
        ];
        xlsx(&path, &[("Sheet1", rows)]);
        let l = load_files(&[path]);
        let f = file(&l);
        assert_eq!(f.entity.as_deref(), Some("某县就业局"), "{unit}");
        let w = f
            .warnings
            .iter()
            .any(|w| w.contains("金额单位") && w.contains("未换算"));
        assert_eq!(w, warned, "{unit}: {:?}", f.warnings);
    }
}

/// 用友 GRP-style 月/日 columns whose year stands in a title cell of its own (会计年度 | 2023),
/// and a 借/贷 direction column beside 金额.
#[test]
fn month_day_columns_take_the_year_from_a_separate_title_cell_and_a_direction_column_reads() {
    let d = tmp();
    let path = d.path().join("grp.xlsx");
    let rows = vec![
        vec![S("单位名称"), S("某县就业局"), E, S("会计年度"), N(2023.0)],
        [
            "月",
            "日",
            "凭证号",
            "摘要",
            "科目编码",
            "科目名称",
            "借/贷",
            "金额",
        ]
        .iter()
        .map(|h| S(h))
        .collect(),
        vec![
            N(3.0),
            N(9.0),
            S("记账-17"),
            S("a"),
            S("5001"),
            S("x"),
            S("借"),
            N(8.0),
        ],
        vec![E, E, E, S("a"), S("1011"), S("y"), S("贷"), N(8.0)],
        vec![E, E, E, S("3月合计"), E, E, S("借"), N(8.0)],
    ];
    xlsx(&path, &[("Sheet1", rows)]);
    let l = load_files(&[path]);
    let f = file(&l);
    all_accounted(f);
    assert_eq!(f.rows_loaded, 2);
    assert_eq!(f.entity.as_deref(), Some("某县就业局"));
    assert_eq!(f.totals_checked.len(), 1);
    let x = &l.lines[1];
    assert_eq!((x.date.to_string().as_str(), x.period), ("2023-03-09", 3));
    assert_eq!((x.debit.0, x.credit.0), (0, 800));
}

/// A ledger whose only account column is 科目名称 holding name paths loads through the chart; a
/// code+name layout whose code is empty resolves the name the same way; a total written in the
/// 科目名称 column is still a total.
#[test]
fn account_names_without_codes_resolve_through_the_chart() {
    let d = tmp();
    let only_names = d.path().join("names.csv");
    std::fs::write(
        &only_names,
        "日期,凭证号,摘要,科目名称,借方,贷方\n\
         2023-01-05,记-1,购办公用品,业务活动费用/商品和服务费用/办公费,100.00,\n\
         2023-01-05,记-1,购办公用品,零余额账户用款额度,,100.00\n\
         ,,,本月合计,100.00,100.00\n",
    )
    .unwrap();
    let with_codes = d.path().join("codes.csv");
    std::fs::write(
        &with_codes,
        "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-01-05,记-1,购办公用品,,业务活动费用-商品和服务费用-办公费,100.00,\n\
         2023-01-05,记-1,购办公用品,1011,零余额账户用款额度,,100.00\n\
         ,,,,本月合计,100.00,100.00\n\
         2023-01-06,记-2,x,,银行账户,1.00,\n",
    )
    .unwrap();
    for path in [only_names, with_codes] {
        let l = load_files(std::slice::from_ref(&path));
        let f = file(&l);
        assert_eq!(f.rows_loaded, 2, "{path:?}: {:?}", f.rejections);
        assert_eq!(f.totals_checked.len(), 1, "{path:?}");
        assert!(f.totals_checked[0].matches, "{path:?}");
        assert_eq!(l.lines[0].account_code, "5001");
        assert_eq!(l.lines[0].econ.code.as_deref(), Some("30201"));
        assert_eq!(l.lines[1].account_code, "1011");
    }
}
