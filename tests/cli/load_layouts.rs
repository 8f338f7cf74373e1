//! Each layout feature: the generator writes it, the loader must read it back exactly.

use crate::common::*;
use reeval::fixtures;
use reeval::load::{load, LoadRequest};
use std::path::PathBuf;

fn req(ledgers: Vec<PathBuf>) -> LoadRequest {
    LoadRequest {
        ledgers,
        keep_rows: true,
        ..Default::default()
    }
}

#[test]
fn grp_u8_journal_with_titles_fill_down_aux_and_month_totals() {
    let d = tmp();
    let path = d.path().join("局机关.xlsx");
    let facts = fixtures::write_grp_u8(&path, "某县人社局机关", 7, 1_200).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["profile"], "yonyou-grp-u8");
    assert_eq!(f["entity"], "某县人社局机关");
    assert_eq!(f["entity_source"], "标题行");
    assert_eq!(f["rows_loaded"], facts.lines);
    assert_eq!(f["rows_opening"], facts.opening);
    assert_eq!(f["rows_rejected"], 0);
    assert_eq!(f["vouchers"], facts.vouchers);
    assert_eq!(fen(&f["totals"]["debit"]), facts.debit);
    assert_eq!(fen(&f["totals"]["credit"]), facts.credit);
    let totals = f["totals_checked"].as_array().unwrap();
    assert_eq!(totals.len(), facts.totals);
    assert!(totals.iter().all(|t| t["matches"] == true));
    for scope in ["本月", "本年累计", "承前过次"] {
        assert!(totals.iter().any(|t| t["scope"] == scope), "{scope}");
    }
    // rows read = loaded + opening + skipped + rejected: every row accounted for
    let read = f["rows_read"].as_u64().unwrap();
    let parts = [
        "rows_loaded",
        "rows_opening",
        "rows_skipped",
        "rows_rejected",
    ]
    .iter()
    .map(|k| f[k].as_u64().unwrap())
    .sum::<u64>();
    assert_eq!(read, parts);
    assert_eq!(f["vouchers_unbalanced"].as_array().unwrap().len(), 0);
    // per sheet too: title lines + header (4 rows; the blank line under the title is a title
    // line) and the header repeated on each page, blank rows, totals
    let sh = &f["sheets"][0];
    assert!(facts.repeated_headers > 0);
    assert_eq!(sh["rows_skipped_header"], 4 + facts.repeated_headers);
    assert_eq!(sh["rows_skipped_blank"], facts.blank_rows);
    assert_eq!(sh["rows_skipped_total"], facts.totals);
    let sheet_parts = [
        "rows_loaded",
        "rows_opening",
        "rows_skipped_header",
        "rows_skipped_total",
        "rows_skipped_blank",
        "rows_rejected",
    ]
    .iter()
    .map(|k| sh[k].as_u64().unwrap())
    .sum::<u64>();
    assert_eq!(sh["rows_read"].as_u64().unwrap(), sheet_parts);

    let loaded = load(&req(vec![path])).unwrap();
    let lines = &loaded.lines;
    // Codes written as number cells stay integers, never `1011.0`.
    assert!(lines.iter().any(|l| l.account_code == "1011"));
    assert!(lines.iter().all(|l| !l.account_code.contains('.')));
    // Year from the title, month/day from their columns, voucher filled down.
    assert!(lines.iter().all(|l| l.year == 2023));
    let first = &lines[0];
    assert_eq!(
        (
            first.voucher_kind.as_str(),
            first.voucher_number,
            first.period
        ),
        ("记", 1, 1)
    );
    assert_eq!(lines[1].voucher_number, 1);
    assert_eq!(lines[1].line_no, 2);
    // 【部门:…】【经济分类:30201 办公费】 split into fields.
    let exp = lines.iter().find(|l| l.econ.code.is_some()).unwrap();
    assert!(exp.department.is_some());
    assert!(exp.econ.name.is_some());
    // Basis from the chart: 7101/8001 lines are 预算会计.
    assert!(lines
        .iter()
        .any(|l| l.account_code.starts_with("7101") && l.basis == "预算会计"));
    assert!(lines
        .iter()
        .any(|l| l.account_code == "1011" && l.basis == "财务会计"));
    // Opening rows are balances, not lines.
    assert_eq!(loaded.frames.opening.height(), 2);
    assert_eq!(loaded.frames.lines.height(), facts.lines);
}

