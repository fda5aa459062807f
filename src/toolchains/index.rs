//! The Go release index (`https://go.dev/dl/?mode=json&include=all` or a
//! mirror) and the HTTP client that reads it and downloads archives.

use crate::support::process::Cancel;
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use std::time::{Duration, Instant};

pub const DEFAULT_INDEX: &str = "https://go.dev/dl/?mode=json&include=all";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Release {
    pub version: String,
    #[serde(default)]
    pub stable: bool,
    #[serde(default)]
    pub files: Vec<File>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct File {
    pub filename: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub arch: String,
    #[serde(default)]
    pub version: String,
    pub sha256: String,
    pub size: u64,
    #[serde(default)]
    pub kind: String,
}

/// The index URL: the one given (`--index-url`, `$QCOMPAT_GO_INDEX`), else
/// go.dev's.
pub fn url(given: Option<&str>) -> String {
    given
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_INDEX)
        .to_string()
}

/// The Go archive arch name for this machine (file names say armv6l, not arm).
pub fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "arm" => "armv6l",
        "loongarch64" => "loong64",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

/// The GOARCH of this machine, as in `pkg/tool/<os>_<arch>`.
pub fn host_goarch() -> &'static str {
    match host_arch() {
        "armv6l" => "arm",
        other => other,
    }
}

pub fn host_os() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

/// The most of a release index qcompat reads (go.dev's whole index with
/// `include=all` is a few MiB).
const INDEX_LIMIT: u64 = 32 << 20;

/// The slowest average rate a body may keep once past its grace period.
pub const MIN_RATE: u64 = 32 << 10;
/// How long a body may take to reach [`MIN_RATE`]: 10 s, or half of
/// `--timeout` when that is shorter.
const GRACE: Duration = Duration::from_secs(10);

/// Watches one try's body: a server that trickles is cut off by rate,
/// before the try's deadline (`--timeout`, applied to the whole request).
pub struct Pace {
    start: Instant,
    grace: Duration,
}

impl Pace {
    pub fn new(timeout: Duration) -> Pace {
        Pace {
            start: Instant::now(),
            grace: GRACE.min(timeout / 2),
        }
    }

    /// Fails once `got` bytes are fewer than [`MIN_RATE`] allows for the
    /// time spent past the grace period.
    pub fn check(&self, got: u64) -> Result<(), Retry> {
        let t = self.start.elapsed();
        if t > self.grace && (got as f64) < MIN_RATE as f64 * t.as_secs_f64() {
            return Err(Retry::Again(format!(
                "the server sent {got} bytes in {:.1} s, slower than the {} KiB/s qcompat waits for",
                t.as_secs_f64(),
                MIN_RATE >> 10
            )));
        }
        Ok(())
    }
}

/// An HTTP client with qcompat's timeouts and retries: each try must end
/// within `timeout` (connecting, headers and the whole body) and keep up
/// [`MIN_RATE`]; there are `attempts` tries.
pub struct Http {
    client: reqwest::blocking::Client,
    pub timeout: Duration,
    pub attempts: u32,
    pub backoff: Duration,
    /// Ctrl-C: no new request, and a download stops.
    pub cancel: Cancel,
}

impl Http {
    /// `retry_base`: the first retry's wait (`QCOMPAT_RETRY_BASE_MS`
    /// shortens it for tests and impatient CI); capped at a minute, so a
    /// huge value cannot sleep for ever.
    pub fn new(timeout: Duration, retry_base: Duration, cancel: Cancel) -> Result<Http> {
        // reqwest is built without a crypto provider: ring's is the
        // process's. An Err says one is installed already (an earlier client).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(30)))
            .timeout(timeout)
            .user_agent(concat!("qcompat/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Http {
            client,
            timeout,
            attempts: 4,
            backoff: retry_base.min(Duration::from_secs(60)),
            cancel,
        })
    }

    /// GETs `url`, retrying timeouts, resets and 5xx with exponential
    /// backoff; `read` consumes the body (and may fail, which also retries).
    pub fn get_with<T>(
        &self,
        url: &str,
        mut read: impl FnMut(reqwest::blocking::Response) -> Result<T, Retry>,
    ) -> Result<T> {
        let mut delay = self.backoff;
        let mut last = String::new();
        for attempt in 1..=self.attempts {
            if self.cancel.is_cancelled() {
                bail!("interrupted before GET {url}");
            }
            if attempt > 1 {
                std::thread::sleep(delay);
                delay *= 2;
            }
            // A per-request timeout is a deadline for the whole try, body
            // included; the client's own applies to each read only.
            let resp = match self.client.get(url).timeout(self.timeout).send() {
                Ok(r) => r,
                Err(e) if e.is_timeout() || e.is_connect() || e.is_request() || e.is_body() => {
                    last = describe(&e);
                    continue;
                }
                Err(e) => return Err(anyhow!("GET {url}: {}", describe(&e))),
            };
            let status = resp.status();
            if status.is_server_error() {
                last = format!("server answered {status}");
                continue;
            }
            if status == reqwest::StatusCode::NOT_FOUND {
                return Err(NotFound(url.to_string()).into());
            }
            if !status.is_success() {
                bail!("GET {url}: server answered {status}");
            }
            match read(resp) {
                Ok(v) => return Ok(v),
                Err(Retry::Again(why)) => last = why,
                Err(Retry::Fatal(e)) => return Err(e),
            }
        }
        bail!("GET {url} failed after {} attempts: {last}", self.attempts)
    }

