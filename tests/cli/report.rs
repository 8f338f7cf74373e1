//! The report draft (issue 22): the golden Markdown of a fixed engagement, amounts changing
//! exactly the lines that cite them, draft vs final, masking, template errors with file and
//! line, the consistency checks, and the .docx through LibreOffice.

use crate::common::{bin, output_within, tmp};
use reeval::model::findings::{Finding, Kind, Status};
use reeval::report::{self, Report, Settings, Sources};
use reeval::run::engagement::Engagement;
use reeval::score::document::ScoreRecord;
use reeval::score::inputs::ScoringInputs;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report")
}

struct Fixture {
    engagement: Engagement,
    findings: Vec<Finding>,
    score: ScoreRecord,
    inputs: ScoringInputs,
    dir: PathBuf,
}

fn fixture() -> Fixture {
    let dir = golden_dir();
    let engagement: Engagement =
        toml::from_str(&std::fs::read_to_string(dir.join("engagement.toml")).unwrap()).unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("findings.json")).unwrap()).unwrap();
    let findings: Vec<Finding> = serde_json::from_value(doc["findings"].clone()).unwrap();
    let score: ScoreRecord =
        serde_json::from_slice(&std::fs::read(dir.join("score.json")).unwrap()).unwrap();
    let inputs = ScoringInputs::load(&dir.join("scoring-inputs.toml")).unwrap();
    Fixture {
        engagement,
        findings,
        score,
        inputs,
        dir,
    }
}

/// Every voucher the findings name, as the books would hold them.
fn books(findings: &[Finding]) -> BTreeSet<(String, String)> {
    findings
        .iter()
        .filter_map(|f| Some((f.entity.clone()?, f.voucher.clone()?)))
        .collect()
}

fn build_with(fx: &Fixture, findings: &[Finding], dir: &Path) -> anyhow::Result<Report> {
    let settings = Settings::builtin().unwrap();
    let b = books(&fx.findings);
    report::build(&Sources {
        engagement: &fx.engagement,
        dir,
        findings,
        score: Some(&fx.score),
        inputs: Some(&fx.inputs),
        vouchers: Some(&b),
        settings: &settings,
        chart: false,
    })
}

fn build(fx: &Fixture, findings: &[Finding]) -> Report {
    build_with(fx, findings, &fx.dir).unwrap_or_else(|e| panic!("{e:#}"))
}

fn set_status(findings: &mut [Finding], id: &str, s: Status) {
    let f = findings
        .iter_mut()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("{id}"));
    f.status = s;
}

const CARD_429: &str = "card-settlement/局机关/2023-03 记-19";
const RECEPTION: &str = "reception-frequency/局机关/2023-10 记-19/6-13";

#[test]
fn report_golden_markdown_of_the_fixed_engagement() {
    let fx = fixture();
    let r = build(&fx, &fx.findings);
    let path = golden_dir().join("报告-golden.md");
    if std::env::var_os("REEVAL_BLESS").is_some() {
        std::fs::write(&path, &r.markdown).unwrap();
    }
    let want = std::fs::read_to_string(&path).expect("golden file (REEVAL_BLESS=1 writes it)");
    if r.markdown != want {
        let diff: Vec<String> = r
            .markdown
            .lines()
            .zip(want.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("第 {} 行\n  现在：{a}\n  快照：{b}", i + 1))
            .collect();
        panic!(
            "报告与快照不同（{} 行 / {} 行）：\n{}",
            r.markdown.lines().count(),
            want.lines().count(),
            diff.join("\n")
        );
    }
    // What the snapshot must hold, whatever it is re-blessed to.
    for s in [
        "**征求意见稿**",
        "## 四、绩效评价结论",
        "## 七、存在的主要问题",
        "## 八、建议",
        "【待核实】局机关2023年3月记-19号凭证“支付接待费”429.00元",
        "（以下简称“人社局”）",
        "某会专审字（2024）第001号",
        "不符合《党政机关厉行节约反对浪费条例》（中发〔2013〕13号）第十一条“全面实行公务卡制度。",
        "金额合计12,279.77元",
        "## 附件：",
    ] {
        assert!(r.markdown.contains(s), "missing: {s}");
    }
    assert!(r.draft);
    // Same inputs, same bytes (both writers).
    let again = build(&fx, &fx.findings);
    assert_eq!(again.markdown, r.markdown);
    assert_eq!(again.docx, r.docx);
}

