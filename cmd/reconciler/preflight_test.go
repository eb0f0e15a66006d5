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
