//! The report draft (绩效评价报告): `报告-<id>.md` and `报告-<id>.docx` from the engagement's own
//! results, following the sections of the 寻甸 report (seed 002).
//!
//! How it is made: [`context`] turns the engagement, the findings, the score and the scoring
//! inputs into the template's variables (amounts already in report style, vouchers cited as
//! the report cites them, provisions with the text in force on the voucher date); minijinja
//! renders `templates/report.md.j2` (a firm's copy from `[report] templates` replaces it file by
//! file) into a small markup that [`doc::parse`] turns into a structured document; personal
//! data is masked; [`check`] verifies the document against the findings; then the two writers
//! ([`markdown`], [`docx`]) write it. Any error — a template's syntax or unknown variable (named
//! with its file and line), a failed check — stops before anything is written.
//!
//! Draft or final: while any 疑点 awaits verification (待核实 or 待定) the report is a 征求意见稿:
//! 确认 findings appear as problems, the unsettled ones too, marked 【待核实】, and 排除 ones
//! nowhere. Once every 疑点 is 确认 or 排除 the report is final and holds exactly the 确认 ones —
//! a partly reviewed engagement never gets a report that reads as final while problems are
//! silently left out. 提示 and 分析性程序 are never problems.

pub mod chart;
pub mod context;
pub mod doc;
pub mod docx;
pub mod markdown;
pub mod mask;

use crate::model::findings::{Finding, Kind, Status};
use crate::model::provenance::InputFile;
use crate::run::engagement::Engagement;
use crate::score::document::ScoreRecord;
use crate::score::inputs::ScoringInputs;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The built-in templates (embedded; also listed in model/builtin.rs).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("report.md.j2", include_str!("../../templates/report.md.j2")),
    (
        "problems.md.j2",
        include_str!("../../templates/problems.md.j2"),
    ),
    (
        "appendix.md.j2",
        include_str!("../../templates/appendix.md.j2"),
    ),
];
pub const MAIN: &str = "report.md.j2";
const SETTINGS: &str = include_str!("../../data/report.toml");

pub fn file_names(id: &str) -> [String; 3] {
    [
        format!("报告-{id}.docx"),
        format!("报告-{id}.md"),
        format!("报告-{id}-图1.png"),
    ]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub banner: String,
    pub pending: String,
    /// An empty quoted value in a finding's facts (实际完成值“”) is printed as this.
    pub empty_value: String,
    /// After the provisions named but not quoted (their text unverified).
    pub unverified: String,
    /// A problem whose findings cite no provision.
    pub no_provision: String,
}

/// How a problem lists its findings (`[problems]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemTexts {
    /// At most this many findings listed (“如：…”); more are counted in `more`.
    pub examples: usize,
    /// `{count}`, `{rest}`.
    pub more: String,
    /// A list inside a fact longer than this is cut to this many entries and `list_more`.
    pub list_items: usize,
    /// `{count}`.
    pub list_more: String,
}

/// Where a finding's evidence comes from, in the report's words (`[sources]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceNames {
    /// `{sources}显示：`.
    pub lead_in: String,
    /// The lead-in of a finding with no evidence.
    pub unsourced: String,
    pub ledger: String,
    pub assets: String,
    pub inspection: String,
    /// A supporting file whose kind `kinds` does not name.
    pub supporting: String,
    /// Supporting kind (engagement.toml [supporting]) → name.
    #[serde(default)]
    pub kinds: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    pub title: String,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartFonts {
    pub fonts: Vec<String>,
}

/// data/report.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub docx: docx::Fonts,
    pub chart: ChartFonts,
    pub masking: mask::MaskRules,
    pub texts: Texts,
    pub problems: ProblemTexts,
    pub sources: SourceNames,
    #[serde(default)]
    pub general: Vec<General>,
}

impl Settings {
    pub fn builtin() -> Result<Settings> {
        toml::from_str(SETTINGS).context("内置 data/report.toml 有误")
    }
}

/// Everything a report is drawn from.
pub struct Sources<'a> {
    pub engagement: &'a Engagement,
    /// The engagement directory (the firm's template directory is relative to it).
    pub dir: &'a Path,
    pub findings: &'a [Finding],
    pub score: Option<&'a ScoreRecord>,
    pub inputs: Option<&'a ScoringInputs>,
    /// The vouchers in the books, `(entity, "2023-03 记-19")`; `None`: not checked.
    pub vouchers: Option<&'a BTreeSet<(String, String)>>,
    pub settings: &'a Settings,
    /// Draw the chart (false in tests that compare bytes across machines without the font).
    pub chart: bool,
}

pub struct Report {
    pub markdown: String,
    pub docx: Vec<u8>,
    pub chart: Option<Vec<u8>>,
    pub warnings: Vec<String>,
    /// The firm's template files read (with SHA-256), for run.json's inputs.
    pub template_inputs: Vec<InputFile>,
    pub draft: bool,
    pub problems: usize,
}

/// Whether a finding is reported, and how: `Some(pending)` when it appears (`pending`: marked
/// 【待核实】, only in a draft).
pub fn reported(f: &Finding, draft: bool) -> Option<bool> {
    if f.kind != Kind::Issue {
        return None;
    }
    match f.status {
        Status::Confirmed => Some(false),
        Status::Excluded => None,
        s if s.is_pending() => draft.then_some(true),
        _ => None,
    }
}

/// A draft (征求意见稿) while any 疑点 still awaits verification (待核实 or 待定).
pub fn is_draft(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.kind == Kind::Issue && f.status.is_pending())
}

struct Templates {
    /// name → (source, display path for messages).
    files: BTreeMap<String, (String, String)>,
    inputs: Vec<InputFile>,
}

