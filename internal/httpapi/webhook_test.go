package httpapi

import (
	"bytes"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

const testSecret = "hunter2-webhook-secret"

func TestWebhook(t *testing.T) {
	secret := []byte(testSecret)
	body := []byte(`{"ref":"refs/heads/main","after":"0123abcd"}`)
	good := Sign(secret, body)
	big := bytes.Repeat([]byte("x"), maxBodyBytes+1)
	tests := []struct {
		name        string
		body        []byte
		signature   string // "" means no header
		wantCode    int
		wantTrigger bool
		wantLog     string
	}{
		{"valid", body, good, 202, true, "webhook accepted"},
		{"valid empty body", nil, Sign(secret, nil), 202, true, "webhook accepted"},
		{"missing", body, "", 401, false, "reason=\"missing signature\""},
		{"wrong secret", body, Sign([]byte("other"), body), 401, false, "reason=\"signature mismatch\""},
		{"body changed", append([]byte(" "), body...), good, 401, false, "reason=\"signature mismatch\""},
		{"sha1 prefix", body, "sha1=" + strings.TrimPrefix(good, "sha256="), 401, false, "reason=\"malformed signature\""},
		{"no prefix", body, strings.TrimPrefix(good, "sha256="), 401, false, "reason=\"malformed signature\""},
		{"short", body, good[:len(good)-2], 401, false, "reason=\"malformed signature\""},
		{"long", body, good + "00", 401, false, "reason=\"malformed signature\""},
		{"not hex", body, "sha256=" + strings.Repeat("zz", 32), 401, false, "reason=\"malformed signature\""},
		{"oversized", big, Sign(secret, big), 413, false, "reason=\"body too large\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			base, logs := startServer(t, ServerOptions{WebhookSecret: secret, OnWebhook: func() { calls.Add(1) }})
			h := http.Header{"X-Github-Event": {"push"}}
			if tt.signature != "" {
				h.Set("X-Hub-Signature-256", tt.signature)
			}
			code, _, _ := do(t, "POST", base+"/hooks/git", bytes.NewReader(tt.body), h)
			if code != tt.wantCode {
				t.Errorf("status: got %d, want %d", code, tt.wantCode)
			}
			if got := calls.Load() > 0; got != tt.wantTrigger {
				t.Errorf("OnWebhook called: got %v, want %v", got, tt.wantTrigger)
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log: got %q, want it to contain %q", logs.String(), tt.wantLog)
			}
		})
	}
}

// TestWebhookSecretNotLogged sends good and bad deliveries and checks the
// log holds neither the secret nor any signature.
func TestWebhookSecretNotLogged(t *testing.T) {
	secret := []byte(testSecret)
	body := []byte(`{"ref":"refs/heads/main"}`)
	base, logs := startServer(t, ServerOptions{WebhookSecret: secret, OnWebhook: func() {}})
	sigs := []string{Sign(secret, body), Sign([]byte("nope"), body), "sha256=" + testSecret, testSecret}
	for _, sig := range sigs {
		do(t, "POST", base+"/hooks/git", bytes.NewReader(body), http.Header{"X-Hub-Signature-256": {sig}})
	}
	out := logs.String()
	if strings.Count(out, "webhook rejected") != 3 || !strings.Contains(out, "webhook accepted") {
		t.Fatalf("log: got %q, want 1 accepted and 3 rejected", out)
	}
	if strings.Contains(out, testSecret) {
		t.Errorf("log: got the secret in %q, want it absent", out)
	}
	for _, sig := range sigs {
		if hexPart := strings.TrimPrefix(sig, "sha256="); strings.Contains(out, hexPart) {
			t.Errorf("log: got signature %q in %q, want it absent", hexPart, out)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	secret, body := []byte("k"), []byte("payload")
	good := Sign(secret, body)
	tests := []struct {
		name   string
		secret []byte
		header string
		want   bool
	}{
		{"valid", secret, good, true},
		{"upper-case hex", secret, "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), true},
		{"upper-case prefix", secret, "SHA256=" + strings.TrimPrefix(good, "sha256="), false},
		{"empty header", secret, "", false},
		{"prefix only", secret, "sha256=", false},
		{"trailing space", secret, good + " ", false},
		{"empty secret", nil, Sign(nil, body), false},
		{"wrong secret", []byte("j"), good, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifySignature(tt.secret, body, tt.header); got != tt.want {
				t.Errorf("VerifySignature(%q, %q, %q): got %v, want %v", tt.secret, body, tt.header, got, tt.want)
			}
		})
	}
}

func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte("secret"), []byte(`{"ref":"refs/heads/main"}`), "sha256=00", uint(0), byte(1))
	f.Add([]byte("k"), []byte{}, "", uint(3), byte(0xff))
	f.Add([]byte{}, []byte("x"), "sha256="+strings.Repeat("a", 64), uint(9), byte(0))
	f.Fuzz(func(t *testing.T, secret, body []byte, header string, pos uint, delta byte) {
		VerifySignature(secret, body, header) // must not panic
		sig := Sign(secret, body)
		if got, want := VerifySignature(secret, body, sig), len(secret) > 0; got != want {
			t.Fatalf("own signature with secret %q: got %v, want %v", secret, got, want)
		}
		if len(body) == 0 || delta == 0 {
			return
		}
		changed := bytes.Clone(body)
		changed[pos%uint(len(changed))] += delta
		if VerifySignature(secret, changed, sig) {
			t.Fatalf("body changed at %d: got verified, want rejected", pos%uint(len(changed)))
		}
	})
}
