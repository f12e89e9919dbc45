// @ts-check
// The only module that talks to the Rust side, through Tauri's own JS API (the global that
// `app.withGlobalTauri` injects). Every call returns a promise of a type from ui/bindings/, which is
// generated from the Rust types; errors reject with an `ErrorView` ({kind, code, message, hint, field}).

/** @typedef {import("./bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("./bindings/AppClient").AppClient} AppClient */
/** @typedef {import("./bindings/ApplyEvent").ApplyEvent} ApplyEvent */
/** @typedef {import("./bindings/ApplyReport").ApplyReport} ApplyReport */
/** @typedef {import("./bindings/ApplySummary").ApplySummary} ApplySummary */
/** @typedef {import("./bindings/AuthorizerInput").AuthorizerInput} AuthorizerInput */
/** @typedef {import("./bindings/AuthorizerView").AuthorizerView} AuthorizerView */
/** @typedef {import("./bindings/ErrorView").ErrorView} ErrorView */
/** @typedef {import("./bindings/Identity").Identity} Identity */
/** @typedef {import("./bindings/KeychainProfile").KeychainProfile} KeychainProfile */
/** @typedef {import("./bindings/MethodView").MethodView} MethodView */
/** @typedef {import("./bindings/Plan").Plan} Plan */
/** @typedef {import("./bindings/ProfileInfo").ProfileInfo} ProfileInfo */
/** @typedef {import("./bindings/ProfileInput").ProfileInput} ProfileInput */
/** @typedef {import("./bindings/Api").Api} Api */
/** @typedef {import("./bindings/Summary").Summary} Summary */
/** @typedef {import("./bindings/Target").Target} Target */
/** @typedef {import("./bindings/UserPool").UserPool} UserPool */
/** @typedef {import("./bindings/CheckTokenRequest").CheckTokenRequest} CheckTokenRequest */
/** @typedef {import("./bindings/TokenCheck").TokenCheck} TokenCheck */
/** @typedef {import("./bindings/SignInRequest").SignInRequest} SignInRequest */
/** @typedef {import("./bindings/SignInTokens").SignInTokens} SignInTokens */
/** @typedef {import("./bindings/AwsTestRequest").AwsTestRequest} AwsTestRequest */
/** @typedef {import("./bindings/AwsTest").AwsTest} AwsTest */

/** @typedef {import("./bindings/Ctx").Ctx} Ctx */
/** @typedef {import("./bindings/Authorizer").Authorizer} Authorizer */
/** @typedef {import("./bindings/ApiReview").ApiReview} ApiReview */
/** @typedef {import("./bindings/ApplyRequest").ApplyRequest} ApplyRequest */
/** @typedef {import("./bindings/Deployment").Deployment} Deployment */
/** @typedef {import("./bindings/SweepEvent").SweepEvent} SweepEvent */
/** @typedef {import("./bindings/SweepOutcome").SweepOutcome} SweepOutcome */
/** @typedef {import("./bindings/SweepRegion").SweepRegion} SweepRegion */
/** @typedef {import("./bindings/SweepRequest").SweepRequest} SweepRequest */
/** @typedef {import("./bindings/SweepRow").SweepRow} SweepRow */
/** @typedef {import("./bindings/MenuAction").MenuAction} MenuAction */
/** @typedef {import("./bindings/Zoom").Zoom} Zoom */
/** @typedef {import("./bindings/WindowTheme").WindowTheme} WindowTheme */
/** @typedef {import("./bindings/Place").Place} Place */
/** @typedef {import("./bindings/DeployPreview").DeployPreview} DeployPreview */
/** @typedef {import("./bindings/DeployTarget").DeployTarget} DeployTarget */
/** @typedef {import("./bindings/Deployed").Deployed} Deployed */
/** @typedef {import("./bindings/CorsPlan").CorsPlan} CorsPlan */
/** @typedef {import("./bindings/CorsReport").CorsReport} CorsReport */
/** @typedef {import("./bindings/AsCodeOutcome").AsCodeOutcome} AsCodeOutcome */
/** @typedef {import("./bindings/TemplateChangeRequest").TemplateChangeRequest} TemplateChangeRequest */
/** @typedef {import("./bindings/Exported").Exported} Exported */

