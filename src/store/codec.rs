//! How records are kept in sled: their JSON, zstd-compressed when that is worth it, with a
//! dictionary trained on the table's own records where the table has one.
//!
//! A record's JSON repeats itself (field names, the ids of its schedules, languages and
//! links share most of their digits), and sled keeps about two bytes on disk for every byte
//! of value it holds. Compressed on its own, a service record halves; most of what is left
//! is what every record of its table shares (field names, the vocabulary of statuses and
//! days, the shape of a schedule), which a dictionary trained on a sample of the table
//! holds once. Compressed with one, the same records take about half as much again, and
//! read faster: zstd's tables come ready from the dictionary instead of from each frame.
//!
//! A stored value is either a zstd frame (it starts with zstd's magic number, which no JSON
//! text starts with) or, for a short record or one written before format 2, the JSON
//! itself; [`unpack`] reads both. A frame written with a dictionary names it (zstd's
//! dictionary id, in the frame header); the store keeps every dictionary it has trained,
//! beside the records, so every record stays readable, in a backup too.
//!
//! Since format 5 a record with a history (service, organization, location) may start
//! with its *origin*: [`ORIGIN_TAG`] (a byte neither JSON nor a frame starts with), then
//! the store generation of the change that created it, as an unsigned LEB128 number. It
//! stands for the history entry that change would otherwise have kept for every record it
//! created (an import creates hundreds of thousands). [`unpack`] reads past it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use zstd::zstd_safe::{self, CCtx, CDict, DCtx, DDict};

/// Records shorter than this are kept as JSON: a frame's header and tables cost more than
/// compressing them saves.
pub const SMALLEST_PACKED: usize = 160;
/// zstd's default level. With a trained dictionary it keeps the 100k benchmark's records
/// 12 % (services), 13 % (organizations) and 2 % (locations) smaller than level 1, at about
/// the same speed (3.3 against 3.2 µs a service) and reading as fast; level 4 gains little
/// more, level 6 takes four times as long to write (BENCHMARKS.md, "Disk").
const LEVEL: i32 = 3;
/// The first four bytes of every zstd frame (little-endian 0xFD2FB528).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// No record is larger: a frame that says it is (damage) is refused, not allocated.
const LARGEST_RECORD: usize = 64 * 1024 * 1024;
/// The largest dictionary trained: zstd's own default. On the 100k benchmark's records at
/// [`LEVEL`] (trained on 2,000, compressing the others), 64 KiB made services 5.96 times
/// smaller than their JSON, 110 KiB 6.23 (160 KiB 6.45); organizations 3.82 and 4.02;
/// locations 5.27 and 5.24 (BENCHMARKS.md, "Disk").
const DICTIONARY_BYTES: usize = 110 * 1024;

thread_local! {
    /// Each thread's contexts, made at its first use and reused: a context costs more to
    /// set up than a record takes to compress.
    static COMPRESSOR: RefCell<Option<CCtx<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<DCtx<'static>>> = const { RefCell::new(None) };
}

/// The first byte of a stored value that starts with its record's origin.
const ORIGIN_TAG: u8 = 0x01;

/// A dictionary trained on one table's records, ready to compress and decompress with.
pub struct Dictionary {
    id: u32,
    /// How many records the table held when it was trained.
    trained_on: u64,
    bytes: Vec<u8>,
    encoder: CDict<'static>,
    decoder: DDict<'static>,
}

impl Dictionary {
    /// A dictionary from its bytes (as [`train`] made them), refused when they are not one.
    pub fn new(bytes: Vec<u8>, trained_on: u64) -> Result<Self, String> {
        let id = zstd_safe::get_dict_id_from_dict(&bytes)
            .ok_or_else(|| "not a zstd dictionary".to_owned())?
            .get();
        let encoder = CDict::try_create(&bytes, LEVEL)
            .ok_or_else(|| format!("dictionary {id} cannot be loaded"))?;
        let decoder =
            DDict::try_create(&bytes).ok_or_else(|| format!("dictionary {id} cannot be loaded"))?;
        Ok(Self {
            id,
            trained_on,
            bytes,
            encoder,
            decoder,
        })
    }

