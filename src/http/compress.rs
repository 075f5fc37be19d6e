//! Compressing answers: one place that picks a content coding and encodes the body.
//!
//! Nearly every answer (a page of results, a service, an HTML page) is already whole in
//! memory when it leaves its handler, and small (a page of 20 results is about 25 KB of
//! JSON). Such a body is encoded here, at once and in one call, with settings sized to it.
//! The framework's own compressor is built for streams: it writes brotli with a 4 MiB
//! window, whose ring buffer is allocated and zeroed for every answer (on the 2-core
//! benchmark machine that made a 25 KB answer 6 ms slower; BENCHMARKS.md), and it moves
//! every chunk over 1 KiB to the blocking thread pool. Streamed answers (NDJSON exports)
//! and bodies over [`IN_PLACE_MAX`] still go to it: there the window pays for itself.
//!
//! The coding is chosen by cost, among those the client accepts at all (a quality above
//! 0): zstd, then gzip, then brotli. On a page of results (20-35 KB of JSON or HTML), zstd
//! at level 3 is the smallest and the cheapest; gzip at level 2 (zlib-rs) is as small as
//! brotli at quality 1 for three quarters of its CPU (BENCHMARKS.md). Chrome and Firefox
//! send zstd; other browsers and many API clients send gzip and brotli.

use actix_http::encoding::Encoder;
use actix_web::Error;
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, ContentEncoding, HeaderMap, HeaderValue, VARY,
};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

/// Bodies smaller than this go as they are: the coding's framing would eat the saving.
pub const MIN_BYTES: usize = 1024;
/// Bodies up to this size are encoded in place, on the worker (a 25 KB page takes about
/// 0.1 ms); larger ones go to the framework's stream encoder, which works off the worker.
pub const IN_PLACE_MAX: usize = 512 * 1024;
/// zstd level: 3 is zstd's default; a 25 KB page compresses in about 0.04 ms with a
/// context kept per thread (0.065 ms with a new one each time).
const ZSTD_LEVEL: i32 = 3;
/// brotli quality: 1 encodes a 20-25 KB page in about 0.085 ms; 3 in 0.16-0.17 ms for
/// 8 % fewer bytes (4.8 against 5.2 KB), 4 in 0.23-0.27 ms for 12 % fewer (BENCHMARKS.md).
/// On a small machine answering many requests a second the CPU is the scarcer resource.
const BROTLI_QUALITY: u32 = 1;
/// gzip level: 2 encodes a 24 KB page of results in about 0.066 ms to 5.9 KB (brotli at
/// quality 1: 0.089 ms, 5.9 KB); 1 in 0.044 ms but to 7.6 KB, 3 in 0.10 ms to 5.6 KB.
const GZIP_LEVEL: u32 = 2;
/// brotli's smallest and largest window (log2 of bytes).
const BROTLI_WINDOW: (u32, u32) = (10, 22);

/// The content codings Signpost writes, cheapest per byte saved first.
const PREFERENCE: [ContentEncoding; 3] = [
    ContentEncoding::Zstd,
    ContentEncoding::Gzip,
    ContentEncoding::Brotli,
];

/// The coding to answer in, given an `Accept-Encoding` value: the first of [`PREFERENCE`]
/// the client lists with a quality above 0 (or through `*`), else none.
pub fn negotiate(accept_encoding: &str) -> ContentEncoding {
    let mut listed: Vec<(&str, bool)> = Vec::new();
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let refused = parts.any(|parameter| {
            let Some((key, value)) = parameter.split_once('=') else {
                return false;
            };
            key.trim().eq_ignore_ascii_case("q")
                && value.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
        });
        listed.push((name, !refused));
    }
    let accepted = |coding: ContentEncoding| {
        let named = listed
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(coding.as_str()));
        match named {
            Some((_, accepted)) => *accepted,
            None => listed
                .iter()
                .any(|(name, accepted)| *name == "*" && *accepted),
        }
    };
    PREFERENCE
        .into_iter()
        .find(|coding| accepted(*coding))
        .unwrap_or(ContentEncoding::Identity)
}

/// Whether an answer with these headers and status is worth encoding: it has a body that
/// is not encoded yet and is not already compressed media or an archive.
fn worth_encoding(status: StatusCode, headers: &HeaderMap) -> bool {
    if status.is_informational()
        || matches!(
            status,
            StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
        )
        || headers.contains_key(CONTENT_ENCODING)
    {
        return false;
    }
    let Some(content_type) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let compressed = essence.starts_with("video/")
        || essence.starts_with("audio/")
        || (essence.starts_with("image/") && essence != "image/svg+xml")
        || matches!(
            essence.as_str(),
            "application/zip"
                | "application/gzip"
                | "application/zstd"
                | "application/pdf"
                | "font/woff"
                | "font/woff2"
        )
        || essence.starts_with("application/vnd.openxmlformats");
    !compressed
}

