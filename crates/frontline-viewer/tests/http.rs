//! End-to-end tests of the viewer's HTTP server with plain `TcpStream`
//! clients: concurrency, timeouts, limits, methods, `Host` and keep-alive.
//! Every client has a read timeout, so a server that stalls fails a test
//! instead of hanging it.

use frontline_viewer::{Limits, serve_with};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a client waits for any answer before the test fails.
const PATIENCE: Duration = Duration::from_secs(5);

/// Starts a viewer serving `data` on `bind` (port 0) and returns its address.
fn start_on(bind: &str, data: Value, limits: Limits) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    let bind = bind.to_string();
    std::thread::spawn(move || {
        let result = serve_with(&data, &bind, limits, |url| tx.send(url.to_string()).unwrap());
        panic!("the server returned: {result:?}");
    });
    let url = rx.recv_timeout(PATIENCE).expect("the server starts");
    let port: u16 = url.trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn start(limits: Limits) -> SocketAddr {
    start_on("127.0.0.1:0", json!({"kind": "run", "regions": []}), limits)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.set_write_timeout(Some(PATIENCE)).unwrap();
    s
}

/// A GET request for `path` with the right `Host`.
fn get(addr: SocketAddr, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n")
}

/// One parsed answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Reads one answer; `head_only` for an answer to HEAD (no body follows).
fn read_answer(r: &mut BufReader<TcpStream>, head_only: bool) -> Answer {
    let mut line = String::new();
    r.read_line(&mut line).expect("a status line");
    assert!(line.starts_with("HTTP/1.1 "), "status line: {line:?}");
    let status = line[9..12].parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).expect("a header line");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (n, v) = l.split_once(':').expect("name: value");
        headers.push((n.to_string(), v.trim().to_string()));
    }
    let mut a = Answer { status, headers, body: Vec::new() };
    let len: usize = a.header("Content-Length").expect("every answer has a Content-Length").parse().unwrap();
    if !head_only {
        a.body = vec![0; len];
        r.read_exact(&mut a.body).expect("the whole body");
    }
    a
}

/// Sends `raw` on a fresh connection and reads one answer.
fn exchange(addr: SocketAddr, raw: &[u8]) -> (Answer, BufReader<TcpStream>) {
    let mut s = connect(addr);
    s.write_all(raw).unwrap();
    let mut r = BufReader::new(s);
    (read_answer(&mut r, false), r)
}

