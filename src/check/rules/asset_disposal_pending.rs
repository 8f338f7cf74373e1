//! asset-disposal-pending — 不良资产未及时处置.
//!
//! An asset shown as 待报废 / 报废 / 毁损 / 待处置 that is still carried on the register has not
//! been disposed of (核销) as the 条例 requires. Look-alikes that do not fire: assets in use or
//! idle (asset-idle's concern); disposed assets already removed from the register.

use crate::check::{assets_view, Context, Doc, RuleOutcome};
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "asset-disposal-pending",
    title: "待报废、毁损资产未及时处置",
    analytical: false,
    category: "固定资产管理不规范",
    looks_at: "资产卡片（或资产盘点表）使用状况为待报废、报废、毁损、待处置而仍在卡片上的资产。",
    why: "不良资产长期挂账不处置，账面资产不实；行政事业性国有资产管理条例要求处置资产及时核销台账并进行会计处理。",
    example: "办公室简易照相机（资产编号 TY1997000001，原值 1,356.00元）经盘点为待报废资产，仍在账上。",
    look_alikes: "在用或闲置资产；已处置并从卡片中核销的资产。",
    inputs: &[("assets", true), ("inspection", false)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    statuses: Vec<String>,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    assets_view::status_rule(cx, &p.statuses, "仍在资产卡片和账面上，未及时履行处置程序")
}
