import { useEffect, useRef, useState } from "preact/hooks";
import { call, commands, describe } from "../api";
import type { ActionName, ApiError, FoundView, Method, PersonView, PurposeView, Result, SavedFile, SubjectDetail } from "../bindings";
import { VOCABULARY } from "../bindings";
import { Badge, Empty, ErrorBox, Field, Notice, shortHash, when, useFocusOnMount } from "../components";
import { lang, t, tv, type Key } from "../i18n";
import { PrintButton } from "../print";

/** People: search while typing (masked), and one person's status and history. */
export function Subjects(props: { allowed: ActionName[] }) {
  const focusRef = useFocusOnMount<HTMLInputElement>();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<FoundView[] | null>(null);
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

  if (open) return <Detail id={open} allowed={props.allowed} onBack={() => setOpen(null)} />;

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
          <p class="hint">
            {t("masked")} · {t("searchLookAlike")}
          </p>
          <table id="subject-results" class="clickable">
            <thead>
              <tr>
                <th>{t("colName")}</th>
                <th>{t("colEmail")}</th>
                <th>{t("colPhone")}</th>
                <th>{t("colCompany")}</th>
                <th>{t("colMatched")}</th>
                <th>{t("colLastSeen")}</th>
              </tr>
            </thead>
            <tbody>
              {results.map((f) => {
                const p = f.person;
                return (
                  <tr onClick={() => setOpen(p.id)} data-subject={p.id}>
                    <td>
                      <button type="button" class="link" onClick={(e) => { e.stopPropagation(); setOpen(p.id); }}>
                        {p.name ?? p.email ?? p.id}
                      </button>
                    </td>
                    <td>{p.email ?? "—"}</td>
                    <td>{p.phone ?? "—"}</td>
                    <td>{p.company ?? "—"}</td>
                    <td class="matched">{f.matched ? t(`mo_${f.matched}` as Key, { q: query.trim() }) : "—"}</td>
                    <td class="last-seen">
                      {f.last_at ? (
                        <>
                          {f.last_event ?? tv("m_", f.last_method ?? "")}
                          <span class="sub">{when(f.last_at)}</span>
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

const CHANNELS = VOCABULARY.withdrawal_channels;

function Detail(props: { id: string; allowed: ActionName[]; onBack: () => void }) {
  const [d, setD] = useState<SubjectDetail | null>(null);
  const [shown, setShown] = useState<PersonView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<string | null>(null);
  const [channel, setChannel] = useState<Method>("in_person");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const full = props.allowed.includes("subject.reveal");
  const load = () => call(commands.subjectDetail(props.id)).then(setD, (e) => setError(describe(e)));
  useEffect(() => void load(), [props.id]);
  // Purposes by name in the screen's language (the code stays beside it, small).
  const [purposes, setPurposes] = useState<PurposeView[]>([]);
  useEffect(() => void call(commands.listPurposes()).then(setPurposes, () => undefined), []);
  const purposeName = (code: string) => {
    const p = purposes.find((x) => x.code === code);
    return p ? (lang() === "zh-CN" ? p.name_zh : p.name_en) : code;
  };
  const tone = (s: string) => (s === "granted" ? "good" : s === "withdrawn" ? "bad" : "warn");

  const withdraw = async (purposes: string[]) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await call(commands.withdrawConsent({ subject_id: props.id, purposes, channel, note }));
      setReceipt(r.receipt_id);
      setDone(t("withdrawDone", { purposes: r.purposes.map(purposeName).join(lang() === "zh-CN" ? "、" : ", "), id: r.receipt_id }));
      setNote("");
      await load();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  const saveFile = async (p: Promise<Result<SavedFile, ApiError>>) => {
    setError(null);
    try {
      const f = await call(p);
      setDone(t("savedTo", { path: f.path }));
    } catch (e) {
      setError(describe(e));
    }
  };

  const person = shown ?? d?.person;
  // One Print button per receipt, on its first event in the timeline.
  const firstOfReceipt = (i: number) =>
    !!d && d.history.findIndex((h) => h.receipt_id === d.history[i].receipt_id) === i;
  const granted = d ? d.status.filter((s) => s.state === "granted") : [];
  return (
    <section id="subject-detail">
      <button type="button" class="ghost" id="subject-back" onClick={props.onBack}>
        ← {t("back")}
      </button>
      <ErrorBox message={error} />
      {d && person && (
        <>
          <h1 id="subject-name">{person.erased ? t("erasedBadge") : (person.name ?? person.email ?? person.id)}</h1>
          <p class="sub" id="subject-contact">
            {[person.email, person.phone, person.company].filter(Boolean).join(" · ")}{" "}
            {person.masked ? <Badge tone="plain">{t("masked")}</Badge> : <Badge tone="warn">{t("revealed")}</Badge>}{" "}
            {person.erased && <Badge tone="bad">{t("erasedBadge")}</Badge>}
          </p>
          {person.erased && <p class="hint">{t("erasedNote")}</p>}
          <Notice message={done} />
          {receipt && (
            <p>
              <button type="button" id="save-receipt" onClick={() => saveFile(commands.saveReceipt(receipt, "html"))}>
                {t("saveReceipt")}
              </button>{" "}
              <PrintButton load={() => commands.printReceipt(receipt)} id="print-withdrawal-receipt" onNote={(n, e) => { setDone(n); setError(e); }} />{" "}
              {t("receiptLabel")} <code id="withdraw-receipt">{receipt}</code>
            </p>
          )}
          {!person.erased && <Confirm id={props.id} />}
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
                  <th>{t("colAction")}</th>
                </tr>
              </thead>
              <tbody>
                {d.status.map((s) => (
                  <tr id={`status-${s.purpose}`}>
                    <td>
                      {purposeName(s.purpose)} <code class="sub">{s.purpose}</code>
                    </td>
                    <td><Badge tone={tone(s.state)}>{tv("st_", s.state)}</Badge></td>
                    <td>{when(s.since)}</td>
                    <td><code>{shortHash(s.notice_hash)}</code></td>
                    <td>
                      {s.state === "granted" && (
                        <button type="button" id={`withdraw-${s.purpose}`} disabled={busy} onClick={() => withdraw([s.purpose])}>
                          {t("withdrawOne")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!person.erased && d.status.length > 0 && (
            <div class="card" id="withdraw-card">
              <h2>{t("withdrawTitle")}</h2>
              <p class="hint">{t("withdrawIntro")}</p>
              <div class="grid">
                <Field id="withdraw-channel" label={t("withdrawChannel")}>
                  <select id="withdraw-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value as Method)}>
                    {CHANNELS.map((c) => (
                      <option value={c}>{t(`ch_${c}` as Key)}</option>
                    ))}
                  </select>
                </Field>
                <Field id="withdraw-note" label={t("withdrawNote")}>
                  <input id="withdraw-note" value={note} maxLength={200} onInput={(e) => setNote(e.currentTarget.value)} />
                </Field>
              </div>
              {granted.length === 0 ? (
                <p class="hint" id="withdraw-none">{t("withdrawNone")}</p>
              ) : (
                <button type="button" class="primary" id="withdraw-all" disabled={busy} onClick={() => withdraw([])}>
                  {t("withdrawAll")}
                </button>
              )}
            </div>
          )}
          <h2>{t("historyTitle")}</h2>
          <ol class="timeline" id="subject-history">
            {d.history.map((e, i) => (
              <li class={e.kind}>
                <span class="time">{when(e.at)}</span>
                <strong>{tv("ev_", e.kind)}</strong> {purposeName(e.purpose)} <code class="sub">{e.purpose}</code>{" "}
                <span class="sub">{t("via", { method: tv("m_", e.method) })}</span>
                {e.by_guardian && (
                  <>
                    {" "}
                    <Badge tone="warn">{t("byGuardian")}</Badge>
                  </>
                )}
                <span class="sub"> · {shortHash(e.notice_hash)}</span>
                {e.receipt_id && firstOfReceipt(i) && (
                  <span class="sub">
                    {" "}
                    · {t("receiptLabel")} <code>{e.receipt_id}</code>{" "}
                    <PrintButton
                      load={() => commands.printReceipt(e.receipt_id ?? "")}
                      id={`print-${e.receipt_id}`}
                      class="small"
                      onNote={(n, err) => { setDone(n); setError(err); }}
                    />
                  </span>
                )}
              </li>
            ))}
          </ol>
          {full && !person.erased && (
            <>
              <div class="card" id="reveal-card">
                <h2>{t("revealTitle")}</h2>
                <p class="hint">{t("revealIntro")}</p>
                <button
                  type="button"
                  id="reveal"
                  disabled={!person.masked}
                  onClick={() => call(commands.revealSubject(props.id)).then(setShown, (e) => setError(describe(e)))}
                >
                  {t("reveal")}
                </button>
              </div>
              <div class="card" id="access-card">
                <h2>{t("accessTitle")}</h2>
                <p class="hint">{t("accessIntro")}</p>
                <button type="button" id="access-html" onClick={() => saveFile(commands.exportAccess(props.id, "html"))}>
                  {t("accessHtml")}
                </button>{" "}
                <button type="button" id="access-json" onClick={() => saveFile(commands.exportAccess(props.id, "json"))}>
                  {t("accessJson")}
                </button>
              </div>
              <Erase id={props.id} onErased={() => { setShown(null); void load(); }} onError={setError} />
            </>
          )}
        </>
      )}
    </section>
  );
}

function Erase(props: { id: string; onErased: () => void; onError: (e: string) => void }) {
  const [typed, setTyped] = useState("");
  const [channel, setChannel] = useState<Method>("email");
  const [note, setNote] = useState("");
  const word = t("eraseWord");
  const ok = typed.trim().toUpperCase() === word.toUpperCase();
  return (
    <div class="card danger" id="erase-card">
      <h2>{t("eraseTitle")}</h2>
      <p class="hint">{t("eraseIntro")}</p>
      <div class="grid">
        <Field id="erase-channel" label={t("withdrawChannel")}>
          <select id="erase-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value as Method)}>
            {CHANNELS.filter((c) => c !== "kiosk").map((c) => (
              <option value={c}>{t(`ch_${c}` as Key)}</option>
            ))}
          </select>
        </Field>
        <Field id="erase-note" label={t("withdrawNote")}>
          <input id="erase-note" value={note} maxLength={200} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
        <Field id="erase-confirm" label={t("eraseConfirm", { word })}>
          <input id="erase-confirm" value={typed} autocomplete="off" onInput={(e) => setTyped(e.currentTarget.value)} />
        </Field>
      </div>
      <button
        type="button"
        class="danger"
        id="erase-submit"
        disabled={!ok}
        onClick={() => call(commands.eraseSubject(props.id, channel, note)).then(props.onErased, (e) => props.onError(describe(e)))}
      >
        {t("erase")}
      </button>
    </div>
  );
}

/** Confirms, without unmasking, that the record is the person on the phone or at the desk:
 * the e-mail or phone they give is checked through the blind index. */
function Confirm(props: { id: string }) {
  const [typed, setTyped] = useState("");
  const [answer, setAnswer] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const check = async (e: Event) => {
    e.preventDefault();
    setAnswer(null);
    setError(null);
    if (!typed.trim()) {
      setError(t("confirmEmpty"));
      input.current?.focus();
      return;
    }
    try {
      setAnswer(await call(commands.confirmSubject(props.id, typed)));
    } catch (err) {
      setError(describe(err));
      input.current?.focus();
    }
  };
  return (
    <form class="card inline-form" id="confirm-card" onSubmit={check} autocomplete="off">
      <h2>{t("confirmTitle")}</h2>
      <p class="hint">{t("confirmIntro")}</p>
      <Field id="confirm-typed" label={t("confirmLabel")}>
        <input
          id="confirm-typed"
          ref={input}
          value={typed}
          autocomplete="off"
          aria-invalid={error ? "true" : undefined}
          onInput={(e) => {
            setTyped(e.currentTarget.value);
            setAnswer(null);
            setError(null);
          }}
        />
      </Field>
      <button type="submit" id="confirm-check">
        {t("confirmCheck")}
      </button>
      {answer === true && (
        <p class="ok" id="confirm-answer" role="status">
          ✓ {t("confirmYes")}
        </p>
      )}
      {answer === false && (
        <p class="error" id="confirm-answer" role="status">
          ✗ {t("confirmNo")}
        </p>
      )}
      <ErrorBox message={error} id="confirm-error" />
    </form>
  );
}
