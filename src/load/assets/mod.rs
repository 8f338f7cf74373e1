//! Fixed-asset register (固定资产明细表/资产卡片) loading; its 合计 row reconciled.

use crate::load::formats::workbook;
use crate::load::ledger::cell;
use crate::load::ledger::header;
use crate::load::ledger::model::{date_column, Source};
use crate::load::ledger::profile::{Profile, Profiles};
use crate::load::ledger::read::locate;
use crate::load::report::{FileReport, SheetReport, TotalCheck, TotalFigure};
use crate::model::money::Fen;
use anyhow::{bail, Result};
use calamine::Data;
use chrono::NaiveDate;
use polars::prelude::*;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Asset {
    pub entity: String,
    pub asset_code: String,
    pub asset_name: String,
    pub category_code: Option<String>,
    pub category_name: Option<String>,
    pub acquired: Option<NaiveDate>,
    pub original: Fen,
    pub accumulated: Fen,
    pub net: Fen,
    pub department: Option<String>,
    pub user: Option<String>,
    /// 在用 / 出租出借 / 闲置 / 待处置 / 待报废 …, codes translated by the profile.
    pub status: Option<String>,
    pub location: Option<String>,
    pub life: Option<i32>,
    pub source: Source,
}

pub fn load_file(
    path: &Path,
    report: &mut FileReport,
    profiles: &Profiles,
    entity: Option<&str>,
) -> Result<Vec<Asset>> {
    let (sheets, encoding) = workbook::read_any(path)?;
    report.encoding = encoding.map(str::to_string);
    let candidates = profiles.of_kind("assets");
    let file = report.path.clone();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut any = false;
    let mut found_best = Vec::new();
    let mut net_mismatch = 0usize;
    for sheet in &sheets {
        let rows: Vec<&[Data]> = sheet.range.rows().collect();
        let mut sr = SheetReport {
            sheet: sheet.name.clone(),
            rows_read: rows.len(),
            ..Default::default()
        };
        let Some(loc) = locate(
            &rows,
            &candidates,
            "资产表头",
            sheet,
            &mut sr,
            report,
            &mut found_best,
            entity,
            &stem,
        ) else {
            report.sheets.push(sr);
            continue;
        };
        any = true;
        let (profile, hdr, sheet_entity) = (loc.profile, loc.hdr, loc.entity);
        let keywords = profile.total_keywords();
        let col = |f: &str| hdr.col(f);
        let label = |f: &str| match hdr.col(f) {
            Some(c) => format!("{}（{}）", sheet.column_letter(c), hdr.names[c]),
            None => f.to_string(),
        };
        let text = |row: &[Data], f: &str| {
            col(f)
                .and_then(|c| row.get(c))
                .map(|c| cell::text(c).to_string())
                .filter(|t| !t.is_empty())
        };
        let mut seg = [Fen::ZERO; 3];
        let mut all = [Fen::ZERO; 3];
        for (i, row) in rows.iter().enumerate().skip(hdr.row + hdr.height) {
            let rownum = sheet.row_number(i);
            if let Some(reason) = sheet.bad_rows.get(&i) {
                sr.rows_rejected += 1;
                report.reject(&sheet.name, rownum, "整行", reason.clone());
                continue;
            }
            if row.iter().all(cell::is_blank) {
                sr.rows_skipped_blank += 1;
                continue;
            }
            let amounts = (|| -> Result<[Fen; 3], (String, String)> {
                let mut v = [Fen::ZERO; 3];
                for (k, f) in ["original", "accumulated", "net"].iter().enumerate() {
                    if let Some(c) = col(f).and_then(|c| row.get(c)) {
                        let a = cell::amount(c).map_err(|r| (label(f), r))?;
                        v[k] = a.fen;
                    }
                }
                Ok(v)
            })();
            let code_text = text(row, "asset_code");
            let keyword = [
                text(row, "asset_code"),
                text(row, "asset_name"),
                row.iter()
                    .find(|c| !cell::is_blank(c))
                    .map(|c| cell::text(c).to_string()),
            ]
            .into_iter()
            .flatten()
            .find_map(|t| keywords.get(&header::norm(&t)).map(|s| (s.clone(), t)));
            if let Some((scope, lbl)) = keyword {
                match amounts {
                    Ok(v) => {
                        sr.rows_skipped_total += 1;
                        let loaded = if scope == "segment" { seg } else { all };
                        let figures: Vec<TotalFigure> = ["original", "accumulated", "net"]
                            .iter()
                            .enumerate()
                            .filter(|(_, f)| hdr.has(f))
                            .map(|(k, f)| TotalFigure {
                                field: f.to_string(),
                                stated: v[k],
                                loaded: loaded[k],
                            })
                            .collect();
                        let matches = figures.iter().all(|f| f.stated == f.loaded);
                        report.totals_checked.push(TotalCheck {
                            sheet: sheet.name.clone(),
                            row: rownum,
                            label: lbl,
                            scope: if scope == "segment" {
                                "小计段"
                            } else {
                                "全表"
                            }
                            .into(),
                            figures,
                            matches,
                        });
                        seg = [Fen::ZERO; 3];
                    }
                    Err((c, r)) => {
                        sr.rows_rejected += 1;
                        report.reject(&sheet.name, rownum, &c, format!("合计行金额无法读取：{r}"));
                    }
                }
                continue;
            }
            let Some(code) = code_text else {
                sr.rows_rejected += 1;
                report.reject(
                    &sheet.name,
                    rownum,
                    &label("asset_code"),
                    "资产编号为空，且不是合计行",
                );
                continue;
            };
            let v = match amounts {
                Ok(v) => v,
                Err((c, r)) => {
                    sr.rows_rejected += 1;
                    report.reject(&sheet.name, rownum, &c, r);
                    continue;
                }
            };
            let acquired = match col("acquired")
                .and_then(|c| row.get(c))
                .map(cell::date)
                .transpose()
            {
                Ok(d) => d.flatten(),
                Err(r) => {
                    sr.rows_rejected += 1;
                    report.reject(&sheet.name, rownum, &label("acquired"), r);
                    continue;
                }
            };
            let life = match col("life")
                .and_then(|c| row.get(c))
                .map(cell::int)
                .transpose()
            {
                Ok(l) => l.flatten().map(|l| l as i32),
                Err(r) => {
                    sr.rows_rejected += 1;
                    report.reject(&sheet.name, rownum, &label("life"), r);
                    continue;
                }
            };
            let (mut cc, mut cn) = (text(row, "category_code"), text(row, "category_name"));
            if cc.is_none() && cn.is_none() {
                if let Some(raw) = text(row, "category") {
                    let (c, n) = cell::split_code_name(&raw);
                    cc = Some(c).filter(|s| !s.is_empty());
                    cn = Some(n).filter(|s| !s.is_empty());
                }
            }
            let status = text(row, "status").map(|s| status_text(&s, profile));
            if hdr.has("net") && hdr.has("accumulated") && v[2] != v[0] - v[1] {
                net_mismatch += 1;
            }
            for k in 0..3 {
                seg[k] += v[k];
                all[k] += v[k];
            }
            sr.rows_loaded += 1;
            out.push(Asset {
                entity: sheet_entity
                    .clone()
                    .or_else(|| text(row, "entity"))
                    .unwrap_or_else(|| stem.clone()),
                asset_code: code,
                asset_name: text(row, "asset_name").unwrap_or_default(),
                category_code: cc,
                category_name: cn,
                acquired,
                original: v[0],
                accumulated: v[1],
                net: v[2],
                department: text(row, "department"),
                user: text(row, "user"),
                status,
                location: text(row, "location"),
                life,
                source: Source {
                    file: file.clone(),
                    sheet: sheet.name.clone(),
                    row: rownum,
                },
            });
        }
        report.rows_read += sr.rows_read;
        report.rows_loaded += sr.rows_loaded;
        sr.rows_skipped_header += hdr.row + hdr.height;
        report.rows_skipped +=
            sr.rows_skipped_blank + sr.rows_skipped_total + sr.rows_skipped_header;
        report.sheets.push(sr);
    }
    if !any {
        bail!(
            "文件 {} 中没有可识别的资产表头：需要 {}；找到的列名为 {}",
            path.display(),
            header::expectation("assets"),
            if found_best.is_empty() {
                "（无内容）".to_string()
            } else {
                found_best.join("、")
            }
        );
    }
    if net_mismatch > 0 {
        report
            .warnings
            .push(format!("{net_mismatch} 项资产的净值不等于原值减累计折旧"));
    }
    report.totals.original = Some(out.iter().map(|a| a.original).sum());
    report.totals.accumulated = Some(out.iter().map(|a| a.accumulated).sum());
    report.totals.net = Some(out.iter().map(|a| a.net).sum());
    Ok(out)
}

