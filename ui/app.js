// @ts-check
// Gatehouse's page: the top bar (profile, region, identity), the APIs list, and the views.
// Every answer is checked against the generation it was asked for, so a slow answer for the
// previous profile or region never lands on the screen of the new one.

import * as api from "./api.js";
import { $, el, busy, setStatus, showErrorBar, hideErrorBar, wireTabs } from "./dom.js";
import { ReviewTable } from "./review.js";
import { PoolsView } from "./pools.js";
import { AuthorizerDialog, renderAuthorizers } from "./authorizers.js";
import { Protect, History } from "./protect.js";
import { ProfilesView } from "./profiles.js";
import { TokenPanel } from "./token.js";
import { renderApiList } from "./apis.js";
import { SsoSignIn } from "./sso.js";
import { MfaPrompt } from "./mfa.js";
import { SweepView } from "./sweep.js";
import { initTheme } from "./theme.js";
import { Shell } from "./shell.js";
import { notReviewedText, profileLabel } from "./logic.js";
import { store } from "./state.js";

/** @typedef {import("./bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("./bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("./bindings/Api").Api} Api */
/** @typedef {import("./api.js").ApiReview} ApiReview */
/** @typedef {import("./api.js").Authorizer} Authorizer */
/** @typedef {import("./api.js").Ctx} Ctx */

const OTHER_REGION = "__other__";

class App {
  constructor() {
    this.review = new ReviewTable((sel) => this.onSelection(sel));
    this.token = new TokenPanel(this);
    this.pools = new PoolsView(this);
    this.authDialog = new AuthorizerDialog(this);
    this.protect = new Protect(this);
    this.history = new History(this);
    this.profilesView = new ProfilesView(this);
    this.sso = new SsoSignIn(this);
    this.mfa = new MfaPrompt(this);
    this.sweep = new SweepView(this);
    this.shell = new Shell({ refresh: () => this.refresh(), find: () => this.findFilter() });
  }

  async start() {
    initTheme();
    this.wire();
    this.shell.start();
    try {
      store.regions = await api.listRegions();
      store.profiles = await api.listProfiles();
    } catch (e) {
      this.showError(e, () => this.start());
      return;
    }
    this.fillRegions(store.regions);
    this.pools.fillRegions(store.regions);
    this.authDialog.fillRegions(store.regions);
    this.fillProfiles();
    this.sweep.setProfiles(store.profiles);
    this.sweep.ensureLoaded();
    const select = $("profile");
    if (store.profiles.length === 0) {
      select.append(el("option", { value: "" }, "No AWS profiles found"));
      this.showError({ kind: "no-credentials", message: "No AWS profiles were found in ~/.aws/config, ~/.aws/credentials or the environment.",
        hint: "Run `aws configure`, set AWS_PROFILE / AWS_ACCESS_KEY_ID, or add a profile, then retry." }, () => location.reload());
      return;
    }
    // Where the last run left off: its profile, then its region and open API (when still there).
    const last = await api.lastPlace().catch(() => null);
    if (last && store.profiles.some((p) => p.id === last.profile)) {
      select.value = last.profile;
      await this.profileChanged({ region: last.region, apiId: last.apiId });
    } else {
      await this.profileChanged();
    }
  }

  fillProfiles() {
    $("profile").replaceChildren(...store.profiles.map((p) =>
      el("option", { value: p.id, "data-source": p.source, "data-sso": p.sso?.status }, profileLabel(p))));
  }

  /** After a keychain profile is saved or deleted, or an SSO sign-in: refresh the picker, keep the choice if it still exists. */
  async reloadProfiles() {
    const current = $("profile").value;
    store.profiles = await api.listProfiles();
    this.fillProfiles();
    this.sweep.setProfiles(store.profiles);
    if (store.profiles.some((p) => p.id === current)) {
      $("profile").value = current;
      this.sso.update();
    } else if (store.profiles.length) {
      await this.profileChanged();
    }
  }

