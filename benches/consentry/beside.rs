//! Capture and search while `verify` runs beside the session (the app's way: a read-only
//! connection of its own, `verify::verifier`), against the same paths with no verify
//! running, in the same run. Blocks alternate: a block of samples with a verifier looping on
//! another thread, then a block without, round by round; the first block of each is a
//! warm-up. On this 2-core machine the verifier takes one core, so what is left is the cost
//! of sharing the CPU and the WAL, not of waiting for a lock.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use consentry::{subject, verify};

use super::{engine_capture, person, timed, Engine, PathResult, Res, Samples, Sizes, Target};

/// A verifier looping on its own thread until dropped.
struct Looping {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<Result<u64, String>>>,
    runs: Arc<AtomicU64>,
}

impl Looping {
    fn start(e: &mut Engine) -> Res<Self> {
        let verifier = verify::verifier(&mut e.legal)?;
        let stop = Arc::new(AtomicBool::new(false));
        let runs = Arc::new(AtomicU64::new(0));
        let (s, n) = (stop.clone(), runs.clone());
        let handle = std::thread::spawn(move || -> Result<u64, String> {
            while !s.load(Ordering::Relaxed) {
                let r = verifier.run(consentry::verify::Scope::Full).map_err(|e| e.to_string())?;
                if !r.is_intact() {
                    return Err(format!("verify found problems: {:?}", r.problems));
                }
                n.fetch_add(1, Ordering::Relaxed);
            }
            Ok(n.load(Ordering::Relaxed))
        });
        // Let it get going before the first sample.
        std::thread::sleep(std::time::Duration::from_millis(20));
        Ok(Looping { stop, handle: Some(handle), runs })
    }

    fn finish(mut self) -> Res<u64> {
        self.stop.store(true, Ordering::Relaxed);
        match self.handle.take().map(|h| h.join()) {
            Some(Ok(r)) => r.map_err(Into::into),
            Some(Err(_)) => Err("the verifier thread panicked".into()),
            None => Ok(self.runs.load(Ordering::Relaxed)),
        }
    }
}

/// The two paths, engine = with verify running, baseline = without.
pub(super) fn run(e: &mut Engine, seed: u64, next_person: &mut usize, sz: &Sizes) -> Res<Vec<PathResult>> {
    let block = sz.captures.max(10);
    let (mut cap_with, mut cap_without) = (Samples::default(), Samples::default());
    let (mut search_with, mut search_without) = (Samples::default(), Samples::default());
    let queries = ["zhang", "张", "wei", "li.na", "1380", "wang", "杨", "chen"];
    let mut verify_runs = 0;
    for round in 0..(sz.rounds + 1) {
        for with_verify in [true, false] {
            let looping = if with_verify { Some(Looping::start(e)?) } else { None };
            for k in 0..block {
                let (p, _) = person(seed, *next_person);
                *next_person += 1;
                let d = timed(|| engine_capture(e, &p))?.0;
                let q = queries[k % queries.len()];
                let ds = timed(|| Ok(std::hint::black_box(subject::search(&mut e.marketer, q, 20)?.len())))?.0;
                if round > 0 {
                    if with_verify {
                        cap_with.push(d);
                        search_with.push(ds);
                    } else {
                        cap_without.push(d);
                        search_without.push(ds);
                    }
                }
            }
            if let Some(l) = looping {
                verify_runs += l.finish()?;
            }
        }
    }
    let note = format!("verify runs beside it on its own connection ({verify_runs} full runs during the blocks); baseline: the same path with no verify running, in alternating blocks");
    Ok(vec![
        PathResult {
            path: "capture, verify running",
            what: format!("capture (as above) while {note}"),
            engine: cap_with,
            raw: Some(cap_without),
            target: Target::Ratio(1.5),
            events: None,
        },
        PathResult {
            path: "search, verify running",
            what: format!("search's first page (as above) while {note}"),
            engine: search_with,
            raw: Some(search_without),
            target: Target::Ratio(1.5),
            events: None,
        },
    ])
}
