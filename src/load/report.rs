//! The load report: every input row accounted for, every total reconciled.

use crate::model::money::Fen;
use crate::model::provenance::Provenance;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadReport {
    pub provenance: Provenance,
    pub files: Vec<FileReport>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Summary {
    pub files: usize,
    pub lines_loaded: usize,
    /// Lines of 作废 / 未记账 vouchers: loaded, kept out of analysis.
    pub lines_excluded_status: usize,
    pub opening_balances: usize,
    pub assets_loaded: usize,
    pub rows_rejected: usize,
    pub vouchers: usize,
    pub vouchers_unbalanced: usize,
    pub totals_checked: usize,
    pub totals_mismatched: usize,
    pub debit: Fen,
    pub credit: Fen,
    /// The same voucher found in more than one input file (double export?). They stay
    /// separate vouchers in the analysis, labelled with their file.
    pub vouchers_in_several_files: Vec<String>,
    /// One voucher number used on several dates within a period of one file
    /// (`局机关 2023-01 记-1（2023-01-05、2023-01-20）`): kept as separate vouchers.
    #[serde(default)]
    pub duplicate_voucher_numbers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct FileReport {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    /// `ledger` or `assets`.
    pub kind: String,
    /// Set when an earlier input had the same SHA-256: this one is not loaded again.
    pub duplicate_of: Option<String>,
    pub profile: Option<String>,
    pub entity: Option<String>,
    /// Where the entity came from: 项目文件 (engagement.toml) / 标题行 / 列 / --entity / 文件名.
    pub entity_source: Option<String>,
    /// The unit the file's own title line (or entity column) names, when the engagement
    /// assigns the file to another entity: reported beside it, never used for identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_in_file: Option<String>,
    pub accounting_system: Option<String>,
    /// Text encoding of a CSV/TSV input (UTF-8, UTF-8（带 BOM）, UTF-16, GBK/GB18030).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    pub sheets: Vec<SheetReport>,
    pub rows_read: usize,
    pub rows_loaded: usize,
    pub rows_opening: usize,
    pub rows_skipped: usize,
    pub rows_rejected: usize,
    pub rejections: Vec<Rejection>,
    pub totals_checked: Vec<TotalCheck>,
    pub vouchers: usize,
    pub vouchers_unbalanced: Vec<Unbalanced>,
    /// One number used on several dates within a period: each date's lines are a voucher of
    /// their own (checked for balance on their own); the number is listed here.
    #[serde(default)]
    pub duplicate_voucher_numbers: Vec<DuplicateNumber>,
    /// Amount cells with more than two decimals, rounded to 分 (half away from zero).
    pub amounts_rounded: usize,
    /// Account codes whose first level is not in the 账套's chart.
    pub accounts_not_in_chart: Vec<String>,
    pub warnings: Vec<String>,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SheetReport {
    pub sheet: String,
    /// `None` when the sheet holds no recognisable header (e.g. a 说明 sheet).
    pub header_row: Option<u32>,
    pub header_rows: usize,
    pub rows_read: usize,
    pub rows_loaded: usize,
    pub rows_opening: usize,
    /// Title lines and header rows, including a header repeated on each printed page.
    pub rows_skipped_header: usize,
    pub rows_skipped_total: usize,
    pub rows_skipped_blank: usize,
    pub rows_rejected: usize,
    pub note: Option<String>,
    /// Which source column mapped to which field (`C`, `摘要`, `summary`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnMap>,
    /// Header columns no field of the profile maps: not read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<ColumnMap>,
}

/// One header column: its letter, its header text, and the field it maps to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ColumnMap {
    pub column: String,
    pub header: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ColumnMap {
    /// Columns as the messages show them: `H（备注）、I（附件）`; past [`Self::LISTED`]
    /// columns the rest is counted, not listed (a sheet of 60,000 columns makes no message of
    /// a megabyte; the JSON report keeps every column).
    pub fn list(columns: &[ColumnMap]) -> String {
        let mut s = columns
            .iter()
            .take(Self::LISTED)
            .map(|c| format!("{}（{}）", c.column, c.header))
            .collect::<Vec<_>>()
            .join("、");
        if columns.len() > Self::LISTED {
            s.push_str(&format!(
                " 等 {} 列（另 {} 列见 JSON 报告）",
                columns.len(),
                columns.len() - Self::LISTED
            ));
        }
        s
    }

    /// How many columns a message lists by name.
    pub const LISTED: usize = 30;
}

impl SheetReport {
    /// Record a located header's mapped and ignored columns.
    pub(crate) fn record_columns(
        &mut self,
        sheet: &crate::load::formats::workbook::Sheet,
        hdr: &crate::load::ledger::header::Header,
    ) {
        let by_col: std::collections::BTreeMap<usize, &String> =
            hdr.fields.iter().map(|(f, &c)| (c, f)).collect();
        for (c, name) in hdr.names.iter().enumerate() {
            if name.is_empty() {
                continue;
            }
            let m = ColumnMap {
                column: sheet.column_letter(c),
                header: name.clone(),
                field: by_col.get(&c).map(|f| f.to_string()),
            };
            if m.field.is_some() {
                self.columns.push(m);
            } else {
                self.ignored_columns.push(m);
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rejection {
    pub sheet: String,
    /// 1-based, as the spreadsheet shows it.
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// A total row of the source and what the loaded rows in its scope add up to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TotalCheck {
    pub sheet: String,
    pub row: u32,
    pub label: String,
    /// 凭证 / 小计段 / 本月 / 本年累计 / 全表 / 承前过次 (ledger); 全表 / 小计段 (register).
    pub scope: String,
    pub figures: Vec<TotalFigure>,
    pub matches: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TotalFigure {
    /// debit / credit (ledger); original / accumulated / net (register).
    pub field: String,
    pub stated: Fen,
    pub loaded: Fen,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unbalanced {
    pub voucher: String,
    pub basis: String,
    pub debit: Fen,
    pub credit: Fen,
    pub difference: Fen,
}

/// A voucher number found on more than one date within one period of a file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DuplicateNumber {
    /// `局机关 2023-01 记-1`.
    pub voucher: String,
    /// The dates it was used on, `2023-01-05`, ascending.
    pub dates: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Totals {
    pub debit: Fen,
    pub credit: Fen,
    /// Register only.
    pub original: Option<Fen>,
    pub accumulated: Option<Fen>,
    pub net: Option<Fen>,
}

impl FileReport {
    pub fn reject(&mut self, sheet: &str, row: u32, column: &str, reason: impl Into<String>) {
        self.rows_rejected += 1;
        self.rejections.push(Rejection {
            sheet: sheet.to_string(),
            row,
            column: column.to_string(),
            reason: reason.into(),
        });
    }
}