  wire() {
    $("profile").addEventListener("change", () => this.profileChanged());
    $("region").addEventListener("change", () => {
      if ($("region").value === OTHER_REGION) {
        $("region-other").hidden = false;
        $("region-other").focus();
        return;
      }
      $("region-other").hidden = true;
      this.reloadAll();
    });
    $("region-other").addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.useOtherRegion($("region-other").value.trim());
      if (e.key === "Escape") { $("region-other").hidden = true; $("region").value = store.lastRegion; }
    });
    $("refresh").addEventListener("click", () => this.refresh());
    $("error-dismiss").addEventListener("click", () => this.hideError());
    $("api-filter").addEventListener("input", () => this.renderApis());
    $("path-filter").addEventListener("input", () => this.review.setFilter(null, $("path-filter").value));
    for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="show"]'))) {
      radio.addEventListener("change", () => this.review.setFilter(/** @type {import("./logic.js").Show} */ (radio.value), null));
    }
    $("select-open").addEventListener("click", () => this.review.selectOpenExceptOptions());
    $("select-none").addEventListener("click", () => this.review.setSelection([]));
    $("authorizer-create").addEventListener("click", () => this.authDialog.openCreate(async (a) => {
      setStatus(`Authorizer ${a.name} created.`);
      await this.refreshReview(a.id);
    }));
    wireTabs((id) => this.showTab(id));
  }

  /**
   * ↻ Refresh (the button, F5, Ctrl+R, View → Refresh): a new session, everything loaded again;
   * the open API stays open, read again, unless it is gone.
   */
  async refresh() {
    if (document.querySelector("dialog[open]")) return;  // the button is out of reach behind a dialog
    const apiId = store.apiId;
    await api.forgetSession(store.ctx().profile).catch(() => {});
    await this.reopen(this.reloadAll(), apiId);
  }

  /**
   * Opens `apiId` again once the list being loaded is shown, if it is still listed and nothing
   * else was opened or switched to meanwhile.
   * @param {Promise<boolean>} listed  reloadAll's answer
   * @param {string | null | undefined} apiId
   */
  async reopen(listed, apiId) {
    const gen = store.gen;
    if (apiId && await listed && gen === store.gen && store.apiId === null && store.apis.some((a) => a.id === apiId)) {
      await this.selectApi(apiId);
    }
  }

  /** Find (Ctrl+F, View → Find): the filter of the view shown takes the focus. */
  findFilter() {
    if (document.querySelector("dialog[open]")) return;
    const id = !$("view-sweep").hidden ? "sweep-filter"
      : !$("view-review").hidden && !$("review").hidden ? "path-filter"
        : "api-filter";
    $(id).focus();
    $(id).select();
  }

  /**
   * The window's title, and what the next start reopens, follow the profile, region and open API
   * (kept by Rust in a file at once: a page's localStorage reaches the disk a while later, and a
   * window closed meanwhile would forget the last step).
   */
  placeChanged() {
    const { profile, region } = store.ctx();
    if (profile) api.rememberPlace({ profile, region, apiId: store.apiId }).catch(() => {});
    this.shell.setTitle({ api: store.apiId && store.apiName(store.apiId), profile: store.currentProfile()?.name, region });
  }

  showTab(/** @type {string} */ id) {
    for (const tab of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[role="tab"]'))) {
      const on = tab.id === id;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !on;
    }
    if (id === "tab-pools") this.pools.ensureLoaded();
    if (id === "tab-history") this.history.load();
    if (id === "tab-profiles") this.profilesView.load();
    if (id === "tab-sweep") this.sweep.ensureLoaded();
  }

  /**
   * @param {string[]} regions
   * @param {string} [extra]  a region the list lacks (the profile's, or one typed in)
   */
  fillRegions(regions, extra) {
    const all = extra && !regions.includes(extra) ? [...regions, extra] : regions;
    $("region").replaceChildren(
      ...all.map((r) => el("option", { value: r }, r)),
      el("option", { value: OTHER_REGION }, "Other region…"));
  }

  /** A region typed in; Rust refuses one that is not a region name when it is used. */
  useOtherRegion(/** @type {string} */ region) {
    this.fillRegions(store.regions, region);
    $("region").value = region;
    $("region-other").hidden = true;
    this.reloadAll();
  }

  /** The picker now shows `profile`: its SSO offer updated (the next start reopens it once its region loads). */
  profileChosen() {
    this.sso.update();
  }

  /**
   * @param {{region: string | null, apiId: string | null}} [resume]  the region and API the last
   *   run had open: the region instead of the profile's, the API once listed (if it still is)
   */
  async profileChanged(resume) {
    const profile = $("profile").value;
    this.profileChosen();
    const gen = ++store.gen;
    let region = resume?.region;
    if (!region) {
      try {
        region = await api.defaultRegion(profile);
      } catch (e) {
        region = "us-east-1";
      }
    }
    if (gen !== store.gen) return;
    this.fillRegions(store.regions, region);
    $("region").value = region;
    await this.reopen(this.reloadAll(), resume?.apiId);
  }

  /**
   * Everything shown belongs to one profile and region: clear it all and load it again.
   * @returns {Promise<boolean>}  resolves once the APIs list is shown (false: it failed, or another switch came first)
   */
  reloadAll() {
    const gen = ++store.gen;
    const ctx = store.ctx();
    store.lastRegion = ctx.region;
    this.hideError();
    store.apis = [];
    store.apisLoaded = false;
    store.apiId = null;
    store.openCounts.clear();
    this.renderApis();
    this.clearReview();
    this.pools.reset(ctx.region);
    this.placeChanged();
    $("identity").textContent = "Checking identity…";
    $("identity").removeAttribute("title");

    api.callerIdentity(ctx).then((id) => {
      if (gen !== store.gen) return;
      $("identity").replaceChildren("Account ", el("strong", {}, id.account), " · ", id.arn);
      $("identity").title = id.arn;
      this.sso.identityLoaded();
    }).catch((e) => {
      if (gen !== store.gen) return;
      $("identity").textContent = "Identity unknown";
      this.mfa.callFailed(e);
    });

    const done = busy("apis-progress", `Loading APIs in ${ctx.region}…`);
    const listing = api.listApis(ctx).then((apis) => {
      if (gen !== store.gen) return false;
      store.apis = apis;
      store.apisLoaded = true;
      this.renderApis();
      setStatus(`${apis.length} API${apis.length === 1 ? "" : "s"} in ${ctx.region}`);
      return true;
    }).catch((e) => {
      if (gen !== store.gen) return false;
      // Bad input (a region that is no region name) gives the same answer again: no Retry.
      this.showError(e, e.kind === "invalid" ? undefined : () => this.reloadAll());
      return false;
    }).finally(() => {
      if (gen === store.gen) done(); else $("apis-progress").hidden = true;
      if (store.listing === listing) store.listing = null;
    });
    store.listing = listing;

    if (!$("view-pools").hidden) this.pools.ensureLoaded();
    return listing;
  }

  /**
   * Opens an API of any profile and region (a sweep's row): the pickers switch to them, that
   * region's APIs list loads (or the load under way is awaited), then the API is selected as a
   * click in the list selects it, in the Review tab.
   * @param {string} profileId
   * @param {string} region
   * @param {string} apiId
   * @returns {Promise<boolean>}  false when it is gone, the list failed, or the user switched again meanwhile
   */
  async openApi(profileId, region, apiId) {
    if (!store.profiles.some((p) => p.id === profileId)) {
      this.showError({ kind: "not-found", message: `The profile ${profileId} is no longer in the picker.` });
      return false;
    }
    this.showTab("tab-review");
    $("tab-review").focus();
    const here = $("profile").value === profileId && $("region").value === region;
    if (!here) {
      if ($("profile").value !== profileId) {
        $("profile").value = profileId;
        this.profileChosen();
      }
      this.fillRegions(store.regions, region);
      $("region").value = region;
      $("region-other").hidden = true;
    }
    // The list shown serves, unless it lacks the API (listed before it was made): then it loads again.
    const listed = here && store.apisLoaded && store.apis.some((a) => a.id === apiId) ? Promise.resolve(true)
      : here && store.listing ? store.listing
        : this.reloadAll();
    const gen = store.gen;
    if (!(await listed) || gen !== store.gen) return false;
    const info = store.apis.find((a) => a.id === apiId);
    if (!info) {
      this.showError({ kind: "not-found", message: `The API ${apiId} is no longer in ${region}.`, hint: "Sweep again to see the APIs as they are now." });
      return false;
    }
    // A filter that hides the API in the list would hide which one is open.
    if (!info.name.toLowerCase().includes($("api-filter").value.trim().toLowerCase())) {
      $("api-filter").value = "";
      this.renderApis();
    }
    await this.selectApi(apiId);
    document.querySelector(`[data-testid="api-item"][data-api-id="${CSS.escape(apiId)}"]`)?.scrollIntoView({ block: "nearest" });
    return gen === store.gen && store.apiId === apiId;
  }

  renderApis() {
    renderApiList(store.apis, {
      filter: $("api-filter").value, selectedId: store.apiId, openCounts: store.openCounts, loaded: store.apisLoaded,
      onSelect: (id) => this.selectApi(id),
    });
  }

  clearReview() {
    store.apiGen++;
    this.review.clear();
    this.token.reset();
    store.lastReview = null;
    renderAuthorizers(this, null);
    this.showOwner(null);
    $("undeployed-banner").hidden = true;
    $("review").hidden = true;
    $("review-unsupported").hidden = true;
    $("review-placeholder").hidden = false;
  }

  async selectApi(/** @type {string} */ apiId) {
    const gen = store.gen;
    const apiGen = ++store.apiGen;
    store.apiId = apiId;
    this.placeChanged();
    for (const item of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-testid="api-item"]'))) {
      item.setAttribute("aria-selected", String(item.dataset.apiId === apiId));
    }
    this.showTab("tab-review");
    const apiInfo = store.apis.find((a) => a.id === apiId);
    this.review.clear();
    this.token.reset();
    store.lastReview = null;
    $("review-placeholder").hidden = true;
    const why = apiInfo ? notReviewedText(apiInfo) : null;
    // A WebSocket API is listed, not opened: the review area says why.
    $("review-unsupported").hidden = !why;
    $("review").hidden = !!why;
    if (why) {
      renderAuthorizers(this, null);
      $("unsupported-title").textContent = apiInfo.name;
      $("unsupported-text").textContent = why;
      return;
    }
    $("review-title").textContent = apiInfo ? apiInfo.name : apiId;
    this.showOwner(apiInfo?.managedBy ?? null);
    $("review-kind").hidden = apiInfo?.kind !== "HTTP";
    $("review-kind").textContent = "HTTP API";
    $("review-cors").hidden = true;
    $("review-summary").textContent = "Loading methods…";
    await this.loadReview(gen, apiGen, apiId, false);
  }

  /**
   * Who manages the open API, under its name: a CloudFormation stack is a warning (it undoes
   * changes made here at its next update); another tool is only named.
   * @param {import("./bindings/ManagedBy").ManagedBy | null} managedBy
   */
  showOwner(managedBy) {
    const note = $("api-owner");
    note.hidden = !managedBy;
    note.classList.toggle("stack", !!managedBy?.stack);
    note.title = managedBy ? "As the API's tags say" : "";
    note.textContent = !managedBy ? ""
      : managedBy.stack ? `Managed by CloudFormation stack ${managedBy.stack} — changes made here are undone by the next stack update`
        : managedBy.text;
  }

  /**
   * Reloads the open API from AWS, keeping the checked methods (after an apply, an undo…).
   * @param {string} [selectAuthorizerId]  the authorizer to select in the protect bar (just created)
   */
  async refreshReview(selectAuthorizerId) {
    if (!store.apiId) return;
    await this.loadReview(store.gen, store.apiGen, store.apiId, true, selectAuthorizerId);
  }

  markUndeployed() {
    const gen = store.gen, apiGen = store.apiGen;
    if (store.apiId) this.protect.refreshBanner(store.ctx(), store.apiId, () => gen === store.gen && apiGen === store.apiGen);
  }

  loadHistory() {
    if (!$("view-history").hidden) this.history.load();
  }

  editAuthorizer(/** @type {Authorizer} */ a) {
    this.authDialog.openEdit(a, async () => {
      setStatus(`Authorizer ${a.name} saved.`);
      await this.refreshReview();
    });
  }

  async deleteAuthorizer(/** @type {Authorizer} */ a) {
    try {
      await api.deleteAuthorizer(store.ctx(), store.apiId, a.id);
      setStatus(`Authorizer ${a.name} deleted.`);
      await this.refreshReview();
    } catch (e) {
      this.showError(e);
    }
  }

  /**
   * @param {number} gen
   * @param {number} apiGen
   * @param {string} apiId
   * @param {boolean} keepSelection
   * @param {string} [selectAuthorizerId]
   */
  async loadReview(gen, apiGen, apiId, keepSelection, selectAuthorizerId) {
    const done = busy("review-progress", "Loading methods…");
    try {
      const started = performance.now();
      const review = await api.reviewApi(store.ctx(), apiId);
      if (gen !== store.gen || apiGen !== store.apiGen) return;
      const arrived = performance.now();
      store.lastReview = review;
      this.review.render(review.methods, keepSelection);
      $("review-summary").textContent = review.summaryLine;
      $("review-kind").hidden = review.kind !== "HTTP";
      // An HTTP API's own CORS answers preflights before any route: say so under the title.
      $("review-cors").textContent = review.cors ?? "";
      $("review-cors").hidden = !review.cors;
      this.protect.fillAuthorizers(review.authorizers, review.kind, selectAuthorizerId);
      this.token.reviewLoaded(review, keepSelection);
      renderAuthorizers(this, review, store.apiName(apiId));
      this.protect.refreshBanner(store.ctx(), apiId, () => gen === store.gen && apiGen === store.apiGen);
      store.openCounts.set(apiId, review.summary.open - review.summary.openOptions);
      this.renderApis();
      /** @type {any} */ (window).__gatehouseTimings = { fetchMs: arrived - started, renderMs: performance.now() - arrived };
    } catch (e) {
      if (gen !== store.gen || apiGen !== store.apiGen) return;
      $("review-summary").textContent = "Could not load the methods.";
      this.showError(e, () => this.loadReview(gen, store.apiGen, apiId, keepSelection));
    } finally {
      done();
    }
  }

  onSelection(/** @type {Set<string>} */ selected) {
    $("selection-count").textContent = selected.size ? `${selected.size} selected` : "";
    this.protect?.updateButtons();
  }

  /** The error bar (dom.js), with Retry when trying again may help.
   * @param {Partial<ErrorView>} e @param {() => void} [retry] */
  showError(e, retry) {
    showErrorBar(e, retry);
    this.sso.errorShown(e);
    this.mfa.errorShown(e);
  }

  hideError() {
    hideErrorBar();
  }
}

const app = new App();
window.addEventListener("DOMContentLoaded", () => app.start());
