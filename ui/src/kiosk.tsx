// The kiosk window: full screen at the stand, one person at a time. It may call only the
// kiosk_* commands (its capability grants nothing else), so it cannot see earlier people.
// After each submission, and after the event's idle time, the form is remounted empty:
// no back navigation, no autofill, no field history.
import { useEffect, useRef, useState } from "preact/hooks";
import { call, commands, describe } from "./api";
import type { BlockView, KioskFormView, KioskReceipt, Language, SubmissionRequest } from "./bindings";
import { CaptureForm, type Person } from "./capture-form";
import { ErrorBox, Field } from "./components";
import { colon, setLang, t, useLang } from "./i18n";
import { PrintButton } from "./print";
import { Qr } from "./qr";
import { Withdraw } from "./kiosk-withdraw";

export function KioskApp() {
  useLang();
  const [language, setLanguage] = useState<Language | null>(null);
  const [form, setForm] = useState<KioskFormView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<KioskReceipt | null>(null);
  const [round, setRound] = useState(0);
  const [busy, setBusy] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [badge, setBadge] = useState<Partial<Person> | undefined>(undefined);
  const [exiting, setExiting] = useState(false);
  // A visitor withdrawing instead of filling in the form.
  const [withdrawing, setWithdrawing] = useState(false);
  // Larger text, for this visitor (reset for the next).
  const [large, setLarge] = useState(false);
  // The kiosk is a window of its own, so its root size can scale everything (sizes are rem).
  useEffect(() => {
    document.documentElement.style.fontSize = large ? "122%" : "";
  }, [large]);
  // Seconds left before the idle reset, while "Are you still there?" shows.
  const [warning, setWarning] = useState<number | null>(null);
  const last = useRef(Date.now());

  // Each person starts in the event's default language (`null`); a visitor's choice is not
  // remembered, so it never reaches the next visitor or the staff UI.
  useEffect(() => {
    call(commands.kioskForm(language)).then(
      (f) => {
        setForm(f);
        setLang(f.language === "zh-CN" ? "zh-CN" : "en", false);
      },
      (e) => setError(describe(e)),
    );
  }, [language, round]);

  const next = () => {
    setReceipt(null);
    setWithdrawing(false);
    setSubmitError(null);
    setBadge(undefined);
    setLanguage(null);
    setLarge(false);
    setWarning(null);
    setRound((r) => r + 1);
    last.current = Date.now();
    window.scrollTo(0, 0);
  };

  // Idle reset: no touch, key, scroll or typing for the event's idle time starts over for the
  // next person. Before that, "Are you still there?" counts down and can be dismissed. The
  // receipt stays at least 90 seconds, long enough to photograph.
  useEffect(() => {
    const touch = () => {
      last.current = Date.now();
      setWarning(null);
    };
    const kinds = ["pointerdown", "keydown", "wheel", "touchmove", "input", "scroll"] as const;
    // Capture, so that scrolling the notice pane (which does not bubble) counts too.
    kinds.forEach((k) => window.addEventListener(k, touch, { capture: true, passive: true }));
    const timer = setInterval(() => {
      const idle = (form?.idle_reset_s ?? 60) * 1000;
      const limit = receipt ? Math.max(idle, 90_000) : idle;
      const warnFor = Math.min(15_000, limit / 2);
      const elapsed = Date.now() - last.current;
      if (exiting) return;
      if (elapsed > limit) {
        next();
      } else if (elapsed > limit - warnFor) {
        setWarning(Math.ceil((limit - elapsed) / 1000));
      }
    }, 500);
    return () => {
      kinds.forEach((k) => window.removeEventListener(k, touch, { capture: true }));
      clearInterval(timer);
    };
  }, [form, exiting, receipt]);

  if (error) return <main class="kiosk"><ErrorBox message={error} /></main>;
  if (!form) return <main class="kiosk"><p class="hint">{t("kioskLoading")}</p></main>;

  return (
    <main class={large ? "kiosk large" : "kiosk"} id="kiosk">
      <header class="kiosk-head">
        <div>
          <strong>{form.event_name}</strong> <span class="sub">{form.venue}</span>
        </div>
        <div class="head-actions">
        {!receipt && !withdrawing && (
          <button type="button" class="withdraw-start" id="kiosk-withdraw" onClick={() => setWithdrawing(true)}>
            {t("kioskWithdrawStart")}
          </button>
        )}
        <div class="lang-switch" role="group" aria-label={t("kioskLanguage")}>
          <button
            type="button"
            id="kiosk-large"
            class={large ? "text-size active" : "text-size"}
            aria-pressed={large}
            title={t("kioskLargerText")}
            aria-label={t("kioskLargerText")}
            onClick={() => setLarge(!large)}
          >
            A+
          </button>
        {form.languages.length > 1 && (
          <>
            {form.languages.map((l) => (
              <button type="button" id={`kiosk-lang-${l}`} class={form.language === l ? "active" : ""} onClick={() => setLanguage(l)}>
                {l === "zh-CN" ? "中文" : "English"}
              </button>
            ))}
          </>
        )}
        </div>
        </div>
      </header>
      {receipt ? (
        <Receipt r={receipt} onDone={next} />
      ) : withdrawing ? (
        <Withdraw language={form.language} onDone={next} />
      ) : (
        <div class="kiosk-body" key={round}>
          <button
            type="button"
            class="to-choices"
            id="to-choices"
            onClick={() => {
              document.getElementById("capture-form")?.scrollIntoView({ block: "start" });
              document.querySelector<HTMLElement>("#capture-form input")?.focus({ preventScroll: true });
            }}
          >
            {t("kioskToChoices")}
          </button>
          {/* Focusable, so the notice can be read and scrolled with the keyboard too. */}
          <article class="kiosk-notice" id="kiosk-notice" lang={form.language} tabIndex={0} aria-label={t("kioskNoticeLabel")}>
            <Blocks blocks={form.blocks} />
            <p class="hash">{form.notice_hash}</p>
          </article>
          <div class="kiosk-form">
            <BadgeScan onRead={setBadge} />
            <CaptureForm
              form={form}
              mode="kiosk"
              person={badge}
              busy={busy}
              error={submitError}
              submitLabel={t("kioskSubmit")}
              onEdit={() => setSubmitError(null)}
              onSubmit={async (req: SubmissionRequest) => {
                setBusy(true);
                setSubmitError(null);
                try {
                  setReceipt(await call(commands.kioskSubmit(req)));
                } catch (e) {
                  setSubmitError(describe(e));
                } finally {
                  setBusy(false);
                }
              }}
            />
          </div>
        </div>
      )}
      <footer class="kiosk-foot">
        <span class="sub">{form.device_name}</span>
        <button type="button" class="ghost staff" id="kiosk-staff" onClick={() => setExiting(true)}>
          {t("kioskStaff")}
        </button>
      </footer>
      {exiting && <ExitDialog onCancel={() => setExiting(false)} />}
      {warning !== null && !exiting && (
        <div class="modal" id="still-there" role="alertdialog" aria-modal="true" aria-labelledby="still-there-title" aria-describedby="still-there-hint">
          <div class="card narrow still-there">
            <h2 id="still-there-title">{t("kioskStillThere")}</h2>
            <p id="still-there-hint" aria-live="polite">{t("kioskStillThereHint", { n: warning })}</p>
            <button
              type="button"
              class="primary"
              id="still-here"
              autoFocus
              onClick={() => {
                last.current = Date.now();
                setWarning(null);
              }}
            >
              {t("kioskStillHere")}
            </button>
          </div>
        </div>
      )}
    </main>
  );
}

