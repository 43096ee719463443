//! Many ids in few calls: profiles in chunks of 100 with a bounded number in flight.

use std::collections::HashMap;

use futures::stream::{self, StreamExt};
use mailru_api::methods::users::GetInfo;
use mailru_api::models::User;
use mailru_api::{Api, ApiErrorKind, Error, Result};

/// Most uids per `users.getInfo` call (decisions.md: 100, the emulator's cap).
pub const CHUNK: usize = 100;

/// Default number of calls in flight.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Most calls in flight whatever is asked: a batch must not open hundreds of connections.
pub const MAX_CONCURRENCY: usize = 32;

/// Profiles of many uids.
#[derive(Debug, Clone, PartialEq)]
pub struct Profiles {
    /// The profiles returned, in the order of the input uids (duplicates once).
    pub users: Vec<User>,
    /// Input uids the platform did not return (unknown or invisible).
    pub missing: Vec<u64>,
}

/// `users.getInfo` for any number of uids: chunks of [`CHUNK`], at most `concurrency`
/// calls in flight (1 to [`MAX_CONCURRENCY`]), results in input order, the uids not
/// returned reported.
///
/// # Errors
/// The first failing chunk's error (see [`communities`] for a variant that reports
/// failures per id).
pub async fn profiles(api: &Api, uids: &[u64], concurrency: usize) -> Result<Profiles> {
    let unique = dedup(uids);
    let results: Vec<Result<Vec<User>>> = stream::iter(unique.chunks(CHUNK))
        .map(|chunk| get_info(api, chunk))
        .buffered(bounded(concurrency))
        .collect()
        .await;
    let mut by_uid = HashMap::new();
    for result in results {
        for user in result? {
            by_uid.insert(user.uid, user);
        }
    }
    let mut users = Vec::with_capacity(unique.len());
    let mut missing = Vec::new();
    for uid in &unique {
        match by_uid.remove(uid) {
            Some(u) => users.push(u),
            None => missing.push(*uid),
        }
    }
    Ok(Profiles { users, missing })
}

fn bounded(concurrency: usize) -> usize {
    concurrency.clamp(1, MAX_CONCURRENCY)
}

async fn get_info(api: &Api, uids: &[u64]) -> Result<Vec<User>> {
    api.send(&GetInfo::new().uids(uids.to_vec())).await
}

fn dedup(uids: &[u64]) -> Vec<u64> {
    let mut seen = std::collections::HashSet::new();
    uids.iter().copied().filter(|u| seen.insert(*u)).collect()
}

/// Community information for many ids, the failures skipped and reported.
#[derive(Debug)]
pub struct Communities {
    /// Communities found, in input order.
    pub found: Vec<User>,
    /// Ids that failed, in input order, with the reason.
    pub failed: Vec<(u64, CommunityFailure)>,
}

/// Why an id of [`communities`] gave no community.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CommunityFailure {
    /// The call for it failed (the same error is shared by every id of a chunk that failed
    /// as a whole).
    #[error(transparent)]
    Call(#[from] Error),
    /// The platform did not return it (unknown, or not visible to the caller).
    #[error("not returned by users.getInfo")]
    NotReturned,
    /// It is a user, not a community.
    #[error("a user, not a community")]
    NotACommunity,
}

/// What aiomailru's `groups.getInfo` multi-scraper did, over REST: `users.getInfo` in
/// chunks (communities carry `group_info`). A chunk refused with an API error that one id
/// can cause (an invalid parameter, an object not visible, an internal error) is retried
/// id by id; a chunk that failed for the method, the token, the app, the signature, the
/// privileges or the network is reported for all its ids at once, since every single
/// call would fail the same way.
pub async fn communities(api: &Api, ids: &[u64], concurrency: usize) -> Communities {
    let unique = dedup(ids);
    let results: Vec<Chunk> = stream::iter(unique.chunks(CHUNK))
        .map(|chunk| async move {
            match get_info(api, chunk).await {
                Ok(users) => (users, Vec::new()),
                Err(e) if about_an_id(&e) => one_by_one(api, chunk).await,
                Err(e) => (
                    Vec::new(),
                    chunk.iter().map(|id| (*id, e.clone().into())).collect(),
                ),
            }
        })
        .buffered(bounded(concurrency))
        .collect()
        .await;
    let mut by_uid = HashMap::new();
    let mut errors: HashMap<u64, CommunityFailure> = HashMap::new();
    for (users, failed) in results {
        errors.extend(failed);
        for user in users {
            by_uid.insert(user.uid, user);
        }
    }
    let mut found = Vec::new();
    let mut failed = Vec::new();
    for id in &unique {
        match (by_uid.remove(id), errors.remove(id)) {
            (_, Some(e)) => failed.push((*id, e)),
            (Some(u), None) if u.is_community() => found.push(u),
            (Some(_), None) => failed.push((*id, CommunityFailure::NotACommunity)),
            (None, None) => failed.push((*id, CommunityFailure::NotReturned)),
        }
    }
    Communities { found, failed }
}

/// Whether an error of a whole chunk may come from one of its ids (or pass on a smaller
/// call): API errors, except those about the method, the token, the app, the signature or
/// the privileges, which every single call would meet too.
fn about_an_id(e: &Error) -> bool {
    e.api_kind().is_some_and(|kind| {
        !matches!(
            kind,
            ApiErrorKind::UnknownMethod
                | ApiErrorKind::MethodDeprecated
                | ApiErrorKind::AuthorizationFailed
                | ApiErrorKind::InvalidApplication
                | ApiErrorKind::InvalidSignature
                | ApiErrorKind::AppNotInstalled
                | ApiErrorKind::PermissionDenied
        )
    })
}

/// What one chunk gave: the users returned and the ids that failed.
type Chunk = (Vec<User>, Vec<(u64, CommunityFailure)>);

async fn one_by_one(api: &Api, ids: &[u64]) -> Chunk {
    let mut users = Vec::new();
    let mut failed = Vec::new();
    for id in ids {
        match get_info(api, &[*id]).await {
            Ok(u) => users.extend(u),
            Err(e) => failed.push((*id, e.into())),
        }
    }
    (users, failed)
}
