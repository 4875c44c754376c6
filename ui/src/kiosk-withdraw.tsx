// Withdrawal at the kiosk, as easy as the grant: the visitor scans their receipt's QR code
// (the scanner types it into the field) or types the receipt code, their e-mail or phone;
// sees their masked contact and what they agreed to that is in force, nothing else; taps
// Withdraw on one purpose or Withdraw everything; and gets a withdrawal receipt.
import { useRef, useState } from "preact/hooks";
import { call, commands, describe } from "./api";
import type { KioskConsentsView, KioskWithdrawal, Language } from "./bindings";
import { ErrorBox, Field, useFocusOnMount } from "./components";
import { t } from "./i18n";
import { PrintButton } from "./print";
import { Qr } from "./qr";

export function Withdraw(props: { language: Language; onDone: () => void }) {
  const [who, setWho] = useState("");
  const [found, setFound] = useState<KioskConsentsView | null>(null);
  const [done, setDone] = useState<KioskWithdrawal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useFocusOnMount<HTMLInputElement>();
  // What was looked up, so that a withdrawal names the same person even if the field changes.
  const asked = useRef("");

  const find = async () => {
    setBusy(true);
    setError(null);
    try {
      asked.current = who;
      setFound(await call(commands.kioskConsents(props.language, who)));
    } catch (e) {
      setFound(null);
      setError(describe(e));
      first.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async (purposes: string[]) => {
    setBusy(true);
    setError(null);
    try {
      setDone(await call(commands.kioskWithdraw(props.language, asked.current, purposes)));
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <section class="kiosk-receipt" id="withdrawal-receipt">
        <h1>{t("kioskWithdrawn")}</h1>
        <div class="receipt-id">
          <div>
            <p>{t("kioskWithdrawReceipt")}</p>
            <p class="big-id" id="withdrawal-receipt-id">
              {done.receipt_id}
            </p>
            <p class="hint">{t("kioskReceiptHint")}</p>
          </div>
          <Qr size={done.qr_size} modules={done.qr} id="withdrawal-qr" />
        </div>
        <div class="receipt-lists">
          <div>
            <h3>{t("kioskWithdrawnList")}</h3>
            <ul id="withdrawal-withdrawn">{done.withdrawn.map((w) => <li>{w}</li>)}</ul>
          </div>
          <div>
            <h3>{t("kioskStillAgreed")}</h3>
            <ul id="withdrawal-still">
              {done.still_agreed.length ? done.still_agreed.map((w) => <li>{w}</li>) : <li>{t("kioskNothing")}</li>}
            </ul>
          </div>
        </div>
        <div class="row">
          <button type="button" class="primary submit-big" id="withdrawal-done" onClick={props.onDone}>
            {t("kioskDone")}
          </button>
          <PrintButton load={() => commands.kioskPrintReceipt()} id="withdrawal-print" class="submit-big" />
        </div>
        <p class="hint">{t("kioskNext")}</p>
      </section>
    );
  }

  return (
    <section class="kiosk-withdraw card" id="kiosk-withdraw-panel" aria-labelledby="withdraw-title">
      <h1 id="withdraw-title">{t("kioskWithdrawTitle")}</h1>
      <p class="hint">{t("kioskWithdrawIntro")}</p>
      <form
        class="withdraw-find"
        autocomplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <Field id="withdraw-who" label={t("kioskWithdrawWho")}>
          <input
            id="withdraw-who"
            ref={first}
            autocomplete="off"
            spellcheck={false}
            value={who}
            aria-invalid={error !== null && found === null}
            aria-describedby={error ? "withdraw-error" : undefined}
            onInput={(e) => {
              setWho(e.currentTarget.value);
              setError(null);
            }}
          />
        </Field>
        <button type="submit" class="primary" id="withdraw-find" disabled={busy || !who.trim()}>
          {t("kioskWithdrawFind")}
        </button>
      </form>
      <ErrorBox message={error} id="withdraw-error" />
      {found && (
        <div class="withdraw-found" id="withdraw-found">
          <h2>{t("kioskWithdrawFor", { who: found.shown })}</h2>
          {found.agreed.length === 0 ? (
            <p class="hint" id="withdraw-none">{t("kioskWithdrawNone")}</p>
          ) : (
            <>
              <ul class="withdraw-list">
                {found.agreed.map((a) => (
                  <li>
                    <span>
                      {a.label} {a.separate && <span class="badge warn">{t("kioskSeparateTag")}</span>}
                    </span>
                    <button type="button" id={`withdraw-${a.code}`} disabled={busy} onClick={() => void withdraw([a.code])}>
                      {t("kioskWithdrawOne")}
                    </button>
                  </li>
                ))}
              </ul>
              <button type="button" class="primary submit-big" id="withdraw-all" disabled={busy} onClick={() => void withdraw([])}>
                {t("kioskWithdrawAll")}
              </button>
            </>
          )}
        </div>
      )}
      <button type="button" class="ghost" id="withdraw-back" onClick={props.onDone}>
        {t("kioskBack")}
      </button>
    </section>
  );
}
