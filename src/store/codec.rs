//! How records are kept in sled: their JSON, zstd-compressed when that is worth it.
//!
//! A record's JSON repeats itself (field names, the ids of its schedules, languages and
//! links share most of their digits), and sled keeps about two bytes on disk for every byte
//! of value it holds. Compressing a record on its own (no shared dictionary: a record is
//! readable from its bytes alone, in a backup too) halves the services' bytes.
//!
//! A stored value is either a zstd frame (it starts with zstd's magic number, which no JSON
//! text starts with) or, for a short record or one written before format 2, the JSON
//! itself; [`unpack`] reads both.

use std::borrow::Cow;
use std::cell::RefCell;

/// Records shorter than this are kept as JSON: a frame's header and tables cost more than
/// compressing them saves.
const SMALLEST_PACKED: usize = 160;
/// zstd's level 1: its fastest level still halves a service record.
const LEVEL: i32 = 1;
/// The first four bytes of every zstd frame (little-endian 0xFD2FB528).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// No record is larger: a frame that says it is (damage) is refused, not allocated.
const LARGEST_RECORD: usize = 64 * 1024 * 1024;

thread_local! {
    /// Each thread's contexts, made at its first use and reused: a context costs more to
    /// set up than a record takes to compress.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// The bytes to store for a record's JSON.
pub fn pack(json: &[u8]) -> Cow<'_, [u8]> {
    if json.len() < SMALLEST_PACKED {
        return Cow::Borrowed(json);
    }
    let packed = COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = match cell.as_mut() {
            Some(compressor) => compressor,
            None => cell.insert(zstd::bulk::Compressor::new(LEVEL).ok()?),
        };
        compressor.compress(json).ok()
    });
    match packed {
        Some(packed) if packed.len() < json.len() => Cow::Owned(packed),
        _ => Cow::Borrowed(json),
    }
}

/// A stored value's JSON; an error says why a frame could not be read.
pub fn unpack(stored: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    if !is_packed(stored) {
        return Ok(Cow::Borrowed(stored));
    }
    let size = zstd::zstd_safe::get_frame_content_size(stored)
        .map_err(|_| "damaged compressed record".to_owned())?
        .ok_or_else(|| "compressed record without its size".to_owned())?;
    let size = usize::try_from(size)
        .ok()
        .filter(|size| *size <= LARGEST_RECORD)
        .ok_or_else(|| format!("compressed record says it holds {size} bytes"))?;
    DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let decompressor = match cell.as_mut() {
            Some(decompressor) => decompressor,
            None => cell.insert(zstd::bulk::Decompressor::new().map_err(|e| e.to_string())?),
        };
        let json = decompressor
            .decompress(stored, size)
            .map_err(|error| format!("damaged compressed record: {error}"))?;
        if json.len() == size {
            Ok(Cow::Owned(json))
        } else {
            Err("compressed record shorter than it says".to_owned())
        }
    })
}

/// Whether a stored value is a zstd frame.
pub fn is_packed(stored: &[u8]) -> bool {
    stored.starts_with(&ZSTD_MAGIC)
}

/// Whether a stored value holds exactly this (packed) record: the same bytes, or, for a
/// value kept as JSON before format 2, the same JSON.
pub fn holds(stored: &[u8], packed: &[u8], json: &[u8]) -> bool {
    stored == packed || (!is_packed(stored) && stored == json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_records_stay_json_and_long_ones_are_compressed() {
        let short = br#"{"id":"x"}"#;
        assert_eq!(pack(short).as_ref(), short);
        let long = format!(
            r#"{{"description":"{}"}}"#,
            "Free food parcels. ".repeat(30)
        );
        let packed = pack(long.as_bytes());
        assert!(is_packed(&packed));
        assert!(packed.len() * 4 < long.len());
        assert_eq!(unpack(&packed).unwrap().as_ref(), long.as_bytes());
        assert_eq!(unpack(short).unwrap().as_ref(), short);
    }

    #[test]
    fn damaged_frames_are_refused_not_trusted() {
        let long = format!(
            r#"{{"description":"{}"}}"#,
            "Free food parcels. ".repeat(30)
        );
        let packed = pack(long.as_bytes()).into_owned();
        let cut = &packed[..packed.len() - 3];
        assert!(unpack(cut).is_err());
        // A header claiming a terabyte is not allocated.
        let mut huge = ZSTD_MAGIC.to_vec();
        huge.extend_from_slice(&[0xE0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]);
        let error = unpack(&huge).unwrap_err();
        assert!(
            error.contains("bytes") || error.contains("damaged"),
            "{error}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_without_panicking(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let mut framed = ZSTD_MAGIC.to_vec();
            framed.extend_from_slice(&bytes);
            let _ = unpack(&framed);
            let _ = unpack(&bytes);
        }

        #[test]
        fn what_is_packed_unpacks_to_itself(text in "\\PC{0,600}") {
            let json = serde_json::to_vec(&text).unwrap();
            let packed = pack(&json);
            let unpacked = unpack(&packed).unwrap();
            proptest::prop_assert_eq!(unpacked.as_ref(), json.as_slice());
            proptest::prop_assert!(holds(&packed, &packed, &json));
            proptest::prop_assert!(holds(&json, &packed, &json));
        }
    }
}
