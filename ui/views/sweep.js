// @ts-check
// The Sweep view: every REST and HTTP API of the ticked profiles in the ticked regions, read by
// Rust and streamed here: each profile's progress, the status line, and the table (sweeptable.js)
// whose rows open their API in Review, in its own profile and region.

import * as api from "../api.js";
import { $, el, errorParts } from "../dom.js";
import { store } from "../state.js";
import { accountGroups, everyAccount, profileLabel } from "./profile-logic.js";
import { accountLabel, sweepLine, sweepProfileNames, sweepProgressSummary, sweepProgressText, sweepStartProblem, sweptByDefault } from "./sweep-logic.js";
import { SweepTable } from "./sweeptable.js";

/** @typedef {import("../bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("../bindings/SweepEvent").SweepEvent} SweepEvent */
/** @typedef {import("../bindings/SweepOutcome").SweepOutcome} SweepOutcome */
/** @typedef {import("../bindings/SweepProgress").SweepProgress} SweepProgress */
/** @typedef {import("../bindings/SweepRequest").SweepRequest} SweepRequest */
/** @typedef {import("../bindings/SweepRegion").SweepRegion} SweepRegion */

/**
 * What the view needs from the page.
 * @typedef {{openApi: (profileId: string, region: string, apiId: string) => Promise<boolean>,
 *   reloadProfiles: () => Promise<void>}} SweepHost
 */

const plural = (/** @type {number} */ n, /** @type {string} */ one) => `${n.toLocaleString()} ${one}${n === 1 ? "" : "s"}`;

/** @param {string} testid @returns {HTMLInputElement[]} */
const boxes = (testid) => /** @type {HTMLInputElement[]} */ ([...document.querySelectorAll(`[data-testid="${testid}"]`)]);
const ticked = (/** @type {string} */ testid) => boxes(testid).filter((b) => b.checked).map((b) => b.value);

/** A profile's progress line's note (its account, or why it could not be read), whole in its
 * tooltip when the line cuts it short. @param {HTMLElement} item @param {string} text */
function setNote(item, text) {
  const note = /** @type {HTMLElement} */ (item.querySelector(".sweep-account"));
  note.textContent = text;
  note.title = text;
}

/** Where the choices of the last sweep started are kept for the next run of the app. */
const SAVED = "sweep";

/**
 * The ticks of the last sweep started, if any: the regions ticked, and each profile's tick.
 * @returns {{regions: string[], profiles: Record<string, boolean>} | null}
 */
function savedChoices() {
  try {
    const saved = JSON.parse(localStorage.getItem(SAVED) ?? "null");
    return saved && Array.isArray(saved.regions) && typeof saved.profiles === "object" ? saved : null;
  } catch {
    return null;
  }
}

export class SweepView {
  /** @param {SweepHost} host */
  constructor(host) {
    this.host = host;
    /** @type {SweepRegion[] | null} null until Rust has listed them */
    this.regions = null;
    /** @type {Promise<void> | null} */
    this.loadingRegions = null;
    /** @type {string | null} why the regions could not be listed */
    this.regionsError = null;
    /** @type {Map<string, string>} what each profile is called, by id */
    this.names = new Map();
    // Every sweep begins a "sweep" ticket (state.js): a previous one's late events are dropped.
    this.running = false;
    this.started = false;      // Rust has begun (a cancel asked for before is sent then)
    this.cancelAsked = false;
    this.apis = 0;
    this.errors = 0;
    /** @type {Map<string, HTMLElement>} each profile's progress, by id */
    this.progress = new Map();
    this.table = new SweepTable((id) => this.nameOf(id), (row) => host.openApi(row.profile, row.region, row.apiId));
    this.wire();
    this.updateStart();
    // The profiles listed (again, after one is added or deleted): offered here; the regions are
    // asked for once the profiles are known, and again when the tab shows if that failed.
    store.on("profiles", () => { this.setProfiles(store.profiles); this.ensureLoaded(); });
    store.on("tab", () => { if (store.tab === "tab-sweep") this.ensureLoaded(); });
  }

