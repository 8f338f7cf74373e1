//! The template's variables, and the filters that print numbers in report style.
//!
//! Variables (see templates/report.md.j2): `engagement`, `firm`, `report`, `draft`, `banner`,
//! `pending_mark`, `score` (null without scoring), `problems`, `general`, `chart`, and the
//! function `input("budget.initial")` (a scoring input, or 【待补充：…】 when the inputs lack it).
//! Filters: `yuan` (73,600.00), `wan` (万元, 2 decimals, half up), `pct` (94.96%), `cn` (一),
//! `cnp` (（一）), `inner` (“…” → ‘…’ inside a quotation), `num` (2 decimals). Amounts are decimal strings end to end; no float touches them.

use super::chart::Bar;
use super::{reported, Sources};
use crate::model::findings::{Citation, Finding, Kind};
use crate::model::money::{grouped_yuan, percent, round2};
use crate::score::score::IndicatorScore;
use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

pub struct Context {
    pub value: Value,
    /// Per reported finding id: the amounts (grouped, 2 decimals) a paragraph citing it may
    /// print, and the voucher as the report cites it (`2023年3月记-19号凭证`).
    pub allowed_amounts: BTreeMap<String, BTreeSet<String>>,
    pub voucher_refs: BTreeMap<String, String>,
    /// The reported findings' ids.
    pub reported: BTreeSet<String>,
    pub problem_count: usize,
    pub chart_title: String,
    pub chart_bars: Vec<Bar>,
}

const CN: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99).
pub fn cn_number(n: u64) -> String {
    match n {
        0 => "零".into(),
        1..=9 => CN[n as usize].into(),
        10..=19 => format!("十{}", CN[(n % 10) as usize]),
        20..=99 => format!("{}十{}", CN[(n / 10) as usize], CN[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

fn dec(v: &minijinja::Value) -> Option<Decimal> {
    if let Some(s) = v.as_str() {
        return Decimal::from_str(s.trim().replace(',', "").as_str()).ok();
    }
    i64::try_from(v.clone()).ok().map(Decimal::from)
}

fn pass(v: &minijinja::Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

pub fn filters(env: &mut minijinja::Environment) {
    env.add_filter("yuan", |v: minijinja::Value| -> String {
        dec(&v)
            .map(|d| grouped_yuan(round2(d)))
            .unwrap_or_else(|| pass(&v))
    });
    env.add_filter("wan", |v: minijinja::Value| -> String {
        dec(&v)
            .map(|d| grouped_yuan(round2(d / Decimal::from(10_000))))
            .unwrap_or_else(|| pass(&v))
    });
    env.add_filter("pct", |v: minijinja::Value| -> String {
        dec(&v)
            .map(|d| format!("{:.2}%", round2(d)))
            .unwrap_or_else(|| pass(&v))
    });
    env.add_filter("num", |v: minijinja::Value| -> String {
        dec(&v)
            .map(|d| format!("{:.2}", round2(d)))
            .unwrap_or_else(|| pass(&v))
    });
    env.add_filter("cn", |n: u64| cn_number(n));
    // Quotation marks inside a quotation: “转移‘三公经费’”.
    env.add_filter("inner", |s: String| s.replace('“', "‘").replace('”', "’"));
    env.add_filter("cnp", |n: u64| format!("（{}）", cn_number(n)));
}

/// Amounts printed in a text as 元 amounts (`73,600.00元`, `429.00 元`), exactly.
pub fn amounts(text: &str) -> Vec<Decimal> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            && (i == 0
                || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.' || chars[i - 1] == ','))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == ',' || chars[i] == '.')
            {
                i += 1;
            }
            let num: String = chars[start..i].iter().filter(|c| **c != ',').collect();
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let yuan = j < chars.len() && chars[j] == '元';
            if yuan && num.contains('.') {
                if let Ok(d) = Decimal::from_str(num.trim_end_matches('.')) {
                    out.push(d);
                }
            }
            continue;
        }
        i += 1;
    }
    out
}

/// `2023-03 记-19` → `2023年3月记-19号凭证`; another form → `…号凭证` as it is.
/// A tag that tells apart vouchers sharing a number (`2023-03 记-19（2023-03-20）`, see
/// `model::voucher::tags`) follows the reference: `2023年3月记-19号凭证（2023-03-20）`.
pub fn voucher_ref(v: &str) -> String {
    let base: Vec<&str> = v.split_whitespace().collect();
    if let (Some(ym), Some(word)) = (base.first(), base.get(1)) {
        if let Some((y, m)) = ym.split_once('-') {
            if let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<u32>()) {
                let (word, _) = split_tag(word);
                // The tag runs to its closing bracket, spaces and all (a file name may hold
                // them): `（局机关 序时账.xlsx）`.
                let tag = v
                    .find('（')
                    .map(|i| &v[i..])
                    .filter(|t| t.ends_with('）'))
                    .unwrap_or("");
                return format!("{y}年{m}月{word}号凭证{tag}");
            }
        }
    }
    format!("{}号凭证", v.trim())
}

/// `记-19（2023-03-20）` → (`记-19`, `（2023-03-20）`): the voucher word and number, and the tag
/// written straight after them (full-width brackets) when vouchers share the number.
fn split_tag(word: &str) -> (&str, &str) {
    match word.find('（') {
        Some(i) if i > 0 => word.split_at(i),
        _ => (word, ""),
    }
}

/// The base of a finding's voucher (`2023-03 记-19`, without a tag that tells duplicates apart:
/// `2023-03 记-19（2023-03-20）` and `2023-03 记-19 (b)` → `2023-03 记-19`).
pub fn voucher_base(v: &str) -> String {
    let mut parts = v.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(ym), Some(word)) => format!("{ym} {}", split_tag(word).0),
        (Some(ym), None) => ym.to_string(),
        _ => String::new(),
    }
}

