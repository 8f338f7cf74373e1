//! Finding the header row by its Chinese column names (one row, or two with merged cells),
//! and reading the title lines above it.

use super::cell;
use super::profile::Profile;
use calamine::Data;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How many rows from the top of a sheet may hold titles before the header.
pub const HEADER_SEARCH_ROWS: usize = 40;

/// Every canonical field of every kind, numbered: a header resolves its columns into an array
/// indexed by these numbers once, so the per-cell lookup is a `match` on the name (length
/// dispatch, one comparison) instead of a map search.
pub const FIELD_SLOTS: usize = 61;

pub fn field_slot(field: &str) -> Option<usize> {
    match field {
        "entity" => Some(0),
        "book" => Some(1),
        "accounting_system" => Some(2),
        "year" => Some(3),
        "month" => Some(4),
        "day" => Some(5),
        "period" => Some(6),
        "date" => Some(7),
        "voucher" => Some(8),
        "voucher_kind" => Some(9),
        "voucher_number" => Some(10),
        "line_no" => Some(11),
        "summary" => Some(12),
        "account_code" => Some(13),
        "account_name" => Some(14),
        "account" => Some(15),
        "debit" => Some(16),
        "credit" => Some(17),
        "direction" => Some(18),
        "amount" => Some(19),
        "aux" => Some(20),
        "department" => Some(21),
        "project" => Some(22),
        "counterparty" => Some(23),
        "econ" => Some(24),
        "econ_code" => Some(25),
        "econ_name" => Some(26),
        "func" => Some(27),
        "func_code" => Some(28),
        "func_name" => Some(29),
        "fund_source" => Some(30),
        "settlement" => Some(31),
        "payee_account" => Some(32),
        "linked_voucher" => Some(33),
        "preparer" => Some(34),
        "reviewer" => Some(35),
        "poster" => Some(36),
        "attachments" => Some(37),
        "status" => Some(38),
        "asset_code" => Some(39),
        "asset_name" => Some(40),
        "category" => Some(41),
        "category_code" => Some(42),
        "category_name" => Some(43),
        "acquired" => Some(44),
        "original" => Some(45),
        "accumulated" => Some(46),
        "net" => Some(47),
        "user" => Some(48),
        "location" => Some(49),
        "life" => Some(50),
        "quantity" => Some(51),
        "opening_debit" => Some(52),
        "opening_credit" => Some(53),
        "opening_direction" => Some(54),
        "opening" => Some(55),
        "closing_debit" => Some(56),
        "closing_credit" => Some(57),
        "closing_direction" => Some(58),
        "closing" => Some(59),
        "balance" => Some(60),
        _ => None,
    }
}

/// A canonical field with its slot: what the row mapper passes to read a cell, so the cell is
/// found by an array index (`Header::slots`) rather than a comparison of field names per cell.
/// `name` is the field as `field_slot` and rejections name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub slot: usize,
    pub name: &'static str,
}

/// The fields the ledger mapper reads, each with its `field_slot` (a unit test keeps the two
/// in step).
pub mod f {
    use super::Field;
    macro_rules! fields {
        ($($id:ident = $slot:literal $name:literal),* $(,)?) => {
            $(pub const $id: Field = Field { slot: $slot, name: $name };)*
            #[cfg(test)]
            pub const ALL: &[Field] = &[$($id),*];
        };
    }
    fields! {
        ENTITY = 0 "entity",
        BOOK = 1 "book",
        ACCOUNTING_SYSTEM = 2 "accounting_system",
        YEAR = 3 "year",
        MONTH = 4 "month",
        DAY = 5 "day",
        PERIOD = 6 "period",
        DATE = 7 "date",
        VOUCHER = 8 "voucher",
        VOUCHER_KIND = 9 "voucher_kind",
        VOUCHER_NUMBER = 10 "voucher_number",
        LINE_NO = 11 "line_no",
        SUMMARY = 12 "summary",
        ACCOUNT_CODE = 13 "account_code",
        ACCOUNT_NAME = 14 "account_name",
        ACCOUNT = 15 "account",
        DEBIT = 16 "debit",
        CREDIT = 17 "credit",
        DIRECTION = 18 "direction",
        AMOUNT = 19 "amount",
        AUX = 20 "aux",
        DEPARTMENT = 21 "department",
        PROJECT = 22 "project",
        COUNTERPARTY = 23 "counterparty",
        ECON = 24 "econ",
        ECON_CODE = 25 "econ_code",
        ECON_NAME = 26 "econ_name",
        FUNC = 27 "func",
        FUNC_CODE = 28 "func_code",
        FUNC_NAME = 29 "func_name",
        FUND_SOURCE = 30 "fund_source",
        SETTLEMENT = 31 "settlement",
        PAYEE_ACCOUNT = 32 "payee_account",
        LINKED_VOUCHER = 33 "linked_voucher",
        PREPARER = 34 "preparer",
        REVIEWER = 35 "reviewer",
        POSTER = 36 "poster",
        ATTACHMENTS = 37 "attachments",
        STATUS = 38 "status",
        BALANCE = 60 "balance",
    }
}

