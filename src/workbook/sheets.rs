//! The sheets, one function each, written in the layout's order.

use super::layout::SheetLayout;
use super::xl::{self, cell_ref, put_as, Cell, Formats, HEADER_ROW};
use super::SheetContext;
use crate::check::book::Book;
use crate::load::ledger::model::date_from_days;
use crate::model::money::Fen;
use crate::sample::document::{part_name, PlanRecord};
use crate::sample::population::Unit;
use anyhow::Result;
use polars::prelude::*;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Chart, ChartType, Workbook, Worksheet};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Which vouchers the detail sheets show, and where E2 puts each.
struct Vouchers<'b> {
    book: &'b Book,
    /// The references the sheets look up (as [`reference_key`] writes them): only their
    /// vouchers are indexed, not every voucher of the book.
    wanted: HashSet<String>,
    by_key: BTreeMap<String, usize>,
    by_base: BTreeMap<String, Vec<usize>>,
    /// Voucher index (into `book.vouchers`) → what names it (finding ids, plan/item).
    named: BTreeMap<usize, Vec<String>>,
    /// Voucher index → E2 row of its first line.
    e2_row: BTreeMap<usize, u32>,
}

/// A reference as the index keys it: `局机关 2023-03 记-19` (the entity prefixed unless the
/// voucher already starts with it).
fn reference_key(entity: Option<&str>, voucher: &str) -> String {
    match entity {
        Some(e) if !voucher.starts_with(e) => format!("{e} {voucher}"),
        _ => voucher.to_string(),
    }
}

impl<'b> Vouchers<'b> {
    /// The index of the vouchers `refs` (entity, voucher) name: one pass over the book's
    /// vouchers, each voucher's key written into one buffer and kept only when referenced.
    fn new<'r>(book: &'b Book, refs: impl IntoIterator<Item = (Option<&'r str>, &'r str)>) -> Self {
        let wanted: HashSet<String> = refs.into_iter().map(|(e, v)| reference_key(e, v)).collect();
        let mut by_key = BTreeMap::new();
        let mut by_base: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut key = String::new();
        for (i, v) in book.vouchers.iter().enumerate() {
            key.clear();
            key.push_str(&v.entity);
            key.push(' ');
            let base_len = key.len();
            key.push_str(&v.base_label());
            if wanted.contains(key.as_str()) {
                by_base.entry(key.clone()).or_default().push(i);
            }
            // The label is the base label but where a tag tells the voucher apart.
            if v.tag.is_some() {
                key.truncate(base_len);
                key.push_str(&v.label());
            }
            if wanted.contains(key.as_str()) {
                by_key.insert(key.clone(), i);
            }
        }
        Vouchers {
            book,
            wanted,
            by_key,
            by_base,
            named: BTreeMap::new(),
            e2_row: BTreeMap::new(),
        }
    }

    /// The vouchers a reference names: `局机关 2023-03 记-19` (or the voucher and its entity
    /// apart), exactly, else every voucher of that number when the reference has no tag.
    fn find(&self, entity: Option<&str>, voucher: &str) -> Vec<usize> {
        let key = reference_key(entity, voucher);
        if !self.wanted.contains(&key) {
            return self.scan(&key);
        }
        if let Some(&i) = self.by_key.get(&key) {
            return vec![i];
        }
        self.by_base.get(&key).cloned().unwrap_or_default()
    }

    /// [`Vouchers::find`] for a reference the index was not built for: every voucher looked
    /// at (the last with that key, else all with that base key, as the index would give).
    fn scan(&self, key: &str) -> Vec<usize> {
        let full = |v: &crate::check::book::Voucher, label: String| {
            key.strip_prefix(v.entity.as_str())
                .and_then(|k| k.strip_prefix(' '))
                == Some(label.as_str())
        };
        let vouchers = &self.book.vouchers;
        if let Some(i) = (0..vouchers.len())
            .rev()
            .find(|&i| full(&vouchers[i], vouchers[i].label()))
        {
            return vec![i];
        }
        (0..vouchers.len())
            .filter(|&i| full(&vouchers[i], vouchers[i].base_label()))
            .collect()
    }
}

/// Where each of `sources` (`file.xlsx:sheet:row`) is among the book's lines: the voucher of
/// the last line with that source. Only lines whose row ends one of the sources are labelled.
fn vouchers_of_sources(book: &Book, sources: &HashSet<&str>) -> HashMap<String, usize> {
    let rows: HashSet<u32> = sources
        .iter()
        .filter_map(|s| s.rsplit_once(':')?.1.parse().ok())
        .collect();
    let mut out = HashMap::new();
    for (vi, v) in book.vouchers.iter().enumerate() {
        for &r in &v.rows {
            if !book.source_row.get(r).is_some_and(|n| rows.contains(&n)) {
                continue;
            }
            let label = book.source(r);
            if sources.contains(label.as_str()) {
                out.insert(label, vi);
            }
        }
    }
    out
}

/// A sampled line's id is its voucher's and `#line`.
fn voucher_of_item(id: &str, unit: Unit) -> &str {
    match unit {
        Unit::Lines => id.rsplit_once('#').map(|(v, _)| v).unwrap_or(id),
        _ => id,
    }
}

