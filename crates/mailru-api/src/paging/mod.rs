//! Paginated methods as lazy, resumable streams that cannot loop forever.
//!
//! One engine serves typed walks ([`Api::paginate`], `.items()` / `.pages()` on a call)
//! and walks by name ([`Pager`], items as `serde_json::Value`). Nothing is sent until the
//! stream is polled; every page carries the same parameters plus the cursor; a short page
//! is never taken for the end (the platform's page cap is unknown, decisions.md). A walk
//! ends:
//! - normally on an empty page or at [`Items::max_items`];
//! - with [`Error::Pagination`] when a page is not an array, when the platform sends an
//!   item it already sent within the last 10,000 items (or, for items without a key,
//!   repeats a whole page), when a skip cursor does not advance, or when an item of a
//!   skip walk has no string `id`;
//! - after any other error (transport, API), which it yields once.
//!
//! At any moment [`Items::checkpoint`] says where the walk stands (the cursor after the
//! last item yielded, and the count); a new walk with [`Items::resume`] goes on from
//! there, so after an error every item is still yielded exactly once overall. (An offset
//! walk whose platform inserted items before the offset meets an item again and stops
//! with [`PaginationError::Repeated`]; resuming then yields that item a second time.)
//!
//! [`Error::Pagination`]: crate::Error::Pagination
//! [`PaginationError::Repeated`]: crate::PaginationError::Repeated

mod guard;
mod inspect;
mod page;
mod walk;

use std::ops::Range;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::Api;
use crate::error::{Cause, Error, PaginationError, Result};
use crate::method::Paginated;
use crate::params::{IntoParams, ParamValue};
use page::{Decode, RawPage};
use walk::{CheckedPage, Walk};

pub(crate) use page::first_value;

/// Page size asked for when the user sets none: the emulator's cap; the platform's is
/// unknown (decisions.md), and a smaller answer is never taken for the end.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Where the next page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cursor {
    /// The first page (or the start the user's own `skip` / `offset` gave).
    #[default]
    Start,
    /// After the item with this `id` (skip-cursor methods).
    Skip(String),
    /// After this many items (offset methods).
    Offset(u64),
}

/// Where a walk stands: the cursor after the last item yielded, and how many items the
/// walk has yielded (resumed walks count on). Save it (it is serde) and resume later.
///
/// ```
/// use mailru_api::{Checkpoint, Cursor};
/// let saved = serde_json::to_string(&Checkpoint { cursor: Cursor::Skip("0a1b".into()), items: 300 })?;
/// assert_eq!(saved, r#"{"cursor":{"skip":"0a1b"},"items":300}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Where the next item comes from.
    pub cursor: Cursor,
    /// Items yielded so far.
    pub items: u64,
}

/// The items of a paginated method, one by one: a [`Stream`] of `Result<T>` that is
/// `Unpin`, so `while let Some(x) = items.try_next().await?` works as it is.
///
/// Configure it before the first poll ([`page_size`](Self::page_size),
/// [`max_items`](Self::max_items), [`resume`](Self::resume)); read
/// [`checkpoint`](Self::checkpoint) at any moment. A walk ends at an empty or short page,
/// at `max_items`, or with an error ([`PaginationError`](crate::PaginationError) when the
/// platform repeats items, does not advance or sends items without a usable id).
#[derive(Debug)]
pub struct Items<T> {
    walk: Walk<T>,
    /// The page being handed out.
    page: Handout<T>,
}

/// The items of a page not yet handed out, and the cursor after each.
#[derive(Debug)]
struct Handout<T> {
    /// The items decoded as the page was read.
    decoded: std::vec::IntoIter<T>,
    /// Or, when some item of the page did not decode, the page and where each item lies:
    /// they are decoded one by one as handed out, so each failure comes at its item.
    raw: Option<(RawPage, std::vec::IntoIter<Range<usize>>)>,
    cursors: std::vec::IntoIter<Cursor>,
}

impl<T> Handout<T> {
    fn new(checked: CheckedPage<T>) -> Self {
        let CheckedPage {
            mut page,
            decoded,
            cursors,
        } = checked;
        let (decoded, raw) = match decoded {
            Some(decoded) => (decoded, None),
            None => {
                let ranges = std::mem::take(&mut page.items).into_iter();
                (Vec::new(), Some((page, ranges)))
            }
        };
        Handout {
            decoded: decoded.into_iter(),
            raw,
            cursors: cursors.into_iter(),
        }
    }

