//! One walk over a paginated method: which page to ask for next, and whether the page that
//! came back can be trusted (an array, new items, usable ids, a cursor that advances).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;

use super::guard::{Recent, WINDOW, hash_of};
use super::page::{Decode, RawPage};
use super::{Checkpoint, Cursor, DEFAULT_PAGE_SIZE};
use crate::catalog::{ItemKey, MethodInfo, Paging, paginated_names};
use crate::client::Api;
use crate::dispatch::Target;
use crate::error::{Error, PaginationError, Result};
use crate::json::{Probe, probe};
use crate::request::CallRequest;
use crate::text::{body_start, sanitize};

/// Most recent pages remembered for methods whose items have no key.
const PAGE_WINDOW: usize = 16;

type PageFuture = Pin<Box<dyn Future<Output = Result<Bytes>> + Send>>;

/// What every page of a walk shares.
#[derive(Debug)]
struct Spec {
    method: String,
    info: MethodInfo,
    /// The user's parameters without the ones the walk sets.
    params: Vec<(String, String)>,
}

/// A page accepted by the checks, its items when they were decoded as the page was read,
/// and the cursor just after each item.
#[derive(Debug)]
pub(crate) struct CheckedPage<T> {
    pub(crate) page: RawPage,
    pub(crate) decoded: Option<Vec<T>>,
    pub(crate) cursors: Vec<Cursor>,
}

/// The state of a walk.
pub(crate) struct Walk {
    api: Api,
    spec: Arc<Spec>,
    pub(crate) page_size: u32,
    pub(crate) max_items: Option<u64>,
    /// After the last item handed out.
    pub(crate) checkpoint: Checkpoint,
    /// An error to report at the first poll (a bad parameter, a checkpoint of the wrong
    /// kind): building a walk never fails.
    pending_error: Option<Error>,
    keys: Recent,
    pages: Recent,
    in_flight: Option<(PageFuture, Cursor)>,
    done: bool,
}

