//! The viewer's HTTP server: a small HTTP/1.1 server over `std::net` that
//! answers `GET` and `HEAD` for a fixed set of in-memory resources.
//!
//! Why its own server: the viewer serves three static routes to a browser on
//! this machine, and it must stay responsive whatever one client does. That
//! needs a thread per connection (a client that never reads its answers only
//! blocks its own thread), a deadline for reading a request and for writing a
//! response, caps on the request line and headers, and a bound on the
//! connections served at once — none of which tiny_http offered.
//!
//! The policy, in the order a request meets it:
//! - at most [`Limits::max_connections`] connections are served at once; one
//!   more is answered `503` (with `Retry-After`) and closed;
//! - a request's line and headers must arrive within
//!   [`Limits::read_timeout`] of the connection opening or of the previous
//!   answer (a connection idle that long is closed; one that stalls mid-way
//!   gets `408`); each answer must be taken within [`Limits::write_timeout`]
//!   or the connection is dropped;
//! - a request line over [`Limits::max_request_line`] bytes gets `414`,
//!   headers over [`Limits::max_header_bytes`] bytes or
//!   [`Limits::max_headers`] lines get `431`, a malformed request `400`, a
//!   version other than HTTP/1.0 or 1.1 `505`; each of these closes;
//! - on a loopback address the `Host` (or the absolute-form target's
//!   authority) must be `localhost:PORT` or the bound address with its port,
//!   else `421` (DNS rebinding: a page from elsewhere whose name resolves to
//!   127.0.0.1 must not read the results); an HTTP/1.1 request without `Host`
//!   gets `400`. Bound to a non-loopback address, any `Host` is accepted: the
//!   user chose to expose the viewer;
//! - a method other than `GET` or `HEAD` gets `405` with `Allow: GET, HEAD`;
//! - an unknown path gets `404`; `HEAD` gets the headers of `GET`, no body.
//!
//! Every answer has a `Content-Length`. HTTP/1.1 connections persist unless
//! the request says `Connection: close`; HTTP/1.0 ones only with
//! `Connection: keep-alive`, which the answer confirms. A request announcing
//! a body (`Content-Length` above 0 or `Transfer-Encoding`) is answered and
//! the connection closed, since the viewer never reads bodies.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The bounds the viewer's server holds every client to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; one more is answered `503` and closed.
    pub max_connections: usize,
    /// Time a client has to send a request's line and headers, counted from
    /// the connection opening or the end of the previous answer (so it is
    /// also how long an idle keep-alive connection stays open).
    pub read_timeout: Duration,
    /// Time a client has to take one complete answer.
    pub write_timeout: Duration,
    /// Longest request line, in bytes with its line ending (`414` beyond).
    pub max_request_line: usize,
    /// Most bytes of all header lines together, with their line endings
    /// (`431` beyond).
    pub max_header_bytes: usize,
    /// Most header lines (`431` beyond).
    pub max_headers: usize,
}

impl Default for Limits {
    /// 256 connections, 10 s to send a request, 30 s to take an answer,
    /// an 8 KiB request line, 64 KiB and 100 lines of headers.
    fn default() -> Limits {
        Limits {
            max_connections: 256,
            read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            max_request_line: 8 * 1024,
            max_header_bytes: 64 * 1024,
            max_headers: 100,
        }
    }
}

/// One resource the server answers with.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: Arc<[u8]>,
}

/// The longest a closing connection waits for the client's unread bytes
/// (answering and then closing on unread input would reset the connection,
/// and the client could lose the answer).
const LINGER: Duration = Duration::from_secs(2);
/// The most unread bytes a closing connection discards before it gives up.
const LINGER_BYTES: usize = 1 << 20;
/// Refusals (`503`) waiting to be written; more are dropped unanswered.
const BUSY_QUEUE: usize = 64;
/// Stack of a connection's thread: it parses one request at a time.
const CONNECTION_STACK: usize = 256 * 1024;

/// Which `Host` values the server answers.
#[derive(Debug)]
enum HostPolicy {
    /// Bound to a non-loopback address: any.
    Any,
    /// Bound to a loopback address: these, lower-case (`localhost:PORT`,
    /// the bound address with its port, and both without the port on 80).
    Only(Vec<String>),
}

