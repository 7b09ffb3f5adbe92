package io.github.twofa.authenticator;

import java.util.Map;
import java.util.Optional;

import org.keycloak.authentication.AuthenticationProcessor;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.AuthenticationFlowResolver;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Finds the configuration of our execution in the flow that is running. Keycloak asks an authenticator whether a
 * user may skip set-up ({@code configuredFor}, {@code setRequiredActions}) without handing it the execution, so the
 * flow bound to the current client is searched instead.
 */
final class ExecutionConfigLookup {

    private ExecutionConfigLookup() {
    }

    static Map<String, String> forCurrentFlow(KeycloakSession session, RealmModel realm, String providerId) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null) {
            return Map.of();
        }
        AuthenticationFlowModel flow = "token".equals(authSession.getAuthNote(AuthenticationProcessor.CURRENT_FLOW_PATH))
                ? AuthenticationFlowResolver.resolveDirectGrantFlow(authSession)
                : AuthenticationFlowResolver.resolveBrowserFlow(authSession);
        return flow == null ? Map.of() : find(realm, flow.getId(), providerId).orElse(Map.of());
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
