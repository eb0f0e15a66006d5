package chime

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// EmergencyCallingConfigured reports whether connector id has an emergency
// calling configuration, even one without DNIS numbers. While it has one,
// the service refuses to delete or disable its origination ("If emergency
// calling is configured for the Voice Connector, it must be deleted prior
// to ..."), so the reconciler asks before such a change. An absent
// configuration and NotFoundException both mean none: it is asked only of
// connectors known to exist, and a connector deleted since fails the write
// that follows anyway.
func (c *Client) EmergencyCallingConfigured(ctx context.Context, region, id string) (bool, error) {
	var configured bool
	err := c.do(ctx, region, opGetEmergency, "get emergency calling configuration of "+id, func(ctx context.Context, r request) error {
		ctx, cancel := c.bounded(ctx)
		defer cancel()
		in := &chimesdkvoice.GetVoiceConnectorEmergencyCallingConfigurationInput{VoiceConnectorId: aws.String(id)}
		resp, err := r.api.GetVoiceConnectorEmergencyCallingConfiguration(ctx, in, r.attempts)
		switch {
		case IsNotFound(err):
			return nil
		case err != nil:
			return err
		}
		configured = resp.EmergencyCallingConfiguration != nil
		return nil
	})
	return configured, err
}
