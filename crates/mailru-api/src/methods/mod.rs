//! A type for every REST method of the catalog whose evidence is not "doubtful".
//!
//! Required parameters are constructor arguments, optional ones are setters; a value
//! serializes to exactly the parameters the user set. Send one with
//! [`Api::send`](crate::Api::send), walk a paginated one with
//! [`Api::paginate`](crate::Api::paginate), or reach it through the namespaced accessors
//! (`api.friends().get()`), which take the required parameters as arguments.
//!
//! ```
//! use mailru_api::Method;
//! use mailru_api::methods::stream;
//!
//! let get = stream::GetByAuthor::new().uid(5u64).limit(50u32);
//! assert_eq!(get.params(), vec![("uid", "5".to_owned()), ("limit", "50".to_owned())]);
//! assert_eq!(stream::GetByAuthor::INFO.name, "stream.getByAuthor");
//! ```

/// Defines a method type from its catalog name: struct, constructor, setters,
/// [`Method`](crate::Method) (and [`Paginated`](crate::Paginated)) impls, setters on
/// [`Call`](crate::Call), and the accessor on its namespace. Whether the method pages is
/// checked against the catalog at compile time.
macro_rules! method {
    (
        $(#[$doc:meta])*
        $ns:ident . $accessor:ident : $name:ident = $api_name:literal -> pages of $item:ty;
        $($rest:tt)*
    ) => {
        method!(@define $(#[$doc])* $ns . $accessor : $name = $api_name -> Vec<$item>; $($rest)*);
        impl $crate::Paginated for $name {
            type Item = $item;

            fn first_item(text: &str) -> serde_json::Result<($item, usize)> {
                <$item as $crate::models::PageItem>::first_in(text)
            }
        }
        const _: () = assert!(
            <$name as $crate::Method>::INFO.paging.is_paginated(),
            "the catalog says this method does not page"
        );
    };
    (
        $(#[$doc:meta])*
        $ns:ident . $accessor:ident : $name:ident = $api_name:literal -> $out:ty;
        $($rest:tt)*
    ) => {
        method!(@define $(#[$doc])* $ns . $accessor : $name = $api_name -> $out; $($rest)*);
        const _: () = assert!(
            !<$name as $crate::Method>::INFO.paging.is_paginated(),
            "the catalog says this method pages: declare it `-> pages of Item`"
        );
    };
    (
        @define
        $(#[$doc:meta])*
        $ns:ident . $accessor:ident : $name:ident = $api_name:literal -> $out:ty;
        required { $( $(#[$rdoc:meta])* $rfield:ident : $rty:ty => $rparam:literal ),* $(,)? }
        optional { $( $(#[$odoc:meta])* $ofield:ident : $oty:ty => $oparam:literal ),* $(,)? }
        $( files { $( $(#[$fdoc:meta])* $ffield:ident => $fparam:literal ),* $(,)? } )?
    ) => {
        $(#[$doc])*
        #[doc = concat!("\n\nThe REST method `", $api_name, "`.")]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $rfield: $rty, )*
            $( $ofield: Option<$oty>, )*
            $($( $ffield: Option<$crate::FilePart>, )*)?
        }

        impl $name {
            /// The method with its required parameters.
            #[allow(clippy::new_without_default)]
            pub fn new($( $rfield: impl Into<$rty> ),*) -> Self {
                $name {
                    $( $rfield: $rfield.into(), )*
                    $( $ofield: None, )*
                    $($( $ffield: None, )*)?
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

            $($(
                $(#[$fdoc])*
                #[doc = concat!("\n\nUploads `file` as the multipart part `", $fparam, "` (not signed).")]
                #[must_use]
                pub fn $ffield(mut self, mut file: $crate::FilePart) -> Self {
                    file.field = $fparam;
                    self.$ffield = Some(file);
                    self
                }
            )*)?
        }

        impl $crate::Method for $name {
            const INFO: &'static $crate::MethodInfo = $crate::catalog::entry($api_name);
            type Output = $out;

            #[allow(unused_mut, clippy::vec_init_then_push)]
            fn params(&self) -> Vec<(&'static str, String)> {
                let mut p = Vec::new();
                $( p.push(($rparam, $crate::ParamValue::to_param(&self.$rfield))); )*
                $(
                    if let Some(v) = &self.$ofield {
                        p.push(($oparam, $crate::ParamValue::to_param(v)));
                    }
                )*
                p
            }

            fn files(&self) -> Vec<$crate::FilePart> {
                #[allow(unused_mut)]
                let mut f = Vec::new();
                $($( f.extend(self.$ffield.iter().cloned()); )*)?
                f
            }
        }

        impl $crate::Call<'_, $name> {
            $(
                #[doc = concat!("Sets `", $oparam, "`.")]
                #[must_use]
                pub fn $ofield(self, value: impl Into<$oty>) -> Self {
                    self.map(|m| m.$ofield(value))
                }
            )*
            $($(
                #[doc = concat!("Uploads a file as the multipart part `", $fparam, "`.")]
                #[must_use]
                pub fn $ffield(self, file: $crate::FilePart) -> Self {
                    self.map(|m| m.$ffield(file))
                }
            )*)?
        }

        impl<'a> $crate::namespaces::$ns<'a> {
            #[doc = concat!("`", $api_name, "`: see [`", stringify!($name), "`].")]
            pub fn $accessor(self, $( $rfield: impl Into<$rty> ),*) -> $crate::Call<'a, $name> {
                $crate::Call::new(self.api, $name::new($( $rfield ),*))
            }
        }
    };
}

pub mod audio;
pub mod events;
pub mod friends;
pub mod guestbook;
pub mod mail;
pub mod messages;
pub mod notifications;
pub mod photos;
pub mod stream;
pub mod users;

use crate::params::ParamValue;

/// A comma-separated list of ids (`uids=1,2,3`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ids(pub Vec<u64>);

impl ParamValue for Ids {
    fn to_param(&self) -> String {
        self.0
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl From<Vec<u64>> for Ids {
    fn from(v: Vec<u64>) -> Self {
        Ids(v)
    }
}

impl From<&[u64]> for Ids {
    fn from(v: &[u64]) -> Self {
        Ids(v.to_vec())
    }
}

impl<const N: usize> From<[u64; N]> for Ids {
    fn from(v: [u64; N]) -> Self {
        Ids(v.to_vec())
    }
}

impl From<u64> for Ids {
    fn from(v: u64) -> Self {
        Ids(vec![v])
    }
}

/// A comma-separated list of string ids (`aids=_myphoto,123`, `mids=...`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names(pub Vec<String>);

impl ParamValue for Names {
    fn to_param(&self) -> String {
        self.0.join(",")
    }
}

impl<S: Into<String>> From<Vec<S>> for Names {
    fn from(v: Vec<S>) -> Self {
        Names(v.into_iter().map(Into::into).collect())
    }
}

impl From<&str> for Names {
    fn from(v: &str) -> Self {
        Names(vec![v.to_owned()])
    }
}
