import { useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { AppInfo, SessionInfo } from "../bindings";
import { ErrorBox, Field, useFocusOnMount } from "../components";
import { colon, t } from "../i18n";

export function Unlock(props: { info: AppInfo; note: string | null; onUnlocked: (s: SessionInfo) => void }) {
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
    </form>
  );
}
