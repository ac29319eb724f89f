//! The passes: one file per idiom or source family. Each file's comment shows an example
//! event and the fields it sets; its fixture is `crates/field-assign/tests/passes/<file>/`.
//! The order they run in is [`crate::engine::PASSES`].

pub(crate) mod access_log;
pub(crate) mod accounts;
pub(crate) mod addresses;
pub(crate) mod cef;
pub(crate) mod cisco;
pub(crate) mod classify;
pub(crate) mod crosswalk;
pub(crate) mod defaults;
pub(crate) mod firewall;
pub(crate) mod hosts;
pub(crate) mod http_status;
pub(crate) mod importance;
pub(crate) mod key_words;
pub(crate) mod keys;
pub(crate) mod linux_audit;
pub(crate) mod msgid;
pub(crate) mod pam;
pub(crate) mod paths;
pub(crate) mod processes;
pub(crate) mod programs;
pub(crate) mod prose_accounts;
pub(crate) mod protocols;
pub(crate) mod source;
pub(crate) mod status;
pub(crate) mod subject_object;
pub(crate) mod switch_user;
pub(crate) mod syslog;
pub(crate) mod systemd;
pub(crate) mod time;
pub(crate) mod windows;
