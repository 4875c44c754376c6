//! The `consentry notice …` authoring subcommands, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use consentry::notice::template::TemplateKind;
use consentry::notice::Language;

use super::output::{render_format, RenderFormat};

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Save a processing profile from a JSON file as its next revision (legal).
    Set {
        /// The profile file (see docs/profile.md; `notice profile example` prints one).
        file: PathBuf,
    },
    /// Print a profile's current revision as JSON.
    Show {
        /// Profile name.
        name: String,
    },
    /// List profiles.
    List,
    /// Print an example profile to start from.
    Example,
}

#[derive(Subcommand, Debug)]
pub enum TemplateCommand {
    /// List templates and clauses.
    List,
    /// Print a template's source in one language.
    Show {
        /// Template name.
        name: String,
        /// zh-CN or en.
        #[arg(long, default_value = "en", value_parser = Language::parse_tag)]
        language: Language,
    },
    /// Save a template or clause from two files (legal).
    Set {
        /// Name (lower case, digits, - and _).
        name: String,
        /// notice or clause.
        #[arg(long)]
        kind: TemplateKind,
        /// Chinese source file.
        #[arg(long)]
        zh: PathBuf,
        /// English source file.
        #[arg(long)]
        en: PathBuf,
        /// Chinese title.
        #[arg(long)]
        title_zh: String,
        /// English title.
        #[arg(long)]
        title_en: String,
    },
    /// Install or update the starter library shipped with Consentry (legal).
    InstallStarter,
}

/// Which wording to render or lint: a stored version, or a saved profile with a template.
#[derive(Args, Debug)]
pub struct Source {
    /// The notice (its newest version unless --version is given).
    #[arg(required_unless_present = "profile")]
    pub notice: Option<String>,
    /// Version number.
    #[arg(long)]
    pub version: Option<i64>,
    /// Preview: a saved profile's name (with --template) instead of a stored version.
    #[arg(long, conflicts_with = "notice", requires = "template")]
    pub profile: Option<String>,
    /// Preview: the notice template to render the profile with.
    #[arg(long, requires = "profile")]
    pub template: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum AuthoringCommand {
    /// Processing profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Templates and the clause library.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Create a notice and its first draft from a saved profile and a template (legal).
    New {
        /// Notice name, such as trade-show-2026.
        name: String,
        /// Chinese title.
        #[arg(long)]
        title_zh: String,
        /// English title.
        #[arg(long)]
        title_en: String,
        /// Saved profile name.
        #[arg(long)]
        profile: String,
        /// Notice template name.
        #[arg(long)]
        template: String,
    },
    /// Re-render the notice's draft from the current profile and template, or start a new
    /// draft version as a copy of the newest one (legal).
    Draft {
        /// Notice name.
        name: String,
        /// Switch to another saved profile.
        #[arg(long)]
        profile: Option<String>,
        /// Switch to another template.
        #[arg(long)]
        template: Option<String>,
    },
    /// List notices and their versions, or show one version.
    Versions {
        /// Notice name (all notices if omitted).
        name: Option<String>,
        /// Version number (the newest if omitted).
        #[arg(long)]
        version: Option<i64>,
    },
    /// Print wording: Markdown, HTML or the capture form.
    Render {
        #[command(flatten)]
        source: Source,
        /// zh-CN or en (both if omitted).
        #[arg(long, value_parser = Language::parse_tag)]
        language: Option<Language>,
        /// md (or markdown), html or form.
        #[arg(long, default_value = "md", value_parser = render_format)]
        format: RenderFormat,
    },
    /// Check wording against PIPL, the GDPR and the EDPB guidelines; exits 6 on errors.
    Lint {
        #[command(flatten)]
        source: Source,
    },
    /// Submit the draft for review; lint errors block it (legal).
    Submit {
        /// Notice name.
        name: String,
        /// A note for the reviewer.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Approve the version in review; its author cannot (legal).
    Approve {
        /// Notice name.
        name: String,
        /// The reviewer's comment.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Send the version in review back to draft, saying why (legal).
    Reject {
        /// Notice name.
        name: String,
        /// What must change.
        #[arg(long)]
        comment: String,
    },
    /// Comment on a version (legal).
    Comment {
        /// Notice name.
        name: String,
        /// The comment.
        text: String,
        /// Version number (the newest if omitted).
        #[arg(long)]
        version: Option<i64>,
    },
    /// Retire an approved version: it is no longer offered for capture (legal).
    Retire {
        /// Notice name.
        name: String,
        /// Version number.
        #[arg(long)]
        version: i64,
        /// Why.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// What changed between two versions; material changes need fresh consent.
    Diff {
        /// Notice name.
        name: String,
        /// One version number.
        from: i64,
        /// The other version number.
        to: i64,
    },
    /// Write the review packet: PATH.html (print-ready) or PATH.docx (Word).
    Export {
        /// Notice name.
        name: String,
        /// Version number (the newest if omitted).
        #[arg(long)]
        version: Option<i64>,
        /// Where to write it; the extension picks the format.
        #[arg(long)]
        out: PathBuf,
    },
}
