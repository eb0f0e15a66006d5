package origination

import (
	"context"
	"errors"
	"fmt"

	"github.com/sipops/reconciler/internal/setting"
)

// RouteQuotaError is the service's refusal of a Put for its number of
// routes: the account's quota of origination routes per Voice Connector
// is lower (10 unless AWS raised it, at most 20). The Chime port returns
// it; its message is the service's, which does not document its words.
type RouteQuotaError struct {
	Routes int   // routes in the refused Put
	Err    error // the SDK's error
	Text   string
}

func (e *RouteQuotaError) Error() string {
	return fmt.Sprintf("the service refused %d routes: %s", e.Routes, e.Text)
}

func (e *RouteQuotaError) Unwrap() error { return e.Err }

// Read implements setting.Kind. A connector the engine knows exists
// (listed, or found by the plan being applied) is read without asking
// again whether it exists when the service answers NotFound for its
// origination.
func (k *Kind) Read(ctx context.Context, c setting.Connector) (setting.Value, error) {
	var o *Origination
	var err error
	if c.Known {
		o, err = k.opts.API.GetOriginationOf(ctx, c.Region, c.ID)
	} else {
		o, err = k.opts.API.GetOrigination(ctx, c.Region, c.ID)
	}
	return value(o), err
}

// Write implements setting.Kind: it makes the change and confirms that the
// service holds the desired state: the Put's answer, or a read-back when
// there is none to check. The port's errors name the call ("put
// origination of ..."); a refusal over the route quota also says what to
// do.
func (k *Kind) Write(ctx context.Context, c setting.Connector, ch setting.Change) error {
	want := of(ch.After)
	var got *Origination
	var err error
	switch ch.Action {
	case setting.Put:
		got, err = k.opts.API.PutOrigination(ctx, c.Region, c.ID, want)
		if err == nil && got == nil {
			got, err = k.opts.API.GetOriginationOf(ctx, c.Region, c.ID)
		}
	case setting.Delete:
		if err = k.opts.API.DeleteOrigination(ctx, c.Region, c.ID); err == nil {
			got, err = k.opts.API.GetOriginationOf(ctx, c.Region, c.ID)
		}
	}
	switch {
	case err != nil:
		return k.explain(err)
	case !Equal(got, want):
		return fmt.Errorf("%s: the service holds %s, not the desired %s", ch.Action, got, want)
	}
	return nil
}

// explain adds to a refusal over the route quota which flag to lower: the
// spec passed --max-routes, so the account's quota is below it.
func (k *Kind) explain(err error) error {
	if _, ok := errors.AsType[*RouteQuotaError](err); !ok {
		return err
	}
	return fmt.Errorf("%w; your account's quota is lower than --max-routes %d: lower --max-routes or ask AWS for more", err, k.opts.MaxRoutes)
}
