//! A sampling plan as given (flags or engagement.toml) → the checked selection spec.

use crate::model::money::Fen;
use crate::sample::select::{Draw, SelectSpec, Strata, StrataBy};

/// The setting of a plan a [`SpecError`] is about. The caller names it as its user gave it:
/// `reeval sample` as a flag (`--key-cover`), `reeval run` as an engagement.toml key
/// (`sampling.plans[1].key_cover`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    KeyAbove,
    KeyCover,
    KeyMax,
    Bands,
}

impl Field {
    /// The `reeval sample` flag.
    pub fn flag(self) -> &'static str {
        match self {
            Field::KeyAbove => "--key-above",
            Field::KeyCover => "--key-cover",
            Field::KeyMax => "--key-max",
            Field::Bands => "--bands",
        }
    }

    /// The key of a `[[sampling.plans]]` table.
    pub fn key(self) -> &'static str {
        match self {
            Field::KeyAbove => "key_above",
            Field::KeyCover => "key_cover",
            Field::KeyMax => "key_max",
            Field::Bands => "bands",
        }
    }
}

/// A plan setting that cannot be used, with the setting it is about; the message does not
/// name the setting (the caller does, see [`Field`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub field: Field,
    pub message: String,
}

impl SpecError {
    /// `--key-cover：覆盖比例…`, for `reeval sample`.
    pub fn as_flag(&self) -> String {
        format!("{}：{}", self.field.flag(), self.message)
    }

    /// `sampling.plans[1].key_cover（抽样计划“x”）：覆盖比例…`, for engagement.toml.
    pub fn as_key(&self, plan_index: usize, plan_name: &str) -> String {
        format!(
            "sampling.plans[{plan_index}].{}（抽样计划“{}”）：{}",
            self.field.key(),
            crate::errors::excerpt(plan_name),
            self.message
        )
    }
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_flag())
    }
}

impl std::error::Error for SpecError {}

fn fail<T>(field: Field, message: String) -> Result<T, SpecError> {
    Err(SpecError { field, message })
}

fn fen(d: rust_decimal::Decimal, field: Field) -> Result<Fen, SpecError> {
    Fen::from_yuan(d).ok_or_else(|| SpecError {
        field,
        message: format!("金额超出范围：{d}"),
    })
}

/// A sampling plan as given — by `reeval sample`'s flags or an engagement's
/// `[[sampling.plans]]` — before it is checked.
pub struct PlanRequest<'a> {
    pub key_above: Option<rust_decimal::Decimal>,
    pub key_cover: Option<f64>,
    pub key_max: Option<usize>,
    pub draw: Draw,
    pub n: u64,
    pub seed: u64,
    pub strata: StrataBy,
    pub bands: &'a [rust_decimal::Decimal],
    pub risk_targeted: bool,
    pub risk: std::collections::BTreeMap<String, Vec<String>>,
}

/// The checked selection spec: amounts in 分, strata known, bands ascending, a coverage share
/// in (0, 1]. What depends on the data (n larger than the population, nothing left to draw,
/// no way to select at all) is not an error here: `select` draws what it can and says so.
pub fn spec_from(p: PlanRequest) -> Result<SelectSpec, SpecError> {
    let strata = match p.strata {
        StrataBy::Amount => {
            let bands: Vec<Fen> = p
                .bands
                .iter()
                .map(|b| fen(*b, Field::Bands))
                .collect::<Result<_, _>>()?;
            // Each band is labelled by its neighbours: unsorted or repeated bounds would put
            // items under the wrong label.
            if let Some(w) = bands.windows(2).find(|w| w[0] >= w[1]) {
                return fail(
                    Field::Bands,
                    format!(
                        "分层区间须从小到大排列且不重复，而 {} 之后是 {}（实为 {}）",
                        w[0].grouped(),
                        w[1].grouped(),
                        p.bands
                            .iter()
                            .map(|b| b.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    ),
                );
            }
            if let Some(b) = bands.iter().find(|b| b.0 <= 0) {
                return fail(
                    Field::Bands,
                    format!("分层区间须为正金额，实为 {}", b.grouped()),
                );
            }
            if bands.is_empty() && p.draw == Draw::Stratified {
                return fail(
                    Field::Bands,
                    "按金额分层须给出分层区间（各层的金额上限，如 1000 和 10000 元）".into(),
                );
            }
            Strata::Amount(bands)
        }
        StrataBy::Class => Strata::Class,
    };
    if let Some(share) = p.key_cover {
        if !(share > 0.0 && share <= 1.0) {
            return fail(
                Field::KeyCover,
                format!("覆盖比例须大于 0 且不超过 1，实为 {share}"),
            );
        }
    }
    if p.key_max.is_some() && p.key_cover.is_none() {
        return fail(
            Field::KeyMax,
            "重点项目个数上限只与覆盖比例（key_cover）一起使用".into(),
        );
    }
    if p.key_max == Some(0) {
        return fail(Field::KeyMax, "重点项目个数上限须大于 0".into());
    }
    if let Some(k) = p.key_above {
        if k <= rust_decimal::Decimal::ZERO {
            return fail(Field::KeyAbove, format!("重点项目金额须为正，实为 {k}"));
        }
    }
    Ok(SelectSpec {
        key_above: p.key_above.map(|d| fen(d, Field::KeyAbove)).transpose()?,
        key_cover: p.key_cover,
        key_max: p.key_max,
        draw: p.draw,
        n: p.n,
        seed: p.seed,
        strata,
        risk: p.risk,
    })
}
