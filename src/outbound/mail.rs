//! Sending e-mail: the [`Mailer`] trait and its SMTP adapter (lettre; `smtp://` for a local
//! relay or sink, `smtp://...?tls=required` for STARTTLS, `smtps://` for implicit TLS,
//! credentials in the URL's user and password).

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

use crate::domain::values::Email;

/// How long one SMTP conversation may take.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Sends one plain-text message. Blocking: call it off the async executor.
pub trait Mailer: Send + Sync {
    /// Sends `body` to `to`; the error says why it was not accepted.
    fn send(&self, to: &Email, subject: &str, body: &str) -> Result<(), String>;
}

/// Delivery through an SMTP server.
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for the server at `url`, sending as `from` (`Name <address>` or an address).
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| format!("the SMTP URL is not usable: {e}"))?
            .timeout(Some(TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("the sender address {from:?} is not usable: {e}"))?;
        Ok(Self { transport, from })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, to: &Email, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to
            .as_str()
            .parse()
            .map_err(|e| format!("the recipient address is not usable: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body.to_owned())
            .map_err(|e| format!("the message could not be built: {e}"))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