fn status_text(raw: &str, profile: &Profile) -> String {
    profile
        .status_codes
        .get(raw.trim())
        .cloned()
        .unwrap_or_else(|| raw.trim().to_string())
}

pub fn assets_frame(assets: &[Asset]) -> Result<DataFrame> {
    let o = |name: &str, f: fn(&Asset) -> Option<&str>| {
        Series::new(
            name.into(),
            assets.iter().map(f).collect::<Vec<Option<&str>>>(),
        )
        .into_column()
    };
    let t = |name: &str, f: fn(&Asset) -> &str| {
        Series::new(name.into(), assets.iter().map(f).collect::<Vec<&str>>()).into_column()
    };
    let m = |name: &str, f: fn(&Asset) -> Fen| {
        Series::new(
            name.into(),
            assets.iter().map(|a| f(a).0).collect::<Vec<i64>>(),
        )
        .into_column()
    };
    let columns = vec![
        t("entity", |a| &a.entity),
        t("asset_code", |a| &a.asset_code),
        t("asset_name", |a| &a.asset_name),
        o("category_code", |a| a.category_code.as_deref()),
        o("category_name", |a| a.category_name.as_deref()),
        date_column("acquired", assets.iter().map(|a| a.acquired).collect()),
        m("original_fen", |a| a.original),
        m("accumulated_fen", |a| a.accumulated),
        m("net_fen", |a| a.net),
        o("department", |a| a.department.as_deref()),
        o("user", |a| a.user.as_deref()),
        o("status", |a| a.status.as_deref()),
        o("location", |a| a.location.as_deref()),
        Series::new(
            "life".into(),
            assets.iter().map(|a| a.life).collect::<Vec<Option<i32>>>(),
        )
        .into_column(),
        t("source_file", |a| &a.source.file),
        t("source_sheet", |a| &a.source.sheet),
        Series::new(
            "source_row".into(),
            assets.iter().map(|a| a.source.row).collect::<Vec<u32>>(),
        )
        .into_column(),
    ];
    Ok(DataFrame::new(assets.len(), columns)?)
}
