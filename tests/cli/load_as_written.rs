//! Voucher numbers as the export wrote them (issue 16): matched on the normalised number
//! (记-0005 = 记-5), ids unchanged, the number as written shown in the evidence, the facts and
//! the workbook.

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;
use std::path::Path;

/// Three weekend vouchers (2023-03-25, 03-18, 03-11: Saturdays), numbers written by `nos`.
fn weekend_ledger(path: &Path, nos: [&str; 3]) {
    let mut text = String::from("日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n");
    for (no, date) in nos.iter().zip(["2023-03-25", "2023-03-18", "2023-03-11"]) {
        text.push_str(&format!(
            "{date},{no},付办公费,5001,业务活动费用,100.00,\n{date},{no},付办公费,1002,银行存款,,100.00\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn findings(doc: &Value) -> Vec<&Value> {
    let mut v: Vec<&Value> = doc["findings"].as_array().unwrap().iter().collect();
    v.sort_by_key(|f| f["id"].as_str().unwrap().to_string());
    v
}

fn check(dir: &Path, ledger: &Path) -> Value {
    let (o, doc) = cli_check(
        dir,
        &[
            p(ledger),
            "--rules",
            "weekend-posting",
            "--entity",
            "局机关",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    doc.unwrap()
}

#[test]
fn padded_and_spaced_voucher_numbers_keep_their_ids_and_show_as_written_in_evidence() {
    let d = tmp();
    let canonical = d.path().join("规范.csv");
    weekend_ledger(&canonical, ["记-5", "付-12", "记-7"]);
    let base = check(d.path(), &canonical);
    let base_f = findings(&base);
    assert_eq!(base_f.len(), 3);
    // An export written as the books print: no fact about how the number is written.
    for f in &base_f {
        assert!(
            !f["facts"].to_string().contains("账上凭证号写作"),
            "{}",
            f["facts"]
        );
    }

    for (name, nos, written) in [
        (
            "补零.csv",
            ["记-0005", "付-0012", "记-7"],
            ["记-0005", "付-0012"],
        ),
        ("空格.csv", ["记 - 5", "付 12", "记-7"], ["记 - 5", "付 12"]),
        (
            "全角.csv",
            ["记－005", "付字第12号", "记-7"],
            ["记－005", "付字第12号"],
        ),
    ] {
        let path = d.path().join(name);
        weekend_ledger(&path, nos);
        let doc = check(d.path(), &path);
        let got = findings(&doc);
        // The same ids and voucher labels as the canonical export.
        let ids = |fs: &[&Value]| -> Vec<(String, String)> {
            fs.iter()
                .map(|f| {
                    (
                        f["id"].as_str().unwrap().to_string(),
                        f["voucher"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(ids(&got), ids(&base_f), "{name}");
        for w in written {
            let f = got
                .iter()
                .find(|f| f["evidence"][0]["voucher_text"] == w)
                .unwrap_or_else(|| panic!("{name}: no evidence written {w}: {got:?}"));
            assert_eq!(f["evidence"][1]["voucher_text"], w, "{name}");
            assert!(
                f["facts"]
                    .to_string()
                    .contains(&format!("账上凭证号写作“{w}”")),
                "{name}: {}",
                f["facts"]
            );
        }
        // 记-7 is written as the label says: evidence carries it, no fact.
        let seven = got
            .iter()
            .find(|f| f["voucher"].as_str().unwrap().ends_with("记-7"))
            .unwrap();
        assert_eq!(seven["evidence"][0]["voucher_text"], "记-7");
        assert!(!seven["facts"].to_string().contains("账上凭证号写作"));
    }
}

/// 凭证字 and 凭证号 in two columns: written as `字-号`.
#[test]
fn a_voucher_number_in_two_columns_is_shown_as_kind_and_number_written() {
    let d = tmp();
    let path = d.path().join("两列.csv");
    std::fs::write(
        &path,
        "日期,凭证字,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-03-25,付,0012,付办公费,5001,业务活动费用,100.00,\n\
         2023-03-25,付,0012,付办公费,1002,银行存款,,100.00\n",
    )
    .unwrap();
    let doc = check(d.path(), &path);
    let f = findings(&doc);
    assert_eq!(f.len(), 1);
    assert!(f[0]["voucher"].as_str().unwrap().ends_with("付-12"));
    assert_eq!(f[0]["evidence"][0]["voucher_text"], "付-0012");
}

#[test]
fn the_workbook_shows_the_voucher_number_as_written_beside_the_label() {
    let d = tmp();
    let dir = d.path();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    weekend_ledger(&dir.join("data/序时账.csv"), ["记-0005", "付-0012", "记-7"]);
    std::fs::write(
        dir.join("engagement.toml"),
        "[engagement]\nid = \"t\"\ntitle = \"t\"\ndepartment = \"某局\"\nyear = 2023\n\n\
         [[entities]]\nname = \"局机关\"\nledgers = [\"data/序时账.csv\"]\n\n\
         [sampling]\nseed = 1\n\n\
         [[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nn = 3\nmethod = \"random\"\n",
    )
    .unwrap();
    let out = dir.join("out");
    let mut cmd = bin();
    cmd.arg("run")
        .arg(dir)
        .arg("--out")
        .arg(&out)
        .arg("--quiet");
    let o = output_within(cmd, 120);
    assert!(o.status.success(), "{}", stderr(&o));
    let book = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .unwrap();
    let mut wb = open_workbook_auto(&book).unwrap();
    let mut sheets_with_column = 0;
    for name in wb.sheet_names().to_vec() {
        let r = wb.worksheet_range(&name).unwrap();
        let rows: Vec<Vec<String>> = r
            .rows()
            .map(|row| {
                row.iter()
                    .map(|c| match c {
                        Data::String(s) => s.clone(),
                        Data::Empty => String::new(),
                        x => x.to_string(),
                    })
                    .collect()
            })
            .collect();
        let Some((h, c)) = rows.iter().enumerate().find_map(|(i, row)| {
            row.iter()
                .position(|x| x == "凭证号（原文）")
                .map(|c| (i, c))
        }) else {
            continue;
        };
        sheets_with_column += 1;
        let written: Vec<&str> = rows[h + 1..]
            .iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.as_str())
            .filter(|s| !s.is_empty())
            .collect();
        assert!(written.contains(&"记-0005"), "{name}: {written:?}");
        assert!(written.contains(&"付-0012"), "{name}: {written:?}");
        // The label column keeps the normalised number.
        let all = rows.concat().join("|");
        assert!(all.contains("记-5") && !all.contains("记-05|"), "{name}");
    }
    assert_eq!(sheets_with_column, 2, "D2 and E2 carry the column");
}

// ---- Dates without a year (issue 16) -------------------------------------------------------

fn load_rows(
    files: &[std::path::PathBuf],
    year: Option<i32>,
) -> anyhow::Result<reeval::load::Loaded> {
    reeval::load::load(&reeval::load::LoadRequest {
        ledgers: files.to_vec(),
        year,
        keep_rows: true,
        ..Default::default()
    })
}

fn dates(l: &reeval::load::Loaded) -> Vec<String> {
    l.lines.iter().map(|x| x.date.to_string()).collect()
}

const NO_YEAR_BODY: &str = "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
    01-05,记-1,购纸,5001,业务活动费用,10.00,\n\
    1-5,记-1,购纸,1002,银行存款,,10.00\n\
    1月6日,记-2,购笔,5001,业务活动费用,5.00,\n\
    01/06,记-2,购笔,1002,银行存款,,5.00\n\
    １２月３１号,记-3,结转,5001,业务活动费用,1.00,\n\
    12/31,记-3,结转,1002,银行存款,,1.00\n";

#[test]
fn dates_without_a_year_take_the_title_period_year() {
    let d = tmp();
    for (name, title) in [
        ("甲.csv", "核算单位：某局,,会计期间：2023年1月-12月\n"),
        ("乙.csv", "某局2023年度序时账\n"),
        ("丙.csv", "编制单位,某局,期间,2023.01-2023.12,单位：元\n"),
    ] {
        let path = d.path().join(name);
        std::fs::write(&path, format!("{title}{NO_YEAR_BODY}")).unwrap();
        // The title wins over the engagement's year.
        let l = load_rows(std::slice::from_ref(&path), Some(2030)).unwrap();
        let f = &l.report.files[0];
        assert_eq!(f.rows_rejected, 0, "{name}: {:?}", f.rejections);
        assert_eq!(
            dates(&l),
            [
                "2023-01-05",
                "2023-01-05",
                "2023-01-06",
                "2023-01-06",
                "2023-12-31",
                "2023-12-31"
            ],
            "{name}"
        );
        assert_eq!(l.lines[4].period, 12, "{name}");
    }
}

#[test]
fn dates_without_a_year_take_the_sheet_name_then_the_engagement_year() {
    let d = tmp();
    // An xlsx whose sheet name holds the year and whose title holds none.
    let path = d.path().join("序时账.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("2022年序时账").unwrap();
    for (r, line) in NO_YEAR_BODY.lines().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            match v.parse::<f64>() {
                Ok(n) if r > 0 && c >= 5 => ws.write_number(r as u32, c as u16, n),
                _ => ws.write_string(r as u32, c as u16, v),
            }
            .unwrap();
        }
    }
    wb.save(&path).unwrap();
    let l = load_rows(std::slice::from_ref(&path), Some(2030)).unwrap();
    assert_eq!(l.report.files[0].rows_rejected, 0);
    assert!(
        dates(&l).iter().all(|x| x.starts_with("2022-")),
        "{:?}",
        dates(&l)
    );

    // No year anywhere in the file: the engagement's (or --year's).
    let plain = d.path().join("明细.csv");
    std::fs::write(&plain, NO_YEAR_BODY).unwrap();
    let l = load_rows(std::slice::from_ref(&plain), Some(2024)).unwrap();
    assert_eq!(l.report.files[0].rows_rejected, 0);
    assert!(
        dates(&l).iter().all(|x| x.starts_with("2024-")),
        "{:?}",
        dates(&l)
    );
    let (o, rep) = cli_load(d.path(), &[p(&plain), "--year", "2024"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(rep.unwrap()["files"][0]["rows_loaded"], 6);

    // No year known at all: every row rejected with the reason, exit 2.
    let err = load_rows(std::slice::from_ref(&plain), None).err().unwrap();
    let err = format!("{err:#}");
    assert!(err.contains("没有年份") && err.contains("01-05"), "{err}");
    let (o, _) = cli_load(d.path(), &[p(&plain)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("没有年份"), "{}", stderr(&o));
}

/// Look-alikes in a date column are never read as a month and a day: each is rejected with
/// its own reason (and a day that does not exist in the year is named as such).
#[test]
fn look_alikes_of_dates_without_a_year_are_rejected_not_read() {
    let d = tmp();
    let path = d.path().join("近似.csv");
    let mut text = String::from("会计期间：2023年\n日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n");
    text.push_str(
        "01-05,记-1,购纸,5001,业务活动费用,10.00,\n01-05,记-1,购纸,1002,银行存款,,10.00\n",
    );
    let looks = [
        "13-05",
        "1月",
        "记-5",
        "5001-01",
        "1-5-2",
        "第1期",
        "1月5日下午",
        "02-30",
    ];
    for (i, v) in looks.iter().enumerate() {
        text.push_str(&format!("{v},记-{},x,5001,业务活动费用,1.00,\n", i + 10));
    }
    std::fs::write(&path, text).unwrap();
    let l = load_rows(std::slice::from_ref(&path), Some(2023)).unwrap();
    let f = &l.report.files[0];
    assert_eq!(f.rows_loaded, 2, "{:?}", f.rejections);
    assert_eq!(f.rows_rejected, looks.len(), "{:?}", f.rejections);
    for r in &f.rejections {
        assert!(!r.reason.contains("没有年份"), "{r:?}");
    }
    assert!(f
        .rejections
        .iter()
        .any(|r| r.reason.contains("日期不存在") && r.reason.contains("02-30")));
}