#[derive(Debug, Clone)]
pub struct Header {
    /// 0-based index (within the sheet's rows) of the first header row.
    pub row: usize,
    /// 1 or 2 header rows.
    pub height: usize,
    /// canonical field → column index.
    pub fields: BTreeMap<String, usize>,
    /// The header text of every column, as read (for messages).
    pub names: Vec<String>,
    /// Header names seen twice for the same field (the first column wins).
    pub duplicates: Vec<String>,
    /// `fields` again, indexed by `field_slot`.
    pub slots: [Option<usize>; FIELD_SLOTS],
}

impl Header {
    pub fn col(&self, field: &str) -> Option<usize> {
        match field_slot(field) {
            Some(k) => self.slots[k],
            None => self.fields.get(field).copied(),
        }
    }
    pub fn has(&self, field: &str) -> bool {
        self.col(field).is_some()
    }
    /// A row's cell in `field`'s column.
    pub fn cell<'r>(&self, row: &'r [Data], field: &str) -> Option<&'r Data> {
        self.col(field).and_then(|c| row.get(c))
    }
    /// A column as rejections and messages name it: its letter and header text, `C（摘要）`.
    pub fn label_at(&self, sheet: &crate::load::formats::workbook::Sheet, c: usize) -> String {
        format!(
            "{}（{}）",
            sheet.column_letter(c),
            self.names.get(c).cloned().unwrap_or_default()
        )
    }
    /// `field`'s column as [`Header::label_at`] names it; a field the header lacks is named in
    /// Chinese with `（表头中没有此列）`, never by its internal name.
    pub fn label(&self, sheet: &crate::load::formats::workbook::Sheet, field: &str) -> String {
        match self.col(field) {
            Some(c) => self.label_at(sheet, c),
            None => format!("{}（表头中没有此列）", super::diagnose::field_label(field)),
        }
    }
    /// `field`'s column, by its slot.
    #[inline]
    pub fn col_of(&self, field: Field) -> Option<usize> {
        self.slots[field.slot]
    }
    /// A row's cell in `field`'s column, by its slot.
    #[inline]
    pub fn cell_of<'r>(&self, row: &'r [Data], field: Field) -> Option<&'r Data> {
        self.slots[field.slot].and_then(|c| row.get(c))
    }
    /// A row's text in `field`'s column as [`Header::text`] reads it, borrowed from the cell
    /// when the cell holds text: for values that are only inspected, parsed or compared.
    #[inline]
    pub fn str_of<'r>(&self, row: &'r [Data], field: Field) -> Option<Cow<'r, str>> {
        self.cell_of(row, field)
            .map(cell::text)
            .filter(|t| !t.is_empty())
    }
    /// Whether a ledger header maps a 科目 column (code, name or one cell), as
    /// [`has_account_column`] of its fields.
    #[inline]
    pub fn has_account_col(&self) -> bool {
        [f::ACCOUNT_CODE, f::ACCOUNT, f::ACCOUNT_NAME]
            .iter()
            .any(|k| self.slots[k.slot].is_some())
    }
    /// Whether `cell` holds column `c`'s header name again (`norm` of its text equal to the
    /// name as read), as a repeated page header does.
    pub fn repeats_name(&self, cell: &Data, c: usize) -> bool {
        let name = self.names[c].as_str();
        match cell {
            Data::String(s) => norm_eq(s.trim(), name),
            // A number's text is ASCII: never a name starting with a Chinese character.
            Data::Int(_) | Data::Float(_)
                if name.as_bytes().first().is_some_and(|b| !b.is_ascii()) =>
            {
                false
            }
            _ => norm_eq(&cell::text(cell), name),
        }
    }
    /// A row's text in `field`'s column; `None` when the column is missing or the cell blank.
    pub fn text(&self, row: &[Data], field: &str) -> Option<String> {
        self.cell(row, field)
            .map(|c| cell::text(c).to_string())
            .filter(|t| !t.is_empty())
    }
}

