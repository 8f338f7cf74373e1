//! `reeval run`: an engagement's steps in order — load → check → sample → score.
//!
//! Each step is one module with a `STEP` (id, title, function). A step reads what earlier
//! steps left in [`State`] and writes its outputs through [`State::write`]; adding a step
//! (the evidence workbook, the report draft) is one module and one line in [`STEPS`].
//!
//! The output directory is claimed before the first step (locked, checked, left-overs of an
//! interrupted run put right: [`crate::publish`]); outputs go to a staging directory of this
//! run's own and replace the previous result only when every step has succeeded, so a failed
//! run never leaves half its files behind, and files the auditor added or edited in the
//! previous result are carried over, never discarded. Input paths
//! are recorded relative to the engagement directory, so the same engagement gives the same
//! bytes wherever it sits; only the timings in `run.json` change between runs.
//!
//! Steps that only read the state ([`Run::Beside`]) and need none of each other's outputs run
//! side by side on threads of their own (sample beside score, the workbook beside the report):
//! each computes its outputs from the state as the steps before it left it, and the outputs
//! are then written, the inputs recorded and the summary filled in the order of [`STEPS`],
//! so the bytes are those of a run of one step after another (`REEVAL_SEQUENTIAL=1` runs them
//! so).

pub mod engagement;

mod check;
mod claims;
pub(crate) mod load;
pub mod report;
mod sample;
mod score;
pub mod workbook;

use crate::model::provenance::{sha256_file, sha256_file_in, InputFile};
use crate::publish;
use crate::run::engagement::Engagement;
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Step {
    pub id: &'static str,
    pub title: &'static str,
    pub run: Run,
    /// The steps whose outputs or state this one reads (by id): a [`Run::Beside`] step never
    /// runs beside one of them.
    pub needs: &'static [&'static str],
}

/// How a step runs.
pub enum Run {
    /// With the state to itself, after the steps before it.
    Alone(fn(&mut State) -> Result<()>),
    /// From the state as the steps before it left it, read only, possibly beside other such
    /// steps: it returns what it adds to the state ([`Commit`]), applied in the order of
    /// [`STEPS`].
    Beside(fn(&State) -> Result<Commit>),
}

/// What a [`Run::Beside`] step adds to the state: its outputs written, its inputs recorded,
/// its summary.
pub type Commit = Box<dyn FnOnce(&mut State) -> Result<()> + Send>;

pub const STEPS: &[Step] = &[
    load::STEP,
    // Before the check: its 自评不实 findings go into findings.json with the rules' findings
    // (reviewed in E1, applied by review.toml, counted and reported like any 疑点).
    claims::STEP,
    check::STEP,
    sample::STEP,
    score::STEP,
    workbook::STEP,
    report::STEP,
];

/// What the run prints, and what `--json` and `run.json` carry as `summary`.
#[derive(Debug, Default, Serialize)]
pub struct RunSummary {
    pub load: Option<load::LoadSummary>,
    pub check: Option<check::CheckSummary>,
    pub samples: Vec<sample::SampleSummary>,
    pub score: Option<score::ScoreSummary>,
    /// The 自评报告's claims beside the books (when engagement.toml names one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<claims::ClaimsSummary>,
}

