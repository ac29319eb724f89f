//! Rule packages on disk: discovery ([`find_packages`]), test pairs, typed comparison of
//! normalized events ([`compare`]) and validation ([`validate`]). No printing.
#![deny(missing_docs)]

pub mod compare;
pub mod describe;
pub mod error;
pub mod known;
pub mod package;
pub mod validate;

pub use error::{Error, Result};
pub use known::KnownFailures;
pub use package::{
    find_packages, read_limited, read_text, read_text_limited, PackageDir, TestPair, MAX_FILE_BYTES,
};
pub use validate::{validate, Failure, Report, ValidateOptions};
