package io.github.twofa.authenticator;

import java.util.Map;
import java.util.Optional;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.ClientModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.AuthenticationFlowResolver;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Finds the configuration of our execution in the flow that is running. Keycloak asks an authenticator whether a
 * user may skip set-up ({@code setRequiredActions}) without handing it the execution, so the flow of that kind
 * bound to the current client is searched instead.
 */
final class ExecutionConfigLookup {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ExecutionConfigLookup.class);

    private ExecutionConfigLookup() {
    }

    /**
     * @param directGrant whether the step runs in a direct-grant flow (token requests) rather than a browser flow
     */
    static Map<String, String> forCurrentFlow(KeycloakSession session, RealmModel realm, String providerId, boolean directGrant) {
        AuthenticationFlowModel flow = currentFlow(session, realm, directGrant);
        Map<String, String> config = flow == null ? Map.of() : find(realm, flow.getId(), providerId).orElse(Map.of());
        LOG.debugf("Step %s in flow %s has configuration %s", providerId, flow == null ? null : flow.getAlias(), config);
        return config;
    }

    /** The flow bound for the client being logged in to (its override, or the realm's binding). */
    private static AuthenticationFlowModel currentFlow(KeycloakSession session, RealmModel realm, boolean directGrant) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession != null) {
            return directGrant
                    ? AuthenticationFlowResolver.resolveDirectGrantFlow(authSession)
                    : AuthenticationFlowResolver.resolveBrowserFlow(authSession);
        }
        ClientModel client = session.getContext().getClient();
        String binding = directGrant ? AuthenticationFlowBindings.DIRECT_GRANT_BINDING : AuthenticationFlowBindings.BROWSER_BINDING;
        String override = client == null ? null : client.getAuthenticationFlowBindingOverride(binding);
        AuthenticationFlowModel realmFlow = directGrant ? realm.getDirectGrantFlow() : realm.getBrowserFlow();
        return override != null ? realm.getAuthenticationFlowById(override) : realmFlow;
    }

    private static Optional<Map<String, String>> find(RealmModel realm, String flowId, String providerId) {
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(execution -> !execution.isDisabled())
                .map(execution -> execution.isAuthenticatorFlow()
                        ? find(realm, execution.getFlowId(), providerId)
                        : configOf(realm, execution, providerId))
                .flatMap(Optional::stream)
                .findFirst();
    }

    private static Optional<Map<String, String>> configOf(RealmModel realm, AuthenticationExecutionModel execution,
                                                          String providerId) {
        if (!providerId.equals(execution.getAuthenticator())) {
            return Optional.empty();
        }
        AuthenticatorConfigModel config = execution.getAuthenticatorConfig() == null
                ? null : realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig());
        return Optional.of(config == null || config.getConfig() == null ? Map.of() : config.getConfig());
    }
}
