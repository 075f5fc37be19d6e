//! Everything Signpost sends out of the process: e-mail (freshness reminders), other
//! publishers' feeds, and online postcode lookups. Adapters live here behind small traits so that the rest of the code
//! (and its tests) does not know how a message leaves.

pub mod http;
pub mod mail;
pub mod postcodes;