#[test]
fn voucher_detail_with_two_row_header_month_sheets_and_voucher_totals() {
    let d = tmp();
    let path = d.path().join("社保中心.xlsx");
    let facts = fixtures::write_voucher_detail(&path, "社会保险中心", 3, 600).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rep = rep.unwrap();
    let f = &rep["files"][0];
    assert_eq!(f["profile"], "voucher-detail-2row");
    assert_eq!(f["entity"], "社会保险中心");
    let sheets = f["sheets"].as_array().unwrap();
    assert_eq!(sheets[0]["sheet"], "说明");
    assert!(sheets[0]["header_row"].is_null());
    assert!(sheets[0]["note"].as_str().unwrap().contains("未找到表头"));
    assert_eq!(sheets[1]["header_row"], 3);
    assert_eq!(sheets[1]["header_rows"], 2);
    assert_eq!(f["rows_loaded"], facts.lines);
    assert_eq!(f["rows_rejected"], 0);
    let totals = f["totals_checked"].as_array().unwrap();
    assert_eq!(totals.len(), facts.totals);
    let wrong: Vec<_> = totals.iter().filter(|t| t["matches"] == false).collect();
    assert_eq!(wrong.len(), facts.totals_wrong);
    assert_eq!(wrong[0]["scope"], "凭证");
    assert_eq!(totals.iter().filter(|t| t["scope"] == "小计段").count(), 12);
    assert_eq!(wrong[0]["sheet"], "3月");
    let dr = &wrong[0]["figures"][0];
    assert_eq!(fen(&dr["stated"]) - fen(&dr["loaded"]), 100);
    assert_eq!(rep["summary"]["lines_excluded_status"], facts.voided_lines);

    let loaded = load(&req(vec![path])).unwrap();
    assert_eq!(loaded.lines[0].date.to_string(), "2023-01-02");
    let l = loaded
        .lines
        .iter()
        .find(|l| l.account_code == "500102")
        .unwrap();
    assert_eq!(l.account_name, "业务活动费用-商品和服务费用");
    assert_eq!(l.account_l1.as_deref(), Some("业务活动费用"));
    assert!(l.econ.code.as_deref().is_some_and(|c| c.starts_with("302")));
    assert!(loaded.lines.iter().any(|l| l.attachments == Some(2)));
    assert!(loaded.lines.iter().any(|l| l.status == "作废"));
    assert!(loaded
        .lines
        .iter()
        .any(|l| l.settlement.as_deref() == Some("公务卡")));
}

#[test]
fn generic_layout_rejects_bad_rows_and_reports_unbalanced_vouchers() {
    let d = tmp();
    let path = d.path().join("generic.xlsx");
    let facts = fixtures::write_generic(&path).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(
        out.status.success(),
        "row rejections still exit 0: {}",
        stderr(&out)
    );
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["profile"], "generic");
    assert_eq!(f["entity_source"], "列");
    assert_eq!(f["rows_loaded"], facts.lines);
    let rej: Vec<(String, u32, String)> = f["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let col = r["column"].as_str().unwrap();
            let name = col.split('（').nth(1).unwrap().trim_end_matches('）');
            (
                r["sheet"].as_str().unwrap().to_string(),
                r["row"].as_u64().unwrap() as u32,
                name.to_string(),
            )
        })
        .collect();
    assert_eq!(rej, facts.rejected);
    for r in f["rejections"].as_array().unwrap() {
        assert!(!r["reason"].as_str().unwrap().is_empty());
    }
    let unb: Vec<String> = f["vouchers_unbalanced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["voucher"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(unb, facts.unbalanced);
    let u = &f["vouchers_unbalanced"][0];
    assert_eq!(fen(&u["difference"]), 500);
    assert_eq!(f["vouchers"], facts.vouchers);
    assert_eq!(fen(&f["totals"]["debit"]), facts.debit);
    assert_eq!(fen(&f["totals"]["credit"]), facts.credit);
    assert_eq!(f["totals_checked"][0]["matches"], true);

    let loaded = load(&req(vec![path])).unwrap();
    let lines = &loaded.lines;
    let by = |summary: &'static str| lines.iter().filter(move |l| l.summary == summary);
    // ¥429.00 / 429.00元 / 429 / number 429 all the same amount
    assert!(by("支付接待费").all(|l| l.debit.0 + l.credit.0 == 42900));
    // Excel date cell, 2023/6/8 text, 20230518 number
    assert_eq!(
        by("支付接待费").next().unwrap().date.to_string(),
        "2023-03-15"
    );
    assert_eq!(
        by("收到市局调研缴纳伙食费")
            .next()
            .unwrap()
            .date
            .to_string(),
        "2023-06-08"
    );
    assert_eq!(
        by("付4月新闻发布会会议餐费")
            .next()
            .unwrap()
            .date
            .to_string(),
        "2023-05-18"
    );
    // red ink: (1,000.00) and -1,000.00 are negative in their own column
    let red: Vec<_> = by("冲销多记").collect();
    assert_eq!(red[0].debit.0, -100000);
    assert_eq!(red[1].credit.0, -100000);
    // entity from the column, two entities
    assert!(loaded.lines.iter().any(|l| l.entity == "社保中心"));
    assert!(loaded.lines.iter().any(|l| l.entity == "局机关"));
    // counterparty and split economic classification columns
    let payee = by("支付接待费").find(|l| l.account_code == "1011").unwrap();
    assert_eq!(payee.counterparty.as_deref(), Some("王某"));
    let exp = by("支付接待费").next().unwrap();
    assert_eq!(
        (exp.econ.code.as_deref(), exp.econ.name.as_deref()),
        (Some("30217"), Some("公务接待费"))
    );
    // voucher 记账-0015 → 记-15; the 记-25 credit line stays with 记-25 although its first line was rejected
    assert!(loaded
        .lines
        .iter()
        .any(|l| l.voucher_number == 15 && l.voucher_kind == "记" && l.period == 6));
    let l25 = loaded
        .lines
        .iter()
        .find(|l| l.summary == "购办公用品")
        .unwrap();
    assert_eq!(l25.voucher_number, 25);
}

