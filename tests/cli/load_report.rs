//! The report as scripts rely on it: provenance, duplicates, errors, determinism, `run`.

use crate::common::*;
use reeval::fixtures;

#[test]
fn report_carries_provenance_and_is_byte_identical_across_runs() {
    let d = tmp();
    let path = d.path().join("g.xlsx");
    fixtures::write_generic(&path).unwrap();
    let r1 = d.path().join("a.json");
    let r2 = d.path().join("b.json");
    for r in [&r1, &r2] {
        let out = bin()
            .args(["load", p(&path), "--json", p(r)])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let (a, b) = (std::fs::read(&r1).unwrap(), std::fs::read(&r2).unwrap());
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    let prov = &v["provenance"];
    assert_eq!(prov["tool"], "reeval");
    assert_eq!(prov["version"], env!("CARGO_PKG_VERSION"));
    let sha = prov["inputs"][0]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert_eq!(v["files"][0]["sha256"], sha);
    assert!(prov["parameters"]
        .as_object()
        .unwrap()
        .contains_key("entity"));
}

#[test]
fn duplicate_inputs_are_detected_and_not_loaded_twice() {
    let d = tmp();
    let a = d.path().join("a.xlsx");
    fixtures::write_ymd(&a).unwrap();
    let b = d.path().join("copy-of-a.xlsx");
    std::fs::copy(&a, &b).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&a), p(&b), "--entity", "局机关"]);
    assert!(out.status.success());
    let rep = rep.unwrap();
    assert_eq!(rep["files"][1]["duplicate_of"], p(&a));
    assert_eq!(rep["files"][1]["rows_loaded"], 0);
    assert_eq!(rep["summary"]["lines_loaded"], 6);
}

#[test]
fn fixtures_are_byte_reproducible_and_a_voucher_in_two_files_is_flagged() {
    let d = tmp();
    let a = d.path().join("全年.xlsx");
    let a2 = d.path().join("全年-再生成.xlsx");
    let b = d.path().join("一季度-另一次导出.xlsx");
    fixtures::write_grp_u8(&a, "局机关", 11, 600).unwrap();
    fixtures::write_grp_u8(&a2, "局机关", 11, 600).unwrap();
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&a2).unwrap(),
        "same seed, same bytes"
    );
    // Same seed, fewer lines: different bytes, but its vouchers repeat the full year's.
    fixtures::write_grp_u8(&b, "局机关", 11, 120).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&a), p(&b)]);
    assert!(out.status.success());
    let rep = rep.unwrap();
    assert!(rep["files"][1]["duplicate_of"].is_null());
    let dup = rep["summary"]["vouchers_in_several_files"]
        .as_array()
        .unwrap();
    assert!(dup.iter().any(|v| v == "局机关 2023-01 记-1"), "{dup:?}");
    assert!(stdout(&out).contains("同时出现在多个文件中"));
}

#[test]
fn unreadable_files_exit_non_zero_with_one_sentence_and_no_report() {
    let d = tmp();
    let missing = d.path().join("没有这个文件.xlsx");
    let (out, rep) = cli_load(d.path(), &[p(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("没有这个文件.xlsx"));
    assert!(stderr(&out).contains("不存在"));
    assert!(rep.is_none(), "no half-written report");

    let text = d.path().join("notes.xlsx");
    std::fs::write(&text, "这不是表格\n").unwrap();
    let (out, _) = cli_load(d.path(), &[p(&text)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("不是 Excel 工作簿"),
        "{}",
        stderr(&out)
    );

    let empty = d.path().join("empty.xlsx");
    std::fs::write(&empty, "").unwrap();
    let (out, _) = cli_load(d.path(), &[p(&empty)]);
    assert!(stderr(&out).contains("空文件"));

    let html = d.path().join("export.xls");
    std::fs::write(
        &html,
        "<html><table><tr><td>凭证号</td></tr></table></html>",
    )
    .unwrap();
    // An HTML table saved as .xls is read as the table it is; this one has no ledger header.
    let (out, _) = cli_load(d.path(), &[p(&html)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("表头"), "{}", stderr(&out));

    let zip_not_xlsx = d.path().join("broken.xlsx");
    std::fs::write(&zip_not_xlsx, b"PK\x03\x04garbage").unwrap();
    let (out, _) = cli_load(d.path(), &[p(&zip_not_xlsx)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("broken.xlsx"));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn a_workbook_without_a_ledger_header_names_expected_and_found_columns() {
    let d = tmp();
    let path = d.path().join("资产当序时账.xlsx");
    fixtures::write_assets(&path, "某局", 1, 5, false).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("资产当序时账.xlsx"), "{e}");
    assert!(e.contains("科目编码"), "expected columns named: {e}");
    assert!(e.contains("资产编号"), "found columns named: {e}");
    assert!(rep.is_none());
}

#[test]
fn a_user_profile_maps_header_names_the_builtins_do_not_know() {
    let d = tmp();
    let path = d.path().join("odd.xlsx");
    {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["记账日", "凭单号", "说明", "科目号", "科目", "借", "贷"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        let rows = [
            [
                "2023-02-01",
                "记-1",
                "付款",
                "5001",
                "业务活动费用",
                "10.00",
                "",
            ],
            ["", "", "付款", "1011", "零余额账户用款额度", "", "10.00"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
        wb.save(&path).unwrap();
    }
    let (out, _) = cli_load(d.path(), &[p(&path), "--entity", "x"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the built-in profiles cannot read it"
    );
    let prof = d.path().join("odd.toml");
    std::fs::write(
        &prof,
        "id='odd'\nname='某软件导出'\nkind='ledger'\nextends='generic'\nsignature=['凭单号']\n[columns]\ndate=['记账日']\nvoucher=['凭单号']\nsummary=['说明']\naccount_code=['科目号']\naccount_name=['科目']\ndebit=['借']\ncredit=['贷']\n",
    )
    .unwrap();
    let (out, rep) = cli_load(
        d.path(),
        &[p(&path), "--entity", "x", "--profile", p(&prof)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["profile"], "odd");
    assert_eq!(f["rows_loaded"], 2);
    assert_eq!(f["vouchers_unbalanced"].as_array().unwrap().len(), 0);
}

#[test]
fn run_without_arguments_runs_the_bundled_sample_engagement() {
    // The README's first command, from the repository: the whole pipeline on samples/hrss-2023.
    let d = tmp();
    let out = bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--out", p(d.path())])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for part in [
        "载入：3 个文件",
        "检查：",
        "抽样「凭证」",
        "评分：",
        "自评 96",
    ] {
        assert!(text.contains(part), "{part} missing in:\n{text}");
    }
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.path().join("load.json")).unwrap()).unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 3);
    // 480 small items, the register's 10 buildings, structures and vehicles, and 5 planted.
    assert_eq!(v["summary"]["assets_loaded"], 495);
    assert_eq!(v["summary"]["rows_rejected"], 0);
}
