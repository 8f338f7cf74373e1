//! Scoring against the 寻甸 report's published figures, and the engine's rules.

use crate::common::*;
use reeval::model::findings::Finding;
use reeval::score::inputs::ScoringInputs as Inputs;
use reeval::score::score::{grade, score};
use reeval::score::set::IndicatorSet;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

const SET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/indicator_sets/xundian-2023.toml"
);
const INPUTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/samples/xundian-2023/inputs.toml"
);
const FINDINGS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/samples/xundian-2023/findings.json"
);

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn shipped_set_loads_with_the_report_shape() {
    let set = IndicatorSet::load(Path::new(SET)).unwrap();
    let count = |l: u8| set.indicators.iter().filter(|i| i.level == l).count();
    assert_eq!((count(1), count(2), count(3)), (4, 13, 39));
    let top: Vec<(String, Decimal)> = set
        .indicators
        .iter()
        .filter(|i| i.level == 1)
        .map(|i| (i.name.clone(), i.weight))
        .collect();
    assert_eq!(
        top,
        vec![
            ("投入".into(), d("9")),
            ("过程".into(), d("29")),
            ("产出".into(), d("32")),
            ("效益".into(), d("30"))
        ]
    );
    assert!(set
        .indicators
        .iter()
        .filter(|i| i.level == 3)
        .all(|i| !i.definition.is_empty()));
}

#[test]
fn every_shipped_set_loads_and_weighs_100() {
    // IndicatorSet::load checks that children add up to parents and 一级 to 100.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/indicator_sets");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            let set =
                IndicatorSet::load(&path).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
            let total: Decimal = set
                .indicators
                .iter()
                .filter(|i| i.level == 1)
                .map(|i| i.weight)
                .sum();
            assert_eq!(total, d("100"));
            assert!(set
                .indicators
                .iter()
                .filter(|i| set.is_leaf(&i.id))
                .all(|i| !i.definition.is_empty()));
            n += 1;
        }
    }
    assert!(n >= 2, "common-53 and xundian-2023");
}

#[test]
fn set_validation_catches_weights_that_do_not_add_up() {
    let bad = "name='x'\n[[indicator]]\nid='a'\nname='A'\nweight='60'\n[[indicator]]\nid='a1'\nparent='a'\nname='A1'\nweight='50'\nkind='manual'\n[[indicator]]\nid='b'\nname='B'\nweight='40'\nkind='manual'\n";
    let e = IndicatorSet::parse(bad).unwrap_err().to_string();
    assert!(e.contains("不等于下级分值之和"), "{e}");
    let bad = "name='x'\n[[indicator]]\nid='a'\nname='A'\nweight='90'\nkind='manual'\n";
    assert!(IndicatorSet::parse(bad)
        .unwrap_err()
        .to_string()
        .contains("100"));
}

#[test]
fn xundian_ratios_reproduce_the_report_to_the_hundredth() {
    let set = IndicatorSet::load(Path::new(SET)).unwrap();
    let inputs = Inputs::load(Path::new(INPUTS)).unwrap();
    let r = score(&set, &inputs, None);
    let value = |id: &str| {
        r.indicators
            .iter()
            .find(|x| x.id == id)
            .unwrap()
            .value
            .clone()
            .unwrap()
    };
    // shared/seeds/002 §五 and shared/reference/regulations.md §1.6
    assert_eq!(value("execution_rate"), "94.96"); // 18,854,402.47 / 19,854,773.32
    assert_eq!(value("carryover_rate"), "5.04"); // 1,000,370.85 / 19,854,773.32
    assert_eq!(value("carryover_change_rate"), "-6.41");
    assert_eq!(value("staff_control_rate"), "106.25"); // 51 / 48
    assert_eq!(value("three_public_change_rate"), "6.92"); // 27,800 vs 26,000
    assert_eq!(value("project_change_rate"), "-75.21");
    assert_eq!(value("public_funds_control_rate"), "100.00");
    assert_eq!(value("three_public_control_rate"), "100.00");
    // Computed-only first-level subtotals (target and survey indicators) match the report.
    let sub = |id: &str| {
        r.subtotals
            .iter()
            .find(|x| x.id == id)
            .unwrap()
            .score
            .unwrap()
    };
    assert_eq!(sub("output"), d("31.18"));
    assert_eq!(sub("outcome"), d("28.00"));
    // Without findings the findings-linked indicators are not computable, never zero.
    assert!(!r.complete);
    assert!(r
        .not_computable
        .iter()
        .any(|n| n.starts_with("fund_compliance")));
    let fc = r
        .indicators
        .iter()
        .find(|x| x.id == "fund_compliance")
        .unwrap();
    assert!(fc.score.is_none());
}

#[test]
fn grade_bands_at_their_edges() {
    for (t, g) in [
        ("89.99", "良"),
        ("90.00", "优"),
        ("59.99", "差"),
        ("60", "中"),
        ("79.99", "中"),
        ("80", "良"),
        ("100", "优"),
    ] {
        assert_eq!(grade(d(t)), g, "{t}");
    }
}

