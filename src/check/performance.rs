//! The 绩效管理 inputs as the 绩效 rules read them (issue 23): the 绩效目标表 grouped into target
//! sets (部门整体 and one per project), merged cells filled down; an indicator value read into
//! number, unit and direction by the shared vocabulary of `data/rules.toml
//! [perf-target-quantified]`; project names compared across the books and the tables.

use super::config::Config;
use crate::load::supporting::{Record, SupportingTable};
use crate::model::findings::Evidence;
use anyhow::Result;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The name of the department-wide target set.
pub const DEPARTMENT: &str = "部门整体";

/// The vocabulary every 绩效 rule shares: the first 绩效 rule's section.
#[derive(Debug, Clone, Deserialize)]
pub struct Vocab {
    pub vague_words: Vec<String>,
    pub dimensions: Vec<Dimension>,
    pub benefit_words: Vec<String>,
    pub min_benefit_indicators: usize,
    pub directions: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    pub words: Vec<String>,
}

/// The rule whose section holds the vocabulary.
pub const VOCAB_RULE: &str = "perf-target-quantified";

pub fn vocab(config: &Config) -> Result<Vocab> {
    let (_, v): (_, Vocab) = config.section(VOCAB_RULE)?;
    for k in v.directions.keys() {
        if Dir::from_key(k).is_none() {
            anyhow::bail!("规则配置 [{VOCAB_RULE}.directions] 的键“{k}”应为 >=、<=、>、<、= 之一");
        }
    }
    Ok(v)
}

/// An indicator's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
}

impl Dir {
    fn from_key(k: &str) -> Option<Dir> {
        Some(match k {
            ">=" => Dir::Ge,
            "<=" => Dir::Le,
            ">" => Dir::Gt,
            "<" => Dir::Lt,
            "=" => Dir::Eq,
            _ => return None,
        })
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Dir::Ge => "≥",
            Dir::Le => "≤",
            Dir::Gt => ">",
            Dir::Lt => "<",
            Dir::Eq => "=",
        }
    }
    /// Whether `actual` meets `target` in this direction, allowing the rounding of the two
    /// figures as written (half a unit of the last decimal place of the less precise one).
    pub fn met(self, actual: Decimal, target: Decimal) -> bool {
        let tol = half_unit(actual).max(half_unit(target));
        match self {
            Dir::Ge | Dir::Gt => actual >= target - tol,
            Dir::Le | Dir::Lt => actual <= target + tol,
            Dir::Eq => (actual - target).abs() <= tol,
        }
    }
}

/// Half a unit of the last decimal place a figure was written with (`41.94` → 0.005).
pub fn half_unit(d: Decimal) -> Decimal {
    Decimal::new(5, d.scale() + 1)
}

/// Whether two figures differ beyond the rounding of the less precise one.
pub fn differ(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() > half_unit(a).max(half_unit(b))
}

/// An indicator value read: the number, the unit, the direction, and the vague words it uses.
#[derive(Debug, Clone, Default)]
pub struct Quant {
    pub number: Option<Decimal>,
    pub unit: Option<String>,
    pub direction: Option<Dir>,
    pub vague: Vec<String>,
}

impl Quant {
    pub fn quantified(&self) -> bool {
        self.number.is_some() && self.unit.is_some() && self.direction.is_some()
    }
    /// What it lacks, in Chinese (`无数值、无计量单位`).
    pub fn lacks(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.number.is_none() {
            out.push(if self.vague.is_empty() {
                "无数值".to_string()
            } else {
                format!("无数值，仅有“{}”等描述", self.vague.join("”“"))
            });
        }
        if self.unit.is_none() {
            out.push("无计量单位".into());
        }
        if self.direction.is_none() {
            out.push("无方向（≥、≤、=）".into());
        }
        out
    }
    /// `≥90%`, as the value reads once parsed.
    pub fn show(&self) -> String {
        format!(
            "{}{}{}",
            self.direction.map(Dir::symbol).unwrap_or(""),
            self.number.map(|n| n.to_string()).unwrap_or_default(),
            self.unit.as_deref().unwrap_or("")
        )
    }
}

