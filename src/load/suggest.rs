//! `reeval profile suggest`: a mapping profile guessed from an unknown export's header.
//!
//! The header row is found as the loaders find it (the first [`header::HEADER_SEARCH_ROWS`]
//! rows, one row or two with the upper one's merged cells carried right, title lines above
//! skipped), but by closest match instead of exact names: every column is compared with every
//! alias the built-in profiles know ([`diagnose::similarity`], the measure header diagnosis
//! uses, with its threshold [`diagnose::SUGGEST`]). The row and kind (ledger, register,
//! balance table) whose columns match best win. Each column then gets the field its header
//! resembles most (exact names first, each field to one column); the result is written as a
//! profile in the format of `data/profiles/*.toml`, extending the kind's generic profile, with
//! a comment on every column saying how sure the guess is and what else it could be, and the
//! columns left unmapped listed (commented out where a guess was set aside).

use crate::load::formats::workbook::{self, Sheet};
use crate::load::ledger::cell;
use crate::load::ledger::diagnose::{self, field_label, similarity, SUGGEST};
use crate::load::ledger::header::{self, norm, HEADER_SEARCH_ROWS};
use crate::load::ledger::profile::{Profile, Profiles};
use anyhow::{bail, Result};
use calamine::Data;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The kinds of table a profile maps, in the order a tie is decided.
pub const KINDS: &[&str] = &["ledger", "assets", "balances"];

/// Fields that say the same thing another way: a column guessed (not named exactly) as one
/// of `alt` while another column is named exactly as one of `main` is more likely something
/// else (对方科目 beside 科目编码), so that guess is set aside, commented out.
const ALTERNATIVE_FORMS: &[(&[&str], &[&str])] = &[
    (&["account"], &["account_code", "account_name"]),
    (&["account_code", "account_name"], &["account"]),
    (&["direction", "amount"], &["debit", "credit"]),
    (&["debit", "credit"], &["direction", "amount"]),
    (&["econ"], &["econ_code", "econ_name"]),
    (&["func"], &["func_code", "func_name"]),
    (&["category"], &["category_code", "category_name"]),
    (&["opening"], &["opening_debit", "opening_credit"]),
    (&["closing"], &["closing_debit", "closing_credit"]),
];

/// One field a column's header resembles.
#[derive(Debug, Clone)]
pub struct Match {
    pub field: String,
    /// 1 for a name a built-in profile lists; else the similarity to the closest alias.
    pub score: f64,
    /// The header text as the profile should list it (normalised; for a two-row header the
    /// form that matched: the lower cell, upper + lower, or the upper cell).
    pub name: String,
    /// The built-in alias it resembles.
    pub alias: String,
    /// Which of the column's forms matched (0: the cell, or the lower cell of a two-row
    /// header; 1: upper + lower; 2: the upper cell): on equal scores the more specific form
    /// wins, as in the loader, which tries them in this order.
    pub form: usize,
}

impl Match {
    pub fn exact(&self) -> bool {
        self.score >= 1.0
    }
}

/// What was guessed for one column.
#[derive(Debug, Clone)]
pub struct ColumnGuess {
    pub index: usize,
    pub letter: String,
    /// The header as read (upper / lower cell joined for two-row headers).
    pub header: String,
    /// The form the loaders name this column by (their `Header::names`).
    pub key: String,
    /// The field given to this column.
    pub field: Option<Match>,
    /// Every field it resembles, best first (the given one included).
    pub ranked: Vec<Match>,
    /// Why a resembling field was not given (taken by another column, set aside).
    pub note: Option<String>,
    /// A guess set aside: written commented out.
    pub set_aside: Option<Match>,
}

/// A profile guessed from one sheet's header.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub kind: String,
    /// The built-in profile the suggestion extends.
    pub extends: String,
    pub sheet: String,
    /// 1-based row of the (first) header row, and how many rows it spans.
    pub header_row: u32,
    pub header_rows: usize,
    pub columns: Vec<ColumnGuess>,
    /// Required fields still unmapped, in Chinese, when the guess cannot load the file as is.
    pub missing: Vec<String>,
    /// The built-in vendor profile whose whole signature the header holds (as the loader
    /// would pick it): its settings that differ from `extends` are copied, since a profile
    /// extends one level only.
    pub layout: Option<String>,
    /// Those settings, e.g. (`totals`, `voucher`, [合计, 凭证合计]).
    pub settings: Vec<SuggestedSetting>,
}

