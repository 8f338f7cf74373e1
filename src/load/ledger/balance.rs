//! The balance check of a ledger file's journal lines: debits equal credits per voucher and
//! basis, the file's voucher count, and voucher numbers used on several dates.

use super::model::{LineRef, LineStore};
use crate::load::report::{DuplicateNumber, FileReport, Unbalanced};
use crate::model::money::Fen;
use crate::model::texts::Texts;
use crate::model::voucher::VoucherId;
use chrono::NaiveDate;

/// Debits must equal credits per voucher and per basis (财务会计 and 预算会计 each balance).
/// A voucher is its entity, 账套, period, word and number, and its date: one number used on
/// two dates of a period is two vouchers, each checked on its own, and listed in
/// `duplicate_voucher_numbers` (a numbering anomaly, never a silent merge).
pub(crate) fn check_balance(lines: &LineStore, report: &mut FileReport) {
    let t0 = std::time::Instant::now();
    // A voucher and basis as numbers: the texts (entity, 账套, word, basis) by their place
    // among the file's distinct texts in text order, so that the key hashes and sorts as
    // integers (string comparisons in the sort were a third of the check) and sorts as the
    // texts would.
    let mut texts = KeyTexts::default();
    // A voucher's consecutive lines are summed as one run; each run becomes one entry
    // (no hash map: at a million lines its lookups, each a cache miss on a map of 200k
    // vouchers, were most of the check). The entries are then ranked, sorted stably (a
    // voucher's runs stay in file order) and the runs of one key added up in that order:
    // the sums a map filled in file order gives, saturation included.
    let mut runs: Vec<(Key, (Fen, Fen))> = Vec::new();
    let mut run: Option<(LineRef, (Fen, Fen))> = None;
    for l in lines.iter() {
        match &mut run {
            Some((first, sum)) if same_voucher(first, &l) => {
                sum.0 += l.debit();
                sum.1 += l.credit();
            }
            _ => {
                if let Some((first, sum)) = run.take() {
                    runs.push((texts.key(first), sum));
                }
                run = Some((l, (l.debit(), l.credit())));
            }
        }
    }
    if let Some((first, sum)) = run {
        runs.push((texts.key(first), sum));
    }
    let ranks = texts.ranks();
    for r in runs.iter_mut() {
        r.0 = ranks.rank(r.0);
    }
    runs.sort_by_key(|s| s.0);
    let mut sums: Vec<(Key, (Fen, Fen))> = Vec::with_capacity(runs.len());
    for (k, (d, c)) in runs {
        match sums.last_mut() {
            Some((last, sum)) if *last == k => {
                sum.0 += d;
                sum.1 += c;
            }
            // As a map's entry: zero, then the run added.
            _ => sums.push((k, (Fen::ZERO + d, Fen::ZERO + c))),
        }
    }
    let mut vouchers: Vec<Voucher> = sums.iter().map(|(k, _)| voucher(k)).collect();
    vouchers.dedup();
    report.vouchers = vouchers.len();
    // One number on several dates within a period (and 账套): the vouchers are sorted, so a
    // number's dates are consecutive.
    for same in vouchers.chunk_by(|a, b| a.0 == b.0) {
        if same.len() > 1 {
            report.duplicate_voucher_numbers.push(DuplicateNumber {
                voucher: ranks.voucher_id(&same[0].0),
                dates: same
                    .iter()
                    .map(|v| v.1.format("%Y-%m-%d").to_string())
                    .collect(),
            });
        }
    }
    // An unbalanced voucher is named with what tells it apart from others of its number (its
    // date): the tags of a number's group depend on that group alone, and the groups are
    // consecutive, so only groups holding an unbalanced voucher are tagged.
    for group in sums.chunk_by(|a, b| voucher(&a.0).0 == voucher(&b.0).0) {
        if group.iter().all(|(_, (d, c))| d == c) {
            continue;
        }
        let members: Vec<(Number, &str, Option<NaiveDate>)> = group
            .iter()
            .map(|(k, _)| {
                let (number, date) = voucher(k);
                (number, "", Some(date))
            })
            .collect();
        let tags = crate::model::voucher::tags(&members);
        for ((k, (d, c)), tag) in group.iter().zip(tags) {
            if d != c {
                report.vouchers_unbalanced.push(Unbalanced {
                    voucher: format!(
                        "{}{}",
                        ranks.voucher_id(&voucher(k).0),
                        tag.unwrap_or_default()
                    ),
                    basis: ranks.basis.texts[k.7 as usize].to_string(),
                    debit: *d,
                    credit: *c,
                    difference: *d - *c,
                });
            }
        }
    }
    crate::load::span("check_balance (this file)", t0);
}

