//! One row → a journal line or an opening balance: voucher identity (filled down), date and
//! period, account, amounts (借/贷 or 方向+金额), auxiliary fields, status, and the basis from
//! the 账套's chart. A field that cannot be read rejects the row with its column and reason.

use super::cell;
use super::chart::Chart;
use super::header::{f, Field};
use super::model::{Classification, LedgerLine, OpeningBalance, SharedStr, Source, STATUS_NORMAL};
use super::sheet::{bad, Bad, Current, SheetReader};
use crate::model::money::Fen;
use crate::model::voucher;
use calamine::Data;
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Account code, name, and the 经济分类 a name path names.
type Account = (String, String, Option<(String, String)>);

impl<'a> SheetReader<'a> {
    /// An optional whole number from a field's cell; a bad value rejects the row on that field.
    fn int_at(&self, row: &[Data], field: Field) -> Result<Option<i64>, Bad> {
        self.cell(row, field)
            .map(cell::int)
            .transpose()
            .map_err(|r| bad(field.name, r))
            .map(Option::flatten)
    }

    /// An optional date from a field's cell. A bare number read as an Excel serial is
    /// counted (with the first one as an example) for the file report's warning.
    fn date_at(&self, row: &[Data], k: Field) -> Result<Option<NaiveDate>, Bad> {
        let field = k.name;
        let c = self.cell(row, k);
        let d = match c.map(cell::date).transpose() {
            Ok(d) => d.flatten(),
            Err(r) => match c.and_then(|c| match c {
                Data::String(s) => cell::month_day(s).map(|md| (s, md)),
                _ => None,
            }) {
                // `01-05`, `1月5日`: the year the title, sheet or file name states, else the
                // engagement's; rejected only when none is known.
                Some((raw, (m, d))) => {
                    let raw = raw.trim();
                    let Some(y) = self.title_year.or(self.given_year) else {
                        return Err(bad(
                            field,
                            format!("日期“{raw}”没有年份，标题行、工作表名和文件名中都没有年度（可在项目文件 year 或 --year 中给出）"),
                        ));
                    };
                    Some(NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
                        bad(field, format!("日期不存在：“{raw}”（{y}年{m}月{d}日）"))
                    })?)
                }
                None => return Err(bad(field, r)),
            },
        };
        if let (Some(c), Some(d)) = (c, d) {
            if cell::is_bare_serial(c) {
                let (n, example) = self.serials.get();
                let v = match c {
                    Data::Int(i) => *i as f64,
                    Data::Float(f) => *f,
                    _ => 0.0,
                };
                self.serials.set((n + 1, example.or(Some((v, d)))));
            }
        }
        Ok(d)
    }

    pub(super) fn debit_credit(
        &self,
        row: &[Data],
        rounded: &mut usize,
    ) -> Result<(Fen, Fen), Bad> {
        let mut amt = |field: Field| -> Result<Fen, Bad> {
            match self.cell(row, field) {
                None => Ok(Fen::ZERO),
                Some(c) => {
                    let a = cell::amount(c).map_err(|r| bad(field.name, r))?;
                    if a.rounded {
                        *rounded += 1;
                    }
                    Ok(a.fen)
                }
            }
        };
        if self.has(f::DEBIT) && self.has(f::CREDIT) {
            return Ok((amt(f::DEBIT)?, amt(f::CREDIT)?));
        }
        let a = amt(f::AMOUNT)?;
        let dir = self.str(row, f::DIRECTION).unwrap_or_default();
        let dir = dir.trim();
        let is = |side: &str| {
            self.profile
                .direction_words
                .get(side)
                .is_some_and(|ws| ws.iter().any(|w| w == dir))
        };
        match dir {
            _ if is("debit") => Ok((a, Fen::ZERO)),
            _ if is("credit") => Ok((Fen::ZERO, a)),
            // A zero amount needs no side (`平`, blank, `-` on an opening or total row).
            _ if a.is_zero() => Ok((Fen::ZERO, Fen::ZERO)),
            "" => Err(bad("direction", "有金额但借贷方向为空")),
            other => Err(bad("direction", format!("借贷方向无法识别：“{other}”"))),
        }
    }

    /// The chart of a row's 会计制度 (its column, else the files' system).
    fn chart(&self, row: &[Data]) -> Result<&'a Chart, Bad> {
        match self.str(row, f::ACCOUNTING_SYSTEM) {
            Some(s) => self
                .charts
                .find(&s)
                .ok_or_else(|| bad("accounting_system", format!("会计制度“{s}”没有内置科目表"))),
            None => Ok(self.default_chart),
        }
    }

    pub(super) fn entity(&self, row: &[Data]) -> SharedStr {
        self.sheet_entity
            .clone()
            .or_else(|| self.str(row, f::ENTITY).map(|e| self.interner.get(&e)))
            .unwrap_or_else(|| self.fallback_entity.clone())
    }

    /// The line's account: code and name from their columns, or one 科目 cell written as
    /// `[5001]业务活动费用`, `5001 业务活动费用`, or as a name path without a code
    /// (`业务活动费用/商品和服务费用/办公费`) resolved through `chart` to its first-level code
    /// and the 经济分类 its last segment names (returned third).
    pub(super) fn account(&self, row: &[Data], chart: &Chart) -> Result<Account, Bad> {
        let by_path = |field: &'static str, raw: &str| -> Result<Account, Bad> {
            if let Some(r) = chart.resolve_path(raw) {
                return Ok((r.code, raw.to_string(), r.econ));
            }
            // The code after the name, as some exports print it: `业务活动费用(5001)`,
            // `办公费（500101）`, `银行存款[1002]` — taken only when it is one of the chart's
            // accounts (an 经济分类 code in brackets, `办公费(30201)`, is none).
            if let Some((code, name)) = cell::trailing_code(raw) {
                if chart.first_level(&code).is_some() {
                    return Ok((code, name, None));
                }
            }
            Err(bad(
                field,
                format!(
                    "“{raw}”中没有科目编码，也不以{}的一级科目名称开头（凭证应同时填列编号和名称）",
                    chart.name
                ),
            ))
        };
        if self.has(f::ACCOUNT_CODE) {
            let code = self
                .cell(row, f::ACCOUNT_CODE)
                .map(cell::code)
                .transpose()
                .map_err(|r| bad("account_code", r))?
                .unwrap_or_default();
            let name = self.text(row, f::ACCOUNT_NAME).unwrap_or_default();
            if code.is_empty() {
                if !name.is_empty() {
                    return by_path("account_code", &name).map_err(|_| {
                        bad(
                            "account_code",
                            format!("科目编码为空，科目名称“{name}”也不以一级科目名称开头"),
                        )
                    });
                }
                return Err(bad("account_code", "科目编码为空"));
            }
            return Ok((code, name, None));
        }
        // No 科目 column: the account of the section heading above (明细账).
        if !self.hdr.has_account_col() {
            let raw = self.section.clone().unwrap_or_default();
            if raw.is_empty() {
                return Err(bad(
                    "account",
                    "没有科目：表中无科目列，上方也没有“科目：…”标题行",
                ));
            }
            let (code, name) = cell::split_code_name(&raw);
            if code.is_empty() {
                return by_path("account", &raw);
            }
            return Ok((code, name, None));
        }
        // One 科目 cell, or a 科目名称 column alone.
        let field = if self.has(f::ACCOUNT) {
            f::ACCOUNT
        } else {
            f::ACCOUNT_NAME
        };
        let raw = self.str(row, field).unwrap_or_default();
        let (code, name) = cell::split_code_name(&raw);
        if code.is_empty() {
            return by_path(field.name, &raw);
        }
        Ok((code, name, None))
    }

    pub(super) fn date_and_period(
        &self,
        row: &[Data],
        current: Option<&Current>,
        same_voucher: bool,
    ) -> Result<(NaiveDate, i32, u32), Bad> {
        let date = if self.has(f::DATE) {
            self.date_at(row, f::DATE)?
        } else if self.has(f::MONTH) && self.has(f::DAY) {
            let m = self.int_at(row, f::MONTH)?;
            let d = self.int_at(row, f::DAY)?;
            let y = self
                .int_at(row, f::YEAR)?
                .or(self.title_year.or(self.given_year).map(i64::from));
            match (y, m, d) {
                (_, None, None) => None,
                (Some(y), Some(m), Some(d)) => Some(
                    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
                        .ok_or_else(|| bad("day", format!("日期不存在：{y}年{m}月{d}日")))?,
                ),
                (None, _, _) => {
                    return Err(bad("year", "有月、日而无年份：标题行和列中都没有年度"))
                }
                _ => return Err(bad("day", "月、日不全")),
            }
        } else {
            None
        };
        let date = match (date, current) {
            (Some(d), _) => d,
            (None, Some(c)) => c.date,
            (None, None) => return Err(bad("date", "日期为空，且上方没有可承接的行")),
        };
        let explicit_period = match self.cell(row, f::PERIOD) {
            Some(c) => cell::period(c).map_err(|r| bad("period", r))?.map(|p| {
                // A number 2023.1 on a line dated in October was 2023.10.
                if p.maybe_tenth && date.month() == 10 {
                    10
                } else {
                    i64::from(p.period)
                }
            }),
            None => None,
        };
        // The period is the 期间 cell's, else the line's own date's month. Only a line that
        // continues the voucher above (same word and number) on the same date takes that
        // voucher's period: a 期间 filled in on a voucher's first line only. A line with
        // another date is never given the period of the rows above it.
        let period = match (explicit_period, current) {
            (Some(p), _) => p,
            (None, Some(c)) if same_voucher && c.date == date => c.period as i64,
            (None, _) => date.month() as i64,
        };
        if !(1..=16).contains(&period) {
            return Err(bad(
                "period",
                format!("会计期间应为 1–12（调整期至 16），实为 {period}"),
            ));
        }
        Ok((date, date.year(), period as u32))
    }

    /// Which voucher a row belongs to: its own voucher cell(s), or the voucher of the line
    /// above (filled down), with date, period and line number.
    pub(super) fn identity(&self, row: &[Data], current: Option<&Current>) -> Result<Current, Bad> {
        let entity = self.entity(row);
        let voucher_text = self.str(row, f::VOUCHER);
        let number_text = self.str(row, f::VOUCHER_NUMBER);
        // As written: the voucher cell, or the 凭证字 and number cells side by side (also
        // when the voucher cell holds the number alone beside a 凭证字 column).
        let kind_cell = self.str(row, f::VOUCHER_KIND);
        let with_kind = |n: &Cow<'_, str>, always: bool| -> String {
            match &kind_cell {
                Some(k) if always || n.chars().all(|c| c.is_ascii_digit()) => format!("{k}-{n}"),
                _ => n.to_string(),
            }
        };
        // Built only when it differs from the text of the line above.
        let written = match (&voucher_text, &number_text) {
            (Some(v), _) => Some((v, false)),
            (None, Some(n)) => Some((n, true)),
            (None, None) => None,
        };
        let parsed = match (&voucher_text, &number_text) {
            (Some(v), _) => Some(self.voucher_no(v).map_err(|r| bad("voucher", r))?),
            (None, Some(n)) => Some(self.voucher_no(n).map_err(|r| bad("voucher_number", r))?),
            (None, None) => None,
        };
        let (kind, number, same_number) = match parsed {
            Some((k, n)) => {
                let k = if k.is_empty() {
                    match self.str(row, f::VOUCHER_KIND) {
                        Some(k) => self.interner.get(&voucher::normalize_kind(&k)),
                        None => self.interner.get("记"),
                    }
                } else {
                    k
                };
                let cont =
                    current.is_some_and(|c| c.kind == k && c.number == n && c.entity == entity);
                (k, n, cont)
            }
            None => match current {
                Some(c) => (c.kind.clone(), c.number, true),
                None => return Err(bad("voucher", "凭证号为空，且上方没有可承接的凭证")),
            },
        };
        let (date, year, period) = self.date_and_period(row, current, same_number)?;
        // The same voucher as the line above: same word and number, period and date.
        let continued = same_number
            && current.is_some_and(|c| c.year == year && c.period == period && c.date == date);
        let line_no = match self.int_at(row, f::LINE_NO)? {
            Some(n) if n > 0 => n as u32,
            Some(n) => return Err(bad("line_no", format!("分录号应为正整数，实为 {n}"))),
            None if continued => current.map(|c| c.line_no + 1).unwrap_or(1),
            None => 1,
        };

        // The text of the line above when this line repeats it: one allocation per voucher.
        let text = match (written, current) {
            (Some((w, always)), Some(c))
                if written_eq(&c.text, w, kind_cell.as_deref(), always) =>
            {
                c.text.clone()
            }
            (Some((w, always)), _) => SharedStr::from(with_kind(w, always)),
            (None, Some(c)) => c.text.clone(),
            (None, None) => SharedStr::from(""),
        };
        Ok(Current {
            text,
            kind,
            number,
            date,
            year,
            period,
            line_no,
            entity,
        })
    }

    pub(super) fn line(
        &self,
        row: &[Data],
        rownum: u32,
        id: &Current,
        rounded: &mut usize,
        unknown: &mut BTreeSet<String>,
    ) -> Result<LedgerLine, Bad> {
        let chart = self.chart(row)?;
        let (account_code, account_name, path_econ) = self.account(row, chart)?;
        let (debit, credit) = self.debit_credit(row, rounded)?;
        let (system, facts) = self.account_facts(chart, &account_code);
        let (basis, account_l1) = match facts {
            Some((basis, l1)) => (basis, Some(l1)),
            None => {
                unknown.insert(account_code.chars().take(chart.code_length).collect());
                (self.interner.get("未知"), None)
            }
        };

        // Auxiliary fields: explicit columns first, then the 辅助项 cell fills what is missing.
        let aux = self
            .str(row, f::AUX)
            .map(|t| parse_aux(&t, &self.profile.aux_keys))
            .unwrap_or_default();
        let pick = |field: Field| {
            self.text(row, field)
                .or_else(|| aux.fields.get(field.name).cloned())
        };
        // `pick` for a value that is only split, never stored as it is.
        let pick_str = |field: Field| {
            self.str(row, field).or_else(|| {
                aux.fields
                    .get(field.name)
                    .map(|s| Cow::Borrowed(s.as_str()))
            })
        };
        let classification = |combined: Field, code: Field, name: Field| -> Classification {
            let (mut c, mut n) = (self.text(row, code), self.text(row, name));
            if c.is_none() && n.is_none() {
                if let Some(raw) = pick_str(combined) {
                    let (cc, nn) = cell::split_code_name(&raw);
                    c = Some(cc).filter(|s| !s.is_empty());
                    n = Some(nn).filter(|s| !s.is_empty());
                }
            }
            Classification { code: c, name: n }
        };
        // A name-path 科目 (业务活动费用/商品和服务费用/办公费) names the 经济分类 when no
        // column or 辅助项 does.
        let mut econ = classification(f::ECON, f::ECON_CODE, f::ECON_NAME);
        if econ.code.is_none() && econ.name.is_none() {
            if let Some((c, n)) = path_econ {
                econ = Classification {
                    code: Some(c),
                    name: Some(n),
                };
            }
        }
        let attachments = self.int_at(row, f::ATTACHMENTS)?;
        let status = match self.str(row, f::STATUS) {
            Some(s) => self.interner.get(status_of(&s, &self.profile.status_words)),
            None => self.status_normal(),
        };

        Ok(LedgerLine {
            entity: id.entity.clone(),
            book: self.text(row, f::BOOK).or_else(|| self.book.clone()),
            accounting_system: system,
            basis,
            year: id.year,
            period: id.period,
            voucher_kind: id.kind.to_string(),
            voucher_number: id.number,
            voucher_text: id.text.to_string(),
            line_no: id.line_no,
            date: id.date,
            summary: self.text(row, f::SUMMARY).unwrap_or_default(),
            account_code,
            account_name,
            account_l1,
            debit,
            credit,
            department: pick(f::DEPARTMENT),
            project: pick(f::PROJECT),
            counterparty: pick(f::COUNTERPARTY),
            econ,
            func: classification(f::FUNC, f::FUNC_CODE, f::FUNC_NAME),
            fund_source: pick(f::FUND_SOURCE),
            settlement: pick(f::SETTLEMENT),
            payee_account: self.text(row, f::PAYEE_ACCOUNT),
            linked_voucher: self.text(row, f::LINKED_VOUCHER),
            preparer: self.text(row, f::PREPARER),
            reviewer: self.text(row, f::REVIEWER),
            poster: self.text(row, f::POSTER),
            attachments: attachments.map(|a| a as i32),
            status,
            aux_other: aux.other,
            source: Source {
                file: self.file.clone(),
                sheet: self.sheet_name.clone(),
                row: rownum,
            },
        })
    }

    pub(super) fn opening(
        &self,
        row: &[Data],
        rownum: u32,
        label: &str,
        stated_year: Option<i32>,
        current: Option<&Current>,
        rounded: &mut usize,
    ) -> Result<OpeningBalance, Bad> {
        let chart = self.chart(row)?;
        let (account_code, account_name, _) = self.account(row, chart)?;
        let (mut d, mut c) = self.debit_credit(row, rounded)?;
        // 明细账: the opening balance stands in the 余额 column (with 方向 when the layout has
        // 借方/贷方 columns), 借方 and 贷方 empty. Without a 方向, the account's normal side.
        if d.is_zero() && c.is_zero() && self.has(f::DEBIT) {
            if let Some(cell) = self.cell(row, f::BALANCE) {
                let a = cell::amount(cell).map_err(|r| bad("balance", r))?;
                let dir = self.str(row, f::DIRECTION).unwrap_or_default();
                let is = |side: &str| {
                    self.profile
                        .direction_words
                        .get(side)
                        .is_some_and(|ws| ws.iter().any(|w| w == dir.trim()))
                };
                let credit = if is("credit") {
                    true
                } else if is("debit") || a.fen.is_zero() {
                    false
                } else {
                    chart.credit_normal(&account_code).unwrap_or(false)
                };
                if credit {
                    c = a.fen;
                } else {
                    d = a.fen;
                }
            }
        }
        // The year the row's words state (`2023年期初余额`), its own date, the line above,
        // the title / sheet name / file name, or the sheet's first dated line.
        let year = stated_year
            .or_else(|| {
                self.cell(row, f::DATE)
                    .and_then(|c| cell::date(c).ok().flatten())
                    .map(|d| d.year())
            })
            .or(current.map(|c| c.year))
            .or(self.year_hint)
            .ok_or_else(|| {
                bad(
                    "date",
                    "期初行无法确定年度：行中无日期，标题行、工作表名、文件名和下方各行都没有年度",
                )
            })?;
        let aux = self
            .str(row, f::AUX)
            .map(|t| parse_aux(&t, &self.profile.aux_keys))
            .unwrap_or_default();
        Ok(OpeningBalance {
            entity: self.entity(row).to_string(),
            book: self.text(row, f::BOOK).or_else(|| self.book.clone()),
            year,
            account_code,
            account_name,
            counterparty: self
                .text(row, f::COUNTERPARTY)
                .or_else(|| aux.fields.get("counterparty").cloned()),
            balance: d - c,
            label: label.to_string(),
            source: Source {
                file: self.file.clone(),
                sheet: self.sheet_name.clone(),
                row: rownum,
            },
        })
    }
}

