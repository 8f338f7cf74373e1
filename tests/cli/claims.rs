//! `reeval claims`: the figures of self-evaluation reports, read by class (vocabulary, number +
//! unit grammar, "其中" lists), checked against each other.

use crate::common::{bin, output_within, tmp};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/claims")
        .join(name)
}

/// Run `reeval claims FILE --json OUT`; (exit code, stderr, the one file's JSON).
fn claims_of(path: &Path) -> (i32, String, Option<Value>) {
    let d = tmp();
    let out = d.path().join("claims.json");
    let mut cmd = bin();
    cmd.arg("claims").arg(path).arg("--json").arg(&out);
    let o = output_within(cmd, 60);
    let json = std::fs::read(&out)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .map(|v| v["files"][0].clone());
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        json,
    )
}

pub(crate) fn claims_of_text(text: &str) -> Value {
    let d = tmp();
    let p = d.path().join("自评报告.txt");
    std::fs::write(&p, text).unwrap();
    let (code, err, json) = claims_of(&p);
    assert_eq!(code, 0, "{err}");
    json.expect("claims.json")
}

/// (quantity, of, basis, year, value, unit) of each claim.
pub(crate) fn rows(file: &Value) -> Vec<[String; 6]> {
    file["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| match &c[k] {
                Value::Null => "-".to_string(),
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            [
                s("quantity"),
                s("of"),
                s("basis"),
                s("year"),
                s("value"),
                s("unit"),
            ]
        })
        .collect()
}

pub(crate) fn kinds(file: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = file["inconsistencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["figure"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn matches(expected: &[String], got: &[String; 6]) -> bool {
    expected
        .iter()
        .zip(got.iter())
        .all(|(e, g)| e == "*" || e == g)
}

fn check_seed(id: &str) {
    let (code, err, json) = claims_of(&data(&format!("{id}.txt")));
    assert_eq!(code, 0, "{err}");
    let file = json.expect("claims.json");
    let mut got = rows(&file);
    let expected = std::fs::read_to_string(data(&format!("{id}.claims"))).unwrap();
    let mut missing = Vec::new();
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let e: Vec<String> = line.split('\t').map(String::from).collect();
        assert_eq!(e.len(), 6, "{line}");
        match got.iter().position(|g| matches(&e, g)) {
            Some(i) => {
                got.remove(i);
            }
            None => missing.push(line.to_string()),
        }
    }
    assert!(
        missing.is_empty() && got.is_empty(),
        "seed {id}: expected claims not found: {missing:#?}\nclaims found but not expected: {got:#?}"
    );
    let mut want: Vec<(String, String)> =
        std::fs::read_to_string(data(&format!("{id}.inconsistencies")))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (k, f) = l.split_once('\t').unwrap();
                (k.to_string(), f.to_string())
            })
            .collect();
    want.sort();
    assert_eq!(kinds(&file), want, "seed {id}: inconsistencies");
}

#[test]
fn claims_seed_000_ningyuan_every_figure_and_the_incomplete_list() {
    check_seed("000");
}

#[test]
fn claims_seed_001_xushui_every_figure_and_the_lists_that_do_not_add_up() {
    check_seed("001");
}

#[test]
fn claims_seed_003_shuangqing_every_figure_and_the_two_basic_expenditures() {
    check_seed("003");
}

#[test]
fn claims_seed_004_changli_every_figure_and_no_false_alarm() {
    check_seed("004");
}

#[test]
fn claims_amounts_are_exact_in_yuan_whatever_the_unit() {
    let f = claims_of_text(
        "2024年度部门整体支出绩效自评报告\n\
         2024年支出决算1.2亿元，其中：基本支出8,000万元，项目支出4000万元。\n\
         “三公”经费实际支出12345.67元，公务接待费0.3万元。\n",
    );
    let r = rows(&f);
    let v: Vec<(&str, &str)> = r.iter().map(|x| (x[0].as_str(), x[4].as_str())).collect();
    assert_eq!(
        v,
        [
            ("支出决算", "120000000"),
            ("基本支出", "80000000"),
            ("项目支出", "40000000"),
            ("三公经费", "12345.67"),
            ("公务接待费", "3000"),
        ]
    );
    assert!(r.iter().all(|x| x[3] == "2024"));
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
}

