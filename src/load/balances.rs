//! 科目余额表 (trial balance) and 科目表 (chart) loading: opening balances for the `opening`
//! frame, closing balances that the load reconciles with opening + the ledger's movements,
//! and code → name for voucher tables that carry codes only (the "three tables" audit
//! software takes: 科目表 + 科目余额表 + 凭证表).
//!
//! Only leaf accounts are kept: a row whose code is the prefix of another row's code is a
//! summary level (counted as skipped), so sums by first-level code never count twice.

use crate::load::ledger::cell;
use crate::load::ledger::header;
use crate::load::ledger::model::Source;
use crate::load::ledger::profile::{Profile, Profiles};
use crate::load::report::FileReport;
use crate::load::sheets::{self, At, Finder, Found, Located, Row, RowOutcome, SheetKind};
use crate::model::money::Fen;
use anyhow::Result;
use calamine::Data;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct BalanceRow {
    pub entity: String,
    pub year: Option<i32>,
    pub code: String,
    pub name: String,
    /// Debit positive.
    pub opening: Option<Fen>,
    pub closing: Option<Fen>,
    pub source: Source,
}

/// A balance from (借, 贷) columns, or (余额, 方向), or a bare 余额 signed by the account.
#[allow(clippy::too_many_arguments)]
fn balance(
    sheet: &crate::load::formats::workbook::Sheet,
    row: &[Data],
    hdr: &header::Header,
    p: &Profile,
    prefix: &str,
    code: &str,
    chart: &crate::load::ledger::chart::Chart,
    assumed: &mut bool,
) -> Result<Option<Fen>, (String, String)> {
    let col = |f: String| hdr.col(&f).and_then(|c| row.get(c).map(|d| (c, d)));
    let label = |c: usize| hdr.label_at(sheet, c);
    let amt = |x: Option<(usize, &Data)>| -> Result<Option<Fen>, (String, String)> {
        match x {
            Some((c, d)) if !cell::is_blank(d) => cell::amount(d)
                .map(|a| Some(a.fen))
                .map_err(|r| (label(c), r)),
            _ => Ok(None),
        }
    };
    let (dr, cr) = (
        amt(col(format!("{prefix}_debit")))?,
        amt(col(format!("{prefix}_credit")))?,
    );
    // With 借/贷 columns a blank cell is a zero balance, not a missing one.
    let pair = hdr.has(&format!("{prefix}_debit")) || hdr.has(&format!("{prefix}_credit"));
    if pair || dr.is_some() || cr.is_some() {
        return Ok(Some(dr.unwrap_or_default() - cr.unwrap_or_default()));
    }
    let Some(v) = amt(col(prefix.to_string()))? else {
        return Ok(None);
    };
    if let Some((c, d)) = col(format!("{prefix}_direction")) {
        let w = header::norm(&cell::text(d));
        let is = |k: &str| {
            p.direction_words
                .get(k)
                .is_some_and(|ws| ws.iter().any(|x| header::norm(x) == w))
        };
        if is("debit") {
            return Ok(Some(v));
        }
        if is("credit") {
            return Ok(Some(-v));
        }
        if is("flat") || w.is_empty() {
            return Ok(Some(if w.is_empty() && !v.is_zero() {
                v
            } else {
                Fen::ZERO
            }));
        }
        return Err((
            label(c),
            format!("无法识别的余额方向“{}”", crate::errors::excerpt(&w)),
        ));
    }
    // No 方向: the chart says which side the account's balance sits on.
    match chart.credit_normal(code) {
        Some(credit) => {
            *assumed = true;
            Ok(Some(if credit { -v } else { v }))
        }
        None => Err((
            label(hdr.col(prefix).unwrap_or(0)),
            format!("余额没有方向，科目 {code} 不在科目表中，无法确定借贷方向"),
        )),
    }
}

/// The balance tables' sheets as [`sheets::read`] reads them.
struct BalanceSheets<'a> {
    find: Finder<'a>,
    chart: &'a crate::load::ledger::chart::Chart,
    file: String,
    assumed: bool,
    out: Vec<BalanceRow>,
}

/// One sheet's balance table, and the year its title names.
struct BalanceTable<'s> {
    loc: Located<'s>,
    year: Option<i32>,
}

