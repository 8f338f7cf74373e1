//! Held-out re-test of the loader on other vendors' exports and hostile files (session 32):
//! each defect found is tested here by class — several wordings that must load, and the
//! look-alikes that must not be misread. Exports are written here from scratch (CSV text, or
//! .xlsx through rust_xlsxwriter), in the shapes 用友 / 浪潮 / 金蝶 / 久其 style software prints.

use crate::common::*;
use reeval::load::{load, LoadRequest, Loaded};
use std::path::{Path, PathBuf};

const HEADER: &str = "日期,凭证号,摘要,科目编码,科目名称,借方,贷方";

/// Two balanced vouchers, four lines (debits 1,234.50 + 88.00).
const LINES: &str = "2023-01-05,记-1,购办公用品,5001,业务活动费用,1234.50,\n\
                     2023-01-05,记-1,购办公用品,1011,零余额账户用款额度,,1234.50\n\
                     2023-01-06,记-2,付快递费,5001,业务活动费用,88.00,\n\
                     2023-01-06,记-2,付快递费,1001,库存现金,,88.00\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn load_ok(files: &[PathBuf]) -> Loaded {
    load(&LoadRequest {
        ledgers: files.to_vec(),
        keep_rows: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}"))
}

fn load_err(file: &Path) -> String {
    match load(&LoadRequest {
        ledgers: vec![file.to_path_buf()],
        ..Default::default()
    }) {
        Ok(_) => panic!("{} loaded", file.display()),
        Err(e) => format!("{e:#}"),
    }
}