#[test]
fn report_amount_change_changes_exactly_the_lines_citing_that_finding() {
    let fx = fixture();
    let before = build(&fx, &fx.findings).markdown;
    let mut changed = fx.findings.clone();
    let f = changed.iter_mut().find(|f| f.id == CARD_429).unwrap();
    f.amount = Some("431.50".parse().unwrap());
    let after = build(&fx, &changed).markdown;
    assert_eq!(before.lines().count(), after.lines().count());
    let diff: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    // The finding's own paragraph and its problem's total — nothing else.
    assert_eq!(diff.len(), 2, "{diff:#?}");
    assert!(diff[0].1.contains("金额合计12,282.27元"), "{}", diff[0].1);
    assert!(diff[1]
        .1
        .contains("2023年3月记-19号凭证“支付接待费”431.50元"));
    assert!(diff[1]
        .0
        .contains("2023年3月记-19号凭证“支付接待费”429.00元"));
    // Another finding's amount: again only its lines.
    let mut other = fx.findings.clone();
    let f = other.iter_mut().find(|f| f.id == RECEPTION).unwrap();
    f.amount = Some("795.00".parse().unwrap());
    let after = build(&fx, &other).markdown;
    let diff: Vec<&str> = after
        .lines()
        .zip(before.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a)
        .collect();
    assert_eq!(diff.len(), 1, "{diff:#?}");
    assert!(diff[0].contains("2023年10月记-19号凭证") && diff[0].contains("795.00元"));
}

#[test]
fn report_after_review_holds_exactly_the_confirmed_findings() {
    let fx = fixture();
    let confirmed_ids = [
        CARD_429,
        "suspense-spending/局机关/2023-01 记-17/230799",
        "asset-idle/局机关/TY2016000001",
    ];
    let mut fs = fx.findings.clone();
    for id in confirmed_ids {
        set_status(&mut fs, id, Status::Confirmed);
    }
    set_status(&mut fs, RECEPTION, Status::Excluded);
    set_status(
        &mut fs,
        "meal-fee-suspense/局机关/2023-06 记-15",
        Status::Undecided,
    );
    // An analytical procedure confirmed by mistake is still never a problem.
    for f in fs.iter_mut().filter(|f| f.kind == Kind::Analytical) {
        f.status = Status::Confirmed;
    }
    // Partly reviewed (one 待定, the rest 待核实): still a draft — the confirmed ones appear as
    // problems, the unsettled ones marked 【待核实】, the excluded one nowhere.
    let r = build(&fx, &fs);
    assert!(r.draft);
    assert!(r.markdown.contains("征求意见稿"));
    assert!(r
        .markdown
        .contains("局机关2023年3月记-19号凭证“支付接待费”429.00元"));
    assert!(!r
        .markdown
        .contains("【待核实】局机关2023年3月记-19号凭证“支付接待费”"));
    assert!(r.markdown.contains("【待核实】局机关2023年6月记-15号凭证"));
    assert!(!r.markdown.contains("2023年10月记-19号凭证"));
    assert!(!r.markdown.contains("日记账测试"));

    // Every 疑点 settled (the rest excluded): final, exactly the confirmed ones.
    for f in fs
        .iter_mut()
        .filter(|f| f.kind == Kind::Issue && !confirmed_ids.contains(&f.id.as_str()))
    {
        f.status = Status::Excluded;
    }
    let r = build(&fx, &fs);
    let md = &r.markdown;
    assert!(!r.draft);
    assert!(!md.contains("征求意见稿"));
    assert!(!md.contains("【待核实】"));
    assert_eq!(r.problems, 3);
    for shown in [
        "局机关2023年3月记-19号凭证“支付接待费”429.00元",
        "局机关2023年1月记-17号凭证“2022年度工会经费单位行政补助”73,600.00元",
        "TY2016000001 刷卡机",
    ] {
        assert!(md.contains(shown), "{shown}");
    }
    // Excluded ones appear nowhere; nor the 分析性程序.
    for hidden in [
        "2023年10月记-19号凭证",
        "2023年6月记-15号凭证",
        "2023年12月记-41号凭证",
        "TY1997000001",
        "日记账测试",
        "公务接待制度执行不规范",
    ] {
        assert!(!md.contains(hidden), "{hidden} must not appear");
    }
    // Problems in the catalogue's order, numbered from （一）.
    let a = md.find("### （一）公务卡结算不规范").expect("（一）");
    let b = md.find("### （二）超范围使用结余资金").expect("（二）");
    let c = md.find("### （三）固定资产管理不规范").expect("（三）");
    assert!(a < b && b < c);

    // Everything excluded: final, and nothing to list.
    for f in fs.iter_mut().filter(|f| f.kind == Kind::Issue) {
        f.status = Status::Excluded;
    }
    let r = build(&fx, &fs);
    assert!(!r.draft);
    assert_eq!(r.problems, 0);
    assert!(r.markdown.contains("经核实，未发现需要列示的问题。"));

    // Only 待定 judgements: still a draft (nothing is settled), every 疑点 listed.
    let mut fs = fx.findings.clone();
    set_status(&mut fs, CARD_429, Status::Undecided);
    let r = build(&fx, &fs);
    assert!(r.draft);
    assert!(r
        .markdown
        .contains("【待核实】局机关2023年3月记-19号凭证“支付接待费”429.00元"));
}

