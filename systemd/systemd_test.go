package systemd_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// maxExposure is the highest "systemd-analyze security" score allowed; the
// units score 1.1 with systemd 252.
const maxExposure = 2.0

// execStart starts the ExecStart line the tests rewrite to point at a
// freshly built binary: verify fails when the ExecStart binary does not exist.
const execStart = "ExecStart=/usr/local/bin/reconciler run --env-file "

// binary is "reconciler" built from this tree by TestMain, once for all tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "reconciler-systemd-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "reconciler")
	out, err := exec.Command("go", "build", "-o", binary, "../cmd/reconciler").CombinedOutput()
	code := 1
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build ../cmd/reconciler: %v\n%s", err, out)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// units maps each unit file to the name systemd-analyze sees: a template
// can only be checked as an instance.
var units = []struct{ file, name string }{
	{"reconciler.service", "reconciler.service"},
	{"reconciler@.service", "reconciler@test.service"},
}

func analyze(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze not found: run scripts/install-test-deps.sh")
	}
	return p
}

// install copies a unit into a temporary directory under the name systemd
// will see, with ExecStart pointing at the built binary, and returns its path.
func install(t *testing.T, file, name string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("\n"+execStart)); n != 1 {
		t.Fatalf("%s: got %d lines %q, want 1", file, n, execStart)
	}
	b = bytes.Replace(b, []byte(execStart), []byte("ExecStart="+binary+" run --env-file "), 1)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs systemd-analyze with output meant for machines, not terminals.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), analyze(t), args...)
	cmd.Env = append(os.Environ(), "SYSTEMD_COLORS=0", "SYSTEMD_PAGER=", "SYSTEMD_LOG_COLOR=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// TestVerify fails on any warning: systemd ignores an unknown or misspelt
// key with a warning, exit status 0, and a less hardened service.
func TestVerify(t *testing.T) {
	for _, u := range units {
		t.Run(u.file, func(t *testing.T) {
			stdout, stderr, err := run(t, "verify", install(t, u.file, u.name))
			if err != nil || stderr != "" {
				t.Errorf("systemd-analyze verify %s: got %v, stderr:\n%s\nwant success and no output", u.name, err, stderr)
			}
			if stdout != "" {
				t.Logf("stdout:\n%s", stdout)
			}
		})
	}
}

var exposureRE = regexp.MustCompile(`Overall exposure level for (\S+): (\d+\.\d+)`)

func TestSecurityExposure(t *testing.T) {
	for _, u := range units {
		t.Run(u.file, func(t *testing.T) {
			stdout, stderr, err := run(t, "security", "--offline=true", "--no-pager", install(t, u.file, u.name))
			if err != nil || stderr != "" {
				t.Fatalf("systemd-analyze security %s: got %v, stderr:\n%s", u.name, err, stderr)
			}
			m := exposureRE.FindStringSubmatch(stdout)
			if m == nil || m[1] != u.name {
				t.Fatalf("no exposure level for %s in:\n%s", u.name, stdout)
			}
			score, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("exposure level of %s: %.1f", u.name, score)
			if score > maxExposure {
				t.Errorf("got exposure %.1f, want at most %.1f:\n%s", score, maxExposure, stdout)
			}
		})
	}
}
