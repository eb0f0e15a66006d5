package main

import (
	"context"
	"fmt"
)

func runValidate(_ context.Context, std Stdio, _ []string) int {
	fmt.Fprintln(std.Err, "validate: not implemented yet")
	return exitFailure
}
