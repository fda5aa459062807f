//! A release index and archive server on 127.0.0.1 for the download tests:
//! files served whole or with a fault (cut, failed once, stalled, slow, a
//! byte at a time), an index that trickles or never ends. No test touches
//! the internet.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a file is served.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    Normal,
    Truncate,
    FailFirst,
    Stall,
    Slow,
    /// Headers, then one byte every 100 ms for up to 20 s.
    Trickle,
}

pub struct Served {
    pub body: Arc<Vec<u8>>,
    pub mode: Mode,
    pub hits: AtomicUsize,
}

pub struct Server {
    pub base: String,
    pub files: Mutex<HashMap<String, Arc<Served>>>,
    pub index: Mutex<String>,
}

impl Server {
    pub fn start() -> Arc<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let s = Arc::new(Server {
            base: format!("http://{}/dl/", listener.local_addr().unwrap()),
            files: Mutex::new(HashMap::new()),
            index: Mutex::new("[]".into()),
        });
        let srv = s.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let srv = srv.clone();
                std::thread::spawn(move || srv.serve(conn));
            }
        });
        s
    }

    fn serve(&self, mut conn: TcpStream) {
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                break;
            }
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        // An index served a byte at a time: each try must end in --timeout.
        if path.starts_with("/trickle/") {
            let body = self.index.lock().unwrap().clone();
            let _ = write!(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            trickle(&mut conn, body.as_bytes());
            return;
        }
        // An index that never ends: qcompat must cap what it reads.
        if path.starts_with("/endless/") {
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n["
            );
            let chunk = vec![b' '; 1 << 16];
            let start = std::time::Instant::now();
            while start.elapsed() < Duration::from_secs(60) {
                if conn.write_all(&chunk).is_err() {
                    break;
                }
            }
            return;
        }
        let name = path
            .trim_start_matches("/dl/")
            .split('?')
            .next()
            .unwrap_or("")
            .to_string();
        if name.is_empty() {
            let body = self.index.lock().unwrap().clone();
            let _ = write!(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            return;
        }
        let Some(f) = self.files.lock().unwrap().get(&name).cloned() else {
            let _ = write!(
                conn,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return;
        };
        let hit = f.hits.fetch_add(1, Ordering::SeqCst);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            f.body.len()
        );
        match f.mode {
            Mode::FailFirst if hit == 0 => {
                let _ = write!(conn, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
            Mode::Truncate => {
                let _ = conn.write_all(head.as_bytes());
                let _ = conn.write_all(&f.body[..f.body.len() / 2]);
            }
            Mode::Stall => {
                let _ = conn.write_all(head.as_bytes());
                let _ = conn.write_all(&f.body[..10]);
                std::thread::sleep(Duration::from_secs(20));
            }
            Mode::Trickle => {
                let _ = conn.write_all(head.as_bytes());
                trickle(&mut conn, &f.body);
            }
            _ => {
                if f.mode == Mode::Slow {
                    std::thread::sleep(Duration::from_millis(1500));
                }
                let _ = conn.write_all(head.as_bytes());
                let _ = conn.write_all(&f.body);
            }
        }
    }

    pub fn add(&self, name: &str, body: Vec<u8>, mode: Mode) -> Arc<Served> {
        self.add_shared(name, Arc::new(body), mode)
    }

    pub fn add_shared(&self, name: &str, body: Arc<Vec<u8>>, mode: Mode) -> Arc<Served> {
        let s = Arc::new(Served {
            body,
            mode,
            hits: AtomicUsize::new(0),
        });
        self.files
            .lock()
            .unwrap()
            .insert(name.to_string(), s.clone());
        s
    }
}

/// Sends `body` one byte every 100 ms, for at most 20 s.
fn trickle(conn: &mut TcpStream, body: &[u8]) {
    for b in body.iter().take(200) {
        if conn.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
