//! Writing one sheet of the workbook: the header block, the table under the layout's columns,
//! and the conventions every sheet shares (frozen header, autofilter, validation lists for the
//! auditor's columns, A4 landscape with the header row repeated and 索引号 in the footer).

use super::layout::{Column, SheetLayout};
use super::SheetContext;
use crate::model::money::Fen;
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Formula, Url, Worksheet,
};

/// The row (0-based) of the table's column headers; the header block is above it.
pub const HEADER_ROW: u32 = 8;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Text, always written as a string (never a formula, whatever it starts with).
    Text(String),
    /// Money in 分, written as the number of 元 with `#,##0.00`.
    Money(Fen),
    Int(i64),
    /// A score or ratio, exact as a decimal.
    Dec(Decimal),
    Date(NaiveDate),
    /// An internal hyperlink: the text shown, the target (`'E2 凭证明细'!A7`).
    Link(String, String),
    /// A formula with the value it computes (so readers that do not recalculate see it),
    /// and whether that value is money.
    Formula(String, Decimal, bool),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    pub fn opt(s: Option<&str>) -> Cell {
        s.map(Cell::text).unwrap_or(Cell::Empty)
    }

    /// 元 (a document's decimal) as money; a value finer than 分 is rounded as money is.
    pub fn yuan(d: Option<Decimal>) -> Cell {
        d.and_then(Fen::from_yuan)
            .map(Cell::Money)
            .unwrap_or(Cell::Empty)
    }

    pub fn date_str(s: Option<&str>) -> Cell {
        match s {
            Some(t) => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) => Cell::Date(d),
                Err(_) => Cell::text(t),
            },
            None => Cell::Empty,
        }
    }
}

pub struct Formats {
    pub title: Format,
    pub label: Format,
    pub value: Format,
    pub head: Format,
    pub head_key: Format,
    pub head_auditor: Format,
    pub text: Format,
    pub money: Format,
    pub int: Format,
    pub dec: Format,
    pub date: Format,
    pub link: Format,
    pub auditor: Format,
    /// An auditor's date or amount carried from review.toml (shaded as the column).
    pub auditor_date: Format,
    pub auditor_money: Format,
    pub section: Format,
    pub bold_money: Format,
    pub bold_dec: Format,
    /// A signature or date slot of the header block.
    pub sign: Format,
    pub bold_text: Format,
    pub bold_date: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_align(FormatAlign::Top);
        let grid = base.clone().set_border(FormatBorder::Thin);
        let head = grid
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xDDEBF7));
        Formats {
            title: base.clone().set_bold().set_font_size(14),
            label: base.clone().set_bold(),
            value: base.clone(),
            head_key: head.clone().set_background_color(Color::RGB(0xE2EFDA)),
            head_auditor: head.clone().set_background_color(Color::RGB(0xFFE699)),
            head,
            text: grid.clone().set_text_wrap(),
            money: grid.clone().set_num_format("#,##0.00"),
            int: grid.clone().set_num_format("#,##0"),
            dec: grid.clone().set_num_format("0.00"),
            date: grid.clone().set_num_format("yyyy-mm-dd"),
            link: grid
                .clone()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single)
                .set_text_wrap(),
            auditor: grid
                .clone()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_text_wrap(),
            auditor_date: grid
                .clone()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_num_format("yyyy-mm-dd"),
            auditor_money: grid
                .clone()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_num_format("#,##0.00"),
            section: base.clone().set_bold().set_font_size(11),
            sign: base
                .clone()
                .set_border_bottom(FormatBorder::Thin)
                .set_num_format("yyyy-mm-dd"),
            bold_text: grid
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xF2F2F2)),
            bold_date: grid
                .clone()
                .set_bold()
                .set_num_format("yyyy-mm-dd")
                .set_background_color(Color::RGB(0xF2F2F2)),
            bold_money: grid.clone().set_bold().set_num_format("#,##0.00"),
            bold_dec: grid.set_bold().set_num_format("0.00"),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        d.month() as u8,
        d.day() as u8,
    )?)
}

/// Write one value with the format its kind takes (`bold` for totals).
pub fn put(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell, f: &Formats) -> Result<()> {
    put_as(ws, row, col, cell, f, false)
}

