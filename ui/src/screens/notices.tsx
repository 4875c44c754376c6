// The notice workspace for legal staff: a processing profile editor with a live bilingual
// preview and the compliance lint, the template and clause library, and the versions with
// their review workflow, diff and review packet. All wording is rendered from structured
// blocks through Preact's escaping; nothing is inserted as HTML.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type {
  BlockView,
  CategoryView,
  DiffView,
  FindingView,
  LintView,
  NoticeSummary,
  OpView,
  ProfileView,
  PurposeView,
  RenderedView,
  TemplateView,
  VersionView,
} from "../bindings";
import { Badge, Empty, ErrorBox, Field, Notice, useFocusOnMount } from "../components";
import { lang, t, tv, type Key } from "../i18n";

type Tab = "versions" | "profile" | "library";
type Bi = { zh: string; en: string };
// The processing profile file format (docs/profile.md); the engine checks it again.
type Profile = {
  name: string;
  frameworks: string[];
  jurisdiction: string;
  controller: { name: Bi; contact: string; address: Bi };
  dpo: { name: Bi; contact: string } | null;
  representative: { name: Bi; contact: string } | null;
  purposes: string[];
  categories: string[];
  methods: Bi;
  retention: { applies_to: string; period: Bi; days: number | null }[];
  recipients: { name: Bi; contact: string; purpose: Bi; method: Bi; categories: string[] }[];
  transfers: { recipient: Bi; country: Bi; contact: string; purpose: Bi; method: Bi; categories: string[]; rights: Bi; mechanism: string }[];
  sensitive: { necessity: Bi; impact: Bi } | null;
  minors: { in_scope: boolean; rules: Bi };
  public_disclosure: boolean;
  rights_channel: Bi;
  withdrawal_channel: Bi;
  complaint: Bi;
};

