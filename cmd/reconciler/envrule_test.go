package main

import (
	"bytes"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/metrics"
	"github.com/sipops/reconciler/internal/sdnotify"
	"github.com/sipops/reconciler/internal/testpki"
)

// stdioEnv is a Stdio whose environment is env, listed and read alike.
func stdioEnv(env map[string]string) (Stdio, *bytes.Buffer) {
	var errw bytes.Buffer
	return Stdio{
		Out: io.Discard, Err: &errw,
		Getenv: func(k string) string { return env[k] },
		Environ: func() []string {
			var out []string
			for k, v := range env {
				out = append(out, k+"="+v)
			}
			return out
		},
	}, &errw
}

// specDir is a directory holding a valid spec.
func specDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.cue"), []byte(specFile(50)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestEnvironmentRule: every RECONCILER_* variable a command sees must be
// one of its flags; sim's are RECONCILER_SIM_*; a variable set to nothing
// is no setting; a name one or two edits from a flag's variable is taken
// for a misspelling of it.
func TestEnvironmentRule(t *testing.T) {
	dir := specDir(t)
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		code    int
		wantErr []string
	}{
		{"flags", []string{"validate"}, map[string]string{"RECONCILER_SOURCE": dir, "RECONCILER_MAX_ROUTES": "5"}, exitOK, nil},
		{"misspelt", []string{"validate", "--source", dir}, map[string]string{"RECONCILER_MAX_ROUTESS": "5"}, exitUsage,
			[]string{"unknown setting $RECONCILER_MAX_ROUTESS in the environment: reconciler validate has no flag --max-routess; did you mean RECONCILER_MAX_ROUTES?"}},
		{"another command's flag", []string{"validate", "--source", dir}, map[string]string{"RECONCILER_PREFLIGHT": "off"}, exitUsage,
			[]string{"unknown setting $RECONCILER_PREFLIGHT in the environment: reconciler validate has no flag --preflight"}},
		{"another tool's", []string{"validate", "--source", dir}, map[string]string{"RECONCILER_VERSION": "v1.2.3"}, exitUsage,
			[]string{"unknown setting $RECONCILER_VERSION in the environment: reconciler validate has no flag --version"}},
		{"every one named", []string{"validate", "--source", dir}, map[string]string{"RECONCILER_A": "1", "RECONCILER_B": "2"}, exitUsage,
			[]string{"$RECONCILER_A in the environment", "$RECONCILER_B in the environment"}},
		{"misspelt prefix", []string{"validate"}, map[string]string{"RECONCILR_SOURCE": dir}, exitUsage,
			[]string{"unknown setting $RECONCILR_SOURCE in the environment; did you mean RECONCILER_SOURCE?"}},
		{"set to nothing", []string{"validate", "--source", dir}, map[string]string{"RECONCILER_BOGUS": ""}, exitOK, nil},
		{"sim's are sim's", []string{"validate", "--source", dir}, map[string]string{"RECONCILER_SIM_LATENCY": "1s"}, exitOK, nil},
		{"sim checks its own", []string{"sim"}, map[string]string{"RECONCILER_SIM_LATENCYY": "1s", "RECONCILER_DRIFT": "report"}, exitUsage,
			[]string{"unknown setting $RECONCILER_SIM_LATENCYY in the environment: reconciler sim has no flag --latencyy; did you mean RECONCILER_SIM_LATENCY?"}},
		{"-h despite them", []string{"validate", "-h"}, map[string]string{"RECONCILER_BOGUS": "1"}, exitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			std, errw := stdioEnv(tt.env)
			code := Main(t.Context(), tt.args, std)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, errw)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errw.String(), w) {
					t.Errorf("stderr:\n%s\nwant %q", errw, w)
				}
			}
		})
	}
}

