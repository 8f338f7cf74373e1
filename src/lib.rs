//! reeval: third-party performance re-evaluation (绩效再评价) of government departments.
//!
//! The modules are the stages of the pipeline, in the order `reeval run` goes through them
//! (each declaration stands alone so that rustfmt keeps this order).
//! The stages are functions from data to data; only `cli` (the subcommands) and `run` (the
//! step sequence of `reeval run`) touch files, the clock and the terminal.

/// Shared data: money (fen), voucher identity, provenance of inputs, the findings model, and
/// the built-in data (data/ and indicator_sets/ embedded at build time).
pub mod model;

/// Stage 1, files → frames and a load report: formats, ledgers, registers, balances,
/// supporting records, cache.
pub mod load;

/// Stage 2, frames → findings document: the rule registry, the rules, config, citations, risk.
pub mod check;

/// Stage 3, population → sample: planning, the spec, selection, evaluation, the document.
pub mod sample;

/// Stage 4, indicator set + inputs + findings → score.
pub mod score;

/// Stage 5, results + the vouchers they name → the evidence workbook (审计底稿, .xlsx).
pub mod workbook;

/// The department's own claims: the figures of a 自评报告, checked against each other and,
/// in a run, against the books.
pub mod claims;
/// Stage 6, results → the report draft (绩效评价报告, .docx and Markdown) from templates.
pub mod report;
/// The review round-trip: the auditor's judgements read from the workbook, kept in the
/// engagement's review.toml, applied by every run (statuses, audited values, asset and manual
/// findings).
pub mod review;

/// `reeval run`: engagement.toml and the steps in order.
pub mod run;

/// How an error is shown: never more than a short excerpt of what a file contains.
pub mod errors;

/// Writing outputs: a directory claimed and staged, replaced whole; a report never written over
/// an input. Shared by the load cache, `reeval run` and every `--json`.
pub mod publish;

/// The command line: one file per subcommand, its arguments and `run()`.
pub mod cli;

/// Generators of test and benchmark workbooks (developer tool, `reeval gen-fixtures`).
pub mod fixtures;
