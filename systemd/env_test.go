package systemd_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/envfile"
)

// nameRE is what a setting of the example may be named: a flag's
// variable, or one the AWS SDK reads.
var nameRE = regexp.MustCompile(`^(RECONCILER_[A-Z_]+|AWS_[A-Z_]+)$`)

// envExample returns the assignments of reconciler.env.example, set and
// commented out (a line "#VAR=value" shows a default or an example), read
// with the daemon's own parser of systemd's syntax (package envfile),
// which systemd's is checked against. Every variable must match nameRE.
func envExample(t *testing.T) map[string]string {
	t.Helper()
	const name = "reconciler.env.example"
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	set, err := envfile.Parse(b, name)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, a := range set {
		vars[a.Key] = a.Value
	}
	for i, l := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(l, "#")
		if !ok || rest == "" || strings.HasPrefix(rest, " ") {
			continue // not a commented-out assignment
		}
		as, err := envfile.Parse([]byte(rest), fmt.Sprintf("%s:%d (commented out)", name, i+1))
		if err != nil || len(as) != 1 {
			t.Errorf("%s:%d: got %q, want a comment (\"# ...\") or a commented-out VAR=value: %v", name, i+1, l, err)
			continue
		}
		vars[as[0].Key] = as[0].Value
	}
	for v := range vars {
		if !nameRE.MatchString(v) {
			t.Errorf("%s: %s does not match %s", name, v, nameRE)
		}
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
