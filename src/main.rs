//! The `gims` command line: a thin layer over `gims::api` (see `shared/CLI.md`).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
