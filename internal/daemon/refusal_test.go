package daemon

import (
	"fmt"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
)

// msgSignature is the simulator's refusal of a signature made with
// another secret, as AWS words it.
const msgSignature = "InvalidSignatureException: The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// TestDaemonFailsConnectorOnRefusedCredentials: the daemon fails each
// connector with the refusal as its reason.
func TestDaemonFailsConnectorOnRefusedCredentials(t *testing.T) {
	d := startDaemon(t, 2, sim.Config{Credentials: map[string]string{"AKIDTEST": "another secret"}}, Options{})
	d.send(t, "rev1", d.spec(nil), "")
	o := d.waitPass(t)
	if o.Counts[StateFailed] != 2 {
		t.Fatalf("got counts %v, want both connectors failed", o.Counts)
	}
	for _, cs := range o.Connectors {
		if want := "get origination of " + cs.ID + " in us-east-1: AWS refused the credentials: " + msgSignature; cs.Error != want {
			t.Errorf("%s: got error %q, want %q", cs.Key, cs.Error, want)
		}
	}
}

// TestDaemonFailsConnectorWithEmergencyCalling: the daemon fails the
// connector with the refusal's reason and writes nothing to it.
func TestDaemonFailsConnectorWithEmergencyCalling(t *testing.T) {
	d := startDaemon(t, 2, sim.Config{}, Options{Gates: diff.Gates{AllowTrafficLoss: true}})
	o := &origination.Origination{Routes: []origination.Route{route("sbc1.example.com", 1, 50)}}
	for _, id := range d.ids {
		if err := d.w.Sim.SetOrigination(id, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.w.Sim.SetEmergencyCalling(d.ids[0], &sim.EmergencyCalling{DNIS: []sim.DNIS{{EmergencyPhoneNumber: "+15555550100", CallingCountry: "US"}}}); err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf("package p\nvoiceConnectors: \"vc-0000\": {id: %q, origination: absent: true}\nvoiceConnectors: \"vc-0001\": {id: %q, origination: absent: true}\n", d.ids[0], d.ids[1])
	d.send(t, "rev1", []schema.File{{Path: "spec.cue", Data: []byte(spec)}}, "")
	ov := d.waitPass(t)
	states := map[string]string{}
	for _, cs := range ov.Connectors {
		states[cs.Key] = string(cs.State) + ": " + cs.Error
	}
	want := map[string]string{"vc-0000": "failed: " + origination.ErrEmergencyCalling.Error(), "vc-0001": "in_sync: "}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", states, want)
	}
	if got := d.w.Origination(t, d.ids[0]); !origination.Equal(got, o) {
		t.Errorf("vc-0000 holds %s, want it untouched", got)
	}
}
