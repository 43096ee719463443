//! The REST error envelope and the code table of spec §3.2.

use serde_json::{Value, json};

/// An API error: code and message, rendered as the platform's envelope with HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: u32,
    pub message: String,
}

impl ApiError {
    /// The error with the message of the documentation table.
    pub(crate) fn code(code: u32) -> Self {
        ApiError {
            code,
            message: table_message(code).to_owned(),
        }
    }

    /// Error 100 for a missing parameter, in the observed wording.
    pub(crate) fn missing(name: &str) -> Self {
        ApiError {
            code: 100,
            message: format!("parameter '{name}' is necessary"),
        }
    }

    /// Error 100 for a parameter with an unusable value.
    pub(crate) fn invalid() -> Self {
        ApiError::code(100)
    }

    pub(crate) fn envelope(&self) -> Value {
        json!({"error": {
            "error_code": self.code,
            "error_msg": self.message,
            "error_token": "NONE",
            "extended": null,
        }})
    }
}

/// Messages of the "Коды ошибок" table; 104 as observed live (no final period).
pub(crate) fn table_message(code: u32) -> &'static str {
    match code {
        1 => "Unknown error: Please resubmit the request.",
        2 => "Unknown method called.",
        3 => "Service Unavailable. Please try again later.",
        4 => "Method is deprecated.",
        100 => "One of the parameters specified is missing or invalid.",
        102 => "User authorization failed: the session key or uid is incorrect.",
        103 => "Application lookup failed: the application id is not correct.",
        104 => "Incorrect signature",
        105 => "Application is not installed for this user.",
        200 => "Permission error: the application does not have permission to perform this action.",
        202 => "Access to this object is denied",
        // The platform's text for 501 is unknown; this one says what happened.
        501 => "Incorrect image",
        _ => "Unknown error",
    }
}

impl From<serde_json::Error> for ApiError {
    /// Serializing an answer failed (the emulator's answers cannot fail; error 1 if one
    /// ever does).
    fn from(_: serde_json::Error) -> Self {
        ApiError::code(1)
    }
}