/// One entry of a profile's word table: (table, key, words).
pub type SuggestedSetting = (String, String, Vec<String>);

/// The word tables of a profile, by the name its TOML gives them.
fn tables(p: &Profile) -> [(&'static str, &BTreeMap<String, Vec<String>>); 5] {
    [
        ("totals", &p.totals),
        ("title", &p.title),
        ("aux_keys", &p.aux_keys),
        ("status_words", &p.status_words),
        ("direction_words", &p.direction_words),
    ]
}

/// The vendor profile the header carries the whole signature of (longest first), and its
/// word-table entries that differ from `base`'s.
fn layout_of(
    ps: &[&Profile],
    base: &str,
    keys: &BTreeSet<String>,
) -> Option<(String, Vec<SuggestedSetting>)> {
    let base = ps.iter().find(|p| p.id == base)?;
    let vendor = ps
        .iter()
        .filter(|p| p.extends.is_some() && !p.signature.is_empty())
        .filter(|p| p.signature.iter().all(|s| keys.contains(&norm(s))))
        .max_by_key(|p| p.signature.len())?;
    let mut out = Vec::new();
    for ((table, own), (_, theirs)) in tables(vendor).into_iter().zip(tables(base)) {
        for (k, v) in own {
            if theirs.get(k) != Some(v) {
                out.push((table.to_string(), k.clone(), v.clone()));
            }
        }
    }
    Some((vendor.id.clone(), out))
}

/// The candidate names of each column of the header starting at `r`, one row or two (the
/// same forms the loader's header search tries).
fn tries(rows: &[&[Data]], r: usize) -> Vec<(usize, Vec<Vec<String>>, Vec<String>)> {
    let top: Vec<String> = rows[r].iter().map(|c| norm(&cell::text(c))).collect();
    let raw_top: Vec<String> = rows[r].iter().map(|c| one_line(&cell::text(c))).collect();
    let single: Vec<Vec<String>> = top.iter().map(|t| vec![t.clone()]).collect();
    let mut out = vec![(1, single, raw_top.clone())];
    if r + 1 < rows.len() {
        let sub: Vec<String> = rows[r + 1].iter().map(|c| norm(&cell::text(c))).collect();
        let raw_sub: Vec<String> = rows[r + 1]
            .iter()
            .map(|c| one_line(&cell::text(c)))
            .collect();
        if sub.iter().all(|s| s.is_empty()) {
            return out;
        }
        let width = top.len().max(sub.len());
        let mut parent = String::new();
        let mut raw_parent = String::new();
        let mut combined = Vec::with_capacity(width);
        let mut raw = Vec::with_capacity(width);
        for c in 0..width {
            let p = top.get(c).cloned().unwrap_or_default();
            let s = sub.get(c).cloned().unwrap_or_default();
            if !p.is_empty() {
                parent = p.clone();
                raw_parent = raw_top.get(c).cloned().unwrap_or_default();
            }
            if s.is_empty() {
                combined.push(vec![p]);
                raw.push(raw_top.get(c).cloned().unwrap_or_default());
            } else {
                combined.push(vec![s.clone(), format!("{parent}{s}"), p]);
                raw.push(format!(
                    "{raw_parent}/{}",
                    raw_sub.get(c).cloned().unwrap_or_default()
                ));
            }
        }
        out.push((2, combined, raw));
    }
    out
}

/// A header cell as a comment shows it: on one line (a cell may hold line breaks).
fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// Every alias of the kind's built-in profiles → its field (the first profile naming it wins,
/// as in the loader).
fn aliases(profiles: &[&Profile]) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for p in profiles {
        for (field, names) in &p.columns {
            for n in names {
                m.entry(norm(n)).or_insert_with(|| field.clone());
            }
        }
    }
    m
}

/// The fields a column's candidate names resemble, best first, each field once.
fn rank(candidates: &[String], alias: &BTreeMap<String, String>) -> Vec<Match> {
    let mut best: BTreeMap<&str, Match> = BTreeMap::new();
    for (form, cand) in candidates.iter().enumerate() {
        if cand.is_empty() {
            continue;
        }
        for (a, field) in alias {
            let score = if cand == a { 1.0 } else { similarity(cand, a) };
            if score <= 0.0 {
                continue;
            }
            let better = best.get(field.as_str()).is_none_or(|m| score > m.score);
            if better {
                best.insert(
                    field,
                    Match {
                        field: field.clone(),
                        score,
                        name: cand.clone(),
                        alias: a.clone(),
                        form,
                    },
                );
            }
        }
    }
    let mut v: Vec<Match> = best.into_values().collect();
    v.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.form.cmp(&b.form))
            .then(a.field.cmp(&b.field))
    });
    v
}

