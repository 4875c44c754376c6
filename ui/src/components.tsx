import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { t, type Key } from "./i18n";
import { strength } from "./strength";

export function Field(props: { id: string; label: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <p class="hint">{props.hint}</p>}
    </div>
  );
}

/**
 * A file input whose words are in the UI's language (WebKitGTK's own button and "no file"
 * text follow the system's locale, not the app's): the real input, transparent, lies over a
 * button-like label and keeps its id, focus and keyboard use. `names` shows the chosen files
 * when the caller tracks them (so a reset clears them); otherwise the picker tracks them.
 */
export function FilePicker(props: {
  id: string;
  accept: string;
  multiple?: boolean;
  names?: string[];
  inputRef?: RefObject<HTMLInputElement>;
  onPick: (files: File[]) => void;
}) {
  const [own, setOwn] = useState<string[]>([]);
  const names = props.names ?? own;
  return (
    <div class="file-picker">
      <input
        id={props.id}
        ref={props.inputRef}
        type="file"
        accept={props.accept}
        multiple={props.multiple}
        onChange={(e) => {
          const files = e.currentTarget.files ? Array.from(e.currentTarget.files) : [];
          setOwn(files.map((f) => f.name));
          props.onPick(files);
        }}
      />
      <span class="file-button" aria-hidden="true">
        {t(props.multiple ? "chooseFiles" : "chooseFile")}
      </span>
      <span class={names.length > 0 ? "file-names" : "file-names sub"}>{names.length > 0 ? names.join(", ") : t("noFileChosen")}</span>
    </div>
  );
}

/**
 * Inline validation for a form: what is wrong with each field (by input id), shown under it
 * and announced; `report` marks the fields and moves focus to the first (WebKitGTK shows no
 * validation bubble, so a form must say itself why it was not sent); `clear` as a field
 * changes.
 */
export function useFieldProblems() {
  const [problems, setProblems] = useState<Record<string, string>>({});
  /** Shows these problems; returns true when there are none (the form may be sent). */
  const report = (found: Record<string, string>): boolean => {
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) document.getElementById(first)?.focus();
    return !first;
  };
  const clear = (id?: string) => {
    if (id === undefined) setProblems({});
    else if (problems[id]) setProblems(({ [id]: _, ...rest }) => rest);
  };
  /** Attributes for the input: marked invalid and described by its message. */
  const invalid = (id: string) => (problems[id] ? { "aria-invalid": true, "aria-describedby": `${id}-problem` } : {});
  /** The message under the field, if any. */
  const problem = (id: string) =>
    problems[id] ? (
      <p class="field-error" id={`${id}-problem`} role="alert">
        {problems[id]}
      </p>
    ) : null;
  return { report, clear, invalid, problem };
}

/** An error in context: says what happened and what to do. */
export function ErrorBox(props: { message: string | null; id?: string }) {
  if (!props.message) return null;
  return (
    <p class="error" role="alert" id={props.id ?? "error"}>
      {props.message}
    </p>
  );
}

export function Notice(props: { message: string | null }) {
  if (!props.message) return null;
  return (
    <p class="ok" role="status">
      {props.message}
    </p>
  );
}

export function Empty(props: { text: string; id?: string }) {
  return (
    <div class="empty" id={props.id}>
      <p>{props.text}</p>
    </div>
  );
}

export function StrengthMeter(props: { value: string; min: number }) {
  const s = strength(props.value, props.min);
  return (
    <div class="strength" aria-live="polite">
      <div class={`bar s${s}`}>
        <span />
        <span />
        <span />
        <span />
      </div>
      <span class="label">{props.value ? t(`strength${s}` as Key) : ""}</span>
    </div>
  );
}

export function Badge(props: { tone: "good" | "bad" | "warn" | "plain"; children: ComponentChildren }) {
  return <span class={`badge ${props.tone}`}>{props.children}</span>;
}

export function shortHash(h: string | null | undefined): string {
  return h ? h.slice(0, 12) : "—";
}

/** A readable local time for an RFC 3339 string, keeping the device's offset visible. */
export function when(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (!m) return rfc3339;
  const offset = m[3] === "Z" || m[3] === "+00:00" ? "UTC" : `UTC${m[3]}`;
  return `${m[1]} ${m[2]} ${offset}`;
}

/** The same format for an instant in milliseconds, in this computer's time zone. */
export function whenMs(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? "UTC" : `UTC${off > 0 ? "+" : "-"}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())} ${zone}`;
}

/**
 * Focuses the element once, right after it mounts, unless the person is already in another
 * field. (The `autofocus` attribute can fire late in WebKitGTK and steal focus mid-typing.)
 */
export function useFocusOnMount<T extends HTMLElement>(): RefObject<T> {
  const ref = useRef<T>(null);
  useEffect(() => {
    const active = document.activeElement;
    const typing = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || active instanceof HTMLSelectElement;
    if (!typing) ref.current?.focus();
  }, []);
  return ref;
}
