package httpapi

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
)

const (
	signatureHeader = "X-Hub-Signature-256" // GitHub: HMAC-SHA256 of the body
	signaturePrefix = "sha256="
	tokenHeader     = "X-Gitlab-Token" // GitLab: the secret itself
	maxLoggedHeader = 64               // delivery and event headers are the sender's to choose

	attrScheme = "scheme"
)

// A scheme is how a webhook request proves that its sender knows the secret.
type scheme string

const (
	schemeGitHub scheme = "github" // X-Hub-Signature-256
	schemeGitLab scheme = "gitlab" // X-Gitlab-Token
	schemeNone   scheme = "none"   // neither header
)

var (
	errNoSignature  = errors.New("missing signature")
	errBadSignature = errors.New("malformed signature")
	errWrongSecret  = errors.New("signature mismatch")
	errNoToken      = errors.New("missing token")
	errWrongToken   = errors.New("token mismatch")
	errNoProof      = errors.New("no signature or token")
	errNoSecret     = errors.New("no secret configured")
)

// Sign returns the X-Hub-Signature-256 value GitHub sends for body.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether header, the value of X-Hub-Signature-256,
// is "sha256=" and the hex HMAC-SHA256 of body keyed with secret. The MACs
// are compared in constant time. An empty secret verifies nothing.
func VerifySignature(secret, body []byte, header string) bool {
	return checkSignature(secret, body, header) == nil
}

// VerifyToken reports whether token, the value of X-Gitlab-Token, is secret.
// They are compared in constant time. An empty secret verifies nothing.
func VerifyToken(secret []byte, token string) bool {
	return checkToken(secret, token) == nil
}

// checkSignature is VerifySignature with the reason, for the log. The
// reasons never include the header or the secret.
func checkSignature(secret, body []byte, header string) error {
	if len(secret) == 0 {
		return errNoSecret
	}
	if header == "" {
		return errNoSignature
	}
	hexMAC, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok || len(hexMAC) != hex.EncodedLen(sha256.Size) {
		return errBadSignature
	}
	got, err := hex.DecodeString(hexMAC)
	if err != nil {
		return errBadSignature
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return errWrongSecret
	}
	return nil
}

// checkToken is VerifyToken with the reason, for the log. The reasons never
// include the token or the secret.
func checkToken(secret []byte, token string) error {
	if len(secret) == 0 {
		return errNoSecret
	}
	if token == "" {
		return errNoToken
	}
	// ConstantTimeCompare returns at once when the lengths differ: the time
	// can tell the secret's length, never its content.
	if subtle.ConstantTimeCompare([]byte(token), secret) != 1 {
		return errWrongToken
	}
	return nil
}

// authenticate picks the scheme a request is judged by and judges it. A
// request carrying X-Hub-Signature-256 is judged by that signature alone,
// whatever else it carries: the signature covers the body, and a token
// must not rescue a request whose signature failed. Only a request without
// it is judged by X-Gitlab-Token. A header counts as present even when
// empty, so an empty one is rejected as missing rather than skipped.
func authenticate(secret, body []byte, h http.Header) (scheme, error) {
	switch {
	case len(h.Values(signatureHeader)) > 0:
		return schemeGitHub, checkSignature(secret, body, h.Get(signatureHeader))
	case len(h.Values(tokenHeader)) > 0:
		return schemeGitLab, checkToken(secret, h.Get(tokenHeader))
	default:
		return schemeNone, errNoProof
	}
}

// webhook answers a git host's push notification by asking the source to
// fetch now. It does not parse the payload: the fetch decides what changed.
// So a replayed or reordered delivery is harmless, it only causes an extra
// fetch, and no replay protection (delivery IDs, timestamps) is needed.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.rejectBody(w, r, err)
		return
	}
	sc, err := authenticate(s.opts.WebhookSecret, body, r.Header)
	event, delivery := deliveryOf(sc, r.Header)
	if err != nil {
		s.log.Warn("webhook rejected", attrScheme, string(sc), attrReason, err.Error(), attrRemote, r.RemoteAddr,
			attrEvent, event, attrDelivery, delivery)
		writeText(w, http.StatusUnauthorized, rejection(sc))
		return
	}
	s.log.Info("webhook accepted", attrScheme, string(sc), attrRemote, r.RemoteAddr,
		attrEvent, event, attrDelivery, delivery)
	if s.opts.OnWebhook != nil {
		s.opts.OnWebhook()
	}
	writeText(w, http.StatusAccepted, "fetch scheduled\n")
}

// deliveryOf returns the event and delivery ID the sender of a scheme
// names, clipped for the log; for a request of no scheme, whichever is set.
func deliveryOf(sc scheme, h http.Header) (event, delivery string) {
	ghEvent, ghDelivery := h.Get("X-GitHub-Event"), h.Get("X-GitHub-Delivery")
	glEvent, glDelivery := h.Get("X-Gitlab-Event"), h.Get("X-Gitlab-Event-UUID")
	switch sc {
	case schemeGitHub:
		event, delivery = ghEvent, ghDelivery
	case schemeGitLab:
		event, delivery = glEvent, glDelivery
	default:
		event, delivery = cmp.Or(ghEvent, glEvent), cmp.Or(ghDelivery, glDelivery)
	}
	return clip(event), clip(delivery)
}

func rejection(sc scheme) string {
	switch sc {
	case schemeGitHub:
		return "invalid signature\n"
	case schemeGitLab:
		return "invalid token\n"
	default:
		return "missing signature or token\n"
	}
}

func (s *Server) rejectBody(w http.ResponseWriter, r *http.Request, err error) {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		s.log.Warn("webhook rejected", attrReason, "body too large", attrRemote, r.RemoteAddr)
		writeText(w, http.StatusRequestEntityTooLarge, "body too large\n")
		return
	}
	s.log.Warn("webhook rejected", attrReason, "read body", attrRemote, r.RemoteAddr, attrErr, err)
	writeText(w, http.StatusBadRequest, "cannot read body\n")
}

func clip(s string) string { return s[:min(len(s), maxLoggedHeader)] }
