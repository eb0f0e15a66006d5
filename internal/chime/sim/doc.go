// Package sim is a simulator of the Amazon Chime SDK Voice HTTP API
// (restJson1, API version 2022-08-03), limited to the calls the reconciler
// makes and those that constrain them: CreateVoiceConnector,
// GetVoiceConnector, ListVoiceConnectors, DeleteVoiceConnector,
// Get/Put/DeleteVoiceConnectorOrigination,
// Get/Put/DeleteVoiceConnectorEmergencyCallingConfiguration and
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
// when the signing region hosts no Voice Connectors (with Config.Credentials
// such a signing region is refused, see below). ListVoiceConnectors shows
// only the signing region's connectors, and Get/Put/Delete of a connector of
// another region answer 404 NotFoundException, as the real per-region service
// would.
//
// # Authentication
//
// Without Config.Credentials the signature is not verified, but every API
// call must carry an Authorization header of the form a SigV4 signer
// produces (AWS4-HMAC-SHA256, a Credential scope naming the "chime" signing
// service, and a Signature). Otherwise the answer is 403 ForbiddenException,
// the 403 shape every operation lists (401 UnauthorizedClientException is
// never sent).
//
// With Config.Credentials (access key id -> secret access key; `reconciler
// sim --credentials AKID:SECRET,...`) the signature is verified as AWS does,
// and refusals are the front end's, not the model's: 403 with
// X-Amzn-ErrorType naming the type and the body {"message":"..."}, the form
// AWS restJson1 front ends use. They are not in the model's errors, so SDKs
// report them as generic API errors (smithy.GenericAPIError in Go):
//
//   - no Authorization header: MissingAuthenticationTokenException,
//     "Missing Authentication Token"; an Authorization header that is not
//     AWS4-HMAC-SHA256 with Credential (AKID/yyyymmdd/region/service/aws4_request),
//     SignedHeaders and Signature, each once: the same type, the message
//     followed by the expected form (AWS answers some of these
//     IncompleteSignatureException; one type keeps "garbled" one case).
//   - an access key not configured, or any X-Amz-Security-Token (the
//     configured keys are long-term, a session token never belongs to
//     them): UnrecognizedClientException, "The security token included in
//     the request is invalid."
//   - InvalidSignatureException for the rest: a scope naming another service
//     than chime ("Credential should be scoped to correct service:
//     'chime'."), or a region the service is not offered in, i.e. not one
//     of Regions() ("Credential should be scoped to a valid region, not
//     'us-east-2'."; the simulator is one endpoint for every region, so that
//     is the only region it can call wrong); host not among SignedHeaders;
//     neither X-Amz-Date nor Date; a signing time more than five minutes
//     (AWS's window) before or after the simulator's clock ("Signature
//     expired: 20261125T115159Z is now earlier than 20261125T120519Z
//     (20261125T121019Z - 5 min.)", or "Signature not yet current: ... is
//     still later than ... (... + 5 min.)"); a scope date other than the
//     signing time's; and a signature that does not match ("The request
//     signature we calculated does not match the signature you provided.
//     Check your AWS Secret Access Key and signing method. Consult the
//     service documentation for details."), including a body whose SHA-256
//     is not the x-amz-content-sha256 header's, when sent.
//
// Verification rebuilds the canonical request from what arrived, with the
// standard library, per the SigV4 specification (sigv4.go): method; the path
// exactly as on the request line, URI-encoded once more (non-S3 services
// sign the double-encoded path); the query decoded, re-encoded and sorted;
// the headers SignedHeaders names, in its order, values trimmed and inner
// spaces collapsed, repeats joined with commas, Host from the request (the
// scheme's default port dropped); SignedHeaders; and the SHA-256 of the body
// (which is therefore read, up to the 1 MiB limit, before the call is
// admitted). The string to sign and the key derived from the secret and
// the scope give the expected signature, compared in constant time. This
// was chosen over re-signing a clone with the SDK's signer because that
// signer picks its own header set (it adds content-length, skips
// user-agent), so a signature by another signer over other headers would
// be refused wrongly; the tests check the result against the SDK's signer
// and the real client. UNSIGNED-PAYLOAD and streaming payloads (S3 only)
// are refused, query-string (presigned) authentication is not served.
//
// # Origination
//
//   - GetVoiceConnectorOrigination of a connector whose origination was never
//     set, or was deleted, answers per Config.Unconfigured (the service
//     documents nothing here). UnconfiguredEmpty, the default: 200 with the
//     body {} (no Origination member), which the SDKs decode to a nil
//     Origination without error; NotFoundException then means one thing
//     only: the connector does not exist. UnconfiguredNotFound: 404
//     NotFoundException "voice connector <id> has no origination settings",
//     so that a client can be tested against both answers.
//   - DeleteVoiceConnectorOrigination when none is set: 204 with
//     UnconfiguredEmpty (delete is idempotent, so a retried delete
//     succeeds), 404 as above with UnconfiguredNotFound.
//   - PutVoiceConnectorOrigination replaces the whole origination (no merge)
//     and answers with what was stored: Routes (possibly []) and Disabled are
//     always present, Port defaults to 5060, and Protocol, Priority and Weight
//     are echoed only if given. Route order is kept.
//   - Validation follows the model and names the member in the message, e.g.
//     "Origination.Routes[2].Priority must be between 1 and 100, got 0":
//     Origination required; Routes or Disabled required; Port 0..65535 (the
//     model's minimum is 0); Priority and Weight 1..100; Protocol, when
//     given, TCP or UDP ("" is no enum value); Host required (the model has
//     no constraint, but a route without a host cannot carry calls). Keys
//     are matched case-sensitively, null counts as absent, quoted numbers
//     and other wrong types are 400 BadRequestException, unknown members are
//     ignored, and an empty body is the empty object.
//   - At least one route unless Disabled is true: the Routes member
//     documents a minimum of 1, so {"Routes":[],"Disabled":false} and
//     {"Disabled":false} are 400 ("Origination.Routes must hold at least one
//     route unless Disabled is true"); {"Disabled":true}, with or without
//     an empty Routes, is accepted.
//   - At most Config.RouteQuota routes (default DefaultRouteQuota, 10; at
//     most MaxRoutes, 20): the model has no length trait, the
//     OriginationRoute text says "Limit: Ten origination routes for each
//     Voice Connector" (the account default) and the Routes member
//     documents a maximum of 20 (the most a raised quota gives). A Put with
//     more is 400 BadRequestException "Origination.Routes: 12 routes exceed
//     the account's quota of 10 routes per Voice Connector" (the service's
//     wording is not documented). SetOrigination checks MaxRoutes only: it
//     sets up state that an account with a raised quota may hold.
//
// # Emergency calling
//
// Get/Put/DeleteVoiceConnectorEmergencyCallingConfiguration follow the
// model: GET, PUT (200) and DELETE (204) on
// /voice-connectors/{id}/emergency-calling-configuration, the member
// EmergencyCallingConfiguration ({"DNIS":[...]}) in the Put request and in
// the Get and Put answers, and the errors the model lists (no
// AccessDenied). Put replaces the whole configuration and echoes it; DNIS is
// optional in the model and always echoed, possibly []. Each DNIS entry
// needs EmergencyPhoneNumber and CallingCountry; EmergencyPhoneNumber and
// TestPhoneNumber must match the model's E.164 pattern ^\+?[1-9]\d{1,14}$
// (2 to 15 digits), CallingCountry [A-Z]{2}, matched whole. The numbers are
// sensitive in the model, so messages do not repeat them. An unset
// configuration answers Get and Delete per Config.Unconfigured, as for
// origination ("voice connector <id> has no emergency calling
// configuration"). The service may require more (origination or
// termination set, known countries); the model and docs say nothing, so
// the simulator does not.
//
// While a connector has an emergency calling configuration (even one with
// no DNIS entry), a PutVoiceConnectorOrigination with Disabled true and a
// DeleteVoiceConnectorOrigination are 400 BadRequestException: the docs say
// "If emergency calling is configured for the Voice Connector, it must be
// deleted prior to" deleting or turning off origination settings, and do not
// name the error; BadRequestException is the only fitting one the
// operations list. The messages quote that rule, e.g. "If emergency calling
// is configured for the Voice Connector, it must be deleted prior to
// deleting the origination settings (voice connector <id> has an emergency
// calling configuration)". Deleting an origination that is not set answers
// as unset (above) before this rule applies. The check and the change are
// one step under the store's lock. SetOrigination applies the same rule.
// Deleting the connector deletes its configurations with it.
//
// # Ids, listing
//
// Connector ids are 22 random lower-case alphanumerics; the ARN is
// arn:aws:chime:<region>:<account>:vc/<id> and the outbound host name
// <id>.voiceconnector.chime.aws. Create, Get and List answer every member of
// the model's VoiceConnector: IntegrationType only when the connector was
// created with one (it has no default), NetworkType always, IPV4_ONLY when
// none was given (the documents name no default; IPv4 only is what every
// connector was before dual stack). Create's enum members, when given, must
// be enum values ("" is not one). A VoiceConnectorId label that does not match
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
// Errors of the service follow the model's shapes (those of the front end,
// for Config.Credentials, are above): status from the shape's httpStatusCode,
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
// CreateConnector, Connectors, Origination, SetOrigination, EmergencyCalling
// and SetEmergencyCalling reach the state directly, bypassing rate limit,
// faults, latency and stats (but not validation, the emergency calling
// rule, or the state file), for test setup and drift injection.
//
// It is internal to the reconciler and has no compatibility promise.
package sim
