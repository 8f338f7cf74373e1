//! A report against itself, without any books: "其中" lists that do not add up, a part larger
//! than its whole, a rate that does not follow from its numerator and denominator, the same
//! quantity stated twice with different values.

use super::extract::Extraction;
use super::{shown, Claim, Inconsistency, Vocabulary};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn wan(d: Decimal) -> String {
    crate::model::money::grouped_yuan(d)
}

/// Half a unit of the last decimal place a figure is written with (100% → 0.5, 99.03% → 0.005).
pub fn half_unit(stated: Decimal) -> Decimal {
    Decimal::new(5, stated.scale() + 1)
}

pub fn check(ex: &Extraction, v: &Vocabulary) -> Vec<Inconsistency> {
    let mut out = Vec::new();
    lists(ex, v, &mut out);
    parts(&ex.claims, v, &mut out);
    rates(&ex.claims, v, &mut out);
    conflicts(ex, &mut out);
    out.sort_by(|a, b| a.line.cmp(&b.line).then(a.kind.cmp(&b.kind)));
    out
}

fn lists(ex: &Extraction, v: &Vocabulary, out: &mut Vec<Inconsistency>) {
    for l in &ex.lists {
        let sum: Decimal = l.items.iter().map(|i| i.0).sum();
        let mut claims: Vec<usize> = l.total_claim.into_iter().collect();
        claims.extend(l.items.iter().filter_map(|i| i.3));
        let mut parts: Vec<String> = l.items.iter().take(10).map(|i| i.1.clone()).collect();
        if l.items.len() > 10 {
            parts.push(format!("等 {} 项", l.items.len()));
        }
        let biggest = l.items.iter().max_by_key(|i| i.0);
        if let Some(b) = biggest.filter(|b| b.0 > l.total) {
            out.push(Inconsistency {
                kind: "part_exceeds_whole".into(),
                claims: claims.clone(),
                line: l.line,
                figure: (sum - l.total).to_string(),
                explanation: format!(
                    "“{}”所列的一项（{}）大于总数 {}；所列各项（{}）合计 {} 元，比总数多 {} 元",
                    l.marker,
                    b.1,
                    l.total_stated,
                    parts.join("、"),
                    wan(sum),
                    wan(sum - l.total)
                ),
            });
        } else if sum > l.total {
            out.push(Inconsistency {
                kind: "list_exceeds".into(),
                claims: claims.clone(),
                line: l.line,
                figure: (sum - l.total).to_string(),
                explanation: format!(
                    "“{}”所列各项（{}）合计 {} 元，比总数 {} 多 {} 元：前后不一致",
                    l.marker,
                    parts.join("、"),
                    wan(sum),
                    l.total_stated,
                    wan(sum - l.total)
                ),
            });
        } else if sum < l.total && l.complete {
            out.push(Inconsistency {
                kind: "list_incomplete".into(),
                claims: claims.clone(),
                line: l.line,
                figure: (l.total - sum).to_string(),
                explanation: format!(
                    "“{}”所列各项（{}）合计 {} 元，比总数 {} 少 {} 元：所列不全或数字有误",
                    l.marker,
                    parts.join("、"),
                    wan(sum),
                    l.total_stated,
                    wan(l.total - sum)
                ),
            });
        }
        for (r, stated) in &l.restated {
            if *r != l.total {
                out.push(Inconsistency {
                    kind: "list_exceeds".into(),
                    claims: claims.clone(),
                    line: l.line,
                    figure: (*r - l.total).abs().to_string(),
                    explanation: format!("所列合计 {stated} 与总数 {} 不一致", l.total_stated),
                });
            }
        }
        if let Some(q) = l.total_quantity.as_deref().and_then(|n| v.get(n)) {
            let wrong: Vec<String> = q
                .not_parts
                .iter()
                .filter(|np| l.items.iter().any(|i| i.2.contains(np.as_str())))
                .cloned()
                .collect();
            if !wrong.is_empty() {
                out.push(Inconsistency {
                    kind: "not_a_part".into(),
                    claims: claims.clone(),
                    line: l.line,
                    figure: wrong.join("、"),
                    explanation: format!(
                        "{}不属于{}，却列在其“{}”之下（{}由{}组成）",
                        wrong.join("、"),
                        q.name,
                        l.marker,
                        q.name,
                        q.parts.join("、")
                    ),
                });
            }
        }
    }
}

