package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/simtest"
)

// Recognisable secrets: none may appear in anything the daemon emits.
const (
	gitToken       = "ghs_GoodGitToken0123456789"
	wrongGitToken  = "ghs_WrongGitToken987654321"
	webhookSecret  = "whsec_WebhookSecret4242"
	awsSecretKey   = "AwsSecretKeyZZ9xYqW8vUt7sRq6pOn5mLk4jIh3"
	awsSessionTok  = "AwsSessionTokenFwoGZXIvYXdzEJr8Zz"
	passwordInURL  = "UrlPassword31337"
	gitHTTPAccount = "x-access-token" // the user source sends with a token
)

// serveGitHTTP serves root with git http-backend, demanding basic auth with
// gitToken as the password.
func serveGitHTTP(t *testing.T, root string) *httptest.Server {
	return gittest.ServeHTTP(t, root, gitHTTPAccount, gitToken)
}

// TestSecurityNoSecretLeaks: with a git token, a webhook secret and AWS
// credentials planted, a daemon driven through good and bad webhooks, a
// fetch with a wrong token and a URL with a password shows none of them in
// its logs, /status, /metrics, the status page, probes or error output.
func TestSecurityNoSecretLeaks(t *testing.T) {
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{})
	fleet := w.Connectors(t, "us-east-1", "vc", 2)
	repo := gittest.NewRepo(t)
	repo.Commit(t, "fleet", map[string]string{"fleet.cue": fleetOf(fleet, 50)})
	srv := serveGitHTTP(t, repo.Root)
	tokenFile := writeSecret(t, gitToken)
	env := []string{"AWS_SECRET_ACCESS_KEY=" + awsSecretKey, "AWS_SESSION_TOKEN=" + awsSessionTok}
	p := startRunEnv(t, w, env, "--git-url", srv.URL+"/"+repo.Name, "--git-token-file", tokenFile,
		"--git-interval", "1h", "--webhook-secret-file", writeSecret(t, webhookSecret))
	eventually(t, 15*time.Second, "applied over authenticated http", func() bool {
		return len(behind(inWorld(t, w), fleet, fleetOrigination(50))) == 0
	})

	if code := p.webhook(t, webhookSecret); code != http.StatusAccepted {
		t.Errorf("good webhook: %d", code)
	}
	if code := p.webhook(t, "not-"+webhookSecret); code != http.StatusUnauthorized {
		t.Errorf("bad webhook: %d", code)
	}
	gittest.WriteFile(t, tokenFile, wrongGitToken+"\n") // read again at the next fetch
	repo.Commit(t, "weight 60", map[string]string{"fleet.cue": fleetOf(fleet, 60)})
	p.webhook(t, webhookSecret)
	eventually(t, 10*time.Second, "the wrong token's fetch failed", func() bool {
		return fetchFailures(t, p) > 0 && strings.Contains(p.logs.String(), "authentication required")
	})

	var emitted bytes.Buffer
	emitted.WriteString(p.logs.String())
	for _, path := range []string{"/status", "/metrics", "/", "/healthz", "/readyz"} {
		_, body := p.get(t, path)
		emitted.Write(body)
	}
	out, err := execReconciler("run", "--git-url", "https://bot:"+passwordInURL+"@git.example.com/specs.git", "--listen", "127.0.0.1:0", "--state-dir", t.TempDir())
	if err == nil || !strings.Contains(out, "carries a password") {
		t.Errorf("a URL with a password: %v\n%s", err, out)
	}
	emitted.WriteString(out)
	for _, s := range []string{gitToken, wrongGitToken, webhookSecret, awsSecretKey, awsSessionTok, passwordInURL} {
		if i := strings.Index(emitted.String(), s); i >= 0 {
			t.Errorf("secret %q emitted: …%s…", s, emitted.String()[max(0, i-200):i+len(s)])
		}
	}
	figure(t, "no-secret-leaks", "%d bytes of logs, status, metrics, pages and errors searched for 6 planted secrets: none found", emitted.Len())
}

