package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/httpserve"
)

// simConfig is what `reconciler sim` was asked to do.
type simConfig struct {
	listen     string
	region     string
	connectors int
	idsFile    string
	logLevel   slog.Level
	creds      string // --credentials, parsed by validate into opts.Credentials
	opts       sim.Config
}

func (c *simConfig) validate() error {
	switch {
	case c.connectors < 0:
		return fmt.Errorf("--connectors %d must not be negative", c.connectors)
	case !slices.Contains(sim.Regions(), c.region):
		return fmt.Errorf("--region %q is not a Voice Connector region (%s)", c.region, strings.Join(sim.Regions(), ", "))
	case c.opts.RouteQuota < 1 || c.opts.RouteQuota > sim.MaxRoutes:
		return fmt.Errorf("--route-quota %d out of range 1..%d", c.opts.RouteQuota, sim.MaxRoutes)
	}
	keys, err := parseCredentials(c.creds)
	if err != nil {
		return err
	}
	c.opts.Credentials = keys
	return c.opts.Validate() // the simulator's own checks of --rate, --latency, --fault-rate, ...
}

// parseCredentials reads AKID:SECRET[,AKID2:SECRET2]; "" is none. Errors
// name the entry by position, never its text: it holds a secret.
func parseCredentials(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	keys := map[string]string{}
	for i, entry := range strings.Split(s, ",") {
		id, secret, found := strings.Cut(strings.TrimSpace(entry), ":")
		switch _, dup := keys[id]; {
		case !found || id == "" || secret == "":
			return nil, fmt.Errorf("--credentials: entry %d is not ACCESS_KEY_ID:SECRET_ACCESS_KEY", i+1)
		case dup:
			return nil, fmt.Errorf("--credentials: access key %s is given twice", id)
		}
		keys[id] = secret
	}
	return keys, nil
}

// parseSimFlags returns the config; its errors are for usageExit on the
// flag set it returns.
func parseSimFlags(std Stdio, args []string) (simConfig, *flag.FlagSet, error) {
	var c simConfig
	fs := newFlags(std, "sim", "[flags]", "Serve a simulated Chime SDK Voice API on loopback; the first stdout line is its base URL.")
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "`address` to serve on; loopback by default, port 0 picks a free port")
	fs.StringVar(&c.region, "region", sim.DefaultRegion, "`region` of the pre-created connectors")
	fs.IntVar(&c.connectors, "connectors", 0, "pre-create `N` connectors named vc-0001... (kept if already in the state file)")
	fs.StringVar(&c.idsFile, "ids-file", "", "write the pre-created connector ids to `FILE` instead of stdout")
	fs.Float64Var(&c.opts.Rate, "rate", 0, "per-operation rate limit in `requests/s`; 0 = unlimited")
	fs.IntVar(&c.opts.Burst, "burst", 0, "token bucket `size`; 0 = max(1, rate)")
	fs.DurationVar(&c.opts.Latency, "latency", 0, "`duration` added to every call")
	fs.DurationVar(&c.opts.LatencyJitter, "latency-jitter", 0, "uniform extra latency up to `duration`")
	fs.Float64Var(&c.opts.SpikeRate, "spike-rate", 0, "`fraction` of calls delayed by --spike on top of the latency")
	fs.DurationVar(&c.opts.Spike, "spike", 2*time.Second, "extra `duration` of a call picked by --spike-rate")
	fs.Float64Var(&c.opts.FaultRate, "fault-rate", 0, "`fraction` of calls answered 500/503 without effect")
	fs.StringVar(&c.opts.StatePath, "state", "", "keep state in `FILE` (loaded at start, saved on every change)")
	fs.Int64Var(&c.opts.Seed, "seed", 0, "`seed` for injected faults and jitter")
	fs.StringVar(&c.creds, "credentials", "", "verify SigV4 signatures against `keys` AKID:SECRET[,AKID2:SECRET2]; unset: any SigV4-shaped Authorization is accepted")
	fs.IntVar(&c.opts.RouteQuota, "route-quota", sim.DefaultRouteQuota, "the account's origination routes per connector, `N` 1..20: a Put with more is refused")
	fs.TextVar(&c.opts.Unconfigured, "unconfigured", sim.UnconfiguredEmpty, "how Get and Delete answer for an origination or emergency calling configuration not set, `mode` empty (200 {}, 204) or notfound (404)")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "`level` of logs on stderr: debug (every request), info, warn, error")
	if err := parse(fs, args, std); err != nil {
		return c, fs, err
	}
	if err := c.validate(); err != nil {
		return c, fs, &usageError{msg: err.Error()}
	}
	return c, fs, nil
}

