//! The rule that keeps the flow one-way: no import cycle between the
//! top-level modules of `src/` (`cli`, `commands`, `matrix`, `policy`, ...).
//! A module's dependencies are the `crate::NAME` paths its files name, in
//! `use` lines and inline alike; comments and test modules do not count.

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

fn graph(src: &Path) -> Graph {
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
