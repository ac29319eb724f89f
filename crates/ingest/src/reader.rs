//! The streaming reader: bytes in, events (or rejections) out, with 1-based line numbers.

use std::io::BufRead;

use serde::Serialize;

use crate::detect;
use crate::kind::Kind;
use crate::syslog::{self, SyslogHeader};

/// One event.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// First line of the event (1-based).
    pub line: usize,
    /// Its kind.
    pub kind: Kind,
    /// The raw event as a rule sees it (for TABULAR: the header line, a newline, the row).
    pub text: String,
    /// The syslog header, for TEXT, KEYVALUE and CEF lines that have one.
    pub syslog: Option<SyslogHeader>,
    /// The SIEM transport envelope the event came in (`{"body": …, "recv_ipv4": …}`), whole,
    /// when it came in one; `text` is then its body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envelope: Option<String>,
}

impl Event {
    /// The event as received: the envelope when there was one (rules read its `recv_*`
    /// members), else `text`.
    pub fn received(&self) -> &str {
        self.envelope.as_deref().unwrap_or(&self.text)
    }

    /// The message after a syslog header (the whole text when there is none).
    pub fn body(&self) -> &str {
        match &self.syslog {
            Some(h) => &self.text[h.body.min(self.text.len())..],
            None => &self.text,
        }
    }
}

/// An input that is not an event, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// First line (1-based).
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// What the reader yields.
#[derive(Clone, Debug)]
pub enum Item {
    /// An event.
    Event(Event),
    /// A rejected piece of input.
    Rejected(Rejected),
}

/// Reader options.
#[derive(Clone, Debug)]
pub struct Options {
    /// Largest event, in bytes; longer lines or multi-line events are rejected.
    pub max_event_bytes: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_event_bytes: 1 << 20,
        }
    }
}

enum Pending {
    None,
    Json {
        start: usize,
        buf: String,
        depth: i64,
        in_str: bool,
        esc: bool,
    },
    Xml {
        start: usize,
        buf: String,
    },
}

/// Reads events from any `BufRead`, one at a time, in bounded memory.
pub struct Reader<R: BufRead> {
    input: R,
    opts: Options,
    line_no: usize,
    pending: Pending,
    out: std::collections::VecDeque<Item>,
    tabular: Option<(String, u8, usize)>,
    first_line: Option<(usize, String)>,
    started: bool,
    done: bool,
    /// The last line ended with a CR at the end of a read: a LF right after it is its end too.
    after_cr: bool,
    /// Bytes consumed so far (for progress).
    pub bytes_read: u64,
}

impl<R: BufRead> Reader<R> {
    /// A reader over `input`.
    pub fn new(input: R, opts: Options) -> Reader<R> {
        Reader {
            input,
            opts,
            line_no: 0,
            pending: Pending::None,
            out: Default::default(),
            tabular: None,
            first_line: None,
            started: false,
            done: false,
            after_cr: false,
            bytes_read: 0,
        }
    }

    /// Reads one line of at most `max` bytes; longer lines are consumed and reported as `None`
    /// content with `too_long = true`. Returns `None` at the end of input.
    ///
    /// A line ends at LF, CRLF or a lone CR (old Mac OS and some appliances end lines with CR
    /// alone), so every line break of any convention starts a new line.
    fn next_line(&mut self) -> std::io::Result<Option<(Vec<u8>, bool)>> {
        let mut buf = Vec::new();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            // The LF of a CRLF split across two reads.
            if std::mem::take(&mut self.after_cr) && chunk[0] == b'\n' {
                self.input.consume(1);
                self.bytes_read += 1;
                continue;
            }
            any = true;
            let (used, found) = match memchr::memchr2(b'\n', b'\r', chunk) {
                Some(i) if chunk[i] == b'\r' => match chunk.get(i + 1) {
                    Some(b'\n') => (i + 2, true),
                    Some(_) => (i + 1, true),
                    None => {
                        self.after_cr = true;
                        (i + 1, true)
                    }
                },
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                let take = used.min(
                    self.opts.max_event_bytes + 2 - buf.len().min(self.opts.max_event_bytes + 2),
                );
                buf.extend_from_slice(&chunk[..take]);
                if buf.len() > self.opts.max_event_bytes + 1 {
                    too_long = true;
                    buf.clear();
                }
            }
            self.input.consume(used);
            self.bytes_read += used as u64;
            if found {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        while buf.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
            buf.pop();
        }
        Ok(Some((buf, too_long)))
    }