/// What [`assign`] decided for one column.
#[derive(Debug, Clone, Default)]
struct Assigned {
    given: Option<Match>,
    note: Option<String>,
    /// A guess set aside (written commented out).
    aside: Option<Match>,
}

/// Give each column a field: exact names first, then the closest guesses, each field to the
/// first (best) column; guesses that another column's exact name makes unlikely set aside.
fn assign(ranked: &[Vec<Match>]) -> Vec<Assigned> {
    let mut out: Vec<Assigned> = vec![Assigned::default(); ranked.len()];
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    let mut pairs: Vec<(usize, &Match)> = ranked
        .iter()
        .enumerate()
        .flat_map(|(c, ms)| ms.iter().map(move |m| (c, m)))
        .filter(|(_, m)| m.score >= SUGGEST)
        .collect();
    // Stable: equal scores keep column order (and a column's more specific form first), so
    // the first column wins as in the loader.
    pairs.sort_by(|a, b| {
        b.1.score
            .total_cmp(&a.1.score)
            .then(a.1.form.cmp(&b.1.form))
    });
    for (c, m) in pairs {
        if out[c].given.is_some() || out[c].aside.is_some() {
            continue;
        }
        if let Some(&other) = taken.get(&m.field) {
            if out[c].note.is_none() {
                out[c].note = Some(format!(
                    "最像“{}”（{}），但该字段已给了第 {} 列",
                    field_label(&m.field),
                    m.field,
                    other + 1
                ));
            }
            continue;
        }
        if !m.exact() {
            let exact_fields: BTreeSet<&str> = out
                .iter()
                .filter_map(|a| a.given.as_ref())
                .filter(|g| g.exact())
                .map(|g| g.field.as_str())
                .collect();
            let clash = ALTERNATIVE_FORMS.iter().find(|(alt, main)| {
                alt.contains(&m.field.as_str()) && main.iter().any(|f| exact_fields.contains(f))
            });
            if let Some((_, main)) = clash {
                let by: Vec<String> = main
                    .iter()
                    .filter(|f| exact_fields.contains(**f))
                    .map(|f| field_label(f).to_string())
                    .collect();
                out[c].note = Some(format!(
                    "像“{}”（{}），但表头已有按内置列名识别的{}列，二者是同一内容的不同写法，此列多半是别的内容",
                    field_label(&m.field),
                    m.field,
                    by.join("、")
                ));
                out[c].aside = Some(m.clone());
                continue;
            }
        }
        taken.insert(m.field.clone(), c);
        out[c].given = Some(m.clone());
    }
    out
}

/// The best-matching header of one sheet for one kind: (mapped columns, score sum, row,
/// height, candidate names, raw names).
type Best = (usize, f64, usize, usize, Vec<Vec<String>>, Vec<String>);

fn best_header(rows: &[&[Data]], alias: &BTreeMap<String, String>) -> Option<Best> {
    let mut best: Option<Best> = None;
    for r in 0..rows.len().min(HEADER_SEARCH_ROWS) {
        let filled = rows[r].iter().filter(|c| !cell::is_blank(c)).count();
        if filled < 2 {
            continue;
        }
        for (height, names, raw) in tries(rows, r) {
            let ranked: Vec<Vec<Match>> = names.iter().map(|c| rank(c, alias)).collect();
            let hits: Vec<f64> = ranked
                .iter()
                .filter_map(|ms| ms.first())
                .filter(|m| m.score >= SUGGEST)
                .map(|m| m.score)
                .collect();
            let key = (hits.len(), hits.iter().sum::<f64>());
            // Two rows only when the lower one names more than it does alone (a title line
            // above a header is not its upper half).
            let better = best.as_ref().is_none_or(|b| {
                let (single, b_single) = (height == 1, b.3 == 1);
                key.0 > b.0
                    || (key.0 == b.0 && single && !b_single)
                    || (key.0 == b.0 && single == b_single && key.1 > b.1)
            });
            if better {
                best = Some((key.0, key.1, r, height, names, raw));
            }
        }
    }
    best.filter(|b| b.0 >= 2)
}

