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
    /// 财务会计 vs 预算会计 per 经济分类, where they differ (when the ledger is loaded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis_comparison: Option<&'a [crate::score::basis::BasisRow]>,
}

/// score.json read back (the evidence workbook): the report and the reconciliation.
#[derive(Debug, Clone, Deserialize)]
pub struct ScoreRecord {
    #[serde(flatten)]
    pub report: ScoreReport,
    pub reconciliation: Option<Reconciliation>,
}
