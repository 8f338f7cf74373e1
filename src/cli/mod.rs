//! The command line: one module per subcommand, holding its arguments (clap) and its `run`;
//! here the top-level parser, the load inputs every loading command shares, and `--json` writing.

pub mod check;
pub mod claims;
pub mod evaluate;
pub mod gen_fixtures;
pub mod load;
pub mod plan;
pub mod profile;
pub mod report;
pub mod review;
pub mod rules;
pub mod run;
pub mod sample;
pub mod score;
pub mod workbook;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "reeval",
    version,
    about = "绩效再评价工作台：载入序时账与资产卡片，检查、抽样、评分",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 载入序时账/凭证明细和固定资产明细表，核对合计行与借贷平衡，输出载入报告
    Load(load::LoadArgs),
    /// 运行合规检查规则，输出疑点（待核实）及其凭证证据、法规依据、核实要点和建议
    Check(check::CheckArgs),
    /// 列出全部检查规则；给出规则 id 时打印其说明、参数和法规依据
    Rules(rules::RulesArgs),
    /// 对一个再评价项目（engagement.toml）依次执行载入、检查、抽样、评分，结果写入 output/
    Run(run::RunArgs),
    /// 新建再评价项目目录：带注释的 engagement.toml 框架
    Init(run::InitArgs),
    /// 按指标体系评分：公式、目标、问卷、疑点扣分、人工打分，汇总得分与等级
    Score(score::ScoreArgs),
    /// 读取自评报告（.docx/.txt/.md）中的执行率、预算、支出、“三公”经费等数字，并检查其前后是否一致
    Claims(claims::ClaimsArgs),
    /// 由上次运行的结果重新编制审计底稿（底稿-<id>.xlsx），不重新检查
    Workbook(workbook::WorkbookArgs),
    /// 由上次运行的结果重新起草报告（报告-<id>.docx / .md），不重新检查
    Report(report::ReportArgs),
    /// 导入底稿中审计人员填写的核实结论（疑点、抽凭、资产抽查、人工问题）到项目的 review.toml
    Review(review::ReviewArgs),
    /// 计算样本量（与 jfa 的 planning() 相同的经典方法）
    Plan(plan::PlanArgs),
    /// 抽取样本：重点项目 + 随机/系统/货币单位/分层抽样（ChaCha20，可由种子重现）
    Sample(sample::SampleArgs),
    /// 根据样本结果计算总体偏差/错报上限（与 jfa 的 evaluation() 相同）
    Evaluate(evaluate::EvaluateArgs),
    /// 生成测试与基准用的 .xlsx 样例文件（开发者工具）
    GenFixtures(gen_fixtures::GenArgs),
    /// 映射方案：`profile suggest FILE` 按未知导出文件的表头猜测一个映射方案
    Profile(profile::ProfileArgs),
    /// 基准用：只用 calamine 读出工作簿全部单元格（载入速度的下限）
    #[command(hide = true)]
    BareRead(gen_fixtures::BareReadArgs),
}

/// The parser of a flag whose values a library enum names (`Draw::NAMES` …): clap lists the
/// names in `--help` and in its error, and `FromStr` turns the chosen one into the value.
pub fn named<T>(names: &'static [&'static str]) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(names).map(|s| match s.parse::<T>() {
        Ok(v) => v,
        Err(_) => unreachable!("“{s}” is one of the names it was built from"),
    })
}

/// The inputs every command that loads books takes.
#[derive(Args, Debug, Clone)]
pub struct LoadInputs {
    /// 固定资产明细表（可多次给出）
    #[arg(long = "assets", value_name = "FILE")]
    pub assets: Vec<PathBuf>,
    /// 科目余额表 / 科目表（可多次给出）：期初余额、期末余额核对、只有编码的分录补科目名称
    #[arg(long = "balances", value_name = "FILE")]
    pub balances: Vec<PathBuf>,
    /// 映射方案 TOML 文件：新增或覆盖内置方案（可多次给出）
    #[arg(long = "profile", value_name = "FILE")]
    pub profile_files: Vec<PathBuf>,
    /// 指定序时账使用的映射方案 id（默认按表头自动识别）
    #[arg(long = "use-profile", value_name = "ID")]
    pub use_profile: Option<String>,
    /// 核算单位（标题行和列中都没有时使用）
    #[arg(long)]
    pub entity: Option<String>,
    /// 账套的会计制度（默认 政府会计制度）
    #[arg(long = "system", value_name = "NAME")]
    pub system: Option<String>,
    /// 会计科目表 TOML 文件（与 data/charts/*.toml 同结构）：新增会计制度，或替换同名内置科目表（可多次给出）
    #[arg(long = "chart", value_name = "FILE")]
    pub chart_files: Vec<PathBuf>,
    /// 账簿年度：日期不含年份（如 01-05、1月5日）且标题、工作表名和文件名中都没有年度时使用
    #[arg(long = "year", value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub year: Option<i32>,
}

impl LoadInputs {
    pub fn request(&self, ledgers: &[PathBuf]) -> crate::load::LoadRequest {
        crate::load::LoadRequest {
            ledgers: ledgers.to_vec(),
            assets: self.assets.clone(),
            balances: self.balances.clone(),
            profile_files: self.profile_files.clone(),
            chart_files: self.chart_files.clone(),
            year: self.year,
            profile: self.use_profile.clone(),
            entity: self.entity.clone(),
            system: self.system.clone(),
            keep_rows: false,
            file_hints: Default::default(),
        }
    }
}

/// Write a `--json` report whole, never over one of the command's inputs (those its
/// provenance lists, and `extra`) or over a file that is not a reeval report
/// ([`crate::publish::write_file`]).
pub fn write_report(
    path: &Path,
    bytes: &[u8],
    prov: &crate::model::provenance::Provenance,
    extra: &[PathBuf],
) -> Result<()> {
    let mut inputs: Vec<PathBuf> = prov.inputs.iter().map(|i| PathBuf::from(&i.path)).collect();
    inputs.extend(extra.iter().cloned());
    crate::publish::write_file(path, bytes, &inputs)
}
