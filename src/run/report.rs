//! Step 6 — 报告: the report draft `报告-<id>.docx` and `报告-<id>.md` (and the chart
//! `报告-<id>-图1.png`) from this run's documents, checked against the loaded books.

use super::{Commit, Run, State, Step};
use crate::report::{self, Settings, Sources};
use crate::run::engagement::Engagement;
use crate::score::inputs::ScoringInputs;
use crate::workbook::Documents;
use anyhow::{Context, Result};
use polars::prelude::DataFrame;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

pub const STEP: Step = Step {
    id: "report",
    title: "报告",
    run: Run::Beside(run),
    needs: &["load", "check", "score"],
};

/// The vouchers in the loaded books, `(entity, "2023-03 记-19")`.
pub fn book_vouchers(lines: &DataFrame) -> Result<BTreeSet<(String, String)>> {
    let mut out = BTreeSet::new();
    if lines.height() == 0 {
        return Ok(out);
    }
    let entity = lines.column("entity")?.str()?;
    let year = lines.column("year")?.i32()?;
    let period = lines.column("period")?.u32()?;
    let kind = lines.column("voucher_kind")?.str()?;
    let number = lines.column("voucher_number")?.u32()?;
    for i in 0..lines.height() {
        if let (Some(e), Some(y), Some(p), Some(k), Some(n)) = (
            entity.get(i),
            year.get(i),
            period.get(i),
            kind.get(i),
            number.get(i),
        ) {
            out.insert((e.to_string(), format!("{y}-{p:02} {k}-{n}")));
        }
    }
    Ok(out)
}

/// The vouchers the findings name, `(entity, "2023-03 记-19")`, that are in the loaded books:
/// what the report's check asks of [`book_vouchers`], without a key per journal line. One pass
/// over the lines; a line of the same voucher as the line before is skipped, and a label is
/// written (into one reused buffer) only for an entity some finding names.
pub fn book_vouchers_named(
    lines: &DataFrame,
    findings: &[crate::model::findings::Finding],
) -> Result<BTreeSet<(String, String)>> {
    let mut out = BTreeSet::new();
    let mut wanted: HashMap<&str, HashSet<String>> = HashMap::new();
    for f in findings {
        if let (Some(e), Some(v)) = (&f.entity, &f.voucher) {
            wanted
                .entry(e.as_str())
                .or_default()
                .insert(crate::report::context::voucher_base(v));
        }
    }
    if lines.height() == 0 || wanted.is_empty() {
        return Ok(out);
    }
    let entity = lines.column("entity")?.str()?;
    let year = lines.column("year")?.i32()?;
    let period = lines.column("period")?.u32()?;
    let kind = lines.column("voucher_kind")?.str()?;
    let number = lines.column("voucher_number")?.u32()?;
    let mut last: Option<(&str, i32, u32, &str, u32)> = None;
    let mut label = String::new();
    for ((((e, y), p), k), n) in entity
        .iter()
        .zip(year.iter())
        .zip(period.iter())
        .zip(kind.iter())
        .zip(number.iter())
    {
        let (Some(e), Some(y), Some(p), Some(k), Some(n)) = (e, y, p, k, n) else {
            continue;
        };
        let key = (e, y, p, k, n);
        if last == Some(key) {
            continue;
        }
        last = Some(key);
        let Some(labels) = wanted.get(e) else {
            continue;
        };
        label.clear();
        write!(label, "{y}-{p:02} {k}-{n}").expect("writing to a String");
        if labels.contains(label.as_str()) {
            out.insert((e.to_string(), label.clone()));
        }
    }
    Ok(out)
}

/// The scoring inputs the report quotes (budget, staff), when the engagement scores.
pub fn scoring_inputs(e: &Engagement, dir: &Path) -> Result<Option<ScoringInputs>> {
    match &e.scoring {
        Some(sc) => Ok(Some(ScoringInputs::load(&dir.join(&sc.inputs))?)),
        None => Ok(None),
    }
}