impl HostPolicy {
    fn for_address(addr: SocketAddr) -> HostPolicy {
        if !addr.ip().is_loopback() {
            return HostPolicy::Any;
        }
        let port = addr.port();
        let ip = match addr {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        };
        let mut names = vec![format!("localhost:{port}"), format!("{ip}:{port}")];
        if port == 80 {
            names.push("localhost".into());
            names.push(ip);
        }
        HostPolicy::Only(names)
    }

    fn allows(&self, host: &str) -> bool {
        match self {
            HostPolicy::Any => true,
            HostPolicy::Only(names) => {
                let host = host.to_ascii_lowercase();
                names.contains(&host)
            }
        }
    }

    fn expected(&self) -> String {
        match self {
            HostPolicy::Any => String::new(),
            HostPolicy::Only(names) => names[..2].join(" or "),
        }
    }
}

/// What the server serves and to whom.
struct Site {
    resources: HashMap<&'static str, Resource>,
    hosts: HostPolicy,
    limits: Limits,
}

/// Serves `resources` (by path) on `listener`, bound to `addr`, until the
/// process ends.
pub(crate) fn run(listener: TcpListener, addr: SocketAddr, resources: HashMap<&'static str, Resource>, limits: Limits) {
    let site = Arc::new(Site { resources, hosts: HostPolicy::for_address(addr), limits });
    let active = Arc::new(AtomicUsize::new(0));
    let (busy, refusals) = mpsc::sync_channel::<TcpStream>(BUSY_QUEUE);
    {
        let site = Arc::clone(&site);
        // One thread answers every refusal, so a flood of connections costs
        // one thread, not one each. Should it not start, `busy` fails and
        // refused connections are closed unanswered.
        let _ = std::thread::Builder::new()
            .name("viewer-busy".into())
            .stack_size(CONNECTION_STACK)
            .spawn(move || refusals.into_iter().for_each(|s| refuse_busy(s, &site.limits)));
    }
    for conn in listener.incoming() {
        let stream = match conn {
            Ok(s) => s,
            // Out of file descriptors or an aborted handshake: the next accept
            // may succeed; pause so a persistent error does not spin.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        // Only this thread adds to `active`, so the check cannot overshoot.
        if active.load(Ordering::SeqCst) >= site.limits.max_connections {
            let _ = busy.try_send(stream);
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(Arc::clone(&active));
        let site = Arc::clone(&site);
        // If the thread cannot start, the closure (stream and slot) is
        // dropped: the connection closes and its slot is freed.
        let _ = std::thread::Builder::new().name("viewer-conn".into()).stack_size(CONNECTION_STACK).spawn(move || {
            let _slot = slot;
            serve_connection(stream, &site);
        });
    }
}

/// A connection's place among [`Limits::max_connections`], given back when
/// the connection ends, however it ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// HTTP versions the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    Http10,
    Http11,
}

/// A parsed request head.
#[derive(Debug)]
struct Request {
    method: String,
    /// The path, without query or fragment.
    path: String,
    /// The absolute-form target's authority, or the `Host` header.
    authority: Option<String>,
    version: Version,
    /// Whether the client asked to keep the connection open.
    keep_alive: bool,
    /// Whether the request announced a body (which is never read).
    has_body: bool,
}

/// Why no request could be read.
#[derive(Debug)]
enum HeadError {
    /// The client closed, reset, or stayed silent: close without answering.
    Gone,
    /// Answer with this status and close.
    Refuse(u16, &'static str),
}

/// Why a line could not be read.
enum LineError {
    TooLong,
    TimedOut,
    Gone,
}

/// Reads one line ending in `\n` into `line` (without `\r\n`), of at most
/// `limit` bytes with its ending, before `deadline`. Returns the bytes taken
/// from the stream.
fn read_line(
    reader: &mut BufReader<TcpStream>,
    limit: usize,
    deadline: Instant,
    line: &mut Vec<u8>,
) -> Result<usize, LineError> {
    line.clear();
    loop {
        if reader.buffer().is_empty() {
            let now = Instant::now();
            if now >= deadline {
                return Err(LineError::TimedOut);
            }
            if reader.get_ref().set_read_timeout(Some(deadline - now)).is_err() {
                return Err(LineError::Gone);
            }
        }
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                return Err(LineError::TimedOut);
            }
            Err(_) => return Err(LineError::Gone),
        };
        if available.is_empty() {
            return Err(LineError::Gone);
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(i) if line.len() + i < limit => {
                line.extend_from_slice(&available[..i]);
                reader.consume(i + 1);
                let taken = line.len() + 1;
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(taken);
            }
            Some(_) => return Err(LineError::TooLong),
            None if line.len() + available.len() >= limit => return Err(LineError::TooLong),
            None => {
                let n = available.len();
                line.extend_from_slice(available);
                reader.consume(n);
            }
        }
    }
}

