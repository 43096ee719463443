//! Paginated methods as lazy streams that cannot loop forever.

use std::collections::VecDeque;

use futures::stream::{self, Stream, StreamExt};
use mailru_api::{Api, Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How a method pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `skip` = id of the last item already seen (exclusive cursor), `limit` = page size.
    SkipCursor,
    /// `offset` = items already seen, `limit` = page size when the method takes one.
    Offset {
        /// Whether the method takes `limit` (friends.get and friends.getAppUsers do not).
        limit: bool,
    },
}

/// The paginated methods of the catalog and how each pages.
pub const PAGINATED: [(&str, Paging); 10] = [
    ("stream.get", Paging::SkipCursor),
    ("stream.getByAuthor", Paging::SkipCursor),
    ("friends.get", Paging::Offset { limit: false }),
    ("friends.getAppUsers", Paging::Offset { limit: false }),
    ("guestbook.get", Paging::Offset { limit: true }),
    ("photos.get", Paging::Offset { limit: true }),
    ("audio.get", Paging::Offset { limit: true }),
    ("audio.search", Paging::Offset { limit: true }),
    ("messages.getThreadsList", Paging::Offset { limit: true }),
    ("messages.getThread", Paging::Offset { limit: true }),
];

/// How `method` pages, if it does.
pub fn paging_of(method: &str) -> Option<Paging> {
    PAGINATED
        .iter()
        .find(|(m, _)| *m == method)
        .map(|(_, p)| *p)
}

/// Default page size asked for: the emulator's cap; the platform's is unknown
/// (decisions.md), and a smaller answer is never taken for the end.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// A paginated call, walked page by page. Nothing is sent until the stream is polled; every
/// request carries the same parameters plus the cursor; the walk stops on an empty page, a
/// cursor or offset that would not advance, or the user's maximum (never on a short page);
/// after an error the stream ends.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use futures::TryStreamExt;
/// use mailru_api::{AccessToken, Api, PrivateKey, Session};
/// use mailru_emulator::{Emulator, accounts};
/// use mailru_scrapers::Pager;
///
/// let emulator = Emulator::builder().start().await?;
/// let session = Session::client(accounts::APP_ID, PrivateKey::new(accounts::APP_PRIVATE_KEY),
///     AccessToken::new(accounts::DEMO_SESSION_KEY), accounts::DEMO_UID);
/// let api = Api::builder(session).base_url(emulator.base_url())?.build()?;
///
/// let uid = accounts::BIG_COMMUNITY_UID.to_string();
/// let events: Vec<serde_json::Value> = Pager::new(&api, "stream.getByAuthor")?
///     .param("uid", &uid)
///     .max_items(250)
///     .items()
///     .try_collect()
///     .await?;
/// assert_eq!(events.len(), 250);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Pager {
    api: Api,
    method: String,
    paging: Paging,
    params: Vec<(String, String)>,
    page_size: u32,
    max_items: Option<u64>,
}

impl Pager {
    /// A pager of one of the [`PAGINATED`] methods.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a method that does not page.
    pub fn new(api: &Api, method: &str) -> Result<Self> {
        let paging = paging_of(method).ok_or_else(|| {
            Error::InvalidRequest(format!("`{method}` is not a paginated method"))
        })?;
        Ok(Pager::with_paging(api, method, paging))
    }

    /// A pager of any method with the given paging style.
    pub fn with_paging(api: &Api, method: &str, paging: Paging) -> Self {
        Pager {
            api: api.clone(),
            method: method.to_owned(),
            paging,
            params: Vec::new(),
            page_size: DEFAULT_PAGE_SIZE,
            max_items: None,
        }
    }

    /// Adds a parameter sent on every page (`uid`, `ext`, `filter_app`, ...).
    #[must_use]
    pub fn param(mut self, key: &str, value: &str) -> Self {
        self.params.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Items asked for per page (default 100).
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// Stops after this many items.
    #[must_use]
    pub fn max_items(mut self, max: u64) -> Self {
        self.max_items = Some(max);
        self
    }

    /// The pages as JSON arrays of items.
    pub fn pages(self) -> impl Stream<Item = Result<Vec<Value>>> + Send + 'static {
        let start = match self.paging {
            Paging::SkipCursor => Cursor::Start,
            Paging::Offset { .. } => Cursor::Offset(0),
        };
        stream::unfold(Walk::Next(start, 0, None), move |state| {
            let pager = self.clone();
            async move { pager.step(state).await }
        })
    }

