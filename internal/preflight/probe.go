package preflight

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// RFC 3261 timers for a non-INVITE request over UDP: retransmit after T1,
// doubling, capped at T2.
const (
	t1 = 500 * time.Millisecond
	t2 = 4 * time.Second
)

// Failure reasons, shown after "preflight FAILED: ".
var (
	errRefused = errors.New("connection refused")
	errReset   = errors.New("connection reset by the peer")
	errTimeout = errors.New("no answer")
)

// prober sends one OPTIONS request to one address of a route.
type prober struct {
	proto    string      // "udp" or "tcp"
	host     string      // the route's host, written in the request
	port     int         // the route's port
	addr     string      // the address dialled, ip:port
	deadline time.Time   // for the answer
	tls      *tls.Config // when set, speak TLS over TCP
}

// probe sends OPTIONS and waits for a response until p.deadline.
func (p prober) probe(ctx context.Context) (*Response, error) {
	ctx, cancel := context.WithDeadline(ctx, p.deadline)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, p.proto, p.addr)
	if err != nil {
		return nil, classify(err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	switch {
	case p.proto == "udp":
		return probeUDP(ctx, conn, newRequest(p.host, p.port, "udp", conn.LocalAddr()), p.deadline)
	case p.tls != nil:
		tc, err := p.handshake(ctx, conn)
		if err != nil {
			return nil, err
		}
		return probeTCP(tc, newRequest(p.host, p.port, "tls", conn.LocalAddr()), p.deadline)
	}
	return probeTCP(conn, newRequest(p.host, p.port, "tcp", conn.LocalAddr()), p.deadline)
}

func probeUDP(ctx context.Context, conn net.Conn, req request, deadline time.Time) (*Response, error) {
	buf := make([]byte, 65535)
	wait := t1
	for {
		if _, err := conn.Write(req.raw); err != nil {
			return nil, classify(err)
		}
		next := time.Now().Add(wait)
		if next.After(deadline) {
			next = deadline
		}
		for {
			_ = conn.SetReadDeadline(next)
			n, err := conn.Read(buf)
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil && time.Now().Before(deadline) {
					break // retransmit
				}
				return nil, classify(err)
			}
			r, err := ParseResponse(buf[:n])
			if errors.Is(err, errShort) {
				err = fmt.Errorf("%w: truncated datagram", ErrNotSIP)
			}
			if err != nil {
				return nil, err
			}
			if id, ok := r.Header["call-id"]; ok && id != req.callID {
				continue // a stray response to someone else
			}
			return r, nil
		}
		wait = min(2*wait, t2)
	}
}

func probeTCP(conn net.Conn, req request, deadline time.Time) (*Response, error) {
	_ = conn.SetDeadline(deadline)
	if _, err := conn.Write(req.raw); err != nil {
		return nil, classify(err)
	}
	var data []byte
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		data = append(data, buf[:n]...)
		r, perr := ParseResponse(data)
		if !errors.Is(perr, errShort) {
			return r, perr
		}
		if errors.Is(err, io.EOF) {
			if len(data) == 0 {
				return nil, errors.New("connection closed without an answer")
			}
			return nil, fmt.Errorf("%w: connection closed mid-message", ErrNotSIP)
		}
		if err != nil {
			return nil, classify(err)
		}
	}
}

// classify maps network errors to the reasons operators read.
func classify(err error) error {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return errRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return errReset
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return errTimeout
	case refused(err) != nil:
		return refused(err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errTimeout
	}
	return err
}
