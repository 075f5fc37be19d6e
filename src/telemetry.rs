//! Logging: human-readable lines by default, JSON lines with `SIGNPOST_LOG_FORMAT=json`;
//! the level comes from `RUST_LOG` (default `info`). Logs never carry personal data: no
//! query strings, bodies, e-mail addresses or client addresses.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls do nothing).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("SIGNPOST_LOG_FORMAT")
        .is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
