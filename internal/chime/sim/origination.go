package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/sipops/reconciler/internal/origination"
)

// MaxRoutes is the most routes one origination may hold, whatever the
// account's quota. The model has no length trait; the Routes member
// documents "minimum 1, maximum 20" while the OriginationRoute text says
// ten, the default quota (DefaultRouteQuota), which a Put is checked
// against (Config.RouteQuota).
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
	if o == nil && s.unconfigured == UnconfiguredNotFound {
		return c.op.fail(excNotFound, "voice connector %s has no origination settings", c.id)
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
	o, err := parseOrigination(body, s.routeQuota)
	if err != nil {
		return c.op.fail(excBadRequest, "%v", err)
	}
	err = s.store.setOrigination(c.region, c.id, o)
	if errors.Is(err, errEmergencyCalling) {
		return c.op.fail(excBadRequest, "Origination.Disabled: if emergency calling is configured for the Voice Connector, "+
			"it must be deleted prior to turning off origination settings (voice connector %s has an emergency calling configuration)", c.id)
	}
	if err != nil {
		return s.storeError(c, err)
	}
	return ok(http.StatusOK, originationOutput{Origination: o})
}

// deleteOrigination removes the origination. Deleting what is not set
// answers as Config.Unconfigured says: 204 (a retried delete succeeds) or
// 404.
func (s *Service) deleteOrigination(c *call) *result {
	err := s.store.setOrigination(c.region, c.id, nil)
	switch {
	case errors.Is(err, errUnset) && s.unconfigured == UnconfiguredNotFound:
		return c.op.fail(excNotFound, "voice connector %s has no origination settings", c.id)
	case errors.Is(err, errEmergencyCalling):
		return c.op.fail(excBadRequest, "If emergency calling is configured for the Voice Connector, "+
			"it must be deleted prior to deleting the origination settings (voice connector %s has an emergency calling configuration)", c.id)
	case err != nil && !errors.Is(err, errUnset):
		return s.storeError(c, err)
	}
	return ok(http.StatusNoContent, nil)
}

// parseOrigination reads and validates the Origination member of a
// PutVoiceConnectorOrigination body, with quota routes at most.
func parseOrigination(body *object, quota int) (*wireOrigination, error) {
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
	case len(routes) > quota:
		o.fail("%s: %d routes exceed the account's quota of %d routes per Voice Connector", o.member("Routes"), len(routes), quota)
	case len(routes) == 0 && !disabled:
		o.fail("%s must hold at least one route unless Disabled is true", o.member("Routes"))
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
	var has present
	r.Host, _ = o.str("Host")
	r.Port, has.port = o.integer("Port")
	r.Protocol, has.protocol = o.str("Protocol")
	r.Priority, has.priority = o.integer("Priority")
	r.Weight, has.weight = o.integer("Weight")
	if !has.port {
		r.Port = origination.DefaultPort
	}
	if o.err == nil {
		o.err = r.validate(o.path, has)
	}
	parent.err = o.err
	return r
}

// present says which optional members of a route were given.
type present struct{ port, protocol, priority, weight bool }

// validate checks the model's constraints. Host has none in the model, but a
// route without a destination cannot carry a call, so it is required.
// Protocol may be absent, but when given it is an enum value: "" is not one.
func (r wireRoute) validate(path string, has present) error {
	switch {
	case r.Host == "":
		return fmt.Errorf("%s.Host is required and must not be empty", path)
	case r.Port < 0 || r.Port > 65535:
		return fmt.Errorf("%s.Port must be between 0 and 65535, got %d", path, r.Port)
	case has.protocol && r.Protocol != origination.TCP && r.Protocol != origination.UDP:
		return fmt.Errorf("%s.Protocol must be TCP or UDP, got %q", path, r.Protocol)
	case has.priority && (r.Priority < 1 || r.Priority > 100):
		return fmt.Errorf("%s.Priority must be between 1 and 100, got %d", path, r.Priority)
	case has.weight && (r.Weight < 1 || r.Weight > 100):
		return fmt.Errorf("%s.Weight must be between 1 and 100, got %d", path, r.Weight)
	}
	return nil
}

// fromModel converts the shared model for SetOrigination, validating it as
// a Put would, except that the limit is MaxRoutes rather than the quota:
// direct access sets up state an account with a raised quota may hold.
// Zero numbers and an empty Protocol mean absent; a zero Port becomes 5060.
func fromModel(m *origination.Origination) (*wireOrigination, error) {
	switch {
	case len(m.Routes) > MaxRoutes:
		return nil, fmt.Errorf("origination has %d routes; at most %d are allowed", len(m.Routes), MaxRoutes)
	case len(m.Routes) == 0 && !m.Disabled:
		return nil, fmt.Errorf("origination must hold at least one route unless disabled")
	}
	out := &wireOrigination{Routes: make([]wireRoute, 0, len(m.Routes)), Disabled: m.Disabled}
	for i, r := range m.Routes {
		w := wireRoute{Host: r.Host, Port: r.Port, Protocol: r.Protocol, Priority: r.Priority, Weight: r.Weight}
		if w.Port == 0 {
			w.Port = origination.DefaultPort
		}
		has := present{port: true, protocol: r.Protocol != "", priority: r.Priority != 0, weight: r.Weight != 0}
		if err := w.validate(fmt.Sprintf("Routes[%d]", i), has); err != nil {
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