#[test]
fn claims_counts_approximations_and_unrelated_money_are_not_claims() {
    let f = claims_of_text(
        "2023年度自评报告\n培训20万人次，追回工资894余万元，征收保费1.15亿元，罚没收入11万元。\n\
         公务接待批次12次，预算执行情况良好。\n",
    );
    assert!(rows(&f).is_empty(), "{:?}", rows(&f));
}

#[test]
fn claims_list_that_does_not_add_up_is_raised_in_several_wordings() {
    for (text, kind, figure) in [
        (
            "全年支出决算500万元，其中：基本支出300万元，项目支出150万元。",
            "list_incomplete",
            "500000",
        ),
        (
            "本年实际支出共计500万元，包括人员经费300万元、公用经费250万元。",
            "list_exceeds",
            "500000",
        ),
        (
            "收入合计80万元，其中财政拨款90万元，其他收入1万元。",
            "part_exceeds_whole",
            "110000",
        ),
    ] {
        let f = claims_of_text(&format!("2023年度报告\n{text}\n"));
        assert_eq!(
            kinds(&f),
            [(kind.to_string(), figure.to_string())],
            "{text}"
        );
    }
}

#[test]
fn claims_lists_that_add_up_or_may_leave_items_out_are_not_raised() {
    for text in [
        "全年支出决算500万元，其中：基本支出300万元，项目支出200万元。",
        "公用经费50万元，主要用于办公费10万元、差旅费5万元。",
        "支出决算100万元。其中：基本支出60万元；项目支出40万元。",
        "基本支出90万元，其中人员经费60万元(工资40万元、津贴20万元)。公用经费30万元，主要用于办公。",
        "补贴共计100万元，其中社保补贴38万余元，岗位补贴31.7万元。",
    ] {
        let f = claims_of_text(&format!("2023年度报告\n{text}\n"));
        assert!(kinds(&f).is_empty(), "{text}: {:?}", kinds(&f));
    }
}

#[test]
fn claims_three_public_list_naming_meeting_and_training_costs_is_raised() {
    let f = claims_of_text(
        "2023年度报告\n2023年安排三公经费10万元，其中：公务接待费4万元，公务用车运行维护费5万元，培训费1万元。\n",
    );
    assert_eq!(
        kinds(&f),
        [("not_a_part".to_string(), "培训费".to_string())]
    );
    let basis: Vec<String> = rows(&f).iter().map(|r| r[2].clone()).collect();
    assert_eq!(
        basis,
        ["预算", "预算", "预算"],
        "parts of a budget are budget"
    );
}

#[test]
fn claims_rate_that_does_not_follow_from_its_figures_is_raised() {
    let bad = claims_of_text(
        "2023年度报告\n年初预算100万元，调整后预算200万元，支出决算150万元，预算执行率为80%。\n",
    );
    assert_eq!(
        kinds(&bad),
        [("rate_mismatch".to_string(), "80".to_string())]
    );
    for rate in ["75%", "75.00%", "75.0％"] {
        let ok = claims_of_text(&format!(
            "2023年度报告\n调整后预算数为 200 万元，决算数 150 万元，年度实际支出率达 {rate}。\n"
        ));
        assert!(kinds(&ok).is_empty(), "{rate}: {:?}", kinds(&ok));
    }
    // 1699.854577 / 1700 = 99.991…%: “100%” is right to the place it is written with.
    let rounded = claims_of_text(
        "2022年度报告\n就业补助资金预算安排1,700万元。\n截至2022年12月31日，就业补助资金共计支出1699.854577万元，预算执行率100%。\n",
    );
    assert!(kinds(&rounded).is_empty(), "{:?}", kinds(&rounded));
}

