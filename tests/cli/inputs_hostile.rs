//! Hostile inputs other than workbooks (issue 14, item 9): non-regular files, a formula of
//! 50,000 terms, weights outside 0–100, implausible years and duplicate entities in
//! engagement.toml, and errors that would echo a file's contents. Each is one sentence and
//! exit 2, bounded in time and in what it quotes.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn reeval_within(args: &[&str], secs: u64) -> Output {
    let mut cmd = bin();
    cmd.args(args);
    output_within(cmd, secs)
}

fn refused(out: &Output, words: &[&str]) -> String {
    let e = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    for w in words {
        assert!(e.contains(w), "expected “{w}” in: {e}");
    }
    assert!(!e.contains("panicked") && !e.contains("overflow"), "{e}");
    e
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    path
}

const SET: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/indicator_sets/xundian-2023.toml"
);
const INPUTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/samples/xundian-2023/inputs.toml"
);

#[test]
fn hostile_inputs_non_regular_files_are_refused_up_front() {
    // Before: `load /dev/zero` hashed an endless file; a FIFO blocked the open forever.
    let d = tmp();
    let pipe = fifo(d.path(), "管道.xlsx");
    let dir = d.path().join("目录.xlsx");
    std::fs::create_dir(&dir).unwrap();
    for path in ["/dev/zero", p(&pipe)] {
        let out = reeval_within(&["load", path], 10);
        refused(&out, &[path, "不是普通文件"]);
    }
    refused(&reeval_within(&["load", p(&dir)], 10), &["是一个目录"]);
    // Every other kind of input goes through the same open.
    let good = d.path().join("好.xlsx");
    reeval::fixtures::write_ymd(&good).unwrap();
    for args in [
        vec!["load", p(&good), "--assets", "/dev/zero"],
        vec!["load", p(&good), "--balances", p(&pipe)],
        vec!["load", p(&good), "--profile", p(&pipe)],
        vec!["check", p(&good), "--config", p(&pipe)],
        vec!["check", p(&good), "--citations", "/dev/zero"],
        vec!["check", p(&good), "--supporting", "payments=/dev/zero"],
        vec!["score", "--set", p(&pipe), "--inputs", INPUTS],
        vec!["score", "--set", SET, "--inputs", "/dev/zero"],
        vec![
            "score",
            "--set",
            SET,
            "--inputs",
            INPUTS,
            "--findings",
            p(&pipe),
        ],
    ] {
        let out = reeval_within(&args, 20);
        let e = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains("不是普通文件"), "{args:?}: {e}");
    }
}

#[test]
fn hostile_inputs_engagement_files_that_are_not_regular_are_named_as_such() {
    let d = tmp();
    let dir = d.path().join("项目");
    let out = reeval_within(&["gen-fixtures", p(&dir), "--engagement"], 120);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.join("engagement.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let first = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("ledgers = [\""))
        .map(|l| l[..l.find('"').unwrap()].to_string())
        .expect("a ledger path");
    std::fs::remove_file(dir.join(&first)).unwrap();
    fifo(&dir, &first);
    let err = format!(
        "{:#}",
        reeval::run::engagement::Engagement::load(&dir).unwrap_err()
    );
    assert!(
        err.contains("不是普通文件") && err.contains(&first),
        "{err}"
    );
}

fn set_with(expr: &str) -> String {
    format!(
        "name = 'x'\n[[indicator]]\nid = 'a'\nname = '甲'\nweight = '100'\nkind = 'formula'\nexpr = '{expr}'\n"
    )
}

#[test]
fn hostile_inputs_a_flat_formula_of_50000_terms_is_refused_briefly() {
    // Before: parsed into a 50,000-deep tree whose walk overflowed the stack (exit 134), or
    // an error quoting all 20 KB of the expression.
    let d = tmp();
    let set = d.path().join("set.toml");
    let flat = vec!["budget.expenditure"; 50_000].join(" + ");
    std::fs::write(&set, set_with(&flat)).unwrap();
    let out = reeval_within(&["score", "--set", p(&set), "--inputs", INPUTS], 20);
    let e = refused(&out, &["过长", "a"]);
    assert!(e.chars().count() < 300, "{e}");
    // Under the length limit but too many operations: the same, briefly.
    let ops = vec!["1"; 400].join("+");
    std::fs::write(&set, set_with(&ops)).unwrap();
    let out = reeval_within(&["score", "--set", p(&set), "--inputs", INPUTS], 20);
    let e = refused(&out, &["运算过多"]);
    assert!(e.chars().count() < 300, "{e}");
}

