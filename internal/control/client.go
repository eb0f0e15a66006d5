package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/sipops/reconciler/internal/suspension"
)

// Errors of Do that say why the daemon could not be asked; they wrap the
// system's error.
var (
	ErrNotRunning = errors.New("is the daemon running?")
	ErrPermission = errors.New("permission denied")
)

// DaemonError is a request the daemon refused; nothing of it was done.
type DaemonError struct {
	Message string
	Unknown []string // keys the daemon does not manage, if that is why
}

func (e *DaemonError) Error() string { return e.Message }

// clientTimeout bounds a request. The daemon answers at once, a pass in
// progress does not delay it, but a suspend waits for the writes in flight
// of its connectors, up to suspension.Wait.
const clientTimeout = suspension.Wait + 30*time.Second

// Do sends req (its version set here) to the daemon at the socket path and
// returns the answer.
func Do(ctx context.Context, path string, req Request) (*Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, clientTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, dialError(path, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	req.Version = Version
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if _, err := c.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("send to the control socket %s: %w", path, err)
	}
	line, err := bufio.NewReader(c).ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("read the answer on the control socket %s: %w", path, err)
	}
	var resp Reply
	if err := json.Unmarshal(line, &resp); err != nil {
		return nil, fmt.Errorf("the answer on the control socket %s is not JSON: %w", path, err)
	}
	switch {
	case resp.Error != "":
		return &resp, &DaemonError{Message: resp.Error, Unknown: resp.Unknown}
	case resp.Version != Version:
		return &resp, fmt.Errorf("the daemon speaks protocol version %d, this command %d: use the reconciler binary of the daemon's version", resp.Version, Version)
	}
	return &resp, nil
}

// dialError says what an operator can do about a failed connect.
func dialError(path string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("%w no control socket at %s", ErrNotRunning, path)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w nothing answers on the control socket %s (left by a daemon that stopped?)", ErrNotRunning, path)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return fmt.Errorf("%w on the control socket %s: only the daemon's user and root may use it; run the command with sudo", ErrPermission, path)
	}
	return fmt.Errorf("connect to the control socket %s: %w", path, err)
}