/// Whether the server has closed the connection: the next read ends (EOF
/// or reset) instead of timing out.
fn closed_by_server(r: &mut BufReader<TcpStream>) -> bool {
    let mut rest = Vec::new();
    match r.read_to_end(&mut rest) {
        Ok(_) => rest.is_empty(),
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn regression_a_pipelining_client_that_never_reads_does_not_freeze_the_viewer() {
    let write_timeout = Duration::from_secs(3);
    let big = "x".repeat(4 << 20);
    let data = json!({ "padding": big });
    let body_len = data.to_string().len();
    let addr = start_on("127.0.0.1:0", data, Limits { write_timeout, ..Limits::default() });
    // 16 pipelined requests for 4 MiB each, never read: far more than the
    // socket buffers hold, so the server blocks writing to this client.
    let mut stuck = connect(addr);
    stuck.write_all(get(addr, "/data.json").repeat(16).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let began = Instant::now();
    for path in ["/", "/viewer.js", "/index.html"] {
        let (a, _) = exchange(addr, get(addr, path).as_bytes());
        assert_eq!(a.status, 200, "{path}");
    }
    assert!(
        began.elapsed() < Duration::from_secs(2),
        "another client was served only after {:?}, while the stuck one held the server",
        began.elapsed()
    );
    // The stuck client is dropped once it has not taken an answer within
    // the write timeout: its stream ends before 16 answers' worth.
    std::thread::sleep(write_timeout);
    let mut received = 0usize;
    let mut scratch = vec![0u8; 1 << 16];
    let ended = loop {
        match stuck.read(&mut scratch) {
            Ok(0) => break true,
            Ok(n) => received += n,
            Err(e) => break !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        }
    };
    assert!(ended, "the stuck connection is closed by the server");
    assert!(received < 16 * body_len, "received {received} bytes");
}

#[test]
fn regression_methods_other_than_get_and_head_get_405_with_allow() {
    let addr = start(Limits::default());
    // A request with a body: answered, then closed (the body is never read).
    let (a, mut r) =
        exchange(addr, format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 5\r\n\r\nhello").as_bytes());
    assert_eq!(a.status, 405);
    assert_eq!(a.header("Allow"), Some("GET, HEAD"));
    assert_eq!(a.header("Connection"), Some("close"));
    assert!(closed_by_server(&mut r));
    // Without a body the connection stays usable.
    for method in ["PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BREW"] {
        let mut s = connect(addr);
        s.write_all(format!("{method} /data.json HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).unwrap();
        s.write_all(get(addr, "/data.json").as_bytes()).unwrap();
        let mut r = BufReader::new(s);
        let a = read_answer(&mut r, false);
        assert_eq!((a.status, a.header("Allow")), (405, Some("GET, HEAD")), "{method}");
        assert_eq!(read_answer(&mut r, false).status, 200, "the GET after {method}");
    }
}

#[test]
fn regression_head_sends_the_headers_of_get_without_a_body() {
    let addr = start(Limits::default());
    let mut s = connect(addr);
    let head = get(addr, "/data.json").replacen("GET", "HEAD", 1);
    s.write_all(format!("{head}{}", get(addr, "/data.json")).as_bytes()).unwrap();
    let mut r = BufReader::new(s);
    let h = read_answer(&mut r, true);
    // The next bytes are the GET's status line: HEAD sent no body.
    let g = read_answer(&mut r, false);
    assert_eq!((h.status, g.status), (200, 200));
    assert_eq!(h.header("Content-Length"), Some(g.body.len().to_string().as_str()));
    assert_eq!(h.header("Content-Type"), Some("application/json"));
    assert_eq!(serde_json::from_slice::<Value>(&g.body).unwrap(), json!({"kind": "run", "regions": []}));
}

#[test]
fn regression_a_foreign_host_is_refused_against_dns_rebinding() {
    let addr = start(Limits::default());
    let port = addr.port();
    let ask = |request: String| exchange(addr, request.as_bytes()).0;
    for host in [format!("localhost:{port}"), format!("LocalHost:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(ask(format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n")).status, 200, "{host}");
    }
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_string(),
        format!("localhost:{}", port.wrapping_add(1)),
        "localhost".to_string(),
        String::new(),
    ] {
        let a = ask(format!("GET /data.json HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(a.status, 421, "Host `{host}`");
        assert!(String::from_utf8_lossy(&a.body).contains("DNS rebinding"), "{a:?}");
        assert!(!String::from_utf8_lossy(&a.body).contains("regions"), "no data to a foreign host");
    }
    // The absolute form's authority is the host that counts.
    let a = ask(format!("GET http://attacker.example:{port}/data.json HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"));
    assert_eq!(a.status, 421);
    let a = ask(format!("GET http://localhost:{port}/data.json HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"));
    assert_eq!(a.status, 200);
    // HTTP/1.1 needs a Host; HTTP/1.0 may omit it (no browser does).
    assert_eq!(ask("GET / HTTP/1.1\r\n\r\n".into()).status, 400);
    assert_eq!(ask("GET / HTTP/1.0\r\n\r\n".into()).status, 200);
    assert_eq!(ask(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nHost: {addr}\r\n\r\n")).status, 400);
}

#[test]
fn a_viewer_bound_to_every_interface_accepts_any_host() {
    let addr = start_on("0.0.0.0:0", json!({}), Limits::default());
    let a = exchange(addr, b"GET / HTTP/1.1\r\nHost: viewer.lan:8765\r\n\r\n").0;
    assert_eq!(a.status, 200);
}

#[test]
fn regression_an_oversized_request_line_gets_414_and_oversized_headers_431() {
    let addr = start(Limits::default());
    let ask = |request: String| exchange(addr, request.as_bytes()).0;
    let long = |n: usize| format!("/{}", "a".repeat(n));
    // 8 KiB with the line ending is the most; a byte more is refused.
    let fits = 8 * 1024 - "GET  HTTP/1.1\r\n".len();
    assert_eq!(ask(format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n\r\n", long(fits - 1))).status, 404);
    assert_eq!(ask(format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n\r\n", long(fits))).status, 414);
    let many = |n: usize| (0..n).map(|i| format!("X-{i}: v\r\n")).collect::<String>();
    assert_eq!(ask(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n{}\r\n", many(99))).status, 200);
    assert_eq!(ask(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n{}\r\n", many(100))).status, 431);
    assert_eq!(ask(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n\r\n", "b".repeat(64 * 1024))).status, 431);
}

#[test]
fn regression_a_256_mib_url_is_refused_without_being_read_whole() {
    let addr = start(Limits::default());
    let s = connect(addr);
    let mut writer = s.try_clone().unwrap();
    // Send up to 256 MiB of URL from another thread; the server answers 414
    // after 8 KiB and closes, which ends the sending with an error.
    let sender = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let mut sent = 0usize;
        if writer.write_all(b"GET /").is_err() {
            return sent;
        }
        while sent < 256 << 20 {
            match writer.write(&chunk) {
                Ok(n) => sent += n,
                Err(_) => break,
            }
        }
        sent
    });
    let mut r = BufReader::new(s);
    let a = read_answer(&mut r, false);
    assert_eq!(a.status, 414);
    let sent = sender.join().unwrap();
    assert!(sent < 32 << 20, "the client could send {sent} bytes of URL");
}

#[test]
fn regression_http_1_0_keep_alive_is_honoured_and_plain_1_0_closes() {
    let addr = start(Limits::default());
    // HTTP/1.0 without keep-alive: a Content-Length, then the server closes.
    let (a, mut r) = exchange(addr, format!("GET /viewer.js HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes());
    assert_eq!(a.status, 200);
    assert_eq!(a.header("Connection"), Some("close"));
    assert!(!a.body.is_empty());
    assert!(closed_by_server(&mut r), "a plain HTTP/1.0 connection is closed after its answer");
    // HTTP/1.0 with keep-alive (what `ab -k` sends): confirmed, and the
    // connection answers the next request.
    let mut s = connect(addr);
    let request = format!("GET /data.json HTTP/1.0\r\nHost: {addr}\r\nConnection: Keep-Alive\r\n\r\n");
    s.write_all(request.as_bytes()).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    for round in 0..3 {
        let a = read_answer(&mut r, false);
        assert_eq!((a.status, a.header("Connection")), (200, Some("keep-alive")), "round {round}");
        s.write_all(request.as_bytes()).unwrap();
    }
    // HTTP/1.1 keeps the connection unless it is asked to close.
    let (a, mut r) = exchange(addr, format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes());
    assert_eq!((a.status, a.header("Connection")), (200, Some("close")));
    assert!(closed_by_server(&mut r));
}

#[test]
fn regression_many_concurrent_connections_are_served_at_once() {
    let addr = start(Limits::default());
    // 100 connections open together; served in the reverse order of
    // opening, each kept open, so no connection waits for another to end.
    let mut conns: Vec<BufReader<TcpStream>> = (0..100).map(|_| BufReader::new(connect(addr))).collect();
    for round in 0..2 {
        for r in conns.iter_mut().rev() {
            r.get_mut().write_all(get(addr, "/data.json").as_bytes()).unwrap();
            assert_eq!(read_answer(r, false).status, 200, "round {round}");
        }
    }
}

#[test]
fn connections_beyond_the_bound_get_503_and_a_freed_slot_serves_again() {
    let addr = start(Limits { max_connections: 2, ..Limits::default() });
    let held: Vec<TcpStream> = (0..2).map(|_| connect(addr)).collect();
    std::thread::sleep(Duration::from_millis(200));
    let (a, mut r) = exchange(addr, get(addr, "/").as_bytes());
    assert_eq!((a.status, a.header("Retry-After")), (503, Some("1")));
    assert!(closed_by_server(&mut r));
    drop(held);
    let began = Instant::now();
    loop {
        let (a, _) = exchange(addr, get(addr, "/").as_bytes());
        if a.status == 200 {
            break;
        }
        assert!(began.elapsed() < PATIENCE, "slots are given back when connections close");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_stalled_request_gets_408_and_an_idle_connection_is_closed() {
    let addr = start(Limits { read_timeout: Duration::from_millis(500), ..Limits::default() });
    let began = Instant::now();
    let mut s = connect(addr);
    s.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
    let mut r = BufReader::new(s);
    assert_eq!(read_answer(&mut r, false).status, 408);
    assert!(closed_by_server(&mut r));
    let mut idle = BufReader::new(connect(addr));
    assert!(closed_by_server(&mut idle), "an idle connection is closed without an answer");
    assert!(began.elapsed() < Duration::from_secs(4), "{:?}", began.elapsed());
}

#[test]
fn malformed_requests_get_400_and_other_versions_505() {
    let addr = start(Limits::default());
    let ask = |request: &str| exchange(addr, request.as_bytes()).0.status;
    let host = format!("Host: {addr}\r\n");
    assert_eq!(ask(&format!("GET / HTTP/2.0\r\n{host}\r\n")), 505);
    assert_eq!(ask("GET /\r\n\r\n"), 400);
    assert_eq!(ask(&format!("GET  / HTTP/1.1\r\n{host}\r\n")), 400);
    assert_eq!(ask(&format!("GET / HTTP/1.1\r\n{host} folded\r\n\r\n")), 400);
    assert_eq!(ask(&format!("GET / HTTP/1.1\r\n{host}Bad Name: x\r\n\r\n")), 400);
    assert_eq!(ask(&format!("GET / HTTP/1.1\r\n{host}Content-Length: +5\r\n\r\n")), 400);
    assert_eq!(ask(&format!("\r\nGET /viewer.js?v=1 HTTP/1.1\r\n{host}\r\n")), 200);
    assert_eq!(ask(&format!("GET /../etc/passwd HTTP/1.1\r\n{host}\r\n")), 404);
}
