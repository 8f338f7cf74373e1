//! Defects a new user's tryout found: an impossible `[manual.<id>]` score stops the run with
//! one Chinese sentence; amount-mismatch's amount is the excess the finding establishes, not
//! the voucher's total; a supporting file that is mostly rejected, an empty list, a non-path
//! entry, a missing file and one content given twice under two paths are all told.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::common::*;
use reeval::fixtures::books::{cr, dr, write_ledger, write_table, Layout, L, V};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hrss-2023")
}

/// A copy of the sample engagement (engagement.toml and data/).
fn engagement(root: &Path) -> PathBuf {
    let to = root.join("eng");
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(sample().join("engagement.toml"), to.join("engagement.toml")).unwrap();
    for f in std::fs::read_dir(sample().join("data")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, to.join("data").join(f.file_name().unwrap())).unwrap();
        }
    }
    to
}

/// Replace `from` (which must be there) by `to` in the engagement's engagement.toml.
fn edit_engagement(eng: &Path, from: &str, to: &str) {
    let path = eng.join("engagement.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in engagement.toml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn run(eng: &Path, quiet: bool) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("run");
    if quiet {
        cmd.arg("-q");
    }
    cmd.arg(eng);
    output_within(cmd, 300)
}

// ---- 1. manual scores -------------------------------------------------------------------

/// The sample's scoring inputs with `edit` applied (replace, then append).
fn inputs_with(dir: &Path, name: &str, replace: Option<(&str, &str)>, append: &str) -> PathBuf {
    let mut text = std::fs::read_to_string(sample().join("data/scoring-inputs.toml")).unwrap();
    if let Some((from, to)) = replace {
        assert!(text.contains(from), "{from} not in the sample's inputs");
        text = text.replacen(from, to, 1);
    }
    text.push('\n');
    text.push_str(append);
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn score_cli(inputs: &Path, json: Option<&Path>) -> std::process::Output {
    let mut cmd = bin();
    cmd.args(["score", "--set", "xundian-2023", "--inputs", p(inputs)]);
    if let Some(j) = json {
        cmd.arg("--json").arg(j);
    }
    output_within(cmd, 120)
}

/// A case: what to replace in the sample's inputs, what to append, what the error must say.
type Case<'a> = (Option<(&'a str, &'a str)>, &'a str, &'a [&'a str]);

const GOAL: &str = "[manual.goal_reasonable]\nscore = \"1\"";

