//! Methods as values: a type knows its catalog entry, its parameters and its output.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::catalog::MethodInfo;
use crate::client::Api;
use crate::envelope::RawResponse;
use crate::error::Result;
use crate::paging::{Items, Pages};

/// A REST method: its catalog entry, parameters exactly as the user set them, and the
/// output type.
///
/// Every method of the catalog has a type in [`methods`](crate::methods); implement this
/// trait for anything else and call it with [`Api::send`]:
///
/// ```
/// use mailru_api::{Method, MethodInfo};
///
/// struct TopTracks;
///
/// impl Method for TopTracks {
///     const INFO: &'static MethodInfo = &MethodInfo::read("audios.top");
///     type Output = serde_json::Value;
///     fn params(&self) -> Vec<(&'static str, String)> {
///         Vec::new()
///     }
/// }
/// ```
pub trait Method: Send + Sync {
    /// Name, read or write, paging, privilege, empty-answer policy.
    const INFO: &'static MethodInfo;
    /// What the method returns; `serde_json::Value` where the shape is unknown.
    type Output: DeserializeOwned;

    /// The method's own parameters: required ones and the optional ones the user set,
    /// nothing else (decisions.md: unset optional parameters are not sent).
    fn params(&self) -> Vec<(&'static str, String)>;

    /// Files to upload as multipart parts (not signed).
    fn files(&self) -> Vec<FilePart> {
        Vec::new()
    }
}

/// A method whose answer is one page of a longer list: walk it whole with
/// [`Api::paginate`] (or `.items()` / `.pages()` on the call).
pub trait Paginated: Method<Output = Vec<Self::Item>> + Clone + 'static {
    /// One item of a page.
    type Item: DeserializeOwned + Send + 'static;

    /// Decodes the first item of `text` (a page from that item on) and says how many
    /// bytes it took. The default is serde_json's decoding of [`Self::Item`]; an item
    /// type that reads its own text whole (to pick a variant) overrides it so that a page
    /// is still read in one pass.
    ///
    /// # Errors
    /// When `text` does not start with a JSON value that decodes as an item.
    fn first_item(text: &str) -> serde_json::Result<(Self::Item, usize)> {
        crate::paging::first_value(text)
    }
}

/// A file part of a multipart upload (`img_file`).
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The form field, e.g. `img_file`.
    pub field: &'static str,
    /// File name sent in the part header.
    pub file_name: String,
    /// Content type, e.g. `image/jpeg`.
    pub content_type: String,
    /// The file's bytes.
    pub bytes: Bytes,
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePart")
            .field("field", &self.field)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A method bound to a client, from the namespaced accessors
/// (`api.friends().get().send().await`).
#[derive(Debug, Clone)]
pub struct Call<'a, M> {
    pub(crate) api: &'a Api,
    pub(crate) method: M,
}

impl<'a, M: Method> Call<'a, M> {
    /// Binds `method` to `api`.
    pub fn new(api: &'a Api, method: M) -> Self {
        Call { api, method }
    }

    /// Sends the call. For a paginated method this is **one page**: use
    /// [`items`](Self::items) or [`pages`](Self::pages) for the whole list.
    ///
    /// # Errors
    /// Any [`Error`](crate::Error) of [`Api::send`].
    pub async fn send(self) -> Result<M::Output> {
        self.api.send(&self.method).await
    }

    /// Sends the call and returns the raw body, API errors included.
    ///
    /// # Errors
    /// Only when no response arrived or the request is invalid.
    pub async fn send_raw(self) -> Result<RawResponse> {
        self.api.send_raw(&self.method).await
    }

    /// The method value, e.g. to send later or elsewhere.
    pub fn into_method(self) -> M {
        self.method
    }

    /// Changes the method value with `f` (for setters not mirrored on `Call`).
    #[must_use]
    pub fn map<N: Method>(self, f: impl FnOnce(M) -> N) -> Call<'a, N> {
        Call {
            api: self.api,
            method: f(self.method),
        }
    }
}

impl<M: Paginated> Call<'_, M> {
    /// Every item of every page, lazily (see [`Api::paginate`]).
    pub fn items(self) -> Items<M::Item> {
        self.api.paginate(self.method)
    }

    /// Every page, lazily (see [`Api::paginate`]).
    pub fn pages(self) -> Pages<M::Item> {
        self.api.paginate(self.method).pages()
    }
}
