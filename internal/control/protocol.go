package control

import (
	"encoding/json"

	"github.com/sipops/reconciler/internal/suspension"
)

// Version is the protocol version this package speaks.
const Version = 1

// Commands.
const (
	CommandSuspend = "suspend"
	CommandResume  = "resume"
	CommandStatus  = "status"
)

// Limits of a request.
const (
	maxRequestBytes = 1 << 20
	maxReasonBytes  = 1024
)

// Request is what a client asks, one per connection.
type Request struct {
	Version int      `json:"version"`
	Command string   `json:"command"`
	Keys    []string `json:"keys,omitempty"`
	All     bool     `json:"all,omitempty"` // every managed connector (suspend) or every suspended one (resume)
	Reason  string   `json:"reason,omitempty"`
	// SudoUser is $SUDO_USER of the command. The daemon records it only
	// when the peer is root: it is what the command says, not what the
	// kernel does.
	SudoUser string `json:"sudo_user,omitempty"`
}

// Reply is the daemon's answer. Error is set when the request was
// refused; then nothing of it was done.
type Reply struct {
	Version int    `json:"version"`
	Error   string `json:"error,omitempty"`
	// Unknown lists the keys of a request refused because the daemon does
	// not manage them.
	Unknown []string `json:"unknown,omitempty"`
	// Suspended are the suspensions a suspend made; Already those of the
	// keys that were suspended before it.
	Suspended []suspension.Suspension `json:"suspended,omitempty"`
	Already   []suspension.Suspension `json:"already,omitempty"`
	// InFlight names the connectors a suspend made whose write, begun
	// before it, had not ended when the daemon stopped waiting: it may
	// still land. The daemon answers a suspend once the writes in flight
	// are over, so this is rare.
	InFlight []string `json:"in_flight,omitempty"`
	// Resumed are the suspensions a resume lifted; NotSuspended the keys
	// it named that were not suspended.
	Resumed      []suspension.Suspension `json:"resumed,omitempty"`
	NotSuspended []string                `json:"not_suspended,omitempty"`
	// Overview answers status: the daemon's /status document, which
	// daemon.ParseOverview reads with the kinds of setting it names.
	Overview json.RawMessage `json:"overview,omitempty"`
}
