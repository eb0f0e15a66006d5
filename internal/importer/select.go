package importer

import (
	"errors"
	"fmt"
	"strings"
)

// choose returns the connectors opts selects, in the order of all: every
// one when neither IDs nor Names are given. Each id must name a listed
// connector and each name exactly one, across the imported regions: a name
// matching two would import whichever came first, and the operator could
// not tell. All selection errors are reported together, one line each.
func choose(all []*connector, opts ImportOptions) ([]*connector, error) {
	if len(opts.IDs) == 0 && len(opts.Names) == 0 {
		return all, nil
	}
	picked := map[*connector]bool{}
	var errs []error
	for _, id := range opts.IDs {
		found := matching(all, func(c *connector) bool { return c.ID == id })
		if len(found) == 0 {
			errs = append(errs, fmt.Errorf("voice connector %s not found in %s", id, strings.Join(opts.Regions, ", ")))
		}
		for _, c := range found {
			picked[c] = true
		}
	}
	for _, name := range opts.Names {
		found := matching(all, func(c *connector) bool { return c.Name == name })
		switch len(found) {
		case 0:
			errs = append(errs, fmt.Errorf("no voice connector is named %q in %s", name, strings.Join(opts.Regions, ", ")))
		case 1:
			picked[found[0]] = true
		default:
			errs = append(errs, fmt.Errorf("%d voice connectors are named %q (%s): select one with --id", len(found), name, describe(found)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return matching(all, func(c *connector) bool { return picked[c] }), nil
}

func matching(cs []*connector, keep func(*connector) bool) []*connector {
	var out []*connector
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// describe lists connectors as "id in region, ...", for an operator to pick
// the one they meant.
func describe(cs []*connector) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.ID + " in " + c.Region
	}
	return strings.Join(parts, ", ")
}
