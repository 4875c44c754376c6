import { useEffect, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { ActionName, CategoryView, LegalBasis, PurposeView, SensitiveKind, SeparateConsent } from "../bindings";
import { VOCABULARY } from "../bindings";
import { Badge, Empty, ErrorBox, Field, Notice, useFieldProblems } from "../components";
import { lang, t, tv } from "../i18n";

const BASES = VOCABULARY.legal_bases;
const SEPARATE = VOCABULARY.separate_consents;
const SENSITIVE = VOCABULARY.sensitive_kinds;

export function Catalogue(props: { allowed: ActionName[] }) {
  const canEdit = props.allowed.includes("catalogue.manage");
  const [purposes, setPurposes] = useState<PurposeView[] | null>(null);
  const [categories, setCategories] = useState<CategoryView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => {
    call(commands.listPurposes()).then(setPurposes, (e) => setError(describe(e)));
    call(commands.listCategories()).then(setCategories, (e) => setError(describe(e)));
  };
  useEffect(reload, []);
  const zh = lang() === "zh-CN";
  return (
    <section id="catalogue">
      <h1>{t("purposesTitle")}</h1>
      <ErrorBox message={error} />
      {purposes && purposes.length === 0 && <Empty id="purposes-empty" text={t("purposesEmpty")} />}
      {purposes && purposes.length > 0 && (
        <table id="purposes">
          <thead>
            <tr>
              <th>{t("code")}</th>
              <th>{zh ? t("nameZh") : t("nameEn")}</th>
              <th>{t("legalBasis")}</th>
              <th>{t("separateConsent")}</th>
              <th>{t("dpv")}</th>
            </tr>
          </thead>
          <tbody>
            {purposes.map((p) => (
              <tr>
                <td><code>{p.code}</code></td>
                <td>
                  {zh ? p.name_zh : p.name_en}
                  <span class="sub">{zh ? p.name_en : p.name_zh}</span>
                </td>
                <td>
                  {tv("basis_", p.legal_basis)} {!p.necessary && <Badge tone="plain">{t("optional")}</Badge>}
                </td>
                <td>{p.separate_consent ? <Badge tone="warn">{tv("sep_", p.separate_consent)}</Badge> : "—"}</td>
                <td>{p.dpv ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && <AddPurpose onAdded={reload} />}

      <h1 class="spaced">{t("categoriesTitle")}</h1>
      {categories && categories.length === 0 && <Empty id="categories-empty" text={t("categoriesEmpty")} />}
      {categories && categories.length > 0 && (
        <table id="categories">
          <thead>
            <tr>
              <th>{t("code")}</th>
              <th>{zh ? t("nameZh") : t("nameEn")}</th>
              <th>{t("sensitive")}</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c) => (
              <tr>
                <td><code>{c.code}</code></td>
                <td>
                  {zh ? c.name_zh : c.name_en}
                  <span class="sub">{zh ? c.name_en : c.name_zh}</span>
                </td>
                <td>{c.sensitive ? <Badge tone="warn">{tv("sens_", c.sensitive)}</Badge> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && <AddCategory onAdded={reload} />}
    </section>
  );
}

/** Up to 64 lower-case letters, digits, `_`, `.` or `-`, starting with a letter: what the
 * engine's purpose::validate_code accepts. */
const CODE = /^[a-z][a-z0-9_.-]{0,63}$/;

/** The engine's checks of a code and its two names, said at once under the fields. */
function entryProblems(prefix: string, code: string, zh: string, en: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!CODE.test(code.trim())) out[`${prefix}-code`] = t("catCodeInvalid");
  if (!zh.trim()) out[`${prefix}-zh`] = t("catNameMissing");
  if (!en.trim()) out[`${prefix}-en`] = t("catNameMissing");
  return out;
}

function AddPurpose(props: { onAdded: () => void }) {
  const empty: PurposeView = { code: "", name_zh: "", name_en: "", legal_basis: "consent", necessary: false, separate_consent: null, dpv: null };
  const [p, setP] = useState<PurposeView>(empty);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const fp = useFieldProblems();
  const set = (patch: Partial<PurposeView>, id?: string) => {
    setP({ ...p, ...patch });
    if (id) fp.clear(id);
    setError(null);
    setDone(null);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!fp.report(entryProblems("purpose", p.code, p.name_zh, p.name_en))) return;
    try {
      const added = await call(commands.addPurpose(p));
      setDone(t("added", { name: added.code }));
      setP(empty);
      props.onAdded();
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <form class="card inline-form" id="add-purpose" onSubmit={submit} noValidate>
      <h2>{t("addPurpose")}</h2>
      <div class="grid">
        <Field id="purpose-code" label={t("code")}>
          <input
            id="purpose-code"
            value={p.code}
            placeholder="event_marketing"
            required
            {...fp.invalid("purpose-code")}
            onInput={(e) => set({ code: e.currentTarget.value }, "purpose-code")}
          />
          {fp.problem("purpose-code")}
        </Field>
        <Field id="purpose-zh" label={t("nameZh")}>
          <input
            id="purpose-zh"
            value={p.name_zh}
            placeholder="活动营销"
            required
            {...fp.invalid("purpose-zh")}
            onInput={(e) => set({ name_zh: e.currentTarget.value }, "purpose-zh")}
          />
          {fp.problem("purpose-zh")}
        </Field>
        <Field id="purpose-en" label={t("nameEn")}>
          <input
            id="purpose-en"
            value={p.name_en}
            placeholder="Event marketing"
            required
            {...fp.invalid("purpose-en")}
            onInput={(e) => set({ name_en: e.currentTarget.value }, "purpose-en")}
          />
          {fp.problem("purpose-en")}
        </Field>
        <Field id="purpose-basis" label={t("legalBasis")}>
          <select id="purpose-basis" value={p.legal_basis} onChange={(e) => set({ legal_basis: e.currentTarget.value as LegalBasis })}>
            {BASES.map((b) => (
              <option value={b}>{tv("basis_", b)}</option>
            ))}
          </select>
        </Field>
        <Field id="purpose-separate" label={t("separateConsent")}>
          <select id="purpose-separate" value={p.separate_consent ?? ""} onChange={(e) => set({ separate_consent: (e.currentTarget.value || null) as SeparateConsent | null })}>
            <option value="">{t("none")}</option>
            {SEPARATE.map((s) => (
              <option value={s}>{tv("sep_", s)}</option>
            ))}
          </select>
        </Field>
        <Field id="purpose-dpv" label={t("dpv")}>
          <input id="purpose-dpv" value={p.dpv ?? ""} placeholder="dpv:DirectMarketing" onInput={(e) => set({ dpv: e.currentTarget.value || null })} />
        </Field>
      </div>
      <label class="check">
        <input type="checkbox" id="purpose-necessary" checked={p.necessary} onChange={(e) => set({ necessary: e.currentTarget.checked })} /> {t("necessary")}
      </label>
      <ErrorBox message={error} id="purpose-error" />
      <Notice message={done} />
      <button type="submit" class="primary" id="purpose-submit">
        {t("addPurpose")}
      </button>
    </form>
  );
}

function AddCategory(props: { onAdded: () => void }) {
  const empty: CategoryView = { code: "", name_zh: "", name_en: "", sensitive: null };
  const [c, setC] = useState<CategoryView>(empty);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const fp = useFieldProblems();
  const set = (patch: Partial<CategoryView>, id?: string) => {
    setC({ ...c, ...patch });
    if (id) fp.clear(id);
    setError(null);
    setDone(null);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!fp.report(entryProblems("category", c.code, c.name_zh, c.name_en))) return;
    try {
      const added = await call(commands.addCategory(c));
      setDone(t("added", { name: added.code }));
      setC(empty);
      props.onAdded();
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <form class="card inline-form" id="add-category" onSubmit={submit} noValidate>
      <h2>{t("addCategory")}</h2>
      <div class="grid">
        <Field id="category-code" label={t("code")}>
          <input
            id="category-code"
            value={c.code}
            placeholder="email"
            required
            {...fp.invalid("category-code")}
            onInput={(e) => set({ code: e.currentTarget.value }, "category-code")}
          />
          {fp.problem("category-code")}
        </Field>
        <Field id="category-zh" label={t("nameZh")}>
          <input
            id="category-zh"
            value={c.name_zh}
            placeholder="电子邮箱"
            required
            {...fp.invalid("category-zh")}
            onInput={(e) => set({ name_zh: e.currentTarget.value }, "category-zh")}
          />
          {fp.problem("category-zh")}
        </Field>
        <Field id="category-en" label={t("nameEn")}>
          <input
            id="category-en"
            value={c.name_en}
            placeholder="Email address"
            required
            {...fp.invalid("category-en")}
            onInput={(e) => set({ name_en: e.currentTarget.value }, "category-en")}
          />
          {fp.problem("category-en")}
        </Field>
        <Field id="category-sensitive" label={t("sensitive")}>
          <select id="category-sensitive" value={c.sensitive ?? ""} onChange={(e) => set({ sensitive: (e.currentTarget.value || null) as SensitiveKind | null })}>
            <option value="">{t("notSensitive")}</option>
            {SENSITIVE.map((s) => (
              <option value={s}>{tv("sens_", s)}</option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorBox message={error} id="category-error" />
      <Notice message={done} />
      <button type="submit" class="primary" id="category-submit">
        {t("addCategory")}
      </button>
    </form>
  );
}