thread_local! {
    /// Each worker's zstd context, made at its first zstd answer and reused: a context
    /// made per answer cost a third of the encoding's time.
    static ZSTD: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// `body` encoded in `coding` (one of [`PREFERENCE`]).
pub fn encode(coding: ContentEncoding, body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    match coding {
        ContentEncoding::Zstd => ZSTD.with(|context| {
            let mut context = context.borrow_mut();
            let compressor = match context.as_mut() {
                Some(compressor) => compressor,
                None => context.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
            };
            compressor.compress(body)
        }),
        ContentEncoding::Brotli => {
            // A window no larger than the body: the encoder's ring buffer is the window.
            let needed = usize::BITS - body.len().max(1).leading_zeros();
            let window = needed.clamp(BROTLI_WINDOW.0, BROTLI_WINDOW.1);
            let out = Vec::with_capacity(body.len() / 3);
            // A buffer the size of the body: the encoder then takes the body in one piece
            // (with 4 KiB pieces a 20 KB page took twice as long, for the same bytes).
            let buffer = body.len().clamp(4096, IN_PLACE_MAX) + 1024;
            let mut writer = brotli::CompressorWriter::new(out, buffer, BROTLI_QUALITY, window);
            writer.write_all(body)?;
            Ok(writer.into_inner())
        }
        ContentEncoding::Gzip => {
            let mut writer = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 3),
                flate2::Compression::new(GZIP_LEVEL),
            );
            writer.write_all(body)?;
            writer.finish()
        }
        other => Err(std::io::Error::other(format!(
            "{} is not a coding Signpost writes",
            other.as_str()
        ))),
    }
}

/// The answer's body in the coding the client prefers (see the module documentation).
pub async fn compress(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody, Encoder<BoxBody>>>, Error> {
    let coding = request
        .headers()
        .get(ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .map_or(ContentEncoding::Identity, negotiate);
    let response = next.call(request).await?.map_into_boxed_body();
    if coding == ContentEncoding::Identity || !worth_encoding(response.status(), response.headers())
    {
        return Ok(response.map_into_left_body());
    }
    Ok(response.map_body(|head, body| {
        let body = match body.try_into_bytes() {
            Ok(bytes) if bytes.len() < MIN_BYTES => return EitherBody::left(BoxBody::new(bytes)),
            Ok(bytes) if bytes.len() <= IN_PLACE_MAX => match encode(coding, &bytes) {
                Ok(encoded) => {
                    let headers = head.headers_mut();
                    headers.insert(CONTENT_ENCODING, coding.to_header_value());
                    headers.append(VARY, HeaderValue::from_static("accept-encoding"));
                    return EitherBody::left(BoxBody::new(Bytes::from(encoded)));
                }
                Err(error) => {
                    tracing::warn!(%error, "an answer could not be compressed; sent as it is");
                    return EitherBody::left(BoxBody::new(bytes));
                }
            },
            Ok(bytes) => BoxBody::new(bytes),
            Err(stream) => stream,
        };
        EitherBody::right(Encoder::response(coding, head, body))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheapest_accepted_coding_is_chosen_and_refused_ones_never() {
        for (header, expected) in [
            ("gzip, deflate, br, zstd", ContentEncoding::Zstd),
            ("br;q=1.0, ZSTD;q=0.5", ContentEncoding::Zstd),
            ("gzip, compress, deflate, br", ContentEncoding::Gzip),
            ("br", ContentEncoding::Brotli),
            ("gzip;q=0, br", ContentEncoding::Brotli),
            ("gzip", ContentEncoding::Gzip),
            ("zstd;q=0, gzip", ContentEncoding::Gzip),
            ("zstd; q=0.0, br;Q=0, gzip;q=0.1", ContentEncoding::Gzip),
            ("*", ContentEncoding::Zstd),
            ("*;q=0, gzip", ContentEncoding::Gzip),
            ("*, zstd;q=0", ContentEncoding::Gzip),
            ("*, zstd;q=0, gzip;q=0", ContentEncoding::Brotli),
            ("identity", ContentEncoding::Identity),
            ("deflate", ContentEncoding::Identity),
            ("", ContentEncoding::Identity),
            (" , ;q=1", ContentEncoding::Identity),
        ] {
            assert_eq!(negotiate(header), expected, "Accept-Encoding: {header}");
        }
    }

    #[test]
    fn media_and_archives_are_not_compressed_again() {
        let with = |content_type: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            worth_encoding(StatusCode::OK, &headers)
        };
        assert!(with("application/json"));
        assert!(with("text/html; charset=utf-8"));
        assert!(with("image/svg+xml"));
        assert!(!with("image/png"));
        assert!(!with("application/zip"));
        assert!(!with(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ));
        assert!(!worth_encoding(StatusCode::NOT_MODIFIED, &HeaderMap::new()));
        let mut encoded = HeaderMap::new();
        encoded.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        assert!(!worth_encoding(StatusCode::OK, &encoded));
    }

    #[test]
    fn every_coding_decodes_to_the_body_whatever_its_size() {
        use std::io::Read;
        let text: Vec<u8> = (0..40_000u32)
            .flat_map(|i| format!("{{\"n\":{i},\"name\":\"Food bank {}\"}}", i % 97).into_bytes())
            .collect();
        for size in [1, 1023, 1024, 5_000, 70_000, text.len()] {
            let body = &text[..size];
            let zstd = zstd::bulk::decompress(&encode(ContentEncoding::Zstd, body).unwrap(), size)
                .unwrap();
            assert_eq!(zstd, body, "zstd, {size} bytes");
            let mut brotli = Vec::new();
            brotli::Decompressor::new(&encode(ContentEncoding::Brotli, body).unwrap()[..], 4096)
                .read_to_end(&mut brotli)
                .unwrap();
            assert_eq!(brotli, body, "brotli, {size} bytes");
            let mut gzip = Vec::new();
            flate2::read::GzDecoder::new(&encode(ContentEncoding::Gzip, body).unwrap()[..])
                .read_to_end(&mut gzip)
                .unwrap();
            assert_eq!(gzip, body, "gzip, {size} bytes");
        }
        assert!(encode(ContentEncoding::Deflate, b"x").is_err());
    }
}