pub fn write_all(wb: &mut Workbook, cx: &SheetContext, book: &Book) -> Result<()> {
    let f = Formats::new();
    let src = cx.src;
    let listed = &src.docs.findings.findings;
    let drawn = sample_plans(cx);
    // Every reference a sheet looks up: the findings' vouchers, the sampled items', the
    // risk ranking's.
    let refs = listed
        .iter()
        .filter_map(|fi| Some((fi.entity.as_deref(), fi.voucher.as_deref()?)))
        .chain(
            drawn
                .iter()
                .filter(|p| p.unit != Unit::Assets)
                .flat_map(|p| {
                    p.selection
                        .items
                        .iter()
                        .map(move |it| (None, voucher_of_item(&it.id, p.unit)))
                }),
        )
        .chain(
            src.docs
                .findings
                .risk
                .iter()
                .map(|x| (Some(x.entity.as_str()), x.voucher.as_str())),
        );
    let mut vs = Vouchers::new(book, refs);
    // A finding about no one voucher (a project without targets …) whose evidence is journal
    // lines: E2 shows those lines' vouchers, found by the lines' sources.
    let mut by_source: Option<HashMap<String, usize>> = None;
    for fi in listed {
        if let Some(v) = &fi.voucher {
            for i in vs.find(fi.entity.as_deref(), v) {
                vs.named.entry(i).or_default().push(fi.id.clone());
            }
        } else if fi.evidence.iter().any(|e| e.account.is_some()) {
            let map = by_source.get_or_insert_with(|| {
                let sources: HashSet<&str> = listed
                    .iter()
                    .filter(|fi| fi.voucher.is_none())
                    .flat_map(|fi| &fi.evidence)
                    .filter(|e| e.account.is_some())
                    .map(|e| e.source.as_str())
                    .collect();
                vouchers_of_sources(book, &sources)
            });
            for e in fi.evidence.iter().filter(|e| e.account.is_some()) {
                if let Some(&i) = map.get(&e.source) {
                    let n = vs.named.entry(i).or_default();
                    if !n.contains(&fi.id) {
                        n.push(fi.id.clone());
                    }
                }
            }
        }
    }
    for p in drawn {
        if p.unit == Unit::Assets {
            continue;
        }
        for it in &p.selection.items {
            for i in vs.find(None, voucher_of_item(&it.id, p.unit)) {
                let tag = format!("样本：{}", p.plan);
                let n = vs.named.entry(i).or_default();
                if !n.contains(&tag) {
                    n.push(tag);
                }
            }
        }
    }
    let mut r = HEADER_ROW + 1;
    for &i in vs.named.keys() {
        vs.e2_row.insert(i, r);
        r += book.vouchers[i].rows.len() as u32;
    }
    let e2_name = cx.layout.sheet("lines").map(|s| s.sheet_name());
    let mut defined: Vec<(String, String)> = Vec::new();
    for sl in &cx.layout.sheets {
        let name = sl.sheet_name();
        let last = match sl.id.as_str() {
            "cover" => {
                let ws = wb.add_worksheet();
                ws.set_name(&name)?;
                cover(ws, cx, &f)?;
                None
            }
            "scope" => Some(normal(wb, sl, cx, &f, |ws| scope(ws, sl, cx, &f))?),
            "load" => Some(normal(wb, sl, cx, &f, |ws| load(ws, sl, cx, &f))?),
            "reconcile" => Some(normal(wb, sl, cx, &f, |ws| reconcile(ws, sl, cx, &f))?),
            "score" => Some(normal(wb, sl, cx, &f, |ws| score(ws, sl, cx, &f))?),
            "plans" => Some(normal(wb, sl, cx, &f, |ws| plans(ws, sl, cx, &f))?),
            "vouchers" => Some(streamed(wb, sl, cx, &f, |ws| {
                sample_vouchers(ws, sl, cx, book, &vs, &f)
            })?),
            "assets" => Some(normal(wb, sl, cx, &f, |ws| sample_assets(ws, sl, cx, &f))?),
            "findings" => Some(streamed(wb, sl, cx, &f, |ws| {
                findings(ws, sl, cx, &vs, e2_name.as_deref(), &f)
            })?),
            "lines" => Some(streamed(wb, sl, cx, &f, |ws| lines(ws, sl, book, &vs, &f))?),
            "analytics" => Some(normal(wb, sl, cx, &f, |ws| {
                analytics(ws, sl, cx, book, &vs, e2_name.as_deref(), &f)
            })?),
            "manual" => Some(normal(wb, sl, cx, &f, |ws| {
                super::evidence::manual(ws, sl, cx, &f)
            })?),
            "evidence" => {
                super::evidence::evidence_sheet(wb, sl, cx, &f)?;
                None
            }
            "confirmation" => {
                super::evidence::confirmation(wb, sl, cx, &f)?;
                None
            }
            "risk" => Some(normal(wb, sl, cx, &f, |ws| {
                risk(ws, sl, cx, &vs, e2_name.as_deref(), &f)
            })?),
            _ => None,
        };
        if let Some(last) = last {
            if !sl.columns.is_empty() {
                let range = format!(
                    "={}!${}${}:${}${}",
                    rust_xlsxwriter::utility::quote_sheet_name(&name),
                    "A",
                    HEADER_ROW + 1,
                    rust_xlsxwriter::utility::column_number_to_name(sl.columns.len() as u16 - 1),
                    last.max(HEADER_ROW + 1)
                );
                defined.push((sl.name.clone(), range));
            }
        }
    }
    for (n, range) in defined {
        // A defined name per table, in Chinese: `表_疑点核实表` (characters a name may not
        // hold, from a layout's own sheet name, become `_`).
        let n: String = n
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '.' || (c as u32) >= 0x2E80 {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        wb.define_name(format!("表_{n}"), &range)?;
    }
    Ok(())
}

/// A sheet written in memory (it may hold charts and formulas written out of row order).
/// `body` writes the table and returns (the row after its table rows, the validated ranges).
fn normal(
    wb: &mut Workbook,
    sl: &SheetLayout,
    cx: &SheetContext,
    f: &Formats,
    body: impl FnOnce(&mut Worksheet) -> Result<(u32, Vec<(u32, u32)>)>,
) -> Result<u32> {
    let ws = wb.add_worksheet();
    ws.set_name(sl.sheet_name())?;
    xl::header_block(ws, sl, cx, f)?;
    xl::column_headers(ws, sl, f)?;
    let (last, validated) = body(ws)?;
    xl::finish(ws, sl, last, cx, &validated)?;
    Ok(last)
}

/// A sheet that grows with the ledger: constant memory, rows written in order.
fn streamed(
    wb: &mut Workbook,
    sl: &SheetLayout,
    cx: &SheetContext,
    f: &Formats,
    body: impl FnOnce(&mut Worksheet) -> Result<(u32, Vec<(u32, u32)>)>,
) -> Result<u32> {
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(sl.sheet_name())?;
    // Widths before any row is written (a constant-memory sheet writes rows as it goes).
    for (i, c) in sl.columns.iter().enumerate() {
        ws.set_column_width(i as u16, c.width)?;
    }
    xl::header_block(ws, sl, cx, f)?;
    xl::column_headers(ws, sl, f)?;
    let (last, validated) = body(ws)?;
    xl::finish(ws, sl, last, cx, &validated)?;
    Ok(last)
}

pub(crate) fn sample_plans<'a>(cx: &'a SheetContext) -> &'a [PlanRecord] {
    cx.src
        .docs
        .samples
        .as_ref()
        .map(|s| s.plans.as_slice())
        .unwrap_or(&[])
}

fn cover(ws: &mut Worksheet, cx: &SheetContext, f: &Formats) -> Result<()> {
    let src = cx.src;
    let e = src.engagement;
    let title = cx
        .layout
        .sheet("cover")
        .map(|s| s.title.clone())
        .unwrap_or_default();
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 44)?;
    ws.set_column_width(2, 70)?;
    ws.set_column_width(3, 14)?;
    ws.write_string_with_format(0, 0, &title, &f.title)?;
    ws.write_string_with_format(1, 0, &e.engagement.title, &f.section)?;
    let firm = e.firm.as_ref();
    let pairs: Vec<(&str, String)> = vec![
        ("被评价单位", e.engagement.department.clone()),
        ("评价年度", format!("{}年度", e.engagement.year)),
        ("评价基准日", e.as_of()?.to_string()),
        ("项目编号", e.engagement.id.clone()),
        ("会计师事务所", cx.firm.clone()),
        (
            "项目组",
            firm.map(|f| f.team.join("、")).unwrap_or_default(),
        ),
        (
            "委托文号",
            firm.and_then(|f| f.engagement_letter.clone())
                .unwrap_or_default(),
        ),
        (
            "编制工具",
            format!("{} {}", env!("CARGO_PKG_NAME"), src.version),
        ),
        ("随机种子", e.sampling.seed.to_string()),
    ];
    let mut r = 3;
    for (k, v) in pairs {
        ws.write_string_with_format(r, 0, k, &f.label)?;
        ws.write_string_with_format(r, 1, &v, &f.value)?;
        r += 1;
    }
    r += 1;
    xl::section(ws, r, "目录", f)?;
    r += 1;
    let mut rows = Vec::new();
    for s in &cx.layout.sheets {
        if s.id == "cover" {
            continue;
        }
        let name = s.sheet_name();
        rows.push(vec![
            Cell::text(&s.index),
            Cell::Link(name.clone(), cell_ref(&name, 0, 0)),
            Cell::text(&s.title),
        ]);
    }
    r = xl::sub_table(ws, r, &["索引号", "工作表", "内容"], &rows, f)? + 1;
    xl::section(ws, r, "输入文件（SHA-256）", f)?;
    r += 1;
    let rows: Vec<Vec<Cell>> = src
        .inputs
        .iter()
        .map(|i| {
            vec![
                Cell::Int(0),
                Cell::text(&i.path),
                Cell::text(&i.sha256),
                Cell::Int(i.bytes as i64),
            ]
        })
        .enumerate()
        .map(|(k, mut v)| {
            v[0] = Cell::Int(k as i64 + 1);
            v
        })
        .collect();
    xl::sub_table(ws, r, &["序号", "文件", "SHA-256", "字节数"], &rows, f)?;
    xl::print_setup(ws, "", cx, 144.0);
    Ok(())
}

pub(crate) type Body = Result<(u32, Vec<(u32, u32)>)>;

