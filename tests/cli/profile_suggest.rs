//! `reeval profile suggest` (issue 16 item 2): a profile guessed from an export whose header no
//! built-in profile knows; with it the export loads every row. Look-alike headers are never
//! taken for the voucher number; an existing file is never overwritten.

use crate::common::*;
use std::path::{Path, PathBuf};

#[derive(Clone)]
enum C {
    S(&'static str),
    N(f64),
    E,
}

/// Rows as an .xlsx (titles, header, data); `merge`: (row, first col, last col) merged cells.
fn xlsx(path: &Path, rows: &[Vec<C>], merge: &[(u32, u16, u16)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if merge.iter().any(|m| m.0 == r && c > m.1 && c <= m.2) {
                continue;
            }
            match v {
                C::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                C::N(x) => {
                    ws.write_number(r, c, *x).unwrap();
                }
                C::E => {}
            }
        }
    }
    for &(r, a, b) in merge {
        let text = match &rows[r as usize][a as usize] {
            C::S(s) => *s,
            _ => "",
        };
        ws.merge_range(r, a, r, b, text, &rust_xlsxwriter::Format::new())
            .unwrap();
    }
    wb.save(path).unwrap();
}

/// Rows as a CSV in `enc`.
fn csv(path: &Path, rows: &[Vec<C>], enc: &'static encoding_rs::Encoding) {
    let text: String = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| match v {
                    C::S(s) => s.to_string(),
                    C::N(x) => format!("{x:.2}"),
                    C::E => String::new(),
                })
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect();
    let (bytes, _, bad) = enc.encode(&text);
    assert!(!bad);
    std::fs::write(path, bytes).unwrap();
}

