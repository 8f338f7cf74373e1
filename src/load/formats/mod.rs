//! Readers of the file formats a ledger export comes in: every one yields the same cell
//! sheets (`workbook::read_sheets` picks the reader by content).
pub mod delimited;
pub mod html_table;
pub mod spreadsheet_ml;
pub mod workbook;
