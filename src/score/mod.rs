//! Scoring: an indicator set (TOML tree) + the department's 决算 inputs (+ findings) → scores,
//! subtotals, total, grade, and the comparison with the self-evaluation.
pub mod basis;
pub mod document;
pub mod expr;
pub mod inputs;
pub mod reconcile;
pub mod restate;
// The stage is named for what it does, and so is its core module (`score::score::score`).
#[allow(clippy::module_inception)]
pub mod score;
pub mod self_table;
pub mod set;
