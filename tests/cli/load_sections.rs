//! 明细账 layouts whose account stands only in a section heading above each block (issue 16):
//! `科目：5001 业务活动费用`, `会计科目：100201 银行存款-基本户`, `[4001]财政拨款收入`; the lines
//! below have no 科目 column; each block's 期初余额 / 本月合计 / 本年累计 rows belong to its
//! account. The account fills down to the next heading; heading rows are recognised (not
//! loaded, not rejected). Fixtures written here, as CSV and as xlsx.

use crate::common::*;
use reeval::load::{load, LoadRequest, Loaded};
use std::path::{Path, PathBuf};

/// Rows of text; in the xlsx, amount-looking cells of columns D, E and G become numbers.
fn write(path: &Path, rows: &[Vec<&str>]) {
    if path.extension().is_some_and(|x| x == "xlsx") {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("明细账").unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                let (r, c) = (r as u32, c as u16);
                match v.parse::<f64>() {
                    Ok(n) if [3, 4, 6].contains(&c) => ws.write_number(r, c, n),
                    _ => ws.write_string(r, c, *v),
                }
                .unwrap();
            }
        }
        wb.save(path).unwrap();
    } else {
        let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
        std::fs::write(path, text).unwrap();
    }
}

const HEADER: [&str; 7] = ["日期", "凭证号", "摘要", "借方", "贷方", "方向", "余额"];

/// Three blocks, one per heading wording given; the first heading above the header.
fn ledger(headings: [&str; 3], repeat_header: bool) -> Vec<Vec<&'static str>> {
    let h: Vec<&'static str> = headings
        .iter()
        .map(|s| &*Box::leak(s.to_string().into_boxed_str()))
        .collect();
    let mut rows = vec![
        vec!["明细账"],
        vec!["核算单位：某局", "", "", "", "期间：2023年1月-12月"],
        vec![h[0]],
        HEADER.to_vec(),
        vec!["01-01", "", "期初余额", "", "", "平", "0.00"],
        vec!["2023-01-05", "记-1", "购纸", "10.00", "", "借", "10.00"],
        vec!["2023-01-06", "记-2", "购笔", "5.00", "", "借", "15.00"],
        vec!["", "", "本月合计", "15.00", "0.00", "借", "15.00"],
        vec!["2023-02-03", "记-1", "购墨", "7.00", "", "借", "22.00"],
        vec!["", "", "本月合计", "7.00", "0.00", "借", "22.00"],
        vec!["", "", "本年累计", "22.00", "0.00", "借", "22.00"],
        vec![h[1]],
    ];
    if repeat_header {
        rows.push(HEADER.to_vec());
    }
    rows.extend([
        vec!["", "", "上年结转", "", "", "借", "100.00"],
        vec!["2023-01-05", "记-1", "购纸", "", "10.00", "借", "90.00"],
        vec!["2023-01-06", "记-2", "购笔", "", "5.00", "借", "85.00"],
        vec!["", "", "1月合计", "0.00", "15.00", "借", "85.00"],
        vec!["2023-02-03", "记-1", "购墨", "", "7.00", "借", "78.00"],
        vec!["", "", "本年累计", "0.00", "22.00", "借", "78.00"],
        vec![h[2]],
    ]);
    if repeat_header {
        rows.push(HEADER.to_vec());
    }
    rows.extend([
        vec!["", "", "期初余额", "", "", "贷", "30.00"],
        vec!["", "", "本年累计", "0.00", "0.00", "贷", "30.00"],
    ]);
    rows
}

fn load_one(path: &Path) -> Loaded {
    load(&LoadRequest {
        ledgers: vec![path.to_path_buf()],
        keep_rows: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()))
}

fn accounts(l: &Loaded) -> Vec<(String, String, String)> {
    l.lines
        .iter()
        .map(|x| {
            (
                x.account_code.clone(),
                x.date.to_string(),
                format!("{}/{}", x.debit.to_yuan(), x.credit.to_yuan()),
            )
        })
        .collect()
}

