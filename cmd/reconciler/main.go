// Command reconciler keeps the origination settings of Amazon Chime SDK Voice
// Connectors equal to CUE specs kept in git or a local directory.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(realMain()) }

// realMain turns signals into a context and a reload channel, then runs the
// command line. It is the only place that handles signals. The tests run it
// in-process through testscript.
func realMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first SIGINT or SIGTERM, the default action is back: a second
	// one ends the process at once instead of waiting for writes in flight.
	context.AfterFunc(ctx, stop)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default: // one reload is already pending: bursts collapse
			}
		}
	}()
	return Main(ctx, os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv, Environ: os.Environ, Reload: reload})
}
