//! `cargo xtask test`: what CI runs.

use std::process::ExitCode;

use crate::steps::{self, Step, workspace_root};

pub fn run() -> ExitCode {
    shared_notice();
    steps::run(&[
        Step::cargo("formatting", &["fmt", "--all", "--", "--check"]),
        Step::cargo(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo(
            "tests (unit, integration, doc)",
            &["test", "--workspace", "--no-fail-fast"],
        ),
        // Benchmarks are built (they must keep compiling), never run: timings are for
        // `cargo xtask bench`, not for tests.
        Step::cargo(
            "examples and benchmarks build",
            &["build", "--workspace", "--examples", "--benches"],
        ),
        docs("docs (default features)", &[]),
        docs("docs (all features)", &["--all-features"]),
        facade("facade without default features", ""),
        facade("facade with `auth` alone", "auth"),
        facade("facade with `scrapers` alone", "scrapers"),
        facade("facade with `emulator` alone", "emulator"),
    ])
}

/// `cargo doc` of the workspace with every rustdoc warning (broken links, bare URLs) an
/// error, as docs.rs users would see them.
fn docs(what: &'static str, extra: &[&str]) -> Step {
    let mut args = vec!["doc", "--workspace", "--no-deps"];
    args.extend_from_slice(extra);
    Step::cargo(what, &args).env("RUSTDOCFLAGS", "-D warnings")
}

/// The facade builds with no default features and with each feature alone.
fn facade(what: &'static str, feature: &str) -> Step {
    let mut args = vec!["check", "-p", "mailru", "--no-default-features"];
    if !feature.is_empty() {
        args.extend(["--features", feature]);
    }
    Step::cargo(what, &args)
}

/// Tests that read the platform spec and the real login pages from `../shared/` fail
/// without it when `CI` is set, and only print a notice otherwise (which cargo hides for
/// passing tests): say it here, where it is seen.
fn shared_notice() {
    let shared = workspace_root().join("../shared");
    if !shared.join("spec/methods.json").is_file() || !shared.join("fixtures/oauth-pages").is_dir()
    {
        eprintln!(
            "xtask: NOTICE: {} is missing: the catalog check and the real-page tests will not \
             run (with CI set they fail instead)",
            shared.display()
        );
    }
}
