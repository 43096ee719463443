//! The progress line of `mailru all` on stderr: items, pages, rate and elapsed time.
//!
//! Drawn only when stderr is a terminal (and `TERM` is set and not `dumb`: indicatif's
//! rule) and `--quiet` was not given; otherwise nothing at all is written to stderr, so a
//! `2>log` stays empty.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// While the walk runs: `friends.get: 1,200 items, 12 pages, 3,456 items/s, 00:00:02`.
const RUNNING: &str = "{prefix}: {human_pos} items, {pages}, {rate} items/s, {elapsed_precise}";
/// At the end of the list (or `--max`).
const DONE: &str = "{prefix}: {human_pos} items, {pages}, {rate} items/s, {elapsed_precise}, done";
/// After an error, or when the reader of stdout went away.
const STOPPED: &str =
    "{prefix}: {human_pos} items, {pages}, {rate} items/s, {elapsed_precise}, stopped";

/// How often the line is redrawn while a page is awaited (the elapsed time moves on).
const TICK: Duration = Duration::from_millis(500);

/// The progress of one walk; every method is a no-op when it is hidden.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    pages: Arc<AtomicU64>,
}

impl Progress {
    /// A progress line for `method` on stderr, shown when `show` and stderr is a terminal.
    pub fn on_stderr(method: &str, show: bool) -> Progress {
        let target = if show && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let pages = Arc::new(AtomicU64::new(0));
        let bar = ProgressBar::with_draw_target(None, target).with_prefix(method.to_owned());
        bar.set_style(style(RUNNING, &pages));
        if !bar.is_hidden() {
            bar.enable_steady_tick(TICK);
        }
        Progress { bar, pages }
    }

    /// Whether nothing is drawn.
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// Runs `write` (output to the same terminal) with the line cleared, then redraws it.
    pub fn around_output<R>(&self, write: impl FnOnce() -> R) -> R {
        if self.is_hidden() {
            write()
        } else {
            self.bar.suspend(write)
        }
    }

    /// A page of `items` items was printed.
    pub fn page(&self, items: usize) {
        self.pages.fetch_add(1, Ordering::Relaxed);
        self.bar.inc(u64::try_from(items).unwrap_or(u64::MAX));
    }

    /// The walk ended normally: the final line stays, ending in `done`.
    pub fn done(&self) {
        self.bar.set_style(style(DONE, &self.pages));
        self.bar.finish();
    }

    /// The walk ended early: the line stays as it was, ending in `stopped`.
    pub fn stopped(&self) {
        self.bar.set_style(style(STOPPED, &self.pages));
        self.bar.abandon();
    }
}

/// The style of `template`, with the `{pages}` and `{rate}` keys.
fn style(template: &str, pages: &Arc<AtomicU64>) -> ProgressStyle {
    let pages = pages.clone();
    ProgressStyle::with_template(template)
        // The templates are constants, parsed by a unit test; a default line would do.
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .with_key(
            "pages",
            move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let n = pages.load(Ordering::Relaxed);
                let _ = write!(w, "{} page{}", HumanCount(n), if n == 1 { "" } else { "s" });
            },
        )
        .with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", HumanCount(rate(state.pos(), state.elapsed())));
            },
        )
}

/// Items per second over the whole walk (0 before any time has passed).
fn rate(items: u64, elapsed: Duration) -> u64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        // Saturating: `as` turns a huge or infinite float into u64::MAX.
        (items as f64 / secs) as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_parse() {
        for template in [RUNNING, DONE, STOPPED] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }

    #[test]
    fn the_rate_is_items_over_the_whole_elapsed_time() {
        assert_eq!(rate(250, Duration::from_millis(500)), 500);
        assert_eq!(rate(3, Duration::from_secs(2)), 1);
        assert_eq!(rate(1000, Duration::ZERO), 0);
        assert_eq!(rate(u64::MAX, Duration::from_nanos(1)), u64::MAX);
    }

    #[test]
    fn a_hidden_progress_runs_the_output_and_counts_nothing_visible() {
        let progress = Progress::on_stderr("friends.get", false);
        assert!(progress.is_hidden());
        assert_eq!(progress.around_output(|| 7), 7);
        progress.page(100);
        progress.page(50);
        assert_eq!(progress.pages.load(Ordering::Relaxed), 2);
        assert_eq!(progress.bar.position(), 150);
        progress.done();
    }
}
