use clap::Parser;
use reeval::cli::{self, Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`reeval … | head`) would panic;
    // the default action ends the process quietly, as a command-line tool should.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let parsed = Cli::parse();
    let result = match &parsed.command {
        Command::Load(a) => cli::load::run(a),
        Command::Check(a) => cli::check::run(a),
        Command::Rules(a) => cli::rules::run(a),
        Command::Run(a) => cli::run::run(a),
        Command::Init(a) => cli::run::init(a),
        Command::Score(a) => cli::score::run(a),
        Command::Plan(a) => cli::plan::run(a),
        Command::Sample(a) => cli::sample::run(a),
        Command::Evaluate(a) => cli::evaluate::run(a),
        Command::Workbook(a) => cli::workbook::run(a),
        Command::Report(a) => cli::report::run(a),
        Command::Review(a) => cli::review::run(a),
        Command::GenFixtures(a) => cli::gen_fixtures::run(a),
        Command::Profile(a) => cli::profile::run(a),
        Command::Claims(a) => cli::claims::run(a),
        Command::BareRead(a) => cli::gen_fixtures::bare_read(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{}", reeval::errors::render(&e));
            ExitCode::from(2)
        }
    }
}
