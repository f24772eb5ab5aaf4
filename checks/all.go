package checks

// All is every rule lbguard has, in ID order. A test validates it.
var All = []Check{
	httpListenerNotRedirected,
	lbWithoutHTTPS,
	redirectToMissingListener,
	weakTLSPolicy,
	httpsListenerWithoutCertificate,
	redirectDowngradesToHTTP,
	tlsPolicyWithoutTLS13,
	plaintextToTargets,
	listenerPortNotAllowedIn,
	targetPortNotAllowedOut,
	healthCheckPortNotAllowedOut,
	targetPortNotAllowedIn,
	healthCheckPortNotAllowedIn,
	lbOpenBeyondListeners,
	internalLBOpenToInternet,
	lbEgressUnrestricted,
	albWithoutSecurityGroups,
	albBehindNLBNotAllowed,
	pmtudICMPNotAllowed,
}
