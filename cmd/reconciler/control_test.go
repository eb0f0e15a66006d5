package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/control"
	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/suspension"
)

// pairSpec names vc-0000 as a and vc-0001 as b, each with one route of
// weight w.
func pairSpec(w int) string {
	return fmt.Sprintf(`package specs

voiceConnectors: {
	a: {name: "vc-0000", origination: routes: [{host: "sbc1.example.com", protocol: "UDP", priority: 1, weight: %d}]}
	b: {name: "vc-0001", origination: routes: [{host: "sbc2.example.com", protocol: "UDP", priority: 1, weight: %d}]}
}
`, w, w)
}

// The routes of pairSpec, and those an operator sets by hand in an
// incident.
const drRoutes = "dr.example.com:5060/UDP:1:100"

func specRoutes(host string, w int) string { return fmt.Sprintf("%s:5060/UDP p1 w%d", host, w) }

// cliResult is one run of the reconciler command.
type cliResult struct {
	code           int
	stdout, stderr string
}

// ctl runs the reconciler binary with env added to the test's.
func ctl(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	return cliAs(t, nil, "reconciler", env, args...)
}

// cliAs runs bin as the user cred (nil: the test's).
func cliAs(t *testing.T, cred *syscall.Credential, bin string, env []string, args ...string) cliResult {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), "RUNTIME_DIRECTORY=", "HOME="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return cliResult{code: exitStatus(err), stdout: out.String(), stderr: errb.String()}
}

// reloadSweep sends SIGHUP and waits for the sweep it causes.
func reloadSweep(t *testing.T, p *proc) {
	t.Helper()
	labels := map[string]string{"trigger": "reload", "result": "success"}
	before := p.metric(t, "chime_reconciler_reconcile_total", labels)
	p.signal(t, syscall.SIGHUP)
	eventually(t, 10*time.Second, "the reload's sweep", func() bool {
		return p.metric(t, "chime_reconciler_reconcile_total", labels) > before
	})
}

func connectorOf(t *testing.T, o daemon.Overview, key string) daemon.ConnectorStatus {
	t.Helper()
	for _, c := range o.Connectors {
		if c.Key == key {
			return c
		}
	}
	t.Fatalf("no connector %s in /status", key)
	return daemon.ConnectorStatus{}
}

