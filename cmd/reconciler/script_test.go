package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run `reconciler` in-process: the test binary
// re-executes itself as the command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"reconciler": func() { os.Exit(realMain()) }})
}

// TestScripts runs testdata/script/<subcommand>_<case>.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"sim": simCmd},
		Setup: func(env *testscript.Env) error {
			// The examples are part of the contract of the README.
			env.Setenv("EXAMPLES", examplesDir(t))
			// No SIP OPTIONS to the example hosts: scripts that test the
			// preflight pass --preflight.
			env.Setenv("RECONCILER_PREFLIGHT", "off")
			env.Values[simKey{}] = &simState{ids: map[string]string{}}
			return nil
		},
	})
}

func examplesDir(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd + "/../../examples"
}
