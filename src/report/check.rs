//! Consistency checks before anything is written: every paragraph drawn from findings names
//! them (`::sources`), and each amount (元) and voucher it prints is one of those findings'
//! (their amounts, evidence lines, facts, or the problem's total); a paragraph naming no finding
//! cites no voucher; every reported finding is cited somewhere, and nothing else is (a 排除 or
//! 待定 finding never appears); every cited voucher exists in the books.

use super::context::{amounts, voucher_base, Context};
use super::doc::{plain, Block, Document};
use super::Sources;
use crate::model::money::{grouped_yuan, round2};
use anyhow::{bail, Result};
use std::collections::BTreeSet;

/// Voucher citations in a text (`2023年3月记-19号凭证`).
pub fn voucher_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find("号凭证") {
        let head = &rest[..end];
        if let Some(y) = head.rfind('年') {
            let before: Vec<char> = head[..y].chars().collect();
            let digits = before
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 4 {
                let start = head[..y].len() - 4;
                out.push(format!("{}号凭证", &head[start..]));
            }
        }
        rest = &rest[end + "号凭证".len()..];
    }
    out
}

pub fn check(doc: &Document, ctx: &Context, s: &Sources) -> Result<()> {
    let mut cited: BTreeSet<&str> = BTreeSet::new();
    for b in &doc.blocks {
        let Block::Paragraph {
            runs,
            sources,
            line,
            ..
        } = b
        else {
            continue;
        };
        let text = plain(runs);
        let refs = voucher_refs(&text);
        if sources.is_empty() {
            if let Some(r) = refs.first() {
                bail!(
                    "报告渲染结果第 {line} 行「{}」引用了凭证 {r}，但该段没有用 ::sources 注明所依据的疑点（无法核对）",
                    crate::errors::excerpt(&text)
                );
            }
            continue;
        }
        for id in sources {
            if !ctx.reported.contains(id) {
                bail!("报告渲染结果第 {line} 行注明的疑点 {id} 不在本报告应列示的疑点中（已排除、待定或不存在）");
            }
            cited.insert(id);
        }
        let allowed: BTreeSet<&String> = sources
            .iter()
            .filter_map(|id| ctx.allowed_amounts.get(id))
            .flatten()
            .collect();
        for a in amounts(&text) {
            let g = grouped_yuan(round2(a));
            if !allowed.contains(&g) {
                bail!(
                    "报告渲染结果第 {line} 行的金额 {g}元 与所依据的疑点（{}）的金额都不符",
                    sources.join("、")
                );
            }
        }
        let vouchers: BTreeSet<&String> = sources
            .iter()
            .filter_map(|id| ctx.voucher_refs.get(id))
            .collect();
        for r in refs {
            if !vouchers.contains(&r) {
                bail!(
                    "报告渲染结果第 {line} 行引用的凭证 {r} 不是所依据的疑点（{}）的凭证",
                    sources.join("、")
                );
            }
        }
    }
    if let Some(missing) = ctx.reported.iter().find(|id| !cited.contains(id.as_str())) {
        bail!("疑点 {missing} 应列入报告，但模板没有任何段落引用它（::sources）");
    }
    if let Some(books) = s.vouchers {
        for f in s.findings.iter().filter(|f| ctx.reported.contains(&f.id)) {
            if let (Some(entity), Some(v)) = (&f.entity, &f.voucher) {
                let key = (entity.clone(), voucher_base(v));
                if !books.contains(&key) {
                    bail!(
                        "疑点 {} 引用的凭证 {} {} 在载入的账簿中不存在",
                        f.id,
                        entity,
                        key.1
                    );
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn voucher_refs_are_found() {
        assert_eq!(
            super::voucher_refs("局机关2023年3月记-19号凭证“支付接待费”和2023年10月记-13号凭证"),
            ["2023年3月记-19号凭证", "2023年10月记-13号凭证"]
        );
        assert!(super::voucher_refs("凭证").is_empty());
    }
}
