//! The ledger view (`check::book::Book`) is built once per `reeval run`: the check step builds
//! it and the workbook step reads it, and the workbook so written is byte for byte the one
//! `reeval workbook` writes from the same results with a book of its own.

use crate::common::{bin, output_within, tmp};
use std::path::Path;

fn copy_engagement(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(from.join("engagement.toml"), to.join("engagement.toml")).unwrap();
    for f in std::fs::read_dir(from.join("data")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, to.join("data").join(f.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn a_run_builds_the_ledger_view_once_and_its_workbook_equals_the_stand_alone_one() {
    let t = tmp();
    let eng = t.path().join("eng");
    copy_engagement(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023"),
        &eng,
    );
    let out = t.path().join("out");
    // The run's steps that read a book (check; the workbook, first of its side-by-side
    // group) run on this thread: each `Book::new` of the run is counted here.
    let before = reeval::check::book::built_on_this_thread();
    let outcome = reeval::run::run(&eng, Some(&out), true).unwrap();
    let built = reeval::check::book::built_on_this_thread() - before;
    assert_eq!(built, 1, "one Book::new per run");
    let wb = "底稿-hrss-2023.xlsx";
    assert!(
        outcome.outputs.iter().any(|o| o == wb),
        "{:?}",
        outcome.outputs
    );
    // Its steps all ran (the workbook among them).
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let steps: Vec<&str> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        steps.contains(&"check") && steps.contains(&"workbook"),
        "{steps:?}"
    );
    let from_run = std::fs::read(out.join(wb)).unwrap();
    // `reeval workbook` builds its own book (without the engagement's 经济分类 names, from the
    // lines of the vouchers named only): the same bytes.
    std::fs::remove_file(out.join(wb)).unwrap();
    let mut cmd = bin();
    cmd.arg("workbook")
        .arg(&eng)
        .arg("--results")
        .arg(&out)
        .arg("-q");
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let alone = std::fs::read(out.join(wb)).unwrap();
    assert!(
        alone == from_run,
        "the run's workbook and the stand-alone one differ"
    );
}