fn templates(e: &Engagement, dir: &Path) -> Result<Templates> {
    let mut files: BTreeMap<String, (String, String)> = TEMPLATES
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                (t.to_string(), format!("内置模板 templates/{n}")),
            )
        })
        .collect();
    let mut inputs = Vec::new();
    if let Some(own) = e.report.as_ref().and_then(|r| r.templates.as_ref()) {
        let path: PathBuf = dir.join(own);
        if !path.is_dir() {
            bail!(
                "engagement.toml [report] templates：找不到模板目录 {}",
                path.display()
            );
        }
        for name in TEMPLATES.iter().map(|(n, _)| *n) {
            let p = path.join(name);
            if p.is_file() {
                let text = crate::model::provenance::read_input_text(&p)
                    .with_context(|| format!("无法读取报告模板 {}", p.display()))?;
                inputs.push(crate::model::provenance::sha256_file_in(
                    dir,
                    &own.join(name),
                )?);
                files.insert(name.to_string(), (text, p.display().to_string()));
            }
        }
    }
    Ok(Templates { files, inputs })
}

/// Render the main template with `ctx`. Errors name the template file and line.
pub fn render(
    files: &BTreeMap<String, (String, String)>,
    ctx: &serde_json::Value,
) -> Result<String> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    context::filters(&mut env);
    let inputs: BTreeMap<String, String> = ctx
        .get("inputs")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    env.add_function("input", move |key: String| -> String {
        inputs
            .get(&key)
            .cloned()
            .unwrap_or_else(|| format!("【待补充：{key}】"))
    });
    let display = |name: Option<&str>| -> String {
        name.and_then(|n| files.get(n))
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| name.unwrap_or(MAIN).to_string())
    };
    let describe = |e: &minijinja::Error| -> String {
        let mut detail = e.detail().map(str::to_string).unwrap_or_default();
        if detail.is_empty() {
            detail = e.kind().to_string();
        }
        let what = match e.kind() {
            minijinja::ErrorKind::UndefinedError => format!("未定义的变量或属性（{detail}）"),
            minijinja::ErrorKind::SyntaxError => format!("语法错误（{detail}）"),
            _ => detail,
        };
        // The line itself, so an unknown variable can be seen (minijinja does not name it).
        let text = e
            .name()
            .and_then(|n| files.get(n))
            .zip(e.line())
            .and_then(|((src, _), l)| src.lines().nth(l.saturating_sub(1)))
            .map(|t| format!("「{}」", crate::errors::excerpt(t.trim())))
            .unwrap_or_default();
        match e.line() {
            Some(l) => format!("报告模板 {} 第 {l} 行{text}：{what}", display(e.name())),
            None => format!("报告模板 {}：{what}", display(e.name())),
        }
    };
    for (name, (src, _)) in files {
        env.add_template_owned(name.clone(), src.clone())
            .map_err(|e| anyhow::anyhow!(describe(&e)))?;
    }
    let t = env
        .get_template(MAIN)
        .map_err(|e| anyhow::anyhow!(describe(&e)))?;
    t.render(ctx).map_err(|e| {
        // The innermost error names the included template where the fault is.
        let mut inner: &minijinja::Error = &e;
        while let Some(src) =
            std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
        {
            inner = src;
        }
        anyhow::anyhow!(describe(if inner.line().is_some() { inner } else { &e }))
    })
}

pub fn build(s: &Sources) -> Result<Report> {
    let draft = is_draft(s.findings);
    let settings = s.settings;
    let mut warnings = Vec::new();
    let tpl = templates(s.engagement, s.dir)?;
    let ctx = context::build(s, draft)?;
    let rendered = render(&tpl.files, &ctx.value)?;
    // Nothing the template engine left behind (a variable written as text).
    for (no, line) in rendered.lines().enumerate() {
        for m in ["{{", "}}", "{%", "%}", "{#", "#}"] {
            if line.contains(m) {
                bail!(
                    "报告渲染结果第 {} 行仍有未渲染的模板标记“{m}”：{}",
                    no + 1,
                    crate::errors::excerpt(line)
                );
            }
        }
    }
    let masking = s
        .engagement
        .report
        .as_ref()
        .and_then(|r| r.mask)
        .unwrap_or(true);
    let text = if masking {
        let shown: Vec<&Finding> = s
            .findings
            .iter()
            .filter(|f| reported(f, draft).is_some())
            .collect();
        let persons = settings.masking.persons(&shown);
        mask::mask(&rendered, &persons, settings.masking.min_digits)
    } else {
        rendered
    };
    let document = doc::parse(&text, MAIN)?;
    check::check(&document, &ctx, s)?;
    let chart = if s.chart && ctx.chart_bars.len() > 1 {
        match chart::find_font(&settings.chart.fonts) {
            Some(font) => Some(chart::draw(
                &ctx.chart_title,
                &ctx.chart_bars,
                ["满分", "评价得分", "自评得分"],
                font,
            )?),
            None => {
                warnings.push(format!(
                    "未找到中文字体（data/report.toml [chart] fonts 列出的 {} 个均不存在），报告中不含评分图；安装 fonts-noto-cjk 后重新生成即可",
                    settings.chart.fonts.len()
                ));
                None
            }
        }
    } else {
        None
    };
    let [_, _, png_name] = file_names(&s.engagement.engagement.id);
    let markdown = markdown::write(&document, chart.as_ref().map(|_| png_name.as_str()));
    let docx = docx::write(
        &document,
        &settings.docx,
        chart.as_ref().map(|c| docx::Picture {
            png: &c.bytes,
            width: c.width,
            height: c.height,
        }),
    )?;
    Ok(Report {
        markdown,
        docx,
        chart: chart.map(|c| c.bytes),
        warnings,
        template_inputs: tpl.inputs,
        draft,
        problems: ctx.problem_count,
    })
}

pub mod check;
