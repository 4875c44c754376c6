import { useEffect, useState } from "preact/hooks";
import { call, commands, describe, message, renderText } from "../api";
import type { ActionName, ApiError, ConsentState, DueView, Format, Identity, ImportView, Method, Provenance, PurposeView, Result, RetentionView, SavedFile } from "../bindings";
import { VOCABULARY } from "../bindings";
import { Badge, Empty, ErrorBox, Field, FilePicker, Notice, when } from "../components";
import { t, tv, type Key } from "../i18n";

const STATES = VOCABULARY.consent_states;
const METHODS = VOCABULARY.methods;

/** Exports & rights: suppression list, consent export, CSV import, retention and the due list. */
export function Rights(props: { allowed: ActionName[] }) {
  const full = props.allowed.includes("subject.reveal");
  const manageRetention = props.allowed.includes("retention.change");
  const [purposes, setPurposes] = useState<PurposeView[]>([]);
  useEffect(() => {
    call(commands.listPurposes()).then(setPurposes, () => undefined);
  }, []);
  return (
    <section id="rights">
      <h1>{t("rightsTitle")}</h1>
      <Suppression full={full} purposes={purposes} />
      <ConsentExport full={full} purposes={purposes} />
      {props.allowed.includes("consent.import") && <Import />}
      <Retention full={manageRetention} purposes={purposes} />
    </section>
  );
}

function useSave() {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (p: Promise<Result<SavedFile, ApiError>>) => {
    setSaved(null);
    setError(null);
    try {
      const f = await call(p);
      setSaved(t("savedTo", { path: f.path }));
    } catch (e) {
      setError(describe(e));
    }
  };
  return { saved, error, run };
}

function IdentitySelect(props: { id: string; full: boolean; value: Identity; onChange: (v: Identity) => void }) {
  // Plain (unmasked) identities need the right to reveal people.
  const options = VOCABULARY.identities.filter((i) => props.full || i !== "plain");
  return (
    <Field id={props.id} label={t("identity")}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as Identity)}>
        {options.map((o) => (
          <option value={o}>{t(`id_${o}` as Key)}</option>
        ))}
      </select>
    </Field>
  );
}

function FormatSelect(props: { id: string; value: Format; onChange: (v: Format) => void }) {
  return (
    <Field id={props.id} label={t("format")}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as Format)}>
        {VOCABULARY.formats.map((f) => (
          <option value={f}>{f.toUpperCase()}</option>
        ))}
      </select>
    </Field>
  );
}

/** The Excel option, shown for CSV only; on by default, since most people open exports in Excel. */
function ExcelCheck(props: { id: string; format: Format; value: boolean; onChange: (v: boolean) => void }) {
  if (props.format !== "csv") return null;
  return (
    <label class="check-line">
      <input type="checkbox" id={props.id} checked={props.value} onChange={(e) => props.onChange(e.currentTarget.checked)} />
      {t("forExcel")}
    </label>
  );
}

function Suppression(props: { full: boolean; purposes: PurposeView[] }) {
  const [format, setFormat] = useState<Format>("csv");
  const [excel, setExcel] = useState(true);
  const [identity, setIdentity] = useState<Identity>("hashed");
  const [purpose, setPurpose] = useState("");
  const s = useSave();
  return (
    <div class="card" id="suppression-card">
      <h2>{t("suppressionTitle")}</h2>
      <p class="hint">{t("suppressionIntro")}</p>
      <div class="grid">
        <FormatSelect id="suppression-format" value={format} onChange={setFormat} />
        <IdentitySelect id="suppression-identity" full={props.full} value={identity} onChange={setIdentity} />
        <Field id="suppression-purpose" label={t("colPurpose")}>
          <select id="suppression-purpose" value={purpose} onChange={(e) => setPurpose(e.currentTarget.value)}>
            <option value="">{t("allPurposes")}</option>
            {props.purposes.map((p) => (
              <option value={p.code}>{p.code}</option>
            ))}
          </select>
        </Field>
      </div>
      <ExcelCheck id="suppression-excel" format={format} value={excel} onChange={setExcel} />
      <button
        type="button"
        class="primary"
        id="suppression-save"
        onClick={() => s.run(commands.exportSuppression({ format, identity, purpose: purpose || null, excel }))}
      >
        {t("saveFile")}
      </button>
      <ErrorBox message={s.error} id="suppression-error" />
      <Notice message={s.saved} />
    </div>
  );
}

