//! Validating the rows read from a workbook and merging them into review.toml: each changed
//! field recorded in the entry's history; a signed-off entry (复核人 and 复核日期) changed only
//! with `override_signed`; keys that match no current finding or sampled item kept and listed.
//! Any problem and nothing is merged (the caller writes nothing).

use super::file::{Change, Entry, Kind, ReviewFile};
use super::read::Row;
use super::words::Words;
use crate::check::citations::Catalogue;
use crate::workbook::layout::WorkbookLayout;
use std::collections::{BTreeMap, BTreeSet};

/// What the review is checked against: the result the workbook was written from.
pub struct Current<'a> {
    /// Finding ids, with their rule, entity and voucher or asset.
    pub findings: BTreeMap<String, (String, String, String)>,
    /// Sampled (plan, item) of voucher/line plans and of asset plans.
    pub samples: BTreeSet<(String, String)>,
    pub assets: BTreeSet<(String, String)>,
    pub catalogue: &'a Catalogue,
    pub words: &'a Words,
    pub layout: &'a WorkbookLayout,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub file: ReviewFile,
    /// One line per changed entry.
    pub changes: Vec<String>,
    /// Keys that match no current finding or sampled item: kept in review.toml, listed here.
    pub orphans: Vec<String>,
    pub problems: Vec<String>,
}

