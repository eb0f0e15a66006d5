package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/reconcile"
)

// awsFlags are the flags of every command that calls the Chime SDK Voice API.
type awsFlags struct {
	endpoint    string
	apiRate     float64
	apiBurst    int
	maxAttempts int
	concurrency int
	logLevel    string
	logFormat   string

	// configOptions are given to the SDK's configuration loader; the demo
	// sets static credentials for its embedded simulator.
	configOptions []func(*config.LoadOptions) error
	// level is the logger's level; a reload may change it.
	level slog.LevelVar
}

func (a *awsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.endpoint, "endpoint", "", "Chime SDK Voice API `URL` (default: the SDK's, honouring AWS_ENDPOINT_URL_CHIME_SDK_VOICE and AWS_ENDPOINT_URL)")
	fs.Float64Var(&a.apiRate, "api-rate", 20, "client-side API `requests/s` per region, retries included; 0 for no limit")
	fs.IntVar(&a.apiBurst, "api-burst", 5, "client-side API burst per region")
	fs.IntVar(&a.maxAttempts, "max-attempts", chime.DefaultMaxAttempts, "attempts per API call, retries of throttling and 5xx included")
	fs.IntVar(&a.concurrency, "concurrency", reconcile.DefaultConcurrency, "connectors read or written at once")
	fs.StringVar(&a.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn or error")
	fs.StringVar(&a.logFormat, "log-format", "auto", "log `FORMAT`: text, json, or auto (text on a terminal, else json)")
}

func (a *awsFlags) check() string {
	switch {
	case a.apiRate < 0:
		return "--api-rate must not be negative"
	case a.apiBurst < 1:
		return "--api-burst must be at least 1"
	case a.maxAttempts < 1:
		return "--max-attempts must be at least 1"
	case a.concurrency < 1:
		return "--concurrency must be at least 1"
	case a.logFormat != "auto" && a.logFormat != "text" && a.logFormat != "json":
		return fmt.Sprintf("--log-format %q: want text, json or auto", a.logFormat)
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(a.logLevel)); err != nil {
		return fmt.Sprintf("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	return ""
}

// logger writes to std.Err: text on a terminal, JSON otherwise.
func (a *awsFlags) logger(std Stdio) *slog.Logger {
	a.level.UnmarshalText([]byte(a.logLevel)) // checked by check
	opts := &slog.HandlerOptions{Level: &a.level}
	if a.logFormat == "json" || a.logFormat == "auto" && !isTerminal(std.Err) {
		return slog.New(slog.NewJSONHandler(std.Err, opts))
	}
	return slog.New(slog.NewTextHandler(std.Err, opts))
}

// client returns the Chime port, configured from the SDK's standard chain
// and the flags. region is the default region ("" = the AWS config's).
func (a *awsFlags) client(ctx context.Context, region string, log *slog.Logger, obs chime.Observer) (*chime.Client, error) {
	return chime.New(ctx, chime.ClientOptions{
		Endpoint: a.endpoint, Region: region, APIRate: a.apiRate, APIBurst: a.apiBurst,
		MaxAttempts: a.maxAttempts, MaxBackoff: 20 * time.Second, Observer: obs, Logger: log,
		ConfigOptions: a.configOptions,
	})
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colorOn reports whether plans written to w get colour: only on a
// terminal, and never with NO_COLOR set (https://no-color.org).
func colorOn(std Stdio, w any) bool {
	return isTerminal(w) && std.Getenv("NO_COLOR") == "" && std.Getenv("TERM") != "dumb"
}