    /// Lines read so far.
    pub fn lines_read(&self) -> usize {
        self.line_no
    }

    fn reject(&mut self, line: usize, reason: impl Into<String>) {
        self.out.push_back(Item::Rejected(Rejected {
            line,
            reason: reason.into(),
        }));
    }

    fn emit(&mut self, line: usize, kind: Kind, text: String) {
        let syslog = matches!(kind, Kind::Text | Kind::Keyvalue | Kind::Cef)
            .then(|| syslog::parse(&text))
            .flatten();
        self.out.push_back(Item::Event(Event {
            line,
            kind,
            text,
            syslog,
            envelope: None,
        }));
    }

    fn step(&mut self) -> std::io::Result<()> {
        let Some((bytes, too_long)) = self.next_line()? else {
            self.finish();
            return Ok(());
        };
        self.line_no += 1;
        let n = self.line_no;
        if too_long {
            let reason = format!("line over {} bytes", self.opts.max_event_bytes);
            self.unreadable(n, reason);
            return Ok(());
        }
        let line = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let reason = format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to());
                self.unreadable(n, reason);
                return Ok(());
            }
        };
        self.line(n, line);
        Ok(())
    }

    /// Line `n` cannot be read. What it interrupts ends first, so results stay in input
    /// order and nothing is dropped unsaid: a multi-line event under way is rejected at its
    /// first line, a line held as a possible CSV header is read as a line of its own.
    fn unreadable(&mut self, n: usize, reason: String) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Json { start, .. } => self.reject(
                start,
                format!("multi-line JSON event cut by line {n}: {reason}"),
            ),
            Pending::Xml { start, .. } => {
                self.reject(start, format!("XML event cut by line {n}: {reason}"))
            }
            Pending::None => {}
        }
        if let Some((n0, header)) = self.first_line.take() {
            self.tabular = None;
            self.classify(n0, header);
        }
        self.reject(n, reason);
    }

    fn line(&mut self, n: usize, line: String) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Json {
                start,
                mut buf,
                mut depth,
                mut in_str,
                mut esc,
            } => {
                buf.push('\n');
                buf.push_str(&line);
                scan_json(&line, &mut depth, &mut in_str, &mut esc);
                if buf.len() > self.opts.max_event_bytes {
                    self.reject(
                        start,
                        format!(
                            "multi-line JSON event over {} bytes",
                            self.opts.max_event_bytes
                        ),
                    );
                } else if depth <= 0 {
                    self.json_done(start, buf);
                } else {
                    self.pending = Pending::Json {
                        start,
                        buf,
                        depth,
                        in_str,
                        esc,
                    };
                }
                return;
            }
            Pending::Xml { start, mut buf } => {
                buf.push('\n');
                buf.push_str(&line);
                if buf.len() > self.opts.max_event_bytes {
                    self.reject(
                        start,
                        format!("XML event over {} bytes", self.opts.max_event_bytes),
                    );
                } else if line.contains("</Event>") {
                    self.emit(start, Kind::Eventlog, buf);
                } else {
                    self.pending = Pending::Xml { start, buf };
                }
                return;
            }
            Pending::None => {}
        }
        // Tabular files: the first line is a header when the second row has as many fields.
        if !self.started {
            self.started = true;
            if let Some(sep) = detect::header_separator(&line) {
                self.first_line = Some((n, line));
                self.tabular = Some((String::new(), sep, 0));
                return;
            }
        }
        if let Some((n0, header)) = self.first_line.take() {
            let (_, sep, _) = self.tabular.clone().unwrap_or_default();
            let cols = detect::field_count(&header, sep);
            if detect::field_count(&line, sep) == cols && !line.trim().is_empty() {
                self.tabular = Some((header, sep, cols));
            } else {
                self.tabular = None;
                self.classify(n0, header);
            }
        }
        if let Some((header, sep, cols)) = &self.tabular {
            if line.trim().is_empty() {
                self.reject(n, "blank line");
            } else if detect::field_count(&line, *sep) == *cols {
                let text = format!("{header}\n{line}");
                self.emit(n, Kind::Tabular, text);
            } else {
                let got = detect::field_count(&line, *sep);
                self.reject(n, format!("row has {got} fields, the header has {cols}"));
            }
            return;
        }
        self.classify(n, line);
    }

    fn classify(&mut self, n: usize, line: String) {
        let t = line.trim_start_matches('\u{feff}');
        if t.trim().is_empty() {
            self.reject(n, "blank line");
            return;
        }
        if detect::is_binary(t) {
            self.reject(n, "binary data");
            return;
        }
        let trimmed = t.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            let (mut depth, mut in_str, mut esc) = (0i64, false, false);
            scan_json(trimmed, &mut depth, &mut in_str, &mut esc);
            if depth > 0 {
                self.pending = Pending::Json {
                    start: n,
                    buf: trimmed.to_string(),
                    depth,
                    in_str,
                    esc,
                };
                return;
            }
            let all_json = serde_json::Deserializer::from_str(trimmed)
                .into_iter::<serde::de::IgnoredAny>()
                .all(|v| v.is_ok());
            if all_json {
                self.json_done(n, trimmed.to_string());
                return;
            }
        }
        if trimmed.starts_with("<Event") {
            if trimmed.contains("</Event>") {
                self.emit(n, Kind::Eventlog, trimmed.to_string());
            } else {
                self.pending = Pending::Xml {
                    start: n,
                    buf: trimmed.to_string(),
                };
            }
            return;
        }
        let header = syslog::parse(t);
        let kind = detect::line_kind_with(t, header.as_ref());
        let syslog = if matches!(kind, Kind::Text | Kind::Keyvalue | Kind::Cef) {
            header
        } else {
            None
        };
        self.out.push_back(Item::Event(Event {
            line: n,
            kind,
            text: t.to_string(),
            syslog,
            envelope: None,
        }));
    }

    /// A complete JSON text: objects (possibly several, concatenated) or an array of them.
    fn json_done(&mut self, start: usize, text: String) {
        let mut values = Vec::new();
        for v in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
            match v {
                Ok(v) => values.push(v),
                Err(e) => {
                    self.reject(start, format!("invalid JSON: {e}"));
                    return;
                }
            }
        }
        let single = values.len() == 1 && values[0].is_object();
        for v in values {
            match v {
                serde_json::Value::Array(items) => {
                    for it in items {
                        self.json_value(start, it, None);
                    }
                }
                other => {
                    let raw = single.then(|| text.clone());
                    self.json_value(start, other, raw);
                }
            }
        }
    }

    fn json_value(&mut self, line: usize, v: serde_json::Value, raw: Option<String>) {
        if !v.is_object() {
            self.reject(line, "JSON value that is not an object");
            return;
        }
        if let Some(body) = detect::envelope_body(&v) {
            let whole = raw.unwrap_or_else(|| v.to_string());
            self.envelope_body(line, body.to_string(), whole);
            return;
        }
        let kind = if detect::is_eventlog(&v) {
            Kind::Eventlog
        } else {
            Kind::Json
        };
        let text = raw.unwrap_or_else(|| v.to_string());
        self.emit(line, kind, text);
    }

    /// The event a SIEM transport envelope carries (`{"body": "<event>", "recv_ipv4": …}`):
    /// the body is the event, typed and clustered by its own content (the envelope's members
    /// are the collector's, not the source's); the whole envelope stays with it for rule runs.
    fn envelope_body(&mut self, line: usize, body: String, whole: String) {
        let before = self.out.len();
        self.envelope_event(line, &body);
        if self.out.len() > before {
            if let Some(Item::Event(e)) = self.out.back_mut() {
                e.envelope = Some(whole);
            }
        }
    }

    fn envelope_event(&mut self, line: usize, body: &str) {
        let t = body.trim();
        if t.starts_with('{') {
            match serde_json::from_str::<serde_json::Value>(t) {
                Ok(v) if v.is_object() && detect::envelope_body(&v).is_none() => {
                    let kind = if detect::is_eventlog(&v) {
                        Kind::Eventlog
                    } else {
                        Kind::Json
                    };
                    self.emit(line, kind, t.to_string());
                }
                Ok(_) => self.reject(line, "transport envelope whose body is not one event"),
                Err(e) => self.reject(
                    line,
                    format!("transport envelope with invalid JSON body: {e}"),
                ),
            }
        } else if t.starts_with('[') && serde_json::from_str::<serde_json::Value>(t).is_ok() {
            self.reject(line, "transport envelope whose body is not one event");
        } else if t.starts_with("<Event") {
            if t.contains("</Event>") {
                self.emit(line, Kind::Eventlog, t.to_string());
            } else {
                self.reject(line, "transport envelope whose <Event> body is not closed");
            }
        } else if t.is_empty() || t.contains('\n') {
            self.reject(
                line,
                "transport envelope whose body is empty or several lines",
            );
        } else {
            let kind = detect::line_kind(t);
            self.emit(line, kind, t.to_string());
        }
    }

    fn finish(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        if let Some((n, header)) = self.first_line.take() {
            self.tabular = None;
            self.classify(n, header);
        }
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Json { start, .. } => {
                self.reject(start, "JSON event not closed before the end of the input")
            }
            Pending::Xml { start, .. } => {
                self.reject(start, "<Event> not closed before the end of the input")
            }
            Pending::None => {}
        }
    }
}

