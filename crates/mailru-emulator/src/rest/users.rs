//! users.* and friends.*

use serde::Serialize;
use serde::ser::Serializer;
use serde_json::json;

use crate::accounts::ALL_PRIVILEGES;
use crate::json::{Disp, Json};
use crate::model::World;
use crate::render;
use crate::rest::ctx::{ApiResult, Read, slice};
use crate::rest::error::ApiError;

/// Bytes of one rendered profile, about.
const USER_BYTES: usize = 1_300;

pub(super) fn get_info(c: &Read<'_>) -> ApiResult {
    let uids = match c.uid_list("uids")? {
        Some(uids) => uids,
        None => vec![c.user.ok_or_else(|| ApiError::missing("uids"))?],
    };
    if uids.len() > c.state.config.uids_cap {
        return Err(ApiError {
            code: 100,
            message: format!(
                "One of the parameters specified is missing or invalid: at most {} uids",
                c.state.config.uids_cap
            ),
        });
    }
    // Unknown uids are left out, as the platform does for data the caller cannot see.
    people(c, &uids, true)
}

pub(super) fn is_app_user(c: &Read<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    let installed = c.state.world.installs.contains_key(&(c.app_id, uid));
    Ok(json!({"isAppUser": u8::from(installed)}).into())
}

pub(super) fn has_app_permission(c: &Read<'_>) -> ApiResult {
    let perm = c.required("ext_perm")?;
    if !ALL_PRIVILEGES.contains(&perm) {
        return Err(ApiError::invalid());
    }
    let uid = c.uid_or_self("uid")?;
    let granted = c
        .state
        .world
        .installs
        .get(&(c.app_id, uid))
        .is_some_and(|g| g.contains(perm));
    let mut out = serde_json::Map::new();
    out.insert(perm.to_owned(), json!(u8::from(granted)));
    Ok(serde_json::Value::Object(out).into())
}

/// The real shape is unknown (spec §6.1); the emulator answers the in-app balance in
/// "мэйлики" as `{"balance": N}`.
pub(super) fn get_balance(c: &Read<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    let w = &c.state.world;
    w.user(uid).ok_or_else(ApiError::invalid)?;
    Ok(json!({"balance": w.balance.get(&uid).copied().unwrap_or(0)}).into())
}

/// Uids as strings, or the profiles of the known ones with `ext`.
struct People<'a> {
    world: &'a World,
    uids: &'a [u64],
    ext: bool,
    viewer: Option<u64>,
    app_id: u64,
}

impl Serialize for People<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let w = self.world;
        if self.ext {
            s.collect_seq(
                self.uids
                    .iter()
                    .filter_map(|uid| w.user(*uid))
                    .map(|u| render::user(w, u, self.viewer, self.app_id)),
            )
        } else {
            s.collect_seq(self.uids.iter().map(|uid| Disp(*uid)))
        }
    }
}

fn people(c: &Read<'_>, uids: &[u64], ext: bool) -> ApiResult {
    let people = People {
        world: &c.state.world,
        uids,
        ext,
        viewer: c.user,
        app_id: c.app_id,
    };
    let per_item = if ext { USER_BYTES } else { 24 };
    Ok(Json::with_capacity(&people, uids.len() * per_item + 2)?)
}

/// Friends of `uid` that `keep` accepts, a page of them, in a stable order.
fn friends_page(c: &Read<'_>, uid: u64, keep: impl Fn(u64) -> bool) -> ApiResult {
    let ext = c.flag("ext")?;
    let (offset, limit) = c.window(c.state.config.page_cap)?;
    let all: Vec<u64> = c
        .state
        .world
        .friends
        .get(&uid)
        .map(|f| f.iter().copied().filter(|f| keep(*f)).collect())
        .unwrap_or_default();
    people(c, slice(&all, offset, limit), ext)
}

pub(super) fn friends_get(c: &Read<'_>) -> ApiResult {
    let me = c.me()?;
    friends_page(c, me, |_| true)
}

pub(super) fn friends_get_app_users(c: &Read<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    let installs = &c.state.world.installs;
    let app = c.app_id;
    friends_page(c, uid, |f| installs.contains_key(&(app, f)))
}

pub(super) fn friends_get_online(c: &Read<'_>) -> ApiResult {
    let me = c.me()?;
    let ext = c.flag("ext")?;
    let w = &c.state.world;
    let online: Vec<u64> = w
        .friends
        .get(&me)
        .map(|f| {
            f.iter()
                .copied()
                .filter(|f| w.user(*f).is_some_and(|u| u.is_online == 1))
                .collect()
        })
        .unwrap_or_default();
    people(c, &online, ext)
}

pub(super) fn friends_get_invitations_count(c: &Read<'_>) -> ApiResult {
    let uid = c.number("uid")?.ok_or_else(|| ApiError::missing("uid"))?;
    c.state.world.user(uid).ok_or_else(ApiError::invalid)?;
    let count = c.state.world.invitations.get(&uid).copied().unwrap_or(0);
    Ok(json!({"count": count}).into())
}