fn clean(s: &str) -> String {
    s.chars()
        .map(crate::model::money::fullwidth_to_ascii)
        .map(|c| match c {
            '＞' => '>',
            '＜' => '<',
            '＝' => '=',
            '％' => '%',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The direction a text states, the longest matching word first.
fn find_direction(text: &str, v: &Vocab) -> Option<(Dir, String)> {
    let mut words: Vec<(&str, Dir)> = v
        .directions
        .iter()
        .filter_map(|(k, ws)| Dir::from_key(k).map(|d| ws.iter().map(move |w| (w.as_str(), d))))
        .flatten()
        .collect();
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    words
        .into_iter()
        .find(|(w, _)| !w.is_empty() && text.contains(&clean(w)))
        .map(|(w, d)| (d, clean(w)))
}

/// Read an indicator value (`≥90%`, `不低于 3.87 万人`, `有所提高`) with its 计量单位 and 方向
/// cells when the table has them.
pub fn quantify(value: &str, unit: Option<&str>, direction: Option<&str>, v: &Vocab) -> Quant {
    let text = clean(value);
    let mut q = Quant::default();
    let mut rest = text.clone();
    if let Some(d) = direction.map(clean).filter(|d| !d.is_empty()) {
        q.direction = find_direction(&d, v).map(|(d, _)| d);
    }
    if let Some((d, w)) = find_direction(&text, v) {
        q.direction = q.direction.or(Some(d));
        rest = rest.replacen(&w, "", 1);
    }
    // The first number: digits with one optional decimal point (thousands commas dropped).
    let chars: Vec<char> = rest.chars().collect();
    if let Some(start) = chars.iter().position(|c| c.is_ascii_digit()) {
        let mut end = start;
        let mut num = String::new();
        while end < chars.len()
            && (chars[end].is_ascii_digit()
                || (chars[end] == '.' && !num.contains('.'))
                || (chars[end] == ',' && !num.is_empty()))
        {
            if chars[end] != ',' {
                num.push(chars[end]);
            }
            end += 1;
        }
        let neg = start > 0 && chars[start - 1] == '-';
        if let Ok(mut n) = Decimal::from_str(num.trim_end_matches('.')) {
            if neg {
                n = -n;
            }
            q.number = Some(n);
            let suffix: String = chars[end..].iter().collect();
            let suffix = suffix.trim_matches(|c: char| c == '.' || c == ',' || c == ';');
            if !suffix.is_empty() {
                q.unit = Some(suffix.to_string());
            }
        }
    }
    if let Some(u) = unit.map(clean).filter(|u| !u.is_empty()) {
        q.unit = Some(u);
    }
    if q.number.is_none() {
        q.vague = v
            .vague_words
            .iter()
            .filter(|w| !w.is_empty() && text.contains(&clean(w)))
            .cloned()
            .collect();
        // `有所提高` found, `提高` inside it is not named again.
        let found = q.vague.clone();
        q.vague
            .retain(|w| !found.iter().any(|o| o != w && o.contains(w.as_str())));
    }
    q
}

/// One indicator row of the 绩效目标表 (or 自评表), merged cells filled down.
#[derive(Debug, Clone)]
pub struct IndicatorRow<'a> {
    pub record: &'a Record,
    /// `部门整体` or the project's name.
    pub set: String,
    pub project_code: Option<String>,
    pub level1: String,
    pub level2: String,
    pub indicator: String,
}

impl IndicatorRow<'_> {
    pub fn text(&self, f: &str) -> Option<&str> {
        self.record.text(f)
    }
    /// Whether its 一级 or 二级指标 holds one of `words`.
    pub fn under(&self, words: &[String]) -> bool {
        words
            .iter()
            .any(|w| !w.is_empty() && (self.level1.contains(w) || self.level2.contains(w)))
    }
    pub fn evidence(&self, what: &str) -> Evidence {
        Evidence {
            summary: what.to_string(),
            source: self.record.source.clone(),
            ..Default::default()
        }
    }
}

/// `file:sheet:row` → the file and sheet part.
fn sheet_of(source: &str) -> &str {
    source.rsplit_once(':').map(|(s, _)| s).unwrap_or(source)
}

/// The rows of a 绩效目标表 or 自评表, with 项目, 一级 and 二级指标 filled down within a sheet
/// (a merged cell holds its value on its first row only). A row belongs to its project's set,
/// or to 部门整体 when it names no project or its 目标类型 says 部门整体.
pub fn indicator_rows(table: &SupportingTable) -> Vec<IndicatorRow<'_>> {
    let mut out = Vec::new();
    let mut last_sheet = "";
    let (mut l1, mut l2, mut project, mut code) =
        (String::new(), String::new(), String::new(), String::new());
    for r in &table.records {
        let sheet = sheet_of(&r.source);
        if sheet != last_sheet {
            (l1, l2, project, code) = Default::default();
            last_sheet = sheet;
        }
        let fill = |slot: &mut String, f: &str| {
            if let Some(v) = r.text(f) {
                *slot = v.trim().to_string();
            }
        };
        fill(&mut project, "project");
        fill(&mut code, "project_code");
        let new_l1 = r.text("level1").is_some();
        fill(&mut l1, "level1");
        if new_l1 && r.text("level2").is_none() {
            l2.clear();
        }
        fill(&mut l2, "level2");
        let department = r.text("scope").is_some_and(|s| s.contains(DEPARTMENT))
            || (project.is_empty() && code.is_empty());
        out.push(IndicatorRow {
            record: r,
            set: if department {
                DEPARTMENT.to_string()
            } else if project.is_empty() {
                code.clone()
            } else {
                project.clone()
            },
            project_code: (!department && !code.is_empty()).then(|| code.clone()),
            level1: l1.clone(),
            level2: l2.clone(),
            indicator: r.text("indicator").unwrap_or("").trim().to_string(),
        });
    }
    out
}