impl std::fmt::Debug for Walk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk")
            .field("method", &self.spec.method)
            .field("page_size", &self.page_size)
            .field("max_items", &self.max_items)
            .field("checkpoint", &self.checkpoint)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Walk {
    /// A walk of `method`; a `limit`, `skip` or `offset` among `params` becomes the page
    /// size or the start.
    pub(crate) fn new(
        api: Api,
        method: &str,
        info: MethodInfo,
        params: Vec<(String, String)>,
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
            page_size,
            max_items: None,
            checkpoint,
            pending_error,
            keys: Recent::new(WINDOW),
            pages: Recent::new(PAGE_WINDOW),
            in_flight: None,
            done: false,
        }
    }

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
        self.checkpoint = checkpoint;
    }

    /// Ends the walk (an item of the last page could not be decoded).
    pub(crate) fn stop(&mut self) {
        self.done = true;
        self.in_flight = None;
    }

    /// The next page that passed the checks, its items decoded with `decode` when they
    /// all decode; `None` at the end; an error ends the walk.
    pub(crate) fn poll_page<T>(
        &mut self,
        cx: &mut Context<'_>,
        decode: Decode<T>,
    ) -> Poll<Option<Result<CheckedPage<T>>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Some(e) = self.pending_error.take() {
            self.done = true;
            return Poll::Ready(Some(Err(e)));
        }
        if self.in_flight.is_none() {
            let remaining = self
                .max_items
                .map(|m| m.saturating_sub(self.checkpoint.items));
            if remaining == Some(0) {
                self.done = true;
                return Poll::Ready(None);
            }
            let size = remaining.map_or(self.page_size, |r| {
                u32::try_from(r).unwrap_or(u32::MAX).min(self.page_size)
            });
            let cursor = self.checkpoint.cursor.clone();
            self.in_flight = Some((self.fetch(&cursor, size), cursor));
        }
        let Some((future, _)) = self.in_flight.as_mut() else {
            return Poll::Pending;
        };
        let answer = match future.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(answer) => answer,
        };
        let requested = self.in_flight.take().map(|(_, c)| c).unwrap_or_default();
        let checked = answer.and_then(|page| self.check(page, &requested, decode));
        match checked {
            Ok(checked) if checked.cursors.is_empty() => {
                self.done = true;
                Poll::Ready(None)
            }
            Ok(mut checked) => {
                if let Some(max) = self.max_items {
                    let room = max.saturating_sub(self.checkpoint.items);
                    let room = usize::try_from(room).unwrap_or(usize::MAX);
                    checked.page.items.truncate(room);
                    checked.cursors.truncate(room);
                    if let Some(decoded) = &mut checked.decoded {
                        decoded.truncate(room);
                    }
                }
                Poll::Ready(Some(Ok(checked)))
            }
            Err(e) => {
                self.done = true;
                Poll::Ready(Some(Err(self.api.redact(e))))
            }
        }
    }

    /// `error` without the tokens the walk's client sent.
    pub(crate) fn redact(&self, error: Error) -> Error {
        self.api.redact(error)
    }

    /// The request of the page at `cursor`: the user's parameters plus the walk's.
    fn fetch(&self, cursor: &Cursor, size: u32) -> PageFuture {
        let spec = self.spec.clone();
        let api = self.api.clone();
        let mut params = spec.params.clone();
        match cursor {
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
        Box::pin(async move {
            let target = Target::of(&spec.info);
            let params = params
                .into_iter()
                .map(|(k, v)| (std::borrow::Cow::Owned(k), v))
                .collect();
            let call = CallRequest::new(&spec.method, params, Vec::new(), target.post)?;
            let resp = api.dispatch(&call, &target).await.into_result()?;
            Ok(resp.body)
        })
    }

    /// Accepts a page only if it is an array of new items that move the cursor on.
    fn check<T>(
        &mut self,
        body: Bytes,
        requested: &Cursor,
        decode: Decode<T>,
    ) -> Result<CheckedPage<T>> {
        let method = || sanitize(&self.spec.method);
        let (page, decoded) = match RawPage::parse(body, decode) {
            Ok(parsed) => parsed,
            Err(body) => {
                return Err(PaginationError::NotAnArray {
                    method: method(),
                    body_start: body_start(&body),
                }
                .into());
            }
        };
        if page.items.is_empty() {
            return Ok(CheckedPage {
                page,
                decoded,
                cursors: Vec::new(),
            });
        }
        let cursors = match self.spec.info.paging {
            Paging::Skip => self.skip_cursors(&page, requested)?,
            Paging::Offset { .. } | Paging::None => {
                let base = match requested {
                    Cursor::Offset(n) => *n,
                    _ => 0,
                };
                (1..=page.items.len() as u64)
                    .map(|i| Cursor::Offset(base + i))
                    .collect()
            }
        };
        self.remember(&page, &cursors)?;
        Ok(CheckedPage {
            page,
            decoded,
            cursors,
        })
    }

    /// The cursor after each item of a skip page: its id, which must be a non-empty
    /// string, and the last of which must differ from the cursor just used.
    fn skip_cursors(&self, page: &RawPage, requested: &Cursor) -> Result<Vec<Cursor>> {
        let mut cursors = Vec::with_capacity(page.items.len());
        for (index, range) in page.items.iter().enumerate() {
            let item = page.item(range);
            match probe(item, "id") {
                Probe::Str(id) if !id.is_empty() && item.starts_with('{') => {
                    cursors.push(Cursor::Skip(id));
                }
                other => {
                    return Err(PaginationError::NoItemId {
                        method: sanitize(&self.spec.method),
                        index,
                        found: sanitize(&other.to_string()),
                    }
                    .into());
                }
            }
        }
        if let (Some(Cursor::Skip(last)), Cursor::Skip(sent)) = (cursors.last(), requested)
            && last == sent
        {
            return Err(PaginationError::CursorStuck {
                method: sanitize(&self.spec.method),
                cursor: sanitize(sent),
            }
            .into());
        }
        Ok(cursors)
    }

    /// Notes the page's items (or the page itself, for items without a key); an item or
    /// page seen recently is an error. `cursors` are the page's: when the key is the
    /// `id` a skip cursor already holds, the items are not looked at again.
    fn remember(&mut self, page: &RawPage, cursors: &[Cursor]) -> Result<()> {
        let mut keyless = false;
        let ids_known = self.spec.info.paging == Paging::Skip
            && self.spec.info.item_key == ItemKey::Field("id")
            && cursors.len() == page.items.len();
        for (range, cursor) in page.items.iter().zip(cursors) {
            let key = match (self.spec.info.item_key, cursor) {
                (_, Cursor::Skip(id)) if ids_known => Some(id.clone()),
                (ItemKey::Field(path), _) => match probe(page.item(range), path) {
                    Probe::Str(s) if !s.is_empty() => Some(s),
                    Probe::Num(n) => Some(n),
                    _ => None,
                },
                (ItemKey::None, _) => None,
            };
            let Some(key) = key else {
                keyless = true;
                continue;
            };
            let hash = hash_of(&key);
            if self.keys.contains(hash) {
                return Err(PaginationError::Repeated {
                    method: sanitize(&self.spec.method),
                    key: sanitize(&key),
                }
                .into());
            }
            self.keys.insert(hash);
        }
        if keyless {
            let items: Vec<&str> = page.items.iter().map(|r| page.item(r)).collect();
            let print = hash_of(&items);
            if self.pages.contains(print) {
                return Err(PaginationError::Repeated {
                    method: sanitize(&self.spec.method),
                    key: "a whole page".to_owned(),
                }
                .into());
            }
            self.pages.insert(print);
        }
        Ok(())
    }
}
