//! The ledger loader's .xlsx and UTF-8/UTF-16 CSV stream (issue 25): cells parsed on a second
//! thread, rows mapped as they arrive, the table located on the first 1,000 rows. Each test
//! builds a workbook or a text file,
//! loads it by the stream alone (`load_file_streamed`: `None` where it falls back) and by the
//! materialised grid (`load_file_materialised`), and requires `load_file` to give exactly
//! the grid's lines, openings, report and errors — and the stream to have been taken (or
//! given up) where the case says.

use reeval::load::ledger::chart::Charts;
use reeval::load::ledger::profile::Profiles;
use reeval::load::ledger::read::{
    load_file, load_file_materialised, load_file_streamed, LedgerLoad, LedgerOptions,
};
use reeval::load::report::FileReport;
use rust_xlsxwriter::Workbook;
use std::path::Path;

/// The rows a sheet's table is located on before the rest is streamed.
const PREFIX: u32 = 1000;

#[derive(Clone)]
enum C {
    S(String),
    N(f64),
}

fn s(t: impl Into<String>) -> Option<C> {
    Some(C::S(t.into()))
}

/// A sheet: (0-based row, 0-based column, value).
type Cells = Vec<(u32, u16, C)>;

fn write(path: &Path, sheets: &[(&str, Cells)]) {
    let mut wb = Workbook::new();
    for (name, cells) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, c, v) in cells {
            match v {
                C::S(t) => ws.write_string(*r, *c, t).unwrap(),
                C::N(n) => ws.write_number(*r, *c, *n).unwrap(),
            };
        }
    }
    wb.save(path).unwrap();
}

/// The unit an 核算单位 column names on the voucher with that index.
type Unit = fn(usize) -> String;

/// How a test ledger is laid out.
#[derive(Clone)]
struct Ledger {
    /// The table's first column.
    col: u16,
    /// The title line above the header (`None`: no title).
    title: Option<String>,
    /// Balanced two-line vouchers.
    vouchers: usize,
    /// Undated 期初 rows right below the header.
    openings: usize,
    /// An 核算单位 column: the unit of the voucher with that index.
    entity: Option<Unit>,
    /// Blank rows after every this many vouchers.
    gaps: Option<usize>,
}

impl Ledger {
    fn new(vouchers: usize) -> Ledger {
        Ledger {
            col: 0,
            title: Some("单位：测试单位    期间：2023年1月-2023年12月".into()),
            vouchers,
            openings: 0,
            entity: None,
            gaps: None,
        }
    }

    /// The cells, and the row below the last.
    fn cells(&self) -> (Cells, u32) {
        let mut out = Vec::new();
        let mut r = 0u32;
        if let Some(t) = &self.title {
            out.push((0, self.col, C::S(t.clone())));
            r = 2;
        }
        let mut header = vec![
            "凭证日期",
            "凭证号",
            "摘要",
            "科目编码",
            "科目名称",
            "借方金额",
            "贷方金额",
        ];
        if self.entity.is_some() {
            header.push("核算单位");
        }
        for (k, h) in header.iter().enumerate() {
            out.push((r, self.col + k as u16, C::S(h.to_string())));
        }
        r += 1;
        let mut put = |r: u32, row: Vec<Option<C>>| {
            for (k, v) in row.into_iter().enumerate() {
                if let Some(v) = v {
                    out.push((r, self.col + k as u16, v));
                }
            }
        };
        for k in 0..self.openings {
            let code = format!("1002{:04}", k + 1);
            put(
                r,
                vec![
                    None,
                    None,
                    s("期初余额"),
                    s(code),
                    s("银行存款"),
                    Some(C::N(10.0)),
                    None,
                ],
            );
            r += 1;
        }
        for v in 0..self.vouchers {
            let month = (v % 12) as u32 + 1;
            let day = (v % 28) as u32 + 1;
            let date = format!("2023-{month:02}-{day:02}");
            let no = format!("记-{}", v + 1);
            let amount = 100.0 + (v % 97) as f64;
            let unit = self.entity.map(|f| f(v));
            let mut dr = vec![
                s(&date),
                s(&no),
                s("购办公用品"),
                s("5001"),
                s("业务活动费用"),
                Some(C::N(amount)),
                None,
            ];
            let mut cr = vec![
                s(&date),
                s(&no),
                s("购办公用品"),
                s("1002"),
                s("银行存款"),
                None,
                Some(C::N(amount)),
            ];
            if let Some(u) = unit {
                dr.push(s(&u));
                cr.push(s(&u));
            }
            put(r, dr);
            put(r + 1, cr);
            r += 2;
            if self.gaps.is_some_and(|g| (v + 1) % g == 0) {
                r += 3;
            }
        }
        (out, r)
    }
}