/// Claims comparable with each other: the same quantity, of the same thing, on the same basis,
/// for the same year, at the same budget stage (年初 and 调整后 never compared).
fn key(c: &Claim) -> Key {
    (
        c.quantity.clone(),
        c.of.clone(),
        c.basis.clone(),
        c.year,
        c.stage.clone(),
    )
}

type Key = (
    String,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<String>,
);

/// Claims by (quantity, of, basis, year), in order.
fn index(claims: &[Claim]) -> BTreeMap<Key, Vec<usize>> {
    let mut m: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, c) in claims.iter().enumerate() {
        m.entry(key(c)).or_default().push(i);
    }
    m
}

fn parts(claims: &[Claim], v: &Vocabulary, out: &mut Vec<Inconsistency>) {
    let idx = index(claims);
    for ((q, of, basis, year, stage), members) in &idx {
        if basis.as_deref() == Some("变动") {
            continue;
        }
        // The largest statement of the part against the smallest of each whole.
        let Some(&pi) = members
            .iter()
            .filter(|&&i| claims[i].unit == "元")
            .max_by_key(|&&i| claims[i].value)
        else {
            continue;
        };
        let p = &claims[pi];
        for w in v.wholes_of(q) {
            let wk = (
                w.name.clone(),
                of.clone(),
                basis.clone(),
                *year,
                stage.clone(),
            );
            let Some(&wi) = idx
                .get(&wk)
                .and_then(|m| m.iter().min_by_key(|&&i| claims[i].value))
            else {
                continue;
            };
            let c = &claims[wi];
            if p.value > c.value {
                out.push(Inconsistency {
                    kind: "part_exceeds_whole".into(),
                    claims: vec![pi, wi],
                    line: p.line,
                    figure: p.quantity.clone(),
                    explanation: format!(
                        "{}（第 {} 行）{} 大于{}（第 {} 行）{}：部分不能大于整体",
                        p.quantity, p.line, p.stated, c.quantity, c.line, c.stated
                    ),
                });
            }
        }
    }
}

/// The one value a quantity is stated with (several different values: none).
fn unique<'a>(
    claims: &'a [Claim],
    idx: &BTreeMap<Key, Vec<usize>>,
    k: Key,
) -> Option<(usize, &'a Claim)> {
    let m = idx.get(&k)?;
    let first = *m.first()?;
    if m.iter().any(|&i| claims[i].value != claims[first].value) {
        return None;
    }
    Some((first, &claims[first]))
}

fn rates(claims: &[Claim], v: &Vocabulary, out: &mut Vec<Inconsistency>) {
    let idx = index(claims);
    let budget = || Some("预算".to_string());
    let departmental: std::collections::BTreeSet<&str> = idx
        .keys()
        .filter(|(_, of, _, _, _)| of.is_none())
        .map(|(q, _, _, _, _)| q.as_str())
        .collect();
    let stage = |q: &str| v.get(q).and_then(|q| q.stage.clone());
    for (ri, r) in claims.iter().enumerate() {
        if r.unit != "%" {
            continue;
        }
        // A rate of two stated amounts (资金到位率 = 到位资金 ÷ 预算), of the same thing.
        if let Some([nq, dq]) = v.get(&r.quantity).map(|q| q.ratio.as_slice()) {
            let num = unique(
                claims,
                &idx,
                (
                    nq.clone(),
                    r.of.clone(),
                    Some("实际".into()),
                    r.year,
                    stage(nq),
                ),
            );
            let den = unique(
                claims,
                &idx,
                (dq.clone(), r.of.clone(), budget(), r.year, stage(dq)),
            );
            if let (Some((ni, n)), Some((di, d))) = (num, den) {
                mismatch(ri, r, (ni, n), (di, d), out);
            }
            continue;
        }
        if v.get(&r.quantity).is_some_and(|q| !q.ratio.is_empty()) {
            continue;
        }
        // A rate of a quantity (项目支出执行率) is that quantity's actual over its budget; of
        // the department or a fund, its 支出决算 over its 调整后预算 (or 预算).
        let of_quantity = r.of.as_ref().filter(|o| departmental.contains(o.as_str()));
        let (num, den) = match of_quantity {
            Some(o) => (
                unique(
                    claims,
                    &idx,
                    (o.clone(), None, Some("实际".into()), r.year, None),
                ),
                unique(
                    claims,
                    &idx,
                    (
                        "调整后预算".into(),
                        r.of.clone(),
                        budget(),
                        r.year,
                        stage("调整后预算"),
                    ),
                )
                .or_else(|| unique(claims, &idx, (o.clone(), None, budget(), r.year, None))),
            ),
            None => (
                unique(
                    claims,
                    &idx,
                    (
                        "支出决算".into(),
                        r.of.clone(),
                        Some("实际".into()),
                        r.year,
                        None,
                    ),
                ),
                unique(
                    claims,
                    &idx,
                    (
                        "调整后预算".into(),
                        r.of.clone(),
                        budget(),
                        r.year,
                        stage("调整后预算"),
                    ),
                )
                .or_else(|| {
                    unique(
                        claims,
                        &idx,
                        ("预算".into(), r.of.clone(), budget(), r.year, None),
                    )
                }),
            ),
        };
        let (Some(n), Some(d)) = (num, den) else {
            continue;
        };
        mismatch(ri, r, n, d, out);
    }
}

