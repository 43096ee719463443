//! guestbook.*, photos.*, audio.*

use serde_json::json;

use crate::json::Json;
use crate::model::{Album, GuestPost, Photo};
use crate::render::{self, AlbumJson, GuestPostJson, TrackJson};
use crate::rest::ctx::{ApiResult, Read, Write, slice};
use crate::rest::error::ApiError;

/// The owner a read method is about, checked to exist and to be visible to the caller.
fn visible_owner(c: &Read<'_>) -> Result<u64, ApiError> {
    let uid = c.uid_or_self("uid")?;
    let w = &c.state.world;
    w.user(uid).ok_or_else(ApiError::invalid)?;
    if !w.can_view(uid, c.user) {
        return Err(ApiError::code(202));
    }
    Ok(uid)
}

pub(super) fn guestbook_get(c: &Read<'_>) -> ApiResult {
    let uid = visible_owner(c)?;
    let (offset, limit) = c.window(10)?;
    let w = &c.state.world;
    let posts: Vec<&GuestPost> = w.guestbooks.get(&uid).into_iter().flatten().rev().collect();
    let page: Vec<GuestPostJson<'_>> = slice(&posts, offset, limit)
        .iter()
        .map(|p| GuestPostJson {
            world: w,
            post: p,
            viewer: c.user,
            app_id: c.app_id,
        })
        .collect();
    Ok(Json::of(&page)?)
}

/// Whether bytes look like an image the platform takes (JPEG, PNG or GIF).
fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xff, 0xd8, 0xff])
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"GIF8")
}

/// The image of an upload: `img_url` (http or https) or a multipart `img_file`.
/// `Ok(None)` when neither was sent; error 501 for something that is not an image.
fn image(c: &Write<'_>, stored_as: &str) -> Result<Option<(String, u64)>, ApiError> {
    if let Some(file) = c.files.iter().find(|f| f.name == "img_file") {
        if !is_image(&file.bytes) {
            return Err(ApiError::code(501));
        }
        return Ok(Some((stored_as.to_owned(), file.bytes.len() as u64)));
    }
    match c.get("img_url").filter(|v| !v.is_empty()) {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            Ok(Some((url.to_owned(), 0)))
        }
        Some(_) => Err(ApiError::code(501)),
        None => Ok(None),
    }
}

pub(super) fn guestbook_post(c: &mut Write<'_>) -> ApiResult {
    let me = c.me()?;
    let owner = c.number("uid")?.ok_or_else(|| ApiError::missing("uid"))?;
    c.state.world.user(owner).ok_or_else(ApiError::invalid)?;
    if !c.state.world.can_view(owner, Some(me)) {
        return Err(ApiError::code(202));
    }
    let text = c.required("description")?.to_owned();
    let id = c.state.world.fresh_id();
    let img = image(
        c,
        &format!("https://content.foto.my.mail.ru/guestbook/{id}.jpg"),
    )?;
    let links = [("link1_text", "link1_href"), ("link2_text", "link2_href")]
        .iter()
        .filter_map(|(t, h)| {
            let href = c.get(h).filter(|v| !v.is_empty())?;
            Some((c.get(t).unwrap_or(href).to_owned(), href.to_owned()))
        })
        .collect();
    let post = GuestPost {
        id,
        author: me,
        time: c.now,
        title: c.get("title").unwrap_or_default().to_owned(),
        text: match c.get("user_text").filter(|v| !v.is_empty()) {
            Some(user_text) => format!("{user_text}\n{text}"),
            None => text,
        },
        img_url: img.map(|(src, _)| src),
        links,
    };
    c.state
        .world
        .guestbooks
        .entry(owner)
        .or_default()
        .push(post);
    Ok(json!({"id": id.to_string()}).into())
}

pub(super) fn photos_get_albums(c: &Read<'_>) -> ApiResult {
    let uid = visible_owner(c)?;
    let aids: Option<Vec<&str>> = c
        .get("aids")
        .filter(|v| !v.is_empty())
        .map(|v| v.split(',').map(str::trim).collect());
    let w = &c.state.world;
    let albums: Vec<AlbumJson<'_>> = w
        .albums
        .get(&uid)
        .into_iter()
        .flatten()
        .filter(|a| {
            aids.as_ref()
                .is_none_or(|ids| ids.contains(&a.aid.as_str()))
        })
        .map(|a| AlbumJson(w, a))
        .collect();
    Ok(Json::of(&albums)?)
}

pub(super) fn photos_get(c: &Read<'_>) -> ApiResult {
    let uid = visible_owner(c)?;
    let aid = c.required("aid")?.to_owned();
    let pids = c.uid_list("pids")?;
    // limit=0 (the documented default) means "all", within the page cap.
    let (offset, limit) = c.window(0)?;
    let limit = if limit == 0 {
        c.state.config.page_cap
    } else {
        limit
    };
    let photos = c
        .state
        .world
        .photos
        .get(&(uid, aid))
        .ok_or_else(ApiError::invalid)?;
    let chosen: Vec<&Photo> = photos
        .iter()
        .filter(|p| pids.as_ref().is_none_or(|ids| ids.contains(&p.pid)))
        .collect();
    let page: Vec<_> = slice(&chosen, offset, limit)
        .iter()
        .map(|p| render::photo(p))
        .collect();
    Ok(Json::of(&page)?)
}

