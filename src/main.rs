use clap::Parser;
use reeval::cli::{Cli, Command};
use reeval::cmd;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Load(a) => cmd::load::run(a),
        Command::Run(a) => cmd::run::run(a),
        Command::GenFixtures(a) => cmd::gen_fixtures::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
