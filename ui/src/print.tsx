// Printing a receipt. Rust prepares the document (both languages, QR code, id, each choice,
// separate consents marked, how to withdraw); when a thermal printer is set it prints there
// and says so; otherwise the sheet below is laid out and the system's print dialog opens.
// On screen the sheet is hidden; the print stylesheet shows only it (html.print-preview
// shows it on screen the same way, for screenshots).

import { render } from "preact";
import { useState } from "preact/hooks";
import type { ApiError, PrintView, Result } from "./bindings";
import { call, describe } from "./api";
import { Qr } from "./qr";
import { t } from "./i18n";
import { ErrorBox } from "./components";

export function PrintSheet(props: { p: PrintView }) {
  const p = props.p;
  const list = (agreed: boolean) => p.lines.filter((l) => (l.choice === "grant") === agreed);
  const rows = (agreed: boolean) => {
    const ls = list(agreed);
    if (!ls.length) return <li>无 / None</li>;
    return ls.map((l) => (
      <li data-code={l.code}>
        <strong>
          {l.choice_words.zh} {l.choice_words.en}
        </strong>{" "}
        {l.purpose.zh} / {l.purpose.en}
        {l.separate && (
          <span class="print-separate">
            {" "}
            [{l.separate.zh} / {l.separate.en}]
          </span>
        )}
        <span class="print-when"> · {l.at}</span>
        {l.recipients.map((r) => (
          <span class="print-to">
            <br />提供给 To: {r.zh} / {r.en}
          </span>
        ))}
        {l.overseas.map((r) => (
          <span class="print-to">
            <br />境外提供 Abroad: {r.zh} / {r.en}
          </span>
        ))}
      </li>
    ));
  };
  return (
    <article class="print-sheet" id="print-receipt" aria-hidden="true">
      <header>
        <h1>
          {p.title.zh} <span lang="en">{p.title.en}</span>
        </h1>
        <p>
          {p.controller.zh} / {p.controller.en}
        </p>
      </header>
      <div class="print-id">
        <Qr size={p.qr_size} modules={p.qr} id="print-qr" />
        <div>
          <p>回执编号 Receipt ID</p>
          <p class="big-id" id="print-receipt-id">
            {p.receipt_id}
          </p>
          <p>签发时间 Issued: {p.issued}</p>
          <p>个人 Person: {p.person}</p>
          {p.given_by && (
            <p id="print-given-by">
              <strong>{p.given_by.zh}</strong> <span lang="en">{p.given_by.en}</span>
            </p>
          )}
        </div>
      </div>
      <h2>已同意 Agreed</h2>
      <ul id="print-agreed">{rows(true)}</ul>
      <h2>未同意或已撤回 Not agreed or withdrawn</h2>
      <ul id="print-not-agreed">{rows(false)}</ul>
      <h2>如何撤回 How to withdraw</h2>
      <p id="print-withdrawal">{p.withdrawal.zh}</p>
      <p lang="en">{p.withdrawal.en}</p>
    </article>
  );
}

/** A Print button: fetches the document, then the thermal printer has it (a note says so)
 * or the system's print dialog opens on the sheet. */
export function PrintButton(props: {
  load: () => Promise<Result<PrintView, ApiError>>;
  id?: string;
  class?: string;
  onNote?: (note: string | null, error: string | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [own, setOwn] = useState<[string | null, string | null]>([null, null]);
  const report = props.onNote ?? ((note: string | null, error: string | null) => setOwn([note, error]));
  const click = async () => {
    setBusy(true);
    report(null, null);
    try {
      const p = await call(props.load());
      // The sheet lives beside the app (#print-root), which the print stylesheet shows alone.
      const root = document.getElementById("print-root");
      if (root) render(<PrintSheet p={p} />, root);
      if (p.printed_to) {
        report(t("printedTo", { path: p.printed_to }), null);
      } else {
        // Let the sheet render before the dialog takes its snapshot.
        requestAnimationFrame(() => window.print());
      }
    } catch (e) {
      report(null, describe(e));
    } finally {
      setBusy(false);
    }
  };
  const id = props.id ?? "print-receipt-button";
  return (
    <>
      <button type="button" id={id} class={props.class} onClick={click} disabled={busy} aria-busy={busy}>
        {busy ? t("printing") : t("printReceipt")}
      </button>
      {own[0] && (
        <p class="ok" id={`${id}-note`} role="status">
          {own[0]}
        </p>
      )}
      <ErrorBox message={own[1]} id={`${id}-error`} />
    </>
  );
}
