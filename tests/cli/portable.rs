//! Data that travels with the binary (issue 16 item 7): the release binary copied out of the
//! checkout runs the sample with the same results, records built-in data as
//! `builtin:<name>` with its hash, and nothing in src/ finds data through the source tree.

use crate::common::*;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        let n = name.to_string_lossy();
        // Results of earlier runs in the checkout, lock and staging files are not the sample.
        if n == "output" || n.starts_with('.') {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The done-when test: the binary and a copy of samples/hrss-2023 in an empty directory
/// outside the checkout give byte-identical findings.json (and every other output but
/// run.json, which holds timings) to the run in the checkout; run.json names no path of the
/// checkout and records the indicator set and the rules as `builtin:` with their hashes.
#[test]
fn a_copied_binary_runs_the_sample_outside_the_checkout_with_the_same_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = tmp();

    let here = d.path().join("checkout-run");
    let mut cmd = bin();
    cmd.current_dir(root)
        .args(["run", "samples/hrss-2023", "--quiet", "--out", p(&here)]);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", stderr(&o));

    let bin_dir = d.path().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let copied = bin_dir.join("reeval");
    std::fs::copy(env!("CARGO_BIN_EXE_reeval"), &copied).unwrap();
    let work = d.path().join("elsewhere");
    copy_dir(&root.join("samples/hrss-2023"), &work.join("hrss-2023"));
    let mut cmd = Command::new(&copied);
    cmd.current_dir(&work)
        .env_remove("CARGO_MANIFEST_DIR")
        .args(["run", "hrss-2023", "--quiet"]);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", stderr(&o));
    let there = work.join("hrss-2023/output/hrss-2023");

    let a = std::fs::read(here.join("findings.json")).unwrap();
    let b = std::fs::read(there.join("findings.json")).unwrap();
    assert!(a.len() > 1000);
    assert!(
        a == b,
        "findings.json differs between the checkout and the copy"
    );
    for f in [
        "findings.csv",
        "load.json",
        "sample.json",
        "sample.csv",
        "score.json",
    ] {
        let a = std::fs::read(here.join(f)).unwrap();
        let b = std::fs::read(there.join(f)).unwrap();
        assert!(a == b, "{f} differs between the checkout and the copy");
    }

    let run = std::fs::read_to_string(there.join("run.json")).unwrap();
    let root_text = root.display().to_string();
    assert!(
        !run.contains(&root_text),
        "run.json names the checkout: {run}"
    );
    let score = std::fs::read_to_string(there.join("score.json")).unwrap();
    assert!(!score.contains(&root_text), "score.json names the checkout");
    let manifest: serde_json::Value = serde_json::from_str(&run).unwrap();
    let inputs = manifest["inputs"].as_array().unwrap();
    for (name, file) in [
        (
            "builtin:indicator_sets/xundian-2023.toml",
            "indicator_sets/xundian-2023.toml",
        ),
        ("builtin:rules.toml", "data/rules.toml"),
        ("builtin:citations.toml", "data/citations.toml"),
        (
            "builtin:profiles/generic.toml",
            "data/profiles/generic.toml",
        ),
        ("builtin:charts/gov-2017.toml", "data/charts/gov-2017.toml"),
        ("builtin:calendar/cn.toml", "data/calendar/cn.toml"),
    ] {
        let bytes = std::fs::read(root.join(file)).unwrap();
        let i = inputs
            .iter()
            .find(|i| i["path"] == name)
            .unwrap_or_else(|| panic!("{name} not in run.json inputs: {run}"));
        assert_eq!(i["sha256"], sha256_hex(&bytes), "{name}");
        assert_eq!(i["bytes"], bytes.len() as u64, "{name}");
    }
    // No input is recorded by an absolute path.
    for i in inputs {
        assert!(!i["path"].as_str().unwrap().starts_with('/'), "{i}");
    }
}

