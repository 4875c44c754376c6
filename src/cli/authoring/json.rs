//! The `--json` shapes of the authoring commands (documented in docs/cli-json.md): transport
//! types at the boundary; the engine's types never serialize.

use consentry::notice::diff::{Diff, Op};
use consentry::notice::lint::{Finding, Report};
use consentry::notice::profile::Bilingual;
use consentry::notice::workflow::Version;
use consentry::notice::Language;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct BiJson {
    pub(super) zh: String,
    pub(super) en: String,
}

impl From<&Bilingual> for BiJson {
    fn from(b: &Bilingual) -> Self {
        BiJson { zh: b.zh.clone(), en: b.en.clone() }
    }
}

#[derive(Serialize)]
pub(super) struct PlaceJson {
    pub(super) field: Option<String>,
    pub(super) language: Option<&'static str>,
    pub(super) line: Option<usize>,
    pub(super) column: Option<usize>,
}

#[derive(Serialize)]
pub(super) struct FindingJson {
    pub(super) rule: &'static str,
    pub(super) severity: &'static str,
    pub(super) article: &'static str,
    pub(super) message: BiJson,
    pub(super) fix_clause: Option<&'static str>,
    pub(super) place: PlaceJson,
}

impl From<&Finding> for FindingJson {
    fn from(f: &Finding) -> Self {
        FindingJson {
            rule: f.rule,
            severity: f.severity.as_str(),
            article: f.article,
            message: (&f.message).into(),
            fix_clause: f.fix_clause,
            place: PlaceJson {
                field: f.place.field.clone(),
                language: f.place.language.map(Language::as_str),
                line: f.place.line,
                column: f.place.column,
            },
        }
    }
}

#[derive(Serialize)]
pub(super) struct LintJson {
    pub(super) errors: usize,
    pub(super) warnings: usize,
    pub(super) findings: Vec<FindingJson>,
}

impl From<&Report> for LintJson {
    fn from(r: &Report) -> Self {
        LintJson { errors: r.errors(), warnings: r.warnings(), findings: r.findings.iter().map(Into::into).collect() }
    }
}

#[derive(Serialize)]
pub(super) struct VersionJson {
    pub(super) notice: String,
    pub(super) title: BiJson,
    pub(super) number: i64,
    pub(super) state: &'static str,
    pub(super) hash_zh: String,
    pub(super) hash_en: String,
    pub(super) profile: String,
    pub(super) profile_rev: i64,
    pub(super) template: String,
    pub(super) template_rev: i64,
    pub(super) author: String,
    pub(super) approved_by: Option<String>,
    pub(super) lint: LintJson,
}

impl From<&Version> for VersionJson {
    fn from(v: &Version) -> Self {
        VersionJson {
            notice: v.notice.clone(),
            title: (&v.title).into(),
            number: v.number,
            state: v.state.as_str(),
            hash_zh: v.rendered.hash_zh.clone(),
            hash_en: v.rendered.hash_en.clone(),
            profile: v.profile_name.clone(),
            profile_rev: v.profile_rev,
            template: v.template_name.clone(),
            template_rev: v.template_rev,
            author: v.author.clone(),
            approved_by: v.approved_by.clone(),
            lint: (&v.rendered.lint).into(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct OpJson {
    pub(super) op: &'static str,
    pub(super) text: String,
}

#[derive(Serialize)]
pub(super) struct TextDiffJson {
    pub(super) language: &'static str,
    pub(super) inserted: usize,
    pub(super) deleted: usize,
    pub(super) ops: Vec<OpJson>,
}

#[derive(Serialize)]
pub(super) struct MaterialJson {
    pub(super) kind: &'static str,
    pub(super) needs_fresh_consent: bool,
    pub(super) message: BiJson,
}

#[derive(Serialize)]
pub(super) struct DiffJson {
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) needs_fresh_consent: bool,
    pub(super) material: Vec<MaterialJson>,
    pub(super) text: Vec<TextDiffJson>,
}

impl From<&Diff> for DiffJson {
    fn from(d: &Diff) -> Self {
        DiffJson {
            from: d.from,
            to: d.to,
            needs_fresh_consent: d.needs_fresh_consent(),
            material: d
                .material
                .iter()
                .map(|m| MaterialJson {
                    kind: m.kind.as_str(),
                    needs_fresh_consent: m.needs_fresh_consent,
                    message: (&m.message).into(),
                })
                .collect(),
            text: d
                .text
                .iter()
                .map(|t| TextDiffJson {
                    language: t.language.as_str(),
                    inserted: t.inserted,
                    deleted: t.deleted,
                    ops: t
                        .ops
                        .iter()
                        .map(|o| match o {
                            Op::Equal(t) => OpJson { op: "equal", text: t.clone() },
                            Op::Insert(t) => OpJson { op: "insert", text: t.clone() },
                            Op::Delete(t) => OpJson { op: "delete", text: t.clone() },
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct TemplateJson {
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) rev: i64,
    pub(super) title: BiJson,
    pub(super) saved_by: String,
}
