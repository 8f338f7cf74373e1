//! The score document (`reeval score --json`, score.json).

use crate::model::provenance::Provenance;
use crate::score::reconcile::Reconciliation;
use crate::score::score::ScoreReport;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct ScoreDocument<'a> {
    pub provenance: Provenance,
    #[serde(flatten)]
    pub report: &'a ScoreReport,
    pub reconciliation: Option<&'a Reconciliation>,
}

/// score.json read back (the evidence workbook): the report and the reconciliation.
#[derive(Debug, Clone, Deserialize)]
pub struct ScoreRecord {
    #[serde(flatten)]
    pub report: ScoreReport,
    pub reconciliation: Option<Reconciliation>,
}
