//! The rules that keep the code readable and the flow one-way: no import
//! cycle between the top-level modules of `src/` (`cli`, `commands`,
//! `matrix`, `policy`, ...), and no function over [`MAX_FN_LINES`] or file
//! over [`MAX_FILE_LINES`] lines. A module's dependencies are the
//! `crate::NAME` paths its files name, in `use` lines and inline alike;
//! comments and test modules do not count, for either rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The top-level module a file under `src/` belongs to (`src/cli.rs`: cli,
/// `src/matrix/run.rs`: matrix); None for the crate root.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "main").then(|| name.to_string())
}

/// The top-level modules a source text names through `crate::`, including
/// groups (`use crate::{a, b::c}`).
fn dependencies(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|s| s.trim())
                    .collect(),
                None => vec![rest],
            };
            for n in names {
                let ident: String = n
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if modules.contains(&ident) {
                    out.insert(ident);
                }
            }
        }
    }
    out
}

/// Every `.rs` file below `src`, sorted.
fn rs_files(src: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read src").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn graph(src: &Path) -> Graph {
    let files = rs_files(src);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_of(f.strip_prefix(src).ok()?))
        .collect();
    let mut g = Graph::new();
    for f in &files {
        let Some(m) = module_of(f.strip_prefix(src).expect("under src")) else {
            continue;
        };
        let text = std::fs::read_to_string(f).expect("read source");
        // A file's test module (at its end) may reach across the layers.
        let text = text.split("\n#[cfg(test)]").next().unwrap_or("");
        let deps = g.entry(m.clone()).or_default();
        deps.extend(dependencies(text, &modules).into_iter().filter(|d| *d != m));
    }
    g
}

/// A cycle in the graph, as the modules along it (first == last), if any.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        m: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(g, d, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|m| visit(g, m, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_cycle_between_src_folders() {
    let g = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(g.contains_key("matrix") && g.contains_key("cli"), "{g:?}");
    if let Some(c) = find_cycle(&g) {
        panic!("import cycle between src/ folders: {}", c.join(" -> "));
    }
    assert!(
        !g["matrix"].contains("render"),
        "src/matrix imports render: the runner emits events, the reporter renders"
    );
    let importers: Vec<&String> = g
        .iter()
        .filter(|(_, d)| d.contains("cli"))
        .map(|(m, _)| m)
        .collect();
    assert!(
        importers.is_empty(),
        "cli only dispatches; imported by {importers:?}"
    );
}

#[test]
fn the_check_sees_cycles_and_groups() {
    let modules: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    let deps = dependencies(
        "use crate::{a::X, b};\n// crate::c in a comment\nlet _ = crate::a::f();",
        &modules,
    );
    assert_eq!(deps, ["a", "b"].map(String::from).into());
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default();
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&g).map(|c| c.join(" ")), Some("a b c a".into()));
}

/// The longest a function may be, from its `fn` line to its closing brace.
const MAX_FN_LINES: usize = 80;
/// The longest a file may be, without its test module.
const MAX_FILE_LINES: usize = 500;

/// A file's lines up to its test module (`#[cfg(test)]`).
fn non_test_lines(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| !l.trim_start().starts_with("#[cfg(test)]"))
        .collect()
}

/// The name of the function a line starts (`pub(crate) async fn name`).
fn fn_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(r) = rest.strip_prefix("pub") {
        rest = match r.strip_prefix('(') {
            Some(r) => r.split_once(')')?.1,
            None => r,
        }
        .trim_start();
    }
    for q in ["const ", "async ", "unsafe "] {
        rest = rest.strip_prefix(q).unwrap_or(rest);
    }
    let name = rest.strip_prefix("fn ")?;
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// The functions of `lines` longer than `max`: (name, lines), counted from
/// the `fn` line to the closing brace at the same indent. A declaration
/// without a body (`fn f();`) is not counted.
fn long_functions(lines: &[&str], max: usize) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let opens = lines[i..]
            .iter()
            .map(|l| l.trim_end())
            .find(|l| l.ends_with('{') || l.ends_with(';') || l.ends_with('}'));
        if !opens.is_some_and(|l| l.ends_with('{')) {
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let close = format!("{indent}}}");
        if let Some(n) = lines[i..].iter().position(|l| *l == close) {
            if n + 1 > max {
                out.push((name.to_string(), n + 1));
            }
        }
    }
    out
}

#[test]
fn no_long_functions_or_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for f in rs_files(&root.join("src")) {
        let rel = f
            .strip_prefix(root)
            .expect("under the crate")
            .display()
            .to_string();
        let text = std::fs::read_to_string(&f).expect("read source");
        let lines = non_test_lines(&text);
        if lines.len() > MAX_FILE_LINES {
            problems.push(format!(
                "{rel}: {} lines without its tests (at most {MAX_FILE_LINES}): split it into modules named for what they do",
                lines.len()
            ));
        }
        for (name, n) in long_functions(&lines, MAX_FN_LINES) {
            problems.push(format!(
                "{rel}: fn {name} is {n} lines (at most {MAX_FN_LINES}): split it into named steps"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_length_check_counts_bodies_not_tests() {
    let body = "    x();\n".repeat(5);
    let text = format!(
        "pub(crate) fn long() {{\n{body}}}\nfn short() {{ 1 }}\ntrait T {{\n    fn decl(&self);\n    fn with_body(&self) {{\n{body}    }}\n}}\n#[cfg(test)]\nmod tests {{\n    fn in_test() {{\n{body}    }}\n}}\n"
    );
    let lines = non_test_lines(&text);
    assert_eq!(
        long_functions(&lines, 5),
        vec![("long".to_string(), 7), ("with_body".to_string(), 7)]
    );
    assert!(long_functions(&lines, 7).is_empty());
    assert_eq!(fn_name("    pub async fn go_name(&self)"), Some("go_name"));
    assert_eq!(fn_name("let fnord = 1;"), None);
}
