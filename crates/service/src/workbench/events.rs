//! The events of a job's log by their first line, read once when a reviewer first asks: the
//! same reader and limits as the job, so line numbers are the ones the job's clusters hold.

use std::io::BufReader;

/// The log's events, in line order.
#[derive(Debug, Default)]
pub struct Events {
    lines: Vec<u32>,
    texts: Vec<Box<str>>,
}

impl Events {
    /// Reads `log` as the job did (`max_event_bytes` per event); rejected pieces are left out,
    /// a read error ends the reading (what was read stays).
    pub fn read(log: &[u8], max_event_bytes: usize) -> Events {
        let mut out = Events::default();
        let reader = ingest::Reader::new(BufReader::new(log), ingest::Options { max_event_bytes });
        for item in reader {
            match item {
                Ok(ingest::Item::Event(e)) => {
                    out.lines.push(u32::try_from(e.line).unwrap_or(u32::MAX));
                    out.texts.push(e.text.into_boxed_str());
                }
                Ok(ingest::Item::Rejected(_)) => {}
                Err(_) => break,
            }
        }
        out
    }

    /// The event whose first line is `line`.
    pub fn get(&self, line: u32) -> Option<&str> {
        let i = self.lines.binary_search(&line).ok()?;
        self.texts.get(i).map(|t| &**t)
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.texts.iter().map(|t| t.len()).sum::<usize>() + 4 * self.lines.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_found_by_their_first_line() {
        let e = Events::read(b"one\n\ntwo\nthree\n", 1 << 20);
        assert_eq!(e.get(1), Some("one"));
        assert_eq!(e.get(3), Some("two"));
        assert_eq!(e.get(4), Some("three"));
        assert_eq!(e.get(2), None);
        assert_eq!(e.get(99), None);
    }
}
