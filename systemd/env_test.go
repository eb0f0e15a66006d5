package systemd_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

var (
	// assignRE is what systemd's EnvironmentFile parser takes literally: no
	// export, no quotes or expansion the reader might expect from a shell.
	assignRE = regexp.MustCompile(`^([A-Z_]+)=([^"'\s]*)$`)
	nameRE   = regexp.MustCompile(`^(RECONCILER_[A-Z_]+|AWS_[A-Z_]+)$`)
)

// envExample returns the assignments of reconciler.env.example, set and
// commented out, after checking every line is blank, a comment or VAR=value.
func envExample(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("reconciler.env.example")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l == "" || strings.HasPrefix(l, "# ") || l == "#" {
			continue
		}
		m := assignRE.FindStringSubmatch(strings.TrimPrefix(l, "#"))
		if m == nil || !nameRE.MatchString(m[1]) {
			t.Errorf("reconciler.env.example:%d: got %q, want a blank line, a comment, or VAR=value with VAR matching %s", i+1, l, nameRE)
			continue
		}
		vars[m[1]] = m[2]
	}
	return vars
}

func TestEnvExample(t *testing.T) {
	vars := envExample(t)
	for _, v := range []string{
		"RECONCILER_GIT_URL", "RECONCILER_GIT_REF", "RECONCILER_GIT_PATH", "RECONCILER_GIT_TOKEN_FILE",
		"RECONCILER_GIT_SSH_KEY", "RECONCILER_GIT_KNOWN_HOSTS", "RECONCILER_WEBHOOK_SECRET_FILE",
		"RECONCILER_REGION", "RECONCILER_LISTEN", "RECONCILER_API_RATE", "RECONCILER_DRIFT_INTERVAL",
		"RECONCILER_DRIFT", "RECONCILER_LOG_FORMAT", "AWS_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL_CHIME_SDK_VOICE",
	} {
		if _, ok := vars[v]; !ok {
			t.Errorf("reconciler.env.example does not document %s", v)
		}
	}
	// systemd does not expand variables here: the daemon does, in file flags.
	if got, want := vars["RECONCILER_GIT_TOKEN_FILE"], "$CREDENTIALS_DIRECTORY/git-token"; got != want {
		t.Errorf("RECONCILER_GIT_TOKEN_FILE: got %q, want %q", got, want)
	}
}

// TestEnvExampleNamesFlags catches a variable that names no flag: the
// daemon would silently ignore it.
func TestEnvExampleNamesFlags(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), binary, "run", "-h").CombinedOutput()
	if err != nil {
		t.Fatalf("reconciler run -h: %v\n%s", err, out)
	}
	for v := range envExample(t) {
		if strings.HasPrefix(v, "RECONCILER_") && !strings.Contains(string(out), "[$"+v+"]") {
			t.Errorf("%s is not a flag of reconciler run; its flags:\n%s", v, out)
		}
	}
}
