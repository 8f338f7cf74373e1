//! Evaluating a drawn sample from the auditor's audited values: a file of item id → audited
//! amount; the statistical part is evaluated with the plan's method (binomial / Stringer
//! variants, as `reeval evaluate`), key and risk items add their misstatement as known; the
//! 错报汇总 sums every plan's projected and upper misstatement against the overall materiality.

use super::evaluate::{evaluate, EvalSpec, Evaluation, Method};
use super::select::Selection;
use crate::model::money::{self, Fen};
use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The parts of a selection drawn statistically (the others are key or risk items, tested
/// whole and not projected).
const STATISTICAL: &[&str] = &["random", "systematic", "mus", "cell", "stratified"];

const ID_HEADERS: &[&str] = &["编号", "项目编号", "凭证", "资产编号", "id"];
const AUDIT_HEADERS: &[&str] = &["审定金额", "审定数", "audited", "audit"];

/// Item id → audited amount, from a CSV (UTF-8, with or without BOM) whose header names the
/// id column (编号 / 资产编号 / id …) and the audited amount (审定金额 / audited …); other
/// columns (账面金额, 说明 …) are ignored. A row with an empty audited amount is not audited yet.
pub fn read_audited(path: &Path) -> Result<BTreeMap<String, Fen>> {
    let text = crate::model::provenance::read_input_text(path)
        .with_context(|| format!("无法读取审定金额表 {}", path.display()))?;
    parse_audited(&text).with_context(|| format!("审定金额表 {} 有误", path.display()))
}

pub fn parse_audited(text: &str) -> Result<BTreeMap<String, Fen>> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = r.headers()?.iter().map(|h| h.trim().to_string()).collect();
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(id_col), Some(audit_col)) = (find(ID_HEADERS), find(AUDIT_HEADERS)) else {
        bail!(
            "表头应有编号列（{}）和审定金额列（{}），实为 {}",
            ID_HEADERS.join("/"),
            AUDIT_HEADERS.join("/"),
            header.join(",")
        );
    };
    let mut out = BTreeMap::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec?;
        let row = i + 2;
        let id = rec.get(id_col).unwrap_or("").trim();
        let amount = rec.get(audit_col).unwrap_or("").trim();
        if id.is_empty() && amount.is_empty() {
            continue;
        }
        if id.is_empty() {
            bail!("第 {row} 行缺少编号");
        }
        if amount.is_empty() {
            continue;
        }
        let a = money::parse_amount(amount).map_err(|e| anyhow::anyhow!("第 {row} 行：{e}"))?;
        if out.insert(id.to_string(), a.fen).is_some() {
            bail!("第 {row} 行：编号 {id} 出现了不止一次");
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct Misstated {
    pub id: String,
    pub part: String,
    pub book: Fen,
    pub audited: Fen,
    /// (book − audited) / book, statistical items only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taint: Option<f64>,
}

/// A plan's evaluation (sample.json `evaluation`).
#[derive(Debug, Clone, Serialize)]
pub struct PlanEvaluation {
    pub method: Method,
    /// Statistical items with an audited value (the n of the evaluation).
    pub audited_count: usize,
    /// Book value of the population the statistical part was drawn from.
    pub book_value: Fen,
    pub misstated: Vec<Misstated>,
    /// Book − audited summed over the key and risk items (tested whole, not projected).
    pub known_misstatement: Fen,
    /// The statistical evaluation (absent when no statistical item has an audited value).
    pub statistical: Option<Evaluation>,
    /// Known + most likely misstatement of the statistical part, in 元.
    pub projected_misstatement: Decimal,
    /// Known + upper bound of the statistical part, in 元.
    pub upper_misstatement: Decimal,
    /// Sampled items without an audited value: the evaluation is provisional until they have one.
    pub not_audited: Vec<String>,
    /// Ids in the file that the sample does not hold.
    pub not_in_sample: Vec<String>,
    pub complete: bool,
}

/// Evaluate a selection from audited values. `materiality` is the tolerable misstatement rate.
pub fn evaluate_plan(
    sel: &Selection,
    audited: &BTreeMap<String, Fen>,
    method: Method,
    confidence: f64,
    materiality: Option<f64>,
) -> Result<PlanEvaluation> {
    let mut misstated = Vec::new();
    let mut known = Fen::ZERO;
    let mut taints = Vec::new();
    let mut deviations = 0u64;
    let mut n = 0u64;
    let mut not_audited = Vec::new();
    for it in &sel.items {
        let Some(&a) = audited.get(&it.id) else {
            not_audited.push(it.id.clone());
            continue;
        };
        let statistical = STATISTICAL.contains(&it.part.as_str());
        let diff = it.amount - a;
        let mut taint = None;
        if statistical {
            n += 1;
            if diff != Fen::ZERO {
                deviations += 1;
                let t = if it.amount.0 == 0 {
                    1.0
                } else {
                    diff.0 as f64 / it.amount.0 as f64
                };
                // A taint beyond ±1 (audited value negative or above twice the book) counts
                // as a whole item, as jfa caps it.
                let t = t.clamp(-1.0, 1.0);
                taints.push(t);
                taint = Some(t);
            }
        } else {
            known += diff;
        }
        if diff != Fen::ZERO {
            misstated.push(Misstated {
                id: it.id.clone(),
                part: it.part.clone(),
                book: it.amount,
                audited: a,
                taint,
            });
        }
    }
    let in_sample: std::collections::BTreeSet<&str> =
        sel.items.iter().map(|i| i.id.as_str()).collect();
    let not_in_sample: Vec<String> = audited
        .keys()
        .filter(|k| !in_sample.contains(k.as_str()))
        .cloned()
        .collect();
    let book_value: Fen = sel
        .parts
        .iter()
        .filter(|p| STATISTICAL.contains(&p.part.as_str()))
        .map(|p| p.population_value)
        .sum();
    let statistical = if n == 0 {
        None
    } else {
        let stringer = !matches!(
            method,
            Method::Binomial | Method::Poisson | Method::Hypergeometric
        );
        let population = sel
            .parts
            .iter()
            .filter(|p| STATISTICAL.contains(&p.part.as_str()))
            .map(|p| p.population_count as u64)
            .sum::<u64>();
        Some(evaluate(&EvalSpec {
            method,
            n,
            x: (!stringer).then_some(deviations as f64),
            taints: if stringer { taints } else { Vec::new() },
            confidence,
            materiality,
            population: Some(population.max(n)),
            book_value: Some(book_value.to_yuan()),
        })?)
    };
    let known_yuan = known.to_yuan();
    let stat = |f: fn(&Evaluation) -> Option<Decimal>| {
        statistical.as_ref().and_then(f).unwrap_or(Decimal::ZERO)
    };
    Ok(PlanEvaluation {
        method,
        audited_count: n as usize,
        book_value,
        misstated,
        known_misstatement: known,
        projected_misstatement: money::round2(known_yuan + stat(|e| e.projected_misstatement)),
        upper_misstatement: money::round2(known_yuan + stat(|e| e.upper_bound_amount)),
        statistical,
        complete: not_audited.is_empty(),
        not_audited,
        not_in_sample,
    })
}

/// One plan's line of the 错报汇总.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryLine {
    pub plan: String,
    pub known_misstatement: Fen,
    pub projected_misstatement: Decimal,
    pub upper_misstatement: Decimal,
    pub complete: bool,
}

