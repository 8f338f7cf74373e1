//! `review.toml`: the auditor's judgements as a plain file in the engagement directory, the
//! source of truth (the workbook is only where they are typed). One entry per finding id,
//! sampled voucher (plan + item), sampled asset (plan + asset number) and manual finding, each
//! holding the auditor's columns by their layout id (`conclusion`, `note`, `verifier` …) and its
//! history: who changed what, when, from what.
//!
//! It is written only through [`ReviewFile::save`]: a temporary file beside it, then a rename,
//! so an error or an interruption never leaves it half written.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file's name in the engagement directory.
pub const FILE: &str = "review.toml";

const HEADER: &str = "# 核实结论（reeval review 写入；也可直接编辑）：疑点、抽凭、资产抽查与人工问题的核实结果。\n\
# 每次 reeval run 都按本文件给疑点标注状态（待核实/确认/排除/待定）、评价样本、生成资产问题与人工问题。\n\
# 字段名为底稿版式（data/workbook/layout.toml）中审计人员填写列的 id；history 记录每次修改。\n";

/// One change of an entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// When `review` took it in (UTC, to the second).
    pub at: String,
    /// Who: the 核实人 (or 复核人) of the row, else 未署名.
    pub by: String,
    /// What changed: `核实结论：待核实 → 确认；核实说明：（空） → …`.
    pub change: String,
}

/// One judged item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Entry {
    /// The finding id, the sampled item's id, the asset number, the manual finding's number.
    #[serde(default)]
    pub id: String,
    /// The sampling plan (sampled vouchers and assets).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub plan: String,
    /// A finding's rule, entity and voucher or asset: where its judgement goes when a rule
    /// change alters the finding's id. (Chinese keys: they never meet an auditor column's id.)
    #[serde(default, rename = "规则", skip_serializing_if = "String::is_empty")]
    pub rule: String,
    #[serde(default, rename = "核算单位", skip_serializing_if = "String::is_empty")]
    pub entity: String,
    #[serde(
        default,
        rename = "凭证或资产",
        skip_serializing_if = "String::is_empty"
    )]
    pub place: String,
    /// The auditor's columns by layout id; empty values are left out.
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Change>,
}

impl Entry {
    pub fn get(&self, field: &str) -> &str {
        self.fields.get(field).map(String::as_str).unwrap_or("")
    }

    /// Signed off: a 复核人 and a 复核日期 are recorded.
    pub fn signed_off(&self) -> bool {
        !self.get("reviewer").is_empty() && !self.get("reviewed_on").is_empty()
    }
}

/// The judgements of an engagement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReviewFile {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finding: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asset: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<Entry>,
}

impl Default for ReviewFile {
    fn default() -> Self {
        ReviewFile {
            version: 1,
            finding: Vec::new(),
            sample: Vec::new(),
            asset: Vec::new(),
            manual: Vec::new(),
        }
    }
}

/// The kinds of judged rows: the workbook sheet (layout id) each is typed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Finding,
    Sample,
    Asset,
    Manual,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Finding, Kind::Sample, Kind::Asset, Kind::Manual];

    /// The layout's sheet id.
    pub fn sheet_id(self) -> &'static str {
        match self {
            Kind::Finding => "findings",
            Kind::Sample => "vouchers",
            Kind::Asset => "assets",
            Kind::Manual => "manual",
        }
    }

    /// The table's name in review.toml.
    pub fn table(self) -> &'static str {
        match self {
            Kind::Finding => "finding",
            Kind::Sample => "sample",
            Kind::Asset => "asset",
            Kind::Manual => "manual",
        }
    }

    /// Whether entries are told apart by plan as well as id.
    pub fn by_plan(self) -> bool {
        matches!(self, Kind::Sample | Kind::Asset)
    }
}

impl ReviewFile {
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    /// The engagement's judgements, `None` when it has no review.toml.
    pub fn load_in(dir: &Path) -> Result<Option<ReviewFile>> {
        let path = Self::path_in(dir);
        if !path.exists() {
            return Ok(None);
        }
        Self::load(&path).map(Some)
    }

    pub fn load(path: &Path) -> Result<ReviewFile> {
        let text = crate::model::provenance::read_input_text(path)
            .with_context(|| format!("无法读取核实结论文件 {}", path.display()))?;
        let f: ReviewFile = toml::from_str(&text)
            .with_context(|| format!("核实结论文件 {} 格式有误", path.display()))?;
        if f.version != 1 {
            bail!(
                "核实结论文件 {} 的 version = {}，本版本只读 version = 1",
                path.display(),
                f.version
            );
        }
        for kind in Kind::ALL {
            let mut seen = std::collections::BTreeSet::new();
            for e in f.entries(kind) {
                if e.id.trim().is_empty() {
                    bail!(
                        "核实结论文件 {} 的 [[{}]] 中有一项缺少 id",
                        path.display(),
                        kind.table()
                    );
                }
                if !seen.insert((e.plan.clone(), e.id.clone())) {
                    bail!(
                        "核实结论文件 {} 的 [[{}]] 中 id “{}” 出现了不止一次",
                        path.display(),
                        kind.table(),
                        e.id
                    );
                }
            }
        }
        Ok(f)
    }