/// One load's result as text: the lines, openings and report, or the error.
fn outcome(r: anyhow::Result<LedgerLoad>, report: &FileReport) -> String {
    match r {
        Ok(l) => format!(
            "{:?}\n{:?}\n{}",
            l.lines,
            l.opening,
            serde_json::to_string(report).unwrap()
        ),
        Err(e) => format!("error: {e}\n{}", serde_json::to_string(report).unwrap()),
    }
}

/// (stream alone: `None` when it fell back, `load_file`, the materialised grid).
fn loads(path: &Path, entity: Option<&str>) -> (Option<String>, String, String) {
    let profiles = Profiles::load(&[]).unwrap();
    let charts = Charts::builtin().unwrap();
    let opts = LedgerOptions {
        profiles: &profiles,
        profile: None,
        entity: entity.map(str::to_string),
        entity_from_engagement: entity.is_some(),
        charts: &charts,
        system: None,
        year: None,
    };
    let fresh = || FileReport {
        path: path.display().to_string(),
        kind: "ledger".into(),
        ..Default::default()
    };
    let mut a = fresh();
    let streamed = load_file_streamed(path, &mut a, &opts).map(|r| outcome(r, &a));
    let mut b = fresh();
    let r = load_file(path, &mut b, &opts);
    let chosen = outcome(r, &b);
    let mut c = fresh();
    let r = load_file_materialised(path, &mut c, &opts);
    (streamed, chosen, outcome(r, &c))
}

/// The stream was taken and gives the grid's result.
fn assert_streamed(path: &Path, entity: Option<&str>) -> String {
    let (streamed, chosen, grid) = loads(path, entity);
    let streamed = streamed.unwrap_or_else(|| panic!("{}: the stream fell back", path.display()));
    assert_eq!(streamed, grid, "{}: stream ≠ grid", path.display());
    assert_eq!(chosen, grid, "{}", path.display());
    grid
}

/// The stream gave up and `load_file` gives the grid's result.
fn assert_fell_back(path: &Path, entity: Option<&str>) -> String {
    let (streamed, chosen, grid) = loads(path, entity);
    assert!(
        streamed.is_none(),
        "{}: the stream did not fall back",
        path.display()
    );
    assert_eq!(chosen, grid, "{}", path.display());
    grid
}

#[test]
fn stream_reads_long_sheets_exactly_as_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    // Past the prefix, at column A, B and D, with and without a title, with blank runs.
    let cases: Vec<(&str, Ledger)> = vec![
        ("a.xlsx", Ledger::new(1500)),
        (
            "b.xlsx",
            Ledger {
                col: 1,
                ..Ledger::new(1200)
            },
        ),
        (
            "d.xlsx",
            Ledger {
                col: 3,
                title: None,
                gaps: Some(7),
                ..Ledger::new(900)
            },
        ),
        (
            "gaps.xlsx",
            Ledger {
                gaps: Some(1),
                ..Ledger::new(700)
            },
        ),
    ];
    for (name, l) in cases {
        let path = dir.path().join(name);
        let (cells, _) = l.cells();
        write(&path, &[("2023年序时账", cells)]);
        let out = assert_streamed(&path, None);
        assert!(out.contains("\"rows_loaded\":"), "{out}");
    }
    // Two long sheets and a short one; a note in the first column above the header.
    let path = dir.path().join("three.xlsx");
    let (mut first, _) = Ledger {
        col: 1,
        title: None,
        ..Ledger::new(800)
    }
    .cells();
    first.push((0, 0, C::S("附注：本表由系统导出".into())));
    let (second, _) = Ledger::new(1100).cells();
    let (third, _) = Ledger::new(5).cells();
    write(&path, &[("一", first), ("二", second), ("三", third)]);
    assert_streamed(&path, None);
}

