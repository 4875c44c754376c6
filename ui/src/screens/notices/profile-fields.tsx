// The processing profile as the editor holds it, and the inputs its form is made of.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { VOCABULARY } from "../../bindings";
import { Badge, Field, useFieldProblems } from "../../components";
import { t } from "../../i18n";
import type { Bi } from "./wording";

// The processing profile file format (docs/profile.md); the engine checks it again.
export type Profile = {
  name: string;
  frameworks: string[];
  jurisdiction: string;
  controller: { name: Bi; contact: string; address: Bi };
  dpo: { name: Bi; contact: string } | null;
  representative: { name: Bi; contact: string } | null;
  purposes: string[];
  categories: string[];
  methods: Bi;
  retention: { applies_to: string; period: Bi; days: number | null }[];
  /** Per purpose, the categories it uses (and, on legitimate interests, the interest pursued). */
  uses: { purpose: string; categories: string[]; interest?: Bi }[];
  /** Where the personal data is stored. */
  storage_location: Bi;
  /** Where the data comes from when not from the person; empty: collected directly. */
  source: Bi;
  /** The security measures the wording states. */
  security: Bi;
  /** Whether automated decisions are made; null: not stated. */
  automated_decisions: { used: boolean; logic: Bi; significance: Bi } | null;
  /** Service providers processing the data for the controller (PIPL Art. 21); null: not stated. */
  processors: { name: Bi; task: Bi }[] | null;
  /** Whether the data must be provided, and what follows if not (GDPR Art. 13(2)(e)); null: not stated. */
  provision: { requirement: Bi; consequences: Bi } | null;
  /** Days to answer a request; null: not stated. */
  response_days: number | null;
  recipients: { name: Bi; contact: string; purpose: Bi; method: Bi; categories: string[]; purposes?: string[] }[];
  transfers: { recipient: Bi; country: Bi; contact: string; purpose: Bi; method: Bi; categories: string[]; rights: Bi; mechanism: string; purposes?: string[] }[];
  sensitive: { necessity: Bi; impact: Bi } | null;
  minors: { in_scope: boolean; rules: Bi };
  public_disclosure: boolean;
  rights_channel: Bi;
  withdrawal_channel: Bi;
  complaint: Bi;
};


export const MECHANISMS = VOCABULARY.transfer_mechanisms;
export const bi = (): Bi => ({ zh: "", en: "" });

/** Fills in what a profile file may leave out, so the editor can show every field. */
export function normalize(p: Partial<Profile>): Profile {
  return {
    name: p.name ?? "",
    frameworks: p.frameworks ?? [],
    jurisdiction: p.jurisdiction ?? "",
    controller: { name: bi(), address: bi(), contact: "", ...p.controller },
    dpo: p.dpo ?? null,
    representative: p.representative ?? null,
    purposes: p.purposes ?? [],
    categories: p.categories ?? [],
    uses: p.uses ?? [],
    storage_location: p.storage_location ?? bi(),
    source: p.source ?? bi(),
    security: p.security ?? bi(),
    // A file may leave out what an older editor did not write.
    automated_decisions: p.automated_decisions
      ? { used: p.automated_decisions.used ?? false, logic: p.automated_decisions.logic ?? bi(), significance: p.automated_decisions.significance ?? bi() }
      : null,
    processors: p.processors ?? null,
    provision: p.provision ? { requirement: p.provision.requirement ?? bi(), consequences: p.provision.consequences ?? bi() } : null,
    response_days: p.response_days ?? null,
    methods: p.methods ?? bi(),
    retention: p.retention ?? [],
    recipients: p.recipients ?? [],
    transfers: p.transfers ?? [],
    sensitive: p.sensitive ?? null,
    minors: p.minors ?? { in_scope: false, rules: bi() },
    public_disclosure: p.public_disclosure ?? false,
    rights_channel: p.rights_channel ?? bi(),
    withdrawal_channel: p.withdrawal_channel ?? bi(),
    complaint: p.complaint ?? bi(),
  };
}

// ---------------------------------------------------------------------------------------
// The processing profile editor, with the live preview

/** The editor's field problems, for the inputs below (outside the editor: none). */
export const Problems = createContext<ReturnType<typeof useFieldProblems> | null>(null);

/** The marks and the message of one field, if the editor reported a problem with it. */
function useProblem(id: string) {
  const f = useContext(Problems);
  return { attrs: f ? f.invalid(id) : {}, message: f ? f.problem(id) : null };
}

