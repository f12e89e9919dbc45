// @ts-check
// The review table's pure helpers, free of the DOM so that node's test runner checks them: which
// methods a filter shows, which a selection takes, and which rows of a virtual list are in view.

/** @typedef {import("./bindings/MethodView").MethodView} MethodView */
/** Which methods the review shows: all, open (no authorization at all) or protected (any other).
 * @typedef {"all" | "open" | "protected"} Show */

/** "GET /pets": how a method is named in selections, plans and results. */
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
 * Where the API's users sign in, as its first Cognito authorizer says: the pool's region and id.
 * @param {Authorizer[]} authorizers
 * @returns {{region: string, poolId: string} | null}
 */
export function authorizerPool(authorizers) {
  for (const a of authorizers) {
    if (a.kind !== "COGNITO_USER_POOLS") continue;
    for (const arn of a.providerArns) {
      // arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID
      const [, , , region, , resource] = arn.split(":");
      const poolId = (resource ?? "").replace(/^userpool\//, "");
      if (region && poolId) return { region, poolId };
    }
  }
  return null;
}

/** Quotes a word for a POSIX shell: 'it'\''s'. @param {string} s */
export const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A curl request for one method of the deployed stage, carrying the token in the header its
 * authorizer reads: `curl -X POST -H 'Authorization: TOKEN' 'https://…/prod/purchase'`.
 * @param {{invokeBase: string, verb: string, path: string, header: string, token: string}} at
 * @returns {string}
 */
export function curlLine({ invokeBase, verb, path, header, token }) {
  const url = invokeBase.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`);
  const method = verb.toUpperCase() === "GET" ? "" : `-X ${verb.toUpperCase()} `;
  return `curl ${method}-H ${shellQuote(`${header}: ${token}`)} ${shellQuote(url)}`;
}
