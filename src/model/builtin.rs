//! Data that travels with the binary: every file of `data/` and every indicator set of
//! `indicator_sets/`, embedded at build time with `include_str!`, so a binary copied or
//! installed anywhere needs nothing from the checkout it was built in.
//!
//! One hand-written table rather than a build script generating it: adding a file is one line
//! here, the table is greppable, and the build needs no build.rs step; the unit test
//! `every_data_file_is_embedded` fails when a file under `data/` or `indicator_sets/` is
//! missing from the table or differs from it, so the table cannot fall behind the directory.
//!
//! Outputs name built-in data `builtin:<name>` (`builtin:rules.toml`,
//! `builtin:indicator_sets/xundian-2023.toml`) with the SHA-256 of its bytes, never a path.
//! Files override the built-ins where the commands take them (`--profile`, `--config`,
//! `--citations`, an indicator-set file named in engagement.toml …).

use crate::model::provenance::InputFile;
use sha2::{Digest, Sha256};

/// One embedded file: its name (its path under `data/`, or `indicator_sets/…`) and text.
#[derive(Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! embed {
    ($($path:literal => $name:literal),* $(,)?) => {
        &[$(Builtin { name: $name, text: include_str!(concat!("../../", $path)) }),*]
    };
}

/// Every embedded file, in the order of the source tree.
pub const ALL: &[Builtin] = embed![
    "data/calendar/cn.toml" => "calendar/cn.toml",
    "data/charts/gov-2017.toml" => "charts/gov-2017.toml",
    "data/charts/ssf-2017.toml" => "charts/ssf-2017.toml",
    "data/categories.toml" => "categories.toml",
    "data/citations.toml" => "citations.toml",
    "data/claims.toml" => "claims.toml",
    "data/engagement-template.toml" => "engagement-template.toml",
    "data/profiles/assets-generic.toml" => "profiles/assets-generic.toml",
    "data/profiles/balances-generic.toml" => "profiles/balances-generic.toml",
    "data/profiles/generic.toml" => "profiles/generic.toml",
    "data/profiles/kingdee.toml" => "profiles/kingdee.toml",
    "data/profiles/performance.toml" => "profiles/performance.toml",
    "data/profiles/supporting.toml" => "profiles/supporting.toml",
    "data/profiles/voucher-detail-2row.toml" => "profiles/voucher-detail-2row.toml",
    "data/profiles/yonyou-grp-u8.toml" => "profiles/yonyou-grp-u8.toml",
    "data/profiles/yonyou-u8.toml" => "profiles/yonyou-u8.toml",
    "data/review.toml" => "review.toml",
    "data/rules.toml" => "rules.toml",
    "data/sampling/populations.toml" => "sampling/populations.toml",
    "data/scoring-inputs-template.toml" => "scoring-inputs-template.toml",
    "data/scoring/grades.toml" => "scoring/grades.toml",
    "data/scoring/kind_names.toml" => "scoring/kind_names.toml",
    "data/scoring/ledger_map.toml" => "scoring/ledger_map.toml",
    "data/report.toml" => "report.toml",
    "data/workbook/layout.toml" => "workbook/layout.toml",
    "indicator_sets/common-53.toml" => "indicator_sets/common-53.toml",
    "indicator_sets/xundian-2023.toml" => "indicator_sets/xundian-2023.toml",
    "templates/appendix.md.j2" => "templates/appendix.md.j2",
    "templates/problems.md.j2" => "templates/problems.md.j2",
    "templates/report.md.j2" => "templates/report.md.j2",
];

/// The built-in data every `reeval run` consults (the base any override file goes on top of):
/// rules, citations, calendar, mapping profiles, charts; and, when it scores, the scoring
/// tables. Templates (read by `init`) and indicator sets (recorded when used) are not listed.
pub fn consulted(scoring: bool) -> Vec<&'static Builtin> {
    ALL.iter()
        .filter(|b| {
            let scoring_table = b.name.starts_with("scoring/");
            !b.name.starts_with("indicator_sets/")
                && !b.name.starts_with("templates/")
                && !b.name.ends_with("-template.toml")
                && (scoring || !scoring_table)
        })
        .collect()
}

pub fn get(name: &str) -> Option<&'static Builtin> {
    ALL.iter().find(|b| b.name == name)
}

/// The built-in indicator set called `name` (`xundian-2023`, `xundian-2023.toml` or
/// `indicator_sets/xundian-2023.toml`).
pub fn indicator_set(name: &str) -> Option<&'static Builtin> {
    let base = name.strip_prefix("indicator_sets/").unwrap_or(name);
    let file = if base.ends_with(".toml") {
        base.to_string()
    } else {
        format!("{base}.toml")
    };
    get(&format!("indicator_sets/{file}"))
}

/// The names of the built-in indicator sets, for messages (`common-53、xundian-2023`).
pub fn indicator_set_names() -> Vec<&'static str> {
    ALL.iter()
        .filter_map(|b| b.name.strip_prefix("indicator_sets/"))
        .map(|n| n.trim_end_matches(".toml"))
        .collect()
}

impl Builtin {
    /// How provenance records it: `builtin:<name>`, the SHA-256 and size of its bytes.
    pub fn input(&self) -> InputFile {
        let digest = Sha256::digest(self.text.as_bytes());
        InputFile {
            path: format!("builtin:{}", self.name),
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
            bytes: self.text.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn files(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, root, out);
            } else if p.extension().is_some_and(|x| x == "toml" || x == "j2") {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }

    /// Every data file of the source tree is embedded, byte for byte (a new file that is not
    /// in the table would be found through the checkout, or not at all, by a copied binary).
    #[test]
    fn every_data_file_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        files(&root.join("data"), root, &mut on_disk);
        files(&root.join("indicator_sets"), root, &mut on_disk);
        files(&root.join("templates"), root, &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = ALL
            .iter()
            .map(|b| {
                if b.name.starts_with("indicator_sets/") || b.name.starts_with("templates/") {
                    b.name.to_string()
                } else {
                    format!("data/{}", b.name)
                }
            })
            .collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
        for b in ALL {
            let file = if b.name.starts_with("indicator_sets/") || b.name.starts_with("templates/")
            {
                root.join(b.name)
            } else {
                root.join("data").join(b.name)
            };
            assert_eq!(
                std::fs::read_to_string(&file).unwrap(),
                b.text,
                "{}",
                b.name
            );
        }
    }

    #[test]
    fn builtin_inputs_are_named_and_hashed() {
        let b = indicator_set("xundian-2023").unwrap();
        assert_eq!(b.name, "indicator_sets/xundian-2023.toml");
        assert!(indicator_set("indicator_sets/xundian-2023.toml").is_some());
        assert!(indicator_set("nope").is_none());
        let i = b.input();
        assert_eq!(i.path, "builtin:indicator_sets/xundian-2023.toml");
        assert_eq!(i.sha256.len(), 64);
        assert_eq!(i.bytes, b.text.len() as u64);
        assert_eq!(indicator_set_names(), ["common-53", "xundian-2023"]);
        let c = consulted(false);
        assert!(c.iter().any(|b| b.name == "rules.toml"));
        assert!(!c.iter().any(|b| b.name.starts_with("scoring/")));
        assert!(consulted(true)
            .iter()
            .any(|b| b.name == "scoring/grades.toml"));
    }
}
