//! Many ids in few calls: profiles in chunks of 100 with a bounded number in flight.

use std::collections::HashMap;

use futures::stream::{self, StreamExt};
use mailru_api::models::User;
use mailru_api::{Api, Error, Result};

/// Most uids per `users.getInfo` call (decisions.md: 100, the emulator's cap).
pub const CHUNK: usize = 100;

/// Default number of calls in flight.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Profiles of many uids.
#[derive(Debug, Clone, PartialEq)]
pub struct Profiles {
    /// The profiles returned, in the order of the input uids (duplicates once).
    pub users: Vec<User>,
    /// Input uids the platform did not return (unknown or invisible).
    pub missing: Vec<u64>,
}

/// `users.getInfo` for any number of uids: chunks of [`CHUNK`], at most `concurrency`
/// calls in flight, results in input order, the uids not returned reported.
///
/// # Errors
/// The first failing chunk's error (see [`communities`] for a variant that skips failures).
pub async fn profiles(api: &Api, uids: &[u64], concurrency: usize) -> Result<Profiles> {
    let unique = dedup(uids);
    let chunks: Vec<Vec<u64>> = unique.chunks(CHUNK).map(<[u64]>::to_vec).collect();
    let results: Vec<Result<Vec<User>>> = stream::iter(chunks)
        .map(|chunk| async move { get_info(api, &chunk).await })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    let mut by_uid = HashMap::new();
    for result in results {
        for user in result? {
            by_uid.insert(user.uid, user);
        }
    }
    Ok(ordered(&unique, by_uid))
}

async fn get_info(api: &Api, uids: &[u64]) -> Result<Vec<User>> {
    api.send(&mailru_api::methods::users::GetInfo::new().uids(uids.to_vec()))
        .await
}

fn dedup(uids: &[u64]) -> Vec<u64> {
    let mut seen = std::collections::HashSet::new();
    uids.iter().copied().filter(|u| seen.insert(*u)).collect()
}

fn ordered(uids: &[u64], mut by_uid: HashMap<u64, User>) -> Profiles {
    let mut users = Vec::with_capacity(uids.len());
    let mut missing = Vec::new();
    for uid in uids {
        match by_uid.remove(uid) {
            Some(u) => users.push(u),
            None => missing.push(*uid),
        }
    }
    Profiles { users, missing }
}

/// Community information for many ids, the failures skipped and reported.
#[derive(Debug)]
pub struct Communities {
    /// Communities found, in input order.
    pub found: Vec<User>,
    /// Ids that failed, with the reason: an API error, not returned, or not a community.
    pub failed: Vec<(u64, Error)>,
}

/// What aiomailru's `groups.getInfo` multi-scraper did, over REST: `users.getInfo` in
/// chunks (communities carry `group_info`); a chunk that fails is retried id by id, and the
/// ids that still fail are reported instead of failing the whole batch.
pub async fn communities(api: &Api, ids: &[u64], concurrency: usize) -> Communities {
    let unique = dedup(ids);
    let chunks: Vec<Vec<u64>> = unique.chunks(CHUNK).map(<[u64]>::to_vec).collect();
    let results: Vec<Chunk> = stream::iter(chunks)
        .map(|chunk| async move {
            match get_info(api, &chunk).await {
                Ok(users) => (users, Vec::new()),
                // An API error may come from one bad id: find it. Network trouble would
                // only repeat for every id, so the whole chunk is reported at once.
                Err(Error::Api { .. }) => one_by_one(api, &chunk).await,
                Err(e) => {
                    let message = e.to_string();
                    let failed = chunk
                        .iter()
                        .map(|id| (*id, Error::Transport(message.clone())))
                        .collect();
                    (Vec::new(), failed)
                }
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    let mut by_uid = HashMap::new();
    let mut failed = Vec::new();
    for (users, errors) in results {
        failed.extend(errors);
        for user in users {
            by_uid.insert(user.uid, user);
        }
    }
    let mut found = Vec::new();
    for id in &unique {
        match by_uid.remove(id) {
            Some(u) if u.is_community() => found.push(u),
            Some(_) => failed.push((
                *id,
                Error::InvalidRequest(format!("{id} is a user, not a community")),
            )),
            None if failed.iter().any(|(f, _)| f == id) => {}
            None => failed.push((*id, Error::InvalidRequest(format!("{id} was not returned")))),
        }
    }
    Communities { found, failed }
}

/// What one chunk gave: the users returned and the ids that failed.
type Chunk = (Vec<User>, Vec<(u64, Error)>);

async fn one_by_one(api: &Api, ids: &[u64]) -> Chunk {
    let mut users = Vec::new();
    let mut failed = Vec::new();
    for id in ids {
        match get_info(api, &[*id]).await {
            Ok(u) => users.extend(u),
            Err(e) => failed.push((*id, e)),
        }
    }
    (users, failed)
}
