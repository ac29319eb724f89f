//! A submitted log's `Content-Encoding` undone: gzip and zstd, with the body limit applied to
//! the decoded bytes (a small bomb is refused as too large, not inflated); any other encoding
//! is refused with 415.

use std::io::Read;

use axum::http::StatusCode;

use crate::error::ApiError;

/// The decoded `body`, at most `limit` bytes.
pub fn decode(encoding: &str, body: &[u8], limit: usize) -> Result<Vec<u8>, ApiError> {
    let reader: Box<dyn Read + '_> = match encoding {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(body)),
        "zstd" => Box::new(
            ruzstd::decoding::StreamingDecoder::new(body)
                .map_err(|e| bad(format!("the zstd body cannot be read: {e}")))?,
        ),
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_encoding",
                format!("Content-Encoding {other:?} is not read: send the log as is, gzip or zstd"),
            ))
        }
    };
    let mut out = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| bad(format!("the {encoding} body cannot be read: {e}")))?;
    if out.len() > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the decoded body is larger than the limit of {limit} bytes"),
        ));
    }
    Ok(out)
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request("bad_encoding", message)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// A zstd frame of one raw block (the format's simplest: RFC 8878, 3.1.1).
    fn zstd_raw(data: &[u8]) -> Vec<u8> {
        assert!(data.len() < 1 << 16);
        let mut f = vec![0x28, 0xB5, 0x2F, 0xFD];
        // Frame header: single segment, 2-byte content size (value - 256).
        f.push(0b0110_0000);
        f.extend(u16::try_from(data.len() - 256).unwrap().to_le_bytes());
        // Last block, raw, its size.
        let header = 1 | (u32::try_from(data.len()).unwrap() << 3);
        f.extend(&header.to_le_bytes()[..3]);
        f.extend(data);
        f
    }

    #[test]
    fn gzip_and_zstd_are_undone_within_the_limit() {
        let log = b"Jan  1 00:00:00 h app: started\n".repeat(20);
        assert_eq!(decode("gzip", &gzip(&log), 1 << 20).unwrap(), log);
        assert_eq!(decode("zstd", &zstd_raw(&log), 1 << 20).unwrap(), log);
        // A small body that inflates past the limit is too large.
        let bomb = gzip(&vec![b'a'; 10 << 20]);
        assert!(bomb.len() < 100 << 10);
        let e = decode("gzip", &bomb, 1 << 20).unwrap_err();
        assert_eq!(
            (e.status, e.code),
            (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
        );
        let e = decode("zstd", &zstd_raw(&log), 100).unwrap_err();
        assert_eq!(e.code, "too_large");
        // Not what it says, or an encoding not read.
        assert_eq!(
            decode("gzip", b"plain text", 1 << 20).unwrap_err().code,
            "bad_encoding"
        );
        assert_eq!(
            decode("zstd", b"plain text", 1 << 20).unwrap_err().code,
            "bad_encoding"
        );
        let e = decode("br", b"x", 1 << 20).unwrap_err();
        assert_eq!(
            (e.status, e.code),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_encoding")
        );
    }
}
