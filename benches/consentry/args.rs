//! The benchmark's arguments, and the sizes of its sets.

use std::path::PathBuf;

use crate::Res;

#[derive(Clone, Copy)]
pub(crate) struct Sizes {
    pub(crate) name: &'static str,
    pub(crate) subjects: usize,
    pub(crate) import_events: usize,
    pub(crate) rounds: usize,
    pub(crate) samples: usize,
    pub(crate) captures: usize,
    pub(crate) bulk_rounds: usize,
}

pub(crate) const QUICK: Sizes = Sizes {
    name: "quick",
    subjects: 1_000,
    import_events: 10_000,
    rounds: 3,
    samples: 200,
    captures: 20,
    bulk_rounds: 3,
};
pub(crate) const LARGE: Sizes = Sizes {
    name: "large",
    subjects: 100_000,
    import_events: 100_000,
    rounds: 3,
    samples: 300,
    captures: 30,
    bulk_rounds: 5,
};
pub(crate) const SMOKE: Sizes =
    Sizes { name: "smoke", subjects: 20, import_events: 100, rounds: 1, samples: 10, captures: 2, bulk_rounds: 1 };

pub(crate) struct Args {
    pub(crate) sizes: Sizes,
    pub(crate) seed: u64,
    pub(crate) out: Option<PathBuf>,
    pub(crate) md: Option<PathBuf>,
    pub(crate) dir: Option<PathBuf>,
    pub(crate) startup: Option<PathBuf>,
    /// Run the main set (`--merge-only` turns it off) and the merge (`--no-merge`).
    pub(crate) main: bool,
    pub(crate) merge: bool,
    /// `--merge-people N`: people per device in the merge (for profiling at other sizes).
    pub(crate) merge_people: Option<usize>,
    /// `--cipher`: also compare SQLCipher's settings on the raw side (`consentry/cipher.rs`).
    pub(crate) cipher: bool,
    /// `--keep-vault DIR`: copy the engine's vault there at the end (for measuring the app
    /// on it: scripts/measure-desktop.py --vault DIR/engine.db --operator Mo --passphrase
    /// "bench marketer passphrase").
    pub(crate) keep_vault: Option<PathBuf>,
}

pub(crate) fn parse_args() -> Res<Args> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let benching = raw.iter().any(|a| a == "--bench");
    let sizes = if benching { QUICK } else { SMOKE };
    let mut a = Args {
        sizes,
        seed: 2026,
        out: None,
        md: None,
        dir: None,
        startup: None,
        main: true,
        merge: true,
        merge_people: None,
        cipher: !benching, // the smoke set runs every part, so none goes stale
        keep_vault: None,
    };
    let mut it = raw.into_iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--quick" => a.sizes = QUICK,
            "--large" => a.sizes = LARGE,
            "--smoke" => a.sizes = SMOKE,
            "--seed" => a.seed = value()?.parse()?,
            "--out" => a.out = Some(value()?.into()),
            "--md" => a.md = Some(value()?.into()),
            "--dir" => a.dir = Some(value()?.into()),
            "--startup" => a.startup = Some(value()?.into()),
            "--merge-only" => a.main = false,
            "--no-merge" => a.merge = false,
            "--merge-people" => a.merge_people = Some(value()?.parse()?),
            "--cipher" => a.cipher = true,
            "--keep-vault" => a.keep_vault = Some(value()?.into()),
            other if other.starts_with("--") => {
                return Err(format!(
                    "unknown option {other}; use --quick|--large [--seed N] [--out FILE] [--md FILE] [--dir DIR] [--merge-only|--no-merge] [--merge-people N] [--cipher] [--keep-vault DIR] or --startup FILE"
                )
                .into())
            }
            _ => {} // cargo's test filters
        }
    }
    Ok(a)
}
