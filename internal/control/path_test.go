package control

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestControlSocketDefaults: where the daemon listens and where the
// commands look, with and without systemd.
func TestControlSocketDefaults(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if got := DaemonPath("", env(map[string]string{"RUNTIME_DIRECTORY": "/run/reconciler"}), "/var/lib/reconciler"); got != "/run/reconciler/control.sock" {
		t.Errorf("daemon under systemd: got %s", got)
	}
	if got := DaemonPath("", env(nil), "/srv/state"); got != "/srv/state/control.sock" {
		t.Errorf("daemon outside systemd: got %s", got)
	}
	if got := DaemonPath("/tmp/c.sock", env(map[string]string{"RUNTIME_DIRECTORY": "/run/reconciler"}), "/srv/state"); got != "/tmp/c.sock" {
		t.Errorf("daemon with --control-socket: got %s", got)
	}
	if got, err := ClientPath("/tmp/c.sock", env(nil), t.TempDir(), nil); got != "/tmp/c.sock" || err != nil {
		t.Errorf("command with --control-socket: got %s, %v", got, err)
	}

	run := t.TempDir() // stands for /run/reconciler
	stateDir := func(m map[string]string) func() (string, error) {
		return func() (string, error) {
			if d := m["STATE_DIRECTORY"]; d != "" {
				return d, nil
			}
			return "", errors.New("no state directory")
		}
	}
	tests := []struct {
		name    string
		sockets []string // relative to run
		env     map[string]string
		want    string
		err     string
	}{
		{"the unit's", []string{"control.sock"}, nil, run + "/control.sock", ""},
		{"one instance of the template", []string{"prod/control.sock"}, nil, run + "/prod/control.sock", ""},
		{"two instances", []string{"prod/control.sock", "lab/control.sock"}, nil, "",
			"several daemons run on this host (" + run + "/lab/control.sock, " + run + "/prod/control.sock): pick one with --control-socket"},
		{"none: systemd's state directory", nil, map[string]string{"STATE_DIRECTORY": "/var/lib/reconciler"}, "/var/lib/reconciler/control.sock", ""},
		{"none, and no state directory", nil, nil, "", "no state directory"},
		{"inside the unit", []string{"control.sock"}, map[string]string{"RUNTIME_DIRECTORY": "/run/other"}, "/run/other/control.sock", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.RemoveAll(run)
			for _, s := range tt.sockets {
				p := filepath.Join(run, s)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := ClientPath("", env(tt.env), run, stateDir(tt.env))
			if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Errorf("got %q, %v; want %q, %q", got, err, tt.want, tt.err)
			}
			if tt.name == "two instances" && !errors.Is(err, ErrManySockets) {
				t.Errorf("got %v, want ErrManySockets", err)
			}
		})
	}
}