/// Guess a profile for `path`. `kind`: ledger, assets or balances; `None` to take the kind
/// whose aliases the header matches best.
pub fn suggest(path: &Path, kind: Option<&str>) -> Result<Suggestion> {
    let (sheets, _) = workbook::read_any(path)?;
    let profiles = Profiles::load(&[])?;
    let kinds: Vec<&str> = match kind {
        Some(k) if KINDS.contains(&k) => vec![k],
        Some(k) => bail!("--kind 应为 ledger、assets 或 balances，实为“{k}”"),
        None => KINDS.to_vec(),
    };
    // (complete, mapped, score) decides between kinds and sheets.
    let mut best: Option<((bool, usize, f64), Suggestion)> = None;
    for k in &kinds {
        let ps = profiles.of_kind(k);
        let alias = aliases(&ps);
        for sheet in &sheets {
            let rows: Vec<&[Data]> = sheet.range.rows().collect();
            let Some((_, _, r, height, names, raw)) = best_header(&rows, &alias) else {
                continue;
            };
            let s = build(k, &ps, sheet, r, height, &names, &raw, &alias);
            let fields: BTreeMap<String, usize> = s
                .columns
                .iter()
                .filter_map(|c| c.field.as_ref().map(|m| (m.field.clone(), c.index)))
                .collect();
            let complete = header::is_complete(k, &fields);
            let mapped = fields.len();
            let score: f64 = s
                .columns
                .iter()
                .flat_map(|c| &c.field)
                .map(|m| m.score)
                .sum();
            let key = (complete, mapped, score);
            let better = best.as_ref().is_none_or(|(b, _)| {
                (key.0, key.1) > (b.0, b.1) || ((key.0, key.1) == (b.0, b.1) && key.2 > b.2)
            });
            if better {
                best = Some((key, s));
            }
        }
    }
    match best {
        Some((_, s)) => Ok(s),
        None => bail!(
            "文件 {} 的前 {HEADER_SEARCH_ROWS} 行中没有像表头的一行（没有两个以上与已知列名相近的单元格），无法生成映射方案",
            path.display()
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    kind: &str,
    ps: &[&Profile],
    sheet: &Sheet,
    r: usize,
    height: usize,
    names: &[Vec<String>],
    raw: &[String],
    alias: &BTreeMap<String, String>,
) -> Suggestion {
    let ranked: Vec<Vec<Match>> = names.iter().map(|c| rank(c, alias)).collect();
    let assigned = assign(&ranked);
    let columns: Vec<ColumnGuess> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.iter().any(|x| !x.is_empty()))
        .map(|(c, n)| ColumnGuess {
            index: c,
            letter: sheet.column_letter(c),
            header: raw.get(c).cloned().unwrap_or_default(),
            key: n[0].clone(),
            field: assigned[c].given.clone(),
            ranked: ranked[c].clone(),
            note: assigned[c].note.clone(),
            set_aside: assigned[c].aside.clone(),
        })
        .collect();
    // The root profile of the kind (one level of `extends` only).
    let extends = ps
        .iter()
        .find(|p| p.extends.is_none())
        .map(|p| p.id.clone())
        .unwrap_or_else(|| kind.to_string());
    let keys: BTreeSet<String> = columns.iter().map(|c| c.key.clone()).collect();
    // A vendor layout whose settings are all the base's adds nothing to write.
    let (layout, settings) = match layout_of(ps, &extends, &keys) {
        Some((id, settings)) if !settings.is_empty() => (Some(id), settings),
        _ => (None, Vec::new()),
    };
    let mut s = Suggestion {
        kind: kind.to_string(),
        layout,
        settings,
        extends,
        sheet: sheet.name.clone(),
        header_row: sheet.row_number(r),
        header_rows: height,
        columns,
        missing: Vec::new(),
    };
    s.missing = s.missing_fields(ps);
    s
}

impl Suggestion {
    /// The suggestion as a resolved profile (its columns over the base's), as the loader
    /// would use it.
    pub fn profile(&self, ps: &[&Profile], id: &str) -> Profile {
        let mut p = ps
            .iter()
            .find(|p| p.id == self.extends)
            .map(|p| (*p).clone())
            .unwrap_or_default();
        p.id = id.to_string();
        p.kind = self.kind.clone();
        p.extends = None;
        for c in &self.columns {
            if let Some(m) = &c.field {
                p.columns.insert(m.field.clone(), vec![m.name.clone()]);
            }
        }
        for (table, key, words) in &self.settings {
            let t = match table.as_str() {
                "totals" => &mut p.totals,
                "title" => &mut p.title,
                "aux_keys" => &mut p.aux_keys,
                "status_words" => &mut p.status_words,
                _ => &mut p.direction_words,
            };
            t.insert(key.clone(), words.clone());
        }
        p.signature = self.signature();
        p
    }

    /// The header names that make this profile win over the built-in ones on this file.
    fn signature(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        self.columns
            .iter()
            .filter(|c| c.field.is_some() && !c.key.is_empty())
            .filter(|c| seen.insert(c.key.clone()))
            .map(|c| c.key.clone())
            .collect()
    }

    /// Required fields the guessed columns do not give (in Chinese).
    fn missing_fields(&self, ps: &[&Profile]) -> Vec<String> {
        let p = self.profile(ps, "suggested");
        let mapped: BTreeMap<String, usize> = self
            .columns
            .iter()
            .filter_map(|c| c.field.as_ref().map(|m| (m.field.clone(), c.index)))
            .collect();
        if self.kind == "ledger" {
            let names: Vec<String> = self
                .columns
                .iter()
                .filter_map(|c| c.field.as_ref().map(|m| m.name.clone()))
                .collect();
            let d = diagnose::Diagnosis::of(&names, &[&p]);
            return d.missing.iter().map(|m| m.to_string()).collect();
        }
        if header::is_complete(&self.kind, &mapped) {
            Vec::new()
        } else {
            vec![header::expectation(&self.kind).to_string()]
        }
    }

    /// The profile as TOML in the format of data/profiles/*.toml, commented.
    pub fn to_toml(&self, id: &str, source: &str) -> String {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let mut t = String::new();
        t.push_str(&format!(
            "# 映射方案：由 `reeval profile suggest` 按 {source} 工作表“{}”第 {} 行{}的表头猜测生成，未经人工核对。\n",
            self.sheet,
            self.header_row,
            if self.header_rows == 2 { "起两行" } else { "" }
        ));
        t.push_str(
            "# 标“猜测”的列请逐一核对：改对字段名（等号左边，可用字段见 docs/data-model.md），或删去该行。\n\
             # 用法：reeval load 文件 --profile 本文件；或在 engagement.toml 的 [inputs] profiles 中列出本文件。\n",
        );
        t.push_str(&format!(
            "# 列名按去掉空格、全角字符和“（元）”等单位后的写法比对；合计行、标题行、辅助核算等设置继承内置方案 {}{}。\n",
            self.extends,
            match &self.layout {
                Some(l) => format!("，与之不同的设置取自内置方案 {l}（表头含其全部特征列，见文末）"),
                None => String::new(),
            }
        ));
        if !self.missing.is_empty() {
            t.push_str(&format!(
                "# 注意：仍缺少必需的列 {}——没有足够接近的列名，请在 [columns] 中手工补上，否则无法载入。\n",
                self.missing.join("、")
            ));
        }
        t.push_str(&format!("id = {}\n", q(id)));
        t.push_str(&format!(
            "name = {}\n",
            q(&format!("{source}（按表头猜测）"))
        ));
        t.push_str(&format!("kind = {}\n", q(&self.kind)));
        t.push_str(&format!("extends = {}\n", q(&self.extends)));
        t.push_str("# 表头同时有这些列时，本方案优先于内置方案。\n");
        let sig: Vec<String> = self.signature().iter().map(|s| q(s)).collect();
        t.push_str(&format!("signature = [{}]\n\n[columns]\n", sig.join(", ")));
        let mut unmapped = Vec::new();
        for c in &self.columns {
            let Some(m) = &c.field else {
                unmapped.push(c);
                continue;
            };
            let others: Vec<String> = c
                .ranked
                .iter()
                .filter(|o| o.field != m.field && o.score >= 0.5)
                .take(2)
                .map(|o| {
                    format!(
                        "{}（{}，像“{}”，{}）",
                        field_label(&o.field),
                        o.field,
                        o.alias,
                        ratio(o.score)
                    )
                })
                .collect();
            if m.exact() {
                t.push_str(&format!(
                    "# {} 列“{}”：{}，与内置列名相同\n",
                    c.letter,
                    c.header,
                    field_label(&m.field)
                ));
            } else {
                t.push_str(&format!(
                    "# {} 列“{}”：猜测为{}——最接近内置列名“{}”，相似度 {}{}\n",
                    c.letter,
                    c.header,
                    field_label(&m.field),
                    m.alias,
                    ratio(m.score),
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!("；其他可能：{}", others.join("、"))
                    }
                ));
            }
            t.push_str(&format!("{} = [{}]\n", m.field, q(&m.name)));
        }
        if !unmapped.is_empty() {
            t.push_str("\n# 未映射的列（载入时不读取）：\n");
        }
        for c in unmapped {
            match (&c.set_aside, c.ranked.first()) {
                (Some(m), _) => {
                    t.push_str(&format!(
                        "# {} 列“{}”：{}。确是{}时去掉下一行的 #：\n# {} = [{}]\n",
                        c.letter,
                        c.header,
                        c.note.clone().unwrap_or_default(),
                        field_label(&m.field),
                        m.field,
                        q(&m.name)
                    ));
                }
                (None, Some(m)) if c.note.is_some() => {
                    t.push_str(&format!(
                        "# {} 列“{}”：{}（相似度 {}）\n",
                        c.letter,
                        c.header,
                        c.note.clone().unwrap_or_default(),
                        ratio(m.score)
                    ));
                }
                (None, Some(m)) => {
                    t.push_str(&format!(
                        "# {} 列“{}”：没有足够接近的内置列名（最接近的是{}列名“{}”，相似度 {}，低于 {}）\n",
                        c.letter,
                        c.header,
                        field_label(&m.field),
                        m.alias,
                        ratio(m.score),
                        ratio(SUGGEST)
                    ));
                }
                (None, None) => {
                    t.push_str(&format!(
                        "# {} 列“{}”：与任何内置列名都没有共同的字\n",
                        c.letter, c.header
                    ));
                }
            }
        }
        if let Some(l) = &self.layout {
            t.push_str(&format!(
                "\n# 以下设置取自内置方案 {l}（本方案只能继承一层，故照录其与 {} 不同之处）。\n",
                self.extends
            ));
            let mut current = "";
            for (table, key, words) in &self.settings {
                if table != current {
                    t.push_str(&format!("[{table}]\n"));
                    current = table;
                }
                let ws: Vec<String> = words.iter().map(|w| q(w)).collect();
                let bare = key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                let key = if bare { key.clone() } else { q(key) };
                t.push_str(&format!("{key} = [{}]\n", ws.join(", ")));
            }
        }
        t
    }
}

