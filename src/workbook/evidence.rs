//! The review's sheets: 人工问题 (the auditor's own findings, carried from review.toml, with
//! blank rows for new ones), 审计取证单 (one block a confirmed finding: 事项, facts with the
//! voucher lines and amounts, the evidence seen, the provisions with their text, the
//! department's 意见, 签章 and 日期) and 事实确认书 (every confirmed finding for the
//! department to sign).
//!
//! Sheets of the workbook rather than .docx: they are written from the same documents as E1
//! in the same pass, numbered so E1's 取证单 column links to each block, print one block a page
//! (A4, page breaks), and open wherever the workbook does — no second file to keep in step.

use super::layout::SheetLayout;
use super::xl::{self, put_as, Cell, Formats, HEADER_ROW};
use super::SheetContext;
use crate::model::findings::{Finding, Kind, Status};
use anyhow::Result;
use rust_xlsxwriter::{Workbook, Worksheet};
use std::collections::BTreeMap;

/// Blank rows the 人工问题 sheet offers for new findings.
const MANUAL_BLANK_ROWS: u32 = 20;

/// The findings that get a 取证单: confirmed 疑点, in the findings' order.
fn confirmed<'a>(cx: &'a SheetContext) -> Vec<&'a Finding> {
    cx.src
        .docs
        .findings
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Issue && f.status == Status::Confirmed)
        .collect()
}

/// One line of a 取证单 block: label, text, and two amounts (debit, credit).
struct Line {
    label: String,
    text: String,
    money: [Option<crate::model::money::Fen>; 2],
    bold: bool,
}

fn line(label: &str, text: impl Into<String>) -> Line {
    Line {
        label: label.into(),
        text: text.into(),
        money: [None, None],
        bold: false,
    }
}

fn fen(d: Option<rust_decimal::Decimal>) -> Option<crate::model::money::Fen> {
    d.and_then(crate::model::money::Fen::from_yuan)
}

fn block(cx: &SheetContext, fi: &Finding) -> Vec<Line> {
    let j = fi.judgement.clone().unwrap_or_default();
    let mut out = vec![Line {
        label: "审计取证单".into(),
        text: format!("编号：{}", j.evidence_sheet),
        money: [None, None],
        bold: true,
    }];
    out.push(line("被评价单位", &cx.department));
    out.push(line("核算单位", fi.entity.clone().unwrap_or_default()));
    out.push(line(
        "事项",
        format!("{}（{}；疑点编号 {}）", fi.title, fi.category, fi.id),
    ));
    let place = fi
        .voucher
        .clone()
        .map(|v| format!("凭证 {v}"))
        .or_else(|| fi.asset.clone().map(|a| format!("资产 {a}")))
        .unwrap_or_default();
    out.push(Line {
        label: "凭证/资产与金额".into(),
        text: format!(
            "{place}{}",
            fi.date
                .as_deref()
                .map(|d| format!("（{d}）"))
                .unwrap_or_default()
        ),
        money: [fen(fi.amount), None],
        bold: false,
    });
    let facts = if fi.facts.is_empty() {
        fi.explanation.clone()
    } else {
        fi.facts_with_refs().join("\n")
    };
    out.push(line("审计（评价）事实", facts));
    for (k, e) in fi.evidence.iter().enumerate() {
        let text = [
            e.date.clone(),
            e.account.clone(),
            Some(e.summary.clone()),
            e.counterparty.clone(),
            e.project.as_ref().map(|p| format!("项目“{p}”")),
            Some(format!("（{}）", e.source)),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        out.push(Line {
            label: if k == 0 {
                "凭证分录（借方／贷方）".into()
            } else {
                String::new()
            },
            text,
            money: [fen(e.debit), fen(e.credit)],
            bold: false,
        });
    }
    let mut seen = j.note.clone();
    if !j.verifier.is_empty() || !j.verified_on.is_empty() {
        seen = format!("{seen}（核实人 {}，{}）", j.verifier, j.verified_on);
    }
    out.push(line("核实所见（审计证据）", seen));
    let law: Vec<String> = fi
        .citations
        .iter()
        .map(|c| {
            let text = if c.text.is_empty() {
                String::new()
            } else {
                format!("：{}", c.text)
            };
            format!("{}{}{text}", c.law, c.article)
        })
        .collect();
    out.push(line("违反的规定", law.join("\n")));
    let response = [j.response.clone(), j.response_note.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("：");
    out.push(line("被评价单位意见", response));
    out.push(line("被评价单位（签章）", "                    日期："));
    out.push(line(
        "评价人员",
        format!(
            "{}        复核人：{}        日期：{}",
            j.verifier, j.reviewer, j.reviewed_on
        ),
    ));
    out
}

/// The first row of each confirmed finding's 取证单 block (finding id → row), as
/// [`evidence_sheet`] writes them.
pub fn block_rows(cx: &SheetContext) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    let mut r = HEADER_ROW + 1;
    for fi in confirmed(cx) {
        out.insert(fi.id.clone(), r);
        r += block(cx, fi).len() as u32 + 1;
    }
    out
}

/// Column widths of the free-form sheets: label, text, two amounts.
const WIDTHS: [f64; 4] = [20.0, 80.0, 15.0, 15.0];

fn start<'w>(
    wb: &'w mut Workbook,
    sl: &SheetLayout,
    cx: &SheetContext,
    f: &Formats,
) -> Result<&'w mut Worksheet> {
    let ws = wb.add_worksheet();
    ws.set_name(sl.sheet_name())?;
    xl::header_block(ws, sl, cx, f)?;
    for (i, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    Ok(ws)
}

