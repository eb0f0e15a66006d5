package main

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = ""
	commit  = ""
	date    = ""
)

func runVersion(_ context.Context, std Stdio, _ []string) int {
	v, c, d := version, commit, date
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.time" && d == "":
				d = s.Value
			}
		}
	}
	fmt.Fprintf(std.Out, "reconciler %s (commit %s, built %s)\n", cmp.Or(v, "(devel)"), cmp.Or(c, "unknown"), cmp.Or(d, "unknown"))
	return exitOK
}
