package sim

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// ErrNotFound is returned by the direct-access methods for an unknown id.
var ErrNotFound = errors.New("no such voice connector")

// errQuota is returned when a region already holds maxPerRegion connectors.
var errQuota = errors.New("voice connector quota reached")

// errUnset is returned by a delete of a configuration that is not set;
// nothing changed.
var errUnset = errors.New("not configured")

// errEmergencyCalling is returned when origination would be deleted or
// turned off while emergency calling is configured.
var errEmergencyCalling = errors.New("emergency calling is configured for the voice connector")

// maxPerRegion bounds memory; real accounts have a much lower quota.
const maxPerRegion = 10000

// record is one connector and its origination, as kept in memory and in the
// state file.
type record struct {
	StoredConnector
	Origination      *wireOrigination  `json:"origination,omitempty"`
	EmergencyCalling *EmergencyCalling `json:"emergencyCalling,omitempty"`
}

// store holds the simulated state. Every change is saved (when a state file
// is configured) before the lock is released and before the caller answers;
// a change that cannot be saved is undone.
type store struct {
	mu       sync.RWMutex
	byID     map[string]*record
	byRegion map[string][]string // sorted ids: the stable listing order
	file     *stateFile          // nil = memory only
}

func newStore(file *stateFile) (*store, error) {
	st := &store{byID: map[string]*record{}, byRegion: map[string][]string{}, file: file}
	if file == nil {
		return st, nil
	}
	recs, err := file.load()
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if err := st.insert(r); err != nil {
			return nil, fmt.Errorf("load state %s: %w", file.path, err)
		}
	}
	return st, st.save()
}

// lookup finds id, restricted to region unless region is "".
func (st *store) lookup(region, id string) (*record, error) {
	r, ok := st.byID[id]
	if !ok || (region != "" && r.Region != region) {
		return nil, fmt.Errorf("voice connector %s: %w", id, ErrNotFound)
	}
	return r, nil
}

// get returns a copy of the connector and its origination.
func (st *store) get(region, id string) (StoredConnector, *wireOrigination, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	r, err := st.lookup(region, id)
	if err != nil {
		return StoredConnector{}, nil, err
	}
	return r.StoredConnector, r.Origination.clone(), nil
}

// page returns up to n connectors of region with ids after the cursor, and
// whether more follow.
func (st *store) page(region, after string, n int) ([]StoredConnector, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	ids := st.byRegion[region]
	i, found := slices.BinarySearch(ids, after)
	if found {
		i++
	}
	end := min(i+n, len(ids))
	out := make([]StoredConnector, 0, end-i)
	for _, id := range ids[i:end] {
		out = append(out, st.byID[id].StoredConnector)
	}
	return out, end < len(ids)
}

// all returns the connectors of region ("" = every region) in listing order.
func (st *store) all(region string) []StoredConnector {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var out []StoredConnector
	for _, reg := range Regions() {
		if region != "" && reg != region {
			continue
		}
		for _, id := range st.byRegion[reg] {
			out = append(out, st.byID[id].StoredConnector)
		}
	}
	return out
}

// freshID returns an id no connector has.
func (st *store) freshID() string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	for {
		if id := newID(); st.byID[id] == nil {
			return id
		}
	}
}

// create adds c, which must have a fresh id.
func (st *store) create(c StoredConnector) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.byRegion[c.Region]) >= maxPerRegion {
		return fmt.Errorf("region %s holds %d voice connectors: %w", c.Region, maxPerRegion, errQuota)
	}
	r := &record{StoredConnector: c}
	if err := st.insert(r); err != nil {
		return err
	}
	return st.commit(func() { st.remove(r) })
}

// delete removes a connector and its origination.
func (st *store) delete(region, id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	r, err := st.lookup(region, id)
	if err != nil {
		return err
	}
	st.remove(r)
	return st.commit(func() { _ = st.insert(r) })
}

// getEmergencyCalling returns a copy of the emergency calling
// configuration, nil if none is set.
func (st *store) getEmergencyCalling(region, id string) (*EmergencyCalling, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	r, err := st.lookup(region, id)
	if err != nil {
		return nil, err
	}
	return r.EmergencyCalling.clone(), nil
}

// setOrigination replaces (o != nil) or removes (o == nil) the origination.
// While emergency calling is configured, origination can be neither
// removed nor disabled (errEmergencyCalling). Removing what is not set
// changes nothing (errUnset).
func (st *store) setOrigination(region, id string, o *wireOrigination) error {
	return st.update(region, id, func(r *record) (func(), error) {
		old := r.Origination
		switch {
		case o == nil && old == nil:
			return nil, errUnset
		case r.EmergencyCalling != nil && (o == nil || o.Disabled):
			return nil, errEmergencyCalling
		}
		r.Origination = o.clone()
		return func() { r.Origination = old }, nil
	})
}

// setEmergencyCalling replaces (ec != nil) or removes (ec == nil) the
// emergency calling configuration; removing what is not set changes
// nothing (errUnset).
func (st *store) setEmergencyCalling(region, id string, ec *EmergencyCalling) error {
	return st.update(region, id, func(r *record) (func(), error) {
		old := r.EmergencyCalling
		if ec == nil && old == nil {
			return nil, errUnset
		}
		r.EmergencyCalling = ec.clone()
		return func() { r.EmergencyCalling = old }, nil
	})
}

// update applies change to connector id under the write lock, so that its
// checks and its change are one step, and saves the state; change returns
// how to undo itself.
func (st *store) update(region, id string, change func(*record) (undo func(), err error)) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	r, err := st.lookup(region, id)
	if err != nil {
		return err
	}
	undo, err := change(r)
	if err != nil {
		return err
	}
	return st.commit(undo)
}

func (st *store) insert(r *record) error {
	if _, dup := st.byID[r.ID]; dup {
		return fmt.Errorf("duplicate voice connector id %s", r.ID)
	}
	if !idPattern.MatchString(r.ID) || !validRegion(r.Region) {
		return fmt.Errorf("voice connector %q in region %q: invalid id or region", r.ID, r.Region)
	}
	st.byID[r.ID] = r
	ids := st.byRegion[r.Region]
	i, _ := slices.BinarySearch(ids, r.ID)
	st.byRegion[r.Region] = slices.Insert(ids, i, r.ID)
	return nil
}

func (st *store) remove(r *record) {
	delete(st.byID, r.ID)
	ids := st.byRegion[r.Region]
	if i, found := slices.BinarySearch(ids, r.ID); found {
		st.byRegion[r.Region] = slices.Delete(ids, i, i+1)
	}
}

// commit saves the state after a change, undoing the change if it cannot be
// saved so that memory never holds what the file lacks.
func (st *store) commit(undo func()) error {
	if err := st.save(); err != nil {
		undo()
		return err
	}
	return nil
}

// save writes the whole state; the caller holds the write lock.
func (st *store) save() error {
	if st.file == nil {
		return nil
	}
	recs := make([]*record, 0, len(st.byID))
	for _, region := range Regions() {
		for _, id := range st.byRegion[region] {
			recs = append(recs, st.byID[id])
		}
	}
	return st.file.save(recs)
}
