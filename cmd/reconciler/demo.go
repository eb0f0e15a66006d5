package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sipops/reconciler/examples"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/httpapi"
	"github.com/sipops/reconciler/internal/httpserve"
	"github.com/sipops/reconciler/internal/origination"
)

// demoConnectors are the simulated connectors the example specs name, with
// what they hold before the demo starts, plus one the specs do not name.
var demoConnectors = []struct {
	id, name, region string
	encrypted        bool
	before           *origination.Origination
}{
	{"abcdef1ghij2klmno3pqr4", "sbc-east", "us-east-1", false, &origination.Origination{Routes: []origination.Route{
		{Host: "sbc1.east.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 70},
		{Host: "sbc2.east.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 30},
		{Host: "old-sbc.east.example.com", Port: 5060, Protocol: "UDP", Priority: 2, Weight: 100}}}},
	{"", "pbx-hq", "us-east-1", true, nil},
	{"lab0connector0000000a1", "lab", "us-east-1", false, &origination.Origination{Routes: []origination.Route{
		{Host: "kamailio.lab.example.com", Port: 5060, Protocol: "UDP", Priority: 1, Weight: 50}}, Disabled: true}},
	{"lond0n1sbc2connector34", "sbc-london", "eu-west-2", false, nil},
	{"", "fax-gateway", "us-east-1", false, &origination.Origination{Routes: []origination.Route{
		{Host: "fax.example.com", Port: 5060, Protocol: "TCP", Priority: 1, Weight: 100}}}},
}

func runDemo(ctx context.Context, std Stdio, args []string) int {
	var f runFlags
	var every time.Duration
	// The daemon's defaults for every flag the demo does not offer.
	f.register(flag.NewFlagSet("", flag.ContinueOnError))
	// Nothing leaves this machine: no SIP OPTIONS to the example hosts.
	f.plan.pre.mode = "off"
	fs := newFlags(std, "demo", "[flags]",
		"Run the daemon on the example specs against an embedded simulator of the Chime SDK Voice API,\nand inject a small drift every minute for it to revert. Nothing leaves this machine.")
	fs.StringVar(&f.plan.spec.source, "source", "examples/specs", "spec `DIR`ectory; the copy built into the binary when it does not exist")
	fs.StringVar(&f.listen, "listen", httpapi.DefaultAddr, "`ADDR`ess of the status page, /metrics and /status")
	fs.DurationVar(&f.driftInterval, "drift-interval", 15*time.Second, "how often the daemon sweeps for drift")
	fs.DurationVar(&every, "inject-every", time.Minute, "how often the demo injects drift")
	if err := parse(fs, args, std); err != nil {
		return usageExit(fs, err, exitUsage)
	}
	if err := demo(ctx, std, &f, every); err != nil {
		fmt.Fprintf(std.Err, "demo: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func demo(ctx context.Context, std Stdio, f *runFlags, every time.Duration) error {
	dir, cleanup, err := demoSpecs(f.plan.spec.source)
	if err != nil {
		return err
	}
	defer cleanup()
	s, ln, err := demoSim()
	if err != nil {
		return err
	}
	// The simulator serves until the daemon returns; if it fails first, the
	// daemon stops too and the demo exits with the simulator's error.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	simDone := make(chan struct{})
	go func() {
		defer close(simDone)
		srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
		if err := httpserve.Serve(ctx, srv, ln, time.Second); err != nil {
			cancel(fmt.Errorf("simulator: %w", err))
		}
	}()
	defer func() { cancel(nil); <-simDone }()
	url := "http://" + ln.Addr().String()
	f.plan.spec.source, f.plan.spec.region, f.plan.api.endpoint = dir, "us-east-1", url
	f.plan.log.format, f.drift, f.plan.api.apiRate = "text", "correct", 20
	f.plan.api.configOptions = []func(*config.LoadOptions) error{
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("DEMO", "demo-not-a-secret", "")),
	}
	p, err := makePlan(ctx, std, &f.plan)
	if err != nil {
		return err
	}
	// A state directory of its own: the demo's suspensions and control
	// socket must not meet those of a daemon of the same user.
	if f.stateDir, err = os.MkdirTemp("", "reconciler-demo-"); err != nil {
		return err
	}
	defer os.RemoveAll(f.stateDir)
	ctl := f.control.daemonPath(std.Getenv, f.stateDir)
	fmt.Fprintf(std.Out, "reconciler demo: the daemon on %s against a simulated Chime SDK Voice API at %s\n\n", dir, url)
	fmt.Fprintln(std.Out, "The plan the daemon is about to apply:")
	if err := p.show(std, "text"); err != nil {
		return err
	}
	f.onListen = func(addr string) {
		fmt.Fprintf(std.Out, `
The daemon is running. Look at:

  status page   http://%s/
  metrics       http://%s/metrics
  status JSON   http://%s/status

Every %s the demo changes a route's weight behind the daemon's back; the
daemon reverts it within %s. Edit the files in %s to see a new revision
applied. Break glass as in an incident, and the drift stays:

  reconciler suspend --control-socket %s sbc-east --reason INC-1
  reconciler status --control-socket %s
  reconciler resume --control-socket %s sbc-east

Stop with Ctrl-C.

`, addr, addr, addr, every, f.driftInterval, dir, ctl, ctl, ctl)
	}
	go injectDrift(ctx, std, s, every)
	err = runDaemon(ctx, std, f)
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}

// demoSpecs returns the spec directory: dir if it exists, else a temporary
// copy of the specs built into the binary.
func demoSpecs(dir string) (string, func(), error) {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir, func() {}, nil
	}
	sub, err := fs.Sub(examples.Specs, "specs")
	if err != nil {
		return "", nil, fmt.Errorf("find the example specs in the binary: %w", err)
	}
	tmp, err := os.MkdirTemp("", "reconciler-demo-")
	if err != nil {
		return "", nil, fmt.Errorf("create a directory for the example specs: %w", err)
	}
	// A copy left behind in the temporary directory harms nothing, and the
	// demo has no better place to report it than the error it returns.
	cleanup := func() { _ = os.RemoveAll(tmp) }
	if err := os.CopyFS(tmp, sub); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("write the example specs: %w", err)
	}
	return tmp, cleanup, nil
}

// demoSim returns a simulator holding the connectors of the examples, and a
// loopback listener to serve it on.
func demoSim() (*sim.Service, net.Listener, error) {
	s, err := sim.New(sim.Config{Latency: 20 * time.Millisecond})
	if err != nil {
		return nil, nil, err
	}
	for _, c := range demoConnectors {
		id := c.id
		var vc sim.StoredConnector
		if id == "" {
			vc, err = s.CreateConnector(c.name, c.region, c.encrypted)
		} else {
			vc, err = s.CreateConnectorWithID(id, c.name, c.region, c.encrypted)
		}
		if err == nil && c.before != nil {
			err = s.SetOrigination(vc.ID, c.before)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	return s, l, nil
}

// injectDrift changes one weight of a random managed connector every
// interval, as a colleague in the console would.
func injectDrift(ctx context.Context, std Stdio, s *sim.Service, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c := demoConnectors[rand.IntN(len(demoConnectors)-1)] // never the unmanaged fax-gateway
		id := c.id
		for _, vc := range s.Connectors(c.region) {
			if vc.Name == c.name && id == "" {
				id = vc.ID
			}
		}
		o, err := s.Origination(id)
		if err != nil || o == nil || len(o.Routes) == 0 {
			continue
		}
		before := o.Routes[0].Weight
		o.Routes[0].Weight = 1 + (before+36)%100
		if err := s.SetOrigination(id, o); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(std.Err, "demo: inject drift: %v\n", err)
			continue
		}
		fmt.Fprintf(std.Out, "demo: drift injected on %s: %s weight %d → %d; watch the daemon revert it\n",
			c.name, o.Routes[0].Key(), before, o.Routes[0].Weight)
	}
}
