//! Supporting records (payment detail, 公务卡 holders, 接待台账, 会议台账, 资产盘点表): read
//! with their own mapping profiles, every row loaded or rejected with its place and reason.

use crate::load::formats::workbook::{self, Sheet};
use crate::load::ledger::cell;
use crate::load::ledger::header::norm;
use crate::load::report::{Rejection, SheetReport};
use crate::load::sheets::{self, At, Found, Row, RowOutcome, SheetKind, Tally};
use crate::model::money::Fen;
use crate::model::provenance::{sha256_file_in, InputFile};
use anyhow::{bail, Context, Result};
use calamine::Data;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const BUILTIN: &str = include_str!("../../data/profiles/supporting.toml");
/// The 绩效管理 inputs (绩效目标表, 监控表, 自评表, 年度任务清单, 资料清单), same shape.
const BUILTIN_PERFORMANCE: &str = include_str!("../../data/profiles/performance.toml");

pub const KINDS: &[&str] = &[
    "payments",
    "card-holders",
    "receptions",
    "meetings",
    "inspection",
    "targets",
    "monitoring",
    "self-evaluation",
    "tasks",
    "documents",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindProfile {
    title: String,
    required: Vec<String>,
    columns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    types: BTreeMap<String, String>,
    /// Kinds of one group (the 绩效 tables) may share a workbook, one kind a sheet: a sheet is
    /// this kind's when its name has one of `sheet_words` and no other kind's of the group, or
    /// its header names more of this kind's columns than of any other kind of the group.
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    sheet_words: Vec<String>,
}

/// A typed cell of a supporting record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Money(Fen),
    Int(i64),
    /// A score or weight (`number`): exact decimal.
    Number(rust_decimal::Decimal),
}

#[derive(Debug, Clone)]
pub struct Record {
    pub fields: BTreeMap<String, Value>,
    /// `file.xlsx:sheet:row`
    pub source: String,
}

