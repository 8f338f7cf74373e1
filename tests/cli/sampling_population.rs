//! Issue 20: what a plan samples from (population definitions as data), how its size is
//! planned, how the asset plan covers the register, and how audited values are evaluated.

use super::common::{bin, output_within, p, stderr, tmp};
use reeval::load::{FileHint, LoadRequest};
use reeval::sample::population_def::{classify, Definitions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .expect("JSON")
}

fn run(dir: &Path, out: &Path) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(out).arg("--quiet");
    output_within(cmd, 120)
}

/// The class of every voucher of the bundled sample, as the sampling step classifies it.
fn bundled_classes() -> BTreeMap<String, String> {
    let data = sample().join("data");
    let (b, c) = (
        data.join("局机关-序时账-2023.xlsx"),
        data.join("社保中心-凭证明细-2023.xlsx"),
    );
    let hint = |e: &str| FileHint {
        entity: Some(e.to_string()),
        profile: None,
    };
    let loaded = reeval::load::load(&LoadRequest {
        ledgers: vec![b.clone(), c.clone()],
        file_hints: [(b, hint("局机关")), (c, hint("社保中心"))]
            .into_iter()
            .collect(),
        ..Default::default()
    })
    .unwrap();
    classify(&Definitions::builtin().unwrap(), &loaded.frames.lines).unwrap()
}

/// Copy of the bundled engagement in `dir`, with engagement.toml passed through `edit`.
fn copy_sample(dir: &Path, edit: impl Fn(String) -> String) {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let src = sample();
    let toml = std::fs::read_to_string(src.join("engagement.toml")).unwrap();
    std::fs::write(dir.join("engagement.toml"), edit(toml)).unwrap();
    for f in std::fs::read_dir(src.join("data")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.join("data").join(f.file_name().unwrap())).unwrap();
    }
}

#[test]
fn bundled_expenditure_plan_draws_no_quota_accrual_closing_or_payroll_voucher() {
    let t = tmp();
    let out = t.path().join("o");
    let o = run(&sample(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&out.join("sample.json"));
    let plan = &doc["plans"][0];
    assert_eq!(plan["plan"], "凭证");
    // n planned from the stated materiality/confidence/expected (Poisson MUS, 5 %, 95 %: 60).
    assert_eq!(plan["sample_size"]["source"], "planned");
    assert_eq!(plan["sample_size"]["n"], 60);
    assert_eq!(plan["sample_size"]["plan"]["sample_size"], 60);
    assert_eq!(plan["spec"]["n"], 60);
    // The population: expenditure vouchers only; the others counted and valued, not lost.
    let def = &plan["population_definition"];
    assert_eq!(def["population"], "expenditure");
    let classes = def["classes"].as_array().unwrap();
    for c in ["quota", "accrual", "payroll"] {
        let row = classes
            .iter()
            .find(|r| r["class"] == c)
            .unwrap_or_else(|| panic!("{c} missing: {def}"));
        assert_eq!(row["treatment"], "excluded", "{row}");
        assert!(row["count"].as_u64().unwrap() > 0, "{row}");
        assert!(row["value"].as_str().unwrap() != "0.00", "{row}");
    }
    let included: u64 = classes
        .iter()
        .filter(|r| r["treatment"] == "included")
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(included, plan["population_count"].as_u64().unwrap());
    assert_eq!(
        def["included_count"].as_u64().unwrap() + def["excluded_count"].as_u64().unwrap(),
        classes
            .iter()
            .map(|r| r["count"].as_u64().unwrap())
            .sum::<u64>()
    );
    // No key or MUS item is anything but an expenditure voucher.
    let class = bundled_classes();
    let mut statistical = 0;
    for it in plan["items"].as_array().unwrap() {
        let part = it["part"].as_str().unwrap();
        if part == "key" || part == "mus" {
            statistical += 1;
            let id = it["id"].as_str().unwrap();
            assert_eq!(
                class.get(id).map(String::as_str),
                Some("expenditure"),
                "{id} ({}) drawn as {part}",
                it["label"]
            );
        }
    }
    assert!(statistical >= 60, "{statistical}");
    // The three-public voucher of seed 002 is still drawn (risk-targeted).
    assert!(plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == "局机关 2023-04 记-14"));
}

