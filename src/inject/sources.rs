//! The source files that make one package of a Go module: its own, and those
//! of every package it imports from the same module, transitively, plus
//! `go.mod` and `go.sum`. An injector given as a package is identified by
//! these files, so a change elsewhere in its module (an example, another
//! command) leaves its identity, and the evidence recorded for it, intact.
//!
//! The import graph is read from the files themselves rather than from `go
//! list -deps`: the identity must be the same whichever toolchain computes
//! it, including one too old for the module's `go` line, where `go list`
//! refuses to run. Build constraints are not evaluated, so a file for
//! another platform counts too (the identity is then only more cautious).

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files the go command compiles, links or embeds from a package folder.
const SOURCE_EXTS: &[&str] = &[
    "go", "s", "S", "sx", "h", "hh", "hpp", "hxx", "c", "cc", "cpp", "cxx", "m", "f", "F", "for",
    "f90", "swig", "swigcxx", "syso",
];

/// The files (relative to `module_dir`, sorted) that make `package`.
pub fn package_files(module_dir: &Path, package: &str) -> Result<Vec<String>> {
    let module = crate::inject::build::module_path(module_dir)
        .with_context(|| format!("{} has no go.mod with a module line", module_dir.display()))?;
    let start = package_dir(module_dir, &module, package).with_context(|| {
        format!(
            "package {} is not a folder of module {module} in {}",
            crate::support::output::shown(package),
            module_dir.display()
        )
    })?;
    let mut files = BTreeSet::new();
    for f in ["go.mod", "go.sum"] {
        if module_dir.join(f).is_file() {
            files.insert(f.to_string());
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(dir) = todo.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        for (rel_file, imports) in package_sources(module_dir, &dir)? {
            files.insert(rel_file);
            for imp in imports {
                if let Some(d) = package_dir(module_dir, &module, &imp) {
                    todo.push(d);
                }
            }
        }
    }
    Ok(files.into_iter().collect())
}

/// The folder of `package` (`./cmd/q`, `.`, or an import path inside the
/// module), when it is one of this module's (not a nested module's).
fn package_dir(module_dir: &Path, module: &str, package: &str) -> Option<PathBuf> {
    let rel = if package == "." || package == module {
        ""
    } else if let Some(r) = package.strip_prefix("./") {
        r
    } else {
        package.strip_prefix(module)?.strip_prefix('/')?
    };
    if rel.split('/').any(|c| c == "..") {
        return None;
    }
    let dir = module_dir.join(rel.trim_end_matches('/'));
    if !dir.is_dir() {
        return None;
    }
    // A folder with a go.mod of its own below the module is another module.
    let mut d = dir.clone();
    while d != module_dir {
        if d.join("go.mod").is_file() {
            return None;
        }
        d = d.parent()?.to_path_buf();
    }
    Some(dir)
}

/// The source files of one package folder (relative to the module), each
/// with the imports it names; embedded files are included.
fn package_sources(module_dir: &Path, dir: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let rel = |p: &Path| {
        p.strip_prefix(module_dir)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string())
    };
    let mut out = Vec::new();
    let mut embeds = Vec::new();
    let rd = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut names: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    names.sort();
    for p in names {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        if !p.is_file()
            || name.starts_with('.')
            || name.starts_with('_')
            || !SOURCE_EXTS.contains(&ext)
        {
            continue;
        }
        if name.ends_with("_test.go") {
            continue;
        }
        let mut imports = Vec::new();
        if ext == "go" {
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            imports = go_imports(&text);
            embeds.extend(embed_patterns(&text));
        }
        out.push((rel(&p), imports));
    }
    if !embeds.is_empty() {
        for f in embedded(dir, &embeds)? {
            out.push((rel(&f), vec![]));
        }
    }
    Ok(out)
}

/// The files under `dir` that `//go:embed` patterns name (a folder pattern
/// names what is below it).
fn embedded(dir: &Path, patterns: &[String]) -> Result<Vec<PathBuf>> {
    let mut set = globset::GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_start_matches("all:");
        let g = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .with_context(|| {
                format!(
                    "//go:embed pattern {} in {}",
                    crate::support::output::shown(p),
                    dir.display()
                )
            })?;
        set.add(g);
        let below =
            globset::Glob::new(&format!("{}/**", p.trim_end_matches('/'))).with_context(|| {
                format!(
                    "//go:embed pattern {} in {}",
                    crate::support::output::shown(p),
                    dir.display()
                )
            })?;
        set.add(below);
    }
    let set = set.build()?;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.join("go.mod").is_file() {
                    stack.push(p);
                }
            } else if p.strip_prefix(dir).is_ok_and(|r| set.is_match(r)) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `//go:embed` patterns of a file (space-separated, maybe quoted).
