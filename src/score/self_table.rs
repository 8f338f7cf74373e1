//! The 绩效自评表 (issue 23) as scoring reads it: each row's 得分 becomes the department's own
//! score of the indicator it names — by its 指标编号 when that is an indicator id of the set,
//! else by its name (三级指标) equal to an indicator's, spaces and full-width forms aside — unless
//! the scoring inputs already give one (`[self_evaluation.indicators.<id>] score` wins).

use super::inputs::ScoringInputs;
use super::score::self_key;
use super::set::IndicatorSet;
use crate::check::performance::indicator_key;
use crate::load::supporting::SupportingTable;

/// Put the table's scores into `inputs`; returns a warning per scored row that names no
/// indicator of the set (its score cannot be shown beside one).
pub fn apply(
    set: &IndicatorSet,
    table: &SupportingTable,
    inputs: &mut ScoringInputs,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for r in &table.records {
        let Some(score) = r.number("score") else {
            continue;
        };
        let by_id = r
            .text("indicator_id")
            .map(str::trim)
            .and_then(|id| set.indicators.iter().find(|i| i.id == id));
        let name = r.text("indicator").unwrap_or("").trim();
        let ind = by_id.or_else(|| {
            let k = indicator_key(name);
            set.indicators.iter().find(|i| indicator_key(&i.name) == k)
        });
        match ind {
            Some(i) => {
                inputs.values.entry(self_key(&i.id)).or_insert(score);
            }
            None => warnings.push(format!(
                "自评表（{}）的指标“{name}”不在指标体系中，其自评得分 {score} 未列入各指标的 self_score",
                r.source
            )),
        }
    }
    warnings
}
