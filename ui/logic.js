// @ts-check
// The review table's pure helpers, free of the DOM so that node's test runner checks them: which
// methods a filter shows, which a selection takes, and which rows of a virtual list are in view.

/** @typedef {import("./bindings/MethodView").MethodView} MethodView */
/** @typedef {import("./bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("./bindings/Api").Api} Api */
/** Which methods the review shows: all, open (no authorization at all) or protected (any other).
 * @typedef {"all" | "open" | "protected"} Show */

/** "GET /pets"; an HTTP API's `$default` route is just "$default" (as Rust's model::method_key). */
export const methodKey = (/** @type {{verb: string, path: string}} */ m) => (m.path.startsWith("$") ? m.path : `${m.verb} ${m.path}`);

/**
 * The indices of the methods that pass the filters, in order.
 * @param {MethodView[]} views
 * @param {Show} show
 * @param {string} text  a part of the path, any case; blank for every path
 * @returns {number[]}
 */
export function filterMethods(views, show, text) {
  const needle = text.trim().toLowerCase();
  const shown = [];
  for (let i = 0; i < views.length; i++) {
    const v = views[i];
    const open = v.protection.kind === "open";
    if ((show === "all" || (show === "open") === open)
      && (!needle || v.path.toLowerCase().includes(needle))) shown.push(i);
  }
  return shown;
}

/**
 * The keys of a path's methods and those of every path under it: /pets takes /pets/{id}, not
 * /petshop; "/" (or "") takes everything.
 * @param {MethodView[]} views
 * @param {string} path
 * @returns {string[]}
 */
export function keysUnder(views, path) {
  const base = path.replace(/\/+$/, "");
  return views.filter((v) => !base || v.path === base || v.path.startsWith(`${base}/`)).map(methodKey);
}

/**
 * The keys "select all open except OPTIONS" takes, as Rust marks them.
 * @param {MethodView[]} views
 * @returns {string[]}
 */
export const openNotOptionsKeys = (views) => views.filter((v) => v.openNotOptions).map(methodKey);

/**
 * Which rows of a list of equally tall rows to put in the DOM for a scroll position, with a
 * margin of `overscan` rows each side, and the heights of the spacers standing for the rest.
 * @param {{count: number, scrollTop: number, viewport: number, rowHeight: number, overscan: number}} at
 *   scrollTop is measured from the first row (the table's header already taken off)
 * @returns {{first: number, end: number, above: number, below: number}}  rows [first, end); pixels
 */
export function visibleRows({ count, scrollTop, viewport, rowHeight, overscan }) {
  const top = Math.max(0, scrollTop);
  const first = Math.min(count, Math.max(0, Math.floor(top / rowHeight) - overscan));
  const end = Math.max(first, Math.min(count, Math.ceil((top + viewport) / rowHeight) + overscan));
  return { first, end, above: first * rowHeight, below: (count - end) * rowHeight };
}

// The Token panel's pure helpers: how a verdict and a signature read, which methods AWS's
// authorizer test can take, where the pool probably is, and the curl line.

/** @typedef {import("./bindings/Verdict").Verdict} Verdict */
/** @typedef {import("./bindings/Signature").Signature} Signature */
/** @typedef {import("./bindings/TokenUse").TokenUse} TokenUse */
/** @typedef {import("./bindings/Authorizer").Authorizer} Authorizer */

/** A badge's text and class; the class gives its colour and its symbol (so it reads without colour).
 * @typedef {{label: string, cls: string}} Badge */

/** @type {Record<Verdict, Badge>} */
const VERDICT_BADGES = {
  allow: { label: "Allowed", cls: "verdict-allow" },
  deny: { label: "Refused", cls: "verdict-deny" },
  open: { label: "Open", cls: "verdict-open" },
  unknown: { label: "Lambda decides", cls: "verdict-unknown" },
};

/** @param {Verdict} verdict @returns {Badge} */
export const verdictBadge = (verdict) => VERDICT_BADGES[verdict] ?? { label: String(verdict), cls: "badge-other" };

/** @type {Record<Signature, Badge>} */
const SIGNATURE_BADGES = {
  valid: { label: "Signature valid", cls: "sig-valid" },
  invalid: { label: "Signature invalid", cls: "sig-invalid" },
  unverified: { label: "Signature not verified", cls: "sig-unverified" },
};

/** @param {Signature} signature @returns {Badge} */
export const signatureBadge = (signature) => SIGNATURE_BADGES[signature] ?? { label: String(signature), cls: "badge-other" };

/** @param {TokenUse} use @returns {string} */
export const tokenUseLabel = (use) => ({ id: "ID token", access: "Access token" })[use] ?? "Not an ID or access token";

/**
 * The methods AWS's authorizer test can take: those with a Cognito authorizer.
 * @param {MethodView[]} views
 * @returns {MethodView[]}
 */
export const cognitoMethods = (views) => views.filter((v) => v.authorizationType === "COGNITO_USER_POOLS" && !!v.authorizerId);

/**
 * The methods the Token panel offers for "Test in AWS" and the curl line: a REST API's with a
 * Cognito authorizer, an HTTP API's routes with a JWT authorizer (curl only: AWS has no test there).
 * @param {MethodView[]} views
 * @param {ApiKind} kind
 * @returns {MethodView[]}
 */
export const tokenMethods = (views, kind) => (kind === "HTTP"
  ? views.filter((v) => v.authorizationType === "JWT" && !!v.authorizerId)
  : cognitoMethods(views));

