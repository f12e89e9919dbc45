// @ts-check
// The Token panel's pure helpers: how a verdict and a signature read, which methods AWS's
// authorizer test and the curl line can take, and where the API's users probably sign in.

/** @typedef {import("../bindings/MethodView").MethodView} MethodView */
/** @typedef {import("../bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("../bindings/AuthorizerView").AuthorizerView} AuthorizerView */
/** @typedef {import("../bindings/PoolRef").PoolRef} PoolRef */
/** @typedef {import("../bindings/Verdict").Verdict} Verdict */
/** @typedef {import("../bindings/Signature").Signature} Signature */
/** @typedef {import("../bindings/TokenUse").TokenUse} TokenUse */

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

/**
 * Where the API's users sign in: the pool of its first authorizer that trusts one (as Rust
 * reads it from a Cognito authorizer's ARN or a JWT authorizer's issuer); null when none does.
 * @param {AuthorizerView[]} authorizers
 * @returns {PoolRef | null}
 */
export const signInPool = (authorizers) => authorizers.find((a) => a.pool)?.pool ?? null;
