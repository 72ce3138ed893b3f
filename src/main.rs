use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(plat::run(std::env::args_os()))
}