// writeEnv writes an environment file and returns its path.
func writeEnv(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(dir, "reconciler.env")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEnvFileRule: with --env-file the file is the one source of the
// RECONCILER_* settings. At start, the environment must hold none the file
// does not, with the same value (systemd's EnvironmentFile= loads the same
// file); a reload reads the file alone.
func TestEnvFileRule(t *testing.T) {
	dir := specDir(t)
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		wantErr string // "" to start
	}{
		{"as systemd runs it", "RECONCILER_DRIFT=report\nAWS_REGION=us-east-1\n",
			map[string]string{"RECONCILER_DRIFT": "report", "AWS_REGION": "us-east-1"}, ""},
		{"the file alone", "RECONCILER_DRIFT=report\n", nil, ""},
		{"misspelt in the file", "# c\nRECONCILER_DRIFT_INTERVALL=5s\n", nil,
			"unknown setting RECONCILER_DRIFT_INTERVALL in " + dir + "/reconciler.env:2: reconciler run has no flag --drift-intervall; did you mean RECONCILER_DRIFT_INTERVAL?"},
		{"misspelt prefix in the file", "RECONCILLER_DRIFT=report\n", nil,
			"unknown setting RECONCILLER_DRIFT in " + dir + "/reconciler.env:1; did you mean RECONCILER_DRIFT?"},
		{"sim's in the file", "RECONCILER_SIM_LATENCY=1s\n", nil, "unknown setting RECONCILER_SIM_LATENCY in "},
		{"the file names itself", "RECONCILER_ENV_FILE=/etc/x.env\n", nil, "the file cannot name itself"},
		{"only in the environment", "RECONCILER_DRIFT=report\n", map[string]string{"RECONCILER_DRIFT": "report", "RECONCILER_ALLOW_MASS_CHANGE": "true"},
			"RECONCILER_ALLOW_MASS_CHANGE is set in the environment but not in " + dir + "/reconciler.env"},
		{"the environment disagrees", "RECONCILER_DRIFT=report\n", map[string]string{"RECONCILER_DRIFT": "correct"},
			`RECONCILER_DRIFT is "correct" in the environment but "report" in ` + dir + "/reconciler.env:1"},
		{"misspelt in the environment only", "RECONCILER_DRIFT=report\n", map[string]string{"RECONCILER_DRIFT": "report", "RECONCILER_DRIFT_MODE": "x"},
			"unknown setting $RECONCILER_DRIFT_MODE in the environment"},
		{"export", "export RECONCILER_DRIFT=report\n", nil, `reconciler.env:1: "export RECONCILER_DRIFT": systemd takes no shell syntax`},
		{"a bad value", "RECONCILER_DRIFT_INTERVAL=soon\n", nil, `invalid value "soon" for RECONCILER_DRIFT_INTERVAL in ` + dir + "/reconciler.env:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeEnv(t, t.TempDir(), tt.file)
			tt.wantErr = strings.ReplaceAll(tt.wantErr, dir+"/reconciler.env", path)
			std, errw := stdioEnv(tt.env)
			f, err := parseRun(std, []string{"--source", dir, "--env-file", path})
			code := exitOK
			if err != nil {
				code = usageExit(f.fs, err, exitUsage)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("exit %d\n%s", code, errw)
			case tt.wantErr == "":
				if f.drift != "report" || f.envFile != path {
					t.Errorf("got --drift %q, --env-file %q; want report and %s", f.drift, f.envFile, path)
				}
			case code != exitUsage || !strings.Contains(errw.String(), tt.wantErr):
				t.Errorf("exit %d, stderr:\n%s\nwant %d and %q", code, errw, exitUsage, tt.wantErr)
			}
		})
	}
}

// TestEnvFileFromEnvironment: $RECONCILER_ENV_FILE names the file, as
// --env-file does.
func TestEnvFileFromEnvironment(t *testing.T) {
	path := writeEnv(t, t.TempDir(), "RECONCILER_DRIFT=report\n")
	std, errw := stdioEnv(map[string]string{"RECONCILER_ENV_FILE": path})
	f, err := parseRun(std, []string{"--source", specDir(t)})
	if err != nil || f.drift != "report" || f.envFile != path {
		t.Fatalf("%v, --drift %v\n%s", err, f, errw)
	}
}

