//! The profile's statements about the processing that are not lists of purposes and
//! categories: automated decisions, entrusted processors, and whether the data must be given.

use serde::{Deserialize, Serialize};

use super::Bilingual;

/// Automated decision-making and profiling (GDPR Arts. 13(2)(f), 22; PIPL Art. 24).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomatedDecisions {
    /// Whether decisions based solely on automated processing (profiling included) are made.
    #[serde(default)]
    pub used: bool,
    /// Meaningful information about the logic involved.
    #[serde(default)]
    pub logic: Bilingual,
    /// Their significance and the envisaged consequences for the person.
    #[serde(default)]
    pub significance: Bilingual,
}

/// A service provider entrusted to process the data on the controller's behalf (受托人, PIPL
/// Art. 21; a processor, GDPR Art. 28). Named in the wording with the task it does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    /// Its name, or the category of provider (GDPR Art. 13(1)(e) allows categories).
    #[serde(default)]
    pub name: Bilingual,
    /// What it does with the data, for whom.
    #[serde(default)]
    pub task: Bilingual,
}

/// Whether the person must provide the data (GDPR Art. 13(2)(e)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    /// Whether providing it is a statutory or contractual requirement, or needed to enter a
    /// contract, and whether the person is obliged to provide it.
    #[serde(default)]
    pub requirement: Bilingual,
    /// What follows if the person does not provide it.
    #[serde(default)]
    pub consequences: Bilingual,
}
