package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// specFlags are the flags of every command that loads a spec.
type specFlags struct {
	source   string
	region   string
	settings settingFlags
	output   string
	// markdown offers --output markdown: plan's pull-request comment.
	markdown bool
}

func (s *specFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.source, "source", "", "`DIR`ectory of .cue spec files (read recursively)")
	fs.StringVar(&s.region, "region", "", "AWS `REGION` of connectors whose spec names none (default: the AWS configuration's)")
	s.settings.register(fs)
	formats := "text or json"
	if s.markdown {
		formats = "text, json, or markdown (a pull-request comment)"
	}
	fs.StringVar(&s.output, "output", "text", "output `FORMAT`: "+formats)
}

// check validates the flags. Whether --source is required is the
// command's business.
func (s *specFlags) check() error {
	if err := s.settings.check(); err != nil {
		return err
	}
	switch {
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

// options are the options of loading the spec with kinds.
func (s *specFlags) options(kinds []setting.Kind) schema.LoadOptions {
	return schema.LoadOptions{DefaultRegion: s.region, Kinds: kinds}
}
