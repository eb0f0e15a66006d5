package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/sipops/reconciler/internal/daemon"
	"github.com/sipops/reconciler/internal/suspension"
)

// Suspender is what the server needs of the reconcile loop.
type Suspender interface {
	Suspend(keys []string, all bool, reason string, by suspension.Operator) (suspension.Result, error)
	Resume(keys []string, all bool, by suspension.Operator) (resumed []suspension.Suspension, notSuspended []string, err error)
	Overview() daemon.Overview
}

var _ Suspender = (*daemon.Loop)(nil)

// SocketName is the socket's file name in the runtime or state directory.
const SocketName = "control.sock"

// maxPathBytes is the longest path a Unix socket can have on Linux
// (sun_path holds 108 bytes with the terminating NUL).
const maxPathBytes = 107

// ioTimeout bounds the reading of a request and the writing of its answer;
// carrying it out takes at most suspension.Wait.
const ioTimeout = 10 * time.Second

// Log attribute keys.
const (
	attrPath    = "path"
	attrErr     = "err"
	attrCommand = "command"
	attrPeer    = "peer"
	attrUID     = "uid"
	attrKeys    = "connectors"
)

// SocketServer serves the control socket.
type SocketServer struct {
	path string
	loop Suspender
	log  *slog.Logger

	mu   sync.Mutex
	ln   *net.UnixListener
	made os.FileInfo // the socket file Listen made, so that Serve removes only it
}

// NewServer returns a server of the socket at path; it does not listen yet.
func NewServer(path string, loop Suspender, log *slog.Logger) *SocketServer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &SocketServer{path: path, loop: loop, log: log}
}

// Path is where the socket is.
func (s *SocketServer) Path() string { return s.path }

// Listen creates the socket, mode 0600. It is bound under a temporary
// name in a private directory, made 0600, then renamed into place, so that
// it is never reachable with a wider mode whatever the umask. A socket left
// by a daemon that died is replaced; one a live daemon answers on is an
// error. Calling it again after success does nothing.
func (s *SocketServer) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	if len(s.path) > maxPathBytes {
		return fmt.Errorf("control socket %s: the path is %d bytes, more than a Unix socket's %d: give a shorter --control-socket", s.path, len(s.path), maxPathBytes)
	}
	if err := checkFree(s.path); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(s.path), ".control-")
	if err != nil {
		return fmt.Errorf("control socket %s: %w", s.path, err)
	}
	defer os.RemoveAll(tmp)
	bound := filepath.Join(tmp, "s")
	if len(bound) > maxPathBytes {
		return fmt.Errorf("control socket %s: the path is too long for a Unix socket: give a shorter --control-socket", s.path)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: bound, Net: "unix"})
	if err != nil {
		return fmt.Errorf("control socket %s: %w", s.path, err)
	}
	ln.SetUnlinkOnClose(false)
	if err := place(bound, s.path); err != nil {
		ln.Close()
		return fmt.Errorf("control socket %s: %w", s.path, err)
	}
	s.made, _ = os.Lstat(s.path)
	s.ln = ln
	return nil
}

// place makes the socket at bound mode 0600 and moves it to path.
func place(bound, path string) error {
	if err := os.Chmod(bound, 0o600); err != nil {
		return err
	}
	return os.Rename(bound, path)
}

// checkFree fails if path holds anything but a socket nobody answers on.
func checkFree(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("control socket %s: %w", path, err)
	case fi.Mode().Type() != os.ModeSocket:
		return fmt.Errorf("control socket %s: the path exists and is not a socket", path)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return nil // left by a daemon that stopped: replaced
	}
	c.Close()
	return fmt.Errorf("control socket %s: another daemon answers on it: give each daemon its own --control-socket or --state-dir", path)
}

// Serve answers requests until ctx ends, then closes the socket, removes
// it, and waits for the requests in flight (each bounded by a timeout).
// It calls Listen first if the caller has not.
func (s *SocketServer) Serve(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.log.Info("control socket listening", attrPath, s.path)
	stop := context.AfterFunc(ctx, func() { s.ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer s.remove()
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("control socket %s: %w", s.path, err)
		}
		wg.Go(func() { s.handle(c) })
	}
}

