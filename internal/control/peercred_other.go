//go:build !linux

package control

import (
	"errors"
	"net"
)

// peerUID is known only on Linux, where the daemon runs.
func peerUID(*net.UnixConn) (uint32, error) {
	return 0, errors.New("peer credentials of a Unix socket are read only on Linux")
}
