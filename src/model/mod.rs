//! Data shared by every stage.
pub mod money;
pub mod provenance;
pub mod voucher;