/// Whether `text` is what `with_kind` in [`SheetReader::identity`] writes for the voucher cell
/// `n` beside the 凭证字 cell `kind`: `kind-n` when there is a kind and `always` or `n` is all
/// digits, else `n`. Compared without building it.
fn written_eq(text: &str, n: &str, kind: Option<&str>, always: bool) -> bool {
    match kind {
        Some(k) if always || n.chars().all(|c| c.is_ascii_digit()) => text
            .strip_prefix(k)
            .and_then(|t| t.strip_prefix('-'))
            .is_some_and(|t| t == n),
        _ => text == n,
    }
}

#[derive(Default)]
pub struct Aux {
    pub fields: BTreeMap<String, String>,
    pub other: Option<String>,
}

/// `【部门:办公室】【项目:就业补助】【经济分类:30201 办公费】` → fields; unknown keys kept in `other`.
pub fn parse_aux(text: &str, keys: &BTreeMap<String, Vec<String>>) -> Aux {
    let mut aux = Aux::default();
    let mut other = Vec::new();
    let t = text.replace('：', ":");
    for seg in t.split(['【', '】', '[', ']', ';', '；', '|', '\n']) {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        let Some((k, v)) = seg.split_once(':') else {
            other.push(seg.to_string());
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        let field = keys
            .iter()
            .find(|(_, names)| names.iter().any(|n| n == k))
            .map(|(f, _)| f.clone());
        match field {
            Some(f) if !v.is_empty() => {
                aux.fields.entry(f).or_insert_with(|| v.to_string());
            }
            Some(_) => {}
            None => other.push(format!("{k}:{v}")),
        }
    }
    if !other.is_empty() {
        aux.other = Some(other.join("; "));
    }
    aux
}

fn status_of<'w>(raw: &str, words: &'w BTreeMap<String, Vec<String>>) -> &'w str {
    for (status, ws) in words {
        if ws.iter().any(|w| raw.contains(w.as_str())) {
            return status;
        }
    }
    STATUS_NORMAL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_voucher_text_is_compared_as_identity_writes_it() {
        // No 凭证字 column: the cell as it is.
        assert!(written_eq("记-5", "记-5", None, false));
        assert!(!written_eq("记-5", "记-05", None, false));
        assert!(!written_eq("记-5", "5", None, true));
        // A 凭证字 beside a number alone: `kind-number`.
        assert!(written_eq("记-5", "5", Some("记"), false));
        assert!(written_eq("收-5", "5", Some("收"), true));
        assert!(!written_eq("记-5", "5", Some("收"), false));
        assert!(!written_eq("记5", "5", Some("记"), false));
        assert!(!written_eq("5", "5", Some("记"), false));
        assert!(!written_eq("记-55", "5", Some("记"), false));
        // A voucher cell that is not all digits stays as written beside a kind …
        assert!(written_eq("记-5", "记-5", Some("收"), false));
        assert!(!written_eq("收-记-5", "记-5", Some("收"), false));
        // … unless the number comes from the number column (`always`).
        assert!(written_eq("收-记-5", "记-5", Some("收"), true));
        assert!(!written_eq("记-5", "记-5", Some("收"), true));
    }

    #[test]
    fn aux_cell_splits_into_fields() {
        let keys: BTreeMap<String, Vec<String>> = [
            ("department".to_string(), vec!["部门".to_string()]),
            ("econ".to_string(), vec!["经济分类".to_string()]),
        ]
        .into_iter()
        .collect();
        let a = parse_aux("【部门:办公室】【经济分类:30201 办公费】【其他:x】", &keys);
        assert_eq!(a.fields["department"], "办公室");
        assert_eq!(a.fields["econ"], "30201 办公费");
        assert_eq!(a.other.as_deref(), Some("其他:x"));
    }
}