#[test]
fn an_impossible_manual_score_is_exit_2_naming_the_file_the_key_and_the_range() {
    let t = tmp();
    // (replace, append, what the sentence must say): every indicator kind — findings
    // (monitoring, weight 2), formula (execution_rate, 3), target (procurement_rate, 1),
    // manual (goal_reasonable, 2) — and an id the set does not have.
    let cases: &[Case] = &[
        (
            None,
            "[manual.monitoring]\nscore = \"3\"\nrationale = \"监控不到位\"\n",
            &["[manual.monitoring]", "0–2"],
        ),
        (
            None,
            "[manual.monitoring]\nscore = \"1.2\"\n",
            &["[manual.monitoring]", "rationale", "0–2"],
        ),
        (
            None,
            "[manual.monitoring]\nscore = \"1\"\nrationale = \"  \"\n",
            &["[manual.monitoring]", "rationale"],
        ),
        (
            None,
            "[manual.execution_rate]\nscore = \"-1\"\nrationale = \"r\"\n",
            &["[manual.execution_rate]", "0–3"],
        ),
        (
            None,
            "[manual.procurement_rate]\nscore = \"良\"\nrationale = \"r\"\n",
            &["[manual.procurement_rate]", "不是数值", "0–1"],
        ),
        (
            Some((GOAL, "[manual.goal_reasonable]\nscore = \"2.01\"")),
            "",
            &["[manual.goal_reasonable]", "0–2"],
        ),
        (
            None,
            "[manual.no_such_indicator]\nscore = \"1\"\nrationale = \"r\"\n",
            &["[manual.no_such_indicator]", "不在指标体系中"],
        ),
    ];
    for (i, (replace, append, says)) in cases.iter().enumerate() {
        let inputs = inputs_with(t.path(), &format!("输入-{i}.toml"), *replace, append);
        let o = score_cli(&inputs, None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "case {i}: {err}");
        assert!(err.contains(&format!("输入-{i}.toml")), "case {i}: {err}");
        for s in *says {
            assert!(err.contains(s), "case {i}: {s} not in {err}");
        }
        assert_eq!(err.trim().lines().count(), 1, "case {i}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_possible_manual_score_or_none_at_all_still_scores() {
    let t = tmp();
    // Both bounds, with rationale, on a findings indicator: taken.
    for (i, s) in ["0", "2", "1.5"].iter().enumerate() {
        let inputs = inputs_with(
            t.path(),
            &format!("ok-{i}.toml"),
            None,
            &format!("[manual.monitoring]\nscore = \"{s}\"\nrationale = \"访谈所见\"\n"),
        );
        let json = t.path().join(format!("ok-{i}.json"));
        let o = score_cli(&inputs, Some(&json));
        assert!(o.status.success(), "{s}: {}", stderr(&o));
        let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        let m = doc["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == "monitoring")
            .unwrap();
        assert_eq!(m["status"], "computed");
        let got: rust_decimal::Decimal = m["score"].as_str().unwrap().parse().unwrap();
        assert_eq!(got, s.parse::<rust_decimal::Decimal>().unwrap(), "{m}");
    }
    // A manual indicator whose score is not given (only a rationale): input not given, not
    // impossible — the run goes on and the indicator is not computable (暂定).
    let inputs = inputs_with(
        t.path(),
        "no-score.toml",
        Some((GOAL, "[manual.goal_reasonable]")),
        "",
    );
    let json = t.path().join("no-score.json");
    let o = score_cli(&inputs, Some(&json));
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let g = doc["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "goal_reasonable")
        .unwrap();
    assert_eq!(g["status"], "not_computable", "{g}");
}

#[test]
fn run_stops_on_an_impossible_manual_score() {
    let t = tmp();
    let eng = engagement(t.path());
    let path = eng.join("data/scoring-inputs.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[manual.monitoring]\nscore = \"3\"\nrationale = \"监控不到位\"\n");
    std::fs::write(&path, text).unwrap();
    let o = run(&eng, true);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for s in ["scoring-inputs.toml", "[manual.monitoring]", "0–2"] {
        assert!(err.contains(s), "{s} not in {err}");
    }
}

// ---- 2. amount-mismatch's amount --------------------------------------------------------

const W: (&str, &str) = ("30229", "福利费");

fn exp(s: &str, fen: i64) -> L {
    dr(s, "500102", "业务活动费用-商品和服务费用-福利费", fen).econ(W.0, W.1)
}
fn bud(s: &str, fen: i64) -> L {
    dr(s, "710102", "行政支出-商品和服务支出-福利费", fen).econ(W.0, W.1)
}
fn b8(s: &str, fen: i64) -> L {
    cr(s, "800102", "资金结存-货币资金", fen)
}

#[test]
fn amount_mismatch_amount_is_the_excess_the_finding_establishes_not_the_voucher_total() {
    let s1 = "支付春节慰问费（16人*500.00元/人）";
    let s2 = "发放节日慰问金（12人×300元）";
    let s3 = "支付培训费";
    let s4 = "支付会议补助（8人*100元/人）";
    let vs = vec![
        // The seed's shape: 9,009.85 paid, 9,000.00 on the 预算 side, 16×500 = 8,000.00.
        V::new(
            1,
            20,
            1,
            vec![
                exp(s1, 9_009_85),
                cr(s1, "1002", "银行存款", 9_009_85).cp("王丽珍"),
                bud(s1, 9_000_00),
                b8(s1, 9_000_00),
            ],
        ),
        // Books agree; the 摘要's 12×300 = 3,600.00 is exceeded by 200.00.
        V::new(
            2,
            1,
            2,
            vec![
                exp(s2, 3_800_00),
                cr(s2, "1002", "银行存款", 3_800_00),
                bud(s2, 3_800_00),
                b8(s2, 3_800_00),
            ],
        ),
        // The 预算 side records less than was paid: 500.00, no 摘要 arithmetic.
        V::new(
            2,
            2,
            3,
            vec![
                exp(s3, 5_000_00),
                cr(s3, "1011", "零余额账户用款额度", 5_000_00),
                bud(s3, 4_500_00),
                cr(s3, "800101", "资金结存-零余额账户用款额度", 4_500_00),
            ],
        ),
        // The 预算 side records more than was paid: 30.00.
        V::new(
            2,
            3,
            4,
            vec![
                exp(s4, 800_00),
                cr(s4, "1002", "银行存款", 800_00),
                bud(s4, 830_00),
                b8(s4, 830_00),
            ],
        ),
        // Look-alike: books and 摘要 agree.
        V::new(
            3,
            8,
            101,
            vec![
                exp("支付三八节慰问金（10人*200元/人）", 2_000_00),
                cr(
                    "支付三八节慰问金（10人*200元/人）",
                    "1002",
                    "银行存款",
                    2_000_00,
                ),
                bud("支付三八节慰问金（10人*200元/人）", 2_000_00),
                b8("支付三八节慰问金（10人*200元/人）", 2_000_00),
            ],
        ),
    ];
    let d = tmp();
    let path = d.path().join("账.xlsx");
    write_ledger(&path, "测试局", 2023, &[], &vs, Layout::FULL).unwrap();
    let (out, doc) = cli_check(d.path(), &[p(&path), "--rules", "amount-mismatch"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = doc.unwrap();
    let got: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["voucher"]
                    .as_str()
                    .unwrap()
                    .rsplit('-')
                    .next()
                    .unwrap()
                    .to_string(),
                f["amount"].as_str().unwrap().to_string(),
                f["explanation"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let amounts: Vec<(&str, &str)> = got
        .iter()
        .map(|(v, a, _)| (v.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        amounts,
        [
            ("1", "9.85"),
            ("2", "200.00"),
            ("3", "500.00"),
            ("4", "30.00")
        ],
        "{got:#?}"
    );
    // Which figure is the amount and why; the other difference is context.
    let x = &got[0].2;
    for s in [
        "问题金额取财务会计与预算会计的差额 9.85 元",
        "1,009.85 元列作背景",
        "8,000.00",
    ] {
        assert!(x.contains(s), "{s} not in {x}");
    }
    assert!(
        got[1]
            .2
            .contains("问题金额取列支金额与摘要计算金额的差额 200.00 元"),
        "{}",
        got[1].2
    );
    // The category total follows.
    let cat = doc["summary"]["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "超预算金额列支费用")
        .unwrap()
        .clone();
    assert_eq!(cat["amount"], "739.85", "{cat}");
}

// ---- 3 and 4. supporting files -----------------------------------------------------------

#[test]
fn a_ledger_given_as_the_monitoring_table_is_warned_and_the_check_line_counts_rejections() {
    let t = tmp();
    let eng = engagement(t.path());
    // The sample as it is: the check line counts the supporting files, no warning.
    let o = run(&eng, false);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("辅助资料：5 个文件"), "{out}");
    assert!(!out.contains("很可能不是"), "{out}");
    edit_engagement(
        &eng,
        "monitoring = \"data/绩效监控表-2023.xlsx\"",
        "monitoring = \"data/局机关-序时账-2023.xlsx\"",
    );
    let mut cmd = bin();
    cmd.args(["run", "--discard-entries"]).arg(&eng);
    let o = output_within(cmd, 300);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("辅助资料："))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("绩效监控表 data/局机关-序时账-2023.xlsx 拒收"),
        "{line}"
    );
    let warn = out
        .lines()
        .find(|l| l.contains("很可能不是绩效监控表"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        warn.contains("局机关-序时账-2023.xlsx") && warn.contains("[supporting] monitoring"),
        "{warn}"
    );
}

#[test]
fn an_empty_list_a_non_path_entry_or_a_missing_file_in_supporting_is_one_chinese_sentence() {
    let t = tmp();
    let eng = engagement(t.path());
    let line = "monitoring = \"data/绩效监控表-2023.xlsx\"";
    let cases: &[(&str, &[&str])] = &[
        (
            "monitoring = []",
            &["[supporting] monitoring", "空列表", "绩效监控表"],
        ),
        (
            "monitoring = [\"data/绩效监控表-2023.xlsx\", 3]",
            &["路径或路径列表"],
        ),
        ("monitoring = 3", &["路径或路径列表"]),
        (
            "monitoring = \"data/无此监控表.xlsx\"",
            &["绩效监控表", "无此监控表.xlsx"],
        ),
    ];
    let mut current = line.to_string();
    for (to, says) in cases {
        edit_engagement(&eng, &current, to);
        current = to.to_string();
        let o = run(&eng, true);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{to}: {err}");
        for s in *says {
            assert!(err.contains(s), "{to}: {s} not in {err}");
        }
        assert!(
            !err.contains("untagged") && !err.contains("辅助资料 monitoring"),
            "{err}"
        );
    }
}

/// A small ledger for `reeval check`.
fn small_ledger(dir: &Path) -> PathBuf {
    let path = dir.join("账.xlsx");
    let s = "购买办公用品";
    let vs = vec![V::new(
        1,
        5,
        1,
        vec![
            exp(s, 100_00),
            cr(s, "1002", "银行存款", 100_00),
            bud(s, 100_00),
            b8(s, 100_00),
        ],
    )];
    write_ledger(&path, "测试局", 2023, &[], &vs, Layout::FULL).unwrap();
    path
}

#[test]
fn one_content_under_two_paths_for_one_kind_is_refused_naming_both() {
    let t = tmp();
    let ledger = small_ledger(t.path());
    let a = t.path().join("监控表.xlsx");
    let b = t.path().join("sub").join("监控表-副本.xlsx");
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    std::fs::copy(sample().join("data/绩效监控表-2023.xlsx"), &a).unwrap();
    std::fs::copy(&a, &b).unwrap();
    let (o, _) = cli_check(
        t.path(),
        &[
            p(&ledger),
            "--supporting",
            &format!("monitoring={}", p(&a)),
            "--supporting",
            &format!("monitoring={}", p(&b)),
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for s in ["监控表.xlsx", "监控表-副本.xlsx", "绩效监控表", "两次"] {
        assert!(err.contains(s), "{s} not in {err}");
    }
    // Look-alike: two different files of one kind are one table of both.
    let c = t.path().join("项目监控表.xlsx");
    let row = |name: &str| vec![name.to_string(), "1-7月".into(), "无".into(), "无".into()];
    write_table(
        &c,
        "监控",
        &["项目名称", "监控期间", "偏差情况", "纠偏措施"],
        &[row("就业见习补贴项目"), row("职业技能培训项目")],
    )
    .unwrap();
    let (o, doc) = cli_check(
        t.path(),
        &[
            p(&ledger),
            "--supporting",
            &format!("monitoring={}", p(&a)),
            "--supporting",
            &format!("monitoring={}", p(&c)),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = doc.unwrap();
    let files = doc["supporting"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "monitoring")
        .count();
    assert_eq!(files, 2, "{}", doc["supporting"]);
}

#[test]
fn run_refuses_one_content_given_twice_for_a_kind() {
    let t = tmp();
    let eng = engagement(t.path());
    std::fs::copy(
        eng.join("data/绩效监控表-2023.xlsx"),
        eng.join("data/监控表-副本.xlsx"),
    )
    .unwrap();
    edit_engagement(
        &eng,
        "monitoring = \"data/绩效监控表-2023.xlsx\"",
        "monitoring = [\"data/绩效监控表-2023.xlsx\", \"data/监控表-副本.xlsx\"]",
    );
    let o = run(&eng, true);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for s in [
        "data/绩效监控表-2023.xlsx",
        "data/监控表-副本.xlsx",
        "SHA-256",
    ] {
        assert!(err.contains(s), "{s} not in {err}");
    }
}
