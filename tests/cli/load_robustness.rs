//! Garbage under a valid header: every row must still be accounted for, and nothing panics.

use crate::common::*;
use reeval::fixtures::Rng;
use rust_xlsxwriter::{Format, Workbook};

const JUNK: &[&str] = &[
    "",
    " ",
    "记-",
    "记-99999999999",
    "1,2,3",
    "1e5",
    "99999999999999999999999",
    "-",
    "(12.5)",
    "2023-02-30",
    "2023/13/01",
    "20231301",
    "合计",
    "本月合计",
    "期初余额",
    "作废",
    "借",
    "贷",
    "X",
    "【部门:】【:x】",
    "[230701]",
    "[]其他",
    "0",
    "-0.00",
    "¥",
    "元",
    "（1,000.00）",
    "1.2.3",
    "=SUM(A1)",
    "#N/A",
    "\u{3000}",
    "２０２３年１月５日",
    "记账-０１７",
];

#[test]
fn random_junk_rows_are_all_accounted_for() {
    for seed in 0..20 {
        junk_file_is_accounted_for(seed);
    }
}

fn junk_file_is_accounted_for(seed: u64) {
    let d = tmp();
    let path = d.path().join("junk.xlsx");
    let mut rng = Rng::new(seed);
    let header = [
        "日期",
        "凭证号",
        "摘要",
        "科目编码",
        "科目名称",
        "方向",
        "金额",
        "辅助项",
        "凭证状态",
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = 600u32;
    for r in 1..=rows {
        for c in 0..header.len() as u16 {
            match rng.below(6) {
                0 => {} // empty
                1 => {
                    ws.write_number(r, c, (rng.below(4_000_000) as f64 - 1_000_000.0) / 7.0)
                        .unwrap();
                }
                2 => {
                    ws.write_number_with_format(r, c, 40_000.0 + rng.below(10_000) as f64, &date)
                        .unwrap();
                }
                3 => {
                    ws.write_number(
                        r,
                        c,
                        [230701.0, 1011.0, 5001.0, 7101.0, 0.0, -1.0, 1e300][rng.below(7) as usize],
                    )
                    .unwrap();
                }
                _ => {
                    ws.write_string(r, c, JUNK[rng.below(JUNK.len() as u64) as usize])
                        .unwrap();
                }
            }
        }
    }
    wb.save(&path).unwrap();
    let (out, rep) = cli_load(d.path(), &[p(&path), "--entity", "测试单位"]);
    assert!(
        !stderr(&out).contains("panicked"),
        "seed {seed}: {}",
        stderr(&out)
    );
    assert!(out.status.success(), "seed {seed}: {}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    let n = |k: &str| f[k].as_u64().unwrap();
    assert_eq!(
        n("rows_read"),
        n("rows_loaded") + n("rows_opening") + n("rows_skipped") + n("rows_rejected")
    );
    assert_eq!(n("rows_read"), rows as u64 + 1);
    assert_eq!(
        n("rows_rejected") as usize,
        f["rejections"].as_array().unwrap().len()
    );
    assert!(n("rows_rejected") > 100, "junk must mostly be rejected");
    for r in f["rejections"].as_array().unwrap() {
        assert!(!r["reason"].as_str().unwrap().is_empty());
        assert!(r["row"].as_u64().unwrap() >= 2);
    }
}
