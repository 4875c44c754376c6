//! Where the CLI gets secrets: a hidden prompt on the terminal, or environment variables
//! for scripts. Secrets are wrapped at once in zeroizing engine types.

use std::io::IsTerminal;

use consentry::vault::{Passphrase, RecoveryKey};
use consentry::Error;
use zeroize::Zeroizing;

fn from_env_or_prompt(var: &str, prompt: &str) -> Result<Zeroizing<String>, Error> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Zeroizing::new(v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::usage(
            format!("No terminal to ask for the {prompt} on, and {var} is not set."),
            format!("Run the command in a terminal, or set {var} for a script."),
        ));
    }
    rpassword::prompt_password(format!("{prompt}: "))
        .map(Zeroizing::new)
        .map_err(|e| Error::usage(format!("Could not read the {prompt} ({e})."), "Run the command in a terminal."))
}

/// The signed-in operator's passphrase.
pub fn passphrase(operator: &str) -> Result<Passphrase, Error> {
    let text = from_env_or_prompt("CONSENTRY_PASSPHRASE", &format!("Passphrase for {operator}"))?;
    Ok(Passphrase::new(text.to_string()))
}

/// A new passphrase, asked twice when prompted.
pub fn new_passphrase(whose: &str) -> Result<Passphrase, Error> {
    if let Ok(v) = std::env::var("CONSENTRY_NEW_PASSPHRASE") {
        return Ok(Passphrase::new(v));
    }
    let first = from_env_or_prompt("CONSENTRY_NEW_PASSPHRASE", &format!("New passphrase for {whose}"))?;
    let p = Passphrase::new(first.to_string());
    p.check_strength()?;
    let second = from_env_or_prompt("CONSENTRY_NEW_PASSPHRASE", "Type it again")?;
    if first != second {
        return Err(Error::usage("The two passphrases differ.", "Nothing was changed; run the command again."));
    }
    Ok(p)
}

/// The recovery key.
pub fn recovery_key() -> Result<RecoveryKey, Error> {
    let text = from_env_or_prompt("CONSENTRY_RECOVERY_KEY", "Recovery key")?;
    RecoveryKey::parse(&text)
}
