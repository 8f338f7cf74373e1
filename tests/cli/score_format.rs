//! What a new user's tryout found in the score's output: scores in score.json written with
//! two decimals whatever the computation's scale, one sign convention for differences on the
//! screen and in the report, C1's 评分方式 words from the data (a set may rename them), and
//! the run's first line naming the engagement.

use crate::common::*;
use std::path::Path;

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

fn score_json(set: &Path, out: &Path) -> (String, serde_json::Value) {
    let o = bin()
        .args(["score", "--set", p(set), "--inputs", INPUTS])
        .args(["--findings", FINDINGS, "--json", p(out)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (
        stdout(&o),
        serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap(),
    )
}

/// `-?digits.dd`
fn two_decimals(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    match s.split_once('.') {
        Some((i, f)) => {
            !i.is_empty()
                && i.chars().all(|c| c.is_ascii_digit())
                && f.len() == 2
                && f.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

#[test]
fn score_json_writes_every_score_with_two_decimals() {
    let d = tmp();
    let (_, v) = score_json(Path::new(SET), &d.path().join("score.json"));
    let mut seen = 0;
    let mut check = |what: &str, x: &serde_json::Value| {
        if let Some(s) = x.as_str() {
            assert!(two_decimals(s), "{what}: {s}");
            seen += 1;
        } else {
            assert!(x.is_null(), "{what}: {x}");
        }
    };
    for list in ["indicators", "subtotals"] {
        for i in v[list].as_array().unwrap() {
            for k in [
                "score",
                "max",
                "self_score",
                "findings_score",
                "score_if_confirmed",
            ] {
                if let Some(x) = i.get(k) {
                    check(&format!("{list}.{}.{k}", i["id"]), x);
                }
            }
        }
    }
    for k in ["total", "total_raw", "max_applicable", "total_if_confirmed"] {
        check(k, &v[k]);
    }
    let se = &v["self_evaluation"];
    check("self_evaluation.score", &se["score"]);
    check("self_evaluation.difference", &se["difference"]);
    for e in se["explained_by"].as_array().unwrap() {
        check("explained_by", &e[2]);
    }
    // Whole numbers (a weight of 2, a manual score of 1) and halves alike.
    assert!(seen > 100, "{seen}");
    let leaf = |id: &str| {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(v["max_applicable"], "100.00");
    assert!(leaf("goal_reasonable")["max"]
        .as_str()
        .unwrap()
        .ends_with(".00"));
    // Read back by a decimal reader as before (the workbook reads score.json).
    let back: reeval::score::document::ScoreRecord = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(back.report.total.to_string(), {
        let t = v["total"].as_str().unwrap();
        rust_decimal::Decimal::from_str_exact(t)
            .unwrap()
            .to_string()
    });
}

#[test]
fn score_screen_signs_each_difference_as_the_report_does() {
    let d = tmp();
    let (text, _) = score_json(Path::new(SET), &d.path().join("score.json"));
    let line = text
        .lines()
        .find(|l| l.contains("主要差异："))
        .unwrap_or_else(|| panic!("{text}"));
    // ASCII signs, as the report and score.json write negative figures (相差-6.61分).
    assert!(!line.contains('−'), "{line}");
    let items = line.split_once("主要差异：").unwrap().1;
    for item in items.split('；') {
        let (_, n) = item.rsplit_once(' ').unwrap();
        assert!(
            (n.starts_with('-') || n.starts_with('+')) && two_decimals(n.trim_start_matches('+')),
            "{item}"
        );
    }
    assert!(line.contains("相差 -") || line.contains("相差 +"), "{line}");
}

#[test]
fn score_kind_names_are_data_and_a_set_renames_them() {
    let d = tmp();
    // The built-in names (data/scoring/kind_names.toml) in score.json.
    let (_, v) = score_json(Path::new(SET), &d.path().join("a.json"));
    let kind_of = |v: &serde_json::Value, kind: &str| -> Vec<String> {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == kind)
            .map(|i| i["kind_name"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(kind_of(&v, "manual").iter().all(|n| n == "评价组打分"));
    assert!(kind_of(&v, "formula").iter().all(|n| n == "公式计算"));
    assert!(!kind_of(&v, "manual").is_empty());
    assert!(v["subtotals"][0].get("kind_name").is_none());
    // A set's own names for two kinds; the rest stay built in.
    let set = std::fs::read_to_string(SET).unwrap();
    let own = d.path().join("own.toml");
    std::fs::write(
        &own,
        format!("{set}\n[kind_names]\nmanual = \"专家评议\"\nsurvey = \"问卷调查\"\n"),
    )
    .unwrap();
    let (_, w) = score_json(&own, &d.path().join("b.json"));
    assert!(kind_of(&w, "manual").iter().all(|n| n == "专家评议"));
    assert!(kind_of(&w, "survey").iter().all(|n| n == "问卷调查"));
    assert!(kind_of(&w, "formula").iter().all(|n| n == "公式计算"));
    // A name for a kind that does not exist, or an empty one, is refused naming it.
    for (bad, word) in [
        ("manuel = \"专家\"", "manuel"),
        ("manual = \"  \"", "manual"),
    ] {
        let f = d.path().join("bad.toml");
        std::fs::write(&f, format!("{set}\n[kind_names]\n{bad}\n")).unwrap();
        let o = bin()
            .args(["score", "--set", p(&f), "--inputs", INPUTS])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains(word), "{bad}: {}", stderr(&o));
    }
}
