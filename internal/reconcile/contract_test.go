package reconcile

import (
	"bytes"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/diff"
	"github.com/sipops/reconciler/internal/goldentest"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// contractSpec names two connectors of the simulator, one by name without
// origination, and one that does not exist.
var contractSpec = []schema.File{{Path: "spec.cue", Data: []byte(`package p
voiceConnectors: "sbc-east": {id: "easteasteasteasteast01", origination: routes: [{host: "sbc1.example.com", protocol: "UDP", priority: 1, weight: 50}, {host: "sbc2.example.com", port: 5061, protocol: "TCP", priority: 2, weight: 50}]}
voiceConnectors: "sbc-west": {id: "westwestwestwestwest01", origination: disabled: true}
voiceConnectors: "pbx": {name: "pbx-hq", origination: absent: true}
voiceConnectors: "gone": {id: "gonegonegonegonegone01", origination: routes: [{host: "sbc9.example.com", protocol: "UDP", priority: 1, weight: 1}]}
`)}}

// TestApplyOutputContract pins what apply prints, as text and as JSON
// (apply --output json): a connector created, one disabled, one left
// alone, one that failed.
func TestApplyOutputContract(t *testing.T) {
	e := newEnv(t, sim.Config{}, chime.ClientOptions{MaxAttempts: 1})
	for _, c := range []struct{ id, name string }{{"easteasteasteasteast01", "sbc-east"}, {"westwestwestwestwest01", "sbc-west"}, {"pbxhqpbxhqpbxhqpbxhq01", "pbx-hq"}} {
		if _, err := e.w.Sim.CreateConnectorWithID(c.id, c.name, "us-east-1", false); err != nil {
			t.Fatal(err)
		}
	}
	spec, err := schema.Load(contractSpec, schema.LoadOptions{DefaultRegion: "us-east-1", Kinds: []setting.Kind{e.kind}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.apply(t, spec.Connectors, diff.Gates{})
	var text, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	goldentest.Check(t, "testdata/apply.txt", text.Bytes())
	goldentest.Check(t, "testdata/apply.json", js.Bytes())
}
