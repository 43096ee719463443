//! The two signing circuits of spec §2.3 and the [`Signature`] they produce.

use std::fmt;
use std::str::FromStr;

use md5::block_api::compress;

use crate::Error;
use crate::params::{Param, Sorted};

/// An md5 request signature. Displays as 32 lowercase hexadecimal characters, the form the
/// platform expects in `sig`.
///
/// ```
/// let sig: mailru_sign::Signature = "5073f15c6d5b6ab2fde23ac43332b002".parse()?;
/// assert_eq!(sig.to_string(), "5073f15c6d5b6ab2fde23ac43332b002");
/// # Ok::<(), mailru_sign::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 16]);

impl Signature {
    /// The 16 raw digest bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Compares in time independent of where the signatures differ, so a verifier does not
    /// tell an attacker how many leading bytes of a forged `sig` were right.
    pub fn ct_eq(&self, other: &Signature) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    /// Hex digits into the buffer, without allocating.
    fn hex(&self) -> [u8; 32] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 32];
        for (i, byte) in self.0.iter().enumerate() {
            out[2 * i] = DIGITS[usize::from(byte >> 4)];
            out[2 * i + 1] = DIGITS[usize::from(byte & 0x0f)];
        }
        out
    }
}

impl From<[u8; 16]> for Signature {
    fn from(bytes: [u8; 16]) -> Self {
        Signature(bytes)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.hex();
        // `hex` holds ASCII digits only, so it is valid UTF-8.
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

impl FromStr for Signature {
    type Err = Error;

    /// Parses exactly 32 lowercase hexadecimal characters; anything else is
    /// [`Error::MalformedSignature`]. The platform only ever emits lowercase.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bytes = s.as_bytes();
        if bytes.len() != 32 {
            return Err(Error::MalformedSignature);
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            _ => Err(Error::MalformedSignature),
        };
        let mut out = [0u8; 16];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Ok(Signature(out))
    }
}

/// md5 over `prefix + canonical string + suffix`, the parts fed straight into md5's
/// 64-byte blocks (no intermediate string: the per-part cost is a copy into the block).
pub(crate) fn digest<I>(prefix: &str, params: I, suffix: &str) -> Result<Signature, Error>
where
    I: IntoIterator,
    I::Item: Param,
{
    let mut pairs = Sorted::new();
    pairs.fill(params)?;
    let mut md5 = Md5Stream::new();
    md5.push(prefix.as_bytes());
    pairs.for_each(|p| {
        md5.push(p.key().as_bytes());
        md5.push_byte(b'=');
        md5.push(p.value().as_bytes());
    });
    md5.push(suffix.as_bytes());
    Ok(Signature(md5.finish()))
}

/// `src` into `dst` (of the same length). Parameter names and values are short: up to 32
/// bytes are moved as two overlapping fixed-size chunks, without a call to `memcpy`.
#[inline]
fn copy_part(dst: &mut [u8], src: &[u8]) {
    fn two<const N: usize>(dst: &mut [u8], src: &[u8]) {
        let n = src.len();
        let (mut head, mut tail) = ([0u8; N], [0u8; N]);
        head.copy_from_slice(&src[..N]);
        tail.copy_from_slice(&src[n - N..]);
        dst[..N].copy_from_slice(&head);
        dst[n - N..].copy_from_slice(&tail);
    }
    match src.len() {
        0 => {}
        1..4 => dst.iter_mut().zip(src).for_each(|(d, s)| *d = *s),
        4..8 => two::<4>(dst, src),
        8..16 => two::<8>(dst, src),
        16..=32 => two::<16>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// Blocks buffered before they are hashed: a signature of a few short parameters (the
/// usual request) is copied in part by part and hashed in one call at the end.
const BUFFERED: usize = 4;

/// MD5 (RFC 1321) over md-5's compression function, for many short parts.
struct Md5Stream {
    state: [u32; 4],
    buf: [[u8; 64]; BUFFERED],
    /// Bytes in `buf`.
    pos: usize,
    /// Bytes hashed before those in `buf`.
    hashed: u64,
}

impl Md5Stream {
    fn new() -> Self {
        Md5Stream {
            // RFC 1321 §3.3: the initial state.
            state: [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476],
            buf: [[0; 64]; BUFFERED],
            pos: 0,
            hashed: 0,
        }
    }

    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        // The usual case: the part fits in the buffer.
        if let Some(room) = self
            .buf
            .as_flattened_mut()
            .get_mut(self.pos..self.pos + bytes.len())
        {
            copy_part(room, bytes);
            self.pos += bytes.len();
            return;
        }
        self.push_slow(bytes);
    }

    #[inline]
    fn push_byte(&mut self, byte: u8) {
        match self.buf.as_flattened_mut().get_mut(self.pos) {
            Some(room) => {
                *room = byte;
                self.pos += 1;
            }
            None => self.push_slow(&[byte]),
        }
    }

    /// Hashes the whole blocks of the buffer, keeping the rest at its start.
    fn drain(&mut self) {
        let whole = self.pos / 64;
        compress(&mut self.state, &self.buf[..whole]);
        self.hashed = self.hashed.wrapping_add(64 * whole as u64);
        let rest = self.pos % 64;
        self.buf
            .as_flattened_mut()
            .copy_within(whole * 64..whole * 64 + rest, 0);
        self.pos = rest;
    }

    fn push_slow(&mut self, mut bytes: &[u8]) {
        self.drain();
        // Fill the partial block, then hash whole blocks straight from `bytes`.
        let take = bytes.len().min(64 - self.pos);
        self.buf[0][self.pos..self.pos + take].copy_from_slice(&bytes[..take]);
        self.pos += take;
        bytes = &bytes[take..];
        if bytes.is_empty() {
            return;
        }
        self.drain();
        let mut blocks = bytes.chunks_exact(64);
        for block in blocks.by_ref() {
            let mut whole = [0u8; 64];
            whole.copy_from_slice(block);
            compress(&mut self.state, std::slice::from_ref(&whole));
            self.hashed = self.hashed.wrapping_add(64);
        }
        let rest = blocks.remainder();
        self.buf[0][..rest.len()].copy_from_slice(rest);
        self.pos = rest.len();
    }

    #[inline(always)]
    fn finish(&mut self) -> [u8; 16] {
        let bits = self.hashed.wrapping_add(self.pos as u64).wrapping_mul(8);
        // Padding: 0x80, zeros up to 8 bytes before a block's end, the length in bits (LE).
        if (self.pos + 9).div_ceil(64) > BUFFERED {
            self.drain();
        }
        let end = (self.pos + 9).div_ceil(64) * 64;
        let flat = self.buf.as_flattened_mut();
        flat[self.pos] = 0x80;
        flat[self.pos + 1..end - 8].fill(0);
        flat[end - 8..end].copy_from_slice(&bits.to_le_bytes());
        compress(&mut self.state, &self.buf[..end / 64]);
        let mut out = [0u8; 16];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out
    }
}

/// Client-server signature: `md5(uid + canonical + private_key)`.
///
/// `uid` is the user who owns the session (`x_mailru_vid` of the OAuth token). `params` are
/// all request parameters as sent (a `sig` among them is ignored).
///
/// ```
/// let sig = mailru_sign::sign_client_server(
///     "1324730981306483817",
///     &[
///         ("app_id", "423004"),
///         ("method", "friends.get"),
///         ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
///     ],
///     "7815696ecbf1c96e6894b779456d330e",
/// )?;
/// assert_eq!(sig.to_string(), "5073f15c6d5b6ab2fde23ac43332b002");
/// # Ok::<(), mailru_sign::Error>(())
/// ```
///
/// # Errors
/// [`Error::DuplicateKey`] when a key appears twice.
pub fn sign_client_server<I>(uid: &str, params: I, private_key: &str) -> Result<Signature, Error>
where
    I: IntoIterator,
    I::Item: Param,
{
    digest(uid, params, private_key)
}

/// Server-server signature: `md5(canonical + secret_key)`.
///
/// The platform only accepts it when the parameters include `secure=1`; pass it in `params`.
///
/// ```
/// let sig = mailru_sign::sign_server_server(
///     &[
///         ("app_id", "423004"),
///         ("method", "friends.get"),
///         ("secure", "1"),
///         ("session_key", "be6ef89965d58e56dec21acb9b62bdaa"),
///     ],
///     "3dad9cbf9baaa0360c0f2ba372d25716",
/// )?;
/// assert_eq!(sig.to_string(), "4a05af66f80da18b308fa7e536912bae");
/// # Ok::<(), mailru_sign::Error>(())
/// ```
///
/// # Errors
/// [`Error::DuplicateKey`] when a key appears twice.
pub fn sign_server_server<I>(params: I, secret_key: &str) -> Result<Signature, Error>
where
    I: IntoIterator,
    I::Item: Param,
{
    digest("", params, secret_key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};

    #[test]
    fn the_block_stream_is_md5_for_every_length_and_split() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            let want: [u8; 16] = Md5::digest(&data[..len]).into();
            for split in [
                1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 55, 64, 65, 255, 256, 257,
            ] {
                let mut stream = Md5Stream::new();
                for part in data[..len].chunks(split) {
                    match part {
                        [byte] => stream.push_byte(*byte),
                        _ => stream.push(part),
                    }
                }
                assert_eq!(stream.finish(), want, "length {len}, parts of {split}");
            }
        }
    }
}