#[test]
fn stream_falls_back_for_a_cell_left_or_right_of_the_table_below_the_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger {
        col: 1,
        ..Ledger::new(1500)
    };
    let (cells, end) = l.cells();
    // A note in column A below a table starting at B: every column letter moves.
    for (name, r, c) in [
        ("left-note.xlsx", PREFIX + 300, 0u16),
        ("left-footer.xlsx", end + 1, 0),
        ("right.xlsx", PREFIX + 10, 9),
        ("right-footer.xlsx", end, 12),
    ] {
        let path = dir.path().join(name);
        let mut cells = cells.clone();
        cells.push((r, c, C::S("制表人：张三".into())));
        write(&path, &[("序时账", cells)]);
        let out = assert_fell_back(&path, None);
        assert!(out.contains("rows_loaded"), "{name}: {out}");
    }
    // Look-alikes: the same cells within the prefix, or within the table's columns below it.
    for (name, r, c) in [
        ("left-in-prefix.xlsx", 1u32, 0u16),
        ("right-in-prefix.xlsx", 5, 9),
        ("inside-below.xlsx", end + 1, 3),
    ] {
        let path = dir.path().join(name);
        let mut cells = cells.clone();
        cells.push((r, c, C::S("制表人：张三".into())));
        write(&path, &[("序时账", cells)]);
        assert_streamed(&path, None);
    }
}

#[test]
fn stream_refuses_a_far_cell_below_the_prefix_as_the_grid_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    let (mut cells, _) = Ledger::new(1200).cells();
    cells.push((PREFIX + 500, 16_383, C::S("x".into())));
    write(&path, &[("序时账", cells)]);
    let out = assert_fell_back(&path, None);
    assert!(
        out.starts_with("error: ") && out.contains("XFD1501"),
        "{out}"
    );
}

#[test]
fn stream_falls_back_when_the_first_dated_line_is_below_the_prefix() {
    let dir = tempfile::tempdir().unwrap();
    // No year in the title, the sheet's or the file's name: undated 期初 rows take the year
    // of the first dated line, here below the first 1,000 rows.
    let late = Ledger {
        title: None,
        openings: PREFIX as usize + 50,
        ..Ledger::new(100)
    };
    let path = dir.path().join("late.xlsx");
    write(&path, &[("序时账", late.cells().0)]);
    let out = assert_fell_back(&path, None);
    assert!(out.contains("2023"), "{out}");
    // Look-alikes: the dated line within the prefix; or the year in the title.
    let early = Ledger {
        openings: 900,
        ..late.clone()
    };
    let path = dir.path().join("early.xlsx");
    write(&path, &[("序时账", early.cells().0)]);
    assert_streamed(&path, None);
    let titled = Ledger {
        title: Some("期间：2023年1月-2023年12月".into()),
        ..late.clone()
    };
    let path = dir.path().join("titled.xlsx");
    write(&path, &[("序时账", titled.cells().0)]);
    assert_streamed(&path, None);
}

#[test]
fn stream_falls_back_when_another_entity_appears_only_below_the_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Unit, bool); 4] = [
        // The file's own unit named far down: warned about when the sheet is located.
        (
            "late.xlsx",
            |v| {
                if v == 900 {
                    "乙单位".into()
                } else {
                    "甲单位".into()
                }
            },
            false,
        ),
        (
            "last.xlsx",
            |v| {
                if v == 1199 {
                    "丙单位（本级）".into()
                } else {
                    "甲单位".into()
                }
            },
            false,
        ),
        // Look-alikes: the same unit throughout; another unit within the prefix.
        ("same.xlsx", |_| "甲单位".into(), true),
        (
            "early.xlsx",
            |v| {
                if v == 3 {
                    "乙单位".into()
                } else {
                    "甲单位".into()
                }
            },
            true,
        ),
    ];
    for (name, unit, streams) in cases {
        let l = Ledger {
            title: Some("期间：2023年".into()),
            entity: Some(unit),
            ..Ledger::new(1200)
        };
        let path = dir.path().join(name);
        write(&path, &[("序时账", l.cells().0)]);
        let out = if streams {
            assert_streamed(&path, Some("甲单位"))
        } else {
            assert_fell_back(&path, Some("甲单位"))
        };
        let named = out.contains("\"entity_in_file\"");
        assert_eq!(named, name != "same.xlsx", "{name}: {out}");
    }
    // Without an engagement's entity the column is read per line: no watch, no fallback.
    let l = Ledger {
        entity: Some(|v| {
            if v == 900 {
                "乙单位".into()
            } else {
                "甲单位".into()
            }
        }),
        ..Ledger::new(1200)
    };
    let path = dir.path().join("column.xlsx");
    write(&path, &[("序时账", l.cells().0)]);
    assert_streamed(&path, None);
}

#[test]
fn stream_falls_back_for_a_long_sheet_without_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let (ledger, _) = Ledger::new(50).cells();
    let long: Cells = (0..PREFIX + 200)
        .map(|r| (r, 0u16, C::S(format!("说明第 {r} 行"))))
        .collect();
    let path = dir.path().join("notes.xlsx");
    write(&path, &[("序时账", ledger.clone()), ("说明", long)]);
    let out = assert_fell_back(&path, None);
    assert!(
        out.contains("1,200 行非空") || out.contains("1200 行非空"),
        "{out}"
    );
    // A short sheet without a header is read whole by the stream.
    let short: Cells = (0..20)
        .map(|r| (r, 0u16, C::S(format!("说明第 {r} 行"))))
        .collect();
    let path = dir.path().join("short-notes.xlsx");
    write(&path, &[("序时账", ledger), ("说明", short)]);
    assert_streamed(&path, None);
}