/// A voucher and basis: entity, 账套 (0 for none, else 1 + its number), year, period, word,
/// number, date, basis — texts by number ([`Texts`]).
type Key = (u32, u32, i32, u32, u32, u32, NaiveDate, u32);
/// A voucher number within its period: entity, 账套, year, period, word, number.
type Number = (u32, u32, i32, u32, u32, u32);
/// A voucher: its number and its date.
type Voucher = (Number, NaiveDate);

fn voucher(&(e, b, y, p, k, n, d, _): &Key) -> Voucher {
    ((e, b, y, p, k, n), d)
}

/// Whether two lines are of the same voucher and basis (the key's fields, compared as texts).
fn same_voucher(a: &LineRef, b: &LineRef) -> bool {
    a.voucher_number() == b.voucher_number()
        && a.date() == b.date()
        && a.period() == b.period()
        && a.year() == b.year()
        && a.voucher_kind() == b.voucher_kind()
        && (a.entity_id() == b.entity_id() || a.entity() == b.entity())
        && (a.basis_id() == b.basis_id() || a.basis() == b.basis())
        && a.book() == b.book()
}

/// A key field's texts in text order, and each first-seen number's rank among them.
fn ranked(t: Texts<'_>) -> Ranked<'_> {
    let rank = t.ranks();
    let mut texts = vec![""; rank.len()];
    for (n, &r) in rank.iter().enumerate() {
        texts[r as usize] = t.text(n as u32);
    }
    Ranked { texts, rank }
}

struct Ranked<'a> {
    texts: Vec<&'a str>,
    rank: Vec<u32>,
}

#[derive(Default)]
struct KeyTexts<'a> {
    entity: Texts<'a>,
    book: Texts<'a>,
    kind: Texts<'a>,
    basis: Texts<'a>,
}

impl<'a> KeyTexts<'a> {
    fn key(&mut self, l: LineRef<'a>) -> Key {
        (
            self.entity.number(l.entity()),
            l.book().map_or(0, |b| 1 + self.book.number(b)),
            l.year(),
            l.period(),
            self.kind.number(l.voucher_kind()),
            l.voucher_number(),
            l.date(),
            self.basis.number(l.basis()),
        )
    }

    fn ranks(self) -> KeyRanks<'a> {
        KeyRanks {
            entity: ranked(self.entity),
            book: ranked(self.book),
            kind: ranked(self.kind),
            basis: ranked(self.basis),
        }
    }
}

struct KeyRanks<'a> {
    entity: Ranked<'a>,
    book: Ranked<'a>,
    kind: Ranked<'a>,
    basis: Ranked<'a>,
}