    /// zstd's id of the dictionary, which the frames written with it carry.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// How many records the table held when the dictionary was trained.
    pub fn trained_on(&self) -> u64 {
        self.trained_on
    }

    /// The dictionary as kept.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Trains a dictionary on records' JSON; `None` when the samples are too few or too alike
/// for zstd to make one.
pub fn train<S: AsRef<[u8]>>(samples: &[S]) -> Option<Vec<u8>> {
    zstd::dict::from_samples(samples, DICTIONARY_BYTES)
        .ok()
        .filter(|bytes| zstd_safe::get_dict_id_from_dict(bytes).is_some())
}

/// The dictionaries a store holds, by id: every one it has trained reads the frames that
/// name it.
#[derive(Default)]
pub struct Dictionaries {
    by_id: RwLock<HashMap<u32, Arc<Dictionary>>>,
}

impl Dictionaries {
    /// Adds a dictionary; refused when another one has its id.
    pub fn add(&self, dictionary: Arc<Dictionary>) -> Result<(), String> {
        let mut by_id = self
            .by_id
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match by_id.get(&dictionary.id) {
            Some(held) if held.bytes != dictionary.bytes => Err(format!(
                "two different dictionaries have the id {}",
                dictionary.id
            )),
            _ => {
                by_id.insert(dictionary.id, dictionary);
                Ok(())
            }
        }
    }

    fn get(&self, id: u32) -> Option<Arc<Dictionary>> {
        self.by_id
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
            .cloned()
    }
}

/// The bytes to store for a record's JSON, compressed with `dictionary` when one is given.
pub fn pack<'a>(json: &'a [u8], dictionary: Option<&Dictionary>) -> Cow<'a, [u8]> {
    if json.len() < SMALLEST_PACKED {
        return Cow::Borrowed(json);
    }
    let packed = COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let context = match cell.as_mut() {
            Some(context) => context,
            None => cell.insert(CCtx::try_create()?),
        };
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(json.len()));
        let written = match dictionary {
            Some(dictionary) => context.compress_using_cdict(&mut out, json, &dictionary.encoder),
            None => context.compress(&mut out, json, LEVEL),
        };
        written.ok().map(|_| out)
    });
    match packed {
        Some(packed) if packed.len() < json.len() => Cow::Owned(packed),
        _ => Cow::Borrowed(json),
    }
}

/// `stored` (a record's bytes as [`pack`] made them) preceded by its origin: the store
/// generation of the change that created the record.
pub fn with_origin(generation: u64, stored: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(stored.len() + 11);
    bytes.push(ORIGIN_TAG);
    let mut rest = generation;
    loop {
        let low = (rest & 0x7F) as u8;
        rest >>= 7;
        if rest == 0 {
            bytes.push(low);
            break;
        }
        bytes.push(low | 0x80);
    }
    bytes.extend_from_slice(stored);
    bytes
}

/// A stored value's origin (see [`with_origin`]), if it has one, and the bytes after it.
/// An origin that does not end, or overflows, is damage.
fn split_origin(stored: &[u8]) -> Result<(Option<u64>, &[u8]), String> {
    let Some((&ORIGIN_TAG, rest)) = stored.split_first() else {
        return Ok((None, stored));
    };
    let mut generation = 0u64;
    for (index, byte) in rest.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7F);
        let shift = 7 * index as u32;
        if shift == 63 && low > 1 {
            break;
        }
        generation |= low << shift;
        if byte & 0x80 == 0 {
            return Ok((Some(generation), &rest[index + 1..]));
        }
    }
    Err("damaged record: its origin does not end".to_owned())
}

/// The store generation that created the record kept in `stored`, when it says.
pub fn origin(stored: &[u8]) -> Option<u64> {
    split_origin(stored).ok().and_then(|(origin, _)| origin)
}

