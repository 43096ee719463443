//! One walk over a paginated method: which pages to ask for, and whether a page that came
//! back can be trusted (what one page allows is checked by [`Spec::inspect`]; here, what
//! needs the walk's memory: repeats, and the order of pages).
//!
//! A walk asks for one page at a time; when it reads ahead it keeps [`READ_AHEAD`] pages
//! asked for, each next one started as soon as the end of the previous body says where it
//! starts ([`Spec::next_guess`]), each fetched by a task of its own when a tokio runtime is
//! there. Pages are inspected (decoded) where their items are handed out. A guess that the
//! inspected page contradicts drops the pages asked for after it.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures::FutureExt;
use futures::channel::oneshot;

use super::guard::{Recent, WINDOW};
use super::inspect::{Inspected, Spec};
use super::page::{Decode, RawPage};
use super::{Checkpoint, Cursor, DEFAULT_PAGE_SIZE};
use crate::catalog::{MethodInfo, Paging, paginated_names};
use crate::client::Api;
use crate::dispatch::Target;
use crate::error::{Cause, Error, PaginationError, Result};
use crate::request::CallRequest;
use crate::text::sanitize;

/// Most recent pages remembered for methods whose items have no key.
const PAGE_WINDOW: usize = 16;

/// Pages asked for at once when reading ahead: the one being decoded and the next (the
/// platform answers the next while this one decodes). Measured with `pager_bench`: a
/// third page ahead gains nothing and costs one more unused request at an early stop.
pub(crate) const READ_AHEAD: usize = 2;

type PageFuture = Pin<Box<dyn Future<Output = Result<Bytes>> + Send>>;

/// A page accepted by the checks, its items when they were decoded as the page was read,
/// and the cursor just after each item.
#[derive(Debug)]
pub(crate) struct CheckedPage<T> {
    pub(crate) page: RawPage,
    pub(crate) decoded: Option<Vec<T>>,
    pub(crate) cursors: Vec<Cursor>,
}

/// A page asked for and not yet taken in.
struct InFlight {
    requested: Cursor,
    size: u32,
    /// The fetch; its answer (the body) once it came.
    future: Option<PageFuture>,
    answer: Option<Result<Bytes>>,
    /// Where the next page starts, as guessed from this page's body (reading ahead).
    guess: Guess,
}

impl InFlight {
    /// Polls the fetch; true once its answer is in.
    fn poll(&mut self, cx: &mut Context<'_>) -> bool {
        if let Some(future) = &mut self.future
            && let Poll::Ready(answer) = future.as_mut().poll(cx)
        {
            self.answer = Some(answer);
            self.future = None;
        }
        self.answer.is_some()
    }

    /// The guessed start of the next page: `Ready(None)` when there is none.
    fn poll_guess(&mut self, cx: &mut Context<'_>) -> Poll<Option<Cursor>> {
        if let Guess::Waiting(rx) = &mut self.guess {
            let guessed = ready!(rx.poll_unpin(cx));
            self.guess = Guess::Known(guessed.ok().flatten());
        }
        Poll::Ready(match &self.guess {
            Guess::Known(cursor) => cursor.clone(),
            Guess::Waiting(_) | Guess::None => None,
        })
    }
}

/// Where the page after an asked-for page starts, as guessed from its body.
enum Guess {
    /// Not reading ahead.
    None,
    /// The body is not in yet.
    Waiting(oneshot::Receiver<Option<Cursor>>),
    /// The guess (`None`: the body's end did not tell).
    Known(Option<Cursor>),
}

/// The state of a walk.
pub(crate) struct Walk<T> {
    api: Api,
    spec: Arc<Spec>,
    pub(crate) decode: Decode<T>,
    pub(crate) page_size: u32,
    pub(crate) max_items: Option<u64>,
    pub(crate) read_ahead: bool,
    /// After the last item handed out.
    pub(crate) checkpoint: Checkpoint,
    /// Where the page after the last one taken in starts, and how many items have been
    /// taken in (handed out or waiting to be).
    next: Cursor,
    taken: u64,
    /// An error to report at the first poll (a bad parameter, a checkpoint of the wrong
    /// kind): building a walk never fails.
    pending_error: Option<Error>,
    keys: Recent,
    pages: Recent,
    in_flight: VecDeque<InFlight>,
    done: bool,
}