    fn empty() -> Self {
        Handout {
            decoded: Vec::new().into_iter(),
            raw: None,
            cursors: Vec::new().into_iter(),
        }
    }

    fn is_empty(&self) -> bool {
        self.cursors.len() == 0
    }

    /// The next item (decoded now if it was not yet) and the cursor after it.
    fn next(&mut self, decode: Decode<T>) -> Option<(serde_json::Result<T>, Cursor)> {
        let cursor = self.cursors.next()?;
        let item = match &mut self.raw {
            Some((page, ranges)) => ranges.next().map(|r| decode(page.item(&r)).map(|(v, _)| v)),
            None => self.decoded.next().map(Ok),
        };
        let item = item.unwrap_or_else(|| Err(serde::de::Error::custom("an item is missing")));
        Some((item, cursor))
    }
}

// The items are never pinned: only the boxed request future is, and a box is `Unpin`.
impl<T> Unpin for Items<T> {}

impl<T: DeserializeOwned> Items<T> {
    /// The walk of a typed method.
    pub(crate) fn typed<M: Paginated<Item = T>>(api: Api, method: M) -> Self {
        let params = method
            .params()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        Items::new(Walk::new(
            api,
            M::INFO.name,
            *M::INFO,
            params,
            M::first_item,
        ))
    }
}

impl<T> Items<T> {
    fn new(walk: Walk<T>) -> Self {
        Items {
            walk,
            page: Handout::empty(),
        }
    }
}

impl<T> Items<T> {
    /// Items asked for per page (default: the user's `limit`, else 100).
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.walk.page_size = size.max(1);
        self
    }

    /// Asks for the next page while the current one is decoded and handed out: the next
    /// request goes as soon as the end of the current body says where the next page
    /// starts, so the platform's time overlaps the decoding (about 1.6× the items per
    /// second of a plain walk against the emulator, `BENCHMARKS.md`). On a tokio runtime
    /// the request is a task of its own; a multi-thread runtime lets it move on while
    /// the items are decoded. Off by default: a walk stopped early (`take`, a `break`)
    /// has asked for one page it did not use. `max_items` is kept, and a guess the page
    /// contradicts (a short offset page) is dropped and asked again from the right place.
    ///
    /// ```no_run
    /// # async fn f(api: mailru_api::Api) -> mailru_api::Result<()> {
    /// use futures::TryStreamExt;
    /// use mailru_api::methods::stream::GetByAuthor;
    ///
    /// let mut events = api.paginate(GetByAuthor::new().uid(5u64)).read_ahead(true);
    /// while let Some(event) = events.try_next().await? {
    ///     println!("{}", event.id());
    /// }
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn read_ahead(mut self, on: bool) -> Self {
        self.walk.read_ahead = on;
        self
    }

    /// Stops after this many items in all (resumed walks count what they yielded before).
    #[must_use]
    pub fn max_items(mut self, max: u64) -> Self {
        self.walk.max_items = Some(max);
        self
    }

    /// Goes on from a checkpoint of an earlier walk of the same method and parameters.
    /// A checkpoint whose cursor does not fit the method's paging is an error at the
    /// first poll.
    #[must_use]
    pub fn resume(mut self, checkpoint: Checkpoint) -> Self {
        self.walk.resume(checkpoint);
        self
    }

    /// Where the walk stands: after the last item yielded.
    pub fn checkpoint(&self) -> Checkpoint {
        self.walk.checkpoint.clone()
    }

    /// The same walk, page by page.
    pub fn pages(self) -> Pages<T> {
        Pages { items: self }
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((item, cursor)) = this.page.next(this.walk.decode) {
                return Poll::Ready(Some(match item {
                    Ok(item) => {
                        this.walk.checkpoint.cursor = cursor;
                        this.walk.checkpoint.items += 1;
                        Ok(item)
                    }
                    Err(e) => {
                        // The rest of the page is dropped; the checkpoint stays before
                        // the item that could not be decoded.
                        this.page = Handout::empty();
                        this.walk.stop();
                        Err(this.walk.redact(item_error(e)))
                    }
                }));
            }
            match this.walk.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(checked))) => this.page = Handout::new(checked),
            }
        }
    }
}

