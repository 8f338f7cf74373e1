//! Writing results where the user asked without ever losing what is there.
//!
//! A command that writes a directory (`reeval run`, `reeval load --out`) *claims* it first:
//!
//! - it refuses a path that is a file, a symbolic link, the engagement directory or one of
//!   its parents, and an existing directory that is neither empty nor one of this command's
//!   own earlier outputs (recognised by its manifest, e.g. `run.json`);
//! - it takes a lock beside the directory (`.NAME.reeval-lock`, an OS file lock released when
//!   the process ends, however it ends), so a second run into the same directory refuses at
//!   once and says which process holds it, instead of publishing a mix of the two;
//! - it finishes or undoes what an interrupted run left beside the directory (a staging
//!   directory, a directory moved aside), so the last complete result is always at its name;
//! - it stages the new files in a directory of its own (`.NAME.staging-PID-NANOS`, same file
//!   system, so the final rename is atomic).
//!
//! Publishing swaps the staging directory in. Of the previous result, only the files its
//! manifest lists with an unchanged SHA-256 are discarded (they are reproducible); anything
//! else — a file the auditor added, an output the auditor edited (a working paper with
//! entries in it) — is carried into the new directory, renamed when the new run writes a file
//! of that name (`底稿（已修改）.xlsx`), and listed.
//!
//! [`write_file`] does the same for a single output file (`--json FILE`).

use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

/// A kind of output directory: its manifest (written last, so its presence marks a complete
/// result) and how to read the files an earlier one of its kind wrote.
pub struct OutputKind {
    pub manifest: &'static str,
    /// What the command calls its output, in messages.
    pub label: &'static str,
    /// The files the manifest in `dir` lists as written by the tool, or `None` when `dir`
    /// holds no manifest of this kind.
    pub owned: fn(&Path) -> Option<Vec<Owned>>,
}

/// One file an earlier output's manifest lists.
#[derive(Debug, Clone)]
pub struct Owned {
    pub file: String,
    /// `None` when the manifest recorded no hash (the file is then taken as unchanged).
    pub sha256: Option<String>,
}

/// A file of the previous result carried into the new one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Kept {
    /// Its name in the new directory.
    pub file: String,
    /// Its name in the previous result.
    pub was: String,
    pub reason: &'static str,
}

const MODIFIED: &str = "上次输出后被修改过，未覆盖，改名保留";
const MODIFIED_SAME_NAME: &str = "上次输出后被修改过，原样保留";
const FOREIGN: &str = "不是 reeval 写入的文件，原样保留";
const FOREIGN_RENAMED: &str = "不是 reeval 写入的文件，与新输出同名，改名保留";
const STAGING_MARK: &str = ".reeval-staging";

/// An output directory this process holds the lock of.
pub struct Claim {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    kind: &'static OutputKind,
    staging: PathBuf,
    lock: Option<(File, PathBuf)>,
    published: bool,
    /// What was found and put right from an interrupted earlier run.
    pub notes: Vec<String>,
}