export function BiInput(props: { path: string; label: string; value: Bi; onChange: (v: Bi) => void; long?: boolean; disabled?: boolean }) {
  const Tag = props.long ? "textarea" : "input";
  const zhProblem = useProblem(`pf-${props.path}.zh`);
  const enProblem = useProblem(`pf-${props.path}.en`);
  return (
    <div class="field bi">
      <span class="label">{props.label}</span>
      <div class="bi-pair">
        <Tag
          id={`pf-${props.path}.zh`}
          {...zhProblem.attrs}
          lang="zh-CN"
          aria-label={`${props.label} (中文)`}
          placeholder="中文"
          value={props.value.zh}
          disabled={props.disabled}
          rows={props.long ? 3 : undefined}
          onInput={(e) => props.onChange({ ...props.value, zh: (e.target as HTMLInputElement).value })}
        />
        <Tag
          id={`pf-${props.path}.en`}
          {...enProblem.attrs}
          lang="en"
          aria-label={`${props.label} (English)`}
          placeholder="English"
          value={props.value.en}
          disabled={props.disabled}
          rows={props.long ? 3 : undefined}
          onInput={(e) => props.onChange({ ...props.value, en: (e.target as HTMLInputElement).value })}
        />
      </div>
      {zhProblem.message}
      {enProblem.message}
    </div>
  );
}

export function TextInput(props: { path: string; label: string; value: string; onChange: (v: string) => void; disabled?: boolean }) {
  const problem = useProblem(`pf-${props.path}`);
  return (
    <Field id={`pf-${props.path}`} label={props.label}>
      <input
        id={`pf-${props.path}`}
        {...problem.attrs}
        value={props.value}
        disabled={props.disabled}
        onInput={(e) => props.onChange((e.target as HTMLInputElement).value)}
      />
      {problem.message}
    </Field>
  );
}

export function Codes(props: { path: string; options: { code: string; name: string; note?: string }[]; value: string[]; onChange: (v: string[]) => void; disabled?: boolean }) {
  const problem = useProblem(`pf-${props.path}`);
  return (
    <div class="codes" id={`pf-${props.path}`} tabIndex={-1} {...problem.attrs}>
      {problem.message}
      {props.options.map((o) => (
        <label class="check">
          <input
            type="checkbox"
            disabled={props.disabled}
            checked={props.value.includes(o.code)}
            onChange={(e) => {
              const on = (e.target as HTMLInputElement).checked;
              props.onChange(on ? [...props.value, o.code] : props.value.filter((c) => c !== o.code));
            }}
          />
          {o.name} <code>{o.code}</code> {o.note && <Badge tone="warn">{o.note}</Badge>}
        </label>
      ))}
    </div>
  );
}

type Option = { code: string; name: string; note?: string };

/**
 * What each purpose uses: one row of category boxes per purpose of the profile. A purpose with
 * no row yet (a profile written before this existed) says so; ticking a box gives it one.
 */
export function PurposeUses(props: {
  profile: Profile;
  purposes: Option[];
  categories: Option[];
  /** The purposes on legitimate interests: each states the interest pursued. */
  legit: string[];
  onChange: (uses: Profile["uses"]) => void;
}) {
  const p = props.profile;
  const offered = props.categories.filter((c) => p.categories.includes(c.code));
  if (p.purposes.length === 0) return <p class="hint">{t("usesNoPurposes")}</p>;
  return (
    <div id="pf-uses">
      <p class="hint">{t("usesHint")}</p>
      {p.purposes.map((code) => {
        const i = p.uses.findIndex((u) => u.purpose === code);
        const name = props.purposes.find((o) => o.code === code)?.name ?? code;
        const value = i >= 0 ? p.uses[i].categories : [];
        const patch = (x: Partial<Profile["uses"][number]>) =>
          props.onChange(i >= 0 ? p.uses.map((u, j) => (j === i ? { ...u, ...x } : u)) : [...p.uses, { purpose: code, categories: p.categories, ...x }]);
        const change = (categories: string[]) => patch({ categories });
        const at = i >= 0 ? i : p.uses.length;
        return (
          <div class="repeat" id={`pf-uses-${code}`}>
            <span class="label">
              {name} <code>{code}</code> {i < 0 && <Badge tone="warn">{t("usesNotStated")}</Badge>}
            </span>
            <Codes path={`uses[${at}].categories`} options={offered} value={value} onChange={change} />
            {props.legit.includes(code) && (
              <BiInput path={`uses[${at}].interest`} label={t("pfInterest")} long value={(i >= 0 && p.uses[i].interest) || bi()} onChange={(interest) => patch({ interest })} />
            )}
          </div>
        );
      })}
    </div>
  );
}

/** The purposes a recipient or transfer serves: the boxes of those purposes name it. */
export function LinkedPurposes(props: { path: string; purposes: Option[]; value: string[] | undefined; onChange: (v: string[]) => void }) {
  return (
    <>
      <span class="label">{t("linkedPurposes")}</span>
      <Codes path={props.path} options={props.purposes} value={props.value ?? []} onChange={props.onChange} />
    </>
  );
}

