package suspension

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Operator is who asked for a suspension or a resume, as the control
// socket's peer credentials say.
type Operator struct {
	// User is the name of the peer's uid, or the uid in decimal when it
	// has none (a dynamic user, or a uid outside the daemon's user
	// namespace).
	User string `json:"user"`
	UID  uint32 `json:"uid"`
	// SudoUser is $SUDO_USER of the command, when it ran under sudo as
	// root: what the command says, trusted only as far as root is.
	SudoUser string `json:"sudo_user,omitempty"`
}

func (o Operator) String() string {
	if o.SudoUser != "" && o.SudoUser != o.User {
		return o.User + " (sudo by " + o.SudoUser + ")"
	}
	return o.User
}

// Suspension stops the daemon from writing one connector.
type Suspension struct {
	Key    string    `json:"key"`
	Reason string    `json:"reason,omitempty"`
	By     Operator  `json:"by"`
	Since  time.Time `json:"since"`
	// Age is how long it has been in force, in the daemon's status only.
	Age string `json:"age,omitempty"`
}

// Store keeps the suspensions across restarts (File). Save replaces what
// it holds with all the suspensions in force; a Book acts on a change
// only once it is saved.
type Store interface {
	Save([]Suspension) error
}

// Wait bounds how long a suspension waits for the writes in flight of the
// connectors it suspends (Book.AwaitWrites).
const Wait = time.Minute

// Result is what a suspend request did.
type Result struct {
	Made    []Suspension // the suspensions it made
	Already []Suspension // those in force before it, left as they were
	// InFlight names connectors whose write, begun before the suspension,
	// had not ended after Wait: it may still land.
	InFlight []string
}

// UnknownError is a request that names connectors the daemon does not
// manage; nothing of the request was done.
type UnknownError struct {
	Keys    []string // the unknown keys, sorted
	Managed []string // the keys the daemon knows, sorted
}

func (e *UnknownError) Error() string {
	what := "unknown connector"
	if len(e.Keys) > 1 {
		what += "s"
	}
	msg := fmt.Sprintf("%s %s: not in the spec this daemon manages", what, quoteAll(e.Keys))
	switch n := len(e.Managed); {
	case n == 0:
		return msg + " (no revision accepted yet)"
	case n <= 20:
		return msg + " (managed: " + strings.Join(e.Managed, ", ") + ")"
	default:
		return fmt.Sprintf("%s (%d managed, e.g. %s)", msg, n, strings.Join(e.Managed[:20], ", "))
	}
}

func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(q, ", ")
}

// ErrNothingManaged is a suspension of every connector before a revision
// was accepted.
var ErrNothingManaged = errors.New("no connector is managed yet: no revision has been accepted")

// Book holds the suspensions in force, keeps each change of them in its
// Store before it takes effect, and counts the writes in flight, by
// connector key, so that a suspension can wait for those begun before it.
// It is safe for concurrent use.
type Book struct {
	store Store // nil: kept in memory only

	mu       sync.Mutex // guards in and writing
	in       map[string]Suspension
	writing  map[string]int
	changing sync.Mutex // one Suspend or Resume at a time, so that each is saved before the next is decided
}

// NewBook returns a book holding the suspensions in force at start, as
// store kept them, that keeps every change in store (nil: in memory only).
func NewBook(store Store, in []Suspension) *Book {
	b := &Book{store: store, in: map[string]Suspension{}, writing: map[string]int{}}
	for _, s := range in {
		b.in[s.Key] = s
	}
	return b
}

// Mutes reports whether the connector key is suspended: nothing may write
// it.
func (b *Book) Mutes(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.in[key]
	return ok
}

// Begin is asked right before a write of the connector key: a suspended
// connector is refused (ok false); any other is counted as being written
// until done is called, for a suspension to wait for.
func (b *Book) Begin(key string) (done func(), ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.in[key]; ok {
		return nil, false
	}
	b.writing[key]++
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.writing[key]--; b.writing[key] == 0 {
			delete(b.writing, key)
		}
	}, true
}