/** Notice templates, the full PIPL notice first. */
function noticesFirst(all: TemplateView[]): TemplateView[] {
  const rank = (n: string) => ["pipl_notice", "gdpr_notice", "event_consent"].indexOf(n) >>> 0;
  return all.filter((x) => x.kind === "notice").sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

const MECHANISMS = ["standard_contract", "cac_assessment", "certification", "sccs", "adequacy", "bcr"];
const bi = (): Bi => ({ zh: "", en: "" });

/** Fills in what a profile file may leave out, so the editor can show every field. */
function normalize(p: Partial<Profile>): Profile {
  return {
    name: p.name ?? "",
    frameworks: p.frameworks ?? [],
    jurisdiction: p.jurisdiction ?? "",
    controller: { name: bi(), address: bi(), contact: "", ...p.controller },
    dpo: p.dpo ?? null,
    representative: p.representative ?? null,
    purposes: p.purposes ?? [],
    categories: p.categories ?? [],
    methods: p.methods ?? bi(),
    retention: p.retention ?? [],
    recipients: p.recipients ?? [],
    transfers: p.transfers ?? [],
    sensitive: p.sensitive ?? null,
    minors: p.minors ?? { in_scope: false, rules: bi() },
    public_disclosure: p.public_disclosure ?? false,
    rights_channel: p.rights_channel ?? bi(),
    withdrawal_channel: p.withdrawal_channel ?? bi(),
    complaint: p.complaint ?? bi(),
  };
}

export function Notices(props: { role: string }) {
  const legal = props.role === "legal";
  const [tab, setTab] = useState<Tab>("versions");
  const [templates, setTemplates] = useState<TemplateView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [openNotice, setOpenNotice] = useState<string | null>(null);
  const reloadTemplates = () => call(commands.listTemplates()).then(setTemplates, (e) => setError(describe(e)));
  useEffect(() => void reloadTemplates(), []);

  const tabs: [Tab, Key][] = [
    ["versions", "tabVersions"],
    ["profile", "tabProfile"],
    ["library", "tabLibrary"],
  ];
  return (
    <section id="notices" class="wide">
      <h1>{t("noticesTitle")}</h1>
      {!legal && <p class="hint">{t("readOnly")}</p>}
      <ErrorBox message={error} />
      <Notice message={note} />
      {templates && templates.length === 0 && (
        <div class="empty" id="templates-empty">
          <p>{t("noTemplates")}</p>
          {legal && (
            <button
              type="button"
              class="primary"
              id="install-starter"
              onClick={async () => {
                try {
                  const n = await call(commands.installStarter());
                  setNote(t("starterInstalled", { n }));
                  await reloadTemplates();
                } catch (e) {
                  setError(describe(e));
                }
              }}
            >
              {t("installStarter")}
            </button>
          )}
        </div>
      )}
      <div class="tabs" role="tablist">
        {tabs.map(([k, label]) => (
          <button type="button" role="tab" id={`tab-${k}`} aria-selected={tab === k} class={tab === k ? "active" : ""} onClick={() => setTab(k)}>
            {t(label)}
          </button>
        ))}
      </div>
      {tab === "versions" && <Versions legal={legal} open={openNotice} onOpen={setOpenNotice} />}
      {tab === "profile" && templates && (
        <ProfileEditor
          legal={legal}
          templates={templates}
          onCreated={(name) => {
            setOpenNotice(name);
            setTab("versions");
          }}
        />
      )}
      {tab === "library" && templates && <Library legal={legal} templates={templates} onSaved={reloadTemplates} />}
    </section>
  );
}

// ---------------------------------------------------------------------------------------
// Rendering wording, the form and the lint

function Blocks(props: { blocks: BlockView[]; lang: "zh-CN" | "en"; flash?: number | null }) {
  const out: ComponentChildren[] = [];
  let items: ComponentChildren[] = [];
  const spans = (b: BlockView) =>
    b.lines.map((line, i) => (
      <>
        {i > 0 && <br />}
        {line.map((s) => (s.bold ? <strong>{s.text}</strong> : s.text))}
      </>
    ));
  const flush = () => {
    if (items.length) out.push(<ul>{items}</ul>);
    items = [];
  };
  for (const b of props.blocks) {
    const cls = props.flash === b.line ? "flash" : undefined;
    const attrs = { "data-line": b.line, class: cls };
    if (b.kind === "li") {
      items.push(<li {...attrs}>{spans(b)}</li>);
      continue;
    }
    flush();
    if (b.kind === "h1") out.push(<h2 {...attrs}>{spans(b)}</h2>);
    else if (b.kind === "h2") out.push(<h3 {...attrs}>{spans(b)}</h3>);
    else if (b.kind === "h3") out.push(<h4 {...attrs}>{spans(b)}</h4>);
    else if (b.kind === "quote") out.push(<blockquote {...attrs}>{spans(b)}</blockquote>);
    else out.push(<p {...attrs}>{spans(b)}</p>);
  }
  flush();
  return (
    <div class="wording" lang={props.lang} data-lang={props.lang}>
      {out}
    </div>
  );
}

function SideBySide(props: { r: RenderedView; flash: { lang: string; line: number } | null; id?: string }) {
  return (
    <div class="side-by-side" id={props.id}>
      <div>
        <div class="col-head">{t("zhLabel")}</div>
        <Blocks blocks={props.r.blocks_zh} lang="zh-CN" flash={props.flash?.lang === "zh-CN" ? props.flash.line : null} />
      </div>
      <div>
        <div class="col-head">{t("enLabel")}</div>
        <Blocks blocks={props.r.blocks_en} lang="en" flash={props.flash?.lang === "en" ? props.flash.line : null} />
      </div>
    </div>
  );
}

function FormPreview(props: { r: RenderedView }) {
  const zh = lang() === "zh-CN";
  const f = props.r.form;
  return (
    <div class="form-preview" id="form-preview">
      <h3>{t("formTitle")}</h3>
      <p class="hint">{t("formHint")}</p>
      {f.purposes.map((c) => (
        <label class="check">
          <input type="checkbox" disabled checked={c.checked} /> {zh ? c.label.zh : c.label.en}
        </label>
      ))}
      {f.separate.length > 0 && (
        <div class="separate-box">
          <strong>{t("separateTitle")}</strong>
          {f.separate.map((c) => (
            <div class="separate">
              <label class="check">
                <input type="checkbox" disabled checked={c.checked} /> {zh ? c.label.zh : c.label.en}
              </label>
              <p class="hint">{zh ? c.explanation.zh : c.explanation.en}</p>
            </div>
          ))}
        </div>
      )}
      {f.guardian && <p class="hint">{t("guardianPath")}: {zh ? f.guardian[0].zh : f.guardian[0].en}</p>}
    </div>
  );
}

/** Finds the editor field a lint finding names, trying the language-specific input first. */
function fieldElement(f: FindingView): HTMLElement | null {
  if (!f.place.field) return null;
  const suffix = f.place.language === "zh-CN" ? ".zh" : f.place.language === "en" ? ".en" : "";
  let path = f.place.field;
  for (;;) {
    const el = document.getElementById(`pf-${path}${suffix}`) ?? document.getElementById(`pf-${path}`);
    if (el) return el;
    const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
    if (cut <= 0) return null;
    path = path.slice(0, cut);
  }
}

function LintPanel(props: { lint: LintView; onLine?: (lang: string, line: number) => void; id?: string }) {
  const zh = lang() === "zh-CN";
  const { lint } = props;
  const jump = (f: FindingView) => {
    const el = fieldElement(f);
    if (el) {
      el.scrollIntoView({ block: "center" });
      el.focus();
      return;
    }
    if (f.place.language && f.place.line && props.onLine) props.onLine(f.place.language, f.place.line);
  };
  return (
    <div class="lint" id={props.id ?? "lint"} aria-live="polite">
      <h3>
        {t("lintTitle")}{" "}
        <Badge tone={lint.errors ? "bad" : lint.warnings ? "warn" : "good"}>{t("lintCount", { errors: lint.errors, warnings: lint.warnings })}</Badge>
      </h3>
      {lint.findings.length === 0 && <p class="ok">{t("lintClean")}</p>}
      <ul class="findings">
        {lint.findings.map((f) => (
          <li class={f.severity} data-rule={f.rule}>
            <button type="button" class="finding" onClick={() => jump(f)} title={t("lintJump")}>
              <span class="sev">{f.severity === "error" ? t("lintError") : t("lintWarning")}</span>
              <span class="article">{f.article}</span>
              <span class="msg">{zh ? f.message.zh : f.message.en}</span>
              {(f.place.field || f.place.line) && (
                <span class="where">
                  {f.place.field ?? ""}
                  {f.place.language ? ` · ${f.place.language}` : ""}
                  {f.place.line ? ` · L${f.place.line}` : ""}
                </span>
              )}
              {f.fix_clause && <span class="fix">{t("lintFix", { clause: f.fix_clause })}</span>}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Scrolls the wording of a language to a line and highlights it briefly. */
function useFlash(): [{ lang: string; line: number } | null, (lang: string, line: number) => void] {
  const [flash, setFlash] = useState<{ lang: string; line: number } | null>(null);
  const show = (l: string, line: number) => {
    setFlash({ lang: l, line });
    setTimeout(() => {
      document.querySelector(`.wording[data-lang="${l}"] [data-line="${line}"]`)?.scrollIntoView({ block: "center" });
    }, 0);
    setTimeout(() => setFlash(null), 2500);
  };
  return [flash, show];
}

// ---------------------------------------------------------------------------------------
// The processing profile editor, with the live preview

function BiInput(props: { path: string; label: string; value: Bi; onChange: (v: Bi) => void; long?: boolean; disabled?: boolean }) {
  const Tag = props.long ? "textarea" : "input";
  return (
    <div class="field bi">
      <span class="label">{props.label}</span>
      <div class="bi-pair">
        <Tag
          id={`pf-${props.path}.zh`}
          lang="zh-CN"
          aria-label={`${props.label} (中文)`}
          placeholder="中文"
          value={props.value.zh}
          disabled={props.disabled}
          rows={props.long ? 3 : undefined}
          onInput={(e) => props.onChange({ ...props.value, zh: (e.target as HTMLInputElement).value })}
        />
        <Tag
          id={`pf-${props.path}.en`}
          lang="en"
          aria-label={`${props.label} (English)`}
          placeholder="English"
          value={props.value.en}
          disabled={props.disabled}
          rows={props.long ? 3 : undefined}
          onInput={(e) => props.onChange({ ...props.value, en: (e.target as HTMLInputElement).value })}
        />
      </div>
    </div>
  );
}

function TextInput(props: { path: string; label: string; value: string; onChange: (v: string) => void; disabled?: boolean }) {
  return (
    <Field id={`pf-${props.path}`} label={props.label}>
      <input id={`pf-${props.path}`} value={props.value} disabled={props.disabled} onInput={(e) => props.onChange((e.target as HTMLInputElement).value)} />
    </Field>
  );
}

function Codes(props: { path: string; options: { code: string; name: string; note?: string }[]; value: string[]; onChange: (v: string[]) => void; disabled?: boolean }) {
  return (
    <div class="codes" id={`pf-${props.path}`} tabIndex={-1}>
      {props.options.map((o) => (
        <label class="check">
          <input
            type="checkbox"
            disabled={props.disabled}
            checked={props.value.includes(o.code)}
            onChange={(e) => {
              const on = (e.target as HTMLInputElement).checked;
              props.onChange(on ? [...props.value, o.code] : props.value.filter((c) => c !== o.code));
            }}
          />
          {o.name} <code>{o.code}</code> {o.note && <Badge tone="warn">{o.note}</Badge>}
        </label>
      ))}
    </div>
  );
}

function ProfileEditor(props: { legal: boolean; templates: TemplateView[]; onCreated: (name: string) => void }) {
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

  useEffect(() => {
    call(commands.listProfiles()).then(
      (list) => {
        setProfiles(list);
        if (list.length > 0) {
          setP(normalize(JSON.parse(list[0].json)));
          setSaved(list[0].json);
        }
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
  const set = (patch: Partial<Profile>) => setP({ ...p, ...patch });
  const catOptions = categories.map((c) => ({ code: c.code, name: zh ? c.name_zh : c.name_en, note: c.sensitive ? tv("sens_", c.sensitive) : undefined }));
  const dirty = saved !== JSON.stringify(p, null, 2) && saved !== JSON.stringify(p);

  return (
    <div class="workspace">
      <form
        class="profile-form"
        id="profile-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const r = await call(commands.saveProfile(JSON.stringify(p)));
            setSaved(JSON.stringify(p));
            setNote(t("profileSaved", { name: r.name, rev: r.rev }));
            setProfiles(await call(commands.listProfiles()));
          } catch (err) {
            setError(describe(err));
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
              {["pipl", "gdpr"].map((f) => (
                <label class="check">
                  <input
                    type="checkbox"
                    id={`pf-frameworks-${f}`}
                    checked={p.frameworks.length === 0 || p.frameworks.includes(f)}
                    onChange={(e) => {
                      const all = p.frameworks.length === 0 ? ["pipl", "gdpr"] : p.frameworks;
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
          <Codes
            path="purposes"
            options={purposes.map((x) => ({ code: x.code, name: zh ? x.name_zh : x.name_en, note: x.separate_consent ? tv("sep_", x.separate_consent) : undefined }))}
            value={p.purposes}
            onChange={(purposes) => set({ purposes })}
          />
          <h3>{t("secCategories")}</h3>
          <Codes path="categories" options={catOptions} value={p.categories} onChange={(categories) => set({ categories })} />
          <BiInput path="methods" label={t("secMethods")} long value={p.methods} onChange={(methods) => set({ methods })} />

          <h3>{t("secRetention")}</h3>
          {p.retention.map((r, i) => (
            <div class="repeat">
              <Field id={`pf-retention[${i}].applies_to`} label={t("appliesTo")}>
                <select
                  id={`pf-retention[${i}].applies_to`}
                  value={r.applies_to}
                  onChange={(e) => set({ retention: p.retention.map((x, j) => (j === i ? { ...x, applies_to: (e.target as HTMLSelectElement).value } : x)) })}
                >
                  <option value="">—</option>
                  {[...p.purposes, ...p.categories].map((c) => (
                    <option value={c}>{c}</option>
                  ))}
                </select>
              </Field>
              <BiInput path={`retention[${i}].period`} label={t("period")} value={r.period} onChange={(period) => set({ retention: p.retention.map((x, j) => (j === i ? { ...x, period } : x)) })} />
              <Field id={`pf-retention[${i}].days`} label={t("days")}>
                <input
                  id={`pf-retention[${i}].days`}
                  type="number"
                  min={1}
                  value={r.days ?? ""}
                  onInput={(e) => {
                    const v = (e.target as HTMLInputElement).value;
                    set({ retention: p.retention.map((x, j) => (j === i ? { ...x, days: v ? Number(v) : null } : x)) });
                  }}
                />
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
                <button type="button" class="ghost" onClick={() => set({ recipients: p.recipients.filter((_, j) => j !== i) })}>
                  {t("remove")}
                </button>
              </div>
            );
          })}
          <button type="button" id="add-recipient" onClick={() => set({ recipients: [...p.recipients, { name: bi(), contact: "", purpose: bi(), method: bi(), categories: [] }] })}>
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
            onClick={() => set({ transfers: [...p.transfers, { recipient: bi(), country: bi(), contact: "", purpose: bi(), method: bi(), categories: [], rights: bi(), mechanism: "" }] })}
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
        </fieldset>
        <ErrorBox message={error} />
        <Notice message={note} />
        {props.legal && (
          <button type="submit" class="primary" id="save-profile">
            {t("saveProfile")}
          </button>
        )}
        {props.legal && <CreateNotice profile={p.name} disabled={dirty} templates={noticeTemplates} onCreated={props.onCreated} />}
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
  );
}

function CreateNotice(props: { profile: string; disabled: boolean; templates: TemplateView[]; onCreated: (name: string) => void }) {
  const [name, setName] = useState("");
  const [title, setTitle] = useState<Bi>(bi());
  const [template, setTemplate] = useState(props.templates[0]?.name ?? "");
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
        <select id="notice-template" value={template} onChange={(e) => setTemplate((e.target as HTMLSelectElement).value)}>
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

// ---------------------------------------------------------------------------------------
// Notices, versions and the review workflow

function stateTone(s: string): "good" | "bad" | "warn" | "plain" {
  return s === "approved" ? "good" : s === "in_review" ? "warn" : s === "retired" ? "plain" : "plain";
}

function Versions(props: { legal: boolean; open: string | null; onOpen: (n: string | null) => void }) {
  const zh = lang() === "zh-CN";
  const [list, setList] = useState<NoticeSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => call(commands.listNotices()).then(setList, (e) => setError(describe(e)));
  useEffect(() => void reload(), []);
  useEffect(() => {
    if (!props.open && list && list.length > 0) props.onOpen(list[0].name);
  }, [list]);
  if (!list) return <ErrorBox message={error} />;
  if (list.length === 0) return <Empty id="notices-empty" text={t("noNotices")} />;
  return (
    <div class="versions-layout">
      <ul class="notice-list" id="notice-list">
        {list.map((n) => (
          <li>
            <button type="button" class={props.open === n.name ? "active" : ""} data-notice={n.name} onClick={() => props.onOpen(n.name)}>
              <strong>{zh ? n.title.zh : n.title.en}</strong>
              <span class="sub">{n.name}</span>
              <span class="states">
                {n.versions.map((v) => (
                  <Badge tone={stateTone(v.state)}>{`v${v.number} ${tv("state_", v.state)}`}</Badge>
                ))}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {props.open && <VersionDetail key={props.open} name={props.open} legal={props.legal} onChanged={reload} versions={list.find((n) => n.name === props.open)?.versions.map((v) => v.number) ?? []} />}
    </div>
  );
}

function VersionDetail(props: { name: string; legal: boolean; versions: number[]; onChanged: () => void }) {
  const zh = lang() === "zh-CN";
  const [number, setNumber] = useState<number | null>(null);
  const [v, setV] = useState<VersionView | null>(null);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [compare, setCompare] = useState<number | null>(null);
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [flash, showLine] = useFlash();
  const commentRef = useRef<HTMLTextAreaElement>(null);

  const load = (n: number | null) =>
    call(commands.noticeVersion(props.name, n)).then(
      (x) => {
        setV(x);
        setNumber(x.number);
      },
      (e) => setError(describe(e)),
    );
  useEffect(() => void load(null), [props.name]);
  useEffect(() => {
    if (!v || compare === null) return setDiff(null);
    call(commands.diffNotice(props.name, compare, v.number)).then(setDiff, (e) => setError(describe(e)));
  }, [compare, v?.number]);

  if (!v) return <ErrorBox message={error} />;
  const act = async (f: () => Promise<VersionView>, done?: string) => {
    setError(null);
    setNote(null);
    try {
      const x = await f();
      setV(x);
      setNumber(x.number);
      setComment("");
      if (done) setNote(done);
      props.onChanged();
    } catch (e) {
      setError(describe(e));
    }
  };
  const step = (s: string) => act(() => call(commands.reviewNotice(props.name, s, comment, v.number)));
  const r = v.rendered;

  return (
    <div class="version" id="version">
      <div class="version-head">
        <h2>
          {zh ? v.title.zh : v.title.en} <span class="sub">{v.notice}</span>
        </h2>
        <div class="row">
          <select id="version-pick" aria-label={t("version", { n: "" })} value={number ?? ""} onChange={(e) => void load(Number((e.target as HTMLSelectElement).value))}>
            {props.versions.map((n) => (
              <option value={n}>{t("version", { n })}</option>
            ))}
          </select>
          <Badge tone={stateTone(v.state)}>
            <span id="version-state" data-state={v.state}>
              {tv("state_", v.state)}
            </span>
          </Badge>
        </div>
      </div>
      <dl class="meta">
        <dt>{t("author")}</dt>
        <dd>{v.author}</dd>
        {v.approved_by && (
          <>
            <dt>{t("approvedBy")}</dt>
            <dd id="approved-by">{v.approved_by}</dd>
          </>
        )}
        <dt>{t("hashZh")}</dt>
        <dd>
          <code class="hash" id="hash-zh" title={r.hash_zh}>
            {r.hash_zh}
          </code>
        </dd>
        <dt>{t("hashEn")}</dt>
        <dd>
          <code class="hash" id="hash-en" title={r.hash_en}>
            {r.hash_en}
          </code>
        </dd>
      </dl>
      <p class="hint">{t("renderedFrom", { profile: v.profile, prev: v.profile_rev, template: v.template, trev: v.template_rev })}</p>
      {v.state !== "draft" && <p class="hint frozen">{t("frozen")}</p>}

      <div class="actions card">
        {props.legal && (
          <Field id="review-comment" label={t("comment")} hint={t("commentHint")}>
            <textarea id="review-comment" ref={commentRef} rows={2} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
          </Field>
        )}
        <div class="row wrap">
          {props.legal && v.state === "draft" && (
            <>
              <button type="button" id="rerender" onClick={() => act(() => call(commands.draftNotice(props.name, null, null)))}>
                {t("rerender")}
              </button>
              <button type="button" class="primary" id="submit-review" disabled={r.lint.errors > 0} title={r.lint.errors > 0 ? t("submitBlocked") : undefined} onClick={() => step("submit")}>
                {t("submit")}
              </button>
            </>
          )}
          {props.legal && v.state === "in_review" && !v.mine && (
            <>
              <button type="button" class="primary" id="approve" onClick={() => step("approve")}>
                {t("approve")}
              </button>
              <button type="button" id="reject" onClick={() => step("reject")}>
                {t("reject")}
              </button>
            </>
          )}
          {props.legal && v.state === "approved" && (
            <>
              <button type="button" id="new-version" onClick={() => act(() => call(commands.draftNotice(props.name, null, null)))}>
                {t("newVersion")}
              </button>
              <button type="button" id="retire" onClick={() => step("retire")}>
                {t("retire")}
              </button>
            </>
          )}
          {props.legal && (
            <button type="button" class="ghost" id="add-comment" onClick={() => step("comment")}>
              {t("addComment")}
            </button>
          )}
          <button
            type="button"
            class="ghost"
            id="export-html"
            onClick={async () => {
              try {
                const out = await call(commands.exportPacket(props.name, v.number, "html"));
                setNote(t("exported", { path: out.path }));
              } catch (e) {
                setError(describe(e));
              }
            }}
          >
            {t("exportHtml")}
          </button>
          <button
            type="button"
            class="ghost"
            id="export-docx"
            onClick={async () => {
              try {
                const out = await call(commands.exportPacket(props.name, v.number, "docx"));
                setNote(t("exported", { path: out.path }));
              } catch (e) {
                setError(describe(e));
              }
            }}
          >
            {t("exportDocx")}
          </button>
        </div>
        {props.legal && v.state === "draft" && r.lint.errors > 0 && <p class="hint">{t("submitBlocked")}</p>}
        {props.legal && v.state === "in_review" && v.mine && (
          <p class="hint" id="own-version">
            {t("ownVersion")}
          </p>
        )}
        <ErrorBox message={error} id="version-error" />
        <Notice message={note} />
      </div>

      <LintPanel lint={r.lint} onLine={showLine} id="version-lint" />
      <SideBySide r={r} flash={flash} id="version-text" />
      <FormPreview r={r} />

      {props.versions.length > 1 && (
        <div class="diff-block" id="diff">
          <Field id="compare" label={t("compareWith")}>
            <select id="compare" value={compare ?? ""} onChange={(e) => setCompare((e.target as HTMLSelectElement).value ? Number((e.target as HTMLSelectElement).value) : null)}>
              <option value="">{t("noCompare")}</option>
              {props.versions
                .filter((n) => n !== v.number)
                .map((n) => (
                  <option value={n}>{t("version", { n })}</option>
                ))}
            </select>
          </Field>
          {diff && <Diff d={diff} />}
        </div>
      )}

      <h3>{t("historyTitle")}</h3>
      <ul class="timeline" id="history">
        {v.comments.map((c) => (
          <li class={c.verdict === "approve" ? "grant" : c.verdict === "reject" ? "withdraw" : ""}>
            <strong>{c.author}</strong> {tv("verdict_", c.verdict)} · {new Date(c.at_ms).toLocaleString()}
            {c.body && <p>{c.body}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Long unchanged stretches are folded to their edges, so the changes stand out. */
function fold(text: string, first: boolean, last: boolean): string {
  const keep = 160;
  if (text.length <= keep * 2 + 40) return text;
  const head = first ? "" : text.slice(0, keep);
  const tail = last ? "" : text.slice(-keep);
  return `${head}\n  ⋯\n${tail}`;
}

function Ops(props: { ops: OpView[]; lang: string }) {
  const n = props.ops.length;
  return (
    <div class="diff-text" lang={props.lang}>
      {props.ops.map((o, i) =>
        o.op === "insert" ? <ins>{o.text}</ins> : o.op === "delete" ? <del>{o.text}</del> : <span class="same">{fold(o.text, i === 0, i === n - 1)}</span>,
      )}
    </div>
  );
}

function Diff(props: { d: DiffView }) {
  const zh = lang() === "zh-CN";
  const d = props.d;
  return (
    <div class="diff-view" id="diff-view">
      <h3>{t("diffTitle", { from: d.from, to: d.to })}</h3>
      {d.needs_fresh_consent && <p class="error" id="fresh-consent">{t("freshConsent")}</p>}
      {d.material.length === 0 ? (
        <p class="hint">{t("noMaterial")}</p>
      ) : (
        <ul class="material">
          {d.material.map((m) => (
            <li class={m.needs_fresh_consent ? "fresh" : ""}>{zh ? m.message.zh : m.message.en}</li>
          ))}
        </ul>
      )}
      <div class="side-by-side">
        <Ops ops={d.ops_zh} lang="zh-CN" />
        <Ops ops={d.ops_en} lang="en" />
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// The template and clause library

function Library(props: { legal: boolean; templates: TemplateView[]; onSaved: () => void }) {
  const zh = lang() === "zh-CN";
  const [name, setName] = useState(props.templates[0]?.name ?? "");
  const current = props.templates.find((x) => x.name === name) ?? null;
  const [edit, setEdit] = useState<TemplateView | null>(current);
  const [profiles, setProfiles] = useState<ProfileView[]>([]);
  const [profile, setProfile] = useState("");
  const notices = noticesFirst(props.templates);
  const [host, setHost] = useState(notices[0]?.name ?? "");
  const [preview, setPreview] = useState<RenderedView | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [flash, showLine] = useFlash();
  const first = useFocusOnMount<HTMLSelectElement>();

  useEffect(() => setEdit(props.templates.find((x) => x.name === name) ?? null), [name, props.templates]);
  useEffect(() => {
    call(commands.listProfiles()).then((l) => {
      setProfiles(l);
      if (l.length) setProfile(l[0].name);
    }, () => undefined);
  }, []);
  useEffect(() => {
    const pj = profiles.find((x) => x.name === profile)?.json;
    if (!edit || !pj) return;
    const timer = setTimeout(() => {
      const tpl = edit.kind === "notice" ? edit.name : host;
      call(commands.previewNotice({ profile_json: pj, template: tpl, edit: { name: edit.name, kind: edit.kind, title: edit.title, source: edit.source }, title: { zh: "预览", en: "Preview" } })).then(
        (r) => {
          setPreview(r);
          setPreviewError(null);
        },
        (e) => setPreviewError(describe(e)),
      );
    }, 350);
    return () => clearTimeout(timer);
  }, [edit, profile, host, profiles]);

  if (props.templates.length === 0) return null;
  return (
    <div class="workspace">
      <div class="template-form">
        <Field id="template-pick" label={t("templateSelect")}>
          <select id="template-pick" ref={first} value={name} onChange={(e) => setName((e.target as HTMLSelectElement).value)}>
            {props.templates.map((x) => (
              <option value={x.name}>{`${tv("kind_", x.kind)} · ${zh ? x.title.zh : x.title.en} (rev ${x.rev})`}</option>
            ))}
          </select>
        </Field>
        <p class="hint">{t("templateHint")}</p>
        {edit && (
          <fieldset disabled={!props.legal}>
            <BiInput path="template.title" label={t("templateTitle")} value={edit.title} onChange={(title) => setEdit({ ...edit, title })} />
            <div class="field">
              <label for="source-zh">{t("sourceZh")}</label>
              <textarea id="source-zh" class="code" lang="zh-CN" rows={14} spellcheck={false} value={edit.source.zh} onInput={(e) => setEdit({ ...edit, source: { ...edit.source, zh: (e.target as HTMLTextAreaElement).value } })} />
            </div>
            <div class="field">
              <label for="source-en">{t("sourceEn")}</label>
              <textarea id="source-en" class="code" rows={14} spellcheck={false} value={edit.source.en} onInput={(e) => setEdit({ ...edit, source: { ...edit.source, en: (e.target as HTMLTextAreaElement).value } })} />
            </div>
            <ErrorBox message={error} />
            <Notice message={note} />
            {props.legal && (
              <button
                type="button"
                class="primary"
                id="save-template"
                onClick={async () => {
                  setError(null);
                  try {
                    const saved = await call(commands.saveTemplate({ name: edit.name, kind: edit.kind, title: edit.title, source: edit.source }));
                    setNote(t("templateSaved", { name: saved.name, rev: saved.rev }));
                    props.onSaved();
                  } catch (e) {
                    setError(describe(e));
                  }
                }}
              >
                {t("saveTemplate")}
              </button>
            )}
          </fieldset>
        )}
      </div>
      <div class="preview-pane">
        <div class="row">
          <Field id="library-profile" label={t("previewProfile")}>
            <select id="library-profile" value={profile} onChange={(e) => setProfile((e.target as HTMLSelectElement).value)}>
              {profiles.map((x) => (
                <option value={x.name}>{x.name}</option>
              ))}
            </select>
          </Field>
          {edit?.kind === "clause" && (
            <Field id="library-host" label={t("previewNotice")}>
              <select id="library-host" value={host} onChange={(e) => setHost((e.target as HTMLSelectElement).value)}>
                {notices.map((x) => (
                  <option value={x.name}>{zh ? x.title.zh : x.title.en}</option>
                ))}
              </select>
            </Field>
          )}
        </div>
        {profiles.length === 0 && <p class="hint">{t("noProfiles")}</p>}
        <ErrorBox message={previewError} id="template-error" />
        {preview && !previewError && (
          <>
            <LintPanel lint={preview.lint} onLine={showLine} id="template-lint" />
            <SideBySide r={preview} flash={flash} id="template-preview" />
          </>
        )}
      </div>
    </div>
  );
}
