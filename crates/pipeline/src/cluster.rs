//! A source log into event types, streamed in bounded memory on several threads.

use std::io::BufRead;

use ingest::{Item, Options, Reader, Rejected};
use log_cluster::events::{EventCluster, EventClusterer};
use log_cluster::identifier::{IdentifierExtractor, RuleBased};
use log_cluster::mask::Masker;
use serde::Serialize;

use crate::{Error, Progress};

/// Threads that prepare events.
const PREPARE_THREADS: usize = 2;

/// Events handed from the reader thread at a time.
const BATCH: usize = 2048;

/// Rejections kept for the report (all are counted).
pub const MAX_REJECTED_LISTED: usize = 10_000;

/// Member events kept per distinct shape for header synthesis (what generation uses).
pub const KEEP_TEXTS: usize = 2000;

/// What the preparing threads hand over.
enum Prepared {
    Event(log_cluster::events::Prepared),
    Rejected(Rejected),
}

/// What clustering a log gives.
#[derive(Serialize)]
pub struct Clustered {
    /// Lines read.
    pub lines: usize,
    /// Events found.
    pub events: usize,
    /// Rejections (the first [`MAX_REJECTED_LISTED`]), by line.
    pub rejected: Vec<Rejected>,
    /// All rejections.
    pub rejected_total: usize,
    /// Event types.
    pub clusters: Vec<EventCluster>,
}

/// Reads and clusters a log. `keep_texts`: member texts kept per distinct shape (0 for
/// clustering only, [`KEEP_TEXTS`] for generation).
pub fn cluster_stream(
    input: Box<dyn BufRead + Send>,
    max_event_bytes: usize,
    keep_texts: usize,
    progress: &dyn Progress,
) -> Result<Clustered, Error> {
    cluster_stream_with(input, max_event_bytes, keep_texts, progress, &RuleBased)
}

/// [`cluster_stream`] with another identifier extractor for stage 1 (a language model's).
pub fn cluster_stream_with(
    input: Box<dyn BufRead + Send>,
    max_event_bytes: usize,
    keep_texts: usize,
    progress: &dyn Progress,
    extractor: &(dyn IdentifierExtractor + Sync),
) -> Result<Clustered, Error> {
    progress.stage("reading");
    let mut clusterer =
        EventClusterer::new(log_cluster::Config::default(), extractor).keep_texts(keep_texts);
    let mut rejected = Vec::new();
    let mut rejected_total = 0;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(8);
    let rx = std::sync::Mutex::new(rx);
    let (ptx, prx) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(8);
    let lines = std::thread::scope(|s| -> Result<usize, Error> {
        let producer = s.spawn(move || -> Result<usize, Error> {
            let mut reader = Reader::new(input, Options { max_event_bytes });
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(item) = reader.next() {
                batch.push(item?);
                if batch.len() == BATCH {
                    progress.bytes(reader.bytes_read);
                    if progress.cancelled() {
                        return Err(Error::Cancelled);
                    }
                    if tx
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                    {
                        break;
                    }
                }
            }
            let _ = tx.send(batch);
            progress.bytes(reader.bytes_read);
            Ok(reader.lines_read())
        });
        let rx = &rx;
        for _ in 0..PREPARE_THREADS {
            let ptx = ptx.clone();
            s.spawn(move || {
                let mut masker = Masker::default();
                loop {
                    let batch = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = batch else { return };
                    let prepared: Vec<Prepared> = batch
                        .into_iter()
                        .map(|item| match item {
                            Item::Event(e) => Prepared::Event(log_cluster::events::prepare(
                                extractor,
                                &mut masker,
                                e,
                            )),
                            Item::Rejected(r) => Prepared::Rejected(r),
                        })
                        .collect();
                    if ptx.send(prepared).is_err() {
                        return;
                    }
                }
            });
        }
        drop(ptx);
        for batch in prx {
            for p in batch {
                match p {
                    Prepared::Event(e) => clusterer.add_prepared(e),
                    Prepared::Rejected(r) => {
                        rejected_total += 1;
                        if rejected.len() < MAX_REJECTED_LISTED {
                            rejected.push(r);
                        }
                    }
                }
            }
        }
        producer
            .join()
            .map_err(|_| Error::Internal("the reader thread failed".into()))?
    })?;
    // Rejections arrive in batch order; report them by line.
    rejected.sort_by_key(|r| r.line);
    progress.stage("clustering");
    let events = clusterer.events();
    let clusters = clusterer.finish();
    Ok(Clustered {
        lines,
        events,
        rejected,
        rejected_total,
        clusters,
    })
}
