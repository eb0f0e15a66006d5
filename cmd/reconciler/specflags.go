package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/sipops/reconciler/internal/schema"
)

// specFlags are the flags of every command that loads a spec.
type specFlags struct {
	source    string
	region    string
	maxRoutes int
	output    string
	// markdown offers --output markdown: plan's pull-request comment.
	markdown bool
}

func (s *specFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.source, "source", "", "`DIR`ectory of .cue spec files (read recursively)")
	fs.StringVar(&s.region, "region", "", "AWS `REGION` of connectors whose spec names none (default: the AWS configuration's)")
	fs.IntVar(&s.maxRoutes, "max-routes", schema.DefaultMaxRoutes, "routes allowed per connector: your account's quota, at most 20")
	formats := "text or json"
	if s.markdown {
		formats = "text, json, or markdown (a pull-request comment)"
	}
	fs.StringVar(&s.output, "output", "text", "output `FORMAT`: "+formats)
}

// check validates the flags. Whether --source is required is the
// command's business.
func (s *specFlags) check() error {
	switch {
	case s.maxRoutes < 1 || s.maxRoutes > schema.APIMaxRoutes:
		return fmt.Errorf("--max-routes %d out of range 1..%d", s.maxRoutes, schema.APIMaxRoutes)
	case s.output == "markdown" && s.markdown:
	case s.output != "text" && s.output != "json":
		if s.markdown {
			return fmt.Errorf("--output %q: want text, json or markdown", s.output)
		}
		return fmt.Errorf("--output %q: want text or json", s.output)
	}
	return nil
}

// errNoSource is a command that reads a spec given none.
var errNoSource = errors.New("--source is required")

func (s *specFlags) requireSource() error {
	if s.source == "" {
		return errNoSource
	}
	return nil
}

func (s *specFlags) options() schema.LoadOptions {
	return schema.LoadOptions{DefaultRegion: s.region, MaxRoutes: s.maxRoutes}
}
