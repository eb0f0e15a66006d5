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

// realMain turns SIGINT and SIGTERM into cancellation and runs the command
// line. The tests run it in-process through testscript.
func realMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Main(ctx, os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv})
}