impl KeyRanks<'_> {
    /// A key of first-seen numbers → the same key by text order (no 账套 stays 0, before any).
    fn rank(&self, (e, b, y, p, k, n, d, s): Key) -> Key {
        let r = |t: &Ranked, i: u32| t.rank[i as usize];
        (
            r(&self.entity, e),
            if b == 0 { 0 } else { 1 + r(&self.book, b - 1) },
            y,
            p,
            r(&self.kind, k),
            n,
            d,
            r(&self.basis, s),
        )
    }

    /// `局机关 2023-03 记-19` of a ranked number.
    fn voucher_id(&self, &(e, _, y, p, k, n): &Number) -> String {
        VoucherId::new(
            self.entity.texts[e as usize],
            y,
            p,
            self.kind.texts[k as usize],
            n,
        )
        .with_entity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::ledger::model::{test_line, LedgerLine};

    // The check as it was before its keys became numbers: the texts compared as texts.
    fn reference(lines: &[LedgerLine], report: &mut FileReport) {
        // Keys borrow from the lines: no allocation per line on a million-line ledger.
        type Key<'a> = (&'a str, Option<&'a str>, i32, u32, &'a str, u32, NaiveDate);
        fn key(l: &LedgerLine) -> Key<'_> {
            let book = l.book.as_deref();
            (
                &l.entity,
                book,
                l.year,
                l.period,
                &l.voucher_kind,
                l.voucher_number,
                l.date,
            )
        }
        // Summed in a hash map (a tree map's string comparisons per line were a tenth of a CSV
        // load), a voucher's consecutive lines added to the entry of the line above without a
        // lookup; then sorted once per voucher and basis: the order a tree map iterates in.
        let mut by_key: std::collections::HashMap<(Key, &str), (Fen, Fen)> =
            std::collections::HashMap::with_capacity(lines.len() / 2);
        /// A voucher and basis, with its debit and credit sums.
        type Sum<'a> = ((Key<'a>, &'a str), (Fen, Fen));
        let mut run: Option<Sum> = None;
        for l in lines {
            let k = (key(l), l.basis.as_str());
            match &mut run {
                Some((rk, sum)) if *rk == k => {
                    sum.0 += l.debit;
                    sum.1 += l.credit;
                }
                _ => {
                    if let Some((rk, (d, c))) = run.take() {
                        let e = by_key.entry(rk).or_default();
                        e.0 += d;
                        e.1 += c;
                    }
                    run = Some((k, (l.debit, l.credit)));
                }
            }
        }
        if let Some((rk, (d, c))) = run {
            let e = by_key.entry(rk).or_default();
            e.0 += d;
            e.1 += c;
        }
        let mut sums: Vec<Sum> = by_key.into_iter().collect();
        sums.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut vouchers: Vec<&Key> = sums.iter().map(|((k, _), _)| k).collect();
        vouchers.dedup();
        report.vouchers = vouchers.len();
        // One number on several dates within a period (and 账套): the vouchers are sorted, so a
        // number's dates are consecutive.
        type Number<'a> = (&'a str, Option<&'a str>, i32, u32, &'a str, u32);
        fn number<'a>(&&(e, b, y, p, k, n, _): &&Key<'a>) -> Number<'a> {
            (e, b, y, p, k, n)
        }
        for same in vouchers.chunk_by(|a, b| number(a) == number(b)) {
            if same.len() > 1 {
                let (e, _, y, p, k, n) = number(&same[0]);
                report.duplicate_voucher_numbers.push(DuplicateNumber {
                    voucher: VoucherId::new(e, y, p, k, n).with_entity(),
                    dates: same
                        .iter()
                        .map(|v| v.6.format("%Y-%m-%d").to_string())
                        .collect(),
                });
            }
        }
        // An unbalanced voucher is named with what tells it apart from others of its number (its
        // date): the tags of a number's group depend on that group alone, and the groups are
        // consecutive, so only groups holding an unbalanced voucher are tagged.
        type Member<'a> = (Number<'a>, &'static str, Option<NaiveDate>);
        fn member<'a>((((e, b, y, p, k, n, d), _), _): &Sum<'a>) -> Member<'a> {
            ((*e, *b, *y, *p, *k, *n), "", Some(*d))
        }
        for group in sums.chunk_by(|a, b| member(a).0 == member(b).0) {
            if group.iter().all(|(_, (d, c))| d == c) {
                continue;
            }
            let members: Vec<_> = group.iter().map(member).collect();
            let tags = crate::model::voucher::tags(&members);
            for ((((entity, _, year, period, kind, number, _), basis), (d, c)), tag) in
                group.iter().zip(tags)
            {
                if d != c {
                    report.vouchers_unbalanced.push(Unbalanced {
                        voucher: format!(
                            "{}{}",
                            VoucherId::new(entity, *year, *period, kind, *number).with_entity(),
                            tag.unwrap_or_default()
                        ),
                        basis: basis.to_string(),
                        debit: *d,
                        credit: *c,
                        difference: *d - *c,
                    });
                }
            }
        }
    }

    /// Pseudo-random lines (a fixed LCG): entities, 账套, words and bases whose first-seen
    /// order is not their text order, vouchers split into non-consecutive runs, numbers used
    /// on several dates, unbalanced vouchers among balanced ones.
    fn lines(n: usize, seed: u64) -> Vec<LedgerLine> {
        let mut x = seed;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        let mut out = Vec::new();
        while out.len() < n {
            let entity = ["社保中心", "局机关", "Z单位"][next(3) as usize];
            let book = [None, Some("B账套"), Some("A账套")][next(3) as usize];
            let kind = ["记", "付", "收", ""][next(4) as usize];
            let number = 1 + next(6) as u32;
            let date = NaiveDate::from_ymd_opt(2023, 1 + next(2) as u32, 1 + next(3) as u32)
                .expect("date");
            let basis = ["预算会计", "财务会计"][next(2) as usize];
            let amount = 100 * (1 + next(5) as i64);
            let off = if next(7) == 0 { 1 } else { 0 };
            for _ in 0..1 + next(3) {
                out.push(test_line(
                    entity, book, kind, number, date, basis, amount, 0,
                ));
                out.push(test_line(
                    entity,
                    book,
                    kind,
                    number,
                    date,
                    basis,
                    0,
                    amount + off,
                ));
            }
        }
        out
    }

    fn outcome(r: &FileReport) -> String {
        serde_json::json!({
            "vouchers": r.vouchers,
            "duplicates": r.duplicate_voucher_numbers,
            "unbalanced": r.vouchers_unbalanced,
        })
        .to_string()
    }

    #[test]
    fn check_balance_as_the_text_keyed_check() {
        for (n, seed) in [(0, 1), (1, 2), (40, 3), (500, 4), (5_000, 5), (20_000, 6)] {
            let lines = lines(n, seed);
            let (mut new, mut old) = (FileReport::default(), FileReport::default());
            check_balance(&LineStore::from_lines(&lines), &mut new);
            reference(&lines, &mut old);
            assert_eq!(outcome(&new), outcome(&old), "{n} lines, seed {seed}");
            if n >= 500 {
                // The cases the comparison is about are there.
                assert!(!new.vouchers_unbalanced.is_empty(), "{n}");
                assert!(!new.duplicate_voucher_numbers.is_empty(), "{n}");
                assert!(new
                    .vouchers_unbalanced
                    .iter()
                    .any(|u| u.voucher.contains('（')));
            }
        }
    }

    #[test]
    fn check_balance_adds_a_vouchers_split_runs_in_file_order() {
        // One voucher in three runs apart (other vouchers between them), amounts that
        // saturate: added in file order, MAX then +5 (saturated) then -MAX gives 0, where
        // MAX, -MAX, +5 would give 5. Against the map-keyed check, and the plain split case.
        let d = NaiveDate::from_ymd_opt(2023, 4, 1).expect("date");
        let big = i64::MAX;
        let mut lines = vec![
            test_line("局机关", None, "记", 1, d, "财务会计", big, 0),
            test_line("局机关", None, "记", 2, d, "财务会计", 10, 10),
            test_line("局机关", None, "记", 1, d, "财务会计", 5, 0),
            test_line("局机关", None, "记", 3, d, "财务会计", 7, 0),
            test_line("局机关", None, "记", 1, d, "财务会计", -big, 0),
        ];
        let (mut new, mut old) = (FileReport::default(), FileReport::default());
        check_balance(&LineStore::from_lines(&lines), &mut new);
        reference(&lines, &mut old);
        assert_eq!(outcome(&new), outcome(&old));
        assert_eq!(new.vouchers, 3);
        // 记-1 sums to 0 = 0 (balanced), 记-3 is 7 against 0.
        assert_eq!(new.vouchers_unbalanced.len(), 1, "{}", outcome(&new));
        assert!(new.vouchers_unbalanced[0].voucher.ends_with("记-3"));
        // Split runs without saturation: 记-1's runs meet again, and it balances.
        lines[0].debit = Fen(30);
        lines[2] = test_line("局机关", None, "记", 1, d, "财务会计", 0, 40);
        lines[4].debit = Fen(10);
        let mut r = FileReport::default();
        check_balance(&LineStore::from_lines(&lines), &mut r);
        assert_eq!(r.vouchers, 3);
        assert_eq!(r.vouchers_unbalanced.len(), 1);
    }

    #[test]
    fn check_balance_balanced_and_unbalanced() {
        let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).expect("date");
        let lines = vec![
            test_line("局机关", None, "记", 5, d(3, 1), "财务会计", 100, 0),
            test_line("局机关", None, "记", 5, d(3, 1), "财务会计", 0, 100),
            test_line("局机关", None, "记", 5, d(3, 1), "预算会计", 0, 90),
            test_line("局机关", None, "记", 6, d(3, 2), "财务会计", 50, 0),
            test_line("局机关", None, "记", 5, d(3, 1), "预算会计", 90, 0),
            test_line("局机关", None, "记", 6, d(3, 2), "财务会计", 0, 50),
        ];
        let mut r = FileReport::default();
        check_balance(&LineStore::from_lines(&lines), &mut r);
        assert_eq!(r.vouchers, 2);
        assert!(r.vouchers_unbalanced.is_empty());
        assert!(r.duplicate_voucher_numbers.is_empty());
        // The same number on another date of the period: two vouchers, one unbalanced.
        let mut more = lines.clone();
        more.push(test_line(
            "局机关",
            None,
            "记",
            6,
            d(3, 9),
            "财务会计",
            0,
            7,
        ));
        let mut r = FileReport::default();
        check_balance(&LineStore::from_lines(&more), &mut r);
        assert_eq!(r.vouchers, 3);
        assert_eq!(r.duplicate_voucher_numbers.len(), 1);
        assert_eq!(
            r.duplicate_voucher_numbers[0].dates,
            ["2023-03-02", "2023-03-09"]
        );
        assert_eq!(r.vouchers_unbalanced.len(), 1);
        assert!(r.vouchers_unbalanced[0].voucher.ends_with("（2023-03-09）"));
        assert_eq!(r.vouchers_unbalanced[0].difference, Fen(-7));
    }
}
