//! Time-based one-time passwords (RFC 6238 over RFC 4226: HMAC-SHA1, 30-second steps,
//! 6 digits), the codes authenticator apps show. Secrets are 160 random bits, written in
//! base32 (RFC 4648, no padding) for people and `otpauth://` links.

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Codes of this many steps either side of now are accepted (clock drift, slow typing).
const DRIFT_STEPS: u64 = 1;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new secret, in base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    base32(&bytes)
}

/// RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for byte in bytes {
        buffer = (buffer << 8) | u64::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads base32 in any case, ignoring spaces; none when it is not base32.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = ALPHABET
            .iter()
            .position(|a| *a as char == c.to_ascii_uppercase())? as u64;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The time step of `now`.
pub fn step_of(now: DateTime<Utc>) -> u64 {
    (now.timestamp().max(0) / STEP_SECONDS) as u64
}

/// The code for `step` (RFC 4226 HOTP with dynamic truncation).
pub fn code_at(secret: &[u8], step: u64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!(
        "{:0width$}",
        binary % 10u32.pow(DIGITS),
        width = DIGITS as usize
    )
}

/// The code an app shows now for the base32 `secret` (for tests and set-up checks).
pub fn code_now(secret: &str, now: DateTime<Utc>) -> Option<String> {
    Some(code_at(&base32_decode(secret)?, step_of(now)))
}

/// The step `code` was made for, if it is right for now (within the drift) and later than
/// `last_used` (a code works once).
pub fn verify(secret: &str, code: &str, now: DateTime<Utc>, last_used: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secret = base32_decode(secret)?;
    let now = step_of(now);
    (now.saturating_sub(DRIFT_STEPS)..=now + DRIFT_STEPS)
        .filter(|step| *step > last_used)
        .find(|step| {
            let expected = code_at(&secret, *step);
            crate::auth::constant_time_eq(expected.as_bytes(), code.as_bytes())
        })
}

/// The `otpauth://` link an authenticator app reads (from a QR code).
pub fn uri(secret: &str, account: &str, issuer: &str) -> String {
    let label: String =
        url::form_urlencoded::byte_serialize(format!("{issuer}:{account}").as_bytes()).collect();
    let issuer_param: String = url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect();
    format!(
        "otpauth://totp/{label}?secret={secret}&issuer={issuer_param}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// RFC 6238 appendix B (SHA-1), last six digits.
    #[test]
    fn matches_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            let at = Utc.timestamp_opt(time, 0).unwrap();
            assert_eq!(code_at(secret, step_of(at)), code, "at {time}");
        }
        assert_eq!(base32(secret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    #[test]
    fn a_code_works_once_and_only_near_its_time() {
        let secret = new_secret();
        let now = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
        let code = code_now(&secret, now).unwrap();
        let step = verify(&secret, &code, now, 0).expect("the current code");
        assert_eq!(verify(&secret, &code, now, step), None, "not twice");
        let later = now + chrono::Duration::seconds(30);
        assert!(
            verify(&secret, &code, later, 0).is_some(),
            "one step of drift"
        );
        let much_later = now + chrono::Duration::seconds(120);
        assert_eq!(verify(&secret, &code, much_later, 0), None);
        assert_eq!(verify(&secret, "12345", now, 0), None);
        assert_eq!(verify(&secret, "abcdef", now, 0), None);
        assert!(
            uri(&secret, "mo@example.org", "Signpost")
                .starts_with("otpauth://totp/Signpost%3Amo%40example.org?secret=")
        );
    }

    proptest! {
        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(base32_decode(&base32(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn any_typed_code_is_answered_without_panicking(code in "\\PC{0,12}") {
            let _ = verify("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", &code, Utc::now(), 0);
        }
    }
}