#[test]
fn report_manual_finding_outside_the_catalogue_goes_first() {
    let fx = fixture();
    let mut fs = fx.findings.clone();
    fs.push(Finding {
        id: "manual/绩效目标".into(),
        rule: "manual".into(),
        title: "预算绩效目标管理责任履职不规范".into(),
        category: "绩效管理责任履职不规范".into(),
        kind: Kind::Issue,
        summary: "效益指标设定不充分".into(),
        status: Status::Confirmed,
        ..Default::default()
    });
    set_status(&mut fs, CARD_429, Status::Confirmed);
    let r = build(&fx, &fs);
    assert!(
        r.markdown
            .contains("### （一）绩效管理责任履职不规范\n\n“效益指标设定不充分”"),
        "{}",
        &r.markdown[r.markdown.find("## 七").unwrap()..][..400]
    );
    assert!(r.markdown.contains("### （二）公务卡结算不规范"));
}

#[test]
fn report_masks_private_names_and_card_numbers_unless_switched_off() {
    let mut fx = fixture();
    let mut fs = fx.findings.clone();
    let f = fs.iter_mut().find(|f| f.id == CARD_429).unwrap();
    f.facts.push("付至个人卡号 6222 0212 3456 7890 123".into());
    let r = build(&fx, &fs);
    // Markdown escapes the stars (a reader shows 周*国, ****0123); the .docx holds them as is.
    assert!(r.markdown.contains("收款人（往来）为个人“周\\*国”"));
    assert!(!r.markdown.contains("周建国"));
    assert!(
        r.markdown.contains("付至个人卡号 \\*\\*\\*\\*0123"),
        "{}",
        r.markdown
            .lines()
            .find(|l| l.contains("付至个人卡号"))
            .unwrap_or("")
    );
    let xml = docx_text(&r.docx);
    assert!(xml.contains("付至个人卡号 ****0123") && xml.contains("周*国"));
    assert!(!xml.contains("周建国"));
    assert!(!r.markdown.contains("3456 7890"));
    // Organisations, amounts and asset numbers are left alone.
    assert!(r.markdown.contains("TY1997000001"));
    assert!(r.markdown.contains("73,600.00元"));
    fx.engagement.report.as_mut().unwrap().mask = Some(false);
    let r = build(&fx, &fs);
    assert!(r.markdown.contains("周建国"));
    assert!(r.markdown.contains("6222 0212 3456 7890 123"));
}

/// word/document.xml of a .docx.
fn docx_text(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = z.by_name("word/document.xml").unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).unwrap();
    s
}

/// A firm's template directory holding `report.md.j2` (and whatever else is given).
fn firm(fx: &mut Fixture, t: &Path, files: &[(&str, &str)]) -> PathBuf {
    let dir = t.join("eng");
    let tpl = dir.join("模板");
    std::fs::create_dir_all(&tpl).unwrap();
    for (n, text) in files {
        std::fs::write(tpl.join(n), text).unwrap();
    }
    fx.engagement.report.as_mut().unwrap().templates = Some("模板".into());
    dir
}

#[test]
fn report_template_syntax_error_names_file_and_line() {
    let t = tmp();
    let mut fx = fixture();
    let dir = firm(
        &mut fx,
        t.path(),
        &[(
            "report.md.j2",
            "# 标题\n正文\n{% if draft %}\n征求意见稿\n{% endfi %}\n",
        )],
    );
    let e = format!(
        "{:#}",
        build_with(&fx, &fx.findings, &dir).err().expect("error")
    );
    assert!(e.contains("模板") && e.contains("report.md.j2"), "{e}");
    assert!(e.contains("第 5 行"), "{e}");
    assert!(e.contains("语法错误"), "{e}");
    // In an included template: that file and its line.
    let t = tmp();
    let mut fx = fixture();
    let dir = firm(
        &mut fx,
        t.path(),
        &[("problems.md.j2", "第一行\n{{ problems | length }\n")],
    );
    let e = format!(
        "{:#}",
        build_with(&fx, &fx.findings, &dir).err().expect("error")
    );
    assert!(e.contains("problems.md.j2") && e.contains("第 2 行"), "{e}");
}

