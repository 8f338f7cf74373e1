//! `reeval run`: an engagement's steps in order — load → check → sample → score.
//!
//! Each step is one module with a `STEP` (id, title, function). A step reads what earlier
//! steps left in [`State`] and writes its outputs through [`State::write`]; adding a step
//! (the evidence workbook, the report draft) is one module and one line in [`STEPS`].
//!
//! Outputs go to a staging directory beside the output directory and replace it only when
//! every step has succeeded, so a failed run never leaves half its files behind. Input paths
//! are recorded relative to the engagement directory, so the same engagement gives the same
//! bytes wherever it sits; only the timings in `run.json` change between runs.

mod check;
mod load;
mod sample;
mod score;

use crate::engagement::Engagement;
use crate::provenance::{sha256_file, InputFile};
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Step {
    pub id: &'static str,
    pub title: &'static str,
    pub run: fn(&mut State) -> Result<()>,
}

pub const STEPS: &[Step] = &[load::STEP, check::STEP, sample::STEP, score::STEP];

/// What the run prints, and what `--json` and `run.json` carry as `summary`.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub load: Option<load::LoadSummary>,
    pub check: Option<check::CheckSummary>,
    pub samples: Vec<sample::SampleSummary>,
    pub score: Option<score::ScoreSummary>,
}

/// Everything a step may read or add to.
pub struct State<'a> {
    pub engagement: &'a Engagement,
    /// Where `indicator_sets/` may be found besides the build's own.
    pub origin: PathBuf,
    pub loaded: Option<crate::load::Loaded>,
    /// The findings document as written (later steps read it as the CLI commands would).
    pub findings_json: Option<String>,
    pub summary: Summary,
    /// Every input file read, in first-read order (deduplicated by path).
    pub inputs: Vec<InputFile>,
    pub quiet: bool,
    staging: PathBuf,
    written: Vec<(String, &'static str)>,
    current: &'static str,
}

impl State<'_> {
    /// Write one output file into the staging directory.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.staging.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        self.written.push((name.to_string(), self.current));
        Ok(())
    }

    pub fn record_inputs(&mut self, inputs: &[InputFile]) {
        for i in inputs {
            if !self.inputs.iter().any(|x| x.path == i.path) {
                self.inputs.push(i.clone());
            }
        }
    }

    /// A spinner for a step that takes more than a moment (hidden with --quiet or when
    /// stderr is not a terminal).
    pub fn spinner(&self, msg: String) -> indicatif::ProgressBar {
        let pb = if self.quiet {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new_spinner()
        };
        pb.set_message(msg);
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    }
}

#[derive(Serialize)]
struct StepRecord {
    id: &'static str,
    title: &'static str,
    seconds: f64,
    outputs: Vec<String>,
}

#[derive(Serialize)]
struct OutputFile {
    file: String,
    sha256: String,
    bytes: u64,
}

/// The manifest: what went in, with which parameters and seeds, what came out.
#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    engagement: &'a crate::engagement::Header,
    inputs: &'a [InputFile],
    parameters: &'a Engagement,
    seeds: serde_json::Value,
    steps: Vec<StepRecord>,
    outputs: Vec<OutputFile>,
    summary: &'a Summary,
}

pub struct Outcome {
    pub out: PathBuf,
    pub summary: Summary,
    pub outputs: Vec<String>,
    pub timings: Vec<(&'static str, f64)>,
}

/// Run every step of the engagement in `dir`, writing to `out` (default `output/<id>`).
pub fn run(dir: &Path, out: Option<&Path>, quiet: bool) -> Result<Outcome> {
    let origin = std::env::current_dir().context("无法确定当前目录")?;
    let dir = origin.join(dir);
    let engagement = Engagement::load(&dir)?;
    let out = match out {
        Some(o) => origin.join(o),
        None => origin.join("output").join(&engagement.engagement.id),
    };
    let staging = staging_dir(&out)?;
    // Inputs are named as engagement.toml names them: relative to the engagement.
    std::env::set_current_dir(&dir)
        .with_context(|| format!("无法进入项目目录 {}", dir.display()))?;
    let mut state = State {
        engagement: &engagement,
        origin: origin.clone(),
        loaded: None,
        findings_json: None,
        summary: Summary::default(),
        inputs: vec![sha256_file(Path::new(crate::engagement::FILE))?],
        quiet,
        staging: staging.clone(),
        written: Vec::new(),
        current: "",
    };
    let result = run_steps(&mut state);
    let _ = std::env::set_current_dir(&origin);
    let timings = match result {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let mut outputs = Vec::new();
    for (name, _) in &state.written {
        let info = sha256_file(&staging.join(name))?;
        outputs.push(OutputFile {
            file: name.clone(),
            sha256: info.sha256,
            bytes: info.bytes,
        });
    }
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        engagement: &engagement.engagement,
        inputs: &state.inputs,
        parameters: &engagement,
        seeds: serde_json::json!({ "sampling": engagement.sampling.seed }),
        steps: timings
            .iter()
            .map(|(step, secs)| StepRecord {
                id: step.id,
                title: step.title,
                seconds: (secs * 1000.0).round() / 1000.0,
                outputs: state
                    .written
                    .iter()
                    .filter(|(_, s)| *s == step.id)
                    .map(|(n, _)| n.clone())
                    .collect(),
            })
            .collect(),
        outputs,
        summary: &state.summary,
    };
    let json = serde_json::to_vec_pretty(&manifest)?;
    std::fs::write(staging.join("run.json"), json)
        .with_context(|| format!("无法写入 {}", staging.join("run.json").display()))?;
    let mut names: Vec<String> = state.written.iter().map(|(n, _)| n.clone()).collect();
    names.push("run.json".into());
    publish(&staging, &out)?;
    Ok(Outcome {
        out,
        outputs: names,
        timings: timings.iter().map(|(s, t)| (s.title, *t)).collect(),
        summary: state.summary,
    })
}

fn run_steps(state: &mut State) -> Result<Vec<(&'static Step, f64)>> {
    let mut timings = Vec::new();
    for step in STEPS {
        state.current = step.id;
        let t = Instant::now();
        (step.run)(state).with_context(|| format!("步骤「{}」（{}）失败", step.title, step.id))?;
        timings.push((step, t.elapsed().as_secs_f64()));
    }
    Ok(timings)
}

/// A fresh staging directory beside `out` (same file system, so the final rename is atomic).
fn staging_dir(out: &Path) -> Result<PathBuf> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("无法创建输出目录 {}", parent.display()))?;
    let staging = parent.join(format!(".{name}.tmp-reeval"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("无法清理上次中断留下的 {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging).with_context(|| format!("无法创建 {}", staging.display()))?;
    Ok(staging)
}

/// Replace `out` by the staging directory: the old results stay until the new ones are whole.
fn publish(staging: &Path, out: &Path) -> Result<()> {
    let old = out.with_file_name(format!(
        ".{}.old-reeval",
        out.file_name().unwrap_or_default().to_string_lossy()
    ));
    if old.exists() {
        std::fs::remove_dir_all(&old).ok();
    }
    if out.exists() {
        std::fs::rename(out, &old)
            .with_context(|| format!("无法替换已有的输出目录 {}", out.display()))?;
    }
    std::fs::rename(staging, out).with_context(|| format!("无法写入输出目录 {}", out.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).ok();
    }
    Ok(())
}

/// CSV for Excel and WPS on Windows: UTF-8 with a byte-order mark, CRLF line ends.
pub fn csv_with_bom(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut buf = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        w.write_record(header)?;
        for r in rows {
            w.write_record(r)?;
        }
        w.flush()?;
    }
    Ok(buf)
}
