package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// Lister is what Import needs of the Chime SDK Voice port; the settings
// are read by their kinds. An import only reads: it never writes to the
// service.
type Lister interface {
	ListConnectors(ctx context.Context, region string) ([]chime.VoiceConnector, error)
}

var _ Lister = (*chime.Client)(nil)

// DefaultConcurrency is how many connectors are read at once. As in the
// reconcile engine, the port's rate limiter sets the pace; this only needs to
// keep it busy despite the API's latency.
const DefaultConcurrency = 8

// ImportOptions say what to import.
type ImportOptions struct {
	// Regions to import, at least one; each gets its own file.
	Regions []string
	// IDs and Names, when either is given, select the connectors to import
	// (their union); otherwise every connector of Regions is. Each id must
	// exist, and each name must match exactly one connector across Regions.
	IDs   []string
	Names []string
	// Kinds are the settings to import, at least one: each is read with
	// the kind, written as the kind imports it, and checked as `reconciler
	// validate` checks it (origination against its --max-routes).
	Kinds []setting.Kind
	// SkipUnconfigured leaves out connectors that have none of the
	// settings (with a comment saying so) instead of writing them with
	// absent: true.
	SkipUnconfigured bool
	// Concurrency bounds the connectors read at once; 0 means
	// DefaultConcurrency.
	Concurrency int
	// Progress, if set, is called with (0, total) once the connectors are
	// chosen, then after each connector read. Calls never overlap.
	Progress func(done, total int)
}

// withDefaults validates o and fills in its defaults. Regions come back
// sorted and without duplicates, so that the output does not depend on the
// order of the flags.
func (o ImportOptions) withDefaults() (ImportOptions, error) {
	var errs []error
	if len(o.Regions) == 0 {
		errs = append(errs, errors.New("no region: give at least one region to import"))
	}
	for _, r := range o.Regions {
		if !slices.Contains(schema.Regions(), r) {
			errs = append(errs, fmt.Errorf("unknown region %q: Voice Connectors are in %s", r, strings.Join(schema.Regions(), ", ")))
		}
	}
	if len(o.Kinds) == 0 {
		errs = append(errs, errors.New("no setting: give at least one setting to import"))
	}
	if o.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("concurrency %d must not be negative", o.Concurrency))
	}
	o.Concurrency = cmp.Or(o.Concurrency, DefaultConcurrency)
	o.Regions = slices.Compact(slices.Sorted(slices.Values(o.Regions)))
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	return o, errors.Join(errs...)
}

// RegionFile is the import of one region.
type RegionFile struct {
	Region string
	// Path is where the file belongs, relative to the output directory:
	// <region>/connectors.cue, with forward slashes. Diagnostics of the
	// schema name it too.
	Path string
	// CUE is the file's content.
	CUE []byte
	// Connectors is how many connectors the file declares; Skipped how many
	// unconfigured ones it leaves out (ImportOptions.SkipUnconfigured).
	Connectors, Skipped int
	// Problems are the connectors whose live state the spec's rules reject,
	// sorted by key: the file declares them, but it is not a valid spec
	// until they are changed. Warnings are what the loader warns about
	// (private addresses, say); they do not make the spec invalid.
	Problems, Warnings []Problem
}

// Problem is one connector that cannot be imported as it is live.
type Problem struct {
	Key    string `json:"key"`
	ID     string `json:"id"`
	Region string `json:"region"`
	// Reason is what the spec loader says, without the key; several are
	// joined with "; ".
	Reason string `json:"reason"`
}

func (p Problem) String() string {
	return fmt.Sprintf("%q (%s, %s): %s", p.Key, p.ID, p.Region, p.Reason)
}

// connector is one live Voice Connector on its way into the spec.
type connector struct {
	chime.VoiceConnector // as listed; Region is the region it was listed in

	key      string
	live     []setting.Value // by kind, in the order of ImportOptions.Kinds; nil is none
	skipped  bool            // unconfigured and left out
	problems []string        // what the loader rejects, without the key
	warnings []string
}

// unconfigured reports whether c has none of the settings imported.
func (c *connector) unconfigured() bool {
	return !slices.ContainsFunc(c.live, func(v setting.Value) bool { return v != nil })
}

// Import reads the live settings of the connectors opts names and
// renders them as one spec file per region: every region of opts.Regions
// when no connector is selected by id or name, otherwise the regions
// holding a selected connector. Results are sorted by region.
//
// It fails without a result when a region cannot be listed, a selection
// matches no connector or several, or a setting cannot be read: a spec
// that left out a connector it could not read would look complete and be
// wrong. Connectors the spec's rules reject are not failures; they are in
// each RegionFile's Problems.
func Import(ctx context.Context, api Lister, opts ImportOptions) ([]RegionFile, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	all, err := list(ctx, api, opts.Regions)
	if err != nil {
		return nil, err
	}
	// Keys are given before choosing, so that a connector imported alone
	// later gets the key it got in a full import.
	assignKeys(all)
	chosen, err := choose(all, opts)
	if err != nil {
		return nil, err
	}
	if err := read(ctx, chosen, opts); err != nil {
		return nil, err
	}
	for _, c := range chosen {
		c.skipped = opts.SkipUnconfigured && c.unconfigured()
	}
	return build(regionsOf(chosen, opts), chosen, opts.Kinds)
}