function Checks<T extends string>(props: { name: string; options: readonly T[]; label: (o: T) => string; value: T[]; onChange: (v: T[]) => void }) {
  return (
    <div class="checks" role="group">
      {props.options.map((o) => (
        <label>
          <input
            type="checkbox"
            id={`${props.name}-${o}`}
            checked={props.value.includes(o)}
            onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.value, o] : props.value.filter((v) => v !== o))}
          />
          {props.label(o)}
        </label>
      ))}
    </div>
  );
}

function ConsentExport(props: { full: boolean; purposes: PurposeView[] }) {
  const [format, setFormat] = useState<Format>("csv");
  const [excel, setExcel] = useState(true);
  const [identity, setIdentity] = useState<Identity>("masked");
  const [purposes, setPurposes] = useState<string[]>([]);
  const [states, setStates] = useState<ConsentState[]>([]);
  const [methods, setMethods] = useState<Method[]>([]);
  const [events, setEvents] = useState<string[]>([]);
  const [eventList, setEventList] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    call(commands.listEvents()).then((l) => setEventList(l.map((e) => ({ id: e.id, name: `${e.name} (${e.starts_on})` }))), () => undefined);
  }, []);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const s = useSave();
  return (
    <div class="card" id="export-card">
      <h2>{t("exportTitle")}</h2>
      <p class="hint">{t("exportIntro")}</p>
      <div class="grid">
        <FormatSelect id="export-format" value={format} onChange={setFormat} />
        <IdentitySelect id="export-identity" full={props.full} value={identity} onChange={setIdentity} />
        <Field id="export-from" label={t("filterFrom")}>
          <input id="export-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </Field>
        <Field id="export-to" label={t("filterTo")}>
          <input id="export-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </Field>
      </div>
      <p class="hint">{t("filterHint")}</p>
      <strong>{t("filterPurposes")}</strong>
      {props.purposes.length === 0 ? (
        <p class="hint">{t("noPurposesYet")}</p>
      ) : (
        <Checks name="export-purpose" options={props.purposes.map((p) => p.code)} label={(o) => o} value={purposes} onChange={setPurposes} />
      )}
      <strong>{t("filterStates")}</strong>
      <Checks name="export-state" options={STATES} label={(o) => tv("st_", o)} value={states} onChange={setStates} />
      <strong>{t("filterMethods")}</strong>
      <Checks name="export-method" options={METHODS} label={(o) => tv("m_", o)} value={methods} onChange={setMethods} />
      {eventList.length > 0 && (
        <>
          <strong>{t("filterEvents")}</strong>
          <Checks name="export-event" options={eventList.map((e) => e.id)} label={(o) => eventList.find((e) => e.id === o)?.name ?? o} value={events} onChange={setEvents} />
        </>
      )}
      <ExcelCheck id="export-excel" format={format} value={excel} onChange={setExcel} />
      <button
        type="button"
        class="primary"
        id="export-save"
        onClick={() => s.run(commands.exportConsents({ format, identity, purposes, states, methods, events, from: from || null, to: to || null, excel }))}
      >
        {t("saveFile")}
      </button>
      <ErrorBox message={s.error} id="export-error" />
      <Notice message={s.saved} />
    </div>
  );
}