    /// Write through a temporary file and a rename: the old file stays whole until the new
    /// one is complete.
    pub fn save(&self, path: &Path) -> Result<()> {
        let body = toml::to_string_pretty(self).context("核实结论无法写成 TOML")?;
        let text = format!("{HEADER}\n{body}");
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = dir.join(format!(".{FILE}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, text).with_context(|| format!("无法写入 {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| {
            let _ = std::fs::remove_file(&tmp);
            format!("无法写入 {}", path.display())
        })?;
        Ok(())
    }

    pub fn entries(&self, kind: Kind) -> &Vec<Entry> {
        match kind {
            Kind::Finding => &self.finding,
            Kind::Sample => &self.sample,
            Kind::Asset => &self.asset,
            Kind::Manual => &self.manual,
        }
    }

    pub fn entries_mut(&mut self, kind: Kind) -> &mut Vec<Entry> {
        match kind {
            Kind::Finding => &mut self.finding,
            Kind::Sample => &mut self.sample,
            Kind::Asset => &mut self.asset,
            Kind::Manual => &mut self.manual,
        }
    }

    /// The entry of `kind` for (`plan`, `id`); plan is ignored for findings and manual ones.
    pub fn find(&self, kind: Kind, plan: &str, id: &str) -> Option<&Entry> {
        self.entries(kind)
            .iter()
            .find(|e| e.id == id && (!kind.by_plan() || e.plan == plan))
    }

    /// A finding's entry by id, else by (rule, entity, voucher or asset) when exactly one
    /// entry that matches no current id has them.
    pub fn finding_for<'a>(
        &'a self,
        id: &str,
        rule: &str,
        entity: &str,
        place: &str,
        current_ids: &std::collections::BTreeSet<&str>,
    ) -> Option<(&'a Entry, bool)> {
        if let Some(e) = self.finding.iter().find(|e| e.id == id) {
            return Some((e, false));
        }
        if place.is_empty() {
            return None;
        }
        let mut hits = self.finding.iter().filter(|e| {
            !current_ids.contains(e.id.as_str())
                && e.rule == rule
                && e.entity == entity
                && e.place == place
        });
        match (hits.next(), hits.next()) {
            (Some(e), None) => Some((e, true)),
            _ => None,
        }
    }

    /// The audited amounts (审定金额) of a plan's sampled items.
    pub fn audited(&self, plan: &str) -> Result<BTreeMap<String, crate::model::money::Fen>> {
        let mut out = BTreeMap::new();
        for e in self.sample.iter().filter(|e| e.plan == plan) {
            let raw = e.get("audited");
            if raw.is_empty() {
                continue;
            }
            let a = crate::model::money::parse_amount(raw).map_err(|m| {
                anyhow::anyhow!(
                    "核实结论文件中抽样计划“{plan}”样本 {} 的审定金额“{raw}”无法读取：{m}",
                    e.id
                )
            })?;
            out.insert(e.id.clone(), a.fen);
        }
        Ok(out)
    }
}

/// A review.toml edited by hand, checked as the workbook's entries are: every field an auditor
/// column of its sheet (a misspelt key would otherwise be dropped in silence), each listed
/// word among its column's choices, dates `YYYY-MM-DD`, numbers as numbers, and a 核实结论
/// that needs a 核实说明 given one. All problems at once, each naming the table, the entry and
/// the key.
pub fn check_by_hand(
    f: &ReviewFile,
    path: &Path,
    layout: &crate::workbook::layout::WorkbookLayout,
    words: &super::words::Words,
) -> Result<()> {
    let mut problems = Vec::new();
    for kind in Kind::ALL {
        let Some(sheet) = layout.sheet(kind.sheet_id()) else {
            continue;
        };
        for e in f.entries(kind) {
            let at = format!("[[{}]] id = “{}”", kind.table(), e.id);
            for (key, value) in &e.fields {
                let Some(col) = sheet.columns.iter().find(|c| &c.id == key) else {
                    let known: Vec<&str> = sheet
                        .columns
                        .iter()
                        .filter(|c| c.auditor)
                        .map(|c| c.id.as_str())
                        .collect();
                    problems.push(format!(
                        "{at} 的键 {key} 不是“{}”的填写列（可用：{}）",
                        sheet.sheet_name(),
                        known.join("、")
                    ));
                    continue;
                };
                if value.is_empty() {
                    continue;
                }
                if !col.choices.is_empty() && !col.choices.contains(value) {
                    problems.push(format!(
                        "{at} 的 {key}（{}）“{value}”不在可选值（{}）之中",
                        col.header,
                        col.choices.join("、")
                    ));
                }
                match col.kind.as_deref() {
                    Some("date")
                        if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err() =>
                    {
                        problems.push(format!(
                            "{at} 的 {key}（{}）“{value}”不是日期（应为 2024-03-01 这样的写法）",
                            col.header
                        ))
                    }
                    Some("number") if value.parse::<rust_decimal::Decimal>().is_err() => {
                        problems.push(format!("{at} 的 {key}（{}）“{value}”不是数字", col.header))
                    }
                    _ => {}
                }
            }
            if kind == Kind::Finding {
                let conclusion = e.get("conclusion");
                if words.conclusions.needs_note.iter().any(|w| w == conclusion)
                    && e.get("note").trim().is_empty()
                {
                    problems.push(format!(
                        "{at} 的核实结论为“{conclusion}”，但没有核实说明（note）"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "核实结论文件 {} 有 {} 处错误，未使用：\n  {}",
        path.display(),
        problems.len(),
        problems.join("\n  ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_toml_round_trips_every_column_id_even_those_named_like_the_keys() {
        let mut f = ReviewFile::default();
        let mut fields = BTreeMap::new();
        // D3's 存放地点 is `place`, E4's 核算单位 `entity`: never taken for the finding keys.
        for (k, v) in [
            ("place", "三楼库房"),
            ("entity", "局机关"),
            ("rule", "x"),
            ("state", "闲置"),
        ] {
            fields.insert(k.to_string(), v.to_string());
        }
        f.asset.push(Entry {
            id: "TY1".into(),
            plan: "固定资产".into(),
            fields,
            ..Default::default()
        });
        f.finding.push(Entry {
            id: "r/局机关/V".into(),
            rule: "r".into(),
            entity: "局机关".into(),
            place: "V".into(),
            history: vec![Change {
                at: "2024-03-01T00:00:00Z".into(),
                by: "甲".into(),
                change: "核实结论：（空） → 确认".into(),
            }],
            ..Default::default()
        });
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join(FILE);
        f.save(&p).unwrap();
        let back = ReviewFile::load(&p).unwrap();
        assert_eq!(back, f);
        assert_eq!(back.asset[0].get("place"), "三楼库房");
        assert!(!t.path().read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp-")));
    }

    #[test]
    fn a_duplicate_id_or_a_missing_one_is_refused_naming_the_table() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join(FILE);
        std::fs::write(
            &p,
            "version = 1\n[[finding]]\nid = \"a\"\n[[finding]]\nid = \"a\"\n",
        )
        .unwrap();
        let e = format!("{:#}", ReviewFile::load(&p).unwrap_err());
        assert!(e.contains("[[finding]]") && e.contains("“a”"), "{e}");
        std::fs::write(&p, "version = 1\n[[manual]]\ncategory = \"x\"\n").unwrap();
        assert!(format!("{:#}", ReviewFile::load(&p).unwrap_err()).contains("缺少 id"));
        // Two sampled items of one id in two plans are two entries.
        std::fs::write(
            &p,
            "version = 1\n[[sample]]\nid = \"a\"\nplan = \"p\"\n[[sample]]\nid = \"a\"\nplan = \"q\"\n",
        )
        .unwrap();
        assert_eq!(ReviewFile::load(&p).unwrap().sample.len(), 2);
    }

    #[test]
    fn a_finding_judgement_is_found_by_id_else_once_by_rule_entity_and_place() {
        let e = |id: &str, place: &str| Entry {
            id: id.into(),
            rule: "r".into(),
            entity: "局机关".into(),
            place: place.into(),
            ..Default::default()
        };
        let f = ReviewFile {
            finding: vec![e("old/1", "V1"), e("old/2", "V2"), e("old/3", "V2")],
            ..Default::default()
        };
        let none = std::collections::BTreeSet::new();
        assert_eq!(
            f.finding_for("old/1", "r", "局机关", "V9", &none)
                .unwrap()
                .0
                .id,
            "old/1"
        );
        let (hit, fallback) = f.finding_for("new/1", "r", "局机关", "V1", &none).unwrap();
        assert!(fallback && hit.id == "old/1");
        // Ambiguous (two entries on V2) or another entity: not placed.
        assert!(f.finding_for("new/2", "r", "局机关", "V2", &none).is_none());
        assert!(f
            .finding_for("new/1", "r", "社保中心", "V1", &none)
            .is_none());
        // An entry a current finding takes by id is not borrowed by another.
        let current: std::collections::BTreeSet<&str> = ["old/1"].into();
        assert!(f
            .finding_for("new/1", "r", "局机关", "V1", &current)
            .is_none());
    }
}
