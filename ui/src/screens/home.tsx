import { useEffect, useRef, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { ActionName, HomeView, NoticeState, VerifyStatusView, VerifyView } from "../bindings";
import { Badge, ErrorBox, when } from "../components";
import { t, tv, type Key } from "../i18n";
import { UnsentCounter, useUnsent } from "../unsent";

export function Home(props: { allowed: ActionName[] }) {
  const unsent = useUnsent(props.allowed);
  const canVerify = props.allowed.includes("vault.verify");
  const [home, setHome] = useState<HomeView | null>(null);
  const [status, setStatus] = useState<VerifyStatusView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | null>(null);

  // Verify runs beside the session (started once after unlock, or by "Verify now"); Home
  // shows the last result and polls while one runs, so nothing waits for it.
  const poll = async (start: false | "new" | "full") => {
    try {
      const s = await call(start ? commands.verifyVault(start === "full") : commands.verifyStatus());
      setStatus(s);
      if (s.running) timer.current = window.setTimeout(() => void poll(false), 700);
    } catch (e) {
      setError(describe(e));
    }
  };
  useEffect(() => {
    call(commands.home()).then(setHome, (e) => setError(describe(e)));
    if (canVerify) void poll(false);
    return () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    };
  }, []);
  const runVerify = async (scope: "new" | "full" = "new") => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    await poll(scope);
  };
  const verify: VerifyView | null = status?.last ?? null;
  // Roles that may not verify (kiosk) see no ledger card rather than a refusal.
  const verifying = status?.running ?? false;

  const notices = home?.notices ?? [];
  return (
    <section id="home">
      <h1>{t("homeTitle")}</h1>
      <ErrorBox message={error} />
      <div class="stats">
        <Stat id="stat-subjects" label={t("statSubjects")} value={home?.subjects} />
        <Stat id="stat-active" label={t("statActive")} value={home?.active_consents} />
        <Stat id="stat-withdrawals" label={t("statWithdrawals")} value={home?.withdrawals_last_7_days} />
        <div class="stat" id="stat-notices">
          <span class="label">{t("statNotices")}</span>
          {notices.length === 0 ? (
            <span class="value small">{home ? t("noticesNone") : "…"}</span>
          ) : (
            <ul class="notice-states">
              {notices.map((n) => (
                <li>
                  <strong>{n.count}</strong> {tv("state", stateKey(n.state))}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <UnsentCounter unsent={unsent} id="home-unsent" />
      {home?.personal_data_pending && (
        <p class="warn-box" id="sealing-pending" role="status">
          {t("sealingPending")}
        </p>
      )}
      {home && !home.personal_data_pending && !home.opens_personal_data && props.allowed.includes("subject.reveal") && (
        <p class="warn-box" id="sealing-not-granted" role="status">
          {t("sealingNotGranted")}
        </p>
      )}
      {home && home.subjects === 0 && (
        <div class="card" id="getting-started">
          <h2>{t("gettingStarted")}</h2>
          <ol class="steps">
            <li>{t("step1")}</li>
            <li>{t("step2")}</li>
            <li>{t("step3")}</li>
            <li>{t("step4")}</li>
          </ol>
        </div>
      )}
      {canVerify && (
      <div class="card" id="ledger-status">
        <h2>{t("ledgerTitle")}</h2>
        {verify === null ? (
          <p id="verify-none">{verifying ? t("verifyRunningBeside") : t("verifyNotYet")}</p>
        ) : verify.intact ? (
          <p>
            <Badge tone="good">✓</Badge>{" "}
            {!verify.full
              ? t(verify.events_checked === 0 ? "verifyIntactNothingNew" : "verifyIntactNew", {
                  events: verify.events_checked,
                  audit: verify.audit_entries_checked,
                  since: when(verify.since ?? verify.ran_at),
                })
              : verify.events_checked === 0
                ? t("verifyIntactEmpty", { audit: verify.audit_entries_checked })
                : t("verifyIntact", { events: verify.events_checked, devices: verify.devices, audit: verify.audit_entries_checked })}{" "}
            <span class="sub" id="verify-ran-at">{t("verifyRanAt", { at: when(verify.ran_at) })}</span>
            {!verify.full && (
              <span class="sub" id="verify-last-full">
                {" "}
                {verify.last_full ? t("verifyLastFull", { at: when(verify.last_full) }) : t("verifyNoFull")}
              </span>
            )}
          </p>
        ) : (
          <div>
            <p>
              <Badge tone="bad">✗</Badge> {t("verifyBroken")}
            </p>
            <ul class="problems">
              {verify.problems.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
            <p class="sub">{t("verifyRanAt", { at: when(verify.ran_at) })}</p>
            {verify.schema_altered && (
              <SchemaRestore canRestore={props.allowed.includes("vault.restore_schema")} onRestored={() => runVerify("full")} />
            )}
          </div>
        )}
        <div class="button-row">
          <button type="button" id="verify-now" onClick={() => void runVerify("new")} disabled={verifying}>
            {verifying ? t("verifying") : t("verifyNow")}
          </button>
          <button type="button" class="ghost" id="verify-full" onClick={() => void runVerify("full")} disabled={verifying} title={t("verifyFullHint")}>
            {t("verifyFull")}
          </button>
        </div>
      </div>
      )}
    </section>
  );
}

/** After verify found the schema changed: what that means, and the administrator's button. */
function SchemaRestore(props: { canRestore: boolean; onRestored: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [left, setLeft] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!props.canRestore) return <p class="hint" id="schema-ask-admin">{t("schemaAlteredAskAdmin")}</p>;
  const restore = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call(commands.restoreSchema());
      setLeft(r.not_restored);
      await props.onRestored();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div id="schema-restore">
      <p class="hint">{t("schemaAlteredNote")}</p>
      <button type="button" class="primary" id="restore-schema" onClick={restore} disabled={busy}>
        {t("restoreSchema")}
      </button>
      <ErrorBox message={error} id="schema-restore-error" />
      {left && left.length === 0 && <p class="ok" role="status">{t("schemaRestored")}</p>}
      {left && left.length > 0 && (
        <div class="error" role="alert">
          {t("schemaNotRestored")}
          <ul>
            {left.map((l) => (
              <li>{l}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

const STATE_KEYS: Record<NoticeState, string> = { approved: "Approved", draft: "Draft", in_review: "InReview", retired: "Retired" };

function stateKey(state: NoticeState): string {
  return STATE_KEYS[state];
}

function Stat(props: { id: string; label: string; value: number | undefined }) {
  return (
    <div class="stat" id={props.id}>
      <span class="label">{props.label}</span>
      <span class="value">{props.value === undefined ? "…" : props.value.toLocaleString()}</span>
    </div>
  );
}

export type { Key };
