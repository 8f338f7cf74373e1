//! From a report's text to its claims and its "其中" lists.
//!
//! The grammar, by class: a paragraph (lines of a wrapped paragraph joined back) is cut into
//! sentences (。；！？) and clauses (，、); a figure is a number with a unit of the vocabulary
//! (元, 万元, 亿元, %); the quantity it states is the vocabulary word nearest before it in its
//! clause, separated from it only by filler words or by a fund's name (“共支出就业补助资金
//! 2718.15万元”). What a generic figure (预算, 支出决算, 执行率) is of comes, in this order,
//! from the fund named between word and figure, the words before it in its clause, the
//! sentence's subject (“项目支出共计40个，年初预算安排…”), the paragraph's heading, the
//! project part of the report it stands in. Table cells holding a label and the next one a bare
//! number (“计划安排资金（万元）” | “4”) are claims too when the label is a word and the unit
//! is given.

use super::{Claim, Quantity, QuantityKind, Vocabulary};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A figure found in a paragraph: character positions, exact value (元 or %).
#[derive(Debug, Clone)]
struct Figure {
    start: usize,
    end: usize,
    value: Decimal,
    percent: bool,
    stated: String,
}

/// A list of parts after a marker (“其中”): the figure before it and the figures after it.
#[derive(Debug, Clone)]
pub struct List {
    pub line: usize,
    pub marker: String,
    pub complete: bool,
    pub total: Decimal,
    pub total_stated: String,
    pub total_claim: Option<usize>,
    /// (value, as written, the words before it, claim index)
    pub items: Vec<(Decimal, String, String, Option<usize>)>,
    /// Figures of the list that restate the whole (“合计101.04万元”).
    pub restated: Vec<(Decimal, String)>,
    /// The total's quantity when it is a claim.
    pub total_quantity: Option<String>,
}

#[derive(Debug, Default)]
pub struct Extraction {
    pub year: Option<i32>,
    pub claims: Vec<Claim>,
    pub lists: Vec<List>,
}

struct Para {
    chars: Vec<char>,
    lines: Vec<usize>,
    cell: bool,
}

/// The longest paragraph read as one (longer ones are cut).
const MAX_PARA: usize = 5_000;
/// The most list markers read in one paragraph, and items in one list.
const MAX_LISTS: usize = 100;
const MAX_ITEMS: usize = 200;

const CLAUSE: &[char] = &['，', ',', '；', ';', '。', '！', '？', '!', '?', '、', '\n'];
const SENTENCE: &[char] = &['。', '！', '？', '!', '?', '；', ';', '\n'];
const LIST_END: &[char] = &['。', '！', '？', '!', '?', '\n'];

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn starts_numbered(t: &str) -> bool {
    let c: Vec<char> = t.chars().collect();
    let num = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    if c.is_empty() {
        return false;
    }
    if ('①'..='⑳').contains(&c[0]) {
        return true;
    }
    if c[0] == '（' || c[0] == '(' {
        let mut i = 1;
        while i < c.len() && num(c[i]) {
            i += 1;
        }
        return i > 1 && i < c.len() && (c[i] == '）' || c[i] == ')');
    }
    let mut i = 0;
    while i < c.len() && num(c[i]) {
        i += 1;
    }
    i > 0
        && i < c.len()
        && "、.．".contains(c[i])
        && !c.get(i + 1).is_some_and(|d| d.is_ascii_digit())
}

/// Lines into paragraphs: a wrapped line (long, not ending a sentence) continues on the next
/// one unless that one opens a numbered heading; table cells (lines starting with a tab)
/// stand alone.
fn paragraphs(text: &str) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::new();
    let mut last_len = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let cell = raw.starts_with('\t');
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let join = match out.last() {
            Some(p) => {
                let last = p.chars.last().copied().unwrap_or('。');
                let heading = {
                    let s: String = p.chars.iter().collect();
                    starts_numbered(&s) && !s.contains('。')
                };
                !cell
                    && !p.cell
                    && !heading
                    && last_len >= 20
                    && !"。！？；：:!?;)）".contains(last)
                    && !starts_numbered(t)
                    && !t.chars().take(9).any(|c| c == '：' || c == ':')
            }
            None => false,
        };
        if !join {
            out.push(Para {
                chars: Vec::new(),
                lines: Vec::new(),
                cell,
            });
        }
        for c in t.chars() {
            // A paragraph is cut at MAX_PARA characters: no real one is that long, and the
            // passes over a paragraph stay bounded on a file of one endless line.
            if out.last().is_none_or(|p| p.chars.len() >= MAX_PARA) {
                out.push(Para {
                    chars: Vec::new(),
                    lines: Vec::new(),
                    cell,
                });
            }
            let p = out.last_mut().expect("pushed");
            p.chars.push(c);
            p.lines.push(i + 1);
        }
        last_len = t.chars().count();
    }
    out
}

fn at(chars: &[char], i: usize, w: &str) -> bool {
    w.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

fn text(chars: &[char], a: usize, b: usize) -> String {
    chars[a.min(b)..b].iter().collect()
}

/// The number starting at `i` (digits, thousands commas, decimals) and where it ends.
fn number_at(chars: &[char], i: usize) -> Option<(usize, String)> {
    if !chars[i].is_ascii_digit() {
        return None;
    }
    if i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.' || chars[i - 1] == ',') {
        return None;
    }
    let mut s = String::new();
    let mut j = i;
    while j < chars.len() {
        let c = chars[j];
        if c.is_ascii_digit() {
            s.push(c);
            j += 1;
        } else if c == ','
            && (1..=3).all(|k| chars.get(j + k).is_some_and(|d| d.is_ascii_digit()))
            && !chars.get(j + 4).is_some_and(|d| d.is_ascii_digit())
        {
            j += 1;
        } else {
            break;
        }
    }
    if chars.get(j) == Some(&'.') && chars.get(j + 1).is_some_and(|d| d.is_ascii_digit()) {
        s.push('.');
        j += 1;
        while j < chars.len() && chars[j].is_ascii_digit() {
            s.push(chars[j]);
            j += 1;
        }
    }
    Some((j, s))
}

