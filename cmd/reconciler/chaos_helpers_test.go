package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/simtest"
)

// Scales of the fault tests. The defaults keep each test well under 20 s
// with -race on two cores; the flags give the figures of a bigger fleet or
// a longer outage, e.g.
//
//	go test -run TestChaosThrottleStorm -chaos.n=1000 -v ./cmd/reconciler
var (
	chaosN         = flag.Int("chaos.n", 200, "connectors in the throttle-storm test")
	chaosValidateN = flag.Int("chaos.validate", 2000, "connectors in the spec TestChaosBadRevisions validates (10000 for the issue's figure)")
	chaosOutage    = flag.Duration("chaos.outage", 3*time.Second, "how long the git remote stays away in TestChaosGitRemoteAway")
)

// figure logs one measured figure in a fixed form, so that a run with -v
// can be grepped for the README's Reliability table.
func figure(t testing.TB, name string, format string, args ...any) {
	t.Helper()
	t.Logf("FIGURE %s: %s", name, fmt.Sprintf(format, args...))
}

// fleetOf is a spec of conns by id: sbc1 (weight w) and sbc2 (weight 50).
func fleetOf(conns []sim.StoredConnector, w int) string {
	var b strings.Builder
	b.WriteString("package specs\n\nvoiceConnectors: {\n")
	for _, c := range conns {
		fmt.Fprintf(&b, "\t%q: {id: %q, origination: routes: [{host: \"sbc1.example.com\", protocol: \"UDP\", priority: 1, weight: %d}, {host: \"sbc2.example.com\", protocol: \"UDP\", priority: 1, weight: 50}]}\n", c.Name, c.ID, w)
	}
	b.WriteString("}\n")
	return b.String()
}

