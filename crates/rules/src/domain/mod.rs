//! Validated values shared across features: once built, they are known to be valid.

mod email;
mod secret;
mod text;

pub use email::EmailAddress;
pub use secret::SecretKey;
pub use text::{RequiredText, clean_optional, optional_text};