/// A stored value without its origin; damaged bytes are returned whole, for [`unpack`] to
/// refuse.
fn body(stored: &[u8]) -> &[u8] {
    split_origin(stored).map_or(stored, |(_, body)| body)
}

/// A stored value's JSON; an error says why a frame could not be read.
pub fn unpack<'a>(stored: &'a [u8], dictionaries: &Dictionaries) -> Result<Cow<'a, [u8]>, String> {
    let (_, stored) = split_origin(stored)?;
    if !is_packed(stored) {
        return Ok(Cow::Borrowed(stored));
    }
    let size = zstd_safe::get_frame_content_size(stored)
        .map_err(|_| "damaged compressed record".to_owned())?
        .ok_or_else(|| "compressed record without its size".to_owned())?;
    let size = usize::try_from(size)
        .ok()
        .filter(|size| *size <= LARGEST_RECORD)
        .ok_or_else(|| format!("compressed record says it holds {size} bytes"))?;
    let dictionary = match dictionary_of(stored) {
        Some(id) => Some(dictionaries.get(id).ok_or_else(|| {
            format!("compressed with dictionary {id}, which the store does not hold")
        })?),
        None => None,
    };
    DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let context = match cell.as_mut() {
            Some(context) => context,
            None => cell.insert(
                DCtx::try_create().ok_or_else(|| "out of memory for decompression".to_owned())?,
            ),
        };
        let mut json = Vec::with_capacity(size);
        match &dictionary {
            Some(dictionary) => {
                context.decompress_using_ddict(&mut json, stored, &dictionary.decoder)
            }
            None => context.decompress(&mut json, stored),
        }
        .map_err(|code| {
            format!(
                "damaged compressed record: {}",
                zstd_safe::get_error_name(code)
            )
        })?;
        if json.len() == size {
            Ok(Cow::Owned(json))
        } else {
            Err("compressed record shorter than it says".to_owned())
        }
    })
}

/// Whether a stored value is a zstd frame (after its origin, if it has one).
pub fn is_packed(stored: &[u8]) -> bool {
    body(stored).starts_with(&ZSTD_MAGIC)
}

/// The id of the dictionary a stored value was compressed with, if any.
pub fn dictionary_of(stored: &[u8]) -> Option<u32> {
    let stored = body(stored);
    if stored.starts_with(&ZSTD_MAGIC) {
        zstd_safe::get_dict_id_from_frame(stored).map(std::num::NonZeroU32::get)
    } else {
        None
    }
}

