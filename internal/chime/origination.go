package chime

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/sipops/reconciler/internal/origination"
)

// GetOrigination returns the live origination of connector id, normalised;
// nil means none. The service's answer for a connector without origination
// is not documented: an absent Origination, one with no routes and not
// disabled, or NotFoundException. NotFoundException is also the answer for
// a connector that does not exist, so after one GetOrigination asks
// GetVoiceConnector which it is: nil if the connector exists, an error for
// which IsNotFound is true if it does not. Callers that know the connector
// exists call GetOriginationOf, which does not ask.
func (c *Client) GetOrigination(ctx context.Context, region, id string) (*origination.Origination, error) {
	return c.getOrigination(ctx, region, id, true)
}

// GetOriginationOf returns the live origination of connector id, as
// GetOrigination does, for a connector known to exist: one ListConnectors
// or GetConnector returned, which the caller has no reason to think
// deleted since. Its NotFoundException means "no origination" without a
// GetVoiceConnector.
func (c *Client) GetOriginationOf(ctx context.Context, region, id string) (*origination.Origination, error) {
	return c.getOrigination(ctx, region, id, false)
}

var _ origination.API = (*Client)(nil)

func (c *Client) getOrigination(ctx context.Context, region, id string, confirm bool) (*origination.Origination, error) {
	var out *origination.Origination
	err := c.do(ctx, region, opGetOrigination, "get origination of "+id, func(ctx context.Context, r request) error {
		resp, err := c.getOriginationOnce(ctx, r, id)
		switch {
		case IsNotFound(err) && confirm:
			return c.unconfigured(ctx, r.region, id, err)
		case IsNotFound(err):
			return nil
		case err != nil:
			return err
		}
		out = fromAPI(resp.Origination)
		return nil
	})
	return out, err
}

func (c *Client) getOriginationOnce(ctx context.Context, r request, id string) (*chimesdkvoice.GetVoiceConnectorOriginationOutput, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	in := &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}
	return r.api.GetVoiceConnectorOrigination(ctx, in, r.attempts)
}

// unconfigured tells, after a NotFoundException (notFound) of a
// configuration of connector id, a connector without that configuration
// (nil) from a connector that does not exist (MissingConnectorError), with
// one GetVoiceConnector.
func (c *Client) unconfigured(ctx context.Context, region, id string, notFound error) error {
	_, err := c.GetConnector(ctx, region, id)
	switch {
	case err == nil:
		return nil
	case IsNotFound(err):
		return &MissingConnectorError{ID: id, Err: err}
	}
	return fmt.Errorf("%s, and whether the voice connector exists is unknown: %w", apiText(notFound), err)
}

// MissingConnectorError says that a connector does not exist: the service
// answered NotFoundException for its configuration and for the connector
// itself. IsNotFound is true for it; Unwrap gives GetConnector's error.
type MissingConnectorError struct {
	ID  string
	Err error
}

func (e *MissingConnectorError) Error() string {
	return "the voice connector does not exist: " + apiText(e.Err)
}

func (e *MissingConnectorError) Unwrap() error { return e.Err }

// PutOrigination replaces the origination of connector id with o and returns
// what the service answered, normalised (nil if it answered nothing). A nil o
// is refused: removing origination is DeleteOrigination's job. A refusal for
// the account's route quota is an *origination.RouteQuotaError.
func (c *Client) PutOrigination(ctx context.Context, region, id string, o *origination.Origination) (*origination.Origination, error) {
	var out *origination.Origination
	err := c.do(ctx, region, opPutOrigination, "put origination of "+id, func(ctx context.Context, r request) error {
		if o == nil {
			return errors.New("no origination given: use delete to remove it")
		}
		ctx, cancel := c.bounded(ctx)
		defer cancel()
		in := &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id), Origination: toAPI(o)}
		resp, err := r.api.PutVoiceConnectorOrigination(ctx, in, r.attempts)
		switch {
		case isRouteQuota(err, len(o.Routes)):
			return &origination.RouteQuotaError{Routes: len(o.Routes), Err: err, Text: apiText(err)}
		case err != nil:
			return err
		}
		out = fromAPI(resp.Origination)
		return nil
	})
	return out, err
}

// DeleteOrigination removes the origination of connector id. A service that
// answers NotFoundException for a connector without origination answers so
// here too: DeleteOrigination then asks GetVoiceConnector, as
// GetOrigination does, and returns nil if the connector exists, since the
// desired state, no origination, holds. Callers should read back.
func (c *Client) DeleteOrigination(ctx context.Context, region, id string) error {
	return c.do(ctx, region, opDeleteOrigination, "delete origination of "+id, func(ctx context.Context, r request) error {
		err := c.deleteOriginationOnce(ctx, r, id)
		if IsNotFound(err) {
			return c.unconfigured(ctx, r.region, id, err)
		}
		return err
	})
}

func (c *Client) deleteOriginationOnce(ctx context.Context, r request, id string) error {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	in := &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}
	_, err := r.api.DeleteVoiceConnectorOrigination(ctx, in, r.attempts)
	return err
}