/// The pages of a paginated method: a `Stream` of `Result<Vec<T>>`, `Unpin`.
#[derive(Debug)]
pub struct Pages<T> {
    items: Items<T>,
}

impl<T> Pages<T> {
    /// Where the walk stands: after the last page yielded.
    pub fn checkpoint(&self) -> Checkpoint {
        self.items.checkpoint()
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Vec<T>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let items = &mut self.get_mut().items;
        if items.page.is_empty() {
            match items.walk.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(checked))) => items.page = Handout::new(checked),
            }
        }
        let mut page = std::mem::replace(&mut items.page, Handout::empty());
        let last = page.cursors.as_slice().last().cloned();
        let out: Vec<T> = if page.raw.is_none() && page.decoded.len() == page.cursors.len() {
            // Handed over as decoded (the vector itself).
            page.decoded.collect()
        } else {
            let mut out = Vec::with_capacity(page.cursors.len());
            while let Some((item, _)) = page.next(items.walk.decode) {
                match item {
                    Ok(item) => out.push(item),
                    Err(e) => {
                        items.walk.stop();
                        return Poll::Ready(Some(Err(items.walk.redact(item_error(e)))));
                    }
                }
            }
            out
        };
        if let Some(cursor) = last {
            items.walk.checkpoint.cursor = cursor;
            items.walk.checkpoint.items += out.len() as u64;
        }
        Poll::Ready(Some(Ok(out)))
    }
}

fn item_error(e: serde_json::Error) -> Error {
    Error::Decode {
        path: String::new(),
        message: crate::text::sanitize(&e.to_string()),
        body_start: String::new(),
        source: Some(Cause::new(e)),
    }
}

/// A walk of a paginated method by name, items as JSON: for methods without a model, or
/// declared for one client ([`ApiBuilder::declare`](crate::ApiBuilder::declare)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use futures::TryStreamExt;
/// use mailru_api::{AccessToken, Api, Pager, PrivateKey, Session};
/// use mailru_emulator::{Emulator, accounts};
///
/// let emulator = Emulator::builder().start().await?;
/// let session = Session::client(accounts::APP_ID, PrivateKey::new(accounts::APP_PRIVATE_KEY),
///     AccessToken::new(accounts::DEMO_SESSION_KEY), accounts::DEMO_UID);
/// let api = Api::builder(session).base_url(emulator.base_url())?.build()?;
///
/// let events: Vec<serde_json::Value> = Pager::new(&api, "stream.getByAuthor")?
///     .param("uid", accounts::BIG_COMMUNITY_UID)
///     .param("limit", 50)
///     .items()
///     .max_items(120)
///     .try_collect()
///     .await?;
/// assert_eq!(events.len(), 120);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Pager {
    api: Api,
    method: String,
    info: crate::catalog::MethodInfo,
    params: Vec<(String, String)>,
}

impl Pager {
    /// A walk of `method`, which the client must know as paginated (the catalog or a
    /// declaration).
    ///
    /// # Errors
    /// [`PaginationError::NotPaginated`] (listing the paginated methods) for any other.
    pub fn new(api: &Api, method: &str) -> Result<Self> {
        let info = api
            .method_info(method)
            .filter(|m| m.paging.is_paginated())
            .ok_or_else(|| PaginationError::NotPaginated {
                method: crate::text::sanitize(method),
                paginated: crate::catalog::paginated_names(),
            })?;
        Ok(Pager {
            api: api.clone(),
            method: method.to_owned(),
            info,
            params: Vec::new(),
        })
    }

    /// Adds a parameter sent on every page (`uid`, `ext`, `filter_app`, ...); `limit`,
    /// `skip` and `offset` become the page size and the start.
    #[must_use]
    pub fn param(mut self, key: &str, value: impl ParamValue) -> Self {
        self.params.push((key.to_owned(), value.to_param()));
        self
    }

    /// Adds parameters (see [`Api::call`]).
    #[must_use]
    pub fn params(mut self, params: impl IntoParams) -> Self {
        self.params.extend(params.into_params());
        self
    }

    /// The items one by one.
    pub fn items(self) -> Items<Value> {
        Items::new(Walk::new(
            self.api,
            &self.method,
            self.info,
            self.params,
            first_value::<Value>,
        ))
    }

    /// The pages.
    pub fn pages(self) -> Pages<Value> {
        self.items().pages()
    }
}
