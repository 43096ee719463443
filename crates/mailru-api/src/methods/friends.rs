//! `friends.*`. The answer's type follows the `ext` parameter: uids by default, whole
//! profiles with `.ext(Profiles)`.
//!
//! ```
//! use mailru_api::Method;
//! use mailru_api::methods::friends::{Get, Profiles, Uids};
//!
//! let uids: Get = Get::new();                      // answers Vec<Uid>
//! let users: Get<Profiles> = Get::new().ext(Profiles); // answers Vec<User>
//! assert!(uids.params().is_empty());
//! assert_eq!(users.params(), vec![("ext", "1".to_owned())]);
//! assert_eq!(Get::new().ext(Uids).params(), vec![("ext", "0".to_owned())]);
//! ```

use std::fmt::Debug;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::models::{Count, Uid, User};

/// What friends.* methods list: [`Uids`] (the default) or [`Profiles`].
pub trait Ext: Debug + Clone + PartialEq + Default + Send + Sync + 'static {
    /// One listed friend.
    type Item: DeserializeOwned + Send + 'static;
    /// The `ext` value sent when set explicitly.
    const EXT: bool;
}

/// `ext=0` (or unset): friends as uids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Uids;

/// `ext=1`: friends as whole profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Profiles;

impl Ext for Uids {
    type Item = Uid;
    const EXT: bool = false;
}

impl Ext for Profiles {
    type Item = User;
    const EXT: bool = true;
}

/// A friends.* method whose answer type follows `ext`.
macro_rules! ext_method {
    (
        $(#[$doc:meta])*
        $accessor:ident : $name:ident = $api_name:literal, paginated = $paginated:tt;
        optional { $( $(#[$odoc:meta])* $ofield:ident : $oty:ty => $oparam:literal ),* $(,)? }
    ) => {
        $(#[$doc])*
        #[doc = concat!("\n\nThe REST method `", $api_name, "`.")]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name<E: Ext = Uids> {
            ext: Option<bool>,
            $( $ofield: Option<$oty>, )*
            kind: PhantomData<E>,
        }

        impl $name {
            /// The method listing uids (`ext` not sent).
            pub fn new() -> Self {
                $name::default()
            }
        }

        impl<E: Ext> $name<E> {
            /// Sets `ext`: [`Profiles`] (`ext=1`) lists whole profiles, [`Uids`]
            /// (`ext=0`) lists uids; the answer's type follows.
            #[must_use]
            pub fn ext<F: Ext>(self, _ext: F) -> $name<F> {
                $name {
                    ext: Some(F::EXT),
                    $( $ofield: self.$ofield, )*
                    kind: PhantomData,
                }
            }

            $(
                $(#[$odoc])*
                #[doc = concat!("\n\nSets `", $oparam, "`.")]
                #[must_use]
                pub fn $ofield(mut self, value: impl Into<$oty>) -> Self {
                    self.$ofield = Some(value.into());
                    self
                }
            )*
        }

        impl<E: Ext> $crate::Method for $name<E> {
            const INFO: &'static $crate::MethodInfo = $crate::catalog::entry($api_name);
            type Output = Vec<E::Item>;

            fn params(&self) -> Vec<(&'static str, String)> {
                let mut p = Vec::new();
                if let Some(ext) = self.ext {
                    p.push(("ext", $crate::ParamValue::to_param(&ext)));
                }
                $(
                    if let Some(v) = &self.$ofield {
                        p.push(($oparam, $crate::ParamValue::to_param(v)));
                    }
                )*
                p
            }
        }

        ext_method!(@paginated $paginated $name);

        impl<'a, E: Ext> $crate::Call<'a, $name<E>> {
            /// Sets `ext` (see the method type); the answer's type follows.
            #[must_use]
            pub fn ext<F: Ext>(self, ext: F) -> $crate::Call<'a, $name<F>> {
                self.map(|m| m.ext(ext))
            }

            $(
                #[doc = concat!("Sets `", $oparam, "`.")]
                #[must_use]
                pub fn $ofield(self, value: impl Into<$oty>) -> Self {
                    self.map(|m| m.$ofield(value))
                }
            )*
        }

        impl<'a> $crate::namespaces::Friends<'a> {
            #[doc = concat!("`", $api_name, "`: see [`", stringify!($name), "`].")]
            pub fn $accessor(self) -> $crate::Call<'a, $name> {
                $crate::Call::new(self.api, $name::new())
            }
        }
    };
    (@paginated true $name:ident) => {
        impl<E: Ext> $crate::Paginated for $name<E> {
            type Item = E::Item;
        }
        const _: () = assert!(<$name as $crate::Method>::INFO.paging.is_paginated());
    };
    (@paginated false $name:ident) => {
        const _: () = assert!(!<$name as $crate::Method>::INFO.paging.is_paginated());
    };
}

ext_method! {
    /// The session owner's friends: uids, or profiles with `.ext(Profiles)`. One page per
    /// call (the platform's page size is its own): walk them all with `.items()`.
    get: Get = "friends.get", paginated = true;
    optional {
        /// Friends to skip.
        offset: u32 => "offset",
    }
}

ext_method! {
    /// Friends who installed the application: uids, or profiles with `.ext(Profiles)`.
    get_app_users: GetAppUsers = "friends.getAppUsers", paginated = true;
    optional {
        /// Friends to skip.
        offset: u32 => "offset",
        /// Whose friends; default: the session owner.
        uid: u64 => "uid",
    }
}

ext_method! {
    /// Friends online now: uids, or profiles with `.ext(Profiles)`.
    get_online: GetOnline = "friends.getOnline", paginated = false;
    optional {}
}

method! {
    /// Pending friend invitations of a user: `{"count": N}`.
    Friends.get_invitations_count: GetInvitationsCount = "friends.getInvitationsCount" -> Count;
    required {
        /// The user (required by the documentation).
        uid: u64 => "uid",
    }
    optional {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;
    use crate::catalog::Access;

    #[test]
    fn ext_is_sent_only_when_set_and_the_type_follows_it() {
        assert!(Get::new().params().is_empty());
        assert_eq!(Get::new().ext(Uids).params(), vec![("ext", "0".to_owned())]);
        let profiles: GetAppUsers<Profiles> = GetAppUsers::new().uid(7u64).ext(Profiles);
        assert_eq!(
            profiles.params(),
            vec![("ext", "1".to_owned()), ("uid", "7".to_owned())]
        );
        assert_eq!(
            GetInvitationsCount::new(9u64).params(),
            vec![("uid", "9".to_owned())]
        );
        const { assert!(GetInvitationsCount::INFO.non_empty && !Get::<Uids>::INFO.non_empty) };
        assert_eq!(GetOnline::<Profiles>::INFO.access, Access::Read);
    }
}