// list lists the connectors of every region, the regions in parallel, and
// returns them sorted by region, name and id.
func list(ctx context.Context, api Lister, regions []string) ([]*connector, error) {
	listed := make([][]chime.VoiceConnector, len(regions))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, r := range regions {
		wg.Go(func() {
			listed[i], errs[i] = api.ListConnectors(ctx, r)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("import %s: %w", r, errs[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []*connector
	for i, r := range regions {
		for _, vc := range listed[i] {
			// The region asked, not the one echoed: it is where the
			// reconciler will call.
			vc.Region = r
			out = append(out, &connector{VoiceConnector: vc})
		}
	}
	slices.SortFunc(out, func(a, b *connector) int {
		return cmp.Or(strings.Compare(a.Region, b.Region), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// read reads the settings of every connector, opts.Concurrency connectors
// at a time. The first failure stops the reads not yet started: the import
// fails anyway, and the service is likely failing the others too.
func read(ctx context.Context, cs []*connector, opts ImportOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu   sync.Mutex
		done int
		errs []error
	)
	opts.Progress(0, len(cs))
	next := make(chan *connector)
	var wg sync.WaitGroup
	for range min(opts.Concurrency, len(cs)) {
		wg.Go(func() {
			for c := range next {
				err := c.read(ctx, opts.Kinds)
				mu.Lock()
				switch {
				case err != nil && ctx.Err() == nil:
					errs = append(errs, fmt.Errorf("read %q: %w", c.Name, err))
					cancel()
				case err == nil:
					done++
					opts.Progress(done, len(cs))
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, c := range cs {
		select {
		case next <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return ctx.Err()
}

// read reads each setting of c, which was just listed and so exists.
func (c *connector) read(ctx context.Context, kinds []setting.Kind) error {
	at := setting.Connector{Key: c.key, ID: c.ID, Name: c.Name, Region: c.Region, Known: true}
	c.live = make([]setting.Value, len(kinds))
	for i, k := range kinds {
		v, err := k.Read(ctx, at)
		if err != nil {
			return err
		}
		c.live[i] = v
	}
	return nil
}

// regionsOf returns the regions to write a file for: every region asked,
// unless connectors were selected, then those holding one.
func regionsOf(cs []*connector, opts ImportOptions) []string {
	if len(opts.IDs) == 0 && len(opts.Names) == 0 {
		return opts.Regions
	}
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.Region) {
			out = append(out, c.Region)
		}
	}
	slices.Sort(out)
	return out
}

// build renders a file per region, checks them together with the schema
// (keys are global to the spec), and renders again with a comment on each
// connector the schema rejects: the comment must not shift the positions
// the diagnostics were mapped with.
func build(regions []string, cs []*connector, kinds []setting.Kind) ([]RegionFile, error) {
	byRegion := map[string][]*connector{}
	for _, c := range cs {
		byRegion[c.Region] = append(byRegion[c.Region], c)
	}
	files, err := renderAll(regions, byRegion, kinds)
	if err != nil {
		return nil, err
	}
	if err := check(files, cs, kinds); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(cs, func(c *connector) bool { return len(c.problems) > 0 }) {
		if files, err = renderAll(regions, byRegion, kinds); err != nil {
			return nil, err
		}
	}
	out := make([]RegionFile, len(regions))
	for i, r := range regions {
		out[i] = result(files[i], byRegion[r])
		out[i].Region = r
	}
	return out, nil
}

func renderAll(regions []string, byRegion map[string][]*connector, kinds []setting.Kind) ([]schema.File, error) {
	files := make([]schema.File, len(regions))
	for i, r := range regions {
		data, err := render(r, byRegion[r], kinds)
		if err != nil {
			return nil, err
		}
		files[i] = schema.File{Path: r + "/connectors.cue", Data: data}
	}
	return files, nil
}

func result(f schema.File, cs []*connector) RegionFile {
	res := RegionFile{Path: f.Path, CUE: f.Data}
	for _, c := range cs {
		if c.skipped {
			res.Skipped++
			continue
		}
		res.Connectors++
		if len(c.problems) > 0 {
			res.Problems = append(res.Problems, c.problem(c.problems))
		}
		if len(c.warnings) > 0 {
			res.Warnings = append(res.Warnings, c.problem(c.warnings))
		}
	}
	byKey := func(a, b Problem) int { return strings.Compare(a.Key, b.Key) }
	slices.SortFunc(res.Problems, byKey)
	slices.SortFunc(res.Warnings, byKey)
	return res
}

func (c *connector) problem(reasons []string) Problem {
	return Problem{Key: c.key, ID: c.ID, Region: c.Region, Reason: strings.Join(reasons, "; ")}
}