fn figures(chars: &[char], v: &Vocabulary) -> Vec<Figure> {
    let mut units: Vec<&super::Unit> = v.unit.iter().collect();
    units.sort_by_key(|u| std::cmp::Reverse(u.word.chars().count()));
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((j, digits)) = number_at(chars, i) else {
            i += 1;
            continue;
        };
        let mut k = j;
        while k < chars.len() && chars[k].is_whitespace() {
            k += 1;
        }
        let approximate = v.approximate.iter().any(|w| at(chars, k, w));
        let Ok(n) = Decimal::from_str(&digits) else {
            i = j;
            continue;
        };
        let mut found = None;
        if !approximate {
            if v.percent.iter().any(|p| at(chars, k, p)) {
                found = Some((k + 1, n, true));
            } else {
                for u in &units {
                    let len = u.word.chars().count();
                    if at(chars, k, &u.word)
                        && (!u.bare || !chars.get(k + len).is_some_and(|c| is_cjk(*c)))
                    {
                        if let Some(val) = n.checked_mul(u.factor) {
                            found = Some((k + len, val, false));
                        }
                        break;
                    }
                }
            }
        }
        if let Some((end, value, percent)) = found {
            out.push(Figure {
                start: i,
                end,
                value: value.normalize(),
                percent,
                stated: text(chars, i, end)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect(),
            });
            i = end;
        } else {
            i = j;
        }
    }
    out
}

/// Vocabulary words, longest first, with their quantity.
struct Words<'a> {
    list: Vec<(Vec<char>, &'a Quantity)>,
}

impl<'a> Words<'a> {
    fn new(v: &'a Vocabulary) -> Words<'a> {
        let mut list: Vec<(Vec<char>, &Quantity)> = v
            .quantity
            .iter()
            .flat_map(|q| q.words.iter().map(move |w| (w.chars().collect(), q)))
            .collect();
        list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        Words { list }
    }

    /// Every word occurrence in `chars[a..b]`: (start, end, quantity).
    fn all(&self, chars: &[char], a: usize, b: usize) -> Vec<(usize, usize, &'a Quantity)> {
        let mut out = Vec::new();
        for i in a..b {
            for (w, q) in &self.list {
                if i + w.len() <= b && chars[i..i + w.len()] == w[..] {
                    out.push((i, i + w.len(), *q));
                    break;
                }
            }
        }
        out
    }

    /// The word ending last in `chars[a..b]` (the longest of those ending there).
    fn last(&self, chars: &[char], a: usize, b: usize) -> Option<(usize, usize, &'a Quantity)> {
        self.all(chars, a, b)
            .into_iter()
            .max_by_key(|(s, e, _)| (*e, std::cmp::Reverse(*s)))
    }

    /// The last specific (not generic) quantity named in `chars[a..b]`.
    fn specific(&self, chars: &[char], a: usize, b: usize) -> Option<&'a Quantity> {
        self.all(chars, a, b)
            .into_iter()
            .filter(|(_, _, q)| !q.generic)
            .max_by_key(|(_, e, _)| *e)
            .map(|(_, _, q)| q)
    }
}

/// Strip `s` of filler words at both ends.
fn strip_filler(mut s: String, v: &Vocabulary) -> String {
    loop {
        let before = s.clone();
        s = s
            .trim_matches(|c: char| c.is_whitespace() || "：:，,（）()“”\"".contains(c))
            .to_string();
        for f in &v.filler {
            if let Some(r) = s.strip_suffix(f.as_str()) {
                s = r.to_string();
            }
            if let Some(r) = s.strip_prefix(f.as_str()) {
                s = r.to_string();
            }
        }
        if s == before {
            return s;
        }
    }
}

fn is_filler_only(s: &str, v: &Vocabulary) -> bool {
    strip_filler(s.to_string(), v).is_empty()
}

