//! The evidence workbook (底稿-<id>.xlsx): opened with calamine and read as XML — sheet names
//! and index numbers, header blocks, the columns of E1/D2/D3, every finding once in E1, every
//! sampled voucher in D2, hyperlinks whose targets exist, validation lists, text from the
//! source that looks like a formula arriving as text; `reeval workbook` writing it again from
//! the last results; a run stopping before it would replace the auditor's entries; and
//! LibreOffice turning it into a PDF that holds the sheet titles and a finding's voucher.

use super::common::{bin, output_within, tmp};
use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

const WB: &str = "底稿-hrss-2023.xlsx";
/// The row (0-based) of the column headers under the header block.
const HEADER_ROW: usize = 8;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

fn run(dir: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .args(extra);
    output_within(cmd, 300)
}

fn ok(o: &std::process::Output) {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The sample engagement's result, run once per test binary.
fn sample_result() -> &'static Path {
    static DIR: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &DIR.get_or_init(|| {
        let t = tmp();
        let out = t.path().join("out");
        ok(&run(&sample(), &out, &[]));
        (t, out)
    })
    .1
}

type Grid = Vec<Vec<Data>>;

/// Every sheet as rows of cells from A1 (absolute positions).
fn sheets(path: &Path) -> Vec<(String, Grid)> {
    let mut wb = open_workbook_auto(path).expect("workbook opens");
    let names = wb.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).expect("sheet");
            let (h, w) = r.end().map(|(a, b)| (a + 1, b + 1)).unwrap_or((0, 0));
            let grid = (0..h)
                .map(|i| {
                    (0..w)
                        .map(|j| r.get_value((i, j)).cloned().unwrap_or(Data::Empty))
                        .collect()
                })
                .collect();
            (n, grid)
        })
        .collect()
}

fn s(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet<'a>(all: &'a [(String, Grid)], name: &str) -> &'a Grid {
    &all.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
        .1
}

fn col(g: &Grid, header: &str) -> usize {
    g[HEADER_ROW]
        .iter()
        .position(|c| s(c) == header)
        .unwrap_or_else(|| panic!("no column {header}: {:?}", g[HEADER_ROW]))
}

/// The XML of every part of the .xlsx, by name.
fn parts(path: &Path) -> BTreeMap<String, String> {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let mut text = String::new();
        if e.read_to_string(&mut text).is_ok() {
            out.insert(e.name().unwrap().to_string(), text);
        }
    }
    out
}

/// The worksheet XML part of a sheet name (workbook.xml order = sheetN order).
fn sheet_xml<'a>(parts: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    let wb = &parts["xl/workbook.xml"];
    let names: Vec<&str> = wb
        .split("<sheet ")
        .skip(1)
        .map(|x| {
            let a = x.find("name=\"").unwrap() + 6;
            let b = x[a..].find('"').unwrap();
            &x[a..a + b]
        })
        .collect();
    let k = names
        .iter()
        .position(|n| *n == name)
        .expect("sheet in workbook.xml")
        + 1;
    &parts[&format!("xl/worksheets/sheet{k}.xml")]
}

#[test]
fn workbook_sheets_carry_index_numbers_and_header_blocks() {
    let out = sample_result();
    let all = sheets(&out.join(WB));
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "封面目录",
            "A1 项目概况与范围限制",
            "B1 数据核对",
            "B2 决算与账簿核对",
            "C1 指标评分",
            "D1 抽样方案与结论",
            "D2 抽凭检查表",
            "D3 资产抽查表",
            "E1 疑点核实表",
            "E2 凭证明细",
            "E3 分析性程序",
            "E4 人工问题",
            "E5 审计取证单",
            "E6 事实确认书",
            "F1 风险排序"
        ]
    );
    for (name, g) in all.iter().skip(1) {
        let index = name.split(' ').next().unwrap();
        let label = |r: usize| s(&g[r][0]);
        let value = |r: usize| s(&g[r][1]);
        assert_eq!(
            (label(1), value(1)),
            (
                "被评价单位".into(),
                "寻甸县人力资源和社会保障局（合成样例）".into()
            ),
            "{name}"
        );
        assert_eq!((label(2), value(2)), ("评价期间".into(), "2023年度".into()));
        assert_eq!((label(3), value(3)), ("索引号".into(), index.to_string()));
        // The firm's team: the first reviews, the others prepare; dates left for signatures.
        assert_eq!(
            (label(4), value(4)),
            ("编制人".into(), "审计员甲、审计员乙".into())
        );
        assert_eq!((label(5), value(5)), ("复核人".into(), "项目负责人".into()));
        assert_eq!(s(&g[4][2]), "日期");
        assert_eq!(s(&g[4][3]), "");
        assert_eq!(
            (label(6), value(6)),
            ("编制单位".into(), "某某会计师事务所（样例）".into())
        );
    }
    // The cover: engagement letter slot, tool version, every input with its SHA-256, seeds.
    let cover = sheet(&all, "封面目录");
    let text: Vec<String> = cover.iter().flatten().map(s).collect();
    for want in [
        "委托文号",
        "评价基准日",
        "2023-12-31",
        "20240315",
        "SHA-256",
    ] {
        assert!(text.iter().any(|t| t.contains(want)), "cover lacks {want}");
    }
    let manifest = json(&out.join("run.json"));
    for i in manifest["inputs"].as_array().unwrap() {
        let sha = i["sha256"].as_str().unwrap();
        assert!(
            text.iter().any(|t| t == sha),
            "cover lacks input {}",
            i["path"]
        );
    }
}

