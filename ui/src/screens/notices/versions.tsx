// Notices and their versions: the review workflow, the diff and the review packet.
import { useEffect, useRef, useState } from "preact/hooks";
import { call, commands, describe } from "../../api";
import type { DiffView, NoticeSummary, OpView, ReviewStep, VersionView } from "../../bindings";
import { Badge, Empty, ErrorBox, Field, Notice, whenMs } from "../../components";
import { lang, t, tv } from "../../i18n";
import { SideBySide, FormPreview, LintPanel, useFlash } from "./wording";

// ---------------------------------------------------------------------------------------
// Notices, versions and the review workflow

function stateTone(s: string): "good" | "bad" | "warn" | "plain" {
  return s === "approved" ? "good" : s === "in_review" ? "warn" : s === "retired" ? "plain" : "plain";
}

export function Versions(props: { legal: boolean; open: string | null; onOpen: (n: string | null) => void }) {
  const zh = lang() === "zh-CN";
  const [list, setList] = useState<NoticeSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => call(commands.listNotices()).then(setList, (e) => setError(describe(e)));
  useEffect(() => void reload(), []);
  useEffect(() => {
    if (!props.open && list && list.length > 0) props.onOpen(list[0].name);
  }, [list]);
  if (!list) return <ErrorBox message={error} />;
  if (list.length === 0) return <Empty id="notices-empty" text={t("noNotices")} />;
  return (
    <div class="versions-layout">
      <ul class="notice-list" id="notice-list">
        {list.map((n) => (
          <li>
            <button type="button" class={props.open === n.name ? "active" : ""} data-notice={n.name} onClick={() => props.onOpen(n.name)}>
              <strong>{zh ? n.title.zh : n.title.en}</strong>
              <span class="sub">{n.name}</span>
              <span class="states">
                {n.versions.map((v) => (
                  <Badge tone={stateTone(v.state)}>{`v${v.number} ${tv("state_", v.state)}`}</Badge>
                ))}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {props.open && <VersionDetail key={props.open} name={props.open} legal={props.legal} onChanged={reload} versions={list.find((n) => n.name === props.open)?.versions.map((v) => v.number) ?? []} />}
    </div>
  );
}

function VersionDetail(props: { name: string; legal: boolean; versions: number[]; onChanged: () => void }) {
  const zh = lang() === "zh-CN";
  const [number, setNumber] = useState<number | null>(null);
  const [v, setV] = useState<VersionView | null>(null);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [compare, setCompare] = useState<number | null>(null);
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [flash, showLine] = useFlash();
  const commentRef = useRef<HTMLTextAreaElement>(null);
  // Approve or retire asked again before it is done (the step's name while asking).
  const [confirming, setConfirming] = useState<"approve" | "retire" | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), [confirming]);
  useEffect(() => setConfirming(null), [v?.number, v?.state]);

  const load = (n: number | null) =>
    call(commands.noticeVersion(props.name, n)).then(
      (x) => {
        setV(x);
        setNumber(x.number);
      },
      (e) => setError(describe(e)),
    );
  useEffect(() => void load(null), [props.name]);
  useEffect(() => {
    if (!v || compare === null) return setDiff(null);
    call(commands.diffNotice(props.name, compare, v.number)).then(setDiff, (e) => setError(describe(e)));
  }, [compare, v?.number]);

  if (!v) return <ErrorBox message={error} />;
  const act = async (f: () => Promise<VersionView>, done?: string) => {
    setError(null);
    setNote(null);
    try {
      const x = await f();
      setV(x);
      setNumber(x.number);
      setComment("");
      if (done) setNote(done);
      props.onChanged();
    } catch (e) {
      setError(describe(e));
    }
  };
  const step = (s: ReviewStep) => act(() => call(commands.reviewNotice(props.name, s, comment, v.number)));
  const r = v.rendered;

  return (
    <div class="version" id="version">
      <div class="version-head">
        <h2>
          {zh ? v.title.zh : v.title.en} <span class="sub">{v.notice}</span>
        </h2>
        <div class="row">
          <select id="version-pick" aria-label={t("version", { n: "" })} value={number ?? ""} onChange={(e) => void load(Number((e.target as HTMLSelectElement).value))}>
            {props.versions.map((n) => (
              <option value={n}>{t("version", { n })}</option>
            ))}
          </select>
          <Badge tone={stateTone(v.state)}>
            <span id="version-state" data-state={v.state}>
              {tv("state_", v.state)}
            </span>
          </Badge>
        </div>
      </div>
      <dl class="meta">
        <dt>{t("author")}</dt>
        <dd>{v.author}</dd>
        {v.approved_by && (
          <>
            <dt>{t("approvedBy")}</dt>
            <dd id="approved-by">{v.approved_by}</dd>
          </>
        )}
        <dt>{t("hashZh")}</dt>
        <dd>
          <code class="hash" id="hash-zh" title={r.hash_zh}>
            {r.hash_zh}
          </code>
        </dd>
        <dt>{t("hashEn")}</dt>
        <dd>
          <code class="hash" id="hash-en" title={r.hash_en}>
            {r.hash_en}
          </code>
        </dd>
      </dl>
      <p class="hint">{t("renderedFrom", { profile: v.profile, prev: v.profile_rev, template: v.template, trev: v.template_rev })}</p>
      {(v.state === "approved" || v.state === "retired") && (
        <p class="hint frozen" id="frozen">
          {t("frozen")}
        </p>
      )}
      {v.state === "in_review" && (
        <p class="hint" id="in-review-locked">
          {t("inReviewLocked")}
        </p>
      )}

      <div class="actions card">
        {props.legal && (
          <Field id="review-comment" label={t("comment")} hint={t("commentHint")}>
            <textarea id="review-comment" ref={commentRef} rows={2} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
          </Field>
        )}
        <div class="row wrap">
          {props.legal && v.state === "draft" && (
            <>
              <button type="button" id="rerender" onClick={() => act(() => call(commands.draftNotice(props.name, null, null)))}>
                {t("rerender")}
              </button>
              <button type="button" class="primary" id="submit-review" disabled={r.lint.errors > 0} title={r.lint.errors > 0 ? t("submitBlocked") : undefined} onClick={() => step("submit")}>
                {t("submit")}
              </button>
            </>
          )}
          {props.legal && v.state === "in_review" && !v.mine && (
            <>
              <button type="button" class="primary" id="approve" aria-expanded={confirming === "approve"} onClick={() => setConfirming("approve")}>
                {t("approve")}
              </button>
              <button type="button" id="reject" onClick={() => step("reject")}>
                {t("reject")}
              </button>
            </>
          )}
          {props.legal && v.state === "approved" && (
            <>
              <button type="button" id="new-version" onClick={() => act(() => call(commands.draftNotice(props.name, null, null)))}>
                {t("newVersion")}
              </button>
              <button type="button" id="retire" aria-expanded={confirming === "retire"} onClick={() => setConfirming("retire")}>
                {t("retire")}
              </button>
            </>
          )}
          {props.legal && (
            <button type="button" class="ghost" id="add-comment" onClick={() => step("comment")}>
              {t("addComment")}
            </button>
          )}
          <button
            type="button"
            class="ghost"
            id="export-html"
            onClick={async () => {
              try {
                const out = await call(commands.exportPacket(props.name, v.number, "html"));
                setNote(t("exported", { path: out.path }));
              } catch (e) {
                setError(describe(e));
              }
            }}
          >
            {t("exportHtml")}
          </button>
          <button
            type="button"
            class="ghost"
            id="export-docx"
            onClick={async () => {
              try {
                const out = await call(commands.exportPacket(props.name, v.number, "docx"));
                setNote(t("exported", { path: out.path }));
              } catch (e) {
                setError(describe(e));
              }
            }}
          >
            {t("exportDocx")}
          </button>
        </div>
        {confirming && (
          // Approving freezes the wording and retiring cannot be undone: both are asked again.
          <div class="confirm-step" id="confirm-step" role="alertdialog" aria-labelledby="confirm-question">
            <p id="confirm-question">{t(confirming === "approve" ? "confirmApprove" : "confirmRetire", { n: v.number })}</p>
            <div class="row wrap">
              <button
                type="button"
                class={confirming === "approve" ? "primary" : "danger"}
                id="confirm-yes"
                ref={confirmRef}
                onClick={() => {
                  const s = confirming;
                  setConfirming(null);
                  void step(s);
                }}
              >
                {t(confirming === "approve" ? "approveYes" : "retireYes")}
              </button>
              <button type="button" id="confirm-no" onClick={() => setConfirming(null)}>
                {t("notNow")}
              </button>
            </div>
          </div>
        )}
        {props.legal && v.state === "draft" && r.lint.errors > 0 && <p class="hint">{t("submitBlocked")}</p>}
        {props.legal && v.state === "in_review" && v.mine && (
          <p class="hint" id="own-version">
            {t("ownVersion")}
          </p>
        )}
        <ErrorBox message={error} id="version-error" />
        <Notice message={note} />
      </div>

      <LintPanel lint={r.lint} onLine={showLine} id="version-lint" />
      <SideBySide r={r} flash={flash} id="version-text" />
      <FormPreview r={r} />

      {props.versions.length > 1 && (
        <div class="diff-block" id="diff">
          <Field id="compare" label={t("compareWith")}>
            <select id="compare" value={compare ?? ""} onChange={(e) => setCompare((e.target as HTMLSelectElement).value ? Number((e.target as HTMLSelectElement).value) : null)}>
              <option value="">{t("noCompare")}</option>
              {props.versions
                .filter((n) => n !== v.number)
                .map((n) => (
                  <option value={n}>{t("version", { n })}</option>
                ))}
            </select>
          </Field>
          {diff && <Diff d={diff} />}
        </div>
      )}

      <h3>{t("historyTitle")}</h3>
      <ul class="timeline" id="history">
        {v.comments.map((c) => (
          <li class={c.verdict === "approve" ? "grant" : c.verdict === "reject" ? "withdraw" : ""}>
            <strong>{c.author}</strong> {tv("verdict_", c.verdict)} · {whenMs(c.at_ms)}
            {c.body && <p>{c.body}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Long unchanged stretches are folded to their edges, so the changes stand out. */
function fold(text: string, first: boolean, last: boolean): string {
  const keep = 160;
  if (text.length <= keep * 2 + 40) return text;
  const head = first ? "" : text.slice(0, keep);
  const tail = last ? "" : text.slice(-keep);
  return `${head}\n  ⋯\n${tail}`;
}

/**
 * A piece of the wording as it reads, not as it is written: the Markdown marks (`**`, `## `,
 * `> `) and a heading's section marks (`{: #rights}`) dropped and list items as bullets.
 * `atLineStart`: the piece begins a line, so a mark at its very start is one.
 */
function reading(text: string, atLineStart: boolean): string {
  const mark = (m: string) => (m === "- " ? "• " : "");
  let out = text
    .replace(/\*\*/g, "")
    .replace(/ *\{:(?: +#[a-z0-9_-]+)+\}(?=\n|$)/g, "")
    .replace(/\n(#{1,6} |- |> )/g, (_, m: string) => `\n${mark(m)}`);
  if (atLineStart) out = out.replace(/^(#{1,6} |- |> )/, (m) => mark(m));
  return out;
}

function Ops(props: { ops: OpView[]; lang: string; source: boolean }) {
  const n = props.ops.length;
  // Whether each piece begins a line: the first does, and any after a piece that ended one.
  const starts = props.ops.map((_, i) => i === 0 || props.ops[i - 1].text.endsWith("\n"));
  const shown = (o: OpView, i: number) => (props.source ? o.text : reading(o.text, starts[i]));
  return (
    <div class={props.source ? "diff-text source" : "diff-text"} lang={props.lang}>
      {props.ops.map((o, i) =>
        o.op === "insert" ? <ins>{shown(o, i)}</ins> : o.op === "delete" ? <del>{shown(o, i)}</del> : <span class="same">{fold(shown(o, i), i === 0, i === n - 1)}</span>,
      )}
    </div>
  );
}

function Diff(props: { d: DiffView }) {
  const zh = lang() === "zh-CN";
  const d = props.d;
  // The wording as it reads by default; the Markdown source for those who edit templates.
  const [source, setSource] = useState(false);
  return (
    <div class="diff-view" id="diff-view">
      <h3>{t("diffTitle", { from: d.from, to: d.to })}</h3>
      {d.needs_fresh_consent && <p class="error" id="fresh-consent">{t("freshConsent")}</p>}
      {d.material.length === 0 ? (
        <p class="hint">{t("noMaterial")}</p>
      ) : (
        <ul class="material">
          {d.material.map((m) => (
            <li class={m.needs_fresh_consent ? "fresh" : ""}>{zh ? m.message.zh : m.message.en}</li>
          ))}
        </ul>
      )}
      <label class="check-line">
        <input type="checkbox" id="diff-source" checked={source} onChange={(e) => setSource(e.currentTarget.checked)} />
        {t("diffSource")}
      </label>
      <div class="side-by-side">
        <Ops ops={d.ops_zh} lang="zh-CN" source={source} />
        <Ops ops={d.ops_en} lang="en" source={source} />
      </div>
    </div>
  );
}
