package origination

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"

	"github.com/sipops/reconciler/internal/setting"
)

// Name is the setting's field in a connector's spec.
const Name = "origination"

// API is what the setting needs of the Chime SDK Voice port (package
// chime implements it).
type API interface {
	// GetOrigination tells a connector without origination (nil) from a
	// missing one (an error); GetOriginationOf, for a connector known to
	// exist, does not ask.
	GetOrigination(ctx context.Context, region, id string) (*Origination, error)
	GetOriginationOf(ctx context.Context, region, id string) (*Origination, error)
	// PutOrigination returns what the service answered (nil if nothing);
	// a refusal for the account's route quota is a *RouteQuotaError.
	PutOrigination(ctx context.Context, region, id string, o *Origination) (*Origination, error)
	DeleteOrigination(ctx context.Context, region, id string) error
}

// operations are the API operations the setting calls, through API.
var operations = setting.Operations{
	Read:  []string{"GetVoiceConnectorOrigination"},
	Write: []string{"PutVoiceConnectorOrigination", "DeleteVoiceConnectorOrigination"},
}

// Route-count limits: the API accepts at most 20 routes, the default account
// quota is 10.
const (
	DefaultMaxRoutes = 10
	APIMaxRoutes     = 20
)

// Options configure the setting. The zero value decodes specs with the
// default route quota and can neither read nor write.
type Options struct {
	// API reads and writes origination; nil for a kind that only decodes
	// specs (validate).
	API API
	// MaxRoutes is the routes-per-connector quota the spec is checked
	// against (--max-routes), 1..20; 0 means DefaultMaxRoutes. A write
	// the service refuses for the account's quota names it.
	MaxRoutes int
	// Preflight says what a plan does with the routes it adds or changes,
	// which Probe checks (check.go). PreflightOff, or no Probe: nothing is
	// checked.
	Preflight PreflightMode
	Probe     Prober
	// Logger receives the warnings of failed preflight checks; nil: none.
	Logger *slog.Logger
}

// Kind is the origination setting, a setting.Kind.
type Kind struct {
	opts Options
	log  *slog.Logger
	cell *template.Template // status.go
}

var _ setting.Kind = (*Kind)(nil)

// New returns the origination setting. Options out of range are an error.
func New(opts Options) (*Kind, error) {
	if opts.MaxRoutes == 0 {
		opts.MaxRoutes = DefaultMaxRoutes
	}
	if opts.MaxRoutes < 1 || opts.MaxRoutes > APIMaxRoutes {
		return nil, fmt.Errorf("max routes %d out of range 1..%d", opts.MaxRoutes, APIMaxRoutes)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Kind{opts: opts, log: log, cell: newCell()}, nil
}

// Name implements setting.Kind.
func (k *Kind) Name() string { return Name }

// Operations implements setting.Kind.
func (k *Kind) Operations() setting.Operations { return operations }
