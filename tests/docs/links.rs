//! Relative links and `#anchor`s in Markdown files: every link to a file in
//! the repository must name one that exists, and every anchor a heading of
//! the file it points into. Anchors follow the heading-slug rule GitHub and
//! mdBook share: the heading's text, lowercased, with spaces as `-` and
//! everything but letters, digits, `-` and `_` dropped; a repeated slug gets
//! `-1`, `-2`, ...

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// One link that does not resolve: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub file: PathBuf,
    pub line: usize,
    pub target: String,
    pub why: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: ({}) {}",
            self.file.display(),
            self.line,
            self.target,
            self.why
        )
    }
}

/// Checks the links of `files` (paths under `root`). Files linked to with an
/// anchor are read as Markdown for their headings.
pub fn check(root: &Path, files: &[PathBuf]) -> Vec<Broken> {
    let mut anchors: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(root.join(file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (line, target) in links(&text) {
            if let Some(why) = resolve(root, file, &target, &mut anchors) {
                broken.push(Broken {
                    file: file.clone(),
                    line,
                    target,
                    why,
                });
            }
        }
    }
    broken
}

/// Why `target`, linked from `file`, does not resolve (None: it does).
fn resolve(
    root: &Path,
    file: &Path,
    target: &str,
    anchors: &mut HashMap<PathBuf, BTreeSet<String>>,
) -> Option<String> {
    if target.contains("://") || target.starts_with("mailto:") {
        return None; // not a file of this repository
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let dest = if path.is_empty() {
        file.to_path_buf()
    } else {
        let joined = normalize(&file.parent().unwrap_or(Path::new("")).join(path));
        match joined {
            Some(p) if root.join(&p).exists() => p,
            Some(p) => return Some(format!("no file {}", p.display())),
            None => return Some("the path leaves the repository".into()),
        }
    };
    let anchor = anchor?;
    if dest.extension().is_none_or(|e| e != "md") {
        return Some(format!(
            "an anchor into {}, which is no Markdown file",
            dest.display()
        ));
    }
    let known = anchors.entry(dest.clone()).or_insert_with(|| {
        let text = std::fs::read_to_string(root.join(&dest)).unwrap_or_default();
        headings(&text)
    });
    if known.contains(anchor) {
        None
    } else {
        Some(format!("{} has no heading #{anchor}", dest.display()))
    }
}

/// `p` with `.` and `..` folded, relative to the repository root; None when
/// it climbs out of it.
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(s) => out.push(s),
            _ => return None,
        }
    }
    Some(out)
}

/// The lines of `text` outside fenced code blocks, numbered from 1.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fence: Option<String> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let marker: String = t.chars().take_while(|c| *c == '`' || *c == '~').collect();
        if marker.len() >= 3 && marker.chars().all(|c| c == marker.chars().next().unwrap()) {
            match &fence {
                None => fence = Some(marker),
                Some(open) if marker.starts_with(open.as_str()) && t.trim() == marker => {
                    fence = None
                }
                Some(_) => {}
            }
            continue;
        }
        if fence.is_none() {
            out.push((i + 1, line));
        }
    }
    out
}

/// The code of a Markdown text: each fenced block's text, but for blocks
/// marked `text` (a program's output, not commands), and each inline code
/// span outside them.
pub fn code(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut block: Option<(String, bool, String)> = None; // fence, kept, text
    for line in text.lines() {
        let t = line.trim_start();
        let marker: String = t.chars().take_while(|c| *c == '`' || *c == '~').collect();
        let is_fence =
            marker.len() >= 3 && marker.chars().all(|c| c == marker.chars().next().unwrap());
        match &mut block {
            Some((fence, kept, body)) => {
                if is_fence && marker.starts_with(fence.as_str()) && t.trim() == marker {
                    if *kept {
                        out.push(std::mem::take(body));
                    }
                    block = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None if is_fence => {
                let info = t[marker.len()..].trim();
                block = Some((marker, info != "text", String::new()));
            }
            None => out.extend(spans(line)),
        }
    }
    out
}

/// The inline code spans of one line of prose.
fn spans(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find('`') {
        let run = rest[i..].chars().take_while(|c| *c == '`').count();
        let after = &rest[i + run..];
        match find_run(after, &"`".repeat(run)) {
            Some(j) => {
                out.push(after[..j].trim().to_string());
                rest = &after[j + run..];
            }
            None => rest = after,
        }
    }
    out
}

/// `line` without its code spans (a run of backticks up to the next run of
/// the same length).
fn strip_code(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('`') {
        out.push_str(&rest[..i]);
        let run = rest[i..].chars().take_while(|c| *c == '`').count();
        let after = &rest[i + run..];
        let closing = "`".repeat(run);
        match find_run(after, &closing) {
            Some(j) => rest = &after[j + run..],
            None => {
                out.push_str(&rest[i..i + run]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a run of exactly `run.len()` backticks starts in `s`.
fn find_run(s: &str, run: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(run) {
        let at = from + i;
        let end = at + run.len();
        let longer_before = at > 0 && s.as_bytes()[at - 1] == b'`';
        let longer_after = s.as_bytes().get(end) == Some(&b'`');
        if !longer_before && !longer_after {
            return Some(at);
        }
        from = end + s[end..].chars().take_while(|c| *c == '`').count();
    }
    None
}

/// The link targets of a Markdown text, with their line numbers: inline
/// links and images (`[text](target "title")`) and reference definitions
/// (`[name]: target`).
pub fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in prose(text) {
        let line = strip_code(line);
        let t = line.trim_start();
        if t.starts_with('[') {
            if let Some((_, def)) = t.split_once("]:") {
                if let Some(target) = def.split_whitespace().next() {
                    out.push((n, target.trim_matches(['<', '>']).to_string()));
                    continue;
                }
            }
        }
        let mut rest = line.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let end = after.find(')').unwrap_or(after.len());
            let target = after[..end].split_whitespace().next().unwrap_or("");
            let target = target.trim_matches(['<', '>']);
            if !target.is_empty() {
                out.push((n, target.to_string()));
            }
            rest = &after[end..];
        }
    }
    out
}

/// The anchors of a Markdown text's headings (ATX `#` headings outside code
/// blocks; `{#id}` at a heading's end names its anchor).
pub fn headings(text: &str) -> BTreeSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = BTreeSet::new();
    for (_, line) in prose(text) {
        let t = line.trim_start();
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if !(1..=6).contains(&hashes) || !t[hashes..].starts_with(' ') {
            continue;
        }
        let title = t[hashes..].trim().trim_end_matches('#').trim();
        if let Some(id) = title
            .rsplit_once("{#")
            .and_then(|(_, id)| id.strip_suffix('}'))
        {
            out.insert(id.to_string());
            continue;
        }
        let base = slug(title);
        let n = seen.entry(base.clone()).or_insert(0);
        out.insert(if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        *n += 1;
    }
    out
}

/// A heading's anchor: its text (link targets dropped, `[text](url)` read as
/// `text`), lowercased, spaces as `-`, only letters, digits, `-` and `_` kept.
pub fn slug(title: &str) -> String {
    let mut text = String::new();
    let mut rest = title;
    while let Some(i) = rest.find("](") {
        text.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        rest = after.find(')').map_or("", |j| &after[j + 1..]);
    }
    text.push_str(rest);
    text.chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_lowercase().next()?),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}
