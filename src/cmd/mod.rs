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

use anyhow::{Context, Result};
use std::path::Path;

/// Write a file all at once or not at all: to a temporary sibling, then rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    }
    let tmp = path.with_extension("tmp-reeval");
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}
