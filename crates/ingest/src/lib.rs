//! Reading source logs: a stream of bytes becomes a stream of events, each with its kind
//! (TEXT, CEF, JSON, EVENTLOG, KEYVALUE, TABULAR), its first line number and, for syslog lines,
//! the parsed header. Every piece of input is either an event or a [`Rejected`] with its
//! reason: nothing is dropped silently. Memory stays bounded by the largest event.
#![deny(missing_docs)]

pub mod detect;
pub mod kind;
pub mod reader;
pub mod syslog;

pub use kind::Kind;
pub use reader::{Event, Item, Options, Reader, Rejected};