function Blocks(props: { blocks: BlockView[] }) {
  return (
    <div class="wording">
      {props.blocks.map((b) => {
        const body = b.lines.map((line, i) => (
          <>
            {i > 0 && <br />}
            {line.map((s) => (s.bold ? <strong>{s.text}</strong> : s.text))}
          </>
        ));
        if (b.kind === "h1") return <h2>{body}</h2>;
        if (b.kind === "h2") return <h3>{body}</h3>;
        if (b.kind === "h3") return <h4>{body}</h4>;
        if (b.kind === "li") return <p class="li">• {body}</p>;
        if (b.kind === "quote") return <blockquote>{body}</blockquote>;
        return <p>{body}</p>;
      })}
    </div>
  );
}

/** A badge scanner types the QR code's vCard or MECARD here; Rust reads it. */
function BadgeScan(props: { onRead: (p: Partial<Person>) => void }) {
  const [text, setText] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const read = async (value: string) => {
    try {
      const b = await call(commands.kioskBadge(value));
      const clean = Object.fromEntries(Object.entries(b).filter(([, v]) => v)) as Partial<Person>;
      props.onRead(clean);
      setNote(t("kioskScanRead"));
      setError(null);
      setText("");
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <div class="badge-scan">
      <label for="badge-scan">{t("kioskScan")}</label>
      <textarea
        id="badge-scan"
        rows={1}
        autocomplete="off"
        spellcheck={false}
        placeholder={t("kioskScanHint")}
        value={text}
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          if (/END:VCARD\s*$/i.test(v) || /^MECARD:.*;;\s*$/is.test(v)) void read(v);
        }}
      />
      {note && <p class="ok">{note}</p>}
      <ErrorBox message={error} id="badge-error" />
    </div>
  );
}

