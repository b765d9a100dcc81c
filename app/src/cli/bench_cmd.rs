//! `riskctl bench`: the README's sweep benchmark beside a fixed reference
//! workload, timed in one process. Machines differ in speed and CI machines
//! in load, but both workloads feel that alike, so the ratio of their times
//! moves only when riskctl's own work does; `--check` fails when it grows
//! by more than `TOLERANCE` over the ratio committed for the build's
//! profile.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use rayon::prelude::*;

use super::args::{BenchArgs, Cli};

/// How much larger than the committed ratio still passes: timing noise on
/// a shared machine, well under the slowdowns worth stopping for.
const TOLERANCE: f64 = 0.25;

/// The README's benchmark grid: 5 × 2 × 5 × 4 × 5 = 1,000 candidates.
const GRID: [&str; 10] = [
    "--z",
    "2.0,2.326,2.576,3.09,3.5",
    "--horizon",
    "12h,1d",
    "--lt-min",
    "60%,65%,70%,75%,80%",
    "--lt-max",
    "82%,85%,88%,90%",
    "--tighten",
    "1%,2%,3%,4%,5%",
];

/// The build profile the ratio belongs to: an unoptimised dependency set
/// shifts it, so each profile has its own.
fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "dev"
    } else {
        "release"
    }
}

pub fn run(args: &BenchArgs) -> Result<()> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let prices = args.dir.join("minutes-5y.csv");
    if !prices.exists() {
        riskctl(&[
            "prices",
            "synthetic",
            "--span",
            "5y",
            "--out",
            path(&prices)?,
        ])?;
    }
    let report = args.dir.join("sweep-1000.html");
    let mut calibrate = vec!["calibrate", "--prices", path(&prices)?];
    calibrate.extend(GRID);
    calibrate.extend(["--report", path(&report)?]);

    let (mut sweep_secs, mut reference_secs) = (f64::INFINITY, f64::INFINITY);
    for run in 1..=args.runs {
        let reference = timed(|| {
            std::hint::black_box(reference_workload());
            Ok(())
        })?;
        let sweep = timed(|| riskctl(&calibrate))?;
        eprintln!(
            "bench run {run}/{}: README benchmark {sweep:.2} s, reference workload {reference:.2} s",
            args.runs
        );
        sweep_secs = sweep_secs.min(sweep);
        reference_secs = reference_secs.min(reference);
    }
    let ratio = sweep_secs / reference_secs;
    println!(
        "README benchmark {sweep_secs:.2} s, reference workload {reference_secs:.2} s \
         (fastest of {} runs each, {} build): ratio {ratio:.2}",
        args.runs,
        profile()
    );
    if let Some(file) = &args.check {
        let expected = committed_ratio(&read_ratios(file)?, file)?;
        judge(ratio, expected, file)?;
        println!(
            "within {:.0} % of the committed ratio {expected:.2} ({})",
            TOLERANCE * 100.0,
            file.display()
        );
    }
    if let Some(file) = &args.save {
        let mut ratios = if file.exists() {
            read_ratios(file)?
        } else {
            BTreeMap::new()
        };
        ratios.insert(profile().to_string(), (ratio * 100.0).round() / 100.0);
        write_ratios(file, &ratios)?;
        println!(
            "ratio saved for the {} build in {}",
            profile(),
            file.display()
        );
    }
    Ok(())
}

/// The ratio committed for this build's profile.
fn committed_ratio(ratios: &BTreeMap<String, f64>, file: &Path) -> Result<f64> {
    match ratios.get(profile()) {
        Some(&ratio) if ratio.is_finite() && ratio > 0.0 => Ok(ratio),
        Some(ratio) => bail!(
            "{}: the {} ratio {ratio} is not a positive number",
            file.display(),
            profile()
        ),
        None => bail!(
            "{} has no ratio for the {} build",
            file.display(),
            profile()
        ),
    }
}

/// Passes a measured `ratio` up to `TOLERANCE` above the `expected` one.
fn judge(ratio: f64, expected: f64, file: &Path) -> Result<()> {
    let limit = expected * (1.0 + TOLERANCE);
    if ratio > limit {
        bail!(
            "the sweep got slower: ratio {ratio:.2} against {expected:.2} committed in {} \
             (at most {limit:.2} passes); find the change that slowed it, or save a new \
             ratio on purpose (--save) with the reason in the commit",
            file.display()
        );
    }
    Ok(())
}

