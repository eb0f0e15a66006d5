package suspension

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// failingStore refuses every save.
type failingStore struct{}

func (failingStore) Save([]Suspension) error { return errors.New("read-only file system") }

// keys returns the keys of ss.
func keys(ss []Suspension) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Key)
	}
	return out
}

// TestBookRequests: what suspend and resume accept, refuse, and change.
func TestBookRequests(t *testing.T) {
	alice := Operator{User: "root", SudoUser: "alice"}
	managed := []string{"a", "b", "c"}
	b := NewBook(nil, []Suspension{{Key: "old", Since: time.Now().Add(-time.Hour)}})
	if !b.Mutes("old") || b.Mutes("a") {
		t.Fatalf("at start: old muted %v, a muted %v; want old only", b.Mutes("old"), b.Mutes("a"))
	}
	made, already, err := b.Suspend([]string{"b", "a", "a"}, false, "INC-1", alice, managed)
	if err != nil || !slices.Equal(keys(made), []string{"a", "b"}) || len(already) != 0 || made[0].By != alice || made[0].Reason != "INC-1" {
		t.Fatalf("suspend a, b: got %v, %v, %v", made, already, err)
	}
	made, already, err = b.Suspend(nil, true, "", alice, managed)
	if err != nil || !slices.Equal(keys(made), []string{"c"}) || !slices.Equal(keys(already), []string{"a", "b"}) {
		t.Errorf("suspend all: got made %v, already %v, %v", keys(made), keys(already), err)
	}
	_, _, err = b.Suspend([]string{"a", "zz"}, false, "", alice, managed)
	if u, ok := errors.AsType[*UnknownError](err); !ok || !slices.Equal(u.Keys, []string{"zz"}) || !slices.Equal(u.Managed, managed) {
		t.Errorf("unknown key: got %v", err)
	}
	if _, _, err := b.Suspend(nil, true, "", alice, nil); !errors.Is(err, ErrNothingManaged) {
		t.Errorf("suspend all of nothing: got %v", err)
	}
	// A suspension the spec no longer names can be resumed by its key.
	resumed, not, err := b.Resume([]string{"old", "zz"}, false, managed)
	if err == nil {
		t.Errorf("resume of an unknown key: got %v, %v, no error", resumed, not)
	}
	resumed, not, err = b.Resume([]string{"old"}, false, managed)
	if err != nil || !slices.Equal(keys(resumed), []string{"old"}) || len(not) != 0 || b.Mutes("old") {
		t.Errorf("resume old: got %v, %v, %v", keys(resumed), not, err)
	}
	resumed, not, err = b.Resume(nil, true, managed)
	if err != nil || !slices.Equal(keys(resumed), []string{"a", "b", "c"}) || len(b.List()) != 0 {
		t.Errorf("resume all: got %v, %v, %v; left %v", keys(resumed), not, err, b.List())
	}
	if resumed, not, err := b.Resume([]string{"a"}, false, managed); err != nil || len(resumed) != 0 || !slices.Equal(not, []string{"a"}) {
		t.Errorf("resume of one not suspended: got %v, %v, %v", resumed, not, err)
	}
}

// TestBookNotSaved: a change the store refuses is not made.
func TestBookNotSaved(t *testing.T) {
	b := NewBook(failingStore{}, nil)
	if _, _, err := b.Suspend([]string{"a"}, false, "", Operator{}, []string{"a"}); err == nil || err.Error() != "save suspensions: read-only file system" {
		t.Errorf("got %v, want the save error", err)
	}
	if b.Mutes("a") || len(b.List()) != 0 {
		t.Error("suspended although not saved")
	}
}

// TestBookWrites: Begin refuses a suspended connector and counts the
// others' writes, which AwaitWrites waits for.
func TestBookWrites(t *testing.T) {
	b := NewBook(nil, nil)
	done, ok := b.Begin("a")
	if !ok {
		t.Fatal("Begin of a connector not suspended: refused")
	}
	if _, _, err := b.Suspend([]string{"a"}, false, "", Operator{}, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Begin("a"); ok {
		t.Error("Begin of a suspended connector: allowed")
	}
	if busy := b.AwaitWrites([]string{"a"}, 20*time.Millisecond); !slices.Equal(busy, []string{"a"}) {
		t.Errorf("a write in flight: got %v still busy, want a", busy)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(30 * time.Millisecond)
		done()
		close(released)
	}()
	if busy := b.AwaitWrites([]string{"a"}, 5*time.Second); len(busy) != 0 {
		t.Errorf("after the write ended: got %v still busy", busy)
	}
	<-released
}