/** The person's receipt: stays until Done, or until the idle reset (at least 90 s, with the
 * "Are you still there?" countdown first), long enough to photograph. */
function Receipt(props: { r: KioskReceipt; onDone: () => void }) {
  const r = props.r;
  return (
    <section class="kiosk-receipt" id="kiosk-receipt">
      <h1>{t("kioskThanks")}</h1>
      <div class="receipt-id">
        <div>
          <p>{t("kioskReceipt")}</p>
          <p class="big-id" id="receipt-id">
            {r.receipt_id}
          </p>
          <p class="hint">{t("kioskReceiptHint")}</p>
        </div>
        <Qr size={r.qr_size} modules={r.qr} />
      </div>
      {r.by_guardian && (
        <p class="guardian-note" id="receipt-by-guardian">
          <strong>{t("kioskByGuardian")}</strong>
        </p>
      )}
      <div class="receipt-lists">
        <div>
          <h3>{t("kioskAgreed")}</h3>
          <ul id="receipt-granted">{r.granted.length ? r.granted.map((g) => <li>{g}</li>) : <li>{t("kioskNothing")}</li>}</ul>
        </div>
        <div>
          <h3>{t("kioskRefused")}</h3>
          <ul id="receipt-refused">{r.refused.length ? r.refused.map((g) => <li>{g}</li>) : <li>{t("kioskNothing")}</li>}</ul>
        </div>
      </div>
      {r.withdrawal && (
        <p>
          <strong>
            {t("kioskWithdraw")}
            {colon()}
          </strong>
          {r.withdrawal}
        </p>
      )}
      <div class="row">
        <button type="button" class="primary submit-big" id="receipt-done" onClick={props.onDone}>
          {t("kioskDone")}
        </button>
        <PrintButton load={() => commands.kioskPrintReceipt()} id="receipt-print" class="submit-big" />
      </div>
      <p class="hint">{t("kioskNext")}</p>
    </section>
  );
}

function ExitDialog(props: { onCancel: () => void }) {
  const [name, setName] = useState("");
  const [pass, setPass] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="exit-title">
      <form
        class="card narrow"
        id="kiosk-exit-form"
        autocomplete="off"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            await call(commands.kioskExit(name, pass));
          } catch (err) {
            setError(describe(err));
            setPass("");
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2 id="exit-title">{t("kioskExitTitle")}</h2>
        <p class="hint">{t("kioskExitHint")}</p>
        <Field id="exit-operator" label={t("operatorName")}>
          <input id="exit-operator" ref={first} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field id="exit-passphrase" label={t("passphrase")}>
          <input id="exit-passphrase" type="password" autocomplete="off" value={pass} onInput={(e) => setPass(e.currentTarget.value)} />
        </Field>
        <ErrorBox message={error} id="exit-error" />
        <div class="row">
          <button type="submit" class="primary" id="exit-submit" disabled={busy}>
            {t("kioskExit")}
          </button>
          <button type="button" id="exit-cancel" onClick={props.onCancel}>
            {t("cancel")}
          </button>
        </div>
      </form>
    </div>
  );
}
