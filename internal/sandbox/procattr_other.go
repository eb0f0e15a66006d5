//go:build !linux

package sandbox

import "os/exec"

// run runs cmd. Without a parent-death signal, the daemon kills the child
// itself when it stops.
func run(cmd *exec.Cmd) error { return cmd.Run() }
