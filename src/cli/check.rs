//! `reeval check`: load, run the rule library, print findings by category, write the JSON
//! findings document ([`crate::check::document`]).

use super::LoadInputs;
use crate::check::citations::{Catalogue, CitationSetting, EntityType};
use crate::check::config::Config;
use crate::check::document::{document_from, Document, Setup};
use crate::load;
use crate::load::supporting::Supporting;
use crate::model::findings::{Finding, Kind};
use crate::model::provenance::sha256_file;
use anyhow::{bail, Result};
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Run the whole check; the caller decides where the document goes.
pub fn document(a: &CheckArgs) -> Result<Document> {
    if a.ledgers.is_empty() && a.inputs.assets.is_empty() {
        bail!("请给出序时账文件（和/或 --assets 资产明细表）");
    }
    let config =
        Config::with_overrides(a.config.as_deref())?.with_calendar(a.calendar.as_deref())?;
    let catalogue = Catalogue::with_extra(a.citations.as_deref())?.with_setting(CitationSetting {
        region: a
            .region
            .as_deref()
            .unwrap_or("")
            .split('/')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        default_type: a.entity_type,
        county_level: false,
        types: Default::default(),
    });
    let supporting = Supporting::load(&a.supporting, a.supporting_profile.as_deref())?;
    let req = a.inputs.request(&a.ledgers);
    let t0 = std::time::Instant::now();
    let loaded = load::load(&req)?;
    let load_secs = t0.elapsed().as_secs_f64();
    let mut extra = Vec::new();
    for p in [&a.config, &a.citations, &a.calendar, &a.supporting_profile]
        .into_iter()
        .flatten()
    {
        extra.push(sha256_file(p)?);
    }
    let mut doc = document_from(
        &loaded,
        &Setup {
            config: &config,
            catalogue: &catalogue,
            supporting: &supporting,
            supporting_given: &a.supporting,
            only: &a.rules,
            as_of: a.as_of,
            extra_inputs: extra,
        },
    )?;
    doc.timings.insert(0, ("载入".to_string(), load_secs));
    Ok(doc)
}

pub fn run(a: &CheckArgs) -> Result<()> {
    let doc = document(a)?;
    print!("{}", table(&doc, a.show));
    if a.timings {
        for (stage, secs) in &doc.timings {
            eprintln!("用时 {stage:<24} {secs:>8.3} 秒");
        }
    }
    if let Some(path) = &a.json {
        let json = serde_json::to_vec_pretty(&doc)?;
        super::write_report(path, &json, &doc.provenance, &a.ledgers)?;
        println!("疑点文档已写入 {}", path.display());
    }
    Ok(())
}

use crate::model::money::grouped_yuan as yuan;

