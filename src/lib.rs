//! reeval: third-party performance re-evaluation (绩效再评价) of government departments.
//!
//! The modules are the stages of the pipeline, in the order `reeval run` goes through them.
//! The stages are functions from data to data; only `cli` (the subcommands) and `run` (the
//! step sequence of `reeval run`) touch files, the clock and the terminal.

/// Stage 2, frames → findings document: the rule registry, the rules, config, citations, risk.
pub mod check;
/// The command line: one file per subcommand, its arguments and `run()`.
pub mod cli;
/// Generators of test and benchmark workbooks (developer tool, `reeval gen-fixtures`).
pub mod fixtures;
/// Stage 1, files → frames and a load report: formats, ledgers, registers, balances, cache.
pub mod load;
/// Shared data: money (fen), voucher identity, provenance of inputs.
pub mod model;
/// Writing outputs: a directory claimed and staged, replaced whole; a report never written over
/// an input. Shared by the load cache, `reeval run` and every `--json`.
pub mod publish;
/// `reeval run`: engagement.toml, the steps in order, output staging.
pub mod run;
/// Stage 3, population → sample: planning, selection, evaluation.
pub mod sample;
/// Stage 4, indicator set + inputs + findings → score.
pub mod score;
