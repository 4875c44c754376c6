//! `consentry org …` and `consentry bundle …`: headquarters and its devices. Each
//! subcommand makes one engine call and prints the result.

mod output;

use std::path::{Path, PathBuf};

use clap::Subcommand;
use consentry::bundle;
use consentry::Error;

use super::{with_session, Cli, Failure};

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Make this vault the organisation's headquarters (admin).
    Init {
        /// The organisation's name, such as "Acme China".
        #[arg(long)]
        name: String,
    },
    /// At headquarters: enrol a device and save its enrolment file (admin). Compare the
    /// fingerprint printed here with the one the device shows.
    Enrol {
        /// The device's name, such as "Stand tablet 1".
        name: String,
        /// Folder to save the enrolment file in (default: the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// On a device: join the organisation an enrolment file names (admin). Without
    /// --fingerprint it only prints the fingerprint to compare with headquarters' screen.
    Join {
        /// The enrolment file from headquarters.
        file: PathBuf,
        /// The fingerprint headquarters' screen shows (16 digits); joins only if it matches.
        #[arg(long)]
        fingerprint: Option<String>,
    },
    /// At headquarters: revoke a device; its bundles are refused from then on (admin).
    Revoke {
        /// The device's name or enrolment id.
        device: String,
    },
    /// At headquarters: each device's last sequence number, checkpoint, acknowledgement,
    /// gaps and forks. On a device: what is not yet sent to headquarters.
    Status,
    /// At headquarters: forks found, with both signed statements.
    Quarantine,
    /// At headquarters: record the decision on a fork (admin).
    Resolve {
        /// The quarantine case id.
        id: String,
        /// What was found and decided.
        #[arg(long)]
        note: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BundleCommand {
    /// On a device: save everything headquarters has not acknowledged (marketer, admin).
    Save {
        /// Folder to save the bundle in (default: the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only what is new since the last bundle saved here (smaller files).
        #[arg(long, conflicts_with = "all")]
        since_last: bool,
        /// The whole chain from the start (when headquarters lost what it had).
        #[arg(long)]
        all: bool,
    },
    /// At headquarters: save a bundle for one device: wording, events, acknowledgements
    /// (legal, admin).
    Send {
        /// The device's name or enrolment id.
        device: String,
        /// Folder to save the bundle in (default: the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import bundles: at headquarters, device bundles (any order, repeats are harmless);
    /// on a device, a bundle from headquarters.
    Import {
        /// The bundle files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn out_dir(out: &Option<PathBuf>) -> PathBuf {
    out.clone().unwrap_or_else(|| PathBuf::from("."))
}

pub fn org(cli: &Cli, cmd: &OrgCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        OrgCommand::Init { name } => {
            let o = with_session(cli, |s| bundle::become_headquarters(s, name))?;
            output::organisation(&o, json);
        }
        OrgCommand::Enrol { name, out } => {
            let (e, path) = with_session(cli, |s| {
                let stamp = s.now().format("%Y%m%d-%H%M%S").to_string();
                let e = bundle::enrol(s, name)?;
                let path = bundle::save_enrolment(&out_dir(out), &e, &stamp)?;
                Ok((e, path))
            })?;
            output::enrolled(&e, &path, json);
        }
        OrgCommand::Join { file, fingerprint } => {
            let bytes = consentry::files::read_at_most(file, 64 * 1024, |_| {
                Error::usage(
                    format!("{} is far larger than an enrolment file.", file.display()),
                    "Choose the enrolment file headquarters saved for this device (it ends in .enrol).",
                )
            })?;
            let e = bundle::read_enrolment(&bytes)?;
            let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
            match fingerprint {
                None => output::enrolment_preview(&e, json),
                Some(f) if digits(f) != digits(&e.fingerprint) => {
                    return Err(Failure::Engine(Error::usage(
                        format!(
                            "The fingerprint you typed does not match this enrolment file's ({}). Nothing was changed.",
                            e.fingerprint
                        ),
                        "Do not use this file: ask headquarters for a new enrolment and compare again.",
                    )))
                }
                Some(_) => {
                    let o = with_session(cli, |s| bundle::join(s, &bytes))?;
                    output::organisation(&o, json);
                }
            }
        }
        OrgCommand::Revoke { device } => {
            with_session(cli, |s| bundle::revoke(s, device))?;
            output::revoked(device, json);
        }
        OrgCommand::Status => {
            let (org, devices, unsent) = with_session(cli, |s| {
                let org = bundle::organisation(s)?;
                let hq = org.as_ref().is_some_and(|o| o.is_headquarters);
                let devices = if hq { bundle::devices(s)? } else { Vec::new() };
                Ok((org, devices, bundle::unsent(s)?))
            })?;
            output::status(org.as_ref(), &devices, unsent.as_ref(), json);
        }
        OrgCommand::Quarantine => {
            let cases = with_session(cli, bundle::quarantine)?;
            output::quarantine(&cases, json);
        }
        OrgCommand::Resolve { id, note } => {
            with_session(cli, |s| bundle::resolve(s, id, note))?;
            output::resolved(id, json);
        }
    }
    Ok(())
}

pub fn bundle(cli: &Cli, cmd: &BundleCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        BundleCommand::Save { out, since_last, all } => {
            let scope = match (since_last, all) {
                (true, _) => bundle::Scope::SinceLastBundle,
                (_, true) => bundle::Scope::Everything,
                _ => bundle::Scope::Unacknowledged,
            };
            let saved = with_session(cli, |s| bundle::save_device_bundle_with(s, &out_dir(out), scope))?;
            output::saved(&saved, json);
        }
        BundleCommand::Send { device, out } => {
            let saved = with_session(cli, |s| bundle::save_hq_bundle(s, device, &out_dir(out)))?;
            output::saved(&saved, json);
        }
        BundleCommand::Import { files } => import(cli, files, json)?,
    }
    Ok(())
}

/// Imports each file in turn; one refused file does not stop the others, and the exit
/// code says whether any was refused.
fn import(cli: &Cli, files: &[PathBuf], json: bool) -> Result<(), Failure> {
    let results = with_session(cli, |s| {
        let hq = bundle::organisation(s)?.is_some_and(|o| o.is_headquarters);
        Ok(files.iter().map(|f| (f.as_path(), import_one(s, f, hq))).collect::<Vec<_>>())
    })?;
    let refused = results.iter().any(|(_, r)| r.is_err());
    output::imported(&results, json);
    if refused {
        return Err(Failure::ImportRefused);
    }
    Ok(())
}

/// What one import did, on either side.
pub enum Done {
    /// At headquarters.
    Device(bundle::Imported),
    /// On a device.
    Hq(bundle::Received),
}

fn import_one(s: &mut consentry::Session, f: &Path, hq: bool) -> Result<Done, Error> {
    if hq {
        bundle::import_device_bundle(s, f).map(Done::Device)
    } else {
        bundle::load_hq_bundle(s, f).map(Done::Hq)
    }
}