fn embed_patterns(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("//go:embed "))
        .flat_map(crate::support::shell::split_words)
        .collect()
}

/// The import paths a Go file names, read up to its first declaration.
/// Comments and non-import strings are skipped; a file that does not parse
/// this far gives what was read.
pub fn go_imports(text: &str) -> Vec<String> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "func" | "type" | "var" | "const" => break,
            "import" => {
                i += 1;
                if tokens.get(i).map(String::as_str) == Some("(") {
                    i += 1;
                    while i < tokens.len() && tokens[i] != ")" {
                        if let Some(s) = unquote(&tokens[i]) {
                            out.push(s);
                        }
                        i += 1;
                    }
                } else {
                    // `import name "path"` or `import "path"`
                    while i < tokens.len() {
                        if let Some(s) = unquote(&tokens[i]) {
                            out.push(s);
                            break;
                        }
                        i += 1;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn unquote(tok: &str) -> Option<String> {
    let inner = tok
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| tok.strip_prefix('`').and_then(|t| t.strip_suffix('`')))?;
    Some(inner.to_string())
}

/// A rough Go tokenizer: words, string literals and single punctuation
/// characters, with comments dropped. Enough for the import clause.
fn tokens(text: &str) -> Vec<String> {
    let b: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i < b.len() && !(b[i] == '*' && b.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '"' || c == '`' || c == '\'' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c {
                if c != '`' && b[i] == '\\' {
                    i += 1;
                }
                if c != '`' && b[i.min(b.len() - 1)] == '\n' {
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push(b[start..i.min(b.len())].iter().collect());
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '.') {
                i += 1;
            }
            out.push(b[start..i].iter().collect());
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// Refuses an empty file list (nothing would identify the injector).
pub fn require_go_files(files: &[String], package: &str, dir: &Path) -> Result<()> {
    if !files.iter().any(|f| f.ends_with(".go")) {
        bail!(
            "package {} in {} has no Go files: name the injector's main package (e.g. ./cmd/q)",
            crate::support::output::shown(package),
            dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_import_clauses() {
        let src = r#"// Package x /* not a comment end
package main

import "fmt"
import q "example.com/q/internal/rewrite" // why
import (
	"os"
	// "commented/out"
	/* "also/out" */ _ "embed"
	`example.com/q/raw`
)

var s = "import \"not/this\""

func main() {}
"#;
        assert_eq!(
            go_imports(src),
            [
                "fmt",
                "example.com/q/internal/rewrite",
                "os",
                "embed",
                "example.com/q/raw"
            ]
        );
    }

    #[test]
    fn follows_the_module_only() {
        let d = tempfile::tempdir().unwrap();
        let w = |p: &str, s: &str| {
            let p = d.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, s).unwrap();
        };
        w("go.mod", "module example.com/q\n\ngo 1.22\n");
        w(
            "cmd/q/main.go",
            "package main\nimport (\n\"example.com/q/internal/a\"\n\"fmt\"\n)\nfunc main(){}\n",
        );
        w("cmd/q/main_test.go", "package main\n");
        w("cmd/q/asm.s", "\n");
        w(
            "internal/a/a.go",
            "package a\nimport _ \"embed\"\n//go:embed data/*.txt\nvar x string\n",
        );
        w("internal/a/data/one.txt", "1");
        w("internal/a/data/skip.bin", "0");
        w("internal/unused/u.go", "package unused\n");
        w("example/zz/main.go", "package main\n");
        w("nested/go.mod", "module example.com/q/nested\n");
        let files = package_files(d.path(), "./cmd/q").unwrap();
        assert_eq!(
            files,
            [
                "cmd/q/asm.s",
                "cmd/q/main.go",
                "go.mod",
                "internal/a/a.go",
                "internal/a/data/one.txt"
            ]
        );
        assert!(package_files(d.path(), "./nested").is_err());
        assert!(package_files(d.path(), "../elsewhere").is_err());
    }
}
