// Files picked in the Sync screens' windows, and names the engine accepts.
import type { ActionName, PickedFile } from "../bindings";
import { VOCABULARY } from "../bindings";
import { t } from "../i18n";

/** Whether the signed-in operator may do an action (from the session's allowed list). */
export type Can = (a: ActionName) => boolean;


/** Reads a picked file for the Rust side: its name and its bytes as base64. */
export function readPicked(file: File): Promise<PickedFile> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const url = String(r.result);
      resolve({ name: file.name, base64: url.slice(url.indexOf(",") + 1) });
    };
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** Why a picked file cannot be a bundle, before reading it (its size), or null. */
export function tooLarge(file: File): string | null {
  const max = VOCABULARY.bundle_max_bytes;
  return file.size > max ? t("fileTooLarge", { name: file.name, max: Math.floor(max / (1024 * 1024)) }) : null;
}

/** A name the engine accepts: 1 to 80 characters on one line. */
export function nameOk(name: string): boolean {
  const n = name.trim();
  // eslint-disable-next-line no-control-regex
  return n.length > 0 && [...n].length <= 80 && !/[\u0000-\u001f\u007f]/.test(n);
}