/// Header text normalised for matching: no spaces, ASCII punctuation, no unit suffix.
pub fn norm(s: &str) -> String {
    let t: String = s
        .chars()
        .map(crate::model::money::fullwidth_to_ascii)
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect();
    let t = t
        .trim_end_matches("(元)")
        .trim_end_matches("(万元)")
        .trim_end_matches("(人民币)");
    t.trim_end_matches([':', '：']).to_string()
}

/// `norm(s) == target`, without building `norm(s)` when their first characters differ: `norm`
/// keeps the first character it does not drop (mapped to ASCII) unless it drops everything.
pub fn norm_eq(s: &str, target: &str) -> bool {
    if let Some(t0) = target.chars().next() {
        let first = s
            .chars()
            .map(crate::model::money::fullwidth_to_ascii)
            .find(|c| !c.is_whitespace() && *c != '*');
        if first != Some(t0) {
            return false;
        }
    }
    norm(s) == target
}

fn lookup(profile: &Profile) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (field, names) in &profile.columns {
        for n in names {
            m.entry(norm(n)).or_insert_with(|| field.clone());
        }
    }
    m
}

fn map_names(
    names: &[Vec<String>],
    table: &BTreeMap<String, String>,
) -> (BTreeMap<String, usize>, Vec<String>) {
    let mut fields = BTreeMap::new();
    let mut dups = Vec::new();
    for (col, candidates) in names.iter().enumerate() {
        if let Some(field) = candidates.iter().find_map(|c| table.get(c)) {
            if fields.contains_key(field) {
                dups.push(candidates[0].clone());
            } else {
                fields.insert(field.clone(), col);
            }
        }
    }
    (fields, dups)
}

/// Whether the mapped fields make a usable header for this kind of input.
pub fn is_complete(kind: &str, f: &BTreeMap<String, usize>) -> bool {
    let has = |k: &str| f.contains_key(k);
    match kind {
        "ledger" => {
            // 科目名称 alone: names resolved through the chart (`业务活动费用/…/办公费`).
            (has("account_code") || has("account") || has("account_name"))
                && ((has("debit") && has("credit")) || (has("direction") && has("amount")))
        }
        "balances" => {
            (has("account_code") || has("account")) && has("account_name")
                || (has("account_code") || has("account"))
                    && (has("opening") || (has("opening_debit") && has("opening_credit")))
        }
        _ => has("asset_code") && has("original"),
    }
}

/// Whether a ledger header maps a 科目 column (code, name or one cell).
pub fn has_account_column(f: &BTreeMap<String, usize>) -> bool {
    ["account_code", "account", "account_name"]
        .iter()
        .any(|k| f.contains_key(*k))
}

fn with_account(f: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    let mut f = f.clone();
    f.insert("account".into(), usize::MAX);
    f
}

/// The title key whose words introduce a 明细账 section heading (`科目：`, `会计科目：`).
pub const SECTION_KEY: &str = "account";

/// A 明细账 section heading: the row that names the account of the block below it, in one of
/// three forms — a key of the profile's `[title] account` words with its value (`科目：5001
/// 业务活动费用`, `会计科目：100201 银行存款-基本户`, the value in the same or the next cell;
/// `keyed` true), or a row whose one non-blank cell is `[5001]业务活动费用` / `【5001】…` /
/// `5001 业务活动费用` (`keyed` false: the caller checks the code against the chart). The
/// account text as written.
pub fn section_heading(row: &[Data], keys: &BTreeMap<String, Vec<String>>) -> Option<Section> {
    let words = keys.get(SECTION_KEY)?;
    let table: Vec<(Vec<char>, &str)> = {
        let mut t: Vec<(Vec<char>, &str)> = words
            .iter()
            .map(|n| (norm(n).chars().collect(), SECTION_KEY))
            .collect();
        t.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        t
    };
    let cells: Vec<String> = row
        .iter()
        .map(|c| cell::text(c).trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    for (i, c) in cells.iter().enumerate() {
        // Only a cell that starts with the key: `摘要：…科目…` in a line is no heading.
        let starts = table
            .iter()
            .any(|(k, _)| norm(c).starts_with(&k.iter().collect::<String>()));
        if !starts {
            continue;
        }
        if let Some((_, v)) = facts_in(c, &table)
            .into_iter()
            .find(|(f, _)| f == SECTION_KEY)
        {
            let value = if v.trim().is_empty() {
                // `科目：` | `5001 业务活动费用`: the value in the next cell, only after a colon.
                if c.ends_with([':', '：']) {
                    cells.get(i + 1).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            } else {
                v.trim().to_string()
            };
            if !value.is_empty() {
                return Some(Section {
                    text: value,
                    keyed: true,
                });
            }
        }
    }
    if cells.len() == 1 {
        let t = &cells[0];
        let (code, name) = cell::split_code_name(t);
        if code.chars().filter(|c| c.is_ascii_digit()).count() >= 3 && !name.is_empty() {
            return Some(Section {
                text: t.clone(),
                keyed: false,
            });
        }
    }
    None
}

/// A section heading's account as written, and whether a key word introduced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub text: String,
    pub keyed: bool,
}

/// What a ledger / register header must hold, for the "no header" message.
pub fn expectation(kind: &str) -> &'static str {
    match kind {
        "ledger" => "科目编码（或“科目”“科目名称”）以及 借方+贷方（或 方向+金额）",
        "balances" => "科目编码 以及 科目名称 或 期初余额（借方/贷方）",
        _ => "资产编号 和 原值",
    }
}