function Import() {
  const [text, setText] = useState("");
  const [provenance, setProvenance] = useState<Provenance>("paper");
  const [report, setReport] = useState<ImportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pick = (file: File | undefined) => {
    if (!file) return;
    file.text().then(setText, () => setError(message("internal")));
  };
  const run = async () => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await call(commands.importConsents(text, provenance)));
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="card" id="import-card">
      <h2>{t("importTitle")}</h2>
      <p class="hint">{t("importIntro")}</p>
      <div class="grid">
        <Field id="import-file" label={t("importFile")}>
          <FilePicker id="import-file" accept=".csv,text/csv" onPick={(f) => pick(f[0])} />
        </Field>
        <Field id="import-provenance" label={t("provenance")}>
          <select id="import-provenance" value={provenance} onChange={(e) => setProvenance(e.currentTarget.value as Provenance)}>
            {VOCABULARY.provenances.map((p) => (
              <option value={p}>{t(`prov_${p}` as Key)}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="import-text" label={t("importPaste")}>
        <textarea id="import-text" value={text} spellcheck={false} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <button type="button" class="primary" id="import-run" disabled={busy || text.trim() === ""} onClick={run}>
        {t("importRun")}
      </button>
      <ErrorBox message={error} id="import-error" />
      {report && report.committed && (
        <p class="ok" role="status" id="import-done">
          {t("importDone", { rows: report.rows, events: report.events, people: report.people, new: report.new_people })}
        </p>
      )}
      {report && !report.committed && (
        <>
          <p class="error" role="alert" id="import-refused">{t("importRefused")}</p>
          <table id="import-errors">
            <thead>
              <tr>
                <th>{t("colLine")}</th>
                <th>{t("colColumn")}</th>
                <th>{t("colReason")}</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((e) => (
                <tr>
                  <td>{e.line}</td>
                  <td>{e.column ? <code>{e.column}</code> : "—"}</td>
                  <td>{renderText(e.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.more_errors > 0 && <p class="hint">{t("importMore", { n: report.more_errors })}</p>}
        </>
      )}
    </div>
  );
}

function Retention(props: { full: boolean; purposes: PurposeView[] }) {
  const [rules, setRules] = useState<RetentionView[]>([]);
  const [due, setDue] = useState<DueView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const load = () => {
    call(commands.listRetention()).then(setRules, (e) => setError(describe(e)));
    call(commands.retentionDue()).then(setDue, (e) => setError(describe(e)));
  };
  useEffect(load, []);
  const rule = (code: string) => rules.find((r) => r.purpose === code) ?? { purpose: code, review_days: null, delete_days: null };
  const edit = (code: string, field: "review_days" | "delete_days", value: string) => {
    const n = value.trim() === "" ? null : Number.parseInt(value, 10);
    const next = { ...rule(code), [field]: Number.isFinite(n) ? n : null };
    setRules([...rules.filter((r) => r.purpose !== code), next]);
  };
  const save = async (code: string) => {
    setError(null);
    setSaved(null);
    try {
      await call(commands.setRetention(rule(code)));
      setSaved(t("saved"));
      load();
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <div class="card" id="retention-card">
      <h2>{t("retentionTitle")}</h2>
      <p class="hint">{t("retentionIntro")}</p>
      <ErrorBox message={error} id="retention-error" />
      <Notice message={saved} />
      {props.purposes.length === 0 ? (
        <Empty text={t("noPurposesYet")} />
      ) : (
        <table id="retention-rules">
          <thead>
            <tr>
              <th>{t("colPurpose")}</th>
              <th>{t("reviewDays")}</th>
              <th>{t("deleteDays")}</th>
              {props.full && <th>{t("colAction")}</th>}
            </tr>
          </thead>
          <tbody>
            {props.purposes.map((p) => {
              const r = rule(p.code);
              return (
                <tr>
                  <td><code>{p.code}</code></td>
                  <td>
                    <input
                      type="number"
                      min={1}
                      id={`review-${p.code}`}
                      aria-label={`${t("reviewDays")} ${p.code}`}
                      disabled={!props.full}
                      value={r.review_days ?? ""}
                      onInput={(e) => edit(p.code, "review_days", e.currentTarget.value)}
                    />
                  </td>
                  <td>
                    <input
                      type="number"
                      min={1}
                      id={`delete-${p.code}`}
                      aria-label={`${t("deleteDays")} ${p.code}`}
                      disabled={!props.full}
                      value={r.delete_days ?? ""}
                      onInput={(e) => edit(p.code, "delete_days", e.currentTarget.value)}
                    />
                  </td>
                  {props.full && (
                    <td>
                      <button type="button" id={`retention-save-${p.code}`} onClick={() => save(p.code)}>
                        {t("save")}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2>{t("dueTitle")}</h2>
      {due && due.length === 0 && <Empty id="due-empty" text={t("dueEmpty")} />}
      {due && due.length > 0 && (
        <table id="due-list">
          <thead>
            <tr>
              <th>{t("colDue")}</th>
              <th>{t("colPerson")}</th>
              <th>{t("colPurpose")}</th>
              <th>{t("colState")}</th>
              <th>{t("colSince")}</th>
            </tr>
          </thead>
          <tbody>
            {due.map((d) => (
              <tr>
                <td><Badge tone={d.due === "delete" ? "bad" : "warn"}>{t(`due_${d.due}` as Key)}</Badge> {when(d.due_at)}</td>
                <td>{d.person.name ?? d.person.email ?? d.person.phone ?? d.person.id}</td>
                <td><code>{d.purpose}</code></td>
                <td>{tv("st_", d.state)}</td>
                <td>{when(d.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
