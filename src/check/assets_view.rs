//! The asset register as the asset rules read it, and the shared shape of their findings.

use super::finding::Draft;
use crate::load::ledger::model::{date_from_days, source_label};
use crate::load::supporting::Supporting;
use crate::model::findings::Evidence;
use crate::model::money::Fen;
use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::BTreeMap;

pub struct AssetRow {
    pub entity: String,
    pub code: String,
    pub name: String,
    pub category: String,
    pub acquired: Option<NaiveDate>,
    pub original: Fen,
    pub accumulated: Fen,
    pub net: Fen,
    pub status: String,
    pub department: String,
    pub life: Option<i32>,
    pub source: String,
}

pub fn rows(df: &DataFrame) -> Result<Vec<AssetRow>> {
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    let s = |n: &str| -> Result<StringChunked> { Ok(df.column(n)?.str()?.clone()) };
    let (entity, code, name, cat_code, cat_name, status, dept, file, sheet) = (
        s("entity")?,
        s("asset_code")?,
        s("asset_name")?,
        s("category_code")?,
        s("category_name")?,
        s("status")?,
        s("department")?,
        s("source_file")?,
        s("source_sheet")?,
    );
    let i = |n: &str| -> Result<Int64Chunked> { Ok(df.column(n)?.i64()?.clone()) };
    let (orig, acc, net) = (i("original_fen")?, i("accumulated_fen")?, i("net_fen")?);
    let acquired = df.column("acquired")?.cast(&DataType::Int32)?;
    let acquired = acquired.i32()?;
    let life = df.column("life")?.i32()?.clone();
    let row = df.column("source_row")?.u32()?.clone();
    let mut out = Vec::with_capacity(df.height());
    for k in 0..df.height() {
        out.push(AssetRow {
            entity: entity.get(k).unwrap_or("").to_string(),
            code: code.get(k).unwrap_or("").to_string(),
            name: name.get(k).unwrap_or("").to_string(),
            category: format!(
                "{} {}",
                cat_code.get(k).unwrap_or(""),
                cat_name.get(k).unwrap_or("")
            )
            .trim()
            .to_string(),
            acquired: acquired.get(k).and_then(date_from_days),
            original: Fen(orig.get(k).unwrap_or(0)),
            accumulated: Fen(acc.get(k).unwrap_or(0)),
            net: Fen(net.get(k).unwrap_or(0)),
            status: status.get(k).unwrap_or("").to_string(),
            department: dept.get(k).unwrap_or("").to_string(),
            life: life.get(k),
            source: source_label(
                file.get(k).unwrap_or(""),
                sheet.get(k).unwrap_or(""),
                row.get(k).unwrap_or(0),
            ),
        });
    }
    Ok(out)
}

impl AssetRow {
    pub fn evidence(&self) -> Evidence {
        Evidence {
            date: self.acquired.map(|d| d.to_string()),
            summary: format!(
                "资产卡片：{} {}（{}），原值 {}，累计折旧 {}，净值 {}，使用状况 {}{}",
                self.code,
                self.name,
                self.category,
                self.original.grouped(),
                self.accumulated.grouped(),
                self.net.grouped(),
                if self.status.is_empty() {
                    "（空）"
                } else {
                    &self.status
                },
                self.life
                    .map(|l| format!("，折旧年限 {l} 年"))
                    .unwrap_or_default()
            ),
            source: self.source.clone(),
            ..Default::default()
        }
    }

    pub fn draft(&self, as_of: NaiveDate) -> Draft {
        Draft {
            entity: Some(self.entity.clone()),
            asset: Some(self.code.clone()),
            date: Some(as_of),
            amount: Some(self.original),
            summary: format!("{} {}", self.code, self.name),
            register_rows: vec![self.evidence()],
            ..Default::default()
        }
    }
}

/// Observed status per asset code from the 资产盘点表, when given.
pub fn observed(sup: &Supporting) -> Option<BTreeMap<String, (String, String)>> {
    let t = sup.get("inspection")?;
    Some(
        t.records
            .iter()
            .filter_map(|r| {
                Some((
                    r.text("asset_code")?.to_string(),
                    (r.text("observed")?.to_string(), r.source.clone()),
                ))
            })
            .collect(),
    )
}

/// The status rules shared by asset-idle and asset-disposal-pending: register status, or the
/// inspection's where it was observed.
pub fn status_rule(
    cx: &super::Context,
    statuses: &[String],
    what: &str,
) -> Result<super::RuleOutcome> {
    use super::finding::{not_checked, partly_checked};
    let mut out = super::RuleOutcome::default();
    let assets = rows(cx.assets)?;
    if assets.is_empty() {
        out.limits
            .push(not_checked("缺少固定资产明细表（资产卡片）"));
        return Ok(out);
    }
    let seen = observed(cx.supporting);
    if seen.is_none() {
        out.limits.push(partly_checked(
            "缺少资产盘点结果：仅据资产卡片登记的使用状况判断，卡片登记为在用而实际闲置或待报废的资产未能发现",
        ));
    }
    for a in &assets {
        let obs = seen.as_ref().and_then(|m| m.get(&a.code));
        let (status, from) = match obs {
            Some((s, src)) => (s.as_str(), format!("资产盘点表（{src}）")),
            None => (a.status.as_str(), "资产卡片".to_string()),
        };
        if !statuses.iter().any(|s| status.contains(s.as_str())) {
            continue;
        }
        let mut d = a.draft(cx.as_of);
        d.explanation = format!(
            "{from}显示资产 {}“{}”（原值 {} 元，净值 {} 元，使用部门 {}）使用状况为“{status}”，{what}。",
            a.code,
            a.name,
            a.original.grouped(),
            a.net.grouped(),
            if a.department.is_empty() { "未填" } else { &a.department }
        );
        if let Some((s, src)) = obs {
            d.register_rows.push(Evidence {
                summary: format!("资产盘点：{} 实物状况 {s}（卡片登记 {}）", a.code, a.status),
                source: src.clone(),
                ..Default::default()
            });
        }
        out.drafts.push(d);
    }
    Ok(out)
}
