//! API errors as RFC 9457 `application/problem+json` bodies.
//!
//! Each [`ApiError`] kind has its status decided here and nowhere else. Client errors say
//! what was wrong and how to fix it; server errors are opaque (a request id to quote) and
//! their cause goes to the log, once, here.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::catalog::CatalogError;

/// One invalid query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidParam {
    /// The parameter's name.
    pub name: String,
    /// What is wrong and what is expected.
    pub reason: String,
}

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// One or more query parameters are malformed.
    #[error("invalid query parameters")]
    InvalidParams(Vec<InvalidParam>),
    /// No such record (or the id is not even well formed).
    #[error("{0}")]
    NotFound(String),
    /// The method is not supported on this path.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A write endpoint asked with another method than POST.
    #[error("method not allowed")]
    PostOnly,
    /// The request needs an API token (missing, unknown, revoked or no longer valid).
    #[error("{0}")]
    Unauthorized(String),
    /// The token may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The request body is not acceptable (the detail says why).
    #[error("{0}")]
    BadBody(String),
    /// The request conflicts with the current state (a change already decided).
    #[error("{0}")]
    Conflict(String),
    /// Too many writes with this token for now.
    #[error("too many requests")]
    TooManyRequests,
    /// Too many searches at once: try again in a moment.
    #[error("busy")]
    Busy,
    /// The request body is over the limit ([`crate::http::MAX_BODY_BYTES`]).
    #[error("request body too large")]
    TooLarge,
    /// Something failed inside the server.
    #[error("internal error")]
    Internal(String),
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl ApiError {
    /// A 404 for a record kind, the list endpoint that shows valid ids, and the id asked for.
    pub fn not_found(kind: &str, list_path: &str, id: &str) -> Self {
        let shown: String = id.chars().take(80).collect();
        ApiError::NotFound(format!(
            "There is no {kind} with id {shown:?}. Ids are UUIDs, as listed by GET {list_path}."
        ))
    }

    fn kind(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::InvalidParams(_) => (
                StatusCode::BAD_REQUEST,
                "invalid-parameter",
                "Invalid query parameter",
            ),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::MethodNotAllowed | ApiError::PostOnly => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            ApiError::Unauthorized(_) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "An API token is needed",
            ),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            ApiError::BadBody(_) => (
                StatusCode::BAD_REQUEST,
                "invalid-body",
                "Invalid request body",
            ),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            ApiError::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Too many requests",
            ),
            ApiError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Too many searches at once",
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Request body too large",
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal-error",
                "Internal server error",
            ),
        }
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    problem_type: String,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    invalid_params: &'a [InvalidParam],
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, slug, title) = self.kind();
        let no_params: &[InvalidParam] = &[];
        let (detail, invalid_params) = match self {
            ApiError::InvalidParams(params) => {
                let detail = params
                    .iter()
                    .map(|param| format!("{}: {}", param.name, param.reason))
                    .collect::<Vec<_>>()
                    .join("; ");
                (detail, params.as_slice())
            }
            ApiError::NotFound(message)
            | ApiError::Unauthorized(message)
            | ApiError::Forbidden(message)
            | ApiError::BadBody(message)
            | ApiError::Conflict(message) => (message.clone(), no_params),
            ApiError::PostOnly => (
                "This endpoint takes POST with a JSON body and an API token.".to_owned(),
                no_params,
            ),
            ApiError::TooManyRequests => (
                "Too many changes with this token for now; wait a few minutes.".to_owned(),
                no_params,
            ),
            ApiError::MethodNotAllowed => (
                "This API is read-only: use GET (or HEAD).".to_owned(),
                no_params,
            ),
            ApiError::Busy => (
                "The directory is answering as many searches as it can; try again in a second."
                    .to_owned(),
                no_params,
            ),
            ApiError::TooLarge => (
                format!(
                    "The request body is larger than {} KiB; send less at a time (one service per proposal).",
                    crate::http::MAX_BODY_BYTES / 1024
                ),
                no_params,
            ),
            ApiError::Internal(cause) => {
                tracing::error!(error.cause = %cause, "request failed");
                (
                    "Something went wrong on our side. Please try again; if it keeps happening, report it with the x-request-id header of this response.".to_owned(),
                    no_params,
                )
            }
        };
        let problem = Problem {
            problem_type: format!("urn:signpost:problem:{slug}"),
            title,
            status: status.as_u16(),
            detail,
            invalid_params,
        };
        let mut response = HttpResponse::build(status);
        match self {
            ApiError::MethodNotAllowed => {
                response.insert_header(("Allow", "GET, HEAD, OPTIONS"));
            }
            ApiError::PostOnly => {
                response.insert_header(("Allow", "POST"));
            }
            ApiError::Unauthorized(_) => {
                response.insert_header(("WWW-Authenticate", "Bearer realm=\"signpost\""));
            }
            ApiError::TooManyRequests => {
                response.insert_header(("Retry-After", "600"));
            }
            ApiError::Busy => {
                response.insert_header(("Retry-After", "1"));
            }
            _ => {}
        }
        response
            .content_type("application/problem+json")
            .json(problem)
    }
}
