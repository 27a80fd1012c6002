// The REST API, and nothing else: JSON calls with the signed-in user's access token.
// Both tokens live in this module's memory only (nothing in localStorage or cookies): a reload
// asks to log in again. A 401 triggers one refresh (the refresh token is single-use: the answer's
// new one replaces it), then the call is retried once; logout revokes the refresh token.

const session = {access: null, refresh: null, user: null};
let refreshing = null;
let sessionEnded = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    const errors = (body && Array.isArray(body.errors)) ? body.errors : [];
    super(errors.map((e) => e.description).filter(Boolean).join(" ") || `The server answered ${status}.`);
    this.status = status;
    this.errors = errors;
  }
}

export function currentUser() { return session.user; }
export function onSessionEnd(callback) { sessionEnded = callback; }

function adopt(tokens) {
  session.access = tokens.access;
  session.refresh = tokens.refresh;
  if (tokens.user) session.user = tokens.user;
}

function clear() {
  session.access = session.refresh = session.user = null;
}

function urlOf(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(method, path, {body, form, query, auth = true} = {}) {
  const headers = {Accept: "application/json"};
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  const token = auth ? session.access : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(urlOf(path, query), {method, headers, body: payload, credentials: "omit", cache: "no-store"});
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return {response, data, token};
}

async function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      if (!session.refresh) return false;
      const {response, data} = await send("POST", "/api/auth/refresh/", {body: {refresh: session.refresh}, auth: false});
      if (!response.ok) return false;
      adopt(data);
      return true;
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** Call the API; resolves to the parsed answer (null for 204), rejects with an ApiError. */
export async function api(method, path, options = {}) {
  let {response, data, token} = await send(method, path, options);
  if (response.status === 401 && token) {
    // Another call may have rotated the tokens meanwhile: then just retry with the new one.
    const renewed = session.access !== token || await refresh();
    if (!renewed) {
      clear();
      sessionEnded("Your session has ended. Please log in again.");
      throw new ApiError(401, data);
    }
    ({response, data} = await send(method, path, options));
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export async function login(email, password) {
  const {response, data} = await send("POST", "/api/auth/login/", {body: {email, password}, auth: false});
  if (!response.ok) throw new ApiError(response.status, data);
  adopt(data);
  return data.user;
}

/** Revoke the refresh token (the access token stops working too), then forget both. */
export async function logout() {
  try {
    if (session.refresh) await api("POST", "/api/auth/logout/", {body: {refresh: session.refresh}});
  } catch (error) {
    // Already expired or revoked: forgetting the tokens is all that is left to do.
  } finally {
    clear();
  }
}
