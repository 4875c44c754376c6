import { useEffect, useRef, useState } from "preact/hooks";
import type { ActionName } from "../bindings";
import { call, commands, describe } from "../api";
import { ErrorBox, Field, Notice, StrengthMeter } from "../components";
import { lang, setLang, t, type Lang } from "../i18n";

export function Settings(props: { allowed: ActionName[]; onIdleMinutes: (m: number) => void }) {
  const admin = props.allowed.includes("settings.change");
  const [minutes, setMinutes] = useState<number | null>(null);
  const [idleMsg, setIdleMsg] = useState<string | null>(null);
  const [idleErr, setIdleErr] = useState<string | null>(null);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [passMsg, setPassMsg] = useState<string | null>(null);
  const [passErr, setPassErr] = useState<string | null>(null);
  const canBackup = props.allowed.includes("vault.backup");
  const [backupMsg, setBackupMsg] = useState<string | null>(null);
  const [backupErr, setBackupErr] = useState<string | null>(null);
  const [backingUp, setBackingUp] = useState(false);
  const backup = async () => {
    setBackupMsg(null);
    setBackupErr(null);
    setBackingUp(true);
    try {
      const b = await call(commands.backupVault());
      setBackupMsg(t("backupDone", { db: b.db, keys: b.keys, events: b.events, kib: b.kib }));
    } catch (err) {
      setBackupErr(describe(err));
    } finally {
      setBackingUp(false);
    }
  };

  const [printer, setPrinter] = useState("");
  const [printerMsg, setPrinterMsg] = useState<string | null>(null);
  const [printerErr, setPrinterErr] = useState<string | null>(null);
  const printerInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    call(commands.getSettings()).then(
      (s) => {
        setMinutes(s.idle_lock_minutes);
        setPrinter(s.receipt_printer ?? "");
      },
      (e) => setIdleErr(describe(e)),
    );
  }, []);
  const savePrinter = async (e: Event) => {
    e.preventDefault();
    setPrinterMsg(null);
    setPrinterErr(null);
    try {
      const s = await call(commands.setReceiptPrinter(printer));
      setPrinter(s.receipt_printer ?? "");
      setPrinterMsg(s.receipt_printer ? t("saved") : t("printerNone"));
    } catch (err) {
      setPrinterErr(describe(err));
      printerInput.current?.focus();
    }
  };

  const saveIdle = async (e: Event) => {
    e.preventDefault();
    setIdleMsg(null);
    setIdleErr(null);
    try {
      const s = await call(commands.setIdleLock(minutes ?? 5));
      props.onIdleMinutes(s.idle_lock_minutes);
      setIdleMsg(t("saved"));
    } catch (err) {
      setIdleErr(describe(err));
    }
  };
  const changePass = async (e: Event) => {
    e.preventDefault();
    setPassMsg(null);
    setPassErr(null);
    if (next !== again) return setPassErr(t("passphrasesDiffer"));
    try {
      await call(commands.changePassphrase({ current, new: next }));
      setPassMsg(t("passphraseChanged"));
    } catch (err) {
      setPassErr(describe(err));
    } finally {
      setCurrent("");
      setNext("");
      setAgain("");
    }
  };

  return (
    <section id="settings">
      <h1>{t("settingsTitle")}</h1>
      <div class="card inline-form">
        <Field id="language" label={t("language")}>
          <select id="language" value={lang()} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
            <option value="zh-CN">简体中文</option>
            <option value="en">English</option>
          </select>
        </Field>
      </div>
      <form class="card inline-form" id="idle-form" onSubmit={saveIdle}>
        <Field id="idle-minutes" label={t("idleLock")} hint={admin ? undefined : t("idleLockAdminOnly")}>
          <input
            id="idle-minutes"
            type="number"
            min={1}
            max={240}
            value={minutes ?? ""}
            disabled={!admin}
            onInput={(e) => setMinutes(Number(e.currentTarget.value))}
          />
        </Field>
        <ErrorBox message={idleErr} />
        <Notice message={idleMsg} />
        {admin && (
          <button type="submit" id="idle-save">
            {t("save")}
          </button>
        )}
      </form>
      <form class="card inline-form" id="printer-form" onSubmit={savePrinter}>
        <h2>{t("printerTitle")}</h2>
        <Field id="receipt-printer" label={t("printerLabel")} hint={admin ? t("printerHint") : t("idleLockAdminOnly")}>
          <input
            id="receipt-printer"
            ref={printerInput}
            value={printer}
            placeholder="/dev/usb/lp0"
            disabled={!admin}
            aria-invalid={printerErr ? "true" : undefined}
            onInput={(e) => {
              setPrinter(e.currentTarget.value);
              setPrinterErr(null);
              setPrinterMsg(null);
            }}
          />
        </Field>
        <ErrorBox message={printerErr} id="printer-error" />
        <Notice message={printerMsg} />
        {admin && (
          <button type="submit" id="printer-save">
            {t("save")}
          </button>
        )}
      </form>
      <form class="card inline-form" id="passphrase-form" onSubmit={changePass} autocomplete="off">
        <h2>{t("changePassphrase")}</h2>
        <Field id="current-pass" label={t("currentPassphrase")}>
          <input id="current-pass" type="password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} required />
        </Field>
        <Field id="new-pass" label={t("newPassphrase")}>
          <input id="new-pass" type="password" value={next} onInput={(e) => setNext(e.currentTarget.value)} required />
          <StrengthMeter value={next} min={10} />
        </Field>
        <Field id="new-pass-again" label={t("passphraseAgain")}>
          <input id="new-pass-again" type="password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} required />
        </Field>
        <ErrorBox message={passErr} />
        <Notice message={passMsg} />
        <button type="submit" id="pass-save">
          {t("save")}
        </button>
      </form>
      {canBackup && (
        <div class="card" id="backup-card">
          <h2>{t("backupTitle")}</h2>
          <p class="hint">{t("backupHint")}</p>
          <ErrorBox message={backupErr} />
          <Notice message={backupMsg} />
          <button type="button" id="backup-now" onClick={backup} disabled={backingUp} aria-busy={backingUp}>
            {backingUp ? t("backingUp") : t("backupNow")}
          </button>
        </div>
      )}
    </section>
  );
}