impl Record {
    pub fn text(&self, f: &str) -> Option<&str> {
        match self.fields.get(f) {
            Some(Value::Text(s)) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
    pub fn date(&self, f: &str) -> Option<NaiveDate> {
        match self.fields.get(f) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }
    pub fn money(&self, f: &str) -> Option<Fen> {
        match self.fields.get(f) {
            Some(Value::Money(m)) => Some(*m),
            _ => None,
        }
    }
    pub fn number(&self, f: &str) -> Option<rust_decimal::Decimal> {
        match self.fields.get(f) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }
    pub fn int(&self, f: &str) -> Option<i64> {
        match self.fields.get(f) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
}

/// What was read from one supporting file, for the check document.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub kind: String,
    pub title: String,
    pub path: String,
    pub sha256: String,
    pub rows_read: usize,
    pub rows_loaded: usize,
    pub rows_skipped: usize,
    pub rows_rejected: usize,
    pub rejections: Vec<Rejection>,
    /// Sheets of the file left to another kind of its group (a workbook holding the 绩效目标表,
    /// 监控表 and 自评表 as sheets): `工作表“自评”（12 行）属于绩效自评表`; their rows are counted
    /// in `rows_read` and `rows_skipped`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_sheets: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SupportingTable {
    pub kind: String,
    /// The rows of every file given for the kind, in the order given (each names its file).
    pub records: Vec<Record>,
    /// The first file's report and provenance …
    pub report: TableReport,
    pub input: InputFile,
    /// … and those of the further files given for the same kind.
    pub more: Vec<(TableReport, InputFile)>,
}

impl SupportingTable {
    /// Every file's report, the first first.
    pub fn reports(&self) -> impl Iterator<Item = &TableReport> {
        std::iter::once(&self.report).chain(self.more.iter().map(|(r, _)| r))
    }
    /// Every file's provenance.
    pub fn inputs(&self) -> impl Iterator<Item = &InputFile> {
        std::iter::once(&self.input).chain(self.more.iter().map(|(_, i)| i))
    }
    /// The files as a finding names them: `a.xlsx、b.xlsx`.
    pub fn paths(&self) -> String {
        self.reports()
            .map(|r| r.path.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// The file or files given for a kind in engagement.toml's `[supporting]`: `targets =
/// "绩效目标表.xlsx"` or `targets = ["部门整体.xlsx", "项目.xlsx"]`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Files {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

impl<'de> Deserialize<'de> for Files {
    /// Either shape; anything else is told in Chinese, not as serde's untagged-enum message.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(PathBuf),
            Many(Vec<PathBuf>),
        }
        match Raw::deserialize(d) {
            Ok(Raw::One(p)) => Ok(Files::One(p)),
            Ok(Raw::Many(v)) => Ok(Files::Many(v)),
            Err(_) => Err(serde::de::Error::custom(
                "[supporting] 的每一项应为路径或路径列表（如 \"a.xlsx\" 或 [\"a.xlsx\", \"b.xlsx\"]），列表中的每一项都须是路径字符串",
            )),
        }
    }
}

impl Files {
    pub fn paths(&self) -> Vec<PathBuf> {
        match self {
            Files::One(p) => vec![p.clone()],
            Files::Many(v) => v.clone(),
        }
    }
    /// As shown to the user: the files joined with 、.
    pub fn display(&self) -> String {
        self.paths()
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Every supporting input given, by kind.
#[derive(Debug, Clone, Default)]
pub struct Supporting {
    pub tables: BTreeMap<String, SupportingTable>,
}

impl Supporting {
    pub fn get(&self, kind: &str) -> Option<&SupportingTable> {
        self.tables.get(kind)
    }
    pub fn title(kind: &str) -> String {
        profiles(None)
            .ok()
            .and_then(|p| p.get(kind).map(|k| k.title.clone()))
            .unwrap_or_else(|| kind.to_string())
    }

    /// Read `KIND=FILE` pairs.
    pub fn load(specs: &[(String, PathBuf)], profile_file: Option<&Path>) -> Result<Supporting> {
        Supporting::load_in(specs, profile_file, Path::new(""))
    }

    /// [`Supporting::load`] with the files relative to `root` (the engagement directory), and
    /// recorded as given.
    pub fn load_in(
        specs: &[(String, PathBuf)],
        profile_file: Option<&Path>,
        root: &Path,
    ) -> Result<Supporting> {
        let profiles = profiles(profile_file)?;
        let mut out = Supporting::default();
        for (kind, path) in specs {
            let Some(p) = profiles.get(kind) else {
                bail!(
                    "不认识的辅助资料类别“{kind}”；可用：{}",
                    profiles.keys().cloned().collect::<Vec<_>>().join("、")
                );
            };
            if specs.iter().filter(|(k, q)| k == kind && q == path).count() > 1 {
                bail!("辅助资料“{kind}”的文件 {} 给出了两次", path.display());
            }
            let rivals: Vec<&KindProfile> = profiles
                .iter()
                .filter(|(k, q)| *k != kind && q.group.is_some() && q.group == p.group)
                .map(|(_, q)| q)
                .collect();
            let t = read_table(kind, p, &rivals, root, path)?;
            // Several files of one kind (部门整体 and 项目 targets apart) are one table.
            match out.tables.get_mut(kind) {
                Some(first) => {
                    // Two paths with the same content are one file given twice (a copy):
                    // its rows would count twice.
                    if let Some(same) = first.reports().find(|r| r.sha256 == t.report.sha256) {
                        bail!(
                            "{}（{kind}）的 {} 与 {} 内容完全相同（SHA-256 一致），是同一文件给出了两次；请只保留其一",
                            p.title,
                            same.path,
                            t.report.path
                        );
                    }
                    first.records.extend(t.records);
                    first.more.push((t.report, t.input));
                }
                None => {
                    out.tables.insert(kind.clone(), t);
                }
            }
        }
        Ok(out)
    }
}

/// `KIND=FILE` as given on the command line.
pub fn parse_spec(s: &str) -> Result<(String, PathBuf), String> {
    let (k, f) = s.split_once('=').ok_or_else(|| {
        format!("辅助资料应写成 类别=文件，如 receptions=接待台账.xlsx，而不是“{s}”")
    })?;
    Ok((k.trim().to_string(), PathBuf::from(f.trim())))
}

fn profiles(extra: Option<&Path>) -> Result<BTreeMap<String, KindProfile>> {
    let mut map: BTreeMap<String, KindProfile> =
        toml::from_str(BUILTIN).context("内置辅助资料映射方案无法解析")?;
    let performance: BTreeMap<String, KindProfile> =
        toml::from_str(BUILTIN_PERFORMANCE).context("内置绩效资料映射方案无法解析")?;
    map.extend(performance);
    if let Some(p) = extra {
        let text = crate::model::provenance::read_input_text(p)
            .with_context(|| format!("无法读取辅助资料映射方案 {}", p.display()))?;
        let more: BTreeMap<String, KindProfile> = toml::from_str(&text)
            .with_context(|| format!("辅助资料映射方案 {} 格式有误", p.display()))?;
        map.extend(more);
    }
    Ok(map)
}

impl Tally for TableReport {
    fn reject(&mut self, sheet: &str, row: u32, column: &str, reason: String) {
        self.rows_rejected += 1;
        self.rejections.push(rej(sheet, row, column, reason));
    }

    fn sheet_skipped(&mut self, _: SheetReport) {}

    fn sheet_read(&mut self, sr: SheetReport) {
        self.rows_loaded += sr.rows_loaded;
        self.rows_skipped += sr.rows_skipped_blank + sr.rows_skipped_total + sr.rows_skipped_header;
    }
}

/// What tells a table's title, footer and total lines from its records: the generic ledger
/// profile's `[title]` (title facts, sign-offs, headings, record-count footers) and `[totals]`
/// (本页合计, 本月合计, 累计, 过次页 …) in data/profiles/generic.toml — the one vocabulary of the
/// print-style lines finance exports put among their rows, shared with the 序时账 loader.
struct LineWords {
    title: BTreeMap<String, Vec<String>>,
    totals: BTreeMap<String, String>,
}

impl LineWords {
    fn builtin() -> Result<LineWords> {
        let profiles = crate::load::ledger::profile::Profiles::load(&[])?;
        let generic = profiles
            .get("generic")
            .context("内置映射方案 generic 缺失")?;
        let mut totals = generic.total_keywords();
        // An opening balance (上年结转) may be a record's own words; only totals are lines.
        totals.retain(|_, scope| scope != "opening");
        Ok(LineWords {
            title: generic.title.clone(),
            totals,
        })
    }

    /// A total line: its first non-empty cell a total word (`合计`, `本页合计`, `2023年1月合计`).
    fn is_total(&self, row: &[Data]) -> bool {
        let first = row.iter().map(cell::text).find(|t| !t.is_empty());
        first.is_some_and(|t| {
            crate::load::ledger::profile::Profile::total_scope(&self.totals, &t).is_some()
        })
    }
}

/// A supporting file's sheets as [`sheets::read`] reads them.
struct Records<'a> {
    profile: &'a KindProfile,
    lines: &'a LineWords,
    /// The other kinds of its group, which may own some sheets of the same workbook.
    rivals: &'a [&'a KindProfile],
    file_label: String,
    records: Vec<Record>,
    /// The most column names seen on a sheet without a header, for the diagnosis.
    found_best: Vec<String>,
}

/// One sheet's table: the sheet, and the column of each field its header names.
struct RecordTable<'s> {
    sheet: &'s Sheet,
    map: BTreeMap<String, usize>,
}

impl<'s> SheetKind<'s> for Records<'_> {
    type Report = TableReport;
    type Table = RecordTable<'s>;

    fn locate(&mut self, at: At<'s, '_, TableReport>) -> Found<RecordTable<'s>> {
        let (p, rows) = (self.profile, at.rows);
        at.report.rows_read += rows.len();
        // A sheet another kind of the group names (工作表“自评表” in a 绩效 workbook) is its.
        let sheet_name = norm(&at.sheet.name);
        let named = |q: &KindProfile| {
            q.sheet_words
                .iter()
                .any(|w| !w.is_empty() && sheet_name.contains(&norm(w)))
        };
        let mine = named(p);
        let theirs = self.rivals.iter().find(|q| named(q));
        if let (false, Some(q)) = (mine, theirs) {
            at.report.rows_skipped += rows.len();
            at.report.other_sheets.push(format!(
                "工作表“{}”（{} 行）属于{}",
                at.sheet.name,
                rows.len(),
                q.title
            ));
            return None;
        }
        // The header: the first of the first 40 rows naming every required field.
        for (r, row) in rows.iter().enumerate().take(40) {
            let names: Vec<String> = row.iter().map(|c| norm(&cell::text(c))).collect();
            let map = header_map(p, &names);
            if p.required.iter().all(|f| map.contains_key(f)) {
                // Unless its name settles it, a header naming more of another kind's
                // columns (实际完成值, 得分 of a 自评表 beside its 三级指标) is that kind's.
                if !(mine && theirs.is_none()) {
                    let better = self
                        .rivals
                        .iter()
                        .map(|q| (q, header_map(q, &names)))
                        .filter(|(q, m)| {
                            q.required.iter().all(|f| m.contains_key(f)) && m.len() > map.len()
                        })
                        .max_by_key(|(_, m)| m.len())
                        .map(|(q, _)| q);
                    if let Some(q) = better {
                        at.report.rows_skipped += rows.len();
                        at.report.other_sheets.push(format!(
                            "工作表“{}”（{} 行）属于{}",
                            at.sheet.name,
                            rows.len(),
                            q.title
                        ));
                        return None;
                    }
                }
                let sheet = at.sheet;
                return Some((r + 1, RecordTable { sheet, map }));
            }
        }
        at.report.rows_skipped += rows.len();
        // No header of this kind: say so when it is another kind's sheet of the group.
        let owner = rows.iter().take(40).find_map(|row| {
            let names: Vec<String> = row.iter().map(|c| norm(&cell::text(c))).collect();
            self.rivals
                .iter()
                .map(|q| (q, header_map(q, &names)))
                .filter(|(q, m)| q.required.iter().all(|f| m.contains_key(f)))
                .max_by_key(|(_, m)| m.len())
                .map(|(q, _)| q)
        });
        if let Some(q) = owner {
            at.report.other_sheets.push(format!(
                "工作表“{}”（{} 行）属于{}",
                at.sheet.name,
                rows.len(),
                q.title
            ));
        }
        let found = crate::load::ledger::header::found_names(rows);
        if found.len() > self.found_best.len() {
            self.found_best = found;
        }
        None
    }

