package main

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/simtest"
)

// simCmd is the script command "sim", backed by a simulator in the test
// process, so that scripts can run plan and apply against it:
//
//	sim start N [MODE]   serve a simulator with N connectors named vc-0000...
//	                     in us-east-1 and point the AWS environment at it;
//	                     MODE (empty or notfound) is how it answers for a
//	                     connector without origination, by default the
//	                     script run's (TestScripts: empty, TestScriptsNotFound: notfound)
//	sim calls OP N       the simulator answered OP exactly N times since the last reset
//	sim reset            reset the call counts
//	sim set NAME ROUTES  set NAME's origination (host:port/PROTO:priority:weight,...), drift
//	sim want NAME TEXT   NAME's origination renders as TEXT (origination.String)
//	sim emergency NAME   give NAME an emergency calling configuration
func simCmd(ts *testscript.TestScript, neg bool, args []string) {
	st := ts.Value(simKey{}).(*simState)
	s, ids := st.server, st.ids
	{
		if len(args) == 0 {
			ts.Fatalf("usage: sim start|calls|reset|set|want ...")
		}
		if args[0] != "start" && s == nil {
			ts.Fatalf("sim %s: no simulator; run sim start first", args[0])
		}
		switch args[0] {
		case "start":
			st.server = scriptSim(ts, args, ids, st.unconfigured)
		case "reset":
			s.ResetStats()
		case "calls":
			n, _ := strconv.Atoi(args[2])
			got := s.Stats().Calls(args[1])
			if (got == int64(n)) == neg {
				ts.Fatalf("simulator answered %d %s calls, want %s%d", got, args[1], map[bool]string{true: "not ", false: ""}[neg], n)
			}
		case "set":
			o, err := parseRoutes(args[2])
			ts.Check(err)
			ts.Check(s.SetOrigination(ids[args[1]], o))
		case "emergency":
			ec := &sim.EmergencyCalling{DNIS: []sim.DNIS{{EmergencyPhoneNumber: "+15555550100", CallingCountry: "US"}}}
			ts.Check(s.SetEmergencyCalling(ids[args[1]], ec))
		case "want":
			o, err := s.Origination(ids[args[1]])
			ts.Check(err)
			if (o.String() == args[2]) == neg {
				ts.Fatalf("%s holds %q, want %q", args[1], o.String(), args[2])
			}
		default:
			ts.Fatalf("sim: unknown subcommand %q", args[0])
		}
	}
}

// simKey holds each script's *simState: scripts run in parallel.
type simKey struct{}

type simState struct {
	server       *sim.Service
	ids          map[string]string // connector id by name
	unconfigured sim.Unconfigured  // the default of sim start
}

func scriptSim(ts *testscript.TestScript, args []string, ids map[string]string, u sim.Unconfigured) *sim.Service {
	if len(args) > 2 {
		ts.Check(u.UnmarshalText([]byte(args[2])))
	}
	s, err := sim.New(sim.Config{Unconfigured: u})
	ts.Check(err)
	n := 1
	if len(args) > 1 {
		n, _ = strconv.Atoi(args[1])
	}
	for i := range n {
		c, err := s.CreateConnector(fmt.Sprintf("vc-%04d", i), "us-east-1", false)
		ts.Check(err)
		ids[c.Name] = c.ID
	}
	srv := httptest.NewServer(s)
	ts.Defer(srv.Close)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_CHIME_SDK_VOICE": srv.URL, "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
	} {
		ts.Setenv(k, v)
	}
	return s
}

// parseRoutes reads host:port/PROTO:priority:weight,... into an origination.
func parseRoutes(s string) (*origination.Origination, error) {
	o := &origination.Origination{}
	for _, part := range strings.Split(s, ",") {
		f := strings.FieldsFunc(part, func(r rune) bool { return r == ':' || r == '/' })
		if len(f) != 5 {
			return nil, fmt.Errorf("route %q is not host:port/PROTO:priority:weight", part)
		}
		var n [3]int
		for i, j := range []int{1, 3, 4} {
			var err error
			if n[i], err = strconv.Atoi(f[j]); err != nil {
				return nil, fmt.Errorf("route %q: %w", part, err)
			}
		}
		o.Routes = append(o.Routes, origination.Route{Host: f[0], Port: n[0], Protocol: f[2], Priority: n[1], Weight: n[2]})
	}
	return o, nil
}

func mustRoutes(t *testing.T, s string) *origination.Origination {
	t.Helper()
	o, err := parseRoutes(s)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// setOrigination sets the origination of the connector named name, as
// another writer (or drift) would.
func setOrigination(t *testing.T, w *simtest.World, name, routes string) {
	t.Helper()
	for _, c := range w.Sim.Connectors("") {
		if c.Name == name {
			if err := w.Sim.SetOrigination(c.ID, mustRoutes(t, routes)); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no connector %s", name)
}
