//! The way of one call, top to bottom: ask the session source for a session, sign, send
//! with a deadline, read the envelope; then renew the session once after a 102, or retry
//! what the policy and the budget allow.

use std::sync::Arc;

use tokio::time::Instant;
use tracing::Instrument;

use crate::catalog::{Access, MethodInfo};
use crate::client::Api;
use crate::envelope::failure;
use crate::error::{ApiErrorKind, Error, Result};
use crate::request::CallRequest;
use crate::retry::{Decision, jitter, retry_decision};
use crate::session::Session;
use crate::transport::HttpResponse;

/// How a call is sent and retried, from the method's catalog entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    /// Reads of the catalog: repeating them cannot change anything.
    pub(crate) retry_safe: bool,
    /// Writes go as POST.
    pub(crate) post: bool,
    /// An empty answer is an error.
    pub(crate) non_empty: bool,
}

impl Target {
    pub(crate) fn of(info: &MethodInfo) -> Self {
        Target {
            retry_safe: info.access == Access::Read,
            post: info.access == Access::Write,
            non_empty: info.non_empty,
        }
    }
}

/// How a call ended.
#[derive(Debug)]
pub(crate) enum Answer {
    /// 200 without an error object.
    Ok(HttpResponse),
    /// An answer that is an error (raw mode returns the response).
    Failed(HttpResponse, Error),
    /// No answer, or the request could not be built.
    Error(Error),
}

impl Answer {
    pub(crate) fn into_result(self) -> Result<HttpResponse> {
        match self {
            Answer::Ok(resp) => Ok(resp),
            Answer::Failed(_, e) | Answer::Error(e) => Err(e),
        }
    }

    fn error(&self) -> Option<&Error> {
        match self {
            Answer::Ok(_) => None,
            Answer::Failed(_, e) | Answer::Error(e) => Some(e),
        }
    }
}

impl Api {
    /// Sends `call` to the REST endpoint with sessions, timeouts and retries.
    pub(crate) async fn dispatch(&self, call: &CallRequest<'_>, target: &Target) -> Answer {
        let span = tracing::info_span!(
            "mailru.call",
            method = call.method,
            outcome = tracing::field::Empty
        );
        let answer = match self.attempts(call, target).instrument(span.clone()).await {
            Answer::Failed(resp, e) => Answer::Failed(resp, self.redact(e)),
            Answer::Error(e) => Answer::Error(self.redact(e)),
            ok => ok,
        };
        span.record(
            "outcome",
            if answer.error().is_none() {
                "ok"
            } else {
                "error"
            },
        );
        answer
    }

    async fn attempts(&self, call: &CallRequest<'_>, target: &Target) -> Answer {
        let inner = &self.inner;
        let options = &inner.options;
        let deadline = options.total_timeout.map(|t| Instant::now() + t);
        let mut attempt = 1;
        let mut renewed_once = false;
        let mut renewed: Option<Arc<Session>> = None;
        loop {
            let session = match renewed.take() {
                Some(s) => Some(s),
                None if call.is_signed() => match &inner.fixed {
                    Some(fixed) => Some(fixed.clone()),
                    None => match inner.source.session().await {
                        Ok(s) => {
                            inner.note_sent(&s);
                            Some(s)
                        }
                        Err(e) => return Answer::Error(e),
                    },
                },
                None => None,
            };
            let request = match call.build(&inner.endpoints.api, session.as_deref()) {
                Ok(r) => r,
                Err(e) => return Answer::Error(e),
            };
            let mut limit = options.attempt_timeout;
            if let Some(deadline) = deadline {
                limit = limit.min(deadline.saturating_duration_since(Instant::now()));
            }
            let answer = match tokio::time::timeout(limit, inner.transport.send(request)).await {
                Ok(Ok(resp)) => match failure(&resp) {
                    None => Answer::Ok(resp),
                    Some(e) => Answer::Failed(resp, e),
                },
                Ok(Err(e)) => Answer::Error(e),
                Err(_) => Answer::Error(Error::Timeout(limit)),
            };
            let Some(error) = answer.error() else {
                inner.budget.refund();
                return answer;
            };
            // A rejected session: renewed once, then the same call again. Safe for writes
            // too: the platform checks the session before it does anything (spec §11).
            if let Some(session) = &session
                && error.api_kind() == Some(ApiErrorKind::AuthorizationFailed)
                && !renewed_once
            {
                match inner.source.rejected(session).await {
                    Ok(Some(fresh)) => {
                        inner.note_sent(&fresh);
                        tracing::debug!("session rejected (102); retrying with a renewed one");
                        renewed = Some(fresh);
                        renewed_once = true;
                        continue;
                    }
                    Ok(None) => return answer,
                    Err(e) => return Answer::Error(e),
                }
            }
            let decision = retry_decision(
                &options.retry,
                attempt,
                error,
                !target.retry_safe,
                inner.budget.available(),
                jitter(),
            );
            let Decision::RetryAfter(delay) = decision else {
                return answer;
            };
            if let Some(deadline) = deadline
                && Instant::now() + delay >= deadline
            {
                return match answer {
                    Answer::Error(Error::Timeout(_)) => {
                        Answer::Error(Error::Timeout(options.total_timeout.unwrap_or(limit)))
                    }
                    other => other,
                };
            }
            if !inner.budget.try_spend() {
                return answer;
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}