/// Find the header in the first rows of a sheet. Returns the best match (most fields mapped),
/// trying each row alone and each row with the next one as a two-row header.
pub fn find(rows: &[&[Data]], profile: &Profile) -> Option<Header> {
    let table = lookup(profile);
    let limit = rows.len().min(HEADER_SEARCH_ROWS);
    let mut sections: Option<bool> = None;
    let mut best: Option<Header> = None;
    for r in 0..limit {
        let top: Vec<String> = rows[r].iter().map(|c| norm(&cell::text(c))).collect();
        if top.iter().filter(|t| !t.is_empty()).count() < 2 {
            continue;
        }
        let single: Vec<Vec<String>> = top.iter().map(|t| vec![t.clone()]).collect();
        let mut tries = vec![(1usize, single)];
        if r + 1 < rows.len() {
            let sub: Vec<String> = rows[r + 1].iter().map(|c| norm(&cell::text(c))).collect();
            let width = top.len().max(sub.len());
            let mut parent_ff = String::new();
            let mut combined = Vec::with_capacity(width);
            for c in 0..width {
                let p = top.get(c).cloned().unwrap_or_default();
                let s = sub.get(c).cloned().unwrap_or_default();
                if !p.is_empty() {
                    parent_ff = p.clone();
                }
                combined.push(if s.is_empty() {
                    vec![p]
                } else {
                    vec![s.clone(), format!("{parent_ff}{s}"), p]
                });
            }
            // The row above counts as a header row only when it adds fields to the row below
            // (a merged 金额 over 借方/贷方, names merged down over both rows): a title line
            // right above a one-row header stays a title line.
            let below: Vec<Vec<String>> = sub.iter().map(|t| vec![t.clone()]).collect();
            if map_names(&combined, &table).0.len() > map_names(&below, &table).0.len() {
                tries.push((2, combined));
            }
        }
        for (height, names) in tries {
            let (fields, duplicates) = map_names(&names, &table);
            // A 明细账 whose account stands in section headings above each block (`科目：5001
            // 业务活动费用`) has no 科目 column: its header is complete with the headings.
            let mut by_sections = || {
                profile.kind == "ledger"
                    && !has_account_column(&fields)
                    && is_complete(&profile.kind, &with_account(&fields))
                    && *sections.get_or_insert_with(|| {
                        rows.iter()
                            .any(|r| section_heading(r, &profile.title).is_some())
                    })
            };
            if !is_complete(&profile.kind, &fields) && !by_sections() {
                continue;
            }
            let better = best.as_ref().is_none_or(|b| fields.len() > b.fields.len());
            if better {
                let mut slots = [None; FIELD_SLOTS];
                for (f, &c) in &fields {
                    if let Some(k) = field_slot(f) {
                        slots[k] = Some(c);
                    }
                }
                best = Some(Header {
                    row: r,
                    height,
                    names: names.iter().map(|n| n[0].clone()).collect(),
                    fields,
                    duplicates,
                    slots,
                });
            }
        }
        if best.as_ref().is_some_and(|b| b.row + b.height <= r) {
            break; // the header is above; later rows are data
        }
    }
    best
}

