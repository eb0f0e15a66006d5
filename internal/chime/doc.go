// Package chime is the reconciler's narrow port to the Amazon Chime SDK
// Voice API: list and get Voice Connectors, get, put and delete their
// origination settings, and ask whether they have emergency calling
// configured, over aws-sdk-go-v2. Live state comes back as the shared
// *origination.Origination, normalised, with nil meaning "none".
//
// # No origination, or no connector
//
// For a connector without origination the service may answer 200 without
// an Origination (or an empty one) or 404 NotFoundException; it documents
// neither, and the simulator serves both (sim.Config.Unconfigured). A 404
// is also the answer for a connector that does not exist, and the two must
// not be confused: a spec that says absent: true of a missing connector is
// an error, not "nothing to do". So GetOrigination, after a 404, asks
// GetVoiceConnector: the connector exists, and the answer is nil, or it
// does not, and the error is a *MissingConnectorError (IsNotFound). That
// costs one call more per connector without origination, only from a
// service that answers 404 for it; GetOriginationOf skips it for a
// connector the caller knows exists (just listed, or found by the plan
// that is being applied). DeleteOrigination treats a 404 the same way: if
// the connector exists, the desired state, no origination, holds, and the
// delete succeeds. EmergencyCallingConfigured takes a 404 for "not
// configured": it is asked only of connectors the plan found.
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
// at ClientOptions.MaxBackoff, ClientOptions.MaxAttempts attempts) with three
// changes.
//
// A refusal of the credentials (see Errors) is never retried. The SDK would
// not retry one either, but its first check says so, so that no later check
// of a status or a code can.
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
// never are, and neither are refusals of the credentials (below).
//
// # Errors
//
// Errors name the operation, connector and region ("get origination of
// <id> in us-east-1: ...") and keep the typed SDK error reachable with
// errors.As. They fall in these classes:
//
//   - transient (IsTransient): throttling, 5xx, timeouts, connection
//     errors: what the retryer retries within the call, up to MaxAttempts.
//     When the call still fails, it is worth retrying later.
//   - not found (IsNotFound): the connector does not exist. Permanent.
//   - refused credentials (IsCredentials): AWS's front end refused the
//     request's signature or key before the service ran: 403
//     MissingAuthenticationTokenException (no signature),
//     UnrecognizedClientException (an access key id or session token AWS
//     does not know), InvalidSignatureException (wrong secret, clock off by
//     more than five minutes, wrong region or service in the scope), and
//     their kin in other protocols. They are in no operation's model, so
//     the SDK reports them as *smithy.GenericAPIError; the port wraps them
//     in a *CredentialsError whose text says "AWS refused the credentials:
//     <code>: <the service's message>". Permanent, never retried: the same
//     credentials are refused again. The one exception is the SDK's clock
//     skew correction, which makes one more attempt, signed with the
//     corrected time, when the refusal's Date header shows this host's
//     clock more than four minutes off.
//   - route quota (*RouteQuotaError): a Put of more routes than the
//     account's quota of routes per Voice Connector (10 unless AWS raised
//     it), recognised as a BadRequestException on a Put of more than 10
//     routes whose message speaks of a quota, limit or length (the
//     service's wording is not documented). Its text keeps the service's:
//     "the service refused 12 routes: BadRequestException: ...". Permanent.
//   - every other API error (validation, Forbidden, AccessDenied, ...):
//     permanent until the spec or the account changes.
//
// # Metrics
//
// ClientOptions.Observer gets Request once per logical call with its final outcome
// and total latency, Retry once per attempt after the first, and Throttle
// once per throttled attempt.
//
// It is internal to the reconciler and has no compatibility promise.
package chime
