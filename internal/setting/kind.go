package setting

import (
	"context"
	"html/template"

	"github.com/sipops/reconciler/internal/specdata"
)

// Kind is one managed setting of a Voice Connector: origination, and
// those that come after it. Its methods are grouped by the part of the
// reconciler that calls them. Implementations are safe for concurrent use.
type Kind interface {
	// Name is the setting's field in a connector's spec ("origination"),
	// and its name in plans, logs, the setting label of metrics and
	// /status.
	Name() string

	Spec
	Live
	Planner
	Renderer
}

// Spec is a kind's part of the spec.
type Spec interface {
	// Fields are the fields of the setting's block besides absent, which
	// the loader handles for every kind ("absent: true" alone deletes the
	// setting).
	Fields() []string
	// Decode checks a block that is not absent and returns the value it
	// asks for, reporting every problem at its node; the block is valid
	// when it reported no error.
	Decode(block specdata.Object) Value
	// Unmarshal returns a value from the JSON it marshals to: the spec as
	// a child process evaluated it.
	Unmarshal(data []byte) (Value, error)
	// CUE is the setting's definitions for schema.cue, Definition its
	// block's (#Origination).
	CUE() (definition, text string)
	// Import returns the setting's field of a connector's block in a spec
	// file (origination: ...), as CUE, for its live value: applying it
	// changes nothing. Nil is "absent: true".
	Import(live Value) string
}

// Live is a kind's part of the live state.
type Live interface {
	// Read returns the setting's live value; nil when it is not
	// configured. A connector that does not exist is an error.
	Read(ctx context.Context, c Connector) (Value, error)
	// Write makes ch, a put or a delete, and checks that the service
	// holds ch.After, with the port's errors (which name the call).
	Write(ctx context.Context, c Connector, ch Change) error
	// Operations are the API operations Read and Write call, which the
	// IAM policies must grant.
	Operations() Operations
}

// Planner is a kind's part of a plan.
type Planner interface {
	// Plan compares want with live and returns the change, with Before
	// live and After what the connector is to hold, both normalised: a
	// noop when they configure it the same.
	Plan(c Connector, want Desired, live Value) Change
	// Check is asked, once per plan, of the changes of the kind that
	// write, to learn what only a read can tell, and may annotate them
	// (Change.Detail), refuse them, or fail their connectors.
	Check(ctx context.Context, env CheckEnv, checks []*Check)
	// Gates returns the safety gates ch trips, per connector (traffic
	// loss, encryption); the mass-change gate is weighed for every kind
	// alike by the plan.
	Gates(c Connector, ch Change) []Violation
}

// Renderer is a kind's part of the renderings of a plan and of the status
// page.
type Renderer interface {
	// Summary is how ch is announced: its marker and headline.
	Summary(ch Change) Summary
	// Details writes the lines of ch under its headline, each starting
	// with indent: the text rendering, and the Markdown one in a code
	// block.
	Details(p *Printer, indent string, ch Change)
	// JSON returns the members ch adds to its connector's object in plan
	// --output json. Origination's are the connector's own members, as
	// they were before connectors had several settings; every other
	// kind's is one member, named after it.
	JSON(ch Change) map[string]any
	// Sections are the kind's own sections of a pull-request comment,
	// after the table of changes, over every change of the kind in the
	// plan: origination's preflight results.
	Sections(changes []Change) []Section
	// Cell is the setting's cell on the status page, for its live value,
	// under the column Column names.
	Cell(live Value) template.HTML
	Column() string
}

// Connector is the Voice Connector a setting belongs to, as far as the
// engine knows it.
type Connector struct {
	Key    string // its key under voiceConnectors
	ID     string // resolved id
	Name   string // the spec's, if it named the connector by name
	Region string
	// RequireEncryption is the connector's encryption setting: when set,
	// the service takes only TLS.
	RequireEncryption bool
	// Known: a listing or GetVoiceConnector found the connector, so a
	// NotFound for one of its settings means "not configured".
	Known bool
}

// Action is what a change does to its setting.
type Action string

// Actions, as they also appear in JSON renderings.
const (
	Noop   Action = "noop"   // live already as desired
	Put    Action = "put"    // write After (creates the setting when Before is nil)
	Delete Action = "delete" // delete the setting (the spec says absent: true)
)

// Change is the plan of one setting of one connector. Before and After
// are normalised values of Kind; nil is "not configured".
type Change struct {
	Kind          Kind
	Action        Action
	Before, After Value
	// Detail is what the kind's checks learnt of the change, for its
	// renderings (origination: the preflight results of its routes).
	Detail any
}

// Creates reports whether ch configures a setting the connector does not
// have.
func (ch Change) Creates() bool { return ch.Action == Put && ch.Before == nil }

// A Check is one planned change a kind checks (Kind.Check). The kind may
// annotate Change, and set Refused (the service would refuse the change:
// the plan shows it refused and nothing writes it) or Failed (the
// connector cannot be planned, e.g. a read needed for the check failed).
type Check struct {
	Connector Connector
	Change    *Change
	Refused   error
	Failed    error
}

// CheckEnv is what the engine lends a kind's checks.
type CheckEnv interface {
	// Each calls fn(i) for i in [0, n), as many at once as the engine
	// reads connectors, and returns when all have returned.
	Each(ctx context.Context, n int, fn func(i int))
	// EmergencyCalling reports whether the connector has an emergency
	// calling configuration, which the service says must be deleted
	// before some settings are turned off. It is read once per connector
	// and plan, whichever kinds ask.
	EmergencyCalling(ctx context.Context, c Connector) (bool, error)
}

// Operations are the Chime SDK Voice API operations a kind calls.
type Operations struct {
	Read  []string // what plan and import call
	Write []string // what apply and the daemon call besides
}

// Summary is how a change is announced in plans.
type Summary struct {
	Op       Op     // + create, ~ change, - delete
	Headline string // "change origination", "create origination (2 routes)"
	// Refused is the headline of the change when the plan refuses it:
	// what it would have done ("disable origination").
	Refused string
}

// Section is a kind's own section of a pull-request comment: a heading,
// then entries, each Markdown (a list item, a table row). When the
// comment reaches its size limit, entries are left out from the first
// that does not fit, and the note counts them as One or Many.
type Section struct {
	Heading   string
	Entries   []string
	One, Many string // "preflight result", "preflight results"
}

// Named returns the kind of kinds named name; nil if none is.
func Named(kinds []Kind, name string) Kind {
	for _, k := range kinds {
		if k.Name() == name {
			return k
		}
	}
	return nil
}

// Names are the names of kinds, in their order.
func Names(kinds []Kind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Name()
	}
	return out
}
