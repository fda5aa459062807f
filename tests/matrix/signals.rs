//! Interrupted runs: SIGINT writes a partial report, SIGKILL leaves a journal.

use super::*;

#[test]
fn sigint_writes_a_partial_report() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    let report = dir.path().join("partial.json");
    let mut child = start_slow_run(
        dir.path(),
        "[linux/amd64, linux/arm64, linux/ppc64le, linux/s390x, freebsd/arm64, netbsd/amd64]",
        &report,
        6,
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    unsafe_sigint(child.id());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let r = read_doc(&report, "report");
    assert_eq!(r["complete"], false);
    let n = r["cells"].as_array().unwrap().len();
    assert!((1..6).contains(&n), "{n} cells");
    assert!(r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x.as_str().unwrap().contains("interrupted")));
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "temp files left: {left:?}");
}

/// Starts a one-job, link-only run over `platforms` with a fresh GOCACHE
/// (every cell a cold build of seconds) and TMPDIR `dir/tmp`, and returns
/// once its first of `cells` cells has finished.
fn start_slow_run(dir: &Path, platforms: &str, report: &Path, cells: usize) -> std::process::Child {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let s = spec(
        dir,
        "slow.yaml",
        &format!("toolchains: [local]\nplatforms: {platforms}\nverify: link\njobs: 1\n"),
    );
    let mut child = cmd(&[
        "matrix",
        "run",
        s.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ])
    .env("QCOMPAT_CACHE_DIR", dir.join("cache"))
    .env("QCOMPAT_GO", go126())
    .env("GOCACHE", dir.join("gocache"))
    .env("TMPDIR", &tmp)
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with(&format!("[1/{cells}]")), "{first}");
    // Keep draining stderr so the run never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    child
}

fn unsafe_sigint(pid: u32) {
    let ok = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// SIGKILL mid-run: the builds die with qcompat, the journal holds the cells
/// that finished and `matrix merge` turns it into a report, and the next
/// prune reclaims the dead run's work folder.
#[test]
fn sigkill_leaves_a_journal_and_nothing_running() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    let report = dir.path().join("r.json");
    let mut child = start_slow_run(
        dir.path(),
        "[linux/amd64, linux/arm64, linux/ppc64le, linux/s390x]",
        &report,
        4,
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    // The build in progress dies with qcompat (PR_SET_PDEATHSIG); its
    // compiler may take a moment to notice.
    let start = std::time::Instant::now();
    loop {
        let ps = Command::new("pgrep")
            .args(["-f", tmp.to_str().unwrap()])
            .output()
            .unwrap();
        if ps.stdout.is_empty() {
            break;
        }
        assert!(
            start.elapsed().as_secs() < 20,
            "still running: {}",
            text(&ps.stdout)
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(!report.exists());
    let journal = dir.path().join("r.json.journal");
    assert!(journal.exists());
    let merged = dir.path().join("m.json");
    let o = matrix(
        &[
            "matrix",
            "merge",
            journal.to_str().unwrap(),
            "--report",
            merged.to_str().unwrap(),
        ],
        &dir.path().join("cache"),
    );
    assert!(o.status.code().is_some(), "{}", text(&o.stderr));
    let r = read_doc(&merged, "report");
    assert_eq!(r["complete"], false);
    assert!(!r["cells"].as_array().unwrap().is_empty(), "{r:#}");
    // The dead run's work folder is reclaimed by the next prune.
    let stale = |tmp: &Path| {
        std::fs::read_dir(tmp)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("qcompat-matrix-")
            })
            .count()
    };
    assert_eq!(stale(&tmp), 1);
    let o = cmd(&["toolchains", "prune"])
        .env("QCOMPAT_CACHE_DIR", dir.path().join("cache"))
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(stale(&tmp), 0, "{}", text(&o.stdout));
}