/// `path` made absolute and free of `.`/`..`, without following links.
fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .context("无法确定当前目录")?
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// The real location of `path` (links resolved), also when its last parts do not exist yet.
fn resolved(path: &Path) -> PathBuf {
    let mut head = path.to_path_buf();
    let mut tail = Vec::new();
    loop {
        if let Ok(c) = fs::canonicalize(&head) {
            let mut p = c;
            for t in tail.iter().rev() {
                p.push(t);
            }
            return p;
        }
        match (head.file_name().map(|n| n.to_os_string()), head.parent()) {
            (Some(n), Some(parent)) => {
                tail.push(n);
                head = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The part of a sibling's name (`.TAG.staging-…`, `.TAG.reeval-lock`) that stands for the
/// output directory's name: the name itself, or — for a long one, so that the sibling's name
/// stays within the 255 bytes file systems allow — its start and a hash of the whole.
fn tag(name: &str) -> String {
    const MAX: usize = 120;
    if name.len() <= MAX {
        return name.to_string();
    }
    let mut cut = 60;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    use sha2::Digest;
    let h = sha2::Sha256::digest(name.as_bytes());
    let hex: String = h.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{}~{hex}", &name[..cut])
}

/// A name no other process uses at the same time: pid and clock.
fn unique(prefix: &str) -> String {
    format!("{prefix}{}-{}", std::process::id(), nanos())
}

/// Claim `out` for a command of `kind`. `protect` lists directories the output must neither
/// be nor contain (the engagement directory).
pub fn claim(out: &Path, kind: &'static OutputKind, protect: &[&Path]) -> Result<Claim> {
    let out = absolute(out)?;
    let shown = out.display();
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().to_string()) else {
        bail!("输出目录 {shown} 是根目录；请指定一个新目录");
    };
    let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
    if let Ok(meta) = fs::symlink_metadata(&out) {
        if meta.file_type().is_symlink() {
            bail!("输出目录 {shown} 是一个符号链接；为免写到别处，请直接指定目录本身");
        }
        if !meta.is_dir() {
            bail!("输出目录 {shown} 已存在且是一个文件，不是目录；为免覆盖它，未写入。请指定一个新目录");
        }
    }
    let real = resolved(&out);
    for p in protect {
        let p = resolved(&absolute(p)?);
        if p == real {
            bail!(
                "输出目录 {shown} 就是项目目录；结果不能写进项目目录本身（会替换 engagement.toml 和资料）。\
                 请省略 --out（默认写到 output/<id>），或指定一个新目录"
            );
        }
        if p.starts_with(&real) {
            bail!(
                "输出目录 {shown} 包含项目目录 {}；结果不能写到项目目录的上级（会替换其中的资料）。请指定一个新目录",
                p.display()
            );
        }
    }
    fs::create_dir_all(&parent)
        .with_context(|| format!("无法创建输出目录的上级目录 {}", parent.display()))?;
    let lock = lock(&parent, &tag(&name), &out)?;
    let mut claim = Claim {
        staging: PathBuf::new(),
        out,
        parent,
        name,
        kind,
        lock: Some(lock),
        published: false,
        notes: Vec::new(),
    };
    claim.recover()?;
    claim.check_target()?;
    let staging = claim
        .parent
        .join(unique(&format!(".{}.staging-", tag(&claim.name))));
    fs::create_dir(&staging).with_context(|| format!("无法创建 {}", staging.display()))?;
    fs::write(staging.join(STAGING_MARK), b"")
        .with_context(|| format!("无法写入 {}", staging.display()))?;
    claim.staging = staging;
    Ok(claim)
}

/// The lock beside `out`: an OS lock on `.NAME.reeval-lock`, holding the owner's pid and
/// start time for the message a second run prints. The holder removes the file before it
/// lets go; a process that locked a file so removed sees that it is no longer at its name and
/// tries again, so two processes never both hold the lock.
fn lock(parent: &Path, name: &str, out: &Path) -> Result<(File, PathBuf)> {
    let path = parent.join(format!(".{name}.reeval-lock"));
    for _ in 0..8 {
        let mut f = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("无法创建锁文件 {}", path.display()))?;
        match f.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = f.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "另一个 reeval 进程".to_string()
                } else {
                    format!("另一个 reeval 进程（{holder}）")
                };
                bail!(
                    "{who}正在写入输出目录 {}；为免两次运行的结果混在一起，本次未运行。请等它结束后再运行，或用 --out 指定另一个目录",
                    out.display()
                );
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("无法锁定 {}", path.display()));
            }
        }
        if !still_at(&f, &path) {
            continue;
        }
        let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
        let _ = f.set_len(0);
        let _ = f.rewind();
        let _ = write!(f, "进程 {}，开始于 {now}", std::process::id());
        let _ = f.flush();
        return Ok((f, path));
    }
    bail!(
        "无法锁定输出目录 {}：锁文件 {} 反复被移走",
        out.display(),
        path.display()
    )
}

