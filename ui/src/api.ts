// The only door to the Rust side: the generated, typed bindings. A failed command throws an
// `ApiFailure` carrying the `{ kind, message }` the Rust side sent.
import { commands, events, type ApiError, type Result } from "./bindings";
import { hasKey, refusalKey, t } from "./i18n";

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

/** A message for the person: translated for the kinds the UI knows, the engine's sentence otherwise. */
export function describe(e: unknown, minChars = 10): string {
  if (e instanceof ApiFailure) {
    // A refused bundle or enrolment file says why, in the language shown.
    if (e.error.refusal) return t(refusalKey(e.error.refusal));
    // The kinds with a translated message are those with an `err_…` key.
    const key = `err_${e.error.kind}`;
    if (hasKey(key)) {
      // Permission denials name the roles needed in the engine's sentence; keep it in English too.
      const extra = e.error.kind === "permission_denied" ? ` (${e.error.message})` : "";
      return t(key, { min: minChars }) + extra;
    }
    return e.error.message;
  }
  return t("err_internal");
}

export { commands, events };