fn scope(ws: &mut Worksheet, sl: &SheetLayout, cx: &SheetContext, f: &Formats) -> Body {
    let src = cx.src;
    let mut r = HEADER_ROW + 1;
    for s in &src.docs.findings.scope_limits {
        xl::table_row(
            ws,
            sl,
            r,
            &|id| match id {
                "rule" => Cell::text(&s.rule),
                "extent" => Cell::text(s.extent.as_str()),
                "entity" => Cell::opt(s.entity.as_deref()),
                "reason" => Cell::text(&s.reason),
                _ => Cell::Empty,
            },
            true,
            f,
        )?;
        r += 1;
    }
    let last = r;
    let e = src.engagement;
    r += 1;
    xl::section(ws, r, "项目概况", f)?;
    let firm = e.firm.as_ref();
    let entities: Vec<String> = e
        .entities
        .iter()
        .map(|x| {
            format!(
                "{}（{}）",
                x.name,
                x.ledgers
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })
        .collect();
    let rows = vec![
        vec![Cell::text("项目"), Cell::text(&e.engagement.title)],
        vec![Cell::text("核算单位"), Cell::text(entities.join("；"))],
        vec![
            Cell::text("项目组"),
            Cell::text(firm.map(|f| f.team.join("、")).unwrap_or_default()),
        ],
        vec![Cell::text("评价基准日"), Cell::text(e.as_of()?.to_string())],
    ];
    r = xl::sub_table(ws, r + 1, &["事项", "内容"], &rows, f)? + 1;
    xl::section(ws, r, "辅助资料", f)?;
    let rows: Vec<Vec<Cell>> = crate::load::supporting::KINDS
        .iter()
        .map(|k| {
            let given = e.supporting.get(*k);
            vec![
                Cell::text(crate::load::supporting::Supporting::title(k)),
                Cell::text(if given.is_some() {
                    "已提供"
                } else {
                    "未提供"
                }),
                Cell::text(given.map(|p| p.display().to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    xl::sub_table(ws, r + 1, &["资料", "状态", "文件"], &rows, f)?;
    Ok((last, vec![]))
}

fn load(ws: &mut Worksheet, sl: &SheetLayout, cx: &SheetContext, f: &Formats) -> Body {
    let rep = &cx.src.docs.load;
    let mut r = HEADER_ROW + 1;
    for fr in &rep.files {
        let skipped = fr.rows_skipped;
        xl::table_row(
            ws,
            sl,
            r,
            &|id| match id {
                "file" => Cell::text(&fr.path),
                "kind" => Cell::text(match fr.kind.as_str() {
                    "ledger" => "序时账",
                    "assets" => "资产明细表",
                    "balances" => "科目余额表",
                    other => other,
                }),
                "entity" => Cell::opt(fr.entity.as_deref()),
                "sha256" => Cell::text(&fr.sha256),
                "rows_read" => Cell::Int(fr.rows_read as i64),
                "rows_loaded" => Cell::Int(fr.rows_loaded as i64),
                "rows_opening" => Cell::Int(fr.rows_opening as i64),
                "rows_skipped" => Cell::Int(skipped as i64),
                "rows_rejected" => Cell::Int(fr.rows_rejected as i64),
                "totals_checked" => Cell::Int(fr.totals_checked.len() as i64),
                "totals_mismatched" => {
                    Cell::Int(fr.totals_checked.iter().filter(|t| !t.matches).count() as i64)
                }
                "unbalanced" => Cell::Int(fr.vouchers_unbalanced.len() as i64),
                "debit" => Cell::Money(fr.totals.debit),
                "credit" => Cell::Money(fr.totals.credit),
                _ => Cell::Empty,
            },
            true,
            f,
        )?;
        r += 1;
    }
    let last = r;
    // Totals of the money columns: formulas carrying their value.
    let n = rep.files.len() as u32;
    if n > 0 {
        for (id, v) in [("debit", rep.summary.debit), ("credit", rep.summary.credit)] {
            if let Some(c) = sl.col(id) {
                let letter = rust_xlsxwriter::utility::column_number_to_name(c);
                let sum = Fen::try_sum(rep.files.iter().map(|x| {
                    if id == "debit" {
                        x.totals.debit
                    } else {
                        x.totals.credit
                    }
                }))
                .unwrap_or(v);
                put_as(
                    ws,
                    r,
                    c,
                    &Cell::Formula(
                        format!("=SUM({letter}{}:{letter}{})", HEADER_ROW + 2, r),
                        sum.to_yuan(),
                        true,
                    ),
                    f,
                    true,
                )?;
            }
        }
        ws.write_string_with_format(r, 0, "合计", &f.label)?;
    }
    r += 2;
    let rejections: Vec<Vec<Cell>> = rep
        .files
        .iter()
        .flat_map(|fr| {
            fr.rejections.iter().map(move |x| {
                vec![
                    Cell::text(&fr.path),
                    Cell::text(&x.sheet),
                    Cell::Int(x.row as i64),
                    Cell::text(&x.column),
                    Cell::text(&x.reason),
                ]
            })
        })
        .collect();
    r = xl::titled_table(
        ws,
        r,
        &format!("拒收行（{} 行）", rejections.len()),
        &["文件", "工作表", "行", "列", "原因"],
        &rejections,
        f,
    )? + 1;
    let mismatches: Vec<Vec<Cell>> = rep
        .files
        .iter()
        .flat_map(|fr| {
            fr.totals_checked
                .iter()
                .filter(|t| !t.matches)
                .flat_map(move |t| {
                    t.figures
                        .iter()
                        .filter(|g| g.stated != g.loaded)
                        .map(move |g| {
                            vec![
                                Cell::text(&fr.path),
                                Cell::text(&t.sheet),
                                Cell::Int(t.row as i64),
                                Cell::text(format!("{}（{}）", t.label, t.scope)),
                                Cell::text(&g.field),
                                Cell::Money(g.stated),
                                Cell::Money(g.loaded),
                            ]
                        })
                })
        })
        .collect();
    r = xl::titled_table(
        ws,
        r,
        &format!("合计行核对不符（{} 处）", mismatches.len()),
        &["文件", "工作表", "行", "合计行", "栏目", "表列数", "载入数"],
        &mismatches,
        f,
    )? + 1;
    let unbalanced: Vec<Vec<Cell>> = rep
        .files
        .iter()
        .flat_map(|fr| {
            fr.vouchers_unbalanced.iter().map(move |u| {
                vec![
                    Cell::text(&fr.path),
                    Cell::text(&u.voucher),
                    Cell::text(&u.basis),
                    Cell::Money(u.debit),
                    Cell::Money(u.credit),
                    Cell::Money(u.difference),
                ]
            })
        })
        .collect();
    xl::titled_table(
        ws,
        r,
        &format!("借贷不平凭证（{} 张）", unbalanced.len()),
        &["文件", "凭证", "会计", "借方", "贷方", "差额"],
        &unbalanced,
        f,
    )?;
    Ok((last, vec![]))
}

fn reconcile(ws: &mut Worksheet, sl: &SheetLayout, cx: &SheetContext, f: &Formats) -> Body {
    let mut r = HEADER_ROW + 1;
    let Some(rec) = cx
        .src
        .docs
        .score
        .as_ref()
        .and_then(|s| s.reconciliation.as_ref())
    else {
        xl::section(ws, r, "本项目未评分，无决算数核对", f)?;
        return Ok((r, vec![]));
    };
    let (ci, cl) = (sl.col("input"), sl.col("ledger"));
    for row in &rec.rows {
        // The project count is a count, not money.
        let money = row.key != "projects";
        let num = |d: Option<Decimal>| match (d, money) {
            (None, _) => Cell::Empty,
            (Some(d), true) => Cell::yuan(Some(d)),
            (Some(d), false) => Cell::Dec(d),
        };
        let diff = match (ci, cl, row.difference) {
            (Some(a), Some(b), Some(d)) => {
                let (a, b) = (
                    rust_xlsxwriter::utility::column_number_to_name(a),
                    rust_xlsxwriter::utility::column_number_to_name(b),
                );
                Cell::Formula(format!("={a}{n}-{b}{n}", n = r + 1), d, money)
            }
            _ => num(row.difference),
        };
        xl::table_row(
            ws,
            sl,
            r,
            &|id| match id {
                "key" => Cell::text(&row.key),
                "name" => Cell::text(&row.name),
                "input" => num(row.input),
                "ledger" => num(Some(row.ledger)),
                "difference" => diff.clone(),
                _ => Cell::Empty,
            },
            true,
            f,
        )?;
        r += 1;
    }
    let last = r;
    r += 1;
    let mut rows = Vec::new();
    if let Some(d) = rec.three_public_restated {
        rows.push(vec![
            Cell::text("“三公经费”（加回疑点重分类后）"),
            Cell::yuan(Some(d)),
        ]);
    }
    if let Some(p) = &rec.three_public_control_rate_restated {
        rows.push(vec![
            Cell::text("“三公经费”控制率（重述后，%）"),
            Cell::text(p),
        ]);
    }
    for a in &rec.assumptions {
        rows.push(vec![Cell::text("口径"), Cell::text(a)]);
    }
    xl::titled_table(ws, r, "重述与口径", &["事项", "内容"], &rows, f)?;
    Ok((last, vec![]))
}

fn score(ws: &mut Worksheet, sl: &SheetLayout, cx: &SheetContext, f: &Formats) -> Body {
    let mut r = HEADER_ROW + 1;
    let Some(sc) = cx.src.docs.score.as_ref() else {
        xl::section(ws, r, "本项目未评分（engagement.toml 没有 [scoring]）", f)?;
        return Ok((r, vec![]));
    };
    let rep = &sc.report;
    let all: Vec<&crate::score::score::IndicatorScore> =
        rep.subtotals.iter().chain(rep.indicators.iter()).collect();
    let kids = |parent: Option<&str>| -> Vec<&crate::score::score::IndicatorScore> {
        all.iter()
            .filter(|i| i.parent.as_deref() == parent)
            .copied()
            .collect()
    };
    let score_col = sl.col("score");
    let letter = score_col.map(rust_xlsxwriter::utility::column_number_to_name);
    // Depth first: each node's row, then its children's; a parent's score is the SUM of its
    // children's cells, carrying the report's value.
    let mut rows_of: BTreeMap<String, u32> = BTreeMap::new();
    let mut order: Vec<(&crate::score::score::IndicatorScore, Vec<String>)> = Vec::new();
    fn walk<'a>(
        node: &'a crate::score::score::IndicatorScore,
        kids: &dyn Fn(Option<&str>) -> Vec<&'a crate::score::score::IndicatorScore>,
        out: &mut Vec<(&'a crate::score::score::IndicatorScore, Vec<String>)>,
    ) {
        let ch = kids(Some(&node.id));
        out.push((node, ch.iter().map(|c| c.id.clone()).collect()));
        for c in ch {
            walk(c, kids, out);
        }
    }
    let roots = kids(None);
    for root in &roots {
        walk(root, &kids, &mut order);
    }
    for (k, (node, _)) in order.iter().enumerate() {
        rows_of.insert(node.id.clone(), r + k as u32);
    }
    // The department's own scores: each leaf's as the inputs give it, a parent's the sum of
    // its children's (none when no child has one). Children come after their parent in
    // `order`, so going backwards sees them first.
    let mut self_of: BTreeMap<String, Decimal> = BTreeMap::new();
    for (node, children) in order.iter().rev() {
        let v = if children.is_empty() {
            rep.self_evaluation.by_indicator.get(&node.id).copied()
        } else {
            let given: Vec<Decimal> = children
                .iter()
                .filter_map(|c| self_of.get(c).copied())
                .collect();
            (!given.is_empty()).then(|| given.into_iter().sum())
        };
        if let Some(v) = v {
            self_of.insert(node.id.clone(), v);
        }
    }
    let self_letter = sl
        .col("self")
        .map(rust_xlsxwriter::utility::column_number_to_name);
    for (node, children) in &order {
        // A parent's figure is the SUM of its children's cells in column `l` (carrying the
        // report's value); a leaf's is the value itself.
        let sum_or_value = |l: Option<&String>, v: Option<Decimal>| match (l, v) {
            (_, None) => Cell::Empty,
            (Some(l), Some(v)) if !children.is_empty() => Cell::Formula(
                format!(
                    "=SUM({})",
                    children
                        .iter()
                        .filter_map(|c| rows_of.get(c))
                        .map(|row| format!("{l}{}", row + 1))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                v,
                false,
            ),
            (_, Some(v)) => Cell::Dec(v),
        };
        let score_cell = sum_or_value(letter.as_ref(), node.score);
        let self_cell = sum_or_value(self_letter.as_ref(), self_of.get(&node.id).copied());
        let indent = "　".repeat(node.level.saturating_sub(1) as usize);
        let bold = !children.is_empty();
        for (i, c) in sl.columns.iter().enumerate() {
            let cell = match c.id.as_str() {
                "id" => Cell::text(&node.id),
                "level" => Cell::Int(node.level as i64),
                "name" => Cell::text(format!("{indent}{}", node.name)),
                // The set's name of the kind (score.json `kind_name`), else the built-in one.
                "kind" => Cell::opt(
                    node.kind_name
                        .as_deref()
                        .or(node.kind.as_deref().map(crate::score::set::kind_name)),
                ),
                "max" => Cell::Dec(node.max),
                "value" => Cell::text(
                    node.value
                        .as_ref()
                        .map(|v| format!("{v}{}", node.unit.as_deref().unwrap_or("")))
                        .unwrap_or_default(),
                ),
                "score" => score_cell.clone(),
                "self" => self_cell.clone(),
                "reason" => Cell::text(&node.reason),
                _ => Cell::Empty,
            };
            put_as(ws, r, i as u16, &cell, f, bold)?;
        }
        r += 1;
    }
    let last = r;
    // The total: the SUM of the first-level rows.
    let root_rows: Vec<u32> = roots
        .iter()
        .filter_map(|n| rows_of.get(&n.id))
        .copied()
        .collect();
    let label_col = sl.col("name").unwrap_or(0);
    ws.write_string_with_format(r, label_col, "合计", &f.label)?;
    if let (Some(l), Some(c)) = (&letter, score_col) {
        let formula = format!(
            "=SUM({})",
            root_rows
                .iter()
                .map(|x| format!("{l}{}", x + 1))
                .collect::<Vec<_>>()
                .join(",")
        );
        put_as(
            ws,
            r,
            c,
            &Cell::Formula(formula, rep.total_raw, false),
            f,
            true,
        )?;
        if let Some(m) = sl.col("max") {
            let ml = rust_xlsxwriter::utility::column_number_to_name(m);
            let formula = format!(
                "=SUM({})",
                root_rows
                    .iter()
                    .map(|x| format!("{ml}{}", x + 1))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let v: Decimal = roots.iter().map(|n| n.max).sum();
            put_as(ws, r, m, &Cell::Formula(formula, v, false), f, true)?;
        }
        if let Some(s) = sl.col("self") {
            if let Some(v) = rep.self_evaluation.score {
                put_as(ws, r, s, &Cell::Dec(v), f, true)?;
            }
        }
        let total_row = r;
        r += 1;
        if rep.total != rep.total_raw {
            ws.write_string_with_format(
                r,
                label_col,
                format!("换算得分（适用满分 {}）", rep.max_applicable),
                &f.label,
            )?;
            put_as(
                ws,
                r,
                c,
                &Cell::Formula(
                    format!("=ROUND({l}{}/{}*100,2)", total_row + 1, rep.max_applicable),
                    rep.total,
                    false,
                ),
                f,
                true,
            )?;
            r += 1;
        }
    } else {
        r += 1;
    }
    let provisional = if rep.complete { "" } else { "（暂定）" };
    let se = &rep.self_evaluation;
    let summary = vec![
        vec![Cell::text("得分"), Cell::Dec(rep.total)],
        vec![
            Cell::text("等级"),
            Cell::text(format!("{}{provisional}", rep.grade)),
        ],
        vec![
            Cell::text("部门自评得分"),
            se.score.map(Cell::Dec).unwrap_or(Cell::Empty),
        ],
        vec![Cell::text("自评等级"), Cell::opt(se.grade.as_deref())],
        vec![
            Cell::text("与自评相差"),
            se.difference.map(Cell::Dec).unwrap_or(Cell::Empty),
        ],
    ];
    r += 1;
    r = xl::titled_table(ws, r, "得分与自评", &["项目", "数值"], &summary, f)? + 1;
    // First-level summary for the chart: 满分 and 得分 as references to the tree.
    xl::section(ws, r, "一级指标得分（图表数据）", f)?;
    let head = r + 1;
    // 自评 per first-level indicator when the inputs give the department's own scores.
    let with_self = roots.iter().any(|n| self_of.contains_key(&n.id));
    let mut rows = Vec::new();
    for n in &roots {
        let row = rows_of.get(&n.id).copied().unwrap_or(0) + 1;
        let refer = |col: Option<u16>, v: Option<Decimal>| match (col, v) {
            (Some(c), Some(v)) => Cell::Formula(
                format!(
                    "={}{row}",
                    rust_xlsxwriter::utility::column_number_to_name(c)
                ),
                v,
                false,
            ),
            (_, Some(v)) => Cell::Dec(v),
            _ => Cell::Empty,
        };
        let mut row_cells = vec![
            Cell::text(&n.name),
            refer(sl.col("max"), Some(n.max)),
            refer(score_col, n.score),
        ];
        if with_self {
            row_cells.push(refer(sl.col("self"), self_of.get(&n.id).copied()));
        }
        rows.push(row_cells);
    }
    let mut heads = vec!["一级指标", "满分", "得分"];
    if with_self {
        heads.push("自评");
    }
    let end = xl::sub_table(ws, head, &heads, &rows, f)?;
    if !roots.is_empty() {
        let name = sl.sheet_name();
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("一级指标得分与满分");
        column_series(&mut chart, &name, head, end, 1);
        column_series(&mut chart, &name, head, end, 2);
        if with_self {
            column_series(&mut chart, &name, head, end, 3);
            chart.title().set_name("一级指标得分、满分与自评");
        }
        chart.set_width(640).set_height(320);
        ws.insert_chart(end + 1, 0, &chart)?;
    }
    Ok((last, vec![]))
}

fn plan_parameters(p: &PlanRecord) -> String {
    let s = &p.spec;
    let mut v = vec![format!("方法 {}", s.draw.name())];
    if s.n > 0 {
        v.push(format!("n = {}", s.n));
    }
    if let Some(k) = s.key_above {
        v.push(format!("重点项目 ≥ {} 元", k.grouped()));
    }
    if let Some(k) = s.key_cover {
        v.push(format!("重点项目覆盖 {k}"));
    }
    if !s.risk.is_empty() {
        v.push(format!("风险导向 {} 项", s.risk.len()));
    }
    match &s.strata {
        crate::sample::select::Strata::Class
            if s.draw == crate::sample::select::Draw::Stratified =>
        {
            v.push("按分类分层".into())
        }
        crate::sample::select::Strata::Amount(b) if !b.is_empty() => v.push(format!(
            "按金额分层（{}）",
            b.iter().map(|x| x.grouped()).collect::<Vec<_>>().join("、")
        )),
        _ => {}
    }
    v.join("；")
}

fn plans(ws: &mut Worksheet, sl: &SheetLayout, cx: &SheetContext, f: &Formats) -> Body {
    let mut r = HEADER_ROW + 1;
    let seed = cx.src.docs.samples.as_ref().map(|s| s.seed);
    for p in sample_plans(cx) {
        let sel = &p.selection;
        for part in &sel.parts {
            let details: Vec<String> = part
                .details
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k} = {s}"),
                    other => format!("{k} = {other}"),
                })
                .collect();
            xl::table_row(
                ws,
                sl,
                r,
                &|id| match id {
                    "plan" => Cell::text(&p.plan),
                    "unit" => Cell::text(p.unit.name()),
                    "part" => Cell::text(part_name(&part.part)),
                    "population_count" => Cell::Int(part.population_count as i64),
                    "population_value" => Cell::Money(part.population_value),
                    "selected_count" => Cell::Int(part.selected_count as i64),
                    "selected_value" => Cell::Money(part.selected_value),
                    "parameters" => Cell::text(details.join("；")),
                    "seed" => seed
                        .map(|s| Cell::text(s.to_string()))
                        .unwrap_or(Cell::Empty),
                    _ => Cell::Empty,
                },
                true,
                f,
            )?;
            r += 1;
        }
        let first = r - sel.parts.len() as u32;
        let sum = |col: &str, v: Cell| -> Cell {
            match (sl.col(col), &v) {
                (Some(c), Cell::Money(m)) if !sel.parts.is_empty() => {
                    let l = rust_xlsxwriter::utility::column_number_to_name(c);
                    Cell::Formula(format!("=SUM({l}{}:{l}{r})", first + 1), m.to_yuan(), true)
                }
                _ => v,
            }
        };
        let selected = sum("selected_value", Cell::Money(sel.selected_value));
        let params = plan_parameters(p);
        for (i, c) in sl.columns.iter().enumerate() {
            let cell = match c.id.as_str() {
                "plan" => Cell::text(&p.plan),
                "unit" => Cell::text(p.unit.name()),
                "part" => Cell::text(format!("合计（金额覆盖 {}%）", sel.coverage_percent)),
                "population_count" => Cell::Int(sel.population_count as i64),
                "population_value" => Cell::Money(sel.population_value),
                "selected_count" => Cell::Int(sel.selected_count as i64),
                "selected_value" => selected.clone(),
                "parameters" => Cell::text(&params),
                "seed" => Cell::text(p.spec.seed.to_string()),
                _ => Cell::Empty,
            };
            if !c.auditor {
                put_as(ws, r, i as u16, &cell, f, true)?;
            }
        }
        r += 1;
    }
    let last = r;
    r += 1;
    xl::section(
        ws,
        r,
        "抽样评价（在 D2/D3 录入审定金额后由复核步骤计算；此处留待填列）",
        f,
    )?;
    let rows: Vec<Vec<Cell>> = sample_plans(cx)
        .iter()
        .map(|p| {
            vec![
                Cell::text(&p.plan),
                Cell::Int(p.selection.selected_count as i64),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]
        })
        .collect();
    xl::sub_table(
        ws,
        r + 1,
        &[
            "抽样计划",
            "样本数量",
            "发现偏差/错报数",
            "样本错报金额",
            "推断上限",
            "结论",
        ],
        &rows,
        f,
    )?;
    Ok((last, vec![]))
}

/// A voucher's line as the detail sheets show it.
fn line_cell(book: &Book, i: usize, id: &str) -> Cell {
    match id {
        "line_no" => book
            .line_no
            .get(i)
            .map(|n| Cell::Int(n as i64))
            .unwrap_or(Cell::Empty),
        "date" => book
            .date
            .get(i)
            .and_then(date_from_days)
            .map(Cell::Date)
            .unwrap_or(Cell::Empty),
        "basis" => Cell::opt(book.basis.get(i)),
        "voucher_text" => Cell::opt(book.voucher_text(i)),
        "summary" => Cell::text(book.summary(i)),
        "account" => Cell::text(
            format!("{} {}", book.code(i), book.name(i))
                .trim()
                .to_string(),
        ),
        "debit" => money_or_empty(book.debit(i)),
        "credit" => money_or_empty(book.credit(i)),
        "econ" => {
            let code = book.econ_given(i).map(str::to_string);
            let name = book.econ_name.get(i);
            match (code, name) {
                (Some(c), Some(n)) => Cell::text(format!("{c} {n}")),
                (Some(c), None) => Cell::text(c),
                (None, n) => Cell::opt(n),
            }
        }
        "settlement" => Cell::opt(book.settlement(i)),
        "counterparty" => Cell::opt(book.counterparty(i)),
        "project" => Cell::opt(book.project(i)),
        "source" => Cell::text(book.source(i)),
        _ => Cell::Empty,
    }
}

fn money_or_empty(m: Fen) -> Cell {
    if m.is_zero() {
        Cell::Empty
    } else {
        Cell::Money(m)
    }
}

fn sample_vouchers(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    cx: &SheetContext,
    book: &Book,
    vs: &Vouchers,
    f: &Formats,
) -> Body {
    let mut r = HEADER_ROW + 1;
    let mut validated = Vec::new();
    for p in sample_plans(cx) {
        if p.unit == Unit::Assets {
            continue;
        }
        for it in &p.selection.items {
            let judged = reviewed(cx, crate::review::file::Kind::Sample, &p.plan, &it.id);
            let found = vs.find(None, voucher_of_item(&it.id, p.unit));
            let v = found.first().map(|&i| &book.vouchers[i]);
            let date = v
                .and_then(|v| book.voucher_date(v))
                .map(Cell::Date)
                .unwrap_or(Cell::Empty);
            xl::table_row_styled(
                ws,
                sl,
                r,
                &|id| match id {
                    "plan" => Cell::text(&p.plan),
                    "item" => Cell::text(&it.id),
                    "row_kind" => Cell::text("凭证"),
                    "voucher" => Cell::text(
                        v.map(|v| format!("{} {}", v.entity, v.label()))
                            .unwrap_or_else(|| it.id.clone()),
                    ),
                    "date" => date.clone(),
                    "summary" => Cell::text(&it.label),
                    "debit" => Cell::Money(it.amount),
                    "part" => Cell::text(part_name(&it.part)),
                    "reason" => Cell::text(&it.reason),
                    "source" => Cell::text(&it.source),
                    other => carried(sl, other, judged),
                },
                true,
                true,
                f,
            )?;
            validated.push((r, r + 1));
            r += 1;
            if let Some(v) = v {
                for &i in &v.rows {
                    xl::table_row(
                        ws,
                        sl,
                        r,
                        &|id| match id {
                            "plan" => Cell::text(&p.plan),
                            "item" => Cell::text(&it.id),
                            "row_kind" => Cell::text("分录"),
                            "voucher" => Cell::text(format!("{} {}", v.entity, v.label())),
                            "reason" | "part" => Cell::Empty,
                            other => line_cell(book, i, other),
                        },
                        false,
                        f,
                    )?;
                    r += 1;
                }
            }
        }
    }
    Ok((r, merge_ranges(validated)))
}

/// Adjacent row ranges joined (fewer validation ranges in the file).
fn merge_ranges(mut v: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    v.sort();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if last.1 == a => last.1 = b,
            _ => out.push((a, b)),
        }
    }
    out
}

/// The register rows by the id sampling gives them (the asset number; a number found twice
/// is `NUMBER#k（entity）` from its second row on).
pub(crate) fn asset_rows(df: &DataFrame) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let (Ok(code), Ok(entity)) = (df.column("asset_code"), df.column("entity")) else {
        return out;
    };
    let (Ok(code), Ok(entity)) = (code.str(), entity.str()) else {
        return out;
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..df.height() {
        let mut id = code.get(i).unwrap_or("").to_string();
        let k = seen.entry(id.clone()).or_insert(0);
        *k += 1;
        if *k > 1 {
            id = format!("{id}#{k}（{}）", entity.get(i).unwrap_or(""));
        }
        out.insert(id, i);
    }
    out
}

fn str_at(df: &DataFrame, col: &str, i: usize) -> Option<String> {
    df.column(col).ok()?.str().ok()?.get(i).map(str::to_string)
}

fn fen_at(df: &DataFrame, col: &str, i: usize) -> Cell {
    df.column(col)
        .ok()
        .and_then(|c| c.i64().ok().and_then(|c| c.get(i)))
        .map(|v| Cell::Money(Fen(v)))
        .unwrap_or(Cell::Empty)
}

fn date_at(df: &DataFrame, col: &str, i: usize) -> Cell {
    df.column(col)
        .ok()
        .and_then(|c| c.cast(&DataType::Int32).ok())
        .and_then(|c| c.i32().ok().and_then(|c| c.get(i)))
        .and_then(date_from_days)
        .map(Cell::Date)
        .unwrap_or(Cell::Empty)
}

fn sample_assets(ws: &mut Worksheet, sl: &SheetLayout, cx: &SheetContext, f: &Formats) -> Body {
    let df = cx.src.assets;
    let rows = asset_rows(df);
    let mut r = HEADER_ROW + 1;
    for p in sample_plans(cx) {
        if p.unit != Unit::Assets {
            continue;
        }
        for it in &p.selection.items {
            let judged = reviewed(cx, crate::review::file::Kind::Asset, &p.plan, &it.id);
            let i = rows.get(&it.id).copied();
            let s = |c: &str| i.and_then(|i| str_at(df, c, i));
            xl::table_row(
                ws,
                sl,
                r,
                &|id| match id {
                    "plan" => Cell::text(&p.plan),
                    "item" => Cell::text(&it.id),
                    "name" => Cell::text(s("asset_name").unwrap_or_else(|| it.label.clone())),
                    "category" => Cell::text(
                        [s("category_code"), s("category_name")]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    "acquired" => i.map(|i| date_at(df, "acquired", i)).unwrap_or(Cell::Empty),
                    "original" => i
                        .map(|i| fen_at(df, "original_fen", i))
                        .unwrap_or(Cell::Money(it.amount)),
                    "net" => i.map(|i| fen_at(df, "net_fen", i)).unwrap_or(Cell::Empty),
                    "department" => Cell::opt(s("department").as_deref()),
                    "user" => Cell::opt(s("user").as_deref()),
                    "status" => Cell::opt(s("status").as_deref()),
                    "location" => Cell::opt(s("location").as_deref()),
                    "part" => Cell::text(part_name(&it.part)),
                    "reason" => Cell::text(&it.reason),
                    other => carried(sl, other, judged),
                },
                true,
                f,
            )?;
            r += 1;
        }
    }
    Ok((r, vec![(HEADER_ROW + 1, r)]))
}

/// The review.toml entry of a sampled voucher or asset.
fn reviewed<'a>(
    cx: &'a SheetContext,
    kind: crate::review::file::Kind,
    plan: &str,
    id: &str,
) -> Option<&'a crate::review::file::Entry> {
    cx.src.review.and_then(|r| r.find(kind, plan, id))
}

/// An auditor's column carried from review.toml: a date or an amount as such, else text.
fn carried(sl: &SheetLayout, id: &str, entry: Option<&crate::review::file::Entry>) -> Cell {
    let Some(v) = entry.map(|e| e.get(id)).filter(|v| !v.is_empty()) else {
        return Cell::Empty;
    };
    stored_cell(sl, id, v)
}

/// A value as review.toml stores it, as the cell of its column.
pub(crate) fn stored_cell(sl: &SheetLayout, id: &str, v: &str) -> Cell {
    let Some(c) = sl.columns.iter().find(|c| c.id == id && c.auditor) else {
        return Cell::Empty;
    };
    match c.kind.as_deref() {
        Some("date") => Cell::date_str(Some(v)),
        Some("number") => match crate::model::money::parse_amount(v) {
            Ok(a) => Cell::Money(a.fen),
            Err(_) => Cell::text(v),
        },
        _ => Cell::text(v),
    }
}

/// The most hyperlinks a worksheet may hold (Excel's limit); vouchers beyond it are named
/// as plain text (E2 still holds their lines).
const MAX_LINKS: usize = 65_530;

/// A voucher as a link to its first line in E2, while the sheet's `links` allow one more.
fn voucher_link(
    vs: &Vouchers,
    e2: Option<&str>,
    entity: Option<&str>,
    voucher: &str,
    links: &std::cell::Cell<usize>,
) -> Cell {
    let target = vs
        .find(entity, voucher)
        .first()
        .and_then(|i| vs.e2_row.get(i))
        .copied();
    match (e2, target) {
        (Some(sheet), Some(row)) if links.get() < MAX_LINKS => {
            links.set(links.get() + 1);
            Cell::Link(voucher.to_string(), cell_ref(sheet, row, 0))
        }
        _ => Cell::text(voucher),
    }
}

fn findings(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    cx: &SheetContext,
    vs: &Vouchers,
    e2: Option<&str>,
    f: &Formats,
) -> Body {
    // Each confirmed finding's 取证单, linked from its row.
    let e5 = cx.layout.sheet("evidence").map(|s| s.sheet_name());
    let evidence_rows = super::evidence::block_rows(cx);
    let e5 = e5.as_deref();
    let mut r = HEADER_ROW + 1;
    let links = std::cell::Cell::new(0usize);
    // 分析性程序 results point where to look; they are not 疑点 to verify (E3 lists them).
    for fi in cx
        .src
        .docs
        .findings
        .findings
        .iter()
        .filter(|x| x.kind != crate::model::findings::Kind::Analytical)
    {
        let citations: Vec<String> = fi
            .citations
            .iter()
            .map(|c| {
                let text = if c.text.is_empty() {
                    String::new()
                } else {
                    format!("：{}", c.text)
                };
                format!("{}{}{text}", c.law, c.article)
            })
            .collect();
        let j = fi.judgement.as_ref();
        let voucher = match (&fi.voucher, &fi.asset) {
            (Some(v), _) => voucher_link(vs, e2, fi.entity.as_deref(), v, &links),
            (None, Some(a)) => Cell::text(a),
            _ => Cell::Empty,
        };
        xl::table_row(
            ws,
            sl,
            r,
            &|id| match id {
                "id" => Cell::text(&fi.id),
                "rule" => Cell::text(&fi.rule),
                "category" => Cell::text(&fi.category),
                "kind" => Cell::text(fi.kind.as_str()),
                "entity" => Cell::opt(fi.entity.as_deref()),
                "voucher" => voucher.clone(),
                "date" => Cell::date_str(fi.date.as_deref()),
                "amount" => Cell::yuan(fi.amount),
                "summary" => Cell::text(&fi.summary),
                "explanation" => Cell::text(&fi.explanation),
                "verify" => Cell::text(&fi.verify),
                "citations" => Cell::text(citations.join("\n")),
                "evidence_sheet" => match (j, evidence_rows.get(&fi.id), e5) {
                    (Some(j), Some(&row), Some(sheet)) if !j.evidence_sheet.is_empty() => {
                        Cell::Link(j.evidence_sheet.clone(), cell_ref(sheet, row, 0))
                    }
                    (Some(j), _, _) => Cell::text(&j.evidence_sheet),
                    _ => Cell::Empty,
                },
                other => match j {
                    Some(j) => stored_cell(sl, other, judgement_field(j, other)),
                    None => Cell::Empty,
                },
            },
            true,
            f,
        )?;
        r += 1;
    }
    Ok((r, vec![(HEADER_ROW + 1, r)]))
}

/// A judgement's field by the E1 column id.
fn judgement_field<'a>(j: &'a crate::model::findings::Judgement, id: &str) -> &'a str {
    match id {
        "conclusion" => &j.conclusion,
        "note" => &j.note,
        "verifier" => &j.verifier,
        "verified_on" => &j.verified_on,
        "evidence_no" => &j.evidence_no,
        "reviewer" => &j.reviewer,
        "reviewed_on" => &j.reviewed_on,
        "response" => &j.response,
        "response_note" => &j.response_note,
        _ => "",
    }
}