/// Whether the open file `f` is still the file at `path`.
#[cfg(unix)]
fn still_at(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Windows does not let a file that another process holds open be replaced at its name.
#[cfg(not(unix))]
fn still_at(_: &File, path: &Path) -> bool {
    path.exists()
}

impl Claim {
    /// The directory to write into.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    /// `out` must be missing, empty, or an earlier output of this kind.
    fn check_target(&self) -> Result<()> {
        if !self.out.exists() {
            return Ok(());
        }
        let entries = entry_names(&self.out)?;
        if entries.is_empty() || (self.kind.owned)(&self.out).is_some() {
            return Ok(());
        }
        let mut shown: Vec<String> = entries.iter().take(3).cloned().collect();
        if entries.len() > 3 {
            shown.push(format!("等 {} 项", entries.len()));
        }
        bail!(
            "输出目录 {} 已存在，既不是空目录，也不是 reeval 的{}（其中没有可识别的 {}；现有 {}）；\
             为免替换其中的文件，未写入。请指定一个新目录或空目录",
            self.out.display(),
            self.kind.label,
            self.kind.manifest,
            shown.join("、")
        )
    }

    /// What of the current result will be carried into the new one, given the names the new
    /// run writes. Call after every output is in the staging directory.
    pub fn plan_kept(&self) -> Result<Vec<Kept>> {
        if !self.out.exists() {
            return Ok(Vec::new());
        }
        let taken: BTreeSet<String> = entry_names(&self.staging)?
            .into_iter()
            .filter(|n| n != STAGING_MARK)
            .collect();
        carry_plan(&self.out, self.kind, &taken)
    }

    /// Swap the staging directory in; carry `kept` over from the previous result. Returns
    /// notes on anything of the previous result that could not be cleared.
    ///
    /// Before anything moves, every entry to be carried over is checked to be movable (its
    /// directory writable): an auditor's file that could not be carried is a refusal, never a
    /// file stranded in a hidden directory. On Linux the two directories are exchanged in one
    /// step (`renameat2` with `RENAME_EXCHANGE`), so there is no moment without a result at
    /// `out`; elsewhere the old result is moved aside first.
    pub fn publish(mut self, kept: &[Kept]) -> Result<Vec<String>> {
        if !kept.is_empty() {
            self.check_movable(kept)?;
        }
        let old = if self.out.exists() {
            let aside = self
                .parent
                .join(unique(&format!(".{}.old-", tag(&self.name))));
            match exchange(&self.staging, &self.out) {
                Ok(true) => {
                    // The old result now sits at the staging path: give it its own name.
                    self.published = true;
                    fs::remove_file(self.out.join(STAGING_MARK)).ok();
                    match fs::rename(&self.staging, &aside) {
                        Ok(()) => Some(aside),
                        Err(_) => Some(self.staging.clone()),
                    }
                }
                _ => {
                    fs::rename(&self.out, &aside).with_context(|| {
                        format!(
                            "无法替换已有的输出目录 {}（其中的文件是否正被打开？）；上次的结果未改动",
                            self.out.display()
                        )
                    })?;
                    if let Err(e) = fs::rename(&self.staging, &self.out) {
                        fs::rename(&aside, &self.out).ok();
                        return Err(e)
                            .with_context(|| format!("无法写入输出目录 {}", self.out.display()));
                    }
                    Some(aside)
                }
            }
        } else {
            fs::rename(&self.staging, &self.out)
                .with_context(|| format!("无法写入输出目录 {}", self.out.display()))?;
            None
        };
        self.published = true;
        fs::remove_file(self.out.join(STAGING_MARK)).ok();
        let mut notes = Vec::new();
        if let Some(old) = old {
            notes.extend(finish(&old, &self.out, self.kind, kept));
        }
        Ok(notes)
    }

    /// Every entry of `kept` can leave the current result: the result directory is writable,
    /// and so is each directory to be carried (moving a directory rewrites its `..`).
    fn check_movable(&self, kept: &[Kept]) -> Result<()> {
        let mut dirs = vec![self.out.clone()];
        dirs.extend(
            kept.iter()
                .map(|k| self.out.join(&k.was))
                .filter(|p| fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())),
        );
        for d in dirs {
            let probe = d.join(unique(".reeval-probe-"));
            match File::create(&probe) {
                Ok(_) => {
                    fs::remove_file(&probe).ok();
                }
                Err(e) => bail!(
                    "上次的结果 {} 中有需要保留的文件（{}），但 {} 不可写（{}），无法把它们带入新结果；\
                     为免丢失，本次结果未发布，上次的结果未改动。请恢复该目录的写权限后重试",
                    self.out.display(),
                    kept.iter()
                        .take(3)
                        .map(|k| k.was.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    d.display(),
                    match e.kind() {
                        std::io::ErrorKind::PermissionDenied => "没有写权限".to_string(),
                        std::io::ErrorKind::ReadOnlyFilesystem => "只读文件系统".to_string(),
                        _ => e.to_string(),
                    }
                ),
            }
        }
        Ok(())
    }

    /// Put right what an interrupted run left beside `out`. A sibling directory holding the
    /// staging mark is a result that was never published (promoted when `out` is missing and
    /// it is complete, else removed); one without it is a previous result set aside (restored
    /// when `out` is missing, else its files the auditor added or edited are carried into
    /// `out`).
    fn recover(&mut self) -> Result<()> {
        let prefix = format!(".{}.", tag(&self.name));
        let mut stagings = Vec::new();
        let mut olds = Vec::new();
        for n in entry_names(&self.parent)? {
            let Some(rest) = n.strip_prefix(&prefix) else {
                continue;
            };
            let path = self.parent.join(&n);
            if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            let ours = rest.starts_with("staging-") || rest.starts_with("old-");
            // `tmp-reeval` / `old-reeval`: the fixed names of reeval 0.1's runs.
            if rest == "tmp-reeval" || (ours && path.join(STAGING_MARK).is_file()) {
                stagings.push(path);
            } else if ours || rest == "old-reeval" {
                olds.push(path);
            }
        }
        let by_age = |v: &mut Vec<PathBuf>| {
            v.sort_by_key(|p| {
                fs::metadata(p)
                    .and_then(|m| m.modified())
                    .ok()
                    .unwrap_or(std::time::UNIX_EPOCH)
            })
        };
        by_age(&mut stagings);
        by_age(&mut olds);
        let out = self.out.clone();
        if !out.exists() {
            // A complete staging (manifest written) is the newest result; else the one set aside.
            let complete = stagings
                .iter()
                .rposition(|s| s.join(self.kind.manifest).is_file());
            if let Some(i) = complete {
                let s = stagings.remove(i);
                fs::rename(&s, &out).with_context(|| format!("无法恢复 {}", out.display()))?;
                self.notes.push(format!(
                    "上次运行在发布结果时中断：已把它完整写好的结果放回 {}",
                    out.display()
                ));
            } else if let Some(o) = olds.pop() {
                fs::rename(&o, &out).with_context(|| format!("无法恢复 {}", out.display()))?;
                self.notes.push(format!(
                    "上次运行在替换结果时中断：已恢复之前的结果 {}",
                    out.display()
                ));
            }
        }
        // A published result never carries the mark (an interrupted publish may leave it).
        fs::remove_file(out.join(STAGING_MARK)).ok();
        for s in stagings {
            fs::remove_dir_all(&s).ok();
            self.notes.push(format!(
                "已清理上次中断的运行留下的暂存目录 {}",
                s.display()
            ));
        }
        for o in olds {
            if !out.exists() {
                fs::create_dir(&out).with_context(|| format!("无法创建 {}", out.display()))?;
            }
            let kept = carry_plan(
                &o,
                self.kind,
                &entry_names(&out)?.into_iter().collect::<BTreeSet<_>>(),
            )?;
            let left = finish(&o, &out, self.kind, &kept);
            self.notes.push(format!(
                "上次运行替换结果时中断：已把之前结果中需保留的 {} 个文件移入 {}",
                kept.len(),
                out.display()
            ));
            self.notes.extend(left);
        }
        Ok(())
    }
}

/// Exchange two directories in one step where the system can (Linux `renameat2`); `Ok(false)`
/// where it cannot, and the caller renames twice.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are NUL-terminated C strings that live across the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    Ok(r == 0)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

impl Drop for Claim {
    fn drop(&mut self) {
        if !self.published && !self.staging.as_os_str().is_empty() {
            fs::remove_dir_all(&self.staging).ok();
        }
        // Remove the lock file while still holding it, then let go (see `lock`).
        if let Some((f, path)) = self.lock.take() {
            fs::remove_file(&path).ok();
            drop(f);
        }
    }
}

/// The entries of a directory, sorted by name.
fn entry_names(dir: &Path) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).with_context(|| format!("无法读取目录 {}", dir.display()))? {
        let e = e.with_context(|| format!("无法读取目录 {}", dir.display()))?;
        v.push(e.file_name().to_string_lossy().to_string());
    }
    v.sort();
    Ok(v)
}

