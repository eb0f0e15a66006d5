package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
)

// fakePreflight fails the routes to bad hosts, and the TLS targets to
// hosts in badTLS, and counts the calls.
type fakePreflight struct {
	bad     map[string]bool
	badTLS  map[string]bool
	calls   int
	targets []origination.Target
}

func (f *fakePreflight) check(_ context.Context, targets []origination.Target) map[origination.Target]origination.Probe {
	f.calls++
	f.targets = append(f.targets, targets...)
	out := map[origination.Target]origination.Probe{}
	for _, t := range targets {
		switch {
		case f.bad[t.Host]:
			out[t] = origination.Probe{Detail: "no answer within 2s"}
		case t.TLS && f.badTLS[t.Host]:
			out[t] = origination.Probe{Detail: "TLS: certificate expired at 2024-01-02T03:04:05Z"}
		case t.TLS:
			out[t] = origination.Probe{OK: true, Detail: "SIP/2.0 200 OK over TLS in 1ms"}
		default:
			out[t] = origination.Probe{OK: true, Detail: "SIP/2.0 200 OK in 1ms"}
		}
	}
	return out
}

// withPreflight makes e plan with the origination setting checking routes
// as check does, in mode, and returns the desired connectors of fleet on it.
func (e *env) withPreflight(t *testing.T, mode origination.PreflightMode, check origination.Prober) {
	e.kind = kindOn(t, e.api, origination.Options{Preflight: mode, Probe: check})
}

func TestPreflightModes(t *testing.T) {
	for _, mode := range []origination.PreflightMode{origination.PreflightOff, origination.PreflightWarn, origination.PreflightEnforce} {
		t.Run(string(mode), func(t *testing.T) {
			e := newEnv(t, sim.Config{}, chime.ClientOptions{})
			cs := e.w.Connectors(t, "us-east-1", "vc", 2)
			fp := &fakePreflight{bad: map[string]bool{"dead.example.com": true}}
			e.withPreflight(t, mode, fp.check)
			desired := fleet(e.kind, cs)
			originationOf(desired[1]).Routes[1].Host = "dead.example.com"
			p, err := e.eng.Plan(t.Context(), "rev", desired)
			if err != nil {
				t.Fatal(err)
			}
			wantCalls, wantKeys, wantChanges, wantErrs := 1, 3, 2, 0
			switch mode {
			case origination.PreflightOff:
				wantCalls, wantKeys = 0, 0
			case origination.PreflightEnforce:
				wantChanges, wantErrs = 1, 1
			}
			if fp.calls != wantCalls || len(fp.targets) != wantKeys {
				t.Errorf("got %d calls for %d routes, want %d for %d", fp.calls, len(fp.targets), wantCalls, wantKeys)
			}
			if len(p.Plan.Changes) != wantChanges || len(p.Errors) != wantErrs {
				t.Fatalf("got %d changes, %d errors (%v), want %d, %d", len(p.Plan.Changes), len(p.Errors), p.Errors, wantChanges, wantErrs)
			}
			if mode == origination.PreflightEnforce {
				got := p.Errors[desired[1].Key].Error()
				want := "blocked by --preflight=enforce: route dead.example.com:5060/UDP failed preflight: no answer within 2s"
				if got != want || !strings.Contains(strings.Join(p.Plan.Unknown, ","), desired[1].Key) {
					t.Errorf("got error %q, unknown %v; want %q", got, p.Plan.Unknown, want)
				}
				r, err := e.eng.Apply(t.Context(), p, ApplyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if r.Count(StatusApplied) != 1 || r.Converged() {
					t.Errorf("got %d applied, converged %t; want 1 applied, not converged", r.Count(StatusApplied), r.Converged())
				}
			}
		})
	}
}

// TestPreflightTLS: the TCP routes of a connector that requires encryption
// are probed over TLS, and the same route on an unencrypted connector in
// clear, each connector blocked by its own result.
func TestPreflightTLS(t *testing.T) {
	e := newEnv(t, sim.Config{}, chime.ClientOptions{})
	var cs []sim.StoredConnector
	for i, encrypt := range []bool{true, false, true} {
		c, err := e.w.Sim.CreateConnector(fmt.Sprintf("vc-%04d", i), "us-east-1", encrypt)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	fp := &fakePreflight{badTLS: map[string]bool{"sbc.example.com": true}}
	e.withPreflight(t, origination.PreflightEnforce, fp.check)
	desired := fleet(e.kind, cs)
	tcp := func(host string) origination.Route {
		return origination.Route{Host: host, Port: 5061, Protocol: origination.TCP, Priority: 1, Weight: 50}
	}
	shared, good := tcp("sbc.example.com"), tcp("good.example.com")
	originationOf(desired[0]).Routes = []origination.Route{shared, good}
	originationOf(desired[1]).Routes = []origination.Route{shared, good}
	originationOf(desired[2]).Routes = []origination.Route{good}
	p, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	want := []origination.Target{{Key: shared.Key(), TLS: true}, {Key: good.Key(), TLS: true}, {Key: shared.Key()}, {Key: good.Key()}}
	if !sameTargets(fp.targets, want) {
		t.Errorf("got targets %v, want %v", fp.targets, want)
	}
	gotErr := fmt.Sprint(p.Errors[desired[0].Key])
	wantErr := "blocked by --preflight=enforce: route sbc.example.com:5061/TCP (TLS) failed preflight: TLS: certificate expired at 2024-01-02T03:04:05Z"
	if gotErr != wantErr || len(p.Errors) != 1 || len(p.Plan.Changes) != 2 {
		t.Errorf("got errors %v and %d changes, want only %q and 2 changes", p.Errors, len(p.Plan.Changes), wantErr)
	}
	// The plan shows one result per route, on every connector that has
	// it: both probes of the route probed both ways.
	var text strings.Builder
	if err := p.Plan.WriteText(&text, diff.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	for shown, n := range map[string]int{
		"good.example.com:5061/TCP  priority 1 weight 50   [preflight: encrypted connectors: SIP/2.0 200 OK over TLS in 1ms; others: SIP/2.0 200 OK in 1ms]":                          2,
		"sbc.example.com:5061/TCP   priority 1 weight 50   [preflight FAILED: encrypted connectors: TLS: certificate expired at 2024-01-02T03:04:05Z; others: SIP/2.0 200 OK in 1ms]": 1,
	} {
		if got := strings.Count(text.String(), shown); got != n {
			t.Errorf("the plan shows %q %d times, want %d:\n%s", shown, got, n, text.String())
		}
	}
}

func sameTargets(a, b []origination.Target) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	less := func(x, y origination.Target) int { return strings.Compare(x.String(), y.String()) }
	slices.SortFunc(a, less)
	slices.SortFunc(b, less)
	return slices.Equal(a, b)
}
