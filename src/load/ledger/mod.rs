//! Ledger (序时账 / 凭证明细) loading: profiles, charts, cells, headers, rows, model.
pub mod balance;
pub mod cell;
pub mod chart;
pub mod diagnose;
pub mod header;
pub mod model;
pub mod profile;
pub mod read;
pub mod row;
pub mod sheet;