/// A riskctl command, run in this process as the command line would.
fn riskctl(args: &[&str]) -> Result<()> {
    let argv = std::iter::once("riskctl").chain(args.iter().copied());
    super::run(Cli::try_parse_from(argv)?)
}

fn path(path: &Path) -> Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not valid UTF-8", path.display()))
}

fn timed(work: impl FnOnce() -> Result<()>) -> Result<f64> {
    let start = Instant::now();
    work()?;
    Ok(start.elapsed().as_secs_f64())
}

/// Work that depends on nothing of riskctl's: sorting pseudo-random
/// numbers, in parallel chunks as the sweep runs its candidates, so that
/// cores, caches and memory weigh on it as on the sweep. Returns a
/// checksum, so that none of it can be left out.
fn reference_workload() -> u64 {
    const CHUNKS: u64 = 64;
    const LEN: usize = 1 << 21;
    (0..CHUNKS)
        .into_par_iter()
        .map(|chunk| {
            let mut state = 0x9E37_79B9_7F4A_7C15 ^ (chunk + 1);
            let mut values: Vec<u64> = (0..LEN)
                .map(|_| {
                    // xorshift64
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state
                })
                .collect();
            values.sort_unstable();
            values
                .iter()
                .step_by(4_096)
                .fold(0u64, |sum, v| sum.wrapping_add(*v))
        })
        .reduce(|| 0, u64::wrapping_add)
}

/// The committed ratios: `profile = ratio` lines, `#` comments.
fn read_ratios(file: &Path) -> Result<BTreeMap<String, f64>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("{}: not `profile = ratio` lines", file.display()))
}

fn write_ratios(file: &Path, ratios: &BTreeMap<String, f64>) -> Result<()> {
    let mut text = String::from(
        "# The README benchmark's time over the reference workload's, per build\n\
         # profile, as `riskctl bench` measures them; `riskctl bench --check` fails\n\
         # when a ratio grows by more than 25 %. Change it on purpose only, with the\n\
         # reason in the commit.\n",
    );
    for (profile, ratio) in ratios {
        text.push_str(&format!("{profile} = {ratio}\n"));
    }
    std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_passes_up_to_a_quarter_above_the_committed_one_and_fails_beyond() {
        let file = Path::new("app/benches/sweep_ratio.toml");
        assert!(judge(4.0, 4.0, file).is_ok());
        assert!(judge(3.0, 4.0, file).is_ok(), "faster always passes");
        assert!(judge(5.0, 4.0, file).is_ok(), "25 % slower is the edge");
        let slower = judge(5.01, 4.0, file).unwrap_err().to_string();
        assert!(slower.contains("ratio 5.01 against 4.00"), "{slower}");
    }

    #[test]
    fn ratios_round_trip_per_profile_and_a_missing_one_is_named() {
        let dir = std::env::temp_dir().join(format!("riskctl-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ratios.toml");
        let ratios = BTreeMap::from([("other".to_string(), 2.5)]);
        write_ratios(&file, &ratios).unwrap();
        assert_eq!(read_ratios(&file).unwrap(), ratios);
        let missing = committed_ratio(&ratios, &file).unwrap_err().to_string();
        assert!(
            missing.contains(&format!("no ratio for the {} build", profile())),
            "{missing}"
        );
        let zero = BTreeMap::from([(profile().to_string(), 0.0)]);
        assert!(committed_ratio(&zero, &file).is_err());
        std::fs::write(&file, "dev = fast\n").unwrap();
        assert!(read_ratios(&file)
            .unwrap_err()
            .to_string()
            .contains("not `profile = ratio` lines"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_committed_file_has_a_ratio_for_each_profile() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sweep_ratio.toml");
        let ratios = read_ratios(&file).unwrap();
        for profile in ["dev", "release"] {
            assert!(ratios.get(profile).is_some_and(|r| *r > 0.0), "{profile}");
        }
    }
}
