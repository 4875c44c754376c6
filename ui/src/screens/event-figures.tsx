// What the marketer needs to see of one event: people per day and per device, answers per
// purpose with the grants withdrawn since, what is not yet sent to headquarters; and, when
// the notice shown was superseded by a version that needs fresh consent, the switch to it.
// Read again whenever `refresh` changes (the events list bumps it when the kiosk closes).
import { useEffect, useState } from "preact/hooks";
import type { EventInfo, EventStatsView, PurposeView } from "../bindings";
import { call, commands, describe } from "../api";
import { Empty, ErrorBox } from "../components";
import { lang, t } from "../i18n";

export function EventFigures(props: {
  event: EventInfo;
  refresh: number;
  canSwitch: boolean;
  onSwitched: () => void;
  onClose: () => void;
}) {
  const [s, setS] = useState<EventStatsView | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call(commands.eventStats(props.event.id)).then(setS, (e) => setError(describe(e)));
  }, [props.event.id, props.refresh]);
  useEffect(() => {
    call(commands.listPurposes()).then(
      (ps: PurposeView[]) => setNames(Object.fromEntries(ps.map((p) => [p.code, lang() === "zh-CN" ? p.name_zh : p.name_en]))),
      () => setNames({}),
    );
  }, []);
  const switchTo = async (n: number) => {
    if (!window.confirm(t("figSwitchConfirm", { name: props.event.name, n }))) return;
    setBusy(true);
    setError(null);
    try {
      await call(commands.switchEventNotice(props.event.id, n));
      props.onSwitched();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  const maxDay = s ? Math.max(1, ...s.per_day.map((d) => d.people)) : 1;
  return (
    <section class="card" id="event-figures" aria-labelledby="figures-title">
      <div class="row spread">
        <h2 id="figures-title">{t("figTitle", { name: props.event.name })}</h2>
        <button type="button" class="ghost" id="figures-close" onClick={props.onClose}>
          {t("figClose")}
        </button>
      </div>
      <ErrorBox message={error} id="figures-error" />
      {s?.superseded_by && (
        <div class="warn-box" id="figures-superseded" role="alert">
          <p>
            <strong>{t("figSuperseded", { notice: props.event.notice, old: props.event.notice_number, n: s.superseded_by.number })}</strong>
          </p>
          <ul>
            {s.superseded_by.changes
              .filter((c) => c.needs_fresh_consent)
              .map((c) => (
                <li>{lang() === "zh-CN" ? c.message.zh : c.message.en}</li>
              ))}
          </ul>
          {props.canSwitch && (
            <button type="button" class="primary" id="figures-switch" disabled={busy} onClick={() => switchTo(s.superseded_by!.number)}>
              {t("figSwitch", { n: s.superseded_by.number })}
            </button>
          )}
        </div>
      )}
      {s && s.people === 0 && <Empty id="figures-empty" text={t("figEmpty")} />}
      {s && s.people > 0 && (
        <>
          <div class="stats" id="figures-totals">
            <div class="stat">
              <span class="value" id="fig-people">{s.people}</span>
              <span class="label">{t("figPeople")}</span>
            </div>
            <div class="stat">
              <span class="value" id="fig-withdrawn">{s.withdrawn}</span>
              <span class="label">{t("figWithdrawn")}</span>
            </div>
            {s.unsent_people !== null && (
              <div class="stat">
                <span class="value" id="fig-unsent">{s.unsent_people}</span>
                <span class="label">{t("figUnsent")}</span>
              </div>
            )}
          </div>
          <div class="figures-grid">
            <div>
              <h3>{t("figPerDay")}</h3>
              <table id="figures-days" class="bars">
                <tbody>
                  {s.per_day.map((d) => (
                    <tr>
                      <th scope="row">{d.day}</th>
                      <td>
                        <span class="bar" style={{ width: `${(100 * d.people) / maxDay}%` }} />
                      </td>
                      <td class="num">{d.people}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>{t("figPerDevice")}</h3>
              <table id="figures-devices">
                <tbody>
                  {s.per_device.map((d) => (
                    <tr>
                      <th scope="row">{d.name}</th>
                      <td class="num">{d.people}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              <h3>{t("figPerPurpose")}</h3>
              <table id="figures-purposes">
                <thead>
                  <tr>
                    <th>{t("colPurpose")}</th>
                    <th class="num">{t("figGrants")}</th>
                    <th class="num">{t("figRefusals")}</th>
                    <th class="num">{t("figWithdrawnCol")}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.purposes.map((p) => (
                    <tr data-purpose={p.purpose}>
                      <td>
                        {names[p.purpose] ?? p.purpose}
                        <span class="split" aria-hidden="true">
                          <span class="yes" style={{ width: `${(100 * p.grants) / Math.max(1, p.grants + p.refusals)}%` }} />
                        </span>
                      </td>
                      <td class="num">{p.grants}</td>
                      <td class="num">{p.refusals}</td>
                      <td class="num">{p.withdrawn}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
