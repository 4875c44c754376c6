// Notice wording as the UI shows it: blocks side by side in both languages, the consent form,
// the lint panel (a finding jumps to its field or line), all through Preact's escaping.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { BlockView, FindingView, LintView, RenderedView, TemplateView } from "../../bindings";
import { Badge } from "../../components";
import { colon, lang, t } from "../../i18n";

export type Bi = { zh: string; en: string };

/** Notice templates, the full PIPL notice first. */
export function noticesFirst(all: TemplateView[]): TemplateView[] {
  const rank = (n: string) => ["pipl_notice", "gdpr_notice", "event_consent"].indexOf(n) >>> 0;
  return all.filter((x) => x.kind === "notice").sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

// Rendering wording, the form and the lint

export function Blocks(props: { blocks: BlockView[]; lang: "zh-CN" | "en"; flash?: number | null }) {
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

export function SideBySide(props: { r: RenderedView; flash: { lang: string; line: number } | null; id?: string }) {
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

export function FormPreview(props: { r: RenderedView }) {
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
      {f.guardian && <p class="hint">{t("guardianPath")}
          {colon()}
          {zh ? f.guardian[0].zh : f.guardian[0].en}</p>}
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

export function LintPanel(props: { lint: LintView; onLine?: (lang: string, line: number) => void; id?: string }) {
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
export function useFlash(): [{ lang: string; line: number } | null, (lang: string, line: number) => void] {
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
