//! `reeval run` on the bundled sample engagement: every output exists and agrees with the
//! others, a second run is byte-identical, failures name the step and leave nothing behind,
//! `reeval init` writes a skeleton `run` explains. And the committed sample is what the
//! generator writes.

use super::common::{bin, output_within, p, tmp};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

fn run(dir: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(out).args(extra);
    output_within(cmd, 120)
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .expect("JSON")
}

/// run.json without the timings (the only bytes allowed to differ between runs).
fn without_timings(mut v: Value) -> Value {
    for s in v["steps"].as_array_mut().expect("steps") {
        s.as_object_mut().unwrap().remove("seconds");
    }
    v
}

#[test]
fn run_writes_every_output_they_agree_and_a_rerun_is_byte_identical() {
    let t = tmp();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    let out = run(&sample(), &a, &["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("--json prints the summary");
    let names = [
        "load.json",
        "claims.json",
        "findings.json",
        "findings.csv",
        "sample.json",
        "sample.csv",
        "score.json",
        "底稿-hrss-2023.xlsx",
        "报告-hrss-2023.docx",
        "报告-hrss-2023.md",
        "报告-hrss-2023-图1.png",
        "run.json",
    ];
    for n in names {
        assert!(a.join(n).is_file(), "{n} missing");
    }
    let manifest = json(&a.join("run.json"));
    // The summary printed = the summary in the manifest.
    assert_eq!(manifest["summary"], printed);
    // Every output listed with its hash, and the hash is the file's.
    let listed: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["file"].as_str().unwrap())
        .collect();
    assert_eq!(listed, &names[..11]);
    let steps: Vec<&str> = manifest["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["load", "claims", "check", "sample", "score", "workbook", "report"]
    );
    assert_eq!(manifest["seeds"]["sampling"], 20240315);
    assert!(manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["path"] == "data/局机关-序时账-2023.xlsx"
            && i["sha256"].as_str().unwrap().len() == 64));

    // Load: the summary's counts are the load report's.
    let load = json(&a.join("load.json"));
    assert_eq!(
        printed["load"]["lines_loaded"],
        load["summary"]["lines_loaded"]
    );
    assert_eq!(printed["load"]["vouchers"], load["summary"]["vouchers"]);
    assert!(printed["load"]["lines_loaded"].as_u64().unwrap() > 30_000);
    assert!(printed["load"]["assets"].as_u64().unwrap() >= 480);
    assert_eq!(printed["load"]["rows_rejected"], 0);

    // Check: counts by kind and by category = findings.json's findings.
    let findings = json(&a.join("findings.json"));
    let fs = findings["findings"].as_array().unwrap();
    let doubt = fs.iter().filter(|f| f["kind"] == "疑点").count();
    assert_eq!(
        printed["check"]["findings"].as_u64().unwrap() as usize,
        doubt
    );
    // 分析性程序 results are counted apart, never in a category's count or amount.
    let analytical = fs.iter().filter(|f| f["kind"] == "分析性程序").count();
    assert_eq!(
        printed["check"]["informational"].as_u64().unwrap() as usize,
        fs.len() - doubt - analytical
    );
    assert_eq!(
        printed["check"]["analytical"].as_u64().unwrap() as usize,
        analytical
    );
    for c in printed["check"]["by_category"].as_array().unwrap() {
        let n = fs
            .iter()
            .filter(|f| f["category"] == c["category"] && f["kind"] != "分析性程序")
            .count();
        assert_eq!(c["findings"].as_u64().unwrap() as usize, n, "{c}");
    }
    // Every seed 002 problem the generator planted is among them.
    for (rule, voucher) in [
        ("suspense-spending", "2023-01 记-17"),
        ("amount-mismatch", "2023-01 记-22"),
        ("card-settlement", "2023-03 记-19"),
        ("three-public-misclass", "2023-04 记-14"),
        ("income-in-suspense", "2023-10 记-13"),
    ] {
        assert!(
            fs.iter()
                .any(|f| f["rule"] == rule && f["entity"] == "局机关" && f["voucher"] == voucher),
            "{rule} {voucher} not found"
        );
    }
    // findings.csv: BOM, a header and one row per finding.
    let csv = std::fs::read(a.join("findings.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "CSV needs a UTF-8 BOM for Excel/WPS"
    );
    let mut r = csv::Reader::from_reader(&csv[3..]);
    assert_eq!(r.headers().unwrap().get(0), Some("编号"));
    assert_eq!(r.records().count(), fs.len());

    // Sample: the summary's counts are sample.json's; every flagged voucher was drawn.
    let sampled = json(&a.join("sample.json"));
    let plans = sampled["plans"].as_array().unwrap();
    let summaries = printed["samples"].as_array().unwrap();
    assert_eq!(plans.len(), summaries.len());
    for (pl, s) in plans.iter().zip(summaries) {
        assert_eq!(pl["plan"], s["plan"]);
        assert_eq!(
            pl["items"].as_array().unwrap().len() as u64,
            s["selected_count"].as_u64().unwrap()
        );
        assert_eq!(pl["selected_count"], s["selected_count"]);
        assert_eq!(pl["provenance"]["seed"], 20240315);
    }
    let drawn: Vec<&str> = plans[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(drawn.contains(&"局机关 2023-04 记-14"));
    let sample_csv = std::fs::read(a.join("sample.csv")).unwrap();
    assert!(sample_csv.starts_with(b"\xEF\xBB\xBF"));

    // Score: total and grade as printed; findings deducted.
    let score = json(&a.join("score.json"));
    assert_eq!(printed["score"]["grade"], score["grade"]);
    assert_eq!(
        printed["score"]["total"].as_str().unwrap(),
        score["total"].as_str().unwrap()
    );
    assert_eq!(printed["score"]["self_evaluation"], "96");
    assert!(score["reconciliation"]["rows"].as_array().unwrap().len() >= 5);

    // A second run into another directory: the same bytes, apart from run.json's timings.
    let out = run(&sample(), &b, &["--quiet"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "--quiet prints nothing");
    for n in &names[..7] {
        assert_eq!(
            std::fs::read(a.join(n)).unwrap(),
            std::fs::read(b.join(n)).unwrap(),
            "{n} differs between runs"
        );
    }
    assert_eq!(
        without_timings(manifest),
        without_timings(json(&b.join("run.json")))
    );
}

#[test]
fn a_failing_step_is_named_and_leaves_no_output() {
    let t = tmp();
    let dir = t.path().join("eng");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let src = sample();
    std::fs::copy(src.join("engagement.toml"), dir.join("engagement.toml")).unwrap();
    for f in std::fs::read_dir(src.join("data")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.join("data").join(f.file_name().unwrap())).unwrap();
    }
    // A ledger that is not a workbook at all.
    std::fs::write(
        dir.join("data/社保中心-凭证明细-2023.xlsx"),
        b"PK\x03\x04 not really",
    )
    .unwrap();
    let out_dir = t.path().join("out");
    let out = run(&dir, &out_dir, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("载入") && err.contains("社保中心-凭证明细-2023.xlsx"),
        "{err}"
    );
    assert!(!out_dir.exists(), "no half-written output");
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("reeval"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A good run, then a failing one: the good results stay.
    std::fs::copy(
        src.join("data/社保中心-凭证明细-2023.xlsx"),
        dir.join("data/社保中心-凭证明细-2023.xlsx"),
    )
    .unwrap();
    assert!(run(&dir, &out_dir, &["-q"]).status.success());
    let before = std::fs::read(out_dir.join("findings.json")).unwrap();
    let toml = std::fs::read_to_string(dir.join("engagement.toml")).unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        toml.replace("method = \"mus\"", "method = \"dice\""),
    )
    .unwrap();
    let out = run(&dir, &out_dir, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("抽样") && err.contains("dice"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(out_dir.join("findings.json")).unwrap(),
        before
    );
}

#[test]
fn init_writes_a_skeleton_that_run_explains() {
    let t = tmp();
    let dir = t.path().join("new");
    let mut cmd = bin();
    cmd.arg("init").arg(&dir);
    let out = output_within(cmd, 30);
    assert!(out.status.success());
    assert!(dir.join("engagement.toml").is_file() && dir.join("data").is_dir());
    // A second init does not overwrite.
    let mut cmd = bin();
    cmd.arg("init").arg(&dir);
    assert!(!output_within(cmd, 30).status.success());
    // Run names the files the skeleton still lacks.
    let out = run(&dir, &t.path().join("o"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("不存在") && err.contains("局机关-序时账-2023.xlsx"),
        "{err}"
    );
    // Typos in keys are errors, with the file named.
    let text = std::fs::read_to_string(dir.join("engagement.toml")).unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        text.replace("seed = ", "sede = "),
    )
    .unwrap();
    let out = run(&dir, &t.path().join("o"), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("engagement.toml") && err.contains("sede"),
        "{err}"
    );
    let _ = p(&dir);
}

#[test]
fn the_committed_sample_is_what_the_generator_writes() {
    let t = tmp();
    let mut cmd = bin();
    cmd.args([
        "gen-fixtures",
        p(&t.path().join("g")),
        "--engagement",
        "--seed",
        "2023",
    ]);
    assert!(output_within(cmd, 120).status.success());
    let files = [
        "engagement.toml",
        "data/scoring-inputs.toml",
        "data/局机关-序时账-2023.xlsx",
        "data/社保中心-凭证明细-2023.xlsx",
        "data/固定资产明细表-2023.xlsx",
    ];
    for f in files {
        assert_eq!(
            std::fs::read(t.path().join("g").join(f)).unwrap(),
            std::fs::read(sample().join(f)).unwrap(),
            "{f}: regenerate with `reeval gen-fixtures samples/hrss-2023 --engagement --seed 2023`"
        );
    }
}