fn quote(c: &Citation) -> String {
    let text = c.text.trim();
    format!("{}{}“{}”", c.law, c.article, text)
}

/// The provisions a problem (or one finding) rests on — those quoted, then those named whose
/// text is unverified — or the text saying there is none; and the note said after them when
/// some are unverified.
fn provisions_text(quoted: &[String], named: &[String], texts: &super::Texts) -> (String, String) {
    if quoted.is_empty() && named.is_empty() {
        return (texts.no_provision.clone(), String::new());
    }
    let all: Vec<String> = quoted.iter().chain(named.iter()).cloned().collect();
    let note = if named.is_empty() {
        String::new()
    } else {
        texts
            .unverified
            .replace("{count}", &named.len().to_string())
    };
    (join_and(&all), note)
}

/// 甲、乙和丙.
fn join_and(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{}和{}", items[..n - 1].join("、"), items[n - 1]),
    }
}

/// Whether `fact` says nothing the summary does not: equal to it, or contained in it, once
/// spaces and the marks that end a clause are set aside.
fn said_in(summary: &str, fact: &str) -> bool {
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '。' | '；' | '，' | ';' | ','))
            .collect()
    };
    let (s, f) = (bare(summary), bare(fact));
    !f.is_empty() && s.contains(&f)
}

fn tidy_fact(s: &str, empty: &str) -> String {
    // `429.00 元` → `429.00元`, as the report writes amounts; a value quoted empty is said.
    let mut t = s.replace(" 元", "元").replace("“”", empty);
    while t.ends_with('。') || t.ends_with('；') {
        t.pop();
    }
    t
}

/// Depth change of a bracket or quotation mark (the marks that enclose, never separate).
fn nesting(c: char) -> i32 {
    match c {
        '“' | '（' | '(' | '《' | '‘' | '「' | '【' | '[' => 1,
        '”' | '）' | ')' | '》' | '’' | '」' | '】' | ']' => -1,
        _ => 0,
    }
}

