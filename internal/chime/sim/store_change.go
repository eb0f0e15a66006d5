package sim

import "fmt"

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

// setOrigination replaces (o != nil) or removes (o == nil) the origination.
func (st *store) setOrigination(region, id string, o *wireOrigination) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	r, err := st.lookup(region, id)
	if err != nil {
		return err
	}
	old := r.Origination
	if old == nil && o == nil {
		return nil // nothing to delete: no write
	}
	r.Origination = o.clone()
	return st.commit(func() { r.Origination = old })
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