fn write_line(ws: &mut Worksheet, r: u32, l: &Line, f: &Formats) -> Result<()> {
    let lines = xl::text_lines(&l.text, WIDTHS[1]);
    if lines > 1 {
        ws.set_row_height(r, xl::row_height(lines))?;
    }
    put_as(ws, r, 0, &Cell::text(&l.label), f, true)?;
    put_as(ws, r, 1, &Cell::text(&l.text), f, l.bold)?;
    for (k, m) in l.money.iter().enumerate() {
        let c = m.map(Cell::Money).unwrap_or(Cell::Empty);
        put_as(ws, r, 2 + k as u16, &c, f, false)?;
    }
    Ok(())
}

/// 审计取证单: one block a confirmed finding, a page each.
pub fn evidence_sheet(
    wb: &mut Workbook,
    sl: &SheetLayout,
    cx: &SheetContext,
    f: &Formats,
) -> Result<()> {
    let ws = start(wb, sl, cx, f)?;
    for (c, h) in ["项目", "内容", "借方金额（元）", "贷方金额（元）"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &f.head)?;
    }
    ws.set_repeat_rows(0, HEADER_ROW)?;
    let mut r = HEADER_ROW + 1;
    let mut breaks = Vec::new();
    let found = confirmed(cx);
    if found.is_empty() {
        ws.write_string_with_format(
            r,
            0,
            "尚无确认的疑点（reeval review 导入核实结论后重新运行）",
            &f.value,
        )?;
    }
    for fi in found {
        if r > HEADER_ROW + 1 {
            breaks.push(r);
        }
        for l in block(cx, fi) {
            write_line(ws, r, &l, f)?;
            r += 1;
        }
        r += 1;
    }
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    xl::print_setup(ws, &sl.index, cx, WIDTHS.iter().sum());
    Ok(())
}

/// 事实确认书: every confirmed finding, for the department to confirm and sign.
pub fn confirmation(
    wb: &mut Workbook,
    sl: &SheetLayout,
    cx: &SheetContext,
    f: &Formats,
) -> Result<()> {
    let ws = start(wb, sl, cx, f)?;
    let mut r = HEADER_ROW;
    let intro = format!(
        "{}：我们在对贵单位{}部门整体支出绩效再评价中，经核实确认了以下事实，请核对。如有异议，请在“单位意见”中写明并附相关资料。",
        cx.department, cx.period
    );
    ws.set_row_height(r, xl::row_height(xl::text_lines(&intro, WIDTHS[1] + 30.0)))?;
    ws.merge_range(r, 0, r, 3, &intro, &f.text)?;
    r += 2;
    for (c, h) in [
        "序号／取证单号",
        "事实（凭证、金额、依据）",
        "金额（元）",
        "单位意见",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &f.head)?;
    }
    r += 1;
    let found = confirmed(cx);
    for (k, fi) in found.iter().enumerate() {
        let j = fi.judgement.clone().unwrap_or_default();
        let place = fi
            .voucher
            .clone()
            .map(|v| format!("凭证 {v}"))
            .or_else(|| fi.asset.clone().map(|a| format!("资产 {a}")))
            .unwrap_or_default();
        let law: Vec<String> = fi
            .citations
            .iter()
            .map(|c| {
                let text = if c.text.is_empty() {
                    String::new()
                } else {
                    format!("：{}", c.text)
                };
                format!("{}{}{text}", c.law, c.article)
            })
            .collect();
        let text = format!(
            "{}（{}）\n{} {}\n{}\n依据：{}",
            fi.title,
            fi.entity.clone().unwrap_or_default(),
            place,
            fi.summary,
            if j.note.is_empty() {
                fi.explanation.clone()
            } else {
                j.note.clone()
            },
            law.join("\n")
        );
        let lines = xl::text_lines(&text, WIDTHS[1]);
        ws.set_row_height(r, xl::row_height(lines))?;
        put_as(
            ws,
            r,
            0,
            &Cell::text(format!("{}／{}", k + 1, j.evidence_sheet)),
            f,
            false,
        )?;
        put_as(ws, r, 1, &Cell::text(text), f, false)?;
        put_as(ws, r, 2, &Cell::yuan(fi.amount), f, false)?;
        let response = [j.response.clone(), j.response_note.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("：");
        put_as(ws, r, 3, &Cell::text(response), f, false)?;
        r += 1;
    }
    if found.is_empty() {
        ws.write_string_with_format(r, 1, "尚无确认的疑点", &f.value)?;
        r += 1;
    }
    r += 1;
    for text in [
        "被评价单位意见：",
        "被评价单位（签章）：                              负责人：",
        "日期：        年    月    日",
    ] {
        ws.write_string_with_format(r, 0, text, &f.label)?;
        r += 2;
    }
    xl::print_setup(ws, &sl.index, cx, WIDTHS.iter().sum());
    Ok(())
}

/// 人工问题: the manual findings of review.toml (carried, so the next run does not take them
/// for new entries), then blank rows for new ones.
pub fn manual(
    ws: &mut Worksheet,
    sl: &SheetLayout,
    cx: &SheetContext,
    f: &Formats,
) -> super::sheets::Body {
    let mut r = HEADER_ROW + 1;
    if let Some(review) = cx.src.review {
        for e in &review.manual {
            xl::table_row(
                ws,
                sl,
                r,
                &|id| match id {
                    "id" => Cell::text(&e.id),
                    other => super::sheets::stored_cell(sl, other, e.get(other)),
                },
                true,
                f,
            )?;
            r += 1;
        }
    }
    for _ in 0..MANUAL_BLANK_ROWS {
        xl::table_row(ws, sl, r, &|_| Cell::Empty, true, f)?;
        r += 1;
    }
    Ok((r, vec![(HEADER_ROW + 1, r)]))
}