fn unchanged(path: &Path, owned: &Owned) -> bool {
    match &owned.sha256 {
        None => path.is_file(),
        Some(sha) => crate::model::provenance::sha256_file(path).is_ok_and(|i| &i.sha256 == sha),
    }
}

/// What `dir`'s manifest lists, keeping only plain file names (a manifest naming
/// `../x` must not reach outside the directory).
fn owned_in(dir: &Path, kind: &OutputKind) -> Vec<Owned> {
    let mut v = (kind.owned)(dir).unwrap_or_default();
    v.retain(|o| {
        let mut c = Path::new(&o.file).components();
        matches!((c.next(), c.next()), (Some(Component::Normal(_)), None))
    });
    v
}

/// Which entries of `old` must survive: all but its manifest and the files its manifest lists
/// unchanged *that the new result writes again* (a manifest cannot make reeval discard a file
/// it does not replace). `taken` holds the names used in the new directory. Files that keep
/// their names are placed first, so an edit carried over by an earlier run keeps its name and
/// a newer edit gets the next free one.
fn carry_plan(old: &Path, kind: &OutputKind, taken: &BTreeSet<String>) -> Result<Vec<Kept>> {
    let owned = owned_in(old, kind);
    let mut used = taken.clone();
    let mut renamed = Vec::new();
    let mut kept = Vec::new();
    for n in entry_names(old)? {
        if n == kind.manifest || n == STAGING_MARK {
            continue;
        }
        let path = old.join(&n);
        let listed = owned.iter().find(|o| o.file == n);
        let modified = match listed {
            Some(o) if unchanged(&path, o) && taken.contains(&n) => continue,
            Some(o) => !unchanged(&path, o),
            None => false,
        };
        if used.contains(&n) {
            renamed.push((n, modified));
        } else {
            used.insert(n.clone());
            kept.push(Kept {
                file: n.clone(),
                was: n,
                reason: if modified {
                    MODIFIED_SAME_NAME
                } else {
                    FOREIGN
                },
            });
        }
    }
    for (n, modified) in renamed {
        let file = free_name(&n, &used);
        used.insert(file.clone());
        kept.push(Kept {
            file,
            was: n,
            reason: if modified { MODIFIED } else { FOREIGN_RENAMED },
        });
    }
    kept.sort_by(|a, b| a.was.cmp(&b.was));
    Ok(kept)
}