#[test]
fn e1_lists_every_finding_once_and_links_each_voucher_to_its_lines_in_e2() {
    let out = sample_result();
    let all = sheets(&out.join(WB));
    let e1 = sheet(&all, "E1 疑点核实表");
    let headers: Vec<String> = e1[HEADER_ROW].iter().map(s).collect();
    for h in [
        "疑点编号",
        "规则",
        "类别",
        "核算单位",
        "凭证/资产",
        "日期",
        "金额",
        "摘要",
        "说明",
        "核实要点",
        "依据（法规、条款、原文）",
        "核实结论",
        "核实说明",
        "核实人",
        "核实日期",
        "取证单号",
    ] {
        assert!(headers.iter().any(|x| x == h), "E1 lacks column {h}");
    }
    let findings = json(&out.join("findings.json"));
    // E1 holds the 疑点 and 提示 to verify; 分析性程序 results are listed in E3.
    let to_verify: Vec<&Value> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] != "分析性程序")
        .collect();
    let ids: Vec<&str> = to_verify
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let key = col(e1, "疑点编号");
    let mut in_e1: Vec<String> = e1[HEADER_ROW + 1..].iter().map(|r| s(&r[key])).collect();
    in_e1.retain(|x| !x.is_empty());
    let mut want: Vec<String> = ids.iter().map(|x| x.to_string()).collect();
    in_e1.sort();
    want.sort();
    assert_eq!(in_e1, want, "every finding id exactly once in E1");
    let e3 = sheet(&all, "E3 分析性程序");
    let in_e3: Vec<String> = e3.iter().flat_map(|r| r.iter().map(s)).collect();
    for f in findings["findings"].as_array().unwrap() {
        if f["kind"] == "分析性程序" {
            assert!(
                in_e3.iter().any(|x| x == f["id"].as_str().unwrap()),
                "{} not in E3",
                f["id"]
            );
        }
    }
    // Amounts are numbers, exactly the finding's.
    let amount = col(e1, "金额");
    for (k, f) in to_verify.iter().enumerate() {
        let row = &e1[HEADER_ROW + 1 + k];
        assert_eq!(s(&row[key]), f["id"].as_str().unwrap());
        match f["amount"].as_str() {
            Some(a) => assert_eq!(row[amount], Data::Float(a.parse::<f64>().unwrap()), "{a}"),
            None => assert_eq!(row[amount], Data::Empty),
        }
    }
    // Hyperlinks: every finding with a voucher links to an E2 row that holds that voucher.
    let xml = parts(&out.join(WB));
    let e1x = sheet_xml(&xml, "E1 疑点核实表");
    let e2 = sheet(&all, "E2 凭证明细");
    let vcol = col(e1, "凭证/资产");
    let ecol = col(e1, "核算单位");
    let links: Vec<(String, String)> = e1x
        .split("<hyperlink ")
        .skip(1)
        .map(|h| {
            let get = |attr: &str| {
                let a = h.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
                let b = h[a..].find('"').unwrap();
                h[a..a + b].replace("&apos;", "'")
            };
            (get("ref"), get("location"))
        })
        .collect();
    let with_voucher = to_verify
        .iter()
        .filter(|f| f["voucher"].is_string())
        .count();
    assert!(with_voucher > 10);
    assert_eq!(
        links.len(),
        with_voucher,
        "one link per finding with a voucher"
    );
    for (cell, target) in &links {
        let (sheet_part, addr) = target.rsplit_once('!').unwrap();
        assert_eq!(sheet_part, "'E2 凭证明细'");
        let row: usize = addr
            .trim_start_matches(char::is_alphabetic)
            .parse()
            .unwrap();
        let src_row: usize = cell
            .trim_start_matches(char::is_alphabetic)
            .parse()
            .unwrap();
        let v = s(&e1[src_row - 1][vcol]);
        let ent = s(&e1[src_row - 1][ecol]);
        assert_eq!(
            s(&e2[row - 1][0]),
            format!("{ent} {v}"),
            "link {cell} → {target} lands on its voucher"
        );
    }
}

