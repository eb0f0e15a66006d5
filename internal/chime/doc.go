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
// limiter, a token bucket of ClientOptions.APIBurst tokens, so that the rate
// bounds what the service sees, retries included; then it gives the attempt
// its own ClientOptions.Timeout. A request as a whole (all attempts, waits
// and backoff) is bounded by ClientOptions.CallTimeout and by the caller's
// context: cancellation ends a limiter wait or a backoff sleep at once.
//
// # The adaptive rate
//
// The service throttles each operation above a rate it does not publish,
// so a fixed client-side rate (ClientOptions.APIRate) is a guess: too high
// and calls spend their attempts on throttles, too low and a large fleet
// crawls. With ClientOptions.AdaptiveRate (the CLI's --api-rate auto) each
// region's rate is found instead, as TCP's CUBIC finds a congestion window
// and the AWS SDKs' adaptive retry mode a send rate, with the SDK's
// constants where they fit:
//
//   - Start at 5 requests/s, a quarter of the old fixed default: a short
//     run against a slow service costs few throttles.
//   - Slow start: until the first throttle, double the rate every 0.5 s of
//     sending at the limit, so that a fast service is reached quickly:
//     100 requests/s in about 2 s.
//   - On a throttle, cut the rate to 70% (the SDK's beta), and remember the
//     peak to return to: the rate cut from, or the rate the service
//     accepted over the last second if that is higher. A throttle of an
//     attempt sent before the last cut does not cut again: the attempts in
//     flight with it were all sent at the old rate, and one cut is enough
//     for them. A run of throttles of attempts sent after each cut (the
//     service's own bucket is empty) cuts again each time, so the rate falls
//     geometrically until the service stops throttling.
//   - After a cut, follow CUBIC's curve: back to the peak in k seconds,
//     quickly at first, then flat near the peak, then beyond it ever faster
//     until the next throttle: rate(t) = peak*(1 - 0.3*(1 - t/k)^3). k is
//     4 s, or the time of 100 calls at the peak if that is longer: each
//     probe past the service's rate costs a throttle or two, and at a few
//     requests/s 4 s would make that several percent of all calls.
//   - Never below 0.5 requests/s (the SDK's floor), never above
//     ClientOptions.APIRateMax (--api-rate-max, default 100).
//
// The rate grows only while it is what holds the callers back: the curve's
// clock advances by 1/rate for each answer (but a throttle) to an attempt
// that had to wait for the bucket, not with the wall clock. An idle
// daemon, or callers that send less than the rate allows, leave it where it
// is, and the next pass starts from the rate the last one found. An answer
// that is not a throttle (a success, but also a 5xx or a validation error)
// counts as the service having taken the request; an attempt without an
// answer (a connection error, a timeout) says nothing of the rate.
//
// The SDK's own adaptive mode (retry.NewAdaptiveMode) is not used, nor
// its pieces, which are not exported: its rate is unlimited until the
// first throttle, has no ceiling and cannot be read for a metric, and its
// CUBIC constant is absolute (0.4 requests/s per s³), which brings a
// 5 requests/s service back to its peak 1.5 s after each cut, and past it
// soon after. The aws/ratelimit package is the retry quota, not a send
// rate. An Observer that is also a RateObserver gets each region's rate
// whenever it changes.
//
// # Retries and throttling
//
// The retryer is the SDK's standard one (jittered exponential backoff) with
// these changes.
//
// A call has two budgets of attempts: ClientOptions.MaxThrottleAttempts
// (default 25, Terraform's AWS provider's number) for throttled attempts
// and ClientOptions.MaxAttempts (default 10) for attempts that fail
// otherwise (5xx, timeouts, connection errors). The call gives up when
// either is spent; the attempt middleware counts them and ends the call
// with a *retry.MaxAttemptsError, which the retryer never retries. With one
// shared budget of five, throttles ate the attempts that 5xx needed. Many
// attempts at throttles are cheap when each cuts the adaptive rate; 5xx
// keep a bounded budget, but of ten: at 30% 5xx, five attempts fail a call
// once in 412 (0.3^5), about once per apply of 150 connectors; ten fail
// one in 170,000.
//
// Throttles back off from a 1 s base as the SDK does, but for at most 5 s
// rather than MaxBackoff (20 s): 25 attempts then fit in the call's two
// minutes, and the rate limiter spaces the retries anyway. Other errors
// back off from 50 ms up to ClientOptions.MaxBackoff.
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
// throttle (not merely retryable) also gives it the throttle backoff.
//
// Every 5xx is retried, where the SDK retries 500, 502, 503 and 504 only,
// so that the retryer retries what IsTransient calls transient.
//
// The retry quota is disabled (ratelimit.None). The SDK's token bucket holds
// 500 tokens and charges each retry 5 or 14; after a bad hour of 5xx or
// throttling a long-running daemon would find it empty and stop retrying
// altogether, failing calls on their first error. Pressure on the service is
// bounded instead by the client-side rate limiter and the budgets.
//
// 4xx validation, NotFound, Forbidden, AccessDenied and Unauthorized
// errors are never retried.
//
// # Errors
//
// Errors name the operation, connector and region ("get origination of
// <id> in us-east-1: ...") and keep the typed SDK error reachable with
// errors.As. They fall in these classes:
//
//   - transient (IsTransient): throttling, 5xx, timeouts, connection
//     errors: what the retryer retries within the call, within its
//     budgets. When the call still fails, it is worth retrying later.
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
//   - route quota (*origination.RouteQuotaError): a Put of more routes than the
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
// once per throttled attempt. If it is also a RateObserver, it gets
// RateLimit with each region's rate limit: once when the region's first
// call makes its limiter, and at every change of an adaptive rate.
//
// It is internal to the reconciler and has no compatibility promise.
package chime