    fn row(&mut self, t: &mut RecordTable<'s>, r: Row<'s>, _: &mut TableReport) -> RowOutcome {
        let cells = r.cells;
        if self.lines.is_total(cells) {
            return RowOutcome::Total;
        }
        match self.record(t, r) {
            // A title or footer line among the rows (a page's repeated title, 制表人：张三,
            // 第 2 页, 共 12 条): no record can be read from it and every cell is a title fact,
            // heading, page marker or record count — skipped, not rejected for its empty fields.
            RowOutcome::Rejected { .. }
                if crate::load::ledger::header::is_title_line(cells, &self.lines.title) =>
            {
                RowOutcome::Header
            }
            outcome => outcome,
        }
    }
}

impl<'s> Records<'_> {
    /// One row as a record of the kind, or why it is not one.
    fn record(&mut self, t: &RecordTable<'s>, r: Row<'s>) -> RowOutcome {
        let (p, sheet, row) = (self.profile, t.sheet, r.cells);
        let mut fields = BTreeMap::new();
        for (field, &ci) in &t.map {
            let c = row.get(ci).unwrap_or(&Data::Empty);
            let col = || format!("{}（{}）", sheet.column_letter(ci), field_label(p, field));
            let v = match p.types.get(field).map(String::as_str) {
                Some("date") => match cell::date(c) {
                    Ok(Some(d)) => Some(Value::Date(d)),
                    Ok(None) => None,
                    Err(e) => return RowOutcome::rejected(col(), e),
                },
                Some("money") => match cell::amount(c) {
                    Ok(_) if cell::is_blank(c) => None,
                    Ok(a) => Some(Value::Money(a.fen)),
                    Err(e) => return RowOutcome::rejected(col(), e),
                },
                Some("number") => match number(c) {
                    Ok(Some(n)) => Some(Value::Number(n)),
                    Ok(None) => None,
                    Err(e) => return RowOutcome::rejected(col(), e),
                },
                Some("int") => match cell::int(c) {
                    Ok(Some(n)) => Some(Value::Int(n)),
                    Ok(None) => None,
                    Err(e) => return RowOutcome::rejected(col(), e),
                },
                _ => {
                    let t = cell::text(c).to_string();
                    (!t.is_empty()).then_some(Value::Text(t))
                }
            };
            if let Some(v) = v {
                fields.insert(field.clone(), v);
            }
        }
        if let Some(missing) = p.required.iter().find(|f| !fields.contains_key(*f)) {
            let ci = t.map[missing];
            return RowOutcome::rejected(
                format!("{}（{}）", sheet.column_letter(ci), field_label(p, missing)),
                "必填项为空",
            );
        }
        self.records.push(Record {
            fields,
            source: crate::load::ledger::model::source_label(
                &self.file_label,
                &sheet.name,
                r.number,
            ),
        });
        RowOutcome::Loaded
    }
}