fn run(st: &State) -> Result<Commit> {
    let e = st.engagement;
    let docs = Documents::read(&|name| st.staged(name))?;
    let loaded = st.loaded.as_ref().context("载入步骤未完成")?;
    let vouchers = book_vouchers_named(&loaded.frames.lines, &docs.findings.findings)?;
    let inputs = scoring_inputs(e, &st.dir)?;
    let settings = Settings::builtin()?;
    let r = report::build(&Sources {
        engagement: e,
        dir: &st.dir,
        findings: &docs.findings.findings,
        score: docs.score.as_ref(),
        inputs: inputs.as_ref(),
        vouchers: Some(&vouchers),
        settings: &settings,
        chart: true,
    })?;
    let [docx, md, png] = report::file_names(&e.engagement.id);
    Ok(Box::new(move |st: &mut State| {
        st.record_inputs(&r.template_inputs);
        for w in &r.warnings {
            eprintln!("注意：{w}");
        }
        st.write(&docx, &r.docx)?;
        st.write(&md, r.markdown.as_bytes())?;
        if let Some(p) = &r.chart {
            st.write(&png, p)?;
        }
        Ok(())
    }))
}

#[cfg(test)]
mod tests {
    use super::{book_vouchers, book_vouchers_named};
    use crate::model::findings::Finding;
    use polars::prelude::*;
    use std::collections::BTreeSet;

    fn lines() -> DataFrame {
        // Two entities, a voucher of several lines, the same key in another entity, a line
        // with no number, and a voucher whose lines are not adjacent.
        df!(
            "entity" => ["局机关", "局机关", "局机关", "社保中心", "局机关", "局机关", "局机关", "局机关"],
            "year" => [2023, 2023, 2023, 2023, 2023, 2023, 2023, 2023],
            "period" => [3u32, 3, 3, 3, 10, 3, 11, 12],
            "voucher_kind" => ["记", "记", "记", "记", "记", "记", "付", "记"],
            "voucher_number" => [Some(19u32), Some(19), Some(20), Some(19), Some(13), Some(19), Some(5), None],
        )
        .unwrap()
    }

    fn finding(entity: Option<&str>, voucher: Option<&str>) -> Finding {
        Finding {
            entity: entity.map(String::from),
            voucher: voucher.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn book_vouchers_named_are_the_books_vouchers_the_findings_name() {
        let findings = vec![
            finding(Some("局机关"), Some("2023-03 记-19")),
            // The first two words are what is looked up (a tag written after them is not).
            finding(Some("局机关"), Some("2023-10 记-13 （2023-10-20）")),
            // A tag joined to the number is part of the second word: not a voucher of the
            // books (as `book_vouchers` has it).
            finding(Some("局机关"), Some("2023-03 记-19（2023-03-20）")),
            finding(Some("社保中心"), Some("2023-03 记-19")),
            // Not in the books: another kind, another entity, another period.
            finding(Some("社保中心"), Some("2023-03 记-20")),
            finding(Some("局机关"), Some("2023-11 记-5")),
            finding(Some("局"), Some("2023-03 记-19")),
            finding(Some("局机关"), Some("2023-3 记-19")),
            // No entity or no voucher: never looked up.
            finding(None, Some("2023-03 记-20")),
            finding(Some("局机关"), None),
        ];
        let all = book_vouchers(&lines()).unwrap();
        let named = book_vouchers_named(&lines(), &findings).unwrap();
        let wanted: BTreeSet<(String, String)> = findings
            .iter()
            .filter_map(|f| {
                Some((
                    f.entity.clone()?,
                    crate::report::context::voucher_base(f.voucher.as_deref()?),
                ))
            })
            .collect();
        let expected: BTreeSet<(String, String)> = all.intersection(&wanted).cloned().collect();
        assert_eq!(named, expected);
        let s = |e: &str, v: &str| (e.to_string(), v.to_string());
        assert_eq!(
            named,
            BTreeSet::from([
                s("局机关", "2023-03 记-19"),
                s("局机关", "2023-10 记-13"),
                s("社保中心", "2023-03 记-19"),
            ])
        );
        assert!(book_vouchers_named(&lines(), &[]).unwrap().is_empty());
        assert!(book_vouchers_named(&lines().head(Some(0)), &findings)
            .unwrap()
            .is_empty());
    }
}
