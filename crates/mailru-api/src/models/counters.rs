//! Small answers: counters, `users.isAppUser`, `users.hasAppPermission` (spec §7.7, §6.1).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;

model! {
    /// `{"count": N}`: friends.getInvitationsCount, messages.getUnreadCount,
    /// mail.getUnreadCount, events.getNewCount.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Count {
        /// The number (sent as a number or a string).
        pub count: u64 => required(de::u64_lenient),
        ..extra
    }
}

model! {
    /// `{"isAppUser": 0|1}` of users.isAppUser.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct IsAppUser {
        /// Whether the user installed the calling application.
        pub is_app_user: bool as "isAppUser" => required(de::flag),
        ..extra
    }
}

/// users.hasAppPermission: an object keyed by the privilege, e.g. `{"stream": 1}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppPermission {
    /// The answer as sent: privilege name → 0/1.
    pub extra: Map<String, Value>,
}

impl AppPermission {
    /// Whether `privilege` is granted (`1`, `"1"` or `true`).
    pub fn is_granted(&self, privilege: &str) -> bool {
        self.extra.get(privilege).is_some_and(truthy)
    }

    /// Whether every privilege of the answer is granted (and there is at least one).
    pub fn granted(&self) -> bool {
        !self.extra.is_empty() && self.extra.values().all(truthy)
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => s == "1" || s == "true",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_lenient_and_keep_extra_fields() {
        let c: Count = serde_json::from_str(r#"{"count":"12","more":true}"#).unwrap();
        assert_eq!(c.count, 12);
        assert_eq!(c.extra["more"], Value::Bool(true));
        assert!(serde_json::from_str::<Count>("{}").is_err());
        let u: IsAppUser = serde_json::from_str(r#"{"isAppUser":"1"}"#).unwrap();
        assert!(u.is_app_user);
        let u: IsAppUser = serde_json::from_str(r#"{"isAppUser":0}"#).unwrap();
        assert!(!u.is_app_user);
    }

    #[test]
    fn permissions() {
        let p: AppPermission = serde_json::from_str(r#"{"stream":1}"#).unwrap();
        assert!(p.is_granted("stream") && p.granted());
        assert!(!p.is_granted("photos"));
        let p: AppPermission = serde_json::from_str(r#"{"photos":"0"}"#).unwrap();
        assert!(!p.granted());
    }
}
