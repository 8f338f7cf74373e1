use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reeval"))
}

/// Run a command, failing the test instead of hanging when it takes longer than `secs`.
pub fn output_within(mut cmd: Command, secs: u64) -> Output {
    use std::time::{Duration, Instant};
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run reeval");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut b).ok();
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut b).ok();
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("reeval did not finish within {secs} s: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
    }
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Run `reeval load ARGS… --json REPORT` and return (output, report).
pub fn cli_load(dir: &Path, args: &[&str]) -> (Output, Option<Value>) {
    let report = dir.join(format!("report-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&report);
    let mut cmd = bin();
    cmd.arg("load").args(args).arg("--json").arg(&report);
    let out = output_within(cmd, 120);
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
    let mut cmd = bin();
    cmd.arg("check").args(args).arg("--json").arg(&doc);
    let out = output_within(cmd, 120);
    let json = std::fs::read(&doc)
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("document is JSON"));
    (out, json)
}
