//! Issue 14, items 7–9: a plan that cannot draw as asked draws what it can and the run goes
//! on; text from the audited party never becomes a live formula in a CSV; plan and taint
//! values that would mislabel or mislead are refused before anything runs.

use super::common::{bin, output_within, p, stderr, stdout, tmp};
use reeval::fixtures::books::{write_ledger, Layout};
use reeval::fixtures::seed002;
use serde_json::Value;
use std::path::Path;

/// A one-entity engagement over the seed 002 局机关 vouchers, whose 摘要 start with what a
/// spreadsheet would run (`=`, `+`, `-`, `@`, tab, CR, by voucher number), and `plans`.
fn engagement(dir: &Path, plans: &str) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let mut vouchers = seed002::bureau_vouchers(2023);
    let prefixes = [
        "=HYPERLINK(\"http://x\",\"点\")",
        "+1+",
        "-1-",
        "@SUM(1)",
        "\t=",
        "\r=",
    ];
    for v in &mut vouchers {
        let pre = prefixes[v.number as usize % prefixes.len()];
        for l in &mut v.lines {
            l.summary = format!("{pre}{}", l.summary);
        }
    }
    write_ledger(
        &dir.join("data/局机关.xlsx"),
        "局机关",
        2023,
        &[],
        &vouchers,
        Layout::FULL,
    )
    .unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        format!(
            r#"
[engagement]
id = "t"
title = "测试"
department = "测试局"
year = 2023

[[entities]]
name = "局机关"
ledgers = ["data/局机关.xlsx"]

[sampling]
seed = 7
{plans}
"#
        ),
    )
    .unwrap();
}

fn run(dir: &Path, out: &Path) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(out).arg("--json");
    output_within(cmd, 120)
}

