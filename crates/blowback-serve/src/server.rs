//! The socket side of the explorer: accepting connections, and closing the ones that stall.
//!
//! A client that opens a connection and then sends its request a byte at a time (slowloris), or
//! declares a body and never sends it, or keeps an idle connection open, would otherwise hold a
//! socket and a task for ever; enough of them exhaust the process's file descriptors. [`Limits`]
//! bounds each phase:
//!
//! - headers: hyper's header-read timer, which runs from the moment the connection is waiting for a
//!   request (at accept, and again after each response) until the headers are complete;
//! - body: the JSON extractor reads the whole body under a deadline and answers 408 when it passes;
//! - idle: a watchdog per connection asks hyper to close it once no byte has moved either way for
//!   the idle time (a request in progress still gets its response: hyper closes after it). The
//!   header clock also runs while a kept-alive connection waits for its next request, so an idle
//!   connection is closed after the shorter of the two;
//! - connections: a semaphore caps the connections open at once; beyond it the server stops
//!   accepting, so further clients wait in the kernel's backlog until a slot frees.
//!
//! Each closed connection frees its slot, so stalled clients cannot crowd out live ones for longer
//! than these timeouts.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

/// How long the server and its connections may wait on a client, and how many connections it keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Limits {
    /// Simulations run at once; later requests wait briefly, then get 503.
    pub workers: usize,
    /// From the moment a connection waits for a request to the end of its headers.
    pub header_timeout: Duration,
    /// From the end of the headers to the end of the body.
    pub body_timeout: Duration,
    /// A connection with no byte moving either way for this long is closed (after the request
    /// it is answering, if any). An idle connection is also closed by the header timeout, since it
    /// is waiting for a request, so the effective idle limit is the shorter of the two.
    pub idle_timeout: Duration,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for Limits {
    /// Generous for a person at a browser (the page's requests finish in milliseconds), short
    /// enough that a stalled client frees its socket within seconds.
    fn default() -> Self {
        Limits {
            workers: 2,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            max_connections: 256,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the connections finish the
/// requests they are answering and returns.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Reap finished connections so the set does not grow with the server's lifetime.
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // the semaphore is never closed
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                // Out of descriptors or a connection reset before accept: wait a moment and go on
                // rather than spin or stop serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        connections.spawn(connection(
            stream,
            app.clone(),
            limits,
            stopping.clone(),
            permit,
        ));
    }
    // Ignored error: no connection is listening only when none is left to tell.
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
}

