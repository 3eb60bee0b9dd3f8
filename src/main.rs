//! The `keyhound` binary: parse arguments, run, print the error chain, exit.
#![allow(clippy::print_stderr)]

use clap::Parser;
use keyhound::exit::ExitStatus;

fn main() {
    let cli = match keyhound::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are not errors.
            let code = if err.use_stderr() {
                ExitStatus::Error.code()
            } else {
                0
            };
            if err.use_stderr() {
                // The message quotes the offending argument, which may be a key pasted into
                // the wrong place: redact it like any other error (printed without colour,
                // which would split the argument from its quotes).
                let text = keyhound::redact_found_secrets(&err.render().to_string());
                eprint!("{text}");
            } else {
                let _ = err.print();
            }
            std::process::exit(code);
        }
    };
    let status = match keyhound::run(cli) {
        Ok(status) => status,
        Err(err) if is_broken_pipe(&err) => ExitStatus::Clean,
        Err(err) => {
            // Arguments, paths and names from scanned or user files reach this message:
            // redact any secret in them, and escape them for the terminal, line by line (the
            // message's own line breaks stay).
            let text = keyhound::redact_found_secrets(&format!("{err:#}"));
            let lines: Vec<_> = text.lines().map(keyhound::escape::terminal).collect();
            eprintln!("keyhound: error: {}", lines.join("\n"));
            ExitStatus::Error
        }
    };
    std::process::exit(status.code());
}

/// `keyhound scan | head` closes the pipe early; that is the reader's choice, not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
