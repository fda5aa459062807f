//! Progress for a matrix run: an overall bar and one spinner per running cell
//! on a terminal; one plain line per finished cell otherwise.

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

pub enum Progress {
    Bars {
        multi: MultiProgress,
        overall: ProgressBar,
        running: Mutex<Vec<(usize, ProgressBar)>>,
    },
    Plain {
        total: usize,
        done: Mutex<usize>,
    },
}

impl Progress {
    pub fn new(total: usize) -> Progress {
        if std::io::stderr().is_terminal() {
            let multi = MultiProgress::new();
            let overall = multi.add(ProgressBar::new(total as u64));
            overall.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {pos}/{len} cells {msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            // Draw the bar (and its clock) before the first cell finishes.
            overall.enable_steady_tick(Duration::from_millis(500));
            Progress::Bars {
                multi,
                overall,
                running: Mutex::new(Vec::new()),
            }
        } else {
            Progress::Plain {
                total,
                done: Mutex::new(0),
            }
        }
    }

    pub fn start(&self, id: usize, name: &str) {
        if let Progress::Bars { multi, running, .. } = self {
            let pb = multi.add(ProgressBar::new_spinner());
            pb.set_style(
                ProgressStyle::with_template("  {spinner} {msg} {elapsed}")
                    .expect("valid template"),
            );
            pb.set_message(name.to_string());
            pb.enable_steady_tick(Duration::from_millis(120));
            running.lock().expect("progress lock").push((id, pb));
        }
    }

    pub fn finish(&self, id: usize, line: &str) {
        match self {
            Progress::Bars {
                overall,
                running,
                multi,
            } => {
                let mut r = running.lock().expect("progress lock");
                if let Some(i) = r.iter().position(|(k, _)| *k == id) {
                    let (_, pb) = r.remove(i);
                    pb.finish_and_clear();
                    multi.remove(&pb);
                }
                overall.inc(1);
                let _ = multi.println(line);
            }
            Progress::Plain { total, done } => {
                let mut d = done.lock().expect("progress lock");
                *d += 1;
                crate::errln!("[{}/{}] {line}", *d, total);
            }
        }
    }

    pub fn done(&self) {
        if let Progress::Bars { overall, .. } = self {
            overall.finish_and_clear();
        }
    }
}
