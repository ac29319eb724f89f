//! The XP normalizer: compiles `formula.xp` into a [`Rule`] and runs it on raw events.
//!
//! A rule matches an event when its header matches (TEXT format string, JSON/EVENTLOG/CEF
//! filter, TABULAR row, XML root) and its COND holds; its statements then set normalized
//! fields, each converted to its taxonomy type. Pure: no IO, no printing.
//!
//! ```
//! use xp_eval::{Rule, RunOptions, Outcome};
//! let rule = Rule::compile("JSON = ''\nCOND = $a != null\naction = lower($a)\nid = \"X\"\n", Default::default()).unwrap();
//! let out = rule.normalize(r#"{"a": "LOGIN"}"#, &RunOptions::default()).unwrap();
//! let Outcome::Normalized(ev) = out else { panic!() };
//! assert_eq!(ev.to_json()["action"], "login");
//! ```
#![deny(missing_docs)]

pub mod builtins;
pub mod datetime;
pub mod input;
pub mod interp;
pub mod program;
pub mod text;
pub mod typing;
pub mod value;

use std::net::{IpAddr, Ipv4Addr};

use xp_syntax::ast::HeaderKind;
use xp_syntax::{parse_formula, Code, Diagnostic};
use xp_taxonomy::{FieldType, Taxonomy};

pub use interp::Miss;
pub use program::{CompileOptions, Program};
pub use value::Value;

/// Options of one normalization run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Year for year-less dates (syslog `Dec 10 06:55:46`).
    pub year: i32,
    /// Value of `recv_ipv4` when the event has no transport envelope.
    pub recv_ipv4: IpAddr,
    /// Largest event accepted, in bytes.
    pub max_event_bytes: usize,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            year: current_year(),
            recv_ipv4: IpAddr::V4(Ipv4Addr::LOCALHOST),
            max_event_bytes: 1 << 20,
        }
    }
}

/// The current UTC year.
pub fn current_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    program: Program,
    /// Warnings from compilation (unknown fields, …).
    pub warnings: Vec<Diagnostic>,
}

/// What a rule did with an event.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The rule matched and produced a normalized event.
    Normalized(NormEvent),
    /// The rule does not apply to this event.
    NoMatch(Miss),
    /// The rule matched and dropped the event.
    Dropped,
}

/// A normalized event: fields in name order with their taxonomy types.
#[derive(Clone, Debug)]
pub struct NormEvent {
    table: std::sync::Arc<[program::FieldInfo]>,
    values: Vec<(u32, Value)>,
    /// Runtime warnings (values dropped for their type, submessages that failed to parse).
    pub warnings: Vec<Diagnostic>,
}

impl NormEvent {
    /// `(field, type, value)` in field-name order, no nulls.
    pub fn fields(&self) -> impl Iterator<Item = (&str, Option<FieldType>, &Value)> {
        self.values.iter().map(|(i, v)| {
            let info = &self.table[*i as usize];
            (&*info.name, info.ty, v)
        })
    }

    /// norm_N.js form: a flat JSON object, keys sorted, nulls omitted.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.fields()
            .map(|(k, ty, v)| (k.to_string(), typing::render(ty, v)))
            .collect()
    }

    /// The value of a field as [`NormEvent::to_json`] gives it.
    pub fn json_of(&self, name: &str) -> Option<serde_json::Value> {
        self.fields()
            .find(|(k, ..)| *k == name)
            .map(|(_, ty, v)| typing::render(ty, v))
    }

    /// The value of a field.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields().find(|(k, ..)| *k == name).map(|(_, _, v)| v)
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The norm_N.js object written straight to a serializer: the same text as serializing
/// [`NormEvent::to_json`], without building the JSON map (which a log of millions of events
/// would pay for once per event).
impl serde::Serialize for NormEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.values.len()))?;
        for (k, ty, v) in self.fields() {
            m.serialize_entry(k, &typing::Rendered(ty, v))?;
        }
        m.end()
    }
}

impl Rule {
    /// Parses and compiles formula source. `Err` holds every diagnostic when any is an error.
    pub fn compile(source: &str, opts: CompileOptions) -> Result<Rule, Vec<Diagnostic>> {
        Rule::compile_with(source, opts, Taxonomy::embedded())
    }