/**
 * The elements added after the first profiles: the source of data not collected from the
 * person, the security measures, automated decisions, entrusted processors, whether the data
 * must be provided, the response period. Each left empty is flagged by the lint, and the
 * wording then makes no claim about it.
 */
export function MoreElements(props: { profile: Profile; set: (patch: Partial<Profile>) => void }) {
  const p = props.profile;
  const a = p.automated_decisions;
  const auto = a === null ? "" : a.used ? "yes" : "no";
  return (
    <>
      <BiInput path="source" label={t("pfSource")} long value={p.source} onChange={(source) => props.set({ source })} />
      <p class="hint">{t("pfSourceHint")}</p>
      <BiInput path="security" label={t("pfSecurity")} long value={p.security} onChange={(security) => props.set({ security })} />
      <Field id="pf-automated_decisions" label={t("pfAutomated")}>
        <select
          id="pf-automated_decisions"
          value={auto}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            props.set({ automated_decisions: v === "" ? null : { used: v === "yes", logic: a?.logic ?? bi(), significance: a?.significance ?? bi() } });
          }}
        >
          <option value="">{t("pfAutomatedUnstated")}</option>
          <option value="no">{t("pfAutomatedNo")}</option>
          <option value="yes">{t("pfAutomatedYes")}</option>
        </select>
      </Field>
      {a?.used && (
        <>
          <BiInput path="automated_decisions.logic" label={t("pfAutomatedLogic")} long value={a.logic} onChange={(logic) => props.set({ automated_decisions: { ...a, logic } })} />
          <BiInput
            path="automated_decisions.significance"
            label={t("pfAutomatedSignificance")}
            long
            value={a.significance}
            onChange={(significance) => props.set({ automated_decisions: { ...a, significance } })}
          />
        </>
      )}
      <Processors profile={p} set={props.set} />
      <Provision profile={p} set={props.set} />
      <Field id="pf-response_days" label={t("pfResponseDays")}>
        <input
          id="pf-response_days"
          type="number"
          min={1}
          max={90}
          inputMode="numeric"
          value={p.response_days ?? ""}
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value;
            props.set({ response_days: v ? Number(v) : null });
          }}
        />
      </Field>
    </>
  );
}

/** The entrusted processors: not stated (flagged), none, or a list of name and task. */
function Processors(props: { profile: Profile; set: (patch: Partial<Profile>) => void }) {
  const list = props.profile.processors;
  const set = (processors: Profile["processors"]) => props.set({ processors });
  return (
    <>
      <Field id="pf-processors" label={t("pfProcessors")}>
        <select
          id="pf-processors"
          value={list === null ? "" : list.length === 0 ? "none" : "some"}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            set(v === "" ? null : v === "none" ? [] : list && list.length > 0 ? list : [{ name: bi(), task: bi() }]);
          }}
        >
          <option value="">{t("pfAutomatedUnstated")}</option>
          <option value="none">{t("pfProcessorsNone")}</option>
          <option value="some">{t("pfProcessorsSome")}</option>
        </select>
      </Field>
      {list?.map((x, i) => {
        const upd = (patch: Partial<{ name: Bi; task: Bi }>) => set(list.map((y, j) => (j === i ? { ...y, ...patch } : y)));
        return (
          <div class="repeat" id={`pf-processor-${i}`}>
            <BiInput path={`processors[${i}].name`} label={t("pfProcessorName")} value={x.name} onChange={(name) => upd({ name })} />
            <BiInput path={`processors[${i}].task`} label={t("pfProcessorTask")} long value={x.task} onChange={(task) => upd({ task })} />
            <button type="button" class="ghost" onClick={() => set(list.filter((_, j) => j !== i))}>
              {t("remove")}
            </button>
          </div>
        );
      })}
      {list && list.length > 0 && (
        <button type="button" id="add-processor" onClick={() => set([...list, { name: bi(), task: bi() }])}>
          {t("pfAddProcessor")}
        </button>
      )}
    </>
  );
}

/** Whether the data must be provided (GDPR Art. 13(2)(e)): both fields empty is "not stated". */
function Provision(props: { profile: Profile; set: (patch: Partial<Profile>) => void }) {
  const v = props.profile.provision ?? { requirement: bi(), consequences: bi() };
  const set = (x: typeof v) => {
    const empty = (b: Bi) => !b.zh.trim() && !b.en.trim();
    props.set({ provision: empty(x.requirement) && empty(x.consequences) ? null : x });
  };
  return (
    <>
      <BiInput path="provision.requirement" label={t("pfProvisionRequirement")} long value={v.requirement} onChange={(requirement) => set({ ...v, requirement })} />
      <BiInput path="provision.consequences" label={t("pfProvisionConsequences")} long value={v.consequences} onChange={(consequences) => set({ ...v, consequences })} />
    </>
  );
}