/// The column of each field of a kind a header row names.
fn header_map(p: &KindProfile, names: &[String]) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (field, syns) in &p.columns {
        if let Some(ci) = names
            .iter()
            .position(|n| syns.iter().any(|s| norm(s) == *n))
        {
            map.insert(field.clone(), ci);
        }
    }
    map
}

fn read_table(
    kind: &str,
    p: &KindProfile,
    rivals: &[&KindProfile],
    root: &Path,
    path: &Path,
) -> Result<SupportingTable> {
    let input = sha256_file_in(root, path)
        .with_context(|| format!("辅助资料 {} 无法读取", path.display()))?;
    let (sheets, _) = workbook::read_any(&root.join(path))?;
    let mut report = TableReport {
        kind: kind.to_string(),
        title: p.title.clone(),
        path: path.display().to_string(),
        sha256: input.sha256.clone(),
        rows_read: 0,
        rows_loaded: 0,
        rows_skipped: 0,
        rows_rejected: 0,
        rejections: Vec::new(),
        other_sheets: Vec::new(),
    };
    let lines = LineWords::builtin()?;
    let mut records = Records {
        profile: p,
        lines: &lines,
        rivals,
        file_label: path.display().to_string(),
        records: Vec::new(),
        found_best: Vec::new(),
    };
    if !sheets::read(&sheets, &mut records, &mut report) {
        let need: Vec<String> = p.required.iter().map(|f| field_label(p, f)).collect();
        bail!(
            "辅助资料 {}（{}）中找不到表头：需要列 {}；{}",
            path.display(),
            p.title,
            need.join("、"),
            diagnose(p, &records.found_best)
        );
    }
    Ok(SupportingTable {
        kind: kind.to_string(),
        records: records.records,
        report,
        input,
        more: Vec::new(),
    })
}