/// The non-empty header-like texts of the first rows, for a "no header found" message.
pub fn found_names(rows: &[&[Data]]) -> Vec<String> {
    let mut best: Vec<String> = Vec::new();
    for row in rows.iter().take(HEADER_SEARCH_ROWS) {
        let t: Vec<String> = row
            .iter()
            .map(|c| norm(&cell::text(c)))
            .filter(|t| !t.is_empty())
            .collect();
        if t.len() > best.len() {
            best = t;
        }
    }
    best
}

/// Title-table keys that are not fields: money-unit words (`unit_words`), the words a
/// heading ends with (`heading`) and the shapes of a record-count footer (`footer`).
const TITLE_SPECIAL: &[&str] = &["unit_words", "heading", "heading_entity_ends", "footer"];

/// The field a title fact belongs to when it names no entity, book or period: a cell whose key
/// is listed under `ignore` (打印日期 …) is read and dropped.
const TITLE_IGNORE: &str = "ignore";

fn title_chars(c: char) -> char {
    match crate::model::money::fullwidth_to_ascii(c) {
        '：' => ':',
        '\t' => ' ',
        c => c,
    }
}

/// The `key：value` facts in one title cell, in order: `(field, value)`, the value empty when
/// the key stands alone (its value is then the next cell). A cell may hold several facts
/// (`核算单位：某局  期间：2023年1月-12月  单位：元`), with or without spaces between them.
/// `keys`: (key, field), longest first.
fn facts_in(text: &str, keys: &[(Vec<char>, &str)]) -> Vec<(String, String)> {
    let orig: Vec<char> = text.chars().collect();
    let t: Vec<char> = orig.iter().map(|&c| title_chars(c)).collect();
    let whole: String = t.iter().filter(|c| !c.is_whitespace()).collect();
    let whole = whole.trim_end_matches(':');
    for (k, f) in keys {
        if k.iter().collect::<String>() == whole {
            return vec![(f.to_string(), String::new())];
        }
    }
    // (key start, value start, field)
    let mut found: Vec<(usize, usize, &str)> = Vec::new();
    let mut p = 0;
    while p < t.len() {
        let mut hit = None;
        for (k, f) in keys {
            // Print layouts space a key out (`单  位：`): spaces between its characters match.
            let matched = {
                let mut q = p;
                let mut ok = true;
                for (n, kc) in k.iter().enumerate() {
                    if n > 0 {
                        while q < t.len() && t[q] == ' ' {
                            q += 1;
                        }
                    }
                    if t.get(q) != Some(kc) {
                        ok = false;
                        break;
                    }
                    q += 1;
                }
                ok.then_some(q)
            };
            if let Some(key_end) = matched {
                let mut q = key_end;
                while q < t.len() && t[q] == ' ' {
                    q += 1;
                }
                if q < t.len() && t[q] == ':' {
                    hit = Some((q + 1, *f));
                    break;
                }
                // `单位名称 某局` at the start of a cell: a key, a space, its value.
                if p == 0 && q > key_end && q < t.len() {
                    hit = Some((q, *f));
                    break;
                }
            }
        }
        match hit {
            Some((v, f)) => {
                found.push((p, v, f));
                p = v;
            }
            None => p += 1,
        }
    }
    let mut out = Vec::new();
    for (i, &(_, v, f)) in found.iter().enumerate() {
        let stop = found.get(i + 1).map(|n| n.0).unwrap_or(t.len());
        let mut end = stop;
        // A run of two spaces ends a value (`某局    第1页`).
        if let Some(w) = t[v..stop].windows(2).position(|w| w == [' ', ' ']) {
            end = end.min(v + w);
        }
        let value: String = orig[v..end].iter().collect();
        let value = value
            .trim()
            .trim_end_matches([',', '，', ';', '；', '|', '、'])
            .trim()
            .to_string();
        out.push((f.to_string(), value));
    }
    out
}

