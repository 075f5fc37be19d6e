//! A deterministic generator of realistic synthetic directories in ORUK 3.0 (issue
//! "Performance"): the same seed gives the same services, byte for byte.
//!
//! Text is varied the way real directory text is: descriptions come from a word-bigram
//! model of the sample directory's descriptions of the same need (so a food bank reads like
//! a food bank and a broad AND query does not match half the corpus), names mix the sample's
//! names with generated place and venue names (thousands of distinct places), and
//! organisations have their own names. Places are spread over England around towns and
//! cities weighted by size, densest in London and Tower Hamlets. Services carry the sample's
//! taxonomy terms (needs and "suitable for"), weekly schedules, languages and costs.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// A small, fast, deterministic random number generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A standard normal number (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index weighted by `weights`.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut left = self.unit() * total;
        for (at, weight) in weights.iter().enumerate() {
            if left < *weight {
                return at;
            }
            left -= weight;
        }
        weights.len() - 1
    }
}

/// Towns and cities of England: name, latitude, longitude, weight (share of services),
/// spread in degrees. Tower Hamlets is listed on its own so that the borough's own
/// geography (localities, wards, postcodes) has a dense directory to search.
const TOWNS: &[(&str, f64, f64, f64, f64)] = &[
    ("Tower Hamlets", 51.5150, -0.0300, 6.0, 0.018),
    ("London", 51.5090, -0.1180, 22.0, 0.11),
    ("Birmingham", 52.4860, -1.8900, 6.0, 0.06),
    ("Manchester", 53.4800, -2.2420, 6.0, 0.06),
    ("Leeds", 53.8000, -1.5490, 4.0, 0.05),
    ("Liverpool", 53.4080, -2.9910, 4.0, 0.04),
    ("Sheffield", 53.3810, -1.4700, 3.0, 0.04),
    ("Bristol", 51.4540, -2.5880, 3.0, 0.04),
    ("Newcastle upon Tyne", 54.9780, -1.6180, 3.0, 0.04),
    ("Nottingham", 52.9540, -1.1580, 2.5, 0.03),
    ("Leicester", 52.6370, -1.1390, 2.5, 0.03),
    ("Coventry", 52.4080, -1.5110, 2.0, 0.03),
    ("Bradford", 53.7960, -1.7590, 2.0, 0.03),
    ("Southampton", 50.9090, -1.4040, 2.0, 0.03),
    ("Brighton", 50.8220, -0.1370, 2.0, 0.03),
    ("Portsmouth", 50.8200, -1.0880, 1.5, 0.02),
    ("Plymouth", 50.3760, -4.1430, 1.5, 0.03),
    ("Hull", 53.7680, -0.3330, 1.5, 0.03),
    ("Stoke-on-Trent", 53.0030, -2.1790, 1.5, 0.03),
    ("Derby", 52.9220, -1.4760, 1.2, 0.02),
    ("Reading", 51.4540, -0.9780, 1.2, 0.02),
    ("Milton Keynes", 52.0410, -0.7600, 1.2, 0.03),
    ("Norwich", 52.6300, 1.2970, 1.2, 0.03),
    ("Luton", 51.8790, -0.4170, 1.0, 0.02),
    ("Preston", 53.7630, -2.7030, 1.0, 0.03),
    ("Cambridge", 52.2050, 0.1220, 1.0, 0.02),
    ("Oxford", 51.7520, -1.2580, 1.0, 0.02),
    ("York", 53.9600, -1.0870, 1.0, 0.02),
    ("Exeter", 50.7180, -3.5340, 1.0, 0.03),
    ("Ipswich", 52.0560, 1.1480, 0.8, 0.02),
    ("Lincoln", 53.2300, -0.5400, 0.6, 0.02),
    ("Carlisle", 54.8920, -2.9320, 0.5, 0.02),
    ("Truro", 50.2630, -5.0510, 0.4, 0.02),
    ("Blackpool", 53.8170, -3.0360, 0.8, 0.02),
    ("Sunderland", 54.9060, -1.3810, 1.0, 0.02),
    ("Middlesbrough", 54.5740, -1.2350, 0.8, 0.02),
    ("Gloucester", 51.8640, -2.2440, 0.7, 0.02),
    ("Peterborough", 52.5700, -0.2400, 0.8, 0.02),
    ("Northampton", 52.2400, -0.9020, 0.9, 0.02),
    ("Bournemouth", 50.7200, -1.8800, 1.0, 0.03),
];