impl<T> std::fmt::Debug for Walk<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk")
            .field("method", &self.spec.method)
            .field("page_size", &self.page_size)
            .field("max_items", &self.max_items)
            .field("read_ahead", &self.read_ahead)
            .field("checkpoint", &self.checkpoint)
            .field("pages_asked", &self.in_flight.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T> Walk<T> {
    /// A walk of `method`; a `limit`, `skip` or `offset` among `params` becomes the page
    /// size or the start.
    pub(crate) fn new(
        api: Api,
        method: &str,
        info: MethodInfo,
        params: Vec<(String, String)>,
        decode: Decode<T>,
    ) -> Self {
        let mut checkpoint = Checkpoint::default();
        let mut page_size = DEFAULT_PAGE_SIZE;
        let mut pending_error = None;
        let mut kept = Vec::with_capacity(params.len());
        let bad = |name: &str, value: &str| {
            Some(Error::from(PaginationError::BadParameter {
                method: sanitize(method),
                name: name.to_owned(),
                value: sanitize(value),
            }))
        };
        if info.paging.is_paginated() {
            for (key, value) in params {
                match (key.as_str(), info.paging) {
                    ("skip", Paging::Skip) => checkpoint.cursor = Cursor::Skip(value),
                    ("offset", Paging::Offset { .. }) => match value.trim().parse() {
                        Ok(n) => checkpoint.cursor = Cursor::Offset(n),
                        Err(_) => pending_error = bad("offset", &value),
                    },
                    ("limit", Paging::Skip | Paging::Offset { limit: true }) => {
                        match value.trim().parse::<u32>() {
                            Ok(n) => page_size = n.max(1),
                            Err(_) => pending_error = bad("limit", &value),
                        }
                    }
                    _ => kept.push((key, value)),
                }
            }
        } else {
            pending_error = Some(
                PaginationError::NotPaginated {
                    method: sanitize(method),
                    paginated: paginated_names(),
                }
                .into(),
            );
        }
        Walk {
            api,
            spec: Arc::new(Spec {
                method: method.to_owned(),
                info,
                params: kept,
            }),
            decode,
            page_size,
            max_items: None,
            read_ahead: false,
            next: checkpoint.cursor.clone(),
            taken: 0,
            checkpoint,
            pending_error,
            keys: Recent::new(WINDOW),
            pages: Recent::new(PAGE_WINDOW),
            in_flight: VecDeque::new(),
            done: false,
        }
    }

    /// The next page that passed the checks; `None` at the end; an error ends the walk.
    pub(crate) fn poll_page(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<CheckedPage<T>>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Some(e) = self.pending_error.take() {
            self.done = true;
            return Poll::Ready(Some(Err(e)));
        }
        loop {
            self.ask(cx);
            if self.in_flight.is_empty() {
                // Nothing left to ask for: `max_items` reached.
                self.done = true;
                return Poll::Ready(None);
            }
            // Every page asked for is polled: a fetch that is not a task of its own moves
            // on only when polled.
            let mut front_ready = false;
            for (index, page) in self.in_flight.iter_mut().enumerate() {
                let ready = page.poll(cx);
                front_ready |= index == 0 && ready;
            }
            if !front_ready {
                // A guess that came in meanwhile lets one more page be asked for.
                let asked = self.in_flight.len();
                self.ask(cx);
                if self.in_flight.len() > asked {
                    continue;
                }
                return Poll::Pending;
            }
            let Some(page) = self.in_flight.pop_front() else {
                return Poll::Pending;
            };
            let answer = page
                .answer
                .unwrap_or_else(|| Err(Error::invalid("a page without an answer")));
            let checked = answer
                .and_then(|body| self.spec.inspect(body, &page.requested, self.decode))
                .and_then(|inspected| self.accept(inspected));
            return match checked {
                Ok(checked) if checked.cursors.is_empty() => {
                    self.stop();
                    Poll::Ready(None)
                }
                Ok(checked) => Poll::Ready(Some(Ok(checked))),
                Err(e) => {
                    self.stop();
                    Poll::Ready(Some(Err(self.api.redact(e))))
                }
            };
        }
    }

    /// Asks for pages until as many as allowed are asked for (one, or [`READ_AHEAD`]),
    /// while it is known where the next starts and `max_items` leaves room.
    fn ask(&mut self, cx: &mut Context<'_>) {
        let depth = if self.read_ahead { READ_AHEAD } else { 1 };
        while self.in_flight.len() < depth {
            let cursor = match self.in_flight.back_mut() {
                None => self.next.clone(),
                Some(last) => match last.poll_guess(cx) {
                    Poll::Ready(Some(cursor)) => cursor,
                    _ => return,
                },
            };
            let asked: u64 = self.in_flight.iter().map(|p| u64::from(p.size)).sum();
            let remaining = self
                .max_items
                .map(|m| m.saturating_sub(self.taken.saturating_add(asked)));
            if remaining == Some(0) {
                return;
            }
            let size = remaining.map_or(self.page_size, |r| {
                u32::try_from(r).unwrap_or(u32::MAX).min(self.page_size)
            });
            let page = self.fetch(cursor, size);
            self.in_flight.push_back(page);
        }
    }

    /// Takes in an inspected page: its items must not repeat recent ones; it becomes the
    /// place the next page starts from. Pages asked for from another place are dropped.
    fn accept(&mut self, inspected: Inspected<T>) -> Result<CheckedPage<T>> {
        let Inspected {
            mut page,
            mut decoded,
            mut cursors,
            keys,
        } = inspected;
        if cursors.is_empty() {
            return Ok(CheckedPage {
                page,
                decoded,
                cursors,
            });
        }
        for (hash, key) in &keys.items {
            if self.keys.contains(*hash) {
                return Err(self.repeated(key));
            }
            self.keys.insert(*hash);
        }
        if let Some(print) = keys.page {
            if self.pages.contains(print) {
                return Err(self.repeated("a whole page"));
            }
            self.pages.insert(print);
        }
        if let Some(max) = self.max_items {
            let room = usize::try_from(max.saturating_sub(self.taken)).unwrap_or(usize::MAX);
            page.items.truncate(room);
            cursors.truncate(room);
            if let Some(decoded) = &mut decoded {
                decoded.truncate(room);
            }
        }
        self.taken += cursors.len() as u64;
        if let Some(last) = cursors.last() {
            self.next = last.clone();
        }
        if self
            .in_flight
            .front()
            .is_some_and(|p| p.requested != self.next)
        {
            self.in_flight.clear();
        }
        Ok(CheckedPage {
            page,
            decoded,
            cursors,
        })
    }

    fn repeated(&self, key: &str) -> Error {
        PaginationError::Repeated {
            method: sanitize(&self.spec.method),
            key: sanitize(key),
        }
        .into()
    }

    /// The request of the page at `cursor` (the user's parameters plus the walk's): a
    /// task of its own when reading ahead on a tokio runtime. The page is inspected where
    /// its items are handed out (the thread that frees them allocates them).
    fn fetch(&self, cursor: Cursor, size: u32) -> InFlight {
        let spec = self.spec.clone();
        let api = self.api.clone();
        let mut params = spec.params.clone();
        match &cursor {
            Cursor::Start => {}
            Cursor::Skip(id) => params.push(("skip".to_owned(), id.clone())),
            Cursor::Offset(n) => params.push(("offset".to_owned(), n.to_string())),
        }
        if matches!(
            spec.info.paging,
            Paging::Skip | Paging::Offset { limit: true }
        ) {
            params.push(("limit".to_owned(), size.to_string()));
        }
        let (guess_tx, guess) = match self.read_ahead {
            true => {
                let (tx, rx) = oneshot::channel();
                (Some(tx), Guess::Waiting(rx))
            }
            false => (None, Guess::None),
        };
        let requested = cursor.clone();
        let work = async move {
            let target = Target::of(&spec.info);
            let params = params
                .into_iter()
                .map(|(k, v)| (std::borrow::Cow::Owned(k), v))
                .collect();
            let call = CallRequest::new(&spec.method, params, Vec::new(), target.post)?;
            let body = api.dispatch(&call, &target).await.into_result()?.body;
            if let Some(tx) = guess_tx {
                let _ = tx.send(spec.next_guess(&body, &requested, size));
            }
            Ok(body)
        };
        let runtime = self
            .read_ahead
            .then(tokio::runtime::Handle::try_current)
            .and_then(std::result::Result::ok);
        let future: PageFuture = match runtime {
            Some(runtime) => Box::pin(Task(runtime.spawn(work))),
            None => Box::pin(work),
        };
        InFlight {
            requested: cursor,
            size,
            future: Some(future),
            answer: None,
            guess,
        }
    }
}

/// A page's task: its answer, and stopped when the walk no longer wants the page.
struct Task(tokio::task::JoinHandle<Result<Bytes>>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Future for Task {
    type Output = Result<Bytes>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll_unpin(cx).map(|joined| {
            joined.unwrap_or_else(|e| {
                Err(Error::Decode {
                    path: String::new(),
                    message: format!("the task reading the page stopped: {e}"),
                    body_start: String::new(),
                    source: Some(Cause::new(e)),
                })
            })
        })
    }
}

impl<T> Walk<T> {
    /// Continues from `checkpoint` (saved from an earlier walk of the same method and
    /// parameters).
    pub(crate) fn resume(&mut self, checkpoint: Checkpoint) {
        let fits = matches!(
            (&checkpoint.cursor, self.spec.info.paging),
            (Cursor::Start, _)
                | (Cursor::Skip(_), Paging::Skip)
                | (Cursor::Offset(_), Paging::Offset { .. })
        );
        if !fits {
            self.pending_error = Some(Error::invalid(format!(
                "the checkpoint's cursor {:?} does not fit how `{}` pages",
                checkpoint.cursor,
                sanitize(&self.spec.method)
            )));
        }
        self.next = checkpoint.cursor.clone();
        self.taken = checkpoint.items;
        self.checkpoint = checkpoint;
    }

    /// Ends the walk (an item of the last page could not be decoded).
    pub(crate) fn stop(&mut self) {
        self.done = true;
        self.in_flight.clear();
    }

    /// `error` without the tokens the walk's client sent.
    pub(crate) fn redact(&self, error: Error) -> Error {
        self.api.redact(error)
    }
}
