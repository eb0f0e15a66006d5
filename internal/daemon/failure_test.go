package daemon

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
)

// ghost is a spec file naming a connector the simulator does not have
// (yet): by name, or by id.
func ghost(key, by string) schema.File {
	return schema.File{Path: key + ".cue", Data: fmt.Appendf(nil, "package p\nvoiceConnectors: %q: {%s, origination: routes: [{host: \"sbc9.example.com\", protocol: \"UDP\", priority: 1, weight: 1}]}\n", key, by)}
}

// bigRoutes is a spec file giving the connector id twelve routes: over the
// simulator's default route quota of ten.
func bigRoutes(id string) schema.File {
	var routes []string
	for i := range 12 {
		routes = append(routes, fmt.Sprintf(`{host: "sbc%02d.example.com", protocol: "UDP", priority: 1, weight: 1}`, i))
	}
	return schema.File{Path: "big.cue", Data: fmt.Appendf(nil, "package p\nvoiceConnectors: big: {id: %q, origination: routes: [%s]}\n", id, strings.Join(routes, ", "))}
}

// TestErrorClassSchedules: a connector failing for a transient reason is
// retried on the backoff; one failing for a permanent reason shows failed
// with the reason and waits PermanentRetryInterval.
func TestErrorClassSchedules(t *testing.T) {
	const base = time.Minute
	withSpec := func(extra ...func(d *daemon) schema.File) func(d *daemon) []schema.File {
		return func(d *daemon) []schema.File {
			files := d.specOf(d.ids[:1])
			for _, f := range extra {
				files = append(files, f(d))
			}
			return files
		}
	}
	tests := []struct {
		name      string
		sim       sim.Config
		faults    float64
		files     func(d *daemon) []schema.File
		key       string // the connector that fails
		wantClass reconcile.ErrorClass
		wantErr   string
	}{
		{"5xx", sim.Config{}, 1, withSpec(), "vc-0000", reconcile.ClassTransient, "injected fault"},
		{"a name that matches nothing", sim.Config{}, 0, withSpec(func(*daemon) schema.File { return ghost("ghost", `name: "nope"`) }),
			"ghost", reconcile.ClassPermanent, `no voice connector is named "nope" in us-east-1`},
		{"a connector that does not exist", sim.Config{}, 0, withSpec(func(*daemon) schema.File { return ghost("ghost", `id: "zzzzzz1ghij2klmno3pqr9"`) }),
			"ghost", reconcile.ClassPermanent, "NotFoundException"},
		{"the route quota", sim.Config{}, 0, withSpec(func(d *daemon) schema.File { return bigRoutes(d.ids[1]) }),
			"big", reconcile.ClassPermanent, "the service refused 12 routes"},
		{"credentials refused", sim.Config{Credentials: map[string]string{"AKIDTEST": "another secret"}}, 0, withSpec(),
			"vc-0000", reconcile.ClassPermanent, "AWS refused the credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.sim, chime.ClientOptions{MaxAttempts: 1})
			e.setKind(t, origination.Options{MaxRoutes: 20}) // the spec passes, the service refuses
			d := startDaemonOn(t, e, 2, Options{RetryBase: base})
			e.w.Sim.SetFaults(tt.faults)
			before := time.Now()
			d.send(t, "rev1", tt.files(d), "")
			o := d.waitPass(t)
			cs := connectorOf(t, o, tt.key)
			if cs.State != StateFailed || cs.ErrorClass != tt.wantClass || !strings.Contains(cs.Error, tt.wantErr) {
				t.Fatalf("got %s %s %q, want failed %s containing %q", cs.State, cs.ErrorClass, cs.Error, tt.wantClass, tt.wantErr)
			}
			lo, hi := before.Add(base*8/10), time.Now().Add(base*12/10) // the backoff's jitter: ±20%
			if tt.wantClass == reconcile.ClassPermanent {
				lo, hi = before.Add(PermanentRetryInterval*9/10), time.Now().Add(PermanentRetryInterval*11/10)
			}
			if cs.NextRetry == nil || cs.NextRetry.Before(lo) || cs.NextRetry.After(hi) {
				t.Errorf("next retry in %v, want between %v and %v", until(cs.NextRetry, before), lo.Sub(before), hi.Sub(before))
			}
		})
	}
}

func until(t *time.Time, from time.Time) any {
	if t == nil {
		return "never"
	}
	return t.Sub(from).Round(time.Second)
}

func connectorOf(t *testing.T, o Overview, key string) ConnectorStatus {
	t.Helper()
	for _, cs := range o.Connectors {
		if cs.Key == key {
			return cs
		}
	}
	t.Fatalf("no connector %s in %+v", key, o.Connectors)
	return ConnectorStatus{}
}

// TestPermanentFailureRetriedOnRevisionAndReload: a connector that failed
// for a permanent reason is not retried on the transient schedule, however
// short; the next revision accepted retries it at once, whatever it
// changes, and so does a reload.
func TestPermanentFailureRetriedOnRevisionAndReload(t *testing.T) {
	for _, trigger := range []string{"revision", "reload"} {
		t.Run(trigger, func(t *testing.T) {
			d := startDaemon(t, 1, sim.Config{}, Options{RetryBase: 20 * time.Millisecond})
			files := append(d.spec(nil), ghost("late", `name: "late-0000"`))
			d.send(t, "rev1", files, "")
			o := d.waitPass(t)
			if cs := connectorOf(t, o, "late"); cs.ErrorClass != reconcile.ClassPermanent {
				t.Fatalf("got %s %s %q, want failed permanent", cs.State, cs.ErrorClass, cs.Error)
			}
			d.calls()
			time.Sleep(500 * time.Millisecond) // 25 backoffs of a transient failure
			if got := d.calls(); len(got) != 0 {
				t.Errorf("calls after a permanent failure: %v, want none", got)
			}
			d.w.Connectors(t, "us-east-1", "late", 1) // the operator creates it
			if trigger == "revision" {
				d.send(t, "rev2", files, "") // the same spec: nothing changed
			} else {
				d.reload <- Reload{}
			}
			deadline := time.Now().Add(10 * time.Second)
			for connectorOf(t, o, "late").State != StateInSync {
				if time.Now().After(deadline) {
					t.Fatalf("late not retried after the %s: %+v", trigger, connectorOf(t, o, "late"))
				}
				o = d.waitPass(t)
			}
		})
	}
}

// specOf is the spec of daemon.spec for the connectors ids only.
func (d *daemon) specOf(ids []string) []schema.File {
	all := d.ids
	defer func() { d.ids = all }()
	d.ids = ids
	return d.spec(nil)
}
