//! Methods as values: a type knows its name, its parameters and its output.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::client::Api;
use crate::error::Result;

/// A REST method: name, parameters exactly as the user set them, and the output type.
///
/// Every method of the catalog has a type in [`methods`](crate::methods); implement this
/// trait for anything else and call it with [`Api::send`].
pub trait Method: Send + Sync {
    /// The platform's name, e.g. `friends.get`.
    const NAME: &'static str;
    /// Changes state on the platform: sent as POST, not retried unless the retry policy
    /// allows writes.
    const WRITE: bool = false;
    /// Whether an empty answer (`{}`, `[]`, nothing) is an error for this method.
    const NON_EMPTY: bool = false;
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

/// A file part of a multipart upload (`img_file`).
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// A method bound to a client, from the namespaced accessors
/// (`api.friends().get().ext(true).send().await`).
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

    /// Sends the call.
    ///
    /// # Errors
    /// Any [`Error`](crate::Error) of [`Api::send`].
    pub async fn send(self) -> Result<M::Output> {
        self.api.send(&self.method).await
    }

    /// Sends the call and returns the raw body, API errors included.
    ///
    /// # Errors
    /// Transport errors and timeouts only.
    pub async fn send_raw(self) -> Result<crate::client::RawResponse> {
        self.api.send_raw(&self.method).await
    }

    /// The method value, e.g. to send later or elsewhere.
    pub fn into_method(self) -> M {
        self.method
    }

    /// Changes the method value with `f` (for setters not mirrored on `Call`).
    #[must_use]
    pub fn map(self, f: impl FnOnce(M) -> M) -> Self {
        Call {
            api: self.api,
            method: f(self.method),
        }
    }
}
