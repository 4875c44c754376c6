import { useEffect, useState } from "preact/hooks";
import { call, commands, describe, message } from "../api";
import type { OperatorView, Role } from "../bindings";
import { VOCABULARY } from "../bindings";
import { Badge, ErrorBox, Field, Notice, StrengthMeter, useFieldProblems } from "../components";
import { roleKey, t } from "../i18n";

/** The engine's minimum passphrase length (vault::MIN_PASSPHRASE_CHARS). */
const MIN_PASSPHRASE = VOCABULARY.min_passphrase_chars;

export function Operators(props: { me: string }) {
  const [ops, setOps] = useState<OperatorView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("marketer");
  const [pass, setPass] = useState("");
  const fp = useFieldProblems();
  const reload = () => call(commands.listOperators()).then(setOps, (e) => setError(describe(e)));
  const changed = (id: string) => {
    fp.clear(id);
    setError(null);
    setDone(null);
  };
  useEffect(() => void reload(), []);

  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const found: Record<string, string> = {};
    const n = name.trim();
    if (!n || [...n].length > 80) found["op-name"] = t("opNameMissing");
    else if ((ops ?? []).some((o) => o.name.toLowerCase() === n.toLowerCase())) found["op-name"] = t("opNameTaken", { name: n });
    if ([...pass].length < MIN_PASSPHRASE) found["op-pass"] = message("weak_passphrase", { min: MIN_PASSPHRASE });
    if (!fp.report(found)) return;
    try {
      const o = await call(commands.addOperator({ name, role, passphrase: pass }));
      setDone(t("added", { name: o.name }));
      setName("");
      setPass("");
      void reload();
    } catch (err) {
      setError(describe(err));
    }
  };
  // Disabling and rotating report above the list; adding reports in its form.
  const [topMsg, setTopMsg] = useState<string | null>(null);
  const [topErr, setTopErr] = useState<string | null>(null);
  const disable = async (n: string) => {
    if (!window.confirm(t("confirmDisable", { name: n }))) return;
    setTopErr(null);
    setTopMsg(null);
    setError(null);
    setDone(null);
    try {
      await call(commands.disableOperator(n));
      setTopMsg(t("disabledAndRotated", { name: n }));
      void reload();
    } catch (err) {
      setTopErr(describe(err));
    }
  };
  // Reset a passphrase (and re-enable a disabled operator): one row at a time, inline.
  const [resetting, setResetting] = useState<string | null>(null);
  const [newPass, setNewPass] = useState("");
  const reset = async (n: string) => {
    setTopErr(null);
    setTopMsg(null);
    if (!fp.report([...newPass].length < MIN_PASSPHRASE ? { "reset-pass": message("weak_passphrase", { min: MIN_PASSPHRASE }) } : {})) return;
    try {
      await call(commands.resetOperator(n, newPass));
      setTopMsg(t("resetDone", { name: n }));
      setResetting(null);
      setNewPass("");
      void reload();
    } catch (err) {
      setTopErr(describe(err));
    }
  };
  const [rotating, setRotating] = useState(false);
  const rotate = async () => {
    if (!window.confirm(t("confirmRotate"))) return;
    setTopErr(null);
    setTopMsg(null);
    setError(null);
    setDone(null);
    setRotating(true);
    try {
      const both = await call(commands.rotateKeys());
      setTopMsg(t(both ? "keysRotated" : "dataKeyRotated"));
    } catch (err) {
      setTopErr(describe(err));
    } finally {
      setRotating(false);
    }
  };

  return (
    <section id="operators">
      <h1>{t("operatorsTitle")}</h1>
      <ErrorBox message={topErr} />
      <Notice message={topMsg} />
      {ops && (
        <table id="operator-list">
          <thead>
            <tr>
              <th>{t("colName")}</th>
              <th>{t("colRole")}</th>
              <th>{t("colStatus")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {ops.map((o) => (
              <tr>
                <td>
                  {o.name} {o.name === props.me && <Badge tone="plain">{t("you")}</Badge>}
                </td>
                <td>{t(roleKey(o.role))}</td>
                <td>{o.disabled ? <Badge tone="bad">{t("disabled")}</Badge> : <Badge tone="good">{t("active")}</Badge>}</td>
                <td>
                  {!o.disabled && o.name !== props.me && (
                    <button type="button" class="ghost" onClick={() => disable(o.name)}>
                      {t("disable")}
                    </button>
                  )}
                  {o.name !== props.me && resetting !== o.name && (
                    <button
                      type="button"
                      class="ghost"
                      id={`reset-${o.name}`}
                      onClick={() => {
                        setResetting(o.name);
                        setNewPass("");
                        fp.clear();
                      }}
                    >
                      {o.disabled ? t("reEnable") : t("resetPassphrase")}
                    </button>
                  )}
                  {resetting === o.name && (
                    <form
                      class="inline-form"
                      id="reset-form"
                      autocomplete="off"
                      noValidate
                      onSubmit={(e) => {
                        e.preventDefault();
                        void reset(o.name);
                      }}
                    >
                      <Field id="reset-pass" label={t("newPassphraseFor", { name: o.name })}>
                        <input
                          id="reset-pass"
                          type="password"
                          value={newPass}
                          {...fp.invalid("reset-pass")}
                          ref={(el) => el?.focus()}
                          onInput={(e) => {
                            setNewPass(e.currentTarget.value);
                            fp.clear("reset-pass");
                          }}
                        />
                        {fp.problem("reset-pass")}
                        <StrengthMeter value={newPass} min={MIN_PASSPHRASE} />
                      </Field>
                      <button type="submit" class="primary" id="reset-save">
                        {t("resetSave")}
                      </button>
                      <button type="button" class="ghost" onClick={() => setResetting(null)}>
                        {t("cancel")}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="card" id="rotate-card">
        <h2>{t("rotateTitle")}</h2>
        <p class="hint">{t("rotateHint")}</p>
        <button type="button" id="rotate-keys" onClick={rotate} disabled={rotating} aria-busy={rotating}>
          {rotating ? t("rotating") : t("rotateKeys")}
        </button>
      </div>
      <form class="card inline-form" id="add-operator" onSubmit={add} autocomplete="off" noValidate>
        <h2>{t("addOperator")}</h2>
        <div class="grid">
          <Field id="op-name" label={t("colName")}>
            <input
              id="op-name"
              value={name}
              required
              {...fp.invalid("op-name")}
              onInput={(e) => {
                setName(e.currentTarget.value);
                changed("op-name");
              }}
            />
            {fp.problem("op-name")}
          </Field>
          <Field id="op-role" label={t("colRole")}>
            <select id="op-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {VOCABULARY.roles.map((r) => (
                <option value={r}>{t(roleKey(r))}</option>
              ))}
            </select>
          </Field>
          <Field id="op-pass" label={t("initialPassphrase")}>
            <input
              id="op-pass"
              type="password"
              value={pass}
              required
              {...fp.invalid("op-pass")}
              onInput={(e) => {
                setPass(e.currentTarget.value);
                changed("op-pass");
              }}
            />
            {fp.problem("op-pass")}
            <StrengthMeter value={pass} min={MIN_PASSPHRASE} />
          </Field>
        </div>
        <ErrorBox message={error} />
        <Notice message={done} />
        <button type="submit" class="primary" id="op-submit">
          {t("addOperator")}
        </button>
      </form>
    </section>
  );
}
