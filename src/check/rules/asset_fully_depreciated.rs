//! asset-fully-depreciated — 已提足折旧仍在用（提示）.
//!
//! Informational: assets past their useful life with no net value that the register still
//! shows 在用. Not a breach — 准则3号 says a fully depreciated asset is simply no longer
//! depreciated — but the list tells the inspection team which items to look at (are they
//! really there, still serviceable?). Assets never depreciated (文物, 图书, 土地) are left out.

use crate::check::text::{has_any, WordList};
use crate::check::{assets_view, finding::not_checked, Context, Doc, RuleOutcome};
use anyhow::Result;
use serde::Deserialize;

pub const DOC: Doc = Doc {
    id: "asset-fully-depreciated",
    title: "已提足折旧仍在使用的资产（提示，供盘点）",
    analytical: false,
    category: "固定资产管理（提示）",
    looks_at: "净值为零（累计折旧不低于原值）而使用状况为在用的资产；不计提折旧的类别（文物、图书档案、土地等）除外。",
    why: "不是违规：提足折旧的资产可以继续使用。列出它们，是为了盘点时重点核实实物是否存在、能否继续使用，需要处置的是否已申报。",
    example: "一台 2012 年购入、折旧年限 6 年的台式计算机，净值 0，卡片仍为在用。",
    look_alikes: "净值大于零的在用资产；闲置、待报废资产（由其他规则列出）；不计提折旧的资产。",
    inputs: &[("assets", true)],
};

/// This rule's settings: its section of data/rules.toml (or the engagement's override).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    in_use_statuses: Vec<String>,
    /// The rule whose `non_depreciable_words` name the categories never depreciated.
    non_depreciable_words_from: String,
}

pub fn check(cx: &Context) -> Result<RuleOutcome> {
    let (_, p): (_, Settings) = cx.config.section(DOC.id)?;
    if crate::check::doc(&p.non_depreciable_words_from).is_none() {
        anyhow::bail!(
            "规则配置 [{}] 的 non_depreciable_words_from = “{}” 不是规则编号",
            DOC.id,
            p.non_depreciable_words_from
        );
    }
    let (_, dep): (_, toml::Table) = cx.config.section(&p.non_depreciable_words_from)?;
    let non_dep: WordList = dep
        .get("non_depreciable_words")
        .cloned()
        .and_then(|v| v.try_into().ok())
        .unwrap_or_default();
    let mut out = RuleOutcome::default();
    let assets = assets_view::rows(cx.assets)?;
    if assets.is_empty() {
        out.limits
            .push(not_checked("缺少固定资产明细表（资产卡片）"));
        return Ok(out);
    }
    for a in &assets {
        if a.original.0 <= 0
            || a.accumulated < a.original
            || !p.in_use_statuses.contains(&a.status)
            || has_any(&a.category, &non_dep)
        {
            continue;
        }
        let mut d = a.draft(cx.as_of);
        d.informational = true;
        d.explanation = format!(
            "资产 {}“{}”原值 {} 元已提足折旧（净值 {} 元），卡片仍为在用，请在盘点时核实实物和使用状况。",
            a.code,
            a.name,
            a.original.grouped(),
            a.net.grouped()
        );
        out.drafts.push(d);
    }
    Ok(out)
}