/// The readable table: findings grouped by category with counts and sums, then the limits.
pub fn table(doc: &Document, show: usize) -> String {
    let mut s = String::new();
    let m = &doc.summary;
    let _ = writeln!(
        s,
        "检查分录 {} 行、凭证 {} 张、资产 {} 项：疑点 {} 条（待核实），提示 {} 条，范围限制 {} 项",
        m.lines_checked,
        m.vouchers_checked,
        m.assets_checked,
        m.findings,
        m.informational,
        m.scope_limits
    );
    for c in &m.by_category {
        let _ = writeln!(
            s,
            "■ {}：{} 条，金额 {} 元",
            c.category,
            c.findings,
            yuan(c.amount)
        );
        let items: Vec<&Finding> = doc
            .findings
            .iter()
            .filter(|f| f.category == c.category && f.kind != Kind::Analytical)
            .collect();
        for f in items.iter().take(show) {
            let place = match (&f.voucher, &f.asset) {
                (Some(v), _) => v.clone(),
                (None, Some(a)) => format!("资产 {a}"),
                _ => "—".into(),
            };
            let _ = writeln!(
                s,
                "  {} {} {:>14}  [{}] {}",
                f.entity.as_deref().unwrap_or(""),
                place,
                f.amount.map(yuan).unwrap_or_default(),
                f.rule,
                f.summary
            );
        }
        if items.len() > show {
            let _ = writeln!(s, "  ……另有 {} 条，见 JSON 文档", items.len() - show);
        }
    }
    let _ = writeln!(
        s,
        "疑点问题金额合计 {} 元（同一凭证只计一次{}）",
        yuan(m.problem_amount),
        if m.overlapping_vouchers > 0 {
            format!(
                "；{} 张凭证同时属于两个以上类别，各类别条数有重叠",
                m.overlapping_vouchers
            )
        } else {
            String::new()
        }
    );
    if m.analytical > 0 {
        let _ = writeln!(
            s,
            "□ 分析性程序：{} 条（指向应查之处，不是疑点，不计问题金额、不扣分，用于风险排序和抽样）",
            m.analytical
        );
        for a in &m.analytical_by_rule {
            let _ = writeln!(s, "  {} {}：{} 条", a.rule, a.title, a.results);
        }
    }
    if !doc.risk.is_empty() {
        let _ = writeln!(
            s,
            "风险排序（前 {} 张凭证，权重见 rules.toml [risk]）：",
            show.min(doc.risk.len())
        );
        for r in doc.risk.iter().take(show) {
            let _ = writeln!(
                s,
                "  {:>4}  {} {}  {}",
                r.score,
                r.entity,
                r.voucher,
                r.reasons.join("；")
            );
        }
    }
    if !doc.scope_limits.is_empty() {
        let _ = writeln!(s, "范围限制：");
        for l in &doc.scope_limits {
            let _ = writeln!(
                s,
                "  {}（{}）{}：{}",
                l.extent,
                l.rule,
                l.entity
                    .as_deref()
                    .map(|e| format!(" {e}"))
                    .unwrap_or_default(),
                l.reason
            );
        }
    }
    for t in &doc.supporting {
        let _ = writeln!(
            s,
            "辅助资料 {}（{}）：读取 {} 行，载入 {}，跳过 {}，拒收 {}",
            t.title, t.path, t.rows_read, t.rows_loaded, t.rows_skipped, t.rows_rejected
        );
        for r in t.rejections.iter().take(5) {
            let _ = writeln!(
                s,
                "    拒收 {} 第 {} 行 {}：{}",
                r.sheet, r.row, r.column, r.reason
            );
        }
    }
    s
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// 序时账 / 凭证明细文件（.xlsx、.xls），可多个；或 reeval load --out 写出的缓存目录
    #[arg(value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: LoadInputs,
    /// 辅助资料：类别=文件，可多次给出。类别：payments（国库集中支付/银行付款明细）、
    /// card-holders（公务卡持卡人名单）、receptions（公务接待台账）、meetings（会议台账）、
    /// inspection（资产盘点表）
    #[arg(long = "supporting", value_name = "KIND=FILE", value_parser = crate::load::supporting::parse_spec)]
    pub supporting: Vec<(String, PathBuf)>,
    /// 辅助资料映射方案（TOML，与 data/profiles/supporting.toml 同结构）
    #[arg(long = "supporting-profile", value_name = "FILE")]
    pub supporting_profile: Option<PathBuf>,
    /// 规则配置覆盖文件（TOML，与 data/rules.toml 同结构，只写不同之处）
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 补充法规目录（TOML，与 data/citations.toml 同结构，如地方实施细则）
    #[arg(long = "citations", value_name = "FILE")]
    pub citations: Option<PathBuf>,
    /// 节假日日历（TOML，与 data/calendar/cn.toml 同结构）：补充内置日历未覆盖的年份、地方节假日或调休日
    #[arg(long = "calendar", value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// 单位类型（决定引用的财务规则）：行政单位、参照公务员法管理的事业单位或事业单位；不给按行政单位
    #[arg(long = "entity-type", value_name = "TYPE", value_parser = parse_entity_type)]
    pub entity_type: Option<EntityType>,
    /// 所在地“省/市/县”（如 云南省/昆明市/寻甸县）：引用当地实施细则
    #[arg(long = "region", value_name = "省/市/县")]
    pub region: Option<String>,
    /// 只运行这些规则（逗号分隔的 id）
    #[arg(long = "rules", value_delimiter = ',', value_name = "ID,...")]
    pub rules: Vec<String>,
    /// 评价基准日（资产类疑点的日期；默认为序时账最后一年的 12 月 31 日）
    #[arg(long = "as-of", value_name = "YYYY-MM-DD")]
    pub as_of: Option<chrono::NaiveDate>,
    /// 把疑点文档写成 JSON
    #[arg(long = "json", value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// 终端上每类最多列出多少条疑点
    #[arg(long, default_value_t = 10)]
    pub show: usize,
    /// 在标准错误输出上打印载入与每条规则的用时
    #[arg(long)]
    pub timings: bool,
}

fn parse_entity_type(s: &str) -> Result<EntityType, String> {
    toml::Value::String(s.into())
        .try_into::<EntityType>()
        .map_err(|_| format!("应为 {} 之一", EntityType::NAMES.join("、")))
}