  nameOf(/** @type {string} */ profileId) {
    return this.names.get(profileId) ?? profileId;
  }

  wire() {
    $("sweep-profiles").addEventListener("change", () => this.updateStart());
    $("sweep-every-tick").addEventListener("click", () => this.tickEveryAccount());
    $("sweep-every-refresh").addEventListener("click", () => this.refreshAccounts());
    $("sweep-org-start").addEventListener("click", () => this.startOrg());
    $("sweep-regions").addEventListener("change", () => this.regionsTicked());
    for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="sweep-scope"]'))) {
      radio.addEventListener("change", () => {
        if (radio.value === "all") this.tickRegions((r) => r.default);
        else $("sweep-region-fold").open = true;
      });
    }
    $("sweep-regions-every").addEventListener("click", () => this.tickRegions(() => true));
    $("sweep-regions-none").addEventListener("click", () => this.tickRegions(() => false));
    $("sweep-start").addEventListener("click", () => this.start());
    $("sweep-cancel").addEventListener("click", () => this.cancel());
  }

  /** The regions Rust offers (asked again when the tab shows, if that failed). */
  ensureLoaded() {
    if (this.regions || this.loadingRegions) return;
    this.loadingRegions = api.sweepRegions().then((regions) => {
      this.regions = regions;
      this.regionsError = null;
      this.renderRegions();
    }).catch((e) => {
      this.regionsError = `The regions could not be listed: ${e.message ?? e}`;
      this.updateStart();
    }).finally(() => { this.loadingRegions = null; });
  }

  /**
   * The profiles to offer (again, after one is added or deleted): ticks already given are kept,
   * then those of the last sweep started; a new profile comes ticked unless it is the environment's.
   * @param {ProfileInfo[]} profiles
   */
  setProfiles(profiles) {
    const before = new Map(boxes("sweep-profile").map((b) => [b.value, b.checked]));
    const saved = savedChoices()?.profiles ?? {};
    this.names = sweepProfileNames(profiles);
    $("sweep-profiles").replaceChildren(...profiles.map((p) => el("label", { class: "sweep-check" },
      el("input", { type: "checkbox", "data-testid": "sweep-profile", value: p.id, checked: before.get(p.id) ?? saved[p.id] ?? sweptByDefault(p) }),
      el("span", {}, profileLabel(p)))));
    $("sweep-profiles-empty").hidden = profiles.length > 0;
    const groups = accountGroups(profiles);
    $("sweep-every").hidden = groups.length === 0;
    const base = /** @type {HTMLSelectElement} */ ($("sweep-every-base"));
    const was = base.value;
    base.replaceChildren(...groups.map((g) => el("option", { value: g.base }, g.base)));
    if (groups.some((g) => g.base === was)) base.value = was;
    // An organization is reached from a profile of its management (or delegated administrator)
    // account: any profile but the accounts a sign-in reaches.
    const org = /** @type {HTMLSelectElement} */ ($("sweep-org-profile"));
    const orgWas = org.value;
    const own = profiles.filter((p) => !p.account);
    org.replaceChildren(...own.map((p) => el("option", { value: p.id }, profileLabel(p))));
    if (own.some((p) => p.id === orgWas)) org.value = orgWas;
    this.updateStart();
  }

  /** "Tick them": every account of the sign-in, each with the first role of the preference. */
  tickEveryAccount() {
    const base = /** @type {HTMLSelectElement} */ ($("sweep-every-base")).value;
    const { ids, left } = everyAccount(store.profiles, base, /** @type {HTMLInputElement} */ ($("sweep-every-roles")).value);
    const on = new Set(ids);
    for (const b of boxes("sweep-profile")) {
      const p = store.profiles.find((x) => x.id === b.value);
      if (p?.account?.base === base) b.checked = on.has(b.value);
    }
    $("sweep-every-note").textContent = `${plural(ids.length, "account")} ticked`
      + (left.length ? `; left out (no such role): ${left.join(", ")}` : ".");
    this.updateStart();
  }

  /** "Read the accounts again": the sign-in's accounts and roles afresh, in the picker and here. */
  async refreshAccounts() {
    const base = /** @type {HTMLSelectElement} */ ($("sweep-every-base")).value;
    const button = /** @type {HTMLButtonElement} */ ($("sweep-every-refresh"));
    if (!base || button.disabled) return;
    button.disabled = true;
    $("sweep-every-note").textContent = `Reading the accounts of ${base}…`;
    try {
      const count = await api.refreshAccounts(base);
      await this.host.reloadProfiles();
      $("sweep-every-note").textContent = `${plural(count, "account")} of ${base} read just now.`;
    } catch (e) {
      $("sweep-every-note").replaceChildren("The accounts could not be read: ", ...errorParts(e));
    } finally {
      button.disabled = false;
    }
  }

  /** The regions, ticked as in the last sweep started, else the default ones. */
  renderRegions() {
    const regions = this.regions ?? [];
    const defaults = regions.filter((r) => r.default).length;
    const saved = savedChoices()?.regions;
    const on = saved ? new Set(saved) : null;
    $("sweep-all-label").textContent = `All commercial regions (${defaults})`;
    $("sweep-regions").replaceChildren(...regions.map((r) => el("label", { class: "sweep-check" },
      el("input", { type: "checkbox", "data-testid": "sweep-region", value: r.name, checked: on ? on.has(r.name) : r.default }),
      el("span", { class: "mono" }, r.name),
      r.default ? null : el("span", { class: "opt-in", title: "An opt-in region: it answers only in accounts that enabled it" }, "opt-in"))));
    this.regionsTicked();
  }

  /** @param {(r: SweepRegion) => boolean} which */
  tickRegions(which) {
    const byName = new Map((this.regions ?? []).map((r) => [r.name, r]));
    for (const box of boxes("sweep-region")) {
      const region = byName.get(box.value);
      box.checked = !!region && which(region);
    }
    this.regionsTicked();
  }

  /** The choice follows the ticks: "All commercial regions" is the default ones, exactly. */
  regionsTicked() {
    const regions = this.regions ?? [];
    const on = new Set(ticked("sweep-region"));
    const all = regions.length > 0 && regions.every((r) => on.has(r.name) === r.default);
    $("sweep-scope-all").checked = all;
    $("sweep-scope-chosen").checked = !all;
    $("sweep-region-count").textContent = `${on.size} of ${regions.length} regions ticked`;
    this.updateStart();
  }

  updateStart() {
    const problem = this.regions
      ? sweepStartProblem(ticked("sweep-profile").length, ticked("sweep-region").length)
      : this.regionsError ?? "Loading the regions…";
    $("sweep-start").disabled = this.running || !!problem;
    $("sweep-why").textContent = this.running ? "" : problem ?? "";
  }

  async start() {
    const profiles = ticked("sweep-profile");
    // Rows name the accounts a sign-in reaches by their names.
    /** @type {Record<string, string>} */
    const names = {};
    for (const id of profiles) {
      const account = store.profiles.find((p) => p.id === id)?.account;
      if (account) names[id] = account.accountName;
    }
    const request = { profiles, regions: ticked("sweep-region"), names, skipped: [] };
    if (this.running || !this.regions || sweepStartProblem(request.profiles.length, request.regions.length)) return;
    localStorage.setItem(SAVED, JSON.stringify({
      regions: request.regions, profiles: Object.fromEntries(boxes("sweep-profile").map((b) => [b.value, b.checked])),
    }));
    await this.run(request, `Sweeping ${plural(request.profiles.length, "profile")} in ${plural(request.regions.length, "region")}…`);
  }

  /** "Sweep the organization": its accounts, listed by Rust through the profile, in the regions ticked. */
  async startOrg() {
    const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id)).value.trim();
    const profile = value("sweep-org-profile");
    const role = value("sweep-org-role");
    const regions = ticked("sweep-region");
    const problem = !profile ? "Choose the organization's management profile."
      : !role ? "Name the role to assume in each member (a read-only audit role)."
        : !regions.length ? "Tick at least one region." : null;
    const say = $("sweep-org-note");
    if (problem) {
      say.textContent = problem;
      return;
    }
    if (this.running || !this.regions) return;
    const button = /** @type {HTMLButtonElement} */ ($("sweep-org-start"));
    button.disabled = true;
    say.textContent = "Listing the organization's accounts…";
    try {
      const request = await api.orgSweepRequest(profile, role, value("sweep-org-external") || null, regions);
      const accounts = request.profiles.length + request.skipped.length;
      say.textContent = `${plural(accounts, "account")} in the organization`
        + (request.skipped.length ? `, ${request.skipped.length} left out (see the rows).` : ".");
      await this.run(request, `Sweeping ${plural(request.profiles.length, "account")} of the organization in ${plural(regions.length, "region")}…`);
    } catch (e) {
      say.replaceChildren("The organization's accounts could not be listed: ", ...errorParts(e));
    } finally {
      button.disabled = false;
    }
  }

  /**
   * Runs a sweep: its progress, rows and errors stream in until it ends or is cancelled.
   * @param {SweepRequest} request @param {string} running  the status line meanwhile
   */
  async run(request, running) {
    // Accounts reached through a sign-in or an organization are named by their names and roles.
    for (const [id, accountName] of Object.entries(request.names)) {
      if (!this.names.has(id)) this.names.set(id, accountLabel(id, accountName));
    }
    const run = store.begin("sweep");
    this.running = true;
    this.started = false;
    this.cancelAsked = false;
    this.apis = 0;
    this.errors = 0;
    this.table.phase = "running";
    this.table.cancelled = false;
    this.table.clear();
    this.progress = new Map();
    $("sweep-progress-list").replaceChildren();
    $("sweep-progress").hidden = true;
    $("sweep-cancel").hidden = false;
    $("sweep-cancel").disabled = false;
    const focusWasOnStart = document.activeElement === $("sweep-start");
    this.updateStart();
    if (focusWasOnStart) $("sweep-cancel").focus();
    this.setStatus("running", [running]);
    try {
      const outcome = await api.startSweep(request, (e) => { if (run.current()) this.onEvent(e); });
      if (run.current()) this.finish(outcome);
    } catch (e) {
      if (run.current()) this.stop(() => this.setStatus("failed", errorParts(e)));
    }
  }

  cancel() {
    if (!this.running) return;
    this.cancelAsked = true;
    $("sweep-cancel").disabled = true;
    this.setStatus("running", ["Cancelling…"]);
    // Before Rust has begun there is nothing to stop yet: the `started` event sends it then.
    if (this.started) api.cancelSweep().catch(() => {});
  }

  /** @param {SweepEvent} e */
  onEvent(e) {
    switch (e.event) {
      case "started":
        this.started = true;
        this.renderProgress(e.profiles);
        if (this.cancelAsked) api.cancelSweep().catch(() => {});
        break;
      case "account": {
        const item = this.progress.get(e.profile);
        if (item) {
          item.dataset.account = e.account;
          setNote(item, `account ${e.account}`);
        }
        break;
      }
      case "sameAccount": {
        const item = this.progress.get(e.same.profile);
        if (item) {
          item.dataset.state = "same";
          item.dataset.account = e.same.account;
          setNote(item, `account ${e.same.account}: same as ${this.nameOf(e.same.sweptAs)}, swept once`);
          this.redrawProgress(item);
        }
        break;
      }
      case "api":
        this.apis++;
        this.table.add(sweepLine(e.row, this.nameOf(e.row.profile)));
        this.showRunning();
        break;
      case "failed": {
        this.errors++;
        this.table.addError(e.error);
        // A whole profile's error marks its line; an account left out before the sweep (NotSwept,
        // under the sign-in's or organization's profile) is a row only: that profile still sweeps.
        const item = e.error.region === null && e.error.code !== "NotSwept" ? this.progress.get(e.error.profile) : null;
        if (item) {
          // Failed ones go to the top of the list, with why, so a long list shows them first.
          item.dataset.state = "failed";
          setNote(item, `could not be read: ${e.error.code}: ${e.error.message}`);
          $("sweep-progress-list").prepend(item);
          this.redrawProgress(item);
        }
        this.showRunning();
        break;
      }
      case "regionDone":
        this.updateProgress(e.progress);
        break;
      case "finished":
        this.finish(e.outcome);
        break;
    }
  }

  /** The counts so far, while the sweep runs (not once a cancel is asked for). */
  showRunning() {
    if (!this.running || this.cancelAsked) return;
    this.setStatus("running", [`Sweeping… ${plural(this.apis, "API")} so far`, this.errors ? ` · ${plural(this.errors, "error")}` : ""]);
  }

  /** The sweep's end, from its `finished` event or its answer, whichever comes first (the same outcome).
   * @param {SweepOutcome} outcome */
  finish(outcome) {
    this.table.cancelled = outcome.cancelled;
    this.stop(() => {
      this.setStatus(outcome.cancelled ? "cancelled" : "done",
        outcome.cancelled ? [el("strong", {}, "Cancelled."), " ", outcome.line] : [outcome.line]);
      $("sweep-status").title = `Took ${(outcome.elapsedMs / 1000).toFixed(1)} s`;
    });
  }

  /** @param {() => void} say  sets the status line */
  stop(say) {
    const focusWasOnCancel = document.activeElement === $("sweep-cancel");
    this.running = false;
    this.table.phase = "after";
    this.table.schedule();
    $("sweep-cancel").hidden = true;
    this.updateStart();
    if (focusWasOnCancel) $("sweep-start").focus();
    say();
  }

  /**
   * @param {"running" | "done" | "cancelled" | "failed"} state
   * @param {(Node | string)[]} parts
   */
  setStatus(state, parts) {
    const status = $("sweep-status");
    status.dataset.state = state;
    status.removeAttribute("title");
    status.replaceChildren(...parts);
  }

  /** @param {SweepProgress[]} profiles */
  renderProgress(profiles) {
    this.progress = new Map(profiles.map((p) => {
      const name = this.nameOf(p.profile);
      return [p.profile, el("li", { class: "sweep-progress", "data-testid": "sweep-progress", "data-profile": p.profile },
        el("span", { class: "sweep-progress-name", title: name }, name),
        el("progress", { "aria-label": `${name}: regions swept` }),
        el("span", { class: "sweep-progress-count" }),
        el("span", { class: "sweep-account muted" }))];
    }));
    $("sweep-progress-list").replaceChildren(...this.progress.values());
    $("sweep-progress").hidden = profiles.length === 0;
    profiles.forEach((p) => this.updateProgress(p));
  }

  /** A line drawn again from what it holds, after its state changed. @param {HTMLElement} item */
  redrawProgress(item) {
    this.updateProgress({ profile: item.dataset.profile ?? "", done: Number(item.dataset.done), total: Number(item.dataset.total) });
  }

  /** @param {SweepProgress} p */
  updateProgress(p) {
    const item = this.progress.get(p.profile);
    if (!item) return;
    const bar = /** @type {HTMLProgressElement} */ (item.querySelector("progress"));
    bar.max = Math.max(1, p.total);
    bar.value = p.done;
    item.dataset.done = String(p.done);
    item.dataset.total = String(p.total);
    item.classList.toggle("complete", p.done >= p.total && !item.dataset.state);
    // A profile whose account another one swept reads nothing: its name, and the note beside it.
    // One that could not be read says so rather than count its regions "done".
    const state = item.dataset.state;
    /** @type {HTMLElement} */ (item.querySelector(".sweep-progress-count")).textContent = state === "same"
      ? "" : state === "failed" ? "not read" : sweepProgressText(p.done, p.total);
    $("sweep-progress-summary").textContent = sweepProgressSummary([...this.progress.values()].map((i) => ({
      state: i.dataset.state, done: Number(i.dataset.done), total: Number(i.dataset.total),
    })));
  }
}
