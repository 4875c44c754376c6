//! PIPL Art. 15 (and GDPR Art. 7(3)): where consent is asked for, the person can withdraw
//! it, so the notice must say how.

use super::checker::Lint;
use super::section::Section;
use super::{Rule, Severity};

/// The rule of PIPL Art. 15.
pub(super) const RULES: &[Rule] = &[WITHDRAWAL];

const WITHDRAWAL: Rule = Rule {
    id: "pipl15.withdrawal",
    article: "PIPL Art. 15; GDPR Art. 7(3)",
    requires: "how to withdraw consent",
    severity: Severity::Error,
    messages: &[],
    check: withdrawal,
};

/// Applies where consent is asked for.
fn withdrawal(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if s.catalogue.purposes.iter().any(|x| x.asks_consent()) {
        let what = ("撤回同意的方式", "how to withdraw consent");
        l.need_value(rule, "withdrawal_channel", what, &s.profile.withdrawal_channel, Some("withdrawal"));
        l.need_in_text(
            rule,
            (Section::Withdrawal, "withdrawal_channel"),
            what,
            &s.profile.withdrawal_channel,
            Some("withdrawal"),
        );
    }
}
