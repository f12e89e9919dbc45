// @ts-check
// Gatehouse's page, booted: the store's views, each given the narrow host of what it may ask of
// the page, and the place (place.js), which reads what the profile, region and API show.

import * as api from "./api.js";
import { wireDialogs } from "./dialogs.js";
import { $, setStatus, showErrorBar, hideErrorBar } from "./dom.js";
import { Place } from "./place.js";
import { wireRadios } from "./radios.js";
import { Shell } from "./shell.js";
import { store } from "./state.js";
import { initTheme } from "./theme.js";
import { ApisView } from "./views/apis.js";
import { AuthorizerDialog } from "./views/authorizer-dialog.js";
import { AuthorizersView } from "./views/authorizers.js";
import { CorsDialog } from "./views/cors.js";
import { TemplateDialog } from "./views/template.js";
import { ExportDialog } from "./views/export.js";
import { DeployDialog } from "./views/deploy.js";
import { History } from "./views/history.js";
import { MfaPrompt } from "./views/mfa.js";
import { PoolsView } from "./views/pools.js";
import { ProfilesView } from "./views/profiles.js";
import { Protect } from "./views/protect.js";
import { ReviewView } from "./views/review.js";
import { ShortcutsDialog } from "./views/shortcuts.js";
import { SsoSignIn } from "./views/sso.js";
import { SweepView } from "./views/sweep.js";
import { Tabs } from "./views/tabs.js";
import { TokenPanel } from "./views/token.js";
import { TopBar } from "./views/topbar.js";

/** @typedef {import("./bindings/ErrorView").ErrorView} ErrorView */

function boot() {
  initTheme();
  wireDialogs();
  wireRadios();
  /** The error bar, with Retry when trying again may help; SSO and MFA offer their way out there.
   * @param {Partial<ErrorView>} e @param {() => void} [retry] */
  const showError = (e, retry) => {
    showErrorBar(e, retry);
    sso.errorShown(e);
    mfa.errorShown(e);
  };
  const place = new Place({ showError, hideError: hideErrorBar, revealApi: (id) => apis.reveal(id) });
  const refreshReview = () => place.refreshReview();
  const reloadProfiles = () => place.reloadProfiles();
  const reloadAll = () => { place.reloadAll(); };

  // The tabs first: a view that loads when shown finds its panel visible.
  new Tabs();
  new TopBar({ chooseProfile: (id) => place.chooseProfile(id), chooseRegion: (region) => place.chooseRegion(region) });
  const apis = new ApisView({ selectApi: (id) => place.selectApi(id) });
  const review = new ReviewView({ fixCors: () => cors.openFix() });
  const dialog = new AuthorizerDialog({ showError });
  // A CORS fix changed gateway responses, not methods: its own dialog undoes it.
  const historyView = new History({ showError, startUndo: (a) => (a.action === "cors" ? cors.openUndo(a) : protect.startUndo(a)) });
  const template = new TemplateDialog();
  new ExportDialog();
  const protect = new Protect({
    showError, refreshReview, loadHistory: () => historyView.loadIfShown(),
    changeTemplate: (methods, authorizer, scopes) => template.open(methods, authorizer, scopes),
    chooseTemplateAuthorizer: (then) => dialog.openForTemplate(then),
    newAuthorizer: () => dialog.openCreate(async (a) => {
      setStatus(`Authorizer ${a.name} created.`);
      await place.refreshReview(a.id);
    }),
  });
  new DeployDialog({ refreshReview, loadHistory: () => historyView.loadIfShown() });
  const cors = new CorsDialog({ refreshReview, loadHistory: () => historyView.loadIfShown() });
  new TokenPanel({ setVerdicts: (verdicts) => review.table.setVerdicts(verdicts) });
  new AuthorizersView({
    showError, refreshReview,
    editAuthorizer: (a) => dialog.openEdit(a, async () => {
      setStatus(`Authorizer ${a.name} saved.`);
      await place.refreshReview();
    }),
  });
  new PoolsView({ showError });
  new ProfilesView({ showError, reloadProfiles });
  const sso = new SsoSignIn({ reloadProfiles, reloadAll });
  const mfa = new MfaPrompt({ reloadAll });
  new SweepView({ openApi: (profile, region, apiId) => place.openApi(profile, region, apiId), reloadProfiles });

  // Behind a dialog the Refresh button is out of reach, and so are the shortcuts.
  const refresh = () => { if (!document.querySelector("dialog[open]")) place.refresh(); };
  /** Find (Ctrl+F, View → Find): the filter of the view shown takes the focus. */
  const find = () => {
    if (document.querySelector("dialog[open]")) return;
    const id = store.tab === "tab-sweep" ? "sweep-filter" : store.tab === "tab-review" && review.shown ? "path-filter" : "api-filter";
    $(id).focus();
    $(id).select();
  };
  const shortcuts = new ShortcutsDialog();
  const shell = new Shell({ refresh, find, shortcuts: () => shortcuts.open() });
  $("refresh").addEventListener("click", refresh);
  $("error-dismiss").addEventListener("click", () => hideErrorBar());

  // The window's title, and what the next start reopens, follow the profile, region and open API
  // (kept by Rust in a file at once: a page's localStorage reaches the disk a while later, and a
  // window closed meanwhile would forget the last step).
  store.on("place", () => {
    const { profile, region } = store.ctx();
    if (profile) api.rememberPlace({ profile, region, apiId: store.apiId }).catch(() => {});
    shell.setTitle({ api: store.apiId && store.apiName(store.apiId), profile: store.currentProfile()?.name, region });
  });

  shell.start();
  place.start();
}

window.addEventListener("DOMContentLoaded", boot);
