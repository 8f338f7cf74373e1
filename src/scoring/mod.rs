//! Scoring: an indicator set (TOML tree) + the department's 决算 inputs (+ findings) → scores,
//! subtotals, total, grade, and the comparison with the self-evaluation.
pub mod expr;
pub mod inputs;
pub mod reconcile;
pub mod score;
pub mod set;
