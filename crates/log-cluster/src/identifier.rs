//! Stage 1: event identifiers (filled in by the ingest step).