const SMALL: &str = r#"
name = "test"
[[indicator]]
id = "a"
name = "A"
weight = "93"
[[indicator]]
id = "a1"
parent = "a"
name = "完成率"
weight = "90"
kind = "target"
[[indicator]]
id = "a2"
parent = "a"
name = "资金使用合规性"
weight = "3"
kind = "findings"
rules = ["card-settlement", "three-public-misclass"]
per_finding = "1"
cap = "2"
[[indicator]]
id = "b"
name = "B"
weight = "7"
[[indicator]]
id = "b1"
parent = "b"
name = "人员控制率"
weight = "7"
kind = "formula"
expr = "staff.actual / staff.establishment * 100"
rule = { type = "deduct", threshold = "100", direction = "le", per_point = "0.5" }
"#;

fn f(rule: &str, cat: &str, v: &str, status: &str) -> Finding {
    serde_json::from_value(
        serde_json::json!({"rule": rule, "category": cat, "voucher": v, "status": status}),
    )
    .unwrap()
}

#[test]
fn findings_deduct_once_per_voucher_and_category_with_a_cap_and_skip_excluded() {
    let set = IndicatorSet::parse(SMALL).unwrap();
    let inputs = Inputs::parse(
        "[targets.a1]\ntarget='100'\nactual='100'\n[staff]\nestablishment=10\nactual=10\n",
    )
    .unwrap();
    let s = |fs: &[Finding]| {
        score(&set, &inputs, Some(fs))
            .indicators
            .iter()
            .find(|x| x.id == "a2")
            .unwrap()
            .score
            .unwrap()
    };
    assert_eq!(s(&[]), d("3"));
    // one voucher in two rules of the same category: one deduction
    assert_eq!(
        s(&[
            f("card-settlement", "公务卡", "V1", "待核实"),
            f("three-public-misclass", "公务卡", "V1", "待核实")
        ]),
        d("2")
    );
    // an excluded finding does not count; another rule not in the list does not count
    assert_eq!(
        s(&[
            f("card-settlement", "公务卡", "V1", "排除"),
            f("weekend-posting", "公务卡", "V2", "确认")
        ]),
        d("3")
    );
    // capped at 2 however many
    let many: Vec<Finding> = (0..5)
        .map(|i| f("card-settlement", "公务卡", &format!("V{i}"), "确认"))
        .collect();
    assert_eq!(s(&many), d("1"));
    let total = score(&set, &inputs, Some(&many)).total;
    assert_eq!(total, d("98")); // 90 + 1 + 7, all computed
}

#[test]
fn not_applicable_normalises_and_missing_inputs_are_named() {
    let set = IndicatorSet::parse(SMALL).unwrap();
    // 不适用 takes its weight out of the maximum; the total is normalised to 100 (换算得分)
    let inputs = Inputs::parse("[targets.a1]\ntarget='100'\nactual='91.1111111111'\n[not_applicable.b1]\nreason='本单位无编制核定'\n").unwrap();
    let r = score(
        &set,
        &inputs,
        Some(&[
            f("card-settlement", "x", "V1", "确认"),
            f("card-settlement", "x", "V2", "确认"),
        ]),
    );
    // a1: 90 × 0.911111… = 82.00; a2: 3 − 2 = 1 → 83.00 of 93
    assert_eq!(r.total_raw, d("83.00"));
    assert_eq!(r.max_applicable, d("93"));
    assert_eq!(r.total, d("89.25")); // 83 / 93 × 100
    assert_eq!(r.grade, "良");
    // seed 001's case exactly: a1 = 90 × 818/900 = 81.8, a2 = 3 → 84.8 of 93 → 91.18 (优)
    let inputs = Inputs::parse(
        "[targets.a1]\ntarget='900'\nactual='818'\n[not_applicable.b1]\nreason='x'\n",
    )
    .unwrap();
    let r = score(&set, &inputs, Some(&[]));
    assert_eq!(r.total_raw, d("84.80"));
    assert_eq!(r.total, d("91.18"));
    assert_eq!(r.grade, "优");
    // A missing input: named, not zero
    let inputs =
        Inputs::parse("[targets.a1]\ntarget='100'\nactual='100'\n[staff]\nestablishment=10\n")
            .unwrap();
    let r = score(&set, &inputs, Some(&[]));
    let b1 = r.indicators.iter().find(|x| x.id == "b1").unwrap();
    assert_eq!(b1.status, "not_computable");
    assert!(b1.reason.contains("staff.actual"), "{}", b1.reason);
    assert!(b1.score.is_none());
    // Division by zero: reported as such
    let inputs = Inputs::parse(
        "[targets.a1]\ntarget='100'\nactual='100'\n[staff]\nestablishment=0\nactual=3\n",
    )
    .unwrap();
    let b1 = score(&set, &inputs, Some(&[]))
        .indicators
        .into_iter()
        .find(|x| x.id == "b1")
        .unwrap();
    assert!(b1.reason.contains("为零"), "{}", b1.reason);
    // Floats are refused: money must be exact
    assert!(Inputs::parse("[budget]\nexpenditure = 18854402.47\n").is_err());
    // Unknown tables are warned about
    assert!(!Inputs::parse("[budgte]\nx='1'\n")
        .unwrap()
        .warnings
        .is_empty());
}