/// Tracks `{`/`[` depth outside strings.
fn scan_json(s: &str, depth: &mut i64, in_str: &mut bool, esc: &mut bool) {
    for b in s.bytes() {
        if *in_str {
            if *esc {
                *esc = false;
            } else if b == b'\\' {
                *esc = true;
            } else if b == b'"' {
                *in_str = false;
            }
            continue;
        }
        match b {
            b'"' => *in_str = true,
            b'{' | b'[' => *depth += 1,
            b'}' | b']' => *depth -= 1,
            _ => {}
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = std::io::Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(i) = self.out.pop_front() {
                return Some(Ok(i));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.step() {
                self.done = true;
                return Some(Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &[u8]) -> (Vec<Event>, Vec<Rejected>) {
        let mut ev = Vec::new();
        let mut rej = Vec::new();
        for i in Reader::new(
            s,
            Options {
                max_event_bytes: 4096,
            },
        ) {
            match i.unwrap() {
                Item::Event(e) => ev.push(e),
                Item::Rejected(r) => rej.push(r),
            }
        }
        (ev, rej)
    }

    #[test]
    fn an_unreadable_line_ends_what_it_interrupts_first() {
        let (ev, rej) = read(b"{\"a\":\n\xff\nnext line\n");
        let lines: Vec<usize> = rej.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2], "{rej:?}");
        assert!(rej[0].reason.contains("cut by line 2"), "{rej:?}");
        assert_eq!(ev.iter().map(|e| e.line).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn a_lone_cr_ends_a_line_as_lf_and_crlf_do() {
        let (ev, rej) = read(b"one a\rtwo b\r\nthree c\nfour d\r");
        let texts: Vec<&str> = ev.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["one a", "two b", "three c", "four d"]);
        assert_eq!(ev.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert!(rej.is_empty());
    }

    #[test]
    fn a_crlf_split_across_reads_is_one_line_end() {
        // A reader that hands out one byte at a time.
        let r = std::io::BufReader::with_capacity(1, &b"a x\r\nb y\r\n"[..]);
        let lines: Vec<usize> = Reader::new(r, Options::default())
            .map(|i| match i.unwrap() {
                Item::Event(e) => e.line,
                Item::Rejected(r) => panic!("{r:?}"),
            })
            .collect();
        assert_eq!(lines, [1, 2]);
    }

    #[test]
    fn mixed_input() {
        let input = b"Dec 10 06:55:46 h sshd[1]: Failed password for root\n\n{\"a\": 1}\n{\n  \"Event\": {\"System\": {\"EventID\": \"4624\"}}\n}\n<Event><System><EventID>1</EventID></System></Event>\nCEF:0|a|b|1|2|n|3|src=1.1.1.1\n\xff\xfe bad\n{\"open\": \n";
        let (ev, rej) = read(input);
        let kinds: Vec<(usize, Kind)> = ev.iter().map(|e| (e.line, e.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (1, Kind::Text),
                (3, Kind::Json),
                (4, Kind::Eventlog),
                (7, Kind::Eventlog),
                (8, Kind::Cef)
            ]
        );
        let reasons: Vec<(usize, &str)> = rej.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(reasons[0], (2, "blank line"));
        assert!(reasons[1].1.starts_with("not valid UTF-8"), "{reasons:?}");
        assert_eq!(
            reasons[2],
            (10, "JSON event not closed before the end of the input")
        );
    }

    #[test]
    fn tabular_and_arrays() {
        let (ev, rej) = read(b"date,src,user\n2025-01-01,1.2.3.4,bob\n2025-01-02,1.2.3.5\n");
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].kind, Kind::Tabular);
        assert_eq!(ev[0].text, "date,src,user\n2025-01-01,1.2.3.4,bob");
        assert_eq!(rej[0].line, 3);
        let (ev, _) = read(b"[{\"a\": 1},\n {\"a\": 2}]\n{\"b\": 1}{\"b\": 2}\n");
        assert_eq!(ev.len(), 4);
    }

    #[test]
    fn transport_envelopes_are_typed_by_their_body() {
        let input = concat!(
            r#"{"body": "{\"Event\": {\"System\": {\"EventID\": \"1\"}}}", "recv_ipv4": "10.0.0.1"}"#,
            "\n",
            r#"{"body": "<13>Dec 10 06:55:46 h sshd[1]: Accepted password for bob", "tag": "t"}"#,
            "\n",
            r#"{"body": "{\"a\": 1}", "uuid": "u"}"#,
            "\n",
            r#"{"body": "{\"a\": ", "uuid": "u"}"#,
            "\n",
            r#"{"body": "not an envelope: no collector key"}"#,
            "\n",
            r#"{"body": "[1, 2]", "uuid": "u"}"#,
            "\n",
            r#"{"body": "<Event><System><EventID>1", "uuid": "u"}"#,
            "\n",
            r#"{"body": "[notice] a text line", "uuid": "u"}"#,
            "\n",
        );
        let (ev, rej) = read(input.as_bytes());
        let got: Vec<(usize, Kind, &str)> =
            ev.iter().map(|e| (e.line, e.kind, &e.text[..8])).collect();
        assert_eq!(
            got,
            vec![
                (1, Kind::Eventlog, r#"{"Event""#),
                (2, Kind::Text, "<13>Dec "),
                (3, Kind::Json, r#"{"a": 1}"#),
                (5, Kind::Json, r#"{"body":"#),
                (8, Kind::Text, "[notice]"),
            ]
        );
        assert!(ev[1].syslog.is_some());
        assert!(ev[0].received().contains("recv_ipv4"));
        assert_eq!(ev[3].envelope, None);
        let lines: Vec<usize> = rej.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 6, 7]);
        for r in &rej {
            assert!(r.reason.contains("envelope"), "{}", r.reason);
        }
    }

    #[test]
    fn long_lines_are_rejected_not_kept() {
        let mut input = vec![b'x'; 10_000];
        input.extend_from_slice(b"\nshort line\n");
        let (ev, rej) = read(&input);
        assert_eq!(rej[0].line, 1);
        assert_eq!(ev[0].line, 2);
    }
}
