//! A whole log through a rule set: one thread reads events (every kind `ingest` reads),
//! `workers` threads apply the rules and render each result, and the caller's thread receives
//! the rendered results in input order.

use std::collections::BTreeMap;
use std::io::BufRead;

use ingest::{Item, Kind, Options, Reader, Rejected};
use xp_eval::RunOptions;

use crate::{Applied, RuleSet};

/// Events handed to a worker at a time.
const BATCH: usize = 1024;

/// One event's result, as a worker sees it.
pub struct EventResult<'a> {
    /// First line of the event, 1-based.
    pub line: usize,
    /// Its kind.
    pub kind: Kind,
    /// The raw event.
    pub raw: &'a str,
    /// What the rules made of it.
    pub applied: Applied,
}

/// What the caller receives, in input order.
pub enum Out<R> {
    /// An event, rendered by the caller's function.
    Event(R),
    /// Input that is no event (with its line and reason).
    Rejected(Rejected),
}

/// Settings of a run.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// Normalizer options.
    pub run: RunOptions,
    /// Largest event.
    pub max_event_bytes: usize,
    /// Threads applying rules (at least 1).
    pub workers: usize,
}

/// Runs the log. `render` runs on the worker threads; `sink` gets the results in order and may
/// stop the run by returning an error (a closed pipe).
pub fn run<R: Send>(
    set: &RuleSet,
    input: Box<dyn BufRead + Send>,
    opts: &StreamOptions,
    render: impl Fn(&EventResult<'_>) -> R + Sync,
    mut sink: impl FnMut(Out<R>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let workers = opts.workers.max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Item>)>(workers * 2);
    let rx = std::sync::Mutex::new(rx);
    let (otx, orx) = std::sync::mpsc::sync_channel::<(usize, Vec<Out<R>>)>(workers * 2);
    let max_event_bytes = opts.max_event_bytes;
    // Set when the sink fails: the reader stops, the workers drain what is left.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let stop = &stop;
    let stopped = move || stop.load(std::sync::atomic::Ordering::Relaxed);
    std::thread::scope(|s| -> std::io::Result<()> {
        let reader = s.spawn(move || -> std::io::Result<()> {
            let r = Reader::new(input, Options { max_event_bytes });
            let mut batch = Vec::with_capacity(BATCH);
            let mut seq = 0;
            for item in r {
                batch.push(item?);
                if batch.len() == BATCH {
                    if stopped() {
                        return Ok(());
                    }
                    if tx
                        .send((
                            seq,
                            std::mem::replace(&mut batch, Vec::with_capacity(BATCH)),
                        ))
                        .is_err()
                    {
                        return Ok(());
                    }
                    seq += 1;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send((seq, batch));
            }
            Ok(())
        });
        let (rx, render, run) = (&rx, &render, &opts.run);
        for _ in 0..workers {
            let otx = otx.clone();
            s.spawn(move || loop {
                let next = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                let Ok((seq, batch)) = next else { return };
                if stopped() {
                    continue;
                }
                let outs: Vec<Out<R>> = batch
                    .into_iter()
                    .map(|item| match item {
                        Item::Event(e) => {
                            let applied = set.apply(e.received(), run);
                            Out::Event(render(&EventResult {
                                line: e.line,
                                kind: e.kind,
                                raw: e.received(),
                                applied,
                            }))
                        }
                        Item::Rejected(r) => Out::Rejected(r),
                    })
                    .collect();
                if otx.send((seq, outs)).is_err() {
                    stop.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        drop(otx);
        // Reorder: batches arrive as workers finish them.
        let mut pending: BTreeMap<usize, Vec<Out<R>>> = BTreeMap::new();
        let mut next = 0;
        let mut failed = None;
        for (seq, outs) in orx {
            if failed.is_some() {
                continue;
            }
            pending.insert(seq, outs);
            while let Some(outs) = pending.remove(&next) {
                next += 1;
                for o in outs {
                    if let Err(e) = sink(o) {
                        failed = Some(e);
                        break;
                    }
                }
                if failed.is_some() {
                    break;
                }
            }
            if failed.is_some() {
                // Stop the reader; the workers drain what it already sent.
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                break;
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        reader
            .join()
            .map_err(|_| std::io::Error::other("the reader thread failed"))?
    })
}
