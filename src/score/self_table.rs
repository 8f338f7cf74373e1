//! The 绩效自评表 (issue 23) as scoring reads it: each row's 得分 becomes the department's own
//! score of the indicator it names — by its 指标编号 when that is an indicator id of the set,
//! else by its name (三级指标) equal to an indicator's, spaces and full-width forms aside — unless
//! the scoring inputs already give one (`[self_evaluation.indicators.<id>] score` wins).

use super::inputs::ScoringInputs;
use super::score::self_key;
use super::set::IndicatorSet;
use crate::check::config::Config;
use crate::check::performance::{differ, indicator_key, quantify, vocab, Vocab};
use crate::load::supporting::{Record, SupportingTable};
use rust_decimal::Decimal;

/// A 自评表 row with the vocabulary its figures are read by.
struct Row<'a> {
    record: &'a Record,
    vocab: Option<&'a Vocab>,
}

impl Row<'_> {
    fn text(&self, f: &str) -> Option<&str> {
        self.record.text(f)
    }
    /// The 实际完成值's number and unit (`22项` → 22, 项).
    fn actual(&self) -> Option<(Decimal, Option<String>)> {
        let q = quantify(self.text("actual")?, None, None, self.vocab?);
        q.number.map(|n| (n, q.unit))
    }
}

/// The 自评表's 实际完成值 against the scoring inputs' `[targets.<id>] actual` in the same unit:
/// a difference beyond rounding is said (scoring uses the inputs' figure).
fn actual_differs(id: &str, name: &str, r: &Row, inputs: &ScoringInputs) -> Option<String> {
    let theirs = inputs.num(&format!("targets.{id}.actual"))?;
    let (own, unit) = r.actual()?;
    let input_unit = inputs.text(&format!("targets.{id}.unit"));
    if unit.as_deref() != input_unit {
        return None;
    }
    differ(own, theirs).then(|| {
        format!(
            "自评表（{}）“{name}”的实际完成值 {own}{} 与评分输入 [targets.{id}] actual {theirs} 不一致，评分以评分输入为准",
            r.record.source,
            unit.unwrap_or_default()
        )
    })
}

/// Put the table's scores into `inputs`; returns a warning per scored row that names no
/// indicator of the set (its score cannot be shown beside one).
pub fn apply(
    set: &IndicatorSet,
    table: &SupportingTable,
    inputs: &mut ScoringInputs,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let vocab = Config::builtin().and_then(|c| vocab(&c)).ok();
    for r in &table.records {
        let Some(score) = r.number("score") else {
            continue;
        };
        let r = &Row {
            record: r,
            vocab: vocab.as_ref(),
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
                if let Some(w) = actual_differs(&i.id, name, r, inputs) {
                    warnings.push(w);
                }
            }
            None => warnings.push(format!(
                "自评表（{}）的指标“{name}”不在指标体系中，其自评得分 {score} 未列入各指标的 self_score",
                r.record.source
            )),
        }
    }
    warnings
}