// TestControlBreakGlass: the daemon and the commands, over the control
// socket, as in an incident. A suspended connector changed by hand is
// reverted by neither a sweep nor a new revision, while the other one
// converges, and shows as suspended with its drift; the suspension
// survives a restart; resume writes the spec at once, without waiting for
// a sweep.
func TestControlBreakGlass(t *testing.T) {
	w := newWorld(t, 2)
	specs, state := t.TempDir(), t.TempDir()
	sock := filepath.Join(state, control.SocketName)
	gittest.WriteFile(t, specs+"/pair.cue", pairSpec(50))
	args := []string{"--source", specs, "--drift-interval", "1h", "--state-dir", state}
	p := startRunEnv(t, w, []string{"RUNTIME_DIRECTORY="}, args...)
	eventually(t, 15*time.Second, "spec applied", func() bool {
		return holds(t, w, "vc-0000", specRoutes("sbc1.example.com", 50))() && holds(t, w, "vc-0001", specRoutes("sbc2.example.com", 50))()
	})
	if !strings.Contains(p.logs.String(), `"control":"`+sock+`"`) {
		t.Errorf("the daemon does not log its control socket %s", sock)
	}
	fi, err := os.Lstat(sock)
	if err != nil || fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("control socket: %v, %v; want a socket, mode 0600", fi, err)
	}

	// Flags before or after the key; the daemon records who from the
	// socket, and the sudo user the command ran as.
	r := ctl(t, []string{"SUDO_USER=alice", "RECONCILER_STATE_DIR=" + state}, "suspend", "a", "--reason", "INC-4242")
	if r.code != 0 || r.stdout != "suspended a: INC-4242, by root (sudo by alice)\n"+
		"The daemon writes none of them until 'reconciler resume'; 'reconciler status' shows their drift.\n" {
		t.Fatalf("suspend: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{`"msg":"connector suspended: no write until it is resumed"`, `"connector":"a"`, `"by":"root (sudo by alice)"`, `"reason":"INC-4242"`} {
		if !strings.Contains(p.logs.String(), want) {
			t.Errorf("the suspension is not logged as a change is: no %s", want)
		}
	}

	// Both connectors changed by hand; a sweep reverts b only.
	setOrigination(t, w, "vc-0000", drRoutes)
	setOrigination(t, w, "vc-0001", drRoutes)
	reloadSweep(t, p)
	if !holds(t, w, "vc-0001", specRoutes("sbc2.example.com", 50))() {
		t.Error("b's drift was not reverted")
	}
	if !holds(t, w, "vc-0000", "dr.example.com:5060/UDP p1 w100")() {
		t.Error("suspended a was reverted by the sweep")
	}
	st := p.status(t)
	a := connectorOf(t, st, "a")
	orig, _ := a.Setting(origination.Name)
	if a.State != daemon.StateSuspended || !a.Differs || setting.Format(orig.Live) != "dr.example.com:5060/UDP p1 w100" ||
		setting.Format(orig.Desired) != specRoutes("sbc1.example.com", 50) || a.Suspension == nil || a.Suspension.Reason != "INC-4242" {
		t.Errorf("/status of a: got %+v, want suspended, live the DR route, differing from the spec", a)
	}
	if len(st.Suspensions) != 1 || st.Suspensions[0].By.User != "root" || st.Suspensions[0].By.SudoUser != "alice" || st.Suspensions[0].Age == "" {
		t.Errorf("/status suspensions: got %+v", st.Suspensions)
	}
	i := slices.IndexFunc(st.Changes, func(c daemon.AppliedChange) bool { return c.Trigger == daemon.TriggerSuspend })
	if i < 0 || st.Changes[i].Key != "a" || st.Changes[i].By == nil || st.Changes[i].By.User != "root" || st.Changes[i].Reason != "INC-4242" {
		t.Errorf("change log: got %+v, want the suspension of a by root", st.Changes)
	}
	if got := p.metric(t, "chime_reconciler_connectors", map[string]string{"state": "suspended"}); got != 1 {
		t.Errorf("connectors{state=suspended}: got %v, want 1", got)
	}
	if got := p.metric(t, "chime_reconciler_suspended_since_timestamp_seconds", map[string]string{"connector": "a"}); got < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("suspended_since{connector=a}: got %v, want about now", got)
	}

	// status, as text and as the Overview.
	r = ctl(t, nil, "status", "--control-socket", sock)
	for _, want := range []string{"connectors  1 in sync, 0 drifted, 0 failed, 0 pending, 1 suspended",
		"Suspended (no write until 'reconciler resume'):", "root (sudo by alice)  INC-4242  differs from the spec: dr.example.com:5060/UDP p1 w100"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("status: exit %d, want %q in:\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}
	r = ctl(t, nil, "status", "--control-socket", sock, "--output", "json")
	if o := parseStatus(t, []byte(r.stdout)); o.Counts[daemon.StateSuspended] != 1 || len(o.Suspensions) != 1 || o.Suspensions[0].Key != "a" {
		t.Errorf("status --output json: counts %v, suspensions %v, want a suspended\n%s", o.Counts, o.Suspensions, r.stdout)
	}

	// A new revision changing both writes b only.
	gittest.WriteFile(t, specs+"/pair.cue", pairSpec(70))
	eventually(t, 10*time.Second, "b at weight 70", holds(t, w, "vc-0001", specRoutes("sbc2.example.com", 70)))
	if !holds(t, w, "vc-0000", "dr.example.com:5060/UDP p1 w100")() {
		t.Error("a new revision wrote suspended a")
	}

	// An unknown key: refused whole, and exit 1.
	r = ctl(t, nil, "suspend", "--control-socket", sock, "b", "c")
	if r.code != 1 || r.stderr != "suspend: unknown connector \"c\": not in the spec this daemon manages (managed: a, b)\n" {
		t.Errorf("unknown key: exit %d\n%s", r.code, r.stderr)
	}
	if st := p.status(t); len(st.Suspensions) != 1 {
		t.Errorf("a refused request changed the suspensions: %+v", st.Suspensions)
	}

	// A restart keeps the suspension.
	p.signal(t, syscall.SIGTERM)
	if code := p.exit(t, 10*time.Second); code != 0 {
		t.Fatalf("exit %d after SIGTERM", code)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("control socket after exit: %v, want removed", err)
	}
	if fi, err := os.Stat(filepath.Join(state, suspension.FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("suspensions file: %v, %v; want mode 0600", fi, err)
	}
	p = startRunEnv(t, w, []string{"RUNTIME_DIRECTORY="}, args...)
	eventually(t, 15*time.Second, "first pass after the restart", func() bool { return p.status(t).LastGood != nil })
	if st := p.status(t); connectorOf(t, st, "a").State != daemon.StateSuspended || !connectorOf(t, st, "a").Differs {
		t.Errorf("after the restart: a is %+v, want suspended", connectorOf(t, st, "a"))
	}
	if !holds(t, w, "vc-0000", "dr.example.com:5060/UDP p1 w100")() {
		t.Error("the restarted daemon wrote suspended a")
	}

	// Resume: a is written at once, in a pass of its own, not at the next
	// sweep an hour away.
	before := p.metric(t, "chime_reconciler_reconcile_total", map[string]string{"trigger": "resume", "result": "success"})
	r = ctl(t, nil, "resume", "--control-socket", sock, "a")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "resumed a (suspended ") {
		t.Fatalf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	d := eventually(t, 5*time.Second, "a reconciled on resume", holds(t, w, "vc-0000", specRoutes("sbc1.example.com", 70)))
	t.Logf("resume to write: %v", d)
	if got := p.metric(t, "chime_reconciler_reconcile_total", map[string]string{"trigger": "resume", "result": "success"}); got != before+1 {
		t.Errorf("resume passes: got %v, want %v", got, before+1)
	}
	if got := p.metric(t, "chime_reconciler_suspended_since_timestamp_seconds", map[string]string{"connector": "a"}); got != 0 {
		t.Errorf("suspended_since{connector=a} after resume: got %v, want no series", got)
	}
	if r := ctl(t, nil, "resume", "--control-socket", sock, "--all"); r.code != 0 || r.stdout != "No connector was suspended.\n" {
		t.Errorf("resume --all of none: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestControlNoDaemon: without a daemon the commands say so and exit 1.
func TestControlNoDaemon(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "control.sock")
	for _, args := range [][]string{{"status"}, {"suspend", "a"}, {"resume", "--all"}} {
		r := ctl(t, nil, append(args, "--control-socket", sock)...)
		want := args[0] + ": is the daemon running? no control socket at " + sock + "\n"
		if r.code != 1 || r.stderr != want {
			t.Errorf("%v: exit %d, stderr %q; want 1, %q", args, r.code, r.stderr, want)
		}
	}
	// Without --control-socket, in the default state directory.
	state := t.TempDir()
	r := ctl(t, []string{"RECONCILER_STATE_DIR=" + state}, "status")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "status: is the daemon running? no control socket at "+state+"/control.sock\n") ||
		!strings.Contains(r.stderr, "--control-socket PATH") {
		t.Errorf("default socket: exit %d\n%s", r.code, r.stderr)
	}
}

// TestControlPermission: a user other than the daemon's cannot use the
// socket, mode 0600, even where the directory lets them reach it.
func TestControlPermission(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("runs the command as another user, which needs root")
	}
	w := newWorld(t, 2)
	specs, open := t.TempDir(), t.TempDir()
	gittest.WriteFile(t, specs+"/pair.cue", pairSpec(50))
	// A directory anyone may enter, holding the socket and a copy of the
	// binary anyone may run: only the socket's mode keeps them out.
	for _, d := range []string{filepath.Dir(open), open} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(open, "reconciler")
	copyExecutable(t, bin)
	sock := filepath.Join(open, "control.sock")
	startRun(t, w, "--source", specs, "--control-socket", sock)
	nobody := &syscall.Credential{Uid: 65534, Gid: 65534}
	r := cliAs(t, nobody, bin, []string{"HOME=/"}, "suspend", "--control-socket", sock, "a")
	want := "suspend: permission denied on the control socket " + sock + ": only the daemon's user and root may use it; run the command with sudo\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("as nobody: exit %d, stderr %q; want 1, %q", r.code, r.stderr, want)
	}
	if r := cliAs(t, nil, bin, nil, "status", "--control-socket", sock); r.code != 0 {
		t.Errorf("as root: exit %d\n%s", r.code, r.stderr)
	}
}

// copyExecutable copies the reconciler on PATH (the test binary, which
// testscript runs as reconciler) to dst, mode 0755.
func copyExecutable(t *testing.T, dst string) {
	t.Helper()
	src, err := exec.LookPath("reconciler")
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestControlSocketStateDir: without a socket found elsewhere, the
// commands use the daemon's state directory, --state-dir or systemd's
// (control.ClientPath tests the rest of the search).
func TestControlSocketStateDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	empty := t.TempDir() // no daemon under the systemd directory
	withDir := controlFlags{stateDir: "/srv/state"}
	if got, err := withDir.clientPath(env(map[string]string{"STATE_DIRECTORY": "/var/lib/reconciler"}), empty); got != "/srv/state/control.sock" || err != nil {
		t.Errorf("with --state-dir: got %q, %v", got, err)
	}
	var none controlFlags
	if got, err := none.clientPath(env(map[string]string{"STATE_DIRECTORY": "/var/lib/reconciler"}), empty); got != "/var/lib/reconciler/control.sock" || err != nil {
		t.Errorf("with systemd's state directory: got %q, %v", got, err)
	}
	if got := none.daemonPath(env(map[string]string{"RUNTIME_DIRECTORY": "/run/reconciler"}), "/srv/state"); got != "/run/reconciler/control.sock" {
		t.Errorf("daemon under systemd: got %s", got)
	}
}

// TestControlUsage: bad usage exits 2 and says what is wrong, before any
// daemon is asked; -h exits 0.
func TestControlUsage(t *testing.T) {
	none := filepath.Join(t.TempDir(), "control.sock")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"suspend"}, 2, "suspend: name the connectors (their keys under voiceConnectors), or give --all\n"},
		{[]string{"suspend", "a", "--all"}, 2, "suspend: give connector keys or --all, not both\n"},
		{[]string{"resume", "--all", "--", "a"}, 2, "resume: give connector keys or --all, not both\n"},
		{[]string{"suspend", "a", "--bogus"}, 2, "flag provided but not defined: -bogus\n"},
		{[]string{"suspend", "--reason"}, 2, "flag needs an argument: -reason\n"},
		{[]string{"status", "--output", "yaml"}, 2, `status: --output "yaml": want text or json` + "\n"},
		{[]string{"status", "extra"}, 2, `status: unexpected argument "extra"` + "\n"},
		{[]string{"suspend", "-h"}, 0, "Usage: reconciler suspend [flags] (KEY... | --all)\n"},
		{[]string{"resume", "--", "--all"}, 1, "resume: is the daemon running? no control socket at " + none + "\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{tc.args[0], "--control-socket", none}, tc.args[1:]...)
			code := Main(t.Context(), args, Stdio{Out: &out, Err: &errb, Getenv: func(string) string { return "" }})
			if code != tc.code || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errb.String(), tc.code, tc.want)
			}
		})
	}
}