#[test]
fn d2_holds_every_sampled_voucher_with_its_lines_and_d3_every_sampled_asset() {
    let out = sample_result();
    let all = sheets(&out.join(WB));
    let d2 = sheet(&all, "D2 抽凭检查表");
    for h in [
        "样本编号",
        "原始凭证齐全",
        "审批手续",
        "发票/合同/验收",
        "支付方式",
        "检查结论",
        "审定金额",
        "疑点编号",
        "备注",
    ] {
        col(d2, h);
    }
    let (key, kind, debit) = (col(d2, "样本编号"), col(d2, "行"), col(d2, "借方金额"));
    let sample = json(&out.join("sample.json"));
    let mut checked = 0;
    for plan in sample["plans"].as_array().unwrap() {
        let unit = plan["unit"].as_str().unwrap();
        for it in plan["items"].as_array().unwrap() {
            let id = it["id"].as_str().unwrap();
            if unit == "assets" {
                continue;
            }
            let rows: Vec<&Vec<Data>> = d2[HEADER_ROW + 1..]
                .iter()
                .filter(|r| s(&r[key]) == id)
                .collect();
            assert!(rows.len() >= 3, "{id}: a header row and its lines");
            assert_eq!(s(&rows[0][kind]), "凭证");
            assert!(rows[1..].iter().all(|r| s(&r[kind]) == "分录"));
            let amount: f64 = it["amount"].as_str().unwrap().parse().unwrap();
            assert_eq!(rows[0][debit], Data::Float(amount), "{id}");
            checked += 1;
        }
    }
    // The sample's plans draw dozens of vouchers (76 on the 2023 sample).
    assert!(checked >= 50, "{checked}");
    let d3 = sheet(&all, "D3 资产抽查表");
    for h in [
        "资产编号",
        "资产名称",
        "原值",
        "实盘状态",
        "实存数量",
        "存放地点",
        "备注",
    ] {
        col(d3, h);
    }
    let akey = col(d3, "资产编号");
    let assets: Vec<String> = d3[HEADER_ROW + 1..].iter().map(|r| s(&r[akey])).collect();
    let plan = sample["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["unit"] == "assets")
        .unwrap();
    let want: Vec<String> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(assets, want);
    assert!(s(&d3[HEADER_ROW + 1][col(d3, "资产名称")]).chars().count() > 1);
}

#[test]
fn auditor_columns_carry_validation_lists_and_totals_are_formulas_with_values() {
    let out = sample_result();
    let xml = parts(&out.join(WB));
    let e1 = sheet_xml(&xml, "E1 疑点核实表");
    assert!(e1.contains("<dataValidation type=\"list\""), "E1 list");
    assert!(e1.contains("\"确认,排除,待定\""), "E1 conclusion choices");
    assert!(e1.contains("type=\"date\""), "E1 date validation");
    let d2 = sheet_xml(&xml, "D2 抽凭检查表");
    assert!(d2.contains("\"无异常,有异常\"") && d2.contains("\"是,否\""));
    let d3 = sheet_xml(&xml, "D3 资产抽查表");
    assert!(d3.contains("\"在用,闲置,待报废,未找到,账实不符\""));
    for x in [e1, d2, d3] {
        assert!(
            x.contains("<autoFilter ") && x.contains("<pane "),
            "filter and frozen header"
        );
    }
    // C1: subtotals and the total are SUM formulas whose cached values calamine reads.
    let c1x = sheet_xml(&xml, "C1 指标评分");
    assert!(c1x.matches("<f>SUM(").count() >= 15, "C1 SUM formulas");
    let all = sheets(&out.join(WB));
    let c1 = sheet(&all, "C1 指标评分");
    let score = json(&out.join("score.json"));
    let total_row = c1
        .iter()
        .find(|r| r.iter().any(|c| s(c) == "合计"))
        .expect("a total row");
    let sc = col(c1, "得分");
    let total: f64 = score["total_raw"].as_str().unwrap().parse().unwrap();
    assert_eq!(total_row[sc], Data::Float(total));
    // Charts: C1's bars and E3's first digits.
    assert!(
        xml.keys()
            .filter(|k| k.starts_with("xl/charts/chart"))
            .count()
            >= 2
    );
    // Money formats.
    assert!(xml["xl/styles.xml"].contains("#,##0.00"));
    // Each table has a Chinese defined name.
    assert!(
        xml["xl/workbook.xml"]
            .contains("<definedName name=\"表_疑点核实表\">'E1 疑点核实表'!$A$9:$V$"),
        "defined names"
    );
}

/// A small engagement whose 摘要 and payee look like formulas.
fn hostile_engagement(root: &Path) -> PathBuf {
    let dir = root.join("eng");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let head = [
        "日期",
        "凭证号",
        "摘要",
        "科目编码",
        "科目名称",
        "借方金额",
        "贷方金额",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let summaries = ["=1+2", "+SUM(A1:A9)", "-2+3", "@cmd", "办公用品"];
    let mut r = 1;
    for (k, summary) in summaries.iter().enumerate() {
        let amount = 1000.0 + k as f64 * 123.45;
        for (code, name, d, c) in [
            ("5001", "业务活动费用", amount, 0.0),
            ("1011", "零余额账户用款额度", 0.0, amount),
        ] {
            ws.write_string(r, 0, format!("2023-03-{:02}", 10 + k))
                .unwrap();
            ws.write_string(r, 1, format!("记-{}", k + 1)).unwrap();
            ws.write_string(r, 2, *summary).unwrap();
            ws.write_string(r, 3, code).unwrap();
            ws.write_string(r, 4, name).unwrap();
            if d != 0.0 {
                ws.write_number(r, 5, d).unwrap();
            }
            if c != 0.0 {
                ws.write_number(r, 6, c).unwrap();
            }
            r += 1;
        }
    }
    wb.save(dir.join("data/序时账.xlsx")).unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        r#"[engagement]
id = "hostile"
title = "测试项目"
department = "测试单位"
year = 2023

[[entities]]
name = "测试单位"
ledgers = ["data/序时账.xlsx"]

[sampling]
seed = 7

[[sampling.plans]]
name = "全部凭证"
unit = "vouchers"
key_above = "0.01"
"#,
    )
    .unwrap();
    dir
}

#[test]
fn source_text_that_looks_like_a_formula_arrives_as_a_string_cell() {
    let t = tmp();
    let dir = hostile_engagement(t.path());
    let out = t.path().join("out");
    ok(&run(&dir, &out, &[]));
    let path = out.join("底稿-hostile.xlsx");
    let all = sheets(&path);
    for name in ["D2 抽凭检查表", "E2 凭证明细"] {
        let g = sheet(&all, name);
        let sc = col(g, "摘要");
        let found: Vec<&Data> = g[HEADER_ROW + 1..].iter().map(|r| &r[sc]).collect();
        for want in ["=1+2", "+SUM(A1:A9)", "-2+3", "@cmd"] {
            assert!(
                found.contains(&&Data::String(want.to_string())),
                "{name}: {want} as a string cell: {found:?}"
            );
        }
    }
    // No formula in the detail sheets at all: the text was never written as one.
    let xml = parts(&path);
    for name in ["D2 抽凭检查表", "E2 凭证明细", "E1 疑点核实表"] {
        assert!(
            !sheet_xml(&xml, name).contains("<f>"),
            "{name} holds a formula"
        );
    }
    // The header block without a [firm]: signature cells left empty.
    let d2 = sheet(&all, "D2 抽凭检查表");
    assert_eq!(s(&d2[4][0]), "编制人");
    assert_eq!(s(&d2[4][1]), "");
}

#[test]
fn a_second_run_writes_a_byte_identical_workbook_listed_with_its_sha256() {
    let out = sample_result();
    let t = tmp();
    let again = t.path().join("again");
    ok(&run(&sample(), &again, &[]));
    let a = std::fs::read(out.join(WB)).unwrap();
    let b = std::fs::read(again.join(WB)).unwrap();
    assert!(a == b, "the workbook differs between two runs");
    let manifest = json(&again.join("run.json"));
    let entry = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["file"] == WB)
        .expect("run.json lists the workbook");
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect();
    assert_eq!(entry["sha256"], sha.as_str());
    let step = manifest["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "workbook")
        .expect("a 底稿 step");
    assert_eq!(step["title"], "底稿");
    assert_eq!(step["outputs"][0], WB);
}

#[test]
fn reeval_workbook_rewrites_it_from_the_last_results_and_refuses_changed_inputs() {
    let t = tmp();
    let eng = t.path().join("eng");
    copy_dir(&sample(), &eng);
    let out = t.path().join("out");
    ok(&run(&eng, &out, &[]));
    let first = std::fs::read(out.join(WB)).unwrap();
    std::fs::remove_file(out.join(WB)).unwrap();
    let mut cmd = bin();
    cmd.arg("workbook")
        .arg(&eng)
        .arg("--results")
        .arg(&out)
        .arg("-q");
    ok(&output_within(cmd, 300));
    assert!(
        std::fs::read(out.join(WB)).unwrap() == first,
        "the same bytes as the run's"
    );
    // The next run knows it as its own: nothing set aside.
    ok(&run(&eng, &out, &[]));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(!names.iter().any(|n| n.contains("已修改")), "{names:?}");
    // An input changed since the run: refused, nothing written.
    // (The same cells, stored instead of deflated: it loads the same, its bytes differ.)
    rezip(&eng.join("data/局机关-序时账-2023.xlsx"), |_, b| b);
    let before = std::fs::read(out.join(WB)).unwrap();
    let mut cmd = bin();
    cmd.arg("workbook").arg(&eng).arg("--results").arg(&out);
    let o = output_within(cmd, 300);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("已改变") && err.contains("局机关-序时账-2023.xlsx"),
        "{err}"
    );
    assert!(std::fs::read(out.join(WB)).unwrap() == before);
    // A result document edited since the run: refused (the workbook would match no run).
    let mut f = json(&out.join("findings.json"));
    f["findings"][0]["explanation"] = Value::String("改过".into());
    std::fs::write(out.join("findings.json"), serde_json::to_vec(&f).unwrap()).unwrap();
    let mut cmd = bin();
    cmd.arg("workbook").arg(&eng).arg("--results").arg(&out);
    let o = output_within(cmd, 300);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("findings.json"));
    // No result at all: said in a sentence.
    let mut cmd = bin();
    cmd.arg("workbook")
        .arg(&eng)
        .arg("--results")
        .arg(t.path().join("nothing"));
    let o = output_within(cmd, 60);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("reeval run"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(from.join("engagement.toml"), to.join("engagement.toml")).unwrap();
    for f in std::fs::read_dir(from.join("data")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, to.join("data").join(f.file_name().unwrap())).unwrap();
        }
    }
}