// remove deletes the socket if it is still the one Listen made.
func (s *SocketServer) remove() {
	s.ln.Close()
	if fi, err := os.Lstat(s.path); err == nil && s.made != nil && os.SameFile(fi, s.made) {
		os.Remove(s.path)
	}
}

// handle answers the one request of c.
func (s *SocketServer) handle(c *net.UnixConn) {
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(ioTimeout))
	by, err := peer(c)
	if err != nil {
		s.log.Warn("control request refused: no peer credentials", attrErr, err)
		_ = c.SetWriteDeadline(time.Now().Add(ioTimeout))
		s.reply(c, &Reply{Error: "the daemon cannot tell who connected: " + err.Error()})
		return
	}
	req, err := readRequest(c)
	if err != nil {
		s.log.Warn("control request refused", attrPeer, by.String(), attrUID, by.UID, attrErr, err)
		_ = c.SetWriteDeadline(time.Now().Add(ioTimeout))
		s.reply(c, &Reply{Error: err.Error()})
		return
	}
	if by.UID == 0 {
		by.SudoUser = req.SudoUser
	}
	s.log.Info("control request", attrCommand, req.Command, attrKeys, req.Keys, "all", req.All, attrPeer, by.String(), attrUID, by.UID)
	resp := s.do(req, by)
	if resp.Error != "" {
		s.log.Warn("control request failed", attrCommand, req.Command, attrPeer, by.String(), attrErr, resp.Error)
	}
	_ = c.SetWriteDeadline(time.Now().Add(ioTimeout))
	s.reply(c, resp)
}

func (s *SocketServer) reply(c io.Writer, resp *Reply) {
	resp.Version = Version
	b, err := json.Marshal(resp)
	if err != nil {
		b, _ = json.Marshal(Reply{Version: Version, Error: "encode the answer: " + err.Error()})
	}
	if _, err := c.Write(append(b, '\n')); err != nil {
		s.log.Warn("control answer not sent", attrErr, err)
	}
}

// readRequest reads and checks one request line.
func readRequest(r io.Reader) (Request, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxRequestBytes)).ReadBytes('\n')
	if err != nil && (!errors.Is(err, io.EOF) || len(line) == 0) {
		return Request{}, fmt.Errorf("read the request: %w", err)
	}
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		return Request{}, fmt.Errorf("the request is not JSON: %w", err)
	}
	return req, req.check()
}

func (r Request) check() error {
	switch {
	case r.Version != Version:
		return fmt.Errorf("protocol version %d is not spoken here (this daemon speaks %d): use the reconciler binary of the daemon's version", r.Version, Version)
	case r.Command != CommandSuspend && r.Command != CommandResume && r.Command != CommandStatus:
		return fmt.Errorf("unknown command %q", r.Command)
	case r.Command == CommandStatus:
		return nil
	case r.All == (len(r.Keys) > 0):
		return errors.New("give connector keys or all, not both or neither")
	case len(r.Reason) > maxReasonBytes:
		return fmt.Errorf("the reason is %d bytes, more than %d", len(r.Reason), maxReasonBytes)
	}
	return nil
}

// do carries out a checked request.
func (s *SocketServer) do(req Request, by suspension.Operator) *Reply {
	var resp Reply
	var err error
	switch req.Command {
	case CommandSuspend:
		var r suspension.Result
		r, err = s.loop.Suspend(req.Keys, req.All, req.Reason, by)
		resp.Suspended, resp.Already, resp.InFlight = r.Made, r.Already, r.InFlight
	case CommandResume:
		resp.Resumed, resp.NotSuspended, err = s.loop.Resume(req.Keys, req.All, by)
	case CommandStatus:
		resp.Overview, err = json.Marshal(s.loop.Overview())
	}
	if err != nil {
		resp = Reply{Error: err.Error()}
		if u, ok := errors.AsType[*suspension.UnknownError](err); ok {
			resp.Unknown = u.Keys
		}
	}
	return &resp
}

// peer returns who is on the other end of c, from the kernel.
func peer(c *net.UnixConn) (suspension.Operator, error) {
	uid, err := peerUID(c)
	if err != nil {
		return suspension.Operator{}, err
	}
	op := suspension.Operator{UID: uid, User: strconv.FormatUint(uint64(uid), 10)}
	if u, err := user.LookupId(op.User); err == nil {
		op.User = u.Username
	}
	return op, nil
}