/// One connection, from accept to close. Holding `_slot` keeps its place in the connection cap.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let started = Instant::now();
    let last_byte = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Watched {
        inner: stream,
        started,
        last_byte: Arc::clone(&last_byte),
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let conn = builder.serve_connection(io, TowerToHyperService::new(app));
    let mut conn = std::pin::pin!(conn);
    let check_every = (limits.idle_timeout / 4).max(Duration::from_millis(5));
    let mut watchdog = tokio::time::interval(check_every);
    let mut closing = false;
    loop {
        tokio::select! {
            // A connection error (a reset, a timed-out header) only ends this connection.
            _ = conn.as_mut() => break,
            changed = stopping.changed(), if !closing => {
                if changed.is_err() || *stopping.borrow() {
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
            _ = watchdog.tick(), if !closing => {
                let quiet_since = Duration::from_millis(last_byte.load(Ordering::Relaxed));
                if started.elapsed().saturating_sub(quiet_since) >= limits.idle_timeout {
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// A socket that records when a byte last moved through it, for the idle watchdog.
struct Watched {
    inner: TcpStream,
    started: Instant,
    /// Milliseconds after `started` of the last read or write that moved data.
    last_byte: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_byte.store(now, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    //! Each limit on a real loopback socket, bounded in time: a stalled client is closed (or gets
    //! 408) and the others are served.

    use std::net::SocketAddr;
    use std::path::PathBuf;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::sync::oneshot;

    use super::*;
    use crate::{router, Explorer};

    fn teacup() -> Arc<Explorer> {
        let model = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../blowback-sd/tests/conformance/sd/samples/teacup/teacup.xmile");
        let text = std::fs::read_to_string(model).expect("the teacup model is vendored");
        let files = blowback::CaseFiles::model_only("teacup.xmile", text);
        let (case, _) = blowback::Case::load(&files).expect("teacup loads");
        Arc::new(Explorer::new(case, "teacup", true).expect("teacup is served"))
    }

    fn limits(header_ms: u64, body_ms: u64, idle_ms: u64, connections: usize) -> Limits {
        Limits {
            header_timeout: Duration::from_millis(header_ms),
            body_timeout: Duration::from_millis(body_ms),
            idle_timeout: Duration::from_millis(idle_ms),
            max_connections: connections,
            ..Limits::default()
        }
    }

    /// A server on a free loopback port; it stops when the returned sender is dropped.
    async fn start(limits: Limits) -> (SocketAddr, oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let app = router(teacup(), &limits);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(run(listener, app, limits, async {
            let _ = stopped.await;
        }));
        (address, stop)
    }

    /// Reads until the server closes the connection; what it sent, and when it closed.
    async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, Instant) {
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        let read = async {
            loop {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => received.extend_from_slice(&buffer[..n]),
                }
            }
        };
        tokio::time::timeout(within, read)
            .await
            .expect("the server closed the connection in time");
        (
            String::from_utf8_lossy(&received).into_owned(),
            Instant::now(),
        )
    }

    /// A request that keeps its connection alive afterwards.
    const GET: &[u8] = b"GET /api/openapi.json HTTP/1.1\r\nHost: test\r\n\r\n";

    #[tokio::test]
    async fn headers_sent_a_line_at_a_time_are_cut_off_at_the_header_timeout() {
        let (address, _stop) = start(limits(300, 10_000, 10_000, 8)).await;
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let opened = Instant::now();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: test\r\n")
            .await
            .expect("write");
        // Keep trickling header lines, as slowloris does, until the server hangs up.
        let (mut reader, mut writer) = stream.into_split();
        let trickle = tokio::spawn(async move {
            while writer.write_all(b"X-Slow: 1\r\n").await.is_ok() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        let mut buffer = [0u8; 256];
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match reader.read(&mut buffer).await {
                    Ok(0) | Err(_) => break Instant::now(),
                    Ok(_) => {}
                }
            }
        })
        .await
        .expect("the slow client was disconnected");
        trickle.abort();
        let held = closed - opened;
        assert!(held >= Duration::from_millis(250), "closed after {held:?}");
        assert!(held < Duration::from_secs(3), "closed after {held:?}");
    }

    #[tokio::test]
    async fn a_body_that_does_not_arrive_gets_408() {
        let (address, _stop) = start(limits(10_000, 300, 10_000, 8)).await;
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let request = b"POST /api/run HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
                        Content-Length: 100000\r\n\r\n{\"scenario\":";
        stream.write_all(request).await.expect("write");
        let sent = Instant::now();
        let (response, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
        assert!(response.starts_with("HTTP/1.1 408"), "{response}");
        assert!(
            response.contains("did not arrive within 0.3 s"),
            "{response}"
        );
        assert!(closed - sent >= Duration::from_millis(250));
    }

    #[tokio::test]
    async fn an_idle_kept_alive_connection_is_closed_after_the_idle_timeout() {
        let (address, _stop) = start(limits(10_000, 10_000, 300, 8)).await;
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let asked = Instant::now();
        stream.write_all(GET).await.expect("write");
        let (response, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        // The whole response arrived, and then the connection was closed for idleness, not at once.
        let length: usize = response
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|v| v.trim().parse().ok())
            .expect("a content length");
        let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        assert_eq!(body.len(), length);
        // The answer takes milliseconds; the idle timeout (not the 10 s header timeout) closed it.
        let open = closed - asked;
        assert!(open >= Duration::from_millis(250), "closed after {open:?}");
        assert!(open < Duration::from_secs(3), "closed after {open:?}");
    }

    #[tokio::test]
    async fn stalled_clients_do_not_keep_others_waiting() {
        let (address, _stop) = start(limits(5_000, 5_000, 5_000, 8)).await;
        let mut stalled = Vec::new();
        for _ in 0..4 {
            let mut stream = TcpStream::connect(address).await.expect("connect");
            stream
                .write_all(b"GET / HTTP/1.1\r\n")
                .await
                .expect("write");
            stalled.push(stream);
        }
        let mut live = TcpStream::connect(address).await.expect("connect");
        live.write_all(
            b"GET /api/openapi.json HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
        )
        .await
        .expect("write");
        let (response, _) = read_until_closed(&mut live, Duration::from_secs(2)).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }

    #[tokio::test]
    async fn beyond_the_connection_cap_a_client_waits_for_a_slot_to_free() {
        let (address, _stop) = start(limits(400, 10_000, 10_000, 1)).await;
        // Holds the only slot, sending nothing, until the header timeout closes it.
        let mut holder = TcpStream::connect(address).await.expect("connect");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let asked = Instant::now();
        let mut waiting = TcpStream::connect(address)
            .await
            .expect("connect (into the backlog)");
        waiting
            .write_all(b"GET /api/openapi.json HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let (response, answered) = read_until_closed(&mut waiting, Duration::from_secs(5)).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let waited = answered - asked;
        assert!(
            waited >= Duration::from_millis(250),
            "answered after {waited:?}"
        );
        let (held, _) = read_until_closed(&mut holder, Duration::from_secs(1)).await;
        assert!(
            held.is_empty() || held.starts_with("HTTP/1.1 408"),
            "{held}"
        );
    }
}