/// A token character (RFC 9110 §5.6.2): what methods and header names are
/// made of.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Reads and parses the next request head. `Ok(None)`: the connection ended
/// (or idled past the deadline) between requests.
fn read_request(reader: &mut BufReader<TcpStream>, limits: &Limits) -> Result<Option<Request>, HeadError> {
    let deadline = Instant::now() + limits.read_timeout;
    let mut line = Vec::new();
    // A client may send empty lines before a request (RFC 9112 §2.2).
    let mut empty = 0;
    loop {
        match read_line(reader, limits.max_request_line, deadline, &mut line) {
            Ok(_) if line.is_empty() && empty < 8 => empty += 1,
            Ok(_) => break,
            Err(LineError::TooLong) => return Err(HeadError::Refuse(414, "the request line is too long")),
            Err(LineError::TimedOut) if !line.is_empty() => {
                return Err(HeadError::Refuse(408, "the request did not arrive in time"));
            }
            Err(LineError::TimedOut | LineError::Gone) => return Ok(None),
        }
    }
    let bad = |why: &'static str| HeadError::Refuse(400, why);
    let text = std::str::from_utf8(&line).map_err(|_| bad("the request line is not text"))?;
    let mut parts = text.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("the request line is not `METHOD TARGET HTTP/1.1`"));
    };
    if method.is_empty() || !method.bytes().all(is_tchar) || target.is_empty() {
        return Err(bad("the request line is not `METHOD TARGET HTTP/1.1`"));
    }
    let version = match version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        v if v.starts_with("HTTP/") => return Err(HeadError::Refuse(505, "only HTTP/1.0 and HTTP/1.1 are spoken")),
        _ => return Err(bad("the request line is not `METHOD TARGET HTTP/1.1`")),
    };
    let (target_authority, path) = split_target(target).ok_or_else(|| bad("the request target is not a path"))?;
    let (mut host, mut hosts, mut close, mut keep, mut has_body) = (None, 0, false, false, false);
    let mut content_length: Option<u64> = None;
    let (mut header_bytes, mut header_lines) = (0usize, 0usize);
    let mut line = Vec::new();
    loop {
        let room = limits.max_header_bytes - header_bytes;
        let taken = match read_line(reader, room, deadline, &mut line) {
            Ok(n) => n,
            Err(LineError::TooLong) => return Err(HeadError::Refuse(431, "the request's headers are too large")),
            Err(LineError::TimedOut) => return Err(HeadError::Refuse(408, "the request did not arrive in time")),
            Err(LineError::Gone) => return Err(HeadError::Gone),
        };
        if line.is_empty() {
            break;
        }
        header_bytes += taken;
        header_lines += 1;
        if header_lines > limits.max_headers {
            return Err(HeadError::Refuse(431, "the request has too many headers"));
        }
        if line[0] == b' ' || line[0] == b'\t' {
            return Err(bad("folded header lines are not accepted"));
        }
        let colon = line.iter().position(|&b| b == b':').ok_or_else(|| bad("a header line has no `:`"))?;
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Err(bad("a header name is not a token"));
        }
        let value = String::from_utf8_lossy(&line[colon + 1..]).trim_matches([' ', '\t']).to_string();
        match name.to_ascii_lowercase().as_slice() {
            b"host" => {
                hosts += 1;
                host = Some(value);
            }
            b"connection" => {
                for token in value.split(',').map(|t| t.trim().to_ascii_lowercase()) {
                    close |= token == "close";
                    keep |= token == "keep-alive";
                }
            }
            b"content-length" => {
                let n: u64 = value
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| value.parse().ok())
                    .flatten()
                    .ok_or_else(|| bad("Content-Length is not a number"))?;
                if content_length.is_some_and(|m| m != n) {
                    return Err(bad("two different Content-Lengths"));
                }
                content_length = Some(n);
                has_body |= n > 0;
            }
            b"transfer-encoding" => has_body = true,
            _ => {}
        }
    }
    if hosts > 1 {
        return Err(bad("more than one Host header"));
    }
    if version == Version::Http11 && hosts == 0 {
        return Err(bad("an HTTP/1.1 request needs a Host header"));
    }
    let keep_alive = !close && (version == Version::Http11 || keep);
    Ok(Some(Request {
        method: method.to_string(),
        path,
        authority: target_authority.or(host),
        version,
        keep_alive,
        has_body,
    }))
}

