package chime

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/sipops/reconciler/internal/origination"
)

// GetOrigination returns the live origination of connector id, normalised.
// NotFoundException, an absent Origination and one with no routes and not
// disabled all mean "no origination" and return nil without error; the
// service's behaviour for a connector that never had origination is not
// documented, and these are the answers it may give.
func (c *Client) GetOrigination(ctx context.Context, region, id string) (*origination.Origination, error) {
	var out *origination.Origination
	err := c.do(ctx, region, opGetOrigination, "get origination of "+id, func(ctx context.Context, r request) error {
		ctx, cancel := c.bounded(ctx)
		defer cancel()
		in := &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}
		resp, err := r.api.GetVoiceConnectorOrigination(ctx, in, r.attempts)
		switch {
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

// PutOrigination replaces the origination of connector id with o and returns
// what the service answered, normalised (nil if it answered nothing). A nil o
// is refused: removing origination is DeleteOrigination's job.
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
		if err != nil {
			return err
		}
		out = fromAPI(resp.Origination)
		return nil
	})
	return out, err
}

// DeleteOrigination removes the origination of connector id. The service's
// answer when none is set is not documented; callers should only delete what
// GetOrigination reported.
func (c *Client) DeleteOrigination(ctx context.Context, region, id string) error {
	return c.do(ctx, region, opDeleteOrigination, "delete origination of "+id, func(ctx context.Context, r request) error {
		ctx, cancel := c.bounded(ctx)
		defer cancel()
		in := &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}
		_, err := r.api.DeleteVoiceConnectorOrigination(ctx, in, r.attempts)
		return err
	})
}