/// The citation ids of a manual finding's 依据 cell.
pub fn citation_ids(raw: &str) -> Vec<String> {
    raw.split(['、', ',', '，', ';', '；', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn header(layout: &WorkbookLayout, kind: Kind, id: &str) -> String {
    layout
        .sheet(kind.sheet_id())
        .and_then(|s| s.columns.iter().find(|c| c.id == id))
        .map(|c| c.header.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The auditor column ids a sheet shows.
fn shown(layout: &WorkbookLayout, kind: Kind) -> Vec<String> {
    layout
        .sheet(kind.sheet_id())
        .map(|s| {
            s.columns
                .iter()
                .filter(|c| c.auditor)
                .map(|c| c.id.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Where a row's values go: (kind of entry, plan, id), after the finding fallback.
fn target(prev: &ReviewFile, row: &Row, cur: &Current) -> (Kind, String, String) {
    match row.kind {
        Kind::Finding => {
            if prev.find(Kind::Manual, "", &row.key).is_some() {
                return (Kind::Manual, String::new(), row.key.clone());
            }
            (Kind::Finding, String::new(), row.key.clone())
        }
        Kind::Sample | Kind::Asset => (row.kind, row.plan.clone(), row.key.clone()),
        Kind::Manual => {
            let _ = cur;
            (Kind::Manual, String::new(), row.key.clone())
        }
    }
}

/// Whether a row's entries are all in review.toml already (the run's test for "taken in"):
/// every auditor column the sheet shows equals the stored value (blank = absent).
pub fn taken_in(prev: &ReviewFile, row: &Row, layout: &WorkbookLayout) -> bool {
    let same = |e: &Entry| {
        shown(layout, row.kind)
            .iter()
            .all(|f| row.fields.get(f).map(String::as_str).unwrap_or("") == e.get(f))
    };
    // A new 人工问题 row typed without a number: taken in when an entry holds its values
    // (review numbered it).
    if row.kind == Kind::Manual && row.key.is_empty() {
        return prev.manual.iter().any(same);
    }
    entry_for(prev, row).is_some_and(same)
}

/// The entry of review.toml a workbook row stands for (none for a new 人工问题 row).
fn entry_for<'a>(prev: &'a ReviewFile, row: &Row) -> Option<&'a Entry> {
    if row.kind == Kind::Manual && row.key.is_empty() {
        return None;
    }
    let (kind, plan, id) = match row.kind {
        Kind::Finding if prev.find(Kind::Manual, "", &row.key).is_some() => {
            (Kind::Manual, String::new(), row.key.clone())
        }
        k => (k, row.plan.clone(), row.key.clone()),
    };
    match kind {
        Kind::Finding => {
            let none = BTreeSet::new();
            prev.finding_for(&id, &row.rule, &row.entity, &row.place, &none)
                .map(|(e, _)| e)
        }
        _ => prev.find(kind, &plan, &id),
    }
}

/// Where a workbook row and review.toml's entry for it disagree (review.toml edited by hand
/// since, or the workbook since the last `reeval review`): each differing column as
/// `核实结论：底稿“确认”，review.toml“排除”`. Empty when review.toml holds no entry for the row
/// (the row is simply not taken in yet) or the same values.
pub fn disagreement(prev: &ReviewFile, row: &Row, layout: &WorkbookLayout) -> Vec<String> {
    let Some(e) = entry_for(prev, row) else {
        return Vec::new();
    };
    shown(layout, row.kind)
        .iter()
        .filter_map(|f| {
            let wb = row.fields.get(f).map(String::as_str).unwrap_or("");
            let file = e.get(f);
            (wb != file).then(|| {
                let say = |v: &str| {
                    if v.is_empty() {
                        "（空）".to_string()
                    } else {
                        format!("“{}”", crate::errors::excerpt(v))
                    }
                };
                format!(
                    "{}：底稿{}，review.toml {}",
                    header(layout, row.kind, f),
                    say(wb),
                    say(file)
                )
            })
        })
        .collect()
}

/// Check the rows and merge them into `prev`.
pub fn merge(
    prev: &ReviewFile,
    read: super::read::Read,
    cur: &Current,
    override_signed: bool,
    at: &str,
) -> Outcome {
    let mut out = Outcome {
        file: prev.clone(),
        problems: read.problems,
        ..Default::default()
    };
    let words = cur.words;
    let current_ids: BTreeSet<&str> = cur.findings.keys().map(String::as_str).collect();
    // New manual rows get the next free number.
    let mut next_manual = prev
        .manual
        .iter()
        .map(|e| e.id.as_str())
        .chain(
            read.rows
                .iter()
                .filter(|r| r.kind == Kind::Manual)
                .map(|r| r.key.as_str()),
        )
        .filter_map(|id| id.strip_prefix(words.manual.prefix.as_str()))
        .filter_map(|n| n.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let mut seen: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for mut row in read.rows {
        let at_row = format!("工作表“{}”第 {} 行", row.sheet, row.row);
        if row.key.is_empty() {
            if row.kind == Kind::Manual {
                next_manual += 1;
                row.key = format!("{}{next_manual:03}", words.manual.prefix);
            } else {
                out.problems.push(format!(
                    "{at_row}：有填写内容但没有编号（键列为空），无法对应"
                ));
                continue;
            }
        }
        // The rules of the words.
        let cell = |id: &str| row.cells.get(id).cloned().unwrap_or_default();
        let conclusion = row.fields.get("conclusion").cloned().unwrap_or_default();
        let note = row.fields.get("note").cloned().unwrap_or_default();
        if row.kind == Kind::Finding && !conclusion.is_empty() {
            if words.status(&conclusion).is_none() {
                out.problems.push(format!(
                    "{at_row} 单元格 {}：核实结论“{conclusion}”不是可用的结论（{}）",
                    cell("conclusion"),
                    words
                        .conclusions
                        .map
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            } else if words.conclusions.needs_note.contains(&conclusion) && note.is_empty() {
                out.problems.push(format!(
                    "{at_row} 单元格 {}：核实结论为“{conclusion}”，但没有填写{}（须写明核实所见）",
                    cell("conclusion"),
                    header(cur.layout, row.kind, "note")
                ));
            }
        }
        if let Some(resp) = row.fields.get("response") {
            if words.response.needs_note.contains(resp)
                && row.fields.get("response_note").is_none_or(|s| s.is_empty())
            {
                out.problems.push(format!(
                    "{at_row} 单元格 {}：单位意见为“{resp}”，但没有填写{}",
                    cell("response"),
                    header(cur.layout, row.kind, "response_note")
                ));
            }
        }
        if row.kind == Kind::Manual {
            check_manual(&row, &at_row, cur, &mut out.problems);
        }
        let (kind, plan, id) = target(&out.file, &row, cur);
        if let Some(first) = seen.insert(
            (row.sheet.clone(), plan.clone(), id.clone()),
            at_row.clone(),
        ) {
            out.problems.push(format!(
                "{at_row}：编号 {id} 与{first}重复（同一项只能填写一行）"
            ));
            continue;
        }
        // Orphans: listed, never dropped.
        let known = match kind {
            Kind::Finding => cur.findings.contains_key(&id),
            Kind::Sample => cur.samples.contains(&(plan.clone(), id.clone())),
            Kind::Asset => cur.assets.contains(&(plan.clone(), id.clone())),
            Kind::Manual => true,
        };
        if !known {
            let what = match kind {
                Kind::Finding => "疑点编号",
                Kind::Sample => "样本编号",
                _ => "资产编号",
            };
            out.orphans.push(format!(
                "{at_row}：{what} {id} 与本次结果中的任何一项都不对应（已保留在 review.toml 中）"
            ));
        }
        // The entry: by key, a finding's by its rule, entity and voucher when its id changed.
        let entries = out.file.entries(kind);
        let mut idx = entries
            .iter()
            .position(|e| e.id == id && (!kind.by_plan() || e.plan == plan));
        let mut rekeyed = None;
        if idx.is_none() && kind == Kind::Finding && !row.place.is_empty() {
            let hits: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    !current_ids.contains(e.id.as_str())
                        && e.rule == row.rule
                        && e.entity == row.entity
                        && e.place == row.place
                })
                .map(|(i, _)| i)
                .collect();
            if hits.len() == 1 {
                idx = Some(hits[0]);
                rekeyed = Some(entries[hits[0]].id.clone());
            }
        }
        let fresh = idx.is_none();
        let mut entry = idx.map(|i| entries[i].clone()).unwrap_or_else(|| Entry {
            id: id.clone(),
            plan: plan.clone(),
            ..Default::default()
        });
        if kind == Kind::Finding {
            let (r, e, p) = cur
                .findings
                .get(&id)
                .cloned()
                .unwrap_or_else(|| (row.rule.clone(), row.entity.clone(), row.place.clone()));
            entry.rule = r;
            entry.entity = e;
            entry.place = p;
        }
        let mut diffs = Vec::new();
        if let Some(old) = &rekeyed {
            diffs.push(format!(
                "疑点编号：{old} → {id}（规则修改后编号改变，按规则、单位、凭证对应）"
            ));
            entry.id = id.clone();
        }
        let mut changed_values = false;
        for f in shown(cur.layout, row.kind) {
            let new = row.fields.get(&f).cloned().unwrap_or_default();
            let old = entry.get(&f).to_string();
            if new == old {
                continue;
            }
            changed_values = true;
            let show = |s: &str| {
                if s.is_empty() {
                    "（空）".to_string()
                } else {
                    crate::errors::excerpt(s)
                }
            };
            diffs.push(format!(
                "{}：{} → {}",
                header(cur.layout, row.kind, &f),
                show(&old),
                show(&new)
            ));
            if new.is_empty() {
                entry.fields.remove(&f);
            } else {
                entry.fields.insert(f, new);
            }
        }
        if diffs.is_empty() {
            continue;
        }
        if changed_values && !fresh && !override_signed {
            let before = idx.map(|i| &out.file.entries(kind)[i]);
            if let Some(b) = before.filter(|b| b.signed_off()) {
                out.problems.push(format!(
                    "{at_row}：{id} 的核实结论已由 {} 于 {} 复核签字，底稿中的修改（{}）未导入；确需修改，请加 --override-signed 重新导入",
                    b.get("reviewer"),
                    b.get("reviewed_on"),
                    diffs.join("；")
                ));
                continue;
            }
        }
        let by = [
            row.fields.get("verifier"),
            row.fields.get("reviewer"),
            entry.fields.get("verifier"),
        ]
        .into_iter()
        .flatten()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_else(|| "未署名".into());
        entry.history.push(Change {
            at: at.to_string(),
            by,
            change: diffs.join("；"),
        });
        out.changes.push(format!(
            "{at_row} {}{id}：{}",
            if plan.is_empty() {
                String::new()
            } else {
                format!("{plan} ")
            },
            diffs.join("；")
        ));
        let entries = out.file.entries_mut(kind);
        match idx {
            Some(i) => entries[i] = entry,
            None => entries.push(entry),
        }
    }
    out
}

/// A manual finding must name a category of the catalogue, citation ids the catalogue has,
/// what the problem is, and a status it may take.
fn check_manual(row: &Row, at_row: &str, cur: &Current, problems: &mut Vec<String>) {
    let cell = |id: &str| row.cells.get(id).cloned().unwrap_or_default();
    let get = |id: &str| row.fields.get(id).map(String::as_str).unwrap_or("");
    let category = get("category");
    if category.is_empty() {
        problems.push(format!("{at_row}：人工问题没有填写类别"));
    } else if !crate::model::categories::is_known(category).unwrap_or(false) {
        problems.push(format!(
            "{at_row} 单元格 {}：类别“{}”不在类别目录中，应为 {} 之一",
            cell("category"),
            crate::errors::excerpt(category),
            crate::model::categories::names().unwrap_or_default()
        ));
    }
    if get("title").is_empty() && get("facts").is_empty() {
        problems.push(format!("{at_row}：人工问题没有填写问题或事实"));
    }
    for id in citation_ids(get("citations")) {
        if !cur.catalogue.has_family(&id) {
            problems.push(format!(
                "{at_row} 单元格 {}：依据编号“{}”不在法规目录中（data/citations.toml 的 family，或项目的 [rules] citations 文件）",
                cell("citations"),
                crate::errors::excerpt(&id)
            ));
        }
    }
    let c = get("conclusion");
    if !c.is_empty() && !cur.words.manual.allowed_status.iter().any(|w| w == c) {
        problems.push(format!(
            "{at_row} 单元格 {}：人工问题的核实结论“{c}”应为 {} 之一",
            cell("conclusion"),
            cur.words.manual.allowed_status.join("、")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_ids_are_split_on_chinese_and_latin_separators() {
        assert_eq!(
            citation_ids("state-assets-34、budget-law-57，accounting-law-9; x y\nz"),
            [
                "state-assets-34",
                "budget-law-57",
                "accounting-law-9",
                "x",
                "y",
                "z"
            ]
        );
        assert!(citation_ids(" 、 ").is_empty());
    }

    #[test]
    fn the_builtin_words_give_statuses_and_the_asset_states_that_are_findings() {
        use crate::model::findings::Status;
        let w = Words::builtin().unwrap();
        assert_eq!(w.status("确认"), Some(Status::Confirmed));
        assert_eq!(w.status("排除"), Some(Status::Excluded));
        assert_eq!(w.status("待定"), Some(Status::Undecided));
        assert_eq!(w.status("已确认"), None);
        assert_eq!(w.manual_status(""), Status::Confirmed);
        assert_eq!(w.manual_status("待定"), Status::Undecided);
        for s in ["闲置", "待报废", "未找到", "账实不符"] {
            assert!(w.asset_state(s).is_some(), "{s}");
        }
        assert!(w.asset_state("在用").is_none());
        // Every state the layout offers is either a finding or 在用.
        let layout = WorkbookLayout::builtin().unwrap();
        let d3 = layout.sheet("assets").unwrap();
        let state = d3.columns.iter().find(|c| c.id == "state").unwrap();
        for c in &state.choices {
            assert!(c == "在用" || w.asset_state(c).is_some(), "{c}");
        }
    }
}
