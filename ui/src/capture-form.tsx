// The person's form, shared by the kiosk and the desk's paper-form entry: their details,
// one unticked box per purpose, the separate consents set apart with their explanation,
// the guardian path for children under 14 and an optional signature pad. Nothing is
// pre-ticked and nothing is remembered: the parent remounts it for the next person.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ControlView, KioskFormView, SubmissionRequest } from "./bindings";
import { ErrorBox, useFieldProblems } from "./components";
import { t, type Key } from "./i18n";

export type Person = { name: string; email: string; phone: string; company: string; job_title: string };
const EMPTY: Person = { name: "", email: "", phone: "", company: "", job_title: "" };
const INPUT_TYPE: Record<string, string> = { email: "email", phone: "tel" };
/** Something@domain.tld with no spaces: what the engine's normalize_email accepts. */
const EMAIL = /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$/u;
/** 5 to 15 digits and no letters: what the engine's normalize_phone accepts. */
function phoneOk(p: string): boolean {
  const digits = p.replace(/^00/, "").replace(/\D/g, "");
  return !/\p{L}/u.test(p) && digits.length >= 5 && digits.length <= 15;
}

export function CaptureForm(props: {
  form: KioskFormView;
  mode: "kiosk" | "paper";
  person?: Partial<Person>;
  busy: boolean;
  error: string | null;
  submitLabel: string;
  onSubmit: (r: SubmissionRequest) => void;
  /** Called whenever the person changes something (the parent clears a stale error). */
  onEdit?: () => void;
  children?: preact.ComponentChildren;
}) {
  const f = props.form;
  const zh = f.language === "zh-CN";
  const [person, setPerson] = useState<Person>({ ...EMPTY, ...props.person });
  const [ticked, setTicked] = useState<string[]>([]);
  const [under14, setUnder14] = useState(false);
  const [guardian, setGuardian] = useState("");
  const [guardianOk, setGuardianOk] = useState(false);
  const [signature, setSignature] = useState<string | null>(null);
  // What is wrong with each field, shown under it; cleared as the person types.
  const fp = useFieldProblems();
  useEffect(() => {
    setPerson((p) => ({ ...p, ...props.person }));
    if (props.person) fp.clear(); // a badge read fills the fields anew
  }, [props.person]);
  const edited = (field?: string) => {
    if (field) fp.clear(field);
    props.onEdit?.();
  };

  /** Checks the form before it is sent: the engine decides (subject::normalize_email and
   * normalize_phone), these checks only say at once, in the visitor's language, what it would
   * refuse. Returns the problems by field id. */
  const check = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const x of f.fields) {
      const value = (person[x.field as keyof Person] ?? "").trim();
      const id = `person-${x.field}`;
      const name = t(`field_${x.field}` as Key);
      if (!value) {
        if (x.required) out[id] = t("kioskFieldMissing", { field: name });
      } else if (x.field === "email" && !EMAIL.test(value)) {
        out[id] = t("kioskEmailInvalid");
      } else if (x.field === "phone" && !phoneOk(value)) {
        out[id] = t("kioskPhoneInvalid");
      }
    }
    if (under14 && !guardian.trim()) out["guardian-name"] = t("kioskGuardianMissing");
    if (under14 && !guardianOk) out["guardian-confirm"] = t("kioskGuardianConfirmMissing");
    return out;
  };
  const { invalid, problem } = fp;

  const box = (c: ControlView, separate: boolean) => (
    <div class={separate ? "box separate" : "box"}>
      <label class="check big">
        <input
          type="checkbox"
          id={`box-${c.id}`}
          data-control={c.id}
          checked={ticked.includes(c.id)}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            setTicked(on ? [...ticked, c.id] : ticked.filter((x) => x !== c.id));
            edited();
          }}
        />
        <span>{zh ? c.label.zh : c.label.en}</span>
      </label>
      {separate && <p class="explain">{zh ? c.explanation.zh : c.explanation.en}</p>}
    </div>
  );

  return (
    <form
      class={`capture-form ${props.mode}`}
      id="capture-form"
      autocomplete="off"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        // WebKitGTK shows no validation bubble: the form says itself what is wrong, and
        // moves to the first field that needs attention.
        if (!fp.report(check())) return;
        const v = (s: string) => (s.trim() ? s.trim() : null);
        // Only what the event asks for: a badge may carry more (a job title, say).
        const asked = new Set(f.fields.map((x) => x.field));
        const p = (k: keyof Person) => (asked.has(k) ? v(person[k]) : null);
        props.onSubmit({
          language: f.language,
          name: p("name"),
          email: p("email"),
          phone: p("phone"),
          company: p("company"),
          job_title: p("job_title"),
          ticked,
          under_14: under14,
          guardian_name: under14 ? v(guardian) : null,
          guardian_confirmed: under14 && guardianOk,
          signature_png: signature,
        });
      }}
    >
      <h2>{t("kioskYou")}</h2>
      <div class="person-fields">
        {f.fields.map((x) => (
          <div class="field">
            <label for={`person-${x.field}`}>
              {t(`field_${x.field}` as Key)} {x.required && <span class="req">({t("kioskRequired")})</span>}
            </label>
            <input
              id={`person-${x.field}`}
              name={`p${Math.random().toString(36).slice(2, 8)}`}
              type={INPUT_TYPE[x.field] ?? "text"}
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              required={x.required}
              value={person[x.field as keyof Person]}
              {...invalid(`person-${x.field}`)}
              onInput={(e) => {
                setPerson({ ...person, [x.field]: e.currentTarget.value });
                edited(`person-${x.field}`);
              }}
            />
            {problem(`person-${x.field}`)}
          </div>
        ))}
      </div>

      <h2>{t("kioskChoices")}</h2>
      <p class="hint">{t("kioskChoicesHint")}</p>
      <div class="boxes" id="boxes">
        {f.form.purposes.map((c) => box(c, false))}
      </div>
      {f.form.separate.length > 0 && (
        <div class="separate-set" id="separate-boxes">
          <h3>{t("kioskSeparate")}</h3>
          {f.form.separate.map((c) => box(c, true))}
        </div>
      )}

      {f.form.guardian && (
        <div class="guardian">
          <label class="check big">
            <input
              type="checkbox"
              id="under-14"
              checked={under14}
              onChange={(e) => {
                setUnder14(e.currentTarget.checked);
                edited();
              }}
            />
            <span>{zh ? f.form.guardian[0].zh : f.form.guardian[0].en}</span>
          </label>
          {under14 && (
            <div class="guardian-path">
              <p class="hint" id="guardian-explain">{t("kioskChildDetails")}</p>
              <div class="field">
                <label for="guardian-name">{t("kioskGuardianName")}</label>
                <input
                  id="guardian-name"
                  autocomplete="off"
                  value={guardian}
                  {...invalid("guardian-name")}
                  onInput={(e) => {
                    setGuardian(e.currentTarget.value);
                    edited("guardian-name");
                  }}
                />
                {problem("guardian-name")}
              </div>
              <label class="check big">
                <input
                  type="checkbox"
                  id="guardian-confirm"
                  checked={guardianOk}
                  {...invalid("guardian-confirm")}
                  onChange={(e) => {
                    setGuardianOk(e.currentTarget.checked);
                    edited("guardian-confirm");
                  }}
                />
                <span>{zh ? f.form.guardian[1].zh : f.form.guardian[1].en}</span>
              </label>
              {problem("guardian-confirm")}
            </div>
          )}
        </div>
      )}

      {f.signature && props.mode === "kiosk" && <SignaturePad onChange={setSignature} />}
      {props.children}
      <ErrorBox message={props.error} id="capture-error" />
      <button type="submit" class="primary submit-big" id="capture-submit" disabled={props.busy}>
        {props.busy ? t("kioskSaving") : props.submitLabel}
      </button>
    </form>
  );
}

