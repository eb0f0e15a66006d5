package chime

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
)

// serveSplit serves o on the origination path and c on the connector's.
func serveSplit(t *testing.T, o, c http.Handler) string {
	t.Helper()
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/origination") {
			o.ServeHTTP(w, r)
			return
		}
		c.ServeHTTP(w, r)
	})).URL
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeError(w, code) }
}

var connectorOK = answer(200, `{"VoiceConnector":{"VoiceConnectorId":"`+testID+`"}}`)

// TestNotFoundOfOrigination: a 404 of the origination means "none" only
// once GetVoiceConnector has found the connector; GetOriginationOf, for a
// connector known to exist, does not ask.
func TestNotFoundOfOrigination(t *testing.T) {
	tests := []struct {
		name           string
		connector      http.HandlerFunc
		wantErr        string // "" = none, nil origination
		wantNotFound   bool
		wantTransient  bool
		wantConnectors int
	}{
		{"connector exists", connectorOK, "", false, false, 1},
		{"connector missing", status(404),
			"get origination of " + testID + " in us-east-1: the voice connector does not exist: NotFoundException: injected 404", true, false, 1},
		{"connector unknown", status(500),
			"get origination of " + testID + " in us-east-1: NotFoundException: injected 404, and whether the voice connector exists is unknown: get voice connector " + testID + " in us-east-1: ", false, true, DefaultMaxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, c := &flaky{ok: status(404)}, &flaky{ok: tt.connector}
			obs := &countingObserver{}
			client := newTestClient(t, serveSplit(t, o, c), ClientOptions{Observer: obs})
			got, err := client.GetOrigination(t.Context(), "", testID)
			switch {
			case tt.wantErr == "" && (err != nil || got != nil):
				t.Errorf("got %v, %v, want nil, nil", got, err)
			case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)):
				t.Errorf("got error %v,\nwant %q", err, tt.wantErr)
			}
			if IsNotFound(err) != tt.wantNotFound || IsTransient(err) != tt.wantTransient {
				t.Errorf("got IsNotFound %v IsTransient %v, want %v %v", IsNotFound(err), IsTransient(err), tt.wantNotFound, tt.wantTransient)
			}
			if _, ok := errors.AsType[*MissingConnectorError](err); ok != tt.wantNotFound {
				t.Errorf("got %T, want a *MissingConnectorError: %v", err, tt.wantNotFound)
			}
			if o.requests() != 1 || c.requests() != tt.wantConnectors {
				t.Errorf("got %d origination and %d connector requests, want 1 and %d", o.requests(), c.requests(), tt.wantConnectors)
			}
			if tt.wantErr == "" {
				want := map[string]int{
					"request us-east-1 GetVoiceConnectorOrigination ok": 1,
					"request us-east-1 GetVoiceConnector ok":            1,
				}
				if got := obs.snapshot(); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("observer: got %v, want %v", got, want)
				}
			}
		})
	}
}

func TestGetOriginationOfTrustsNotFound(t *testing.T) {
	o, c := &flaky{ok: status(404)}, &flaky{ok: status(404)}
	client := newTestClient(t, serveSplit(t, o, c), ClientOptions{})
	got, err := client.GetOriginationOf(t.Context(), "us-east-1", testID)
	if err != nil || got != nil || o.requests() != 1 || c.requests() != 0 {
		t.Errorf("got %v, %v after %d and %d requests, want nil, nil after 1 and 0", got, err, o.requests(), c.requests())
	}
}

// TestDeleteOfNothing: a delete answered 404 succeeds when the connector
// exists (no origination is what was wanted) and fails when it does not.
func TestDeleteOfNothing(t *testing.T) {
	for _, tt := range []struct {
		name      string
		connector http.HandlerFunc
		wantErr   bool
	}{
		{"connector exists", connectorOK, false},
		{"connector missing", status(404), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, c := &flaky{ok: status(404)}, &flaky{ok: tt.connector}
			client := newTestClient(t, serveSplit(t, o, c), ClientOptions{})
			err := client.DeleteOrigination(t.Context(), "", testID)
			if (err != nil) != tt.wantErr || (err != nil && !IsNotFound(err)) {
				t.Errorf("got %v, want an error %v, and NotFound if any", err, tt.wantErr)
			}
			if o.requests() != 1 || c.requests() != 1 {
				t.Errorf("got %d delete and %d connector requests, want 1 and 1", o.requests(), c.requests())
			}
		})
	}
}

// TestSimUnconfigured: against the simulator's two answers for a
// connector without origination, the port gives the same results, and a
// missing connector is never taken for an unconfigured one.
func TestSimUnconfigured(t *testing.T) {
	for _, u := range []sim.Unconfigured{sim.UnconfiguredEmpty, sim.UnconfiguredNotFound} {
		t.Run(string(u), func(t *testing.T) {
			s, url := newSim(t, sim.Config{Unconfigured: u})
			vc := createConnector(t, s, "vc", "us-east-1")
			const missing = "nosuchconnector0000000"
			c := newTestClient(t, url, ClientOptions{})
			ctx := t.Context()
			if got, err := c.GetOrigination(ctx, "us-east-1", vc.ID); err != nil || got != nil {
				t.Errorf("GetOrigination: got %v, %v, want nil, nil", got, err)
			}
			if got, err := c.GetOriginationOf(ctx, "us-east-1", vc.ID); err != nil || got != nil {
				t.Errorf("GetOriginationOf: got %v, %v, want nil, nil", got, err)
			}
			if err := c.DeleteOrigination(ctx, "us-east-1", vc.ID); err != nil {
				t.Errorf("DeleteOrigination: got %v, want nil", err)
			}
			if configured, err := c.EmergencyCallingConfigured(ctx, "us-east-1", vc.ID); err != nil || configured {
				t.Errorf("EmergencyCallingConfigured: got %v, %v, want false, nil", configured, err)
			}
			if _, err := c.GetOrigination(ctx, "us-east-1", missing); !IsNotFound(err) {
				t.Errorf("GetOrigination of a missing connector: got %v, want NotFound", err)
			}
			if err := c.DeleteOrigination(ctx, "us-east-1", missing); !IsNotFound(err) {
				t.Errorf("DeleteOrigination of a missing connector: got %v, want NotFound", err)
			}
			// Under empty, a 404 comes only for the missing connector; under
			// notfound, also for the unconfigured one, each told apart by a
			// GetVoiceConnector (GetOriginationOf does not ask).
			st := s.Stats()
			wantVC := int64(2)
			if u == sim.UnconfiguredNotFound {
				wantVC = 4
			}
			if st.Calls(opGetConnector) != wantVC || st.Calls(opGetOrigination) != 3 || st.Calls(opDeleteOrigination) != 2 {
				t.Errorf("got %d GetVoiceConnector, %d get and %d delete origination, want %d, 3, 2",
					st.Calls(opGetConnector), st.Calls(opGetOrigination), st.Calls(opDeleteOrigination), wantVC)
			}
		})
	}
}
