//! Citations right for the entity, the date and the place (issue 18): the 财务规则 of the
//! entity's kind in force on the voucher's date, the local rule where the engagement's place has
//! one (else the central rule, noted 未配置地方标准), and no quotation without text.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, Layout, L, V};
use serde_json::Value;

const BANK: &str = "1002";

fn receipt(s: &str, fen: i64) -> Vec<L> {
    vec![
        dr(s, BANK, "银行存款", fen),
        cr(s, "230799", "其他应付款-其他", fen),
    ]
}

fn reception(s: &str, fen: i64) -> Vec<L> {
    vec![
        dr(s, "500102", "业务活动费用-商品和服务费用-公务接待费", fen).econ("30217", "公务接待费"),
        cr(s, "230702", "其他应付款-公务卡", fen)
            .cp("李明")
            .settle("公务卡"),
    ]
}

/// A ledger with a receipt booked to 其他应付款 before and after 2023-03-01 (income-in-suspense,
/// which rests on the 财务规则's 暂存款 article) and a reception with two meals on one day
/// (reception-frequency, which rests on the 公务接待 rules).
fn ledger(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("账.xlsx");
    let vs = vec![
        V::new(2, 15, 1, receipt("收到县慈善总会捐赠款", 10_000_00)),
        V::new(3, 15, 2, receipt("收到市局下拨就业工作经费", 20_000_00)),
        V::new(
            6,
            20,
            3,
            reception(
                "接待双柏县劳动保障监察大队6月13日午餐406元、晚餐388元",
                794_00,
            ),
        ),
    ];
    write_ledger(&path, "测试局", 2023, &[], &vs, Layout::FULL).unwrap();
    path
}

fn check(dir: &std::path::Path, extra: &[&str]) -> Value {
    let l = ledger(dir);
    let mut args = vec![p(&l), "--rules", "income-in-suspense,reception-frequency"];
    args.extend_from_slice(extra);
    let (out, doc) = cli_check(dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    doc.unwrap()
}

fn finding<'a>(doc: &'a Value, rule: &str, number: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["voucher"].as_str().unwrap().ends_with(number))
        .unwrap_or_else(|| panic!("no {rule} finding on voucher {number}: {doc}"))
}

