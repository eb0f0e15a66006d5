package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/simtest"
)

// proc is `reconciler run` as a child process (the test binary, installed
// on PATH as reconciler by testscript), so that signals are real.
type proc struct {
	cmd  *exec.Cmd
	addr string
	logs *lockedBuffer
	done chan error
}

var startedRE = regexp.MustCompile(`"msg":"started".*"listen":"([^"]+)"`)

// startRun starts the daemon against the simulator w and waits until its
// HTTP server listens.
func startRun(t testing.TB, w *simtest.World, args ...string) *proc {
	t.Helper()
	return startRunEnv(t, w, nil, args...)
}

// startRunEnv is startRun with env added last, so that it overrides the
// test's AWS settings (the security tests plant recognisable secrets).
func startRunEnv(t testing.TB, w *simtest.World, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command("reconciler", append([]string{"run", "--listen", "127.0.0.1:0", "--log-format", "json",
		"--log-level", "debug", "--state-dir", t.TempDir()}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL_CHIME_SDK_VOICE="+w.URL, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "HOME="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	p := &proc{cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start reconciler run: %v", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(p.logs, sc.Text())
			if m := startedRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("daemon logs:\n%s", p.logs)
		}
	})
	select {
	case p.addr = <-addr:
	case err := <-p.done:
		t.Fatalf("reconciler run exited: %v\n%s", err, p.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("reconciler run did not start\n%s", p.logs)
	}
	return p
}

func (p *proc) get(t testing.TB, path string) (int, []byte) {
	t.Helper()
	resp, err := http.Get("http://" + p.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (p *proc) status(t *testing.T) daemon.Overview {
	t.Helper()
	_, b := p.get(t, "/status")
	return parseStatus(t, b)
}

// parseStatus reads a /status document as "reconciler status" does.
func parseStatus(t *testing.T, b []byte) daemon.Overview {
	t.Helper()
	kinds, err := defaultKinds()
	if err != nil {
		t.Fatal(err)
	}
	o, err := daemon.ParseOverview(b, kinds)
	if err != nil {
		t.Fatalf("/status: %v\n%s", err, b)
	}
	return o
}

// metric returns the value of the series name{labels} ("" for none), 0 if absent.
func (p *proc) metric(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	_, b := p.get(t, "/metrics")
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	f, ok := families[name]
	if !ok {
		return 0
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		}
	}
	return 0
}

// webhook posts a push event signed with secret and returns the status code.
func (p *proc) webhook(t testing.TB, secret string) int {
	t.Helper()
	body := []byte(`{"ref":"refs/heads/main"}`)
	req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/hooks/git", bytes.NewReader(body))
	if secret != "" {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /hooks/git: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (p *proc) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// exit waits for the process and returns its exit code.
func (p *proc) exit(t testing.TB, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("reconciler run did not exit within %v", within)
	}
	return -1
}

// eventually polls cond every 20 ms until it holds or d passes.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// holds reports whether the simulator's connector named name holds want
// (origination.String form).
func holds(t *testing.T, w *simtest.World, name, want string) func() bool {
	t.Helper()
	var id string
	for _, c := range w.Sim.Connectors("") {
		if c.Name == name {
			id = c.ID
		}
	}
	if id == "" {
		t.Fatalf("no connector %s", name)
	}
	return func() bool { return w.Origination(t, id).String() == want }
}

// specFile is a spec naming vc-0000 and vc-0001 with sbc1's weight w.
func specFile(w int) string {
	return fmt.Sprintf(`package specs

voiceConnectors: {
	a: {name: "vc-0000", origination: routes: [{host: "sbc1.example.com", protocol: "UDP", priority: 1, weight: %d}, {host: "sbc2.example.com", protocol: "UDP", priority: 1, weight: 50}]}
	b: {name: "vc-0001", origination: routes: [{host: "sbc3.example.com", protocol: "TCP", port: 5061, priority: 1, weight: 100}]}
}
`, w)
}

func routesA(w int) string {
	return fmt.Sprintf("sbc1.example.com:5060/UDP p1 w%d, sbc2.example.com:5060/UDP p1 w50", w)
}

func newWorld(t *testing.T, n int) *simtest.World {
	t.Helper()
	w := simtest.Start(t, sim.Config{})
	w.Connectors(t, "us-east-1", "vc", n)
	return w
}

func writeSecret(t testing.TB, secret string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