impl<'s, 'a: 's> SheetKind<'s> for BalanceSheets<'a> {
    type Report = FileReport;
    type Table = BalanceTable<'s>;

    fn locate(&mut self, at: At<'s, '_, FileReport>) -> Found<BalanceTable<'s>> {
        let (first, loc) = self.find.locate(at, "科目余额表表头")?;
        let year = loc.titles.get("period").and_then(|t| header::year_in(t));
        Some((first, BalanceTable { loc, year }))
    }

    fn row(&mut self, t: &mut BalanceTable<'s>, r: Row<'s>, _: &mut FileReport) -> RowOutcome {
        let row = r.cells;
        let (mut code, mut name) = (
            t.loc.hdr.text(row, "account_code").unwrap_or_default(),
            t.loc.hdr.text(row, "account_name").unwrap_or_default(),
        );
        if code.is_empty() {
            if let Some(a) = t.loc.hdr.text(row, "account") {
                (code, name) = cell::split_code_name(&a);
            }
        }
        let first = row
            .iter()
            .find(|c| !cell::is_blank(c))
            .map(|c| header::norm(&cell::text(c)))
            .unwrap_or_default();
        if code.is_empty()
            && (t.loc.keywords.contains_key(&first)
                || t.loc.keywords.contains_key(&header::norm(&name)))
        {
            return RowOutcome::Total;
        }
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_digit() || c == '.') {
            // A title or footer line among the rows (制表人：张三, 第 2 页, 共 40 条): skipped.
            if header::is_title_line(row, &t.loc.profile.title) {
                return RowOutcome::Header;
            }
            let field = if t.loc.hdr.has("account_code") {
                "account_code"
            } else {
                "account"
            };
            return RowOutcome::rejected(
                t.loc.hdr.label(t.loc.sheet, field),
                format!(
                    "科目编码为空或不是数字：“{}”",
                    crate::errors::excerpt(&code)
                ),
            );
        }
        let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        let ent = t
            .loc
            .entity
            .clone()
            .or_else(|| t.loc.hdr.text(row, "entity"))
            .unwrap_or_else(|| self.find.stem.clone());
        let (hdr, p, chart) = (&t.loc.hdr, t.loc.profile, self.chart);
        let opening = balance(
            t.loc.sheet,
            row,
            hdr,
            p,
            "opening",
            &code,
            chart,
            &mut self.assumed,
        );
        let closing = balance(
            t.loc.sheet,
            row,
            hdr,
            p,
            "closing",
            &code,
            chart,
            &mut self.assumed,
        );
        match (opening, closing) {
            (Ok(o), Ok(c)) => {
                self.out.push(BalanceRow {
                    entity: ent,
                    year: t.year,
                    code,
                    name,
                    opening: o,
                    closing: c,
                    source: Source {
                        file: self.file.clone().into(),
                        sheet: t.loc.sheet.name.clone().into(),
                        row: r.number,
                    },
                });
                RowOutcome::Loaded
            }
            (Err((col, r)), _) | (_, Err((col, r))) => RowOutcome::rejected(col, r),
        }
    }
}

pub fn load_file(
    path: &Path,
    report: &mut FileReport,
    profiles: &Profiles,
    entity: Option<&str>,
    chart: &crate::load::ledger::chart::Chart,
) -> Result<Vec<BalanceRow>> {
    let (sheets, stem) = sheets::open(path, report)?;
    let mut kind = BalanceSheets {
        find: Finder::new(profiles.of_kind("balances"), entity, stem),
        chart,
        file: report.path.clone(),
        assumed: false,
        out: Vec::new(),
    };
    if !sheets::read(&sheets, &mut kind, report) {
        return Err(kind.find.no_header(path, "科目余额表/科目表", "balances"));
    }
    if let Some(e) =
        sheets::nothing_loaded(path, report, "科目余额表/科目表", &kind.find.candidates)
    {
        return Err(e);
    }
    let (out, assumed) = (kind.out, kind.assumed);
    // Summary levels: a code that prefixes another code of the same entity.
    let codes: std::collections::BTreeSet<(String, String)> = out
        .iter()
        .map(|r| (r.entity.clone(), r.code.clone()))
        .collect();
    let is_parent = |r: &BalanceRow| {
        codes
            .range((r.entity.clone(), r.code.clone())..)
            .nth(1)
            .is_some_and(|(e, c)| *e == r.entity && c.starts_with(&r.code))
    };
    let (leaves, parents): (Vec<BalanceRow>, Vec<BalanceRow>) =
        out.into_iter().partition(|r| !is_parent(r));
    // The sheet loop counted them as loaded: they are skipped.
    for s in report.sheets.iter_mut() {
        let n = parents.iter().filter(|p| p.source.sheet == s.sheet).count();
        s.rows_loaded -= n;
        s.rows_skipped_total += n;
    }
    report.rows_loaded -= parents.len();
    report.rows_skipped += parents.len();
    if !parents.is_empty() {
        report.warnings.push(format!(
            "{} 行为汇总级次科目（其下有明细科目），只载入末级科目，避免重复",
            parents.len()
        ));
    }
    if assumed {
        report
            .warnings
            .push("余额列没有方向，按科目表中科目的余额方向确定借贷（资产、费用、预算支出为借方，负债、净资产、收入、预算收入、结转结余及累计折旧、坏账准备为贷方，资金结存为借方）".into());
    }
    Ok(leaves)
}