/// Years (19xx/20xx followed by 年) and where they are; years after a comparison word are left
/// out (“较2022年” is the year compared with).
fn years(chars: &[char], v: &Vocabulary) -> Vec<(usize, i32)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= chars.len() {
        if let Some((j, digits)) = number_at(chars, i) {
            let mut k = j;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            if digits.len() == 4 && chars.get(k) == Some(&'年') {
                let y: i32 = digits.parse().unwrap_or(0);
                let pre = text(chars, i.saturating_sub(3), i);
                let compared = v
                    .change
                    .compared
                    .iter()
                    .any(|c| pre.trim_end().ends_with(c));
                if (1990..=2099).contains(&y) && !compared {
                    out.push((i, y));
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The period a figure is of when the words leading to it (`chars[a..b]`, from the clause's
/// start or the previous figure) bind it to another one: the year written after a comparison
/// or previous-period word (`较2022年4.30万元`, `比上年（2022年）1800万元`), else the year before
/// `base` after a previous-period word (`上年4.30万元`, `较去年同期的450万元`). None when no such
/// word leads to the figure, or a change word stands between (`较2022年减少0.34万元`, `比上年增长`:
/// the change is this year's), or the previous-period word names money carried into this year
/// (`上年结转资金`).
fn period_of(chars: &[char], a: usize, b: usize, v: &Vocabulary, base: Option<i32>) -> Option<i32> {
    let mut marker: Option<usize> = None;
    let mut relative = false;
    let mut i = a;
    while i < b {
        // The longest previous-period word at i.
        let prior = v
            .change
            .prior
            .iter()
            .filter(|w| !w.is_empty() && at(chars, i, w))
            .max_by_key(|w| w.chars().count());
        if let Some(w) = prior {
            let end = i + w.chars().count();
            if !v.change.carried.iter().any(|c| at(chars, end, c)) {
                marker = Some(i);
                relative = true;
            }
            i = end;
            continue;
        }
        let compared = v
            .change
            .compared
            .iter()
            .filter(|w| !w.is_empty() && at(chars, i, w))
            .max_by_key(|w| w.chars().count());
        if let Some(w) = compared {
            let end = i + w.chars().count();
            let mut k = end;
            while k < b && matches!(chars[k], ' ' | '（' | '(') {
                k += 1;
            }
            if matches!(number_at(chars, k), Some((_, d)) if d.len() == 4) {
                marker = Some(i);
                relative = false;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    let m = marker?;
    let rest = text(chars, m, b);
    let changes = v.change.increase.iter().chain(v.change.decrease.iter());
    if changes
        .filter(|w| !w.is_empty())
        .any(|w| rest.contains(w.as_str()))
    {
        return None;
    }
    // A year written after the word is the figure's.
    let mut k = m;
    while k < b {
        if let Some((j, digits)) = number_at(chars, k) {
            let mut e = j;
            while e < b && chars[e] == ' ' {
                e += 1;
            }
            if digits.len() == 4 && chars.get(e) == Some(&'年') {
                if let Ok(y) = digits.parse::<i32>() {
                    if (1990..=2099).contains(&y) {
                        return Some(y);
                    }
                }
            }
            k = j.max(k + 1);
        } else {
            k += 1;
        }
    }
    if relative {
        base.map(|y| y - 1)
    } else {
        None
    }
}

/// The year the report is about: the first year in its opening lines (“2023年度…”,
/// “2021双清区…”).
fn document_year(text: &str) -> Option<i32> {
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(6) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if let Some((j, d)) = number_at(&chars, i) {
                if d.len() == 4 && !chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
                    if let Ok(y) = d.parse::<i32>() {
                        if (1990..=2099).contains(&y) {
                            return Some(y);
                        }
                    }
                }
                i = j;
            } else {
                i += 1;
            }
        }
    }
    None
}

/// Remove bracketed parts, years and numbering from a phrase.
fn clean_phrase(s: &str, v: &Vocabulary) -> String {
    let mut out = String::new();
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '（' | '(' | '〔' | '[' | '【' => depth += 1,
            '）' | ')' | '〕' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    // years (“2023年度”, “2023 年”)
    let chars: Vec<char> = out.chars().collect();
    let mut s2 = String::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((j, d)) = number_at(&chars, i) {
            let mut k = j;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            if d.len() == 4 && chars.get(k) == Some(&'年') {
                i = k + 1;
                if chars.get(i) == Some(&'度') {
                    i += 1;
                }
                continue;
            }
            // numbering (“1.”, “2、”)
            if s2.trim().is_empty() && chars.get(j).is_some_and(|c| "、.．".contains(*c)) {
                i = j + 1;
                continue;
            }
        }
        s2.push(chars[i]);
        i += 1;
    }
    let mut s3 = s2.replace([' ', '\u{3000}', '“', '”', '"'], "");
    for n in &v.self_names {
        s3 = s3.replace(n.as_str(), "");
    }
    for t in [
        "截至",
        "截止到",
        "截止",
        "年中",
        "年底",
        "年末",
        "年初",
        "实际",
    ] {
        s3 = s3.replace(t, "");
    }
    // A budget stage (调整后的, 追加后) says when, not what the figure is of; a budget word
    // opening the phrase (安排新增资产, 下达中央就业补助资金) says how.
    for w in v.stage.iter().flat_map(|st| st.words.iter()) {
        s3 = s3.replace(w.as_str(), "");
    }
    loop {
        let before = s3.len();
        for b in &v.verb_prefixes {
            if let Some(r) = s3.strip_prefix(b.as_str()) {
                s3 = r.to_string();
            }
        }
        if s3.len() == before {
            break;
        }
    }
    strip_filler(s3, v)
}

/// What a phrase before a generic word says the figure is of: a quantity it names, the name
/// it gives (a fund, a project), or nothing (the department itself).
fn phrase_of(raw: &str, words: &Words, v: &Vocabulary) -> Option<String> {
    let chars: Vec<char> = raw.chars().collect();
    if let Some(q) = words.specific(&chars, 0, chars.len()) {
        return Some(q.name.clone());
    }
    let s = clean_phrase(raw, v);
    // A phrase of punctuation (“……”) names nothing.
    if !s.chars().any(is_cjk) || s.chars().count() > 24 {
        return None;
    }
    if v.self_suffixes.iter().any(|x| s.ends_with(x.as_str())) {
        return None;
    }
    Some(s)
}

/// The name of a fund between a word and its figure (“支出就业补助资金2718.15万元”).
fn fund_between(between: &str, v: &Vocabulary) -> Option<String> {
    let s = strip_filler(between.to_string(), v);
    if s.chars().count() <= 24 && v.scope_nouns.iter().any(|n| s.ends_with(n.as_str())) {
        Some(clean_phrase(&s, v))
    } else {
        None
    }
}

#[derive(Clone)]
enum Topic {
    Quantity(String, bool),
    Of(String),
}

/// A paragraph's heading (“（2）三公经费预算。”, “7.直达资金管理等工作情况。”): what its
/// figures are about when they do not say.
fn heading_topic(p: &Para, words: &Words, v: &Vocabulary) -> Option<Topic> {
    let k = p
        .chars
        .iter()
        .position(|c| "。：:".contains(*c))
        .filter(|k| *k <= 30 && *k + 1 < p.chars.len())?;
    if figures(&p.chars[..k], v).iter().any(|_| true) {
        return None;
    }
    if let Some(q) = words.specific(&p.chars, 0, k) {
        let h = text(&p.chars, 0, k);
        let budget = v.budget_words.iter().any(|b| h.contains(b.as_str()));
        return Some(Topic::Quantity(q.name.clone(), budget));
    }
    let h = text(&p.chars, 0, k);
    let end = v
        .scope_nouns
        .iter()
        .filter_map(|n| h.rfind(n.as_str()).map(|i| i + n.len()))
        .max()?;
    let phrase = clean_phrase(&h[..end], v);
    (!phrase.is_empty()).then_some(Topic::Of(phrase))
}

pub fn extract(text_in: &str, v: &Vocabulary) -> Extraction {
    let words = Words::new(v);
    let mut ex = Extraction {
        year: document_year(text_in),
        ..Default::default()
    };
    let scopes = scopes(text_in, v);
    let scope_at = |line: usize| scopes.get(line).cloned().flatten();
    // Whether a claim's basis was said (预算 …) or assumed (实际): a list under a budget figure
    // makes its assumed parts budget figures too.
    let mut marks = Marks::default();
    let paras = paragraphs(text_in);
    for p in &paras {
        let topic = heading_topic(p, &words, v);
        let chars = &p.chars;
        let figs = figures(chars, v);
        let yrs = years(chars, v);
        let year_at = |pos: usize| {
            let k = yrs.partition_point(|(i, _)| *i < pos);
            k.checked_sub(1).map(|k| yrs[k].1).or(ex.year)
        };
        let mut claim_of_fig: Vec<Option<usize>> = vec![None; figs.len()];
        // clauses
        let mut sent_topic: Option<Topic> = None;
        let mut sent_last: Option<usize> = None;
        let mut start = 0usize;
        let mut fi = 0usize;
        while start < chars.len() {
            let end = (start..chars.len())
                .find(|&i| CLAUSE.contains(&chars[i]))
                .unwrap_or(chars.len());
            let sentence_starts = start == 0 || SENTENCE.contains(&chars[start - 1]);
            if sentence_starts {
                sent_topic = None;
                sent_last = None;
            }
            let mut seg_start = start;
            let mut any = false;
            while fi < figs.len() && figs[fi].start < end {
                let f = &figs[fi];
                any = true;
                let made = claim_at(
                    chars,
                    seg_start,
                    f,
                    &words,
                    v,
                    ClaimContext {
                        figs: &figs,
                        sent_topic: &sent_topic,
                        topic: &topic,
                        scope: &scope_at(p.lines[f.start]),
                        sent_last: sent_last.map(|i| &ex.claims[i]),
                        year: period_of(chars, seg_start, f.start, v, year_at(f.start))
                            .or(year_at(f.start)),
                        line: p.lines[f.start],
                        sentence: sentence_text(chars, f.start),
                    },
                );
                if let Some((c, was_assumed, new_topic)) = made {
                    ex.claims.push(c);
                    marks.assumed.push(was_assumed);
                    let idx = ex.claims.len() - 1;
                    claim_of_fig[fi] = Some(idx);
                    sent_last = Some(idx);
                    if let Some(t) = new_topic {
                        sent_topic = Some(t);
                    }
                }
                seg_start = f.end;
                fi += 1;
            }
            if !any {
                if let Some(q) = words.specific(chars, start, end) {
                    let c = text(chars, start, end);
                    let budget = v.budget_words.iter().any(|b| c.contains(b.as_str()));
                    sent_topic = Some(Topic::Quantity(q.name.clone(), budget));
                }
            }
            start = end + 1;
        }
        lists(
            p,
            &figs,
            &mut claim_of_fig,
            &mut ex.claims,
            &mut marks,
            v,
            &mut ex.lists,
        );
    }
    // A budget total makes the parts listed under it budget figures.
    for l in &ex.lists {
        let Some(t) = l.total_claim else { continue };
        if ex.claims[t].basis.as_deref() != Some("预算") {
            continue;
        }
        let stage = ex.claims[t].stage.clone();
        for (_, _, _, c) in &l.items {
            if let Some(c) = c {
                if marks.assumed[*c] {
                    ex.claims[*c].basis = Some("预算".into());
                }
                if ex.claims[*c].basis.as_deref() == Some("预算") && ex.claims[*c].stage.is_none()
                {
                    ex.claims[*c].stage = stage.clone();
                }
            }
        }
    }
    remove_claims(&mut ex, &marks.dropped);
    cells(text_in, &words, v, &mut ex);
    ex
}

/// Remove the claims `drop` (indexes) and renumber the lists' references to the others.
fn remove_claims(ex: &mut Extraction, drop: &[usize]) {
    if drop.is_empty() {
        return;
    }
    let drop: std::collections::BTreeSet<usize> = drop.iter().copied().collect();
    let mut new_index: Vec<Option<usize>> = Vec::with_capacity(ex.claims.len());
    let mut kept = 0;
    for i in 0..ex.claims.len() {
        if drop.contains(&i) {
            new_index.push(None);
        } else {
            new_index.push(Some(kept));
            kept += 1;
        }
    }
    let mut i = 0;
    ex.claims.retain(|_| {
        let keep = new_index[i].is_some();
        i += 1;
        keep
    });
    for l in &mut ex.lists {
        l.total_claim = l.total_claim.and_then(|c| new_index[c]);
        for it in &mut l.items {
            it.3 = it.3.and_then(|c| new_index[c]);
        }
    }
}

/// The project part each line stands in (index: 1-based line): a line naming the project
/// (“项目名称：…”) opens one, a heading of the department as a whole (“部门整体…”) closes it.
fn scopes(text_in: &str, v: &Vocabulary) -> Vec<Option<String>> {
    let mut out = vec![None];
    let mut scope: Option<String> = None;
    for l in text_in.lines() {
        let l = l.trim();
        for h in &v.project_headings {
            if let Some(i) = l.find(h.as_str()) {
                let rest = l[i + h.len()..]
                    .trim_start_matches(|c: char| c.is_whitespace() || c == '：' || c == ':');
                let rest = rest.split("  ").next().unwrap_or("").trim();
                if !rest.is_empty() && rest.chars().count() <= 40 {
                    scope = Some(clean_phrase(rest, v)).filter(|s| !s.is_empty());
                }
            }
        }
        if v.department_headings.iter().any(|h| l.contains(h.as_str())) && !l.contains('。') {
            scope = None;
        }
        out.push(scope.clone());
    }
    out
}

fn sentence_text(chars: &[char], pos: usize) -> String {
    // At most 300 characters either side: the text is a quotation, not the paragraph.
    let a = (pos.saturating_sub(300)..pos)
        .rev()
        .find(|&i| SENTENCE.contains(&chars[i]))
        .map(|i| i + 1)
        .unwrap_or(pos.saturating_sub(300));
    let b = (pos..chars.len().min(pos + 300))
        .find(|&i| SENTENCE.contains(&chars[i]))
        .map(|i| i + 1)
        .unwrap_or(chars.len().min(pos + 300));
    text(chars, a, b).trim().to_string()
}

struct ClaimContext<'a> {
    figs: &'a [Figure],
    sent_topic: &'a Option<Topic>,
    topic: &'a Option<Topic>,
    scope: &'a Option<String>,
    sent_last: Option<&'a Claim>,
    year: Option<i32>,
    line: usize,
    sentence: String,
}

/// The claim a figure makes, if any: (claim, basis assumed, the sentence's new subject).
fn claim_at(
    chars: &[char],
    seg_start: usize,
    f: &Figure,
    words: &Words,
    v: &Vocabulary,
    cx: ClaimContext,
) -> Option<(Claim, bool, Option<Topic>)> {
    let seg = text(chars, seg_start, f.start);
    // The figure of one voucher or item is not a figure of the year.
    if single_item_at(chars, cx.figs, f.start, v) {
        return None;
    }
    let change = if v.change.decrease.iter().any(|w| seg.contains(w.as_str())) {
        Some(-1)
    } else if v.change.increase.iter().any(|w| seg.contains(w.as_str())) {
        Some(1)
    } else {
        None
    };
    let unit = if f.percent { "%" } else { "元" };
    let Some((ws, we, q)) = words.last(chars, seg_start, f.start) else {
        // No word: a clause opening with a year or a change (“2023年3.96万元”, “较上年减少
        // 0.34万元”) states the sentence's previous quantity again.
        let last = cx.sent_last?;
        let s = seg.trim_start_matches([' ', '，', ',']);
        let opens_year = s.chars().take(4).all(|c| c.is_ascii_digit()) && s.chars().count() >= 4;
        let opens_change = v
            .change
            .compared
            .iter()
            .chain(v.change.prior.iter())
            .any(|w| !w.is_empty() && s.starts_with(w.as_str()))
            || change.is_some() && s.chars().count() <= 8;
        if !(opens_year || opens_change) || last.unit != unit {
            return None;
        }
        let mut c = last.clone();
        c.value = f.value;
        c.stated = f.stated.clone();
        c.year = cx.year;
        c.line = cx.line;
        c.text = cx.sentence;
        if let Some(sign) = change {
            c.basis = Some("变动".into());
            if sign < 0 {
                c.value = -c.value;
            }
        }
        return Some((c, false, None));
    };
    let between = text(chars, we, f.start);
    let fund = if is_filler_only(&between, v) {
        None
    } else {
        Some(fund_between(&between, v)?)
    };
    if (q.kind == QuantityKind::Rate) != f.percent {
        return None;
    }
    let mut prefix = text(chars, seg_start, ws);
    for m in &v.list_marker {
        prefix = prefix.replace(m.word.as_str(), "");
    }
    let mut quantity = q.name.clone();
    let mut of: Option<String>;
    let mut topic_basis = false;
    let mut new_topic = None;
    if q.generic {
        let had_fund = fund.is_some();
        of = fund.or_else(|| phrase_of(&prefix, words, v));
        // A modifier glued to the word (采购总预算) qualifies the quantity, not what it is of.
        of = of.and_then(|o| without_modifier(o, v));
        // In a sentence stating a task's target, a figure of no one else is the task's.
        if of.is_none() {
            of = task_of(chars, cx.figs, f.start, v);
        }
        if of.as_ref().is_some_and(|o| v.this_project.contains(o)) {
            of = cx.scope.clone();
        }
        if of.is_none() {
            match cx.sent_topic.as_ref().or(cx.topic.as_ref()) {
                Some(Topic::Quantity(n, b)) => {
                    of = Some(n.clone());
                    topic_basis = *b;
                }
                Some(Topic::Of(s)) => of = Some(s.clone()),
                None => of = cx.scope.clone(),
            }
        } else {
            // A phrase that names no fund (“决算报表实际支出数”) after a specific quantity of
            // the sentence: the generic figure is that quantity's.
            let names_fund = of.as_ref().is_some_and(|o| {
                v.get(o).is_some() || v.scope_nouns.iter().any(|n| o.ends_with(n.as_str()))
            });
            let last_specific = cx
                .sent_last
                .filter(|l| v.get(&l.quantity).is_some_and(|q| !q.generic));
            match last_specific {
                Some(l) if !names_fund && !had_fund => of = Some(l.quantity.clone()),
                _ => new_topic = of.clone().map(Topic::Of),
            }
        }
        // 预算 / 支出决算 of a specific quantity are that quantity's budget / actual.
        if q.kind == QuantityKind::Amount && (q.name == "预算" || q.name == "支出决算") {
            if let Some(o) = &of {
                if let Some(sq) = v.quantity.iter().find(|x| &x.name == o && !x.generic) {
                    quantity = sq.name.clone();
                    of = cx.scope.clone();
                }
            }
        }
    } else {
        of = cx.scope.clone();
    }
    let mut assumed = false;
    let basis = if q.kind == QuantityKind::Rate {
        None
    } else if change.is_some() {
        Some("变动".to_string())
    } else if let Some(b) = &q.basis {
        Some(b.clone())
    } else {
        let said = text(chars, seg_start, we);
        if v.budget_words.iter().any(|b| said.contains(b.as_str())) || topic_basis {
            Some("预算".into())
        } else {
            assumed = true;
            Some("实际".into())
        }
    };
    // The budget stage: by the quantity's nature, or said in the clause before the figure.
    let mut stage = None;
    if basis.as_deref() == Some("预算") {
        let said = lead_in(chars, cx.figs, f.start);
        stage = q.stage.clone().or_else(|| {
            v.stage
                .iter()
                .find(|st| st.words.iter().any(|w| said.contains(w.as_str())))
                .map(|st| st.name.clone())
        });
        // A generic budget at a stage is that stage's quantity (年初预算, 调整后预算).
        if quantity == q.name && q.generic && q.stage.is_none() {
            if let Some(sq) = v.quantity.iter().find(|x| {
                x.generic && x.kind == QuantityKind::Amount && x.stage.is_some() && x.stage == stage
            }) {
                quantity = sq.name.clone();
            }
        }
    }
    let mut value = f.value;
    if change == Some(-1) && q.kind == QuantityKind::Amount {
        value = -value;
    }
    Some((
        Claim {
            quantity,
            of,
            basis,
            stage,
            value,
            unit: unit.into(),
            stated: f.stated.clone(),
            year: cx.year,
            line: cx.line,
            text: cx.sentence,
        },
        assumed,
        new_topic,
    ))
}

/// Per claim, whether its basis was assumed; and the claims found to be no claims after all.
#[derive(Default)]
struct Marks {
    assumed: Vec<bool>,
    dropped: Vec<usize>,
}

/// The "其中" lists of a paragraph. A list runs from its marker to the end of the sentence
/// (a list opened inside another, to the next ；); figures in brackets belong to the figure
/// before the bracket, not to the list (an unclosed bracket runs to the sentence's end); a
/// figure after a restating word (合计) restates the whole.
fn lists(
    p: &Para,
    figs: &[Figure],
    claim_of_fig: &mut [Option<usize>],
    claims: &mut Vec<Claim>,
    marks: &mut Marks,
    v: &Vocabulary,
    out: &mut Vec<List>,
) {
    let chars = &p.chars;
    let depth_at: Vec<i32> = {
        let mut d = 0;
        let mut v = Vec::with_capacity(chars.len());
        for c in chars.iter() {
            if LIST_END.contains(c) {
                d = 0;
            }
            if *c == '（' || *c == '(' {
                d += 1;
            }
            v.push(d);
            if (*c == '）' || *c == ')') && d > 0 {
                d -= 1;
            }
        }
        v
    };
    let mut markers: Vec<(usize, &super::ListMarker)> = Vec::new();
    for i in 0..chars.len() {
        if let Some(m) = v.list_marker.iter().find(|m| at(chars, i, &m.word)) {
            markers.push((i, m));
        }
    }
    let mut open_until: usize = 0;
    for (mi, m) in markers.into_iter().take(MAX_LISTS) {
        let nested = mi < open_until;
        let depth = depth_at[mi];
        let before = figs.partition_point(|f| f.end <= mi);
        let Some(mut ti) = figs[before.saturating_sub(MAX_ITEMS)..before]
            .iter()
            .rposition(|f| !f.percent && depth_at[f.start] <= depth)
            .map(|k| k + before.saturating_sub(MAX_ITEMS))
        else {
            continue;
        };
        // The whole is in the marker's sentence, or ends the sentence before when the marker
        // opens its own (“…支出1309.96万元。其中：…”).
        let sent_start = (0..mi)
            .rev()
            .find(|&i| SENTENCE.contains(&chars[i]))
            .map(|i| i + 1)
            .unwrap_or(0);
        if figs[ti].start < sent_start {
            let opens = text(chars, sent_start, mi).trim().is_empty();
            let prev_start = (0..sent_start.saturating_sub(1))
                .rev()
                .find(|&i| SENTENCE.contains(&chars[i]))
                .map(|i| i + 1)
                .unwrap_or(0);
            if !opens || figs[ti].start < prev_start {
                continue;
            }
        }
        let stop: &[char] = if nested {
            &['；', ';', '。', '\n']
        } else {
            LIST_END
        };
        let end = (mi..chars.len())
            .find(|&i| stop.contains(&chars[i]))
            .unwrap_or(chars.len());
        if !nested {
            open_until = end;
        }
        let mut items = Vec::new();
        let mut item_figs = Vec::new();
        let mut restated = Vec::new();
        let first = figs.partition_point(|f| f.start <= mi);
        for (k, f) in figs.iter().enumerate().skip(first).take(MAX_ITEMS) {
            if f.start >= end {
                break;
            }
            if f.percent || depth_at[f.start] > depth {
                continue;
            }
            // The words naming a part: its clause, at most 40 characters of it.
            let from = (mi + m.word.chars().count()).max(f.start.saturating_sub(40));
            let cs = (from..f.start)
                .rev()
                .find(|&i| CLAUSE.contains(&chars[i]))
                .map(|i| i + 1)
                .unwrap_or(from);
            let label = text(chars, cs, f.start);
            let label_t = label.trim_start_matches([' ', '：', ':']);
            if v.list_total.iter().any(|w| label_t.starts_with(w.as_str())) {
                restated.push((f.value, f.stated.clone()));
            } else {
                items.push((f.value, f.stated.clone(), label, claim_of_fig[k]));
                item_figs.push(k);
            }
        }
        if items.is_empty() || approximate_in(chars, mi, end, v) {
            continue;
        }
        // The whole is the figure the list is stated as the parts of, not always the nearest
        // one (“安排资金19435.98万元，实际支出5780.26万元，包括…预算122万元；…”): another
        // figure of the marker's sentence the parts add up to exactly, or else, when the parts
        // are budget figures and the nearest is an actual one, the sentence's budget figure.
        {
            let sum: Decimal = items.iter().map(|i| i.0).sum();
            let candidates: Vec<usize> = (0..ti)
                .rev()
                .take_while(|&k| figs[k].start >= sent_start)
                .filter(|&k| !figs[k].percent && depth_at[figs[k].start] <= depth)
                .collect();
            let basis_of = |k: usize| claim_of_fig[k].and_then(|c| claims[c].basis.clone());
            let budget_parts = items
                .iter()
                .any(|i| v.budget_words.iter().any(|b| i.2.contains(b.as_str())));
            if figs[ti].value != sum {
                if let Some(&k) = candidates.iter().find(|&&k| figs[k].value == sum) {
                    ti = k;
                } else if budget_parts && basis_of(ti).as_deref() == Some("实际") {
                    if let Some(&k) = candidates
                        .iter()
                        .find(|&&k| basis_of(k).as_deref() == Some("预算"))
                    {
                        ti = k;
                    }
                }
            }
        }
        // A list under one voucher's or item's amount is that item's breakdown.
        if single_item_at(chars, figs, figs[ti].start, v) {
            continue;
        }
        // A part read as the whole's own quantity (“收入…其中：一般公共预算收入…”: the word
        // 预算收入 inside the part's name) is a part, not a second statement of the whole.
        if let Some(t) = claim_of_fig[ti] {
            for it in items.iter_mut() {
                if let Some(c) = it.3 {
                    if c != t
                        && claims[c].quantity == claims[t].quantity
                        && claims[c].of == claims[t].of
                    {
                        marks.dropped.push(c);
                        it.3 = None;
                    }
                }
            }
        }
        // Parts named as funds under a fund's budget or spending (“预算安排1,700万元，其中：
        // 中央就业补助资金1,435万元，省级就业补助资金265万元”) are those funds' figures.
        if let Some(t) = claim_of_fig[ti] {
            let whole = claims[t].clone();
            let generic = v.get(&whole.quantity).is_some_and(|q| q.generic);
            if generic && whole.unit == "元" && whole.basis.as_deref() != Some("变动") {
                for (n, &k) in item_figs.iter().enumerate() {
                    if items[n].3.is_some() {
                        continue;
                    }
                    let label = items[n].2.trim_start_matches([' ', '：', ':']);
                    let Some(fund) = fund_between(label, v).filter(|f| !f.is_empty()) else {
                        continue;
                    };
                    let f = &figs[k];
                    let mut c = whole.clone();
                    c.of = Some(fund);
                    c.value = f.value;
                    c.stated = f.stated.clone();
                    c.line = p.lines[f.start];
                    c.text = sentence_text(chars, f.start);
                    claims.push(c);
                    marks.assumed.push(false);
                    claim_of_fig[k] = Some(claims.len() - 1);
                    items[n].3 = Some(claims.len() - 1);
                }
            }
        }
        // The list may go on in the next sentence: its first figure, when it makes the parts
        // add up to the whole (“…其中人员支出125.94万元(…)。公用支出101.04万元…”).
        let sum: Decimal = items.iter().map(|i| i.0).sum();
        let total = figs[ti].value;
        if !nested && sum < total {
            if let Some((k, f)) = figs
                .iter()
                .enumerate()
                .find(|(_, f)| f.start > end && !f.percent)
            {
                let gap_ok = (end..f.start).all(|i| !LIST_END.contains(&chars[i]) || i == end);
                if gap_ok && sum + f.value == total {
                    let label = text(chars, end + 1, f.start);
                    items.push((f.value, f.stated.clone(), label, claim_of_fig[k]));
                }
            }
        }
        let tc = claim_of_fig[ti];
        out.push(List {
            line: p.lines[mi],
            marker: m.word.clone(),
            complete: m.complete,
            total,
            total_stated: figs[ti].stated.clone(),
            total_claim: tc,
            items,
            restated,
            total_quantity: tc.map(|c| claims[c].quantity.clone()),
        });
    }
}

/// What is said about the figure at `pos`: its sentence's text from the previous figure (or the
/// sentence's start) to it.
fn lead_in(chars: &[char], figs: &[Figure], pos: usize) -> String {
    // Figures are in order and do not overlap: the previous one ends last before `pos`.
    let k = figs.partition_point(|f| f.end <= pos);
    let prev = k.checked_sub(1).map(|k| figs[k].end).unwrap_or(0);
    let ss = (prev..pos)
        .rev()
        .find(|&i| SENTENCE.contains(&chars[i]))
        .map(|i| i + 1)
        .unwrap_or(prev);
    text(chars, ss, pos)
}

/// `of` less a trailing `quantity_modifiers` word (“采购总” → “采购”); nothing when that is all.
fn without_modifier(of: String, v: &Vocabulary) -> Option<String> {
    for m in &v.quantity_modifiers {
        if let Some(r) = of.strip_suffix(m.as_str()) {
            return r.chars().any(is_cjk).then(|| r.to_string());
        }
    }
    Some(of)
}

/// The task a sentence states the target of before `pos` (“招商引资目标任务为1000万元，全年实际
/// 到位资金1100万元” → 招商引资): a `task_words` word followed by a figure with only filler
/// between, the name before the word in its clause (less years and the department's name).
fn task_of(chars: &[char], figs: &[Figure], pos: usize, v: &Vocabulary) -> Option<String> {
    let ss = (0..pos)
        .rev()
        .find(|&i| SENTENCE.contains(&chars[i]))
        .map(|i| i + 1)
        .unwrap_or(0);
    for i in ss..pos {
        for w in &v.task_words {
            if !at(chars, i, w) {
                continue;
            }
            let e = i + w.chars().count();
            let Some(next) = figs.iter().find(|g| g.start >= e) else {
                continue;
            };
            if next.start >= pos || !is_filler_only(&text(chars, e, next.start), v) {
                continue;
            }
            let cs = (ss..i)
                .rev()
                .find(|&k| "：:，,、".contains(chars[k]))
                .map(|k| k + 1)
                .unwrap_or(ss);
            let mut name = clean_phrase(&text(chars, cs, i), v);
            // “人社局招商引资”: the department's name opening the task's is no part of it.
            let cs: Vec<char> = name.chars().collect();
            if let Some(k) = (2..=cs.len().min(8)).find(|&k| {
                let head: String = cs[..k].iter().collect();
                v.self_suffixes.iter().any(|x| head.ends_with(x.as_str()))
                    && cs[k..].iter().any(|c| is_cjk(*c))
            }) {
                name = cs[k..].iter().collect();
            }
            if name.chars().any(is_cjk) && name.chars().count() <= 24 {
                return Some(name);
            }
        }
    }
    None
}

/// Whether the figure at `pos` is said to be one voucher's or item's (“记账-19号凭证”).
fn single_item_at(chars: &[char], figs: &[Figure], pos: usize, v: &Vocabulary) -> bool {
    let said = lead_in(chars, figs, pos);
    v.single_item.iter().any(|w| said.contains(w.as_str()))
}

/// Whether `chars[a..b]` holds an approximate figure (“138万余元”): its list cannot add up.
fn approximate_in(chars: &[char], a: usize, b: usize, v: &Vocabulary) -> bool {
    (a..b).any(|i| {
        if !chars[i].is_ascii_digit() {
            return false;
        }
        let mut k = i + 1;
        while k < b && "万千百".contains(chars[k]) {
            k += 1;
        }
        v.approximate.iter().any(|w| at(chars, k, w))
    })
}

/// Table cells: a cell holding a vocabulary word (and its unit, “（万元）”, in it or in the
/// next line) followed by a cell holding a bare number.
fn cells(text_in: &str, words: &Words, v: &Vocabulary, ex: &mut Extraction) {
    let lines: Vec<(usize, &str)> = text_in
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let unit_in = |s: &str| -> Option<(String, Decimal)> {
        let mut us: Vec<&super::Unit> = v.unit.iter().collect();
        us.sort_by_key(|u| std::cmp::Reverse(u.word.chars().count()));
        for (o, c) in [('（', '）'), ('(', ')')] {
            if let (Some(a), Some(b)) = (s.rfind(o), s.rfind(c)) {
                if a < b {
                    let inner = s[a + o.len_utf8()..b].trim();
                    let inner = inner
                        .trim_start_matches("单位：")
                        .trim_start_matches("单位:");
                    if let Some(u) = us.iter().find(|u| u.word == inner) {
                        return Some((s[..a].trim().to_string(), u.factor));
                    }
                }
            }
        }
        None
    };
    let scopes = scopes(text_in, v);
    for (n, &(ln, l)) in lines.iter().enumerate() {
        let scope = scopes.get(ln).cloned().flatten();
        let chars: Vec<char> = l.chars().collect();
        let Some((end, digits)) = number_at(&chars, 0) else {
            continue;
        };
        if end != chars.len() || n == 0 {
            continue;
        }
        let (mut label, mut factor) = (lines[n - 1].1.to_string(), None);
        if let Some((rest, f)) = unit_in(&label) {
            if rest.is_empty() && n >= 2 {
                label = lines[n - 2].1.to_string();
            } else {
                label = rest;
            }
            factor = Some(f);
        }
        let Some(factor) = factor else { continue };
        let lc: Vec<char> = label.chars().collect();
        let Some((s, e, q)) = words.last(&lc, 0, lc.len()) else {
            continue;
        };
        if s != 0 || e != lc.len() || q.kind != QuantityKind::Amount {
            continue;
        }
        let Ok(n0) = Decimal::from_str(&digits) else {
            continue;
        };
        let Some(value) = n0.checked_mul(factor) else {
            continue;
        };
        let basis = q.basis.clone().or_else(|| {
            Some(
                if v.budget_words.iter().any(|b| label.contains(b.as_str())) {
                    "预算"
                } else {
                    "实际"
                }
                .into(),
            )
        });
        let unit_word = v
            .unit
            .iter()
            .find(|u| u.factor == factor)
            .map(|u| u.word.clone())
            .unwrap_or_default();
        ex.claims.push(Claim {
            quantity: q.name.clone(),
            of: if q.generic { scope.clone() } else { None },
            stage: q.stage.clone().filter(|_| basis.as_deref() == Some("预算")),
            basis,
            value: value.normalize(),
            unit: "元".into(),
            stated: format!("{digits}{unit_word}"),
            year: ex.year,
            line: ln,
            text: format!("{label}：{digits}{unit_word}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Vocabulary {
        Vocabulary::builtin().unwrap()
    }

    #[test]
    fn units_are_exact_without_floats() {
        let f = figures(
            &"共1,234.56万元和1.15亿元及8万。20万人次"
                .chars()
                .collect::<Vec<_>>(),
            &v(),
        );
        let vals: Vec<String> = f.iter().map(|f| f.value.to_string()).collect();
        assert_eq!(vals, ["12345600", "115000000", "80000"]);
    }

    #[test]
    fn approximate_figures_are_not_claims() {
        let f = figures(&"追回工资894余万元".chars().collect::<Vec<_>>(), &v());
        assert!(f.is_empty());
    }
}
