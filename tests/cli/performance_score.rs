//! 绩效 findings in the score (issue 23): an indicator selects findings by rule, category and
//! aspect (目标 / 监控 / 自评 / 资料), the evaluator's `[manual.<id>]` score overrides a
//! findings indicator and score.json says so, deductions print so that they and the score add
//! up to the weight, and on the bundled sample confirming the 目标 and 监控 findings moves
//! exactly 绩效指标明确性 and 绩效运行监控.

use crate::common::*;
use reeval::model::findings::Finding;
use reeval::score::inputs::ScoringInputs;
use reeval::score::score::{score, IndicatorScore, ScoreReport};
use reeval::score::set::IndicatorSet;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// 绩效管理 10: 目标 (quantified + tasks), 监控 (coverage + documents, aspect 监控 only), rest.
const SET: &str = r#"
name = "t"
[[indicator]]
id = "pm"
name = "绩效管理"
weight = "10"
[[indicator]]
id = "clarity"
parent = "pm"
name = "绩效指标明确性"
weight = "2"
kind = "findings"
rules = ["perf-target-quantified", "perf-target-tasks"]
per_finding = "0.75"
cap = "2"
[[indicator]]
id = "monitoring"
parent = "pm"
name = "绩效运行监控"
weight = "2"
kind = "findings"
rules = ["perf-project-coverage", "perf-documents"]
aspects = ["监控"]
per_finding = "0.75"
cap = "2"
[[indicator]]
id = "other"
parent = "pm"
name = "其他"
weight = "6"
kind = "manual"
[[indicator]]
id = "rest"
name = "其他一级"
weight = "90"
kind = "manual"
"#;

const MANUAL: &str = "[manual.other]\nscore = \"6\"\nrationale = \"r\"\n\
                      [manual.rest]\nscore = \"90\"\nrationale = \"r\"\n";

fn f(id: &str, aspect: Option<&str>, status: &str) -> Finding {
    let mut v = serde_json::json!({
        "id": id, "rule": id.split('/').next().unwrap(),
        "category": "绩效管理不规范", "status": status
    });
    if let Some(a) = aspect {
        v["aspect"] = a.into();
    }
    serde_json::from_value(v).unwrap()
}

fn leaf<'a>(r: &'a ScoreReport, id: &str) -> &'a IndicatorScore {
    r.indicators.iter().find(|i| i.id == id).unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn perf_monitoring_indicator_takes_the_monitoring_aspect_and_not_the_target_part_of_the_same_rules()
{
    let set = IndicatorSet::parse(SET).unwrap();
    let inputs = ScoringInputs::parse(MANUAL).unwrap();
    let fs = [
        // 监控: the coverage rule's 监控 part and a missing monitoring report.
        f("perf-project-coverage/监控", Some("监控"), "确认"),
        f(
            "perf-documents/2023年项目运行监控报告",
            Some("监控"),
            "确认",
        ),
        // Look-alikes of the same rules that are not monitoring: the 目标 part of the
        // coverage, a missing 绩效目标申报表, a finding of these rules with no aspect.
        f("perf-project-coverage/目标", Some("目标"), "确认"),
        f("perf-documents/绩效目标申报表", Some("目标"), "确认"),
        f("perf-documents/会议纪要", None, "确认"),
        // 目标: two findings of the clarity rules, whatever their aspect.
        f("perf-target-quantified/部门整体", Some("目标"), "确认"),
        f("perf-target-tasks/年度任务", Some("目标"), "确认"),
        f("perf-target-quantified/项目A", Some("目标"), "待核实"),
    ];
    let r = score(&set, &inputs, Some(&fs));
    let m = leaf(&r, "monitoring");
    assert_eq!(m.score, Some(d("0.50")), "{}", m.reason);
    assert_eq!(m.value.as_deref(), Some("2.00"));
    let c = leaf(&r, "clarity");
    assert_eq!(c.score, Some(d("0.50")), "{}", c.reason);
    assert_eq!(c.pending_findings, Some(1));
    assert_eq!(c.score_if_confirmed, Some(d("0")));
    // Without any 监控 finding the monitoring indicator keeps full marks.
    let r = score(&set, &inputs, Some(&fs[2..]));
    assert_eq!(leaf(&r, "monitoring").score, Some(d("2")));
}