/// A similarity as printed: rounded half-up to 2 decimals.
pub fn ratio(x: f64) -> String {
    let d = Decimal::from_f64(x)
        .unwrap_or_default()
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    format!("{d:.2}")
}

/// A profile id from a file name: `suggested-<stem>`.
pub fn default_id(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '"' {
                '-'
            } else {
                c
            }
        })
        .collect();
    format!("suggested-{stem}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(headers: &[&str]) -> Vec<Option<String>> {
        let ps = Profiles::load(&[]).unwrap();
        let alias = aliases(&ps.of_kind("ledger"));
        let ranked: Vec<Vec<Match>> = headers.iter().map(|h| rank(&[norm(h)], &alias)).collect();
        assign(&ranked)
            .into_iter()
            .map(|a| a.given.map(|m| m.field))
            .collect()
    }

    #[test]
    fn unknown_wordings_get_their_closest_field() {
        let g = guess(&[
            "凭证号数",
            "记账日期",
            "会计科目编码",
            "摘要说明",
            "借方发生额",
            "贷方发生额",
        ]);
        let want = [
            "voucher",
            "date",
            "account_code",
            "summary",
            "debit",
            "credit",
        ];
        for (g, w) in g.iter().zip(want) {
            assert_eq!(g.as_deref(), Some(w));
        }
    }

    #[test]
    fn look_alikes_are_not_the_voucher_number() {
        let g = guess(&[
            "票据号",
            "凭证张数",
            "备注",
            "日期",
            "科目编码",
            "借方",
            "贷方",
        ]);
        assert!(
            g[..3].iter().all(|f| f.as_deref() != Some("voucher")),
            "{g:?}"
        );
        assert_eq!(g[2], None);
    }

    #[test]
    fn a_contra_account_beside_an_account_code_is_set_aside() {
        let g = guess(&["科目编码", "对方科目", "借方", "贷方"]);
        assert_eq!(g[0].as_deref(), Some("account_code"));
        assert_eq!(g[1], None);
    }

    #[test]
    fn ratios_round_half_up() {
        assert_eq!(ratio(0.857142), "0.86");
        assert_eq!(ratio(0.6), "0.60");
        assert_eq!(ratio(1.0), "1.00");
    }
}
