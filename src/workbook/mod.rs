//! The evidence workbook (审计底稿): one .xlsx per engagement, `底稿-<id>.xlsx`, written from an
//! engagement's results — the load report, the findings, the samples, the score — and the
//! journal lines of every voucher a finding or a sample names. Sheets, index numbers, titles
//! and columns come from the layout (`data/workbook/layout.toml`); the auditor's columns carry
//! drop-down lists and every row the auditor judges carries its stable key (the finding id, the
//! sampled item's id, the asset number), so the review step can read the judgements back
//! whatever the auditor sorts or filters.
//!
//! The same results give the same bytes: the document's creation time is the engagement's
//! 评价基准日, never the clock. Detail sheets hold only the vouchers a finding or a sample
//! names, and the sheets that grow with the ledger (D2, E1, E2) are written in rust_xlsxwriter's
//! constant-memory mode, row by row.

pub mod entries;
mod evidence;
pub mod layout;
pub(crate) mod sheets;
mod xl;

use crate::check::book::Book;
use crate::check::risk::Risk;
use crate::load::report::LoadReport;
use crate::model::findings::{Finding, ScopeLimit};
use crate::model::provenance::InputFile;
use crate::run::engagement::Engagement;
use crate::sample::document::SampleFile;
use crate::score::document::ScoreRecord;
use anyhow::{Context as _, Result};
use layout::WorkbookLayout;
use polars::prelude::DataFrame;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The workbook's file name in an engagement's output folder.
pub fn file_name(engagement_id: &str) -> String {
    format!("底稿-{engagement_id}.xlsx")
}

/// findings.json as the workbook reads it: the findings, the scope limits, the risk ranking.
#[derive(Debug, Clone, Deserialize)]
pub struct FindingsRecord {
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub scope_limits: Vec<ScopeLimit>,
    #[serde(default)]
    pub risk: Vec<Risk>,
}

/// The result documents a workbook is written from.
pub struct Documents {
    pub load: LoadReport,
    pub findings: FindingsRecord,
    pub samples: Option<SampleFile>,
    pub score: Option<ScoreRecord>,
}

impl Documents {
    /// Read the documents by name (`load.json`, `findings.json`, `sample.json`, `score.json`)
    /// through `get`, which gives a file's bytes or `None` when the result has no such file.
    pub fn read(get: &dyn Fn(&str) -> Result<Option<Vec<u8>>>) -> Result<Documents> {
        fn parse<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T> {
            serde_json::from_slice(bytes)
                .with_context(|| format!("结果文件 {name} 无法读取（不是本版本 reeval 写的？）"))
        }
        let need = |name: &str| -> Result<Vec<u8>> {
            get(name)?.with_context(|| format!("结果中没有 {name}"))
        };
        Ok(Documents {
            load: parse("load.json", &need("load.json")?)?,
            findings: parse("findings.json", &need("findings.json")?)?,
            samples: match get("sample.json")? {
                Some(b) => Some(parse("sample.json", &b)?),
                None => None,
            },
            score: match get("score.json")? {
                Some(b) => Some(parse("score.json", &b)?),
                None => None,
            },
        })
    }
}

/// Everything a workbook is written from.
pub struct Sources<'a> {
    pub engagement: &'a Engagement,
    pub docs: &'a Documents,
    /// Every input with its SHA-256 (as run.json lists them).
    pub inputs: &'a [InputFile],
    pub version: &'a str,
    /// The loaded frames: the journal lines of the vouchers named, the register rows.
    pub lines: &'a DataFrame,
    pub assets: &'a DataFrame,
    /// The benford rule's smallest amount (分), to redraw its first-digit distribution.
    pub benford_min: Option<crate::model::money::Fen>,
    /// The engagement's judgements (review.toml): D2, D3 and 人工问题 show them carried (E1
    /// shows each finding's judgement from findings.json).
    pub review: Option<&'a crate::review::file::ReviewFile>,
    /// The ledger view of `lines` when the caller has one (`reeval run`: the check step's);
    /// built here otherwise. The workbook reads nothing of it that depends on the 经济分类
    /// names it was built with ([`Book::econ_given`]), so either gives the same bytes.
    pub book: Option<&'a Book>,
}

/// What every sheet needs: the layout, the header block's values, the voucher index.
pub struct SheetContext<'a> {
    pub layout: &'a WorkbookLayout,
    pub department: String,
    pub period: String,
    pub preparer: String,
    pub reviewer: String,
    pub firm: String,
    pub src: &'a Sources<'a>,
}

/// Write the workbook; its bytes.
pub fn build(src: &Sources, layout: &WorkbookLayout) -> Result<Vec<u8>> {
    let e = src.engagement;
    let firm = e.firm.as_ref();
    let team: Vec<String> = firm.map(|f| f.team.clone()).unwrap_or_default();
    // The team's first member reviews (项目负责人); the others prepare.
    let cx = SheetContext {
        layout,
        department: e.engagement.department.clone(),
        period: format!("{}年度", e.engagement.year),
        reviewer: team.first().cloned().unwrap_or_default(),
        preparer: team.iter().skip(1).cloned().collect::<Vec<_>>().join("、"),
        firm: firm.map(|f| f.name.clone()).unwrap_or_default(),
        src,
    };
    let own;
    let book = match src.book {
        Some(b) => b,
        None => {
            own = Book::new(src.lines, &BTreeMap::new())?;
            &own
        }
    };
    let as_of = e.as_of()?;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title(&e.engagement.title)
        .set_subject("审计工作底稿")
        .set_author(&cx.firm)
        .set_company(&cx.firm)
        .set_creation_datetime(&xl::excel_date(as_of)?);
    wb.set_properties(&props);
    sheets::write_all(&mut wb, &cx, book)?;
    Ok(wb.save_to_buffer()?)
}