/// Values named in title lines, read cell by cell: a key and its value in one cell
/// (`单位：寻甸县人社局  期间：2023年1月-12月`), several facts in one cell, or a key alone in a
/// cell with its value in the next (`单位名称` | `某局`), in any column. `单位：元` (a value
/// among `unit_words`) is the money unit (`unit`), never the entity. Without a keyed entity, a
/// heading such as `寻甸县人社局2023年度序时账` (ending with a `heading` word) names it.
pub fn title_values(
    rows: &[&[Data]],
    keys: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, String> {
    let mut table: Vec<(Vec<char>, &str)> = keys
        .iter()
        .filter(|(f, _)| !TITLE_SPECIAL.contains(&f.as_str()))
        .flat_map(|(f, ns)| {
            ns.iter()
                .map(move |n| (norm(n).chars().collect(), f.as_str()))
        })
        .collect();
    table.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    let words = |key: &str| -> Vec<String> {
        keys.get(key)
            .map(|ws| ws.iter().map(|w| norm(w)).collect())
            .unwrap_or_default()
    };
    let unit_words = words("unit_words");
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| cell::text(c).to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let mut i = 0;
        while i < cells.len() {
            let facts = facts_in(&cells[i], &table);
            let mut used_next = false;
            for (field, value) in facts {
                let value = if value.is_empty() {
                    // A key alone in its cell: the next cell is its value, unless that is a
                    // key itself.
                    match cells.get(i + 1) {
                        Some(n) if !used_next && facts_in(n, &table).is_empty() => {
                            used_next = true;
                            n.trim().to_string()
                        }
                        _ => continue,
                    }
                } else {
                    value
                };
                let field = if (field == "entity" || field == "unit")
                    && unit_words.contains(&norm(&value))
                {
                    "unit".to_string()
                } else {
                    field
                };
                if field == TITLE_IGNORE || (field == "unit" && !unit_words.contains(&norm(&value)))
                {
                    if field == "unit" {
                        out.entry(field).or_insert(value);
                    }
                    continue;
                }
                out.entry(field).or_insert(value);
            }
            i += if used_next { 2 } else { 1 };
        }
    }
    if !out.contains_key("entity") {
        let heading = words("heading");
        let ends = words("heading_entity_ends");
        let named = rows.iter().flat_map(|r| r.iter()).find_map(|c| {
            // As written (full-width brackets kept), without spaces.
            let t: String = cell::text(c)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let stem = heading
                .iter()
                .filter(|h| t.ends_with(h.as_str()))
                .map(|h| &t[..t.len() - h.len()])
                .min_by_key(|s| s.len())?;
            let stem = stem.trim_end_matches(|c: char| {
                c.is_ascii_digit() || "年度月份第期至-~—/.".contains(c)
            });
            // Only a unit's name: it ends (before a parenthesised sub-unit) with one of
            // `heading_entity_ends` (局, 中心 …), so `记账凭证序时簿` names no entity.
            let bare = stem.split(['(', '（']).next().unwrap_or("");
            let unit_like = ends
                .iter()
                .any(|e| bare.ends_with(e.as_str()) && bare.len() > e.len());
            (unit_like && !stem.contains(':')).then(|| stem.to_string())
        });
        if let Some(e) = named {
            out.insert("entity".to_string(), e);
        }
    }
    out
}

/// Whether a row below the header is a title or footer line, as print-style exports repeat
/// them on every page or close a sheet with them: every non-empty cell is a title fact
/// (`核算单位：某局`, `制表人：张三`, a key alone with its value in the next cell), a heading
/// (`序时账`, `某局2023年度序时账`) or a page marker (`第 2 页`, `共 5 页`). The caller checks
/// the row has no account and no amount.
pub fn is_title_line(row: &[Data], keys: &BTreeMap<String, Vec<String>>) -> bool {
    let mut table: Vec<(Vec<char>, &str)> = keys
        .iter()
        .filter(|(f, _)| !TITLE_SPECIAL.contains(&f.as_str()))
        .flat_map(|(f, ns)| {
            ns.iter()
                .map(move |n| (norm(n).chars().collect(), f.as_str()))
        })
        .collect();
    table.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    let heading: Vec<String> = keys
        .get("heading")
        .map(|ws| ws.iter().map(|w| norm(w)).collect())
        .unwrap_or_default();
    let cells: Vec<String> = row
        .iter()
        .map(|c| cell::text(c).to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if cells.is_empty() {
        return false;
    }
    let page = |t: &str| {
        let t = norm(t);
        t.split([',', ';', '/', '，'])
            .all(|p| (p.starts_with('第') || p.starts_with('共')) && p.ends_with('页'))
    };
    let footers: Vec<String> = keys
        .get("footer")
        .map(|ws| ws.iter().map(|w| footer_norm(w)).collect())
        .unwrap_or_default();
    let mut i = 0;
    while i < cells.len() {
        let facts = facts_in(&cells[i], &table);
        let t = norm(&cells[i]);
        if let Some(last) = facts.last() {
            if last.1.is_empty() {
                i += 1; // its value is the next cell
            }
        } else if !(heading.iter().any(|h| t.ends_with(h.as_str()))
            || page(&cells[i])
            || is_count_footer(&cells[i], &footers))
        {
            return false;
        }
        i += 1;
    }
    true
}

/// A footer shape or a cell compared with one: spaces, full-width forms and colons dropped,
/// and thousands separators inside a count (`记录数：12` = `记录数 12`, `1,234` = `1234`).
fn footer_norm(s: &str) -> String {
    let chars: Vec<char> = norm(s)
        .chars()
        .filter(|c| !matches!(c, ':' | '：'))
        .collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| !(c == ',' && i > 0 && digit(i - 1) && digit(i + 1)))
        .map(|(_, &c)| c)
        .collect()
}

