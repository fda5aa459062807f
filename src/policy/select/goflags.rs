//! The go command flags a selection builds with, merged with the user's GOFLAGS.

use super::Selection;

impl Selection {
    /// The go command flags that build with this selection. With a one-word
    /// `toolexec` (the qcompat-toolexec link, `q`) the line also works as
    /// GOFLAGS; otherwise it is shell-quoted for `eval`. The build tags
    /// already in `goflags` are kept in the line's `-tags=`: the go command
    /// keeps only the last `-tags`, so appending the line must not drop them.
    pub fn goflags(&self, toolexec: &str, goflags: &str) -> String {
        let mut tags: Vec<String> = tags_in_goflags(goflags)
            .into_iter()
            .filter(|t| !t.starts_with("qcompat_"))
            .collect();
        tags.extend(self.build_tags.iter().cloned());
        let mut s = format!("-tags={}", tags.join(","));
        if self.toolexec_required {
            s.push(' ');
            s.push_str(&crate::support::shell::shell_quote(&format!(
                "-toolexec={toolexec}"
            )));
        }
        s
    }

    /// GOFLAGS as a whole: `goflags` without its `-tags` (merged into the
    /// line) and, when this selection names the injector, without its
    /// `-toolexec` (a build has one), then the line.
    pub fn full_goflags(&self, toolexec: &str, goflags: &str) -> String {
        let mut words: Vec<String> = crate::support::shell::split_words(goflags)
            .into_iter()
            .filter(|w| !(is_flag(w, "tags") || self.toolexec_required && is_flag(w, "toolexec")))
            .map(|w| crate::support::shell::shell_quote(&w))
            .collect();
        words.push(self.goflags(toolexec, goflags));
        words.join(" ")
    }
}

/// Whether a GOFLAGS word sets flag `name` (`-name=`, `--name=`).
fn is_flag(word: &str, name: &str) -> bool {
    let w = word.trim_start_matches('-');
    word.starts_with('-') && (w == name || w.starts_with(&format!("{name}=")))
}

/// The build tags GOFLAGS sets (its last `-tags=`, as the go command reads
/// it; comma- or space-separated).
pub fn tags_in_goflags(goflags: &str) -> Vec<String> {
    crate::support::shell::split_words(goflags)
        .iter()
        .filter(|w| is_flag(w, "tags"))
        .filter_map(|w| w.split_once('=').map(|(_, v)| v.to_string()))
        .next_back()
        .map(|v| {
            v.split([',', ' '])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
