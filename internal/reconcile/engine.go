package reconcile

import (
	"context"
	"log/slog"
	"sync"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/setting"
)

// API is what the engine needs of the Chime SDK Voice port: the
// connectors themselves. Their settings it reads and writes through their
// kinds (setting.Kind), which the spec names.
type API interface {
	ListConnectors(ctx context.Context, region string) ([]chime.VoiceConnector, error)
	GetConnector(ctx context.Context, region, id string) (chime.VoiceConnector, error)
	// EmergencyCallingConfigured is asked for the kinds' checks
	// (setting.CheckEnv).
	EmergencyCallingConfigured(ctx context.Context, region, id string) (bool, error)
}

var _ API = (*chime.Client)(nil)

// Operations are the API operations the engine calls through API, for
// every kind: the kinds call theirs (setting.Kind.Operations). The IAM
// policies in examples/iam grant the union, which a test derives from the
// Chime port's source and checks against these.
var Operations = setting.Operations{
	Read: []string{"ListVoiceConnectors", "GetVoiceConnector", "GetVoiceConnectorEmergencyCallingConfiguration"},
}

// DefaultConcurrency is how many connectors are read or written at once. The
// port's rate limiter, not this, sets the pace; it only needs to be enough to
// keep the limiter busy despite the API's latency.
const DefaultConcurrency = 8

// EngineOptions configure an Engine. The zero value is usable.
type EngineOptions struct {
	Logger *slog.Logger // nil: discard
	// Concurrency bounds the connectors read or written at once; 0 means
	// DefaultConcurrency.
	Concurrency int
}

// Engine plans and applies. It is safe for concurrent use.
type Engine struct {
	api  API
	log  *slog.Logger
	opts EngineOptions

	mu    sync.Mutex
	known map[string]chime.VoiceConnector // by id: what listings and GetConnector said
}

// NewEngine returns an Engine that calls api as opts say.
func NewEngine(api API, opts EngineOptions) *Engine {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{api: api, log: opts.Logger, opts: opts, known: map[string]chime.VoiceConnector{}}
}

// remember keeps what the service said of connectors, so that a daemon asks
// GetVoiceConnector once per connector, not once per change. Whether a
// connector requires encryption rarely changes; if it does, the service
// refuses the write and the connector is reported failed.
func (e *Engine) remember(cs ...chime.VoiceConnector) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range cs {
		e.known[c.ID] = c
	}
}

func (e *Engine) lookupKnown(id string) (chime.VoiceConnector, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.known[id]
	return c, ok
}

// each calls fn(i) for i in [0, n) with at most Concurrency calls at once,
// and returns when all have returned. fn must honour ctx.
func (e *Engine) each(ctx context.Context, n int, fn func(i int)) {
	sem := make(chan struct{}, e.opts.Concurrency)
	var wg sync.WaitGroup
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			// The remaining items see ctx.Err() themselves.
			sem <- struct{}{}
		}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// Log attribute keys.
const (
	attrRevision = "revision"
	attrKey      = "connector"
	attrID       = "id"
	attrRegion   = "region"
	attrSetting  = "setting"
	attrAction   = "action"
	attrBefore   = "before"
	attrAfter    = "after"
)
