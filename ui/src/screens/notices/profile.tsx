// The processing profile editor, with the live bilingual preview, the lint and "create a notice".
import { useEffect, useState } from "preact/hooks";
import { ApiFailure, call, commands, describe, message } from "../../api";
import type { CategoryView, ProfileView, PurposeView, RenderedView, TemplateView } from "../../bindings";
import { VOCABULARY } from "../../bindings";
import { ErrorBox, Field, Notice, useFieldProblems } from "../../components";
import { lang, t, tv } from "../../i18n";
import { SideBySide, FormPreview, LintPanel, useFlash, noticesFirst, type Bi } from "./wording";
import { BiInput, Codes, LinkedPurposes, MECHANISMS, MoreElements, Problems, PurposeUses, TextInput, bi, normalize, type Profile } from "./profile-fields";

/** The field an engine refusal of a profile names (by its path), as the editor's input id. */
function fieldOf(err: unknown): string | null {
  if (!(err instanceof ApiFailure)) return null;
  const text = err.error.text;
  const arg = (name: string) => text.args.find((a) => a.name === name)?.plain ?? null;
  switch (text.code) {
    case "slug_unusable":
      return "pf-name";
    case "profile_purpose_unknown":
      return "pf-purposes";
    case "profile_category_unknown":
      return "pf-categories";
    case "profile_list_too_long":
      return arg("path") ? `pf-${arg("path")}` : null;
    case "text_too_long":
    case "text_hidden_character":
      return arg("what") ? `pf-${arg("what")}` : null;
    default:
      return null;
  }
}

/** What the editor can say before saving, by the engine's rules (a usable name, whole days):
 * a draft may be incomplete, and the lint says what the notice still lacks. */
function profileProblems(p: Profile): Record<string, string> {
  const out: Record<string, string> = {};
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(p.name)) out["pf-name"] = message("slug_unusable", { name: p.name });
  p.retention.forEach((r, i) => {
    if (r.days !== null && !(Number.isInteger(r.days) && r.days >= 1 && r.days <= 36500)) {
      out[`pf-retention[${i}].days`] = message("retention_range", { days: r.days });
    }
  });
  return out;
}

/** The notice being drafted (open in Versions): its profile and template are what the editor checks. */
type Drafting = { notice: string; number: number; profile: string; template: string };