func runSim(ctx context.Context, std Stdio, args []string) int {
	cfg, fs, err := parseSimFlags(std, args)
	if err != nil {
		return usageExit(fs, err, exitUsage)
	}
	log := slog.New(slog.NewTextHandler(std.Err, &slog.HandlerOptions{Level: cfg.logLevel})).With("component", "sim")
	cfg.opts.Logger = log
	if err := serveSim(ctx, std.Out, log, cfg); err != nil {
		log.Error("simulator stopped", "err", err)
		return exitFailure
	}
	return exitOK
}

// shutdownTimeout bounds how long in-flight calls may take after a signal.
const shutdownTimeout = 5 * time.Second

// serveSim runs the simulator until ctx is cancelled. The base URL is the
// first line on out, followed by the pre-created ids unless --ids-file.
func serveSim(ctx context.Context, out io.Writer, log *slog.Logger, cfg simConfig) error {
	srv, err := sim.New(cfg.opts)
	if err != nil {
		return err
	}
	ids, err := precreate(srv, cfg.region, cfg.connectors)
	if err != nil {
		return err
	}
	if cfg.idsFile != "" {
		if err := os.WriteFile(cfg.idsFile, []byte(lines(ids)), 0o644); err != nil {
			return fmt.Errorf("write ids: %w", err)
		}
		ids = nil
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	url := "http://" + ln.Addr().String()
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() && cfg.opts.Credentials == nil {
		log.Warn("simulator reachable beyond loopback; it checks no signatures", "addr", a.String())
	}
	if _, err := fmt.Fprint(out, lines(append([]string{url}, ids...))); err != nil {
		return fmt.Errorf("write the base URL: %w", err) // callers read it to find the simulator
	}
	log.Info("serving simulated Chime SDK Voice API", "url", url, "connectors", len(srv.Connectors("")), "state", cfg.opts.StatePath,
		"verify_signatures", cfg.opts.Credentials != nil, "route_quota", cfg.opts.RouteQuota, "unconfigured", cfg.opts.Unconfigured)
	if err := serve(ctx, ln, srv, cfg.opts); err != nil {
		return err
	}
	log.Info("simulator shut down", "connectors", len(srv.Connectors("")))
	return nil
}

func serve(ctx context.Context, ln net.Listener, h http.Handler, o sim.Config) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30*time.Second + o.Latency + o.LatencyJitter + o.Spike,
		IdleTimeout:       2 * time.Minute,
	}
	return httpserve.Serve(ctx, hs, ln, shutdownTimeout)
}

// precreate makes sure connectors vc-0001..vc-N exist in region, reusing
// those a state file already holds, and returns their ids in name order.
func precreate(srv *sim.Service, region string, n int) ([]string, error) {
	byName := map[string]string{}
	for _, c := range srv.Connectors(region) {
		byName[c.Name] = c.ID
	}
	ids := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("vc-%04d", i)
		if id, ok := byName[name]; ok {
			ids = append(ids, id)
			continue
		}
		c, err := srv.CreateConnector(name, region, false)
		if err != nil {
			return nil, fmt.Errorf("pre-create connectors: %w", err)
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

func lines(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.Join(s, "\n") + "\n"
}
