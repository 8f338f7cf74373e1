//! Data shared by every stage.
pub mod builtin;
pub mod categories;
pub mod findings;
pub mod money;
pub mod provenance;
pub mod texts;
pub mod voucher;
