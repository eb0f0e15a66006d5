package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/simtest"
)

// importFleet fills w with a fleet as a team that configured it by hand
// would have: n connectors in each of three regions, with names that need
// quoting, names used twice, disabled and unconfigured connectors,
// mixed-case and trailing-dot FQDNs, and ports other than 5060.
func importFleet(t *testing.T, w *simtest.World, n int) {
	t.Helper()
	for _, region := range []string{"us-east-1", "eu-west-2", "ap-southeast-2"} {
		for i := range n {
			name := fmt.Sprintf("sbc %s.%03d", region, i) // a space and dots
			switch i % 10 {
			case 0:
				name = "twin" // twice per region, and in every region
			case 1:
				name = "pbx.hq"
			}
			c, err := w.Sim.CreateConnector(name, region, i%7 == 3)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Sim.SetOrigination(c.ID, importedOrigination(i)); err != nil {
				t.Fatalf("set origination of %s: %v", name, err)
			}
		}
	}
}

func importedOrigination(i int) *origination.Origination {
	if i%9 == 4 {
		return nil // never configured
	}
	o := &origination.Origination{Disabled: i%11 == 5}
	for r := range 1 + i%4 {
		host := fmt.Sprintf("sbc%d.Site%d.Example.COM.", r, i) // mixed case, trailing dot
		proto, port := "UDP", 5060
		if r%2 == 1 {
			host, proto, port = fmt.Sprintf("198.51.100.%d", 1+(i+r)%200), "TCP", 5061+r
		}
		o.Routes = append(o.Routes, origination.Route{Host: host, Port: port, Protocol: proto, Priority: 1 + r/2, Weight: 10 + r})
	}
	return o
}

// cli runs the command in-process against w and returns its exit code and
// output. The client-side rate limit is off: the simulator has none, and
// at the default 20 requests/s each pass over 330 connectors would take
// 17 s.
func cli(t *testing.T, w *simtest.World, args ...string) (int, string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	if args[0] != "validate" { // the one command that never calls AWS
		args = append(args, "--endpoint", w.URL, "--log-level", "error", "--api-rate", "0")
	}
	code := Main(t.Context(), args, Stdio{Out: &out, Err: &errw, Getenv: os.Getenv})
	return code, out.String(), errw.String()
}