/// A project name as compared across the books and the tables: full-width forms, spaces and
/// brackets' shapes set aside.
pub fn project_key(s: &str) -> String {
    clean(s)
        .chars()
        .filter(|c| !matches!(c, '"' | '“' | '”' | '《' | '》' | '·'))
        .collect()
}

/// Whether a project of the books is the one a table names (by name or code): equal keys, or
/// one name inside the other when both have at least four characters.
pub fn same_project(book: &str, name: &str, code: Option<&str>) -> bool {
    let (b, n) = (project_key(book), project_key(name));
    if b.is_empty() {
        return false;
    }
    if b == n || code.is_some_and(|c| !c.trim().is_empty() && b.contains(&project_key(c))) {
        return true;
    }
    b.chars().count() >= 4 && n.chars().count() >= 4 && (b.contains(&n) || n.contains(&b))
}

/// An indicator name as compared across the 绩效目标表, the 自评表 and the task list.
pub fn indicator_key(s: &str) -> String {
    project_key(s)
}

/// The 资料清单's 提供情况 word: received, not received, or not decided.
pub fn received(cell: &str, yes: &[String], no: &[String]) -> Option<bool> {
    let c = clean(cell);
    if c.is_empty() {
        return None;
    }
    let exact = |ws: &[String]| ws.iter().any(|w| clean(w) == c);
    if exact(no) {
        return Some(false);
    }
    if exact(yes) {
        return Some(true);
    }
    let mut words: Vec<(&String, bool)> = no
        .iter()
        .map(|w| (w, false))
        .chain(yes.iter().map(|w| (w, true)))
        .collect();
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    words
        .into_iter()
        .find(|(w, _)| !w.is_empty() && c.contains(&clean(w)))
        .map(|(_, b)| b)
}

/// Character-pair (Dice) similarity of two names, after taking `ignore` words out of both.
pub fn similarity(a: &str, b: &str, ignore: &[String]) -> f64 {
    let strip = |s: &str| {
        let mut t = project_key(s);
        for w in ignore {
            if !w.is_empty() {
                t = t.replace(&clean(w), "");
            }
        }
        t.chars().collect::<Vec<char>>()
    };
    let (a, b) = (strip(a), strip(b));
    let pairs = |v: &[char]| -> Vec<(char, char)> { v.windows(2).map(|w| (w[0], w[1])).collect() };
    let (pa, mut pb) = (pairs(&a), pairs(&b));
    if pa.is_empty() || pb.is_empty() {
        return 0.0;
    }
    let total = (pa.len() + pb.len()) as f64;
    let mut shared = 0usize;
    for p in &pa {
        if let Some(i) = pb.iter().position(|q| q == p) {
            pb.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        super::vocab(&Config::builtin().unwrap()).unwrap()
    }

    #[test]
    fn values_are_read_into_number_unit_and_direction() {
        let v = vocab();
        let q = quantify("≥90%", None, None, &v);
        assert_eq!(q.number, Some(Decimal::new(90, 0)));
        assert_eq!(q.unit.as_deref(), Some("%"));
        assert_eq!(q.direction, Some(Dir::Ge));
        let q = quantify("不低于 3.87", Some("万人"), None, &v);
        assert!(q.quantified(), "{q:?}");
        let q = quantify("41.94", Some("万人"), Some("≥"), &v);
        assert!(q.quantified());
        for vague in ["有所提高", "进一步提升", "明显改善"] {
            let q = quantify(vague, None, None, &v);
            assert!(!q.quantified());
            assert!(!q.vague.is_empty(), "{vague}");
        }
        let q = quantify("100", None, None, &v);
        assert_eq!(q.lacks(), vec!["无计量单位", "无方向（≥、≤、=）"]);
    }

    #[test]
    fn rounding_decides_met_and_differ() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert!(Dir::Ge.met(d("89.996"), d("90")));
        assert!(!Dir::Ge.met(d("89.4"), d("90")));
        assert!(Dir::Le.met(d("100.4"), d("100")));
        assert!(!differ(d("41.94"), d("41.942")));
        assert!(differ(d("41.94"), d("40")));
    }

    #[test]
    fn received_words_prefer_the_negative_and_leave_the_unknown() {
        let yes = vec!["是".to_string(), "已提供".to_string(), "提供".to_string()];
        let no = vec!["否".to_string(), "未提供".to_string()];
        assert_eq!(received("未提供", &yes, &no), Some(false));
        assert_eq!(received("已提供", &yes, &no), Some(true));
        assert_eq!(received("待补充", &yes, &no), None);
    }
}
