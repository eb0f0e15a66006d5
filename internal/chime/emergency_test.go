package chime

import (
	"net/http"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
)

func TestEmergencyCallingConfigured(t *testing.T) {
	tests := []struct {
		name          string
		handler       http.HandlerFunc
		want          bool
		wantErr       bool
		wantTransient bool
	}{
		{"none", answer(200, `{}`), false, false, false},
		{"not found", status(404), false, false, false},
		{"configured", answer(200, `{"EmergencyCallingConfiguration":{"DNIS":[{"EmergencyPhoneNumber":"+15555550100","CallingCountry":"US"}]}}`), true, false, false},
		{"configured without numbers", answer(200, `{"EmergencyCallingConfiguration":{"DNIS":[]}}`), true, false, false},
		{"forbidden", status(403), false, true, false},
		{"service failure", status(500), false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &flaky{ok: tt.handler}
			c := newTestClient(t, serve(t, f).URL, ClientOptions{MaxAttempts: 2})
			got, err := c.EmergencyCallingConfigured(t.Context(), "", testID)
			if got != tt.want || (err != nil) != tt.wantErr || IsTransient(err) != tt.wantTransient {
				t.Errorf("got %v, %v (transient %v), want %v, error %v (transient %v)", got, err, IsTransient(err), tt.want, tt.wantErr, tt.wantTransient)
			}
		})
	}
}

// TestSimEmergencyCallingConfigured: the same answers under both of the
// simulator's answers for an unset configuration.
func TestSimEmergencyCallingConfigured(t *testing.T) {
	for _, u := range []sim.Unconfigured{sim.UnconfiguredEmpty, sim.UnconfiguredNotFound} {
		t.Run(string(u), func(t *testing.T) {
			s, url := newSim(t, sim.Config{Unconfigured: u})
			vc := createConnector(t, s, "vc", "us-east-1")
			c := newTestClient(t, url, ClientOptions{})
			for _, step := range []struct {
				set  *sim.EmergencyCalling
				want bool
			}{
				{nil, false},
				{&sim.EmergencyCalling{DNIS: []sim.DNIS{{EmergencyPhoneNumber: "+15555550100", CallingCountry: "US"}}}, true},
				{&sim.EmergencyCalling{}, true},
				{nil, false},
			} {
				if err := s.SetEmergencyCalling(vc.ID, step.set); err != nil {
					t.Fatal(err)
				}
				if got, err := c.EmergencyCallingConfigured(t.Context(), "us-east-1", vc.ID); got != step.want || err != nil {
					t.Errorf("with %+v: got %v, %v, want %v, nil", step.set, got, err, step.want)
				}
			}
			if calls := s.Stats().Calls(opGetEmergency); calls != 4 {
				t.Errorf("got %d calls, want 4", calls)
			}
		})
	}
}
