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
		{"valid", body, good, 202, true, `msg="webhook accepted" scheme=github`},
		{"valid empty body", nil, Sign(secret, nil), 202, true, "webhook accepted"},
		{"missing", body, "", 401, false, `scheme=none reason="no signature or token"`},
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

// TestWebhookSchemes covers GitLab's X-Gitlab-Token and which scheme judges
// a request that carries both headers or neither.
func TestWebhookSchemes(t *testing.T) {
	secret := []byte(testSecret)
	body := []byte(`{"object_kind":"push","ref":"refs/heads/main"}`)
	good := Sign(secret, body)
	bad := Sign([]byte("other"), body)
	tests := []struct {
		name        string
		signature   *string // nil: no X-Hub-Signature-256 header
		token       *string // nil: no X-Gitlab-Token header
		wantCode    int
		wantTrigger bool
		wantBody    string
		wantLog     string
	}{
		{"token valid", nil, new(testSecret), 202, true, "fetch scheduled\n",
			`msg="webhook accepted" scheme=gitlab`},
		{"token wrong", nil, new("hunter3-webhook-secret"), 401, false, "invalid token\n",
			`scheme=gitlab reason="token mismatch"`},
		{"token empty", nil, new(""), 401, false, "invalid token\n",
			`scheme=gitlab reason="missing token"`},
		{"token longer", nil, new(testSecret + "x"), 401, false, "invalid token\n",
			`scheme=gitlab reason="token mismatch"`},
		{"token a prefix", nil, new(testSecret[:len(testSecret)-1]), 401, false, "invalid token\n",
			`scheme=gitlab reason="token mismatch"`},
		{"token other case", nil, new(strings.ToUpper(testSecret)), 401, false, "invalid token\n",
			`scheme=gitlab reason="token mismatch"`},
		{"both valid", new(good), new(testSecret), 202, true, "fetch scheduled\n",
			`msg="webhook accepted" scheme=github`},
		{"both, signature judges: good signature, wrong token", new(good), new("wrong"), 202, true, "fetch scheduled\n",
			`msg="webhook accepted" scheme=github`},
		{"both, signature judges: bad signature, valid token", new(bad), new(testSecret), 401, false, "invalid signature\n",
			`scheme=github reason="signature mismatch"`},
		{"both, signature judges: empty signature, valid token", new(""), new(testSecret), 401, false, "invalid signature\n",
			`scheme=github reason="missing signature"`},
		{"neither", nil, nil, 401, false, "missing signature or token\n",
			`scheme=none reason="no signature or token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			base, logs := startServer(t, ServerOptions{WebhookSecret: secret, OnWebhook: func() { calls.Add(1) }})
			h := http.Header{"X-Gitlab-Event": {"Push Hook"}}
			if tt.signature != nil {
				h["X-Hub-Signature-256"] = []string{*tt.signature}
			}
			if tt.token != nil {
				h["X-Gitlab-Token"] = []string{*tt.token}
			}
			code, got, _ := do(t, "POST", base+"/hooks/git", bytes.NewReader(body), h)
			if code != tt.wantCode || got != tt.wantBody {
				t.Errorf("response: got %d %q, want %d %q", code, got, tt.wantCode, tt.wantBody)
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

// TestWebhookTokenNotLogged sends GitLab deliveries, good and bad, and checks
// the log holds neither the secret nor any token sent.
func TestWebhookTokenNotLogged(t *testing.T) {
	secret := []byte(testSecret)
	body := []byte(`{"object_kind":"push"}`)
	base, logs := startServer(t, ServerOptions{WebhookSecret: secret, OnWebhook: func() {}})
	tokens := []string{testSecret, "glwht-wrong-token-0123", testSecret + "-longer", "Bearer " + testSecret}
	for _, tok := range tokens {
		h := http.Header{"X-Gitlab-Token": {tok}, "X-Gitlab-Event": {"Push Hook"}, "X-Gitlab-Event-Uuid": {"uuid-1"}}
		do(t, "POST", base+"/hooks/git", bytes.NewReader(body), h)
	}
	// Both headers: the signature judges, and the token is still not logged.
	both := http.Header{"X-Gitlab-Token": {tokens[1]}, "X-Hub-Signature-256": {Sign(secret, body)}}
	do(t, "POST", base+"/hooks/git", bytes.NewReader(body), both)
	out := logs.String()
	if strings.Count(out, "webhook rejected") != 3 || strings.Count(out, "webhook accepted") != 2 {
		t.Fatalf("log: got %q, want 2 accepted and 3 rejected", out)
	}
	if !strings.Contains(out, `event="Push Hook" delivery=uuid-1`) {
		t.Errorf("log: got %q, want GitLab's event and delivery", out)
	}
	for _, tok := range tokens {
		if strings.Contains(out, tok) {
			t.Errorf("log: got token %q in %q, want it absent", tok, out)
		}
	}
}

func TestVerifyToken(t *testing.T) {
	secret := []byte("k3y")
	tests := []struct {
		name   string
		secret []byte
		token  string
		want   bool
	}{
		{"valid", secret, "k3y", true},
		{"wrong", secret, "k3z", false},
		{"empty token", secret, "", false},
		{"shorter", secret, "k3", false},
		{"longer", secret, "k3yy", false},
		{"trailing space", secret, "k3y ", false},
		{"empty secret", nil, "", false},
		{"empty secret, any token", nil, "k3y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyToken(tt.secret, tt.token); got != tt.want {
				t.Errorf("VerifyToken(%q, %q): got %v, want %v", tt.secret, tt.token, got, tt.want)
			}
		})
	}
}

func FuzzVerifyToken(f *testing.F) {
	f.Add([]byte("secret"), "secret")
	f.Add([]byte("secret"), "secre")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, secret []byte, token string) {
		want := len(secret) > 0 && token == string(secret)
		if got := VerifyToken(secret, token); got != want {
			t.Fatalf("VerifyToken(%q, %q): got %v, want %v", secret, token, got, want)
		}
	})
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
