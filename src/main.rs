fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(marginalia::cli::main())
}
