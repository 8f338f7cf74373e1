//! Command-line definitions. Each subcommand's arguments live here; its work in `cmd/`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    Load(LoadArgs),
    /// 运行合规检查规则，输出疑点（待核实）及其凭证证据、法规依据、核实要点和建议
    Check(CheckArgs),
    /// 列出全部检查规则；给出规则 id 时打印其说明、参数和法规依据
    Rules(RulesArgs),
    /// 对一个再评价项目（engagement.toml）依次执行载入、检查、抽样、评分，结果写入 output/
    Run(RunArgs),
    /// 新建再评价项目目录：带注释的 engagement.toml 框架
    Init(InitArgs),
    /// 按指标体系评分：公式、目标、问卷、疑点扣分、人工打分，汇总得分与等级
    Score(ScoreArgs),
    /// 计算样本量（与 jfa 的 planning() 相同的经典方法）
    Plan(PlanArgs),
    /// 抽取样本：重点项目 + 随机/系统/货币单位/分层抽样（ChaCha20，可由种子重现）
    Sample(SampleArgs),
    /// 根据样本结果计算总体偏差/错报上限（与 jfa 的 evaluation() 相同）
    Evaluate(EvaluateArgs),
    /// 生成测试与基准用的 .xlsx 样例文件（开发者工具）
    GenFixtures(GenArgs),
    /// 基准用：只用 calamine 读出工作簿全部单元格（载入速度的下限）
    #[command(hide = true)]
    BareRead(BareReadArgs),
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// 指标体系（indicator_sets/*.toml）
    #[arg(long = "set", value_name = "SET.toml")]
    pub set: PathBuf,
    /// 决算数据、目标、问卷、人工打分与自评（TOML）
    #[arg(long, value_name = "INPUTS.toml")]
    pub inputs: PathBuf,
    /// reeval check 输出的疑点（JSON），用于扣分类指标
    #[arg(long, value_name = "FINDINGS.json")]
    pub findings: Option<PathBuf>,
    /// 把评分结果写成 JSON
    #[arg(long = "json", value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// 逐项列出指标定义、公式和输入
    #[arg(long)]
    pub explain: bool,
    /// 序时账：据以复核决算数（支出、“三公经费”、公用经费、项目个数）
    #[arg(long = "ledger", value_name = "FILE")]
    pub ledgers: Vec<PathBuf>,
    /// 序时账的核算单位（标题行和列中都没有时使用）
    #[arg(long)]
    pub entity: Option<String>,
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    /// 序时账 / 凭证明细文件（抽资产时可不给）
    #[arg(value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: LoadInputs,
    /// 抽样单元：凭证、分录或资产
    #[arg(long, value_enum, default_value = "vouchers")]
    pub unit: crate::sampling::population::Unit,
    /// 重点项目：金额不低于此数（元）的全部抽取
    #[arg(long = "key-above", value_name = "元")]
    pub key_above: Option<rust_decimal::Decimal>,
    /// 重点项目：按金额从大到小抽取，直至覆盖总额的此比例（如 0.9）
    #[arg(long = "key-cover", value_name = "SHARE")]
    pub key_cover: Option<f64>,
    /// 风险导向：抽取 reeval check 疑点（JSON）涉及的全部凭证/资产，并列明原因
    #[arg(long = "risk", value_name = "FINDINGS.json")]
    pub risk: Option<PathBuf>,
    /// 对其余项目的抽样方法
    #[arg(long, value_enum, default_value = "none")]
    pub method: crate::sampling::select::Draw,
    /// 其余项目的样本量
    #[arg(long, default_value_t = 0)]
    pub n: u64,
    /// 分层依据：amount（金额区间，见 --bands）或 class（经济分类/资产分类）
    #[arg(long, default_value = "amount")]
    pub strata: String,
    /// 金额分层的区间上限（元），逗号分隔
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    pub bands: Vec<rust_decimal::Decimal>,
    /// 随机种子（记录在输出中；不给则取当前时间并记录）
    #[arg(long)]
    pub seed: Option<u64>,
    /// 把抽样结果写成 JSON
    #[arg(long = "json", value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// 似然分布
    #[arg(long, value_enum)]
    pub likelihood: crate::sampling::Likelihood,
    /// 可容忍偏差率/错报率（比率，如 0.05）
    #[arg(long)]
    pub materiality: f64,
    /// 预期偏差：小于 1 为比率，大于等于 1 为个数
    #[arg(long, default_value_t = 0.0)]
    pub expected: f64,
    /// 置信水平（如 0.95）
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// 总体规模（超几何分布必填）
    #[arg(long)]
    pub population: Option<u64>,
    /// 总体账面金额（元），给出时计算货币单位抽样间距
    #[arg(long = "book-value")]
    pub book_value: Option<rust_decimal::Decimal>,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// 评价方法
    #[arg(long, value_enum)]
    pub method: crate::sampling::evaluate::Method,
    /// 样本量（给出 --data 时取数据行数）
    #[arg(long)]
    pub n: Option<u64>,
    /// 样本中发现的偏差数（偏差类方法）
    #[arg(long)]
    pub x: Option<f64>,
    /// 错报比例（账面−审定）/账面，逗号分隔，如 --taints=-0.5,0.6
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub taints: Vec<f64>,
    /// 含账面金额与审定金额两列的 CSV（book,audit）
    #[arg(long)]
    pub data: Option<PathBuf>,
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// 可容忍偏差率/错报率（比率）
    #[arg(long)]
    pub materiality: Option<f64>,
    #[arg(long)]
    pub population: Option<u64>,
    /// 总体账面金额（元），给出时换算推断错报与上限金额
    #[arg(long = "book-value")]
    pub book_value: Option<rust_decimal::Decimal>,
    #[arg(long)]
    pub json: bool,
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
}

