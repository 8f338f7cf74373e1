//! Sparse and hostile sheets (issue 14, item 5): a workbook of a few KB whose cells lie far
//! apart must not make reeval allocate a grid sized by its farthest cell. Each file is either
//! loaded in memory proportional to the cells it holds or refused with one sentence naming
//! the sheet and the far cell (exit 2) — never an abort.
//!
//! Peak memory is the child's `VmHWM` (the high-water mark of its own address space, read
//! from /proc while it runs). `wait4`'s `ru_maxrss` cannot be used: a child spawned by
//! vfork inherits the test process's high-water mark at exec, and the test process is big.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

/// Peak resident memory a `reeval load` of a small ledger may use; loading the clean fixture
/// takes about 25 MB, the sheets below took 380 MB to 512 GiB before the fix.
const BOUNDED_KIB: u64 = 150 * 1024;

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Run `reeval ARGS…`, returning its output and peak RSS in KiB (sampled every millisecond;
/// the high-water mark only grows, so a sample taken late sees every earlier peak).
fn run_measured(args: &[&str], secs: u64) -> (Output, u64) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run reeval");
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        so.read_to_end(&mut b).ok();
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        se.read_to_end(&mut b).ok();
        b
    });
    let start = Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Some(k) = vm_hwm_kib(child.id()) {
            peak = peak.max(k);
        }
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("reeval did not finish within {secs} s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let out = Output {
        status,
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
    };
    (out, peak)
}

fn load_measured(file: &Path) -> (Output, u64) {
    run_measured(&["load", p(file)], 60)
}

fn refused_naming(out: &Output, words: &[&str]) {
    let e = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    for w in words {
        assert!(e.contains(w), "expected “{w}” in: {e}");
    }
    assert!(
        !e.contains("panicked") && !e.contains("memory allocation"),
        "{e}"
    );
}

/// The ymd fixture ledger with `extra` XML spliced in before `</sheetData>`.
fn ledger_with(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let good = dir.join("好.xlsx");
    if !good.exists() {
        reeval::fixtures::write_ymd(&good).unwrap();
    }
    let mut src = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut patched = false;
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let entry = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if entry.starts_with("xl/worksheets/sheet") {
            let text = String::from_utf8(data).unwrap();
            data = text
                .replace("</sheetData>", &format!("{extra}</sheetData>"))
                .into_bytes();
            patched = true;
        }
        z.start_file(entry, opts).unwrap();
        z.write_all(&data).unwrap();
    }
    z.finish().unwrap();
    assert!(patched);
    path
}

fn rows_of(report: &serde_json::Value) -> (u64, u64) {
    let f = &report["files"][0];
    (
        f["rows_loaded"].as_u64().unwrap(),
        f["rows_rejected"].as_u64().unwrap(),
    )
}

fn clean_rows(dir: &Path) -> (u64, u64) {
    let good = dir.join("好.xlsx");
    if !good.exists() {
        reeval::fixtures::write_ymd(&good).unwrap();
    }
    let (out, rep) = cli_load(dir, &[p(&good)]);
    assert!(out.status.success(), "{}", stderr(&out));
    rows_of(&rep.unwrap())
}

const FAR: &str = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;

#[test]
fn sparse_xlsx_a_value_at_xfd1048576_is_refused_naming_sheet_and_cell() {
    // Before: calamine sized the grid A1:XFD1048576 — 512 GiB, abort (exit 134).
    let d = tmp();
    let path = ledger_with(d.path(), "远.xlsx", FAR);
    assert!(std::fs::metadata(&path).unwrap().len() < 64 * 1024);
    let (out, kib) = load_measured(&path);
    refused_naming(&out, &["远.xlsx", "Sheet1", "XFD1048576", "未读取"]);
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
}

#[test]
fn sparse_xlsx_a_value_at_z1048576_is_refused_in_bounded_memory() {
    // Before: 880 MB for a 27-million-cell grid holding a few hundred values.
    let d = tmp();
    let extra = r#"<row r="1048576"><c r="Z1048576"><v>1</v></c></row>"#;
    let path = ledger_with(d.path(), "Z.xlsx", extra);
    let (out, kib) = load_measured(&path);
    refused_naming(&out, &["Sheet1", "Z1048576"]);
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
}

