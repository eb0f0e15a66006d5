// Package sim is a simulator of the Amazon Chime SDK Voice HTTP API
// (restJson1, API version 2022-08-03), limited to the calls the reconciler
// makes: CreateVoiceConnector, GetVoiceConnector, ListVoiceConnectors,
// DeleteVoiceConnector, Get/Put/DeleteVoiceConnectorOrigination and
// ListAvailableVoiceConnectorRegions. It speaks the service's wire protocol
// (paths, methods, status codes, PascalCase JSON members, ISO 8601
// timestamps, error headers), so the real aws-sdk-go-v2 client, and any other
// AWS client, can be pointed at it with a custom endpoint. Tests, benchmarks
// and `reconciler demo` run against it; `reconciler sim` serves it on
// loopback.
//
// # Regions
//
// AWS has one endpoint per region; the simulator is one endpoint for all. It
// takes the caller's region from the SigV4 credential scope of the
// Authorization header (Credential=AKID/20261125/us-east-1/chime/aws4_request).
// A connector lives in the region it was created in: CreateVoiceConnector's
// AwsRegion member or, when absent, the signing region (as a regional
// endpoint would), falling back to us-east-1 (the model's documented default)
// when the signing region hosts no Voice Connectors. ListVoiceConnectors shows
// only the signing region's connectors, and Get/Put/Delete of a connector of
// another region answer 404 NotFoundException, as the real per-region service
// would.
//
// # Authentication
//
// The signature is not verified (the simulator knows no secrets), but every
// API call must carry an Authorization header of the form a SigV4 signer
// produces (AWS4-HMAC-SHA256, a Credential scope naming the "chime" signing
// service, and a Signature). Otherwise the answer is 403 ForbiddenException:
// AWS answers unsigned and badly signed requests with 403, and
// ForbiddenException is the 403 shape every operation lists (401
// UnauthorizedClientException is never sent).
//
// # Origination
//
//   - GetVoiceConnectorOrigination of a connector whose origination was never
//     set, or was deleted, answers 200 with the body {}: no Origination
//     member. The service documents nothing here; {} is what the SDKs decode
//     to a nil Origination without error, and it keeps NotFoundException
//     meaning one thing only: the connector does not exist.
//   - DeleteVoiceConnectorOrigination when none is set answers 204: delete is
//     idempotent, so a retried delete succeeds.
//   - PutVoiceConnectorOrigination replaces the whole origination (no merge)
//     and answers with what was stored: Routes (possibly []) and Disabled are
//     always present, Port defaults to 5060, and Protocol, Priority and Weight
//     are echoed only if given. Route order is kept.
//   - Validation follows the model and names the member in the message, e.g.
//     "Origination.Routes[2].Priority must be between 1 and 100, got 0":
//     Origination required; Routes or Disabled required; Port 0..65535;
//     Priority and Weight 1..100; Protocol TCP or UDP; Host required (the
//     model has no constraint, but a route without a host cannot carry calls).
//     Keys are matched case-sensitively, null counts as absent, quoted numbers
//     and other wrong types are 400 BadRequestException, unknown members are
//     ignored, and an empty body is the empty object.
//   - At most MaxRoutes (20) routes: the Routes member documents 1..20 while
//     the OriginationRoute text says ten, and the model has no length trait.
//     The simulator accepts the API's range so it never rejects what the
//     service may accept; the quota of ten is the reconciler's own check. An
//     empty Routes list is accepted only together with Disabled.
//
// # Ids, listing
//
// Connector ids are 22 random lower-case alphanumerics; the ARN is
// arn:aws:chime:<region>:<account>:vc/<id> and the outbound host name
// <id>.voiceconnector.chime.aws. A VoiceConnectorId label that does not match
// the model's pattern (including an empty one, as in
// /voice-connectors//origination) is 400 BadRequestException; a well-formed
// id that no connector of the signing region has is 404 NotFoundException.
//
// ListVoiceConnectors returns connectors in id order, DefaultPageSize (10)
// per page when max-results is absent (the service documents no default; a
// small one makes clients that forget to paginate fail in tests), max-results
// 1..100 (else 400). next-token is opaque, bound to the region, and validated
// (400 if it is not one the simulator issued); it is a cursor, so changes
// between pages cause neither duplicates nor gaps. The last page has no
// NextToken.
//
// # Errors
//
// Errors follow the model's shapes: status from the shape's httpStatusCode,
// Content-Type application/json, X-Amzn-ErrorType naming the shape (from
// which SDKs pick the typed error), and the body {"Code":"...","Message":"..."}
// with Code the ErrorCode value for the shape (ThrottledClientException has
// Code "Throttled"). Each operation answers only errors the model lists for
// it: NotFound never on Create or the List operations, ResourceLimitExceeded
// (400, more than 10000 connectors in a region: a memory bound) only on
// Create. Every answer carries x-amzn-RequestId. Paths outside the API answer
// 404 and known paths with a wrong method 405 (with Allow), both with
// X-Amzn-ErrorType UnknownOperationException. Bodies over 1 MiB are 400.
//
// # Throttling, faults, latency
//
// Each operation has its own token bucket (Config.Rate, Burst), shared by all
// clients; an empty bucket answers 429 ThrottledClientException. With
// probability Config.FaultRate a call is answered 500 ServiceFailureException
// or 503 ServiceUnavailableException (evenly) without running. Config.Latency
// plus a uniform jitter delays every API call, and with probability
// Config.SpikeRate a call waits Config.Spike more (a latency spike, as a
// slow partition or a pause of the service gives); a client that gives up
// stops the wait. Faults, jitter and spikes come from one source seeded with
// Config.Seed, so a sequential run is reproducible. The order of checks is:
// route, latency, authentication, rate limit, fault, operation.
//
// # State, statistics, direct access
//
// With Config.StatePath the state is loaded at start and, after every
// change, written to a temporary file, fsynced, renamed over the state file,
// and the directory fsynced, all before the answer is sent; so a SIGKILL
// loses nothing acknowledged. A change that cannot be saved is undone and
// answered 500.
//
// GET /_sim/stats returns Stats as JSON and POST /_sim/reset-stats zeroes
// them; neither is authenticated, throttled or counted. The Service methods
// CreateConnector, Connectors, Origination and SetOrigination reach the state
// directly, bypassing rate limit, faults, latency and stats (but not
// validation or the state file), for test setup and drift injection.
//
// It is internal to the reconciler and has no compatibility promise.
package sim
