package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// The service's words for the refusals below, as the simulator says them.
const (
	msgSignature = "InvalidSignatureException: The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgUnknownKey = "UnrecognizedClientException: The security token included in the request is invalid."
)

// TestCredentialsRefused: a wrong secret or an unknown access key fails
// every connector with AWS's own words, after one request each: a refusal
// of the credentials is never retried.
func TestCredentialsRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		creds map[string]string // the simulator's; the client signs as AKIDTEST with "secret"
		want  string
	}{
		{"wrong secret", map[string]string{"AKIDTEST": "another secret"}, msgSignature},
		{"unknown access key", map[string]string{"AKIDOTHER": "secret"}, msgUnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sim.Config{Credentials: tc.creds}, chime.ClientOptions{MaxAttempts: 5})
			cs := e.w.Connectors(t, "us-east-1", "vc", 2)
			desired := fleet(e.kind, cs)
			desired = append(desired, schema.DesiredConnector{Key: "by-name", Name: cs[0].Name, Region: "us-east-1", Settings: absentOf(e.kind)})
			p, err := e.eng.Plan(t.Context(), "rev", desired)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.eng.Apply(t.Context(), p, ApplyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wantCalls(t, "one request per call, none retried", e.calls(), map[string]int64{opList: 1, opGet: 2})
			want := map[string]string{
				"by-name": `resolve name "vc-0000": list voice connectors in us-east-1: AWS refused the credentials: ` + tc.want,
				"vc-0000": "get origination of " + cs[0].ID + " in us-east-1: AWS refused the credentials: " + tc.want,
				"vc-0001": "get origination of " + cs[1].ID + " in us-east-1: AWS refused the credentials: " + tc.want,
			}
			for _, o := range r.Outcomes {
				if o.Status != StatusFailed || o.Error != want[o.Key] {
					t.Errorf("%s: got %s %q, want failed %q", o.Key, o.Status, o.Error, want[o.Key])
				}
				if !chime.IsCredentials(o.Err) || chime.IsTransient(o.Err) {
					t.Errorf("%s: got IsCredentials %v IsTransient %v, want true false", o.Key, chime.IsCredentials(o.Err), chime.IsTransient(o.Err))
				}
			}
		})
	}
}

// TestRouteQuota: the service refuses 12 routes under the default quota of
// 10 while --max-routes allowed 20. The refusal says so and what to do; the
// Put is not retried, and the other connectors converge.
func TestRouteQuota(t *testing.T) {
	for _, maxRoutes := range []int{20, 0} {
		t.Run(fmt.Sprint("max routes ", maxRoutes), func(t *testing.T) {
			e := newEnv(t, sim.Config{}, chime.ClientOptions{MaxAttempts: 5})
			e.kind = kindOn(t, e.api, origination.Options{MaxRoutes: maxRoutes})
			cs := e.w.Connectors(t, "us-east-1", "vc", 3)
			desired := fleet(e.kind, cs)
			big := &origination.Origination{}
			for i := range 12 {
				big.Routes = append(big.Routes, route(fmt.Sprintf("sbc%02d.example.com", i), 1, 10))
			}
			desired[1].Settings = want(e.kind, big)
			r := e.apply(t, desired, diff.Gates{})
			if got, want := outcomes(r), "vc-0000 applied put; vc-0001 failed put; vc-0002 applied put; "; got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
			flag := "--max-routes 20"
			if maxRoutes == 0 {
				flag = "--max-routes 10" // the default the spec was checked against
			}
			want := "put origination of " + cs[1].ID + " in us-east-1: the service refused 12 routes: BadRequestException: " +
				"Origination.Routes: 12 routes exceed the account's quota of 10 routes per Voice Connector; " +
				"your account's quota is lower than " + flag + ": lower --max-routes or ask AWS for more"
			if got := r.Outcomes[1].Error; got != want {
				t.Errorf("got %q,\nwant %q", got, want)
			}
			if _, ok := errors.AsType[*origination.RouteQuotaError](r.Outcomes[1].Err); !ok || chime.IsTransient(r.Outcomes[1].Err) || Classify(r.Outcomes[1].Err) != ClassPermanent {
				t.Errorf("got %T (transient %v), want a permanent *origination.RouteQuotaError inside", r.Outcomes[1].Err, chime.IsTransient(r.Outcomes[1].Err))
			}
			if st := e.w.Sim.Stats(); st.Calls(opPut) != 3 || st.Count(opPut, 400) != 1 {
				t.Errorf("got %d puts, %d of them 400, want 3 and 1: the refusal is not retried", st.Calls(opPut), st.Count(opPut, 400))
			}
			if got := e.w.Origination(t, cs[1].ID); got != nil {
				t.Errorf("vc-0001 holds %s, want none", got)
			}
			e.assertConverged(t, []schema.DesiredConnector{desired[0], desired[2]})
		})
	}
}

