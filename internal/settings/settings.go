// Package settings registers the managed settings of a Voice Connector:
// every kind (setting.Kind), in the order plans, imports and /status list
// them, built from one set of options. It is the one place a new setting
// is added, besides its own package; the engine, the daemon and the
// renderers iterate over what it returns.
package settings

import (
	"log/slog"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/setting"
)

// Options build the kinds.
type Options struct {
	// Client reads and writes the settings; nil for kinds that only
	// decode specs (validate, status, the spec evaluation).
	Client *chime.Client
	// Logger receives the kinds' warnings; nil: none.
	Logger *slog.Logger
	// Each kind's own options; Client and Logger fill in their API and
	// Logger.
	Origination origination.Options
}

// Kinds returns every managed setting, as opts say.
func Kinds(opts Options) ([]setting.Kind, error) {
	o := opts.Origination
	o.Logger = opts.Logger
	if opts.Client != nil {
		o.API = opts.Client
	}
	orig, err := origination.New(o)
	if err != nil {
		return nil, err
	}
	return []setting.Kind{orig}, nil
}