/**
 * The part of Tauri's `window.__TAURI__.core` the page uses.
 * @typedef {{
 *   invoke: (cmd: string, args?: Record<string, unknown>) => Promise<any>,
 *   Channel: new () => {onmessage: (message: any) => void},
 * }} TauriCore
 */

/** @returns {TauriCore | undefined} */
const tauri = () => /** @type {any} */ (window).__TAURI__?.core;

/**
 * Calls a command of commands.rs; its name is written out at each call (a Rust test compares
 * them with src-tauri/commands.list).
 * @param {string} cmd
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<any>}
 */
function invoke(cmd, args = {}) {
  const core = tauri();
  if (!core) {
    return Promise.reject({ kind: "internal", message: "Gatehouse's window bridge is not available." });
  }
  return core.invoke(cmd, args).catch((e) => {
    throw typeof e === "object" && e !== null ? e : { kind: "internal", message: String(e) };
  });
}

/**
 * Tauri's ordered channel, for the progress events a command sends while it runs.
 * @param {(event: any) => void} onEvent
 */
function channel(onEvent) {
  const core = tauri();
  if (!core) throw { kind: "internal", message: "Gatehouse's window bridge is not available." };
  const c = new core.Channel();
  c.onmessage = onEvent;
  return c;
}

/** @returns {Promise<ProfileInfo[]>} */
export const listProfiles = () => invoke("list_profiles");
/** @returns {Promise<string[]>} */
export const listRegions = () => invoke("list_regions");
/** @param {string} profile @returns {Promise<string>} */
export const defaultRegion = (profile) => invoke("default_region", { profile });
/** @param {Ctx} ctx @returns {Promise<Identity>} */
export const callerIdentity = (ctx) => invoke("caller_identity", { ctx });
/** @param {Ctx} ctx @returns {Promise<Api[]>} */
export const listApis = (ctx) => invoke("list_apis", { ctx });
/** @param {Ctx} ctx @param {string} apiId @returns {Promise<ApiReview>} */
export const reviewApi = (ctx, apiId) => invoke("review_api", { ctx, apiId });
/** @param {Ctx} ctx @param {string} poolRegion @returns {Promise<UserPool[]>} */
export const listPools = (ctx, poolRegion) => invoke("list_pools", { ctx, poolRegion });
/** @param {Ctx} ctx @param {string} poolRegion @param {string} poolId @returns {Promise<AppClient[]>} */
export const listClients = (ctx, poolRegion, poolId) => invoke("list_clients", { ctx, poolRegion, poolId });
/** @param {string} profile @returns {Promise<void>} */
export const forgetSession = (profile) => invoke("forget_session", { profile });

/** Every problem with the dialog's input, each naming its field; empty when valid.
 * @param {AuthorizerInput} input @returns {Promise<ErrorView[]>} */
export const checkAuthorizer = (input) => invoke("check_authorizer", { input });
/** The ids of the app clients a regex admits. @param {string} regex @param {AppClient[]} clients
 * @returns {Promise<string[]>} */
export const matchClients = (regex, clients) => invoke("match_clients", { regex, clients });
/** @param {string[]} ids @returns {Promise<string>} */
export const regexForClients = (ids) => invoke("regex_for_clients", { ids });
/** @param {string} text @returns {Promise<string[]>} */
export const parseScopes = (text) => invoke("parse_scopes", { text });
/** What a new authorizer starts with for a kind of API (name and regex empty; an HTTP API's JWT
 * authorizer reads $request.header.Authorization). @param {ApiKind} kind @returns {Promise<AuthorizerInput>} */
export const authorizerDefaults = (kind) => invoke("authorizer_defaults", { kind });
/** @param {Ctx} ctx @param {string} apiId @param {string} poolRegion @param {string} poolId
 * @param {AuthorizerInput} input @returns {Promise<Authorizer>} */
export const createAuthorizer = (ctx, apiId, poolRegion, poolId, input) =>
  invoke("create_authorizer", { ctx, apiId, poolRegion, poolId, input });
/** @param {Ctx} ctx @param {string} apiId @param {string} authorizerId @param {AuthorizerInput} input
 * @returns {Promise<void>} */
export const updateAuthorizer = (ctx, apiId, authorizerId, input) =>
  invoke("update_authorizer", { ctx, apiId, authorizerId, input });
/** @param {Ctx} ctx @param {string} apiId @param {string} authorizerId @returns {Promise<void>} */
export const deleteAuthorizer = (ctx, apiId, authorizerId) => invoke("delete_authorizer", { ctx, apiId, authorizerId });