/// Put the balance tables to use once everything is loaded: names for lines that carry codes
/// only; their opening balances in place of the ledgers' 期初 rows for the same accounts; and
/// each closing balance reconciled with opening + the year's 正常 lines (a `TotalCheck` on
/// the balance file's report). `rows` pairs each row with the index of its file report.
pub fn apply(
    rows: &[(usize, BalanceRow)],
    lines: &mut [crate::load::ledger::model::LedgerLine],
    opening: &mut Vec<crate::load::ledger::model::OpeningBalance>,
    files: &mut [FileReport],
) {
    use crate::load::ledger::model::{OpeningBalance, STATUS_NORMAL};
    use crate::load::report::{TotalCheck, TotalFigure};
    use std::collections::{BTreeMap, BTreeSet};
    // The first file that names a code wins: give the 科目表 (full names) before a balance
    // table whose names are often indented leaf names only.
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for (_, r) in rows.iter().filter(|(_, r)| !r.name.is_empty()) {
        names.entry(r.code.as_str()).or_insert(r.name.as_str());
    }
    let mut named = 0usize;
    for l in lines.iter_mut() {
        if l.account_name.is_empty() {
            if let Some(n) = names.get(l.account_code.as_str()) {
                l.account_name = n.to_string();
                named += 1;
            }
        }
    }
    let with_opening: BTreeSet<(String, String)> = rows
        .iter()
        .filter(|(_, r)| r.opening.is_some())
        .map(|(_, r)| (r.entity.clone(), r.code.clone()))
        .collect();
    let before = opening.len();
    opening.retain(|o| !with_opening.contains(&(o.entity.clone(), o.account_code.clone())));
    let replaced = before - opening.len();
    let ledger_year = lines.iter().map(|l| l.year).max();
    for (_, r) in rows {
        if let Some(b) = r.opening {
            opening.push(OpeningBalance {
                entity: r.entity.clone(),
                book: None,
                year: r.year.or(ledger_year).unwrap_or(0),
                account_code: r.code.clone(),
                account_name: r.name.clone(),
                counterparty: None,
                balance: b,
                label: "科目余额表期初".into(),
                source: r.source.clone(),
            });
        }
    }
    // Movements per (entity, leaf code), 正常 lines only.
    let mut moved: BTreeMap<(&str, &str), Fen> = BTreeMap::new();
    let entities: BTreeSet<&str> = lines.iter().map(|l| l.entity.as_str()).collect();
    for l in lines.iter().filter(|l| l.status == STATUS_NORMAL) {
        *moved
            .entry((l.entity.as_str(), l.account_code.as_str()))
            .or_default() += l.debit - l.credit;
    }
    for (k, r) in rows {
        let (Some(close), Some(open)) = (r.closing, r.opening) else {
            continue;
        };
        if !entities.contains(r.entity.as_str()) {
            continue;
        }
        // Lines booked to sub-accounts below this leaf's code (a deeper ledger) count too.
        let mv: Fen = moved
            .range((r.entity.as_str(), r.code.as_str())..)
            .take_while(|((e, c), _)| *e == r.entity && c.starts_with(r.code.as_str()))
            .map(|(_, v)| *v)
            .sum();
        let computed = open + mv;
        let fr = &mut files[*k];
        fr.totals_checked.push(TotalCheck {
            sheet: r.source.sheet.to_string(),
            row: r.source.row,
            label: format!("期末余额 {} {}", r.code, r.name),
            scope: "期初余额＋本年序时账发生额".into(),
            figures: vec![TotalFigure {
                field: "closing".into(),
                stated: close,
                loaded: computed,
            }],
            matches: close == computed,
        });
    }
    let fr = &mut files[rows[0].0];
    if named > 0 {
        fr.warnings.push(format!(
            "{named} 行分录只有科目编码，科目名称取自科目表/科目余额表"
        ));
    }
    if replaced > 0 {
        fr.warnings.push(format!(
            "序时账中 {replaced} 条期初余额行与科目余额表重复，以科目余额表为准"
        ));
    }
    let no_ledger: BTreeSet<&str> = rows
        .iter()
        .map(|(_, r)| r.entity.as_str())
        .filter(|e| !entities.contains(e))
        .collect();
    for e in no_ledger {
        if !entities.is_empty() {
            fr.warnings.push(format!(
                "科目余额表的核算单位“{e}”在序时账中没有分录，期末余额未核对（核算单位名称是否一致？）"
            ));
        }
    }
}
