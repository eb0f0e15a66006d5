package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
)

const (
	signatureHeader = "X-Hub-Signature-256"
	signaturePrefix = "sha256="
	maxLoggedHeader = 64 // delivery and event headers are the sender's to choose
)

var (
	errNoSignature  = errors.New("missing signature")
	errBadSignature = errors.New("malformed signature")
	errWrongSecret  = errors.New("signature mismatch")
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
	if err := checkSignature(s.opts.WebhookSecret, body, r.Header.Get(signatureHeader)); err != nil {
		s.log.Warn("webhook rejected", attrReason, err.Error(), attrRemote, r.RemoteAddr,
			attrEvent, clip(r.Header.Get("X-GitHub-Event")), attrDelivery, clip(r.Header.Get("X-GitHub-Delivery")))
		writeText(w, http.StatusUnauthorized, "invalid signature\n")
		return
	}
	s.log.Info("webhook accepted", attrRemote, r.RemoteAddr,
		attrEvent, clip(r.Header.Get("X-GitHub-Event")), attrDelivery, clip(r.Header.Get("X-GitHub-Delivery")))
	if s.opts.OnWebhook != nil {
		s.opts.OnWebhook()
	}
	writeText(w, http.StatusAccepted, "fetch scheduled\n")
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
