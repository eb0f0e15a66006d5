package chime

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
)

func routes(n, priority int) *origination.Origination {
	o := &origination.Origination{}
	for i := range n {
		o.Routes = append(o.Routes, origination.Route{Host: fmt.Sprintf("sbc%02d.example.com", i), Protocol: "UDP", Priority: priority, Weight: 10})
	}
	return o
}

// TestSimRouteQuota: 12 routes against the default quota of 10 are refused
// once, as a *RouteQuotaError that keeps the service's words; with a quota
// of 20 they pass.
func TestSimRouteQuota(t *testing.T) {
	s, url := newSim(t, sim.Config{})
	vc := createConnector(t, s, "vc", "us-east-1")
	c := newTestClient(t, url, ClientOptions{MaxAttempts: 5})
	_, err := c.PutOrigination(t.Context(), "us-east-1", vc.ID, routes(12, 1))
	want := "put origination of " + vc.ID + " in us-east-1: the service refused 12 routes: BadRequestException: " +
		"Origination.Routes: 12 routes exceed the account's quota of 10 routes per Voice Connector"
	if err == nil || err.Error() != want {
		t.Errorf("got %v,\nwant %s", err, want)
	}
	if q, ok := errors.AsType[*origination.RouteQuotaError](err); !ok || q.Routes != 12 || IsTransient(err) {
		t.Errorf("got %T (transient %v), want a permanent *origination.RouteQuotaError of 12 routes", err, IsTransient(err))
	}
	if calls := s.Stats().Calls(opPutOrigination); calls != 1 {
		t.Errorf("got %d calls, want 1", calls)
	}

	s, url = newSim(t, sim.Config{RouteQuota: 20})
	vc = createConnector(t, s, "vc", "us-east-1")
	c = newTestClient(t, url, ClientOptions{})
	if _, err := c.PutOrigination(t.Context(), "us-east-1", vc.ID, routes(12, 1)); err != nil {
		t.Errorf("quota 20: got %v, want no error", err)
	}
	// Another refusal of a Put of 12 routes is not about the quota.
	_, err = c.PutOrigination(t.Context(), "us-east-1", vc.ID, routes(12, 101))
	if _, ok := errors.AsType[*origination.RouteQuotaError](err); ok || apiCode(err) != codeBadRequest {
		t.Errorf("priority 101: got %v, want a BadRequestException that is no quota refusal", err)
	}
}

func TestIsRouteQuota(t *testing.T) {
	bad := func(msg string) error { return &smithy.GenericAPIError{Code: codeBadRequest, Message: msg} }
	for _, tt := range []struct {
		name   string
		err    error
		routes int
		want   bool
	}{
		{"simulator's words", bad("Origination.Routes: 12 routes exceed the account's quota of 10 routes per Voice Connector"), 12, true},
		{"a length constraint", bad("1 validation error detected: Value at 'origination.routes' failed to satisfy constraint: Member must have length less than or equal to 10"), 11, true},
		{"a limit", bad("Origination route limit reached"), 15, true},
		{"within the default quota", bad("Origination.Routes: 10 routes exceed the limit"), 10, false},
		{"another refusal", bad("Origination.Routes[3].Host is required and must not be empty"), 12, false},
		{"another code", &smithy.GenericAPIError{Code: "ResourceLimitExceededException", Message: "quota"}, 12, false},
		{"no API error", errors.New("quota"), 12, false},
	} {
		if got := isRouteQuota(tt.err, tt.routes); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
