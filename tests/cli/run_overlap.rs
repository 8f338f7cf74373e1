//! `reeval run` computes steps that need none of each other's outputs side by side (sample
//! beside score, the workbook beside the report): the result is byte for byte that of a run
//! of one step after another (`REEVAL_SEQUENTIAL=1`), run.json's step seconds aside; a step
//! that fails is named as when the steps run in order, the first failing step in that order,
//! and nothing is written.

use super::common::{bin, output_within, stderr, tmp};
use serde_json::Value;
use std::path::Path;

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

/// The bundled sample copied to `to`, its engagement.toml passed through `edit`.
fn engagement(to: &Path, edit: impl Fn(String) -> String) {
    let from = sample();
    std::fs::create_dir_all(to.join("data")).unwrap();
    for f in std::fs::read_dir(from.join("data")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, to.join("data").join(f.file_name().unwrap())).unwrap();
        }
    }
    let toml = std::fs::read_to_string(from.join("engagement.toml")).unwrap();
    std::fs::write(to.join("engagement.toml"), edit(toml)).unwrap();
}

fn run(dir: &Path, out: &Path, sequential: bool) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(out).arg("--quiet");
    if sequential {
        cmd.env("REEVAL_SEQUENTIAL", "1");
    } else {
        cmd.env_remove("REEVAL_SEQUENTIAL");
    }
    output_within(cmd, 180)
}

/// run.json without the step seconds.
fn manifest(dir: &Path) -> Value {
    let mut v: Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    for s in v["steps"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("seconds");
    }
    v
}

/// Both results hold the same files with the same bytes (run.json but its seconds).
fn assert_same_result(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b));
    for n in names(a) {
        if n == "run.json" {
            assert_eq!(manifest(a), manifest(b));
        } else {
            let (x, y) = (
                std::fs::read(a.join(&n)).unwrap(),
                std::fs::read(b.join(&n)).unwrap(),
            );
            assert!(
                x == y,
                "{n} differs between the overlapped and the sequential run"
            );
        }
    }
}

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

#[test]
fn overlapped_steps_write_the_bytes_of_a_sequential_run() {
    let t = tmp();
    let dir = t.path().join("eng");
    engagement(&dir, |t| t);
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    ok(&run(&dir, &a, false));
    ok(&run(&dir, &b, true));
    assert_same_result(&a, &b);
    // Every step timed, in STEPS order, with its own outputs.
    let m = manifest(&a);
    let steps: Vec<(&str, Vec<&str>)> = m["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                s["outputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    let ids: Vec<&str> = steps.iter().map(|s| s.0).collect();
    assert_eq!(
        ids,
        ["load", "claims", "check", "sample", "score", "workbook", "report"]
    );
    assert_eq!(steps[3].1, ["sample.json", "sample.csv"]);
    assert_eq!(steps[4].1, ["score.json"]);
    assert_eq!(steps[5].1, ["底稿-hrss-2023.xlsx"]);
    assert_eq!(
        steps[6].1,
        [
            "报告-hrss-2023.docx",
            "报告-hrss-2023.md",
            "报告-hrss-2023-图1.png"
        ]
    );
    let raw: Value = serde_json::from_slice(&std::fs::read(a.join("run.json")).unwrap()).unwrap();
    assert!(raw["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["seconds"].as_f64().is_some_and(|x| x >= 0.0)));
}

#[test]
fn overlapped_steps_with_an_own_layout_and_without_scoring_match_a_sequential_run() {
    let t = tmp();
    // The engagement's own workbook layout: an input the workbook records (and lists on its
    // cover) while the report is computed beside it.
    let own = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/workbook/layout.toml"),
    )
    .unwrap()
    .replace("name = \"疑点核实表\"", "name = \"疑点核实\"");
    let dir = t.path().join("own");
    engagement(&dir, |t| {
        format!("{t}\n[workbook]\nlayout = \"data/版式.toml\"\n")
    });
    std::fs::write(dir.join("data/版式.toml"), &own).unwrap();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    ok(&run(&dir, &a, false));
    ok(&run(&dir, &b, true));
    assert_same_result(&a, &b);
    let inputs: Vec<String> = manifest(&a)["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect();
    assert!(inputs.contains(&"data/版式.toml".to_string()), "{inputs:?}");
    // No [scoring]: the score step adds nothing; the workbook and the report still agree.
    let dir = t.path().join("noscore");
    engagement(&dir, |t| {
        let (a, b) = (t.find("[scoring]").unwrap(), t.find("[firm]").unwrap());
        format!("{}{}", &t[..a], &t[b..])
    });
    let (c, d) = (t.path().join("c"), t.path().join("d"));
    ok(&run(&dir, &c, false));
    ok(&run(&dir, &d, true));
    assert_same_result(&c, &d);
    assert!(!c.join("score.json").exists());
}

/// A 审定金额 file the sample step cannot read (the step fails after the run has started).
fn bad_audited(t: String) -> String {
    t.replacen(
        "expected = 0.0\n",
        "expected = 0.0\naudited = \"data/审定金额.csv\"\n",
        1,
    )
}

#[test]
fn a_step_failing_beside_another_is_named_as_in_a_sequential_run_and_nothing_is_written() {
    let t = tmp();
    let broken_set = |t: String| {
        t.replace(
            "indicator_set = \"xundian-2023\"",
            "indicator_set = \"data/指标.toml\"",
        )
    };
    for (name, edit, step) in [
        // Only the sample step fails (score beside it succeeds).
        (
            "sample",
            &bad_audited as &dyn Fn(String) -> String,
            "步骤「抽样」（sample）失败",
        ),
        // Only the score step fails (sample beside it succeeds).
        ("score", &broken_set, "步骤「评分」（score）失败"),
        // Both fail: the first in the steps' order is the run's error.
        (
            "both",
            &|t| broken_set(bad_audited(t)),
            "步骤「抽样」（sample）失败",
        ),
    ] {
        let dir = t.path().join(name);
        engagement(&dir, edit);
        std::fs::write(
            dir.join("data/审定金额.csv"),
            "编号,审定金额\n不是凭证,abc\n",
        )
        .unwrap();
        std::fs::write(dir.join("data/指标.toml"), "name = 1\n[[[x").unwrap();
        for sequential in [false, true] {
            let out = t.path().join(format!("out-{name}-{sequential}"));
            let o = run(&dir, &out, sequential);
            assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
            let err = stderr(&o);
            assert!(
                err.contains(step),
                "{name} (sequential {sequential}): {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
            assert!(!out.exists(), "{name}: a failed run leaves no result");
        }
    }
}