#[test]
fn stream_reads_rejections_totals_and_blank_runs_below_the_prefix_as_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cells, end) = Ledger::new(1300).cells();
    // A bad date, a line without an amount, a repeated header and a 合计 row below the prefix.
    cells.retain(|(r, c, _)| !(*r == PREFIX + 101 && *c == 0));
    cells.push((PREFIX + 101, 0, C::S("2023-13-45".into())));
    cells.retain(|(r, c, _)| !(*r == PREFIX + 201 && (*c == 5 || *c == 6)));
    for (k, h) in [
        "凭证日期",
        "凭证号",
        "摘要",
        "科目编码",
        "科目名称",
        "借方金额",
        "贷方金额",
    ]
    .iter()
    .enumerate()
    {
        cells.push((end + 40, k as u16, C::S(h.to_string())));
    }
    cells.push((end + 41, 2, C::S("合计".into())));
    let path = dir.path().join("mixed.xlsx");
    write(&path, &[("序时账", cells)]);
    let out = assert_streamed(&path, None);
    assert!(out.contains("\"rows_rejected\":"), "{out}");
    assert!(out.contains(&format!("\"row\":{}", PREFIX + 102)), "{out}");
}

/// A 明细账 without a 科目 column: its header is complete only with section headings
/// (`科目：…`) somewhere on the sheet, here at the rows given.
fn sectioned(lines: u32, headings: &[u32]) -> Cells {
    let mut out: Cells = vec![(0, 0, C::S("期间：2023年1月-12月".into()))];
    for (k, h) in ["日期", "凭证号", "摘要", "借方", "贷方"]
        .iter()
        .enumerate()
    {
        out.push((1, k as u16, C::S(h.to_string())));
    }
    let mut r = 2u32;
    let mut n = 0u32;
    while n < lines {
        if headings.contains(&r) {
            let code = if r < PREFIX {
                "5001 业务活动费用"
            } else {
                "5101 单位管理费用"
            };
            out.push((r, 0, C::S(format!("科目：{code}"))));
        } else {
            n += 1;
            let date = format!("2023-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
            out.push((r, 0, C::S(date)));
            out.push((r, 1, C::S(format!("记-{n}"))));
            out.push((r, 2, C::S("购纸".into())));
            out.push((r, 3, C::N(10.0 + (n % 13) as f64)));
        }
        r += 1;
    }
    out
}

#[test]
fn stream_falls_back_when_section_headings_stand_only_below_the_prefix() {
    let dir = tempfile::tempdir().unwrap();
    // The only heading far down: the header is a 明细账's only with it.
    let path = dir.path().join("late-heading.xlsx");
    write(&path, &[("明细账", sectioned(1300, &[PREFIX + 150]))]);
    let out = assert_fell_back(&path, None);
    assert!(out.contains("5101"), "{out}");
    // Look-alike: a heading within the prefix too (above the first lines), another below.
    let path = dir.path().join("early-heading.xlsx");
    write(&path, &[("明细账", sectioned(1300, &[2, PREFIX + 150]))]);
    let out = assert_streamed(&path, None);
    assert!(out.contains("5001") && out.contains("5101"), "{out}");
}

/// How a test CSV is encoded.
#[derive(Clone, Copy)]
enum Enc {
    Utf8,
    Utf8Bom,
    /// Excel's “Unicode text”: UTF-16LE with BOM, tab-separated.
    Utf16Tabs,
    Gbk,
}

/// The cells as a delimited text file: rows from the file's first line, columns from its
/// first field (a CSV's grid is anchored there, not at its first valued cell).
fn write_csv(path: &Path, cells: &Cells, enc: Enc) {
    let rows = cells.iter().map(|c| c.0).max().map_or(0, |r| r + 1) as usize;
    let mut grid: Vec<Vec<String>> = vec![Vec::new(); rows];
    for (r, c, v) in cells {
        let row = &mut grid[*r as usize];
        if row.len() <= *c as usize {
            row.resize(*c as usize + 1, String::new());
        }
        row[*c as usize] = match v {
            C::S(t) => t.clone(),
            C::N(n) => format!("{n}"),
        };
    }
    let sep = if matches!(enc, Enc::Utf16Tabs) {
        "\t"
    } else {
        ","
    };
    let text: String = grid
        .iter()
        .map(|r| format!("{}\r\n", r.join(sep)))
        .collect();
    let bytes = match enc {
        Enc::Utf8 => text.into_bytes(),
        Enc::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Enc::Utf16Tabs => {
            let mut b = vec![0xFF, 0xFE];
            for u in text.encode_utf16() {
                b.extend_from_slice(&u.to_le_bytes());
            }
            b
        }
        Enc::Gbk => encoding_rs::GBK.encode(&text).0.into_owned(),
    };
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn stream_reads_long_csv_files_exactly_as_the_grid_in_each_utf_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Ledger, Enc)> = vec![
        ("a.csv", Ledger::new(1500), Enc::Utf8),
        (
            "b.csv",
            Ledger {
                col: 2,
                gaps: Some(5),
                ..Ledger::new(800)
            },
            Enc::Utf8Bom,
        ),
        (
            "c.csv",
            Ledger {
                title: None,
                openings: 3,
                ..Ledger::new(700)
            },
            Enc::Utf16Tabs,
        ),
        // Shorter than the prefix: read whole, as the grid.
        ("short.csv", Ledger::new(100), Enc::Utf8),
    ];
    for (name, l, enc) in cases {
        let path = dir.path().join(name);
        write_csv(&path, &l.cells().0, enc);
        let grid = assert_streamed(&path, None);
        assert!(grid.contains("\"rows_loaded\""), "{name}: {grid}");
    }
}

