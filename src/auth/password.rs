//! Passwords: argon2id hashes with pinned parameters, and the rules a new password must meet.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost in KiB (19 MiB), iterations and lanes: OWASP's recommended minimum for
/// argon2id. Changing them changes new hashes only; old hashes carry their own parameters
/// and still verify.
pub const MEMORY_KIB: u32 = 19_456;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const LANES: u32 = 1;

/// The shortest password accepted, in characters.
pub const MIN_CHARS: usize = 10;
/// The longest, in characters (long passphrases are welcome; this bounds hashing work).
pub const MAX_CHARS: usize = 200;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .expect("the pinned argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password`'s argon2id hash with a fresh random salt.
pub fn hash(password: &str) -> String {
    hasher()
        .hash_password(password.as_bytes())
        .expect("argon2 hashes any password of bounded length")
        .to_string()
}

/// Whether `password` matches `phc` (a hash made by [`hash`], with its own parameters).
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// A hash of nothing anyone knows, verified when an address has no account so that a
/// failed sign-in takes as long whether or not the account exists.
pub fn burn_time(password: &str) {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash("no account has this password, ever"));
    let _ = verify(password, &DUMMY);
}

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// Shorter than [`MIN_CHARS`].
    TooShort,
    /// Longer than [`MAX_CHARS`].
    TooLong,
    /// One of the most common passwords, or one character repeated.
    Common,
    /// Contains the account's e-mail name.
    ContainsEmail,
}

/// Passwords that are guessed first (a short list: length does most of the work).
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "qwerty",
    "qwertyuiop",
    "1234567890",
    "0123456789",
    "12345678910",
    "iloveyou",
    "letmein",
    "welcome",
    "welcome1",
    "admin",
    "administrator",
    "football",
    "monkey",
    "dragon",
    "sunshine",
    "baseball",
    "signpost",
    "towerhamlets",
    "whitechapel",
    "london",
    "changeme",
];

/// Checks a new password for the account signing in as `email`.
pub fn check(password: &str, email: &str) -> Result<(), Weakness> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(Weakness::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(Weakness::TooLong);
    }
    let lower = password.to_lowercase();
    let stripped = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '!');
    let first = lower.chars().next().unwrap_or_default();
    if COMMON.contains(&lower.as_str())
        || COMMON.contains(&stripped)
        || lower.chars().all(|c| c == first)
    {
        return Err(Weakness::Common);
    }
    let name = email.split('@').next().unwrap_or_default().to_lowercase();
    if name.chars().count() >= 4 && lower.contains(&name) {
        return Err(Weakness::ContainsEmail);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameters are part of the security promise: a change must be deliberate.
    #[test]
    fn hashes_are_argon2id_with_the_pinned_parameters() {
        let phc = hash("correct horse battery staple");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery staple", &phc));
        assert!(!verify("correct horse battery stapler", &phc));
        assert_ne!(
            phc,
            hash("correct horse battery staple"),
            "a fresh salt each time"
        );
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(check("short", "a@b.org"), Err(Weakness::TooShort));
        assert_eq!(check("Password123!", "a@b.org"), Err(Weakness::Common));
        assert_eq!(check("aaaaaaaaaaaa", "a@b.org"), Err(Weakness::Common));
        assert_eq!(
            check("rahima.khan2026", "rahima.khan@example.org"),
            Err(Weakness::ContainsEmail)
        );
        assert_eq!(
            check(&("x".repeat(150) + &"y".repeat(51)), "a@b.org"),
            Err(Weakness::TooLong)
        );
        assert_eq!(
            check("lentil soup on tuesdays", "rahima@example.org"),
            Ok(())
        );
        assert_eq!(check("চাঁদের আলোয় নৌকা", "rahima@example.org"), Ok(()));
    }
}