    /// The release index at `url`, read once per process: a selector that
    /// resolves and then installs (`1.27.x`) must not fetch it twice.
    pub fn index(&self, url: &str) -> Result<Vec<Release>> {
        static READ: std::sync::Mutex<Vec<(String, Vec<Release>)>> =
            std::sync::Mutex::new(Vec::new());
        if let Some((_, r)) = READ
            .lock()
            .expect("index lock")
            .iter()
            .find(|(u, _)| u == url)
        {
            return Ok(r.clone());
        }
        let releases = self.fetch_index(url)?;
        READ.lock()
            .expect("index lock")
            .push((url.to_string(), releases.clone()));
        Ok(releases)
    }

    fn fetch_index(&self, url: &str) -> Result<Vec<Release>> {
        let text = self.get_with(url, |r| {
            use std::io::Read;
            let pace = Pace::new(self.timeout);
            let mut buf = Vec::new();
            let mut r = r.take(INDEX_LIMIT + 1);
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = r
                    .read(&mut chunk)
                    .map_err(|e| Retry::Again(describe_io(&e)))?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                pace.check(buf.len() as u64)?;
            }
            if buf.len() as u64 > INDEX_LIMIT {
                return Err(Retry::Fatal(anyhow!(
                    "the release index at {url} is larger than {} MiB: not a Go release index (check QCOMPAT_GO_INDEX / --index-url)",
                    INDEX_LIMIT >> 20
                )));
            }
            String::from_utf8(buf).map_err(|_| {
                Retry::Fatal(anyhow!("the release index at {url} is not UTF-8 text"))
            })
        })?;
        let releases: Vec<Release> = serde_json::from_str(&text).with_context(|| {
            format!("{url} is not a Go release index (expected [{{version, stable, files}}])")
        })?;
        if let Some(r) = releases.iter().find(|r| !is_go_version(&r.version)) {
            bail!(
                "{url} lists the version {}, which is not a Go version (go1.N, go1.N.P, go1.NrcK, go1.NbetaK): not a Go release index (check QCOMPAT_GO_INDEX / --index-url)",
                crate::support::output::shown(&r.version)
            );
        }
        Ok(releases)
    }
}

/// Whether an index's version names a Go release: `go` then ASCII letters,
/// digits and dots that the version parser reads. Anything else (spaces,
/// escapes, a devel string) is no release the index can offer.
pub fn is_go_version(v: &str) -> bool {
    v.len() <= 32
        && v.starts_with("go1.")
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
        && crate::go::version::parse(v).is_ok()
}

/// How a body reader failed.
pub enum Retry {
    /// Worth another attempt (a reset, a stall, a short body).
    Again(String),
    /// Not worth one (a checksum mismatch, a full disk).
    Fatal(anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
#[error("{0} answered 404 Not Found")]
pub struct NotFound(pub String);

/// An I/O error from reading a body, with the HTTP error inside spelled out.
pub fn describe_io(e: &std::io::Error) -> String {
    let mut s = match e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>()) {
        Some(inner) => describe(inner),
        None => e.to_string(),
    };
    if e.kind() == std::io::ErrorKind::TimedOut && !s.contains("timed out") {
        s.push_str(" (timed out)");
    }
    s
}

fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    if e.is_timeout() {
        s.push_str(" (timed out)");
    }
    s
}

/// The archive for this host in a release.
pub fn host_archive(r: &Release) -> Option<&File> {
    r.files
        .iter()
        .find(|f| f.kind == "archive" && f.os == host_os() && f.arch == host_arch())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn the_index_is_fetched_once_per_process() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/dl/?mode=json", listener.local_addr().unwrap());
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = served.clone();
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let mut s = s.unwrap();
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let body = r#"[{"version":"go1.27.3","stable":true,"files":[]}]"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let http = Http::new(
            Duration::from_secs(10),
            Duration::from_millis(500),
            Cancel::detached(),
        )
        .unwrap();
        let first = http.index(&url).unwrap();
        let again = Http::new(
            Duration::from_secs(10),
            Duration::from_millis(500),
            Cancel::detached(),
        )
        .unwrap()
        .index(&url)
        .unwrap();
        assert_eq!(first, again);
        assert_eq!(first[0].version, "go1.27.3");
        assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