// TestSecurityWebhook: missing, malformed and wrong signatures are 401 and
// fetch nothing; a replayed valid request only fetches (no write); a body
// over 1 MiB is 413.
func TestSecurityWebhook(t *testing.T) {
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{})
	fleet := w.Connectors(t, "us-east-1", "vc", 2)
	repo := gittest.NewRepo(t)
	repo.Commit(t, "fleet", map[string]string{"fleet.cue": fleetOf(fleet, 50)})
	srv := gittest.Serve(t, repo.Root)
	p := startRun(t, w, "--git-url", srv.URL(repo.Name), "--git-interval", "1h", "--drift-interval", "1h",
		"--webhook-secret-file", writeSecret(t, webhookSecret))
	eventually(t, 15*time.Second, "applied", func() bool { return len(behind(inWorld(t, w), fleet, fleetOrigination(50))) == 0 })
	fetches := func() float64 {
		return p.metric(t, "chime_reconciler_source_fetch_total", map[string]string{"result": "success"})
	}
	post := func(sig string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/hooks/git", bytes.NewReader(body))
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST /hooks/git: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	body := []byte(`{"ref":"refs/heads/main"}`)
	good := "sha256=" + hmacHex(webhookSecret, body)
	before := fetches()
	for name, sig := range map[string]string{
		"missing":        "",
		"not hex":        "sha256=zzzz",
		"sha1":           "sha1=" + hmacHex(webhookSecret, body)[:40],
		"no prefix":      hmacHex(webhookSecret, body),
		"truncated":      good[:len(good)-2],
		"wrong secret":   "sha256=" + hmacHex("wrong", body),
		"other body":     "sha256=" + hmacHex(webhookSecret, []byte(`{}`)),
		"upper-case hex": "sha256=" + strings.ToUpper(hmacHex("wrong", body)),
	} {
		if code := post(sig, body); code != http.StatusUnauthorized {
			t.Errorf("%s signature: got %d, want 401", name, code)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if got := fetches(); got != before {
		t.Errorf("refused webhooks caused %v fetches", got-before)
	}

	w.Sim.ResetStats()
	for range 3 { // the same signed delivery, replayed
		if code := post(good, body); code != http.StatusAccepted {
			t.Errorf("replayed webhook: got %d, want 202", code)
		}
		time.Sleep(200 * time.Millisecond)
	}
	eventually(t, 5*time.Second, "replays fetched", func() bool { return fetches() > before })
	if s := w.Sim.Stats(); s.Total != 0 {
		t.Errorf("replayed webhooks made %d API calls; a fetch of the same revision makes none", s.Total)
	}

	big := bytes.Repeat([]byte(" "), 2<<20)
	if code := post("sha256="+hmacHex(webhookSecret, big), big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: got %d, want 413", code)
	}
}

// TestSecurityDefaults: the state directory is made 0700 (also when it
// exists with wider modes), the HTTP server listens on loopback by default,
// and it drops a client that sends its headers too slowly.
func TestSecurityDefaults(t *testing.T) {
	simtest.Isolate(t)
	out, _ := execReconciler("run", "-h")
	if !strings.Contains(out, "--listen ADDR") || !strings.Contains(out, "(default 127.0.0.1:9750)") {
		t.Errorf("run -h does not show a loopback default for --listen:\n%s", out)
	}

	w := simtest.Start(t, sim.Config{})
	repo := gittest.NewRepo(t)
	repo.Commit(t, "fleet", map[string]string{"fleet.cue": fleetOf(w.Connectors(t, "us-east-1", "vc", 1), 50)})
	srv := gittest.Serve(t, repo.Root)
	fresh := filepath.Join(t.TempDir(), "new", "state")
	wide := t.TempDir()
	if err := os.Chmod(wide, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{fresh, wide} {
		p := startRun(t, w, "--git-url", srv.URL(repo.Name), "--git-interval", "1h", "--state-dir", dir)
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("state directory %s: mode %v, %v; want 0700", dir, fi.Mode().Perm(), err)
		}
		if host, _, _ := net.SplitHostPort(p.addr); !net.ParseIP(host).IsLoopback() {
			t.Errorf("listening on %s", p.addr)
		}
		if dir == wide {
			slowloris(t, p.addr)
		}
	}
}

// slowloris sends half a request line and checks that the server hangs up
// within its header timeout (5 s) rather than holding the connection.
func slowloris(t *testing.T, addr string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := c.Write([]byte("GET /metrics HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a client stalling in its headers was held %v", d)
	} else {
		figure(t, "slow-headers", "a client stalling in its headers is dropped after %.1f s", d.Seconds())
	}
}

func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}
