package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/simtest"
)

// TestPlanApplyRefusedCredentials: with credentials AWS refuses, plan and
// apply exit 1 with one message that names the problem in the service's
// words, show no plan, write nothing, and retry nothing: one request per
// connector. simtest.Isolate signs as AKIDTEST with the secret "secret".
func TestPlanApplyRefusedCredentials(t *testing.T) {
	tests := []struct {
		name  string
		creds map[string]string // the simulator's
		want  string
	}{
		{"wrong secret", map[string]string{"AKIDTEST": "another secret"},
			"AWS refused the credentials: InvalidSignatureException: The request signature we calculated does not match the signature you provided. " +
				"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
		{"unknown access key", map[string]string{"AKIDOTHER": "secret"},
			"AWS refused the credentials: UnrecognizedClientException: The security token included in the request is invalid."},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"plan", "apply"} {
			t.Run(tt.name+"/"+cmd, func(t *testing.T) {
				simtest.Isolate(t)
				w := simtest.Start(t, sim.Config{Credentials: tt.creds})
				cs := w.Connectors(t, "us-east-1", "vc", 3)
				dir := t.TempDir()
				spec := "package specs\n"
				for _, c := range cs {
					spec += fmt.Sprintf("voiceConnectors: %q: {id: %q, origination: routes: [{host: \"sbc1.example.com\", protocol: \"UDP\", priority: 1, weight: 100}]}\n", c.Name, c.ID)
				}
				if err := os.WriteFile(filepath.Join(dir, "spec.cue"), []byte(spec), 0o600); err != nil {
					t.Fatal(err)
				}
				args := []string{cmd, "--source", dir}
				if cmd == "apply" {
					args = append(args, "--auto-approve")
				}
				code, out, errs := cli(t, w, args...)
				// The first connector by key is named, each was read once.
				want := fmt.Sprintf("%s: get origination of %s in us-east-1: %s\n", cmd, cs[0].ID, tt.want)
				if code != exitFailure || errs != want || out != "" {
					t.Errorf("got exit %d, stdout %q, stderr %q;\nwant exit 1, no stdout, stderr %q", code, out, errs, want)
				}
				st := w.Sim.Stats()
				if st.Total != 3 || st.Count("GetVoiceConnectorOrigination", 403) != 3 {
					t.Errorf("got %d requests (%v), want 3 reads answered 403: none retried, nothing written", st.Total, st.Requests)
				}
			})
		}
	}
}
