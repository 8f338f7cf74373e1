use clap::Parser;
use reeval::cli::{Cli, Command};
use reeval::cmd;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`reeval … | head`) would panic;
    // the default action ends the process quietly, as a command-line tool should.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Load(a) => cmd::load::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Rules(a) => cmd::rules::run(a),
        Command::Run(a) => cmd::run::run(a),
        Command::Init(a) => cmd::run::init(a),
        Command::Score(a) => cmd::score::run(a),
        Command::Plan(a) => cmd::plan::run(a),
        Command::Sample(a) => cmd::sample::run(a),
        Command::Evaluate(a) => cmd::evaluate::run(a),
        Command::GenFixtures(a) => cmd::gen_fixtures::run(a),
        Command::BareRead(a) => cmd::gen_fixtures::bare_read(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{}", reeval::errors::render(&e));
            ExitCode::from(2)
        }
    }
}
