package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/simtest"
	"github.com/sipops/reconciler/internal/siptest"
	"github.com/sipops/reconciler/internal/testpki"
)

// preflightPeer is one connector of the preflight tests: its single route
// points at a peer on loopback, and want is the note the plan shows.
type preflightPeer struct {
	proto string
	port  int
	ok    bool
	want  string
}

// preflightWorld starts real SIP peers (sipp), closed ports, garbage and
// silent peers, a simulator with one connector per peer, and a spec giving
// connector vc-000i a route to peer i.
func preflightWorld(t *testing.T) (*simtest.World, string, []preflightPeer, []sim.StoredConnector) {
	simtest.Isolate(t)
	peers := []preflightPeer{
		{"udp", siptest.Sipp(t, "udp"), true, `\[preflight: SIP/2\.0 200 OK in (<1|\d+)ms\]`},
		{"tcp", siptest.Sipp(t, "tcp"), true, `\[preflight: SIP/2\.0 200 OK in (<1|\d+)ms\]`},
		{"udp", siptest.FreePort(t, "udp"), false, `\[preflight FAILED: connection refused\]`},
		{"tcp", siptest.FreePort(t, "tcp"), false, `\[preflight FAILED: connection refused\]`},
		{"udp", siptest.Garbage(t, "udp"), false, `\[preflight FAILED: not a SIP response: status line "HELLO this is not SIP"\]`},
		{"tcp", siptest.Garbage(t, "tcp"), false, `\[preflight FAILED: not a SIP response: status line "HELLO this is not SIP"\]`},
		{"udp", silentUDP(t), false, `\[preflight FAILED: no answer within 700ms\]`},
	}
	w := simtest.Start(t, sim.Config{})
	cs := w.Connectors(t, "us-east-1", "vc", len(peers))
	dir := t.TempDir()
	var spec strings.Builder
	spec.WriteString("package specs\n\n")
	for i, p := range peers {
		fmt.Fprintf(&spec, "voiceConnectors: c%d: {name: \"vc-%04d\", origination: routes: [{host: \"127.0.0.1\", port: %d, protocol: %q, priority: 1, weight: 1}]}\n",
			i, i, p.port, strings.ToUpper(p.proto))
	}
	if err := os.WriteFile(filepath.Join(dir, "routes.cue"), []byte(spec.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return w, dir, peers, cs
}

// silentUDP is a UDP port that reads and never answers.
func silentUDP(t *testing.T) int {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			if _, _, err := c.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func runMain(t *testing.T, w *simtest.World, args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	args = append(args, "--endpoint", w.URL, "--preflight-timeout", "700ms", "--log-level", "error")
	code = Main(t.Context(), args, Stdio{Out: &out, Err: &errw, Getenv: os.Getenv})
	return code, out.String(), errw.String()
}

// TestPlanPreflightWarn: the plan shows each new route's preflight result
// and blocks nothing.
func TestPlanPreflightWarn(t *testing.T) {
	w, dir, peers, _ := preflightWorld(t)
	code, out, errs := runMain(t, w, "plan", "--source", dir, "--preflight", "warn")
	if code != exitChanges {
		t.Fatalf("plan: got exit %d, want %d\n%s%s", code, exitChanges, out, errs)
	}
	t.Logf("plan:\n%s", out)
	for _, p := range peers {
		re := regexp.MustCompile(fmt.Sprintf(`\+ 127\.0\.0\.1:%d/%s  priority 1 weight 1   %s\n`, p.port, strings.ToUpper(p.proto), p.want))
		if !re.MatchString(out) {
			t.Errorf("plan output lacks %s:\n%s", re, out)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("Plan: %d to create", len(peers))) {
		t.Errorf("plan blocked some connector:\n%s", out)
	}

	code, out, _ = runMain(t, w, "plan", "--source", dir, "--preflight", "warn", "--output", "json")
	var doc struct {
		Changes []struct {
			Routes []struct {
				Route     string
				Preflight *struct {
					OK     bool
					Detail string
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitChanges {
		t.Fatalf("plan --output json: got exit %d, %v\n%s", code, err, out)
	}
	ok := 0
	for _, c := range doc.Changes {
		for _, r := range c.Routes {
			if r.Preflight == nil {
				t.Errorf("route %s: no preflight field", r.Route)
			} else if r.Preflight.OK {
				ok++
			}
		}
	}
	if ok != 2 {
		t.Errorf("got %d routes with preflight ok, want 2 (sipp over UDP and TCP)\n%s", ok, out)
	}

	_, out, _ = runMain(t, w, "plan", "--source", dir, "--preflight", "off")
	if strings.Contains(out, "preflight") {
		t.Errorf("--preflight=off: output mentions preflight:\n%s", out)
	}
}

// TestApplyPreflightEnforce: the connectors whose route fails are blocked
// with the reason; the two routes to sipp are written.
func TestApplyPreflightEnforce(t *testing.T) {
	w, dir, peers, cs := preflightWorld(t)
	code, out, errs := runMain(t, w, "apply", "--source", dir, "--preflight", "enforce", "--auto-approve")
	if code != exitFailure {
		t.Fatalf("apply: got exit %d, want %d\n%s%s", code, exitFailure, out, errs)
	}
	for i, p := range peers {
		got := w.Origination(t, cs[i].ID)
		if (got != nil) != p.ok {
			t.Errorf("vc-%04d (%s %d): got origination %v, want written %t", i, p.proto, p.port, got, p.ok)
		}
		if p.ok {
			continue
		}
		want := fmt.Sprintf("error: c%d: blocked by --preflight=enforce: route 127.0.0.1:%d/%s failed preflight: ", i, p.port, strings.ToUpper(p.proto))
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "2 applied") {
		t.Errorf("apply output: want 2 applied:\n%s", out)
	}
}

// TestApplyPreflightTLS: the TCP route of a connector that requires
// encryption is probed over TLS, against a real kamailio whose certificate
// a private CA signed: it fails enforce on the system roots, and passes
// once --preflight-ca-file (or its variable) adds the CA.
func TestApplyPreflightTLS(t *testing.T) {
	simtest.Isolate(t)
	ca := testpki.NewCA(t, "reconciler test CA")
	cert, key := ca.Valid(t, "127.0.0.1")
	port := siptest.Kamailio(t, cert, key)
	w := simtest.Start(t, sim.Config{})
	vc, err := w.Sim.CreateConnector("vc-0000", "us-east-1", true)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	spec := fmt.Sprintf("package specs\n\nvoiceConnectors: c0: {name: \"vc-0000\", origination: routes: [{host: \"127.0.0.1\", port: %d, protocol: \"TCP\", priority: 1, weight: 1}]}\n", port)
	if err := os.WriteFile(filepath.Join(dir, "routes.cue"), []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runMain(t, w, "apply", "--source", dir, "--preflight", "enforce", "--auto-approve")
	want := fmt.Sprintf("error: c0: blocked by --preflight=enforce: route 127.0.0.1:%d/TCP (TLS) failed preflight: TLS: certificate signed by unknown authority \"CN=reconciler test CA\"\n", port)
	if code != exitFailure || !strings.Contains(errs, want) || w.Origination(t, vc.ID) != nil {
		t.Fatalf("apply without the CA: got exit %d, origination %v, want exit %d, none written and stderr with %q:\n%s%s",
			code, w.Origination(t, vc.ID), exitFailure, want, out, errs)
	}

	t.Setenv("RECONCILER_PREFLIGHT_CA_FILE", ca.File)
	code, out, errs = runMain(t, w, "plan", "--source", dir, "--preflight", "enforce")
	re := regexp.MustCompile(fmt.Sprintf(`\+ 127\.0\.0\.1:%d/TCP  priority 1 weight 1   \[preflight: SIP/2\.0 200 OK over TLS in (<1|\d+)ms\]\n`, port))
	if code != exitChanges || !re.MatchString(out) {
		t.Errorf("plan with $RECONCILER_PREFLIGHT_CA_FILE: got exit %d, want %d and %s:\n%s%s", code, exitChanges, re, out, errs)
	}

	t.Setenv("RECONCILER_PREFLIGHT_CA_FILE", "")
	code, out, errs = runMain(t, w, "apply", "--source", dir, "--preflight", "enforce", "--auto-approve", "--preflight-ca-file", ca.File)
	if code != exitOK || w.Origination(t, vc.ID) == nil {
		t.Errorf("apply with --preflight-ca-file: got exit %d, origination %v; want exit 0 and written:\n%s%s", code, w.Origination(t, vc.ID), out, errs)
	}
}

// TestPreflightCAFileBad: a CA file that cannot be read or holds no
// certificate is a usage error, before anything is contacted.
func TestPreflightCAFileBad(t *testing.T) {
	simtest.Isolate(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not PEM\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		cmd, file string
		code      int // plan exits 1: its 2 means changes pending
		want      string
	}{
		{"plan", missing, exitFailure, "plan: --preflight-ca-file: open " + missing + ": no such file or directory\n"},
		{"apply", empty, exitUsage, "apply: --preflight-ca-file: " + empty + ": no PEM certificate\n"},
		{"run", missing, exitUsage, "run: --preflight-ca-file: open " + missing + ": no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			var out, errw bytes.Buffer
			code := Main(t.Context(), []string{tt.cmd, "--source", dir, "--preflight-ca-file", tt.file, "--endpoint", "http://127.0.0.1:1"},
				Stdio{Out: &out, Err: &errw, Getenv: os.Getenv})
			if code != tt.code || !strings.HasPrefix(errw.String(), tt.want) {
				t.Errorf("got exit %d, stderr %q; want %d, %q", code, errw.String(), tt.code, tt.want)
			}
		})
	}
}
