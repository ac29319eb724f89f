//! The provenance of an assigned field.

use serde::Serialize;

/// Why a field holds its value: the kind of knowledge that decided it. Reports print it
/// (`kb-rule`, `lexicon`), and a pass that overrides a decision names the provenances it may
/// override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Why {
    /// A knowledge-base rule whose header and COND match the cluster's events.
    KbRule,
    /// A key→field alignment learned from the knowledge base's test pairs.
    Learned,
    /// A constant of the nearest knowledge-base rules.
    Nearest,
    /// A well-known key name, value shape or identifier (`schema/key-lexicon.tsv`, …).
    Lexicon,
    /// A public schema's path (`schema/ecs-crosswalk.tsv`, `schema/ocsf-crosswalk.tsv`).
    Crosswalk,
    /// The words of a key's name (`schema/key-words.tsv`: `client_address`).
    KeyWords,
    /// A word of the message placing an address (`from`, `to`, `src`, `dst`).
    DirectionWord,
    /// A documented or stated title (a Windows event's, a system call's, a CEF Name).
    Title,
    /// Words of the event type or the message (`schema/event-words.tsv`, outcome words).
    Words,
    /// What the knowledge base's rules with the same act set.
    Precedent,
    /// The taxonomy's categories of an object (`schema/categories.tsv`).
    Taxonomy,
    /// A Cisco message tag (`%ASA-4-106023:`).
    CiscoTag,
    /// Windows audit keywords.
    Keywords,
    /// An error key that some events fill.
    Error,
    /// What every rule states when nothing else decided it.
    Default,
    /// A `DOMAIN\name` account split in two.
    AccountSplit,
    /// The creator of a process, as its parent.
    Creator,
    /// The CEF header's conventions.
    Cef,
    /// The reporting host as the destination of a remote event.
    ReportingHost,
    /// What the rule's own `subject.*`/`object.*` fields describe.
    Fields,
    /// A systemd unit named by the message.
    SystemdUnit,
    /// A switch-user program's act.
    SwitchUser,
    /// A severity key's words.
    Severity,
    /// A log level of a TEXT message.
    Level,
    /// A verdict on traffic, a rule's act.
    Verdict,
    /// A program's own act (`schema/unix-programs.tsv`).
    Program,
    /// The program of a syslog header.
    Syslog,
    /// A host value split into name and FQDN.
    HostSplit,
    /// A path made full with the working directory.
    Cwd,
    /// A command line's first word as the program's path.
    CommandLine,
    /// A full path split into name and path.
    PathSplit,
    /// An HTTP response status's class (RFC 9110).
    HttpStatus,
    /// A documented log format's field order (the NCSA common log format's client and user).
    Layout,
    /// A language model's answer.
    Llm,
    /// Set by a test.
    Test,
}

impl Why {
    /// The name reports print (`kb-rule`).
    pub fn as_str(self) -> &'static str {
        match self {
            Why::KbRule => "kb-rule",
            Why::Learned => "learned",
            Why::Nearest => "nearest",
            Why::Lexicon => "lexicon",
            Why::Crosswalk => "crosswalk",
            Why::KeyWords => "key-words",
            Why::DirectionWord => "direction-word",
            Why::Title => "title",
            Why::Words => "words",
            Why::Precedent => "precedent",
            Why::Taxonomy => "taxonomy",
            Why::CiscoTag => "cisco-tag",
            Why::Keywords => "keywords",
            Why::Error => "error-key",
            Why::Default => "default",
            Why::AccountSplit => "account-split",
            Why::Creator => "creator",
            Why::Cef => "cef",
            Why::ReportingHost => "reporting-host",
            Why::Fields => "fields",
            Why::SystemdUnit => "systemd-unit",
            Why::SwitchUser => "switch-user",
            Why::Severity => "severity-key",
            Why::Level => "text-level",
            Why::Verdict => "verdict",
            Why::Program => "program-act",
            Why::Syslog => "syslog",
            Why::HostSplit => "host-split",
            Why::Cwd => "working-directory",
            Why::CommandLine => "command-line",
            Why::PathSplit => "path-split",
            Why::HttpStatus => "http-status",
            Why::Layout => "layout",
            Why::Llm => "llm",
            Why::Test => "test",
        }
    }
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Why {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