#[test]
fn score_command_writes_the_documented_json_and_explains_every_indicator() {
    let d = tmp();
    let out_path = d.path().join("score.json");
    let out = bin()
        .args([
            "score",
            "--set",
            SET,
            "--inputs",
            INPUTS,
            "--findings",
            FINDINGS,
            "--json",
            p(&out_path),
            "--explain",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("定义：").count(), 39);
    assert!(text.contains("公式："));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    let ind = &v["indicators"][2];
    for k in [
        "id", "name", "level", "parent", "value", "score", "max", "reason",
    ] {
        assert!(ind.get(k).is_some(), "{k}");
    }
    assert_eq!(v["indicators"].as_array().unwrap().len(), 39);
    assert_eq!(v["subtotals"].as_array().unwrap().len(), 17);
    assert_eq!(v["grade"], "良");
    assert_eq!(v["self_evaluation"]["score"], "96");
    assert_eq!(v["provenance"]["inputs"].as_array().unwrap().len(), 3);
    let bad = bin()
        .args(["score", "--set", SET, "--inputs", "/nonexistent.toml"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("nonexistent.toml"));
}

#[test]
fn decision_figures_are_reconciled_to_the_books() {
    use reeval::load::{load, LoadRequest};
    use reeval::score::reconcile::{reconcile, LedgerMap};
    let dir = tmp();
    let path = dir.path().join("g.xlsx");
    reeval::fixtures::write_generic(&path).unwrap();
    let loaded = load(&LoadRequest {
        ledgers: vec![path],
        ..Default::default()
    })
    .unwrap();
    // The generic fixture's only 预算支出 line: 710102 行政支出, 429.00, 经济分类 30217 公务接待费.
    let inputs = Inputs::parse(
        "[budget]\nexpenditure='500'\nthree_public_actual='429'\nthree_public_budget='27800'\n",
    )
    .unwrap();
    let findings: Vec<Finding> = serde_json::from_value(serde_json::json!([
        {"rule": "three-public-misclass", "category": "三公经费", "voucher": "局机关 2023-04 记-14", "status": "确认", "amount": "6039.77"},
        {"rule": "three-public-misclass", "category": "三公经费", "voucher": "局机关 2023-05 记-3", "status": "排除", "amount": "100.00"}
    ]))
    .unwrap();
    let r = reconcile(
        &loaded.frames.lines,
        &inputs,
        Some(&findings),
        &LedgerMap::builtin().unwrap(),
    )
    .unwrap();
    let row = |k: &str| r.rows.iter().find(|x| x.key == k).unwrap().clone();
    assert_eq!(row("budget.expenditure").ledger, d("429.00"));
    assert_eq!(row("budget.expenditure").difference, Some(d("71.00")));
    assert_eq!(
        row("budget.three_public_actual").difference,
        Some(d("0.00"))
    );
    assert_eq!(row("budget.public_funds_actual").ledger, d("429.00"));
    assert_eq!(row("budget.expenditure_project").ledger, d("0.00"));
    assert!(row("budget.public_funds_actual").input.is_none());
    // restated with the confirmed misclassification only: 429.00 + 6,039.77 of 27,800 budget
    assert_eq!(r.three_public_restated, Some(d("6468.77")));
    assert_eq!(
        r.three_public_control_rate_restated.as_deref(),
        Some("23.27")
    );
}

#[test]
fn inputs_from_a_workbook_equal_the_toml_ones() {
    let dir = tmp();
    let path = dir.path().join("决算数据.xlsx");
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "键").unwrap();
        ws.write_string(0, 1, "值").unwrap();
        ws.write_string(1, 0, "budget.expenditure").unwrap();
        ws.write_number(1, 1, 18854402.47).unwrap(); // a number cell: kept exact
        ws.write_string(2, 0, "budget.adjusted").unwrap();
        ws.write_string(2, 1, "19854773.32").unwrap();
        ws.write_string(3, 0, "staff.actual").unwrap();
        ws.write_number(3, 1, 51).unwrap();
        ws.write_string(4, 0, "staff.establishment").unwrap();
        ws.write_number(4, 1, 48).unwrap();
        ws.write_string(5, 0, "manual.monitoring.rationale")
            .unwrap();
        ws.write_string(5, 1, "未提供跟踪监控资料").unwrap();
        wb.save(&path).unwrap();
    }
    let x = Inputs::load(&path).unwrap();
    let t = Inputs::parse("[budget]\nexpenditure='18854402.47'\nadjusted='19854773.32'\n[staff]\nactual=51\nestablishment=48\n[manual.monitoring]\nrationale='未提供跟踪监控资料'\n").unwrap();
    assert_eq!(x.values, t.values);
    assert_eq!(x.texts, t.texts);
    let set = IndicatorSet::load(Path::new(SET)).unwrap();
    let r = score(&set, &x, None);
    let v = |id: &str| {
        r.indicators
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .value
            .clone()
    };
    assert_eq!(v("execution_rate").as_deref(), Some("94.96"));
    assert_eq!(v("staff_control_rate").as_deref(), Some("106.25"));
}