#[test]
fn claims_same_quantity_twice_with_different_values_is_raised_but_not_across_years() {
    let f = claims_of_text(
        "2023年度报告\n2023年全年总支出200万元。\n\n2023年基本支出180万元。财政拨款基本支出210万元。\n",
    );
    let k = kinds(&f);
    assert!(
        k.contains(&("conflicting_values".into(), "基本支出".into())),
        "{k:?}"
    );
    assert!(
        k.contains(&("part_exceeds_whole".into(), "基本支出".into())),
        "{k:?}"
    );
    let g = claims_of_text(
        "2023年度报告\n2022年我部门三公经费4.30万元，2023年3.96万元，较2022年减少0.34万元。\n",
    );
    assert!(kinds(&g).is_empty(), "{:?}", kinds(&g));
    let r = rows(&g);
    let years: Vec<&str> = r.iter().map(|x| x[3].as_str()).collect();
    assert_eq!(years, ["2022", "2023", "2023"]);
    assert_eq!(r[2][2], "变动");
    assert_eq!(r[2][4], "-3400");
}

#[test]
fn claims_of_a_project_part_are_not_the_departments() {
    let f = claims_of_text(
        "2023年度部门整体支出自评报告\n决算支出100万元。\n\
         项目支出绩效自评表\n项目名称：  2023年度就业服务经费   \n本项目安排资金4万元，实际使用4万元。\n",
    );
    let r = rows(&f);
    assert_eq!(r[0][1], "-");
    assert_eq!(r[1][1], "就业服务经费");
    assert_eq!(r[2][1], "就业服务经费");
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
}

fn docx(path: &Path, body: &str) {
    use std::io::Write;
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("[Content_Types].xml", o).unwrap();
    z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    z.start_file("word/document.xml", o).unwrap();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap();
}

fn p(t: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>")
}

