// The template and clause library, with a live preview.
import { useEffect, useState } from "preact/hooks";
import { call, commands, describe } from "../../api";
import type { ProfileView, RenderedView, TemplateView } from "../../bindings";
import { ErrorBox, Field, Notice, useFocusOnMount } from "../../components";
import { lang, t, tv } from "../../i18n";
import { SideBySide, LintPanel, useFlash, noticesFirst } from "./wording";
import { BiInput } from "./profile-fields";
import { ClauseForm, CodeArea, errorLine, type ErrorLine } from "./clause-editor";

// ---------------------------------------------------------------------------------------
// The template and clause library

export function Library(props: { legal: boolean; templates: TemplateView[]; onSaved: () => void }) {
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
  const [badLine, setBadLine] = useState<ErrorLine>(null);
  // A clause is edited as a form when the form can hold it, or as source.
  const [asForm, setAsForm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [flash, showLine] = useFlash();
  const first = useFocusOnMount<HTMLSelectElement>();

  useEffect(() => setEdit(props.templates.find((x) => x.name === name) ?? null), [name, props.templates]);
  useEffect(() => setAsForm(false), [name]);
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
          setBadLine(null);
        },
        (e) => {
          setPreviewError(describe(e));
          setBadLine(errorLine(e, `${edit.kind}/${edit.name}`));
        },
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
            {edit.kind === "clause" && (
              <div class="tabs" role="tablist" aria-label={t("clauseEditAs")}>
                <button type="button" role="tab" id="edit-source" aria-selected={!asForm} class={asForm ? "" : "active"} onClick={() => setAsForm(false)}>
                  {t("editSource")}
                </button>
                <button type="button" role="tab" id="edit-form" aria-selected={asForm} class={asForm ? "active" : ""} onClick={() => setAsForm(true)}>
                  {t("editForm")}
                </button>
              </div>
            )}
            {asForm && edit.kind === "clause" ? (
              <ClauseForm key={edit.name} source={edit.source} disabled={!props.legal} onSource={(source) => setEdit({ ...edit, source })} />
            ) : (
              <>
                <CodeArea id="source-zh" label={t("sourceZh")} lang="zh-CN" value={edit.source.zh} mark={badLine?.zh ? badLine.line : null} onInput={(zh) => setEdit({ ...edit, source: { ...edit.source, zh } })} />
                <CodeArea id="source-en" label={t("sourceEn")} value={edit.source.en} mark={badLine && !badLine.zh ? badLine.line : null} onInput={(en) => setEdit({ ...edit, source: { ...edit.source, en } })} />
              </>
            )}
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
