import { useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { AppInfo, SessionInfo } from "../bindings";
import { ErrorBox, Field, StrengthMeter, useFocusOnMount } from "../components";
import { colon, t } from "../i18n";

/** First run: create the vault, then show the recovery key once and have it confirmed. */
export function CreateVault(props: { info: AppInfo; onCreated: (s: SessionInfo) => void }) {
  const focusRef = useFocusOnMount<HTMLInputElement>();
  const min = props.info.min_passphrase_chars;
  const [admin, setAdmin] = useState("");
  const [device, setDevice] = useState(props.info.default_device_name);
  const [pass, setPass] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ key: string; session: SessionInfo } | null>(null);

  if (created) return <RecoveryKey recoveryKey={created.key} onDone={() => props.onCreated(created.session)} />;

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (pass !== again) return setError(t("passphrasesDiffer"));
    setBusy(true);
    try {
      const r = await call(commands.createVault({ admin_name: admin, passphrase: pass, device_name: device }));
      setPass("");
      setAgain("");
      setCreated({ key: r.recovery_key, session: r.session });
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card narrow" id="create-form" onSubmit={submit} autocomplete="off">
      <h1>{t("createTitle")}</h1>
      <p class="lead">{t("createIntro")}</p>
      <p class="path">
        {t("vaultFile")}
        {colon()}
        <code>{props.info.vault_path}</code>
      </p>
      <Field id="admin-name" label={t("adminName")}>
        <input id="admin-name" value={admin} onInput={(e) => setAdmin(e.currentTarget.value)} required ref={focusRef} />
      </Field>
      <Field id="device-name" label={t("deviceName")} hint={t("deviceHint")}>
        <input id="device-name" value={device} onInput={(e) => setDevice(e.currentTarget.value)} required />
      </Field>
      <Field id="passphrase" label={t("passphrase")} hint={t("passphraseHint", { min })}>
        <input id="passphrase" type="password" value={pass} onInput={(e) => setPass(e.currentTarget.value)} required />
        <StrengthMeter value={pass} min={min} />
      </Field>
      <Field id="passphrase-again" label={t("passphraseAgain")}>
        <input id="passphrase-again" type="password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} required />
      </Field>
      <ErrorBox message={error} />
      <button type="submit" class="primary" id="create-submit" disabled={busy}>
        {busy ? t("creating") : t("createVault")}
      </button>
    </form>
  );
}

function RecoveryKey(props: { recoveryKey: string; onDone: () => void }) {
  const focusRef = useFocusOnMount<HTMLInputElement>();
  const groups = props.recoveryKey.split("-");
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    if (typed.trim().toUpperCase() !== groups[groups.length - 1]) return setError(t("recoveryMismatch"));
    props.onDone();
  };
  return (
    <form class="card narrow" id="recovery-form" onSubmit={submit} autocomplete="off">
      <h1>{t("recoveryTitle")}</h1>
      <p class="lead">{t("recoveryIntro")}</p>
      <div class="recovery-key" id="recovery-key" aria-label={t("recoveryTitle")}>
        {groups.map((g) => (
          <span>{g}</span>
        ))}
      </div>
      <Field id="recovery-confirm" label={t("recoveryConfirm")}>
        <input id="recovery-confirm" value={typed} maxLength={4} onInput={(e) => setTyped(e.currentTarget.value)} ref={focusRef} required />
      </Field>
      <ErrorBox message={error} />
      <button type="submit" class="primary" id="recovery-done">
        {t("recoveryDone")}
      </button>
    </form>
  );
}
