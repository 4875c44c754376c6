import { useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { AppInfo, SessionInfo } from "../bindings";
import { ErrorBox, Field, StrengthMeter, useFocusOnMount } from "../components";
import { colon, t } from "../i18n";
import { VOCABULARY } from "../bindings";

export function Unlock(props: { info: AppInfo; note: string | null; onUnlocked: (s: SessionInfo) => void }) {
  const [recovering, setRecovering] = useState(false);
  if (recovering) return <Recover info={props.info} onUnlocked={props.onUnlocked} onBack={() => setRecovering(false)} />;
  return <PassphraseUnlock {...props} onRecover={() => setRecovering(true)} />;
}

function PassphraseUnlock(props: { info: AppInfo; note: string | null; onUnlocked: (s: SessionInfo) => void; onRecover: () => void }) {
  const focusRef = useFocusOnMount<HTMLInputElement>();
  const [operator, setOperator] = useState("");
  const [pass, setPass] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const s = await call(commands.unlock({ operator, passphrase: pass }));
      setPass("");
      props.onUnlocked(s);
    } catch (err) {
      setPass("");
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card narrow" id="unlock-form" onSubmit={submit} autocomplete="off">
      <h1>{t("unlockTitle")}</h1>
      {props.note && <p class="lead" id="lock-note">{props.note}</p>}
      <p class="path">
        {t("vaultFile")}
        {colon()}
        <code>{props.info.vault_path}</code>
      </p>
      <Field id="operator" label={t("operatorName")}>
        <input id="operator" value={operator} onInput={(e) => setOperator(e.currentTarget.value)} required ref={focusRef} />
      </Field>
      <Field id="unlock-passphrase" label={t("passphrase")}>
        <input id="unlock-passphrase" type="password" value={pass} onInput={(e) => setPass(e.currentTarget.value)} required />
      </Field>
      <ErrorBox message={error} id="unlock-error" />
      <button type="submit" class="primary" id="unlock-submit" disabled={busy}>
        {busy ? t("unlocking") : t("unlock")}
      </button>
      <button type="button" class="ghost" id="use-recovery-key" onClick={props.onRecover}>
        {t("useRecoveryKey")}
      </button>
    </form>
  );
}

/**
 * Forgot the passphrase: the recovery key written down when the vault was created opens it and
 * sets a new passphrase for the operator named (recorded in the audit log). A wrong key changes
 * nothing. The key and the passphrase are cleared from the form whatever happens.
 */
function Recover(props: { info: AppInfo; onUnlocked: (s: SessionInfo) => void; onBack: () => void }) {
  const focusRef = useFocusOnMount<HTMLInputElement>();
  const [operator, setOperator] = useState("");
  const [key, setKey] = useState("");
  const [pass, setPass] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const min = VOCABULARY.min_passphrase_chars;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const s = await call(commands.recover({ operator, recovery_key: key, new_passphrase: pass }));
      props.onUnlocked(s);
    } catch (err) {
      setError(describe(err));
    } finally {
      setKey("");
      setPass("");
      setBusy(false);
    }
  };
  return (
    <form class="card narrow" id="recover-form" onSubmit={submit} autocomplete="off">
      <h1>{t("recoverTitle")}</h1>
      <p class="hint">{t("recoverIntro")}</p>
      <p class="path">
        {t("vaultFile")}
        {colon()}
        <code>{props.info.vault_path}</code>
      </p>
      <Field id="recover-operator" label={t("operatorName")}>
        <input id="recover-operator" value={operator} onInput={(e) => setOperator(e.currentTarget.value)} required ref={focusRef} />
      </Field>
      <Field id="recover-key" label={t("recoveryKey")}>
        <input id="recover-key" class="mono" value={key} spellcheck={false} onInput={(e) => setKey(e.currentTarget.value)} required />
      </Field>
      <Field id="recover-passphrase" label={t("newPassphrase")}>
        <input id="recover-passphrase" type="password" value={pass} onInput={(e) => setPass(e.currentTarget.value)} required />
        <StrengthMeter value={pass} min={min} />
      </Field>
      <ErrorBox message={error} id="recover-error" />
      <button type="submit" class="primary" id="recover-submit" disabled={busy || [...pass].length < min}>
        {busy ? t("unlocking") : t("recoverSubmit")}
      </button>
      <button type="button" class="ghost" id="recover-back" onClick={props.onBack}>
        {t("recoverBack")}
      </button>
    </form>
  );
}