    /// Like [`Rule::compile`] with another taxonomy.
    pub fn compile_with(
        source: &str,
        opts: CompileOptions,
        tax: &Taxonomy,
    ) -> Result<Rule, Vec<Diagnostic>> {
        let (formula, mut diags) = parse_formula(source);
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        let (prog, mut more) = program::compile(&formula, source, tax, opts);
        diags.append(&mut more);
        match prog {
            Some(program) if !diags.iter().any(Diagnostic::is_error) => Ok(Rule {
                program,
                warnings: diags,
            }),
            _ => Err(diags),
        }
    }

    /// The header kind of the rule.
    pub fn kind(&self) -> HeaderKind {
        match &self.program.main.header {
            program::HeaderImpl::Text(..) => HeaderKind::Text,
            program::HeaderImpl::Filtered(k, _) => *k,
            program::HeaderImpl::Tabular(_) => HeaderKind::Tabular,
            program::HeaderImpl::Xml(_) => HeaderKind::Xml,
        }
    }

    /// Whether the header was written with `!`.
    pub fn is_bang(&self) -> bool {
        self.program.main.bang
    }

    /// The literal `id` the formula assigns, if any.
    pub fn id(&self) -> Option<&str> {
        self.program.id.as_deref()
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Where each capture of the rule's TEXT header falls in `raw`: `(target as written,
    /// byte range)` in template order; `None` for other headers, an event in a transport
    /// envelope, or a header that does not match. Byte ranges index `raw` itself.
    pub fn capture_spans(
        &self,
        raw: &str,
        year: i32,
    ) -> Option<Vec<(String, std::ops::Range<usize>)>> {
        let program::HeaderImpl::Text(m, _) = &self.program.main.header else {
            return None;
        };
        let start = if raw.starts_with('\u{feff}') { 3 } else { 0 };
        let body = &raw[start..];
        if input::unwrap_envelope(body).is_some() {
            return None;
        }
        let text = body.trim_end_matches(['\r', '\n']);
        let spans = m.spans(text, year)?;
        let targets = m.targets();
        Some(
            spans
                .into_iter()
                .filter_map(|(t, a, b)| {
                    let name = targets.get(usize::from(t))?.source_text();
                    Some((name, start + a..start + b))
                })
                .collect(),
        )
    }

    /// The input names the rule reads: the literal keys its variables are indexed with
    /// (`$kv["srcip"]` gives `srcip`) and, unless the header is TEXT (whose variables are
    /// captures, not names in the event), the variables themselves (`Computer`), sorted.
    pub fn keys_read(&self) -> Vec<String> {
        let p = &self.program;
        let mut keys = std::collections::BTreeSet::new();
        if !matches!(p.main.header, program::HeaderImpl::Text(..)) {
            keys.extend(p.vars.iter().cloned());
        }
        for k in p.var_keys.iter().flatten() {
            keys.extend(k.iter().cloned());
        }
        keys.into_iter().filter(|k| !k.is_empty()).collect()
    }

    /// Runs the rule on one raw event. `Err` when the event cannot be read as the rule's input
    /// kind (not JSON for a JSON rule, too large, empty, …).
    pub fn normalize(&self, raw: &str, opts: &RunOptions) -> Result<Outcome, Diagnostic> {
        if raw.len() > opts.max_event_bytes {
            return Err(Diagnostic::input_error(
                Code::InputTooLarge,
                format!(
                    "the event is {} bytes, over the limit of {} bytes",
                    raw.len(),
                    opts.max_event_bytes
                ),
            ));
        }
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let (body, envelope) = match input::unwrap_envelope(raw) {
            Some((b, env)) => (std::borrow::Cow::Owned(b), Some(env)),
            None => (std::borrow::Cow::Borrowed(raw), None),
        };
        let text = body.trim_end_matches(['\r', '\n']);
        if text.trim().is_empty() {
            return Err(Diagnostic::input_error(
                Code::EmptyInput,
                "the event is empty",
            ));
        }
        let env = if self.program.uses_env {
            interp::env_values(opts.recv_ipv4, envelope.as_ref())
        } else {
            Vec::new()
        };
        let mut ctx = interp::Ctx::new(&self.program, env, opts.year);
        match ctx.run_unit(&self.program.main, interp::Input::Text(text))? {
            Err(miss) => Ok(Outcome::NoMatch(miss)),
            Ok(interp::Applied::Dropped) => Ok(Outcome::Dropped),
            Ok(interp::Applied::Done) => {
                let mut values = Vec::with_capacity(self.program.fields.len());
                for &i in &self.program.out_order {
                    let v = std::mem::take(&mut ctx.fields[i as usize]);
                    if !v.is_null() {
                        values.push((i, v));
                    }
                }
                Ok(Outcome::Normalized(NormEvent {
                    table: self.program.fields.clone(),
                    values,
                    warnings: ctx.warnings,
                }))
            }
        }
    }
}

#[cfg(test)]
mod span_tests {
    use super::*;

