//! Why a world is refused.

use std::fmt;
use std::path::PathBuf;

/// A world that cannot be read or does not hold together.
#[derive(Debug)]
#[non_exhaustive]
pub enum WorldError {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is larger than the limit.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// The text is not a world (JSON syntax, an unknown field, a value of the wrong type).
    Parse(serde_json::Error),
    /// An entry does not hold together with the rest of the world.
    Entry {
        /// Which entry: `users[3] (uid 42)`, `sessions[0] (app 423004, uid 7)`, ...
        entry: String,
        /// What is wrong with it.
        problem: Problem,
    },
}

/// What is wrong with an entry of a world.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A value that must be unique is not (`uid`, `e-mail`, `app id`, ...).
    Duplicate {
        /// What is duplicated.
        what: &'static str,
        /// Its value.
        value: String,
    },
    /// A uid that is not a user (or community) of the world.
    UnknownUser {
        /// The field.
        field: &'static str,
        /// The uid.
        uid: u64,
    },
    /// An app id that is not an app of the world.
    UnknownApp(u64),
    /// A photo's album that its owner does not have.
    UnknownAlbum(String),
    /// An event older than its author's newest event.
    OutOfOrder {
        /// Its time.
        time: u64,
        /// The author's newest event's time.
        newest: u64,
    },
    /// A value out of range or empty where one is needed.
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

impl WorldError {
    pub(crate) fn entry(entry: impl Into<String>, problem: Problem) -> Self {
        WorldError::Entry {
            entry: entry.into(),
            problem,
        }
    }

    pub(crate) fn invalid(
        entry: impl Into<String>,
        field: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        WorldError::entry(
            entry,
            Problem::Invalid {
                field,
                reason: reason.into(),
            },
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Tokens are not repeated in messages.
            Problem::Duplicate { what, value } if value.is_empty() => write!(f, "duplicate {what}"),
            Problem::Duplicate { what, value } => write!(f, "duplicate {what} {value}"),
            Problem::UnknownUser { field, uid } => {
                write!(f, "{field} {uid} is not a user or community of the world")
            }
            Problem::UnknownApp(id) => write!(f, "app {id} is not an app of the world"),
            Problem::UnknownAlbum(aid) => write!(f, "the owner has no album `{aid}`"),
            Problem::OutOfOrder { time, newest } => write!(
                f,
                "time {time} is before the author's newest event ({newest}); list an \
                 author's events oldest first, after their generated events"
            ),
            Problem::Invalid { field, reason } => write!(f, "{field}: {reason}"),
        }
    }
}

impl fmt::Display for WorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorldError::Read { path, source } => {
                write!(f, "cannot read the world file {}: {source}", path.display())
            }
            WorldError::Write { path, source } => {
                write!(
                    f,
                    "cannot write the world file {}: {source}",
                    path.display()
                )
            }
            WorldError::TooLarge { path, limit } => write!(
                f,
                "the world file {} is larger than {limit} bytes",
                path.display()
            ),
            WorldError::Parse(e) => write!(f, "not a world: {e}"),
            WorldError::Entry { entry, problem } => write!(f, "{entry}: {problem}"),
        }
    }
}

impl std::error::Error for WorldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WorldError::Read { source, .. } | WorldError::Write { source, .. } => Some(source),
            WorldError::Parse(e) => Some(e),
            _ => None,
        }
    }
}
