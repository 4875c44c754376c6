import { useEffect, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { PersonView, SubjectDetail } from "../bindings";
import { Badge, Empty, ErrorBox, shortHash, when, useFocusOnMount } from "../components";
import { t, tv } from "../i18n";

/** People: search while typing (masked), and one person's status and history. */
export function Subjects() {
  const focusRef = useFocusOnMount<HTMLInputElement>();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<PersonView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(() => {
      call(commands.searchSubjects(query)).then(
        (r) => !stale && setResults(r),
        (e) => !stale && setError(describe(e)),
      );
    }, 120);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query]);

  if (open) return <Detail id={open} onBack={() => setOpen(null)} />;

  return (
    <section id="subjects">
      <h1>{t("subjectsTitle")}</h1>
      <input
        id="subject-search"
        type="search"
        class="search"
        placeholder={t("searchPlaceholder")}
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
        ref={focusRef}
        autocomplete="off"
      />
      <ErrorBox message={error} />
      {results && results.length === 0 && <Empty id="subjects-empty" text={query ? t("noMatches", { q: query }) : t("subjectsEmpty")} />}
      {results && results.length > 0 && (
        <>
          <p class="hint">{t("masked")}</p>
          <table id="subject-results" class="clickable">
            <thead>
              <tr>
                <th>{t("colName")}</th>
                <th>{t("colEmail")}</th>
                <th>{t("colPhone")}</th>
                <th>{t("colCompany")}</th>
              </tr>
            </thead>
            <tbody>
              {results.map((p) => (
                <tr onClick={() => setOpen(p.id)}>
                  <td>
                    <button type="button" class="link" onClick={(e) => { e.stopPropagation(); setOpen(p.id); }}>
                      {p.name ?? p.email ?? p.id}
                    </button>
                  </td>
                  <td>{p.email ?? "—"}</td>
                  <td>{p.phone ?? "—"}</td>
                  <td>{p.company ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Detail(props: { id: string; onBack: () => void }) {
  const [d, setD] = useState<SubjectDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call(commands.subjectDetail(props.id)).then(setD, (e) => setError(describe(e)));
  }, [props.id]);
  const tone = (s: string) => (s === "granted" ? "good" : s === "withdrawn" ? "bad" : "warn");
  return (
    <section id="subject-detail">
      <button type="button" class="ghost" id="subject-back" onClick={props.onBack}>
        ← {t("back")}
      </button>
      <ErrorBox message={error} />
      {d && (
        <>
          <h1>{d.person.name ?? d.person.email ?? d.person.id}</h1>
          <p class="sub">
            {[d.person.email, d.person.phone, d.person.company].filter(Boolean).join(" · ")} {d.person.masked && <Badge tone="plain">{t("masked")}</Badge>}
          </p>
          <h2>{t("statusTitle")}</h2>
          {d.status.length === 0 ? (
            <Empty text={t("statusEmpty")} />
          ) : (
            <table id="subject-status">
              <thead>
                <tr>
                  <th>{t("colPurpose")}</th>
                  <th>{t("colState")}</th>
                  <th>{t("colSince")}</th>
                  <th>{t("colNotice")}</th>
                </tr>
              </thead>
              <tbody>
                {d.status.map((s) => (
                  <tr>
                    <td><code>{s.purpose}</code></td>
                    <td><Badge tone={tone(s.state)}>{tv("st_", s.state)}</Badge></td>
                    <td>{when(s.since)}</td>
                    <td><code>{shortHash(s.notice_hash)}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t("historyTitle")}</h2>
          <ol class="timeline" id="subject-history">
            {d.history.map((e) => (
              <li class={e.kind}>
                <span class="time">{when(e.at)}</span>
                <strong>{tv("ev_", e.kind)}</strong> <code>{e.purpose}</code> <span class="sub">{t("via", { method: e.method })}</span>
                <span class="sub"> · {shortHash(e.notice_hash)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
