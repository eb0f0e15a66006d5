package chime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// Client is the port to the Chime SDK Voice API. It is safe for concurrent
// use: SDK clients and rate limiters are per region and shared by all callers.
type Client struct {
	cfg     aws.Config // loaded once by New; copied per region
	opts    ClientOptions
	retryer *retry.Standard

	mu      sync.Mutex
	regions map[string]*regional
}

// regional is what the Client keeps for one region.
type regional struct {
	api     *chimesdkvoice.Client
	limiter *limiter
}

// New loads the AWS configuration once, through the SDK's standard chain
// (environment, shared config and profiles, SSO, web identity, IMDS). SDK
// clients are created per region on first use.
func New(ctx context.Context, opts ClientOptions) (*Client, error) {
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("chime options: %w", err)
	}
	opts = opts.withDefaults()
	cfg, err := config.LoadDefaultConfig(ctx, opts.ConfigOptions...)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	if opts.Region == "" {
		opts.Region = cfg.Region
	}
	return &Client{
		cfg:     cfg,
		opts:    opts,
		retryer: newRetryer(opts),
		regions: make(map[string]*regional),
	}, nil
}

// DefaultRegion is the region used for calls that name none; "" if neither
// ClientOptions.Region nor the AWS config set one.
func (c *Client) DefaultRegion() string { return c.opts.Region }

// region returns the resolved region name and its client, creating it on
// first use.
func (c *Client) region(name string) (string, *regional, error) {
	if name == "" {
		name = c.opts.Region
	}
	if name == "" {
		return "", nil, errors.New("no region: set one in the spec, with --region or AWS_REGION")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.regions[name]
	if !ok {
		r = c.newRegional(name)
		c.regions[name] = r
	}
	return name, r, nil
}

func (c *Client) newRegional(name string) *regional {
	api := chimesdkvoice.NewFromConfig(c.cfg, func(o *chimesdkvoice.Options) {
		o.Region = name
		o.Retryer = c.retryer
		if c.opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.opts.Endpoint)
		}
		for _, fn := range c.opts.ClientOptions {
			fn(o)
		}
	})
	c.opts.Logger.Debug("regional client created", logKeyRegion, name)
	var report func(float64)
	if ro, ok := c.opts.Observer.(RateObserver); ok {
		report = func(perSecond float64) { ro.RateLimit(name, perSecond) }
	}
	return &regional{api: api, limiter: newLimiter(c.opts, report)}
}
