//! What the port answers while the application starts (opening the store, checking or
//! rebuilding the search index, which takes minutes on a national directory): alive
//! (`/healthz` 200), not ready (everything else 503 with Retry-After), so nothing is ever
//! served from a half-built index and orchestrators can tell "starting" from "down".
//!
//! A few lines of HTTP/1.1 on the listening socket rather than a second web server, so the
//! hand-over is plain: each connection it accepts is answered in full with `Connection:
//! close` (no kept-alive connection to it is left to be cut), also after it has been told
//! to stop; a connection it has not accepted waits in the socket's backlog for the real
//! server.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::i18n::{Locale, Messages};

/// Longest request head read before answering.
const MOST_HEAD_BYTES: usize = 16 * 1024;
/// How long a client may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The "starting" answerer; [`Starting::stop`] before the real server takes the socket.
pub struct Starting {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Starting {
    /// Starts answering on (a duplicate of) `listener`.
    pub fn serve(listener: &std::net::TcpListener) -> std::io::Result<Self> {
        let own = listener.try_clone()?;
        own.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(own)?;
        let (stop, mut stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    // `accept` is cancel-safe: a connection not accepted stays queued.
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            tokio::spawn(answer(stream));
                        }
                    }
                    _ = &mut stopped => return,
                }
            }
        });
        Ok(Self { stop, task })
    }

    /// Stops accepting (connections already accepted are still answered).
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Reads a request head and answers it.
async fn answer(mut stream: tokio::net::TcpStream) {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 2048];
    let read = tokio::time::timeout(READ_TIMEOUT, async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MOST_HEAD_BYTES {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => head.extend_from_slice(&buffer[..n]),
            }
        }
        true
    })
    .await;
    if !matches!(read, Ok(true)) {
        return;
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default();
    let target = request_line.next().unwrap_or("/");
    let path = target.split('?').next().unwrap_or("/");
    let wants_html = head.lines().any(|line| {
        let lower = line.to_ascii_lowercase();
        lower.starts_with("accept:") && lower.contains("text/html")
    });
    let (status, content_type, body) = if path == "/healthz" {
        (
            "200 OK",
            "application/json",
            r#"{"status":"starting"}"#.to_owned(),
        )
    } else if wants_html && path != "/readyz" {
        (
            "503 Service Unavailable",
            "text/html; charset=utf-8",
            page(),
        )
    } else {
        (
            "503 Service Unavailable",
            "application/problem+json",
            serde_json::json!({
                "type": "urn:signpost:problem:starting",
                "title": "Starting up",
                "status": 503,
                "detail": "The directory is starting: it is opening its store and checking (or rebuilding) its search index. Try again in a few seconds.",
            })
            .to_string(),
        )
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nretry-after: 5\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\ncontent-security-policy: default-src 'none'\r\nconnection: close\r\n\r\n{}",
        body.len(),
        // A HEAD request gets the head only.
        if method == "HEAD" { "" } else { body.as_str() }
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// A page for people, in English and Bengali (the visitor's language is not known yet).
fn page() -> String {
    let (en, bn) = (Messages::of(Locale::En), Messages::of(Locale::Bn));
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta http-equiv=\"refresh\" content=\"5\"><title>{}</title></head><body><main><h1>{}</h1><p>{}</p><p lang=\"bn\">{}</p></main></body></html>",
        en.get("error-starting"),
        en.get("error-starting"),
        en.get("error-starting-body"),
        bn.get("error-starting-body"),
    )
}