/// Whether a cell is a record-count footer as exports close a table with one (`共 12 条`,
/// `共12条记录`, `记录数：12`): every part (split at `,;/，；`) is one of the `footer` shapes,
/// where `{n}` stands for a count. The caller has checked the row holds no voucher number and
/// no amount, so a count is never taken for a line.
pub(crate) fn is_count_footer(cell: &str, shapes: &[String]) -> bool {
    if shapes.is_empty() {
        return false;
    }
    let t = footer_norm(cell);
    !t.is_empty()
        && t.split([',', ';', '/', '，', '；'])
            .all(|p| !p.is_empty() && shapes.iter().any(|s| shape_matches(s, p)))
}

/// `text` written as `shape`, each `{n}` one run of digits.
fn shape_matches(shape: &str, text: &str) -> bool {
    match shape.split_once("{n}") {
        None => shape == text,
        Some((before, after)) => {
            let Some(rest) = text.strip_prefix(before) else {
                return false;
            };
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            end > 0 && shape_matches(after, &rest[end..])
        }
    }
}

/// The books' year as the title lines state it: the period's year, else the first year in a
/// title cell that is not an ignored fact (a print date is not the books' year).
pub fn title_year(
    rows: &[&[Data]],
    titles: &BTreeMap<String, String>,
    keys: &BTreeMap<String, Vec<String>>,
) -> Option<i32> {
    if let Some(y) = titles.get("period").and_then(|t| year_in(t)) {
        return Some(y);
    }
    // Neither an ignored fact (a print date) nor a section heading (`科目：2001 短期借款`,
    // `[2001]短期借款`: an account code is no year).
    let ignore: Vec<String> = keys
        .get(TITLE_IGNORE)
        .map(|ws| ws.iter().map(|w| norm(w)).collect())
        .unwrap_or_default();
    rows.iter()
        .flat_map(|r| r.iter())
        .filter(|c| section_heading(std::slice::from_ref(*c), keys).is_none())
        .map(|c| cell::text(c).to_string())
        .filter(|t| {
            let n = norm(t);
            !ignore.iter().any(|w| n.contains(w.as_str()))
        })
        .find_map(|t| year_in(&t))
}

