// Package httpapi is the daemon's HTTP face: the server, its endpoints
// (metrics exposition, probes, /status, the status page) and the git push
// webhook with its signature check. It serves what it is given (a
// registry, status and readiness functions, a page) and knows nothing of
// how they are made.
//
// # HTTP endpoints
//
// The server listens on DefaultAddr (127.0.0.1:9750) unless configured
// otherwise.
//
//	GET  /           the status page, or a text index of the endpoints
//	GET  /metrics    Prometheus exposition
//	GET  /healthz    200 "ok" while the process serves HTTP (liveness)
//	GET  /readyz     200 "ok" when ready, else 503 with the reason
//	GET  /status     the daemon's status as JSON
//	POST /hooks/git  git push webhook: 202 and a fetch is scheduled
//
// GET endpoints answer HEAD too; other methods get 405 with an Allow header.
// Request bodies are capped at 1 MiB (413 past it).
//
// # Webhook
//
// /hooks/git is enabled only when a secret is configured, and answers 404
// otherwise. A request must carry GitHub's X-Hub-Signature-256 header:
// "sha256=" and the hex HMAC-SHA256 of the exact body keyed with the secret.
// A missing, malformed or wrong
// signature gets 401, triggers nothing and is logged at warn level without
// the signature. The payload is not parsed: a valid request only schedules
// a fetch, and the fetch decides what changed. So a replayed delivery is
// harmless, and there is no replay window or delivery-ID cache.
//
// It is internal to the reconciler and has no compatibility promise.
package httpapi
