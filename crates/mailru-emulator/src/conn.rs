//! Connections: the accept loop with a cap on open connections, hyper's timer and
//! header-read timeout, an idle keep-alive timeout, and a pause when `accept` fails (e.g.
//! out of file descriptors) instead of a busy loop.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

use crate::hosts::Host;
use crate::http::Body;
use crate::server::{self, Shared, lock};

/// Pause after a failed `accept` (EMFILE, ENFILE, ENOMEM, ...), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How often a full server looks again for an idle connection to close.
const EVICT_RETRY: Duration = Duration::from_millis(100);

/// Milliseconds since `epoch`.
fn ms_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What the watchdog of one connection reads.
#[derive(Debug)]
struct Activity {
    /// Milliseconds since [`Conns::epoch`] of the last byte read or written.
    last_ms: AtomicU64,
    /// Requests being handled or answered.
    in_flight: AtomicUsize,
    /// Requests answered (their response bodies are done).
    answered: AtomicU64,
    /// Set once the connection was chosen to make room for a new one.
    evicted: AtomicBool,
    close: Notify,
}

/// The open connections of all listeners.
#[derive(Debug)]
pub(crate) struct Conns {
    permits: Arc<Semaphore>,
    open: Mutex<HashMap<u64, Arc<Activity>>>,
    next_id: AtomicU64,
    epoch: Instant,
    header_read_timeout: Duration,
    keep_alive_timeout: Duration,
}

impl Conns {
    pub(crate) fn new(max: usize, header_read_timeout: Duration, keep_alive: Duration) -> Self {
        Conns {
            permits: Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))),
            open: Mutex::default(),
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
            header_read_timeout,
            keep_alive_timeout: keep_alive,
        }
    }

    fn now_ms(&self) -> u64 {
        ms_since(self.epoch)
    }

    fn touch(&self, a: &Activity) {
        a.last_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// Asks the connection idle the longest to close (none if every one is busy).
    fn evict_idlest(&self) {
        let open = lock(&self.open);
        let idlest = open
            .values()
            .filter(|a| a.in_flight.load(Ordering::Relaxed) == 0)
            .filter(|a| !a.evicted.load(Ordering::Relaxed))
            .min_by_key(|a| a.last_ms.load(Ordering::Relaxed));
        if let Some(a) = idlest {
            a.evicted.store(true, Ordering::Relaxed);
            a.close.notify_one();
        }
    }

    /// A permit for one more connection, making room if all are taken: the idlest
    /// connection is asked to close, and asked again every [`EVICT_RETRY`] while none is
    /// idle. `None` on shutdown.
    async fn permit(&self, shutdown: &mut watch::Receiver<bool>) -> Option<OwnedSemaphorePermit> {
        loop {
            if let Ok(p) = self.permits.clone().try_acquire_owned() {
                return Some(p);
            }
            self.evict_idlest();
            tokio::select! {
                p = self.permits.clone().acquire_owned() => return p.ok(),
                () = tokio::time::sleep(EVICT_RETRY) => {}
                _ = shutdown.changed() => return None,
            }
        }
    }
}

/// Removes a connection from [`Conns::open`] when its task ends.
struct Registered {
    shared: Arc<Shared>,
    id: u64,
    activity: Arc<Activity>,
}

impl Registered {
    /// Registers a connection as soon as it is accepted, so that it can be chosen to make
    /// room even before its task first runs.
    fn new(shared: Arc<Shared>) -> Self {
        let conns = &shared.conns;
        let id = conns.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity {
            last_ms: AtomicU64::new(conns.now_ms()),
            in_flight: AtomicUsize::new(0),
            answered: AtomicU64::new(0),
            evicted: AtomicBool::new(false),
            close: Notify::new(),
        });
        lock(&conns.open).insert(id, activity.clone());
        Registered {
            shared,
            id,
            activity,
        }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&self.shared.conns.open).remove(&self.id);
    }
}

/// Accepts connections on one listener until `shutdown` flips; dropping the task set
/// closes the open ones.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    host: Host,
    origin: Arc<str>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            _ = shutdown.changed() => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                    _ = shutdown.changed() => break,
                }
            }
        };
        let Some(permit) = shared.conns.permit(&mut shutdown).await else {
            break;
        };
        let _ = stream.set_nodelay(true);
        let me = Registered::new(shared.clone());
        let origin = origin.clone();
        connections.spawn(async move {
            let _permit = permit;
            connection(stream, me, host, origin).await;
        });
    }
}

async fn connection(stream: tokio::net::TcpStream, me: Registered, host: Host, origin: Arc<str>) {
    let shared = &me.shared;
    let conns = &shared.conns;
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: me.activity.clone(),
        conns_epoch: conns.epoch,
    });
    let activity = me.activity.clone();
    let service_shared = shared.clone();
    let service = service_fn(move |req| {
        let guard = InFlight::new(activity.clone(), service_shared.clone());
        let (shared, origin) = (service_shared.clone(), origin.clone());
        async move {
            let response = server::handle(shared, host, origin, req).await?;
            Ok::<_, server::Dropped>(response.map(|body| Guarded {
                inner: body,
                _guard: guard,
            }))
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(conns.header_read_timeout)
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        () = watchdog(conns, &me.activity) => {}
    }
    // Idle, or chosen to make room. A connection that never got a request to a handler has
    // nothing to lose: drop it (hyper's graceful shutdown would wait for its first request).
    // Otherwise let hyper finish writing the last response and close, but not forever.
    let untouched = me.activity.answered.load(Ordering::Relaxed) == 0
        && me.activity.in_flight.load(Ordering::Relaxed) == 0;
    if untouched {
        return;
    }
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(conns.header_read_timeout, conn).await;
}

/// Returns when the connection has been idle for the keep-alive timeout, or was evicted.
async fn watchdog(conns: &Conns, a: &Activity) {
    let keep_alive = conns.keep_alive_timeout;
    loop {
        let idle = Duration::from_millis(
            conns
                .now_ms()
                .saturating_sub(a.last_ms.load(Ordering::Relaxed)),
        );
        let busy = a.in_flight.load(Ordering::Relaxed) > 0;
        if !busy && idle >= keep_alive {
            return;
        }
        let wait = if busy { keep_alive } else { keep_alive - idle };
        tokio::select! {
            () = tokio::time::sleep(wait.max(Duration::from_millis(1))) => {}
            () = a.close.notified() => return,
        }
    }
}

/// Counts a request as in flight from its head until its response body is dropped.
struct InFlight {
    activity: Arc<Activity>,
    shared: Arc<Shared>,
}

impl InFlight {
    fn new(activity: Arc<Activity>, shared: Arc<Shared>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight { activity, shared }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.shared.conns.touch(&self.activity);
        self.activity.answered.fetch_add(1, Ordering::Relaxed);
        self.activity.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A response body that keeps its request in flight until hyper is done with it.
struct Guarded {
    inner: Body,
    _guard: InFlight,
}

impl hyper::body::Body for Guarded {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The TCP stream, noting the time of every byte that goes through.
struct Tracked {
    inner: tokio::net::TcpStream,
    activity: Arc<Activity>,
    conns_epoch: Instant,
}

impl Tracked {
    fn touch(&self) {
        let ms = ms_since(self.conns_epoch);
        self.activity.last_ms.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(poll, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        poll
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