#[test]
fn claims_docx_paragraphs_and_table_cells_are_read() {
    let d = tmp();
    let path = d.path().join("自评报告.docx");
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", p(t));
    let body = format!(
        "{}{}<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>{}",
        p("2023年度部门整体支出绩效自评报告"),
        // a paragraph split over runs
        "<w:p><w:r><w:t>决算支出</w:t></w:r><w:r><w:t>1309.96万元，预算执行率为100%。</w:t></w:r></w:p>",
        cell("调整后预算（万元）"),
        cell("1309.96"),
        cell("支出合计"),
        cell("40000"),
        p("“三公”经费实际支出5.68万元，其中公务接待费4.7万元，公务用车运行维护费0.98万元。"),
    );
    docx(&path, &body);
    let (code, err, json) = claims_of(&path);
    assert_eq!(code, 0, "{err}");
    let f = json.unwrap();
    let v: Vec<(String, String)> = rows(&f)
        .into_iter()
        .map(|r| (r[0].clone(), r[4].clone()))
        .collect();
    let want: Vec<(String, String)> = [
        ("支出决算", "13099600"),
        ("预算执行率", "100"),
        ("三公经费", "56800"),
        ("公务接待费", "47000"),
        ("公务用车运行维护费", "9800"),
        ("调整后预算", "13099600"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(
        v, want,
        "a cell without a unit (支出合计 | 40000) is no claim"
    );
    assert!(kinds(&f).is_empty(), "{:?}", kinds(&f));
}

#[test]
fn claims_unreadable_input_is_one_sentence_and_exit_2() {
    let d = tmp();
    let garbage = d.path().join("坏.docx");
    std::fs::write(&garbage, b"PK\x03\x04 not really a zip").unwrap();
    let old = d.path().join("旧.doc");
    std::fs::write(&old, [0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]).unwrap();
    let pdf = d.path().join("报告.pdf");
    std::fs::write(&pdf, b"%PDF-1.4").unwrap();
    let bin_txt = d.path().join("二进制.txt");
    std::fs::write(&bin_txt, [0u8, 1, 2, 3, 0, 255]).unwrap();
    let no_xml = d.path().join("无正文.docx");
    docx(&no_xml, "");
    let missing = d.path().join("不存在.txt");
    for (path, words) in [
        (&garbage, "Word"),
        (&old, ".doc"),
        (&pdf, "PDF"),
        (&bin_txt, "文本"),
        (&missing, "找不到"),
    ] {
        let (code, err, _) = claims_of(path);
        assert_eq!(code, 2, "{}: {err}", path.display());
        assert!(err.contains(words), "{}: {err}", path.display());
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let (code, err, json) = claims_of(&no_xml);
    assert_eq!(code, 0, "{err}");
    assert!(rows(&json.unwrap()).is_empty());
}

#[test]
fn claims_json_carries_each_claim_with_value_unit_year_line_and_text() {
    let f = claims_of_text("2023年度报告\n\n决算支出1,309.96万元。\n");
    let c = &f["claims"][0];
    for k in [
        "quantity", "value", "unit", "year", "line", "text", "stated", "of", "basis",
    ] {
        assert!(c.get(k).is_some(), "{k} missing: {c}");
    }
    assert_eq!(c["value"], "13099600");
    assert_eq!(c["unit"], "元");
    assert_eq!(c["year"], 2023);
    assert_eq!(c["line"], 3);
    assert_eq!(c["text"], "决算支出1,309.96万元。");
    assert_eq!(c["stated"], "1,309.96万元");
}

#[test]
fn claims_vocabulary_file_adds_quantities_and_words_as_data() {
    let d = tmp();
    let report = d.path().join("r.txt");
    std::fs::write(
        &report,
        "2023年度报告\n2023年上缴非税收入34.49万元，其中：利息收入0.06万元，评审费收入0.84万元，考试费33.59万元。\n\
         全年花销合计88万元。\n",
    )
    .unwrap();
    let voc = d.path().join("词表.toml");
    std::fs::write(
        &voc,
        "[[quantity]]\nname = \"非税收入\"\nkind = \"amount\"\nwords = [\"非税收入\"]\n\n\
         [[quantity]]\nname = \"支出决算\"\nkind = \"amount\"\nwords = [\"花销合计\"]\n",
    )
    .unwrap();
    let out = d.path().join("c.json");
    let mut cmd = bin();
    cmd.arg("claims")
        .arg(&report)
        .arg("--vocabulary")
        .arg(&voc)
        .arg("--json")
        .arg(&out);
    let o = output_within(cmd, 60);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let r = rows(&v["files"][0]);
    let got: Vec<(&str, &str)> = r.iter().map(|x| (x[0].as_str(), x[4].as_str())).collect();
    assert_eq!(got, [("非税收入", "344900"), ("支出决算", "880000")]);
    // Without the file neither is a claim.
    let (_, _, json) = claims_of(&report);
    assert!(rows(&json.unwrap()).is_empty());
    // A vocabulary file that does not parse is one sentence and exit 2.
    std::fs::write(&voc, "[[quantity]]\nname = 1\n").unwrap();
    let mut cmd = bin();
    cmd.arg("claims").arg(&report).arg("--vocabulary").arg(&voc);
    let o = output_within(cmd, 60);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("词表"));
}

#[test]
fn claims_a_huge_report_of_one_endless_line_finishes() {
    let d = tmp();
    let p = d.path().join("长.txt");
    let mut s = String::from("2023年度报告\n");
    for i in 0..20_000 {
        s.push_str(&format!("其中基本支出{i}万元包括项目支出1元"));
    }
    std::fs::write(&p, s).unwrap();
    let t = std::time::Instant::now();
    let (code, err, _) = claims_of(&p);
    assert_eq!(code, 0, "{err}");
    assert!(t.elapsed().as_secs() < 60);
}
