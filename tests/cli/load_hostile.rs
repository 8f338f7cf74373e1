//! Hostile and broken files: each answered by one plain sentence and exit status 2, or, where
//! the file is readable, by an honest load — never a panic or a hang (every run is bounded).

use crate::common::*;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Output;

/// `reeval load FILE`, killed (and the test failed) if it takes longer than `secs`.
fn load_within(file: &Path, secs: u64) -> Output {
    let mut cmd = bin();
    cmd.args(["load", p(file)]);
    output_within(cmd, secs)
}

fn refused(out: &Output, words: &str) {
    let e = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains(words), "expected “{words}” in: {e}");
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn a_password_protected_workbook_is_named_as_such() {
    let d = tmp();
    let path = d.path().join("加密.xlsx");
    // The shape Office writes: an OLE container with EncryptionInfo and EncryptedPackage.
    let mut c = cfb::create(&path).unwrap();
    c.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    c.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0x5a; 8192])
        .unwrap();
    c.flush().unwrap();
    drop(c);
    refused(&load_within(&path, 10), "密码保护");
}

#[test]
fn a_zip_bomb_is_refused_before_parsing() {
    let d = tmp();
    let path = d.path().join("炸弹.xlsx");
    let f = std::fs::File::create(&path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    refused(&load_within(&path, 20), "压缩炸弹");
}

#[test]
fn a_truncated_workbook_is_refused_with_its_name() {
    let d = tmp();
    let good = d.path().join("好.xlsx");
    reeval::fixtures::write_ymd(&good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let cut = d.path().join("截断.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    refused(&load_within(&cut, 10), "截断.xlsx");
}

#[test]
fn a_used_range_claiming_a_million_rows_loads_what_is_there_quickly() {
    let d = tmp();
    let good = d.path().join("好.xlsx");
    reeval::fixtures::write_ymd(&good).unwrap();
    // Rewrite the sheet's <dimension> to claim rows down to 1,048,576.
    let mut src = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let path = d.path().join("大范围.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut patched = false;
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let text = String::from_utf8(data).unwrap();
            let start = text.find("<dimension ref=\"").unwrap() + 16;
            let end = start + text[start..].find('"').unwrap();
            let cols: String = text[start..end]
                .split(':')
                .nth(1)
                .unwrap()
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect();
            data = format!("{}A1:{cols}1048576{}", &text[..start], &text[end..]).into_bytes();
            patched = true;
        }
        z.start_file(name, opts).unwrap();
        z.write_all(&data).unwrap();
    }
    z.finish().unwrap();
    assert!(patched);
    let (out, rep) = cli_load(d.path(), &[p(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, want) = cli_load(d.path(), &[p(&good)]);
    let (f, w) = (&rep.unwrap()["files"][0], &want.unwrap()["files"][0]);
    for k in ["rows_read", "rows_loaded", "rows_rejected", "vouchers"] {
        assert_eq!(f[k], w[k], "{k}");
    }
    let out = load_within(&path, 10);
    assert!(out.status.success());
}
