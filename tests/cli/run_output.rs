//! Where `reeval run` and `reeval load --out` may write, and that nothing of the user's is lost
//! (issue 14, items 1–3): the engagement and its parents are refused, a foreign directory or
//! a file is refused and left as it was, files the auditor added or edited in a previous result
//! are carried over, two runs into one directory never publish a mix, and what an interrupted
//! run left is put right by the next one.

use super::common::{bin, output_within, p, stderr, tmp};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

/// A copy of the bundled engagement in `dir`.
fn engagement(dir: &Path) -> PathBuf {
    let eng = dir.join("eng");
    std::fs::create_dir_all(eng.join("data")).unwrap();
    std::fs::copy(
        sample().join("engagement.toml"),
        eng.join("engagement.toml"),
    )
    .unwrap();
    for f in std::fs::read_dir(sample().join("data")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, eng.join("data").join(f.file_name().unwrap())).unwrap();
    }
    eng
}

fn run(dir: &Path, out: &Path) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run").arg(dir).arg("--out").arg(out).arg("-q");
    output_within(cmd, 120)
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                m.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    m
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// What reeval may have left beside its outputs: the hidden entries of `dir`.
fn hidden(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect()
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The published result is whole: every file run.json lists has the hash it records.
fn assert_consistent(out: &Path) {
    let manifest = json(&out.join("run.json"));
    for o in manifest["outputs"].as_array().unwrap() {
        let f = out.join(o["file"].as_str().unwrap());
        let sha = reeval::model::provenance::sha256_file(&f)
            .unwrap_or_else(|e| panic!("{f:?}: {e}"))
            .sha256;
        assert_eq!(sha, o["sha256"].as_str().unwrap(), "{f:?} is not the run's");
    }
}

#[test]
fn run_refuses_the_engagement_directory_and_its_parents() {
    let t = tmp();
    let eng = engagement(t.path());
    let before = snapshot(t.path());
    for out in [
        eng.clone(),
        eng.join("."),
        eng.join("data/.."),
        t.path().to_path_buf(),
        eng.join(".."),
    ] {
        let o = run(&eng, &out);
        assert_eq!(o.status.code(), Some(2), "{out:?}");
        let err = stderr(&o);
        assert!(err.contains("项目目录"), "{out:?}: {err}");
        assert_eq!(snapshot(t.path()), before, "{out:?} changed files");
    }
    // A new subfolder of the engagement is fine, and a second run replaces it.
    let inside = eng.join("结果");
    assert!(run(&eng, &inside).status.success());
    assert!(run(&eng, &inside).status.success());
    assert_consistent(&inside);
    assert_eq!(
        snapshot(&eng.join("data")),
        snapshot(&sample().join("data"))
    );
    assert!(eng.join("engagement.toml").is_file());
}

#[test]
fn run_refuses_a_file_and_a_directory_that_holds_no_run() {
    let t = tmp();
    let eng = engagement(t.path());
    // An existing file: refused, not moved aside.
    let file = t.path().join("报告.docx");
    std::fs::write(&file, b"the auditor's draft").unwrap();
    let o = run(&eng, &file);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("文件"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), b"the auditor's draft");
    // A directory with the user's files and no run.json: refused, untouched.
    let mine = t.path().join("资料");
    std::fs::create_dir_all(mine.join("sub")).unwrap();
    std::fs::write(mine.join("笔记.txt"), b"notes").unwrap();
    std::fs::write(mine.join("sub/x.csv"), b"1,2").unwrap();
    // A run.json that is not reeval's does not make it one.
    std::fs::write(mine.join("run.json"), br#"{"name":"other tool"}"#).unwrap();
    let before = snapshot(&mine);
    let o = run(&eng, &mine);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不是空目录"), "{}", stderr(&o));
    assert_eq!(snapshot(&mine), before);
    let leftovers: Vec<String> = hidden(t.path());
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // An empty directory is fine.
    let empty = t.path().join("空");
    std::fs::create_dir(&empty).unwrap();
    assert!(run(&eng, &empty).status.success());
    assert_consistent(&empty);
    // A symbolic link is refused (it would write somewhere else).
    #[cfg(unix)]
    {
        let link = t.path().join("link");
        std::os::unix::fs::symlink(&empty, &link).unwrap();
        let o = run(&eng, &link);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("符号链接"), "{}", stderr(&o));
    }
}