#[test]
fn perf_aspects_are_checked_when_the_set_loads() {
    for (bad, says) in [
        (
            SET.replace("aspects = [\"监控\"]", "aspects = [\"监督\"]"),
            "监督",
        ),
        (
            SET.replace("aspects = [\"监控\"]", "aspects = [\"监控\", \"\"]"),
            "aspects",
        ),
        (
            SET.replace(
                "kind = \"manual\"\n[[indicator]]\nid = \"rest\"",
                "kind = \"manual\"\naspects = [\"目标\"]\n[[indicator]]\nid = \"rest\"",
            ),
            "只有扣分指标",
        ),
    ] {
        assert_ne!(bad, SET);
        let e = IndicatorSet::parse(&bad).unwrap_err();
        assert!(format!("{e:#}").contains(says), "{says}: {e:#}");
    }
    // Through the command: a clear message and exit 2.
    let t = tmp();
    let set = t.path().join("set.toml");
    std::fs::write(&set, SET.replace("[\"监控\"]", "[\"monitor\"]")).unwrap();
    let inputs = t.path().join("in.toml");
    std::fs::write(&inputs, MANUAL).unwrap();
    let o = output_within(
        {
            let mut c = bin();
            c.args(["score", "--set", p(&set), "--inputs", p(&inputs)]);
            c
        },
        60,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("monitor"), "{}", stderr(&o));
}

#[test]
fn perf_a_manual_score_overrides_a_findings_indicator_and_score_json_keeps_the_count() {
    let set = IndicatorSet::parse(SET).unwrap();
    let fs = [
        f("perf-project-coverage/监控", Some("监控"), "确认"),
        f("perf-documents/监控报告", Some("监控"), "待核实"),
    ];
    // The findings alone: 0.75 off, one pending.
    let plain = score(&set, &ScoringInputs::parse(MANUAL).unwrap(), Some(&fs));
    let m = leaf(&plain, "monitoring");
    assert_eq!(m.score, Some(d("1.25")));
    assert!(!m.overridden);
    assert!(serde_json::to_value(m).unwrap().get("overridden").is_none());
    // The evaluator lowers it, or raises it, with a rationale: the score is theirs, pending or
    // confirmed; score.json keeps the count and the findings' own score.
    for given in ["0.3", "2"] {
        let inputs = ScoringInputs::parse(&format!(
            "{MANUAL}[manual.monitoring]\nscore = \"{given}\"\nrationale = \"监控流于形式，另见访谈记录\"\n"
        ))
        .unwrap();
        let r = score(&set, &inputs, Some(&fs));
        let m = leaf(&r, "monitoring");
        assert_eq!(m.score, Some(d(given)));
        assert_eq!(m.score_if_confirmed, Some(d(given)));
        assert!(m.overridden);
        assert_eq!(m.findings_score, Some(d("1.25")));
        assert_eq!(m.value.as_deref(), Some("1.00"));
        assert_eq!(m.pending_findings, Some(1));
        assert!(
            m.reason.contains("监控流于形式")
                && m.reason.contains("取代按疑点扣分")
                && m.reason.contains("1.25"),
            "{}",
            m.reason
        );
        let j = serde_json::to_value(m).unwrap();
        assert_eq!(j["overridden"], true);
        assert_eq!(j["findings_score"], "1.25");
        // Other indicators are untouched.
        assert_eq!(leaf(&r, "clarity").score, Some(d("2")));
    }
    // Without findings at all, the manual score still scores it (the seed's reproduction).
    let inputs = ScoringInputs::parse(&format!(
        "{MANUAL}[manual.monitoring]\nscore = \"1.61\"\nrationale = \"倒推\"\n"
    ))
    .unwrap();
    let r = score(&set, &inputs, None);
    assert_eq!(leaf(&r, "monitoring").score, Some(d("1.61")));
    assert_eq!(leaf(&r, "monitoring").status, "computed");
    // A manual score without rationale, or beyond the weight, is not taken in silence.
    for (extra, says) in [
        ("[manual.monitoring]\nscore = \"1\"\n", "缺少理由"),
        (
            "[manual.monitoring]\nscore = \"2.5\"\nrationale = \"r\"\n",
            "超出",
        ),
    ] {
        let inputs = ScoringInputs::parse(&format!("{MANUAL}{extra}")).unwrap();
        let r = score(&set, &inputs, Some(&fs));
        let m = leaf(&r, "monitoring");
        assert_eq!(m.status, "not_computable", "{extra}");
        assert!(m.reason.contains(says), "{}", m.reason);
    }
}