/** @param {Ctx} ctx @param {string} apiId @param {string[]} methods @param {Target} target
 * @returns {Promise<Plan>} */
export const planChanges = (ctx, apiId, methods, target) => invoke("plan_changes", { ctx, apiId, methods, target });
/** @param {Ctx} ctx @param {ApplyRequest} request @param {(event: ApplyEvent) => void} onEvent
 * @returns {Promise<ApplyReport>} */
export const applyChanges = (ctx, request, onEvent) =>
  invoke("apply_changes", { ctx, request, onEvent: channel(onEvent) });
/** @returns {Promise<ApplySummary[]>} */
export const listHistory = () => invoke("list_history");
/** @param {string} applyId @param {boolean} force @returns {Promise<Plan>} */
export const planUndo = (applyId, force) => invoke("plan_undo", { applyId, force });
/** @param {string} applyId @param {boolean} force @param {(event: ApplyEvent) => void} onEvent
 * @returns {Promise<ApplyReport>} */
export const undoApply = (applyId, force, onEvent) => invoke("undo_apply", { applyId, force, onEvent: channel(onEvent) });
/** What a deploy of the editor to a stage (or its canary) would change, read from AWS now.
 * @param {Ctx} ctx @param {string} apiId @param {string} stage @param {DeployTarget} target
 * @returns {Promise<DeployPreview>} */
export const deployPreview = (ctx, apiId, stage, target) => invoke("deploy_preview", { ctx, apiId, stage, target });
/** The deploy after its preview: changes Gatehouse did not make need `acknowledged`.
 * @param {Ctx} ctx @param {string} apiId @param {string} stage @param {DeployTarget} target
 * @param {string} description @param {boolean} acknowledged @returns {Promise<Deployed>} */
export const deployToStage = (ctx, apiId, stage, target, description, acknowledged) =>
  invoke("deploy_to_stage", { ctx, apiId, stage, target, description, acknowledged });
/** What adding Access-Control-Allow-Origin to the refused-token gateway responses would set.
 * @param {Ctx} ctx @param {string} apiId @param {string} origin @returns {Promise<CorsPlan>} */
export const corsPreview = (ctx, apiId, origin) => invoke("cors_preview", { ctx, apiId, origin });
/** @param {Ctx} ctx @param {string} apiId @param {string} apiName @param {string} origin
 * @returns {Promise<CorsReport>} */
export const fixCors = (ctx, apiId, apiName, origin) => invoke("fix_cors", { ctx, apiId, apiName, origin });
/** @param {string} applyId @param {boolean} force @returns {Promise<CorsPlan>} */
export const corsUndoPreview = (applyId, force) => invoke("cors_undo_preview", { applyId, force });
/** @param {string} applyId @param {boolean} force @returns {Promise<CorsReport>} */
export const undoCors = (applyId, force) => invoke("undo_cors", { applyId, force });

/** The owning template patched for the selection (and a change set when `request.changeSet`
 * is set); the file at `templatePath` when given, else the stack's deployed template.
 * @param {Ctx} ctx @param {TemplateChangeRequest} request @param {string | null} templatePath
 * @returns {Promise<AsCodeOutcome>} */
export const templateChange = (ctx, request, templatePath) => invoke("template_change", { ctx, request, templatePath });
/** Writes a template where the user said; the path written.
 * @param {string} path @param {string} text @returns {Promise<string>} */
export const saveTemplate = (path, text) => invoke("save_template", { path, text });
/** The API's protection as code.
 * @param {Ctx} ctx @param {string} apiId @param {string} format @param {string | null} stage
 * @returns {Promise<Exported>} */
export const exportApi = (ctx, apiId, format, stage) => invoke("export_api", { ctx, apiId, format, stage });

/** @returns {Promise<KeychainProfile[]>} */
export const keychainProfiles = () => invoke("keychain_profiles");
/** Every problem with the profile form, each naming its field; empty when valid.
 * @param {ProfileInput} input @returns {Promise<ErrorView[]>} */
export const checkProfile = (input) => invoke("check_profile", { input });
/** @param {ProfileInput} input @returns {Promise<KeychainProfile>} */
export const saveProfile = (input) => invoke("save_profile", { input });
/** @param {string} name @returns {Promise<void>} */
export const deleteProfile = (name) => invoke("delete_profile", { name });
/** @param {string} name @returns {Promise<Identity>} */
export const testProfile = (name) => invoke("test_profile", { name });

