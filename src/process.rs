//! Running child processes with a timeout, captured output, and cancellation.
//!
//! Every child gets its own process group so that a timeout or Ctrl-C can stop
//! the whole tree (`go build` starts compile, asm and link children).

use anyhow::{Context, Result};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// What a finished (or stopped) child left behind.
#[derive(Debug, Clone)]
pub struct Captured {
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub duration: Duration,
    pub timed_out: bool,
    pub cancelled: bool,
}

impl Captured {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
}

/// At most about `max` bytes of a tool's output that keep what explains a
/// failure: the first lines (the go command's `# pkg` header, the first
/// errors, a panic's message) and the last ones (the linker's verdict).
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.trim_end();
    if s.len() <= max {
        return s.to_string();
    }
    let mut head_end = max / 2;
    while !s.is_char_boundary(head_end) {
        head_end -= 1;
    }
    // End the head at a line break when one is near.
    let head = &s[..head_end];
    let head = match head.rfind('\n') {
        Some(i) if i > head.len() / 2 => &head[..i],
        _ => head,
    };
    format!(
        "{head}\n...\n{}",
        tail(s, max - max / 2).trim_start_matches("...")
    )
}

/// The last `max` bytes of `s`, starting at a line boundary when one is near.
pub fn tail(s: &str, max: usize) -> String {
    let s = s.trim_end();
    if s.len() <= max {
        return s.to_string();
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    let cut = &s[start..];
    match cut.find('\n') {
        Some(i) if i < cut.len() / 2 => format!("...\n{}", &cut[i + 1..]),
        _ => format!("...{cut}"),
    }
}

/// Runs `cmd` to completion, or until `timeout` passes or `cancel` is set, in
/// which case its whole process group is killed.
pub fn run(mut cmd: Command, timeout: Duration, cancel: Option<&AtomicBool>) -> Result<Captured> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let pgid = child.id() as i32;
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut timed_out = false;
    let mut cancelled = false;
    let status = loop {
        let slice = Duration::from_millis(if cancel.is_some() { 50 } else { 500 });
        if let Some(status) = child.wait_timeout(slice)? {
            break Some(status);
        }
        if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            cancelled = true;
        } else if start.elapsed() >= timeout {
            timed_out = true;
        } else {
            continue;
        }
        // Ask nicely first so the go command and the injector remove their
        // temporary files; kill whatever is left after a grace period.
        signal_group(pgid, libc::SIGINT);
        let grace = Instant::now() + Duration::from_secs(5);
        let _ = child.wait_timeout(Duration::from_secs(5))?;
        while group_alive(pgid) && Instant::now() < grace {
            thread::sleep(Duration::from_millis(20));
        }
        signal_group(pgid, libc::SIGKILL);
        let _ = child.wait();
        break None;
    };
    // Children of the group may still hold the pipes after the leader exits.
    if status.is_none() {
        signal_group(pgid, libc::SIGKILL);
    }
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Ok(Captured {
        status,
        stdout,
        stderr,
        duration: start.elapsed(),
        timed_out,
        cancelled,
    })
}

/// Whether any process of the group is still running.
fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

fn signal_group(pgid: i32, sig: libc::c_int) {
    // SAFETY: kill(2) with a negative pid signals a process group we created.
    unsafe {
        libc::kill(-pgid, sig);
    }
}

/// Shell-quotes a command line for reports and error messages.
pub fn display_command(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| {
            v.map(|v| {
                format!(
                    "{}={}",
                    k.to_string_lossy(),
                    shell_quote(&v.to_string_lossy())
                )
            })
        })
        .collect();
    parts.push(shell_quote(&cmd.get_program().to_string_lossy()));
    parts.extend(cmd.get_args().map(|a| shell_quote(&a.to_string_lossy())));
    parts.join(" ")
}

/// Quotes one word for a POSIX shell when it needs quoting.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_kills_the_group() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & sleep 30; echo never"]);
        let c = run(cmd, Duration::from_millis(300), None).unwrap();
        assert!(c.timed_out);
        assert!(c.status.is_none());
        assert!(c.duration < Duration::from_secs(10));
        assert!(!c.stdout.contains("never"));
    }

    #[test]
    fn captures_both_streams() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let c = run(cmd, Duration::from_secs(10), None).unwrap();
        assert_eq!(c.stdout, "out\n");
        assert_eq!(c.stderr, "err\n");
        assert_eq!(c.status.unwrap().code(), Some(3));
        assert!(!c.success());
    }

    #[test]
    fn excerpt_keeps_the_panic_and_the_verdict() {
        let mut s =
            String::from("# runtime\npanic: cannot decode \"fmt\", export data version 5\n");
        for i in 0..200 {
            s.push_str(&format!("\tframe {i} /usr/lib/go/src/x.go:1\n"));
        }
        s.push_str("exit status 2\n");
        let e = excerpt(&s, 600);
        assert!(e.len() < 700, "{}", e.len());
        assert!(e.contains("panic: cannot decode"), "{e}");
        assert!(e.ends_with("exit status 2"), "{e}");
        assert_eq!(excerpt("short\n", 600), "short");
    }

    #[test]
    fn tail_keeps_the_end() {
        let s = "line one\nline two\nline three\n";
        assert_eq!(tail(s, 100), s.trim_end());
        assert!(tail(s, 12).ends_with("line three"));
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("-ldflags=-s"), "-ldflags=-s");
    }
}