#[test]
fn a_deduction_and_its_score_add_up_to_the_weight_as_printed() {
    use reeval::score::score::shown_deduction;
    // 0.625 off 2: the score rounds half up to 1.38, the deduction prints 0.62.
    assert_eq!(shown_deduction(d("2"), d("0.625")), d("0.62"));
    assert_eq!(shown_deduction(d("2"), d("1.375")), d("1.37"));
    assert_eq!(shown_deduction(d("3"), d("0.5")), d("0.5"));
    assert_eq!(shown_deduction(d("2"), d("2.5")), d("2"));
    // Through a deduct rule and a findings indicator of a set.
    let set = IndicatorSet::parse(
        r#"
name = "t"
[[indicator]]
id = "a"
name = "在职人员控制率"
weight = "2"
kind = "formula"
expr = "staff.actual / staff.establishment * 100"
rule = { type = "deduct", threshold = "100", direction = "le", per_point = "0.1" }
[[indicator]]
id = "b"
name = "资金使用合规性"
weight = "2"
kind = "findings"
categories = ["绩效管理不规范"]
per_finding = "0.625"
[[indicator]]
id = "rest"
name = "其他"
weight = "96"
kind = "manual"
"#,
    )
    .unwrap();
    let inputs = ScoringInputs::parse(
        "[staff]\nestablishment = 48\nactual = 51\n[manual.rest]\nscore = \"96\"\nrationale = \"r\"\n",
    )
    .unwrap();
    let fs = [f("perf-project-coverage/监控", Some("监控"), "确认")];
    let r = score(&set, &inputs, Some(&fs));
    for id in ["a", "b"] {
        let l = leaf(&r, id);
        let s = l.score.unwrap();
        assert_eq!(format!("{s:.2}"), "1.38", "{id}");
        assert!(
            l.reason.contains("扣 0.62") && !l.reason.contains("扣 0.63"),
            "{id}: {}",
            l.reason
        );
    }
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

/// A copy of the sample engagement: review.toml is written into its directory.
fn engagement(root: &Path) -> PathBuf {
    let to = root.join("eng");
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(sample().join("engagement.toml"), to.join("engagement.toml")).unwrap();
    for f in std::fs::read_dir(sample().join("data")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, to.join("data").join(f.file_name().unwrap())).unwrap();
        }
    }
    to
}

fn run(eng: &Path) -> (Value, Value) {
    let mut cmd = bin();
    cmd.args(["run", "-q"]).arg(eng);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = eng.join("output/hrss-2023");
    let read = |f: &str| -> Value {
        serde_json::from_slice(&std::fs::read(out.join(f)).unwrap()).unwrap()
    };
    (read("findings.json"), read("score.json"))
}