#[test]
fn sparse_xlsx_blank_and_empty_string_cells_far_away_load_like_the_clean_file() {
    // A blank styled cell, an empty string and a whitespace-only string at XFD1048576 hold
    // nothing: the sheet loads exactly as without them, in little memory. Before: the empty
    // string alone made calamine abort.
    let d = tmp();
    let want = clean_rows(d.path());
    for (name, cell) in [
        ("blank.xlsx", r#"<c r="XFD1048576" s="1"/>"#),
        (
            "empty.xlsx",
            r#"<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>"#,
        ),
        (
            "space.xlsx",
            r#"<c r="XFD1048576" t="inlineStr"><is><t xml:space="preserve">  　</t></is></c>"#,
        ),
        ("str.xlsx", r#"<c r="XFD1048576" t="str"><v></v></c>"#),
    ] {
        let path = ledger_with(d.path(), name, &format!(r#"<row r="1048576">{cell}</row>"#));
        let (out, kib) = load_measured(&path);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(kib < BOUNDED_KIB, "{name}: peak {kib} KiB");
        let (out, rep) = cli_load(d.path(), &[p(&path)]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(rows_of(&rep.unwrap()), want, "{name}");
    }
}

#[test]
fn sparse_xlsx_rows_of_empty_strings_to_the_last_row_load_in_bounded_memory() {
    // Before: 453 MB (a grid of every row down to 1,048,576) and a walk over a million
    // empty rows.
    let d = tmp();
    let want = clean_rows(d.path());
    let mut extra = String::new();
    for r in 1000..=1_048_576u32 {
        extra.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t></t></is></c><c r="J{r}" t="inlineStr"><is><t></t></is></c></row>"#
        ));
    }
    let path = ledger_with(d.path(), "空行.xlsx", &extra);
    let (out, kib) = load_measured(&path);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
    let (_, rep) = cli_load(d.path(), &[p(&path)]);
    assert_eq!(rows_of(&rep.unwrap()), want);
}

#[test]
fn sparse_csv_a_far_field_is_refused_and_a_wide_empty_line_is_harmless() {
    let d = tmp();
    let head = "日期,凭证号,摘要,科目代码,科目名称,借方金额,贷方金额\n\
                2023-01-05,记-1,购办公用品,5201,商品和服务支出,100.00,\n\
                2023-01-05,记-1,购办公用品,1011,零余额账户用款额度,,100.00\n";
    // 2,000 lines, then a value 1,000,000 columns to the right: before, a 2-billion-cell
    // grid (64 GB, abort); now refused.
    let mut text = head.to_string();
    for _ in 0..2000 {
        text.push_str(",,,,,,\n");
    }
    text.push_str(&",".repeat(1_000_000));
    text.push_str("x\n");
    let far = d.path().join("远.csv");
    std::fs::write(&far, &text).unwrap();
    let (out, kib) = load_measured(&far);
    refused_naming(&out, &["远.csv", "未读取"]);
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
    // The same line without the value widens nothing.
    let wide = d.path().join("宽.csv");
    std::fs::write(&wide, format!("{head}{}\n", ",".repeat(1_000_000))).unwrap();
    let (out, kib) = load_measured(&wide);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
}

#[test]
fn sparse_spreadsheetml_a_huge_ss_index_is_refused() {
    // Before: ss:Index="1048576" on a row and "16384" on a cell built the whole grid (512
    // GiB, abort); an index near u32::MAX overflowed.
    let d = tmp();
    let path = d.path().join("表格.xls");
    for (row, col) in [("1048576", "16384"), ("4294967295", "4294967295")] {
        let xml = format!(
            r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="序时账"><Table>
<Row><Cell><Data ss:Type="String">日期</Data></Cell><Cell><Data ss:Type="String">凭证号</Data></Cell></Row>
<Row ss:Index="{row}"><Cell ss:Index="{col}" ss:MergeAcross="5"><Data ss:Type="String">x</Data></Cell><Cell><Data ss:Type="String">y</Data></Cell></Row>
</Table></Worksheet></Workbook>"#
        );
        std::fs::write(&path, xml).unwrap();
        let (out, kib) = load_measured(&path);
        refused_naming(&out, &["序时账", "未读取"]);
        assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
    }
}

#[test]
fn sparse_html_huge_colspans_are_not_materialised() {
    // 20,000 cells of colspan=1000 in 40 KB: before, 20 million empty strings (~500 MB) and a
    // 20-million-column grid; now the far value is refused in little memory.
    let d = tmp();
    let path = d.path().join("网页.xls");
    let html = format!(
        "<html><table><tr><td>日期</td><td>凭证号</td></tr><tr>{}<td>x</td></tr></table></html>",
        "<td colspan=1000></td>".repeat(20_000)
    );
    std::fs::write(&path, html).unwrap();
    let (out, kib) = load_measured(&path);
    refused_naming(&out, &["表1", "未读取"]);
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
}

/// A BIFF8 record.
fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend((data.len() as u16).to_le_bytes());
    v.extend(data);
    v
}

/// A minimal BIFF8 .xls: one worksheet “序时账” with the given Number cells, and a
/// Dimensions record (first row, last row + 1, first col, last col + 1) when given.
fn write_xls(path: &Path, cells: &[(u16, u16, f64)], dims: Option<(u32, u32, u16, u16)>) {
    let bof = |dt: u16| {
        let mut d = vec![0u8; 16];
        d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&dt.to_le_bytes());
        rec(0x0809, &d)
    };
    let name: Vec<u8> = "序时账"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let boundsheet_len = 4 + 8 + name.len();
    let globals_len = bof(5).len() + boundsheet_len + 4;
    let mut bs = (globals_len as u32).to_le_bytes().to_vec();
    bs.extend([0, 0, 3, 1]);
    bs.extend(&name);
    let mut stream = bof(5);
    stream.extend(rec(0x0085, &bs));
    stream.extend(rec(0x000A, &[]));
    assert_eq!(stream.len(), globals_len);
    stream.extend(bof(0x10));
    if let Some((rf, rl, cf, cl)) = dims {
        let mut d = Vec::new();
        d.extend(rf.to_le_bytes());
        d.extend(rl.to_le_bytes());
        d.extend(cf.to_le_bytes());
        d.extend(cl.to_le_bytes());
        d.extend([0, 0]);
        stream.extend(rec(0x0200, &d));
    }
    for &(r, c, v) in cells {
        let mut d = Vec::new();
        d.extend(r.to_le_bytes());
        d.extend(c.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(v.to_le_bytes());
        stream.extend(rec(0x0203, &d));
    }
    stream.extend(rec(0x000A, &[]));
    let mut c = cfb::create(path).unwrap();
    c.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    c.flush().unwrap();
}

#[test]
fn sparse_xls_far_cells_and_huge_declared_ranges_are_refused_before_calamine() {
    let d = tmp();
    let path = d.path().join("旧.xls");
    // Two numbers at A1 and the farthest cell a BIFF record can address: before, calamine
    // built a 4-billion-cell grid on open (abort).
    write_xls(&path, &[(0, 0, 1.0), (65535, 65535, 2.0)], None);
    assert!(
        std::fs::metadata(&path).unwrap().len() < 64 * 1024,
        "a small file"
    );
    let (out, kib) = load_measured(&path);
    refused_naming(&out, &["旧.xls", "序时账", "未读取"]);
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
    // A used range declared as 4 billion rows: calamine reserved room for it (abort).
    write_xls(&path, &[(0, 0, 1.0)], Some((0, u32::MAX, 0, 256)));
    let (out, kib) = load_measured(&path);
    refused_naming(&out, &["旧.xls", "序时账", "上限"]);
    assert!(kib < BOUNDED_KIB, "peak {kib} KiB");
    // A well-formed small sheet still opens (it has no ledger header, so it is refused for
    // that, not for its size).
    write_xls(&path, &[(0, 0, 1.0), (3, 2, 2.0)], Some((0, 4, 0, 3)));
    let (out, _) = load_measured(&path);
    let e = stderr(&out);
    assert!(!e.contains("未读取") && !e.contains("上限"), "{e}");
}
