//! A type for every REST method of the catalog whose confidence is not "doubtful".
//!
//! Required parameters are constructor arguments, optional ones are setters; a value
//! serializes to exactly the parameters the user set. Send one with [`Api::send`](crate::Api::send),
//! or reach it through the namespaced accessors (`api.friends().get()`).
//!
//! ```
//! use mailru_api::Method;
//! use mailru_api::methods::friends;
//!
//! let get = friends::Get::new().ext(true).offset(100u32);
//! assert_eq!(get.params(), vec![("ext", "1".to_owned()), ("offset", "100".to_owned())]);
//! assert_eq!(friends::Get::NAME, "friends.get");
//! ```

/// Defines a method type: struct, constructor, setters, [`Method`](crate::Method) impl and
/// setters on [`Call`](crate::Call).
macro_rules! method {
    (
        $(#[$doc:meta])*
        $name:ident = $api_name:literal -> $out:ty $(, write = $write:literal)? $(, non_empty = $ne:literal)?;
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
            const NAME: &'static str = $api_name;
            $( const WRITE: bool = $write; )?
            $( const NON_EMPTY: bool = $ne; )?
            type Output = $out;

            #[allow(unused_mut, clippy::vec_init_then_push)]
            fn params(&self) -> Vec<(&'static str, String)> {
                let mut p = Vec::new();
                $( p.push(($rparam, $crate::methods::ParamValue::to_param(&self.$rfield))); )*
                $(
                    if let Some(v) = &self.$ofield {
                        p.push(($oparam, $crate::methods::ParamValue::to_param(v)));
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

/// How a parameter value is written on the wire.
pub trait ParamValue {
    /// The raw value (signed as is).
    fn to_param(&self) -> String;
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for bool {
    /// `1` / `0`: the platform's flags.
    fn to_param(&self) -> String {
        if *self { "1" } else { "0" }.to_owned()
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(u8, u16, u32, u64, i64);

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
