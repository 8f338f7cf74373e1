//! Header diagnosis (issue 16 item 1): a ledger whose header the profiles do not fully know
//! exits 2 naming the missing fields, the headers found and the closest match of each unknown
//! one; the load report records mapped and ignored columns; rejections name the sheet column.

use crate::common::*;

fn write_csv(dir: &std::path::Path, name: &str, header: &str) -> std::path::PathBuf {
    let body = "2023-01-05,记-1,购办公用品,5001,业务活动费用,100.00,,x\n\
                2023-01-05,记-1,购办公用品,1011,零余额账户用款额度,,100.00,y\n";
    let path = dir.join(name);
    std::fs::write(&path, format!("{header}\n{body}")).unwrap();
    path
}

/// An unknown voucher header (`凭证号码数`, `记账凭证号`): nothing loads, so exit 2, never
/// exit 0 with 0 rows. (`凭证号数`, 用友's wording, is a known alias since issue 16 item 4.)
#[test]
fn an_unknown_voucher_header_exits_2_naming_the_field_and_its_closest_match() {
    let d = tmp();
    for (word, lookalike) in [("凭证号码数", "票据号"), ("记账凭证号", "备注说明")]
    {
        let header = format!("日期,{word},摘要,科目编码,科目名称,借方金额,贷方金额,{lookalike}");
        let csv = write_csv(d.path(), &format!("{word}.csv"), &header);
        let (out, _) = cli_load(d.path(), &[p(&csv)]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{word}: {err}");
        assert!(err.contains("没有载入任何行"), "{word}: {err}");
        assert!(err.contains("表头缺少 凭证号"), "{word}: {err}");
        assert!(
            err.contains(&format!("{word}（可能是 凭证号）")),
            "{word}: {err}"
        );
        assert!(err.contains("找到的列：日期、"), "{word}: {err}");
        // A look-alike is listed as unknown, never suggested.
        assert!(err.contains(lookalike), "{word}: {err}");
        assert!(
            !err.contains(&format!("{lookalike}（可能是")),
            "{word}: {err}"
        );
        // The rejection names the unrecognised column, letter and header, never `voucher`.
        assert!(
            err.contains(&format!("第 2 行 B（{word}）")),
            "{word}: {err}"
        );
        assert!(err.contains("表头没有可识别的“凭证号”列"), "{word}: {err}");
        assert!(!err.contains("voucher"), "{word}: {err}");
    }
}

/// Unknown amount wordings leave no usable header: exit 2 with the missing 借方/贷方 and
/// their closest matches.
#[test]
fn unknown_amount_headers_exit_2_with_their_closest_matches() {
    let d = tmp();
    let header = "日期,凭证号,摘要,科目编码,科目名称,借方本期发生额,贷方本期发生额,备注";
    let csv = write_csv(d.path(), "amounts.csv", header);
    let (out, _) = cli_load(d.path(), &[p(&csv)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("表头缺少 借方、贷方"), "{err}");
    assert!(err.contains("借方本期发生额（可能是 借方）"), "{err}");
    assert!(err.contains("贷方本期发生额（可能是 贷方）"), "{err}");
    assert!(!err.contains("备注（可能是"), "{err}");
}

/// A loadable file: every column mapped or listed as ignored, in the report and on screen.
#[test]
fn the_load_report_records_mapped_and_ignored_columns() {
    let d = tmp();
    let header = "日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,备注";
    let csv = write_csv(d.path(), "ok.csv", header);
    let (out, rep) = cli_load(d.path(), &[p(&csv)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sheet = &rep.unwrap()["files"][0]["sheets"][0];
    let cols = sheet["columns"].as_array().unwrap();
    assert_eq!(cols.len(), 7, "{sheet}");
    assert_eq!(cols[2]["column"], "C");
    assert_eq!(cols[2]["header"], "摘要");
    assert_eq!(cols[2]["field"], "summary");
    let ignored = sheet["ignored_columns"].as_array().unwrap();
    assert_eq!(ignored.len(), 1, "{sheet}");
    assert_eq!(ignored[0]["column"], "H");
    assert_eq!(ignored[0]["header"], "备注");
    assert!(
        stdout(&out).contains("未读取的列：H（备注）"),
        "{}",
        stdout(&out)
    );
}

/// Several fields unknown at once, in other wordings: each missing field is named, each
/// unknown header gets its own closest match, and a rejection names the field in Chinese.
#[test]
fn several_unknown_headers_each_get_their_own_closest_match() {
    let d = tmp();
    let header = "制单日,凭证编码号,摘要,科目编码,科目名称,借方金额,贷方金额,凭证张数";
    let csv = write_csv(d.path(), "both.csv", header);
    let (out, _) = cli_load(d.path(), &[p(&csv)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("表头缺少 凭证号、日期"), "{err}");
    assert!(err.contains("制单日（可能是 日期）"), "{err}");
    assert!(err.contains("凭证编码号（可能是 凭证号）"), "{err}");
    assert!(!err.contains("凭证张数（可能是"), "{err}");
    assert!(!err.contains("voucher") && !err.contains("date"), "{err}");
}

/// No column resembles the missing field: the rejection names the field in Chinese with
/// 表头中没有此列, never the internal name.
#[test]
fn a_missing_field_without_a_look_alike_is_named_in_chinese() {
    let d = tmp();
    let header = "日期,票据号,摘要,科目编码,科目名称,借方金额,贷方金额,备注";
    let csv = write_csv(d.path(), "none.csv", header);
    let (out, _) = cli_load(d.path(), &[p(&csv)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("第 2 行 凭证号（表头中没有此列）"), "{err}");
    assert!(err.contains("未识别的列：票据号、备注"), "{err}");
    assert!(!err.contains("voucher"), "{err}");
}

/// A register where no row loads is an error too, naming the column of the first rejection
/// and the columns found.
#[test]
fn a_register_where_nothing_loads_exits_2() {
    let d = tmp();
    let ledger = write_csv(
        d.path(),
        "ledger.csv",
        "日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,备注",
    );
    let reg = d.path().join("register.csv");
    std::fs::write(
        &reg,
        "资产编号,资产名称,原值,使用人\nA001,电脑,abc,张三\nA002,打印机,x1,李四\n",
    )
    .unwrap();
    let (out, _) = cli_load(d.path(), &[p(&ledger), "--assets", p(&reg)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("资产表没有载入任何行：2 行全部拒收"), "{err}");
    assert!(err.contains("第 2 行 C（原值）"), "{err}");
    assert!(err.contains("A（资产编号）"), "{err}");
}

/// The case: a 用友-style workbook, title rows above a header with `凭证号数`, 22 lines.
/// Before: 0 loaded, 22 rejected as 凭证号为空 on `voucher`, exit 0. Since issue 16 item 4
/// `凭证号数` is a known alias: all 22 lines load, the entity from the title.
#[test]
fn a_yonyou_style_workbook_with_a_voucher_header_in_yonyou_wording_loads() {
    use rust_xlsxwriter::Workbook;
    let d = tmp();
    let path = d.path().join("用友序时账.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("序时账").unwrap();
    ws.write_string(0, 0, "序时账").unwrap();
    ws.write_string(1, 0, "核算单位：某局    期间：2023年1月-12月")
        .unwrap();
    let header = [
        "日期",
        "凭证号数",
        "摘要",
        "科目编码",
        "科目名称",
        "借方",
        "贷方",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for v in 0..11u32 {
        for (k, (code, name)) in [("5001", "业务活动费用"), ("1011", "零余额账户用款额度")]
            .iter()
            .enumerate()
        {
            let r = 3 + v * 2 + k as u32;
            ws.write_string(r, 0, format!("2023-01-{:02}", v + 1))
                .unwrap();
            ws.write_string(r, 1, format!("记-{}", v + 1)).unwrap();
            ws.write_string(r, 2, "购办公用品").unwrap();
            ws.write_string(r, 3, *code).unwrap();
            ws.write_string(r, 4, *name).unwrap();
            ws.write_number(r, 5 + k as u16, 100.0).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["rows_loaded"], 22, "{f}");
    assert_eq!(f["rows_rejected"], 0, "{f}");
    assert_eq!(f["entity"], "某局", "{f}");
    assert_eq!(f["vouchers"], 11, "{f}");
}

/// A register or balance table without a usable header names the missing field and, for each
/// unknown header, the one it most resembles; a look-alike gets no suggestion.
#[test]
fn registers_and_balance_tables_without_a_header_get_closest_matches() {
    let d = tmp();
    let ledger = write_csv(
        d.path(),
        "ledger.csv",
        "日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,备注",
    );
    let reg = d.path().join("register.csv");
    std::fs::write(&reg, "资产序号,资产名称,原值,备注\nA001,电脑,5000,x\n").unwrap();
    let (out, _) = cli_load(d.path(), &[p(&ledger), "--assets", p(&reg)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("表头缺少 资产编号"), "{err}");
    assert!(err.contains("资产序号（可能是 资产编号）"), "{err}");
    assert!(!err.contains("备注（可能是"), "{err}");
    assert!(!err.contains("asset_code"), "{err}");

    let bal = d.path().join("balances.csv");
    std::fs::write(&bal, "科目代号,名称,期初余额\n1001,库存现金,100.00\n").unwrap();
    let (out, _) = cli_load(d.path(), &[p(&ledger), "--balances", p(&bal)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("表头缺少 科目编码"), "{err}");
    assert!(err.contains("科目代号（可能是 科目编码）"), "{err}");
    assert!(!err.contains("account_code"), "{err}");
}

/// A supporting record whose header lacks a required column names it, the headers found and
/// the closest match of each unknown one.
#[test]
fn a_supporting_record_without_its_header_gets_the_same_diagnosis() {
    let d = tmp();
    let ledger = write_csv(
        d.path(),
        "ledger.csv",
        "日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,备注",
    );
    let pay = d.path().join("payments.csv");
    std::fs::write(
        &pay,
        "支付日期,收款人名,收款账号,金额,附言\n2023-01-05,张三,6222,100.00,x\n",
    )
    .unwrap();
    let (out, _) = cli_check(
        d.path(),
        &[p(&ledger), "--supporting", &format!("payments={}", p(&pay))],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("找不到表头"), "{err}");
    assert!(err.contains("表头缺少 收款人"), "{err}");
    assert!(err.contains("找到的列：支付日期、收款人名"), "{err}");
    assert!(err.contains("收款人名（可能是 收款人）"), "{err}");
    assert!(!err.contains("附言（可能是"), "{err}");
}