#[test]
fn report_template_unknown_variable_names_file_and_line() {
    let t = tmp();
    let mut fx = fixture();
    let dir = firm(
        &mut fx,
        t.path(),
        &[(
            "report.md.j2",
            "# {{ engagement.department }}\n\n正文\n{{ engagement.departmnet }}\n",
        )],
    );
    let e = format!(
        "{:#}",
        build_with(&fx, &fx.findings, &dir).err().expect("error")
    );
    assert!(e.contains("report.md.j2") && e.contains("第 4 行"), "{e}");
    assert!(e.contains("未定义"), "{e}");
    assert!(e.contains("engagement.departmnet"), "{e}");
    // A variable of an included template, misspelt there.
    let t = tmp();
    let mut fx = fixture();
    let dir = firm(
        &mut fx,
        t.path(),
        &[(
            "appendix.md.j2",
            "{% if score %}\n## 附件\n{{ score.totl }}\n{% endif %}\n",
        )],
    );
    let e = format!(
        "{:#}",
        build_with(&fx, &fx.findings, &dir).err().expect("error")
    );
    assert!(e.contains("appendix.md.j2") && e.contains("第 3 行"), "{e}");
    // A template directory that is not there.
    let mut fx = fixture();
    fx.engagement.report.as_mut().unwrap().templates = Some("没有这个目录".into());
    let e = format!(
        "{:#}",
        build_with(&fx, &fx.findings, &fx.dir).err().unwrap()
    );
    assert!(e.contains("没有这个目录"), "{e}");
}

/// The built-in problems template with one line replaced.
fn problems_with(from: &str, to: &str) -> String {
    let p = report::TEMPLATES
        .iter()
        .find(|(n, _)| *n == "problems.md.j2")
        .unwrap()
        .1;
    assert!(p.contains(from), "{from}");
    p.replace(from, to)
}

#[test]
fn report_consistency_checks_catch_wrong_amounts_dropped_findings_and_untraced_vouchers() {
    // A firm template that prints an amount no cited finding has.
    let t = tmp();
    let mut fx = fixture();
    let text = problems_with("{{ item.cite }}", "{{ item.cite }}（另付1,000.00元）");
    let dir = firm(&mut fx, t.path(), &[("problems.md.j2", &text)]);
    let e = format!("{:#}", build_with(&fx, &fx.findings, &dir).err().unwrap());
    assert!(e.contains("1,000.00元") && e.contains("不符"), "{e}");

    // One that forgets to say which finding a paragraph is drawn from.
    let t = tmp();
    let mut fx = fixture();
    let text = problems_with("::sources {{ item.id }}\n", "");
    let dir = firm(&mut fx, t.path(), &[("problems.md.j2", &text)]);
    let e = format!("{:#}", build_with(&fx, &fx.findings, &dir).err().unwrap());
    assert!(e.contains("::sources"), "{e}");

    // One that leaves findings out.
    let t = tmp();
    let mut fx = fixture();
    let text = problems_with("{% for p in problems %}", "{% for p in problems[:1] %}");
    let dir = firm(&mut fx, t.path(), &[("problems.md.j2", &text)]);
    let e = format!("{:#}", build_with(&fx, &fx.findings, &dir).err().unwrap());
    assert!(e.contains("应列入报告"), "{e}");

    // A cited voucher the books do not hold.
    let fx = fixture();
    let settings = Settings::builtin().unwrap();
    let mut b = books(&fx.findings);
    b.remove(&("局机关".to_string(), "2023-03 记-19".to_string()));
    let e = report::build(&Sources {
        engagement: &fx.engagement,
        dir: &fx.dir,
        findings: &fx.findings,
        score: Some(&fx.score),
        inputs: Some(&fx.inputs),
        vouchers: Some(&b),
        settings: &settings,
        chart: false,
    })
    .err()
    .unwrap();
    assert!(format!("{e:#}").contains("2023-03 记-19"), "{e:#}");

    // The clean built-in templates pass all of it (the golden test builds them).
}

#[test]
fn report_docx_converts_to_pdf_with_headings_and_a_cited_voucher() {
    let soffice = ["soffice", "libreoffice"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(soffice) = soffice else {
        eprintln!("注意：未安装 LibreOffice（soffice），跳过报告转 PDF 的检查");
        return;
    };
    let fx = fixture();
    let settings = Settings::builtin().unwrap();
    let b = books(&fx.findings);
    let r = report::build(&Sources {
        engagement: &fx.engagement,
        dir: &fx.dir,
        findings: &fx.findings,
        score: Some(&fx.score),
        inputs: Some(&fx.inputs),
        vouchers: Some(&b),
        settings: &settings,
        chart: true,
    })
    .unwrap();
    let t = tmp();
    let docx = t.path().join("report.docx");
    std::fs::write(&docx, &r.docx).unwrap();
    let mut cmd = std::process::Command::new(soffice);
    cmd.arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            t.path().join("lo-profile").display()
        ))
        .arg("--convert-to")
        .arg("pdf")
        .arg("--outdir")
        .arg(t.path())
        .arg(&docx);
    let o = output_within(cmd, 240);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = t.path().join("report.pdf");
    assert!(
        pdf.is_file(),
        "LibreOffice wrote no PDF (is libreoffice-writer installed?): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    if let Some(keep) = std::env::var_os("REEVAL_KEEP_PDF") {
        std::fs::copy(&pdf, keep).unwrap();
    }
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) beside LibreOffice");
    // pdftotext spaces Latin from CJK and breaks lines: compare without whitespace.
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for s in [
        "四、绩效评价结论",
        "七、存在的主要问题",
        "八、建议",
        "2023年3月记-19号凭证",
        "429.00元",
    ] {
        assert!(text.contains(s), "PDF text lacks {s}");
    }
}