/// The .xlsx at `path` written again entry by entry (stored, not deflated), each entry's
/// bytes passed through `edit(name, bytes)`.
fn rezip(path: &Path, edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for i in 0..z.len() {
            let mut e = z.by_index(i).unwrap();
            let name = e.name().unwrap().to_string();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            let bytes = edit(&name, bytes);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            w.start_file(name, opts).unwrap();
            std::io::Write::write_all(&mut w, &bytes).unwrap();
        }
        w.finish().unwrap();
    }
    std::fs::write(path, buf.into_inner()).unwrap();
}

/// The workbook with `value` typed into cell `cell` of sheet `sheet` (an inline string), as an
/// auditor's spreadsheet program would save it.
fn with_entry(path: &Path, sheet: &str, cell: &str, value: &str) {
    let all = parts(path);
    let names: Vec<String> = all["xl/workbook.xml"]
        .split("<sheet ")
        .skip(1)
        .map(|x| {
            let a = x.find("name=\"").unwrap() + 6;
            let b = x[a..].find('"').unwrap();
            x[a..a + b].to_string()
        })
        .collect();
    let target = format!(
        "xl/worksheets/sheet{}.xml",
        names.iter().position(|n| n == sheet).unwrap() + 1
    );
    rezip(path, |name, bytes| {
        if name != target {
            return bytes;
        }
        let xml = String::from_utf8(bytes).unwrap();
        let open = format!("<c r=\"{cell}\" s=\"");
        let at = xml.find(&open).expect("the blank auditor cell");
        let end = at + xml[at..].find("/>").unwrap();
        let style = &xml[at + open.len()..end - 1];
        let new =
            format!("<c r=\"{cell}\" s=\"{style}\" t=\"inlineStr\"><is><t>{value}</t></is></c>");
        format!("{}{new}{}", &xml[..at], &xml[end + 2..]).into_bytes()
    });
}