/// A rate stated against the one its numerator and denominator give.
fn mismatch(
    ri: usize,
    r: &Claim,
    (ni, n): (usize, &Claim),
    (di, d): (usize, &Claim),
    out: &mut Vec<Inconsistency>,
) {
    {
        let Some(computed) = crate::model::money::percent(n.value, d.value) else {
            return;
        };
        if (computed - r.value).abs() > half_unit(r.value) {
            let shown_rate = computed
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            out.push(Inconsistency {
                kind: "rate_mismatch".into(),
                claims: vec![ri, ni, di],
                line: r.line,
                figure: r.value.to_string(),
                explanation: format!(
                    "所称{} {}% 与所述 {} ÷ {} = {}% 不符",
                    r.quantity, r.value, n.stated, d.stated, shown_rate
                ),
            });
        }
    }
}

fn conflicts(ex: &Extraction, out: &mut Vec<Inconsistency>) {
    let claims = &ex.claims;
    // Parts of one list are different items adding up (two tranches of one fund), never two
    // statements of one figure.
    let mut lists_of: Vec<Vec<usize>> = vec![Vec::new(); claims.len()];
    for (li, l) in ex.lists.iter().enumerate() {
        for c in l.items.iter().filter_map(|i| i.3) {
            if c < lists_of.len() && !lists_of[c].contains(&li) {
                lists_of[c].push(li);
            }
        }
    }
    let same_list = |a: usize, b: usize| lists_of[a].iter().any(|l| lists_of[b].contains(l));
    let mut groups: BTreeMap<_, Vec<usize>> = BTreeMap::new();
    for (i, c) in claims.iter().enumerate() {
        if c.basis.as_deref() == Some("变动") {
            continue;
        }
        groups.entry(key(c)).or_default().push(i);
    }
    for ((q, of, basis, year, _), idx) in groups {
        let first = &claims[idx[0]];
        let differ: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| !same_list(i, idx[0]))
            .filter(|&i| {
                let c = &claims[i];
                let tol = if c.unit == "%" {
                    half_unit(c.value).max(half_unit(first.value))
                } else {
                    Decimal::ZERO
                };
                (c.value - first.value).abs() > tol
            })
            .collect();
        if differ.is_empty() {
            continue;
        }
        let values: Vec<String> = idx
            .iter()
            .take(10)
            .map(|&i| {
                format!(
                    "第 {} 行 {}",
                    claims[i].line,
                    shown(claims[i].value, &claims[i].unit)
                )
            })
            .collect();
        let what = match (&of, &basis) {
            (Some(o), Some(b)) => format!("{o}的{q}（{b}）"),
            (Some(o), None) => format!("{o}的{q}"),
            (None, Some(b)) => format!("{q}（{b}）"),
            (None, None) => q.clone(),
        };
        out.push(Inconsistency {
            kind: "conflicting_values".into(),
            claims: idx.clone(),
            line: claims[differ[0]].line,
            figure: q.clone(),
            explanation: format!(
                "{}{}前后所述不一：{}",
                year.map(|y| format!("{y}年")).unwrap_or_default(),
                what,
                values.join("；")
            ),
        });
    }
}
