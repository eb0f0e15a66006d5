package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/goldentest"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// statusVolatile are the values of /status that differ from run to run,
// and what the golden files hold instead.
var statusVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"`), `"<time>"`},
	{regexp.MustCompile(`"age": "[^"]*"`), `"age": "<age>"`},
}

// statusJSON renders o as /status serves it (httpapi: indented JSON) with
// the volatile values replaced.
func statusJSON(t *testing.T, o Overview) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(o); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	for _, v := range statusVolatile {
		out = v.re.ReplaceAll(out, []byte(v.with))
	}
	return out
}

// TestStatusContract pins /status, the JSON document that operators'
// tools read, with every part of it in use: a connector in sync, one that
// failed for a permanent reason, one suspended whose live state differs
// from the spec, the change log with writes and a suspension, and then
// leader election. It is made by a real loop against the simulator, so a
// renamed JSON field, or one the loop stops filling in, fails here.
// Rewrite with go test -run TestStatusContract -update, and review the
// change as a change of a published interface.
func TestStatusContract(t *testing.T) {
	t.Run("alone", func(t *testing.T) {
		d := contractDaemon(t, Options{Source: "git https://git.example.com/voice.git@main"})
		d.send(t, "rev1", contractSpec, "")
		d.waitPass(t)
		if _, err := d.loop.Suspend([]string{"sbc-west"}, false, "INC-4242", alice); err != nil {
			t.Fatal(err)
		}
		if err := d.w.Sim.SetOrigination("westwestwestwestwest01", drDrift); err != nil {
			t.Fatal(err)
		}
		d.reload <- Reload{}
		d.waitPass(t)
		d.loop.SourceFetched(errors.New("git fetch: connection refused"))
		d.send(t, "rev2", []schema.File{{Path: "spec.cue", Data: []byte("package p\nvoiceConnectors: x: {id: \"nope\"}\n")}}, "")
		d.waitFor(t, "rev2 rejected", func(o Overview) bool { return len(o.Invalid) > 0 })
		o := d.loop.Overview()
		goldentest.Check(t, "testdata/status.json", statusJSON(t, o))
		checkParse(t, d.kind, o)
	})
	t.Run("leader election", func(t *testing.T) {
		e := newFakeElection()
		d := contractDaemon(t, Options{Source: "dir /srv/specs", Election: e})
		d.send(t, "rev1", contractSpec, "")
		d.waitPass(t)
		e.elect()
		d.waitPass(t)
		// rev2 removes the origination that takes sbc-east's calls: held.
		rev2 := regexp.MustCompile(`"sbc-east": \{id: "(\w+)", .*\n`).ReplaceAll(contractSpec[0].Data, []byte(`"sbc-east": {id: "$1", origination: absent: true}`+"\n"))
		d.send(t, "rev2", []schema.File{{Path: "spec.cue", Data: rev2}}, "")
		d.waitFor(t, "rev2 held", func(o Overview) bool { return len(o.Held) > 0 })
		o := d.loop.Overview()
		goldentest.Check(t, "testdata/status-election.json", statusJSON(t, o))
		checkParse(t, d.kind, o)
	})
}

// checkParse reads o's document back with ParseOverview: what it reads
// renders the same document, so "reconciler status" shows what /status
// says; and a reader that does not know a setting the document has says
// so rather than dropping it.
func checkParse(t *testing.T, kind setting.Kind, o Overview) {
	t.Helper()
	doc, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseOverview(doc, []setting.Kind{kind})
	if err != nil {
		t.Fatalf("ParseOverview: %v", err)
	}
	again, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, doc) {
		t.Errorf("ParseOverview then marshal: got\n%s\nwant\n%s", again, doc)
	}
	if _, err := ParseOverview(doc, nil); err == nil || !strings.Contains(err.Error(), `setting "origination" is not one this reconciler knows`) {
		t.Errorf("ParseOverview without the origination kind: got %v, want the unknown setting named", err)
	}
}

// contractSpec names two connectors of the simulator and one that does
// not exist.
var contractSpec = []schema.File{{Path: "spec.cue", Data: []byte(`package p
voiceConnectors: "sbc-east": {id: "easteasteasteasteast01", origination: routes: [{host: "sbc1.example.com", protocol: "UDP", priority: 1, weight: 50}, {host: "sbc2.example.com", port: 5061, protocol: "TCP", priority: 2, weight: 50}]}
voiceConnectors: "sbc-west": {id: "westwestwestwestwest01", origination: disabled: true}
voiceConnectors: "pbx": {name: "pbx-hq", origination: absent: true}
voiceConnectors: "gone": {id: "gonegonegonegonegone01", origination: routes: [{host: "sbc9.example.com", protocol: "UDP", priority: 1, weight: 1}]}
`)}}

// contractDaemon is a loop against a simulator holding sbc-east and
// sbc-west with ids that do not change from run to run.
func contractDaemon(t *testing.T, opts Options) *daemon {
	t.Helper()
	e := newEnv(t, sim.Config{}, chime.ClientOptions{MaxAttempts: 1})
	for _, c := range []struct{ id, name string }{{"easteasteasteasteast01", "sbc-east"}, {"westwestwestwestwest01", "sbc-west"}, {"pbxhqpbxhqpbxhqpbxhq01", "pbx-hq"}} {
		if _, err := e.w.Sim.CreateConnectorWithID(c.id, c.name, "us-east-1", false); err != nil {
			t.Fatal(err)
		}
	}
	return runDaemon(t, e, opts)
}
