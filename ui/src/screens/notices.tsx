// The notice workspace for legal staff: a processing profile editor with a live bilingual
// preview and the compliance lint, the template and clause library, and the versions with
// their review workflow, diff and review packet. All wording is rendered from structured
// blocks through Preact's escaping; nothing is inserted as HTML.
import { useEffect, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { ActionName, TemplateView } from "../bindings";
import { ErrorBox, Notice } from "../components";
import { t, type Key } from "../i18n";
import { Library } from "./notices/library";
import { ProfileEditor } from "./notices/profile";
import { Versions } from "./notices/versions";

type Tab = "versions" | "profile" | "library";

export function Notices(props: { allowed: ActionName[] }) {
  const legal = props.allowed.includes("notice.draft");
  const [tab, setTab] = useState<Tab>("versions");
  const [templates, setTemplates] = useState<TemplateView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [openNotice, setOpenNotice] = useState<string | null>(null);
  const reloadTemplates = () => call(commands.listTemplates()).then(setTemplates, (e) => setError(describe(e)));
  useEffect(() => void reloadTemplates(), []);

  const tabs: [Tab, Key][] = [
    ["versions", "tabVersions"],
    ["profile", "tabProfile"],
    ["library", "tabLibrary"],
  ];
  return (
    <section id="notices" class="wide">
      <h1>{t("noticesTitle")}</h1>
      {!legal && <p class="hint">{t("readOnly")}</p>}
      <ErrorBox message={error} />
      <Notice message={note} />
      {templates && templates.length === 0 && (
        <div class="empty" id="templates-empty">
          <p>{t("noTemplates")}</p>
          {legal && (
            <button
              type="button"
              class="primary"
              id="install-starter"
              onClick={async () => {
                try {
                  const n = await call(commands.installStarter());
                  setNote(t("starterInstalled", { n }));
                  await reloadTemplates();
                } catch (e) {
                  setError(describe(e));
                }
              }}
            >
              {t("installStarter")}
            </button>
          )}
        </div>
      )}
      <div class="tabs" role="tablist">
        {tabs.map(([k, label]) => (
          <button type="button" role="tab" id={`tab-${k}`} aria-selected={tab === k} class={tab === k ? "active" : ""} onClick={() => setTab(k)}>
            {t(label)}
          </button>
        ))}
      </div>
      {tab === "versions" && <Versions legal={legal} open={openNotice} onOpen={setOpenNotice} />}
      {tab === "profile" && templates && (
        <ProfileEditor
          legal={legal}
          templates={templates}
          drafting={openNotice}
          onCreated={(name) => {
            setOpenNotice(name);
            setTab("versions");
          }}
        />
      )}
      {tab === "library" && templates && <Library legal={legal} templates={templates} onSaved={reloadTemplates} />}
    </section>
  );
}