fn lines(ws: &mut Worksheet, sl: &SheetLayout, book: &Book, vs: &Vouchers, f: &Formats) -> Body {
    let mut r = HEADER_ROW + 1;
    for (&vi, named) in &vs.named {
        let v = &book.vouchers[vi];
        let label = format!("{} {}", v.entity, v.label());
        let by = named.join("；");
        for &i in &v.rows {
            xl::table_row(
                ws,
                sl,
                r,
                &|id| match id {
                    "voucher" => Cell::text(&label),
                    "named_by" => Cell::text(&by),
                    other => line_cell(book, i, other),
                },
                true,
                f,
            )?;
            r += 1;
        }
    }
    Ok((r, vec![]))
}

fn analytics(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    cx: &SheetContext,
    book: &Book,
    vs: &Vouchers,
    e2: Option<&str>,
    f: &Formats,
) -> Body {
    let mut r = HEADER_ROW + 1;
    let links = std::cell::Cell::new(0usize);
    let analytical: Vec<&crate::model::findings::Finding> = cx
        .src
        .docs
        .findings
        .findings
        .iter()
        .filter(|x| {
            x.kind == crate::model::findings::Kind::Analytical
                || sl.analytical_categories.contains(&x.category)
        })
        .collect();
    for fi in &analytical {
        xl::table_row(
            ws,
            sl,
            r,
            &|id| match id {
                "id" => Cell::text(&fi.id),
                "rule" => Cell::text(&fi.title),
                "entity" => Cell::opt(fi.entity.as_deref()),
                "voucher" => fi
                    .voucher
                    .as_deref()
                    .map(|v| voucher_link(vs, e2, fi.entity.as_deref(), v, &links))
                    .unwrap_or(Cell::Empty),
                "amount" => Cell::yuan(fi.amount),
                "explanation" => Cell::text(&fi.explanation),
                _ => Cell::Empty,
            },
            true,
            f,
        )?;
        r += 1;
    }
    let last = r;
    r += 1;
    // First digits of the entities the Benford test ran on, redrawn from the lines with the
    // rule's own population (财务会计 amounts, debit and credit, at least its minimum).
    let entities: Vec<String> = analytical
        .iter()
        .filter(|x| x.rule == "benford")
        .filter_map(|x| x.entity.clone())
        .collect();
    let name = sl.sheet_name();
    for entity in entities {
        let mut counts = [0u64; 10];
        let min = cx.src.benford_min.unwrap_or(Fen(1000));
        for i in 0..book.len() {
            if book.entity.get(i) != Some(entity.as_str()) || book.is_budget(i) {
                continue;
            }
            for a in [book.debit(i), book.credit(i)] {
                let a = a.abs();
                if a.0 == 0 || a < min {
                    continue;
                }
                let mut d = a.0 as u64;
                while d >= 10 {
                    d /= 10;
                }
                counts[d as usize] += 1;
            }
        }
        let n: u64 = counts.iter().sum();
        if n == 0 {
            continue;
        }
        xl::section(ws, r, &format!("{entity}：首位数字分布（{n} 笔）"), f)?;
        let head = r + 1;
        let rows: Vec<Vec<Cell>> = (1..=9)
            .map(|d| {
                let obs = Decimal::from(counts[d]) / Decimal::from(n);
                let exp = Decimal::from_f64_retain((1.0 + 1.0 / d as f64).log10())
                    .unwrap_or_default()
                    .round_dp(6);
                vec![
                    Cell::Int(d as i64),
                    Cell::Int(counts[d] as i64),
                    Cell::Dec(obs.round_dp(6)),
                    Cell::Dec(exp),
                ]
            })
            .collect();
        let end = xl::sub_table(
            ws,
            head,
            &["首位数字", "笔数", "实际占比", "期望占比（Benford）"],
            &rows,
            f,
        )?;
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name(&format!("{entity} 首位数字：实际与期望占比"));
        column_series(&mut chart, &name, head, end, 2);
        column_series(&mut chart, &name, head, end, 3);
        chart.set_width(560).set_height(280);
        ws.insert_chart(head, 5, &chart)?;
        r = end.max(head + 15) + 1;
    }
    Ok((last, vec![]))
}

