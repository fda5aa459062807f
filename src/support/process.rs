//! Running child processes with a timeout, captured output, and cancellation.
//!
//! Every child gets its own process group so that a timeout or Ctrl-C can stop
//! the whole tree (`go build` starts compile, asm and link children).

use crate::support::shell::shell_quote;
use anyhow::{Context, Result};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
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
    /// Exited 0 within the deadline, pipes included.
    pub fn success(&self) -> bool {
        !self.timed_out && !self.cancelled && self.status.is_some_and(|s| s.success())
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

/// Set by Ctrl-C (SIGINT) or SIGTERM for every command: running children are
/// stopped, and the command winds down and exits 130. Only the handler sets
/// it; it is read through the token [`Cancel::on_interrupt`] gives.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the one interrupt handler qcompat has (not for the injector,
/// which forwards signals to the compiler itself).
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// A cancellation token: `commands/` hands down the one Ctrl-C and SIGTERM
/// set ([`Cancel::on_interrupt`]); the code below asks the token it was
/// given, never the process, so a test cancels its own.
#[derive(Debug, Clone, Copy)]
pub struct Cancel(&'static AtomicBool);

impl Cancel {
    /// The token the interrupt handler sets.
    pub fn on_interrupt() -> Cancel {
        Cancel(&INTERRUPTED)
    }

    /// A token of its own, cancelled only by [`Cancel::cancel`] (one small
    /// allocation kept for the process's life: tokens are made a few times).
    #[cfg(test)]
    pub fn detached() -> Cancel {
        Cancel(Box::leak(Box::new(AtomicBool::new(false))))
    }

    #[cfg(test)]
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A pipe reader whose bytes stay readable when it has to be abandoned (a
/// process outside our group may hold the pipe open for ever).
fn reader(mut pipe: impl Read + Send + 'static) -> (Arc<Mutex<Vec<u8>>>, mpsc::Receiver<()>) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let b = buf.clone();
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => b
                    .lock()
                    .expect("pipe buffer")
                    .extend_from_slice(&chunk[..n]),
            }
        }
        let _ = tx.send(());
    });
    (buf, rx)
}

/// Runs `cmd` to completion, or until `timeout` passes or `cancel` is
/// cancelled, in which case its whole process group is stopped. The deadline
/// covers the pipes too: a grandchild that keeps stdout or stderr open (a
/// daemon, a backgrounded process) cannot hold the caller past it.
pub fn run(mut cmd: Command, timeout: Duration, cancel: Cancel) -> Result<Captured> {
    own_group(&mut cmd);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let start = Instant::now();
    let deadline = start.checked_add(timeout);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let pgid = child.id() as i32;
    let (out_buf, out_done) = reader(child.stdout.take().expect("piped stdout"));
    let (err_buf, err_done) = reader(child.stderr.take().expect("piped stderr"));
    let mut stop = Stop {
        deadline,
        cancel,
        timed_out: false,
        cancelled: false,
    };
    let status = wait_leader(&mut child, pgid, &mut stop)?;
    drain_pipes(pgid, [&out_done, &err_done], status.is_some(), &mut stop);
    let take = |b: &Arc<Mutex<Vec<u8>>>| {
        String::from_utf8_lossy(&b.lock().expect("pipe buffer")).into_owned()
    };
    Ok(Captured {
        status,
        stdout: take(&out_buf),
        stderr: take(&err_buf),
        duration: start.elapsed(),
        timed_out: stop.timed_out,
        cancelled: stop.cancelled,
    })
}

/// When a run is to stop before it ends by itself, and why it did.
struct Stop {
    deadline: Option<Instant>,
    cancel: Cancel,
    timed_out: bool,
    cancelled: bool,
}

