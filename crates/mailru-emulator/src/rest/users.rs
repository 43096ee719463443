//! users.* and friends.*

use serde_json::{Value, json};

use crate::accounts::ALL_PRIVILEGES;
use crate::render;
use crate::rest::ctx::{ApiResult, Ctx, slice};
use crate::rest::error::ApiError;

pub(super) fn get_info(c: &mut Ctx<'_>) -> ApiResult {
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
    let w = &c.state.world;
    // Unknown uids are left out, as the platform does for data the caller cannot see.
    let users: Vec<Value> = uids
        .iter()
        .filter_map(|uid| w.user(*uid))
        .map(|u| render::user(w, u, c.user, c.app_id))
        .collect();
    Ok(Value::Array(users))
}

pub(super) fn is_app_user(c: &mut Ctx<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    let installed = c.state.world.installs.contains_key(&(c.app_id, uid));
    Ok(json!({"isAppUser": u8::from(installed)}))
}

pub(super) fn has_app_permission(c: &mut Ctx<'_>) -> ApiResult {
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
    Ok(Value::Object(out))
}

/// The real shape is unknown (spec §6.1); the emulator answers the in-app balance in
/// "мэйлики" as `{"balance": N}`.
pub(super) fn get_balance(c: &mut Ctx<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    let w = &c.state.world;
    w.user(uid).ok_or_else(ApiError::invalid)?;
    Ok(json!({"balance": w.balance.get(&uid).copied().unwrap_or(0)}))
}

/// Uids as strings, or whole profiles with `ext=1`.
fn people(c: &Ctx<'_>, uids: &[u64], ext: bool) -> Value {
    let w = &c.state.world;
    if ext {
        uids.iter()
            .filter_map(|uid| w.user(*uid))
            .map(|u| render::user(w, u, c.user, c.app_id))
            .collect()
    } else {
        uids.iter().map(|uid| json!(uid.to_string())).collect()
    }
}

/// Friends of `uid` that `keep` accepts, a page of them, in a stable order.
fn friends_page(c: &Ctx<'_>, uid: u64, keep: impl Fn(u64) -> bool) -> Result<Value, ApiError> {
    let ext = c.flag("ext")?;
    let (offset, limit) = c.window(c.state.config.page_cap)?;
    let all: Vec<u64> = c
        .state
        .world
        .friends
        .get(&uid)
        .map(|f| f.iter().copied().filter(|f| keep(*f)).collect())
        .unwrap_or_default();
    Ok(people(c, slice(&all, offset, limit), ext))
}

pub(super) fn friends_get(c: &mut Ctx<'_>) -> ApiResult {
    let me = c.me()?;
    friends_page(c, me, |_| true)
}

pub(super) fn friends_get_app_users(c: &mut Ctx<'_>) -> ApiResult {
    let uid = c.uid_or_self("uid")?;
    let installs = &c.state.world.installs;
    let app = c.app_id;
    friends_page(c, uid, |f| installs.contains_key(&(app, f)))
}

pub(super) fn friends_get_online(c: &mut Ctx<'_>) -> ApiResult {
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
    Ok(people(c, &online, ext))
}

pub(super) fn friends_get_invitations_count(c: &mut Ctx<'_>) -> ApiResult {
    let uid = c.number("uid")?.ok_or_else(|| ApiError::missing("uid"))?;
    c.state.world.user(uid).ok_or_else(ApiError::invalid)?;
    let count = c.state.world.invitations.get(&uid).copied().unwrap_or(0);
    Ok(json!({"count": count}))
}