fn risk(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    cx: &SheetContext,
    vs: &Vouchers,
    e2: Option<&str>,
    f: &Formats,
) -> Body {
    let mut r = HEADER_ROW + 1;
    let links = std::cell::Cell::new(0usize);
    for (k, x) in cx.src.docs.findings.risk.iter().enumerate() {
        xl::table_row(
            ws,
            sl,
            r,
            &|id| match id {
                "rank" => Cell::Int(k as i64 + 1),
                "entity" => Cell::text(&x.entity),
                "voucher" => voucher_link(vs, e2, Some(&x.entity), &x.voucher, &links),
                "score" => Cell::Dec(x.score),
                "reasons" => Cell::text(x.reasons.join("\n")),
                _ => Cell::Empty,
            },
            true,
            f,
        )?;
        r += 1;
    }
    Ok((r, vec![]))
}

/// One series of a column chart over a sub-table written at `head` (header row) to `end`
/// (exclusive): categories from column 0, values and name from column `col`.
fn column_series(chart: &mut Chart, sheet: &str, head: u32, end: u32, col: u16) {
    chart
        .add_series()
        .set_name((sheet, head, col))
        .set_categories((sheet, head + 1, 0, end - 1, 0))
        .set_values((sheet, head + 1, col, end - 1, col));
}

