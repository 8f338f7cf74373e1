//! reeval: third-party performance re-evaluation (绩效再评价) of government departments.
//!
//! The pipeline: load → check → sample → score. This crate holds its stages as functions from
//! data to data; only `cmd/*` and `pipeline` (the step sequence of `reeval run`) touch files,
//! the clock and the terminal.
pub mod assets;
pub mod balances;
pub mod cache;
pub mod cli;
pub mod cmd;
pub mod delimited;
pub mod engagement;
pub mod errors;
pub mod fixtures;
pub mod html_table;
pub mod ledger;
pub mod load;
pub mod money;
pub mod pipeline;
pub mod provenance;
pub mod publish;
pub mod report;
pub mod rules;
pub mod sampling;
pub mod scoring;
pub mod spreadsheet_ml;
pub mod voucher;
pub mod workbook;