/** A signature drawn with a finger, pen or mouse; its PNG (base64) goes to Rust, which keeps it in the vault. */
function SignaturePad(props: { onChange: (png: string | null) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const inked = useRef(false);
  const pos = (e: PointerEvent) => {
    const c = canvas.current!;
    const r = c.getBoundingClientRect();
    return [((e.clientX - r.left) * c.width) / r.width, ((e.clientY - r.top) * c.height) / r.height];
  };
  const done = () => {
    drawing.current = false;
    if (inked.current) props.onChange(canvas.current!.toDataURL("image/png").replace(/^data:image\/png;base64,/, ""));
  };
  return (
    <div class="signature">
      <label>{t("kioskSignature")}</label>
      <canvas
        ref={canvas}
        id="signature-pad"
        width={600}
        height={180}
        onPointerDown={(e) => {
          const ctx = canvas.current!.getContext("2d")!;
          ctx.lineWidth = 2.5;
          ctx.lineCap = "round";
          ctx.beginPath();
          const [x, y] = pos(e);
          ctx.moveTo(x, y);
          drawing.current = true;
          canvas.current!.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const ctx = canvas.current!.getContext("2d")!;
          const [x, y] = pos(e);
          ctx.lineTo(x, y);
          ctx.stroke();
          inked.current = true;
        }}
        onPointerUp={done}
        onPointerLeave={() => drawing.current && done()}
      />
      <button
        type="button"
        class="ghost"
        onClick={() => {
          const c = canvas.current!;
          c.getContext("2d")!.clearRect(0, 0, c.width, c.height);
          inked.current = false;
          props.onChange(null);
        }}
      >
        {t("kioskClearSignature")}
      </button>
    </div>
  );
}