pub fn put_as(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    f: &Formats,
    bold: bool,
) -> Result<()> {
    match cell {
        Cell::Empty => {
            ws.write_blank(row, col, &f.text)?;
        }
        Cell::Text(s) => {
            let fm = if bold { &f.bold_text } else { &f.text };
            ws.write_string_with_format(row, col, fit(s).as_ref(), fm)?;
        }
        Cell::Money(m) => {
            let fm = if bold { &f.bold_money } else { &f.money };
            ws.write_number_with_format(row, col, fen_f64(*m), fm)?;
        }
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.int)?;
        }
        Cell::Dec(d) => {
            let fm = if bold { &f.bold_dec } else { &f.dec };
            ws.write_number_with_format(row, col, dec_f64(*d), fm)?;
        }
        Cell::Date(d) => {
            let fm = if bold { &f.bold_date } else { &f.date };
            ws.write_datetime_with_format(row, col, excel_date(*d)?, fm)?;
        }
        Cell::Link(text, target) => {
            let url = Url::new(format!("internal:{target}")).set_text(fit(text).as_ref());
            ws.write_url_with_format(row, col, url, &f.link)?;
        }
        Cell::Formula(formula, value, money) => {
            let fm = match (money, bold) {
                (true, true) => &f.bold_money,
                (true, false) => &f.money,
                (false, true) => &f.bold_dec,
                (false, false) => &f.dec,
            };
            let fo = Formula::new(formula).set_result(value.normalize().to_string());
            ws.write_formula_with_format(row, col, fo, fm)?;
        }
    }
    Ok(())
}

/// The most characters a cell holds (Excel's limit).
pub const MAX_CELL_CHARS: usize = 32_767;

/// Text as a cell can hold it: a longer text (a finding that lists thousands of vouchers) is
/// cut, saying so and where the whole of it is.
pub fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    let n = s.chars().count();
    if n <= MAX_CELL_CHARS {
        return s.into();
    }
    let note = format!("……（以下从略：全文 {n} 字，见结果目录中的 JSON 文件）");
    let keep = MAX_CELL_CHARS - note.chars().count();
    let cut: String = s.chars().take(keep).collect();
    format!("{cut}{note}").into()
}

/// 分 as the double nearest to the exact number of 元 (an i64 of 分 below 2^53 is exact, and
/// one correctly rounded division gives the nearest double to fen/100).
pub fn fen_f64(m: Fen) -> f64 {
    m.0 as f64 / 100.0
}

fn dec_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}

/// The header block: the title, then one label and value a row — 被评价单位, 评价期间,
/// 索引号, 编制人 and 复核人 each with a 日期 cell for the signature, 编制单位.
pub fn header_block(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    cx: &SheetContext,
    f: &Formats,
) -> Result<()> {
    let h = &cx.layout.header;
    ws.set_row_height(0, 22)?;
    ws.write_string_with_format(0, 0, &sl.title, &f.title)?;
    let rows: [(&str, &str, bool); 6] = [
        (&h.unit, &cx.department, false),
        (&h.period, &cx.period, false),
        (&h.index, &sl.index, false),
        (&h.preparer, &cx.preparer, true),
        (&h.reviewer, &cx.reviewer, true),
        (&h.firm, &cx.firm, false),
    ];
    for (k, (label, value, dated)) in rows.iter().enumerate() {
        let r = 1 + k as u32;
        ws.write_string_with_format(r, 0, *label, &f.label)?;
        if !value.is_empty() {
            ws.write_string_with_format(r, 1, *value, &f.value)?;
        } else if *dated {
            ws.write_blank(r, 1, &f.sign)?;
        }
        if *dated {
            // The date is left for the signature.
            ws.write_string_with_format(r, 2, &h.date, &f.label)?;
            ws.write_blank(r, 3, &f.sign)?;
        }
    }
    Ok(())
}

