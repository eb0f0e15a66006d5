package systemd_test

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// settings returns the assignments of a unit file in order, without
// comments and blank lines.
func settings(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.Lines(string(b)) {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, ";") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestSettings pins what the daemon relies on and what the security score
// does not see: a unit without WatchdogSec or with Type=simple still rates
// well, but systemd would not wait for READY=1 or restart a wedged daemon.
func TestSettings(t *testing.T) {
	common := []string{
		"Type=notify", "NotifyAccess=main", "WatchdogSec=60s",
		"ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes", "StateDirectoryMode=0700", "RuntimeDirectoryMode=0700",
		"Restart=on-failure", "RestartSec=5s", "TimeoutStopSec=90s", "UMask=0077",
		"ProtectSystem=strict", "CapabilityBoundingSet=", "MemoryDenyWriteExecute=yes",
		"RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "SystemCallFilter=@system-service",
	}
	tests := []struct {
		file string
		want []string
	}{
		{"reconciler.service", append(slices.Clip(common), execStart+"/etc/reconciler/reconciler.env",
			"EnvironmentFile=/etc/reconciler/reconciler.env", "StateDirectory=reconciler",
			// reconciler suspend, resume and status look for the socket in /run/reconciler.
			"RuntimeDirectory=reconciler")},
		{"reconciler@.service", append(slices.Clip(common), execStart+"/etc/reconciler/reconciler-%i.env",
			"EnvironmentFile=/etc/reconciler/reconciler-%i.env", "StateDirectory=reconciler/%i", "RuntimeDirectory=reconciler/%i",
			"User=reconciler-%i")},
	}
	for _, tt := range tests {
		got := settings(t, tt.file)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no line %q", tt.file, w)
			}
		}
		for _, l := range got {
			if strings.HasPrefix(l, "IPAddressDeny=") || strings.HasPrefix(l, "IPAddressAllow=") {
				t.Errorf("%s: got %q, want no IP allow list: AWS endpoints have no fixed addresses", tt.file, l)
			}
		}
	}
}

// TestTemplateMatchesUnit keeps the hardening of the two units identical:
// only the per-instance lines may differ.
func TestTemplateMatchesUnit(t *testing.T) {
	perInstance := func(l string) bool {
		for _, k := range []string{"Description=", "EnvironmentFile=", "ExecStart=", "StateDirectory=", "RuntimeDirectory=", "User="} {
			if strings.HasPrefix(l, k) {
				return true
			}
		}
		return false
	}
	unit := slices.DeleteFunc(settings(t, "reconciler.service"), perInstance)
	tmpl := slices.DeleteFunc(settings(t, "reconciler@.service"), perInstance)
	if !slices.Equal(tmpl, unit) {
		t.Errorf("reconciler@.service settings:\n%s\nwant those of reconciler.service:\n%s",
			strings.Join(tmpl, "\n"), strings.Join(unit, "\n"))
	}
}
