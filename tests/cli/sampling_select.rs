//! Selection: determinism, coverage, no duplicates, MUS edge cases, allocation.

use crate::common::*;
use reeval::model::money::Fen;
use reeval::sample::select::{select, Draw, Item, SelectSpec, Strata};
use std::collections::BTreeSet;

fn items(amounts: &[i64]) -> Vec<Item> {
    amounts
        .iter()
        .enumerate()
        .map(|(i, a)| Item {
            id: format!("V{i:04}"),
            amount: Fen(*a),
            label: String::new(),
            class: Some(if i % 3 == 0 { "30217" } else { "30201" }.into()),
            source: String::new(),
        })
        .collect()
}

fn spec(draw: Draw, n: u64, seed: u64) -> SelectSpec {
    SelectSpec {
        key_above: None,
        key_max: None,
        key_cover: None,
        draw,
        n,
        seed,
        strata: Strata::Class,
        risk: Default::default(),
    }
}

fn pop(m: usize) -> Vec<Item> {
    items(
        &(0..m)
            .map(|i| 10_000 + ((i * 7919) % 100_000) as i64)
            .collect::<Vec<_>>(),
    )
}

fn ids(sel: &reeval::sample::select::Selection) -> Vec<String> {
    sel.items.iter().map(|s| s.id.clone()).collect()
}

#[test]
fn same_seed_same_items_other_seed_other_items() {
    let p = pop(500);
    for draw in [
        Draw::Random,
        Draw::Systematic,
        Draw::Mus,
        Draw::Cell,
        Draw::Stratified,
    ] {
        let a = select(&p, &spec(draw, 25, 11)).unwrap();
        let b = select(&p, &spec(draw, 25, 11)).unwrap();
        let c = select(&p, &spec(draw, 25, 12)).unwrap();
        assert_eq!(ids(&a), ids(&b), "{draw:?}");
        assert_ne!(ids(&a), ids(&c), "{draw:?}");
        // Input order does not matter: the population is ordered by id first.
        let mut rev = p.clone();
        rev.reverse();
        assert_eq!(
            ids(&select(&rev, &spec(draw, 25, 11)).unwrap()),
            ids(&a),
            "{draw:?}"
        );
    }
}