// AwaitWrites waits until none of keys is being written, for up to d,
// and returns those still being written then.
func (b *Book) AwaitWrites(keys []string, d time.Duration) []string {
	deadline := time.Now().Add(d)
	for {
		b.mu.Lock()
		busy := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return b.writing[k] == 0 })
		b.mu.Unlock()
		if len(busy) == 0 || time.Now().After(deadline) {
			return busy
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// List returns the suspensions in force, sorted by key.
func (b *Book) List() []Suspension {
	b.mu.Lock()
	defer b.mu.Unlock()
	return sorted(b.in)
}

// Suspend suspends the connectors named by keys, or every one of managed
// when all is set, for reason, at the request of by. Each key must be one
// of managed. Connectors suspended already stay as they were. It saves the
// suspensions before they take effect; on an error nothing changed.
func (b *Book) Suspend(keys []string, all bool, reason string, by Operator, managed []string) (made, already []Suspension, err error) {
	b.changing.Lock()
	defer b.changing.Unlock()
	now := time.Now()
	next := b.copy()
	keys, err = resolve(keys, all, managed, nil, false)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		if s, ok := next[k]; ok {
			already = append(already, s)
			continue
		}
		next[k] = Suspension{Key: k, Reason: reason, By: by, Since: now}
		made = append(made, next[k])
	}
	if len(made) == 0 {
		return nil, already, nil
	}
	if err := b.save(next); err != nil {
		return nil, nil, err
	}
	return made, already, nil
}

// Resume lifts the suspensions of keys, or every suspension when all is
// set. A key must be one of managed or suspended; one that is not
// suspended is returned in notSuspended. It saves the suspensions before
// they take effect; on an error nothing changed.
func (b *Book) Resume(keys []string, all bool, managed []string) (resumed []Suspension, notSuspended []string, err error) {
	b.changing.Lock()
	defer b.changing.Unlock()
	next := b.copy()
	keys, err = resolve(keys, all, managed, next, true)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		s, ok := next[k]
		if !ok {
			notSuspended = append(notSuspended, k)
			continue
		}
		delete(next, k)
		resumed = append(resumed, s)
	}
	if len(resumed) == 0 {
		return nil, notSuspended, nil
	}
	if err := b.save(next); err != nil {
		return nil, nil, err
	}
	return resumed, notSuspended, nil
}

func (b *Book) copy() map[string]Suspension {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.in)
}

// save keeps next in the store, then puts it in force.
func (b *Book) save(next map[string]Suspension) error {
	if b.store != nil {
		if err := b.store.Save(sorted(next)); err != nil {
			return fmt.Errorf("save suspensions: %w", err)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.in = next
	return nil
}

// resolve checks keys against managed, and for a resume against the
// suspended keys too, or returns them all for all: the managed ones for a
// suspend, the suspended ones for a resume. Keys come back sorted, without
// duplicates.
func resolve(keys []string, all bool, managed []string, suspended map[string]Suspension, resume bool) ([]string, error) {
	known := map[string]bool{}
	for _, k := range managed {
		known[k] = true
	}
	for k := range suspended {
		known[k] = true
	}
	switch {
	case all && resume:
		return slices.Sorted(maps.Keys(suspended)), nil
	case all && len(known) == 0:
		return nil, ErrNothingManaged
	case all:
		return slices.Sorted(maps.Keys(known)), nil
	}
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	var unknown []string
	for _, k := range keys {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return nil, &UnknownError{Keys: unknown, Managed: slices.Compact(slices.Sorted(slices.Values(managed)))}
	}
	return keys, nil
}

func sorted(m map[string]Suspension) []Suspension {
	out := slices.Collect(maps.Values(m))
	slices.SortFunc(out, func(a, b Suspension) int { return cmp.Compare(a.Key, b.Key) })
	return out
}