    #[test]
    fn capture_spans_index_the_raw_event() {
        let rule = Rule::compile(
            "TEXT = '{$user=WORD} from {src.ip=IPV4} at {time=DATETIME} port {$p=NUMBER}'\nmsgid = \"x\"\n",
            CompileOptions::default(),
        )
        .unwrap();
        let raw = "\u{feff}bob from 10.0.0.1 at 2024-01-02T03:04:05Z port 22\n";
        let spans = rule.capture_spans(raw, 2024).unwrap();
        let got: Vec<(String, &str)> = spans
            .iter()
            .map(|(n, r)| (n.clone(), &raw[r.clone()]))
            .collect();
        assert_eq!(
            got,
            vec![
                ("$user".to_string(), "bob"),
                ("src.ip".to_string(), "10.0.0.1"),
                ("time".to_string(), "2024-01-02T03:04:05Z"),
                ("$p".to_string(), "22"),
            ]
        );
        assert!(rule.capture_spans("nothing like it", 2024).is_none());
    }

    #[test]
    fn an_event_serializes_as_its_json_map_does() {
        // Every kind of value a field can hold, in taxonomy fields and outside them.
        let rule = Rule::compile(
            "JSON = ''\n\
             src.port = $port\n\
             src.ip = $ip\n\
             time = $t\n\
             duration = $f\n\
             subject.account.name = $user\n\
             nf_float = $f\n\
             nf_big = $big\n\
             nf_flag = $flag\n\
             nf_list = $list\n\
             nf_map = $map\n\
             nf_time = maybe_datetime($t)\n\
             nf_ip = maybe_ipv4($ip)\n\
             id = \"X\"\n",
            CompileOptions::default(),
        )
        .unwrap();
        let raw = r#"{"port": "22", "ip": "10.0.0.1", "t": "2024-05-06T07:08:09.123Z", "f": 1.5, "user": "a\"b\\c\u00e9\n", "big": 1625485496539, "flag": true, "list": [1, "x"], "map": {"k": [null]}}"#;
        let Ok(Outcome::Normalized(ev)) = rule.normalize(raw, &RunOptions::default()) else {
            panic!("the rule normalizes the event");
        };
        assert!(ev.len() >= 10, "{:?}", ev.to_json());
        assert_eq!(
            serde_json::to_string(&ev).unwrap(),
            serde_json::to_string(&ev.to_json()).unwrap()
        );
        assert_eq!(
            serde_json::to_string_pretty(&ev).unwrap(),
            serde_json::to_string_pretty(&ev.to_json()).unwrap()
        );
        assert_eq!(ev.json_of("src.port"), Some(serde_json::json!(22)));
        assert_eq!(ev.json_of("nf_missing"), None);
    }

    #[test]
    fn a_text_rule_reads_the_keys_its_captures_are_indexed_with() {
        let rule = Rule::compile(
            "TEXT = 'date={$date=DATETIME} {$kv=KEYVALUE}'\nsrc.ip = $kv[\"srcip\"]\n",
            CompileOptions::default(),
        )
        .unwrap();
        assert_eq!(rule.keys_read(), vec!["srcip"]);
    }

    #[test]
    fn keys_read_name_variables_and_their_literal_keys() {
        let rule = Rule::compile(
            "JSON = ''\nsrc.ip = $kv[\"srcip\"]\nsubject.account.name = $user\n",
            CompileOptions::default(),
        )
        .unwrap();
        assert_eq!(rule.keys_read(), vec!["kv", "srcip", "user"]);
    }
}