#[test]
fn a_rerun_keeps_what_the_auditor_added_or_edited() {
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("out");
    assert!(run(&eng, &out).status.success());
    let fresh_csv = std::fs::read(out.join("findings.csv")).unwrap();
    std::fs::write(out.join("核实记录.txt"), "2023-03 记-19 已核实".as_bytes()).unwrap();
    std::fs::create_dir(out.join("取证单")).unwrap();
    std::fs::write(out.join("取证单/1.pdf"), b"%PDF").unwrap();
    let mut edited = fresh_csv.clone();
    edited.extend_from_slice("审计员甲,已确认\r\n".as_bytes());
    std::fs::write(out.join("findings.csv"), &edited).unwrap();

    let o = run(&eng, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_consistent(&out);
    assert_eq!(std::fs::read(out.join("findings.csv")).unwrap(), fresh_csv);
    assert_eq!(
        std::fs::read(out.join("findings（已修改）.csv")).unwrap(),
        edited
    );
    assert_eq!(
        std::fs::read(out.join("核实记录.txt")).unwrap(),
        "2023-03 记-19 已核实".as_bytes()
    );
    assert_eq!(std::fs::read(out.join("取证单/1.pdf")).unwrap(), b"%PDF");
    let kept = json(&out.join("run.json"))["kept"].clone();
    let kept: Vec<(&str, &str)> = kept
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["was"].as_str().unwrap(), k["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kept,
        [
            ("findings.csv", "findings（已修改）.csv"),
            ("取证单", "取证单"),
            ("核实记录.txt", "核实记录.txt"),
        ]
    );
    // A third run keeps them again, and the edited copy keeps its name.
    assert!(run(&eng, &out).status.success());
    assert_eq!(
        std::fs::read(out.join("findings（已修改）.csv")).unwrap(),
        edited
    );
    assert!(!out.join("findings（已修改）（已修改）.csv").exists());
    assert!(out.join("核实记录.txt").is_file());
    let leftovers: Vec<String> = hidden(t.path());
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_locked_output_is_refused_with_the_holder_named() {
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("out");
    let lock_path = t.path().join(".out.reeval-lock");
    let lock = std::fs::File::create(&lock_path).unwrap();
    std::fs::write(&lock_path, "进程 4242，开始于 2026-11-29 10:00:00").unwrap();
    lock.lock().unwrap();
    let o = run(&eng, &out);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("正在写入") && err.contains("4242"), "{err}");
    assert!(!out.exists());
    lock.unlock().unwrap();
    drop(lock);
    assert!(run(&eng, &out).status.success());
    assert_consistent(&out);
    assert!(!lock_path.exists(), "the lock file goes with the run");
}

#[test]
fn concurrent_runs_into_one_directory_never_publish_a_mix() {
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("out");
    for round in 0..3 {
        let children: Vec<_> = (0..4)
            .map(|_| {
                let mut cmd = bin();
                cmd.arg("run").arg(&eng).arg("--out").arg(&out).arg("-q");
                std::thread::spawn(move || output_within(cmd, 300))
            })
            .collect();
        let mut ok = 0;
        for c in children {
            let o = c.join().unwrap();
            match o.status.code() {
                Some(0) => ok += 1,
                Some(2) => assert!(stderr(&o).contains("正在写入"), "{}", stderr(&o)),
                other => panic!("round {round}: exit {other:?}: {}", stderr(&o)),
            }
        }
        assert!(
            ok >= 1,
            "round {round}: one run holds the lock and finishes"
        );
        assert_consistent(&out);
        let leftovers: Vec<String> = hidden(t.path());
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
}

#[test]
fn what_an_interrupted_run_left_is_put_right() {
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("out");
    assert!(run(&eng, &out).status.success());
    std::fs::write(out.join("笔记.txt"), b"mine").unwrap();

    // Stopped between the two renames of reeval 0.1: only `.out.old-reeval`, and a stale
    // staging directory of the fixed name.
    std::fs::rename(&out, t.path().join(".out.old-reeval")).unwrap();
    std::fs::create_dir(t.path().join(".out.tmp-reeval")).unwrap();
    let o = run(&eng, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_consistent(&out);
    assert_eq!(std::fs::read(out.join("笔记.txt")).unwrap(), b"mine");
    assert_eq!(names(t.path()), ["eng", "out"], "left-overs are cleaned up");

    // Stopped after the old result was moved aside and the new one published, before the
    // auditor's files were carried over.
    let aside = t.path().join(".out.old-1-2");
    std::fs::create_dir(&aside).unwrap();
    std::fs::copy(out.join("run.json"), aside.join("run.json")).unwrap();
    std::fs::copy(out.join("load.json"), aside.join("load.json")).unwrap();
    std::fs::rename(out.join("笔记.txt"), aside.join("笔记.txt")).unwrap();
    assert!(run(&eng, &out).status.success());
    assert_eq!(std::fs::read(out.join("笔记.txt")).unwrap(), b"mine");
    assert_eq!(names(t.path()), ["eng", "out"]);

    // Stopped between the renames with a complete staged result: that result is published.
    let staged = t.path().join(".out.staging-1-2");
    std::fs::rename(&out, &staged).unwrap();
    std::fs::write(staged.join(".reeval-staging"), b"").unwrap();
    let o = run(&eng, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_consistent(&out);
    assert_eq!(std::fs::read(out.join("笔记.txt")).unwrap(), b"mine");
    assert_eq!(names(t.path()), ["eng", "out"]);
}

#[test]
fn load_out_and_json_never_overwrite_what_is_not_theirs() {
    let t = tmp();
    let eng = engagement(t.path());
    let ledger = eng.join("data/局机关-序时账-2023.xlsx");
    let ledger_bytes = std::fs::read(&ledger).unwrap();
    // --json naming the input, a directory, or a file that is not a reeval report.
    let notes = t.path().join("notes.json");
    std::fs::write(&notes, b"{\"mine\": true}").unwrap();
    for target in [ledger.clone(), eng.join("data"), notes.clone()] {
        let mut cmd = bin();
        cmd.args(["load", p(&ledger), "--json", p(&target)]);
        let o = output_within(cmd, 120);
        assert_eq!(o.status.code(), Some(2), "{target:?}");
    }
    assert_eq!(std::fs::read(&ledger).unwrap(), ledger_bytes);
    assert_eq!(std::fs::read(&notes).unwrap(), b"{\"mine\": true}");
    // A report of reeval's is replaced.
    let report = t.path().join("load.json");
    for _ in 0..2 {
        let mut cmd = bin();
        cmd.args(["load", p(&ledger), "--json", p(&report)]);
        assert!(output_within(cmd, 120).status.success());
    }
    // --out: a foreign directory is refused; a cache is replaced, keeping added files.
    let mut cmd = bin();
    cmd.args(["load", p(&ledger), "--out", p(&eng.join("data"))]);
    assert_eq!(output_within(cmd, 120).status.code(), Some(2));
    assert_eq!(std::fs::read(&ledger).unwrap(), ledger_bytes);
    let cache = t.path().join("cache");
    for round in 0..2 {
        let mut cmd = bin();
        cmd.args(["load", p(&ledger), "--out", p(&cache)]);
        let o = output_within(cmd, 120);
        assert!(o.status.success(), "{}", stderr(&o));
        if round == 0 {
            std::fs::write(cache.join("说明.txt"), b"keep").unwrap();
        }
    }
    assert_eq!(std::fs::read(cache.join("说明.txt")).unwrap(), b"keep");
    assert!(cache.join("lines.parquet").is_file());
    let mut cmd = bin();
    cmd.args(["check", p(&cache)]);
    assert!(output_within(cmd, 120).status.success());
}

#[test]
fn gen_fixtures_never_replaces_a_different_file_without_force() {
    let t = tmp();
    let dir = t.path().join("项目");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("engagement.toml"), "# the auditor's own").unwrap();
    let gen = |extra: &[&str]| {
        let mut cmd = bin();
        cmd.args(["gen-fixtures", p(&dir), "--engagement"])
            .args(extra);
        output_within(cmd, 120)
    };
    let o = gen(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("engagement.toml"), "{}", stderr(&o));
    assert_eq!(names(&dir), ["engagement.toml"], "nothing written");
    assert_eq!(
        std::fs::read_to_string(dir.join("engagement.toml")).unwrap(),
        "# the auditor's own"
    );
    assert!(gen(&["--force"]).status.success());
    // Regenerating the same files is no conflict.
    assert!(gen(&[]).status.success());
    assert_eq!(
        std::fs::read(dir.join("engagement.toml")).unwrap(),
        std::fs::read(sample().join("engagement.toml")).unwrap()
    );
    let leftovers: Vec<String> = hidden(t.path());
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_manifest_cannot_make_reeval_discard_a_file_it_does_not_replace() {
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("fake");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), b"my notes").unwrap();
    let sha = reeval::model::provenance::sha256_file(&out.join("notes.txt"))
        .unwrap()
        .sha256;
    std::fs::write(
        out.join("run.json"),
        format!(
            r#"{{"tool":"reeval","outputs":[{{"file":"notes.txt","sha256":"{sha}"}},{{"file":"../victim.txt","sha256":"x"}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(t.path().join("victim.txt"), b"v").unwrap();
    let o = run(&eng, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"my notes");
    assert_eq!(std::fs::read(t.path().join("victim.txt")).unwrap(), b"v");
}

#[test]
fn edits_carried_over_keep_their_names_and_newer_edits_get_the_next() {
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("out");
    assert!(run(&eng, &out).status.success());
    let edit = |text: &str| {
        let mut b = std::fs::read(out.join("findings.csv")).unwrap();
        b.extend_from_slice(text.as_bytes());
        std::fs::write(out.join("findings.csv"), &b).unwrap();
        b
    };
    let first = edit("第一次核实\r\n");
    assert!(run(&eng, &out).status.success());
    let second = edit("第二次核实\r\n");
    assert!(run(&eng, &out).status.success());
    assert_eq!(
        std::fs::read(out.join("findings（已修改）.csv")).unwrap(),
        first
    );
    assert_eq!(
        std::fs::read(out.join("findings（已修改2）.csv")).unwrap(),
        second
    );
    assert!(!out.join("findings（已修改）（已修改）.csv").exists());
}

#[test]
fn a_previous_result_set_aside_by_an_interrupted_exchange_is_carried_over() {
    // Stopped right after the swap: the previous result sits under a staging name, without
    // the staging mark, holding the auditor's note.
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("out");
    assert!(run(&eng, &out).status.success());
    let aside = t.path().join(".out.staging-9-9");
    std::fs::rename(&out, &aside).unwrap();
    std::fs::write(aside.join("笔记.txt"), b"mine").unwrap();
    assert!(run(&eng, &t.path().join("tmp-copy")).status.success());
    std::fs::rename(t.path().join("tmp-copy"), &out).unwrap();
    std::fs::write(out.join(".reeval-staging"), b"").unwrap();
    let o = run(&eng, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_consistent(&out);
    assert_eq!(std::fs::read(out.join("笔记.txt")).unwrap(), b"mine");
    assert!(!out.join(".reeval-staging").exists());
    assert_eq!(names(t.path()), ["eng", "out"]);
}

#[test]
fn long_output_names_work() {
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("长".repeat(80));
    assert!(run(&eng, &out).status.success());
    assert!(run(&eng, &out).status.success());
    assert_consistent(&out);
    assert_eq!(names(t.path()).len(), 2);
}

/// As a user without write permission on the previous result (root writes anyway, so this
/// runs only as another user; the tester's script /tmp/tester/scripts/t_readonly.sh did it
/// with setpriv).
#[cfg(unix)]
#[test]
fn a_previous_result_that_cannot_give_up_the_auditors_files_is_a_refusal() {
    if unsafe { libc::geteuid() } == 0 {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let t = tmp();
    let eng = engagement(t.path());
    let out = t.path().join("out");
    assert!(run(&eng, &out).status.success());
    std::fs::write(out.join("笔记.txt"), b"mine").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = snapshot(&out);
    let o = run(&eng, &out);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不可写"), "{}", stderr(&o));
    assert_eq!(snapshot(&out), before);
}

#[test]
fn json_reports_the_auditor_edited_are_kept_not_replaced() {
    let t = tmp();
    let eng = engagement(t.path());
    let ledger = eng.join("data/局机关-序时账-2023.xlsx");
    let report = t.path().join("findings.json");
    let check = || {
        let mut cmd = bin();
        cmd.args(["check", p(&ledger), "--json", p(&report)]);
        output_within(cmd, 120)
    };
    assert!(check().status.success());
    let fresh = std::fs::read_to_string(&report).unwrap();
    // The same report again: replaced in place, no copy.
    assert!(check().status.success());
    assert_eq!(names(t.path()), ["eng", "findings.json"]);
    // The auditor confirms a finding in the report; the next check keeps that file.
    let edited = fresh.replacen("\"待核实\"", "\"确认\"", 1);
    std::fs::write(&report, &edited).unwrap();
    let o = check();
    assert!(o.status.success());
    assert!(stderr(&o).contains("改名保留"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(t.path().join("findings（上一版）.json")).unwrap(),
        edited
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), fresh);
}

#[test]
fn results_go_beside_their_engagement_by_default() {
    // Two engagements with the same id, run from one working directory, keep their results apart.
    let t = tmp();
    let a = engagement(&t.path().join("甲"));
    let b = engagement(&t.path().join("乙"));
    let toml = std::fs::read_to_string(b.join("engagement.toml")).unwrap();
    std::fs::write(
        b.join("engagement.toml"),
        toml.replace("seed = 20240315", "seed = 7"),
    )
    .unwrap();
    for e in [&a, &b] {
        let mut cmd = bin();
        cmd.current_dir(t.path()).arg("run").arg(e).arg("-q");
        let o = output_within(cmd, 120);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let seed = |e: &Path| json(&e.join("output/hrss-2023/run.json"))["seeds"]["sampling"].clone();
    assert_eq!(seed(&a), 20240315);
    assert_eq!(seed(&b), 7);
    assert!(!t.path().join("output").exists());
}
