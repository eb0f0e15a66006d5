package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/gittest"
)

// specDisabling is specFile(50) with vc-0001's origination disabled: the
// traffic-loss gate refuses it unless allowed.
func specDisabling() string {
	return `package specs

voiceConnectors: {
	a: {name: "vc-0000", origination: routes: [{host: "sbc1.example.com", protocol: "UDP", priority: 1, weight: 50}, {host: "sbc2.example.com", protocol: "UDP", priority: 1, weight: 50}]}
	b: {name: "vc-0001", origination: {disabled: true, routes: [{host: "sbc3.example.com", protocol: "TCP", port: 5061, priority: 1, weight: 100}]}}
}
`
}

// TestRunEnvFileAsSystemdRunsIt runs the daemon as the units do: the
// settings in --env-file and, through EnvironmentFile=, the same ones in
// its environment. A gate opened by the file closes when its line leaves
// the file and the daemon is reloaded, although the environment still
// holds it; so does --drift report revert to correct. A misspelt key then
// fails the reload and keeps the running settings; a change that only a
// restart applies is named.
func TestRunEnvFileAsSystemdRunsIt(t *testing.T) {
	w := newWorld(t, 2)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", specFile(50))
	envFile := filepath.Join(t.TempDir(), "reconciler.env")
	settings := []string{"RECONCILER_ALLOW_TRAFFIC_LOSS=true", "RECONCILER_DRIFT=report"}
	gittest.WriteFile(t, envFile, "# as /etc/reconciler/reconciler.env\n"+strings.Join(settings, "\n")+"\n")
	p := startRunEnv(t, w, settings, "--source", dir, "--env-file", envFile, "--drift-interval", "1h")
	eventually(t, 15*time.Second, "spec applied", holds(t, w, "vc-0000", routesA(50)))
	if st := p.status(t); st.Drift != "report" {
		t.Fatalf("drift %q at start, want report from the file", st.Drift)
	}

	// The gate is open: disabling vc-0001 goes through.
	gittest.WriteFile(t, dir+"/a.cue", specDisabling())
	eventually(t, 10*time.Second, "vc-0001 disabled, the gate open", holds(t, w, "vc-0001", "disabled: sbc3.example.com:5061/TCP p1 w100"))

	// Both lines leave the file: on reload they revert to their defaults.
	gittest.WriteFile(t, envFile, "# as /etc/reconciler/reconciler.env\n")
	reloads := p.metric(t, "chime_reconciler_reconcile_total", map[string]string{"trigger": "reload", "result": "success"})
	p.signal(t, syscall.SIGHUP)
	eventually(t, 10*time.Second, "the reload's sweep", func() bool {
		return p.metric(t, "chime_reconciler_reconcile_total", map[string]string{"trigger": "reload", "result": "success"}) > reloads
	})
	if st := p.status(t); st.Drift != "correct" {
		t.Errorf("drift %q after the reload, want the default, correct", st.Drift)
	}
	if got := p.metric(t, "chime_reconciler_config_last_reload_successful", nil); got != 1 {
		t.Errorf("config_last_reload_successful %v, want 1", got)
	}
	gittest.WriteFile(t, dir+"/a.cue", specFile(50)) // enabling: no traffic lost
	eventually(t, 10*time.Second, "vc-0001 enabled", holds(t, w, "vc-0001", "sbc3.example.com:5061/TCP p1 w100"))
	gittest.WriteFile(t, dir+"/a.cue", specDisabling())
	eventually(t, 10*time.Second, "the disabling revision held: the gate is closed again", func() bool {
		st := p.status(t)
		return len(st.Held) > 0 && st.Held[0].Kind == "traffic-loss"
	})

	// A misspelt key: the reload fails, named, and the settings stay.
	gittest.WriteFile(t, envFile, "RECONCILER_DRIFT=report\nRECONCILER_DRIFT_INTERVALL=5s\n")
	p.signal(t, syscall.SIGHUP)
	eventually(t, 10*time.Second, "the failed reload reported", func() bool {
		return p.metric(t, "chime_reconciler_config_last_reload_successful", nil) == 0
	})
	if st := p.status(t); st.Drift != "correct" {
		t.Errorf("drift %q after a failed reload, want the running correct", st.Drift)
	}
	if logs := p.logs.String(); !strings.Contains(logs, "reload failed") || !strings.Contains(logs, "did you mean RECONCILER_DRIFT_INTERVAL?") {
		t.Errorf("the failed reload does not name the key and the flag it meant:\n%s", logs)
	}

	// A restart-only setting: applied by nothing but a restart, and said so.
	gittest.WriteFile(t, envFile, "RECONCILER_SPEC_TIMEOUT=30s\nRECONCILER_PREFLIGHT=off\n")
	p.signal(t, syscall.SIGHUP)
	eventually(t, 10*time.Second, "the restart-only settings named", func() bool {
		return strings.Contains(p.logs.String(), `"flags":"--preflight --spec-timeout"`)
	})
}

// TestRunRefusesUnknownSettingAtStart: a misspelt key in the env file stops
// the daemon at start with exit status 2 (RestartPreventExitStatus=2 in the
// units), naming the file, the line, the key and the flag it meant.
func TestRunRefusesUnknownSettingAtStart(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/a.cue", specFile(50))
	envFile := filepath.Join(dir, "reconciler.env")
	gittest.WriteFile(t, envFile, "RECONCILER_DRIFT=report\nRECONCILER_DRIFT_INTERVALL=5s\n")
	cmd := exec.CommandContext(t.Context(), "reconciler", "run", "--source", dir, "--env-file", envFile, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "RECONCILER_DRIFT=report", "RECONCILER_DRIFT_INTERVALL=5s")
	out, err := cmd.CombinedOutput()
	want := "unknown setting RECONCILER_DRIFT_INTERVALL in " + envFile + ":2: reconciler run has no flag --drift-intervall; did you mean RECONCILER_DRIFT_INTERVAL?"
	if exitStatus(err) != exitUsage || !strings.Contains(string(out), want) {
		t.Errorf("exit %v, output:\n%s\nwant exit 2 and %q", err, out, want)
	}
}
