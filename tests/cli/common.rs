use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reeval"))
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Run `reeval load ARGS… --json REPORT` and return (output, report).
pub fn cli_load(dir: &Path, args: &[&str]) -> (Output, Option<Value>) {
    let report = dir.join(format!("report-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&report);
    let out = bin()
        .arg("load")
        .args(args)
        .arg("--json")
        .arg(&report)
        .output()
        .expect("run reeval");
    let json = std::fs::read(&report)
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("report is JSON"));
    (out, json)
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

pub fn fen(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("money as string, got {v}"));
    let d: rust_decimal::Decimal = s.parse().expect("decimal");
    (d * rust_decimal::Decimal::ONE_HUNDRED)
        .trunc()
        .to_string()
        .parse()
        .expect("fen")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Run `reeval check ARGS… --json DOC` and return (output, document).
pub fn cli_check(dir: &Path, args: &[&str]) -> (Output, Option<Value>) {
    let doc = dir.join(format!("findings-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&doc);
    let out = bin()
        .arg("check")
        .args(args)
        .arg("--json")
        .arg(&doc)
        .output()
        .expect("run reeval");
    let json = std::fs::read(&doc)
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("document is JSON"));
    (out, json)
}