#[test]
fn bundled_asset_plan_takes_key_items_by_value_first_and_every_valued_class() {
    let t = tmp();
    let out = t.path().join("o");
    let o = run(&sample(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&out.join("sample.json"));
    let plan = &doc["plans"][1];
    assert_eq!(plan["plan"], "固定资产");
    assert!(plan["selected_count"].as_u64().unwrap() <= 30);
    // Key items by value first: the largest 14 (cover 80 %, at most 14).
    let key = &plan["parts"][0];
    assert_eq!(key["part"], "key");
    assert_eq!(key["selected_count"], 14);
    // Coverage by value and by count (was 6.30 % with a stratified draw alone). The register
    // the generator writes today has no buildings: its 30 largest items hold 62.4 % of the
    // value, so 80 % with 30 items waits for the realistic register (issue 17).
    let cover: f64 = plan["coverage_percent"].as_str().unwrap().parse().unwrap();
    assert!(cover > 50.0, "{cover}");
    let by_count: f64 = plan["coverage_count_percent"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let want = plan["selected_count"].as_f64().unwrap() * 100.0
        / plan["population_count"].as_f64().unwrap();
    assert!((by_count - want).abs() < 0.006, "{by_count} vs {want}");
    // Every class with value left after the key and risk items got at least one item.
    let strat = plan["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part"] == "stratified")
        .unwrap();
    for a in strat["details"]["allocation"].as_array().unwrap() {
        if a["population_value"] != "0.00" {
            assert!(a["allocated"].as_u64().unwrap() >= 1, "{a}");
        }
    }
}

#[test]
fn a_plan_names_its_population_and_an_unknown_one_is_refused() {
    let t = tmp();
    let dir = t.path().join("eng");
    // A payroll plan beside the expenditure plan: its own stratum of what the other leaves out.
    copy_sample(&dir, |s| {
        s.replace(
            "[scoring]",
            "[[sampling.plans]]\nname = \"工资\"\nunit = \"vouchers\"\npopulation = \"payroll\"\nmethod = \"random\"\nn = 5\n\n[scoring]",
        )
    });
    let out = t.path().join("o");
    let o = run(&dir, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&out.join("sample.json"));
    let payroll = &doc["plans"][2];
    assert_eq!(payroll["population_definition"]["population"], "payroll");
    assert_eq!(payroll["sample_size"]["source"], "typed");
    let class = bundled_classes();
    for it in payroll["items"].as_array().unwrap() {
        assert_eq!(
            class.get(it["id"].as_str().unwrap()).map(String::as_str),
            Some("payroll")
        );
    }
    let excluded = doc["plans"][0]["population_definition"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["class"] == "payroll")
        .unwrap()["count"]
        .clone();
    assert_eq!(payroll["population_count"], excluded);

    // A misspelt population: exit 2, the known names listed.
    let dir2 = t.path().join("eng2");
    copy_sample(&dir2, |s| {
        s.replace("population = \"expenditure\"", "population = \"expenses\"")
    });
    let o = run(&dir2, &t.path().join("o2"));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("expenses") && err.contains("expenditure") && err.contains("未定义"),
        "{err}"
    );
}

#[test]
fn an_engagement_file_can_define_its_own_population() {
    let t = tmp();
    let dir = t.path().join("eng");
    copy_sample(&dir, |s| {
        s.replace("[sampling]\n", "[sampling]\npopulations = \"data/populations.toml\"\n")
            .replace("population = \"expenditure\"", "population = \"spend_and_pay\"")
    });
    std::fs::write(
        dir.join("data/populations.toml"),
        "[population.spend_and_pay]\nname = \"支出及工资\"\ninclude = [\"expenditure\", \"payroll\"]\n",
    )
    .unwrap();
    let out = t.path().join("o");
    let o = run(&dir, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&out.join("sample.json"));
    let def = &doc["plans"][0]["population_definition"];
    assert_eq!(def["name"], "支出及工资");
    let included: Vec<&str> = def["classes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["treatment"] == "included")
        .map(|c| c["class"].as_str().unwrap())
        .collect();
    assert_eq!(included, ["payroll", "expenditure"]);
    // The file is an input of the run.
    let manifest = json(&out.join("run.json"));
    assert!(manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["path"].as_str().unwrap().ends_with("populations.toml")));
}

#[test]
fn sample_command_defaults_to_expenditure_vouchers_and_all_is_everything() {
    let data = sample().join("data");
    let ledger = data.join("局机关-序时账-2023.xlsx");
    let t = tmp();
    let count = |pop: Option<&str>| {
        let out = t.path().join(format!("{}.json", pop.unwrap_or("default")));
        let mut cmd = bin();
        cmd.args(["sample", p(&ledger), "--seed", "1", "--json", p(&out)]);
        if let Some(pop) = pop {
            cmd.args(["--population", pop]);
        }
        let o = output_within(cmd, 120);
        assert!(o.status.success(), "{}", stderr(&o));
        let v = json(&out);
        (
            v["population_count"].as_u64().unwrap(),
            v["population_definition"]["included_count"].as_u64().unwrap()
                + v["population_definition"]["excluded_count"].as_u64().unwrap(),
        )
    };
    let (spend, all_classes) = count(None);
    let (all, _) = count(Some("all"));
    assert_eq!(all, all_classes);
    assert!(spend < all, "{spend} {all}");
    assert_eq!(count(Some("expenditure")).0, spend);
    let mut cmd = bin();
    cmd.args(["sample", p(&ledger), "--population", "quotas", "--seed", "1"]);
    let o = output_within(cmd, 120);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("quota"), "{}", stderr(&o));
}
