package systemd_test

import (
	"bufio"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envFileOf returns the file a unit passes to --env-file and the one it
// loads with EnvironmentFile=.
func envFileOf(t *testing.T, unit string) (flag, environmentFile string) {
	t.Helper()
	for _, l := range settings(t, unit) {
		if v, ok := strings.CutPrefix(l, "EnvironmentFile="); ok {
			environmentFile = v
		}
		if v, ok := strings.CutPrefix(l, execStart); ok {
			flag = v
		}
	}
	return flag, environmentFile
}

// TestUnitsLoadOneEnvFile: with --env-file the daemon reads its settings
// from the file alone, and refuses to start when the environment holds a
// RECONCILER_* variable the file does not; so EnvironmentFile=, which puts
// the file's variables in the environment (the AWS_* ones are for the AWS
// SDK), must load the very same file.
func TestUnitsLoadOneEnvFile(t *testing.T) {
	for _, u := range units {
		flag, env := envFileOf(t, u.file)
		if flag == "" || flag != env {
			t.Errorf("%s: --env-file %q but EnvironmentFile=%q: want one file", u.file, flag, env)
		}
	}
}

// TestUnitStartsWithExample starts the daemon as reconciler.service does,
// on reconciler.env.example with its settings uncommented where they need
// no file or server: the file given to --env-file, and systemd's reading of
// it in the environment (EnvironmentFile=), $STATE_DIRECTORY and
// $RUNTIME_DIRECTORY. The daemon must accept every setting, start, and
// exit 0 on SIGTERM.
func TestUnitStartsWithExample(t *testing.T) {
	// Settings that need a file, a server or another setting stay out.
	skip := []string{"RECONCILER_GIT_TOKEN_FILE", "RECONCILER_GIT_SSH_KEY", "RECONCILER_GIT_KNOWN_HOSTS",
		"RECONCILER_GIT_VERIFY_KEYRING", "RECONCILER_WEBHOOK_SECRET_FILE", "RECONCILER_PREFLIGHT_CA_FILE",
		"RECONCILER_LEADER_ELECTION_ETCD", "RECONCILER_LEADER_ELECTION_KEY", "RECONCILER_LEADER_ELECTION_TTL",
		"RECONCILER_LEADER_ELECTION_IDENTITY", "RECONCILER_ETCD_CA_FILE", "RECONCILER_ETCD_CERT_FILE",
		"RECONCILER_ETCD_KEY_FILE", "RECONCILER_ETCD_USERNAME", "RECONCILER_ETCD_PASSWORD_FILE",
		"AWS_CONFIG_FILE", "AWS_PROFILE", "AWS_ENDPOINT_URL_CHIME_SDK_VOICE"}
	vars := envExample(t)
	var file, environ []string
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		v := vars[k]
		switch {
		case slices.Contains(skip, k):
			continue
		case k == "RECONCILER_LISTEN":
			v = "127.0.0.1:0"
		case k == "RECONCILER_GIT_URL":
			v = "git://127.0.0.1:1/specs.git" // refused at once, retried
		case strings.Contains(v, "'"):
			t.Fatalf("%s=%q: a value the test cannot quote", k, v)
		}
		file = append(file, k+"='"+v+"'")
		environ = append(environ, k+"="+v) // as EnvironmentFile= reads the file
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "reconciler.env")
	if err := os.WriteFile(envFile, []byte(strings.Join(file, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	flag, _ := envFileOf(t, "reconciler.service")
	args := strings.Fields(strings.TrimPrefix(execStart, "ExecStart=") + flag)[1:]
	args[len(args)-1] = envFile
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	state, runtime := filepath.Join(dir, "state"), filepath.Join(dir, "run")
	for _, d := range []string{state, runtime} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "STATE_DIRECTORY=" + state, "RUNTIME_DIRECTORY=" + runtime,
		"AWS_EC2_METADATA_DISABLED=true"}, environ...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started, done := make(chan struct{}), make(chan struct{})
	var logs strings.Builder // written by the reader until done
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), `"msg":"started"`) {
				close(started)
			}
		}
	}()
	select {
	case <-started:
	case <-done:
		cmd.Wait()
		t.Fatalf("reconciler %s did not start: %v\n%s", strings.Join(args, " "), cmd.ProcessState, logs.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v, want 0\n%s", err, logs.String())
	}
}
