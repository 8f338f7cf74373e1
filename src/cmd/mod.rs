//! One module per subcommand; each owns its `run`.
pub mod check;
pub mod evaluate;
pub mod gen_fixtures;
pub mod load;
pub mod plan;
pub mod rules;
pub mod run;
pub mod sample;
pub mod score;

use anyhow::Result;
use std::path::{Path, PathBuf};

/// Write a `--json` report whole, never over one of the command's inputs (those its
/// provenance lists, and `extra`) or over a file that is not a reeval report
/// ([`crate::publish::write_file`]).
pub fn write_report(
    path: &Path,
    bytes: &[u8],
    prov: &crate::provenance::Provenance,
    extra: &[PathBuf],
) -> Result<()> {
    let mut inputs: Vec<PathBuf> = prov.inputs.iter().map(|i| PathBuf::from(&i.path)).collect();
    inputs.extend(extra.iter().cloned());
    crate::publish::write_file(path, bytes, &inputs)
}
