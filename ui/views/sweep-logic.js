// @ts-check
// The sweep's pure helpers: its rows' order, the text filter, and how a count reads.

import { profileLabel } from "./profile-logic.js";

/** @typedef {import("../bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("../bindings/SweepRow").SweepRow} SweepRow */
/** @typedef {import("../bindings/SweepError").SweepError} SweepError */
/** @typedef {import("../bindings/ManagedBy").ManagedBy} ManagedBy */
/** A column of the sweep's table. @typedef {"profile" | "account" | "region" | "kind" | "name" | "methods" | "open" | "protected" | "owner"} SweepColumn */
/** @typedef {{column: SweepColumn, descending: boolean}} SweepSort */
/** A row with what its cells show: the profile's name, the owner; `haystack` is what the filter searches.
 * @typedef {{row: SweepRow, profileName: string, owner: string, haystack: string}} SweepLine */

/** Open APIs first (most open methods first), then by profile, region and name, as Rust's report. */
export const DEFAULT_SWEEP_SORT = /** @type {SweepSort} */ ({ column: "open", descending: true });

const NUMERIC_COLUMNS = new Set(["methods", "open", "protected"]);

/** Who manages an API: its CloudFormation stack's name, else the tool Rust names; "" for none.
 * @param {ManagedBy | null} managedBy */
export const ownerText = (managedBy) => managedBy?.stack ?? managedBy?.text ?? "";

/**
 * What each profile is called in the sweep: its name, or its picker label when two share a name.
 * @param {ProfileInfo[]} profiles
 * @returns {Map<string, string>}  by profile id
 */
export function sweepProfileNames(profiles) {
  const count = new Map();
  for (const p of profiles) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  return new Map(profiles.map((p) => [p.id, count.get(p.name) > 1 ? profileLabel(p) : p.name]));
}

/**
 * What an account reached through a sign-in or an organization is called in the sweep: its name,
 * id and role ("Member03 (200000000003) · AuditRole") from its profile id
 * (`sso:BASE/ACCOUNT/ROLE`, `org:BASE/ACCOUNT/ROLE`); any other profile, by the name given.
 * @param {string} profileId @param {string} accountName
 */
export function accountLabel(profileId, accountName) {
  const m = /^(?:sso|org):.+\/(\d{12})\/([^/]+)$/.exec(profileId);
  return m ? `${accountName || m[1]} (${m[1]}) · ${m[2]}` : accountName;
}

/** @param {SweepRow} row @param {string} profileName @returns {SweepLine} */
export function sweepLine(row, profileName) {
  const owner = ownerText(row.managedBy);
  const haystack = [row.profile, profileName, row.account, row.region, row.kind, row.name, row.apiId, owner].join("\n").toLowerCase();
  return { row, profileName, owner, haystack };
}

/** Whether a line passes the filter. @param {SweepLine} line @param {string} text  any case; blank passes all */
export const sweepLineMatches = (line, text) => !text.trim() || line.haystack.includes(text.trim().toLowerCase());

/** Whether an error row passes the filter (its profile, account, region, code and message).
 * @param {SweepError} e @param {string} profileName @param {string} text */
export function sweepErrorMatches(e, profileName, text) {
  const needle = text.trim().toLowerCase();
  return !needle || [e.profile, profileName, e.account ?? "", e.region ?? "every region", e.code, e.message]
    .join("\n").toLowerCase().includes(needle);
}

const cmp = (/** @type {string | number} */ a, /** @type {string | number} */ b) => (a < b ? -1 : a > b ? 1 : 0);

/** What a column sorts by: text without case, numbers as numbers.
 * @param {SweepLine} line @param {SweepColumn} column @returns {string | number} */
function sortValue(line, column) {
  if (column === "profile") return line.profileName.toLowerCase();
  if (column === "owner") return line.owner.toLowerCase();
  if (column === "name") return line.row.name.toLowerCase();
  return line.row[column];
}

