// Sync on a device: what is not yet sent, a bundle for headquarters, loading headquarters' bundle.
import { useRef, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { ActionName, BundleSaved, OrganisationView, ReceivedView } from "../bindings";
import { ErrorBox, Field, FilePicker, when } from "../components";
import { t } from "../i18n";
import { UnsentCounter, useUnsent } from "../unsent";
import { type Can, readPicked, tooLarge } from "./sync-files";

export function DeviceSide(props: { org: OrganisationView; can: Can; allowed: ActionName[] }) {
  const [refresh, setRefresh] = useState(0);
  const unsent = useUnsent(props.allowed, refresh);
  return (
    <>
      <div class="org-head" id="org-head">
        <strong>{t("deviceOf", { org: props.org.name })}</strong>{" "}
        <span class="sub">{t("deviceSince", { at: when(props.org.joined_at), fp: props.org.fingerprint ?? "—" })}</span>
      </div>
      <UnsentCounter unsent={unsent} id="sync-unsent" />
      <div class="side-by-side">
        {props.can("bundle.export_device") && <SaveForHeadquarters onSaved={() => setRefresh(refresh + 1)} />}
        {props.can("bundle.import_hq") && <LoadFromHeadquarters onLoaded={() => setRefresh(refresh + 1)} />}
      </div>
    </>
  );
}

function SaveForHeadquarters(props: { onSaved: () => void }) {
  const [saved, setSaved] = useState<BundleSaved | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setSaved(null);
    setError(null);
    try {
      setSaved(await call(commands.saveDeviceBundle()));
      props.onSaved();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="card" id="save-for-hq-card">
      <h2>{t("saveForHqTitle")}</h2>
      <p class="hint">{t("saveForHqIntro")}</p>
      <button type="button" class="primary" id="save-for-hq" disabled={busy} onClick={save}>
        {t("saveForHq")}
      </button>
      <ErrorBox message={error} id="save-for-hq-error" />
      {saved && (
        <p class="ok" role="status" id="saved-for-hq">
          {t("savedForHq", { events: saved.events, people: saved.people })} <code class="path-code block">{saved.path}</code>
          {t("carryToHq")}
        </p>
      )}
    </div>
  );
}

function LoadFromHeadquarters(props: { onLoaded: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [tried, setTried] = useState(false);
  const [result, setResult] = useState<ReceivedView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setTried(true);
    if (!file) return;
    setResult(null);
    setError(null);
    const big = tooLarge(file);
    if (big) {
      setError(big);
      return;
    }
    setBusy(true);
    try {
      setResult(await call(commands.loadHqBundle(await readPicked(file))));
      setFile(null);
      setTried(false);
      if (input.current) input.current.value = "";
      props.onLoaded();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="card" id="load-hq-card">
      <h2>{t("loadTitle")}</h2>
      <p class="hint">{t("loadIntro")}</p>
      <Field id="hq-bundle-file" label={t("hqBundleFile")}>
        <FilePicker id="hq-bundle-file" inputRef={input} accept=".consentry" names={file ? [file.name] : []} onPick={(f) => setFile(f[0] ?? null)} />
      </Field>
      {tried && !file && !result && <p class="field-error" id="load-pick-first">{t("loadPickFirst")}</p>}
      <button type="button" class="primary" id="load-hq" disabled={busy} onClick={load}>
        {t("load")}
      </button>
      <ErrorBox message={error} id="load-error" />
      {result && (
        <div class="ok" role="status" id="loaded">
          <p>
            {t("loaded", { versions: result.notice_versions_added, shows: result.shows_added, updated: result.shows_updated, retired: result.retired })}
          </p>
          <p>{result.acknowledged_events !== null ? t("loadedAck", { n: result.acknowledged_events }) : t("loadedNoAck")}</p>
          {result.warnings.length > 0 && (
            <ul class="problems">
              {result.warnings.map((w) => (
                <li>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
