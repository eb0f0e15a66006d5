package reconcile

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/preflight"
)

// fakePreflight fails the routes to bad hosts, and the TLS targets to
// hosts in badTLS, and counts the calls.
type fakePreflight struct {
	bad     map[string]bool
	badTLS  map[string]bool
	calls   int
	targets []preflight.Target
}

func (f *fakePreflight) check(_ context.Context, targets []preflight.Target) map[preflight.Target]diff.Preflight {
	f.calls++
	f.targets = append(f.targets, targets...)
	out := map[preflight.Target]diff.Preflight{}
	for _, t := range targets {
		switch {
		case f.bad[t.Host]:
			out[t] = diff.Preflight{Detail: "no answer within 2s"}
		case t.TLS && f.badTLS[t.Host]:
			out[t] = diff.Preflight{Detail: "TLS: certificate expired at 2024-01-02T03:04:05Z"}
		case t.TLS:
			out[t] = diff.Preflight{OK: true, Detail: "SIP/2.0 200 OK over TLS in 1ms"}
		default:
			out[t] = diff.Preflight{OK: true, Detail: "SIP/2.0 200 OK in 1ms"}
		}
	}
	return out
}

func TestPreflightModes(t *testing.T) {
	for _, mode := range []PreflightMode{PreflightOff, PreflightWarn, PreflightEnforce} {
		t.Run(string(mode), func(t *testing.T) {
			e := newEnv(t, sim.Config{}, chime.ClientOptions{})
			cs := e.w.Connectors(t, "us-east-1", "vc", 2)
			desired := fleet(cs)
			desired[1].Origination.Routes[1].Host = "dead.example.com"
			fp := &fakePreflight{bad: map[string]bool{"dead.example.com": true}}
			e.eng = NewEngine(e.api, EngineOptions{Concurrency: 4, Preflight: mode, Probe: fp.check})
			p, err := e.eng.Plan(t.Context(), "rev", desired)
			if err != nil {
				t.Fatal(err)
			}
			wantCalls, wantKeys, wantChanges, wantErrs := 1, 3, 2, 0
			switch mode {
			case PreflightOff:
				wantCalls, wantKeys = 0, 0
			case PreflightEnforce:
				wantChanges, wantErrs = 1, 1
			}
			if fp.calls != wantCalls || len(fp.targets) != wantKeys {
				t.Errorf("got %d calls for %d routes, want %d for %d", fp.calls, len(fp.targets), wantCalls, wantKeys)
			}
			if len(p.Plan.Changes) != wantChanges || len(p.Errors) != wantErrs {
				t.Fatalf("got %d changes, %d errors (%v), want %d, %d", len(p.Plan.Changes), len(p.Errors), p.Errors, wantChanges, wantErrs)
			}
			if mode == PreflightEnforce {
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

func TestParsePreflightMode(t *testing.T) {
	for _, s := range []string{"off", "warn", "enforce"} {
		if m, err := ParsePreflightMode(s); err != nil || string(m) != s {
			t.Errorf("ParsePreflightMode(%q): got %q, %v", s, m, err)
		}
	}
	if _, err := ParsePreflightMode("on"); err == nil {
		t.Error("ParsePreflightMode(on): got nil error")
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
	desired := fleet(cs)
	tcp := func(host string) origination.Route {
		return origination.Route{Host: host, Port: 5061, Protocol: origination.TCP, Priority: 1, Weight: 50}
	}
	shared, good := tcp("sbc.example.com"), tcp("good.example.com")
	desired[0].Origination.Routes = []origination.Route{shared, good}
	desired[1].Origination.Routes = []origination.Route{shared, good}
	desired[2].Origination.Routes = []origination.Route{good}
	fp := &fakePreflight{badTLS: map[string]bool{"sbc.example.com": true}}
	e.eng = NewEngine(e.api, EngineOptions{Concurrency: 4, Preflight: PreflightEnforce, Probe: fp.check})
	p, err := e.eng.Plan(t.Context(), "rev", desired)
	if err != nil {
		t.Fatal(err)
	}
	want := []preflight.Target{{Key: shared.Key(), TLS: true}, {Key: good.Key(), TLS: true}, {Key: shared.Key()}, {Key: good.Key()}}
	if !sameTargets(fp.targets, want) {
		t.Errorf("got targets %v, want %v", fp.targets, want)
	}
	gotErr := fmt.Sprint(p.Errors[desired[0].Key])
	wantErr := "blocked by --preflight=enforce: route sbc.example.com:5061/TCP (TLS) failed preflight: TLS: certificate expired at 2024-01-02T03:04:05Z"
	if gotErr != wantErr || len(p.Errors) != 1 || len(p.Plan.Changes) != 2 {
		t.Errorf("got errors %v and %d changes, want only %q and 2 changes", p.Errors, len(p.Plan.Changes), wantErr)
	}
	wantShown := map[origination.Key]diff.Preflight{
		shared.Key(): {Detail: "encrypted connectors: TLS: certificate expired at 2024-01-02T03:04:05Z; others: SIP/2.0 200 OK in 1ms"},
		good.Key():   {OK: true, Detail: "encrypted connectors: SIP/2.0 200 OK over TLS in 1ms; others: SIP/2.0 200 OK in 1ms"},
	}
	if !maps.Equal(p.Preflight, wantShown) {
		t.Errorf("got shown results %v, want %v", p.Preflight, wantShown)
	}
}

func sameTargets(a, b []preflight.Target) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	less := func(x, y preflight.Target) int { return strings.Compare(x.String(), y.String()) }
	slices.SortFunc(a, less)
	slices.SortFunc(b, less)
	return slices.Equal(a, b)
}
