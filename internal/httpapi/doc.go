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
// /status and the status page show the suspensions made with "reconciler
// suspend" (who, why, since when). Suspending and resuming are not offered
// over HTTP: the server cannot tell who asks, while the control socket
// (package control) learns it from the kernel and admits only the daemon's
// user and root.
//
// With leader election a standby serves every endpoint as the leader does:
// /status says who leads ("election"), /readyz answers 200 once the standby
// has validated a revision it could take over with, and the webhook makes
// it fetch and validate the newest revision, so that it takes over with it.
//
// # Webhook
//
// /hooks/git is enabled only when a secret is configured, and answers 404
// otherwise. A request proves that its sender knows the secret in one of
// two ways:
//
//   - GitHub: X-Hub-Signature-256, "sha256=" and the hex HMAC-SHA256 of the
//     exact body keyed with the secret. The MACs are compared in constant
//     time.
//   - GitLab: X-Gitlab-Token, the secret itself (GitLab's "secret token").
//     It is compared with the secret in constant time, which can reveal the
//     secret's length, never its content. Unlike a signature, the token
//     crosses the wire as it is: put TLS in front of the server (a reverse
//     proxy) before exposing the webhook beyond the host.
//
// A request carrying X-Hub-Signature-256 is judged by it alone, whatever
// else it carries: the signature covers the body, and a token must not
// rescue a request whose signature failed. Only a request without it is
// judged by X-Gitlab-Token. A header counts as present even when empty.
//
// A request with neither header, or whose signature or token is missing,
// malformed or wrong, gets 401, triggers nothing and is logged at warn
// level with the scheme ("github", "gitlab" or "none") and the reason. An
// accepted request is logged at info level with its scheme. The log never
// holds a signature, a token or the secret; it holds the sender's event and
// delivery ID (X-GitHub-Event and X-GitHub-Delivery, or X-Gitlab-Event and
// X-Gitlab-Event-UUID), clipped. The payload is not parsed: a valid request
// only schedules a fetch, and the fetch decides what changed. So a replayed
// delivery is harmless, and there is no replay window or delivery-ID cache.
//
// It is internal to the reconciler and has no compatibility promise.
package httpapi