/// Splits a request target into the authority of its absolute form (if it
/// has one) and its path without query or fragment; `None` for a target
/// that is neither a path, an `http://` URL nor `*`.
fn split_target(target: &str) -> Option<(Option<String>, String)> {
    let strip = |p: &str| p.split(['?', '#']).next().unwrap_or_default().to_string();
    if target.starts_with('/') || target == "*" {
        return Some((None, strip(target)));
    }
    let scheme = target.get(..7)?;
    if !scheme.eq_ignore_ascii_case("http://") {
        return None;
    }
    let rest = &target[7..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let path = if rest[end..].starts_with('/') { strip(&rest[end..]) } else { "/".to_string() };
    Some((Some(rest[..end].to_string()), path))
}

/// An answer to write.
struct Answer<'a> {
    status: u16,
    content_type: &'static str,
    body: Cow<'a, [u8]>,
    extra_headers: &'static str,
}

impl Answer<'_> {
    fn text(status: u16, message: String, extra_headers: &'static str) -> Answer<'static> {
        Answer {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Cow::Owned(format!("{message}\n").into_bytes()),
            extra_headers,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// What the server answers to `request`, and whether the connection may
/// stay open after it.
fn answer<'a>(request: &Request, site: &'a Site) -> (Answer<'a>, bool) {
    let keep = request.keep_alive && !request.has_body;
    if let Some(host) = &request.authority
        && !site.hosts.allows(host)
    {
        let message = format!(
            "this viewer answers only for {} (Host `{host}` refused, against DNS rebinding); open the address `frontline serve` printed",
            site.hosts.expected()
        );
        return (Answer::text(421, message, ""), false);
    }
    if request.method != "GET" && request.method != "HEAD" {
        let message = format!("method {} not allowed; the viewer answers GET and HEAD", request.method);
        return (Answer::text(405, message, "Allow: GET, HEAD\r\n"), keep);
    }
    match site.resources.get(request.path.as_str()) {
        Some(r) => (
            Answer { status: 200, content_type: r.content_type, body: Cow::Borrowed(&r.body), extra_headers: "" },
            keep,
        ),
        None => (Answer::text(404, "not found".into(), ""), keep),
    }
}

/// Writes all of `bytes` before `deadline`; a client that takes less has
/// its connection dropped (the error).
fn write_before(stream: &TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        let now = Instant::now();
        if now >= deadline {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(deadline - now))?;
        // Bounded chunks, so that each write call returns (and the deadline
        // is checked) as the client takes them.
        match (&*stream).write(&bytes[..bytes.len().min(64 * 1024)]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// How the answer's `Connection` header reads.
#[derive(Clone, Copy)]
enum Persistence {
    /// HTTP/1.1 default: no header.
    Default,
    /// HTTP/1.0 keep-alive, confirmed.
    KeepAlive,
    Close,
}

fn write_answer(
    stream: &TcpStream,
    answer: &Answer<'_>,
    head_only: bool,
    persistence: Persistence,
    limits: &Limits,
) -> io::Result<()> {
    let connection = match persistence {
        Persistence::Default => "",
        Persistence::KeepAlive => "Connection: keep-alive\r\n",
        Persistence::Close => "Connection: close\r\n",
    };
    let head = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\n{}{}\r\n",
        answer.status,
        reason(answer.status),
        http_date(SystemTime::now()),
        answer.content_type,
        answer.body.len(),
        answer.extra_headers,
        connection
    );
    let deadline = Instant::now() + limits.write_timeout;
    if head_only || answer.body.len() > 16 * 1024 {
        write_before(stream, head.as_bytes(), deadline)?;
        if !head_only {
            write_before(stream, &answer.body, deadline)?;
        }
        Ok(())
    } else {
        // A small answer goes out in one write (one segment).
        let mut all = head.into_bytes();
        all.extend_from_slice(&answer.body);
        write_before(stream, &all, deadline)
    }
}

/// Closes a connection after its last answer: stops sending, then reads and
/// discards what the client still sends (briefly), so that closing on
/// unread input does not reset the connection before the client has read
/// the answer.
fn close_gracefully(reader: &mut BufReader<TcpStream>, limits: &Limits) {
    let stream = reader.get_ref();
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER.min(limits.read_timeout);
    let mut discarded = reader.buffer().len();
    let stream = reader.get_ref();
    let mut scratch = [0u8; 8192];
    while discarded < LINGER_BYTES {
        let now = Instant::now();
        if now >= deadline || stream.set_read_timeout(Some(deadline - now)).is_err() {
            return;
        }
        match (&*stream).read(&mut scratch) {
            Ok(0) => return,
            Ok(n) => discarded += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Serves the requests of one connection until it closes or breaks a limit.
fn serve_connection(stream: TcpStream, site: &Site) {
    // Answers are written whole; do not hold their last segment back.
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::with_capacity(8 * 1024, stream);
    loop {
        match read_request(&mut reader, &site.limits) {
            Ok(None) | Err(HeadError::Gone) => return,
            Err(HeadError::Refuse(status, why)) => {
                let refusal = Answer::text(status, why.to_string(), "");
                if write_answer(reader.get_ref(), &refusal, false, Persistence::Close, &site.limits).is_ok() {
                    close_gracefully(&mut reader, &site.limits);
                }
                return;
            }
            Ok(Some(request)) => {
                let (answer, keep) = answer(&request, site);
                let persistence = match (keep, request.version) {
                    (false, _) => Persistence::Close,
                    (true, Version::Http11) => Persistence::Default,
                    (true, Version::Http10) => Persistence::KeepAlive,
                };
                let head_only = request.method == "HEAD";
                if write_answer(reader.get_ref(), &answer, head_only, persistence, &site.limits).is_err() {
                    return;
                }
                if !keep {
                    close_gracefully(&mut reader, &site.limits);
                    return;
                }
            }
        }
    }
}

/// Answers a connection beyond [`Limits::max_connections`] with `503`.
fn refuse_busy(stream: TcpStream, limits: &Limits) {
    let brief = Duration::from_millis(200).min(limits.read_timeout);
    let _ = stream.set_nodelay(true);
    // Take the request off the socket first (what has arrived), so that
    // closing does not reset the connection under the answer.
    let mut scratch = [0u8; 8192];
    if stream.set_read_timeout(Some(brief)).is_ok() {
        let _ = (&stream).read(&mut scratch);
    }
    let answer = Answer::text(503, "the viewer is serving too many connections; retry".into(), "Retry-After: 1\r\n");
    let limits = Limits { write_timeout: Duration::from_secs(1).min(limits.write_timeout), ..limits.clone() };
    if write_answer(&stream, &answer, false, Persistence::Close, &limits).is_ok() {
        let mut reader = BufReader::with_capacity(0, stream);
        close_gracefully(&mut reader, &Limits { read_timeout: brief, ..limits });
    }
}

/// An HTTP date (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_http_date_is_in_the_imf_fixdate_form() {
        assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn a_loopback_address_answers_only_for_its_own_names() {
        let p = HostPolicy::for_address("127.0.0.1:8765".parse().unwrap());
        assert!(p.allows("localhost:8765") && p.allows("LOCALHOST:8765") && p.allows("127.0.0.1:8765"));
        assert!(!p.allows("evil.example:8765") && !p.allows("localhost:8766") && !p.allows("localhost"));
        let p6 = HostPolicy::for_address("[::1]:80".parse().unwrap());
        assert!(p6.allows("[::1]:80") && p6.allows("[::1]") && p6.allows("localhost"));
        assert!(!p6.allows("127.0.0.1:80"));
        assert!(HostPolicy::for_address("0.0.0.0:8765".parse().unwrap()).allows("anything.example"));
    }

    #[test]
    fn request_targets_split_into_authority_and_path() {
        assert_eq!(split_target("/data.json?x=1"), Some((None, "/data.json".into())));
        assert_eq!(
            split_target("HTTP://localhost:1/viewer.js"),
            Some((Some("localhost:1".into()), "/viewer.js".into()))
        );
        assert_eq!(split_target("http://localhost:1"), Some((Some("localhost:1".into()), "/".into())));
        assert_eq!(split_target("localhost:1"), None);
    }
}
