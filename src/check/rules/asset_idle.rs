//! asset-idle — 资产闲置.
//!
//! An asset the register (or, when given, the 资产盘点表) shows as 闲置 is a 疑点 to verify on
//! site. Look-alikes that do not fire: assets 在用, 出租出借 (in use by another party, under
//! its own approval), and assets whose register says 闲置 but the inspection found in use
//! (the inspection wins).

use crate::check::{assets_view, Context, Doc, RuleOutcome};
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "asset-idle",
    title: "固定资产闲置",
    analytical: false,
    category: "固定资产管理不规范",
    looks_at: "资产卡片的使用状况（给出资产盘点表时以盘点结果为准）为闲置的资产。",
    why: "资产闲置降低了国有资产使用效益，应及时调剂或处置；行政事业性国有资产管理条例要求定期盘点、做到账实相符。",
    example: "办公室刷卡机（资产编号 TY2016000001，原值 16,000.00元）经盘点为闲置资产。",
    look_alikes: "在用、出租出借的资产；卡片登记为闲置但盘点发现在用的资产（以盘点结果为准）。",
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
    assets_view::status_rule(cx, &p.statuses, "为闲置资产，未及时调剂使用或处置")
}
