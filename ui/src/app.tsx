import { useEffect, useRef, useState } from "preact/hooks";
import { call, commands, events } from "./api";
import type { ActionName, AppInfo, SessionInfo } from "./bindings";
import { lang, roleKey, setLang, t, useLang, type Key } from "./i18n";
import { CreateVault } from "./screens/create";
import { Unlock } from "./screens/unlock";
import { Home } from "./screens/home";
import { Catalogue } from "./screens/catalogue";
import { Subjects } from "./screens/subjects";
import { Operators } from "./screens/operators";
import { AuditLog } from "./screens/audit";
import { Settings } from "./screens/settings";
import { Notices } from "./screens/notices";
import { Rights } from "./screens/rights";
import { Events } from "./screens/events";
import { Sync } from "./screens/sync";

type Page = "home" | "subjects" | "catalogue" | "notices" | "events" | "sync" | "operators" | "audit" | "settings" | "rights";

export function App() {
  useLang();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [lockNote, setLockNote] = useState<string | null>(null);
  const idleMinutes = useRef(5);
  const [startError, setStartError] = useState<string | null>(null);

  useEffect(() => {
    call(commands.appInfo()).then(
      (i) => {
        setInfo(i);
        setSession(i.session);
      },
      (e) => setStartError(e instanceof Error ? e.message : String(e)),
    );
    const unlisten = events.vaultLocked.listen(() => {
      setSession(null);
      setLockNote(t("lockedIdle", { minutes: idleMinutes.current }));
    });
    return () => void unlisten.then((f) => f());
  }, []);

  useKeepAlive(session !== null);

  if (!info) return <div class="splash">{startError ? <p class="error">{startError}</p> : t("loading")}</div>;

  const shellTop = (
    <header class="top">
      <div class="brand">
        <img src="/icon.png" alt="" width={28} height={28} />
        <div>
          <strong>{t("appName")}</strong>
          <span class="tagline">{t("tagline")}</span>
        </div>
      </div>
      <div class="top-actions">
        <button type="button" class="ghost" id="switch-language" onClick={() => setLang(lang() === "en" ? "zh-CN" : "en")}>
          {t("switchLanguage")}
        </button>
        {session && (
          <>
            <span class="who" id="who">
              {t("signedInAs", { name: session.operator, role: t(roleKey(session.role)) })}
            </span>
            <button
              type="button"
              id="lock"
              onClick={async () => {
                await call(commands.lock()).catch(() => undefined);
                setSession(null);
                setLockNote(t("lockedByYou"));
              }}
            >
              {t("lock")}
            </button>
          </>
        )}
      </div>
    </header>
  );

  if (!session) {
    return (
      <div class="app">
        {shellTop}
        <main class="center">
          {info.vault_exists ? (
            <Unlock info={info} note={lockNote} onUnlocked={(s) => { setLockNote(null); setSession(s); }} />
          ) : (
            <CreateVault
              info={info}
              onCreated={(s) => {
                setInfo({ ...info, vault_exists: true });
                setSession(s);
              }}
            />
          )}
        </main>
      </div>
    );
  }
  return (
    <div class="app">
      {shellTop}
      <Shell session={session} onIdleMinutes={(m) => (idleMinutes.current = m)} />
    </div>
  );
}

function Shell(props: { session: SessionInfo; onIdleMinutes: (m: number) => void }) {
  const [page, setPage] = useState<Page>("home");
  const can = (a: ActionName) => props.session.allowed.includes(a);
  // Who may not read consents (a kiosk operator) may only capture: no reading screens.
  const kiosk = !can("consent.read");
  const nav: [Page, Key][] = kiosk
    ? [["home", "navHome"], ["events", "navEvents"], ["settings", "navSettings"]]
    : [
        ["home", "navHome"],
        ["subjects", "navSubjects"],
        ["rights", "navRights"],
        ["catalogue", "navCatalogue"],
        ...(can("notice.read_drafts") ? ([["notices", "navNotices"]] as [Page, Key][]) : []),
        ["events", "navEvents"],
        ...(can("sync.read") ? ([["sync", "navSync"]] as [Page, Key][]) : []),
        ...(can("operator.manage") ? ([["operators", "navOperators"]] as [Page, Key][]) : []),
        ...(can("audit.read") ? ([["audit", "navAudit"]] as [Page, Key][]) : []),
        ["settings", "navSettings"],
      ];
  useEffect(() => {
    call(commands.getSettings()).then((s) => props.onIdleMinutes(s.idle_lock_minutes)).catch(() => undefined);
  }, []);
  return (
    <div class="shell">
      <nav class="side" aria-label="Sections">
        {nav.map(([p, key]) => (
          <button type="button" id={`nav-${p}`} class={page === p ? "active" : ""} aria-current={page === p ? "page" : undefined} onClick={() => setPage(p)}>
            {t(key)}
          </button>
        ))}
      </nav>
      <main class="content">
        {page === "home" && !kiosk && <Home allowed={props.session.allowed} />}
        {page === "home" && kiosk && (
          <section id="kiosk-home" class="card narrow">
            <h1>{t("kioskTitle")}</h1>
            <p class="lead">{t("kioskText")}</p>
          </section>
        )}
        {page === "subjects" && <Subjects allowed={props.session.allowed} />}
        {page === "rights" && <Rights allowed={props.session.allowed} />}
        {page === "catalogue" && <Catalogue allowed={props.session.allowed} />}
        {page === "notices" && <Notices allowed={props.session.allowed} />}
        {page === "events" && <Events allowed={props.session.allowed} />}
        {page === "sync" && <Sync allowed={props.session.allowed} />}
        {page === "operators" && <Operators me={props.session.operator} />}
        {page === "audit" && <AuditLog />}
        {page === "settings" && <Settings allowed={props.session.allowed} onIdleMinutes={props.onIdleMinutes} />}
      </main>
    </div>
  );
}

/** Typing and clicking count as activity for the idle lock (sent at most every 20 s). */
function useKeepAlive(active: boolean) {
  useEffect(() => {
    if (!active) return;
    let last = 0;
    const ping = () => {
      const now = Date.now();
      if (now - last > 20_000) {
        last = now;
        void commands.keepAlive();
      }
    };
    window.addEventListener("keydown", ping);
    window.addEventListener("pointerdown", ping);
    return () => {
      window.removeEventListener("keydown", ping);
      window.removeEventListener("pointerdown", ping);
    };
  }, [active]);
}