/**
 * The order of two lines: by the sorted column, ties by the default order (open first, then
 * profile, region, name, id).
 * @param {SweepLine} a @param {SweepLine} b @param {SweepSort} sort
 * @returns {number}
 */
export function compareSweepLines(a, b, sort) {
  const first = cmp(sortValue(a, sort.column), sortValue(b, sort.column));
  if (first) return sort.descending ? -first : first;
  return cmp(b.row.open, a.row.open) || cmp(a.row.profile, b.row.profile) || cmp(a.row.region, b.row.region)
    || cmp(a.row.name.toLowerCase(), b.row.name.toLowerCase()) || cmp(a.row.apiId, b.row.apiId);
}

/** Error rows by profile, then region (a whole profile's error first). @param {SweepError} a @param {SweepError} b */
export const compareSweepErrors = (a, b) => cmp(a.profile, b.profile) || cmp(a.region ?? "", b.region ?? "");

/**
 * Where an item goes in a sorted list so that it stays sorted (after its equals): a row that
 * arrives is inserted there rather than the table sorted again.
 * @template T @param {T[]} sorted @param {T} item @param {(a: T, b: T) => number} compare
 * @returns {number}
 */
export function sortedIndex(sorted, item, compare) {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid], item) <= 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** A click on a column's header: the same column turns around; another starts with the most
 * (numbers) or A to Z (text). @param {SweepSort} sort @param {SweepColumn} column @returns {SweepSort} */
export const nextSweepSort = (sort, column) => (sort.column === column
  ? { column, descending: !sort.descending }
  : { column, descending: NUMERIC_COLUMNS.has(column) });

/** The Open cell: "2 open", or "none open". @param {number} open */
export const openText = (open) => (open > 0 ? `${open} open` : "none open");

/**
 * Where an error row happened: the profile, with its account (and the account's name, when the
 * portal or the organization gave one) unless the profile's name already says it.
 * @param {SweepError} e @param {string} profileName
 */
export function sweepErrorWhere(e, profileName) {
  const region = e.region ?? "every region";
  if (!e.account || profileName.includes(e.account)) return `${profileName} · ${region}`;
  const account = e.accountName ? `${e.accountName} (${e.account})` : e.account;
  return e.accountName ? `${profileName} · ${account} · ${region}` : `${profileName} (${account}) · ${region}`;
}

/** A profile's progress: "5 of 17 regions" (one form for any count, "1 of 1 regions" too).
 * @param {number} done @param {number} total */
export const sweepProgressText = (done, total) => `${done} of ${total} regions`;

/**
 * The line above the progress list: how many profiles and accounts are swept, how many could not
 * be read, how many reach an account another one swept.
 * @param {{state?: string, done: number, total: number}[]} items  each one's state ("failed",
 *   "same" or none) and its regions done
 */
export function sweepProgressSummary(items) {
  const failed = items.filter((i) => i.state === "failed").length;
  const same = items.filter((i) => i.state === "same").length;
  const swept = items.filter((i) => !i.state && i.total > 0 && i.done >= i.total).length;
  const each = items.length === 1 ? "profile or account" : "profiles and accounts";
  return `${swept} of ${items.length - same} ${each} swept`
    + (failed ? ` · ${failed} could not be read` : "")
    + (same ? ` · ${same} the same account as another, swept once` : "");
}

/** Why Sweep cannot start yet, or null when it can. @param {number} profiles @param {number} regions */
export function sweepStartProblem(profiles, regions) {
  if (!profiles && !regions) return "Tick at least one profile and one region.";
  if (!profiles) return "Tick at least one profile.";
  if (!regions) return "Tick at least one region.";
  return null;
}

/** Profiles swept unless unticked: all but the environment's credentials (often a CI's, or a
 * leftover of another shell) and the accounts a sign-in reaches (ticked with "Every account").
 * @param {ProfileInfo} p */
export const sweptByDefault = (p) => p.source !== "env" && p.source !== "account";