fn laws(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{}{}",
                        c["law"].as_str().unwrap(),
                        c["article"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_same_voucher_cites_the_finance_rules_of_its_entity_kind() {
    let d = tmp();
    // 行政单位 (also what is assumed when nothing is said): 行政单位财务规则 第113号.
    for extra in [&["--entity-type", "行政单位"][..], &[][..]] {
        let doc = check(d.path(), extra);
        let f = finding(&doc, "income-in-suspense", "记-2");
        let quoted = laws(&f["citations"]);
        assert!(
            quoted
                .iter()
                .any(|c| c.contains("行政单位财务规则") && c.contains("第113号")),
            "{quoted:?}"
        );
        assert!(!quoted.iter().any(|c| c.contains("事业单位财务规则")));
    }
    // 事业单位: never the 行政单位 rules; the 事业单位财务规则 (第108号) 第十八条, quoted.
    {
        let doc = check(d.path(), &["--entity-type", "事业单位"]);
        let f = finding(&doc, "income-in-suspense", "记-2");
        let quoted = laws(&f["citations"]);
        assert!(
            !quoted.iter().any(|c| c.contains("行政单位财务规则")),
            "{quoted:?}"
        );
        assert!(
            quoted.iter().any(|c| c.contains("事业单位财务规则")
                && c.contains("第108号")
                && c.ends_with("第十八条")),
            "{quoted:?}"
        );
        assert!(f["unquoted_citations"]
            .as_array()
            .is_none_or(|a| a.is_empty()));
    }
    // 参照公务员法管理的事业单位 (and its short forms): the 行政单位财务规则, as seed 002 cites
    // it for the 社会保险 centre, with the note that the unit's own rules must be checked —
    // never a pseudo-provision “参照公务员法管理的事业单位适用的财务规则（待核）”.
    for kind in ["参照公务员法管理的事业单位", "参公单位"] {
        let doc = check(d.path(), &["--entity-type", kind]);
        let f = finding(&doc, "income-in-suspense", "记-2");
        let c = f["citations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["law"].as_str().unwrap().contains("行政单位财务规则"))
            .unwrap_or_else(|| panic!("{f}"));
        assert!(c["note"].as_str().unwrap().contains("参公单位"), "{c}");
        for c in f["citations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(f["unquoted_citations"].as_array().into_iter().flatten())
        {
            assert!(!c["law"].as_str().unwrap().contains("待核"), "{c}");
            assert!(!c["article"].as_str().unwrap().contains("待核"), "{c}");
        }
    }
    // A kind that is none of them is refused with the allowed values.
    let l = ledger(d.path());
    let (out, _) = cli_check(d.path(), &[p(&l), "--entity-type", "国有企业"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("事业单位"), "{}", stderr(&out));
}

#[test]
fn a_date_either_side_of_march_2023_cites_rule_71_or_113() {
    let d = tmp();
    let doc = check(d.path(), &["--entity-type", "行政单位"]);
    // 2023-02-15: 第71号 was in force: its 收入 article (第十七条, S) is quoted, not 113号.
    let feb = finding(&doc, "income-in-suspense", "记-1");
    assert!(!laws(&feb["citations"])
        .iter()
        .any(|c| c.contains("第113号")));
    assert!(
        laws(&feb["citations"])
            .iter()
            .any(|c| c.contains("第71号") && c.ends_with("第十七条")),
        "{feb}"
    );
    // 2023-03-15: 第113号 第四十九条, quoted from a secondary source, with that caution.
    let mar = finding(&doc, "income-in-suspense", "记-2");
    let c = mar["citations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["law"].as_str().unwrap().contains("第113号"))
        .unwrap_or_else(|| panic!("{mar}"));
    assert_eq!(c["article"], "第四十九条");
    assert_eq!(c["grade"], "S");
    assert_eq!(c["caution"], "引文待与原文核对");
    assert!(!laws(&mar["citations"]).iter().any(|c| c.contains("第71号")));
}

#[test]
fn a_county_cites_its_local_reception_rule_and_otherwise_the_central_one_noted_as_such() {
    let d = tmp();
    // The built-in 寻甸 实施细则, whichever way the county is spelt.
    for region in ["云南省/昆明市/寻甸回族彝族自治县", "云南/昆明/寻甸县"] {
        let doc = check(d.path(), &["--region", region]);
        let f = finding(&doc, "reception-frequency", "记-3");
        let c = &f["citations"][0];
        assert!(c["law"].as_str().unwrap().contains("寻甸"), "{region}: {c}");
        assert_eq!(c["region"], "云南省/昆明市/寻甸回族彝族自治县");
        assert!(!c["note"].as_str().unwrap_or("").contains("未配置地方标准"));
    }
    // Another county of the same province, a look-alike name, and no place at all: the
    // central rule, with the note.
    for region in [
        "云南省/曲靖市/会泽县",
        "云南省/昆明市/寻乌县",
        "贵州省/昆明市/寻甸县",
        "",
    ] {
        let doc = check(d.path(), &["--region", region]);
        let f = finding(&doc, "reception-frequency", "记-3");
        let c = &f["citations"][0];
        assert!(
            c["law"]
                .as_str()
                .unwrap()
                .contains("党政机关国内公务接待管理规定"),
            "{region}: {c}"
        );
        assert!(
            c["note"].as_str().unwrap().contains("未配置地方标准"),
            "{region}: {c}"
        );
    }
    // A firm's own local rule for its county, added as data, wins there.
    let local = d.path().join("local.toml");
    std::fs::write(
        &local,
        r#"[[citation]]
family = "reception-meal"
region = "某某省/某某市/某某县"
law = "《某某县公务接待管理办法》"
article = "第八条"
text = "接待单位可以安排工作餐一次。"
from = "2015-01-01"
grade = "V"
"#,
    )
    .unwrap();
    let doc = check(
        d.path(),
        &["--citations", p(&local), "--region", "某某省/某某市/某某县"],
    );
    let c = &finding(&doc, "reception-frequency", "记-3")["citations"][0];
    assert!(c["law"].as_str().unwrap().contains("某某县"), "{c}");
    // …but not in the next county.
    let doc = check(
        d.path(),
        &["--citations", p(&local), "--region", "某某省/某某市/另一县"],
    );
    let c = &finding(&doc, "reception-frequency", "记-3")["citations"][0];
    assert!(!c["law"].as_str().unwrap().contains("某某县"), "{c}");
}

#[test]
fn the_sample_run_quotes_only_texts_names_no_gap_and_warns_once_about_central_rules() {
    let t = tmp();
    let dir = t.path().join("hrss");
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023"),
        &dir,
    );
    let _ = std::fs::remove_dir_all(dir.join("output"));
    let out = t.path().join("out");
    let o = bin()
        .args(["run", p(&dir), "--out", p(&out)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    let mut quoted = 0;
    for f in doc["findings"].as_array().unwrap() {
        for c in f["citations"].as_array().unwrap() {
            quoted += 1;
            let text = c["text"].as_str().unwrap();
            assert!(!text.trim().is_empty(), "{}: {c}", f["id"]);
            assert_ne!(c["grade"], "U", "{}: {c}", f["id"]);
            assert!(!c["article"].as_str().unwrap().contains("条号待核"), "{c}");
        }
    }
    assert!(quoted > 0);
    // A provision whose text is not in the catalogue is a gap: no law named, what to pull in
    // 核实要点 (the January 2023 超范围使用结余资金 voucher: 第71号's 支出 articles).
    for f in doc["findings"].as_array().unwrap() {
        for c in f["unquoted_citations"].as_array().into_iter().flatten() {
            assert_eq!(c["law"], "", "{}: {c}", f["id"]);
        }
    }
    let spent = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "suspense-spending")
        .unwrap();
    assert!(
        spent["verify"].as_str().unwrap().contains("第71号"),
        "{spent}"
    );
    let report = std::fs::read_to_string(out.join("报告-hrss-2023.md")).unwrap();
    for placeholder in ["条号待核", "相应条款", "（待核）", "尚未核验", "条号未核验"]
    {
        assert!(
            !report.contains(placeholder),
            "the report says {placeholder}"
        );
    }
    // The central 会议费 rule is cited for reference, the province's not being collected.
    assert!(report.contains(
        "（财行〔2016〕214号；中央和国家机关适用；云南省会议费管理规定未收录，参照引用）"
    ));
    // The county has a local 接待 rule but no local 会议费 standard: said once, on screen.
    let said = stdout(&o);
    assert_eq!(said.matches("未配置地方标准").count(), 1, "{said}");
    assert!(said.contains("会议费"), "{said}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
