// @ts-check
// The top bar: the profile and region pickers ("Other region…" takes a region typed in) and who
// the credentials are. It shows the store's place, and asks the place to change it.

import { $, el } from "../dom.js";
import { store } from "../state.js";
import { accountGroups, profileLabel } from "./profile-logic.js";

const OTHER_REGION = "__other__";

/**
 * What the top bar may ask of the page: another profile or region.
 * @typedef {{chooseProfile: (id: string) => void, chooseRegion: (region: string) => void}} TopBarHost
 */

export class TopBar {
  /** @param {TopBarHost} host */
  constructor(host) {
    const region = /** @type {HTMLSelectElement} */ ($("region"));
    const other = /** @type {HTMLInputElement} */ ($("region-other"));
    $("profile").addEventListener("change", () => host.chooseProfile($("profile").value));
    region.addEventListener("change", () => {
      if (region.value === OTHER_REGION) {
        other.hidden = false;
        other.focus();
        return;
      }
      host.chooseRegion(region.value);
    });
    // A region typed in: Rust refuses one that is not a region name when it is used.
    other.addEventListener("keydown", (e) => {
      if (e.key === "Enter") host.chooseRegion(other.value.trim());
      if (e.key === "Escape") { other.hidden = true; region.value = store.region; }
    });
    store.on("regions", () => this.showRegion());
    store.on("profiles", () => this.showProfiles());
    store.on("profile", () => { $("profile").value = store.profile; });
    store.on("region", () => this.showRegion());
    store.on("identity", () => this.showIdentity());
  }

  showProfiles() {
    const option = (/** @type {import("../bindings/ProfileInfo").ProfileInfo} */ p) =>
      el("option", { value: p.id, "data-source": p.source, "data-sso": p.sso?.status }, profileLabel(p));
    // The accounts a signed-in SSO profile reaches, in a group under it: "Team01 (200000000001) · ReadOnly".
    const groups = accountGroups(store.profiles);
    $("profile").replaceChildren(...(store.profiles.length
      ? [...store.profiles.filter((p) => p.source !== "account").map(option),
        ...groups.map((g) => el("optgroup", { label: `Accounts of ${g.base} (SSO)`, "data-testid": "profile-accounts" }, ...g.profiles.map(option)))]
      : [el("option", { value: "" }, "No AWS profiles found")]));
    $("profile").value = store.profile;
  }

  /** The regions, with the chosen one when the list lacks it (the profile's, or one typed in). */
  showRegion() {
    const select = /** @type {HTMLSelectElement} */ ($("region"));
    const chosen = store.region;
    const listed = [...select.options].some((o) => o.value === chosen);
    if (!listed || select.options.length < store.regions.length + 1) {
      const all = chosen && !store.regions.includes(chosen) ? [...store.regions, chosen] : store.regions;
      select.replaceChildren(...all.map((r) => el("option", { value: r }, r)), el("option", { value: OTHER_REGION }, "Other region…"));
    }
    if (chosen) select.value = chosen;
    $("region-other").hidden = true;
  }

  showIdentity() {
    const line = $("identity");
    const id = store.identity;
    if (id.state === "checking") {
      line.textContent = "Checking identity…";
      line.removeAttribute("title");
    } else if (id.state === "known") {
      line.replaceChildren("Account ", el("strong", {}, id.identity.account), " · ", id.identity.arn);
      line.title = id.identity.arn;
    } else {
      line.textContent = "Identity unknown";
    }
  }
}