    /// The pages, each item decoded as `T`.
    pub fn typed_pages<T>(self) -> impl Stream<Item = Result<Vec<T>>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.pages().map(|page| {
            page.and_then(|items| {
                serde_json::from_value(Value::Array(items)).map_err(|e| Error::Decode {
                    path: String::new(),
                    message: e.to_string(),
                    body_start: String::new(),
                })
            })
        })
    }

    /// The items one by one, as JSON.
    pub fn items(self) -> impl Stream<Item = Result<Value>> + Send + 'static {
        flatten(self.pages())
    }

    /// The items one by one, decoded as `T` (e.g. `mailru_api::models::User`).
    pub fn typed_items<T>(self) -> impl Stream<Item = Result<T>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        flatten(self.typed_pages())
    }

    /// One step of the walk: fetch the page at `cursor`, decide what comes next.
    async fn step(&self, state: Walk) -> Option<(Result<Vec<Value>>, Walk)> {
        let Walk::Next(cursor, seen, previous) = state else {
            return None;
        };
        let remaining = self.max_items.map(|m| m.saturating_sub(seen));
        if remaining == Some(0) {
            return None;
        }
        let limit = remaining.map_or(self.page_size, |r| r.min(u64::from(self.page_size)) as u32);
        let mut params = self.params.clone();
        match (&self.paging, &cursor) {
            (Paging::SkipCursor, Cursor::Skip(id)) => params.push(("skip".to_owned(), id.clone())),
            (Paging::Offset { .. }, Cursor::Offset(n)) => {
                params.push(("offset".to_owned(), n.to_string()))
            }
            _ => {}
        }
        if !matches!(self.paging, Paging::Offset { limit: false }) {
            params.push(("limit".to_owned(), limit.to_string()));
        }
        let page = match self.api.call(&self.method, &params).await {
            Ok(Value::Array(items)) => items,
            Ok(other) => {
                let err = Error::Decode {
                    path: String::new(),
                    message: format!("`{}` answered a non-array page", self.method),
                    body_start: other.to_string().chars().take(200).collect(),
                };
                return Some((Err(err), Walk::Done));
            }
            Err(e) => return Some((Err(e), Walk::Done)),
        };
        if page.is_empty() {
            return None;
        }
        // A platform that ignores the cursor answers the same page again: stop before
        // yielding it twice (and before walking forever).
        let print = fingerprint(&page);
        let last_id = page
            .last()
            .and_then(|e| e["id"].as_str())
            .map(str::to_owned);
        let repeated = previous == Some(print)
            || matches!((&cursor, &last_id), (Cursor::Skip(c), Some(id)) if c == id);
        if repeated {
            return None;
        }
        let mut page = page;
        if let Some(r) = remaining {
            page.truncate(usize::try_from(r).unwrap_or(usize::MAX));
        }
        let seen = seen + page.len() as u64;
        let next = match (&self.paging, cursor) {
            (Paging::SkipCursor, _) => match last_id {
                Some(id) => Walk::Next(Cursor::Skip(id), seen, Some(print)),
                // Without an id there is no cursor to go on with.
                None => Walk::Done,
            },
            (Paging::Offset { .. }, cursor) => {
                let from = match cursor {
                    Cursor::Offset(n) => n,
                    _ => 0,
                };
                Walk::Next(Cursor::Offset(from + page.len() as u64), seen, Some(print))
            }
        };
        Some((Ok(page), next))
    }
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cursor {
    Start,
    Skip(String),
    Offset(u64),
}

/// The state of a walk: the next cursor, the items seen and the fingerprint of the last
/// page, or the end.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Walk {
    Next(Cursor, u64, Option<u64>),
    Done,
}

/// A cheap identity of a page: its length and first and last items.
fn fingerprint(page: &[Value]) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    page.len().hash(&mut h);
    page.first().map(Value::to_string).hash(&mut h);
    page.last().map(Value::to_string).hash(&mut h);
    h.finish()
}

/// Items of a stream of pages, one page in memory at a time; an error ends the stream.
fn flatten<T: Send + 'static>(
    pages: impl Stream<Item = Result<Vec<T>>> + Send + 'static,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    let pages = Box::pin(pages);
    stream::unfold(
        (pages, VecDeque::new(), false),
        |(mut pages, mut buffer, failed)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((Ok(item), (pages, buffer, failed)));
                }
                if failed {
                    return None;
                }
                match pages.next().await {
                    Some(Ok(page)) => buffer = page.into(),
                    Some(Err(e)) => return Some((Err(e), (pages, buffer, true))),
                    None => return None,
                }
            }
        },
    )
}