// fleetOrigination is what fleetOf(_, w) asks of every connector.
func fleetOrigination(w int) *origination.Origination {
	return &origination.Origination{Routes: []origination.Route{
		{Host: "sbc1.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: w},
		{Host: "sbc2.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 50},
	}}
}

// stray is what another writer puts on a connector; no spec here asks for it.
func stray(i int) *origination.Origination {
	return &origination.Origination{Routes: []origination.Route{{Host: fmt.Sprintf("rogue%d.example.com", i), Port: 5060, Protocol: "TCP", Priority: 1, Weight: 1}}}
}

// lookup reads connector id's origination: from the in-process simulator.
type lookup func(id string) *origination.Origination

func inWorld(t testing.TB, w *simtest.World) lookup {
	return func(id string) *origination.Origination { return w.Origination(t, id) }
}

// behind lists the connectors of conns whose origination differs from want.
func behind(get lookup, conns []sim.StoredConnector, want *origination.Origination) []string {
	var out []string
	for _, c := range conns {
		if !origination.Equal(get(c.ID), want) {
			out = append(out, c.Name)
		}
	}
	return out
}

// bystanders creates n connectors outside every spec, each with its own
// origination, for checking that nothing unnamed is written.
func bystanders(t testing.TB, w *simtest.World, n int) []sim.StoredConnector {
	t.Helper()
	conns := w.Connectors(t, "us-east-1", "other", n)
	for i, c := range conns {
		if err := w.Sim.SetOrigination(c.ID, stray(i)); err != nil {
			t.Fatal(err)
		}
	}
	return conns
}

func checkBystanders(t testing.TB, get lookup, conns []sim.StoredConnector) {
	t.Helper()
	for i, c := range conns {
		if got := get(c.ID); !origination.Equal(got, stray(i)) {
			t.Errorf("%s is in no spec, yet it holds %s, not %s", c.Name, got, stray(i))
		}
	}
}

// sum adds every series of the counter or gauge name whose labels include
// labels.
func (p *proc) sum(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	total := 0.0
	for _, op := range []string{"GetVoiceConnectorOrigination", "PutVoiceConnectorOrigination",
		"DeleteVoiceConnectorOrigination", "ListVoiceConnectors", "GetVoiceConnector"} {
		l := map[string]string{"operation": op}
		for k, v := range labels {
			l[k] = v
		}
		total += p.metric(t, name, l)
	}
	return total
}

// apiFigures are the daemon's counts of what it retried.
type apiFigures struct{ retries, throttled float64 }

func (p *proc) api(t *testing.T) apiFigures {
	t.Helper()
	return apiFigures{
		retries:   p.sum(t, "chime_reconciler_api_retries_total", nil),
		throttled: p.sum(t, "chime_reconciler_api_throttled_total", nil),
	}
}

// written returns the ids of the connectors the daemon logged as written.
func (p *proc) written(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, line := range strings.Split(p.logs.String(), "\n") {
		if !strings.Contains(line, `"msg":"origination written"`) {
			continue
		}
		var ev struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out[ev.ID]++
	}
	return out
}

// simProc is `reconciler sim` as a child process, so that it can be killed
// with SIGKILL and started again on the same port with the same state file.
type simProc struct {
	cmd  *exec.Cmd
	URL  string
	logs *lockedBuffer
}

// freePort returns a loopback port nobody listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startSimProc runs `reconciler sim args...` and waits for its URL.
func startSimProc(t testing.TB, args ...string) *simProc {
	t.Helper()
	cmd := exec.Command("reconciler", append([]string{"sim"}, args...)...)
	s := &simProc{cmd: cmd, logs: &lockedBuffer{}}
	cmd.Stderr = s.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start reconciler sim: %v", err)
	}
	t.Cleanup(func() { s.kill() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reconciler sim printed no URL: %v\n%s", err, s.logs)
	}
	s.URL = strings.TrimSpace(line)
	return s
}

// kill sends SIGKILL and reaps the process.
func (s *simProc) kill() {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// stats reads GET /_sim/stats.
func (s *simProc) stats(t testing.TB) sim.Stats {
	t.Helper()
	resp, err := http.Get(s.URL + "/_sim/stats")
	if err != nil {
		t.Fatalf("sim stats: %v", err)
	}
	defer resp.Body.Close()
	var st sim.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatalf("sim stats: %v", err)
	}
	return st
}

// stateFile reads a simulator state file: connector id to origination.
func stateFile(t testing.TB, path string) map[string]*origination.Origination {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Connectors []struct {
			ID          string                   `json:"id"`
			Origination *origination.Origination `json:"origination"`
		} `json:"connectors"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("state file %s: %v", path, err)
	}
	out := map[string]*origination.Origination{}
	for _, c := range doc.Connectors {
		out[c.ID] = c.Origination
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// fleetFromIDs reads the ids `reconciler sim --ids-file` wrote for
// vc-0001...
func fleetFromIDs(t testing.TB, path string) []sim.StoredConnector {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []sim.StoredConnector
	for i, id := range strings.Fields(string(data)) {
		out = append(out, sim.StoredConnector{ID: id, Name: fmt.Sprintf("vc-%04d", i+1)})
	}
	return out
}

// syntheticFleet is n connectors with well-formed ids, for loading only.
func syntheticFleet(n int) []sim.StoredConnector {
	out := make([]sim.StoredConnector, n)
	for i := range out {
		out[i] = sim.StoredConnector{ID: fmt.Sprintf("fleet%017d", i), Name: fmt.Sprintf("vc-%05d", i)}
	}
	return out
}

// moveIn writes data next to dst, then renames it into place, so that a
// watcher never reads it half-written.
func moveIn(t testing.TB, data, dst string) {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), filepath.Base(dst))
	gittest.WriteFile(t, tmp, data)
	if err := os.Rename(tmp, dst); err != nil {
		t.Fatal(err)
	}
}

// execReconciler runs the reconciler binary and returns its combined output.
func execReconciler(args ...string) (string, error) {
	return execCmd("reconciler", args...)
}

func execCmd(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "HOME="+os.TempDir())
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// exitStatus is the exit status in err from exec (0 for nil).
func exitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