impl LoadInputs {
    pub fn request(&self, ledgers: &[PathBuf]) -> crate::load::LoadRequest {
        crate::load::LoadRequest {
            ledgers: ledgers.to_vec(),
            assets: self.assets.clone(),
            balances: self.balances.clone(),
            profile_files: self.profile_files.clone(),
            profile: self.use_profile.clone(),
            entity: self.entity.clone(),
            system: self.system.clone(),
            keep_rows: false,
            file_hints: Default::default(),
        }
    }
}

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// 序时账 / 凭证明细文件（.xlsx、.xls），可多个
    #[arg(required = true, value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: LoadInputs,
    /// 把载入报告写成 JSON
    #[arg(long = "json", value_name = "REPORT")]
    pub json: Option<PathBuf>,
    /// 把载入结果写成 Parquet 缓存目录（lines/opening/assets.parquet + load.json）；
    /// 之后各命令可用该目录代替原始文件
    #[arg(long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 终端上最多列出多少条拒收行
    #[arg(long, default_value_t = 20)]
    pub show: usize,
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
    #[arg(long = "supporting", value_name = "KIND=FILE", value_parser = crate::rules::supporting::parse_spec)]
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

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// 规则 id：打印该规则的说明、参数与法规依据
    pub id: Option<String>,
    /// 规则配置覆盖文件（显示覆盖后的参数）
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 以 JSON 输出规则目录
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// 项目目录（含 engagement.toml；默认：附带的样例 samples/hrss-2023）
    pub dir: Option<PathBuf>,
    /// 输出目录（默认 output/<项目 id>）
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 不显示进度和摘要（只在出错时输出）
    #[arg(long, short)]
    pub quiet: bool,
    /// 以 JSON 在标准输出打印摘要（供脚本使用）
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// 新项目目录：写入带注释的 engagement.toml 框架和 data/ 目录
    pub dir: PathBuf,
}

#[derive(Args, Debug)]
pub struct BareReadArgs {
    pub file: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct GenArgs {
    /// 输出目录
    pub dir: PathBuf,
    /// 另外生成一个约 N 行的大序时账（GRP-U8 版式），用于测速
    #[arg(long)]
    pub lines: Option<usize>,
    /// 随机种子
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// 另外生成规则测试账套（seed 002 第七部分的全部凭证混入正常凭证）到 DIR/rules-test
    #[arg(long = "rules-test")]
    pub rules_test: bool,
    /// 生成完整的样例再评价项目（engagement.toml + data/）到 DIR；与 --lines N 同用时按约 N 行
    /// 分录放大（两个核算单位约六四开）
    #[arg(long)]
    pub engagement: bool,
    /// 与 --engagement 同用：序时账写成 UTF-8 CSV（超过工作表 1,048,576 行上限时用）
    #[arg(long)]
    pub csv: bool,
    /// 允许替换 DIR 中内容不同的同名文件（默认拒绝，以免覆盖已有资料）
    #[arg(long)]
    pub force: bool,
}
