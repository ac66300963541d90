//! A ZIP archive of stored (uncompressed) entries: what the access archive needs, since
//! its media are compressed video already and its JSON is small. Entries are UTF-8 named.

use anyhow::{Context, ensure};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL: u32 = 0x0605_4b50;
/// ZIP 2.0: what a reader needs for stored entries.
const VERSION: u16 = 20;
/// Bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 0x0800;
/// 1 January 1980, the earliest MS-DOS date: the archive's entries carry no time.
const DOS_DATE: u16 = 0x21;

struct Entry {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
}

#[derive(Default)]
pub struct ZipWriter {
    out: Vec<u8>,
    entries: Vec<Entry>,
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

impl ZipWriter {
    pub fn add(&mut self, name: &str, data: &[u8]) -> anyhow::Result<()> {
        let size = u32::try_from(data.len()).context("an entry over 4 GiB")?;
        let offset = u32::try_from(self.out.len()).context("an archive over 4 GiB")?;
        let crc = crc32fast::hash(data);
        let out = &mut self.out;
        put32(out, LOCAL_HEADER);
        put16(out, VERSION);
        put16(out, UTF8_NAMES);
        put16(out, 0); // stored
        put16(out, 0); // time
        put16(out, DOS_DATE);
        put32(out, crc);
        put32(out, size);
        put32(out, size);
        put16(out, u16::try_from(name.len()).context("an entry name over 64 KiB")?);
        put16(out, 0); // extra field
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        self.entries.push(Entry { name: name.to_owned(), crc, size, offset });
        Ok(())
    }

    pub fn finish(mut self) -> anyhow::Result<Vec<u8>> {
        let directory_at = u32::try_from(self.out.len()).context("an archive over 4 GiB")?;
        let count = u16::try_from(self.entries.len()).context("over 65,535 entries")?;
        for entry in &self.entries {
            let out = &mut self.out;
            put32(out, CENTRAL_HEADER);
            put16(out, VERSION); // made by
            put16(out, VERSION); // needed
            put16(out, UTF8_NAMES);
            put16(out, 0);
            put16(out, 0);
            put16(out, DOS_DATE);
            put32(out, entry.crc);
            put32(out, entry.size);
            put32(out, entry.size);
            put16(out, entry.name.len() as u16);
            put16(out, 0); // extra field
            put16(out, 0); // comment
            put16(out, 0); // disk
            put16(out, 0); // internal attributes
            put32(out, 0); // external attributes
            put32(out, entry.offset);
            out.extend_from_slice(entry.name.as_bytes());
        }
        let directory_size = u32::try_from(self.out.len()).context("an archive over 4 GiB")? - directory_at;
        ensure!(self.out.len() < u32::MAX as usize, "an archive over 4 GiB");
        let out = &mut self.out;
        put32(out, END_OF_CENTRAL);
        put16(out, 0);
        put16(out, 0);
        put16(out, count);
        put16(out, count);
        put32(out, directory_size);
        put32(out, directory_at);
        put16(out, 0); // comment
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([bytes[at], bytes[at + 1]])
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn the_directory_points_at_each_entry_with_its_checksum() {
        let mut zip = ZipWriter::default();
        zip.add("a.json", b"{}").unwrap();
        zip.add("media/b.webm", b"video bytes").unwrap();
        let bytes = zip.finish().unwrap();
        let end = bytes.len() - 22;
        assert_eq!(u32_at(&bytes, end), END_OF_CENTRAL);
        assert_eq!(u16_at(&bytes, end + 10), 2);
        let mut at = u32_at(&bytes, end + 16) as usize;
        for (name, data) in [("a.json", &b"{}"[..]), ("media/b.webm", &b"video bytes"[..])] {
            assert_eq!(u32_at(&bytes, at), CENTRAL_HEADER);
            assert_eq!(u32_at(&bytes, at + 16), crc32fast::hash(data));
            let name_len = u16_at(&bytes, at + 28) as usize;
            assert_eq!(&bytes[at + 46..at + 46 + name_len], name.as_bytes());
            let local = u32_at(&bytes, at + 42) as usize;
            assert_eq!(u32_at(&bytes, local), LOCAL_HEADER);
            let start = local + 30 + name_len;
            assert_eq!(&bytes[start..start + data.len()], data);
            at += 46 + name_len;
        }
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926, "the standard CRC-32");
    }
}