/// `name`, or `stem（已修改）.ext`, `stem（已修改2）.ext` … when `name` is taken.
fn free_name(name: &str, used: &BTreeSet<String>) -> String {
    if !used.contains(name) {
        return name.to_string();
    }
    free_name_as(name, used, "已修改")
}

/// Where a file of `dir` named `name` is set aside when a new one takes its name:
/// `stem（已修改）.ext`, or the next free such name.
pub fn set_aside_path(dir: &Path, name: &str) -> Result<PathBuf> {
    let used: BTreeSet<String> = entry_names(dir)?.into_iter().collect();
    Ok(dir.join(free_name_as(name, &used, "已修改")))
}

/// `stem（WORD）.ext`, `stem（WORD2）.ext` …: the first not in `used`.
fn free_name_as(name: &str, used: &BTreeSet<String>, word: &str) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (1..)
        .map(|k| {
            if k == 1 {
                format!("{stem}（{word}）{ext}")
            } else {
                format!("{stem}（{word}{k}）{ext}")
            }
        })
        .find(|c| !used.contains(c))
        .expect("an unused name")
}

/// Move `kept` from `old` into `out`, delete what `old`'s manifest lists unchanged, remove
/// `old` when nothing is left. Whatever cannot be moved stays in `old`, and is said.
fn finish(old: &Path, out: &Path, kind: &OutputKind, kept: &[Kept]) -> Vec<String> {
    let mut notes = Vec::new();
    for k in kept {
        let to = out.join(&k.file);
        if to.exists() {
            notes.push(format!(
                "未能移入 {}（同名文件已存在），它仍在 {}",
                to.display(),
                old.display()
            ));
            continue;
        }
        if let Err(e) = fs::rename(old.join(&k.was), &to) {
            notes.push(format!(
                "未能把 {} 移入 {}（{e}），它仍在 {}",
                k.was,
                out.display(),
                old.display()
            ));
        }
    }
    for o in &owned_in(old, kind) {
        let p = old.join(&o.file);
        if out.join(&o.file).exists() && unchanged(&p, o) {
            fs::remove_file(&p).ok();
        }
    }
    fs::remove_file(old.join(kind.manifest)).ok();
    if fs::remove_dir(old).is_err() && old.exists() {
        notes.push(format!(
            "上次的结果中还有文件未能处理，留在 {}，请查看",
            old.display()
        ));
    }
    notes
}

