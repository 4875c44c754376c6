// The unsent counter: on a vault enrolled as a device, how many events about how many people
// headquarters has not acknowledged yet, and since when. Shown on Home, Events and Sync;
// nothing at all elsewhere (headquarters, a vault of no organisation, a role without sync.read).
import { useEffect, useState } from "preact/hooks";
import { call, commands } from "./api";
import type { ActionName, UnsentView } from "./bindings";
import { Badge, when } from "./components";
import { t } from "./i18n";

/** Reads the counter (again whenever `refresh` changes); `null` when there is none to show. */
export function useUnsent(allowed: ActionName[], refresh = 0): UnsentView | null {
  const [unsent, setUnsent] = useState<UnsentView | null>(null);
  const can = allowed.includes("sync.read");
  useEffect(() => {
    if (!can) return;
    const read = () => void call(commands.unsent()).then(setUnsent, () => setUnsent(null));
    read();
    // The main window is hidden while the kiosk runs: count again when it comes back.
    const again = () => {
      if (document.visibilityState === "visible") read();
    };
    window.addEventListener("focus", again);
    document.addEventListener("visibilitychange", again);
    return () => {
      window.removeEventListener("focus", again);
      document.removeEventListener("visibilitychange", again);
    };
  }, [can, refresh]);
  return unsent;
}

export function UnsentCounter(props: { unsent: UnsentView | null; id?: string }) {
  const u = props.unsent;
  if (!u) return null;
  return (
    <div class={`card unsent ${u.events > 0 ? "pending" : ""}`} id={props.id ?? "unsent"} role="status">
      <h2>
        {t("unsentTitle")} {u.events > 0 ? <Badge tone="warn">{u.events}</Badge> : <Badge tone="good">0</Badge>}
      </h2>
      <p class="unsent-line">
        {u.events > 0 && u.since
          ? t("unsentSome", { events: u.events, people: u.people, since: when(u.since) })
          : t("unsentNone")}{" "}
        {u.acknowledged_at ? t("unsentAck", { at: when(u.acknowledged_at) }) : t("unsentNeverAck")}
      </p>
      {u.events > 0 && <p class="hint">{t("unsentHint")}</p>}
    </div>
  );
}
