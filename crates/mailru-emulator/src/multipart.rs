//! A minimal `multipart/form-data` reader (RFC 7578 / RFC 2046), linear in the body size:
//! fields become parameters, parts with a filename become files.

use bytes::Bytes;

use crate::config::Limits;
use crate::form::{FilePart, Parsed, Reject};

/// Longest boundary RFC 2046 allows.
pub(crate) const MAX_BOUNDARY: usize = 70;

/// A substring search in O(haystack + needle) whatever the input (Knuth–Morris–Pratt), so
/// that a body of near-boundary bytes cannot make the parser quadratic.
#[derive(Debug)]
pub(crate) struct Finder<'n> {
    needle: &'n [u8],
    /// `fail[i]`: length of the longest proper border of `needle[..=i]`.
    fail: Vec<usize>,
}

impl<'n> Finder<'n> {
    pub(crate) fn new(needle: &'n [u8]) -> Self {
        let mut fail = vec![0; needle.len()];
        let mut k = 0;
        for i in 1..needle.len() {
            while k > 0 && needle[i] != needle[k] {
                k = fail[k - 1];
            }
            if needle[i] == needle[k] {
                k += 1;
            }
            fail[i] = k;
        }
        Finder { needle, fail }
    }

    /// Position of the first occurrence of the needle in `haystack`.
    pub(crate) fn find(&self, haystack: &[u8]) -> Option<usize> {
        let n = self.needle.len();
        if n == 0 {
            return Some(0);
        }
        let mut k = 0;
        for (i, &b) in haystack.iter().enumerate() {
            while k > 0 && b != self.needle[k] {
                k = self.fail[k - 1];
            }
            if b == self.needle[k] {
                k += 1;
                if k == n {
                    return Some(i + 1 - n);
                }
            }
        }
        None
    }
}

/// RFC 2046 `bchars`: the characters a boundary may contain (space not last).
fn is_bchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&b)
}

/// The `boundary` parameter of a multipart Content-Type, checked against RFC 2046: 1 to 70
/// `bchars`, not ending with a space.
pub(crate) fn boundary(content_type: &str) -> Result<String, Reject> {
    let raw = content_type
        .split(';')
        .skip(1)
        .find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| Reject::bad("multipart without boundary"))?;
    if raw.is_empty() || raw.len() > MAX_BOUNDARY {
        return Err(Reject::bad(format!(
            "multipart boundary must be 1 to {MAX_BOUNDARY} characters"
        )));
    }
    if !raw.bytes().all(is_bchar) || raw.ends_with(' ') {
        return Err(Reject::bad(
            "multipart boundary has characters RFC 2046 forbids",
        ));
    }
    Ok(raw)
}

fn malformed() -> Reject {
    Reject::bad("malformed multipart body")
}

