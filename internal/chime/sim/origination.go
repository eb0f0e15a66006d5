package sim

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/sipops/reconciler/internal/origination"
)

// MaxRoutes is the most routes one origination may hold. The model has no
// length trait; the Routes member documents "minimum 1, maximum 20" while the
// OriginationRoute text says ten. The simulator enforces the API's range (20)
// so that it never rejects what the service may accept; the default quota of
// ten is the reconciler's own check.
const MaxRoutes = 20

// wireOrigination is the Origination shape as stored and echoed. Routes and
// Disabled are always sent (Routes possibly empty); within a route, Port is
// always sent (defaulted to 5060), Protocol, Priority and Weight only when the
// client gave them: zero is outside their valid values, so it means absent.
type wireOrigination struct {
	Routes   []wireRoute `json:"Routes"`
	Disabled bool        `json:"Disabled"`
}

type wireRoute struct {
	Host     string `json:"Host"`
	Port     int    `json:"Port"`
	Protocol string `json:"Protocol,omitempty"`
	Priority int    `json:"Priority,omitempty"`
	Weight   int    `json:"Weight,omitempty"`
}

// originationOutput is the body of Get and Put. With no origination the
// member is omitted: the body is {}, which SDKs decode to a nil Origination.
type originationOutput struct {
	Origination *wireOrigination `json:"Origination,omitempty"`
}

func (s *Service) getOrigination(c *call) *result {
	_, o, err := s.store.get(c.region, c.id)
	if err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, originationOutput{Origination: o})
}

// putOrigination replaces the whole origination (no merge) and echoes what
// was stored, with defaults filled in.
func (s *Service) putOrigination(c *call) *result {
	body, fail := c.body()
	if fail != nil {
		return fail
	}
	o, err := parseOrigination(body)
	if err != nil {
		return c.op.fail(excBadRequest, "%v", err)
	}
	if err := s.store.setOrigination(c.region, c.id, o); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, originationOutput{Origination: o})
}

// deleteOrigination is idempotent: deleting what is not set answers 204.
func (s *Service) deleteOrigination(c *call) *result {
	if err := s.store.setOrigination(c.region, c.id, nil); err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusNoContent, nil)
}

// parseOrigination reads and validates the Origination member of a
// PutVoiceConnectorOrigination body.
func parseOrigination(body *object) (*wireOrigination, error) {
	o, ok := body.object("Origination")
	if body.err != nil {
		return nil, body.err
	}
	if !ok {
		return nil, fmt.Errorf("Origination is required")
	}
	out := &wireOrigination{Routes: []wireRoute{}}
	disabled, hasDisabled := o.boolean("Disabled")
	routes, hasRoutes := o.list("Routes")
	out.Disabled = disabled
	switch {
	case o.err != nil:
	case !hasRoutes && !hasDisabled:
		o.fail("Origination must specify Routes or Disabled (at least one)")
	case len(routes) > MaxRoutes:
		o.fail("Origination.Routes has %d routes; at most %d are allowed", len(routes), MaxRoutes)
	case hasRoutes && !hasDisabled && len(routes) == 0:
		o.fail("Origination.Routes must hold 1 to %d routes unless Disabled is given", MaxRoutes)
	}
	for i := 0; o.err == nil && i < len(routes); i++ {
		out.Routes = append(out.Routes, parseRoute(o, i, routes[i]))
	}
	if o.err != nil {
		return nil, o.err
	}
	return out, nil
}

func parseRoute(parent *object, i int, raw json.RawMessage) wireRoute {
	o := newObject(fmt.Sprintf("%s[%d]", parent.member("Routes"), i), raw)
	var r wireRoute
	var hasPort, hasPriority, hasWeight bool
	r.Host, _ = o.str("Host")
	r.Port, hasPort = o.integer("Port")
	r.Protocol, _ = o.str("Protocol")
	r.Priority, hasPriority = o.integer("Priority")
	r.Weight, hasWeight = o.integer("Weight")
	if !hasPort {
		r.Port = origination.DefaultPort
	}
	if o.err == nil {
		o.err = r.validate(o.path, hasPriority, hasWeight)
	}
	parent.err = o.err
	return r
}

// validate checks the model's constraints. Host has none in the model, but a
// route without a destination cannot carry a call, so it is required.
func (r wireRoute) validate(path string, hasPriority, hasWeight bool) error {
	switch {
	case r.Host == "":
		return fmt.Errorf("%s.Host is required and must not be empty", path)
	case r.Port < 0 || r.Port > 65535:
		return fmt.Errorf("%s.Port must be between 0 and 65535, got %d", path, r.Port)
	case r.Protocol != "" && r.Protocol != origination.TCP && r.Protocol != origination.UDP:
		return fmt.Errorf("%s.Protocol must be TCP or UDP, got %q", path, r.Protocol)
	case hasPriority && (r.Priority < 1 || r.Priority > 100):
		return fmt.Errorf("%s.Priority must be between 1 and 100, got %d", path, r.Priority)
	case hasWeight && (r.Weight < 1 || r.Weight > 100):
		return fmt.Errorf("%s.Weight must be between 1 and 100, got %d", path, r.Weight)
	}
	return nil
}

// fromModel converts the shared model for SetOrigination, validating it as
// a Put would. Zero numbers mean absent; a zero Port becomes 5060.
func fromModel(m *origination.Origination) (*wireOrigination, error) {
	if len(m.Routes) > MaxRoutes {
		return nil, fmt.Errorf("origination has %d routes; at most %d are allowed", len(m.Routes), MaxRoutes)
	}
	out := &wireOrigination{Routes: make([]wireRoute, 0, len(m.Routes)), Disabled: m.Disabled}
	for i, r := range m.Routes {
		w := wireRoute{Host: r.Host, Port: r.Port, Protocol: r.Protocol, Priority: r.Priority, Weight: r.Weight}
		if w.Port == 0 {
			w.Port = origination.DefaultPort
		}
		if err := w.validate(fmt.Sprintf("Routes[%d]", i), r.Priority != 0, r.Weight != 0); err != nil {
			return nil, err
		}
		out.Routes = append(out.Routes, w)
	}
	return out, nil
}

// model converts a stored origination to the shared model, routes in
// stored order.
func (w *wireOrigination) model() *origination.Origination {
	if w == nil {
		return nil
	}
	out := &origination.Origination{Disabled: w.Disabled, Routes: make([]origination.Route, 0, len(w.Routes))}
	for _, r := range w.Routes {
		out.Routes = append(out.Routes, origination.Route(r))
	}
	return out
}

func (w *wireOrigination) clone() *wireOrigination {
	if w == nil {
		return nil
	}
	c := *w
	c.Routes = append([]wireRoute{}, w.Routes...)
	return &c
}
