//! What a method handler gets: the state (shared for reads, exclusive for writes), the
//! caller and typed access to parameters.

use std::ops::Deref;

use crate::http::FilePart;
use crate::json::Json;
use crate::rest::error::ApiError;
use crate::state::State;

pub(crate) type ApiResult = Result<Json, ApiError>;

/// A call that passed the checks of spec §11, with the state it runs on: `&State` for
/// read methods (run under a shared lock), `&mut State` for write methods.
pub(crate) struct Ctx<'a, S> {
    pub state: S,
    pub params: &'a [(String, String)],
    pub files: &'a [FilePart],
    /// The session owner; `None` for sessionless server-server calls.
    pub user: Option<u64>,
    pub app_id: u64,
    pub now: u64,
}

/// The context of a read method.
pub(crate) type Read<'a> = Ctx<'a, &'a State>;
/// The context of a write method.
pub(crate) type Write<'a> = Ctx<'a, &'a mut State>;

impl<S: Deref<Target = State>> Ctx<'_, S> {
    /// A parameter the caller sent (an empty value counts as sent).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        param(self.params, name)
    }

    /// A parameter that must be present and non-empty.
    pub(crate) fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::missing(name))
    }

    /// An optional non-negative integer; a malformed value is error 100.
    pub(crate) fn number(&self, name: &str) -> Result<Option<u64>, ApiError> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| ApiError::invalid()),
        }
    }

    /// `ext=1` → true; absent or `0` → false; anything else is error 100.
    pub(crate) fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            None | Some("") | Some("0") => Ok(false),
            Some("1") => Ok(true),
            Some(_) => Err(ApiError::invalid()),
        }
    }

    /// `uid` if given, else the session owner; sessionless calls must give it.
    pub(crate) fn uid_or_self(&self, name: &str) -> Result<u64, ApiError> {
        match self.number(name)? {
            Some(uid) => Ok(uid),
            None => self.user.ok_or_else(|| ApiError::missing(name)),
        }
    }

    /// The session owner; methods that act as a user need one.
    pub(crate) fn me(&self) -> Result<u64, ApiError> {
        self.user.ok_or_else(|| ApiError::code(102))
    }

    /// Comma-separated uids (`uids=1,2,3`); empty items are skipped, bad ones are error 100.
    pub(crate) fn uid_list(&self, name: &str) -> Result<Option<Vec<u64>>, ApiError> {
        let Some(raw) = self.get(name).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| ApiError::invalid()))
            .collect::<Result<Vec<u64>, _>>()
            .map(Some)
    }

    /// `offset` and `limit`, the limit defaulting to `default` and silently capped.
    pub(crate) fn window(&self, default: usize) -> Result<(usize, usize), ApiError> {
        let offset = self.number("offset")?.unwrap_or(0) as usize;
        let limit = self.number("limit")?.map_or(default, |l| l as usize);
        Ok((offset, limit.min(self.state.config.page_cap)))
    }

    pub(crate) fn seed(&self) -> u64 {
        self.state.config.seed
    }
}

/// The first value of a parameter.
pub(crate) fn param<'p>(params: &'p [(String, String)], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `items[offset..offset + limit]`, clamped.
pub(crate) fn slice<T>(items: &[T], offset: usize, limit: usize) -> &[T] {
    let start = offset.min(items.len());
    let end = start.saturating_add(limit).min(items.len());
    &items[start..end]
}