/// Six balanced vouchers (12 lines) in the column order of `cols`: each entry names what the
/// column holds (voucher, date, code, summary, debit, credit, dir, amount, or a filler text).
fn lines(cols: &[&'static str]) -> Vec<Vec<C>> {
    let mut out = Vec::new();
    const VOUCHERS: [&str; 6] = ["记-1", "记-2", "记-3", "记-4", "记-5", "记-6"];
    const DATES: [&str; 6] = [
        "2023-01-05",
        "2023-02-10",
        "2023-03-15",
        "2023-04-20",
        "2023-05-25",
        "2023-06-30",
    ];
    for v in 0..6 {
        for (k, code) in ["5001", "1011"].iter().enumerate() {
            let amount = 100.0 * (v as f64 + 1.0) + 0.5;
            let row = cols
                .iter()
                .map(|c| match *c {
                    "voucher" => C::S(VOUCHERS[v]),
                    "date" => C::S(DATES[v]),
                    "code" => C::S(code),
                    "summary" => C::S("购办公用品"),
                    "debit" if k == 0 => C::N(amount),
                    "credit" if k == 1 => C::N(amount),
                    "debit" | "credit" => C::E,
                    "dir" => C::S(if k == 0 { "借" } else { "贷" }),
                    "amount" => C::N(amount),
                    other => C::S(other),
                })
                .collect();
            out.push(row);
        }
    }
    out
}

fn header(names: &[&'static str]) -> Vec<C> {
    names.iter().map(|n| C::S(n)).collect()
}

/// Run `profile suggest FILE --out OUT`.
fn suggest(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = bin();
    cmd.args(["profile", "suggest", p(file), "--out", p(out)])
        .args(extra);
    output_within(cmd, 60)
}

fn assert_loads_every_line(d: &Path, file: &Path, profile: &Path, what: &str) {
    let (out, rep) = cli_load(d, &[p(file), "--profile", p(profile)]);
    assert!(out.status.success(), "{what}: {}", stderr(&out));
    let f = &rep.unwrap()["files"][0];
    assert_eq!(f["rows_loaded"], 12, "{what}: {f}");
    assert_eq!(f["rows_rejected"], 0, "{what}: {f}");
    assert_eq!(f["vouchers"], 6, "{what}: {f}");
    assert!(
        f["profile"].as_str().unwrap().starts_with("suggested-"),
        "{what}: {f}"
    );
}

/// Headers no built-in profile knows, in several variants (title rows above, GBK CSV, a
/// two-row header with a merged 金额 cell, 方向+金额): none loads as is (exit 2); `profile
/// suggest` writes a profile with which every line loads.
#[test]
fn suggest_writes_a_profile_with_which_an_unknown_export_loads() {
    let d = tmp();
    let dir = d.path();
    let mut files: Vec<(PathBuf, &str)> = Vec::new();

    // 1. 用友-style wordings under two title rows.
    let cols = [
        "voucher",
        "date",
        "code",
        "summary",
        "debit",
        "credit",
        "备注内容",
    ];
    let mut rows = vec![
        vec![C::S("序时账")],
        vec![C::S("单位：某县某局"), C::E, C::S("期间：2023年1月-12月")],
        // (凭证号数 itself is a known header now: the built-in profiles read it.)
        header(&[
            "凭证号码数",
            "记账日期",
            "会计科目编码",
            "摘要说明",
            "借方发生额",
            "贷方发生额",
            "备注\n（\"其他\"）",
        ]),
    ];
    rows.extend(lines(&cols));
    let f = dir.join("用友式.xlsx");
    xlsx(&f, &rows, &[]);
    files.push((f, "title rows"));

    // 2. Every wording unknown, GBK CSV.
    let mut rows = vec![header(&[
        "制证日期",
        "凭证编码号",
        "科目代号",
        "摘要内容",
        "借方发生金额",
        "贷方发生金额",
    ])];
    rows.extend(lines(&[
        "date", "voucher", "code", "summary", "debit", "credit",
    ]));
    let f = dir.join("gbk.csv");
    csv(&f, &rows, encoding_rs::GBK);
    files.push((f, "gbk"));

    // 3. Two header rows: 发生金额 merged over 借方/贷方.
    let mut rows = vec![
        vec![C::S("凭证明细")],
        header(&[
            "日期",
            "凭证号数",
            "摘要",
            "科目号",
            "发生金额",
            "",
            "经办人",
        ]),
        header(&["", "", "", "", "借方", "贷方", ""]),
    ];
    rows.extend(lines(&[
        "date", "voucher", "summary", "code", "debit", "credit", "张三",
    ]));
    let f = dir.join("两行表头.xlsx");
    xlsx(&f, &rows, &[(1, 4, 5)]);
    files.push((f, "two-row header"));

    // 4. 方向 + 金额 under unknown names.
    let mut rows = vec![header(&[
        "凭证编号数",
        "业务发生日期",
        "科目号",
        "摘要说明",
        "借贷标志",
        "本币发生额",
    ])];
    rows.extend(lines(&[
        "voucher", "date", "code", "summary", "dir", "amount",
    ]));
    let f = dir.join("方向金额.csv");
    csv(&f, &rows, encoding_rs::UTF_8);
    files.push((f, "direction + amount"));

    for (file, what) in &files {
        // Without a profile nothing (or not everything) loads.
        let (out, rep) = cli_load(dir, &[p(file)]);
        let all = rep.is_some_and(|r| r["files"][0]["rows_loaded"] == 12);
        assert!(
            !out.status.success() || !all,
            "{what}: loads without a profile, so the test shows nothing"
        );

        let profile = dir.join(format!("{what}.toml"));
        let o = suggest(file, &profile, &[]);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let text = std::fs::read_to_string(&profile).unwrap();
        assert!(text.contains("kind = \"ledger\""), "{what}: {text}");
        assert!(text.contains("extends = \"generic\""), "{what}: {text}");
        assert!(text.contains("猜测"), "{what}: {text}");
        assert!(!text.contains("仍缺少"), "{what}: {text}");
        assert!(stdout(&o).contains("已写入映射方案"), "{what}");
        assert_loads_every_line(dir, file, &profile, what);
    }
    // The guess for each unknown wording, with its closest built-in name and score.
    let text = std::fs::read_to_string(dir.join("title rows.toml")).unwrap();
    assert!(text.contains("voucher = [\"凭证号码数\"]"), "{text}");
    assert!(text.contains("summary = [\"摘要说明\"]"), "{text}");
    assert!(
        text.contains("最接近内置列名“凭证号数”，相似度 0.89"),
        "{text}"
    );
    assert!(text.contains("G 列“备注 （\"其他\"）”"), "{text}");
    let text = std::fs::read_to_string(dir.join("two-row header.toml")).unwrap();
    assert!(text.contains("debit = [\"借方\"]"), "{text}");
    assert!(text.contains("voucher = [\"凭证号数\"]"), "{text}");
    let text = std::fs::read_to_string(dir.join("direction + amount.toml")).unwrap();
    assert!(text.contains("direction = [\"借贷标志\"]"), "{text}");
    assert!(text.contains("amount = [\"本币发生额\"]"), "{text}");
}

/// A header without a voucher number whose look-alikes (票据号, 凭证张数, 备注 …) must not be
/// guessed as one: the profile says 凭证号 is still missing instead.
#[test]
fn suggest_does_not_take_look_alikes_for_the_voucher_number() {
    let d = tmp();
    for (i, looks) in [
        ["票据号", "凭证张数", "备注"],
        ["发票号码", "凭证页数", "说明"],
        ["报销单号", "凭证份数", "附注"],
    ]
    .iter()
    .enumerate()
    {
        let mut rows = vec![header(&[
            looks[0],
            "日期",
            "科目编码",
            looks[1],
            "摘要",
            "借方",
            "贷方",
            looks[2],
        ])];
        rows.extend(lines(&[
            "x", "date", "code", "1", "summary", "debit", "credit", "y",
        ]));
        let f = d.path().join(format!("look{i}.csv"));
        csv(&f, &rows, encoding_rs::UTF_8);
        let profile = d.path().join(format!("look{i}.toml"));
        let o = suggest(&f, &profile, &[]);
        assert!(o.status.success(), "{looks:?}: {}", stderr(&o));
        let text = std::fs::read_to_string(&profile).unwrap();
        let mapped: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains(" = ["))
            .collect();
        // A look-alike may be a field of its own (凭证张数 is 附单据数), never the voucher number.
        for l in mapped.iter().filter(|l| l.starts_with("voucher")) {
            for look in looks {
                assert!(!l.contains(look), "{looks:?}: {look} mapped: {l}\n{text}");
            }
        }
        assert!(
            !mapped.iter().any(|l| l.starts_with("voucher =")),
            "{looks:?}: {text}"
        );
        assert!(text.contains("仍缺少必需的列 凭证号"), "{looks:?}: {text}");
        assert!(stdout(&o).contains("仍缺少必需的列 凭证号"), "{looks:?}");
        for look in looks {
            assert!(text.contains(&format!("列“{look}”")), "{look}: {text}");
        }
    }
}

/// An existing file (the profile of an earlier suggest, or anything else) and the export
/// itself are never written over.
#[test]
fn suggest_never_overwrites_an_existing_file() {
    let d = tmp();
    let mut rows = vec![header(&[
        "凭证号数",
        "日期",
        "科目编码",
        "摘要",
        "借方",
        "贷方",
    ])];
    rows.extend(lines(&[
        "voucher", "date", "code", "summary", "debit", "credit",
    ]));
    let f = d.path().join("a.csv");
    csv(&f, &rows, encoding_rs::UTF_8);
    let before = std::fs::read(&f).unwrap();
    let existing = d.path().join("mine.toml");
    std::fs::write(&existing, "# 我的方案\n").unwrap();
    for target in [&existing, &f] {
        let o = suggest(&f, target, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("未写入"), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "# 我的方案\n");
    assert_eq!(std::fs::read(&f).unwrap(), before);
    // Without --out: beside the export; a second suggest leaves the first one alone.
    let mut cmd = bin();
    cmd.args(["profile", "suggest", p(&f)]);
    let o = output_within(cmd, 60);
    assert!(o.status.success(), "{}", stderr(&o));
    let default = d.path().join("a.profile.toml");
    let first = std::fs::read(&default).unwrap();
    let mut cmd = bin();
    cmd.args(["profile", "suggest", p(&f)]);
    let o = output_within(cmd, 60);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&default).unwrap(), first);
}

