package chime

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
)

// pageSize is the largest page ListVoiceConnectors allows.
const pageSize = 100

// VoiceConnector is a Voice Connector as the service describes it: the live
// attributes the reconciler needs, not its origination.
type VoiceConnector struct {
	ID, Name, Region, ARN string
	RequireEncryption     bool
}

// ListConnectors returns every Voice Connector in region ("" = the default
// region), reading all pages. Each page is one request with its own
// CallTimeout and retries.
func (c *Client) ListConnectors(ctx context.Context, region string) ([]VoiceConnector, error) {
	var out []VoiceConnector
	err := c.do(ctx, region, opListConnectors, "list voice connectors", func(ctx context.Context, r request) error {
		in := &chimesdkvoice.ListVoiceConnectorsInput{MaxResults: aws.Int32(pageSize)}
		pages := chimesdkvoice.NewListVoiceConnectorsPaginator(r.api, in,
			func(o *chimesdkvoice.ListVoiceConnectorsPaginatorOptions) { o.StopOnDuplicateToken = true })
		for n := 1; pages.HasMorePages(); n++ {
			page, err := c.nextPage(ctx, pages, r.attempts)
			if err != nil {
				return fmt.Errorf("page %d: %w", n, err)
			}
			for _, vc := range page.VoiceConnectors {
				out = append(out, connectorFrom(vc, r.region))
			}
		}
		return nil
	})
	return out, err
}

func (c *Client) nextPage(ctx context.Context, p *chimesdkvoice.ListVoiceConnectorsPaginator, attempts func(*chimesdkvoice.Options)) (*chimesdkvoice.ListVoiceConnectorsOutput, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	return p.NextPage(ctx, attempts)
}

// GetConnector returns one Voice Connector. A missing connector is an error
// for which IsNotFound is true.
func (c *Client) GetConnector(ctx context.Context, region, id string) (VoiceConnector, error) {
	var out VoiceConnector
	err := c.do(ctx, region, opGetConnector, "get voice connector "+id, func(ctx context.Context, r request) error {
		ctx, cancel := c.bounded(ctx)
		defer cancel()
		resp, err := r.api.GetVoiceConnector(ctx, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: aws.String(id)}, r.attempts)
		if err != nil {
			return err
		}
		if resp.VoiceConnector == nil {
			return errors.New("empty answer from the service")
		}
		out = connectorFrom(*resp.VoiceConnector, r.region)
		return nil
	})
	return out, err
}

// connectorFrom converts the SDK's shape; region is the one that was asked,
// used when the service does not echo AwsRegion.
func connectorFrom(vc types.VoiceConnector, region string) VoiceConnector {
	if vc.AwsRegion != "" {
		region = string(vc.AwsRegion)
	}
	return VoiceConnector{
		ID:                aws.ToString(vc.VoiceConnectorId),
		Name:              aws.ToString(vc.Name),
		Region:            region,
		ARN:               aws.ToString(vc.VoiceConnectorArn),
		RequireEncryption: aws.ToBool(vc.RequireEncryption),
	}
}
