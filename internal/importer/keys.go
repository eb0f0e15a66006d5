package importer

import (
	"fmt"
	"strings"
	"unicode"
)

// assignKeys gives every connector its key under voiceConnectors: its name,
// as readable as the operator knows it (spaces, dots and case kept), made
// unique across the whole import, since all region files are one CUE
// package and share the voiceConnectors struct:
//
//   - a name unique among the imported regions is the key as it is;
//   - a name unique in its region but also used in another imported region
//     gets "@<region>", as in the loader's name@region references;
//   - a name used twice or more in one region gets "@<id>" on each.
//
// Names cannot contain "@" (the service allows letters, digits, spaces,
// '_', '.' and '-'), so a suffixed key never equals a plain one. The keys of
// a connector do not depend on which connectors were selected, only on the
// regions imported. cs must be sorted by region, name and id: a collision
// that can only come from names breaking the service's rules is settled in
// that order, with a counter.
func assignKeys(cs []*connector) {
	type regionName struct{ region, name string }
	inRegion := map[regionName]int{}
	regions := map[string]map[string]bool{}
	for _, c := range cs {
		base := baseKey(c.Name, c.ID)
		inRegion[regionName{c.Region, base}]++
		if regions[base] == nil {
			regions[base] = map[string]bool{}
		}
		regions[base][c.Region] = true
	}
	taken := map[string]bool{}
	for _, c := range cs {
		base := baseKey(c.Name, c.ID)
		key := base
		switch {
		case inRegion[regionName{c.Region, base}] > 1:
			key = base + "@" + c.ID
		case len(regions[base]) > 1:
			key = base + "@" + c.Region
		}
		unique := key
		for n := 2; taken[unique]; n++ {
			unique = fmt.Sprintf("%s@%d", key, n)
		}
		taken[unique] = true
		c.key = unique
	}
}

// baseKey is name made fit to be a key: trimmed, with anything that is not
// printable (which no valid name has) replaced, so that a key always prints
// on one line in plans and logs. A connector without a usable name is keyed
// by its id.
func baseKey(name, id string) string {
	k := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '_'
	}, strings.TrimSpace(name))
	if k == "" {
		return id
	}
	return k
}