#[test]
fn report_cli_rewrites_the_report_from_the_last_results() {
    let t = tmp();
    let out = t.path().join("out");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023");
    let mut cmd = bin();
    cmd.arg("run")
        .arg(&sample)
        .arg("--out")
        .arg(&out)
        .arg("--quiet");
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = out.join("报告-hrss-2023.md");
    let first = std::fs::read_to_string(&md).unwrap();
    assert!(first.contains("## 七、存在的主要问题"));
    assert!(out.join("报告-hrss-2023.docx").is_file());
    // The auditor edits the Markdown; `reeval report` keeps the edited copy aside.
    std::fs::write(&md, format!("{first}\n审计员的修改\n")).unwrap();
    let mut cmd = bin();
    cmd.arg("report").arg(&sample).arg("--results").arg(&out);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&md).unwrap(), first);
    let kept: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("报告-hrss-2023（"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    // No results yet: one sentence, exit 2.
    let mut cmd = bin();
    cmd.arg("report")
        .arg(&sample)
        .arg("--results")
        .arg(t.path().join("nothing"));
    let o = output_within(cmd, 60);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run.json"));
}

#[test]
fn report_without_a_cjk_font_is_written_without_the_chart_and_says_so() {
    let fx = fixture();
    let mut settings = Settings::builtin().unwrap();
    settings.chart.fonts = vec!["/nonexistent/没有这个字体.ttc#2".into()];
    let b = books(&fx.findings);
    let r = report::build(&Sources {
        engagement: &fx.engagement,
        dir: &fx.dir,
        findings: &fx.findings,
        score: Some(&fx.score),
        inputs: Some(&fx.inputs),
        vouchers: Some(&b),
        settings: &settings,
        chart: true,
    })
    .unwrap();
    assert!(r.chart.is_none());
    assert!(
        r.warnings.iter().any(|w| w.contains("中文字体")),
        "{:?}",
        r.warnings
    );
    assert!(!r.markdown.contains("!["));
    assert!(!docx_text(&r.docx).contains("<w:drawing>"));
    assert!(r.markdown.contains("## 七、存在的主要问题"));

    // With the machine's font (fonts-noto-cjk, as CI installs it): a PNG, linked and embedded.
    let settings = Settings::builtin().unwrap();
    let r = report::build(&Sources {
        engagement: &fx.engagement,
        dir: &fx.dir,
        findings: &fx.findings,
        score: Some(&fx.score),
        inputs: Some(&fx.inputs),
        vouchers: Some(&b),
        settings: &settings,
        chart: true,
    })
    .unwrap();
    let png = r
        .chart
        .expect("a CJK font from data/report.toml [chart] fonts");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(r
        .markdown
        .contains("![图1 人社局2023年度绩效评价一级指标得分](报告-golden-图1.png)"));
    assert!(docx_text(&r.docx).contains("<w:drawing>"));
}

