//! Fixed-asset register (固定资产明细表/资产卡片) loading; its 合计 row reconciled.

use crate::load::ledger::cell;
use crate::load::ledger::header;
use crate::load::ledger::model::{date_column, Source};
use crate::load::ledger::profile::{Profile, Profiles};
use crate::load::report::{FileReport, TotalCheck, TotalFigure};
use crate::load::sheets::{self, At, Finder, Found, Located, Row, RowOutcome, SheetKind};
use crate::model::money::Fen;
use anyhow::Result;
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

/// The register's sheets as [`sheets::read`] reads them.
struct Registers<'a> {
    find: Finder<'a>,
    file: String,
    net_mismatch: usize,
    out: Vec<Asset>,
}

/// One sheet's register: where its columns are, and the sums its 合计 rows are checked against.
struct Register<'s> {
    loc: Located<'s>,
    seg: [Fen; 3],
    all: [Fen; 3],
}

impl Register<'_> {
    fn label(&self, f: &str) -> String {
        self.loc.hdr.label(self.loc.sheet, f)
    }
}

impl<'s, 'a: 's> SheetKind<'s> for Registers<'a> {
    type Report = FileReport;
    type Table = Register<'s>;

    fn locate(&mut self, at: At<'s, '_, FileReport>) -> Found<Register<'s>> {
        let (first, loc) = self.find.locate(at, "资产表头")?;
        let (seg, all) = ([Fen::ZERO; 3], [Fen::ZERO; 3]);
        Some((first, Register { loc, seg, all }))
    }

    fn row(&mut self, t: &mut Register<'s>, r: Row<'s>, report: &mut FileReport) -> RowOutcome {
        let row = r.cells;
        let amounts = (|| -> Result<[Fen; 3], (String, String)> {
            let mut v = [Fen::ZERO; 3];
            for (k, f) in ["original", "accumulated", "net"].iter().enumerate() {
                if let Some(c) = t.loc.hdr.cell(row, f) {
                    let a = cell::amount(c).map_err(|r| (t.label(f), r))?;
                    v[k] = a.fen;
                }
            }
            Ok(v)
        })();
        let code_text = t.loc.hdr.text(row, "asset_code");
        let keyword = [
            t.loc.hdr.text(row, "asset_code"),
            t.loc.hdr.text(row, "asset_name"),
            row.iter()
                .find(|c| !cell::is_blank(c))
                .map(|c| cell::text(c).to_string()),
        ]
        .into_iter()
        .flatten()
        .find_map(|x| {
            t.loc
                .keywords
                .get(&header::norm(&x))
                .map(|s| (s.clone(), x))
        });
        if let Some((scope, lbl)) = keyword {
            return match amounts {
                Ok(v) => {
                    // A 小计 or a printed page's total (本页合计) covers the rows since the
                    // last total; 合计/总计 and a page's carried line (过次页) all rows so far.
                    let since_last = scope == "segment" || scope == "page";
                    let loaded = if since_last { t.seg } else { t.all };
                    let figures: Vec<TotalFigure> = ["original", "accumulated", "net"]
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| t.loc.hdr.has(f))
                        .map(|(k, f)| TotalFigure {
                            field: f.to_string(),
                            stated: v[k],
                            loaded: loaded[k],
                        })
                        .collect();
                    let matches = figures.iter().all(|f| f.stated == f.loaded);
                    report.totals_checked.push(TotalCheck {
                        sheet: t.loc.sheet.name.clone(),
                        row: r.number,
                        label: lbl,
                        scope: match scope.as_str() {
                            "segment" => "小计段",
                            "page" => "本页",
                            "carried" => "承前过次",
                            _ => "全表",
                        }
                        .into(),
                        figures,
                        matches,
                    });
                    t.seg = [Fen::ZERO; 3];
                    RowOutcome::Total
                }
                Err((c, r)) => RowOutcome::rejected(c, format!("合计行金额无法读取：{r}")),
            };
        }
        // A title or footer line among the rows (a page's repeated title, 制表人：张三, 共 4 条):
        // no amount, every cell a title fact, heading, page marker or record count — skipped,
        // never an asset whose 编号 is `共 4 条`.
        let no_amount = amounts
            .as_ref()
            .is_ok_and(|v| v.iter().all(|x| x.is_zero()));
        if no_amount && header::is_title_line(row, &t.loc.profile.title) {
            return RowOutcome::Header;
        }
        let Some(code) = code_text else {
            return RowOutcome::rejected(t.label("asset_code"), "资产编号为空，且不是合计行");
        };
        let v = match amounts {
            Ok(v) => v,
            Err((c, r)) => return RowOutcome::rejected(c, r),
        };
        let acquired = match t.loc.hdr.cell(row, "acquired").map(cell::date).transpose() {
            Ok(d) => d.flatten(),
            Err(r) => return RowOutcome::rejected(t.label("acquired"), r),
        };
        let life = match t.loc.hdr.cell(row, "life").map(cell::int).transpose() {
            Ok(l) => l.flatten().map(|l| l as i32),
            Err(r) => return RowOutcome::rejected(t.label("life"), r),
        };
        let (mut cc, mut cn) = (
            t.loc.hdr.text(row, "category_code"),
            t.loc.hdr.text(row, "category_name"),
        );
        if cc.is_none() && cn.is_none() {
            if let Some(raw) = t.loc.hdr.text(row, "category") {
                let (c, n) = cell::split_code_name(&raw);
                cc = Some(c).filter(|s| !s.is_empty());
                cn = Some(n).filter(|s| !s.is_empty());
            }
        }
        let status = t
            .loc
            .hdr
            .text(row, "status")
            .map(|s| status_text(&s, t.loc.profile));
        if t.loc.hdr.has("net") && t.loc.hdr.has("accumulated") && v[2] != v[0] - v[1] {
            self.net_mismatch += 1;
        }
        for (k, x) in v.iter().enumerate() {
            t.seg[k] += *x;
            t.all[k] += *x;
        }
        self.out.push(Asset {
            entity: t
                .loc
                .entity
                .clone()
                .or_else(|| t.loc.hdr.text(row, "entity"))
                .unwrap_or_else(|| self.find.stem.clone()),
            asset_code: code,
            asset_name: t.loc.hdr.text(row, "asset_name").unwrap_or_default(),
            category_code: cc,
            category_name: cn,
            acquired,
            original: v[0],
            accumulated: v[1],
            net: v[2],
            department: t.loc.hdr.text(row, "department"),
            user: t.loc.hdr.text(row, "user"),
            status,
            location: t.loc.hdr.text(row, "location"),
            life,
            source: Source {
                file: self.file.clone().into(),
                sheet: t.loc.sheet.name.clone().into(),
                row: r.number,
            },
        });
        RowOutcome::Loaded
    }
}

pub fn load_file(
    path: &Path,
    report: &mut FileReport,
    profiles: &Profiles,
    entity: Option<&str>,
) -> Result<Vec<Asset>> {
    let (sheets, stem) = sheets::open(path, report)?;
    let mut kind = Registers {
        find: Finder::new(profiles.of_kind("assets"), entity, stem),
        file: report.path.clone(),
        net_mismatch: 0,
        out: Vec::new(),
    };
    if !sheets::read(&sheets, &mut kind, report) {
        return Err(kind.find.no_header(path, "资产", "assets"));
    }
    if let Some(e) = sheets::nothing_loaded(path, report, "资产表", &kind.find.candidates) {
        return Err(e);
    }
    let (out, net_mismatch) = (kind.out, kind.net_mismatch);
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
