//! Bytes → text: byte-order marks and bytes that are not UTF-8.
//!
//! Connector specs are hand-edited on Windows often enough that a stray Windows-1252 `’` or a
//! UTF-8 BOM is common; both are repaired here, and each repair is remembered by its offset in
//! the decoded text so the parser can later say which JSON value it landed in.

/// A repair made while decoding, located by byte offset in the decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRepair {
    /// Byte offset in the decoded text where the repaired characters start.
    pub offset: usize,
    /// Byte length of the repaired characters in the decoded text.
    pub len: usize,
    /// What was repaired.
    pub kind: TextRepairKind,
}

/// The kinds of decoding repair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextRepairKind {
    /// A UTF-8 byte-order mark was dropped.
    Utf8Bom,
    /// The file was UTF-16 (with a byte-order mark) and was transcoded.
    Utf16,
    /// Bytes that are not UTF-8, decoded as Windows-1252.
    Windows1252(Vec<u8>),
}

impl TextRepair {
    /// A human description of the repair.
    pub fn message(&self) -> String {
        match &self.kind {
            TextRepairKind::Utf8Bom => "UTF-8 byte-order mark removed".to_string(),
            TextRepairKind::Utf16 => "UTF-16 text transcoded to UTF-8".to_string(),
            TextRepairKind::Windows1252(bytes) => format!(
                "bytes that are not UTF-8 ({}) decoded as Windows-1252",
                hex_list(bytes)
            ),
        }
    }
}

impl TextRepair {
    /// True for repairs of the whole text rather than of some characters in it.
    pub fn is_whole_text(&self) -> bool {
        matches!(self.kind, TextRepairKind::Utf8Bom | TextRepairKind::Utf16)
    }

    /// One message for several repairs inside one value: the Windows-1252 byte runs are listed
    /// together.
    pub fn merged_message(repairs: &[TextRepair]) -> String {
        let runs: Vec<String> = repairs
            .iter()
            .filter_map(|r| match &r.kind {
                TextRepairKind::Windows1252(bytes) => Some(hex_list(bytes)),
                _ => None,
            })
            .collect();
        if runs.len() == repairs.len() && !runs.is_empty() {
            format!(
                "bytes that are not UTF-8 ({}) decoded as Windows-1252",
                runs.join(", ")
            )
        } else {
            repairs
                .iter()
                .map(TextRepair::message)
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

fn hex_list(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("0x{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes `bytes` to text, returning the repairs made in offset order.
pub fn decode(bytes: &[u8]) -> (String, Vec<TextRepair>) {
    let mut repairs = Vec::new();
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        repairs.push(TextRepair {
            offset: 0,
            len: 0,
            kind: TextRepairKind::Utf8Bom,
        });
        let (text, more) = decode_utf8_lossy_1252(rest);
        repairs.extend(more);
        return (text, repairs);
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, false)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, true)),
        _ => None,
    };
    if let Some((rest, big_endian)) = utf16 {
        let units = rest.chunks(2).map(|pair| {
            let (a, b) = (pair[0], pair.get(1).copied().unwrap_or(0));
            if big_endian {
                u16::from_be_bytes([a, b])
            } else {
                u16::from_le_bytes([a, b])
            }
        });
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        repairs.push(TextRepair {
            offset: 0,
            len: 0,
            kind: TextRepairKind::Utf16,
        });
        return (text, repairs);
    }
    decode_utf8_lossy_1252(bytes)
}

/// UTF-8 where valid; every run of invalid bytes decoded as Windows-1252.
fn decode_utf8_lossy_1252(bytes: &[u8]) -> (String, Vec<TextRepair>) {
    let mut out = String::with_capacity(bytes.len());
    let mut repairs: Vec<TextRepair> = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // `valid_up_to` guarantees this prefix is UTF-8.
                out.push_str(&String::from_utf8_lossy(valid));
                let bad_len = e.error_len().unwrap_or(after.len()).max(1);
                let (bad, tail) = after.split_at(bad_len.min(after.len()));
                let start = out.len();
                for &b in bad {
                    out.push(windows_1252(b));
                }
                // Adjacent invalid runs (e.g. `\xAD\x92`) are one repair.
                match repairs.last_mut() {
                    Some(last) if !valid.is_empty() || last.offset + last.len != start => repairs
                        .push(TextRepair {
                            offset: start,
                            len: out.len() - start,
                            kind: TextRepairKind::Windows1252(bad.to_vec()),
                        }),
                    Some(last) => {
                        last.len = out.len() - last.offset;
                        if let TextRepairKind::Windows1252(b) = &mut last.kind {
                            b.extend_from_slice(bad);
                        }
                    }
                    None => repairs.push(TextRepair {
                        offset: start,
                        len: out.len() - start,
                        kind: TextRepairKind::Windows1252(bad.to_vec()),
                    }),
                }
                rest = tail;
            }
        }
    }
    (out, repairs)
}

/// The Windows-1252 character for one byte (undefined bytes map to the C1 control of the same
/// value, as browsers do).
pub fn windows_1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => char::from_u32(u32::from(HIGH[usize::from(b - 0x80)]))
            .unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_needs_no_repair() {
        let (text, repairs) = decode("{\"a\": \"é\"}".as_bytes());
        assert_eq!(text, "{\"a\": \"é\"}");
        assert!(repairs.is_empty());
    }

    #[test]
    fn bom_is_dropped_and_reported() {
        let (text, repairs) = decode(b"\xEF\xBB\xBF{}");
        assert_eq!(text, "{}");
        assert_eq!(repairs[0].kind, TextRepairKind::Utf8Bom);
    }

    #[test]
    fn invalid_bytes_are_windows_1252_and_adjacent_runs_merge() {
        let (text, repairs) = decode(b"a\xAD\x92b \x80");
        assert_eq!(text, "a\u{AD}\u{2019}b \u{20AC}");
        assert_eq!(repairs.len(), 2);
        assert_eq!(
            repairs[0].kind,
            TextRepairKind::Windows1252(vec![0xAD, 0x92])
        );
        assert_eq!(repairs[0].offset, 1);
        assert_eq!(&text[repairs[1].offset..], "\u{20AC}");
    }

    #[test]
    fn utf16_le_is_transcoded() {
        let (text, repairs) = decode(b"\xFF\xFE{\x00}\x00");
        assert_eq!(text, "{}");
        assert_eq!(repairs[0].kind, TextRepairKind::Utf16);
    }
}