fn cell_of(g: &Grid, row: usize, header: &str) -> String {
    format!(
        "{}{}",
        rust_xlsxwriter::utility::column_number_to_name(col(g, header) as u16),
        row + 1
    )
}

#[test]
fn a_run_over_a_workbook_with_auditor_entries_stops_before_loading_and_keeps_it() {
    let t = tmp();
    let out = t.path().join("out");
    ok(&run(&sample(), &out, &[]));
    let path = out.join(WB);
    let all = sheets(&path);
    let e1 = sheet(&all, "E1 疑点核实表");
    with_entry(
        &path,
        "E1 疑点核实表",
        &cell_of(e1, HEADER_ROW + 3, "核实结论"),
        "确认",
    );
    let d2 = sheet(&all, "D2 抽凭检查表");
    with_entry(
        &path,
        "D2 抽凭检查表",
        &cell_of(d2, HEADER_ROW + 1, "备注"),
        "附件缺发票",
    );
    let edited = std::fs::read(&path).unwrap();
    let o = run(&sample(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    for want in [
        "E1 疑点核实表",
        "D2 抽凭检查表",
        "1 处",
        "reeval review",
        "--discard-entries",
    ] {
        assert!(err.contains(want), "{want}: {err}");
    }
    assert!(
        std::fs::read(&path).unwrap() == edited,
        "the workbook is kept as it was"
    );
    // Nothing else moved, and nothing staged is left beside the result.
    let left: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(left, ["out"], "{left:?}");
    // `reeval workbook` refuses the same way.
    let mut cmd = bin();
    cmd.arg("workbook").arg(sample()).arg("--results").arg(&out);
    let o = output_within(cmd, 300);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("E1 疑点核实表"));
    // With the flag the run goes ahead; the auditor's workbook is set aside, not deleted.
    ok(&run(&sample(), &out, &["--discard-entries"]));
    let kept = out.join("底稿-hrss-2023（已修改）.xlsx");
    assert!(std::fs::read(&kept).unwrap() == edited);
    let fresh = sheets(&path);
    let e1 = sheet(&fresh, "E1 疑点核实表");
    let c = col(e1, "核实结论");
    assert!(e1[HEADER_ROW + 1..].iter().all(|r| s(&r[c]).is_empty()));
    // The set-aside copy does not block later runs.
    ok(&run(&sample(), &out, &[]));
}

#[test]
fn a_workbook_resaved_without_entries_or_with_only_signatures_does_not_stop_the_run() {
    let t = tmp();
    let out = t.path().join("out");
    ok(&run(&sample(), &out, &[]));
    let path = out.join(WB);
    // Signing the header block (编制人 date) is not a judgement to import.
    with_entry(&path, "E1 疑点核实表", "D5", "2024-03-01");
    ok(&run(&sample(), &out, &[]));
    // The signed copy differs from what run.json listed: carried over, never lost.
    assert!(out.join("底稿-hrss-2023（已修改）.xlsx").is_file());
}

#[test]
fn libreoffice_renders_the_workbook_with_its_sheet_titles_and_a_findings_voucher() {
    let soffice = ["soffice", "libreoffice"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        eprintln!("注意：未安装 LibreOffice（soffice），跳过底稿转 PDF 的检查");
        return;
    };
    let t = tmp();
    let dir = hostile_engagement(t.path());
    let out = t.path().join("out");
    ok(&run(&dir, &out, &[]));
    let pdf_dir = t.path().join("pdf");
    std::fs::create_dir_all(&pdf_dir).unwrap();
    let wb = pdf_dir.join("wb.xlsx");
    std::fs::copy(out.join("底稿-hostile.xlsx"), &wb).unwrap();
    let mut cmd = std::process::Command::new(soffice);
    cmd.arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            t.path().join("lo-profile").display()
        ))
        .arg("--convert-to")
        .arg("pdf")
        .arg("--outdir")
        .arg(&pdf_dir)
        .arg(&wb);
    let o = output_within(cmd, 240);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::process::Command::new("pdftotext")
        .arg(pdf_dir.join("wb.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) beside LibreOffice");
    let text = String::from_utf8_lossy(&text.stdout);
    for title in [
        "审计工作底稿 封面与目录",
        "项目概况与范围限制",
        "抽凭检查表",
        "凭证明细",
        "疑点核实表",
    ] {
        assert!(text.contains(title), "PDF lacks {title}");
    }
    let findings = json(&out.join("findings.json"));
    let v = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| f["voucher"].as_str())
        .unwrap_or("2023-03 记-1");
    assert!(text.contains(v), "PDF lacks the voucher {v}");
    assert!(text.contains("=1+2"), "the 摘要 is printed as text");
}