/// Everything a step may read or add to.
pub struct State<'a> {
    pub engagement: &'a Engagement,
    /// The engagement directory (absolute): engagement.toml's paths are joined to it, and
    /// recorded as engagement.toml gives them.
    pub dir: PathBuf,
    /// The directory `run` was started from: its `indicator_sets/` holds sets that are
    /// neither files of the engagement nor built in.
    pub origin: PathBuf,
    pub loaded: Option<crate::load::Loaded>,
    /// The ledger view of the loaded lines, built by the check step (with the engagement's
    /// 经济分类 names) and read by the workbook step: one `Book::new` per run.
    pub book: Option<crate::check::book::Book>,
    /// The findings document as written (later steps read it as the CLI commands would).
    pub findings_json: Option<String>,
    /// The sampling risk targets, taken from the findings as generated (before review.toml
    /// applies): a review never redraws a sample (see `sample::document::risk_from_findings`).
    pub sample_risk: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// The 自评不实 findings of the claims step (before the check step, which lists them in
    /// findings.json with the rules' findings so that they are reviewed, scored and reported
    /// like any other 疑点).
    pub claim_findings: Vec<crate::model::findings::Finding>,
    pub summary: RunSummary,
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

    /// An output this run has already written (a later step reads an earlier one's
    /// document as written); `None` when no step wrote `name`.
    pub fn staged(&self, name: &str) -> Result<Option<Vec<u8>>> {
        if !self.written.iter().any(|(n, _)| n == name) {
            return Ok(None);
        }
        let path = self.staging.join(name);
        Ok(Some(
            std::fs::read(&path).with_context(|| format!("无法读取 {}", path.display()))?,
        ))
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

/// run.json read back (`reeval workbook`): the engagement as it ran, its inputs, its outputs.
#[derive(Debug, serde::Deserialize)]
pub struct ManifestRecord {
    pub tool: String,
    pub version: String,
    pub inputs: Vec<InputFile>,
    pub parameters: Engagement,
    pub outputs: Vec<OutputRecord>,
}

#[derive(Debug, serde::Deserialize)]
pub struct OutputRecord {
    pub file: String,
    pub sha256: String,
}

/// The manifest: what went in, with which parameters and seeds, what came out.
#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    engagement: &'a crate::run::engagement::EngagementHeader,
    inputs: &'a [InputFile],
    parameters: &'a Engagement,
    seeds: serde_json::Value,
    steps: Vec<StepRecord>,
    outputs: Vec<OutputFile>,
    /// Files of the previous result carried over: added or edited by the auditor.
    kept: &'a [publish::Kept],
    summary: &'a RunSummary,
}

pub struct RunOutcome {
    pub out: PathBuf,
    pub summary: RunSummary,
    pub outputs: Vec<String>,
    /// Files of the previous result carried over (added or edited by the auditor).
    pub kept: Vec<publish::Kept>,
    /// What was put right from an interrupted earlier run, or could not be cleared.
    pub notes: Vec<String>,
    pub timings: Vec<(&'static str, f64)>,
    /// The loaded books, handed back rather than freed inside the run, so that `reeval run`
    /// can leave them to the OS at exit (see `cli::run`); a library caller just drops them.
    pub(crate) loaded: Option<crate::load::Loaded>,
    /// The run's ledger view, handed back like `loaded` (left to the OS at exit).
    pub(crate) book: Option<crate::check::book::Book>,
}

/// What `reeval run` writes: recognised by `run.json`, whose `outputs` list every file with
/// its SHA-256.
pub static RUN_OUTPUT: publish::OutputKind = publish::OutputKind {
    manifest: "run.json",
    label: "运行结果",
    owned: run_outputs,
};

fn run_outputs(dir: &Path) -> Option<Vec<publish::Owned>> {
    let text = std::fs::read(dir.join("run.json")).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&text).ok()?;
    if v.get("tool")?.as_str()? != env!("CARGO_PKG_NAME") {
        return None;
    }
    let files = v.get("outputs")?.as_array()?;
    Some(
        files
            .iter()
            .filter_map(|o| {
                Some(publish::Owned {
                    file: o.get("file")?.as_str()?.to_string(),
                    sha256: o.get("sha256").and_then(|s| s.as_str()).map(String::from),
                })
            })
            .collect(),
    )
}

/// Run every step of the engagement in `dir`, writing to `out` (default `<dir>/output/<id>`:
/// beside the engagement, so two engagements never share a result folder, whatever the
/// working directory).
///
/// `out` is claimed before anything runs (see [`crate::publish`]): a file, the engagement
/// directory or a parent of it, a directory that is not empty and holds no reeval run, or a
/// directory another run is writing are refused with a sentence saying why.
pub fn run(dir: &Path, out: Option<&Path>, quiet: bool) -> Result<RunOutcome> {
    run_with(dir, out, quiet, false)
}