/// Whether a stored value holds exactly this record's JSON: the bytes it would be stored
/// as, or other bytes (JSON kept before format 2, a frame written without a dictionary or
/// with an older one) that read as the same JSON. Its origin is not compared.
pub fn holds(stored: &[u8], packed: &[u8], json: &[u8], dictionaries: &Dictionaries) -> bool {
    body(stored) == packed || unpack(stored, dictionaries).is_ok_and(|held| held.as_ref() == json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_record() -> String {
        format!(
            r#"{{"description":"{}"}}"#,
            "Free food parcels. ".repeat(30)
        )
    }

    /// Service-like records that share their shape and vocabulary, each with its own id,
    /// name and text.
    fn records(count: usize) -> Vec<Vec<u8>> {
        const WORDS: [&str; 12] = [
            "food", "bank", "advice", "debt", "English", "class", "women", "walking", "group",
            "carers", "housing", "lunch",
        ];
        (0..count)
            .map(|n| {
                let word = |k: usize| WORDS[(n * 7 + k * 5) % WORDS.len()];
                serde_json::to_vec(&serde_json::json!({
                    "id": format!("{:08x}-5b1c-4e7e-9a0b-{:012x}", n * 2_654_435_761 % 4_294_967_291, n * 97),
                    "name": format!("{} {} {n}", word(1), word(2)),
                    "description": format!("A {} {} for {} in Tower Hamlets, every {}.", word(3), word(4), word(5), word(6)),
                    "status": "active",
                    "schedules": [{"byday": "MO,WE", "opens_at": "10:00", "closes_at": "14:00", "freq": "WEEKLY"}],
                    "languages": [{"name": "English", "code": "en"}, {"name": "Bengali", "code": "bn"}],
                    "contacts": [{"email": format!("info{n}@example.org"), "phone": format!("020 7{n:06}")}],
                }))
                .unwrap()
            })
            .collect()
    }

    fn trained(count: usize) -> Arc<Dictionary> {
        let bytes = train(&records(count)).expect("a dictionary is trained");
        Arc::new(Dictionary::new(bytes, count as u64).unwrap())
    }

    /// One dictionary for the property tests, trained once.
    fn shared() -> Arc<Dictionary> {
        static SHARED: std::sync::OnceLock<Arc<Dictionary>> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| trained(600)).clone()
    }

    #[test]
    fn short_records_stay_json_and_long_ones_are_compressed() {
        let none = Dictionaries::default();
        let short = br#"{"id":"x"}"#;
        assert_eq!(pack(short, None).as_ref(), short);
        let long = long_record();
        let packed = pack(long.as_bytes(), None);
        assert!(is_packed(&packed));
        assert_eq!(dictionary_of(&packed), None);
        assert!(packed.len() * 4 < long.len());
        assert_eq!(unpack(&packed, &none).unwrap().as_ref(), long.as_bytes());
        assert_eq!(unpack(short, &none).unwrap().as_ref(), short);
    }

    #[test]
    fn a_trained_dictionary_packs_its_tables_records_smaller_and_they_name_it() {
        let dictionary = trained(600);
        let dictionaries = Dictionaries::default();
        dictionaries.add(dictionary.clone()).unwrap();
        // Records the dictionary was not trained on, as a table's new records are.
        let fresh = &records(700)[600..];
        let (mut alone, mut with) = (0, 0);
        for json in fresh {
            let plain = pack(json, None);
            let packed = pack(json, Some(&dictionary));
            assert_eq!(dictionary_of(&packed), Some(dictionary.id()));
            assert_eq!(
                unpack(&packed, &dictionaries).unwrap().as_ref(),
                json.as_slice()
            );
            assert!(
                holds(&plain, &packed, json, &dictionaries),
                "the same record, packed without"
            );
            alone += plain.len();
            with += packed.len();
        }
        assert!(
            with * 3 < alone * 2,
            "{with} bytes with the dictionary, {alone} without"
        );
    }

    #[test]
    fn a_frame_whose_dictionary_is_missing_is_refused_by_name() {
        let dictionary = trained(600);
        let json = &records(601)[600];
        let packed = pack(json, Some(&dictionary));
        let error = unpack(&packed, &Dictionaries::default()).unwrap_err();
        assert!(error.contains(&dictionary.id().to_string()), "{error}");
        // Another table's dictionary does not read it either.
        let other = Dictionaries::default();
        let mut shifted = records(700);
        shifted.iter_mut().for_each(|record| record.reverse());
        let foreign = Dictionary::new(train(&shifted).unwrap(), 700).unwrap();
        assert_ne!(foreign.id(), dictionary.id());
        other.add(Arc::new(foreign)).unwrap();
        assert!(unpack(&packed, &other).is_err());
        assert!(!holds(&packed, b"", json, &other));
    }

    #[test]
    fn a_dictionary_is_checked_before_it_is_used() {
        assert!(Dictionary::new(b"not a dictionary".to_vec(), 1).is_err());
        let dictionaries = Dictionaries::default();
        let dictionary = trained(600);
        dictionaries.add(dictionary.clone()).unwrap();
        // The same dictionary again is harmless; another with its id is refused.
        dictionaries.add(dictionary.clone()).unwrap();
        let mut forged = dictionary.bytes().to_vec();
        let last = forged.len() - 1;
        forged[last] ^= 0x55;
        let forged = Dictionary::new(forged, 600).unwrap();
        assert_eq!(forged.id(), dictionary.id());
        assert!(dictionaries.add(Arc::new(forged)).is_err());
    }

    #[test]
    fn an_origin_is_a_few_bytes_and_a_damaged_one_is_refused() {
        let none = Dictionaries::default();
        let json = br#"{"id":"x"}"#;
        assert_eq!(with_origin(5, json).len(), json.len() + 2);
        assert_eq!(with_origin(300, json).len(), json.len() + 3);
        assert_eq!(origin(&with_origin(300, json)), Some(300));
        assert_eq!(origin(&with_origin(u64::MAX, json)), Some(u64::MAX));
        // Continuation bits to the end, or past 64 bits: refused, not wrapped.
        assert!(unpack(&[ORIGIN_TAG, 0x80, 0x80], &none).is_err());
        let mut overflowing = vec![ORIGIN_TAG];
        overflowing.extend_from_slice(&[0xFF; 9]);
        overflowing.push(0x02);
        overflowing.extend_from_slice(json);
        assert!(unpack(&overflowing, &none).is_err());
        assert_eq!(origin(&overflowing), None);
    }

    #[test]
    fn damaged_frames_are_refused_not_trusted() {
        let none = Dictionaries::default();
        let packed = pack(long_record().as_bytes(), None).into_owned();
        let cut = &packed[..packed.len() - 3];
        assert!(unpack(cut, &none).is_err());
        // A header claiming a terabyte is not allocated.
        let mut huge = ZSTD_MAGIC.to_vec();
        huge.extend_from_slice(&[0xE0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]);
        let error = unpack(&huge, &none).unwrap_err();
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
            let dictionaries = Dictionaries::default();
            dictionaries.add(shared()).unwrap();
            let mut framed = ZSTD_MAGIC.to_vec();
            framed.extend_from_slice(&bytes);
            let _ = unpack(&framed, &dictionaries);
            let _ = unpack(&bytes, &dictionaries);
            let mut with_tag = vec![ORIGIN_TAG];
            with_tag.extend_from_slice(&bytes);
            let _ = unpack(&with_tag, &dictionaries);
            let _ = (origin(&with_tag), dictionary_of(&with_tag), is_packed(&with_tag));
        }

        #[test]
        fn a_records_origin_is_kept_before_it_and_read_past(
            generation: u64,
            text in "\\PC{0,400}",
            with_dictionary: bool,
        ) {
            let dictionary = shared();
            let dictionaries = Dictionaries::default();
            dictionaries.add(dictionary.clone()).unwrap();
            let json = serde_json::to_vec(&text).unwrap();
            let packed = pack(&json, with_dictionary.then_some(&*dictionary));
            let stored = with_origin(generation, &packed);
            proptest::prop_assert_eq!(origin(&stored), Some(generation));
            proptest::prop_assert_eq!(origin(&packed), None);
            let unpacked = unpack(&stored, &dictionaries).unwrap();
            proptest::prop_assert_eq!(unpacked.as_ref(), json.as_slice());
            proptest::prop_assert_eq!(dictionary_of(&stored), dictionary_of(&packed));
            proptest::prop_assert_eq!(is_packed(&stored), is_packed(&packed));
            proptest::prop_assert!(holds(&stored, &packed, &json, &dictionaries));
            // At most ten bytes for the largest generation; one for the first 127.
            proptest::prop_assert!(stored.len() - packed.len() <= 11);
        }

        #[test]
        fn what_is_packed_unpacks_to_itself(text in "\\PC{0,600}", with_dictionary: bool) {
            let dictionary = shared();
            let dictionaries = Dictionaries::default();
            dictionaries.add(dictionary.clone()).unwrap();
            let json = serde_json::to_vec(&text).unwrap();
            let packed = pack(&json, with_dictionary.then_some(&*dictionary));
            let unpacked = unpack(&packed, &dictionaries).unwrap();
            proptest::prop_assert_eq!(unpacked.as_ref(), json.as_slice());
            proptest::prop_assert!(holds(&packed, &packed, &json, &dictionaries));
            proptest::prop_assert!(holds(&json, &packed, &json, &dictionaries));
        }
    }
}