#[test]
fn an_unreadable_workbook_in_the_result_stops_the_run_until_discarded_and_is_kept() {
    let t = tmp();
    let out = t.path().join("out");
    ok(&run(&sample(), &out, &[]));
    let path = out.join(WB);
    std::fs::write(&path, b"PK\x03\x04 not really a workbook").unwrap();
    let o = run(&sample(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--discard-entries") && err.contains("底稿"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"PK\x03\x04 not really a workbook"
    );
    ok(&run(&sample(), &out, &["--discard-entries"]));
    assert_eq!(
        std::fs::read(out.join("底稿-hrss-2023（已修改）.xlsx")).unwrap(),
        b"PK\x03\x04 not really a workbook"
    );
    assert!(sheets(&path).len() == 15);
}

#[test]
fn the_departments_own_scores_sit_beside_ours_summed_by_formula_and_charted() {
    let t = tmp();
    let eng = t.path().join("eng");
    copy_dir(&sample(), &eng);
    let inputs = eng.join("data/scoring-inputs.toml");
    let mut text = std::fs::read_to_string(&inputs).unwrap();
    text.push_str(
        "\n[self_evaluation.indicators.goal_reasonable]\nscore = \"2\"\n\n[self_evaluation.indicators.indicator_clarity]\nscore = \"1.5\"\n",
    );
    std::fs::write(&inputs, text).unwrap();
    let out = t.path().join("out");
    ok(&run(&eng, &out, &[]));
    let all = sheets(&out.join(WB));
    let c1 = sheet(&all, "C1 指标评分");
    let (id, own) = (col(c1, "指标编号"), col(c1, "自评得分"));
    let at = |key: &str| {
        c1.iter()
            .find(|r| s(&r[id]) == key)
            .map(|r| r[own].clone())
            .unwrap()
    };
    assert_eq!(at("goal_reasonable"), Data::Float(2.0));
    assert_eq!(at("indicator_clarity"), Data::Float(1.5));
    assert_eq!(at("goal_setting"), Data::Float(3.5));
    assert_eq!(at("input"), Data::Float(3.5));
    assert_eq!(at("process"), Data::Empty, "no own score given below 过程");
    let xml = parts(&out.join(WB));
    let c1x = sheet_xml(&xml, "C1 指标评分");
    let letter = rust_xlsxwriter::utility::column_number_to_name(own as u16);
    assert!(
        c1x.contains(&format!("<f>SUM({letter}")),
        "the parent's own score is a SUM"
    );
    let charts: Vec<&String> = xml
        .iter()
        .filter(|(k, _)| k.starts_with("xl/charts/chart"))
        .map(|(_, v)| v)
        .collect();
    assert!(
        charts.iter().any(|c| c.matches("<c:ser>").count() == 3),
        "满分, 得分 and 自评 series"
    );
}

#[test]
fn an_engagements_own_layout_renames_reorders_and_leaves_out_columns_and_a_typo_is_refused() {
    let t = tmp();
    let dir = hostile_engagement(t.path());
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/workbook/layout.toml"),
    )
    .unwrap();
    let own = builtin
        .replace("header = \"核实说明\"", "header = \"核实情况\"")
        .replace(
            "  { id = \"summary\", header = \"摘要\", width = 24 },\n",
            "",
        )
        .replace("name = \"疑点核实表\"", "name = \"疑点-核实 表\"");
    assert_ne!(own, builtin);
    std::fs::write(dir.join("data/版式.toml"), &own).unwrap();
    let toml = std::fs::read_to_string(dir.join("engagement.toml")).unwrap();
    std::fs::write(
        dir.join("engagement.toml"),
        format!("{toml}\n[workbook]\nlayout = \"data/版式.toml\"\n"),
    )
    .unwrap();
    let out = t.path().join("out");
    ok(&run(&dir, &out, &[]));
    let all = sheets(&out.join("底稿-hostile.xlsx"));
    let e1 = sheet(&all, "E1 疑点-核实 表");
    // A defined name may not hold '-' or a space: they become '_'.
    let xml = parts(&out.join("底稿-hostile.xlsx"));
    assert!(xml["xl/workbook.xml"].contains("<definedName name=\"表_疑点_核实_表\">"));
    let headers: Vec<String> = e1[HEADER_ROW].iter().map(s).collect();
    assert!(headers.contains(&"核实情况".to_string()), "{headers:?}");
    assert!(!headers.contains(&"摘要".to_string()), "{headers:?}");
    let manifest = json(&out.join("run.json"));
    assert!(manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["path"] == "data/版式.toml"));
    // A column id the tool does not fill: refused before anything is written, naming it.
    std::fs::write(
        dir.join("data/版式.toml"),
        own.replace("id = \"explanation\"", "id = \"explaination\""),
    )
    .unwrap();
    let o = run(&dir, &t.path().join("out2"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("explaination") && err.contains("版式.toml"),
        "{err}"
    );
}

