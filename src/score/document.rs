//! The score document (`reeval score --json`, score.json), and the part of a findings document
//! scoring reads.

use crate::model::provenance::Provenance;
use crate::score::reconcile::Reconciliation;
use crate::score::score::{Finding, ScoreReport};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct FindingsFile {
    pub findings: Vec<Finding>,
}

#[derive(Serialize)]
pub struct Output<'a> {
    pub provenance: Provenance,
    #[serde(flatten)]
    pub report: &'a ScoreReport,
    pub reconciliation: Option<&'a Reconciliation>,
}
