// Sync at headquarters: enrol devices, the device table, bundles for devices, importing
// device bundles with progress, the quarantine with its evidence.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure, call, commands, describe } from "../api";
import type { CaseView, DeviceView, EnrolledDevice, ImportedView, OrganisationView } from "../bindings";
import { Badge, Empty, ErrorBox, Field, FilePicker, Notice, when } from "../components";
import { t, type Key } from "../i18n";
import { type Can, readPicked, tooLarge, nameOk } from "./sync-files";

export function Headquarters(props: { org: OrganisationView; can: Can }) {
  const [devices, setDevices] = useState<DeviceView[] | null>(null);
  const [cases, setCases] = useState<CaseView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => {
    call(commands.listDevices()).then(setDevices, (e) => setError(describe(e)));
    call(commands.listQuarantine()).then(setCases, (e) => setError(describe(e)));
  };
  useEffect(reload, []);
  const names = new Map((devices ?? []).filter((d) => d.device_id).map((d) => [d.device_id as string, d.name]));
  return (
    <>
      <div class="org-head" id="org-head">
        <Badge tone="good">HQ</Badge> <strong>{t("hqOf", { org: props.org.name })}</strong>{" "}
        <span class="sub">{t("hqSince", { at: when(props.org.joined_at) })}</span>
      </div>
      <ErrorBox message={error} id="hq-error" />
      {props.can("organisation.manage") && <EnrolDevice devices={devices ?? []} onEnrolled={reload} />}
      <Devices devices={devices} can={props.can} onChanged={reload} />
      {props.can("bundle.import_device") && <ImportBundles onImported={reload} />}
      <Quarantine cases={cases} names={names} can={props.can} onResolved={reload} />
    </>
  );
}

/** A span of minutes in whole minutes, hours or days. */
function duration(minutes: number): string {
  if (minutes < 120) return t("spanMinutes", { n: minutes });
  if (minutes < 48 * 60) return t("spanHours", { n: Math.floor(minutes / 60) });
  return t("spanDays", { n: Math.floor(minutes / (24 * 60)) });
}

function EnrolDevice(props: { devices: DeviceView[]; onEnrolled: () => void }) {
  const [name, setName] = useState("");
  const [touched, setTouched] = useState(false);
  const [done, setDone] = useState<EnrolledDevice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const taken = props.devices.some((d) => d.revoked_at === null && d.name === name.trim());
  const invalid = !nameOk(name) ? t("deviceNameInvalid") : taken ? t("deviceNameTaken", { name: name.trim() }) : null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (invalid) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await call(commands.enrolDevice(name.trim())));
      setName("");
      setTouched(false);
      props.onEnrolled();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" id="enrol-card" onSubmit={submit} autocomplete="off" noValidate>
      <h2>{t("enrolTitle")}</h2>
      <p class="hint">{t("enrolIntro")}</p>
      <div class="row wrap">
        <Field id="enrol-name" label={t("deviceNameLabel")} hint={t("deviceNameHint")}>
          <input id="enrol-name" value={name} aria-invalid={(touched || taken) && invalid !== null} onInput={(e) => setName(e.currentTarget.value)} onBlur={() => setTouched(name !== "")} />
        </Field>
        <button type="submit" class="primary field-button" id="enrol-submit" disabled={busy}>
          {t("enrol")}
        </button>
      </div>
      {(touched || taken) && invalid && <p class="field-error" id="enrol-name-invalid">{invalid}</p>}
      <ErrorBox message={error} id="enrol-error" />
      {done && (
        <div class="enrolled" id="enrolled" role="status">
          <p class="ok">{t("enrolled", { name: done.device_name })}</p>
          <p>{t("enrolFingerprint")}</p>
          <p class="fingerprint" id="enrolled-fingerprint">{done.fingerprint}</p>
          <p>
            {t("enrolSavedTo")} <code class="path-code block" id="enrolled-path">{done.path}</code>
          </p>
          <p class="warn-box">{t("enrolCarry")}</p>
        </div>
      )}
    </form>
  );
}