fn num(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn perf_confirming_the_samples_target_and_monitoring_findings_moves_exactly_clarity_and_monitoring()
{
    let t = tmp();
    let eng = engagement(t.path());
    let (findings, before) = run(&eng);
    // Pending 绩效 findings deduct nothing yet; confirmed they would.
    assert_eq!(before["total"], "89.39");
    assert_eq!(before["total_if_confirmed"], "79.39");
    // Confirm every 目标 and 监控 finding of the 绩效 rules (the 自评 ones stay pending).
    let ids: Vec<(String, String)> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("perf-"))
        .filter(|f| matches!(f["aspect"].as_str(), Some("目标" | "监控")))
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["aspect"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let monitoring = ids.iter().filter(|(_, a)| a == "监控").count();
    let target_side: Vec<&String> = ids
        .iter()
        .filter(|(i, a)| a == "目标" && !i.starts_with("perf-project-coverage"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(monitoring, 2, "{ids:?}");
    assert_eq!(target_side.len(), 2, "{ids:?}");
    assert!(ids.iter().any(|(i, _)| i == "perf-project-coverage/目标"));
    let mut review = String::from("version = 1\n");
    for (id, _) in &ids {
        review.push_str(&format!(
            "\n[[finding]]\nid = \"{id}\"\nconclusion = \"确认\"\nnote = \"已核对绩效资料，情况属实\"\nverified_on = \"2024-03-01\"\n"
        ));
    }
    std::fs::write(eng.join("review.toml"), review).unwrap();
    let (_, after) = run(&eng);
    let mut moved = Vec::new();
    for (b, a) in before["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["indicators"].as_array().unwrap())
    {
        assert_eq!(b["id"], a["id"]);
        if b["score"] != a["score"] {
            moved.push((
                a["id"].as_str().unwrap().to_string(),
                num(&b["score"]) - num(&a["score"]),
            ));
        }
    }
    assert_eq!(
        moved,
        vec![
            ("indicator_clarity".to_string(), d("1.5")),
            ("monitoring".to_string(), d("1.5")),
        ],
        "the 目标 part of the coverage deducts in neither; goal_coverage is a target indicator"
    );
    assert_eq!(num(&before["total"]) - num(&after["total"]), d("3"));
    assert_eq!(after["total_if_confirmed"], "79.39");
}

#[test]
fn the_first_level_table_shows_the_total_self_score_and_says_when_levels_were_not_given() {
    let t = tmp();
    let eng = engagement(t.path());
    let report = |eng: &Path| {
        std::fs::read_to_string(eng.join("output/hrss-2023/报告-hrss-2023.md")).unwrap()
    };
    run(&eng);
    let md = report(&eng);
    // Only the total self-score (96) is given: the 合计 row shows it, the note says so.
    assert!(
        md.contains("| 合计 | 100.00 | 89.39 | 89.39% | 96.00 |"),
        "{md}"
    );
    assert!(md.contains("自评只给出总分96.00分，未分一级指标给出自评得分。"));
    assert!(md.contains("| 投入 | 9.00 | 5.38 | 59.78% | — |"));
    // The department scores two first-level indicators: they show, the note goes.
    let inputs = eng.join("data/scoring-inputs.toml");
    let mut text = std::fs::read_to_string(&inputs).unwrap();
    text.push_str(
        "\n[self_evaluation.indicators.input]\nscore = \"8.5\"\n\n\
         [self_evaluation.indicators.process]\nscore = \"28\"\n",
    );
    std::fs::write(&inputs, text).unwrap();
    let mut cmd = bin();
    cmd.args(["run", "-q", "--discard-entries"]).arg(&eng);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = report(&eng);
    assert!(
        md.contains("| 投入 | 9.00 | 5.38 | 59.78% | 8.50 |"),
        "{md}"
    );
    assert!(md.contains("| 过程 | 29.00 |"));
    assert!(md.contains("| 合计 | 100.00 | 89.39 | 89.39% | 96.00 |"));
    assert!(!md.contains("自评只给出总分"), "{md}");
}