#[test]
fn ymd_columns_and_entity_from_flag_or_file_name() {
    let d = tmp();
    let path = d.path().join("某单位凭证.xlsx");
    let facts = fixtures::write_ymd(&path).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path), "--entity", "局机关"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["entity"], "局机关");
    assert_eq!(f["entity_source"], "--entity");
    assert_eq!(f["rows_loaded"], facts.lines);
    assert_eq!(f["vouchers"], facts.vouchers);
    assert_eq!(fen(&f["totals"]["debit"]), facts.debit);

    let (_, rep) = cli_load(d.path(), &[p(&path)]);
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["entity"], "某单位凭证");
    assert_eq!(f["entity_source"], "文件名");
    assert!(f["warnings"][0].as_str().unwrap().contains("文件名"));

    let loaded = load(&LoadRequest {
        keep_rows: true,
        ledgers: vec![path],
        entity: Some("局机关".into()),
        ..Default::default()
    })
    .unwrap();
    let ids: Vec<String> = loaded
        .lines
        .iter()
        .map(|l| l.voucher_id().to_string())
        .collect();
    assert_eq!(ids[0], "2023-01 记-17");
    assert_eq!(ids[5], "2023-01 记-22");
    assert_eq!(loaded.lines[0].date.to_string(), "2023-01-05");
    assert_eq!(loaded.lines[0].attachments, Some(3));
    assert_eq!(loaded.lines[4].credit.0, 900985);
}

#[test]
fn asset_register_with_status_codes_and_reconciled_total() {
    let d = tmp();
    let ledger = d.path().join("l.xlsx");
    fixtures::write_ymd(&ledger).unwrap();
    let good = d.path().join("资产.xlsx");
    let (facts, sums) = fixtures::write_assets(&good, "某局", 5, 40, false).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&ledger), "--assets", p(&good)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let f = &rep.as_ref().unwrap()["files"][1];
    assert_eq!(f["kind"], "assets");
    assert_eq!(f["rows_loaded"], facts.lines);
    assert_eq!(fen(&f["totals"]["original"]), sums[0]);
    assert_eq!(fen(&f["totals"]["accumulated"]), sums[1]);
    assert_eq!(fen(&f["totals"]["net"]), sums[2]);
    assert_eq!(f["totals_checked"][0]["matches"], true);
    assert_eq!(
        f["totals_checked"][0]["figures"].as_array().unwrap().len(),
        3
    );

    let bad = d.path().join("资产-合计不符.xlsx");
    fixtures::write_assets(&bad, "某局", 5, 40, true).unwrap();
    let (_, rep) = cli_load(d.path(), &[p(&ledger), "--assets", p(&bad)]);
    let t = &rep.unwrap()["files"][1]["totals_checked"][0];
    assert_eq!(t["matches"], false);
    assert_eq!(
        fen(&t["figures"][0]["stated"]) - fen(&t["figures"][0]["loaded"]),
        1
    );

    let loaded = load(&LoadRequest {
        keep_rows: true,
        ledgers: vec![ledger],
        assets: vec![good],
        ..Default::default()
    })
    .unwrap();
    let a = &loaded.frames.assets;
    assert_eq!(a.height(), facts.lines);
    let codes = a.column("asset_code").unwrap().str().unwrap().clone();
    let status = a.column("status").unwrap().str().unwrap().clone();
    assert_eq!(codes.get(0), Some("TY1997000001"));
    assert_eq!(status.get(0), Some("待报废"));
    assert_eq!(status.get(1), Some("闲置"));
    assert!((0..status.len())
        .filter_map(|i| status.get(i))
        .all(|s| !s.chars().all(|c| c.is_ascii_digit())));
}

#[test]
fn chosen_accounting_system_gives_the_basis() {
    let d = tmp();
    let path = d.path().join("基金.xlsx");
    fixtures::write_ymd(&path).unwrap();
    let loaded = load(&LoadRequest {
        keep_rows: true,
        ledgers: vec![path.clone()],
        system: Some("社会保险基金会计制度".into()),
        ..Default::default()
    })
    .unwrap();
    // 政府会计制度 codes are mostly not in the fund chart: reported, not guessed. (Its 3-digit
    // codes do match 1011 as 101 库存现金, which is why a 账套 must declare its 制度.)
    let basis = |code: &str| {
        loaded
            .lines
            .iter()
            .find(|l| l.account_code == code)
            .unwrap()
            .basis
            .clone()
    };
    assert_eq!(basis("500102"), "未知");
    assert_eq!(basis("1011"), "基金会计");
    assert!(!loaded.report.files[0].accounts_not_in_chart.is_empty());
    let (out, _) = cli_load(d.path(), &[p(&path), "--system", "不存在的制度"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("不存在的制度"));
}