/// Every field of a BOM CSV.
fn csv_fields(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .flat_map(|rec| {
            rec.unwrap()
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn plans_that_cannot_draw_as_asked_draw_what_they_can_and_the_run_goes_on() {
    let t = tmp();
    let dir = t.path().join("eng");
    engagement(
        &dir,
        r#"
[[sampling.plans]]
name = "样本量过大"
unit = "vouchers"
method = "random"
n = 1000000

[[sampling.plans]]
name = "全部已是重点"
unit = "vouchers"
key_above = "0.01"
method = "mus"
n = 10

[[sampling.plans]]
name = "未指定方法"
unit = "vouchers"
method = "none"

[[sampling.plans]]
name = "空总体"
unit = "assets"
method = "stratified"
strata = "class"
n = 5
"#,
    );
    let out = t.path().join("out");
    let o = run(&dir, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    let samples = summary["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 4);
    // (A voucher plan's population is its expenditure vouchers by default, issue 20: the
    // plan's own population_count, not the load's voucher count.)
    let vouchers = samples[0]["population_count"].as_u64().unwrap();
    assert!(vouchers > 0 && vouchers <= summary["load"]["vouchers"].as_u64().unwrap());
    // n larger than the population: all of it, with a warning.
    assert_eq!(samples[0]["selected_count"].as_u64().unwrap(), vouchers);
    assert!(
        samples[0]["warnings"][0].as_str().unwrap().contains("全部"),
        "{}",
        samples[0]
    );
    // Every item already a key item: the key items, and a warning for the draw.
    assert_eq!(samples[1]["selected_count"].as_u64().unwrap(), vouchers);
    assert!(samples[1]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("已无剩余项目"));
    // No way to select: none, said.
    assert_eq!(samples[2]["selected_count"], 0);
    assert!(samples[2]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("未抽取"));
    // An empty population (no register given): none, said.
    assert_eq!(samples[3]["selected_count"], 0);
    assert!(samples[3]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("总体为空"));
    // The warnings are in the sample document too, and the steps after sampling ran.
    let doc: Value =
        serde_json::from_slice(&std::fs::read(out.join("sample.json")).unwrap()).unwrap();
    for (i, plan) in doc["plans"].as_array().unwrap().iter().enumerate() {
        assert_eq!(plan["warnings"], samples[i]["warnings"], "plan {i}");
    }
    assert!(out.join("findings.json").is_file() && out.join("run.json").is_file());
    // And the printed summary says so.
    let mut cmd = bin();
    cmd.arg("run")
        .arg(&dir)
        .arg("--out")
        .arg(t.path().join("out2"));
    let o = output_within(cmd, 120);
    assert!(o.status.success());
    assert!(stdout(&o).contains("注意：样本量 1000000 大于可抽取的"));
}

#[test]
fn no_csv_field_runs_as_a_formula() {
    let t = tmp();
    let dir = t.path().join("eng");
    engagement(
        &dir,
        r#"
[[sampling.plans]]
name = "凭证"
unit = "vouchers"
key_above = "10000"
risk = true
method = "random"
n = 30
"#,
    );
    let out = t.path().join("out");
    let o = run(&dir, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["findings.csv", "sample.csv"] {
        let fields = csv_fields(&out.join(f));
        let hostile: Vec<&String> = fields
            .iter()
            .filter(|v| v.starts_with("'") && v.len() > 1)
            .collect();
        assert!(
            hostile.len() >= 5,
            "{f}: the planted 摘要 are there, neutralised"
        );
        for v in &fields {
            let first = v.chars().next();
            let live = matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r'));
            let number = v
                .trim_start_matches(['-', '+'])
                .replace(',', "")
                .parse::<f64>()
                .is_ok();
            assert!(!live || number, "{f}: live formula {v:?}");
        }
    }
    // The JSON documents keep the text as it was.
    let findings = std::fs::read_to_string(out.join("findings.json")).unwrap();
    assert!(findings.contains("=HYPERLINK("));
}

#[test]
fn plan_values_that_would_mislabel_are_refused_before_anything_runs() {
    let t = tmp();
    for (plans, says) in [
        (
            "[[sampling.plans]]\nname = \"分层\"\nunit = \"vouchers\"\nmethod = \"stratified\"\nstrata = \"amount\"\nbands = [\"10000\", \"1000\"]\nn = 10\n",
            "从小到大",
        ),
        (
            "[[sampling.plans]]\nname = \"分层\"\nunit = \"vouchers\"\nmethod = \"stratified\"\nstrata = \"amount\"\nbands = [\"1000\", \"1000\"]\nn = 10\n",
            "不重复",
        ),
        (
            "[[sampling.plans]]\nname = \"覆盖\"\nunit = \"vouchers\"\nkey_cover = 1.5\n",
            "sampling.plans[0].key_cover",
        ),
        (
            "[[sampling.plans]]\nname = \"错字\"\nunit = \"vouchers\"\nmethod = \"dice\"\nn = 10\n",
            "dice",
        ),
    ] {
        let dir = t.path().join("eng");
        let _ = std::fs::remove_dir_all(&dir);
        engagement(&dir, plans);
        let out = t.path().join("out");
        let o = run(&dir, &out);
        assert_eq!(o.status.code(), Some(2), "{plans}");
        let err = stderr(&o);
        assert!(err.contains(says) && err.contains("抽样"), "{plans}: {err}");
        assert!(!out.exists());
    }
    // The CLI refuses unsorted bands too.
    let ledger = t.path().join("eng/data/局机关.xlsx");
    let mut cmd = bin();
    cmd.args([
        "sample",
        p(&ledger),
        "--unit",
        "vouchers",
        "--method",
        "stratified",
        "--strata",
        "amount",
        "--bands",
        "10000,1000",
        "--n",
        "10",
        "--seed",
        "1",
    ]);
    let o = output_within(cmd, 120);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("从小到大"), "{}", stderr(&o));
}

#[test]
fn taints_outside_minus_one_to_one_are_refused() {
    for taints in ["--taints=1.5", "--taints=0.5,-2", "--taints=50"] {
        let mut cmd = bin();
        cmd.args([
            "evaluate",
            "--method",
            "stringer",
            "--n",
            "60",
            taints,
            "--materiality",
            "0.05",
        ]);
        let o = output_within(cmd, 30);
        assert_eq!(o.status.code(), Some(2), "{taints}");
        assert!(stderr(&o).contains("[−1, 1]"), "{taints}: {}", stderr(&o));
    }
    let t = tmp();
    let data = t.path().join("book_audit.csv");
    std::fs::write(&data, "账面金额,审定金额\n100.00,100.00\n200.00,-50.00\n").unwrap();
    let mut cmd = bin();
    cmd.args(["evaluate", "--method", "stringer", "--data", p(&data)]);
    let o = output_within(cmd, 30);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("第 3 行") && stderr(&o).contains("[−1, 1]"),
        "{}",
        stderr(&o)
    );
    // Within the range: fine.
    let mut cmd = bin();
    cmd.args([
        "evaluate",
        "--method",
        "stringer",
        "--n",
        "60",
        "--taints=1,-1,0.5",
        "--materiality",
        "0.05",
    ]);
    assert!(output_within(cmd, 30).status.success());
}

#[test]
fn duplicate_plan_names_and_amount_strata_without_bands_are_refused() {
    let t = tmp();
    for (plans, says) in [
        (
            "[[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nmethod = \"random\"\nn = 5\n\n[[sampling.plans]]\nname = \"凭证\"\nunit = \"lines\"\nmethod = \"random\"\nn = 5\n",
            "不止一次",
        ),
        (
            "[[sampling.plans]]\nname = \"分层\"\nunit = \"vouchers\"\nmethod = \"stratified\"\nstrata = \"amount\"\nn = 10\n",
            "bands",
        ),
    ] {
        let dir = t.path().join("eng");
        let _ = std::fs::remove_dir_all(&dir);
        engagement(&dir, plans);
        let o = run(&dir, &t.path().join("out"));
        assert_eq!(o.status.code(), Some(2), "{plans}");
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
}

#[test]
fn one_ledger_for_two_entities_is_refused() {
    let t = tmp();
    let dir = t.path().join("eng");
    engagement(
        &dir,
        "[[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nmethod = \"random\"\nn = 5\n",
    );
    let toml = std::fs::read_to_string(dir.join("engagement.toml")).unwrap();
    // The same path under two entities, then a byte-identical copy under the second.
    let twice = toml.replace(
        "[sampling]",
        "[[entities]]\nname = \"下属中心\"\nledgers = [\"data/局机关.xlsx\"]\n\n[sampling]",
    );
    std::fs::write(dir.join("engagement.toml"), &twice).unwrap();
    let o = run(&dir, &t.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("列了两次"), "{}", stderr(&o));
    std::fs::copy(dir.join("data/局机关.xlsx"), dir.join("data/中心.xlsx")).unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        twice.replace(
            "ledgers = [\"data/局机关.xlsx\"]\n\n[sampling]",
            "ledgers = [\"data/中心.xlsx\"]\n\n[sampling]",
        ),
    )
    .unwrap();
    let o = run(&dir, &t.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("内容完全相同") && err.contains("下属中心"),
        "{err}"
    );
}

#[test]
fn lines_of_another_year_than_the_engagements_are_warned_about() {
    let t = tmp();
    let dir = t.path().join("eng");
    engagement(
        &dir,
        "[[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nmethod = \"random\"\nn = 5\n",
    );
    let o = run(&dir, &t.path().join("a"));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!s["load"]["warnings"].to_string().contains("不是项目的"));
    let toml = std::fs::read_to_string(dir.join("engagement.toml")).unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        toml.replace("year = 2023", "year = 2022"),
    )
    .unwrap();
    let o = run(&dir, &t.path().join("b"));
    assert!(o.status.success(), "{}", stderr(&o));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        s["load"]["warnings"]
            .to_string()
            .contains("不是项目的 2022 年"),
        "{}",
        s["load"]["warnings"]
    );
}

#[test]
fn a_misspelt_unit_method_or_strata_fails_when_the_engagement_is_read_naming_the_key() {
    let t = tmp();
    let good =
        "[[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nmethod = \"random\"\nn = 5\n";
    for (plan, key, value, allowed) in [
        (
            "[[sampling.plans]]\nname = \"错字\"\nunit = \"voucher\"\nmethod = \"random\"\nn = 5\n",
            "sampling.plans[1].unit",
            "voucher",
            "vouchers、lines、assets",
        ),
        (
            "[[sampling.plans]]\nname = \"错字\"\nunit = \"vouchers\"\nmethod = \"stratifed\"\nn = 5\n",
            "sampling.plans[1].method",
            "stratifed",
            "none、random、systematic、mus、cell、stratified",
        ),
        (
            "[[sampling.plans]]\nname = \"错字\"\nunit = \"vouchers\"\nmethod = \"stratified\"\nstrata = \"classes\"\nn = 5\n",
            "sampling.plans[1].strata",
            "classes",
            "amount、class",
        ),
    ] {
        let dir = t.path().join("eng");
        let _ = std::fs::remove_dir_all(&dir);
        engagement(&dir, &format!("{good}\n{plan}"));
        // A ledger that cannot be read: had loading begun, the error would name it instead.
        std::fs::write(dir.join("data/局机关.xlsx"), b"not a workbook").unwrap();
        let out = t.path().join("out");
        let o = run(&dir, &out);
        assert_eq!(o.status.code(), Some(2), "{plan}");
        let err = stderr(&o);
        assert!(
            err.contains(key) && err.contains(value) && err.contains(allowed),
            "{plan}: {err}"
        );
        assert!(!err.contains("局机关.xlsx"), "{plan}: {err}");
        assert!(!out.exists());
    }
}

#[test]
fn a_first_run_from_init_completes_on_a_small_register_and_says_what_the_score_lacks() {
    // issue 16: `init` + the department's ledgers + `run`, with the template's plans and the
    // blank scoring inputs `init` writes.
    let t = tmp();
    let dir = t.path().join("新项目");
    let mut cmd = bin();
    cmd.arg("init").arg(&dir);
    assert!(output_within(cmd, 30).status.success());
    assert!(dir.join("data/scoring-inputs.toml").is_file());
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023/data");
    std::fs::copy(
        sample.join("局机关-序时账-2023.xlsx"),
        dir.join("data/局机关-序时账-2023.xlsx"),
    )
    .unwrap();
    std::fs::copy(
        sample.join("社保中心-凭证明细-2023.xlsx"),
        dir.join("data/下属中心-凭证明细-2023.xlsx"),
    )
    .unwrap();
    reeval::fixtures::write_assets(
        &dir.join("data/固定资产明细表-2023.xlsx"),
        "某县某局",
        1,
        3,
        false,
    )
    .unwrap();
    let mut cmd = bin();
    cmd.arg("run").arg(&dir);
    let o = output_within(cmd, 120);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("（暂定）"), "{text}");
    assert!(
        text.contains("评分输入没有支出决算数（budget.expenditure），账面为"),
        "{text}"
    );
    // The template's asset plan (key items by value first, then a stratified draw, issue 20)
    // takes the whole 3-item register.
    assert!(
        text.contains("抽样「固定资产」：总体 3 项") && text.contains("抽中 3 项"),
        "{text}"
    );
    assert!(dir.join("output/my-dept-2023/score.json").is_file());

    // Inputs that disagree with the books beyond their rounding: both figures on screen.
    std::fs::write(
        dir.join("data/scoring-inputs.toml"),
        "[budget]\nexpenditure = \"73300.00\"\n",
    )
    .unwrap();
    let mut cmd = bin();
    cmd.arg("run").arg(&dir);
    let o = output_within(cmd, 120);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("支出决算数：评分输入 73,300.00 元，账面"),
        "{text}"
    );
}

#[test]
fn run_names_the_columns_it_did_not_read() {
    let t = tmp();
    let dir = t.path().join("eng");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("data/局机关.csv"),
        "凭证日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,备注\n\
         2023-03-01,记-1,购办公用品,5001,业务活动费用,100.00,,甲\n\
         2023-03-01,记-1,购办公用品,1011,零余额账户用款额度,,100.00,乙\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        "[engagement]\nid = \"t\"\ntitle = \"测试\"\ndepartment = \"测试局\"\nyear = 2023\n\n\
         [[entities]]\nname = \"局机关\"\nledgers = [\"data/局机关.csv\"]\n\n\
         [sampling]\nseed = 1\n\n[[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nmethod = \"random\"\nn = 1\n",
    )
    .unwrap();
    let o = run(&dir, &t.path().join("out"));
    assert!(o.status.success(), "{}", stderr(&o));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let w = s["load"]["warnings"].to_string();
    assert!(w.contains("未读取的列：H（备注）"), "{w}");
}