/// The first plausible year (1990–2100) in a text like `2023年1月-12月` or `2023年度`.
pub fn year_in(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    for w in chars.windows(4).enumerate() {
        let (i, w) = w;
        if w.iter().all(|c| c.is_ascii_digit()) {
            let before_digit = i > 0 && chars[i - 1].is_ascii_digit();
            let after_digit = chars.get(i + 4).is_some_and(|c| c.is_ascii_digit());
            if before_digit || after_digit {
                continue;
            }
            let y: i32 = w.iter().collect::<String>().parse().ok()?;
            if (1990..=2100).contains(&y) {
                return Some(y);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> BTreeMap<String, Vec<String>> {
        let v = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        [
            ("entity", v(&["核算单位", "编制单位", "单位名称", "单位"])),
            ("period", v(&["会计期间", "期间", "会计年度"])),
            ("unit", v(&["金额单位"])),
            ("ignore", v(&["打印日期"])),
            ("unit_words", v(&["元", "万元"])),
            ("heading", v(&["序时账", "序时簿", "凭证序时簿"])),
            ("heading_entity_ends", v(&["局", "中心"])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn titles(rows: &[Vec<&str>]) -> BTreeMap<String, String> {
        let data: Vec<Vec<Data>> = rows
            .iter()
            .map(|r| r.iter().map(|t| Data::String(t.to_string())).collect())
            .collect();
        let refs: Vec<&[Data]> = data.iter().map(|r| r.as_slice()).collect();
        title_values(&refs, &keys())
    }

    #[test]
    fn title_facts_in_one_cell_or_several() {
        let t = titles(&[vec!["单位：局机关  期间：2023年1月-12月"]]);
        assert_eq!(t["entity"], "局机关");
        assert_eq!(t["period"], "2023年1月-12月");
        let t = titles(&[vec!["核算单位:社保中心 期间:2023年 金额单位：元"]]);
        assert_eq!(t["entity"], "社保中心");
        assert_eq!(t["unit"], "元");
        let t = titles(&[vec!["核算单位：某局（本级）会计期间：2023.01-2023.12"]]);
        assert_eq!(t["entity"], "某局（本级）");
        assert_eq!(t["period"], "2023.01-2023.12");
        let t = titles(&[vec!["编制单位：某局", "", "单位：元"]]);
        assert_eq!(t["entity"], "某局");
        assert_eq!(t["unit"], "元");
        let t = titles(&[
            vec!["序时账"],
            vec!["单位：元", "单位名称", "某县人社局", "会计年度", "2023"],
        ]);
        assert_eq!(t["entity"], "某县人社局");
        assert_eq!(t["period"], "2023");
        assert_eq!(t["unit"], "元");
        let t = titles(&[vec!["单  位：某局", "期　间：2023年"]]);
        assert_eq!(t["entity"], "某局");
        assert_eq!(t["period"], "2023年");
        let t = titles(&[vec!["某县人社局2023年度序时账"]]);
        assert_eq!(t["entity"], "某县人社局");
        let t = titles(&[vec!["记账凭证序时簿"]]);
        assert!(!t.contains_key("entity"), "{t:?}");
        let t = titles(&[vec!["某县社保中心（本级）2023年序时账"]]);
        assert_eq!(t["entity"], "某县社保中心（本级）");
        let t = titles(&[vec!["2023年度序时账"], vec!["打印日期：2024-03-01"]]);
        assert!(!t.contains_key("entity"), "{t:?}");
        assert!(!t.contains_key("period"), "{t:?}");
    }

    #[test]
    fn field_constants_match_their_slots() {
        for k in f::ALL {
            assert_eq!(field_slot(k.name), Some(k.slot), "{}", k.name);
        }
    }

    #[test]
    fn norm_eq_is_norm_then_compare() {
        let names = ["科目编码", "借方金额", "摘要", "2023", "-", "(元)", "x"];
        let texts = [
            "科目编码",
            " 科目编码 ",
            "*科目编码",
            "科目 编码：",
            "科目编码（元）",
            "\u{3000}借方金额",
            "借方金额(元)",
            "贷方金额",
            "5001",
            "２０２３",
            " 2023 ",
            "(元)",
            "",
            "  ",
            "*",
            "－",
            "x(元)",
            "X",
        ];
        for n in names {
            for t in texts {
                assert_eq!(norm_eq(t, n), norm(t) == n, "{t:?} vs {n:?}");
            }
            assert!(norm_eq("", ""));
        }
    }

    #[test]
    fn a_repeated_name_is_recognised_in_any_cell_type() {
        let names = ["科目编码", "2023", "借方金额"];
        let hdr = Header {
            row: 0,
            height: 1,
            fields: BTreeMap::new(),
            names: names.iter().map(|n| n.to_string()).collect(),
            duplicates: Vec::new(),
            slots: [None; FIELD_SLOTS],
        };
        let cells = [
            Data::String("科目编码".into()),
            Data::String(" 科目编码：".into()),
            Data::String("*科目 编码".into()),
            Data::String("科目名称".into()),
            Data::String("5001".into()),
            Data::String("2023".into()),
            Data::String("２０２３".into()),
            Data::String("借方金额（元）".into()),
            Data::Int(2023),
            Data::Float(2023.0),
            Data::Float(2023.5),
            Data::Int(5001),
            Data::Empty,
            Data::Bool(true),
        ];
        for (c, name) in names.iter().enumerate() {
            for cell in &cells {
                assert_eq!(
                    hdr.repeats_name(cell, c),
                    norm(&cell::text(cell)) == *name,
                    "{cell:?} vs {name}"
                );
            }
        }
        assert!(hdr.repeats_name(&Data::Int(2023), 1));
        assert!(hdr.repeats_name(&Data::String(" 科目编码：".into()), 0));
        assert!(!hdr.repeats_name(&Data::Int(5001), 0));
    }

    #[test]
    fn title_keys() {
        assert_eq!(year_in("期间：2023年1月-12月"), Some(2023));
        assert_eq!(year_in("20230105"), None);
        assert_eq!(norm("借方金额（元）"), "借方金额");
    }
}
