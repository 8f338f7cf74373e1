//! Audit sampling as jfa does it: plan → select → evaluate, with jfa's parameter names.
//! Planning and evaluation are pure statistics (no frames); selection reads the load frames.
pub mod dist;
pub mod evaluate;
pub mod plan;
pub mod population;
pub mod select;
pub mod stream;

use serde::Serialize;

/// The likelihood a plan or bound rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Likelihood {
    Binomial,
    Poisson,
    Hypergeometric,
}
