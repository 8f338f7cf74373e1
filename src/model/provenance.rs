//! Provenance: what every output carries so a reader can reproduce it.

use anyhow::{anyhow, bail, Context, Result};
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

/// Why a file could not be opened, in words.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".into(),
        _ => e.to_string(),
    }
}

fn not_regular(path: &Path, meta: &std::fs::Metadata) -> anyhow::Error {
    let what = if meta.is_dir() {
        "是一个目录"
    } else {
        "不是普通文件（是设备、管道或套接字）"
    };
    anyhow!("{} {what}，不能作为输入文件读取", path.display())
}

/// Open an input file — every file reeval reads (ledgers, registers, balances, supporting
/// tables, profiles, engagement, indicator sets, scoring inputs, findings) comes through
/// here. Anything but a regular file is refused up front: `/dev/zero` or a FIFO would never
/// end (a FIFO would even block the open), a directory reads as an error halfway through.
/// The check is made on the name, then again on the opened handle (the name may have been
/// swapped in between); on Unix the open does not wait for a FIFO's writer.
pub fn open_input(path: &Path) -> Result<std::fs::File> {
    let p = path.display();
    let meta =
        std::fs::metadata(path).map_err(|e| anyhow!("无法打开文件 {p}：{}", io_reason(&e)))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let f = opts
        .open(path)
        .map_err(|e| anyhow!("无法打开文件 {p}：{}", io_reason(&e)))?;
    let meta = f
        .metadata()
        .map_err(|e| anyhow!("无法打开文件 {p}：{}", io_reason(&e)))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    Ok(f)
}

/// The whole of an input file (a regular file only, see [`open_input`]).
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut f = open_input(path)?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .map_err(|e| anyhow!("读取文件 {} 失败：{}", path.display(), io_reason(&e)))?;
    Ok(bytes)
}

/// An input text file (TOML, JSON, CSV of taints) as UTF-8 (a BOM is kept for the caller).
pub fn read_input_text(path: &Path) -> Result<String> {
    let bytes = read_input(path)?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => bail!("文件 {} 不是 UTF-8 编码的文本", path.display()),
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
    let mut f = open_input(path)?;
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