// TestReloadRevertsRemovedSetting is the rule as systemd runs the daemon:
// the same settings in the environment and in the file at start; a setting
// removed from the file reverts to its default on reload, although the
// environment still holds it.
func TestReloadRevertsRemovedSetting(t *testing.T) {
	dir := t.TempDir()
	path := writeEnv(t, dir, "RECONCILER_ALLOW_MASS_CHANGE=true\nRECONCILER_DRIFT=report\n")
	std, errw := stdioEnv(map[string]string{"RECONCILER_ALLOW_MASS_CHANGE": "true", "RECONCILER_DRIFT": "report"})
	args := []string{"--source", specDir(t), "--env-file", path}
	f, err := parseRun(std, args)
	if err != nil {
		t.Fatalf("start: %v\n%s", err, errw)
	}
	f.args = args
	if !f.plan.gates.AllowMassChange || f.drift != "report" {
		t.Fatalf("at start: got %+v, drift %s", f.plan.gates, f.drift)
	}
	writeEnv(t, dir, "RECONCILER_DRIFT=report\n")
	next, err := reparse(std, f)
	if err != nil {
		t.Fatal(err)
	}
	if next.plan.gates.AllowMassChange {
		t.Error("--allow-mass-change is still on after its line left the file")
	}
	got, err := reloadableOf(next)
	if err != nil || got.loop.Gates != (diff.Gates{}) || got.loop.Drift != daemon.DriftReport {
		t.Errorf("reloaded settings %+v, %v; want no gate open and drift report", got, err)
	}
}

// TestReloadReadsNoFile: the files the flags name (--preflight-ca-file,
// the etcd password) are read at start and take effect on restart only: a
// reload reads the environment file and nothing else, so a file gone
// since the start does not fail it.
func TestReloadReadsNoFile(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, "reload test CA")
	password := writeEnv(t, t.TempDir(), "s3cret\n")
	path := writeEnv(t, dir, "RECONCILER_DRIFT=report\n")
	std, errw := stdioEnv(nil)
	args := []string{"--source", specDir(t), "--env-file", path, "--preflight-ca-file", ca.File,
		"--leader-election-etcd", "http://127.0.0.1:1", "--leader-election-key", "/k", "--etcd-username", "u", "--etcd-password-file", password}
	f, err := parseRun(std, args)
	if err != nil {
		t.Fatalf("start: %v\n%s", err, errw)
	}
	if f.plan.pre.roots == nil || f.election.password != "s3cret" {
		t.Fatalf("at start: roots %v, password %q; want both read", f.plan.pre.roots, f.election.password)
	}
	f.args = args
	for _, gone := range []string{ca.File, password} {
		if err := os.Remove(gone); err != nil {
			t.Fatal(err)
		}
	}
	next, err := reparse(std, f)
	if err != nil {
		t.Fatalf("reload with the files gone: %v", err)
	}
	if next.plan.pre.roots != nil || next.election.password != "" {
		t.Errorf("the reload read a file: roots %v, password %q", next.plan.pre.roots, next.election.password)
	}
}

// TestReloadableFlagsAreFlags catches a name in reloadableFlags that is
// no flag of run: the flag it meant would be restart-only without a word.
func TestReloadableFlagsAreFlags(t *testing.T) {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	f.register(fs)
	var got []string
	fs.VisitAll(func(fl *flag.Flag) {
		if slices.Contains(reloadableFlags(), fl.Name) {
			got = append(got, fl.Name)
		}
	})
	if want := []string{"allow-mass-change", "allow-traffic-loss", "drift", "drift-interval", "log-level"}; !slices.Equal(got, want) {
		t.Errorf("reloadable flags of run: got %v, want %v", got, want)
	}
}