/// 错报汇总: the plans' misstatements summed against the overall materiality (元).
#[derive(Debug, Clone, Serialize)]
pub struct MisstatementSummary {
    pub plans: Vec<SummaryLine>,
    pub projected_misstatement: Decimal,
    pub upper_misstatement: Decimal,
    pub materiality: Option<Decimal>,
    /// `approve` when the summed upper misstatement is below the materiality, else `reject`;
    /// absent without a materiality.
    pub conclusion: Option<String>,
    /// False while a plan has sampled items without an audited value.
    pub complete: bool,
}

pub fn summarise(plans: Vec<SummaryLine>, materiality: Option<Decimal>) -> MisstatementSummary {
    let projected: Decimal = plans.iter().map(|p| p.projected_misstatement).sum();
    let upper: Decimal = plans.iter().map(|p| p.upper_misstatement).sum();
    MisstatementSummary {
        complete: plans.iter().all(|p| p.complete),
        conclusion: materiality.map(|m| if upper < m { "approve" } else { "reject" }.to_string()),
        plans,
        projected_misstatement: projected,
        upper_misstatement: upper,
        materiality,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::select::{Part, Selected};

    fn sel(items: &[(&str, &str, i64)]) -> Selection {
        let items: Vec<Selected> = items
            .iter()
            .map(|(id, part, fen)| Selected {
                id: id.to_string(),
                amount: Fen(*fen),
                part: part.to_string(),
                reason: String::new(),
                label: String::new(),
                source: String::new(),
            })
            .collect();
        Selection {
            population_count: 100,
            population_value: Fen(1_000_000),
            parts: vec![Part {
                part: "random".into(),
                population_count: 90,
                population_value: Fen(900_000),
                selected_count: 3,
                selected_value: Fen(0),
                details: Default::default(),
            }],
            selected_count: items.len(),
            selected_value: Fen(0),
            coverage_percent: String::new(),
            coverage_count_percent: String::new(),
            items,
            warnings: vec![],
        }
    }

    #[test]
    fn audited_files_name_their_columns_and_blank_amounts_are_not_audited() {
        for text in [
            "编号,审定金额\nA,100.00\nB,\n",
            "\u{feff}资产编号,账面金额,审定金额,说明\nA,120.00,100.00,x\nB,5.00,,\n",
            "id,audited\nA,\"100.00\"\n\n",
        ] {
            let m = parse_audited(text).unwrap();
            assert_eq!(m.len(), 1, "{text}");
            assert_eq!(m["A"], Fen(10_000), "{text}");
        }
        for (text, says) in [
            ("凭证号,金额\nA,1\n", "表头"),
            ("编号,审定金额\nA,1\nA,2\n", "不止一次"),
            ("编号,审定金额\nA,一百\n", "第 2 行"),
            ("编号,审定金额\n,1\n", "缺少编号"),
        ] {
            let e = parse_audited(text).unwrap_err();
            assert!(format!("{e:#}").contains(says), "{text}: {e:#}");
        }
    }

    #[test]
    fn deviations_count_for_attribute_methods_and_missing_values_keep_it_provisional() {
        let s = sel(&[
            ("K", "key", 50_000),
            ("A", "random", 1000),
            ("B", "random", 2000),
            ("C", "random", 3000),
        ]);
        let audited: BTreeMap<String, Fen> = [("K", 40_000), ("A", 1000), ("B", 1500), ("Z", 1)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Fen(v)))
            .collect();
        let ev = evaluate_plan(&s, &audited, Method::Binomial, 0.95, Some(0.5)).unwrap();
        // A and B audited (B a deviation); C not yet: n = 2, x = 1; K's 100.00 known.
        assert_eq!(ev.audited_count, 2);
        let st = ev.statistical.as_ref().unwrap();
        assert_eq!((st.spec.n, st.spec.x), (2, Some(1.0)));
        assert_eq!(ev.known_misstatement, Fen(10_000));
        assert_eq!(ev.not_audited, ["C"]);
        assert_eq!(ev.not_in_sample, ["Z"]);
        assert!(!ev.complete);
        // Nothing statistical audited: no bound, the known misstatement alone.
        let only_key: BTreeMap<String, Fen> =
            [("K".to_string(), Fen(40_000))].into_iter().collect();
        let ev = evaluate_plan(&s, &only_key, Method::Stringer, 0.95, None).unwrap();
        assert!(ev.statistical.is_none());
        assert_eq!(ev.upper_misstatement, Decimal::new(10_000, 2));
    }
}
