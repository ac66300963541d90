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
        // Readable by its owner only: whoever reads it can forge links and flash messages.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
        std::io::Write::write_all(&mut file, hex.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn mac_is_hmac_sha256_of_length_prefixed_parts() {
        // Python: hmac.new(key, len(p1).to_bytes(8, "big") + p1 + len(p2).to_bytes(8, "big") + p2, sha256)
        let key = SecretKey::parse(HEX).unwrap();
        assert_eq!(
            hex(&key.mac(&[b"interview-link", b"abc"])),
            "ca14244784e9bc03506a14494136dfeefecb993669f32af0bb4a5190bb130d73"
        );
    }

    #[test]
    fn parts_cannot_be_shifted_into_one_another() {
        let key = SecretKey::generate();
        assert_ne!(key.mac(&[b"ab", b"c"]), key.mac(&[b"a", b"bc"]));
    }

    #[test]
    fn parses_64_hex_digits_of_either_case_around_whitespace() {
        let key = SecretKey::parse(HEX).unwrap();
        let upper = SecretKey::parse(&format!(" {}\n", HEX.to_uppercase())).unwrap();
        assert_eq!(key.mac(&[b"x"]), upper.mac(&[b"x"]));
    }

    #[test]
    fn refuses_a_key_that_is_not_64_hex_digits() {
        assert!(SecretKey::parse(&HEX[..62]).is_err(), "too short");
        assert!(SecretKey::parse(&format!("{HEX}00")).is_err(), "too long");
        assert!(SecretKey::parse(&format!("{}zz", &HEX[..62])).is_err(), "not hexadecimal");
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(SecretKey::generate().mac(&[b"x"]), SecretKey::generate().mac(&[b"x"]));
    }

    #[test]
    fn debug_output_hides_the_key() {
        assert_eq!(format!("{:?}", SecretKey::parse(HEX).unwrap()), "SecretKey(…)");
    }

    #[test]
    fn a_development_key_file_is_created_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("hifinity-rules-key-{}", std::process::id()));
        let path = dir.join("nested").join("secret_key");
        let _ = std::fs::remove_dir_all(&dir);
        let created = SecretKey::load_or_create(&path).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "readable by its owner only: {mode:o}");
        }
        let loaded = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(created.mac(&[b"x"]), loaded.mac(&[b"x"]));
        assert_eq!(SecretKey::parse(&written).unwrap().mac(&[b"x"]), created.mac(&[b"x"]));

        std::fs::write(&path, "not a key").unwrap();
        assert!(SecretKey::load_or_create(&path).is_err(), "a malformed file is reported, not replaced");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
