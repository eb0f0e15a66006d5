package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sipops/reconciler/internal/chime/sim"
)

// TestMain lets testscript run `reconciler` in-process: the test binary
// re-executes itself as the command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"reconciler": func() { os.Exit(realMain()) }})
}

// TestScripts runs testdata/script/<subcommand>_<case>.txtar.
func TestScripts(t *testing.T) {
	p := scriptParams(t, sim.UnconfiguredEmpty)
	p.Dir = "testdata/script"
	testscript.Run(t, p)
}

// TestScriptsNotFound runs the scripts that start the simulator again, with
// the simulator answering 404 NotFoundException for a connector without
// origination: the service documents neither answer, and plan and apply
// must give the same results under both.
func TestScriptsNotFound(t *testing.T) {
	p := scriptParams(t, sim.UnconfiguredNotFound)
	all, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	startsSim := regexp.MustCompile(`(?m)^sim start`)
	for _, f := range all {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if startsSim.Match(b) {
			p.Files = append(p.Files, f)
		}
	}
	if len(p.Files) == 0 {
		t.Fatal("no script starts the simulator")
	}
	testscript.Run(t, p)
}

// scriptParams are the scripts' parameters; `sim start` serves a simulator
// that answers per u for a connector without origination.
func scriptParams(t *testing.T, u sim.Unconfigured) testscript.Params {
	return testscript.Params{
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"sim": simCmd},
		Setup: func(env *testscript.Env) error {
			// The examples are part of the contract of the README.
			env.Setenv("EXAMPLES", examplesDir(t))
			// No RECONCILER_PREFLIGHT=off here: a command without
			// --preflight (validate) refuses the variable. The scripts that
			// plan or apply set it themselves.
			env.Values[simKey{}] = &simState{ids: map[string]string{}, unconfigured: u}
			return nil
		},
	}
}

func examplesDir(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd + "/../../examples"
}
