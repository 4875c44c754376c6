// Sync: headquarters and its devices, joined by files carried by hand. Three states: a vault of
// no organisation (make it headquarters, or join with an enrolment file), headquarters
// (sync-hq.tsx) and a device (sync-device.tsx).
import { useEffect, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { ActionName, EnrolmentPreview, OrganisationView, PickedFile } from "../bindings";
import { Empty, ErrorBox, Field, FilePicker, Notice } from "../components";
import { t } from "../i18n";
import { type Can, readPicked, nameOk } from "./sync-files";
import { Headquarters } from "./sync-hq";
import { DeviceSide } from "./sync-device";

export function Sync(props: { allowed: ActionName[] }) {
  const can: Can = (a) => props.allowed.includes(a);
  // undefined: not read yet; null: this vault is part of no organisation.
  const [org, setOrg] = useState<OrganisationView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const reload = () => call(commands.organisation()).then(setOrg, (e) => setError(describe(e)));
  useEffect(() => void reload(), []);

  return (
    <section id="sync">
      <h1>{t("syncTitle")}</h1>
      <p class="lead">{t("syncIntro")}</p>
      <ErrorBox message={error} id="sync-error" />
      <Notice message={note} />
      {org === undefined && !error && <p>{t("syncLoading")}</p>}
      {org === null && (
        <NoOrganisation
          can={can}
          onDone={(message) => {
            setNote(message);
            void reload();
          }}
        />
      )}
      {org && org.is_headquarters && <Headquarters org={org} can={can} />}
      {org && !org.is_headquarters && <DeviceSide org={org} can={can} allowed={props.allowed} />}
    </section>
  );
}

// ---- Not in an organisation ----

function NoOrganisation(props: { can: Can; onDone: (message: string) => void }) {
  if (!props.can("organisation.manage")) return <Empty id="sync-none" text={t("syncNoneNotAdmin")} />;
  return (
    <>
      <Empty id="sync-none" text={t("syncNone")} />
      <div class="side-by-side sync-start">
        <MakeHeadquarters onDone={props.onDone} />
        <JoinOrganisation onDone={props.onDone} />
      </div>
    </>
  );
}

function MakeHeadquarters(props: { onDone: (message: string) => void }) {
  const [name, setName] = useState("");
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invalid = !nameOk(name);
  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (invalid) return;
    setBusy(true);
    setError(null);
    try {
      const o = await call(commands.becomeHeadquarters(name.trim()));
      props.onDone(t("hqMade", { org: o.name }));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" id="hq-make-card" onSubmit={submit} autocomplete="off" noValidate>
      <h2>{t("hqMakeTitle")}</h2>
      <p class="hint">{t("hqMakeIntro")}</p>
      <Field id="hq-name" label={t("orgName")} hint={t("orgNameHint")}>
        <input id="hq-name" value={name} aria-invalid={touched && invalid} onInput={(e) => setName(e.currentTarget.value)} onBlur={() => setTouched(name !== "")} />
      </Field>
      {touched && invalid && <p class="field-error" id="hq-name-invalid">{t("orgNameInvalid")}</p>}
      <ErrorBox message={error} id="hq-make-error" />
      <button type="submit" class="primary" id="hq-make" disabled={busy}>
        {t("hqMake")}
      </button>
    </form>
  );
}

function JoinOrganisation(props: { onDone: (message: string) => void }) {
  const [file, setFile] = useState<PickedFile | null>(null);
  const [preview, setPreview] = useState<EnrolmentPreview | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [tried, setTried] = useState(false);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pick = async (f: File | undefined) => {
    setFile(null);
    setPreview(null);
    setConfirmed(false);
    setTried(false);
    setError(null);
    if (!f) return;
    setReading(true);
    try {
      const picked = await readPicked(f);
      setPreview(await call(commands.readEnrolment(picked)));
      setFile(picked);
    } catch (err) {
      setError(describe(err));
    } finally {
      setReading(false);
    }
  };
  const join = async () => {
    setTried(true);
    if (!file || !confirmed) return;
    setError(null);
    try {
      const o = await call(commands.joinOrganisation(file));
      props.onDone(t("joined", { org: o.name }));
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <div class="card" id="join-card">
      <h2>{t("joinTitle")}</h2>
      <p class="hint">{t("joinIntro")}</p>
      <Field id="enrolment-file" label={t("enrolmentFile")}>
        <FilePicker id="enrolment-file" accept=".enrol" onPick={(f) => void pick(f[0])} />
      </Field>
      {reading && <p>{t("joinReading")}</p>}
      <ErrorBox message={error} id="join-error" />
      {preview && (
        <div id="enrolment-preview">
          <dl class="meta">
            <dt>{t("joinOrganisation")}</dt>
            <dd id="enrolment-org">{preview.organisation_name}</dd>
            <dt>{t("joinDeviceName")}</dt>
            <dd>{preview.device_name}</dd>
          </dl>
          <span class="label">{t("fingerprint")}</span>
          <p class="fingerprint" id="enrolment-fingerprint">{preview.fingerprint}</p>
          <p class="hint">{t("joinCompare")}</p>
          <label class="check">
            <input type="checkbox" id="enrolment-confirm" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
            {t("joinConfirm")}
          </label>
          {tried && !confirmed && <p class="field-error" id="enrolment-confirm-needed">{t("joinConfirmNeeded")}</p>}
          <button type="button" class="primary" id="join" onClick={join}>
            {t("join", { org: preview.organisation_name })}
          </button>
        </div>
      )}
    </div>
  );
}

// ---- Headquarters ----