/// A list in a fact (“项目：甲、乙、丙…”, a table written `a→b；c→d；…`) longer than `max` entries
/// cut to its first `max` and `more` (`{count}` the entries): the list is what follows the
/// fact's first top-level “：”, its entries separated by a top-level 、 or ；. A quotation, a
/// bracket or a fact without such a list is left whole.
pub fn shorten_list(fact: &str, max: usize, more: &str) -> String {
    if max == 0 {
        return fact.to_string();
    }
    let mut depth = 0i32;
    let mut colon = None;
    let mut cuts: Vec<(usize, char)> = Vec::new();
    for (i, c) in fact.char_indices() {
        let d = nesting(c);
        if d != 0 {
            depth = (depth + d).max(0);
            continue;
        }
        if depth > 0 {
            continue;
        }
        match (c, colon) {
            ('：', None) => colon = Some(i + c.len_utf8()),
            ('、' | '；', Some(_)) => cuts.push((i, c)),
            _ => {}
        }
    }
    let Some(start) = colon else {
        return fact.to_string();
    };
    // Entries written with ； may hold 、 of their own (甲、乙→丙): the ； separate them.
    let sep = if cuts.iter().any(|(_, c)| *c == '；') {
        '；'
    } else {
        '、'
    };
    let cuts: Vec<usize> = cuts
        .into_iter()
        .filter(|(_, c)| *c == sep)
        .map(|(i, _)| i)
        .collect();
    let count = cuts.len() + 1;
    if count <= max || fact[start..].trim().is_empty() {
        return fact.to_string();
    }
    format!(
        "{}{}",
        &fact[..cuts[max - 1]],
        more.replace("{count}", &count.to_string())
    )
}

