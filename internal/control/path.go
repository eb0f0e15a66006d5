package control

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SystemdRuntimeDir is the runtime directory of the shipped units
// (RuntimeDirectory=reconciler): where the commands look for the socket of
// a daemon started by systemd, whose $RUNTIME_DIRECTORY they do not see.
const SystemdRuntimeDir = "/run/reconciler"

// DaemonPath is where a daemon listens: flag (--control-socket) when
// given, else in systemd's runtime directory ($RUNTIME_DIRECTORY), else in
// the state directory stateDir.
func DaemonPath(flag string, getenv func(string) string, stateDir string) string {
	if flag != "" {
		return flag
	}
	if rt := runtimeDir(getenv); rt != "" {
		return filepath.Join(rt, SocketName)
	}
	return filepath.Join(stateDir, SocketName)
}

// runtimeDir is the first directory of $RUNTIME_DIRECTORY (systemd lists
// one per RuntimeDirectory=, separated by colons).
func runtimeDir(getenv func(string) string) string {
	dir, _, _ := strings.Cut(getenv("RUNTIME_DIRECTORY"), ":")
	return dir
}

// ErrManySockets is several daemons of reconciler@.service on one host,
// when a command must find the one it talks to.
var ErrManySockets = errors.New("several daemons run on this host")

// ClientPath is the socket a command (suspend, resume, status) uses: flag
// (--control-socket) when given, else the daemon's default as the command
// can work it out. A command run outside systemd (an operator's sudo) has
// no $RUNTIME_DIRECTORY, so it also looks where the shipped units put the
// socket, under systemdDir (SystemdRuntimeDir): in it, or for
// reconciler@.service in systemdDir/<instance> when only one instance
// runs; several are ErrManySockets. With no socket found, it is the one of
// the daemon's state directory, which stateDir works out.
func ClientPath(flag string, getenv func(string) string, systemdDir string, stateDir func() (string, error)) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if rt := runtimeDir(getenv); rt != "" {
		return filepath.Join(rt, SocketName), nil
	}
	unit := filepath.Join(systemdDir, SocketName)
	if _, err := os.Lstat(unit); err == nil {
		return unit, nil
	}
	instances, _ := filepath.Glob(filepath.Join(systemdDir, "*", SocketName))
	switch len(instances) {
	case 0:
	case 1:
		return instances[0], nil
	default:
		return "", fmt.Errorf("%w (%s): pick one with --control-socket", ErrManySockets, strings.Join(instances, ", "))
	}
	state, err := stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(state, SocketName), nil
}