#[test]
fn stream_falls_back_for_a_gbk_csv_and_for_a_field_beyond_the_prefixs_columns() {
    let dir = tempfile::tempdir().unwrap();
    // GBK: its encoding is decided record by record on the whole file.
    let gbk = dir.path().join("gbk.csv");
    write_csv(&gbk, &Ledger::new(700).cells().0, Enc::Gbk);
    assert_fell_back(&gbk, None);
    // A note two columns right of the table, below the prefix: the grid is wider there.
    let (mut cells, end) = Ledger::new(700).cells();
    cells.push((end + 1, 9, C::S("备注：以下空白".into())));
    let wide = dir.path().join("wide.csv");
    write_csv(&wide, &cells, Enc::Utf8);
    assert_fell_back(&wide, None);
    // The same note inside the prefix streams.
    let (mut cells, _) = Ledger::new(700).cells();
    cells.push((5, 9, C::S("备注".into())));
    let inside = dir.path().join("inside.csv");
    write_csv(&inside, &cells, Enc::Utf8);
    assert_streamed(&inside, None);
}

#[test]
fn stream_falls_back_for_bad_utf8_below_the_prefix_and_streams_long_texts() {
    let dir = tempfile::tempdir().unwrap();
    // Valid UTF-8 down to row ~2000, then one summary with a byte no UTF-8 text holds (and
    // one with a truncated sequence): the stream finds it on that field and gives up; the
    // grid reads the file record by record and rejects that row.
    for (name, bad) in [("ff.csv", &b"\xff"[..]), ("cut.csv", &b"\xe5\x8a"[..])] {
        let path = dir.path().join(name);
        write_csv(&path, &Ledger::new(1500).cells().0, Enc::Utf8);
        let text = std::fs::read(&path).unwrap();
        let at = text
            .windows("购办公用品".len())
            .enumerate()
            .filter(|(_, w)| *w == "购办公用品".as_bytes())
            .nth(2000)
            .map(|(i, _)| i)
            .unwrap();
        let bytes = [&text[..at], bad, &text[at..]].concat();
        std::fs::write(&path, bytes).unwrap();
        let grid = assert_fell_back(&path, None);
        assert!(grid.contains("无法按"), "{name}: {grid}");
    }
    // Long texts (a batch is sent at 1 MB of text as well as at 8,192 cells) and texts
    // that repeat a row's neighbours: streamed exactly as the grid.
    let (mut cells, _) = Ledger::new(1500).cells();
    for (r, c, v) in cells.iter_mut() {
        if *c == 2 && *r > 10 {
            if let C::S(t) = v {
                *t = match *r % 3 {
                    0 => "长摘要".repeat(2000 + *r as usize % 50),
                    1 => String::new() + "短",
                    _ => t.clone(),
                };
            }
        }
    }
    let long = dir.path().join("long.csv");
    write_csv(&long, &cells, Enc::Utf8);
    let grid = assert_streamed(&long, None);
    assert!(grid.contains(&"长摘要".repeat(2000)), "long texts kept");
}
