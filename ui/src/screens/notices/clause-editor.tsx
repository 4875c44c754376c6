// The template source editor (line numbers, the line an error cites marked) and the clause
// form (a clause's pieces, each in both languages), which writes the source through Rust.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure, call, commands, describe } from "../../api";
import { VOCABULARY, type ClauseFormView, type PieceKindView, type PieceView } from "../../bindings";
import { Badge, ErrorBox } from "../../components";
import { t } from "../../i18n";
import type { Bi } from "./wording";
import { bi } from "./profile-fields";

/** The line a template error cites, in the template being edited: `{ language, line }`. */
export type ErrorLine = { zh: boolean; line: number } | null;

/** Reads the line and language from a template error, when it is about template `path`. */
export function errorLine(e: unknown, path: string): ErrorLine {
  if (!(e instanceof ApiFailure) || e.error.text.code !== "template") return null;
  const arg = (n: string) => e.error.text.args.find((a) => a.name === n);
  const line = Number(arg("line")?.plain);
  if (arg("template")?.plain !== path || !Number.isInteger(line) || line < 1) return null;
  return { zh: (arg("language")?.terms ?? []).includes("lang_zh"), line };
}


/** A source textarea with line numbers beside it; `mark` is a line to show as faulty. */
export function CodeArea(props: { id: string; label: string; lang?: string; value: string; mark: number | null; onInput: (v: string) => void }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = props.value.split("\n").length;
  useEffect(() => {
    const ta = area.current;
    if (!ta || props.mark === null) return;
    const px = parseFloat(getComputedStyle(ta).lineHeight) || 18;
    ta.scrollTop = Math.max(0, (props.mark - 3) * px);
    ta.scrollIntoView({ block: "nearest" });
  }, [props.mark]);
  return (
    <div class="field">
      <label for={props.id}>
        {props.label} {props.mark !== null && <Badge tone="bad">{t("errorOnLine", { line: props.mark })}</Badge>}
      </label>
      <div class="code-area">
        <div class="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => (
            <div class={i + 1 === props.mark ? "bad" : undefined}>{i + 1}</div>
          ))}
        </div>
        <textarea
          id={props.id}
          ref={area}
          class="code"
          lang={props.lang}
          rows={14}
          wrap="off"
          spellcheck={false}
          aria-invalid={props.mark !== null}
          value={props.value}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = (e.target as HTMLTextAreaElement).scrollTop;
          }}
          onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
        />
      </div>
    </div>
  );
}

const KINDS: PieceKindView[] = ["h2", "h3", "p", "li", "quote"];

/**
 * The clause as a form: each piece's kind, its words in both languages, a heading's section
 * marks, and the list an item repeats for. Every change writes the source (in Rust) and hands
 * it to `onSource`, so the preview and the lint follow; nothing is saved until Save.
 */
export function ClauseForm(props: { source: Bi; onSource: (s: Bi) => void; disabled: boolean }) {
  const [form, setForm] = useState<ClauseFormView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  // Only the newest edit's source is used (typing is faster than the round trip).
  const seq = useRef(0);
  // Read the form once, from the source as it was when the form opened.
  useEffect(() => {
    call(commands.clauseForm({ zh: props.source.zh, en: props.source.en })).then(setForm, (e) => setError(describe(e)));
  }, []);
  const change = (f: ClauseFormView) => {
    setForm(f);
    const mine = ++seq.current;
    call(commands.clauseSource(f)).then(
      (s) => {
        if (mine !== seq.current) return;
        setError(null);
        props.onSource(s);
      },
      (e) => {
        if (mine === seq.current) setError(describe(e));
      },
    );
  };
  if (form === undefined) return <ErrorBox message={error} />;
  if (form === null) return <p class="hint" id="clause-form-unavailable">{t("clauseFormUnavailable")}</p>;
  const set = (i: number, patch: Partial<PieceView>) => change({ ...form, pieces: form.pieces.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const move = (i: number, to: number) => {
    const pieces = [...form.pieces];
    const [p] = pieces.splice(i, 1);
    pieces.splice(to, 0, p);
    change({ ...form, pieces });
  };
  return (
    <fieldset id="clause-form" disabled={props.disabled}>
      <div class="field">
        <label for="clause-when">{t("clauseWhen")}</label>
        <input id="clause-when" class="code" value={form.when} onChange={(e) => change({ ...form, when: (e.target as HTMLInputElement).value.trim() })} />
        <p class="hint">{t("clauseWhenHint")}</p>
      </div>
      {form.pieces.map((p, i) => (
        <div class="repeat piece" id={`piece-${i}`}>
          <div class="row">
            <select id={`piece-${i}-kind`} aria-label={t("pieceKind")} value={p.kind} onChange={(e) => set(i, { kind: (e.target as HTMLSelectElement).value as PieceKindView, marks: [], each: null })}>
              {KINDS.map((k) => (
                <option value={k}>{t(`piece_${k}`)}</option>
              ))}
            </select>
            {p.each && <Badge tone="plain">{t("pieceEach", { list: p.each.list })}</Badge>}
            <button type="button" class="ghost" aria-label={t("moveUp")} disabled={i === 0} onClick={() => move(i, i - 1)}>
              ↑
            </button>
            <button type="button" class="ghost" aria-label={t("moveDown")} disabled={i === form.pieces.length - 1} onClick={() => move(i, i + 1)}>
              ↓
            </button>
            <button type="button" class="ghost" onClick={() => change({ ...form, pieces: form.pieces.filter((_, j) => j !== i) })}>
              {t("remove")}
            </button>
          </div>
          {(["zh", "en"] as const).map((l) => (
            <div class="field">
              <label for={`piece-${i}-${l}`}>{l === "zh" ? t("textZh") : t("textEn")}</label>
              {p.kind === "h2" || p.kind === "h3" ? (
                <input id={`piece-${i}-${l}`} lang={l === "zh" ? "zh-CN" : "en"} value={p.text[l]} onInput={(e) => set(i, { text: { ...p.text, [l]: (e.target as HTMLInputElement).value } })} />
              ) : (
                <textarea
                  id={`piece-${i}-${l}`}
                  lang={l === "zh" ? "zh-CN" : "en"}
                  rows={3}
                  value={p.text[l]}
                  onInput={(e) => set(i, { text: { ...p.text, [l]: (e.target as HTMLTextAreaElement).value } })}
                />
              )}
            </div>
          ))}
          {(p.kind === "h2" || p.kind === "h3") && (
            <div class="codes" role="group" aria-label={t("pieceMarks")}>
              <span class="label">{t("pieceMarks")}</span>
              {VOCABULARY.section_marks.map((m) => (
                <label class="check">
                  <input
                    type="checkbox"
                    id={`piece-${i}-mark-${m}`}
                    checked={p.marks.includes(m)}
                    onChange={(e) => set(i, { marks: (e.target as HTMLInputElement).checked ? [...p.marks, m] : p.marks.filter((x) => x !== m) })}
                  />
                  <code>#{m}</code>
                </label>
              ))}
            </div>
          )}
        </div>
      ))}
      <button
        type="button"
        id="add-piece"
        onClick={() => change({ ...form, pieces: [...form.pieces, { kind: "p", text: { ...bi(), zh: "……", en: "…" }, marks: [], each: null, gap: true }] })}
      >
        {t("addPiece")}
      </button>
      <p class="hint">{t("clauseValuesHint")}</p>
      <ErrorBox message={error} id="clause-form-error" />
    </fieldset>
  );
}