function Devices(props: { devices: DeviceView[] | null; can: Can; onChanged: () => void }) {
  const [saved, setSaved] = useState<{ name: string; path: string } | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<DeviceView | null>(null);
  const save = async (d: DeviceView) => {
    setSaved(null);
    setRevoked(null);
    setError(null);
    try {
      const s = await call(commands.saveHqBundle(d.enrolment_id));
      setSaved({ name: d.name, path: s.path });
    } catch (err) {
      setError(describe(err));
    }
  };
  const revoke = async (d: DeviceView) => {
    setSaved(null);
    setRevoked(null);
    setError(null);
    try {
      await call(commands.revokeDevice(d.enrolment_id));
      setRevoking(null);
      setRevoked(t("revokedDone", { name: d.name }));
      props.onChanged();
    } catch (err) {
      setError(describe(err));
    }
  };
  const list = props.devices;
  return (
    <div class="card" id="devices-card">
      <h2>{t("devicesTitle")}</h2>
      {list && list.length === 0 && <Empty id="devices-empty" text={t("devicesEmpty")} />}
      {list && list.length > 0 && (
        <table id="devices" class="compact">
          <thead>
            <tr>
              <th>{t("colDevice")}</th>
              <th class="num">{t("colLastSeq")}</th>
              <th class="num">{t("colCheckpoint")}</th>
              <th>{t("colAcknowledged")}</th>
              <th class="num">{t("colPeople")}</th>
              <th>{t("colGaps")}</th>
              <th class="num">{t("colForks")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr data-device={d.name} class={d.revoked_at ? "revoked" : ""}>
                <td>
                  <strong>{d.name}</strong>
                  <span class="sub mono nowrap">{d.fingerprint}</span>
                  {d.revoked_at ? <Badge tone="bad">{t("revoked", { at: when(d.revoked_at) })}</Badge> : <Badge tone="good">{t("activeDevice")}</Badge>}
                  {d.clock_ahead_minutes != null && (
                    <span class="sub warn-text clock-ahead">{t("clockAhead", { span: duration(d.clock_ahead_minutes) })}</span>
                  )}
                </td>
                <td class="num last-seq">{d.device_id ? d.last_seq : <span class="sub">{t("noBundleYet")}</span>}</td>
                <td class="num">{d.last_checkpoint ?? "—"}</td>
                <td class="acknowledged">{d.acknowledged_at ? when(d.acknowledged_at) : <span class="sub">{t("neverYet")}</span>}</td>
                <td class="num people">{d.people}</td>
                <td class="gaps">
                  {d.gaps.length === 0 ? (
                    <span class="sub">{t("none")}</span>
                  ) : (
                    d.gaps.map((g) => <Badge tone="warn">{t("gapRange", { from: g.from, to: g.to })}</Badge>)
                  )}
                </td>
                <td class="num forks">{d.forks > 0 ? <Badge tone="bad">{d.forks}</Badge> : 0}</td>
                <td class="actions">
                  {!d.revoked_at && props.can("bundle.export_hq") && (
                    <button type="button" class="save-for-device" onClick={() => save(d)}>
                      {t("saveForDevice")}
                    </button>
                  )}
                  {!d.revoked_at && props.can("organisation.manage") && (
                    <button type="button" class="ghost revoke-device" onClick={() => setRevoking(d)}>
                      {t("revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <div class="confirm-box" id="revoke-confirm" role="alertdialog">
          <p>{t("revokeConfirm", { name: revoking.name })}</p>
          <div class="row">
            <button type="button" class="danger" id="revoke-yes" onClick={() => revoke(revoking)}>
              {t("revokeYes", { name: revoking.name })}
            </button>
            <button type="button" class="ghost" id="revoke-cancel" onClick={() => setRevoking(null)}>
              {t("cancel")}
            </button>
          </div>
        </div>
      )}
      <ErrorBox message={error} id="devices-error" />
      <Notice message={revoked} />
      {saved && (
        <p class="ok" role="status" id="device-saved">
          {t("savedForDevice", { name: saved.name })} <code class="path-code block">{saved.path}</code>
          {t("carryToDevice")}
        </p>
      )}
    </div>
  );
}

type Row = { name: string; tone: "good" | "bad" | "warn" | "plain"; label: Key; text: string; detail?: string };

/** One imported file's line in the result list. */
function resultRow(name: string, r: ImportedView): Row {
  const o = r.outcome;
  const device = r.device_name;
  switch (o.kind) {
    case "merged": {
      const text = t("outMerged", { device, events: r.events_added, people: r.people_added, merged: r.people_merged });
      return { name, tone: "good", label: "out_merged", text: r.conflicts > 0 ? `${text} ${t("outConflicts", { n: r.conflicts })}` : text };
    }
    case "already_imported":
      return { name, tone: "plain", label: "out_already_imported", text: t("outAlready", { at: when(o.at) }) };
    case "nothing_new":
      return { name, tone: "plain", label: "out_nothing_new", text: t("outNothingNew", { device }) };
    case "held":
      return { name, tone: "warn", label: "out_held", text: t("outHeld", { device, from: o.gap_from, to: o.gap_to }) };
    case "fork":
      return { name, tone: "bad", label: "out_fork", text: t("outFork", { device, log: t(`log_${o.log}`), seq: o.from_seq }) };
  }
}

function failedRow(name: string, e: unknown): Row {
  const refused = e instanceof ApiFailure && e.error.refusal !== null;
  return {
    name,
    tone: "bad",
    label: refused ? "out_refused" : "out_error",
    text: describe(e),
    detail: e instanceof ApiFailure && refused ? (e.error.detail ?? undefined) : undefined,
  };
}

function ImportBundles(props: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [rows, setRows] = useState<Row[]>([]);
  const [progress, setProgress] = useState<{ i: number; n: number; name: string } | null>(null);
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState(false);
  const run = async () => {
    setTried(true);
    if (files.length === 0) return;
    setRows([]);
    setDone(false);
    const out: Row[] = [];
    // One command per file: the bar moves, and a refused file does not stop the others.
    for (const [i, f] of files.entries()) {
      setProgress({ i: i + 1, n: files.length, name: f.name });
      const big = tooLarge(f);
      if (big) {
        out.push({ name: f.name, tone: "bad", label: "out_refused", text: big });
      } else {
        try {
          const r = await call(commands.importDeviceBundle(await readPicked(f)));
          out.push(resultRow(f.name, r));
        } catch (e) {
          out.push(failedRow(f.name, e));
        }
      }
      setRows([...out]);
    }
    setProgress(null);
    setDone(true);
    setFiles([]);
    if (input.current) input.current.value = "";
    props.onImported();
  };
  return (
    <div class="card" id="import-bundles-card">
      <h2>{t("importTitleDevices")}</h2>
      <p class="hint">{t("importIntroDevices")}</p>
      <div class="row wrap">
        <Field id="bundle-files" label={t("bundleFiles")}>
          <FilePicker
            id="bundle-files"
            inputRef={input}
            multiple
            accept=".consentry"
            names={files.map((f) => f.name)}
            onPick={(picked) => {
              setFiles(picked);
              setTried(false);
            }}
          />
        </Field>
        <button type="button" class="primary field-button" id="import-bundles" disabled={progress !== null} onClick={run}>
          {files.length > 0 ? t("importFilesRun", { n: files.length }) : t("importFilesNone")}
        </button>
      </div>
      {tried && files.length === 0 && !progress && rows.length === 0 && <p class="field-error" id="import-pick-first">{t("importPickFirst")}</p>}
      {progress && (
        <div class="progress" id="import-progress">
          <progress value={progress.i - 1} max={progress.n} />
          <span>{t("importProgress", progress)}</span>
        </div>
      )}
      {done && <ImportSummary rows={rows} />}
      {rows.length > 0 && (
        <table id="import-results" class="compact">
          <thead>
            <tr>
              <th>{t("colFile")}</th>
              <th>{t("colResult")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-file={r.name} data-result={r.label}>
                <td class="mono file-name">{r.name}</td>
                <td>
                  <Badge tone={r.tone}>{t(r.label)}</Badge> {r.text}
                  {r.detail && (
                    <details class="sub">
                      <summary>{t("refusalDetails")}</summary>
                      {r.detail}
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** How many files ended how, as the badges of the list below. */
function ImportSummary(props: { rows: Row[] }) {
  const counts = new Map<Key, { n: number; tone: Row["tone"] }>();
  for (const r of props.rows) counts.set(r.label, { n: (counts.get(r.label)?.n ?? 0) + 1, tone: r.tone });
  return (
    <p class={props.rows.some((r) => r.tone === "bad") ? "warn-box" : "ok"} role="status" id="import-summary">
      {t("importFinished", { n: props.rows.length })}{" "}
      {[...counts.entries()].map(([label, c]) => (
        <>
          <Badge tone={c.tone}>
            {t(label)}: {c.n}
          </Badge>{" "}
        </>
      ))}
    </p>
  );
}

function Quarantine(props: { cases: CaseView[] | null; names: Map<string, string>; can: Can; onResolved: () => void }) {
  const list = props.cases;
  return (
    <div class="card" id="quarantine">
      <h2>{t("quarantineTitle")}</h2>
      {list && list.length === 0 && <Empty id="quarantine-empty" text={t("quarantineEmpty")} />}
      {list && list.length > 0 && (
        <>
          <p class="hint">{t("quarantineIntro")}</p>
          {list.map((c) => (
            <Case c={c} device={props.names.get(c.device_id) ?? c.device_id} canResolve={props.can("organisation.manage")} onResolved={props.onResolved} />
          ))}
        </>
      )}
    </div>
  );
}

function Case(props: { c: CaseView; device: string; canResolve: boolean; onResolved: () => void }) {
  const c = props.c;
  const [note, setNote] = useState("");
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const resolve = async () => {
    setTried(true);
    if (note.trim() === "") return;
    setError(null);
    try {
      await call(commands.resolveCase(c.id, note.trim()));
      props.onResolved();
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <div class={c.resolution === null ? "case" : "case resolved"} data-case={c.id}>
      <h3>
        {t("caseHead", { device: props.device, log: t(`log_${c.log}`), from: c.from_seq, to: c.to_seq, n: c.entries })}{" "}
        {c.resolution === null ? <Badge tone="bad">{t("caseOpen")}</Badge> : <Badge tone="plain">{t("caseResolved", { note: c.resolution })}</Badge>}
      </h3>
      <p class="sub">{t("caseDetected", { at: when(c.detected_at) })}</p>
      <div class="side-by-side">
        <div>
          <span class="label">{t("caseHeld")}</span>
          <pre class="note">{c.held_note}</pre>
        </div>
        <div>
          <span class="label">{t("caseContradicting")}</span>
          <pre class="note">{c.contradicting_note}</pre>
        </div>
      </div>
      {c.resolution === null && props.canResolve && (
        <div class="row wrap">
          <Field id={`resolve-${c.id}`} label={t("resolveNote")}>
            <input id={`resolve-${c.id}`} class="wide-input" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </Field>
          <button type="button" class="field-button" onClick={resolve}>
            {t("resolve")}
          </button>
        </div>
      )}
      {tried && note.trim() === "" && <p class="field-error">{t("resolveNoteNeeded")}</p>}
      <ErrorBox message={error} id={`resolve-error-${c.id}`} />
    </div>
  );
}

// ---- A device ----