export function ProfileEditor(props: { legal: boolean; templates: TemplateView[]; drafting: string | null; onCreated: (name: string) => void }) {
  const zh = lang() === "zh-CN";
  const ro = !props.legal;
  const [profiles, setProfiles] = useState<ProfileView[] | null>(null);
  const [p, setP] = useState<Profile | null>(null);
  const [purposes, setPurposes] = useState<PurposeView[]>([]);
  const [categories, setCategories] = useState<CategoryView[]>([]);
  const noticeTemplates = noticesFirst(props.templates);
  const [template, setTemplate] = useState(noticeTemplates[0]?.name ?? "");
  const [preview, setPreview] = useState<RenderedView | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [flash, showLine] = useFlash();
  const fields = useFieldProblems();
  const [draft, setDraft] = useState<Drafting | null>(null);

  useEffect(() => {
    // The notice open in Versions, if any: its profile is shown first and its template checks it,
    // so the lint here is the lint that notice will get.
    const drafting = props.drafting
      ? call(commands.noticeVersion(props.drafting, null)).then(
          (v) => ({ notice: v.notice, number: v.number, profile: v.profile, template: v.template }),
          () => null,
        )
      : Promise.resolve(null);
    Promise.all([call(commands.listProfiles()), drafting]).then(
      ([list, d]) => {
        setProfiles(list);
        setDraft(d);
        const first = list.find((x) => x.name === d?.profile) ?? list[0];
        if (first) {
          setP(normalize(JSON.parse(first.json)));
          setSaved(first.json);
        }
        if (d && props.templates.some((x) => x.name === d.template)) setTemplate(d.template);
      },
      (e) => setError(describe(e)),
    );
    call(commands.listPurposes()).then(setPurposes, () => undefined);
    call(commands.listCategories()).then(setCategories, () => undefined);
  }, []);

  // Live preview: re-render shortly after each edit.
  useEffect(() => {
    if (!p || !template) return;
    setBusy(true);
    const timer = setTimeout(() => {
      call(commands.previewNotice({ profile_json: JSON.stringify(p), template, edit: null, title: { zh: "预览", en: "Preview" } })).then(
        (r) => {
          setPreview(r);
          setPreviewError(null);
          setBusy(false);
        },
        (e) => {
          setPreviewError(describe(e));
          setBusy(false);
        },
      );
    }, 350);
    return () => clearTimeout(timer);
  }, [p, template]);

  const fromExample = async () => {
    const json = await call(commands.exampleProfile());
    setP(normalize(JSON.parse(json)));
    setSaved(null);
  };

  if (!profiles) return <p class="hint">{t("loading")}</p>;
  if (!p) {
    return (
      <div class="empty" id="profiles-empty">
        <p>{t("noProfiles")}</p>
        {props.legal && (
          <button type="button" class="primary" id="start-example" onClick={fromExample}>
            {t("startFromExample")}
          </button>
        )}
        <ErrorBox message={error} />
      </div>
    );
  }
  const set = (patch: Partial<Profile>) => {
    setP({ ...p, ...patch });
    setError(null);
    setNote(null);
    fields.clear();
  };
  const purposeOptions = purposes.map((x) => ({ code: x.code, name: zh ? x.name_zh : x.name_en, note: x.separate_consent ? tv("sep_", x.separate_consent) : undefined }));
  const linkable = purposeOptions.filter((o) => p.purposes.includes(o.code));
  const catOptions = categories.map((c) => ({ code: c.code, name: zh ? c.name_zh : c.name_en, note: c.sensitive ? tv("sens_", c.sensitive) : undefined }));
  const dirty = saved !== JSON.stringify(p, null, 2) && saved !== JSON.stringify(p);

  return (
    <Problems.Provider value={fields}>
    <div class="workspace">
      <form
        class="profile-form"
        id="profile-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setNote(null);
          if (!fields.report(profileProblems(p))) return;
          try {
            const r = await call(commands.saveProfile(JSON.stringify(p)));
            setSaved(JSON.stringify(p));
            setNote(t("profileSaved", { name: r.name, rev: r.rev }));
            setProfiles(await call(commands.listProfiles()));
          } catch (err) {
            // A refusal that names a field marks that field; any other shows above the buttons.
            const id = fieldOf(err);
            if (id && document.getElementById(id)) fields.report({ [id]: describe(err) });
            else setError(describe(err));
          }
        }}
      >
        <div class="row">
          <Field id="profile-pick" label={t("profileSelect")}>
            <select
              id="profile-pick"
              value={p.name}
              onChange={(e) => {
                const found = profiles.find((x) => x.name === (e.target as HTMLSelectElement).value);
                if (found) {
                  setP(normalize(JSON.parse(found.json)));
                  setSaved(found.json);
                }
              }}
            >
              {profiles.map((x) => (
                <option value={x.name}>{`${x.name} (rev ${x.rev})`}</option>
              ))}
              {!profiles.some((x) => x.name === p.name) && <option value={p.name}>{p.name || "—"}</option>}
            </select>
          </Field>
          {props.legal && (
            <button type="button" class="ghost" id="new-profile" onClick={fromExample}>
              {t("newProfile")}
            </button>
          )}
        </div>
        <fieldset disabled={ro}>
          <TextInput path="name" label={t("profileName")} value={p.name} onChange={(name) => set({ name })} />
          <div class="field">
            <span class="label">{t("frameworks")}</span>
            <div class="row">
              {VOCABULARY.frameworks.map((f) => (
                <label class="check">
                  <input
                    type="checkbox"
                    id={`pf-frameworks-${f}`}
                    checked={p.frameworks.length === 0 || p.frameworks.includes(f)}
                    onChange={(e) => {
                      const all: string[] = p.frameworks.length === 0 ? [...VOCABULARY.frameworks] : p.frameworks;
                      const on = (e.target as HTMLInputElement).checked;
                      set({ frameworks: on ? [...new Set([...all, f])] : all.filter((x) => x !== f) });
                    }}
                  />
                  {f.toUpperCase()}
                </label>
              ))}
            </div>
          </div>

          <h3>{t("secController")}</h3>
          <BiInput path="controller.name" label={t("ctrlName")} value={p.controller.name} onChange={(name) => set({ controller: { ...p.controller, name } })} />
          <TextInput path="controller.contact" label={t("ctrlContact")} value={p.controller.contact} onChange={(contact) => set({ controller: { ...p.controller, contact } })} />
          <BiInput path="controller.address" label={t("ctrlAddress")} value={p.controller.address} onChange={(address) => set({ controller: { ...p.controller, address } })} />

          <h3>{t("secDpo")}</h3>
          <label class="check">
            <input type="checkbox" id="pf-dpo" checked={p.dpo !== null} onChange={(e) => set({ dpo: (e.target as HTMLInputElement).checked ? { name: bi(), contact: "" } : null })} />
            {t("hasDpo")}
          </label>
          {p.dpo && (
            <>
              <BiInput path="dpo.name" label={t("ctrlName")} value={p.dpo.name} onChange={(name) => set({ dpo: { ...p.dpo!, name } })} />
              <TextInput path="dpo.contact" label={t("ctrlContact")} value={p.dpo.contact} onChange={(contact) => set({ dpo: { ...p.dpo!, contact } })} />
            </>
          )}

          <h3>{t("secPurposes")}</h3>
          <p class="hint">{t("purposesHint")}</p>
          <Codes path="purposes" options={purposeOptions} value={p.purposes} onChange={(purposes) => set({ purposes })} />
          <h3>{t("secCategories")}</h3>
          <Codes path="categories" options={catOptions} value={p.categories} onChange={(categories) => set({ categories })} />
          <h3>{t("secUses")}</h3>
          <PurposeUses profile={p} purposes={purposeOptions} categories={catOptions} legit={purposes.filter((x) => x.legal_basis === "legitimate_interest").map((x) => x.code)} onChange={(uses) => set({ uses })} />
          <BiInput path="methods" label={t("secMethods")} long value={p.methods} onChange={(methods) => set({ methods })} />
          <BiInput path="storage_location" label={t("storageLocation")} value={p.storage_location} onChange={(storage_location) => set({ storage_location })} />

          <h3>{t("secRetention")}</h3>
          {p.retention.map((r, i) => (
            <div class="repeat">
              <Field id={`pf-retention[${i}].applies_to`} label={t("appliesTo")}>
                <select
                  id={`pf-retention[${i}].applies_to`}
                  {...fields.invalid(`pf-retention[${i}].applies_to`)}
                  value={r.applies_to}
                  onChange={(e) => set({ retention: p.retention.map((x, j) => (j === i ? { ...x, applies_to: (e.target as HTMLSelectElement).value } : x)) })}
                >
                  <option value="">—</option>
                  {[...p.purposes, ...p.categories].map((c) => (
                    <option value={c}>{c}</option>
                  ))}
                </select>
                {fields.problem(`pf-retention[${i}].applies_to`)}
              </Field>
              <BiInput path={`retention[${i}].period`} label={t("period")} value={r.period} onChange={(period) => set({ retention: p.retention.map((x, j) => (j === i ? { ...x, period } : x)) })} />
              <Field id={`pf-retention[${i}].days`} label={t("days")}>
                <input
                  id={`pf-retention[${i}].days`}
                  {...fields.invalid(`pf-retention[${i}].days`)}
                  type="number"
                  min={1}
                  value={r.days ?? ""}
                  onInput={(e) => {
                    const v = (e.target as HTMLInputElement).value;
                    set({ retention: p.retention.map((x, j) => (j === i ? { ...x, days: v ? Number(v) : null } : x)) });
                  }}
                />
                {fields.problem(`pf-retention[${i}].days`)}
              </Field>
              <button type="button" class="ghost" onClick={() => set({ retention: p.retention.filter((_, j) => j !== i) })}>
                {t("remove")}
              </button>
            </div>
          ))}
          <button type="button" id="add-retention" onClick={() => set({ retention: [...p.retention, { applies_to: "", period: bi(), days: null }] })}>
            {t("addRetention")}
          </button>

          <h3>{t("secRecipients")}</h3>
          {p.recipients.map((r, i) => {
            const upd = (patch: Partial<Profile["recipients"][number]>) => set({ recipients: p.recipients.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
            return (
              <div class="repeat">
                <BiInput path={`recipients[${i}].name`} label={t("recName")} value={r.name} onChange={(name) => upd({ name })} />
                <TextInput path={`recipients[${i}].contact`} label={t("ctrlContact")} value={r.contact} onChange={(contact) => upd({ contact })} />
                <BiInput path={`recipients[${i}].purpose`} label={t("recPurpose")} value={r.purpose} onChange={(purpose) => upd({ purpose })} />
                <BiInput path={`recipients[${i}].method`} label={t("recMethod")} value={r.method} onChange={(method) => upd({ method })} />
                <span class="label">{t("recCategories")}</span>
                <Codes path={`recipients[${i}].categories`} options={catOptions} value={r.categories} onChange={(categories) => upd({ categories })} />
                <LinkedPurposes path={`recipients[${i}].purposes`} purposes={linkable} value={r.purposes} onChange={(purposes) => upd({ purposes })} />
                <button type="button" class="ghost" onClick={() => set({ recipients: p.recipients.filter((_, j) => j !== i) })}>
                  {t("remove")}
                </button>
              </div>
            );
          })}
          <button type="button" id="add-recipient" onClick={() => set({ recipients: [...p.recipients, { name: bi(), contact: "", purpose: bi(), method: bi(), categories: [], purposes: [] }] })}>
            {t("addRecipient")}
          </button>

          <h3>{t("secTransfers")}</h3>
          {p.transfers.map((r, i) => {
            const upd = (patch: Partial<Profile["transfers"][number]>) => set({ transfers: p.transfers.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
            return (
              <div class="repeat">
                <BiInput path={`transfers[${i}].recipient`} label={t("trRecipient")} value={r.recipient} onChange={(recipient) => upd({ recipient })} />
                <BiInput path={`transfers[${i}].country`} label={t("trCountry")} value={r.country} onChange={(country) => upd({ country })} />
                <TextInput path={`transfers[${i}].contact`} label={t("ctrlContact")} value={r.contact} onChange={(contact) => upd({ contact })} />
                <BiInput path={`transfers[${i}].purpose`} label={t("recPurpose")} value={r.purpose} onChange={(purpose) => upd({ purpose })} />
                <BiInput path={`transfers[${i}].method`} label={t("recMethod")} value={r.method} onChange={(method) => upd({ method })} />
                <span class="label">{t("recCategories")}</span>
                <Codes path={`transfers[${i}].categories`} options={catOptions} value={r.categories} onChange={(categories) => upd({ categories })} />
                <LinkedPurposes path={`transfers[${i}].purposes`} purposes={linkable} value={r.purposes} onChange={(purposes) => upd({ purposes })} />
                <BiInput path={`transfers[${i}].rights`} label={t("trRights")} value={r.rights} onChange={(rights) => upd({ rights })} />
                <Field id={`pf-transfers[${i}].mechanism`} label={t("trMechanism")}>
                  <select id={`pf-transfers[${i}].mechanism`} value={r.mechanism} onChange={(e) => upd({ mechanism: (e.target as HTMLSelectElement).value })}>
                    <option value="">—</option>
                    {MECHANISMS.map((m) => (
                      <option value={m}>{m}</option>
                    ))}
                  </select>
                </Field>
                <button type="button" class="ghost" onClick={() => set({ transfers: p.transfers.filter((_, j) => j !== i) })}>
                  {t("remove")}
                </button>
              </div>
            );
          })}
          <button
            type="button"
            id="add-transfer"
            onClick={() => set({ transfers: [...p.transfers, { recipient: bi(), country: bi(), contact: "", purpose: bi(), method: bi(), categories: [], rights: bi(), mechanism: "", purposes: [] }] })}
          >
            {t("addTransfer")}
          </button>

          <h3>{t("secSensitive")}</h3>
          <BiInput
            path="sensitive.necessity"
            label={t("necessity")}
            long
            value={p.sensitive?.necessity ?? bi()}
            onChange={(necessity) => set({ sensitive: { impact: p.sensitive?.impact ?? bi(), necessity } })}
          />
          <BiInput
            path="sensitive.impact"
            label={t("impact")}
            long
            value={p.sensitive?.impact ?? bi()}
            onChange={(impact) => set({ sensitive: { necessity: p.sensitive?.necessity ?? bi(), impact } })}
          />

          <h3>{t("secMinors")}</h3>
          <label class="check">
            <input type="checkbox" id="pf-minors.in_scope" checked={p.minors.in_scope} onChange={(e) => set({ minors: { ...p.minors, in_scope: (e.target as HTMLInputElement).checked } })} />
            {t("minorsInScope")}
          </label>
          {p.minors.in_scope && <BiInput path="minors.rules" label={t("minorsRules")} long value={p.minors.rules} onChange={(rules) => set({ minors: { ...p.minors, rules } })} />}
          <label class="check">
            <input type="checkbox" id="pf-public_disclosure" checked={p.public_disclosure} onChange={(e) => set({ public_disclosure: (e.target as HTMLInputElement).checked })} />
            {t("publicDisclosure")}
          </label>

          <h3>{t("secChannels")}</h3>
          <BiInput path="rights_channel" label={t("rightsChannel")} long value={p.rights_channel} onChange={(rights_channel) => set({ rights_channel })} />
          <BiInput path="withdrawal_channel" label={t("withdrawalChannel")} long value={p.withdrawal_channel} onChange={(withdrawal_channel) => set({ withdrawal_channel })} />
          <BiInput path="complaint" label={t("complaint")} long value={p.complaint} onChange={(complaint) => set({ complaint })} />

          <h3>{t("secMoreElements")}</h3>
          <MoreElements profile={p} set={set} />
        </fieldset>
        <ErrorBox message={error} />
        <Notice message={note} />
        {props.legal && (
          <button type="submit" class="primary" id="save-profile">
            {t("saveProfile")}
          </button>
        )}
        {props.legal && (
          <CreateNotice profile={p.name} disabled={dirty} templates={noticeTemplates} template={template} onTemplate={setTemplate} onCreated={props.onCreated} />
        )}
      </form>

      <div class="preview-pane">
        <div class="row">
          <Field id="preview-template" label={t("previewWith")}>
            <select id="preview-template" value={template} onChange={(e) => setTemplate((e.target as HTMLSelectElement).value)}>
              {noticeTemplates.map((x) => (
                <option value={x.name}>{zh ? x.title.zh : x.title.en}</option>
              ))}
            </select>
          </Field>
          {busy && <span class="hint">{t("previewing")}</span>}
        </div>
        {draft && draft.profile === p.name && (
          <p class={draft.template === template ? "hint" : "warn-box"} id="preview-drafting">
            {draft.template === template
              ? t("checksAsNotice", { notice: draft.notice, number: draft.number })
              : t("otherTemplateThanNotice", { notice: draft.notice, number: draft.number, template: draft.template })}
            {draft.template !== template && (
              <button type="button" class="ghost" id="preview-use-notice-template" onClick={() => setTemplate(draft.template)}>
                {t("useNoticeTemplate")}
              </button>
            )}
          </p>
        )}
        <ErrorBox message={previewError} id="preview-error" />
        {preview && (
          <>
            <LintPanel lint={preview.lint} onLine={showLine} />
            <SideBySide r={preview} flash={flash} id="preview" />
            <FormPreview r={preview} />
          </>
        )}
      </div>
    </div>
    </Problems.Provider>
  );
}

/** Creates a notice from the saved profile, with the template the preview checks it with. */
function CreateNotice(props: {
  profile: string;
  disabled: boolean;
  templates: TemplateView[];
  template: string;
  onTemplate: (name: string) => void;
  onCreated: (name: string) => void;
}) {
  const [name, setName] = useState("");
  const [title, setTitle] = useState<Bi>(bi());
  const template = props.template;
  const [error, setError] = useState<string | null>(null);
  const zh = lang() === "zh-CN";
  return (
    <div class="card create-notice" id="create-notice">
      <h3>{t("createFromProfile")}</h3>
      {props.disabled && <p class="hint">{t("saveProfileFirst")}</p>}
      <Field id="notice-name" label={t("noticeName")} hint={t("noticeNameHint")}>
        <input id="notice-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </Field>
      <div class="bi-pair">
        <Field id="notice-title-zh" label={t("titleZh")}>
          <input id="notice-title-zh" lang="zh-CN" value={title.zh} onInput={(e) => setTitle({ ...title, zh: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="notice-title-en" label={t("titleEn")}>
          <input id="notice-title-en" value={title.en} onInput={(e) => setTitle({ ...title, en: (e.target as HTMLInputElement).value })} />
        </Field>
      </div>
      <Field id="notice-template" label={t("previewWith")}>
        <select id="notice-template" value={template} onChange={(e) => props.onTemplate((e.target as HTMLSelectElement).value)}>
          {props.templates.map((x) => (
            <option value={x.name}>{zh ? x.title.zh : x.title.en}</option>
          ))}
        </select>
      </Field>
      <ErrorBox message={error} id="create-notice-error" />
      <button
        type="button"
        class="primary"
        id="create-notice-button"
        disabled={props.disabled}
        onClick={async () => {
          setError(null);
          try {
            const v = await call(commands.createNotice({ name: name.trim(), title, profile: props.profile, template }));
            props.onCreated(v.notice);
          } catch (e) {
            setError(describe(e));
          }
        }}
      >
        {t("createNotice")}
      </button>
    </div>
  );
}