// ecFleet creates five connectors with origination, three of them with an
// emergency calling configuration, and a spec that deletes or disables the
// origination of some and changes or keeps that of others.
func ecFleet(t *testing.T, e env) []schema.DesiredConnector {
	t.Helper()
	cs := e.w.Connectors(t, "us-east-1", "vc", 5)
	desired := fleet(e.kind, cs)
	keys := []string{"gone", "off", "plain-gone", "reweigh", "same"}
	for i, c := range cs {
		if err := e.w.Sim.SetOrigination(c.ID, originationOf(desired[i])); err != nil {
			t.Fatal(err)
		}
		desired[i].Key = keys[i]
		if keys[i] == "plain-gone" {
			continue
		}
		ec := &sim.EmergencyCalling{DNIS: []sim.DNIS{{EmergencyPhoneNumber: "+15555550100", CallingCountry: "US"}}}
		if keys[i] == "reweigh" {
			ec.DNIS = nil // configured without numbers: still configured
		}
		if err := e.w.Sim.SetEmergencyCalling(c.ID, ec); err != nil {
			t.Fatal(err)
		}
	}
	desired[0].Settings = absentOf(e.kind)
	desired[1].Settings = want(e.kind, disabled(originationOf(desired[1])))
	desired[2].Settings = absentOf(e.kind)
	desired[3].Settings = want(e.kind, &origination.Origination{Routes: []origination.Route{route("sbc1.example.com", 1, 80), route("sbc2.example.com", 1, 20)}})
	e.calls()
	return desired
}

func disabled(o *origination.Origination) *origination.Origination {
	o = o.Clone()
	o.Disabled = true
	return o
}

// TestEmergencyCallingRefusesTurningOff: a change that deletes or disables
// the origination of a connector with emergency calling configured is
// refused in the plan, for that connector only, and never written; only
// those changes read the emergency calling configuration. The same under
// both answers for an unset configuration.
func TestEmergencyCallingRefusesTurningOff(t *testing.T) {
	eachUnconfigured(t, func(t *testing.T, u sim.Unconfigured) {
		e := newEnv(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
		desired := ecFleet(t, e)
		before := map[string]*origination.Origination{}
		for _, c := range desired {
			before[c.Key] = e.w.Origination(t, c.ID)
		}
		allow := diff.Gates{AllowTrafficLoss: true}
		p, err := e.eng.Plan(t.Context(), "rev", desired)
		if err != nil {
			t.Fatal(err)
		}
		// GetVoiceConnector for the four that change; emergency calling for
		// the three that turn origination off: gone, off, plain-gone.
		wantCalls(t, "plan", e.calls(), map[string]int64{opGet: 5, opGetVC: 4, opGetEC: 3})
		var refused []string
		for _, r := range p.Plan.Refused {
			refused = append(refused, r.Key+": "+r.Reason)
		}
		reason := origination.ErrEmergencyCalling.Error()
		if want := []string{"gone: " + reason, "off: " + reason}; !slices.Equal(refused, want) {
			t.Errorf("refused: got %q, want %q", refused, want)
		}
		if s := p.Plan.Summary(); s != (diff.Summary{Change: 1, Delete: 1, Noop: 1, Refused: 2}) {
			t.Errorf("summary: got %+v", s)
		}
		if !p.Failed() || !errors.Is(p.Errors["gone"], origination.ErrEmergencyCalling) || len(p.Plan.Unknown) != 0 {
			t.Errorf("got errors %v, unknown %v; want gone and off refused, none unknown", p.Errors, p.Plan.Unknown)
		}
		r, err := e.eng.Apply(t.Context(), p, ApplyOptions{Gates: allow})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := outcomes(r), "gone failed ; off failed ; plain-gone applied delete; reweigh applied put; same unchanged noop; "; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		for _, o := range r.Outcomes[:2] {
			if o.Error != reason || o.ID == "" {
				t.Errorf("%s: got %q (id %q), want %q", o.Key, o.Error, o.ID, reason)
			}
		}
		// The reads before writing plain-gone and reweigh, the read back
		// after the delete; nothing for the refused.
		wantCalls(t, "apply", e.calls(), map[string]int64{opGet: 3, opPut: 1, opDelete: 1})
		for _, key := range []string{"gone", "off"} {
			i := slices.IndexFunc(desired, func(c schema.DesiredConnector) bool { return c.Key == key })
			if got := e.w.Origination(t, desired[i].ID); !origination.Equal(got, before[key]) {
				t.Errorf("%s: holds %s, want it untouched: %s", key, got, before[key])
			}
		}
	})
}

// ecUnreadable fails every read of emergency calling.
type ecUnreadable struct{ *chime.Client }

func (ecUnreadable) EmergencyCallingConfigured(context.Context, string, string) (bool, error) {
	return false, errors.New("AccessDeniedException: not authorized to perform chime:GetVoiceConnectorEmergencyCallingConfiguration")
}

// TestEmergencyCallingUnreadable: a connector whose emergency calling
// cannot be read is not turned off: it cannot be planned.
func TestEmergencyCallingUnreadable(t *testing.T) {
	e := newEnv(t, sim.Config{}, chime.ClientOptions{})
	desired := ecFleet(t, e)
	eng := NewEngine(ecUnreadable{e.api}, EngineOptions{Concurrency: 2})
	p, err := eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"gone", "off", "plain-gone"}; !slices.Equal(p.Plan.Unknown, want) || len(p.Plan.Refused) != 0 {
		t.Errorf("got unknown %v and refused %v, want %v unknown", p.Plan.Unknown, p.Plan.Refused, want)
	}
	if err := p.Errors["off"]; err == nil || !strings.HasPrefix(err.Error(), "read emergency calling before turning origination off: AccessDeniedException") {
		t.Errorf("off: got %v, want the read's error", err)
	}
	r, err := eng.Apply(t.Context(), p, ApplyOptions{Gates: diff.Gates{AllowTrafficLoss: true}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outcomes(r), "gone failed ; off failed ; plain-gone failed ; reweigh applied put; same unchanged noop; "; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if st := e.w.Sim.Stats(); st.Calls(opDelete) != 0 || st.Calls(opPut) != 1 {
		t.Errorf("got %d deletes and %d puts, want 0 and 1", st.Calls(opDelete), st.Calls(opPut))
	}
}