/** A valid region or pool id piece: letters, digits, - and _. */
const plainId = (/** @type {string} */ s) => /^[A-Za-z0-9_-]+$/.test(s);

/**
 * A Cognito provider ARN's pool (`arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID`), as
 * Rust's model::pool_of_arn reads it; null for anything else.
 * @param {string} arn
 * @returns {{region: string, poolId: string} | null}
 */
export function poolOfArn(arn) {
  const [, , service, region, , resource] = arn.split(":");
  const poolId = (resource ?? "").replace(/^userpool\//, "");
  return service === "cognito-idp" && region && poolId && resource.startsWith("userpool/") ? { region, poolId } : null;
}

/**
 * The issuer a JWT authorizer needs for a Cognito pool, exactly (no trailing slash), as Rust's
 * model::pool_issuer writes it.
 * @param {string} region
 * @param {string} poolId
 */
export const poolIssuer = (region, poolId) => `https://cognito-idp.${region}.amazonaws.com/${poolId}`;

/**
 * A Cognito issuer's pool (`https://cognito-idp.REGION.amazonaws.com/POOL_ID`), as Rust's
 * model::pool_of_issuer reads it; null for another issuer.
 * @param {string | null} issuer
 * @returns {{region: string, poolId: string} | null}
 */
export function poolOfIssuer(issuer) {
  const m = /^https:\/\/cognito-idp\.([^./]+)\.amazonaws\.com(?:\.cn)?\/([^/]+)$/.exec(issuer ?? "");
  return m && plainId(m[1]) && plainId(m[2]) && m[2].includes("_") ? { region: m[1], poolId: m[2] } : null;
}

/**
 * The user pool an authorizer trusts: a Cognito authorizer's first pool, a JWT authorizer's
 * Cognito issuer; null for a Lambda authorizer or another issuer.
 * @param {Authorizer} a
 * @returns {{region: string, poolId: string} | null}
 */
export function poolOfAuthorizer(a) {
  if (a.kind === "JWT") return poolOfIssuer(a.issuer);
  if (a.kind !== "COGNITO_USER_POOLS") return null;
  for (const arn of a.providerArns) {
    const pool = poolOfArn(arn);
    if (pool) return pool;
  }
  return null;
}

/**
 * Where the API's users sign in, as its first Cognito (REST) or JWT (HTTP) authorizer with a
 * Cognito pool says: the pool's region and id.
 * @param {Authorizer[]} authorizers
 * @returns {{region: string, poolId: string} | null}
 */
export function authorizerPool(authorizers) {
  for (const a of authorizers) {
    const pool = poolOfAuthorizer(a);
    if (pool) return pool;
  }
  return null;
}

// The kinds of API: how the list marks them, which authorizers protect them, how History reads.

/** The small tag beside an API's name in the list; none for a REST API.
 * @param {ApiKind} kind @returns {string | null} */
export const apiKindTag = (kind) => ({ HTTP: "HTTP", WEBSOCKET: "WebSocket" })[kind] ?? null;

/**
 * Why an API is listed but not opened (a WebSocket API); null for one Gatehouse reviews.
 * @param {Api} api
 * @returns {string | null}
 */
export const notReviewedText = (api) => (api.kind === "WEBSOCKET"
  ? `${api.name} is a WebSocket API: its routes are chosen by the message's content, and API Gateway has no JWT authorizer for them; Gatehouse reviews REST and HTTP APIs.`
  : null);

/** The authorizers the protect bar offers: an HTTP API's JWT authorizers, a REST API's Cognito ones.
 * @template {Authorizer} A @param {A[]} authorizers @param {ApiKind} kind @returns {A[]} */
export const protectAuthorizers = (authorizers, kind) =>
  authorizers.filter((a) => a.kind === (kind === "HTTP" ? "JWT" : "COGNITO_USER_POOLS"));

/** A History entry's deployment: "live on $default (auto-deploy)" for a stage that deploys by
 * itself, else "deployed to prod". @param {string} deployed */
export const deployedText = (deployed) => (/\(auto-deploy\)$/.test(deployed) ? `live on ${deployed}` : `deployed to ${deployed}`);

// Profiles in the picker, and IAM Identity Center (SSO) sign-in.

/** @typedef {import("./bindings/ProfileInfo").ProfileInfo} ProfileInfo */

/** @type {Record<string, string>} */
const SOURCE_LABELS = { file: " (AWS files)", keychain: " (keychain)", env: "" };

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

// The sweep's table: its rows' order, the text filter, and how a count reads.

/** @typedef {import("./bindings/SweepRow").SweepRow} SweepRow */
/** @typedef {import("./bindings/SweepError").SweepError} SweepError */
/** @typedef {import("./bindings/ManagedBy").ManagedBy} ManagedBy */
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

/** A profile's progress: "dev: 5 of 17 regions" (one line for any count, "1 of 1 regions" too).
 * @param {string} name @param {number} done @param {number} total */
export const sweepProgressText = (name, done, total) => `${name}: ${done} of ${total} regions`;

/** Why Sweep cannot start yet, or null when it can. @param {number} profiles @param {number} regions */
export function sweepStartProblem(profiles, regions) {
  if (!profiles && !regions) return "Tick at least one profile and one region.";
  if (!profiles) return "Tick at least one profile.";
  if (!regions) return "Tick at least one region.";
  return null;
}

/** Profiles swept unless unticked: all but the environment's credentials (often a CI's, or a
 * leftover of another shell). @param {ProfileInfo} p */
export const sweptByDefault = (p) => p.source !== "env";
