use std::{fmt, path::Path};

use anyhow::{Context, bail};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The server's 32-byte secret: it keys the MACs of flash cookies and interview links.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    /// Parses 64 hexadecimal characters.
    pub fn parse(hex: &str) -> anyhow::Result<Self> {
        let hex = hex.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("expected 64 hexadecimal characters (generate with: openssl rand -hex 32)");
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)?;
        }
        Ok(Self(key))
    }

    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// Development only: keeps one generated key in a file so links survive restarts.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if let Ok(existing) = std::fs::read_to_string(path) {
            return Self::parse(&existing).with_context(|| format!("{} is malformed", path.display()));
        }
        let key = Self::generate();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let hex: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(path, hex).with_context(|| format!("writing {}", path.display()))?;
        Ok(key)
    }

    /// HMAC-SHA256 of `parts`, each length-prefixed so that no two inputs collide.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(…)")
    }
}
