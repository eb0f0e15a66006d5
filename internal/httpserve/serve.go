// Package httpserve runs an http.Server until its context ends, then shuts
// it down within a bound. The daemon's HTTP face, the simulator command and
// the demo's embedded simulator all stop this way: requests in flight
// finish, a request that never ends cannot hold the process, and a server
// that fails by itself (a port taken) is an error, not a silent stop.
//
// It is internal to the reconciler and has no compatibility promise.
package httpserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Serve serves srv on ln until ctx is done, then shuts it down: requests
// in flight get grace to finish, after which their connections are closed.
// It returns nil after a shutdown caused by ctx, the server's error if it
// stops by itself, and an error wrapping context.DeadlineExceeded when
// requests outlived grace.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		_ = srv.Close() // the requests that outlived grace
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), serr)
	}
	if err != nil {
		return fmt.Errorf("shut down http server after %s: %w", grace, err)
	}
	return nil
}