/// Class: a record-count footer closing the table (`共 N 条` and its wordings) was rejected as
/// a line without an account. Each wording, in a CSV's last row, in column A of an .xlsx and in
/// a GBK CSV, is skipped: every data row loads, nothing is rejected.
#[test]
fn count_footers_closing_a_table_are_skipped_in_every_wording() {
    let d = tmp();
    let wordings = [
        "共 4 条",
        "共4条记录",
        "记录数：4",
        "合计：2笔",
        "总计 1,234 条",
        "共 2 张凭证",
        "共４条",
        "本页 4 行",
    ];
    for (i, w) in wordings.iter().enumerate() {
        let csv = write(
            d.path(),
            &format!("f{i}.csv"),
            &format!("{HEADER}\n{LINES}\"{w}\"\n"),
        );
        let l = load_ok(&[csv]);
        let f = &l.report.files[0];
        assert_eq!(f.rows_rejected, 0, "{w}: {:?}", f.rejections);
        assert_eq!(l.report.summary.lines_loaded, 4, "{w}");
    }
    // GBK, CRLF, the footer quoted in its own cell and followed by empty cells.
    let text = format!(
        "{HEADER}\r\n{}\"共 4 条\",,,,,,\r\n",
        LINES.replace('\n', "\r\n")
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let p = d.path().join("gbk.csv");
    std::fs::write(&p, &gbk).unwrap();
    let l = load_ok(std::slice::from_ref(&p));
    assert_eq!(l.report.files[0].rows_rejected, 0);
    assert_eq!(l.report.summary.lines_loaded, 4);
    // .xlsx: the footer in column A below the last line.
    let x = d.path().join("footer.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let mut r = 0u32;
    for line in std::iter::once(HEADER).chain(LINES.lines()) {
        for (c, v) in line.split(',').enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
        r += 1;
    }
    ws.write_string(r, 0, "共4条记录").unwrap();
    wb.save(&x).unwrap();
    let l = load_ok(&[x]);
    assert_eq!(l.report.files[0].rows_rejected, 0);
    assert_eq!(l.report.summary.lines_loaded, 4);
}

/// Look-alikes of a count footer: a row with an amount is never a footer (rejected with its
/// reason), a count of something else (`共计 3 人`) is not a shape, and a journal line whose
/// 摘要 says `共4条` stays a line.
#[test]
fn count_footer_look_alikes_are_not_skipped() {
    let d = tmp();
    // An amount beside the count: rejected, never skipped silently.
    let csv = write(
        d.path(),
        "amount.csv",
        &format!("{HEADER}\n{LINES}共 4 条,,,,,1322.50,\n"),
    );
    let l = load_ok(&[csv]);
    assert_eq!(l.report.files[0].rows_rejected, 1);
    // Not a count shape.
    for w in ["共计 3 人", "共 4 条，其中作废 1 条", "4条"] {
        let csv = write(
            d.path(),
            "other.csv",
            &format!("{HEADER}\n{LINES}\"{w}\"\n"),
        );
        let l = load_ok(&[csv]);
        assert_eq!(l.report.files[0].rows_rejected, 1, "{w}");
    }
    // A line whose 摘要 is a count: loaded as a line.
    let csv = write(
        d.path(),
        "line.csv",
        &format!(
            "{HEADER}\n{LINES}2023-01-07,记-3,共4条,5001,业务活动费用,10.00,\n\
             2023-01-07,记-3,共4条,1001,库存现金,,10.00\n"
        ),
    );
    let l = load_ok(&[csv]);
    assert_eq!(l.report.files[0].rows_rejected, 0);
    assert_eq!(l.report.summary.lines_loaded, 6);
    assert_eq!(l.lines[4].summary, "共4条");
}

/// Class: a 科目 cell with its code in brackets after the name (`业务活动费用(5001)`,
/// `办公费（500101）`, `银行存款[1002]`, `【1011】` full-width) was rejected as "没有科目编码".
/// Each bracket style loads with the code and the name apart.
#[test]
fn account_named_before_its_bracketed_code_loads() {
    let d = tmp();
    let csv = write(
        d.path(),
        "acct.csv",
        "日期,凭证号,摘要,科目,借方,贷方\n\
         2023-01-05,记-1,购办公用品,业务活动费用(5001),100.00,\n\
         2023-01-05,记-1,购办公用品,零余额账户用款额度（1011）,,100.00\n\
         2023-01-06,记-2,付快递费,办公费[500101],20.00,\n\
         2023-01-06,记-2,付快递费,库存现金【1001】,,20.00\n\
         2023-01-07,记-3,付话费,邮电费 ( 5001.02 ),30.00,\n\
         2023-01-07,记-3,付话费,银行存款-基本户(1002),,30.00\n",
    );
    let l = load_ok(&[csv]);
    assert_eq!(l.report.files[0].rows_rejected, 0);
    let got: Vec<(&str, &str)> = l
        .lines
        .iter()
        .map(|x| (x.account_code.as_str(), x.account_name.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("5001", "业务活动费用"),
            ("1011", "零余额账户用款额度"),
            ("500101", "办公费"),
            ("1001", "库存现金"),
            ("5001.02", "邮电费"),
            ("1002", "银行存款-基本户(1002)"),
        ]
    );
}

/// Look-alikes: brackets that hold no account of the chart stay rejected with the reason —
/// an 经济分类 code (`办公费(30201)`), a year (`会议费(2023)`), a short number (`暂付款(2)`),
/// a remark (`办公费(退回)`) — and a name path keeps resolving by its names.
#[test]
fn bracketed_numbers_that_are_no_account_are_not_read_as_codes() {
    let d = tmp();
    for (i, acct) in ["办公费(30201)", "会议费(2023)", "暂付款(2)", "办公费(退回)"]
        .iter()
        .enumerate()
    {
        let csv = write(
            d.path(),
            &format!("x{i}.csv"),
            &format!(
                "日期,凭证号,摘要,科目,借方,贷方\n\
                 2023-01-05,记-1,x,{acct},100.00,\n\
                 2023-01-05,记-1,x,1011 零余额账户用款额度,,100.00\n"
            ),
        );
        let l = load_ok(&[csv]);
        let f = &l.report.files[0];
        assert_eq!(f.rows_rejected, 1, "{acct}");
        assert!(
            f.rejections[0].reason.contains("没有科目编码"),
            "{acct}: {}",
            f.rejections[0].reason
        );
    }
    let csv = write(
        d.path(),
        "path.csv",
        "日期,凭证号,摘要,科目,借方,贷方\n\
         2023-01-05,记-1,x,业务活动费用/商品和服务费用/办公费(30201),100.00,\n\
         2023-01-05,记-1,x,1011 零余额账户用款额度,,100.00\n",
    );
    let l = load_ok(&[csv]);
    assert_eq!(l.report.files[0].rows_rejected, 0);
    assert_eq!(l.lines[0].account_code, "5001");
}

/// Class: a trailing minus (`88.00-`, `1,234.50-`, full-width `８８．００－`) — a reversal as
/// some ledgers print it — was rejected as "不是金额". It reads as a negative amount, and the
/// voucher balances; a minus inside a number (`1-2`) or alone stays what it was.
#[test]
fn trailing_minus_amounts_read_as_reversals() {
    let d = tmp();
    let csv = write(
        d.path(),
        "neg.csv",
        "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
         2023-02-28,记-20,红字冲销水费,5001,业务活动费用,88.00-,\n\
         2023-02-28,记-20,红字冲销水费,1011,零余额账户用款额度,,88.00-\n\
         2023-02-28,记-21,红字冲销电费,5001,业务活动费用,\"1,234.50-\",\n\
         2023-02-28,记-21,红字冲销电费,1011,零余额账户用款额度,,８８．００－\n\
         2023-02-28,记-21,红字冲销电费,1011,零余额账户用款额度,,\"1,146.50-\"\n",
    );
    let l = load_ok(&[csv]);
    let f = &l.report.files[0];
    assert_eq!(f.rows_rejected, 0, "{:?}", f.rejections);
    let debits: Vec<i64> = l.lines.iter().map(|x| x.debit.0).collect();
    let credits: Vec<i64> = l.lines.iter().map(|x| x.credit.0).collect();
    assert_eq!(debits, [-8800, 0, -123450, 0, 0]);
    assert_eq!(credits, [0, -8800, 0, -8800, -114650]);
    assert!(f.vouchers_unbalanced.is_empty());
    for bad in ["1-2", "--5", "88.00--", "-"] {
        let csv = write(
            d.path(),
            "bad.csv",
            &format!(
                "日期,凭证号,摘要,科目编码,科目名称,借方,贷方\n\
                 2023-02-28,记-20,x,5001,业务活动费用,{bad},\n\
                 2023-02-28,记-20,x,1011,零余额账户用款额度,,1.00\n\
                 2023-02-28,记-20,x,1011,零余额账户用款额度,,-1.00\n"
            ),
        );
        let l = load_ok(&[csv]);
        let f = &l.report.files[0];
        if bad == "-" {
            // `-` alone is zero, as before.
            assert_eq!(f.rows_rejected, 0, "{bad}");
        } else {
            assert_eq!(f.rows_rejected, 1, "{bad}");
            assert!(f.rejections[0].reason.contains("不是金额"), "{bad}");
        }
    }
}

/// Class: 本币借方 / 本位币贷方 — the 借贷 header words in the other order some exports use —
/// were no known header (no header found, exit 2). Each wording is read as 借方/贷方, beside
/// 原币借方/原币贷方 columns that are not taken for them.
#[test]
fn local_currency_debit_credit_headers_in_either_order_are_read() {
    let d = tmp();
    for (dr, cr) in [
        ("本币借方", "本币贷方"),
        ("本位币借方", "本位币贷方"),
        ("借方本位币", "贷方本位币"),
        ("借方本币金额", "贷方本币金额"),
        ("本币借方金额", "本币贷方金额"),
    ] {
        let csv = write(
            d.path(),
            "h.csv",
            &format!(
                "日期,凭证号,摘要,科目编码,科目名称,原币借方,{dr},原币贷方,{cr}\n\
                 2023-01-05,记-1,x,5001,业务活动费用,1.00,7.00,,\n\
                 2023-01-05,记-1,x,1011,零余额账户用款额度,,,1.00,7.00\n"
            ),
        );
        let l = load_ok(&[csv]);
        assert_eq!(l.report.files[0].rows_rejected, 0, "{dr}");
        assert_eq!(l.lines[0].debit.0, 700, "{dr}");
        assert_eq!(l.lines[1].credit.0, 700, "{cr}");
    }
}

/// Class: a ledger with a header (and titles) but not one line loaded with exit 0 and an empty
/// result. It is an error naming the file, exit 2, in .xlsx and CSV alike; a file with one
/// line still loads.
#[test]
fn a_ledger_with_a_header_and_no_line_is_an_error() {
    let d = tmp();
    let csv = write(d.path(), "header-only.csv", &format!("{HEADER}\n"));
    let titled = write(
        d.path(),
        "titled.csv",
        &format!("序时账\n单位：某县人社局,,期间：2023年\n{HEADER}\n合计,,,,,0.00,0.00\n共 0 条\n"),
    );
    for f in [&csv, &titled] {
        let e = load_err(f);
        assert!(e.contains("只有表头，没有任何分录行"), "{e}");
        let (out, _) = cli_load(d.path(), &[p(f)]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("只有表头"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
    let x = d.path().join("header-only.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, v) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, v).unwrap();
    }
    wb.save(&x).unwrap();
    assert!(load_err(&x).contains("只有表头"));
    let one = write(
        d.path(),
        "one.csv",
        &format!("{HEADER}\n2023-01-05,记-1,x,5001,业务活动费用,0.00,\n"),
    );
    assert_eq!(load_ok(&[one]).report.summary.lines_loaded, 1);
}

/// Class: messages listing columns grew with the sheet — a 60,000-column row printed a
/// 1.2 MB line of unread columns, and a sheet of 60,000 unknown headers an error of the same
/// size. The lists stop at 30 names and count the rest; the JSON report keeps every column.
#[test]
fn a_sheet_of_sixty_thousand_columns_gives_short_messages() {
    let d = tmp();
    let extra: Vec<String> = (0..60_000).map(|i| format!("列{i}")).collect();
    let csv = write(
        d.path(),
        "wide.csv",
        &format!(
            "{HEADER},{}\n2023-01-05,记-1,x,5001,业务活动费用,1.00,\n2023-01-05,记-1,x,1011,零余额账户用款额度,,1.00\n",
            extra.join(",")
        ),
    );
    let (out, json) = cli_load(d.path(), &[p(&csv)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out) + &stderr(&out);
    assert!(text.len() < 8_000, "{} bytes printed", text.len());
    assert!(text.contains("等 60000 列"), "{text}");
    let json = json.unwrap();
    let ignored = json["files"][0]["sheets"][0]["ignored_columns"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(ignored, 60_000);
    // No header among 60,000 unknown names: exit 2, a short sentence.
    let unknown = write(
        d.path(),
        "unknown.csv",
        &format!("{}\n{}\n", extra.join(","), extra.join(",")),
    );
    let (out, _) = cli_load(d.path(), &[p(&unknown)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).len() < 8_000, "{} bytes", stderr(&out).len());
    assert!(stderr(&out).contains("等 60000 列"), "{}", stderr(&out));
}

fn with_tables(ledger: PathBuf, assets: Vec<PathBuf>, balances: Vec<PathBuf>) -> Loaded {
    load(&LoadRequest {
        ledgers: vec![ledger],
        assets,
        balances,
        keep_rows: true,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e:#}"))
}

/// Class: a title or footer line below a register's rows (`共 4 条`, `共2条记录`,
/// `制表人：张三  审核人：李四`, `第 1 页 共 1 页`) was loaded as an asset whose 资产编号 is the
/// footer's text (资产云 style .xlsx and GBK CSV alike). Skipped now; the register's count and
/// 原值 are the real rows'. Look-alike: a real asset with no amounts whose 编号 is a number
/// stays an asset, and a footer-worded row with an amount is kept as written, never skipped.
#[test]
fn register_footers_and_sign_off_lines_are_no_assets() {
    let d = tmp();
    let ledger = write(d.path(), "l.csv", &format!("{HEADER}\n{LINES}"));
    let head = "资产编号,资产名称,资产分类名称,取得日期,原值,累计折旧,净值\n";
    let rows = "2019001,台式计算机,台式机,2019-05-10,5680.00,3408.00,2272.00\n\
                2015002,办公楼,办公用房,2015-01-01,\"12,500,000.00\",\"2,500,000.00\",\"10,000,000.00\"\n";
    for (i, footer) in [
        "共 2 条",
        "共2条记录",
        "制表人：张三,,审核人：李四",
        "第 1 页 共 1 页",
        "记录数：2",
    ]
    .iter()
    .enumerate()
    {
        let text = format!("{head}{rows}{footer}\n");
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let a = d.path().join(format!("a{i}.csv"));
        std::fs::write(&a, &gbk).unwrap();
        let l = with_tables(ledger.clone(), vec![a], vec![]);
        let f = l.report.files.iter().find(|f| f.kind == "assets").unwrap();
        assert_eq!(l.report.summary.assets_loaded, 2, "{footer}");
        assert_eq!(f.rows_rejected, 0, "{footer}: {:?}", f.rejections);
        assert_eq!(f.totals.original.unwrap().0, 1_250_568_000, "{footer}");
    }
    // A real asset without amounts (a donated item booked at 0) stays an asset.
    let a = write(
        d.path(),
        "zero.csv",
        &format!("{head}{rows}2023009,捐赠书柜,家具,2023-07-15,,,\n"),
    );
    let l = with_tables(ledger.clone(), vec![a], vec![]);
    assert_eq!(l.report.summary.assets_loaded, 3);
    // A footer-worded row with an amount is not skipped.
    let a = write(
        d.path(),
        "amount.csv",
        &format!("{head}{rows}共 2 条,,,,5680.00,,\n"),
    );
    let l = with_tables(ledger, vec![a], vec![]);
    let f = l.report.files.iter().find(|f| f.kind == "assets").unwrap();
    assert_eq!(l.report.summary.assets_loaded, 3);
    assert_eq!(f.rows_rejected, 0);
}

/// Class: the same footer and sign-off lines below a 科目余额表 were rejected as rows with no
/// account code. Skipped now; a row with an account keeps loading.
#[test]
fn balance_table_footers_are_skipped_not_rejected() {
    let d = tmp();
    let ledger = write(d.path(), "l.csv", &format!("{HEADER}\n{LINES}"));
    for footer in ["共 3 条", "制表人：张三,,审核人：李四", "记录数：3"] {
        let b = write(
            d.path(),
            "b.csv",
            &format!(
                "科目编码,科目名称,期初余额借方,期初余额贷方\n\
                 1001,库存现金,500.00,\n\
                 1011,零余额账户用款额度,2000.00,\n\
                 3001,累计盈余,,2500.00\n\
                 {footer}\n"
            ),
        );
        let l = with_tables(ledger.clone(), vec![], vec![b]);
        let f = l
            .report
            .files
            .iter()
            .find(|f| f.kind == "balances")
            .unwrap();
        assert_eq!(f.rows_rejected, 0, "{footer}: {:?}", f.rejections);
        assert_eq!(l.report.summary.opening_balances, 3, "{footer}");
    }
}

/// Class: a workbook whose second sheet repeats the first (a hidden `序时账(备份)` or a visible
/// copy) loaded every voucher twice, merged into vouchers of double amounts that still
/// balance, with no word said. The load now warns, naming both sheets and the vouchers.
/// Look-alike: monthly sheets (1月, 2月 …) share voucher numbers but not periods — no warning.
#[test]
fn a_copied_sheet_repeating_the_vouchers_is_warned_about() {
    let d = tmp();
    let rows: Vec<Vec<&str>> = std::iter::once(HEADER)
        .chain(LINES.lines())
        .map(|l| l.split(',').collect())
        .collect();
    let write_book = |path: &Path, sheets: &[(&str, &[Vec<&str>])], hide_second: bool| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (i, (name, rows)) in sheets.iter().enumerate() {
            let ws = wb.add_worksheet();
            ws.set_name(*name).unwrap();
            if i == 1 && hide_second {
                ws.set_hidden(true);
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if !v.is_empty() {
                        ws.write_string(r as u32, c as u16, *v).unwrap();
                    }
                }
            }
        }
        wb.save(path).unwrap();
    };
    for (name, hidden) in [("序时账(备份)", true), ("Sheet2", false)] {
        let x = d.path().join(format!("dup-{hidden}.xlsx"));
        write_book(&x, &[("序时账", &rows), (name, &rows)], hidden);
        let l = load_ok(&[x]);
        let f = &l.report.files[0];
        let w = f
            .warnings
            .iter()
            .find(|w| w.contains("凭证号和日期与工作表"))
            .unwrap_or_else(|| panic!("{name}: {:?}", f.warnings));
        assert!(
            w.contains(name) && w.contains("序时账") && w.contains("2 张凭证"),
            "{w}"
        );
        assert!(w.contains("2023-01-05 记-1"), "{w}");
    }
    // Monthly sheets: 记-1 in January and in February are two vouchers, no warning.
    let jan: Vec<Vec<&str>> = vec![
        HEADER.split(',').collect(),
        "2023-01-05,记-1,a,5001,业务活动费用,1.00,"
            .split(',')
            .collect(),
        "2023-01-05,记-1,a,1001,库存现金,,1.00".split(',').collect(),
    ];
    let feb: Vec<Vec<&str>> = vec![
        HEADER.split(',').collect(),
        "2023-02-05,记-1,b,5001,业务活动费用,2.00,"
            .split(',')
            .collect(),
        "2023-02-05,记-1,b,1001,库存现金,,2.00".split(',').collect(),
    ];
    let x = d.path().join("monthly.xlsx");
    write_book(&x, &[("1月", &jan), ("2月", &feb)], false);
    let l = load_ok(&[x]);
    let f = &l.report.files[0];
    assert!(
        !f.warnings
            .iter()
            .any(|w| w.contains("凭证号和日期与工作表")),
        "{:?}",
        f.warnings
    );
    assert_eq!(l.report.summary.vouchers, 2);
}

/// Class: the print-style lines finance exports put among a supporting table's rows (国库支付
/// 明细, 接待台账 …) — record-count footers, sign-offs, page markers, 本页合计/过次页/月份合计
/// totals — were rejected as rows with empty required fields (or, for 本页合计, as rows with an
/// unreadable date). Skipped now, in any wording the 序时账 loader knows; rows with a payee and
/// an amount keep loading, and a record whose fields are missing is still rejected.
#[test]
fn supporting_table_footers_and_totals_are_skipped_not_rejected() {
    use reeval::load::supporting::Supporting;
    let d = tmp();
    let head = "支付日期,凭证号,收款人,收款账号,金额,用途\n";
    let rows = "2023-03-01,记-12,某某餐饮有限公司,6222000011112222,1280.00,接待用餐\n\
                2023-03-05,记-15,某某印务有限公司,6222000033334444,\"3,460.00\",印刷宣传册\n";
    let skipped = |text: &str| {
        let p = write(d.path(), "base.csv", text);
        let s = Supporting::load(&[("payments".to_string(), p)], None).unwrap();
        s.get("payments").unwrap().report.rows_skipped
    };
    let base = skipped(&format!("{head}{rows}"));
    for (i, line) in [
        "共 2 条",
        "共2条记录",
        "记录数：2",
        "制表人：张三,,审核人：李四",
        "第 1 页 共 1 页",
        "本页合计,,,,4740.00,",
        ",,本页合计,,4740.00,",
        "过次页,,,,4740.00,",
        "2023年3月合计,,,,4740.00,",
        "总计,,,,4740.00,",
    ]
    .iter()
    .enumerate()
    {
        let p = write(
            d.path(),
            &format!("pay{i}.csv"),
            &format!("{head}{rows}{line}\n"),
        );
        let s = Supporting::load(&[("payments".to_string(), p)], None)
            .unwrap_or_else(|e| panic!("{line}: {e:#}"));
        let t = s.get("payments").unwrap();
        assert_eq!(t.records.len(), 2, "{line}");
        assert_eq!(
            t.report.rows_rejected, 0,
            "{line}: {:?}",
            t.report.rejections
        );
        assert_eq!(t.report.rows_skipped, base + 1, "{line}");
    }
    // Look-alikes: a record without its payee is still rejected (not taken for a footer), and
    // a payee whose name holds a footer's words is a record.
    for (line, records, rejected) in [
        ("2023-03-09,记-20,,6222000055556666,500.00,退款", 2, 1),
        (
            "2023-03-09,记-20,共享单车服务中心,6222000055556666,500.00,租车",
            3,
            0,
        ),
        (",,张三,,,", 2, 1),
    ] {
        let p = write(d.path(), "look.csv", &format!("{head}{rows}{line}\n"));
        let s = Supporting::load(&[("payments".to_string(), p)], None).unwrap();
        let t = s.get("payments").unwrap();
        assert_eq!(t.records.len(), records, "{line}");
        assert_eq!(
            t.report.rows_rejected, rejected,
            "{line}: {:?}",
            t.report.rejections
        );
    }
}

/// Class: a printed page's own total (本页合计, 本页小计, 页合计 — 用友/浪潮 print layouts put one
/// at every page's foot) was rejected as a row without an account. It is a total now, checked
/// against that page's lines (since the last page total or 过次页 line); a wrong one is reported
/// as a mismatch, and a journal line whose 摘要 reads 本页合计 stays a line.
#[test]
fn page_totals_are_checked_against_the_page_not_rejected() {
    let d = tmp();
    let page1 = "2023-01-05,记-1,购办公用品,5001,业务活动费用,1234.50,\n\
                 2023-01-05,记-1,购办公用品,1011,零余额账户用款额度,,1234.50\n";
    let page2 = "2023-01-06,记-2,付快递费,5001,业务活动费用,88.00,\n\
                 2023-01-06,记-2,付快递费,1001,库存现金,,88.00\n";
    for (i, (t1, t2)) in [
        ("本页合计", "本页合计"),
        ("本页小计", "页小计"),
        ("页合计", "本页发生额合计"),
    ]
    .iter()
    .enumerate()
    {
        let text = format!(
            "{HEADER}\n{page1},,{t1},,,1234.50,1234.50\n,,过次页,,,1234.50,1234.50\n\
             ,,承前页,,,1234.50,1234.50\n{page2},,{t2},,,88.00,88.00\n"
        );
        let f = write(d.path(), &format!("p{i}.csv"), &text);
        let l = load_ok(&[f]);
        let r = &l.report.files[0];
        assert_eq!(r.rows_rejected, 0, "{t1}/{t2}: {:?}", r.rejections);
        assert_eq!(l.report.summary.lines_loaded, 4, "{t1}/{t2}");
        let pages: Vec<_> = r
            .totals_checked
            .iter()
            .filter(|c| c.scope == "本页")
            .collect();
        assert_eq!(pages.len(), 2, "{t1}/{t2}");
        assert!(r.totals_checked.iter().all(|c| c.matches), "{t1}/{t2}");
    }
    // A page total that does not add up is a mismatch, not a rejection and not silent.
    let f = write(
        d.path(),
        "bad.csv",
        &format!("{HEADER}\n{page1},,本页合计,,,1234.00,1234.50\n{page2}"),
    );
    let l = load_ok(&[f]);
    let r = &l.report.files[0];
    assert_eq!(r.rows_rejected, 0);
    assert_eq!(r.totals_checked.iter().filter(|c| !c.matches).count(), 1);
    // A journal line (account and voucher number) whose 摘要 is 本页合计 is a line.
    let f = write(
        d.path(),
        "line.csv",
        &format!("{HEADER}\n{page1}2023-01-07,记-3,本页合计,5001,业务活动费用,10.00,\n2023-01-07,记-3,本页合计,1001,库存现金,,10.00\n"),
    );
    let l = load_ok(&[f]);
    assert_eq!(l.report.summary.lines_loaded, 4);
}

/// Class: pipe-separated text (some treasury, bank and older finance systems export `|`) was
/// refused as “not CSV”. It loads now, in UTF-8 and in GBK — where a character's second byte
/// may be 0x7C (`東`, `億`), so the GBK body is decoded before it is split — and a comma file
/// whose 摘要 holds a `|` stays a comma file.
#[test]
fn pipe_separated_exports_load_in_utf8_and_gbk() {
    let d = tmp();
    let text = format!("{}\n{}", HEADER.replace(',', "|"), LINES.replace(',', "|"))
        .replace("购办公用品", "付東方億達公司办公用品");
    let utf8 = write(d.path(), "pipe-utf8.txt", &text);
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    assert!(
        gbk.windows(2).any(|w| w[0] >= 0x81 && w[1] == b'|'),
        "a trail byte 0x7C"
    );
    let gbk_file = d.path().join("pipe-gbk.csv");
    std::fs::write(&gbk_file, &gbk).unwrap();
    for f in [utf8, gbk_file] {
        let l = load_ok(std::slice::from_ref(&f));
        let r = &l.report.files[0];
        assert_eq!(r.rows_rejected, 0, "{}: {:?}", f.display(), r.rejections);
        assert_eq!(l.report.summary.lines_loaded, 4, "{}", f.display());
        assert!(
            l.lines
                .iter()
                .any(|x| x.summary == "付東方億達公司办公用品"),
            "{}",
            f.display()
        );
    }
    // A comma file with pipes inside its 摘要 is still split on commas.
    let f = write(
        d.path(),
        "comma.csv",
        &format!("{HEADER}\n{}", LINES.replace("购办公用品", "购|办公|用品")),
    );
    let l = load_ok(&[f]);
    assert_eq!(l.report.files[0].rows_rejected, 0);
    assert_eq!(l.report.summary.lines_loaded, 4);
}

/// Class: an asset register printed page by page (本页合计 at each page's foot, 过次页/承前页
/// carrying the running total) had those rows rejected for an empty 资产编号. They are totals
/// now, checked against the page's rows and against all rows so far; a wrong one is reported.
#[test]
fn register_page_totals_and_carried_lines_are_checked_not_rejected() {
    let d = tmp();
    let ledger = write(d.path(), "l.csv", &format!("{HEADER}\n{LINES}"));
    let head = "资产编号,资产名称,资产分类名称,取得日期,原值,累计折旧,净值\n";
    let a1 = "2019001,台式计算机,台式机,2019-05-10,5680.00,3408.00,2272.00\n";
    let a2 =
        "2015002,办公楼,办公用房,2015-01-01,\"12,500,000.00\",\"2,500,000.00\",\"10,000,000.00\"\n";
    for (page, carried) in [("本页合计", "过次页"), ("页小计", "转下页")] {
        let text = format!(
            "{head}{a1},{page},,,5680.00,3408.00,2272.00\n,{carried},,,5680.00,3408.00,2272.00\n\
             {a2},{page},,,\"12,500,000.00\",\"2,500,000.00\",\"10,000,000.00\"\n\
             ,合计,,,\"12,505,680.00\",\"2,503,408.00\",\"10,002,272.00\"\n"
        );
        let a = write(d.path(), "a.csv", &text);
        let l = with_tables(ledger.clone(), vec![a], vec![]);
        let f = l.report.files.iter().find(|f| f.kind == "assets").unwrap();
        assert_eq!(l.report.summary.assets_loaded, 2, "{page}");
        assert_eq!(f.rows_rejected, 0, "{page}: {:?}", f.rejections);
        assert_eq!(f.totals_checked.len(), 4, "{page}");
        assert!(
            f.totals_checked.iter().all(|c| c.matches),
            "{page}: {:?}",
            f.totals_checked
        );
        assert_eq!(
            f.totals_checked
                .iter()
                .filter(|c| c.scope == "本页")
                .count(),
            2
        );
    }
    // A page total that does not add up is a mismatch.
    let a = write(
        d.path(),
        "bad.csv",
        &format!("{head}{a1}{a2},本页合计,,,5680.00,3408.00,2272.00\n"),
    );
    let l = with_tables(ledger, vec![a], vec![]);
    let f = l.report.files.iter().find(|f| f.kind == "assets").unwrap();
    assert_eq!(f.rows_rejected, 0);
    assert_eq!(f.totals_checked.iter().filter(|c| !c.matches).count(), 1);
}

/// Class: a voucher number with the year or period printed into it (`2023-记-12`,
/// `记-2023-0012`, `202301记0012`, `2023-01-记-0012`) rejected the whole ledger. It loads as the
/// voucher word and number (the line's date gives the period); two numbers stay two vouchers,
/// and forms with no voucher word (`2023-0012`) or no year (`1-12`) are still rejected.
#[test]
fn voucher_numbers_with_a_year_or_period_load_as_their_word_and_number() {
    let d = tmp();
    for form in [
        "2023-记-{n}",
        "记-2023-{n:04}",
        "202301记{n:04}",
        "2023-01-记-{n:04}",
    ] {
        let v = |n: u32| {
            form.replace("{n}", &n.to_string())
                .replace("{n:04}", &format!("{n:04}"))
        };
        let text = format!(
            "{HEADER}\n2023-01-05,{a},购办公用品,5001,业务活动费用,1234.50,\n\
             2023-01-05,{a},购办公用品,1011,零余额账户用款额度,,1234.50\n\
             2023-01-06,{b},付快递费,5001,业务活动费用,88.00,\n\
             2023-01-06,{b},付快递费,1001,库存现金,,88.00\n",
            a = v(1),
            b = v(2)
        );
        let f = write(d.path(), "v.csv", &text);
        let l = load_ok(std::slice::from_ref(&f));
        let r = &l.report.files[0];
        assert_eq!(r.rows_rejected, 0, "{form}: {:?}", r.rejections);
        assert_eq!(r.vouchers, 2, "{form}");
        assert!(l.lines.iter().all(|x| x.voucher_kind == "记"), "{form}");
        let mut numbers: Vec<u32> = l.lines.iter().map(|x| x.voucher_number).collect();
        numbers.dedup();
        assert_eq!(numbers, [1, 2], "{form}");
    }
    for bad in ["2023-0012", "1-12"] {
        let text = format!(
            "{HEADER}\n2023-01-05,{bad},购办公用品,5001,业务活动费用,1234.50,\n\
             2023-01-05,{bad},购办公用品,1011,零余额账户用款额度,,1234.50\n"
        );
        let f = write(d.path(), "bad.csv", &text);
        assert!(load_err(&f).contains("凭证号"), "{bad}");
    }
}
