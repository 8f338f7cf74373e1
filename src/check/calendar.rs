//! The working-day calendar (`data/calendar/cn.toml`): statutory holidays and the 调休 working
//! weekends, per year.

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const BUILTIN: &str = include_str!("../../data/calendar/cn.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Year {
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    workdays: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeSet<i32>,
    /// Every day a calendar file lists: `true` a working day (调休), `false` a holiday. A later
    /// file wins over an earlier one for the same day.
    listed: BTreeMap<NaiveDate, bool>,
}

fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .with_context(|| format!("日期“{s}”应写成 YYYY-MM-DD"))
}

impl Calendar {
    pub fn builtin() -> Result<Calendar> {
        let mut c = Calendar {
            years: BTreeSet::new(),
            listed: BTreeMap::new(),
        };
        c.add(BUILTIN)
            .context("内置日历 data/calendar/cn.toml 有误")?;
        Ok(c)
    }

    /// The built-in calendar with an engagement's calendar file on top (same shape as
    /// data/calendar/cn.toml): a year the built-in does not cover, a local holiday, a 调休
    /// day. The file adds to the built-in; a day it lists wins over the built-in's listing
    /// of that day (a built-in holiday listed under `workdays` becomes a working day).
    pub fn with_file(path: Option<&Path>) -> Result<Calendar> {
        let mut c = Calendar::builtin()?;
        if let Some(p) = path {
            let text = crate::model::provenance::read_input_text(p)
                .with_context(|| format!("无法读取节假日日历 {}", p.display()))?;
            c.add(&text)
                .with_context(|| format!("节假日日历 {} 有误", p.display()))?;
        }
        Ok(c)
    }

    fn add(&mut self, text: &str) -> Result<()> {
        let years: BTreeMap<String, Year> = toml::from_str(text)
            .context("应与 data/calendar/cn.toml 同结构：每年一节 [年份]，含 holidays、workdays 两个日期列表")?;
        // Holidays of every year first, then the working days, so that within one file a
        // 调休 day listed under `workdays` wins over a range under `holidays`.
        let mut holidays = Vec::new();
        let mut workdays = Vec::new();
        for (y, t) in years {
            let year: i32 = y
                .trim()
                .parse()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .with_context(|| format!("年份“{y}”应为四位数字，如 [2026]"))?;
            self.years.insert(year);
            for h in &t.holidays {
                let (a, b) = match h.split_once("..") {
                    Some((a, b)) => (day(a)?, day(b)?),
                    None => (day(h)?, day(h)?),
                };
                if b < a {
                    bail!("区间 {h} 的结束早于开始");
                }
                if (b - a).num_days() > 366 {
                    bail!("区间 {h} 超过一年");
                }
                let mut d = a;
                while d <= b {
                    holidays.push(d);
                    d = d.succ_opt().context("日期溢出")?;
                }
            }
            for w in &t.workdays {
                workdays.push(day(w)?);
            }
        }
        for d in holidays {
            self.listed.insert(d, false);
        }
        for d in workdays {
            self.listed.insert(d, true);
        }
        Ok(())
    }

    /// Whether `d` is a working day; `None` when the calendar has no data for its year.
    pub fn is_workday(&self, d: NaiveDate) -> Option<bool> {
        if !self.years.contains(&d.year()) {
            return None;
        }
        if let Some(&work) = self.listed.get(&d) {
            return Some(work);
        }
        Some(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holidays_and_adjusted_working_weekends() {
        let c = Calendar::builtin().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(c.is_workday(d("2023-01-27")), Some(false)); // 春节, a Friday
        assert_eq!(c.is_workday(d("2023-01-28")), Some(true)); // 调休 Saturday
        assert_eq!(c.is_workday(d("2023-03-25")), Some(false)); // ordinary Saturday
        assert_eq!(c.is_workday(d("2023-03-24")), Some(true));
        assert_eq!(c.is_workday(d("2023-10-04")), Some(false)); // 国庆
        assert_eq!(c.is_workday(d("2019-06-03")), None);
    }
}
