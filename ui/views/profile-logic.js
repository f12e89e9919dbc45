// @ts-check
// Profiles: how the picker names them, when to offer IAM Identity Center (SSO) sign-in, and what
// a call's error says about a role guarded by an MFA device. Free of the DOM.

/** @typedef {import("../bindings/ProfileInfo").ProfileInfo} ProfileInfo */

/** @type {Record<string, string>} */
const SOURCE_LABELS = { file: " (AWS files)", keychain: " (keychain)", env: "", account: "" };

/**
 * A profile as the picker reads it: an SSO profile with its sign-in state as Rust words it
 * ("corp (SSO · signed in until 18:40 UTC)", "corp (SSO · not signed in)"), the others with where
 * they come from ("team (AWS files)", "dev (keychain)").
 * @param {ProfileInfo} p @returns {string}
 */
export const profileLabel = (p) => (p.sso ? `${p.name} (SSO · ${p.sso.text})` : `${p.name}${SOURCE_LABELS[p.source] ?? ""}`);

/**
 * Whether to offer "Sign in with SSO" for a profile: an SSO profile whose sign-in is missing or
 * expired, or (given a call's error) one whose call failed for want of valid credentials.
 * @param {ProfileInfo | undefined} p
 * @param {{kind?: string} | null} [error]
 * @returns {boolean}
 */
export function ssoSignInNeeded(p, error) {
  if (!p?.sso) return false;
  if (error) return error.kind === "no-credentials" || error.kind === "expired";
  return p.sso.status !== "signedIn";
}

/** How long a sign-in code stays valid, in words: "10 minutes", "1 minute", "45 seconds".
 * @param {number} seconds @returns {string} */
export function validFor(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.round(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/**
 * What a call's error says about a role guarded by an MFA device: a code is needed (Rust's
 * ErrorView with field "mfaCode"), or STS refused the code sent; null for any other error. The
 * profile, role and device are read from Rust's message.
 * @param {{kind?: string, field?: string | null, message?: string} | null | undefined} e
 * @returns {{refused: boolean, profile: string, role: string, device: string} | null}
 */
export function mfaNeed(e) {
  const message = e?.message ?? "";
  if (e?.kind === "invalid" && e.field === "mfaCode") {
    const m = /^(.+?): an MFA code is required to assume (\S+) \(device ([^)]+)\)/.exec(message);
    return { refused: false, profile: m?.[1] ?? "", role: m?.[2] ?? "", device: m?.[3] ?? "" };
  }
  const m = e?.kind === "aws" ? /(\S+): assuming (\S+) with the MFA code was refused/.exec(message) : null;
  return m ? { refused: true, profile: m[1], role: m[2], device: "" } : null;
}

/**
 * The accounts SSO sign-ins reach, grouped by the sign-in, in the order Rust lists them.
 * @param {ProfileInfo[]} profiles @returns {{base: string, profiles: ProfileInfo[]}[]}
 */
export function accountGroups(profiles) {
  /** @type {Map<string, ProfileInfo[]>} */
  const by = new Map();
  for (const p of profiles) {
    if (p.source !== "account" || !p.account) continue;
    const list = by.get(p.account.base) ?? [];
    list.push(p);
    by.set(p.account.base, list);
  }
  return [...by].map(([base, list]) => ({ base, profiles: list }));
}

/**
 * "Every account of this sign-in": for each account `base` reaches, the id of its entry with the
 * first role of `preference` it offers (comma- or space-separated; none: an account's only role),
 * and the accounts left out with why.
 * @param {ProfileInfo[]} profiles @param {string} base @param {string} preference
 * @returns {{ids: string[], left: string[]}}
 */
export function everyAccount(profiles, base, preference) {
  const wanted = preference.split(/[,\s]+/).map((r) => r.trim()).filter(Boolean);
  /** @type {Map<string, ProfileInfo[]>} */
  const byAccount = new Map();
  for (const p of profiles) {
    if (p.source !== "account" || p.account?.base !== base) continue;
    const list = byAccount.get(p.account.accountId) ?? [];
    list.push(p);
    byAccount.set(p.account.accountId, list);
  }
  const ids = [];
  const left = [];
  for (const [id, entries] of byAccount) {
    const chosen = wanted.length
      ? wanted.map((r) => entries.find((e) => e.account?.role === r)).find(Boolean)
      : entries.length === 1 ? entries[0] : undefined;
    if (chosen) ids.push(chosen.id);
    else left.push(`${entries[0].account?.accountName} (${id})`);
  }
  return { ids, left };
}
