//! The working-day calendar (`data/calendar/cn.toml`): statutory holidays and the 调休 working
//! weekends, per year.

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

const BUILTIN: &str = include_str!("../../data/calendar/cn.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Year {
    holidays: Vec<String>,
    workdays: Vec<String>,
}

pub struct Calendar {
    years: BTreeSet<i32>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .with_context(|| format!("日历中的日期“{s}”应写成 YYYY-MM-DD"))
}

impl Calendar {
    pub fn builtin() -> Result<Calendar> {
        let years: BTreeMap<String, Year> = toml::from_str(BUILTIN).context("内置日历无法解析")?;
        let mut c = Calendar {
            years: BTreeSet::new(),
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        };
        for (y, t) in years {
            c.years.insert(
                y.parse()
                    .with_context(|| format!("日历年份“{y}”不是数字"))?,
            );
            for h in &t.holidays {
                let (a, b) = match h.split_once("..") {
                    Some((a, b)) => (day(a)?, day(b)?),
                    None => (day(h)?, day(h)?),
                };
                if b < a {
                    bail!("日历区间 {h} 的结束早于开始");
                }
                let mut d = a;
                while d <= b {
                    c.holidays.insert(d);
                    d = d.succ_opt().context("日期溢出")?;
                }
            }
            for w in &t.workdays {
                c.workdays.insert(day(w)?);
            }
        }
        Ok(c)
    }

    /// Whether `d` is a working day; `None` when the calendar has no data for its year.
    pub fn is_workday(&self, d: NaiveDate) -> Option<bool> {
        if !self.years.contains(&d.year()) {
            return None;
        }
        if self.workdays.contains(&d) {
            return Some(true);
        }
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        Some(!weekend && !self.holidays.contains(&d))
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
