//! An order-keeping parallel map over the cores of the machine, for per-cluster work (header
//! synthesis and checking here, field assignment in `field-assign`): each item independent of
//! the others, shared inputs read-only.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Most items one worker takes at a time: small enough that a few expensive clusters do not
/// leave the other workers idle, large enough that taking work costs nothing.
const BLOCK: usize = 16;

/// `xs.iter().enumerate().map(f).collect()`, on up to `available_parallelism` threads; the
/// result is in input order and the same whatever the number of threads.
pub fn par_map<T: Sync, R: Send>(xs: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(xs.len());
    if workers <= 1 {
        return xs.iter().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    // About four blocks a worker, so that they finish together.
    let block = (xs.len() / (workers * 4)).clamp(1, BLOCK);
    let next = AtomicUsize::new(0);
    let mut blocks: Vec<(usize, Vec<R>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let from = next.fetch_add(block, Ordering::Relaxed);
                        if from >= xs.len() {
                            break done;
                        }
                        let to = (from + block).min(xs.len());
                        let out = (from..to).map(|i| f(i, &xs[i])).collect();
                        done.push((from, out));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(done) => done,
                // A worker's panic is the caller's panic, as in the sequential map.
                Err(p) => std::panic::resume_unwind(p),
            })
            .collect()
    });
    blocks.sort_unstable_by_key(|(from, _)| *from);
    blocks.into_iter().flat_map(|(_, out)| out).collect()
}

#[cfg(test)]
mod tests {
    use super::par_map;

    #[test]
    fn keeps_input_order() {
        let xs: Vec<usize> = (0..1000).collect();
        let ys = par_map(&xs, |i, x| (i, x * 2));
        assert_eq!(ys.len(), 1000);
        assert!(ys
            .iter()
            .enumerate()
            .all(|(k, &(i, y))| k == i && y == 2 * k));
        assert!(par_map(&[] as &[u8], |_, _| 0).is_empty());
    }
}
