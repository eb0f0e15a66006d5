// Package chime is the reconciler's narrow port to the Amazon Chime SDK
// Voice API: list and get Voice Connectors, and get, put and delete their
// origination settings, over aws-sdk-go-v2. Live state comes back as the
// shared *origination.Origination, normalised, with nil meaning "none".
//
// # Clients and regions
//
// New loads the AWS configuration once (config.LoadDefaultConfig: env,
// shared config and profiles, SSO, web identity, IMDS). The endpoint is the
// SDK's standard one unless ClientOptions.Endpoint is set; AWS_ENDPOINT_URL_CHIME_SDK_VOICE
// and AWS_ENDPOINT_URL are honoured by the SDK itself. One SDK client per
// region is created on first use and cached, each with its own client-side
// rate limiter shared by every caller in the process.
//
// # Attempts, rate limit and timeouts
//
// A middleware placed right after the SDK's retry middleware runs once per
// attempt, so retries pass through it too. It waits for the region's rate
// limiter (ClientOptions.APIRate and APIBurst), so the configured rate bounds what
// the service sees, retries included; then it gives the attempt its own
// ClientOptions.Timeout. A request as a whole (all attempts, waits and backoff) is
// bounded by ClientOptions.CallTimeout and by the caller's context: cancellation
// ends a limiter wait or a backoff sleep at once.
//
// # Retries and throttling
//
// The retryer is the SDK's standard one (jittered exponential backoff capped
// at ClientOptions.MaxBackoff, ClientOptions.MaxAttempts attempts) with two changes.
//
// ThrottledClientException is registered as a retryable throttle. The
// service answers throttling with that modeled error and HTTP 429, but the
// SDK retries neither: the code is in none of its lists, 429 is not a
// retryable status, and its "unmodeled 429" rule skips modeled errors. Left
// alone, every throttle would fail the call at once. Registering it as a
// throttle (not merely retryable) also gives it the 1 s throttle backoff base
// instead of 50 ms.
//
// The retry quota is disabled (ratelimit.None). The SDK's token bucket holds
// 500 tokens and charges each retry 5 or 14; after a bad hour of 5xx or
// throttling a long-running daemon would find it empty and stop retrying
// altogether, failing calls on their first error. Pressure on the service is
// bounded instead by the client-side rate limiter and by MaxAttempts.
//
// 5xx answers and connection errors are retried as the SDK does by default;
// 4xx validation, NotFound, Forbidden, AccessDenied and Unauthorized errors
// never are. IsTransient and IsNotFound classify the final error for the
// reconcile loop. Errors name the operation, connector and region and keep
// the typed SDK error reachable with errors.As.
//
// # Metrics
//
// ClientOptions.Observer gets Request once per logical call with its final outcome
// and total latency, Retry once per attempt after the first, and Throttle
// once per throttled attempt.
//
// It is internal to the reconciler and has no compatibility promise.
package chime