/// [`run`], where `discard_entries` lets the run replace a workbook that holds the auditor's
/// entries (it is then carried over beside the new one as `底稿-<id>（已修改）.xlsx`, never
/// deleted); without it such a run stops before loading.
pub fn run_with(
    dir: &Path,
    out: Option<&Path>,
    quiet: bool,
    discard_entries: bool,
) -> Result<RunOutcome> {
    let origin = std::env::current_dir().context("无法确定当前目录")?;
    let dir = origin.join(dir);
    let engagement = Engagement::load(&dir)?;
    sample::validate(&engagement.sampling.plans, engagement.sampling.seed)?;
    // The workbook's layout is read before anything runs: a typo in it is an error at once.
    let layout = workbook::layout_for(&engagement, &dir)?;
    let out = match out {
        Some(o) => origin.join(o),
        None => dir.join("output").join(&engagement.engagement.id),
    };
    let claim = publish::claim(&out, &RUN_OUTPUT, &[&dir])?;
    if !discard_entries {
        refuse_unimported_entries(&claim, &dir, &engagement, &layout)?;
    }
    let staging = claim.staging().to_path_buf();
    let mut state = State {
        engagement: &engagement,
        dir: dir.clone(),
        origin: origin.clone(),
        loaded: None,
        book: None,
        findings_json: None,
        sample_risk: None,
        claim_findings: Vec::new(),
        summary: RunSummary::default(),
        inputs: Vec::new(),
        quiet,
        staging: staging.clone(),
        written: Vec::new(),
        current: "",
    };
    let result = sha256_file_in(&dir, Path::new(crate::run::engagement::FILE)).and_then(|toml| {
        state.inputs.push(toml);
        // The built-in data in force (`builtin:<name>` + SHA-256): a run is reproduced by
        // the same inputs and the same built-in data, whichever binary holds it.
        let scoring = engagement.scoring.is_some();
        state.inputs.extend(
            crate::model::builtin::consulted(scoring)
                .iter()
                .map(|b| b.input()),
        );
        run_steps(&mut state)
    });
    // On an error the claim's staging directory goes with it; the previous result stays.
    let timings = result?;
    let mut outputs = Vec::new();
    for (name, _) in &state.written {
        let info = sha256_file(&staging.join(name))?;
        outputs.push(OutputFile {
            file: name.clone(),
            sha256: info.sha256,
            bytes: info.bytes,
        });
    }
    let kept = claim.plan_kept()?;
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
        kept: &kept,
        summary: &state.summary,
    };
    let json = serde_json::to_vec_pretty(&manifest)?;
    // run.json last: its presence marks the staged result complete.
    std::fs::write(staging.join("run.json"), json)
        .with_context(|| format!("无法写入 {}", staging.join("run.json").display()))?;
    let mut names: Vec<String> = state.written.iter().map(|(n, _)| n.clone()).collect();
    names.push("run.json".into());
    let mut notes = claim.notes.clone();
    notes.extend(claim.publish(&kept)?);
    Ok(RunOutcome {
        out,
        outputs: names,
        kept,
        notes,
        timings: timings.iter().map(|(s, t)| (s.title, *t)).collect(),
        loaded: state.loaded.take(),
        book: state.book.take(),
        summary: state.summary,
    })
}

/// Stop before loading when the workbook of the result about to be replaced holds the
/// auditor's entries: they would be set aside in a renamed copy, and the new workbook would
/// start blank. Entries review.toml already holds (taken in by `reeval review`, or carried
/// into the workbook by the last run) do not stop it.
fn refuse_unimported_entries(
    claim: &publish::Claim,
    dir: &Path,
    e: &Engagement,
    layout: &crate::workbook::layout::WorkbookLayout,
) -> Result<()> {
    let path = claim
        .out()
        .join(crate::workbook::file_name(&e.engagement.id));
    if !path.is_file() {
        return Ok(());
    }
    let review = crate::review::file::ReviewFile::load_in(dir)?;
    let found = crate::workbook::entries::unimported(&path, layout, review.as_ref()).with_context(
        || {
            format!(
            "无法读取上次结果中的底稿 {}，无法确认其中是否有审计人员填写的内容；为免丢失，未运行。\
             确认不需要时，加 --discard-entries 重新运行（原底稿会改名保留）",
            path.display()
        )
        },
    )?;
    if found.is_empty() {
        return Ok(());
    }
    // Entries review.toml holds with other values: the two disagree (one of them was edited
    // since the last `reeval review`) — said so, entry by entry, not as entries not taken in.
    if let Some(msg) = crate::workbook::entries::disagreement(&path, &found, "未运行") {
        anyhow::bail!(msg);
    }
    let n: usize = found.iter().map(|s| s.cells).sum();
    anyhow::bail!(
        "底稿 {} 中有尚未导入 review.toml 的审计人员填写内容 {n} 处：{}；本次运行会让新底稿中这些内容丢失，因此未运行（什么也没有改动）。\
         请先用 reeval review 导入这些核实结果；确认不需要时，加 --discard-entries 重新运行（原底稿会改名保留在结果目录中）",
        path.display(),
        crate::workbook::entries::describe(&found)
    )
}