// TestRestartOnly: a reload names every flag that changed and that only a
// restart applies, whichever file or group declares it, and none of those
// it applies.
func TestRestartOnly(t *testing.T) {
	dir := t.TempDir()
	src := specDir(t)
	path := writeEnv(t, dir, "RECONCILER_DRIFT=report\n")
	std, errw := stdioEnv(nil)
	args := []string{"--source", src, "--env-file", path}
	f, err := parseRun(std, args)
	if err != nil {
		t.Fatalf("%v\n%s", err, errw)
	}
	f.args = args
	writeEnv(t, dir, strings.Join([]string{
		"RECONCILER_DRIFT=correct", "RECONCILER_DRIFT_INTERVAL=1m", "RECONCILER_LOG_LEVEL=debug", "RECONCILER_ALLOW_TRAFFIC_LOSS=true",
		"RECONCILER_PREFLIGHT=off", "RECONCILER_API_BURST=9", "RECONCILER_MAX_ATTEMPTS=2", "RECONCILER_GIT_INTERVAL=5m",
		"RECONCILER_SPEC_TIMEOUT=5s", "RECONCILER_SPEC_MEMORY=512", "RECONCILER_LISTEN=127.0.0.1:9999",
	}, "\n")+"\n")
	next, err := reparse(std, f)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--api-burst", "--git-interval", "--listen", "--max-attempts", "--preflight", "--spec-memory", "--spec-timeout"}
	if got := f.restartOnly(next); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestNewestReloadWins: a reload queued behind another replaces it, and
// config_last_reload_successful says 1 only once the newest settings are
// in force; a newest reload that fails drops the queued one and says 0.
func TestNewestReloadWins(t *testing.T) {
	dir := t.TempDir()
	path := writeEnv(t, dir, "RECONCILER_DRIFT=correct\n")
	std, errw := stdioEnv(nil)
	args := []string{"--source", specDir(t), "--env-file", path}
	f, err := parseRun(std, args)
	if err != nil {
		t.Fatalf("%v\n%s", err, errw)
	}
	f.args = args
	reg := prometheus.NewRegistry()
	d := &wired{std: std, flags: f, log: slog.New(slog.DiscardHandler), m: metrics.New(reg), notify: sdnotify.New(func(string) string { return "" })}
	reload := make(chan daemon.Reload, 1) // the loop is busy: nothing takes it
	var newest atomic.Uint64

	writeEnv(t, dir, "RECONCILER_DRIFT=sideways\n")
	d.onReload(reload, &newest) // fails: 0
	<-reload
	writeEnv(t, dir, "RECONCILER_DRIFT=report\n")
	d.onReload(reload, &newest)
	writeEnv(t, dir, "RECONCILER_DRIFT=report\nRECONCILER_DRIFT_INTERVAL=1m\n")
	d.onReload(reload, &newest)
	r := <-reload
	if r.Settings == nil || r.Settings.DriftInterval != time.Minute {
		t.Fatalf("queued: %+v, want the newest settings (drift interval 1m)", r.Settings)
	}
	if got := reloadOK(t, reg); got != 0 {
		t.Errorf("config_last_reload_successful %v before the loop applied anything, want 0", got)
	}
	r.Applied()
	if got := reloadOK(t, reg); got != 1 {
		t.Errorf("config_last_reload_successful %v once applied, want 1", got)
	}

	writeEnv(t, dir, "RECONCILER_DRIFT=correct\n")
	d.onReload(reload, &newest)
	writeEnv(t, dir, "RECONCILER_DRIFT=sideways\n")
	d.onReload(reload, &newest)
	if r := <-reload; r.Settings != nil || r.Applied != nil {
		t.Errorf("queued: %+v, want a sweep without settings: the newest reload failed", r)
	}
	if got := reloadOK(t, reg); got != 0 {
		t.Errorf("config_last_reload_successful %v after a failed reload, want 0", got)
	}
}

// reloadOK is chime_reconciler_config_last_reload_successful.
func reloadOK(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "chime_reconciler_config_last_reload_successful" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no chime_reconciler_config_last_reload_successful")
	return 0
}