/// A set file named in engagement.toml overrides the built-in set of the same name and is
/// recorded by its path; `score --set` takes a built-in name too.
#[test]
fn an_indicator_set_file_overrides_the_builtin_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = tmp();
    let eng = d.path().join("e");
    copy_dir(&root.join("samples/hrss-2023"), &eng);
    let set = std::fs::read_to_string(root.join("indicator_sets/xundian-2023.toml")).unwrap();
    // The same set under another title: the score names it, so the file was read.
    let first = set.lines().find(|l| l.starts_with("name")).unwrap();
    let mine = set.replacen(first, "name = \"本项目自定的指标体系\"", 1);
    std::fs::write(eng.join("xundian-2023"), &mine).unwrap();
    let mut cmd = bin();
    cmd.current_dir(d.path()).args(["run", "e", "--quiet"]);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = eng.join("output/hrss-2023");
    let score = std::fs::read_to_string(out.join("score.json")).unwrap();
    assert!(score.contains("本项目自定的指标体系"), "{score}");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let inputs = run["inputs"].as_array().unwrap();
    assert!(inputs.iter().any(|i| i["path"] == "xundian-2023"), "{run}");
    assert!(!inputs
        .iter()
        .any(|i| i["path"] == "builtin:indicator_sets/xundian-2023.toml"));

    // An unknown name: exit 2 naming the built-in sets.
    let toml = std::fs::read_to_string(eng.join("engagement.toml")).unwrap();
    std::fs::write(
        eng.join("engagement.toml"),
        toml.replace("\"xundian-2023\"", "\"no-such-set\""),
    )
    .unwrap();
    let mut cmd = bin();
    cmd.current_dir(d.path()).args(["run", "e", "--quiet"]);
    let o = output_within(cmd, 300);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-set"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("common-53、xundian-2023"),
        "{}",
        stderr(&o)
    );

    // `score --set NAME` outside the checkout: the built-in set, recorded as builtin:.
    let json = d.path().join("score.json");
    let mut cmd = bin();
    cmd.current_dir(d.path()).args([
        "score",
        "--set",
        "xundian-2023",
        "--inputs",
        p(&eng.join("data/scoring-inputs.toml")),
        "--json",
        p(&json),
    ]);
    let o = output_within(cmd, 120);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        v["provenance"]["inputs"][0]["path"],
        "builtin:indicator_sets/xundian-2023.toml"
    );
}

/// Outside the checkout, `run` without a directory says what to do (exit 2), and `init` still
/// writes its files.
#[test]
fn outside_the_checkout_run_without_a_directory_explains_and_init_writes() {
    let d = tmp();
    let mut cmd = bin();
    cmd.current_dir(d.path()).args(["run"]);
    let o = output_within(cmd, 60);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("gen-fixtures"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(env!("CARGO_MANIFEST_DIR")));

    let mut cmd = bin();
    cmd.current_dir(d.path()).args(["init", "新项目"]);
    let o = output_within(cmd, 60);
    assert!(o.status.success(), "{}", stderr(&o));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::fs::read(d.path().join("新项目/engagement.toml")).unwrap(),
        std::fs::read(root.join("data/engagement-template.toml")).unwrap()
    );
    assert!(d.path().join("新项目/data/scoring-inputs.toml").is_file());
}

/// Nothing in src/ finds data through the build's source tree at run time: `CARGO_MANIFEST_DIR`
/// (and any `env!("CARGO_…")` but the package name and version) only in test code.
#[test]
fn no_source_tree_lookup_outside_tests() {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let tests_from = text.find("#[cfg(test)]").unwrap_or(text.len());
                let mut at = 0;
                for (i, line) in text.lines().enumerate() {
                    let start = at;
                    at += line.len() + 1;
                    let lookup = line.contains("CARGO_MANIFEST_DIR")
                        || (line.contains("env!(\"CARGO_")
                            && !line.contains("CARGO_PKG_NAME")
                            && !line.contains("CARGO_PKG_VERSION"));
                    if lookup && start < tests_from {
                        out.push(format!("{}:{}: {}", p.display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(found.is_empty(), "{found:#?}");
}