#[test]
fn workbook_shows_each_facts_evidence_reference_the_lines_project_and_the_sets_kind_names() {
    let out = sample_result();
    let all = sheets(&out.join(WB));
    let findings = json(&out.join("findings.json"));
    let list = findings["findings"].as_array().unwrap();
    // E1's 说明: each fact followed by where it was read (the report prints the fact alone).
    let e1 = sheet(&all, "E1 疑点核实表");
    let (id, expl) = (col(e1, "疑点编号"), col(e1, "说明"));
    let mut shown = 0;
    for f in list.iter().filter(|f| f.get("fact_evidence").is_some()) {
        let row = e1
            .iter()
            .find(|r| s(&r[id]) == f["id"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{} not in E1", f["id"]));
        for r in f["fact_evidence"].as_array().unwrap() {
            let r = r.as_str().unwrap();
            if !r.is_empty() {
                assert!(s(&row[expl]).contains(&format!("（{r}）")), "{r}");
                shown += 1;
            }
        }
    }
    assert!(shown >= 5, "{shown}");
    // E2's 项目: the lines of a coverage finding name their project, one the finding lists.
    let e2 = sheet(&all, "E2 凭证明细");
    let (by, project) = (col(e2, "涉及"), col(e2, "项目"));
    let coverage: Vec<&Value> = list
        .iter()
        .filter(|f| f["rule"] == "perf-project-coverage")
        .collect();
    assert!(!coverage.is_empty());
    for f in coverage {
        let fid = f["id"].as_str().unwrap();
        let facts = f["facts"].to_string();
        let rows: Vec<&Vec<Data>> = e2.iter().filter(|r| s(&r[by]).contains(fid)).collect();
        assert!(!rows.is_empty(), "{fid}");
        assert!(rows.iter().any(|r| !s(&r[project]).is_empty()), "{fid}");
        for r in rows.iter().filter(|r| !s(&r[project]).is_empty()) {
            let p = s(&r[project]);
            assert!(
                facts.contains(&format!("“{p}”"))
                    || f["evidence"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|e| e["project"] == p.as_str()),
                "{fid}: {p}"
            );
        }
        for e in f["evidence"].as_array().unwrap() {
            let p = e["project"]
                .as_str()
                .unwrap_or_else(|| panic!("{fid}: {e}"));
            assert!(facts.contains(&format!("“{p}”")), "{fid}: {p} {facts}");
        }
    }
    // Look-alike: a line without a 项目 leaves the cell empty (the 社保中心's 凭证明细 has no
    // 项目 column).
    assert!(e2
        .iter()
        .skip(HEADER_ROW + 1)
        .any(|r| s(&r[project]).is_empty()));
    // C1's 评分方式: the set's names as score.json records them.
    let score = json(&out.join("score.json"));
    let c1 = sheet(&all, "C1 指标评分");
    let (cid, kind) = (col(c1, "指标编号"), col(c1, "评分方式"));
    for i in score["indicators"].as_array().unwrap() {
        let row = c1
            .iter()
            .find(|r| s(&r[cid]) == i["id"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            s(&row[kind]),
            i["kind_name"].as_str().unwrap(),
            "{}",
            i["id"]
        );
    }
}