fn check_blocks(l: &Loaded, what: &str, code_a: &str, code_b: &str, code_c: &str) {
    let f = &l.report.files[0];
    assert_eq!(f.rows_rejected, 0, "{what}: {:?}", f.rejections);
    assert_eq!(f.rows_loaded, 6, "{what}");
    let got = accounts(l);
    let want: Vec<(String, String, String)> = [
        (code_a, "2023-01-05", "10.00/0.00"),
        (code_a, "2023-01-06", "5.00/0.00"),
        (code_a, "2023-02-03", "7.00/0.00"),
        (code_b, "2023-01-05", "0.00/10.00"),
        (code_b, "2023-01-06", "0.00/5.00"),
        (code_b, "2023-02-03", "0.00/7.00"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want, "{what}");
    // Each block's opening row is its account's opening balance.
    let mut opening: Vec<(String, i64)> = Vec::new();
    let frame = &l.frames.opening;
    let codes = frame.column("account_code").unwrap().str().unwrap();
    let bal = frame.column("balance_fen").unwrap().i64().unwrap();
    for i in 0..frame.height() {
        opening.push((codes.get(i).unwrap().to_string(), bal.get(i).unwrap()));
    }
    opening.sort();
    let mut want_open = vec![
        (code_a.to_string(), 0),
        (code_b.to_string(), 10_000),
        (code_c.to_string(), -3_000),
    ];
    want_open.sort();
    assert_eq!(opening, want_open, "{what}");
    // Every block total reconciles with its own block's lines.
    assert_eq!(f.totals_checked.len(), 6, "{what}");
    assert!(
        f.totals_checked.iter().all(|t| t.matches),
        "{what}: {:?}",
        f.totals_checked
    );
    // The vouchers balance across the blocks (each voucher's two sides sit in two blocks).
    assert!(
        f.vouchers_unbalanced.is_empty(),
        "{what}: {:?}",
        f.vouchers_unbalanced
    );
    assert!(
        f.duplicate_voucher_numbers.is_empty(),
        "{what}: {:?}",
        f.duplicate_voucher_numbers
    );
    assert!(f.warnings.is_empty(), "{what}: {:?}", f.warnings);
}

#[test]
fn section_headed_ledgers_take_the_account_from_each_heading_csv_and_xlsx() {
    let d = tmp();
    for (i, (headings, repeat)) in [
        (
            [
                "科目：5001 业务活动费用",
                "会计科目：100201 银行存款-基本户",
                "[4001]财政拨款收入",
            ],
            false,
        ),
        (
            [
                "[5001]业务活动费用",
                "科目：100201 银行存款-基本户",
                "会计科目：4001 财政拨款收入",
            ],
            true,
        ),
        (
            [
                "会计科目：5001 业务活动费用",
                "【100201】银行存款-基本户",
                "科目：4001 财政拨款收入",
            ],
            true,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        for ext in ["csv", "xlsx"] {
            let path = d.path().join(format!("明细账{i}.{ext}"));
            write(&path, &ledger(headings, repeat));
            let l = load_one(&path);
            let what = format!("{}", path.display());
            check_blocks(&l, &what, "5001", "100201", "4001");
            // Heading rows (and repeated headers) are recognised, not loaded, not rejected.
            let s = &l.report.files[0].sheets[0];
            let expected_headings = 2 + if repeat { 2 } else { 0 };
            let above = 4; // 明细账, 核算单位, the first heading, the header itself
            assert_eq!(
                s.rows_skipped_header,
                above + expected_headings,
                "{what}: {s:?}"
            );
            assert_eq!(
                s.rows_loaded
                    + s.rows_opening
                    + s.rows_skipped_header
                    + s.rows_skipped_total
                    + s.rows_skipped_blank
                    + s.rows_rejected,
                s.rows_read,
                "{what}: {s:?}"
            );
        }
    }
}

/// The heading's value in the next cell after `科目：`, and a name path resolved through the
/// chart (`科目：业务活动费用/商品和服务费用/办公费` → 5001 + 30201).
#[test]
fn a_heading_value_in_the_next_cell_or_as_a_name_path_resolves() {
    let d = tmp();
    let rows = vec![
        vec!["核算单位：某局", "", "会计期间：2023年"],
        vec!["科目：", "业务活动费用/商品和服务费用/办公费"],
        HEADER.to_vec(),
        vec!["2023-01-05", "记-1", "购纸", "10.00", "", "借", "10.00"],
        vec!["会计科目：", "1011 零余额账户用款额度"],
        vec!["2023-01-05", "记-1", "购纸", "", "10.00", "贷", "10.00"],
    ];
    for ext in ["csv", "xlsx"] {
        let path = d.path().join(format!("下一格.{ext}"));
        write(&path, &rows);
        let l = load_one(&path);
        let f = &l.report.files[0];
        assert_eq!(f.rows_rejected, 0, "{ext}: {:?}", f.rejections);
        let got: Vec<(&str, Option<&str>)> = l
            .lines
            .iter()
            .map(|x| (x.account_code.as_str(), x.econ.code.as_deref()))
            .collect();
        assert_eq!(got, [("5001", Some("30201")), ("1011", None)], "{ext}");
    }
}

/// Look-alikes: a ledger with a 科目 column keeps reading it (a `科目：全部` title changes
/// nothing); a row `2001年补发工资` alone is no heading (2001 is 短期借款's code, but the text
/// does not name it); a heading-like row with an amount is no heading; a table with neither a
/// 科目 column nor headings still has no usable header (exit 2, the expectation named).
#[test]
fn section_heading_look_alikes_change_no_account() {
    let d = tmp();
    // A 序时账 with its own 科目 columns.
    let normal = d.path().join("序时账.csv");
    std::fs::write(
        &normal,
        "科目：全部,期间：2023年\n\
         日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-01-05,记-1,购纸,5001,业务活动费用,10.00,\n\
         科目：2307 其他应付款,,,,,,\n\
         2023-01-05,记-1,购纸,1002,银行存款,,10.00\n",
    )
    .unwrap();
    let l = load_one(&normal);
    let codes: Vec<&str> = l.lines.iter().map(|x| x.account_code.as_str()).collect();
    assert_eq!(codes, ["5001", "1002"]);

    // Within a block: a lone 摘要 that starts with an account's code, and a heading-like row
    // that carries an amount, leave the block's account as it was.
    let rows = vec![
        vec!["期间：2023年"],
        vec!["科目：5001 业务活动费用"],
        HEADER.to_vec(),
        vec!["2023-01-05", "记-1", "购纸", "10.00", "", "借", "10.00"],
        vec!["2001年补发工资"],
        vec!["2023-01-06", "记-2", "购笔", "5.00", "", "借", "15.00"],
        vec!["科目：2307 其他应付款", "", "", "3.00", "", "", ""],
        vec!["2023-01-07", "记-3", "购墨", "7.00", "", "借", "22.00"],
    ];
    for ext in ["csv", "xlsx"] {
        let path = d.path().join(format!("近似.{ext}"));
        write(&path, &rows);
        let l = load_one(&path);
        let s = &l.report.files[0].sheets[0];
        assert_eq!(s.rows_skipped_header, 3, "{ext}: {s:?}"); // 期间, the heading, the header
                                                              // Both look-alikes are rows of the block that cannot be read: rejected with a reason.
        assert_eq!(s.rows_rejected, 2, "{ext}: {s:?}");
        let codes: Vec<(&str, String)> = l
            .lines
            .iter()
            .map(|x| (x.account_code.as_str(), x.date.to_string()))
            .collect();
        for (code, _) in &codes {
            assert_eq!(*code, "5001", "{ext}: {codes:?}");
        }
        assert!(
            codes.iter().any(|(_, d)| d == "2023-01-07"),
            "{ext}: {codes:?}"
        );
    }

    // A line above the first heading has no account: rejected saying so.
    let early = d.path().join("先行.csv");
    std::fs::write(
        &early,
        "期间：2023年
日期,凭证号,摘要,借方,贷方
         2023-01-05,记-1,购纸,10.00,
         科目：5001 业务活动费用
         2023-01-06,记-2,购笔,5.00,
",
    )
    .unwrap();
    let l = load_one(&early);
    let f = &l.report.files[0];
    assert_eq!(
        (f.rows_loaded, f.rows_rejected),
        (1, 1),
        "{:?}",
        f.rejections
    );
    assert_eq!(f.rejections[0].row, 3);
    assert!(
        f.rejections[0].reason.contains("没有科目列"),
        "{:?}",
        f.rejections
    );

    // No 科目 column and no heading: no usable header.
    let bare = d.path().join("无科目.csv");
    std::fs::write(
        &bare,
        "日期,凭证号,摘要,借方,贷方\n2023-01-05,记-1,购纸,10.00,\n",
    )
    .unwrap();
    let (o, _) = cli_load(d.path(), &[p(&bare)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("科目"), "{}", stderr(&o));
}

/// Through the command line too: `reeval load` on a section-headed 明细账 prints no
/// rejection and reports the heading rows as skipped header rows.
#[test]
fn reeval_load_reads_a_section_headed_ledger_without_a_profile() {
    let d = tmp();
    let path: PathBuf = d.path().join("明细账.xlsx");
    write(
        &path,
        &ledger(
            [
                "科目：5001 业务活动费用",
                "会计科目：100201 银行存款-基本户",
                "[4001]财政拨款收入",
            ],
            true,
        ),
    );
    let (o, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rep = rep.unwrap();
    let f = &rep["files"][0];
    assert_eq!(f["rows_rejected"], 0);
    assert_eq!(f["rows_loaded"], 6);
    assert_eq!(f["rows_opening"], 3);
    assert_eq!(f["entity"], "某局");
}
