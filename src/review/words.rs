//! What the auditor's words do (`data/review.toml`): the conclusions and their statuses, the
//! department's responses, the inspected asset states that are findings, the manual findings'
//! rule and numbering, the 取证单 numbering.

use crate::model::findings::Status;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const BUILTIN: &str = include_str!("../../data/review.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub version: u32,
    pub conclusions: Conclusions,
    pub response: Response,
    pub asset_states: Vec<AssetState>,
    pub manual: Manual,
    pub evidence: EvidenceWords,
    /// How a confirmed finding's facts drop their pending wording; an engagement's file
    /// without it takes the built-in one.
    #[serde(default)]
    pub confirmed: Option<ConfirmedWords>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmedWords {
    /// Words that say a fact awaits verification (待核实 …).
    pub pending: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Conclusions {
    pub needs_note: Vec<String>,
    /// Word → status word (确认/排除/待定).
    #[serde(flatten)]
    pub map: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub words: Vec<String>,
    pub needs_note: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetState {
    pub state: String,
    pub title: String,
    pub category: String,
    /// `original` or `net`.
    pub amount: String,
    pub citations: Vec<String>,
    pub recommendation: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manual {
    pub rule: String,
    pub prefix: String,
    pub status: String,
    pub allowed_status: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceWords {
    pub prefix: String,
}

fn status_of(word: &str) -> Option<Status> {
    match word {
        "确认" => Some(Status::Confirmed),
        "排除" => Some(Status::Excluded),
        "待定" => Some(Status::Undecided),
        "待核实" => Some(Status::Pending),
        _ => None,
    }
}

impl Words {
    pub fn builtin() -> Result<Words> {
        let w: Words = toml::from_str(BUILTIN).context("内置 data/review.toml 有误")?;
        w.validate().context("内置 data/review.toml 有误")?;
        Ok(w)
    }

    /// The engagement's words (`[workbook] review = "file"`, same shape as
    /// data/review.toml), else the built-in ones; the file's record for run.json.
    pub fn for_engagement(
        e: &crate::run::engagement::Engagement,
        dir: &std::path::Path,
    ) -> Result<(Words, Option<crate::model::provenance::InputFile>)> {
        let Some(p) = e.workbook.as_ref().and_then(|w| w.review.as_ref()) else {
            return Ok((Words::builtin()?, None));
        };
        let path = dir.join(p);
        let text = crate::model::provenance::read_input_text(&path)
            .with_context(|| format!("无法读取核实结论用语文件 {}", path.display()))?;
        let mut w: Words = toml::from_str(&text)
            .with_context(|| format!("核实结论用语文件 {} 格式有误", path.display()))?;
        if w.confirmed.is_none() {
            w.confirmed = Words::builtin()?.confirmed;
        }
        w.validate()
            .with_context(|| format!("核实结论用语文件 {}", path.display()))?;
        let info = crate::model::provenance::sha256_file_in(dir, p)?;
        Ok((w, Some(info)))
    }

    fn validate(&self) -> Result<()> {
        for (word, status) in &self.conclusions.map {
            if status_of(status).is_none() {
                bail!("核实结论“{word}”对应的状态“{status}”应为 确认、排除、待定 之一");
            }
        }
        for s in &self.asset_states {
            if s.amount != "original" && s.amount != "net" {
                bail!("实盘状态“{}”的 amount 应为 original 或 net", s.state);
            }
            if !crate::model::categories::is_known(&s.category)? {
                bail!("实盘状态“{}”的类别“{}”不在类别目录中", s.state, s.category);
            }
        }
        for w in self
            .manual
            .allowed_status
            .iter()
            .chain([&self.manual.status])
        {
            if status_of(w).is_none() {
                bail!("人工问题的状态“{w}”应为 确认、待定 之一");
            }
        }
        Ok(())
    }

    /// The status a conclusion word gives (`None`: no conclusion, or a word not listed).
    pub fn status(&self, conclusion: &str) -> Option<Status> {
        self.conclusions
            .map
            .get(conclusion)
            .and_then(|s| status_of(s))
    }

    pub fn manual_status(&self, conclusion: &str) -> Status {
        let w = if conclusion.is_empty() {
            self.manual.status.as_str()
        } else {
            conclusion
        };
        status_of(w).unwrap_or(Status::Confirmed)
    }

    /// The words that say a fact awaits verification.
    pub fn pending_words(&self) -> &[String] {
        self.confirmed
            .as_ref()
            .map_or(&[], |c| c.pending.as_slice())
    }

    pub fn asset_state(&self, state: &str) -> Option<&AssetState> {
        self.asset_states.iter().find(|s| s.state == state)
    }
}
