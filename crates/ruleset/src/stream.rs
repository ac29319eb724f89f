//! A whole log through a rule set: one thread reads events (every kind `ingest` reads),
//! `workers` threads apply the rules and render each result, and the caller's thread receives
//! the rendered results in input order.

use std::collections::BTreeMap;
use std::io::BufRead;

use ingest::{Item, Kind, Options, Reader, Rejected};
use xp_eval::RunOptions;

use crate::{Applied, RuleSet};

/// Most events handed to a worker at a time: enough that the events of one type meet in a batch
/// of a log with thousands of types ([`apply_batch`]).
const BATCH: usize = 8192;

/// Most event bytes in one batch (a batch of large events is cut short): with the batches in
/// flight (two a worker, one a worker being run, those waiting for their turn) memory stays a
/// few times this, whatever the events' size.
const BATCH_BYTES: usize = 4 << 20;

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
            let mut bytes = 0;
            let mut seq = 0;
            for item in r {
                let item = item?;
                if let Item::Event(e) = &item {
                    bytes += e.received().len();
                }
                batch.push(item);
                if batch.len() == BATCH || bytes >= BATCH_BYTES {
                    bytes = 0;
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
                let outs = apply_batch(set, batch, run, render);
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

/// Applies the rules to a batch, grouped by the rules each event is offered, so that
/// events of one type run one after another while that rule's compiled form is in cache (a
/// log of many interleaved types otherwise reloads a rule from memory for nearly every
/// event); the results keep the batch's order.
fn apply_batch<R>(
    set: &RuleSet,
    batch: Vec<Item>,
    run: &RunOptions,
    render: &(impl Fn(&EventResult<'_>) -> R + Sync),
) -> Vec<Out<R>> {
    let mut cands: Vec<Option<Vec<usize>>> = batch
        .iter()
        .map(|item| match item {
            Item::Event(e) => Some(set.candidates(e.received())),
            Item::Rejected(_) => None,
        })
        .collect();
    let mut order: Vec<usize> = (0..batch.len()).collect();
    // By the rules offered, in the order they are tried; stable, so the events offered the
    // same rules keep their order.
    order.sort_by(|&a, &b| cands[a].as_deref().cmp(&cands[b].as_deref()));
    let mut items: Vec<Option<Item>> = batch.into_iter().map(Some).collect();
    let mut outs: Vec<Option<Out<R>>> = (0..items.len()).map(|_| None).collect();
    for i in order {
        let (Some(item), slot) = (items[i].take(), &mut outs[i]) else {
            continue;
        };
        *slot = Some(match item {
            Item::Event(e) => {
                let applied =
                    set.apply_candidates(e.received(), cands[i].take().unwrap_or_default(), run);
                Out::Event(render(&EventResult {
                    line: e.line,
                    kind: e.kind,
                    raw: e.received(),
                    applied,
                }))
            }
            Item::Rejected(r) => Out::Rejected(r),
        });
    }
    outs.into_iter().flatten().collect()
}