/// Share of services scattered over rural England rather than around a town.
const RURAL_WEIGHT: f64 = 4.0;

const SYLLABLES: &[&str] = &[
    "Ash", "Bel", "Brad", "Brook", "Cal", "Chester", "Dun", "Elm", "Fair", "Gran", "Hal", "Kings",
    "Lang", "Mar", "Mill", "North", "Oak", "Pen", "Queens", "Red", "Stan", "Thorn", "Up", "Wal",
    "West", "Whit", "Wood", "Ald", "Bar", "Cor", "Fen", "Hazel", "Ivy", "Lark", "Moor", "Nether",
    "Rose", "Sand", "Tal", "Wil",
];
const ENDINGS: &[&str] = &[
    "ford", "field", "ham", "ley", "ton", "wick", "bury", "by", "combe", "dale", "well", "worth",
    "stead", "mouth", "bridge", "gate", "hurst", "minster", "port", "thorpe", "cote", "hill",
];
const STREETS: &[&str] = &[
    "Road", "Street", "Lane", "Avenue", "Close", "Way", "Gardens", "Place", "Terrace", "Row",
];
const VENUES: &[&str] = &[
    "Community Centre",
    "Library",
    "Church Hall",
    "Mosque",
    "Youth Club",
    "Leisure Centre",
    "Family Hub",
    "Neighbourhood Centre",
    "Methodist Hall",
    "Tenants' Hall",
    "Health Centre",
    "Idea Store",
    "Primary School",
    "Sports Centre",
];
const ORGANISATION_KINDS: &[&str] = &[
    "Community Trust",
    "Foundation",
    "Association",
    "Network",
    "Centre",
    "Action",
    "Partnership",
    "Hub",
    "Collective",
    "Forum",
    "Project",
    "Society",
];
const LANGUAGES: &[(&str, &str, f64)] = &[
    ("ben", "Bengali", 4.0),
    ("syl", "Sylheti", 2.0),
    ("som", "Somali", 2.0),
    ("urd", "Urdu", 2.0),
    ("pol", "Polish", 2.0),
    ("ara", "Arabic", 1.5),
    ("tur", "Turkish", 1.0),
    ("por", "Portuguese", 1.0),
    ("spa", "Spanish", 1.0),
    ("ron", "Romanian", 1.0),
    ("pan", "Punjabi", 1.0),
    ("guj", "Gujarati", 0.8),
    ("tam", "Tamil", 0.6),
    ("bfi", "British Sign Language", 0.6),
    ("zho", "Chinese", 0.8),
    ("ukr", "Ukrainian", 0.8),
    ("fas", "Persian", 0.5),
    ("tir", "Tigrinya", 0.4),
];
const DAYS: &[&str] = &["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const OUTWARD_LETTERS: &[&str] = &[
    "B", "M", "LS", "L", "S", "BS", "NE", "NG", "LE", "CV", "BD", "SO", "BN", "PO", "PL", "HU",
    "ST", "DE", "RG", "MK", "NR", "LU", "PR", "CB", "OX", "YO", "EX", "IP", "LN", "CA", "TR",
];
const TOWER_HAMLETS_OUTWARD: &[&str] = &["E1", "E1W", "E2", "E3", "E14"];

/// A word-bigram model of some text.
#[derive(Default)]
struct Chain {
    starts: Vec<String>,
    next: BTreeMap<String, Vec<String>>,
}

impl Chain {
    fn learn(&mut self, text: &str) {
        for sentence in text.split_inclusive(['.', '!', '?']) {
            let words: Vec<&str> = sentence.split_whitespace().collect();
            if words.len() < 3 {
                continue;
            }
            self.starts.push(words[0].to_owned());
            for pair in words.windows(2) {
                self.next
                    .entry(pair[0].to_owned())
                    .or_default()
                    .push(pair[1].to_owned());
            }
        }
    }

    /// About `words` words of text, in sentences.
    fn say(&self, rng: &mut Rng, words: usize) -> String {
        let mut out: Vec<&str> = Vec::with_capacity(words + 20);
        while out.len() < words && !self.starts.is_empty() {
            let mut word = rng.pick(&self.starts).as_str();
            for _ in 0..40 {
                out.push(word);
                if word.ends_with(['.', '!', '?']) {
                    break;
                }
                match self.next.get(word) {
                    Some(next) => word = rng.pick(next).as_str(),
                    None => break,
                }
            }
            if !out.last().is_some_and(|w| w.ends_with(['.', '!', '?'])) {
                out.push("today.");
            }
        }
        out.join(" ")
    }
}