// TestImportRoundTrip is the contract of import: on a fleet of 330
// connectors in three regions, the imported specs validate, plan shows
// nothing to change, and apply writes nothing.
func TestImportRoundTrip(t *testing.T) {
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{})
	importFleet(t, w, 110)
	dir := filepath.Join(t.TempDir(), "specs")

	code, _, errs := cli(t, w, "import", "--region", "us-east-1,eu-west-2", "--region", "ap-southeast-2", "--out", dir)
	if code != exitOK {
		t.Fatalf("import: got exit %d, want 0\n%s", code, errs)
	}
	if !strings.Contains(errs, "imported 330 voice connectors of 3 regions") {
		t.Errorf("import summary: got %q, want 330 connectors of 3 regions", errs)
	}
	for _, region := range []string{"us-east-1", "eu-west-2", "ap-southeast-2"} {
		if _, err := os.Stat(filepath.Join(dir, region, "connectors.cue")); err != nil {
			t.Errorf("file of %s: %v", region, err)
		}
	}
	if code, out, errs := cli(t, w, "validate", "--source", dir); code != exitOK {
		t.Fatalf("validate: got exit %d, want 0\n%s%s", code, out, errs)
	}
	w.Sim.ResetStats()
	code, out, errs := cli(t, w, "plan", "--source", dir)
	if code != exitOK || !strings.Contains(out, "0 to create, 0 to change, 0 to delete, 330 unchanged") {
		t.Fatalf("plan: got exit %d, want 0 with nothing to change\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, w, "apply", "--source", dir, "--auto-approve")
	if code != exitOK {
		t.Fatalf("apply: got exit %d, want 0\n%s%s", code, out, errs)
	}
	st := w.Sim.Stats()
	if puts, deletes := st.Calls("PutVoiceConnectorOrigination"), st.Calls("DeleteVoiceConnectorOrigination"); puts+deletes != 0 {
		t.Errorf("plan and apply after import: got %d puts and %d deletes, want none", puts, deletes)
	}
}

// TestImportOutput checks the flags that decide what is written where.
func TestImportOutput(t *testing.T) {
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{})
	importFleet(t, w, 12)

	t.Run("stdout", func(t *testing.T) {
		code, out, errs := cli(t, w, "import", "--region", "eu-west-2", "--out", "-")
		if code != exitOK || !strings.HasPrefix(out, "// eu-west-2/connectors.cue\n") || !strings.Contains(out, `voiceConnectors: "sbc eu-west-2.002": {`) {
			t.Errorf("import --out -: got exit %d\n%s%s\nwant the file of eu-west-2 on stdout", code, out, errs)
		}
	})
	t.Run("skip unconfigured", func(t *testing.T) {
		code, out, errs := cli(t, w, "import", "--region", "us-east-1", "--out", "-", "--skip-unconfigured")
		if code != exitOK || strings.Contains(out, "absent: true") || !strings.Contains(errs, "left out 1 without origination") {
			t.Errorf("import --skip-unconfigured: got exit %d\n%s%s\nwant no absent connector and 1 left out", code, out, errs)
		}
	})
	t.Run("refuses a directory with a spec", func(t *testing.T) {
		dir := t.TempDir()
		mine := filepath.Join(dir, "mine.cue")
		if err := os.WriteFile(mine, []byte("package specs\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := cli(t, w, "import", "--region", "us-east-1", "--out", dir)
		if code != exitFailure || !strings.Contains(errs, "already holds a spec") {
			t.Errorf("import into a spec directory: got exit %d, %q, want 1 and a refusal", code, errs)
		}
		if _, err := os.Stat(filepath.Join(dir, "us-east-1")); !os.IsNotExist(err) {
			t.Errorf("refused import wrote something: %v", err)
		}
		if code, _, errs := cli(t, w, "import", "--region", "us-east-1", "--out", dir, "--force"); code != exitOK {
			t.Errorf("import --force: got exit %d, %q, want 0", code, errs)
		}
	})
	t.Run("schema rejects a live connector", func(t *testing.T) {
		c, err := w.Sim.CreateConnector("odd", "ca-central-1", false)
		if err != nil {
			t.Fatal(err)
		}
		o := &origination.Origination{Routes: []origination.Route{{Host: "sbc_1.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 1}}}
		if err := w.Sim.SetOrigination(c.ID, o); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "out")
		code, _, errs := cli(t, w, "import", "--region", "ca-central-1", "--out", dir)
		if code != exitFailure || !strings.Contains(errs, `error: "odd" (`+c.ID+", ca-central-1)") {
			t.Errorf("import of a connector the schema rejects: got exit %d, %q, want 1 naming it", code, errs)
		}
		b, err := os.ReadFile(filepath.Join(dir, "ca-central-1", "connectors.cue"))
		if err != nil || !bytes.Contains(b, []byte("INVALID:")) || !bytes.Contains(b, []byte("sbc_1.example.com")) {
			t.Errorf("the rejected connector is still written, with a comment: got %v\n%s", err, b)
		}
	})
}

// TestImportErrors: each bad input is one clear line and the right exit
// code, and nothing is written.
func TestImportErrors(t *testing.T) {
	simtest.Isolate(t)
	w := simtest.Start(t, sim.Config{})
	importFleet(t, w, 12)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no region", []string{"--out", "x"}, exitUsage, "--region is required"},
		{"no out", []string{"--region", "us-east-1"}, exitUsage, "--out is required"},
		{"unknown region", []string{"--region", "us-east-2", "--out", "x"}, exitFailure, `unknown region "us-east-2"`},
		{"unknown id", []string{"--region", "us-east-1", "--out", "x", "--id", "abcdefghijklmnopqrstu"}, exitFailure, "voice connector abcdefghijklmnopqrstu not found"},
		{"name matches nothing", []string{"--region", "us-east-1", "--out", "x", "--name", "nobody"}, exitFailure, `no voice connector is named "nobody"`},
		{"name matches two", []string{"--region", "us-east-1", "--out", "x", "--name", "twin"}, exitFailure, "select one with --id"},
		{"unwritable out", []string{"--region", "us-east-1", "--out", filepath.Join(file, "specs")}, exitFailure, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			code, out, errs := cli(t, w, append([]string{"import"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(errs, tt.wantErr) {
				t.Errorf("got exit %d, %q, want %d and %q", code, errs, tt.wantCode, tt.wantErr)
			}
			if out != "" {
				t.Errorf("stdout: got %q, want nothing", out)
			}
			if _, err := os.Stat("x"); !os.IsNotExist(err) {
				t.Errorf("a failed import wrote its output directory: %v", err)
			}
		})
	}
	t.Run("failing read", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out")
		w.Sim.SetFaults(1)
		defer w.Sim.SetFaults(0)
		code, _, errs := cli(t, w, "import", "--region", "us-east-1", "--out", dir, "--max-attempts", "2")
		if code != exitFailure || !strings.Contains(errs, "import: ") {
			t.Errorf("import while every call fails: got exit %d, %q, want 1 and the error", code, errs)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("a failed import left %s behind: %v", dir, err)
		}
	})
}