/// The column headers (row [`HEADER_ROW`]) and widths.
pub fn column_headers(ws: &mut Worksheet, sl: &SheetLayout, f: &Formats) -> Result<()> {
    for (i, c) in sl.columns.iter().enumerate() {
        let i = i as u16;
        let fm = if c.auditor {
            &f.head_auditor
        } else if c.key {
            &f.head_key
        } else {
            &f.head
        };
        ws.write_string_with_format(HEADER_ROW, i, &c.header, fm)?;
        ws.set_column_width(i, c.width)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;
    Ok(())
}

/// One table row: each layout column's value from `value(id)`; the auditor's columns shaded,
/// blank unless `value` gives the judgement carried from review.toml, and plain blank when
/// `auditor` is false (a line under a voucher's header row).
pub fn table_row(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    row: u32,
    value: &dyn Fn(&str) -> Cell,
    auditor: bool,
    f: &Formats,
) -> Result<()> {
    table_row_styled(ws, sl, row, value, auditor, false, f)
}

/// [`table_row`], in bold when `bold` (a voucher's header row above its lines).
pub fn table_row_styled(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    row: u32,
    value: &dyn Fn(&str) -> Cell,
    auditor: bool,
    bold: bool,
    f: &Formats,
) -> Result<()> {
    let cells: Vec<Option<Cell>> = sl
        .columns
        .iter()
        .map(|c| (!c.auditor || auditor).then(|| value(&c.id)))
        .collect();
    let lines = sl
        .columns
        .iter()
        .zip(&cells)
        .map(|(c, v)| match v {
            Some(Cell::Text(t)) | Some(Cell::Link(t, _)) => text_lines(t, c.width),
            _ => 1,
        })
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, row_height(lines))?;
    }
    for (i, (c, v)) in sl.columns.iter().zip(cells).enumerate() {
        let i = i as u16;
        if c.auditor {
            match (auditor, v) {
                (false, _) => {
                    ws.write_blank(row, i, &f.text)?;
                }
                (true, None | Some(Cell::Empty)) => {
                    ws.write_blank(row, i, &f.auditor)?;
                }
                (true, Some(v)) => put_auditor(ws, row, i, &v, f)?,
            }
        } else if let Some(v) = v {
            put_as(ws, row, i, &v, f, bold)?;
        }
    }
    Ok(())
}

/// A judgement carried into an auditor's cell, shaded as the column.
fn put_auditor(ws: &mut Worksheet, row: u32, col: u16, v: &Cell, f: &Formats) -> Result<()> {
    match v {
        Cell::Date(d) => {
            ws.write_datetime_with_format(row, col, excel_date(*d)?, &f.auditor_date)?;
        }
        Cell::Money(m) => {
            ws.write_number_with_format(row, col, fen_f64(*m), &f.auditor_money)?;
        }
        Cell::Dec(d) => {
            ws.write_number_with_format(row, col, dec_f64(*d), &f.auditor)?;
        }
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.auditor)?;
        }
        Cell::Text(t) | Cell::Link(t, _) | Cell::Formula(t, _, _) => {
            ws.write_string_with_format(row, col, fit(t).as_ref(), &f.auditor)?;
        }
        Cell::Empty => {
            ws.write_blank(row, col, &f.auditor)?;
        }
    }
    Ok(())
}

/// Lines a wrapped text takes in a column `width` characters wide (a Chinese character is
/// two), at most [`MAX_LINES`]: rows are given their height, as neither Excel nor LibreOffice
/// measures wrapped text of a file it did not lay out itself on every platform.
pub fn text_lines(text: &str, width: f64) -> u32 {
    let usable = (width - 1.0).max(1.0);
    let n: u32 = text
        .split('\n')
        .map(|seg| {
            let units: f64 = seg
                .chars()
                .map(|c| if (c as u32) >= 0x2E80 { 2.0 } else { 1.1 })
                .sum();
            ((units / usable).ceil() as u32).max(1)
        })
        .sum();
    n.clamp(1, MAX_LINES)
}

/// The tallest a row is made: longer text is still all in the cell (and shown whole in the
/// formula bar), the row just does not grow past a screen.
pub const MAX_LINES: u32 = 12;

pub fn row_height(lines: u32) -> f64 {
    13.5 * lines as f64 + 2.0
}

/// Freeze the header, filter, validate the auditor's columns over `first..last` (rows of the
/// table, last exclusive) and set up printing.
pub fn finish(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    last: u32,
    cx: &SheetContext,
    validated_rows: &[(u32, u32)],
) -> Result<()> {
    let ncols = sl.columns.len() as u16;
    if ncols > 0 {
        ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
        let end = last.max(HEADER_ROW + 1) - 1;
        ws.autofilter(HEADER_ROW, 0, end, ncols - 1)?;
        ws.set_repeat_rows(0, HEADER_ROW)?;
        // The first column (the key on the judged sheets) on every page across.
        ws.set_repeat_columns(0, 0)?;
        for (i, c) in sl.columns.iter().enumerate() {
            if !c.auditor {
                continue;
            }
            if let Some(dv) = validation(c)? {
                for &(a, b) in validated_rows {
                    if b > a {
                        ws.add_data_validation(a, i as u16, b - 1, i as u16, &dv)?;
                    }
                }
            }
        }
    }
    let width: f64 = sl.columns.iter().map(|c| c.width).sum();
    print_setup(ws, &sl.index, cx, width);
    Ok(())
}