/// An asset register is recognised as one (or named with --kind) and its profile loads it.
#[test]
fn suggest_maps_an_asset_register() {
    let d = tmp();
    let mut ledger = vec![header(&[
        "凭证号",
        "日期",
        "科目编码",
        "摘要",
        "借方",
        "贷方",
    ])];
    ledger.extend(lines(&[
        "voucher", "date", "code", "summary", "debit", "credit",
    ]));
    let lf = d.path().join("ledger.csv");
    csv(&lf, &ledger, encoding_rs::UTF_8);
    let mut rows = vec![
        vec![C::S("固定资产卡片清单")],
        header(&[
            "卡片号",
            "资产名称",
            "购入日期",
            "资产原价值",
            "累计已提折旧",
            "使用科室",
            "备注",
        ]),
    ];
    for i in 0..3 {
        rows.push(vec![
            C::S(["ZC001", "ZC002", "ZC003"][i]),
            C::S(["台式计算机", "打印机", "办公桌"][i]),
            C::S("2021-03-01"),
            C::N(5000.0 + i as f64),
            C::N(1000.0),
            C::S("办公室"),
            C::E,
        ]);
    }
    let f = d.path().join("资产.xlsx");
    xlsx(&f, &rows, &[]);
    for (extra, name) in [
        (&[][..], "auto.toml"),
        (&["--kind", "assets"][..], "kind.toml"),
    ] {
        let profile = d.path().join(name);
        let o = suggest(&f, &profile, extra);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = std::fs::read_to_string(&profile).unwrap();
        assert!(text.contains("kind = \"assets\""), "{text}");
        assert!(text.contains("asset_code = [\"卡片号\"]"), "{text}");
        assert!(text.contains("original = [\"资产原价值\"]"), "{text}");
        let (out, rep) = cli_load(
            d.path(),
            &[p(&lf), "--assets", p(&f), "--profile", p(&profile)],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let a = &rep.unwrap()["files"][1];
        assert_eq!(a["rows_loaded"], 3, "{a}");
        assert_eq!(a["rows_rejected"], 0, "{a}");
    }
    // Forced to the wrong kind, it says what is missing.
    let profile = d.path().join("wrong.toml");
    let o = suggest(&f, &profile, &["--kind", "ledger"]);
    let text = std::fs::read_to_string(&profile).unwrap_or_default();
    assert!(
        !o.status.success() || text.contains("仍缺少"),
        "{}\n{text}",
        stdout(&o)
    );
}

/// A 科目余额表 with a two-row header in unknown wordings is recognised as a balance table, and
/// its profile loads every account.
#[test]
fn suggest_maps_a_balance_table() {
    let d = tmp();
    let mut ledger = vec![header(&[
        "凭证号",
        "日期",
        "科目编码",
        "摘要",
        "借方",
        "贷方",
    ])];
    ledger.extend(lines(&[
        "voucher", "date", "code", "summary", "debit", "credit",
    ]));
    let lf = d.path().join("ledger.csv");
    csv(&lf, &ledger, encoding_rs::UTF_8);
    let mut rows = vec![
        vec![C::S("科目余额表")],
        header(&[
            "科目代号",
            "科目名称",
            "年初余额",
            "",
            "本年发生",
            "",
            "年末余额",
            "",
        ]),
        header(&["", "", "借方", "贷方", "借方", "贷方", "借方", "贷方"]),
    ];
    for (code, name, od, oc) in [
        ("1011", "零余额账户用款额度", 0.0, 0.0),
        ("5001", "业务活动费用", 0.0, 0.0),
        ("1601", "固定资产", 5000.0, 0.0),
    ] {
        rows.push(vec![
            C::S(code),
            C::S(name),
            C::N(od),
            C::N(oc),
            C::N(0.0),
            C::N(0.0),
            C::N(od),
            C::N(oc),
        ]);
    }
    let f = d.path().join("余额表.xlsx");
    xlsx(&f, &rows, &[(1, 2, 3), (1, 4, 5), (1, 6, 7)]);
    let profile = d.path().join("bal.toml");
    let o = suggest(&f, &profile, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&profile).unwrap();
    assert!(text.contains("kind = \"balances\""), "{text}");
    assert!(
        text.contains("opening_debit = [\"年初余额借方\"]"),
        "{text}"
    );
    assert!(
        text.contains("closing_credit = [\"年末余额贷方\"]"),
        "{text}"
    );
    assert!(text.contains("account_code = [\"科目代号\"]"), "{text}");
    let (out, rep) = cli_load(
        d.path(),
        &[p(&lf), "--balances", p(&f), "--profile", p(&profile)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let b = &rep.unwrap()["files"][1];
    assert_eq!(b["rows_rejected"], 0, "{b}");
    assert_eq!(b["rows_loaded"], 3, "{b}");
}

/// A file with nothing like a header: exit 2 with one sentence, nothing written.
#[test]
fn suggest_without_a_header_exits_2_and_writes_nothing() {
    let d = tmp();
    for (name, body) in [
        ("numbers.csv", "1,2,3\n4,5,6\n"),
        ("empty.csv", ""),
        ("words.csv", "今天,天气,很好\n明天,也是,晴天\n"),
    ] {
        let f = d.path().join(name);
        std::fs::write(&f, body).unwrap();
        let profile = d.path().join(format!("{name}.toml"));
        let o = suggest(&f, &profile, &[]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("错误："), "{name}: {}", stderr(&o));
        assert!(!profile.exists(), "{name}");
    }
}

/// The suggested profile named in engagement.toml (`[inputs] profiles`, and the entity's
/// `profile` id) makes `reeval run` load every line of the unknown export.
#[test]
fn a_suggested_profile_named_in_the_engagement_loads_the_export() {
    let d = tmp();
    let dir = d.path().join("e");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let mut rows = vec![header(&[
        "凭证号数",
        "制证日期",
        "科目代号",
        "摘要内容",
        "借方发生金额",
        "贷方发生金额",
    ])];
    rows.extend(lines(&[
        "voucher", "date", "code", "summary", "debit", "credit",
    ]));
    csv(&dir.join("data/账.csv"), &rows, encoding_rs::GBK);
    let o = suggest(
        &dir.join("data/账.csv"),
        &dir.join("账.profile.toml"),
        &["--id", "my-export"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for entity_profile in ["", "profile = \"my-export\"\n"] {
        std::fs::write(
            dir.join("engagement.toml"),
            format!(
                "[engagement]\nid = \"t\"\ntitle = \"测试\"\ndepartment = \"测试局\"\nyear = 2023\n\n\
                 [[entities]]\nname = \"局机关\"\nledgers = [\"data/账.csv\"]\n{entity_profile}\n\
                 [inputs]\nprofiles = [\"账.profile.toml\"]\n\n\
                 [sampling]\nseed = 1\n\n[[sampling.plans]]\nname = \"凭证\"\nunit = \"vouchers\"\nmethod = \"random\"\nn = 2\n"
            ),
        )
        .unwrap();
        let out = d.path().join(format!("out{}", entity_profile.len()));
        let mut cmd = bin();
        cmd.arg("run")
            .arg(&dir)
            .arg("--out")
            .arg(&out)
            .arg("--json");
        let o = output_within(cmd, 120);
        assert!(o.status.success(), "{entity_profile}: {}", stderr(&o));
        let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(s["load"]["lines_loaded"], 12, "{s}");
        assert_eq!(s["load"]["rows_rejected"], 0, "{s}");
        let load: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("load.json")).unwrap()).unwrap();
        assert_eq!(load["files"][0]["profile"], "my-export");
    }
}

/// On the bundled vendor exports (GRP-U8 序时账, two-row 凭证明细 whose 合计 rows close each
/// voucher), the suggested profile loads exactly as the built-in profile does: same rows,
/// vouchers, sums and total-row checks (the vendor's total words are carried over).
#[test]
fn suggest_on_a_known_vendor_export_loads_as_the_builtin_profile_does() {
    let d = tmp();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fixture/ledger");
    for name in ["局机关-序时账-2023.xlsx", "社保中心-凭证明细-2023.xlsx"] {
        let f = d.path().join(name);
        std::fs::copy(root.join(name), &f).unwrap();
        let (out, rep) = cli_load(d.path(), &[p(&f)]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let want = rep.unwrap()["files"][0].clone();
        let profile = d.path().join(format!("{name}.toml"));
        let o = suggest(&f, &profile, &[]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let (out, rep) = cli_load(d.path(), &[p(&f), "--profile", p(&profile)]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let got = rep.unwrap()["files"][0].clone();
        assert!(got["profile"].as_str().unwrap().starts_with("suggested-"));
        for k in [
            "rows_loaded",
            "rows_opening",
            "rows_rejected",
            "vouchers",
            "totals",
            "entity",
        ] {
            assert_eq!(got[k], want[k], "{name} {k}");
        }
        let matched = |v: &serde_json::Value| {
            v["totals_checked"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["matches"] == true)
                .count()
        };
        assert!(matched(&want) > 100, "{name}");
        assert_eq!(matched(&got), matched(&want), "{name}");
    }
}
