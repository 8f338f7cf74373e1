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
    // one voucher in two rules of the same category: one deduction (确认: only confirmed
    // findings deduct since issue 20; this used 待核实 before)
    assert_eq!(
        s(&[
            f("card-settlement", "公务卡", "V1", "确认"),
            f("three-public-misclass", "公务卡", "V1", "确认")
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
    assert_eq!(v["self_evaluation"]["score"], "96.00");
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
        &loaded.charts,
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

/// SMALL with its inputs, written to files, for `reeval score`.
fn small_files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (set, inputs) = (dir.join("set.toml"), dir.join("inputs.toml"));
    std::fs::write(&set, SMALL).unwrap();
    std::fs::write(
        &inputs,
        "[targets.a1]\ntarget='100'\nactual='100'\n[staff]\nestablishment=10\nactual=10\n",
    )
    .unwrap();
    (set, inputs)
}

/// `reeval score --json` with a findings document holding `findings`; the score document.
fn score_with(dir: &Path, name: &str, findings: serde_json::Value) -> serde_json::Value {
    let (set, inputs) = small_files(dir);
    let doc = dir.join(format!("{name}.findings.json"));
    std::fs::write(
        &doc,
        serde_json::json!({ "findings": findings }).to_string(),
    )
    .unwrap();
    let out = dir.join(format!("{name}.score.json"));
    let o = bin()
        .args([
            "score",
            "--set",
            p(&set),
            "--inputs",
            p(&inputs),
            "--findings",
            p(&doc),
            "--json",
            p(&out),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

fn num(v: &serde_json::Value) -> Decimal {
    d(v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a decimal string")))
}

fn leaf<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
}

#[test]
fn pending_findings_leave_the_score_unchanged_and_confirmed_ones_deduct_as_the_set_says() {
    let t = tmp();
    let doc = |status: &str| {
        serde_json::json!([
            {"rule": "card-settlement", "category": "公务卡结算不规范", "entity": "局机关", "voucher": "2023-03 记-19", "status": status},
            {"rule": "three-public-misclass", "category": "转移“三公经费”", "entity": "局机关", "voucher": "2023-04 记-14", "status": status, "amount": "6039.77"},
            // Not a rule of the indicator: never counts.
            {"rule": "weekend-posting", "category": "日记账测试", "entity": "局机关", "voucher": "2023-05 记-1", "status": status}
        ])
    };
    let none = score_with(t.path(), "none", serde_json::json!([]));
    assert_eq!(num(&none["total"]), d("100"));
    // 待核实 and 待定: pending, no deduction; the score is the same as with no findings.
    for status in ["待核实", "待定"] {
        let v = score_with(t.path(), status, doc(status));
        assert_eq!(num(&v["total"]), num(&none["total"]), "{status}");
        assert_eq!(num(&leaf(&v, "a2")["score"]), d("3"), "{status}");
        assert_eq!(leaf(&v, "a2")["pending_findings"], 2, "{status}");
        // Beside it: the total if they were confirmed (2 × 1 point, cap 2).
        assert_eq!(num(&v["total_if_confirmed"]), d("98.00"), "{status}");
        assert_eq!(
            num(&leaf(&v, "a2")["score_if_confirmed"]),
            d("1"),
            "{status}"
        );
        assert_eq!(v["pending_findings"], 2);
        assert!(
            leaf(&v, "a2")["reason"]
                .as_str()
                .unwrap()
                .contains("2 项待核实/待定疑点未扣分"),
            "{}",
            leaf(&v, "a2")["reason"]
        );
    }
    // The same findings marked 确认: per_finding 1 each, 2 vouchers → −2 (cap 2): 98.
    let v = score_with(t.path(), "confirmed", doc("确认"));
    assert_eq!(num(&leaf(&v, "a2")["score"]), d("1"));
    assert_eq!(num(&v["total"]), d("98.00"));
    assert_eq!(num(&v["total_if_confirmed"]), num(&v["total"]));
    assert_eq!(leaf(&v, "a2")["pending_findings"], 0);
    // 排除: nothing, and nothing pending.
    let v = score_with(t.path(), "excluded", doc("排除"));
    assert_eq!(num(&v["total"]), d("100"));
    assert_eq!(num(&v["total_if_confirmed"]), d("100"));
    // A 提示 never deducts, even 确认.
    let mut hint = doc("确认");
    for f in hint.as_array_mut().unwrap() {
        f["kind"] = "提示".into();
    }
    let v = score_with(t.path(), "hint", hint);
    assert_eq!(num(&v["total"]), d("100"));
    assert_eq!(num(&v["total_if_confirmed"]), d("100"));
    // One confirmed, one pending: one deducts now, both if confirmed.
    let mixed = serde_json::json!([
        {"rule": "card-settlement", "category": "公务卡结算不规范", "entity": "局机关", "voucher": "2023-03 记-19", "status": "确认"},
        {"rule": "card-settlement", "category": "公务卡结算不规范", "entity": "局机关", "voucher": "2023-03 记-20", "status": "待核实"}
    ]);
    let v = score_with(t.path(), "mixed", mixed);
    assert_eq!(num(&v["total"]), d("99.00"));
    assert_eq!(num(&v["total_if_confirmed"]), d("98.00"));
}

#[test]
fn a_set_naming_a_category_or_rule_no_check_emits_fails_to_load() {
    let base = |line: &str| {
        format!(
            "name = \"t\"\n[[indicator]]\nid = \"a\"\nname = \"资产管理安全性\"\nweight = \"100\"\nkind = \"findings\"\n{line}\n"
        )
    };
    // The shipped sets' old mismatch, a prefix of the real heading, a near miss, a typo'd rule.
    for (line, says) in [
        ("categories = [\"资产管理\"]", "资产管理"),
        ("categories = [\"固定资产管理\"]", "固定资产管理"),
        (
            "categories = [\"固定资产管理不规范 \"]",
            "不是检查规则给出的类别",
        ),
        ("rules = [\"card-setlement\"]", "card-setlement"),
    ] {
        let e = IndicatorSet::parse(&base(line)).unwrap_err();
        let msg = format!("{e:#}");
        assert!(msg.contains(says) && msg.contains("a"), "{line}: {msg}");
        if line.starts_with("categories") {
            // The message lists what may be named.
            assert!(msg.contains("固定资产管理不规范"), "{msg}");
        }
    }
    // What the rules emit loads: the catalogue's categories, the library's rules.
    for line in [
        "categories = [\"固定资产管理不规范\"]",
        "categories = [\"转移“三公经费”\", \"日记账测试\"]",
        "rules = [\"asset-idle\", \"card-settlement\"]",
    ] {
        IndicatorSet::parse(&base(line)).unwrap_or_else(|e| panic!("{line}: {e:#}"));
    }
    // The CLI: exit 2, the file and the category named.
    let t = tmp();
    let set = t.path().join("bad.toml");
    std::fs::write(&set, base("categories = [\"资产管理\"]")).unwrap();
    let inputs = t.path().join("i.toml");
    std::fs::write(&inputs, "").unwrap();
    let o = bin()
        .args(["score", "--set", p(&set), "--inputs", p(&inputs)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml") && err.contains("资产管理"),
        "{err}"
    );
}

#[test]
fn the_shipped_asset_indicator_counts_the_asset_rules_findings() {
    // Was categories = ["资产管理"]: 0 related findings and full marks whatever the register.
    let set = IndicatorSet::load(Path::new(SET)).unwrap();
    let inputs = Inputs::load(Path::new(INPUTS)).unwrap();
    let f = |voucher: &str, status: &str| -> Finding {
        serde_json::from_value(serde_json::json!({
            "rule": "asset-idle", "category": "固定资产管理不规范", "asset": voucher, "status": status
        }))
        .unwrap()
    };
    let r = score(&set, &inputs, Some(&[f("TY1", "确认"), f("TY2", "确认")]));
    let a = r
        .indicators
        .iter()
        .find(|i| i.id == "asset_safety")
        .unwrap();
    assert_eq!(a.value.as_deref(), Some("2.00"));
    assert_eq!(a.score, Some(d("1.00")));
}

#[test]
fn rate_indicators_take_rates_with_rate_targets() {
    let set = IndicatorSet::parse(
        "name = \"t\"\n[[indicator]]\nid = \"arb\"\nname = \"仲裁结案率\"\nweight = \"100\"\nkind = \"rate\"\nrule = { type = \"ratio\", target = \"90\", direction = \"ge\" }\n",
    )
    .unwrap();
    let one = |inputs: &str| {
        let r = score(&set, &Inputs::parse(inputs).unwrap(), None);
        r.indicators[0].clone()
    };
    // actual ÷ base: 180 of 206 = 87.38 % against 90 %: 87.38/90 of the points.
    let x = one("[targets.arb]\nactual='180'\nbase='206'\n");
    assert_eq!(x.value.as_deref(), Some("87.38"));
    assert_eq!(x.unit.as_deref(), Some("%"));
    assert_eq!(x.score, Some(d("97.09")));
    assert!(x.reason.contains("180 ÷ 206"), "{}", x.reason);
    // At or above the target: full marks; the rate itself may be given.
    assert_eq!(
        one("[targets.arb]\nactual='206'\nbase='206'\n").score,
        Some(d("100"))
    );
    assert_eq!(one("[targets.arb]\nrate='92.5'\n").score, Some(d("100")));
    // A count-style target (206 of 206 cases as target/actual) is not a rate: not computable,
    // and said — it would have scored full marks on counts.
    let x = one("[targets.arb]\ntarget='206'\nactual='206'\n");
    assert_eq!(x.status, "not_computable");
    assert!(x.reason.contains("base"), "{}", x.reason);
    let x = one("[targets.arb]\nactual='1'\nbase='0'\n");
    assert_eq!(x.status, "not_computable");
    // A rate indicator without its rule does not load.
    let e = IndicatorSet::parse(
        "name = \"t\"\n[[indicator]]\nid = \"arb\"\nname = \"结案率\"\nweight = \"100\"\nkind = \"rate\"\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("rule"), "{e}");
}

#[test]
fn three_public_indicators_use_the_restated_figure_with_both_figures_in_the_reason() {
    use reeval::score::reconcile::{Reconciliation, Row};
    use reeval::score::restate;
    let set = IndicatorSet::load(Path::new(SET)).unwrap();
    let rec = Reconciliation {
        rows: vec![Row {
            key: "budget.three_public_actual".into(),
            name: "“三公经费”实际支出".into(),
            input: Some(d("429.00")),
            ledger: d("429.00"),
            difference: Some(d("0.00")),
        }],
        three_public_restated: None,
        three_public_control_rate_restated: None,
        assumptions: vec![],
    };
    let finding = |status: &str| -> Vec<Finding> {
        serde_json::from_value(serde_json::json!([
            {"rule": "three-public-misclass", "category": "转移“三公经费”", "voucher": "局机关 2023-04 记-14", "status": status, "amount": "6039.77"},
            {"rule": "three-public-misclass", "category": "转移“三公经费”", "voucher": "局机关 2023-05 记-3", "status": "排除", "amount": "100.00"}
        ]))
        .unwrap()
    };
    let control = |status: &str| {
        let mut inputs =
            Inputs::parse("[budget]\nthree_public_actual='429.00'\nthree_public_budget='3000'\n")
                .unwrap();
        let fs = finding(status);
        restate::three_public(
            &rec,
            Some(&fs),
            &reeval::score::reconcile::LedgerMap::builtin().unwrap(),
            &mut inputs,
        );
        let r = score(&set, &inputs, Some(&fs));
        let c = r
            .indicators
            .iter()
            .find(|i| i.id == "three_public_control_rate")
            .unwrap()
            .clone();
        (c, r)
    };
    // Confirmed: (429.00 + 6,039.77) / 3,000 = 215.63 %: over 100 by 115.63 points, 0 of 2.
    let (c, r) = control("确认");
    assert_eq!(c.value.as_deref(), Some("215.63"));
    assert_eq!(c.score, Some(d("0")));
    assert!(
        c.reason.contains("6,468.77")
            && c.reason.contains("429.00")
            && c.reason.contains("6,039.77"),
        "{}",
        c.reason
    );
    assert_eq!(r.restated_inputs.len(), 1);
    // Pending: the input figure scores (14.30 %, full marks); the restated one only in
    // total_if_confirmed.
    let (c, r) = control("待核实");
    assert_eq!(c.value.as_deref(), Some("14.30"));
    assert_eq!(c.score, Some(d("2")));
    assert!(r.total_if_confirmed < r.total);
    // Excluded: nothing restated.
    let (c, r) = control("排除");
    assert_eq!(c.value.as_deref(), Some("14.30"));
    assert!(r.restated_inputs.is_empty());
}

#[test]
fn bundled_run_scores_pending_findings_apart_restates_three_public_and_compares_the_bases() {
    let t = tmp();
    let out = t.path().join("o");
    let mut cmd = bin();
    cmd.arg("run")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023"))
        .arg("--out")
        .arg(&out)
        .arg("--quiet");
    let o = output_within(cmd, 120);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("score.json")).unwrap()).unwrap();
    // Every finding of a fresh check is 待核实: nothing deducts yet, and what would is shown.
    let fund = leaf(&v, "fund_compliance");
    assert_eq!(num(&fund["score"]), num(&fund["max"]));
    assert!(fund["pending_findings"].as_u64().unwrap() > 0);
    assert!(num(&fund["score_if_confirmed"]) < num(&fund["max"]));
    // The asset indicator now sees the asset rules' findings (was 0 related findings).
    assert!(
        leaf(&v, "asset_safety")["pending_findings"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(num(&v["total_if_confirmed"]) < num(&v["total"]));
    assert!(v["pending_findings"].as_u64().unwrap() > 0);
    // 三公 restated only if confirmed: the control rate scores the input figure now, and the
    // restatement (215.63 % on the sample) is recorded for total_if_confirmed.
    let restated = &v["restated_inputs"][0];
    assert_eq!(restated["key"], "budget.three_public_actual");
    assert!(num(&restated["pending"]) > Decimal::ZERO);
    // 财务 vs 预算 per 经济分类: 30217 公务接待费 far higher as an expense than as a budget
    // expenditure, listed first among the 三公 codes.
    let first = &v["basis_comparison"][0];
    assert_eq!(first["econ"], "30217");
    assert_eq!(first["three_public"], true);
    assert!(num(&first["financial"]) > num(&first["budget"]) * Decimal::from(10));
}