/// A4 landscape, fitted to as many pages across as keep the text legible (about 180
/// characters of column width a page), the footer with the index number and page.
pub fn print_setup(ws: &mut Worksheet, index: &str, cx: &SheetContext, width: f64) {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(((width / 180.0).ceil() as u16).max(1), 0);
    let index = if index.is_empty() {
        String::new()
    } else {
        format!("{}：{}", cx.layout.header.index, amp(index))
    };
    ws.set_footer(format!("&L{index}&C第 &P 页，共 &N 页&R{}", amp(&cx.firm)));
}

/// Text for a header or footer: `&` is a control character there.
fn amp(s: &str) -> String {
    s.replace('&', "&&")
}

fn validation(c: &Column) -> Result<Option<DataValidation>> {
    if !c.choices.is_empty() {
        let list: Vec<&str> = c.choices.iter().map(String::as_str).collect();
        return Ok(Some(
            DataValidation::new()
                .allow_list_strings(&list)?
                .set_error_message(format!("请从列表中选择：{}", list.join("、")))?,
        ));
    }
    match c.kind.as_deref() {
        Some("date") => Ok(Some(
            DataValidation::new()
                .allow_date(DataValidationRule::GreaterThan(ExcelDateTime::from_ymd(
                    1990, 1, 1,
                )?))
                .set_error_message("请输入日期（如 2024-03-15）")?,
        )),
        Some("number") => Ok(Some(
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(-1e15))
                .set_error_message("请输入数字")?,
        )),
        _ => Ok(None),
    }
}

/// A section heading below a table.
pub fn section(ws: &mut Worksheet, row: u32, text: &str, f: &Formats) -> Result<()> {
    ws.write_string_with_format(row, 0, text, &f.section)?;
    Ok(())
}

/// A titled small table below the main one: the section title on `row`, then
/// [`sub_table`] below it; returns what `sub_table` returns.
pub fn titled_table(
    ws: &mut Worksheet,
    row: u32,
    title: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
    f: &Formats,
) -> Result<u32> {
    section(ws, row, title, f)?;
    sub_table(ws, row + 1, headers, rows, f)
}

/// A small table of its own below the main one: headers then rows.
pub fn sub_table(
    ws: &mut Worksheet,
    row: u32,
    headers: &[&str],
    rows: &[Vec<Cell>],
    f: &Formats,
) -> Result<u32> {
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &f.head)?;
    }
    let mut r = row + 1;
    for cells in rows {
        for (i, c) in cells.iter().enumerate() {
            put(ws, r, i as u16, c, f)?;
        }
        r += 1;
    }
    Ok(r)
}

/// `'E2 凭证明细'!A7`: a cell on a sheet, for a hyperlink or a formula.
pub fn cell_ref(sheet: &str, row: u32, col: u16) -> String {
    format!(
        "{}!{}",
        rust_xlsxwriter::utility::quote_sheet_name(sheet),
        rust_xlsxwriter::utility::row_col_to_cell(row, col)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_text_lines_count_chinese_as_two_and_stop_at_the_cap() {
        assert_eq!(text_lines("", 10.0), 1);
        assert_eq!(text_lines("abc", 10.0), 1);
        // Nine usable units: four Chinese characters fit, five do not.
        assert_eq!(text_lines("一二三四", 10.0), 1);
        assert_eq!(text_lines("一二三四五", 10.0), 2);
        assert_eq!(text_lines("a\nb\nc", 10.0), 3);
        assert_eq!(text_lines(&"字".repeat(10_000), 10.0), MAX_LINES);
    }

    #[test]
    fn text_beyond_the_cell_limit_is_cut_saying_so() {
        let long = "凭证".repeat(20_000);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with("见结果目录中的 JSON 文件）") && cut.contains("全文 40000 字"));
        assert_eq!(fit("短文本"), "短文本");
        assert_eq!(fit(&"x".repeat(MAX_CELL_CHARS)).len(), MAX_CELL_CHARS);
    }

    #[test]
    fn money_is_the_nearest_double_to_the_exact_yuan() {
        for (fen, text) in [
            (603_977, "6039.77"),
            (1, "0.01"),
            (-25, "-0.25"),
            (10_000_000_000_099, "100000000000.99"),
        ] {
            assert_eq!(fen_f64(Fen(fen)), text.parse::<f64>().unwrap());
        }
    }
}