// The token check. Tokens and passwords pass through here to Rust and are kept nowhere.
/** Every method's verdict on a token, the token decoded. @param {Ctx} ctx @param {CheckTokenRequest} req
 * @returns {Promise<TokenCheck>} */
export const checkToken = (ctx, req) => invoke("check_token", { ctx, req });
/** @param {Ctx} ctx @param {SignInRequest} req @returns {Promise<SignInTokens>} */
export const signIn = (ctx, req) => invoke("sign_in", { ctx, req });
/** AWS's own authorizer test (TestInvokeAuthorizer) beside Gatehouse's verdict.
 * @param {Ctx} ctx @param {AwsTestRequest} req @returns {Promise<AwsTest>} */
export const testAuthorizer = (ctx, req) => invoke("test_authorizer", { ctx, req });

// IAM Identity Center (SSO) sign-in for a profile of the AWS files ("file:NAME").
/** Starts the device sign-in (and opens the browser): the page and the code to compare.
 * @param {string} profile @returns {Promise<import("./bindings/SsoPrompt").SsoPrompt>} */
export const ssoStart = (profile) => invoke("sso_start", { profile });
/** Resolves once the sign-in is approved (rejects when denied, expired or cancelled).
 * @param {string} profile @returns {Promise<import("./bindings/SsoState").SsoState>} */
export const ssoFinish = (profile) => invoke("sso_finish", { profile });
/** @param {string} profile @returns {Promise<void>} */
export const ssoCancel = (profile) => invoke("sso_cancel", { profile });
/** The MFA device's one-time code for a profile whose role needs one (ErrorView field "mfaCode").
 * @param {string} profile @param {string} code @returns {Promise<void>} */
export const provideMfaCode = (profile, code) => invoke("provide_mfa_code", { profile, code });

// The sweep: every API of several profiles and regions.
/** Reads again the accounts an SSO sign-in reaches; how many it has now.
 * @param {string} base  the signed-in profile @returns {Promise<number>} */
export const refreshAccounts = (base) => invoke("refresh_accounts", { base });
/** The sweep of every account of an organization, as a request for startSweep (the members
 * through `role`, the accounts left out as rows).
 * @param {string} profile  the management or delegated administrator profile @param {string} role
 * @param {string | null} externalId @param {string[]} regions @returns {Promise<SweepRequest>} */
export const orgSweepRequest = (profile, role, externalId, regions) => invoke("org_sweep_request", { profile, role, externalId, regions });
/** @returns {Promise<SweepRegion[]>} */
export const sweepRegions = () => invoke("sweep_regions");
/** Resolves when the sweep ends (or is cancelled); rows arrive through `onEvent` before.
 * @param {SweepRequest} request @param {(event: SweepEvent) => void} onEvent
 * @returns {Promise<SweepOutcome>} */
export const startSweep = (request, onEvent) => invoke("start_sweep", { request, onEvent: channel(onEvent) });
/** @returns {Promise<void>} */
export const cancelSweep = () => invoke("cancel_sweep");

// The window around the page.
/** The window's title. @param {string} title @returns {Promise<void>} */
export const setWindowTitle = (title) => invoke("set_window_title", { title });
/** The window's menu bar in the page's theme; null follows the system's.
 * @param {WindowTheme | null} theme @returns {Promise<void>} */
export const setWindowTheme = (theme) => invoke("set_window_theme", { theme });
/** The menu bar's entries that the page carries out (Refresh, Find, zoom) arrive at `onAction`.
 * @param {(action: MenuAction) => void} onAction @returns {Promise<void>} */
export const watchMenu = (onAction) =>
  tauri() ? invoke("watch_menu", { onAction: channel(onAction) }) : invoke("watch_menu");
/** Keeps where the window is for the next start. @param {Place} place @returns {Promise<void>} */
export const rememberPlace = (place) => invoke("remember_place", { place });
/** Where the last run left the window. @returns {Promise<Place | null>} */
export const lastPlace = () => invoke("last_place");
/** Zooms the page a level in or out, or back to actual size. @param {Zoom} step
 * @returns {Promise<number>} the zoom factor now (1 is actual size) */
export const zoomWindow = (step) => invoke("zoom_window", { step });
