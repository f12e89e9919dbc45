// The only module that talks to the Rust side. Every call returns a promise; errors are
// `{kind, code, message, hint, field}` objects as the core serialises them.

function invoke(cmd, args = {}) {
  const ipc = window.__TAURI_INTERNALS__;
  if (!ipc) {
    return Promise.reject({ kind: "internal", message: "Gatehouse's window bridge is not available." });
  }
  return ipc.invoke(cmd, args).catch((e) => {
    throw typeof e === "object" && e !== null ? e : { kind: "internal", message: String(e) };
  });
}

export const listProfiles = () => invoke("list_profiles");
export const listRegions = () => invoke("list_regions");
export const defaultRegion = (profile) => invoke("default_region", { profile });
export const callerIdentity = (ctx) => invoke("caller_identity", { ctx });
export const listApis = (ctx) => invoke("list_apis", { ctx });
export const reviewApi = (ctx, apiId) => invoke("review_api", { ctx, apiId });
export const listPools = (ctx, poolRegion) => invoke("list_pools", { ctx, poolRegion });
export const listClients = (ctx, poolRegion, poolId) => invoke("list_clients", { ctx, poolRegion, poolId });
export const forgetSession = (profile) => invoke("forget_session", { profile });

/** An ordered stream of messages from a Rust `tauri::ipc::Channel` (messages carry an index). */
export class Channel {
  constructor(onmessage) {
    const ipc = window.__TAURI_INTERNALS__;
    let next = 0;
    const pending = new Map();
    let endAt = null;
    this.id = ipc.transformCallback((packet) => {
      if ("end" in packet) {
        endAt = packet.index;
      } else {
        pending.set(packet.index, packet.message);
        while (pending.has(next)) {
          const msg = pending.get(next);
          pending.delete(next);
          next++;
          try { onmessage(msg); } catch (e) { queueMicrotask(() => { throw e; }); }
        }
      }
      if (endAt !== null && next >= endAt) ipc.unregisterCallback(this.id);
    });
  }
  toJSON() { return `__CHANNEL__:${this.id}`; }
  ["__TAURI_TO_IPC_KEY__"]() { return this.toJSON(); }
}

export const checkAuthorizer = (input) => invoke("check_authorizer", { input });
export const matchClients = (regex, clients) => invoke("match_clients", { regex, clients });
export const regexForClients = (ids) => invoke("regex_for_clients", { ids });
export const parseScopes = (text) => invoke("parse_scopes", { text });
export const createAuthorizer = (ctx, apiId, poolRegion, poolId, input) =>
  invoke("create_authorizer", { ctx, apiId, poolRegion, poolId, input });
export const updateAuthorizer = (ctx, apiId, authorizerId, input) =>
  invoke("update_authorizer", { ctx, apiId, authorizerId, input });
export const deleteAuthorizer = (ctx, apiId, authorizerId) => invoke("delete_authorizer", { ctx, apiId, authorizerId });
export const planChanges = (ctx, apiId, methods, target) => invoke("plan_changes", { ctx, apiId, methods, target });
export const applyChanges = (ctx, request, onEvent) =>
  invoke("apply_changes", { ctx, request, onEvent: new Channel(onEvent) });
export const listHistory = () => invoke("list_history");
export const planUndo = (applyId, force) => invoke("plan_undo", { applyId, force });
export const undoApply = (applyId, force, onEvent) => invoke("undo_apply", { applyId, force, onEvent: new Channel(onEvent) });
export const listStages = (ctx, apiId) => invoke("list_stages", { ctx, apiId });
export const undeployed = (ctx, apiId) => invoke("undeployed", { ctx, apiId });
export const deployApi = (ctx, apiId, stage, description) => invoke("deploy_api", { ctx, apiId, stage, description });
export const keychainProfiles = () => invoke("keychain_profiles");
export const checkProfile = (input) => invoke("check_profile", { input });
export const saveProfile = (input) => invoke("save_profile", { input });
export const deleteProfile = (name) => invoke("delete_profile", { name });
export const testProfile = (name) => invoke("test_profile", { name });
