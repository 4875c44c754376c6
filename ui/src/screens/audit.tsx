// The audit log (admin and legal): who did what, when, newest first; filtered by action and
// operator while typing; saved as CSV for Excel (the export is itself recorded in the log).
import { useEffect, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { AuditView } from "../bindings";
import { Empty, ErrorBox, Field, Notice, when } from "../components";
import { t } from "../i18n";

/** The action families an operator filters by most. */
const FAMILIES = ["", "consent.", "subject.", "notice.", "operator.", "vault.", "bundle.", "event."];
const PAGE = 200;

export function AuditLog() {
  const [action, setAction] = useState("");
  const [operator, setOperator] = useState("");
  const [entries, setEntries] = useState<AuditView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // Shortly after typing stops, so that each key press does not read the log.
    const timer = setTimeout(() => {
      call(commands.auditLog({ action, operator, limit: PAGE })).then(
        (l) => {
          setEntries(l);
          setError(null);
        },
        (e) => setError(describe(e)),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [action, operator]);
  const save = async () => {
    setBusy(true);
    setSaved(null);
    setError(null);
    try {
      const f = await call(commands.exportAuditLog({ action, operator, limit: 1000 }));
      setSaved(t("savedTo", { path: f.path }));
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section id="audit">
      <h1>{t("auditTitle")}</h1>
      <p class="hint">{t("auditIntro")}</p>
      <div class="grid">
        <Field id="audit-action" label={t("auditAction")}>
          <select id="audit-action" value={FAMILIES.includes(action) ? action : ""} onChange={(e) => setAction(e.currentTarget.value)}>
            {FAMILIES.map((f) => (
              <option value={f}>{f === "" ? t("auditAny") : `${f.slice(0, -1)}…`}</option>
            ))}
          </select>
        </Field>
        <Field id="audit-operator" label={t("auditOperator")}>
          <input id="audit-operator" value={operator} onInput={(e) => setOperator(e.currentTarget.value)} />
        </Field>
      </div>
      <button type="button" class="primary" id="audit-save" disabled={busy} aria-busy={busy} onClick={save}>
        {t("auditSave")}
      </button>
      <ErrorBox message={error} id="audit-error" />
      <Notice message={saved} />
      {entries && entries.length === 0 && <Empty text={t("auditEmpty")} />}
      {entries && entries.length > 0 && (
        <>
          <p class="hint" id="audit-count">
            {t(entries.length === PAGE ? "auditNewest" : "auditShown", { n: entries.length })}
          </p>
          <table id="audit-list">
            <thead>
              <tr>
                <th>#</th>
                <th>{t("auditWhen")}</th>
                <th>{t("auditOperator")}</th>
                <th>{t("auditAction")}</th>
                <th>{t("auditTarget")}</th>
                <th>{t("auditDetail")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr data-seq={e.seq}>
                  <td>{e.seq}</td>
                  <td class="when">{when(e.at)}</td>
                  <td>{e.operator}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td class="wrap">{e.target}</td>
                  <td class="wrap">
                    <span class="sub">{e.detail}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
