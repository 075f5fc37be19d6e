//! `POST /internal/backup`: a consistent backup of the running server's store, streamed,
//! for `signpost backup` (see [`crate::catalog::backup`]). Not part of the public API: it
//! answers 404 to anything but the control secret.

use std::io::Write;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::http::AppState;
use crate::http::error::ApiError;

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 256 * 1024;

/// Streams the backup; writes to the store wait while it is taken.
pub async fn backup(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let presented = request
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let admitted = match (&state.control, presented) {
        (Some(control), Some(secret)) => control.admits(secret),
        _ => false,
    };
    if !admitted {
        return Err(ApiError::NotFound(
            "There is no such endpoint. See /openapi.json for the endpoints of this API."
                .to_owned(),
        ));
    }
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(8);
    let catalog = state.catalog.clone();
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let mut out = std::io::BufWriter::with_capacity(
            CHUNK,
            Channel {
                sender: sender.clone(),
            },
        );
        let written = catalog
            .store()
            .backup(&mut out)
            .map_err(|error| std::io::Error::other(error.to_string()))
            .and_then(|summary| out.flush().map(|()| summary));
        match written {
            Ok(summary) => tracing::info!(
                entries = summary.entries(),
                bytes = summary.bytes,
                duration_ms = started.elapsed().as_millis() as u64,
                "backup taken through the server"
            ),
            Err(error) => {
                tracing::error!(error = %error, "backup through the server failed");
                // The client sees the stream end with an error, and the backup fails its
                // checksum if it kept what came.
                let _ = sender.blocking_send(Err(error));
            }
        }
    });
    let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .streaming(chunks))
}

/// A blocking writer that hands its bytes to the response stream.
struct Channel {
    sender: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
}

impl Write for Channel {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sender
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::other("the client went away"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