/// What the generator knows of one need: its term, the sample's names and text for it.
struct Need {
    term_id: String,
    names: Vec<String>,
    chain: Chain,
    weight: f64,
}

/// The generator.
pub struct Generator {
    needs: Vec<Need>,
    suitable_for: Vec<String>,
    places: Vec<String>,
    town_weights: Vec<f64>,
}

/// The id of service number `n`.
pub fn service_id(n: u64) -> String {
    id(1, n)
}

/// The ids of synthetic records: deterministic, one namespace per kind.
fn id(kind: u8, n: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        0x5e00_0000u32 | u32::from(kind),
        (n >> 48) & 0xffff,
        (n >> 36) & 0xfff,
        (n >> 48) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

impl Generator {
    /// A generator learned from the sample directory (`seed/`).
    pub fn new() -> Self {
        let taxonomies: Value =
            serde_json::from_str(include_str!("../../seed/taxonomies.json")).unwrap();
        let terms = taxonomies["taxonomy_terms"].as_array().unwrap();
        let needs_taxonomy = taxonomies["taxonomies"][0]["id"].as_str().unwrap();
        let mut needs: BTreeMap<String, Need> = BTreeMap::new();
        let mut suitable_for = Vec::new();
        for term in terms {
            let term_id = term["id"].as_str().unwrap().to_owned();
            if term["taxonomy_id"].as_str() == Some(needs_taxonomy) {
                needs.insert(
                    term_id.clone(),
                    Need {
                        term_id,
                        names: Vec::new(),
                        chain: Chain::default(),
                        weight: 0.0,
                    },
                );
            } else {
                suitable_for.push(term_id);
            }
        }
        for line in include_str!("../../seed/services.ndjson").lines() {
            let Ok(service) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            for attribute in service["attributes"].as_array().into_iter().flatten() {
                let Some(need) = attribute["taxonomy_term_id"]
                    .as_str()
                    .and_then(|id| needs.get_mut(id))
                else {
                    continue;
                };
                need.weight += 1.0;
                need.names
                    .push(service["name"].as_str().unwrap_or_default().to_owned());
                for field in ["description", "eligibility_description"] {
                    if let Some(text) = service[field].as_str() {
                        need.chain.learn(text);
                    }
                }
            }
        }
        let needs: Vec<Need> = needs.into_values().filter(|n| n.weight > 0.0).collect();
        let mut places = Vec::new();
        for first in SYLLABLES {
            for ending in ENDINGS {
                places.push(format!("{first}{ending}"));
            }
        }
        let mut town_weights: Vec<f64> = TOWNS.iter().map(|t| t.3).collect();
        town_weights.push(RURAL_WEIGHT);
        Self {
            needs,
            suitable_for,
            places,
            town_weights,
        }
    }

    /// A point, its town's name and a postcode near it.
    fn place(&self, rng: &mut Rng) -> (f64, f64, String, String) {
        let at = rng.weighted(&self.town_weights);
        if at == TOWNS.len() {
            let latitude = 50.3 + rng.unit() * 4.6;
            let longitude = -4.5 + rng.unit() * 5.9;
            let town = rng.pick(&self.places).clone();
            let postcode = format!(
                "{}{} {}{}{}",
                rng.pick(OUTWARD_LETTERS),
                1 + rng.below(40),
                rng.below(10),
                (b'A' + rng.below(26) as u8) as char,
                (b'A' + rng.below(26) as u8) as char
            );
            return (latitude, longitude, town, postcode);
        }
        let (name, latitude, longitude, _, spread) = TOWNS[at];
        let outward = if at == 0 {
            (*rng.pick(TOWER_HAMLETS_OUTWARD)).to_owned()
        } else {
            format!("{}{}", rng.pick(OUTWARD_LETTERS), 1 + rng.below(30))
        };
        (
            latitude + rng.normal() * spread,
            longitude + rng.normal() * spread * 1.6,
            name.to_owned(),
            format!(
                "{outward} {}{}{}",
                rng.below(10),
                (b'A' + rng.below(26) as u8) as char,
                (b'A' + rng.below(26) as u8) as char
            ),
        )
    }

    /// Service number `n` of a directory (with its organisation and places nested), the same
    /// for the same `seed` and `n`.
    pub fn service(&self, seed: u64, n: u64) -> Value {
        let mut rng = Rng::new(seed ^ n.wrapping_mul(0x2545_f491_4f6c_dd1d));
        let weights: Vec<f64> = self.needs.iter().map(|need| need.weight).collect();
        let need = &self.needs[rng.weighted(&weights)];
        let service_id = id(1, n);
        let organisation_n = n / 3;
        let mut org_rng = Rng::new(seed ^ 0xabcd ^ organisation_n.wrapping_mul(0x9e37_79b9));
        let organisation_place = org_rng.pick(&self.places).clone();
        let organisation_name =
            format!("{organisation_place} {}", org_rng.pick(ORGANISATION_KINDS));
        let organisation_id = id(2, organisation_n);
        let (latitude, longitude, town, postcode) = self.place(&mut rng);
        let place_name = rng.pick(&self.places).clone();
        let venue = format!("{place_name} {}", rng.pick(VENUES));
        let base_name = rng.pick(&need.names).clone();
        let name = match rng.below(4) {
            0 => format!("{base_name} ({place_name})"),
            1 => format!("{place_name} {}", base_name.to_lowercase()),
            2 => format!("{base_name} at {venue}"),
            _ => format!("{base_name}, {town}"),
        };
        let length = 30 + rng.below(50);
        let description = need.chain.say(&mut rng, length);
        let mut service = json!({
            "id": service_id,
            "organization_id": organisation_id,
            "name": name,
            "description": description,
            "status": match rng.below(100) { 0..=1 => "inactive", 2..=4 => "temporarily closed", _ => "active" },
            "url": format!("https://{}.example.org/{}", organisation_place.to_lowercase(), n),
            "organization": {
                "id": organisation_id,
                "name": organisation_name,
                "description": need.chain.say(&mut org_rng, 25),
            },
        });
        let mut attributes = vec![json!({
            "id": id(3, n * 4),
            "taxonomy_term_id": need.term_id,
            "link_type": "need",
        })];
        if rng.chance(0.3) && !self.suitable_for.is_empty() {
            attributes.push(json!({
                "id": id(3, n * 4 + 1),
                "taxonomy_term_id": rng.pick(&self.suitable_for),
                "link_type": "suitable_for",
            }));
        }
        service["attributes"] = Value::Array(attributes);
        let mut languages = vec![json!({"id": id(4, n * 4), "name": "English", "code": "eng"})];
        let language_weights: Vec<f64> = LANGUAGES.iter().map(|l| l.2).collect();
        for k in 0..rng.below(3) {
            let (code, name, _) = LANGUAGES[rng.weighted(&language_weights)];
            if !languages.iter().any(|l| l["code"] == code) {
                languages
                    .push(json!({"id": id(4, n * 4 + 1 + k as u64), "name": name, "code": code}));
            }
        }
        service["languages"] = Value::Array(languages);
        if rng.chance(0.7) {
            service["cost_options"] = json!([{"id": id(5, n), "option": "Free", "amount": 0}]);
        } else {
            service["fees"] = json!(format!("£{} a session", 1 + rng.below(10)));
        }
        if rng.chance(0.6) {
            let sessions = 1 + rng.below(3);
            let schedules: Vec<Value> = (0..sessions)
                .map(|k| {
                    let days: Vec<&str> = DAYS.iter().copied().filter(|_| rng.chance(0.3)).collect();
                    let days = if days.is_empty() { vec![*rng.pick(DAYS)] } else { days };
                    let opens = 8 + rng.below(10);
                    json!({
                        "id": id(6, n * 4 + k as u64),
                        "freq": "WEEKLY",
                        "byday": days.join(","),
                        "opens_at": format!("{opens:02}:{}", if rng.chance(0.5) { "00" } else { "30" }),
                        "closes_at": format!("{:02}:00", opens + 1 + rng.below(6)),
                    })
                })
                .collect();
            service["schedules"] = Value::Array(schedules);
        }
        if rng.chance(0.9) {
            let location_id = id(7, n);
            service["service_at_locations"] = json!([{
                "id": id(8, n),
                "location_id": location_id,
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": venue,
                    "latitude": (latitude * 1e6).round() / 1e6,
                    "longitude": (longitude * 1e6).round() / 1e6,
                    "addresses": [{
                        "id": id(9, n),
                        "address_1": format!("{} {place_name} {}", 1 + rng.below(200), rng.pick(STREETS)),
                        "city": town,
                        "state_province": "England",
                        "postal_code": postcode,
                        "country": "GB",
                        "address_type": "physical",
                    }],
                },
            }]);
        }
        service
    }
}