/// The report's lead-in to a finding's facts: the names of the sources its evidence comes
/// from (the books, the asset register, a supporting file by its kind, the inspection),
/// in order of first appearance; a finding with no evidence gets `unsourced`.
fn lead_in(
    f: &Finding,
    facts: &str,
    names: &super::SourceNames,
    files: &BTreeMap<String, String>,
) -> String {
    let mut seen: Vec<String> = Vec::new();
    for ev in &f.evidence {
        let file = ev.source.split(':').next().unwrap_or("").trim();
        let name = if file == crate::review::file::FILE {
            names.inspection.clone()
        } else if ev.basis.is_some() || ev.account.is_some() {
            names.ledger.clone()
        } else if let Some(name) = files.get(file) {
            name.clone()
        } else if f.asset.is_some() {
            // A file the engagement does not name, on an asset's finding: its register.
            names.assets.clone()
        } else {
            names.supporting.clone()
        };
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    match seen.as_slice() {
        [] => names.unsourced.clone(),
        // The facts name their one source themselves (资产卡片显示…, 资料清单（…）…).
        [one] if facts.starts_with(one.as_str()) => String::new(),
        _ => names.lead_in.replace("{sources}", &seen.join("、")),
    }
}

/// The engagement's input files by name → the source name the report gives them.
fn source_files(
    e: &crate::run::engagement::Engagement,
    names: &super::SourceNames,
) -> BTreeMap<String, String> {
    let base = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let mut out = BTreeMap::new();
    for (kind, files) in &e.supporting {
        let name = names
            .kinds
            .get(kind)
            .cloned()
            .unwrap_or_else(|| names.supporting.clone());
        for p in files.paths() {
            out.insert(base(&p), name.clone());
        }
    }
    for p in &e.inputs.assets {
        out.insert(base(p), names.assets.clone());
    }
    for p in e.entities.iter().flat_map(|x| x.ledgers.iter()) {
        out.insert(base(p), names.ledger.clone());
    }
    out
}

fn node(ind: &IndicatorScore, all: &[IndicatorScore], own: &BTreeMap<String, Decimal>) -> Value {
    let children: Vec<Value> = all
        .iter()
        .filter(|c| c.parent.as_deref() == Some(ind.id.as_str()))
        .map(|c| node(c, all, own))
        .collect();
    let ratio = ind
        .score
        .and_then(|s| percent(s, ind.max))
        .map(|r| format!("{r:.2}"));
    json!({
        "id": ind.id,
        "name": ind.name,
        "level": ind.level,
        "score": ind.score.map(|s| format!("{:.2}", round2(s))),
        "max": format!("{:.2}", round2(ind.max)),
        "ratio": ratio,
        "value": ind.value,
        "unit": ind.unit,
        "status": ind.status,
        "reason": super::doc::escape(&ind.reason),
        "own": own
            .get(&ind.id)
            .copied()
            .or(ind.self_score)
            .map(|s| format!("{:.2}", round2(s))),
        "children": children,
    })
}

pub fn build(s: &Sources, draft: bool) -> Result<Context> {
    let e = s.engagement;
    let h = &e.engagement;
    let rs = e.report.clone().unwrap_or_default();
    let short = rs
        .short_name
        .clone()
        .unwrap_or_else(|| h.department.clone());

    // 七、存在的主要问题: reported findings by category, in the catalogue's order; a category
    // outside the catalogue (a manual finding's own heading) goes first, as the seed puts the
    // problems no ledger rule sees under 七(一).
    let order: Vec<String> = crate::model::categories::builtin()?
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let mut shown: Vec<(&Finding, bool)> = s
        .findings
        .iter()
        .filter_map(|f| reported(f, draft).map(|p| (f, p)))
        .collect();
    // Within a category, findings that name an aspect of 绩效管理 follow the management cycle
    // (目标 → 监控 → 自评 → 资料), as seed 002's 七(一) puts the targets before the monitoring;
    // the others keep the findings' order (a stable sort).
    shown.sort_by_key(|(f, _)| {
        f.aspect
            .as_deref()
            .and_then(|a| crate::model::findings::ASPECTS.iter().position(|x| *x == a))
            .unwrap_or(crate::model::findings::ASPECTS.len())
    });
    let mut cats: Vec<String> = shown.iter().map(|(f, _)| f.category.clone()).collect();
    cats.sort_by_key(|c| {
        (
            order.iter().position(|o| o == c).map_or(0, |p| p + 1),
            c.clone(),
        )
    });
    cats.dedup();
    let mut allowed_amounts: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut voucher_refs = BTreeMap::new();
    let mut reported_ids = BTreeSet::new();
    let mut problems = Vec::new();
    let files = source_files(e, &s.settings.sources);
    for (n, cat) in cats.iter().enumerate() {
        let mut items = Vec::new();
        let mut provisions: Vec<String> = Vec::new();
        let mut recs: Vec<String> = Vec::new();
        let mut unquoted: Vec<String> = Vec::new();
        let mut ids = Vec::new();
        let mut total = Decimal::ZERO;
        for (f, pending) in shown.iter().filter(|(f, _)| &f.category == cat) {
            reported_ids.insert(f.id.clone());
            ids.push(f.id.clone());
            let amount = f.amount.map(round2);
            total += amount.unwrap_or_default();
            let mut allowed: BTreeSet<String> = BTreeSet::new();
            allowed.extend(amount.map(grouped_yuan));
            for ev in &f.evidence {
                allowed.extend(
                    ev.debit
                        .iter()
                        .chain(ev.credit.iter())
                        .map(|d| grouped_yuan(round2(*d))),
                );
            }
            for fact in &f.facts {
                allowed.extend(amounts(fact).into_iter().map(|d| grouped_yuan(round2(d))));
            }
            allowed_amounts.insert(f.id.clone(), allowed);
            let entity = f.entity.clone().unwrap_or_default();
            let amount_text = amount
                .map(|a| format!("{}元", grouped_yuan(a)))
                .unwrap_or_default();
            let esc = super::doc::escape;
            let cite = match (&f.voucher, &f.asset) {
                (Some(v), _) => {
                    let r = voucher_ref(v);
                    // What the report's check finds in the text: the reference up to 号凭证
                    // (a tag telling vouchers of one number apart follows it).
                    voucher_refs.insert(f.id.clone(), voucher_ref(&voucher_base(v)));
                    format!("{entity}{r}“{}”{amount_text}", esc(f.summary.trim()))
                }
                (None, Some(_)) => {
                    format!("{entity}资产“{}”（原值{amount_text}）", f.summary.trim())
                }
                (None, None) => format!("{entity}“{}”{amount_text}", esc(f.summary.trim())),
            };
            let texts = &s.settings.texts;
            let lists = &s.settings.problems;
            // The facts alone (their evidence references are the workbook's), less the ones
            // the summary just printed already says.
            let facts: Vec<String> = f
                .facts
                .iter()
                .filter(|x| !x.starts_with("摘要") && !said_in(&f.summary, x))
                .map(|x| {
                    let t = tidy_fact(x, &texts.empty_value);
                    esc(&shorten_list(&t, lists.list_items, &lists.list_more))
                })
                .collect();
            let quoted: Vec<String> = f
                .citations
                .iter()
                .filter(|c| c.quotable())
                .map(quote)
                .collect();
            for q in &quoted {
                if !provisions.contains(q) {
                    provisions.push(q.clone());
                }
            }
            let named: Vec<String> = f
                .unquoted_citations
                .iter()
                .filter(|c| !c.law.trim().is_empty())
                .map(|c| format!("{}{}", c.law, c.article))
                .collect();
            for q in &named {
                if !unquoted.contains(q) {
                    unquoted.push(q.clone());
                }
            }
            let rec = esc(f.recommendation.trim().trim_end_matches('。'));
            if !rec.is_empty() && !recs.contains(&rec) {
                recs.push(rec);
            }
            items.push(json!({
                "id": f.id,
                "pending": pending,
                "cite": cite,
                "amount": amount.map(|a| format!("{a:.2}")),
                "title": f.title,
                "facts": facts.join("；"),
                "lead_in": lead_in(f, &facts.join("；"), &s.settings.sources, &files),
                "unseen": f.unseen,
                "provisions": provisions_text(&quoted, &named, texts).0,
                "provisions_note": provisions_text(&quoted, &named, texts).1,
            }));
        }
        let total = round2(total);
        for id in &ids {
            if let Some(a) = allowed_amounts.get_mut(id) {
                a.insert(grouped_yuan(total));
            }
        }
        let count = items.len();
        let examples = s.settings.problems.examples.max(1);
        let rest = count.saturating_sub(examples);
        items.truncate(examples);
        problems.push(json!({
            "n": n + 1,
            "title": cat,
            "ids": ids.join(";"),
            "count": count,
            "rest": rest,
            "more": if rest > 0 {
                s.settings.problems.more.replace("{count}", &count.to_string()).replace("{rest}", &rest.to_string())
            } else {
                String::new()
            },
            "amount": format!("{total:.2}"),
            "items": items,
            "provisions": provisions_text(&provisions, &unquoted, &s.settings.texts).0,
            "provisions_note": provisions_text(&provisions, &unquoted, &s.settings.texts).1,
            "recommendations": recs,
        }));
    }

    // The score: the tree from the first level down, the self-evaluation, the chart.
    let mut chart_bars = Vec::new();
    let score = match s.score {
        None => Value::Null,
        Some(rec) => {
            let r = &rec.report;
            let mut all: Vec<IndicatorScore> = r.subtotals.clone();
            all.extend(r.indicators.iter().cloned());
            let own = &r.self_evaluation.by_indicator;
            let first: Vec<Value> = r
                .subtotals
                .iter()
                .filter(|i| i.parent.is_none())
                .map(|i| node(i, &all, own))
                .collect();
            for i in r.subtotals.iter().filter(|i| i.parent.is_none()) {
                chart_bars.push(Bar {
                    name: i.name.clone(),
                    max: i.max,
                    score: i.score,
                    own: own.get(&i.id).copied().or(i.self_score),
                });
            }
            let se = &r.self_evaluation;
            json!({
                "total": format!("{:.2}", round2(r.total)),
                "max": format!("{:.2}", round2(r.max_applicable)),
                "grade": r.grade,
                "total_if_confirmed": format!("{:.2}", round2(r.total_if_confirmed)),
                "grade_if_confirmed": r.grade_if_confirmed,
                // The 疑点 still awaiting verification, as the problems section marks them (the
                // score's own count is per voucher/asset, category and indicator).
                "pending": s.findings.iter().filter(|f| f.kind == Kind::Issue && f.status.is_pending()).count(),
                "complete": r.complete,
                "set": r.set,
                "first": first,
                "total_raw": format!("{:.2}", round2(r.total_raw)),
                "ratio": percent(r.total_raw, r.max_applicable).map(|d| format!("{d:.2}")),
                "self": {
                    // Whether the department scored any first-level indicator: else only its
                    // total is known and the table says so.
                    "levels": r.subtotals.iter().filter(|i| i.parent.is_none()).any(|i| own.get(&i.id).copied().or(i.self_score).is_some()),
                    "score": se.score.map(|d| format!("{:.2}", round2(d))),
                    "grade": se.grade,
                    "difference": se.difference.map(|d| format!("{:.2}", round2(d))),
                    "explained_by": se.explained_by.iter().map(|(_, n, p)| json!({"name": n, "points": format!("{:.2}", round2(*p))})).collect::<Vec<_>>(),
                },
                "count1": r.subtotals.iter().filter(|i| i.level == 1).count(),
                "count2": r.subtotals.iter().filter(|i| i.level == 2).count(),
                "count3": r.indicators.len(),
            })
        }
    };

    let inputs: BTreeMap<String, String> = match s.inputs {
        Some(i) => i
            .values
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .chain(i.texts.iter().map(|(k, v)| (k.clone(), v.clone())))
            .collect(),
        None => BTreeMap::new(),
    };
    let settings = s.settings;
    let chart_title = format!("{}{}年度绩效评价一级指标得分", short, h.year);
    let value = json!({
        "engagement": {
            "id": h.id, "title": h.title, "department": h.department, "short": short,
            "year": h.year, "county": h.county, "city": h.city, "province": h.province,
            "entities": e.entities.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
        },
        "firm": e.firm.as_ref().map(|f| json!({"name": f.name, "team": f.team, "engagement_letter": f.engagement_letter})),
        "report": {"number": rs.number, "client": rs.client, "basis": rs.basis},
        "draft": draft,
        "banner": settings.texts.banner,
        "pending_mark": settings.texts.pending,
        "score": score,
        "problems": problems,
        "general": settings.general,
        "chart": if s.chart && chart_bars.len() > 1 { Value::String(format!("图1 {chart_title}")) } else { Value::Null },
        "inputs": inputs,
    });
    Ok(Context {
        value,
        allowed_amounts,
        voucher_refs,
        reported: reported_ids,
        problem_count: problems.len(),
        chart_title,
        chart_bars,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_vouchers_and_amounts_in_report_style() {
        assert_eq!(cn_number(1), "一");
        assert_eq!(cn_number(10), "十");
        assert_eq!(cn_number(12), "十二");
        assert_eq!(cn_number(21), "二十一");
        assert_eq!(voucher_ref("2023-03 记-19"), "2023年3月记-19号凭证");
        assert_eq!(voucher_ref("2023-12 记-41 (b)"), "2023年12月记-41号凭证");
        assert_eq!(voucher_base("2023-12 记-41 (b)"), "2023-12 记-41");
        // A tag telling apart vouchers that share a number (dates or files differ) is no part
        // of the voucher's base: the books' check finds the voucher, the report shows the tag.
        assert_eq!(voucher_base("2023-03 记-19（2023-03-20）"), "2023-03 记-19");
        assert_eq!(
            voucher_base("2023-03 记-19（局机关 序时账.xlsx，2023-03-20）"),
            "2023-03 记-19"
        );
        assert_eq!(voucher_base("2023-03 记-19"), "2023-03 记-19");
        assert_eq!(
            voucher_ref("2023-03 记-19（2023-03-20）"),
            "2023年3月记-19号凭证（2023-03-20）"
        );
        assert_eq!(
            voucher_ref("2023-03 记-19（局机关 序时账.xlsx，2023-03-20）"),
            "2023年3月记-19号凭证（局机关 序时账.xlsx，2023-03-20）"
        );
        let a = amounts("借 支出 429.00 元，合计73,600.00元，比率5.04%，原值 1,356.00 元；2023年");
        assert_eq!(
            a.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["429.00", "73600.00", "1356.00"]
        );
        assert_eq!(
            join_and(&["甲".into(), "乙".into(), "丙".into()]),
            "甲、乙和丙"
        );
    }
}
