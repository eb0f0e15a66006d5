package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/settings"
)

// settingFlags are the flags of the managed settings' own options, on
// every command that loads a spec: origination's --max-routes.
type settingFlags struct {
	maxRoutes int
}

func (s *settingFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&s.maxRoutes, "max-routes", origination.DefaultMaxRoutes, "routes allowed per connector: your account's quota, at most 20")
}

func (s *settingFlags) check() error {
	if s.maxRoutes < 1 || s.maxRoutes > origination.APIMaxRoutes {
		return fmt.Errorf("--max-routes %d out of range 1..%d", s.maxRoutes, origination.APIMaxRoutes)
	}
	return nil
}

// args are the flags again, for the spec evaluation's child process
// (runLoadSpec), which builds the same kinds from them.
func (s *settingFlags) args() []string {
	return []string{"--max-routes", strconv.Itoa(s.maxRoutes)}
}

// kinds returns every managed setting (package settings), as opts and the
// flags say; the zero opts only decode specs (validate, status, the spec
// evaluation).
func (s *settingFlags) kinds(opts settings.Options) ([]setting.Kind, error) {
	opts.Origination.MaxRoutes = s.maxRoutes
	return settings.Kinds(opts)
}

// defaultKinds are the kinds with their flags' defaults and no client: to
// read what a daemon wrote (status), which their options do not change.
func defaultKinds() ([]setting.Kind, error) {
	var s settingFlags
	s.register(flag.NewFlagSet("defaults", flag.ContinueOnError))
	return s.kinds(settings.Options{})
}
