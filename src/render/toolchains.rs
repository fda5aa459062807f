//! The reporter of toolchain work: one progress bar per download on a
//! terminal (as cargo and uv show theirs), notes as `qcompat: ...` lines;
//! under `--json`, one JSON object per line on stderr instead, so that stdout
//! keeps the command's one document.

use crate::toolchains::events::{Event, Reporter};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

pub struct ToolchainReporter {
    json: bool,
    terminal: bool,
    /// The bars of the downloads under way, by URL.
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl ToolchainReporter {
    pub fn new(json: bool) -> ToolchainReporter {
        ToolchainReporter {
            json,
            terminal: std::io::stderr().is_terminal(),
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn bar(url: &str, size: u64) -> ProgressBar {
        let b = ProgressBar::new(size);
        b.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        b.set_message(url.rsplit('/').next().unwrap_or(url).to_string());
        b
    }

    fn json_line(&self, event: &Event<'_>) {
        let line = match *event {
            Event::DownloadStarted { url, size } => {
                json!({"event": "download-started", "url": url, "size": size})
            }
            // Bytes as they arrive would flood the stream: start and end only.
            Event::DownloadProgress { .. } => return,
            Event::DownloadEnded { url } => json!({"event": "download-ended", "url": url}),
            Event::Note(message) => json!({"event": "note", "message": message}),
        };
        crate::errln!("{line}");
    }
}

impl Reporter for ToolchainReporter {
    fn event(&self, event: Event<'_>) {
        if self.json {
            return self.json_line(&event);
        }
        let mut bars = self.bars.lock().expect("bars lock");
        match event {
            Event::DownloadStarted { url, size } if self.terminal => {
                // A retry starts the same download again: a fresh bar.
                if let Some(old) = bars.insert(url.to_string(), Self::bar(url, size)) {
                    old.finish_and_clear();
                }
            }
            Event::DownloadProgress { url, bytes } => {
                if let Some(b) = bars.get(url) {
                    b.inc(bytes);
                }
            }
            Event::DownloadEnded { url } => {
                if let Some(b) = bars.remove(url) {
                    b.finish_and_clear();
                }
            }
            Event::Note(message) => {
                let show = || crate::errln!("qcompat: {message}");
                match bars.values().next() {
                    Some(b) => b.suspend(show),
                    None => show(),
                }
            }
            Event::DownloadStarted { .. } => {}
        }
    }
}