/// A finding of its own category (outside the catalogue: listed first) with these facts and
/// evidence sources; `ledger` marks an evidence line from the books (it has an account).
fn sourced(id: &str, category: &str, facts: &[&str], sources: &[(&str, bool)]) -> Finding {
    use reeval::model::findings::Evidence;
    Finding {
        id: id.into(),
        rule: "test-rule".into(),
        title: category.into(),
        category: category.into(),
        kind: Kind::Issue,
        summary: format!("{id} 摘要"),
        facts: facts.iter().map(|s| s.to_string()).collect(),
        evidence: sources
            .iter()
            .map(|(src, ledger)| Evidence {
                source: src.to_string(),
                account: ledger.then(|| "500102 业务活动费用".to_string()),
                basis: ledger.then(|| "财务会计".to_string()),
                summary: "证据".into(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// The paragraph of the report that cites `id`'s summary.
fn paragraph_of<'a>(md: &'a str, id: &str) -> &'a str {
    let key = format!("“{id} 摘要”");
    md.lines()
        .find(|l| l.contains(&key))
        .unwrap_or_else(|| panic!("no paragraph for {id}"))
}

#[test]
fn report_lead_in_follows_each_findings_evidence_source_not_always_the_books() {
    use reeval::load::supporting::Files;
    let mut fx = fixture();
    // The engagement names a 绩效监控表 and a 年度任务清单 among its supporting files.
    fx.engagement.supporting.insert(
        "monitoring".into(),
        Files::One(PathBuf::from("data/监控-2023.xlsx")),
    );
    fx.engagement.supporting.insert(
        "tasks".into(),
        Files::One(PathBuf::from("资料/任务清单 2023.xls")),
    );
    fx.engagement
        .supporting
        .insert("documents".into(), Files::One(PathBuf::from("某.xlsx")));
    let mut fs = fx.findings.clone();
    fs.extend([
        sourced(
            "甲",
            "测试一",
            &["项目甲未开展监控"],
            &[("监控-2023.xlsx:监控表:4", false)],
        ),
        sourced(
            "乙",
            "测试二",
            &["任务乙没有对应指标"],
            &[
                ("任务清单 2023.xls:Sheet1:7", false),
                ("监控-2023.xlsx:监控表:9", false),
            ],
        ),
        sourced(
            "丙",
            "测试三",
            &["账面记录项目 3 个，监控覆盖 1 个"],
            &[
                ("局机关.xlsx:序时账:12", true),
                ("监控-2023.xlsx:监控表:2", false),
            ],
        ),
        sourced(
            "丁",
            "测试四",
            &["说明书未提供"],
            &[("某某清单.xlsx:清单:3", false)],
        ),
        sourced(
            "戊",
            "测试五",
            &["实盘状态：未找到"],
            &[("review.toml:asset:TY1", false)],
        ),
        sourced("己", "测试六", &["自评报告第 8 行称执行率 100%"], &[]),
        sourced(
            "庚",
            "测试七",
            &["资料清单（某.xlsx）：“报告”未提供"],
            &[("某.xlsx:资料清单:4", false)],
        ),
    ]);
    let md = build(&fx, &fs).markdown;
    for (id, lead) in [
        ("甲", "，绩效监控表显示：项目甲"),
        ("乙", "，年度任务清单、绩效监控表显示：任务乙"),
        ("丙", "，账面、绩效监控表显示：账面记录"),
        ("丁", "，提供的资料显示：说明书"),
        ("戊", "，实地抽查记录显示：实盘状态"),
        ("己", "，经核对，自评报告第 8 行"),
    ] {
        let p = paragraph_of(&md, id);
        assert!(p.contains(lead), "{id}: {p}");
        assert!(!p.contains("账面显示"), "{id}: {p}");
    }
    // Facts that name their one source themselves are not introduced twice.
    let p = paragraph_of(&md, "庚");
    assert!(p.contains("摘要”，资料清单（某.xlsx）"), "{p}");
    // The books' findings still say 账面显示.
    assert!(md.contains("429.00元，账面显示："));
}

#[test]
fn report_lists_at_most_the_data_limit_of_examples_and_says_how_many_more() {
    let fx = fixture();
    let limit = Settings::builtin().unwrap().problems.examples;
    for n in [limit - 1, limit, limit + 1, limit + 3] {
        let mut fs: Vec<Finding> = fx
            .findings
            .iter()
            .filter(|f| f.category != "公务卡结算不规范")
            .cloned()
            .collect();
        for k in 0..n {
            let mut f = fx
                .findings
                .iter()
                .find(|f| f.id == CARD_429)
                .unwrap()
                .clone();
            f.id = format!("{CARD_429}/{k}");
            fs.push(f);
        }
        let md = build(&fx, &fs).markdown;
        let at = md.find("公务卡结算不规范的情况，共").unwrap();
        let section = &md[at..md[at..].find("上述公务卡").unwrap() + at];
        let listed = (1..=n)
            .filter(|i| section.contains(&format!("（{i}）")))
            .count();
        if n > limit {
            assert!(section.contains("，如："), "{n}: {section}");
            assert_eq!(listed, limit, "{n}");
            assert!(section.contains(&format!("……等{n}项。")), "{n}: {section}");
            // The report is the client's: it names no working paper.
            assert!(!section.contains("底稿"), "{n}: {section}");
        } else {
            assert!(!section.contains("如："), "{n}: {section}");
            assert!(!section.contains("……等"), "{n}: {section}");
            assert_eq!(listed, n, "{n}");
        }
    }
}

#[test]
fn report_cuts_a_long_list_inside_a_fact_to_a_few_entries_and_names_no_working_paper() {
    let fx = fixture();
    let mut fs = fx.findings.clone();
    fs.extend([
        sourced(
            "列表",
            "测试一",
            &["未开展监控的项目：“甲项目”、“乙项目”、“丙项目”、“丁项目”、“戊项目”"],
            &[],
        ),
        sourced(
            "对照",
            "测试二",
            &["任务与指标对照：就业→就业人数；培训、创业→培训人数；招商→（无对应指标）；仲裁→结案率"],
            &[],
        ),
        sourced("短表", "测试三", &["没有对应指标的任务：“甲”、“乙”、“丙”"], &[]),
        sourced(
            "引文",
            "测试四",
            &["目标表：“就业形势”（指标值“进一步、稳定、提高、加强”：无数值）"],
            &[],
        ),
        sourced("无冒号", "测试五", &["甲、乙、丙、丁、戊均未提供"], &[]),
    ]);
    let md = build(&fx, &fs).markdown;
    let p = paragraph_of(&md, "列表");
    assert!(p.contains("“甲项目”、“乙项目”、“丙项目”等5项，"), "{p}");
    // The whole list is the workbook's; the report names no working paper.
    assert!(!p.contains("底稿") && !p.contains("E1"), "{p}");
    assert!(!p.contains("丁项目"), "{p}");
    // A table written with ； whose entries hold 、 of their own: cut between entries.
    let p = paragraph_of(&md, "对照");
    assert!(
        p.contains("就业→就业人数；培训、创业→培训人数；招商→（无对应指标）等4项"),
        "{p}"
    );
    assert!(!p.contains("仲裁"), "{p}");
    // Look-alikes left whole: a list within the limit, 、 inside a quotation, no “：”.
    assert!(paragraph_of(&md, "短表").contains("“甲”、“乙”、“丙”，不符合"));
    assert!(paragraph_of(&md, "引文").contains("进一步、稳定、提高、加强"));
    assert!(paragraph_of(&md, "无冒号").contains("甲、乙、丙、丁、戊均未提供"));
    assert!(!md.contains("“甲”、“乙”、“丙”等"));
}

#[test]
fn report_says_a_value_left_empty_instead_of_printing_empty_quotes() {
    let fx = fixture();
    let mut fs = fx.findings.clone();
    fs.extend([
        sourced(
            "空值",
            "测试一",
            &["“质量达标率”：年度指标值“≥95%”，实际完成值“”，分值 10"],
            &[],
        ),
        sourced("有值", "测试二", &["“满意度”：实际完成值“较高”"], &[]),
    ]);
    let md = build(&fx, &fs).markdown;
    let p = paragraph_of(&md, "空值");
    assert!(p.contains("实际完成值未填写，分值 10"), "{p}");
    assert!(!md.contains("“”"));
    assert!(paragraph_of(&md, "有值").contains("实际完成值“较高”"));
}

#[test]
fn report_names_provisions_it_cannot_quote_and_says_when_there_are_none() {
    use reeval::model::findings::Citation;
    let fx = fixture();
    let mut fs = fx.findings.clone();
    let unverified = Citation {
        family: "x".into(),
        law: "《某某评价管理办法》（某财〔2020〕1号）".into(),
        article: "有关条款（条号待核）".into(),
        grade: "U".into(),
        ..Default::default()
    };
    let mut a = sourced("未核验", "测试一", &["自评所称 100%"], &[]);
    a.unquoted_citations = vec![unverified.clone()];
    let b = sourced("无依据", "测试二", &["另一事实"], &[]);
    let mut c = sourced("混合", "测试三", &["第三事实"], &[]);
    let quoted = fx
        .findings
        .iter()
        .find(|f| f.id == CARD_429)
        .unwrap()
        .citations
        .clone();
    c.citations = quoted;
    c.unquoted_citations = vec![unverified];
    fs.extend([a, b, c]);
    let md = build(&fx, &fs).markdown;
    let p = paragraph_of(&md, "未核验");
    assert!(
        p.contains("不符合《某某评价管理办法》（某财〔2020〕1号）有关条款（条号待核）的规定（其中未引原文的1项条文尚未核验"),
        "{p}"
    );
    assert!(!p.contains("【待补充"), "{p}");
    let p = paragraph_of(&md, "无依据");
    assert!(p.contains("法规目录中没有可引用的条文"), "{p}");
    let p = paragraph_of(&md, "混合");
    assert!(
        p.contains("第十一条“全面实行公务卡制度。") && p.contains("和《某某评价管理办法》"),
        "{p}"
    );
    // A finding quoting all its provisions has no such note.
    let card = md
        .lines()
        .find(|l| l.contains("“支付接待费”429.00元"))
        .unwrap();
    assert!(!card.contains("尚未核验"), "{card}");
}

/// `sourced` with each fact's evidence reference (the workbook's).
fn referenced(id: &str, facts: &[(&str, &str)]) -> Finding {
    let mut f = sourced(
        id,
        "测试引用",
        &facts.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        &[],
    );
    f.fact_evidence = facts.iter().map(|(_, r)| r.to_string()).collect();
    f
}

#[test]
fn report_prints_each_fact_without_its_evidence_reference_in_every_wording() {
    let fx = fixture();
    let mut fs = fx.findings.clone();
    fs.extend([
        // The seed's kind: a 自评表 row, a 资料清单 file, a line of the 自评报告.
        referenced(
            "表行",
            &[
                (
                    "自评表“实际完成率”：年度指标值“≥23项”，实际完成值“22项”",
                    "绩效自评表-2023.xlsx:自评表:2",
                ),
                (
                    "年度指标值 ≥100人 与绩效目标表的指标值“120”不一致",
                    "绩效目标表 2023.xls:部门整体:3",
                ),
            ],
        ),
        referenced(
            "文件",
            &[(
                "资料清单：“监控报告”于 2024-03-01 索取，提供情况“未提供”",
                "data/资料清单.xlsx",
            )],
        ),
        referenced(
            "行号",
            &[
                (
                    "自评报告称：“预算执行率为100%。”",
                    "data/自评报告-2023.txt 第 8 行",
                ),
                ("相差 5.04 个百分点", ""),
            ],
        ),
        // Look-alike: a fact that names a source in its own words (no reference) keeps them.
        referenced("原话", &[("付款明细显示收款人为个人“张某”", "")]),
    ]);
    let md = build(&fx, &fs).markdown;
    let t = paragraph_of(&md, "表行");
    assert!(t.contains("自评表“实际完成率”：年度指标值“≥23项”"), "{t}");
    assert!(t.contains("与绩效目标表的指标值“120”不一致"), "{t}");
    let d = paragraph_of(&md, "文件");
    assert!(d.contains("资料清单：“监控报告”于 2024-03-01 索取"), "{d}");
    let l = paragraph_of(&md, "行号");
    assert!(
        l.contains("自评报告称：“预算执行率为100%。”；相差 5.04 个百分点"),
        "{l}"
    );
    for p in [t, d, l] {
        for r in [".xlsx", ".xls", ".txt", ":自评表", "第 8 行", "data/"] {
            assert!(!p.contains(r), "{r}: {p}");
        }
    }
    assert!(paragraph_of(&md, "原话").contains("付款明细显示收款人为个人"));
}

#[test]
fn report_leaves_out_a_fact_the_summary_just_said() {
    let fx = fixture();
    let mut fs = fx.findings.clone();
    let with = |id: &str, summary: &str, facts: &[&str]| {
        let mut f = sourced(id, "测试重复", facts, &[]);
        f.summary = summary.to_string();
        f
    };
    fs.extend([
        // Equal to the summary (the seed's case), equal but for spaces and the clause's end,
        // contained in it.
        with(
            "账面项目 12 个，1 个未编制项目绩效目标",
            "账面项目 12 个，1 个未编制项目绩效目标",
            &[
                "账面项目 12 个，1 个未编制项目绩效目标",
                "未编制项目绩效目标的项目：“返乡创业园”",
            ],
        ),
        with(
            "资产“打印机”闲置",
            "资产“打印机”闲置",
            &["资产“打印机” 闲置。", "资产卡片显示存放地点为库房"],
        ),
        with(
            "收款人为个人“李某”，以库存现金支付",
            "收款人为个人“李某”，以库存现金支付",
            &["以库存现金支付", "贷 1001 库存现金"],
        ),
        // Look-alikes kept: a fact that says more than the summary, or something else.
        with(
            "账面项目 9 个",
            "账面项目 9 个",
            &["账面项目 9 个，3 个未开展绩效运行监控", "账面项目 8 个"],
        ),
    ]);
    let md = build(&fx, &fs).markdown;
    let line = |s: &str| {
        md.lines()
            .find(|l| l.contains(&format!("“{s}”")))
            .unwrap_or_else(|| panic!("no paragraph for {s}"))
            .to_string()
    };
    let p = line("账面项目 12 个，1 个未编制项目绩效目标");
    assert_eq!(p.matches("账面项目 12 个").count(), 1, "{p}");
    assert!(p.contains("未编制项目绩效目标的项目：“返乡创业园”"), "{p}");
    let p = line("资产“打印机”闲置");
    assert_eq!(p.matches("闲置").count(), 1, "{p}");
    assert!(p.contains("存放地点为库房"), "{p}");
    let p = line("收款人为个人“李某”，以库存现金支付");
    assert_eq!(p.matches("以库存现金支付").count(), 1, "{p}");
    assert!(p.contains("贷 1001 库存现金"), "{p}");
    let p = line("账面项目 9 个");
    assert!(p.contains("3 个未开展绩效运行监控"), "{p}");
    assert!(p.contains("账面项目 8 个"), "{p}");
}
