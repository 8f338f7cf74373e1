//! Integration tests: one test crate (each file under tests/ would link polars again).
//! They write fixtures with the repo's generator and run the real `reeval` binary.

mod citations;
mod claims;
mod common;
mod inputs_hostile;
mod load_balances;
mod load_csv;
mod load_dialects;
mod load_formats;
mod load_headers;
mod load_hostile;
mod load_layouts;
mod load_linked;
mod load_report;
mod load_robustness;
mod load_sparse;
mod money_and_dates;
mod portable;
mod profile_suggest;
mod rules_by_id;
mod rules_journal;
mod rules_quality;
mod rules_seed;
mod rules_supporting;
mod rules_wordings;
mod run_engagement;
mod run_output;
mod run_plans;
mod sample_year;
mod sampling_cli;
mod sampling_population;
mod sampling_select;
mod sampling_tables;
mod scoring;
mod voucher_identity;
mod workbook;
