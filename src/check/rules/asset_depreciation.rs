//! asset-depreciation — 折旧计提异常.
//!
//! Recomputes each asset's accumulated depreciation straight-line, monthly, from the month of
//! acquisition (当月增加当月计提, 准则3号 应用指南), no residual value, capped at the original
//! value, to the evaluation date, and compares it with the register. A difference above the
//! tolerance, or any depreciation on a category that is never depreciated (文物, 图书档案,
//! 土地 …), is a 疑点.
//!
//! Look-alikes that do not fire: assets depreciated exactly by the rule (to within the
//! tolerance, default the larger of 1.00 元 and 1% of 原值, which absorbs month-rounding
//! conventions); fully depreciated assets (capped); assets with no 取得日期 or 折旧年限 (not
//! recomputable — counted in the scope limit).

use crate::check::assets_view;
use crate::check::config::fen;
use crate::check::finding::{not_checked, partly_checked};
use crate::check::text::{has_any, WordList};
use crate::check::{Context, Doc, RuleOutcome};
use crate::model::money::Fen;
use anyhow::Result;
use chrono::Datelike;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "asset-depreciation",
    title: "固定资产折旧计提异常",
    analytical: false,
    category: "固定资产管理不规范",
    looks_at: "按年限平均法、按月（当月增加当月计提）、不留残值重算每项资产截至评价基准日的累计折旧，与资产卡片比较；不计提折旧的类别计提了折旧的。",
    why: "政府会计准则第3号及应用指南规定了折旧方法、起算月份和年限；多提或少提折旧使资产净值和费用失真。",
    example: "一台 2020年7月购入、原值 6,000.00元、年限 6 年的计算机，至 2023年12月应提 3,500.00元，卡片记 5,000.00元。",
    look_alikes: "按规定计提的资产（差异在容差内：默认 1.00元与原值 1% 的较大者）；已提足折旧的资产；没有取得日期或折旧年限的资产（无法重算，计入范围限制）。",
    inputs: &[("assets", true)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    tolerance: String,
    tolerance_share: String,
    non_depreciable_words: WordList,
}

/// Months of depreciation from the acquisition month to `as_of`, inclusive.
fn months(acquired: chrono::NaiveDate, as_of: chrono::NaiveDate) -> i64 {
    ((as_of.year() - acquired.year()) as i64 * 12 + as_of.month() as i64 - acquired.month() as i64
        + 1)
    .max(0)
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    let tol = fen("tolerance", &p.tolerance)?;
    let share: Decimal = p.tolerance_share.parse().unwrap_or(Decimal::ZERO);
    let mut out = RuleOutcome::default();
    let assets = assets_view::rows(cx.assets)?;
    if assets.is_empty() {
        out.limits
            .push(not_checked("缺少固定资产明细表（资产卡片）"));
        return Ok(out);
    }
    let mut skipped = 0usize;
    for a in &assets {
        if a.original.0 <= 0 {
            continue;
        }
        // The category decides, not the name: an 档案柜 is furniture, not an archive.
        let never = has_any(&a.category, &p.non_depreciable_words);
        let (expected, basis) = if never {
            (Fen::ZERO, "该类别不计提折旧".to_string())
        } else {
            let (Some(acq), Some(life)) = (a.acquired, a.life.filter(|l| *l > 0)) else {
                skipped += 1;
                continue;
            };
            let m = months(acq, cx.as_of).min(life as i64 * 12);
            let e = (Decimal::from(a.original.0) * Decimal::from(m)
                / Decimal::from(life as i64 * 12))
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            let e = Fen(i64::try_from(e).unwrap_or(a.original.0).min(a.original.0));
            (
                e,
                format!(
                    "自 {} 起按 {life} 年、{m} 个月直线法计算",
                    acq.format("%Y年%m月")
                ),
            )
        };
        let diff = a.accumulated - expected;
        let allowed = Fen(tol.0.max(
            i64::try_from(
                (Decimal::from(a.original.0) * share)
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
            )
            .unwrap_or(0),
        ));
        if diff.abs() <= allowed && !(never && a.accumulated.0 > 0) {
            continue;
        }
        let mut d = a.draft(cx.as_of);
        d.amount = Some(diff.abs());
        d.explanation = format!(
            "资产 {}“{}”原值 {} 元，卡片累计折旧 {} 元，{}重算为 {} 元，卡片较重算数{} {} 元。",
            a.code,
            a.name,
            a.original.grouped(),
            a.accumulated.grouped(),
            basis,
            expected.grouped(),
            if diff.0 > 0 { "多提" } else { "少提" },
            diff.abs().grouped()
        );
        out.drafts.push(d);
    }
    if skipped > 0 {
        out.limits.push(partly_checked(format!(
            "{skipped} 项资产缺少取得日期或折旧年限，未重算折旧"
        )));
    }
    Ok(out)
}