impl Stop {
    fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// No stdin, piped output, a process group of its own; and if qcompat is
/// killed outright (SIGKILL), the child goes too instead of building on as
/// an orphan. (The signal follows the spawning thread, which waits in
/// [`run`] for as long as the child runs.)
fn own_group(cmd: &mut Command) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe; nothing else runs in the child
    // between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

/// Waits for the group's leader; once cancelled or past the deadline, stops the
/// group (None: it did not exit by itself).
fn wait_leader(
    child: &mut std::process::Child,
    pgid: i32,
    stop: &mut Stop,
) -> Result<Option<std::process::ExitStatus>> {
    loop {
        if let Some(status) = child.wait_timeout(Duration::from_millis(50))? {
            return Ok(Some(status));
        }
        if stop.cancel.is_cancelled() {
            stop.cancelled = true;
        } else if stop.past_deadline() {
            stop.timed_out = true;
        } else {
            continue;
        }
        stop_group(pgid, child);
        return Ok(None);
    }
}

/// The leader is gone; its group (or a process that left it) may still
/// hold the pipes. Waits for them until the deadline, then kills the group
/// and gives the readers a second before abandoning them.
fn drain_pipes(pgid: i32, pipes: [&mpsc::Receiver<()>; 2], exited: bool, stop: &mut Stop) {
    let mut closed = [false; 2];
    let mut grace_until: Option<Instant> = None;
    loop {
        for (rx, c) in pipes.iter().zip(closed.iter_mut()) {
            if !*c && !matches!(rx.try_recv(), Err(mpsc::TryRecvError::Empty)) {
                *c = true;
            }
        }
        if closed.iter().all(|c| *c) {
            break;
        }
        match grace_until {
            Some(g) if Instant::now() >= g => break, // abandon the readers
            Some(_) => {}
            None if stop.cancel.is_cancelled() || stop.past_deadline() || !exited => {
                if exited {
                    if stop.cancel.is_cancelled() {
                        stop.cancelled = true;
                    } else {
                        stop.timed_out = true;
                    }
                }
                signal_group(pgid, libc::SIGKILL);
                grace_until = Some(Instant::now() + Duration::from_secs(1));
            }
            None => {}
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Asks the group to stop (so the go command and the injector remove their
/// temporary files), then kills whatever is left after a grace period.
fn stop_group(pgid: i32, child: &mut std::process::Child) {
    signal_group(pgid, libc::SIGINT);
    let grace = Instant::now() + Duration::from_secs(5);
    let _ = child.wait_timeout(Duration::from_secs(5));
    while group_alive(pgid) && Instant::now() < grace {
        thread::sleep(Duration::from_millis(20));
    }
    signal_group(pgid, libc::SIGKILL);
    let _ = child.wait();
}

/// Whether process `pid` is alive.
pub fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    pid > 0
        && (unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
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

#[cfg(test)]
mod tests {
    use super::*;

    const NEVER: Duration = Duration::from_secs(3600);

    /// The token the caller passes stops the child: the process-wide
    /// Ctrl-C flag is neither read nor set, so one run can be cancelled
    /// alone (a test, a matrix cell) while others go on.
    #[test]
    fn a_detached_token_stops_the_run_and_leaves_the_process_flag_alone() {
        let cancel = Cancel::detached();
        let mut cmd = Command::new("sh");
        // $$ becomes the sleep's pid: exec keeps it.
        cmd.args(["-c", "echo $$; exec sleep 30"]);
        let stopper = thread::spawn(move || {
            thread::sleep(Duration::from_millis(400));
            cancel.cancel();
        });
        let c = run(cmd, NEVER, cancel).unwrap();
        stopper.join().unwrap();
        assert!(c.cancelled && !c.timed_out, "{c:?}");
        assert!(c.status.is_none() && !c.success());
        assert!(c.duration < Duration::from_secs(4), "{:?}", c.duration);
        let pid: i32 = c.stdout.trim().parse().expect("the child's pid");
        assert!(!alive(pid), "the sleep {pid} outlived the run");
        assert!(!Cancel::on_interrupt().is_cancelled());
        // A token cancelled before the start stops the child at once.
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let c = run(cmd, NEVER, cancel).unwrap();
        assert!(c.cancelled && c.duration < Duration::from_secs(4), "{c:?}");
        assert!(!Cancel::on_interrupt().is_cancelled());
    }

    #[test]
    fn timeout_kills_the_group() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & sleep 30; echo never"]);
        let c = run(cmd, Duration::from_millis(300), Cancel::detached()).unwrap();
        assert!(c.timed_out);
        assert!(c.status.is_none());
        assert!(c.duration < Duration::from_secs(10));
        assert!(!c.stdout.contains("never"));
    }

    /// A grandchild that keeps stdout open, in the group or out of it
    /// (setsid), cannot hold the caller past the deadline.
    #[test]
    fn deadline_holds_with_grandchildren_on_the_pipes() {
        for script in ["sleep 30 & echo started", "setsid sleep 30 & echo started"] {
            let mut cmd = Command::new("sh");
            cmd.args(["-c", script]);
            let c = run(cmd, Duration::from_millis(700), Cancel::detached()).unwrap();
            assert!(c.timed_out, "{script}");
            assert!(!c.success(), "{script}");
            assert!(
                c.duration < Duration::from_secs(4),
                "{script}: {:?}",
                c.duration
            );
            assert_eq!(c.stdout, "started\n", "{script}");
        }
    }

    #[test]
    fn captures_both_streams() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let c = run(cmd, Duration::from_secs(10), Cancel::detached()).unwrap();
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
    }
}
