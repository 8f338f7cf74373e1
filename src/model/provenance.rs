//! Provenance: what every output carries so a reader can reproduce it.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    pub tool: String,
    pub version: String,
    pub command: String,
    pub inputs: Vec<InputFile>,
    /// Parameters as given (BTreeMap so the bytes are stable).
    pub parameters: BTreeMap<String, serde_json::Value>,
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

impl Provenance {
    pub fn new(command: &str) -> Self {
        Provenance {
            tool: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            inputs: Vec::new(),
            parameters: BTreeMap::new(),
            seed: None,
        }
    }

    pub fn param(&mut self, key: &str, value: impl Serialize) {
        let v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.parameters.insert(key.to_string(), v);
    }
}

/// [`sha256_file`] of `root.join(path)`, recorded under `path` as given (relative to the
/// engagement, say), so the record does not depend on where the directory sits.
pub fn sha256_file_in(root: &Path, path: &Path) -> Result<InputFile> {
    let mut info = sha256_file(&root.join(path))?;
    info.path = path.display().to_string();
    Ok(info)
}

/// SHA-256 of a file, hex; streamed so a large ledger is not held twice.
pub fn sha256_file(path: &Path) -> Result<InputFile> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("无法打开文件 {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("读取文件 {} 失败", path.display()))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    let digest = hasher.finalize();
    let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(InputFile {
        path: path.display().to_string(),
        sha256,
        bytes,
    })
}