fn run_steps(state: &mut State) -> Result<Vec<(&'static Step, f64)>> {
    let sequential = std::env::var_os("REEVAL_SEQUENTIAL").is_some_and(|v| !v.is_empty());
    let mut timings = Vec::new();
    let mut k = 0;
    while k < STEPS.len() {
        let end = if sequential {
            k + 1
        } else {
            group_end(STEPS, k)
        };
        let group = &STEPS[k..end];
        k = end;
        if let [Step {
            run: Run::Alone(run),
            ..
        }] = group
        {
            let step = &group[0];
            state.current = step.id;
            let t = Instant::now();
            run(state).with_context(|| failed(step))?;
            release_freed_memory();
            timings.push((step, t.elapsed().as_secs_f64()));
            continue;
        }
        // Beside steps: computed on threads of their own, committed in STEPS order (the
        // first error in that order is the run's, as when they run one after another).
        let computed = beside(group, state);
        for (step, (result, seconds)) in group.iter().zip(computed) {
            state.current = step.id;
            let t = Instant::now();
            let commit = result.with_context(|| failed(step))?;
            commit(state).with_context(|| failed(step))?;
            timings.push((step, seconds + t.elapsed().as_secs_f64()));
        }
        release_freed_memory();
    }
    Ok(timings)
}

fn failed(step: &Step) -> String {
    format!("步骤「{}」（{}）失败", step.title, step.id)
}

/// The end of the group of steps that starts at `k`: consecutive [`Run::Beside`] steps none
/// of which needs another of the group; an [`Run::Alone`] step is a group of its own.
fn group_end(steps: &[Step], k: usize) -> usize {
    let mut end = k + 1;
    if !matches!(steps[k].run, Run::Beside(_)) {
        return end;
    }
    while let Some(next) = steps.get(end) {
        let independent = matches!(next.run, Run::Beside(_))
            && !steps[k..end].iter().any(|s| next.needs.contains(&s.id));
        if !independent {
            break;
        }
        end += 1;
    }
    end
}

