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