#[cfg(test)]
mod tests {
    use super::{vouchers_of_sources, Vouchers};
    use crate::check::book::Book;
    use crate::load::ledger::model::{lines_frame, test_line, LedgerLine};
    use chrono::NaiveDate;
    use std::collections::{BTreeMap, HashSet};

    fn line(entity: &str, number: u32, ymd: (i32, u32, u32), row: u32) -> LedgerLine {
        let date = NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2).unwrap();
        let mut l = test_line(entity, None, "记", number, date, "财务会计", 100, 0);
        l.source.row = row;
        l
    }

    /// Two entities; 记-19 of 局机关 on two dates of March (two vouchers, told apart by a
    /// tag); the same number in the other entity; a voucher of two lines.
    fn book() -> Book {
        let lines = vec![
            line("局机关", 19, (2023, 3, 5), 2),
            line("局机关", 19, (2023, 3, 5), 3),
            line("局机关", 19, (2023, 3, 20), 4),
            line("社保中心", 19, (2023, 3, 5), 2),
            line("局机关", 7, (2023, 4, 2), 5),
            line("局机关", 70, (2023, 4, 2), 6),
        ];
        Book::new(&lines_frame(&lines).unwrap(), &BTreeMap::new()).unwrap()
    }

    #[test]
    fn voucher_index_of_the_references_finds_what_a_scan_of_every_voucher_finds() {
        let book = book();
        assert!(
            book.vouchers.iter().any(|v| v.tag.is_some()),
            "a tagged voucher"
        );
        let mut refs: Vec<(Option<String>, String)> = Vec::new();
        for v in &book.vouchers {
            refs.push((Some(v.entity.clone()), v.label()));
            refs.push((Some(v.entity.clone()), v.base_label()));
            refs.push((None, format!("{} {}", v.entity, v.label())));
            refs.push((
                Some(v.entity.clone()),
                format!("{} {}", v.entity, v.label()),
            ));
        }
        for (e, v) in [
            (Some("局机关"), "2023-05 记-19"),
            (Some("局"), "2023-03 记-19"),
            (Some("社保中心"), "2023-04 记-7"),
            (None, "2023-03 记-19"),
            (Some("局机关"), "2023-04 记-7 "),
            (Some("局机关"), "2023-04 记-70"),
            (Some("局机关"), ""),
        ] {
            refs.push((e.map(String::from), v.to_string()));
        }
        let as_refs =
            |r: &[(Option<String>, String)]| -> Vec<(Option<String>, String)> { r.to_vec() };
        let all = as_refs(&refs);
        let indexed = Vouchers::new(&book, all.iter().map(|(e, v)| (e.as_deref(), v.as_str())));
        let scanned = Vouchers::new(&book, std::iter::empty());
        assert!(scanned.by_key.is_empty() && scanned.by_base.is_empty());
        for (e, v) in &refs {
            let (e, v) = (e.as_deref(), v.as_str());
            assert_eq!(indexed.find(e, v), scanned.find(e, v), "{e:?} {v}");
        }
        // What they find: the tagged pair by its base label, each by its full label, a
        // voucher by its entity and label, nothing for a look-alike.
        let base = indexed.find(Some("局机关"), "2023-03 记-19");
        assert_eq!(base.len(), 2);
        for &i in &base {
            let v = &book.vouchers[i];
            assert_eq!(indexed.find(Some("局机关"), &v.label()), vec![i]);
        }
        assert_eq!(indexed.find(Some("社保中心"), "2023-03 记-19").len(), 1);
        assert_eq!(indexed.find(None, "局机关 2023-04 记-7").len(), 1);
        assert!(indexed.find(Some("局"), "2023-03 记-19").is_empty());
        assert!(indexed.find(Some("局机关"), "2023-04 记-7 ").is_empty());
        assert!(indexed.find(Some("局机关"), "2023-05 记-19").is_empty());
    }

    /// The workbook's 经济分类 column is what the export gave, whatever 经济分类 names the
    /// book was built with: `reeval run` hands the workbook the check's book (built with the
    /// engagement's names), `reeval workbook` builds one without names, and both must write
    /// the same cells.
    #[test]
    fn the_econ_column_is_the_same_from_a_book_built_with_or_without_econ_names() {
        use crate::load::ledger::model::Classification;
        let names = crate::check::config::Config::builtin()
            .unwrap()
            .common
            .econ_names;
        let mut lines = Vec::new();
        // (account name, econ code, econ name): a 款 only in the account name's segments
        // (three separators), only as the econ name, given as a code, given as code and name,
        // none at all, and look-alikes (a segment that is no 款, an unknown econ name).
        for (k, (account, code, name)) in [
            ("业务活动费用-商品和服务费用-办公费", None, None),
            ("业务活动费用_商品和服务费用_差旅费", None, None),
            ("行政支出/办公费", None, None),
            ("业务活动费用", None, Some("办公费")),
            ("业务活动费用", Some("30201"), None),
            ("业务活动费用", Some("30211"), Some("差旅费")),
            ("业务活动费用", Some(""), Some("办公费")),
            ("业务活动费用", None, None),
            ("业务活动费用-办公用品", None, Some("不是款名")),
        ]
        .into_iter()
        .enumerate()
        {
            let mut l = line("局机关", k as u32 + 1, (2023, 3, 5), k as u32 + 2);
            l.account_name = account.into();
            l.econ = Classification {
                code: code.map(String::from),
                name: name.map(String::from),
            };
            lines.push(l);
        }
        let frame = lines_frame(&lines).unwrap();
        let named = Book::new(&frame, &names).unwrap();
        let plain = Book::new(&frame, &BTreeMap::new()).unwrap();
        assert_eq!(named.len(), lines.len());
        // The premise: the names change what `econ` gives for some lines (else this test
        // could not tell the two books apart).
        let differ = (0..named.len())
            .filter(|&i| named.econ(i) != plain.econ(i))
            .count();
        assert!(differ >= 4, "{differ}");
        for i in 0..named.len() {
            assert_eq!(named.econ_given(i), plain.econ(i), "line {i}");
            assert_eq!(plain.econ_given(i), plain.econ(i), "line {i}");
            assert_eq!(
                super::line_cell(&named, i, "econ"),
                super::line_cell(&plain, i, "econ"),
                "line {i}"
            );
        }
    }

    #[test]
    fn vouchers_of_sources_label_only_the_lines_asked_for() {
        let book = book();
        let file = "局机关-序时账-2023.xlsx";
        let sources: HashSet<String> = [
            format!("{file}:序时账:3"),
            format!("{file}:序时账:6"),
            // Row 2 is a line of both entities: the last voucher in the book's order wins.
            format!("{file}:序时账:2"),
            // Look-alikes: another sheet, a row no line has, a row written otherwise.
            format!("{file}:其他:5"),
            format!("{file}:序时账:99"),
            format!("{file}:序时账:05"),
            "序时账".to_string(),
        ]
        .into();
        let sources: HashSet<&str> = sources.iter().map(String::as_str).collect();
        let found = vouchers_of_sources(&book, &sources);
        let mut expected = std::collections::HashMap::new();
        for (vi, v) in book.vouchers.iter().enumerate() {
            for &r in &v.rows {
                let s = book.source(r);
                if sources.contains(s.as_str()) {
                    expected.insert(s, vi);
                }
            }
        }
        assert_eq!(found, expected);
        let mut keys: Vec<&String> = found.keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                &format!("{file}:序时账:2"),
                &format!("{file}:序时账:3"),
                &format!("{file}:序时账:6")
            ]
        );
        let v2 = &book.vouchers[found[&format!("{file}:序时账:2")]];
        assert_eq!(v2.entity, "社保中心");
    }
}