#[test]
fn hostile_inputs_weights_outside_0_to_100_are_refused_with_the_indicator() {
    use reeval::score::set::IndicatorSet;
    // −10 and 110 add up to 100: before, accepted.
    let bad = "name='x'\n[[indicator]]\nid='a'\nname='投入'\nweight='-10'\nkind='manual'\n\
               [[indicator]]\nid='b'\nname='产出'\nweight='110'\nkind='manual'\n";
    let e = format!("{:#}", IndicatorSet::parse(bad).unwrap_err());
    assert!(e.contains("a（投入）") && e.contains("-10"), "{e}");
    let bad = bad.replace("'-10'", "'0'").replace("'110'", "'100.5'");
    let e = format!("{:#}", IndicatorSet::parse(&bad).unwrap_err());
    assert!(e.contains("b（产出）") && e.contains("100.5"), "{e}");
    // A child heavier than 100 under a parent of 100 is caught the same way.
    let bad = "name='x'\n[[indicator]]\nid='a'\nname='A'\nweight='100'\n\
               [[indicator]]\nid='a1'\nparent='a'\nname='A1'\nweight='150'\nkind='manual'\n\
               [[indicator]]\nid='a2'\nparent='a'\nname='A2'\nweight='-50'\nkind='manual'\n";
    let e = format!("{:#}", IndicatorSet::parse(bad).unwrap_err());
    assert!(e.contains("a1（A1）") && e.contains("0 到 100"), "{e}");
    // Through the command: the file is named.
    let d = tmp();
    let set = d.path().join("负分值.toml");
    std::fs::write(&set, bad).unwrap();
    let out = reeval_within(&["score", "--set", p(&set), "--inputs", INPUTS], 20);
    refused(&out, &["负分值.toml", "a1（A1）"]);
}

fn engagement_dir(d: &Path) -> PathBuf {
    let dir = d.join("项目");
    let out = reeval_within(&["gen-fixtures", p(&dir), "--engagement"], 120);
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

fn edit(dir: &Path, f: impl Fn(&str) -> String) {
    let path = dir.join("engagement.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let new = f(&text);
    assert_ne!(new, text, "the edit changed nothing");
    std::fs::write(&path, new).unwrap();
}

#[test]
fn hostile_inputs_engagement_year_and_duplicate_entities_are_refused() {
    use reeval::run::engagement::Engagement;
    let d = tmp();
    let dir = engagement_dir(d.path());
    let original = std::fs::read_to_string(dir.join("engagement.toml")).unwrap();
    Engagement::load(&dir).expect("the generated engagement loads");
    let year_line = original
        .lines()
        .find(|l| l.trim_start().starts_with("year"))
        .unwrap()
        .to_string();
    for bad in ["99999", "0", "-2023", "1900"] {
        edit(&dir, |t| t.replace(&year_line, &format!("year = {bad}")));
        let e = format!("{:#}", Engagement::load(&dir).unwrap_err());
        assert!(
            e.contains("engagement.toml") && e.contains(&format!("year = {bad}")),
            "{e}"
        );
        std::fs::write(dir.join("engagement.toml"), &original).unwrap();
    }
    // Two entities of one name (after trimming): the second entity takes the first's name.
    let mut entity_names = Vec::new();
    let mut in_entity = false;
    for l in original.lines().map(str::trim) {
        if l.starts_with('[') {
            in_entity = l == "[[entities]]";
        } else if let Some(n) = l.strip_prefix("name = \"").filter(|_| in_entity) {
            entity_names.push(n.trim_end_matches('"').to_string());
        }
    }
    assert!(entity_names.len() >= 2, "{entity_names:?}");
    let (a, b) = (entity_names[0].clone(), entity_names[1].clone());
    edit(&dir, |t| {
        t.replace(&format!("name = \"{b}\""), &format!("name = \" {a} \""))
    });
    let e = format!("{:#}", Engagement::load(&dir).unwrap_err());
    assert!(
        e.contains("engagement.toml") && e.contains(&a) && e.contains("不止一次"),
        "{e}"
    );
    // And through `run`: exit 2, nothing written.
    let out = reeval_within(&["run", p(&dir)], 60);
    refused(&out, &["不止一次"]);
}

#[test]
fn hostile_inputs_errors_quote_only_an_excerpt_of_the_file() {
    // Before: an indicator set pointed at a non-TOML file printed its offending line whole.
    let d = tmp();
    let secret = format!(
        "root:x:0:0:{}:/root:/bin/bash\nsecond:line\n",
        "S".repeat(300)
    );
    let file = d.path().join("passwd");
    std::fs::write(&file, &secret).unwrap();
    let out = reeval_within(&["score", "--set", p(&file), "--inputs", INPUTS], 20);
    let e = refused(&out, &["passwd", "第 1 行"]);
    assert!(
        !e.contains("root:x") && !e.contains("SSS") && !e.contains("second"),
        "{e}"
    );
    assert!(e.chars().count() < 400, "{e}");
    // A value serde quotes back (an indicator name of 20 KB where a table is expected).
    let long = "N".repeat(20_000);
    std::fs::write(&file, format!("name = 'x'\nindicator = '{long}'\n")).unwrap();
    let out = reeval_within(&["score", "--set", p(&file), "--inputs", INPUTS], 20);
    let e = refused(&out, &["passwd"]);
    assert!(e.chars().count() < 400, "{e}");
    // engagement.toml the same way.
    let dir = engagement_dir(d.path());
    edit(&dir, |t| format!("{}\n{t}", "X".repeat(20_000)));
    let out = reeval_within(&["run", p(&dir)], 60);
    let e = refused(&out, &["engagement.toml"]);
    assert!(e.chars().count() < 400, "{e}");
}
