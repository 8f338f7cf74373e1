//! The claims step of `reeval run`: the 自评报告 named in engagement.toml, each claim beside
//! the books, 自评不实 findings for the differences beyond rounding (claims.json).

use crate::common::{bin, output_within, tmp};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

fn run(dir: &Path, out: &Path) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(out).arg("-q");
    output_within(cmd, 180)
}

fn claims_json(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("claims.json")).expect("claims.json"))
        .expect("JSON")
}

/// A copy of the sample whose engagement.toml names `report` (None: no 自评报告 line).
fn sample_copy(dir: &Path, report: Option<(&str, &str)>) -> PathBuf {
    let to = dir.join("e");
    std::fs::create_dir_all(to.join("data")).unwrap();
    for f in std::fs::read_dir(sample().join("data")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), to.join("data").join(f.file_name())).unwrap();
    }
    let toml = std::fs::read_to_string(sample().join("engagement.toml")).unwrap();
    let kept: Vec<&str> = toml
        .lines()
        .filter(|l| !l.starts_with("self_report"))
        .collect();
    let mut toml = kept.join("\n");
    if let Some((name, text)) = report {
        std::fs::write(to.join("data").join(name), text).unwrap();
        toml = toml.replace(
            "[inputs]\n",
            &format!("[inputs]\nself_report = \"data/{name}\"\n"),
        );
    }
    std::fs::write(to.join("engagement.toml"), toml).unwrap();
    to
}

#[test]
fn claims_run_sample_sets_each_claim_beside_the_books_and_raises_the_three_that_differ() {
    let t = tmp();
    // The committed 自评报告 is what the generator writes.
    let mut cmd = bin();
    cmd.arg("gen-fixtures")
        .arg(t.path().join("g"))
        .args(["--engagement", "--seed", "2023"]);
    assert!(output_within(cmd, 120).status.success());
    let f = "data/自评报告-2023.txt";
    assert_eq!(
        std::fs::read(t.path().join("g").join(f)).unwrap(),
        std::fs::read(sample().join(f)).unwrap(),
        "{f}: regenerate with `reeval gen-fixtures samples/hrss-2023 --engagement --seed 2023 --force`"
    );
    let out = t.path().join("out");
    let o = run(&sample(), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = claims_json(&out);
    let ver = c["verification"].as_array().unwrap();
    assert_eq!(ver.len(), c["files"][0]["claims"].as_array().unwrap().len());
    let verdict = |q: &str, v: &str| {
        ver.iter()
            .filter(|x| x["quantity"] == q && x["verdict"] == v)
            .count()
    };
    assert_eq!(verdict("预算执行率", "不符"), 1);
    assert_eq!(verdict("公用经费", "不符"), 1);
    assert_eq!(verdict("公务用车运行维护费", "不符"), 1);
    // Stated in 万元 with two decimals: within 50 元 of the books is agreement.
    assert_eq!(verdict("支出决算", "一致"), 2);
    assert_eq!(verdict("三公经费", "一致"), 2);
    assert_eq!(verdict("年初预算", "一致"), 1);
    let not_verified: Vec<&str> = ver
        .iter()
        .filter(|x| x["verdict"] == "未核对")
        .map(|x| x["source"].as_str().unwrap())
        .collect();
    assert_eq!(not_verified.len(), 2, "{not_verified:?}");
    assert!(not_verified.iter().any(|s| s.contains("2022")));
    assert!(not_verified.iter().any(|s| s.contains("就业创业补助资金")));
    let findings = c["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    for f in findings {
        assert_eq!(f["category"], "自评不实");
        assert_eq!(f["kind"], "疑点");
        assert_eq!(f["status"], "待核实");
        let s = f["summary"].as_str().unwrap();
        assert!(s.starts_with("自评报告称") && s.contains("账面为"), "{s}");
        // The line is the evidence reference of the quoted sentence (the workbook's), not
        // the report's words.
        assert!(!s.contains(" 行"), "{s}");
        let quote = f["facts"][0].as_str().unwrap();
        assert!(quote.starts_with("自评报告称：“"), "{quote}");
        assert!(!quote.contains("自评报告-2023.txt"), "{quote}");
        let at = f["fact_evidence"][0].as_str().unwrap();
        assert!(
            at.starts_with("data/自评报告-2023.txt 第 ") && at.ends_with(" 行"),
            "{at}"
        );
        assert_eq!(
            f["fact_evidence"].as_array().unwrap().len(),
            f["facts"].as_array().unwrap().len()
        );
    }
    let rate = findings
        .iter()
        .find(|f| f["summary"].as_str().unwrap().contains("预算执行率"))
        .unwrap();
    assert!(rate["summary"].as_str().unwrap().contains("100%"));
    assert!(rate["summary"].as_str().unwrap().contains("94.96%"));
    // The internal inconsistencies come with it, found without the books.
    let kinds: Vec<&str> = c["files"][0]["inconsistencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rate_mismatch", "part_exceeds_whole"]);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(summary["summary"]["claims"]["disagreeing"], 3);
}

#[test]
fn claims_run_report_that_agrees_raises_nothing_and_one_worded_otherwise_is_raised() {
    let t = tmp();
    let agree = "寻甸县人社局2023年度部门整体支出绩效自评报告\n\
                 一、预算执行\n\
                 2023年度决算总支出为19,707,550.47元，年度实际支出率达94.96%。\n\
                 基本支出 1681.85 万元，项目支出288.91万元；“三公”经费支出429元，公务接待费支出429.00元。\n";
    let e = sample_copy(t.path(), Some(("自评.md", agree)));
    let out = t.path().join("o1");
    let o = run(&e, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = claims_json(&out);
    assert_eq!(
        c["findings"].as_array().unwrap().len(),
        0,
        "{:#}",
        c["verification"]
    );
    assert!(c["verification"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["verdict"] == "一致"));
    let differ = "2023年度部门整体支出绩效自评报告\n\
                  本年支出合计2,000.00万元，预算资金执行率为96.37％。\n\
                  “三公”经费实际支出0.04万元，其中公务接待费0.03万元。\n";
    let e2 = sample_copy(&t.path().join("x"), Some(("自评.txt", differ)));
    let out2 = t.path().join("o2");
    let o = run(&e2, &out2);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let c = claims_json(&out2);
    let raised: Vec<&str> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        raised,
        [
            "self-report-claims/支出决算/2",
            "self-report-claims/预算执行率/2",
            "self-report-claims/公务接待费/3"
        ]
    );
}

#[test]
fn claims_run_without_a_self_report_writes_no_claims_and_an_unreadable_one_stops_the_run() {
    let t = tmp();
    let e = sample_copy(t.path(), None);
    let out = t.path().join("o");
    let o = run(&e, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("claims.json").exists());
    let e2 = sample_copy(&t.path().join("y"), Some(("自评报告.pdf", "%PDF-1.4")));
    let o = run(&e2, &t.path().join("o2"));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("PDF") && !err.contains("panicked"), "{err}");
}