#[test]
fn random_systematic_and_stratified_draw_exactly_n_distinct_items() {
    let p = pop(200);
    for draw in [Draw::Random, Draw::Systematic, Draw::Stratified] {
        let s = select(&p, &spec(draw, 40, 3)).unwrap();
        let set: BTreeSet<_> = ids(&s).into_iter().collect();
        assert_eq!(set.len(), 40, "{draw:?}");
        assert_eq!(s.selected_count, 40);
    }
    // Stratified by class: allocation in proportion to counts (67 of class 30217, 133 of 30201)
    let s = select(&p, &spec(Draw::Stratified, 30, 3)).unwrap();
    let alloc = s.parts[0].details["allocation"].as_array().unwrap();
    let total: u64 = alloc.iter().map(|a| a["allocated"].as_u64().unwrap()).sum();
    assert_eq!(total, 30);
    let by: Vec<(String, u64)> = alloc
        .iter()
        .map(|a| {
            (
                a["stratum"].as_str().unwrap().into(),
                a["allocated"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(by, vec![("30201".into(), 20), ("30217".into(), 10)]);
    // n larger than the population: all of it, with a warning (issue 14: a plan draws what
    // it can); an empty population: nothing, with a warning.
    for draw in [Draw::Random, Draw::Systematic, Draw::Stratified] {
        let s = select(&p, &spec(draw, 201, 3)).unwrap();
        assert_eq!(s.selected_count, 200, "{draw:?}");
        assert!(s.warnings[0].contains("全部 200 项"), "{:?}", s.warnings);
        let ids: std::collections::BTreeSet<&str> = s.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids.len(), 200);
    }
    let s = select(&[], &spec(Draw::Random, 1, 3)).unwrap();
    assert_eq!(s.selected_count, 0);
    assert!(s.warnings[0].contains("总体为空"), "{:?}", s.warnings);
}

#[test]
fn key_items_cover_the_stated_share_and_are_not_drawn_twice() {
    let p = pop(300);
    let mut sp = spec(Draw::Random, 50, 5);
    sp.key_cover = Some(0.9);
    let s = select(&p, &sp).unwrap();
    let key = &s.parts[0];
    let total: i64 = p.iter().map(|i| i.amount.0).sum();
    assert!(key.selected_value.0 as f64 >= 0.9 * total as f64);
    // minimal: without its smallest member the key part would cover less than 90%
    let smallest = s
        .items
        .iter()
        .filter(|i| i.part == "key")
        .map(|i| i.amount.0)
        .min()
        .unwrap();
    assert!(((key.selected_value.0 - smallest) as f64) < 0.9 * total as f64);
    // combined plan: the random part draws from the rest only, and no id appears twice
    assert_eq!(s.parts[1].population_count, 300 - key.selected_count);
    let all = ids(&s);
    let set: BTreeSet<_> = all.iter().collect();
    assert_eq!(set.len(), all.len());
    assert_eq!(s.selected_count, key.selected_count + 50);
    // threshold rule
    let mut sp = spec(Draw::None, 0, 5);
    sp.key_above = Some(Fen(100_000));
    let s = select(&p, &sp).unwrap();
    assert!(s.items.iter().all(|i| i.amount.0 >= 100_000));
    assert_eq!(
        s.selected_count,
        p.iter().filter(|i| i.amount.0 >= 100_000).count()
    );
}

#[test]
fn mus_always_takes_items_above_the_interval_and_excludes_nonpositive_ones() {
    // Book value of positive items 1,000,000 分; n = 10 → interval 100,000 分.
    let mut amounts = vec![250_000, 100_000, 0, -5_000];
    amounts.extend(std::iter::repeat_n(10_000, 65)); // 650,000
    let p = items(&amounts);
    for draw in [Draw::Mus, Draw::Cell] {
        for seed in 0..20 {
            let s = select(&p, &spec(draw, 10, seed)).unwrap();
            let got = ids(&s);
            assert!(
                got.contains(&"V0000".to_string()) && got.contains(&"V0001".to_string()),
                "{draw:?} seed {seed}"
            );
            assert!(!got.contains(&"V0002".to_string()) && !got.contains(&"V0003".to_string()));
            let part = &s.parts[0];
            assert_eq!(part.details["interval"], "1000.00");
            assert_eq!(part.details["items_at_least_interval"], 2);
            assert_eq!(part.details["excluded_nonpositive_count"], 2);
            assert_eq!(part.details["excluded_nonpositive_value"], "-50.00");
            let big = s.items.iter().find(|i| i.id == "V0000").unwrap();
            assert!(big.reason.contains("必然抽中"), "{}", big.reason);
            // 10 points in all; with cells an unhit large item is added as certain
            assert!(s.selected_count <= 10 + usize::from(draw == Draw::Cell));
        }
    }
}

#[test]
fn sample_command_is_reproducible_and_records_its_seed() {
    let d = tmp();
    let (a, b) = (d.path().join("a.json"), d.path().join("b.json"));
    let assets = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/fixture/assets/固定资产明细表-2023.xlsx"
    );
    for out in [&a, &b] {
        let o = bin()
            .args([
                "sample",
                "--assets",
                assets,
                "--unit",
                "assets",
                "--key-cover",
                "0.9",
                "--method",
                "random",
                "--n",
                "15",
                "--seed",
                "2024",
                "--json",
                p(out),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (x, y) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(x, y, "same inputs and seed: byte-identical sample");
    let v: serde_json::Value = serde_json::from_slice(&x).unwrap();
    assert_eq!(v["provenance"]["seed"], 2024);
    assert_eq!(
        v["provenance"]["inputs"][0]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    assert_eq!(v["population_count"], 534);
    assert_eq!(v["parts"][1]["selected_count"], 15);
    assert!(v["random_stream"].as_str().unwrap().contains("ChaCha20"));
    let o = bin()
        .args([
            "sample", "--unit", "assets", "--method", "random", "--n", "3",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--assets"));
}

#[test]
fn risk_targeted_takes_every_flagged_voucher_with_its_reasons() {
    let d = tmp();
    let ledger = d.path().join("g.xlsx");
    reeval::fixtures::write_generic(&ledger).unwrap();
    let findings = d.path().join("findings.json");
    std::fs::write(
        &findings,
        serde_json::json!({"findings": [
            {"rule": "card-settlement", "category": "公务卡结算", "voucher": "局机关 2023-03 记-19", "status": "待核实"},
            {"rule": "reception-frequency", "category": "公务接待", "voucher": "局机关 2023-03 记-19", "status": "待核实"},
            {"rule": "meal-fee-suspense", "category": "挂往来", "voucher": "局机关 2023-06 记-15", "status": "确认"},
            {"rule": "amount-mismatch", "category": "金额不符", "voucher": "社保中心 2023-05 记-24", "status": "排除"},
            {"rule": "card-settlement", "category": "公务卡结算", "voucher": "局机关 2023-12 记-99", "status": "待核实"},
            {"rule": "benford", "category": "总体分析", "voucher": null, "status": "待核实"}
        ]})
        .to_string(),
    )
    .unwrap();
    let out = d.path().join("s.json");
    let o = bin()
        .args([
            "sample",
            p(&ledger),
            "--risk",
            p(&findings),
            // Every voucher: 2023-06 记-15 (伙食费 received into 往来) is not an expenditure
            // voucher, the default population since issue 20.
            "--population",
            "all",
            "--method",
            "random",
            "--n",
            "1",
            "--seed",
            "1",
            "--json",
            p(&out),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let risk = &v["parts"][0];
    assert_eq!(risk["part"], "risk");
    assert_eq!(risk["selected_count"], 2);
    assert_eq!(
        risk["details"]["flagged_not_in_population"][0],
        "局机关 2023-12 记-99"
    );
    let items = v["items"].as_array().unwrap();
    let r19 = items
        .iter()
        .find(|i| i["id"] == "局机关 2023-03 记-19")
        .unwrap();
    let reason = r19["reason"].as_str().unwrap();
    assert!(
        reason.contains("公务卡结算") && reason.contains("公务接待"),
        "{reason}"
    );
    assert!(
        !items
            .iter()
            .any(|i| i["id"] == "社保中心 2023-05 记-24" && i["part"] == "risk"),
        "排除 is not a target"
    );
    // the random part draws from the rest: the population minus the two flagged vouchers
    assert_eq!(
        v["parts"][1]["population_count"],
        v["population_count"].as_u64().unwrap() - 2
    );
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let set: BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(set.len(), ids.len());
    assert_eq!(
        v["provenance"]["inputs"].as_array().unwrap().len(),
        2,
        "ledger and findings hashed"
    );
}

#[test]
fn mus_with_n_not_below_the_items_takes_them_all_and_coverage_counts_red_ink_by_size() {
    // Issue 14 re-test: MUS with n ≥ items drew a third of them silently; a red-ink voucher
    // made coverage 700 %.
    let p = items(&[100_000, -90_000, 5_000]);
    for draw in [Draw::Mus, Draw::Cell] {
        let s = select(&p, &spec(draw, 20_000, 1)).unwrap();
        assert_eq!(s.selected_count, 2, "{draw:?}: the two positive items");
        assert!(s.warnings[0].contains("全部 2 项"), "{:?}", s.warnings);
        // 105,000 of 195,000 in absolute terms.
        assert_eq!(s.coverage_percent, "53.85", "{draw:?}");
    }
    for seed in 0..20 {
        let s = select(&p, &spec(Draw::Random, 2, seed)).unwrap();
        let pct: f64 = s.coverage_percent.parse().unwrap();
        assert!((0.0..=100.0).contains(&pct), "{}", s.coverage_percent);
    }
}
