//! The bundled sample run end to end, read as a new user reads it: the screen names the
//! engagement, the report the client reads carries no working-paper references (file paths,
//! sheet:row, 底稿 pointers) while findings.json keeps them apart in `fact_evidence`.

use crate::common::{bin, output_within, stdout, tmp};
use serde_json::Value;
use std::path::Path;

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

#[test]
fn tryout_run_names_the_engagement_and_the_report_carries_no_evidence_references() {
    let t = tmp();
    let out = t.path().join("out");
    let mut cmd = bin();
    cmd.arg("run").arg(sample()).arg("--out").arg(&out);
    let o = output_within(cmd, 180);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let screen = stdout(&o);
    let first = screen.lines().next().unwrap();
    // The engagement's title from engagement.toml, the folder beside it.
    let toml = std::fs::read_to_string(sample().join("engagement.toml")).unwrap();
    let title = toml
        .lines()
        .find_map(|l| l.strip_prefix("title = \""))
        .unwrap()
        .trim_end_matches('"');
    assert!(first.starts_with(&format!("项目 {title}（")), "{first}");
    assert!(first.contains("hrss-2023"), "{first}");
    // One sign convention on the screen: ASCII, as the report.
    let score = screen.lines().find(|l| l.contains("主要差异")).unwrap();
    assert!(!score.contains('−'), "{score}");

    let md = std::fs::read_to_string(out.join("报告-hrss-2023.md")).unwrap();
    let problems = &md[md.find("## 七、").unwrap()..];
    let problems = &problems[..problems.find("## 八、").unwrap_or(problems.len())];
    for r in [
        ".xlsx",
        ".xls",
        ".txt",
        ".csv",
        "data/",
        "底稿",
        "E1",
        "第 8 行",
    ] {
        assert!(!problems.contains(r), "{r} in the report:\n{problems}");
    }
    // No sheet:row reference (`自评表:2`) either.
    let chars: Vec<char> = problems.chars().collect();
    for w in chars.windows(2) {
        assert!(
            !(w[0] == ':' && w[1].is_ascii_digit()),
            "a sheet:row reference in the report"
        );
    }

    let f: Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    let mut referenced = std::collections::BTreeSet::new();
    for x in f["findings"].as_array().unwrap() {
        let facts = x["facts"].as_array().unwrap();
        for fact in facts {
            let s = fact.as_str().unwrap();
            for r in [".xlsx", ".txt", "data/"] {
                assert!(!s.contains(r), "{}: {s}", x["id"]);
            }
        }
        if let Some(refs) = x.get("fact_evidence").and_then(Value::as_array) {
            assert_eq!(refs.len(), facts.len(), "{}", x["id"]);
            assert!(refs.iter().any(|r| !r.as_str().unwrap().is_empty()));
            referenced.insert(x["rule"].as_str().unwrap().to_string());
            // The working papers' text keeps each reference.
            let expl = x["explanation"].as_str().unwrap();
            for r in refs
                .iter()
                .filter_map(Value::as_str)
                .filter(|r| !r.is_empty())
            {
                assert!(expl.contains(&format!("（{r}）")), "{r}: {expl}");
            }
        }
    }
    for rule in [
        "perf-self-evaluation",
        "perf-documents",
        "perf-project-coverage",
        "self-report-claims",
    ] {
        assert!(referenced.contains(rule), "{rule}: {referenced:?}");
    }
}
