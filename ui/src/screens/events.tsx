// Events (trade shows): create one with the approved notice it shows, start its kiosk,
// enter paper forms collected at the stand, close it afterwards.
import { useEffect, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { ActionName, Language, PersonField, ApprovedVersion, EventInfo, FieldView, KioskFormView, KioskReceipt } from "../bindings";
import { VOCABULARY } from "../bindings";
import { CaptureForm } from "../capture-form";
import { Badge, Empty, ErrorBox, Field, Notice, useFieldProblems } from "../components";
import { lang, t, type Key } from "../i18n";
import { EventFigures } from "./event-figures";
import { UnsentCounter, useUnsent } from "../unsent";

const FIELDS = VOCABULARY.person_fields;

export function Events(props: { allowed: ActionName[] }) {
  const canManage = props.allowed.includes("event.manage");
  const canCapture = props.allowed.includes("consent.capture");
  const canReopen = props.allowed.includes("event.reopen");
  const [events, setEvents] = useState<EventInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [paper, setPaper] = useState<EventInfo | null>(null);
  const canStats = props.allowed.includes("event.stats");
  const [figures, setFigures] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const reload = () => {
    setRefresh((n) => n + 1);
    return call(commands.listEvents()).then(setEvents, (e) => setError(describe(e)));
  };
  const shown = events?.find((e) => e.id === figures) ?? null;
  useEffect(() => {
    void reload();
    // The main window is hidden while the kiosk runs: read the counts again when it comes back.
    const again = () => {
      if (document.visibilityState === "visible") void reload();
    };
    window.addEventListener("focus", again);
    document.addEventListener("visibilitychange", again);
    return () => {
      window.removeEventListener("focus", again);
      document.removeEventListener("visibilitychange", again);
    };
  }, []);
  const unsent = useUnsent(props.allowed);

  return (
    <section id="events">
      <h1>{t("eventsTitle")}</h1>
      <p class="lead">{t("eventsIntro")}</p>
      <UnsentCounter unsent={unsent} id="events-unsent" />
      <ErrorBox message={error} />
      {events && events.length === 0 && <Empty id="events-empty" text={t("eventsEmpty")} />}
      {events && events.length > 0 && (
        <table id="event-list">
          <thead>
            <tr>
              <th>{t("evName")}</th>
              <th>{t("evFrom")}</th>
              <th>{t("evNotice")}</th>
              <th>{t("evPeopleHead")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr data-event={e.id}>
                <td>
                  <strong>{e.name}</strong>
                  <span class="sub">{e.venue} · {e.device_name}</span>
                </td>
                <td>
                  {e.starts_on} – {e.ends_on}
                </td>
                <td>
                  {e.notice} v{e.notice_number} <span class="sub">{e.languages.join(", ")}</span>
                  {e.superseded_by !== null && (
                    <span class="sub superseded">
                      <Badge tone="warn">{t("figSupersededBadge", { n: e.superseded_by })}</Badge>
                    </span>
                  )}
                </td>
                <td>
                  {t("evPeople", { n: e.captures })} <Badge tone={e.closed ? "plain" : "good"}>{e.closed ? t("evClosed") : t("evOpen")}</Badge>
                </td>
                <td class="actions">
                  {canStats && (
                    <button
                      type="button"
                      class="show-figures"
                      aria-expanded={figures === e.id}
                      onClick={() => setFigures(figures === e.id ? null : e.id)}
                    >
                      {t("figures")}
                    </button>
                  )}
                  {!e.closed && canCapture && (
                    <button
                      type="button"
                      class="primary start-kiosk"
                      onClick={async () => {
                        try {
                          await call(commands.startKiosk(e.id));
                        } catch (err) {
                          setError(describe(err));
                        }
                      }}
                    >
                      {t("startKiosk")}
                    </button>
                  )}
                  {!e.closed && canCapture && (
                    <button type="button" class="paper-form" onClick={() => setPaper(e)}>
                      {t("paperForm")}
                    </button>
                  )}
                  {!e.closed && canManage && (
                    <button
                      type="button"
                      class="ghost close-event"
                      onClick={async () => {
                        if (!window.confirm(t("confirmCloseEvent", { name: e.name }))) return;
                        try {
                          await call(commands.closeEvent(e.id));
                          await reload();
                        } catch (err) {
                          setError(describe(err));
                        }
                      }}
                    >
                      {t("closeEvent")}
                    </button>
                  )}
                  {e.closed && canReopen && (
                    <button
                      type="button"
                      class="ghost reopen-event"
                      onClick={async () => {
                        if (!window.confirm(t("confirmReopenEvent", { name: e.name }))) return;
                        try {
                          await call(commands.reopenEvent(e.id));
                          await reload();
                        } catch (err) {
                          setError(describe(err));
                        }
                      }}
                    >
                      {t("reopenEvent")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && (
        <EventFigures
          event={shown}
          refresh={refresh}
          canSwitch={canManage && !shown.closed}
          onSwitched={() => void reload()}
          onClose={() => setFigures(null)}
        />
      )}
      {paper && <PaperForm event={paper} onClose={() => { setPaper(null); void reload(); }} />}
      {canManage && !paper && <NewEvent onCreated={reload} />}
    </section>
  );
}

function NewEvent(props: { onCreated: () => void }) {
  const zh = lang() === "zh-CN";
  const [versions, setVersions] = useState<ApprovedVersion[] | null>(null);
  const [name, setName] = useState("");
  const [venue, setVenue] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [version, setVersion] = useState("");
  const [languages, setLanguages] = useState<Language[]>([...VOCABULARY.languages]);
  const [fields, setFields] = useState<FieldView[]>([
    { field: "name", required: true },
    { field: "email", required: true },
    { field: "phone", required: false },
    { field: "company", required: false },
  ]);
  const [device, setDevice] = useState("");
  const [idle, setIdle] = useState(60);
  const [signature, setSignature] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  // What is wrong with each field (by input id), under it; cleared as it changes.
  const fp = useFieldProblems();
  const { invalid, problem } = fp;
  const changed = (id?: string) => {
    setError(null);
    setNote(null);
    if (id) fp.clear(id);
  };
  /** The engine's checks (capture::event::validate), said at once in the UI's language. */
  const check = (): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!name.trim() || [...name.trim()].length > 120) out["ev-name"] = t("evNameMissing");
    if (!venue.trim()) out["ev-venue"] = t("evVenueMissing");
    if (!from) out["ev-from"] = t("evDateMissing");
    if (!to) out["ev-to"] = t("evDateMissing");
    else if (from && to < from) out["ev-to"] = t("evEndsBeforeStart");
    if (!device.trim()) out["ev-device"] = t("evDeviceMissing");
    if (!Number.isInteger(idle) || idle < 15 || idle > 600) out["ev-idle"] = t("evIdleRange");
    if (languages.length === 0) out["ev-lang-zh-CN"] = t("evNoLanguage");
    if (!fields.some((f) => f.field === "email" || f.field === "phone")) out["ev-ask-email"] = t("evNoContact");
    return out;
  };

  useEffect(() => {
    call(commands.approvedVersions()).then(
      (v) => {
        setVersions(v);
        if (v.length) setVersion(`${v[0].notice}@${v[0].number}`);
      },
      (e) => setError(describe(e)),
    );
  }, []);
  if (versions && versions.length === 0) return <Empty id="no-approved" text={t("noApproved")} />;
  const rule = (f: PersonField) => fields.find((x) => x.field === f);
  const setRule = (f: PersonField, collect: boolean, required: boolean) => {
    const rest = fields.filter((x) => x.field !== f);
    setFields(collect ? [...rest, { field: f, required }].sort((a, b) => FIELDS.indexOf(a.field) - FIELDS.indexOf(b.field)) : rest);
  };
  return (
    <form
      class="card"
      id="new-event"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        // WebKitGTK shows no validation bubble: mark the fields, say why, move to the first.
        if (!fp.report(check())) return;
        const [notice, number] = version.split("@");
        try {
          await call(
            commands.createEvent({
              name,
              venue,
              starts_on: from,
              ends_on: to,
              notice,
              notice_number: Number(number),
              languages,
              fields,
              device_name: device,
              idle_reset_s: idle,
              signature,
            }),
          );
          setNote(t("evCreated"));
          setName("");
          props.onCreated();
        } catch (err) {
          setError(describe(err));
        }
      }}
    >
      <h2>{t("newEvent")}</h2>
      <div class="grid">
        <Field id="ev-name" label={t("evName")}>
          <input id="ev-name" value={name} {...invalid("ev-name")} onInput={(e) => { setName(e.currentTarget.value); changed("ev-name"); }} />
          {problem("ev-name")}
        </Field>
        <Field id="ev-venue" label={t("evVenue")}>
          <input id="ev-venue" value={venue} {...invalid("ev-venue")} onInput={(e) => { setVenue(e.currentTarget.value); changed("ev-venue"); }} />
          {problem("ev-venue")}
        </Field>
        <Field id="ev-from" label={t("evFrom")}>
          <input id="ev-from" type="date" value={from} {...invalid("ev-from")} onInput={(e) => { setFrom(e.currentTarget.value); changed("ev-from"); }} />
          {problem("ev-from")}
        </Field>
        <Field id="ev-to" label={t("evTo")}>
          <input id="ev-to" type="date" value={to} {...invalid("ev-to")} onInput={(e) => { setTo(e.currentTarget.value); changed("ev-to"); }} />
          {problem("ev-to")}
        </Field>
        <Field id="ev-notice" label={t("evNotice")}>
          <select id="ev-notice" value={version} onChange={(e) => setVersion(e.currentTarget.value)}>
            {(versions ?? []).map((v) => (
              <option value={`${v.notice}@${v.number}`}>{`${zh ? v.title.zh : v.title.en} (v${v.number})`}</option>
            ))}
          </select>
        </Field>
        <Field id="ev-device" label={t("evDevice")} hint={t("evDeviceHint")}>
          <input id="ev-device" value={device} {...invalid("ev-device")} onInput={(e) => { setDevice(e.currentTarget.value); changed("ev-device"); }} />
          {problem("ev-device")}
        </Field>
        <Field id="ev-idle" label={t("evIdle")}>
          <input
            id="ev-idle"
            type="number"
            min={15}
            max={600}
            value={idle}
            {...invalid("ev-idle")}
            onInput={(e) => {
              setIdle(Number(e.currentTarget.value));
              changed("ev-idle");
            }}
          />
          {problem("ev-idle")}
        </Field>
      </div>
      <div class="field">
        <span class="label">{t("evLanguages")}</span>
        <div class="row">
          {VOCABULARY.languages.map((l) => (
            <label class="check">
              <input
                type="checkbox"
                id={`ev-lang-${l}`}
                checked={languages.includes(l)}
                onChange={(e) => {
                  setLanguages(e.currentTarget.checked ? [...languages, l] : languages.filter((x) => x !== l));
                  changed("ev-lang-zh-CN");
                }}
              />
              {l === "zh-CN" ? "中文" : "English"}
            </label>
          ))}
        </div>
        {problem("ev-lang-zh-CN")}
      </div>
      <div class="field">
        <span class="label">{t("evFields")}</span>
        <table class="fields-table">
          <tbody>
            {FIELDS.map((f) => (
              <tr>
                <td>{t(`field_${f}` as Key)}</td>
                <td>
                  <label class="check">
                    <input
                      type="checkbox"
                      id={`ev-ask-${f}`}
                      checked={!!rule(f)}
                      onChange={(e) => {
                        setRule(f, e.currentTarget.checked, false);
                        changed("ev-ask-email");
                      }}
                    />{" "}
                    {t("evCollect")}
                  </label>
                </td>
                <td>
                  <label class="check">
                    <input
                      type="checkbox"
                      id={`ev-req-${f}`}
                      disabled={!rule(f)}
                      checked={!!rule(f)?.required}
                      onChange={(e) => setRule(f, true, e.currentTarget.checked)}
                    />{" "}
                    {t("evRequired")}
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {problem("ev-ask-email")}
      </div>
      <label class="check">
        <input type="checkbox" id="ev-signature" checked={signature} onChange={(e) => setSignature(e.currentTarget.checked)} /> {t("evSignature")}
      </label>
      <ErrorBox message={error} id="event-error" />
      <Notice message={note} />
      <button type="submit" class="primary" id="create-event">
        {t("createEvent")}
      </button>
    </form>
  );
}

function PaperForm(props: { event: EventInfo; onClose: () => void }) {
  const [language, setLanguage] = useState(props.event.languages[0] ?? "zh-CN");
  const [form, setForm] = useState<KioskFormView | null>(null);
  const [scan, setScan] = useState("");
  const today = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  const [signedOn, setSignedOn] = useState(today);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<KioskReceipt | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    call(commands.eventForm(props.event.id, language)).then(setForm, (e) => setError(describe(e)));
  }, [language]);
  return (
    <div class="card" id="paper-form">
      <h2>{t("paperTitle", { event: props.event.name })}</h2>
      <p class="hint">{t("paperIntro")}</p>
      {props.event.languages.length > 1 && (
        <Field id="paper-language" label={t("kioskLanguage")}>
          <select id="paper-language" value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
            {props.event.languages.map((l) => (
              <option value={l}>{l === "zh-CN" ? "中文" : "English"}</option>
            ))}
          </select>
        </Field>
      )}
      <Notice message={saved ? t("paperSaved", { id: saved.receipt_id }) : null} />
      {form && (
        <CaptureForm
          key={`${round}-${language}`}
          form={form}
          mode="paper"
          busy={busy}
          error={error}
          submitLabel={t("paperSave")}
          onEdit={() => {
            setError(null);
            setSaved(null);
          }}
          onSubmit={async (req) => {
            setBusy(true);
            setError(null);
            try {
              setSaved(await call(commands.recordPaperForm(props.event.id, req, scan, signedOn || null)));
              setScan("");
              setRound((r) => r + 1);
            } catch (e) {
              setError(describe(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          <Field id="paper-scan" label={t("paperScan")}>
            <input id="paper-scan" value={scan} onInput={(e) => setScan(e.currentTarget.value)} />
          </Field>
          <Field id="paper-signed-on" label={t("paperSignedOn")} hint={t("paperSignedOnHint")}>
            <input
              id="paper-signed-on"
              type="date"
              value={signedOn}
              max={today}
              onInput={(e) => {
                setSignedOn(e.currentTarget.value);
                setError(null);
              }}
            />
          </Field>
        </CaptureForm>
      )}
      <button type="button" class="ghost" id="paper-close" onClick={props.onClose}>
        {t("cancel")}
      </button>
    </div>
  );
}