pub(super) fn photos_create_album(c: &mut Write<'_>) -> ApiResult {
    let me = c.me()?;
    let title = c.required("title")?.to_owned();
    let privacy = c.number("privacy")?.unwrap_or(2);
    let privacy = u8::try_from(privacy)
        .ok()
        .filter(|p| (1..=5).contains(p))
        .ok_or_else(ApiError::invalid)?;
    let aid = c.state.world.fresh_id().to_string();
    let album = Album {
        aid: aid.clone(),
        owner: me,
        title,
        description: c.get("description").unwrap_or_default().to_owned(),
        created: c.now,
        updated: c.now,
        privacy,
        cover_pid: None,
    };
    let w = &mut c.state.world;
    w.albums.entry(me).or_default().push(album);
    w.photos.insert((me, aid.clone()), Vec::new());
    Ok(json!({"id": aid}).into())
}

pub(super) fn photos_upload(c: &mut Write<'_>) -> ApiResult {
    let me = c.me()?;
    let aid = c
        .get("aid")
        .filter(|v| !v.is_empty())
        .unwrap_or("_myphoto")
        .to_owned();
    let w = &c.state.world;
    let user = w.user(me).ok_or_else(ApiError::invalid)?;
    let base = format!(
        "https://content.foto.my.mail.ru/{}/{}/{aid}",
        user.domain, user.nick
    );
    let exists = w.photos.contains_key(&(me, aid.clone()));
    if !exists && aid != "_myphoto" {
        return Err(ApiError::invalid());
    }
    let pid = w
        .photos
        .get(&(me, aid.clone()))
        .and_then(|p| p.iter().map(|p| p.pid).max())
        .unwrap_or(0)
        + 1;
    let (src, size) =
        image(c, &format!("{base}/i-{pid}.jpg"))?.ok_or_else(|| ApiError::missing("img_url"))?;
    let title = c
        .get("name")
        .or_else(|| c.get("description"))
        .unwrap_or_default()
        .to_owned();
    let photo = Photo {
        pid,
        aid: aid.clone(),
        owner: me,
        src,
        src_small: format!("{base}/p-{pid}.jpg"),
        src_big: None,
        created: c.now,
        width: 480,
        height: 360,
        size,
        title,
    };
    let now = c.now;
    let w = &mut c.state.world;
    if !exists {
        w.albums.entry(me).or_default().push(Album {
            aid: aid.clone(),
            owner: me,
            title: "Мои фотографии".to_owned(),
            description: String::new(),
            created: now,
            updated: now,
            privacy: 2,
            cover_pid: Some(pid),
        });
    }
    if let Some(album) = w
        .albums
        .get_mut(&me)
        .and_then(|a| a.iter_mut().find(|a| a.aid == aid))
    {
        album.updated = now;
        album.cover_pid.get_or_insert(pid);
    }
    w.photos.entry((me, aid)).or_default().push(photo);
    Ok(json!({"id": pid.to_string()}).into())
}

pub(super) fn audio_get(c: &Read<'_>) -> ApiResult {
    let uid = visible_owner(c)?;
    let mids: Option<Vec<String>> = c
        .get("mids")
        .or_else(|| c.get("mid"))
        .filter(|v| !v.is_empty())
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
    let (offset, limit) = c.window(c.state.config.page_cap)?;
    let w = &c.state.world;
    let tracks: Vec<TrackJson<'_>> = w
        .playlists
        .get(&uid)
        .into_iter()
        .flatten()
        .filter_map(|&i| w.tracks.get(i))
        .filter(|t| mids.as_ref().is_none_or(|m| m.contains(&t.mid)))
        .map(TrackJson)
        .collect();
    Ok(Json::of(slice(&tracks, offset, limit))?)
}

pub(super) fn audio_link(c: &Read<'_>) -> ApiResult {
    let mid = c.required("mid")?;
    let track = c
        .state
        .world
        .tracks
        .iter()
        .find(|t| t.mid == mid)
        .ok_or_else(ApiError::invalid)?;
    // Shape unknown (spec §6.6): a playable link.
    Ok(json!({"link": format!("https://music.my.mail.ru/file/{}.mp3", track.mid)}).into())
}

pub(super) fn audio_search(c: &Read<'_>) -> ApiResult {
    let query = c.required("query")?.to_lowercase();
    let (offset, limit) = c.window(10)?;
    let w = &c.state.world;
    let found: Vec<TrackJson<'_>> = w
        .tracks
        .iter()
        .filter(|t| {
            t.name.to_lowercase().contains(&query) || t.author.to_lowercase().contains(&query)
        })
        .map(TrackJson)
        .collect();
    Ok(Json::of(slice(&found, offset, limit))?)
}
