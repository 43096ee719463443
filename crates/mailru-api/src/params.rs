//! Parameters as users write them: any string-like key, any value that has a wire form.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// How a parameter value is written on the wire (and signed).
///
/// ```
/// use mailru_api::ParamValue;
/// assert_eq!(true.to_param(), "1");
/// assert_eq!(5396991818946538245u64.to_param(), "5396991818946538245");
/// assert_eq!("text".to_param(), "text");
/// ```
pub trait ParamValue {
    /// The raw value (signed as is, percent-encoded only on the wire).
    fn to_param(&self) -> String;
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
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

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
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
display_param!(u8, u16, u32, u64, usize, i32, i64);

/// The parameters of a dynamic call: `()` for none, or pairs of a string-like key and a
/// [`ParamValue`] in an array, slice, `Vec` or map.
///
/// ```no_run
/// # async fn run(api: mailru_api::Api) -> mailru_api::Result<()> {
/// api.call("users.isAppUser", ()).await?;                         // no parameters
/// api.call("friends.get", [("ext", true)]).await?;                // any value type
/// api.call("users.getInfo", [("uids", "1,2"), ("x", "y")]).await?;
/// let owned = vec![("uid".to_owned(), 5u64)];
/// api.call("stream.getByAuthor", &owned).await?;
/// # Ok(()) }
/// ```
pub trait IntoParams {
    /// The pairs, in order.
    fn into_params(self) -> Vec<(String, String)>;
}

fn pair<K: AsRef<str>, V: ParamValue>((k, v): (K, V)) -> (String, String) {
    (k.as_ref().to_owned(), v.to_param())
}

fn pair_ref<K: AsRef<str>, V: ParamValue>((k, v): &(K, V)) -> (String, String) {
    (k.as_ref().to_owned(), v.to_param())
}

impl IntoParams for () {
    fn into_params(self) -> Vec<(String, String)> {
        Vec::new()
    }
}

impl<K: AsRef<str>, V: ParamValue, const N: usize> IntoParams for [(K, V); N] {
    fn into_params(self) -> Vec<(String, String)> {
        self.into_iter().map(pair).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue, const N: usize> IntoParams for &[(K, V); N] {
    fn into_params(self) -> Vec<(String, String)> {
        self.iter().map(pair_ref).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue> IntoParams for &[(K, V)] {
    fn into_params(self) -> Vec<(String, String)> {
        self.iter().map(pair_ref).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue> IntoParams for Vec<(K, V)> {
    fn into_params(self) -> Vec<(String, String)> {
        self.into_iter().map(pair).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue> IntoParams for &Vec<(K, V)> {
    fn into_params(self) -> Vec<(String, String)> {
        self.iter().map(pair_ref).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue> IntoParams for BTreeMap<K, V> {
    fn into_params(self) -> Vec<(String, String)> {
        self.into_iter().map(pair).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue> IntoParams for &BTreeMap<K, V> {
    fn into_params(self) -> Vec<(String, String)> {
        self.iter().map(pair).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue, S: BuildHasher> IntoParams for HashMap<K, V, S> {
    fn into_params(self) -> Vec<(String, String)> {
        self.into_iter().map(pair).collect()
    }
}

impl<K: AsRef<str>, V: ParamValue, S: BuildHasher> IntoParams for &HashMap<K, V, S> {
    fn into_params(self) -> Vec<(String, String)> {
        self.iter().map(pair).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_container_gives_the_same_pairs() {
        let want = vec![
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "x".to_owned()),
        ];
        let array = [("a", "1"), ("b", "x")];
        assert_eq!(array.into_params(), want);
        assert_eq!((&array).into_params(), want);
        assert_eq!(array[..].into_params(), want);
        let owned: Vec<(String, String)> = want.clone();
        assert_eq!((&owned).into_params(), want);
        assert_eq!(owned.into_params(), want);
        let map: BTreeMap<&str, &str> = array.into_iter().collect();
        assert_eq!((&map).into_params(), want);
        assert!(().into_params().is_empty());
        assert_eq!(
            [("uid", 5u64)].into_params(),
            vec![("uid".to_owned(), "5".to_owned())]
        );
        assert_eq!([("ext", false)].into_params()[0].1, "0");
    }
}