/// The header diagnosis of a supporting record with no usable header: the required columns
/// it lacks, the names found, and for each unknown name the missing column it most resembles
/// (`对方户名称（可能是 收款人）`).
fn diagnose(p: &KindProfile, found: &[String]) -> String {
    let alias: BTreeMap<String, String> = p
        .columns
        .iter()
        .flat_map(|(f, ns)| ns.iter().map(move |n| (norm(n), f.clone())))
        .collect();
    // Each required field, named by its first synonym.
    let labels: Vec<String> = p.required.iter().map(|f| field_label(p, f)).collect();
    let fields: Vec<[&str; 1]> = p.required.iter().map(|f| [f.as_str()]).collect();
    let alts: Vec<[&[&str]; 1]> = fields.iter().map(|f| [f.as_slice()]).collect();
    let req: Vec<(&str, &[&[&str]])> = labels
        .iter()
        .zip(&alts)
        .map(|(l, a)| (l.as_str(), a.as_slice()))
        .collect();
    crate::load::ledger::diagnose::Diagnosis::against(found, &alias, &req).message()
}

/// A score or weight cell: a number, or text such as `10`, `1.5分`, `10%`, `2,000` (a blank is
/// none).
fn number(c: &Data) -> Result<Option<rust_decimal::Decimal>, String> {
    use std::str::FromStr;
    let t = match c {
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        _ => cell::text(c).to_string(),
    };
    let t: String = t
        .trim()
        .trim_end_matches(['分', '%', '％'])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    rust_decimal::Decimal::from_str(&t)
        .map(|d| Some(d.normalize()))
        .map_err(|_| format!("“{}”不是数字", crate::errors::excerpt(&cell::text(c))))
}

fn field_label(p: &KindProfile, field: &str) -> String {
    p.columns
        .get(field)
        .and_then(|s| s.first())
        .cloned()
        .unwrap_or_else(|| field.to_string())
}

fn rej(sheet: &str, row: u32, column: &str, reason: String) -> Rejection {
    Rejection {
        sheet: sheet.to_string(),
        row,
        column: column.to_string(),
        reason,
    }
}
