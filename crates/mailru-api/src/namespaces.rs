//! Short namespaced access in the spirit of aiomailru's `api.friends.get()`:
//! `api.friends().get().ext(true).send().await?`.

use crate::client::Api;
use crate::method::Call;
use crate::methods::users;

/// `users.*` methods of an [`Api`].
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    api: &'a Api,
}

impl<'a> Users<'a> {
    /// `users.getInfo`.
    pub fn get_info(self) -> Call<'a, users::GetInfo> {
        Call::new(self.api, users::GetInfo::new())
    }

    /// `users.isAppUser`.
    pub fn is_app_user(self) -> Call<'a, users::IsAppUser> {
        Call::new(self.api, users::IsAppUser::new())
    }
}

impl Api {
    /// `users.*` methods.
    pub fn users(&self) -> Users<'_> {
        Users { api: self }
    }
}