/// A directory of new files, beside where they go, removed when dropped.
pub struct Staging {
    path: PathBuf,
}

impl Staging {
    /// A fresh directory beside `dir` (same file system, so the files move by renaming).
    pub fn beside(dir: &Path) -> Result<Staging> {
        let dir = absolute(dir)?;
        let parent = dir.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent).with_context(|| format!("无法创建目录 {}", parent.display()))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let path = parent.join(unique(&format!(".{name}.gen-")));
        fs::create_dir(&path).with_context(|| format!("无法创建 {}", path.display()))?;
        Ok(Staging { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Move every staged file into `dir` at the same relative path. A file already there
    /// with the same bytes is left alone; one with other bytes is replaced only with `force`
    /// — otherwise nothing moves and the conflicts are listed.
    pub fn add_to(self, dir: &Path, force: bool) -> Result<()> {
        let mut files = Vec::new();
        let mut stack = vec![PathBuf::new()];
        while let Some(rel) = stack.pop() {
            for n in entry_names(&self.path.join(&rel))? {
                let r = rel.join(n);
                if self.path.join(&r).is_dir() {
                    stack.push(r);
                } else {
                    files.push(r);
                }
            }
        }
        files.sort();
        let mut conflicts = Vec::new();
        let mut moves = Vec::new();
        for r in files {
            let (from, to) = (self.path.join(&r), dir.join(&r));
            match fs::symlink_metadata(&to) {
                Err(_) => moves.push((from, to)),
                Ok(m) if m.is_file() && fs::read(&to).ok() == fs::read(&from).ok() => {}
                Ok(m) if m.is_file() && force => moves.push((from, to)),
                Ok(_) => conflicts.push(r.display().to_string()),
            }
        }
        if !conflicts.is_empty() {
            let n = conflicts.len();
            conflicts.truncate(5);
            bail!(
                "{} 中已有 {n} 个同名而内容不同的文件（{}）；为免覆盖，未写入任何文件。请换一个新目录，或确认可以替换后加 --force",
                dir.display(),
                conflicts.join("、")
            );
        }
        for (from, to) in moves {
            if let Some(p) = to.parent() {
                fs::create_dir_all(p).with_context(|| format!("无法创建目录 {}", p.display()))?;
            }
            fs::rename(&from, &to).with_context(|| format!("无法写入 {}", to.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        fs::remove_dir_all(&self.path).ok();
    }
}

/// Write one output file whole (a unique temporary file beside it, then a rename). An
/// existing `path` is replaced only when it is a report this tool wrote (JSON whose
/// `provenance.tool` or `tool` is "reeval"), never when it is one of `inputs`, a directory
/// or anything else.
pub fn write_file(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<()> {
    let abs = absolute(path)?;
    let real = resolved(&abs);
    for i in inputs {
        if resolved(&absolute(i)?) == real {
            bail!(
                "输出文件 {} 是本次的输入文件；为免覆盖它，未写入。请换一个文件名",
                path.display()
            );
        }
    }
    let mut previous = None;
    if let Ok(meta) = fs::symlink_metadata(&abs) {
        if meta.is_dir() {
            bail!("输出文件 {} 是一个目录；请给出文件名", path.display());
        }
        if !meta.is_file() || !written_by_reeval(&abs) {
            bail!(
                "{} 已存在，且不是 reeval 写的报告（或是符号链接）；为免覆盖它，未写入。请换一个文件名，或先移走它",
                path.display()
            );
        }
        // A report that differs from the new one may carry the auditor's entries: it is kept
        // beside, never replaced.
        if fs::read(&abs).ok().as_deref() != Some(bytes) {
            previous = Some(abs.clone());
        }
    }
    let dir = abs.parent().unwrap_or(Path::new("/"));
    fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if let Some(prev) = previous {
        let used: BTreeSet<String> = entry_names(dir)?.into_iter().collect();
        let keep = dir.join(free_name_as(&name, &used, "上一版"));
        fs::rename(&prev, &keep)
            .with_context(|| format!("无法把已有的 {} 改名保留", path.display()))?;
        eprintln!(
            "注意：{} 已存在且内容不同，原文件已改名保留为 {}",
            path.display(),
            keep.display()
        );
    }
    let tmp = dir.join(unique(&format!(".{name}.tmp-")));
    let written = fs::write(&tmp, bytes)
        .with_context(|| format!("无法写入 {}", tmp.display()))
        .and_then(|_| {
            fs::rename(&tmp, &abs).with_context(|| format!("无法写入 {}", path.display()))
        });
    if written.is_err() {
        fs::remove_file(&tmp).ok();
    }
    written
}

/// A JSON report of this tool's (read at most 64 MiB).
fn written_by_reeval(path: &Path) -> bool {
    let Ok(f) = File::open(path) else {
        return false;
    };
    let mut text = Vec::new();
    if f.take(64 << 20).read_to_end(&mut text).is_err() {
        return false;
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return false;
    };
    let tool = v
        .pointer("/provenance/tool")
        .or_else(|| v.pointer("/tool"))
        .and_then(|t| t.as_str());
    tool == Some(env!("CARGO_PKG_NAME"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_do_not_collide() {
        let used: BTreeSet<String> = ["a.xlsx", "a（已修改）.xlsx", "notes"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(free_name("b.xlsx", &used), "b.xlsx");
        assert_eq!(free_name("a.xlsx", &used), "a（已修改2）.xlsx");
        assert_eq!(free_name("notes", &used), "notes（已修改）");
    }

    #[test]
    fn absolute_removes_dots() {
        let p = absolute(Path::new("/a/b/../c/./d")).unwrap();
        assert_eq!(p, PathBuf::from("/a/c/d"));
    }
}