/// Compute a group of [`Run::Beside`] steps side by side: the first on this thread, the
/// others on threads of their own. Each with its own seconds.
fn beside(group: &[Step], state: &State) -> Vec<(Result<Commit>, f64)> {
    let timed = |step: &Step| {
        let t = Instant::now();
        let result = match step.run {
            Run::Beside(run) => run(state),
            Run::Alone(_) => Err(anyhow::anyhow!(
                "内部错误：步骤 {} 不能与其他步骤同时运行",
                step.id
            )),
        };
        (result, t.elapsed().as_secs_f64())
    };
    std::thread::scope(|s| {
        let others: Vec<_> = group[1..]
            .iter()
            .map(|step| s.spawn(move || timed(step)))
            .collect();
        let mut out = vec![timed(&group[0])];
        for h in others {
            out.push(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        out
    })
}

/// Give the memory a step freed back to the OS, so that it does not sit under the next
/// step's own peak: the load's row structs and texts (several hundred MB at a million lines,
/// freed as the frame was built), a step's intermediate tables. glibc returns only the top
/// of its heap by itself. Where the allocator has no such call this does nothing.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only hands free pages of the allocator's arenas back to the OS.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// CSV for Excel and WPS on Windows: UTF-8 with a byte-order mark, CRLF line ends, and every
/// field that a spreadsheet would run as a formula neutralised ([`csv_safe`]).
pub fn csv_with_bom(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut buf = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        w.write_record(header.iter().map(|h| csv_safe(h).into_owned()))?;
        for r in rows {
            w.write_record(r.iter().map(|f| csv_safe(f).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(buf)
}

/// A CSV field as text a spreadsheet shows, never a formula it runs (CSV injection): text
/// from the audited party (摘要, 往来单位, asset names) that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`, as OWASP advises. Plain numbers (`-1,234.50`,
/// `+3`, `-12%`) are left as they are.
pub fn csv_safe(field: &str) -> std::borrow::Cow<'_, str> {
    let risky = matches!(
        field.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    );
    if risky && !plain_number(field) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

/// `[+-]digits[,digits…][.digits][%]`: a number a spreadsheet reads as a number.
fn plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let body = body.strip_suffix('%').unwrap_or(body);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let int_ok = !int.is_empty()
        && int.split(',').enumerate().all(|(k, g)| {
            !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()) && (k == 0 || g.len() == 3)
        });
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    int_ok && frac_ok
}

/// Put one regenerated output (`reeval workbook`, `reeval report`) into an existing result
/// folder and record it in run.json: a file there that is not the one run.json lists (edited
/// since) is set aside under a new name, never written over; one with the same bytes is left
/// alone. Returns where an edited file was set aside.
pub fn replace_output(
    results: &Path,
    name: &str,
    bytes: &[u8],
    manifest: &ManifestRecord,
) -> Result<Option<PathBuf>> {
    let target = results.join(name);
    let mut set_aside = None;
    if target.exists() {
        let same = std::fs::read(&target).ok().as_deref() == Some(bytes);
        if same {
            return Ok(None);
        }
        let sha = crate::model::provenance::sha256_file(&target)?.sha256;
        let ours = manifest
            .outputs
            .iter()
            .any(|o| o.file == name && o.sha256 == sha);
        if !ours {
            let aside = publish::set_aside_path(results, name)?;
            std::fs::rename(&target, &aside)
                .with_context(|| format!("无法把 {} 改名保留", target.display()))?;
            set_aside = Some(aside);
        }
    }
    let tmp = results.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, &target).with_context(|| format!("无法写入 {}", target.display()))?;
    // run.json lists the new workbook with its SHA-256, so the next run knows it as its own.
    let manifest_path = results.join(RUN_OUTPUT.manifest);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path)?)?;
    let info = crate::model::provenance::sha256_file(&target)?;
    let entry = serde_json::json!({ "file": name, "sha256": info.sha256, "bytes": info.bytes });
    if let Some(outs) = v.get_mut("outputs").and_then(|o| o.as_array_mut()) {
        match outs
            .iter_mut()
            .find(|o| o.get("file").and_then(|f| f.as_str()) == Some(name))
        {
            Some(o) => *o = entry,
            None => outs.push(entry),
        }
    }
    let tmp = results.join(format!(".run.json.tmp-{}", std::process::id()));
    std::fs::write(&tmp, serde_json::to_vec_pretty(&v)?)
        .with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, &manifest_path)
        .with_context(|| format!("无法写入 {}", manifest_path.display()))?;
    Ok(set_aside)
}

#[cfg(test)]
mod tests {
    use super::csv_safe;

    #[test]
    fn csv_fields_that_would_run_as_formulas_are_neutralised() {
        for f in [
            "=HYPERLINK(\"http://x\",\"点击\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1",
            "\r=1",
            "-",
            "＝1+1",
            "-1e5",
        ] {
            assert_eq!(csv_safe(f), format!("'{f}"), "{f}");
        }
        for f in [
            "-1,234.50",
            "+3",
            "-12%",
            "1234.5",
            "办公费",
            "2023-03 记-19",
            "",
            "'=already",
        ] {
            assert_eq!(csv_safe(f), f, "{f}");
        }
    }
}
