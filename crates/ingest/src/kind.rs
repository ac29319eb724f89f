//! Event kinds.

use serde::Serialize;

/// The kind of an event, as ingest detects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Kind {
    /// Plain text (syslog lines and the like).
    Text,
    /// ArcSight CEF.
    Cef,
    /// A JSON object.
    Json,
    /// A Windows event (JSON like the KB raws, or `<Event>` XML).
    Eventlog,
    /// A line of `key=value` pairs.
    Keyvalue,
    /// A row of a CSV/TSV file with a header.
    Tabular,
}

impl Kind {
    /// Upper-case name, as in XP headers.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "TEXT",
            Kind::Cef => "CEF",
            Kind::Json => "JSON",
            Kind::Eventlog => "EVENTLOG",
            Kind::Keyvalue => "KEYVALUE",
            Kind::Tabular => "TABULAR",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