/// The parts of `body` appended to `out`, fields through the parameter limits.
pub(crate) fn parse(
    limits: &Limits,
    body: &Bytes,
    boundary: &str,
    out: &mut Parsed,
) -> Result<(), Reject> {
    let first = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    let first_finder = Finder::new(first.as_bytes());
    let delimiter_finder = Finder::new(delimiter.as_bytes());
    let head_finder = Finder::new(b"\r\n\r\n");
    let mut rest = &body[..];
    let start = first_finder.find(rest).ok_or_else(malformed)?;
    rest = &rest[start + first.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Ok(());
        }
        // Transport padding (RFC 2046: linear white space) may follow a delimiter.
        while let [b' ' | b'\t', tail @ ..] = rest {
            rest = tail;
        }
        rest = rest.strip_prefix(b"\r\n").ok_or_else(malformed)?;
        let head_end = head_finder.find(rest).ok_or_else(malformed)?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| malformed())?;
        let content = &rest[head_end + 4..];
        let end = delimiter_finder.find(content).ok_or_else(malformed)?;
        let data = &content[..end];
        rest = &content[end + delimiter.len()..];
        let disposition = head
            .split("\r\n")
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then_some(value)
            })
            .ok_or_else(malformed)?;
        let attr = |name: &str| {
            disposition.split(';').find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                (k.trim() == name).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        let name = attr("name").ok_or_else(malformed)?;
        if attr("filename").is_some() {
            let file = FilePart {
                name,
                bytes: body.slice_ref(data),
            };
            out.push_file(limits, file)?;
        } else {
            let value = String::from_utf8(data.to_vec()).map_err(|_| malformed())?;
            out.push(limits, name, value)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limits() -> Limits {
        Limits {
            max_body_bytes: 16 << 20,
            max_params: 100,
            max_param_len: 1 << 20,
            header_read_timeout: Duration::from_secs(1),
        }
    }

    fn parts(body: &'static [u8], boundary: &str) -> Result<Parsed, Reject> {
        let mut out = Parsed::default();
        parse(&limits(), &Bytes::from_static(body), boundary, &mut out).map(|()| out)
    }

    #[test]
    fn multipart_splits_fields_and_files() {
        let p = parts(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"aid\"\r\n\r\n_myphoto\r\n\
              --XyZ\r\nContent-Disposition: form-data; name=\"img_file\"; filename=\"a.png\"\r\n\
              Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\nDATA\r\n--XyZ--\r\n",
            "XyZ",
        )
        .unwrap();
        assert_eq!(p.params, vec![("aid".to_owned(), "_myphoto".to_owned())]);
        assert_eq!(p.files.len(), 1);
        assert_eq!(p.files[0].name, "img_file");
        assert_eq!(&p.files[0].bytes[..], b"\x89PNG\r\n\x1a\nDATA");
        assert!(parts(b"garbage", "XyZ").is_err());
    }

    #[test]
    fn boundary_is_read_with_or_without_quotes_and_checked() {
        let b = |ct: &str| boundary(ct).ok();
        assert_eq!(
            b("multipart/form-data; boundary=abc").as_deref(),
            Some("abc")
        );
        assert_eq!(
            b("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(b("multipart/form-data"), None);
        let seventy = "b".repeat(70);
        assert_eq!(
            b(&format!("multipart/form-data; boundary={seventy}")),
            Some(seventy)
        );
        let long = format!("multipart/form-data; boundary={}", "b".repeat(71));
        let err = boundary(&long).unwrap_err();
        assert_eq!(err.status, hyper::StatusCode::BAD_REQUEST);
        assert!(err.message.contains("1 to 70"), "{err:?}");
        assert_eq!(b("multipart/form-data; boundary=a\rb"), None);
        assert_eq!(b("multipart/form-data; boundary=\"ab \""), None);
        assert_eq!(b("multipart/form-data; boundary="), None);
    }

    #[test]
    fn finder_agrees_with_a_naive_search() {
        let naive = |h: &[u8], n: &[u8]| h.windows(n.len()).position(|w| w == n);
        let hay = b"aabaabaaabaabaaab\r\n--ab\r\n--abc";
        for needle in [
            &b"aab"[..],
            b"aaab",
            b"abaa",
            b"\r\n--abc",
            b"c",
            b"zz",
            b"aabaabaaab",
        ] {
            assert_eq!(
                Finder::new(needle).find(hay),
                naive(hay, needle),
                "{needle:?}"
            );
        }
        assert_eq!(Finder::new(b"").find(b"abc"), Some(0));
        assert_eq!(Finder::new(b"abcd").find(b"abc"), None);
    }

    /// 4 MiB of almost-delimiters with a boundary of dashes: the preamble is runs of 71
    /// dashes (the first delimiter is 72) and the file is lines of `\r\n` + 71 dashes. A
    /// search that restarts at every position compares up to 70 bytes at each of them; this
    /// parse is linear, and it must still find the real delimiters.
    #[test]
    fn adversarial_near_boundary_body_parses_correctly() {
        let boundary = "-".repeat(MAX_BOUNDARY);
        let near = "-".repeat(MAX_BOUNDARY + 1);
        let mut body = Vec::new();
        while body.len() < 2 << 20 {
            body.extend_from_slice(near.as_bytes());
            body.push(b'x');
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n"
            )
            .as_bytes(),
        );
        let header_end = body.len();
        while body.len() < 4 << 20 {
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(near.as_bytes());
            body.push(b'x');
        }
        let content_len = body.len() - header_end;
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut out = Parsed::default();
        parse(&limits(), &Bytes::from(body), &boundary, &mut out).unwrap();
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.files[0].name, "f");
        assert_eq!(out.files[0].bytes.len(), content_len);
        assert!(out.files[0].bytes.ends_with(b"-x"));
        assert!(out.params.is_empty());
    }
}
