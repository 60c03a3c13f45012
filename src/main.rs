//! The `jixiao` binary: parses arguments and hands over to the library.

fn main() -> std::process::ExitCode {
    jixiao::cli::main()
}
