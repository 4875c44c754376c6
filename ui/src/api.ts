// The only door to the Rust side: the generated, typed bindings. A failed command throws an
// `ApiFailure` carrying the `{ kind, message }` the Rust side sent.
import { commands, events, VOCABULARY, type ApiError, type ApiText, type Result } from "./bindings";
import { lang, type Lang } from "./i18n";

/** The code of a sentence in the engine's table (`VOCABULARY.messages`). */
export type MessageCode = keyof typeof VOCABULARY.messages;

export class ApiFailure extends Error {
  constructor(public readonly error: ApiError) {
    super(error.message);
  }
}

export async function call<T>(result: Promise<Result<T, ApiError>>): Promise<T> {
  const r = await result;
  if (r.status === "ok") return r.data;
  throw new ApiFailure(r.error);
}

/**
 * An engine or shell sentence in the language shown (at the kiosk, the visitor's): the
 * sentence's template from the bilingual table the Rust side exports, its placeholders
 * filled with the error's arguments (vocabulary terms in the same language).
 */
export function renderText(text: ApiText, language: Lang = lang()): string {
  const table: Record<string, { en: string; zh: string } | undefined> = VOCABULARY.messages;
  const pick = (code: string) => {
    const m = table[code];
    if (!m) return code;
    return language === "zh-CN" ? m.zh : m.en;
  };
  const sep = language === "zh-CN" ? "、" : ", ";
  return pick(text.code).replace(/\{([a-z0-9_]+)\}/g, (whole: string, name: string) => {
    const a = text.args.find((x) => x.name === name);
    if (!a) return whole;
    return a.plain ?? a.terms.map(pick).join(sep);
  });
}

/** A sentence of the table by code, with plain arguments (for checks the UI makes itself). */
export function message(code: MessageCode, args: Record<string, string | number> = {}): string {
  return renderText({ code, args: Object.entries(args).map(([name, v]) => ({ name, plain: String(v), terms: [] })) });
}

/** A message for the person, in the language shown: what the engine or the shell said. */
export function describe(e: unknown): string {
  if (e instanceof ApiFailure) return renderText(e.error.text);
  return message("internal");
}

export { commands, events };
