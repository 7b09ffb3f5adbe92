package io.github.twofa.authenticator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.AuthenticationFlowResolver;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Finds the configuration of our execution that is running. Keycloak asks an authenticator whether a user may skip
 * set-up ({@code setRequiredActions}) without handing it the execution, but marks that execution "set-up required"
 * in the authentication session just before, so it is found there: the step in a post-broker-login flow, a
 * reset-credentials flow or a step-up sub-flow gets its own settings, not another copy's.
 */
public final class ExecutionConfigLookup {

    private static final Logger LOG = Logger.getLogger(ExecutionConfigLookup.class);

    private ExecutionConfigLookup() {}

    /**
     * The settings of each of our executions (of {@code providerId}) marked "set-up required" in this login: the one
     * running now and, should the login have passed another copy of the step without 2FA before, that one too; the
     * caller applies the strictest. Falls back to the flow bound for the client when there is no authentication
     * session in the context.
     *
     * @param directGrant whether the step runs in a direct-grant flow (token requests) rather than a browser flow
     */
    static List<Map<String, String>> forStepsNeedingSetUp(
            KeycloakSession session, RealmModel realm, String providerId, boolean directGrant) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        List<Map<String, String>> configs = authSession == null
                ? List.of()
                : stepsNeedingSetUp(realm, authSession, Set.of(providerId))
                        .map(execution -> configOf(realm, execution, providerId))
                        .flatMap(Optional::stream)
                        .toList();
        return configs.isEmpty() ? List.of(forCurrentFlow(session, realm, providerId, directGrant)) : configs;
    }

    /**
     * Whether one of our executions marked "set-up required" in this login sits in a step-up sub-flow (beside
     * Keycloak's "Condition - Level of Authentication"). Such a sub-flow runs only when the client asked for its
     * level, and reaching the level must mean a code was typed, so there nobody may skip setting 2FA up.
     */
    static boolean isInStepUpFlow(KeycloakSession session, RealmModel realm, String providerId) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        return authSession != null
                && stepsNeedingSetUp(realm, authSession, Set.of(providerId))
                        .anyMatch(execution -> hasLevelConditionAbove(realm, execution.getParentFlow(), 0));
    }

    /** The executions of {@code providerIds} that Keycloak marked "set-up required" in this login. */
    public static Stream<AuthenticationExecutionModel> stepsNeedingSetUp(
            RealmModel realm, AuthenticationSessionModel authSession, Set<String> providerIds) {
        return authSession.getExecutionStatus().entrySet().stream()
                .filter(status -> status.getValue() == AuthenticationSessionModel.ExecutionStatus.SETUP_REQUIRED)
                .map(status -> realm.getAuthenticationExecutionById(status.getKey()))
                .filter(execution -> execution != null && providerIds.contains(execution.getAuthenticator()));
    }

    /** Whether {@code flowId} or a flow it sits in holds "Condition - Level of Authentication". */
    private static boolean hasLevelConditionAbove(RealmModel realm, String flowId, int depth) {
        if (flowId == null || depth > MAX_FLOW_DEPTH) {
            return false;
        }
        if (realm.getAuthenticationExecutionsStream(flowId)
                .anyMatch(e -> LEVEL_CONDITION.equals(e.getAuthenticator()))) {
            return true;
        }
        return realm.getAuthenticationFlowsStream()
                .flatMap(flow -> realm.getAuthenticationExecutionsStream(flow.getId()))
                .filter(e -> flowId.equals(e.getFlowId()))
                .anyMatch(e -> hasLevelConditionAbove(realm, e.getParentFlow(), depth + 1));
    }

    /** Keycloak's flows are shallow; the bound only guards against a loop in a broken import. */
    private static final int MAX_FLOW_DEPTH = 16;

    /** The id of Keycloak's "Condition - Level of Authentication". */
    private static final String LEVEL_CONDITION = "conditional-level-of-authentication";

    static Map<String, String> forCurrentFlow(
            KeycloakSession session, RealmModel realm, String providerId, boolean directGrant) {
        AuthenticationFlowModel flow = currentFlow(session, realm, directGrant);
        Map<String, String> config =
                flow == null ? Map.of() : find(realm, flow.getId(), providerId).orElse(Map.of());
        LOG.debugf(
                "Step %s in flow %s has configuration %s", providerId, flow == null ? null : flow.getAlias(), config);
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
        String binding = directGrant
                ? AuthenticationFlowBindings.DIRECT_GRANT_BINDING
                : AuthenticationFlowBindings.BROWSER_BINDING;
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

    private static Optional<Map<String, String>> configOf(
            RealmModel realm, AuthenticationExecutionModel execution, String providerId) {
        if (!providerId.equals(execution.getAuthenticator())) {
            return Optional.empty();
        }
        AuthenticatorConfigModel config = execution.getAuthenticatorConfig() == null
                ? null
                : realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig());
        return Optional.of(config == null || config.getConfig() == null ? Map.of() : config.getConfig());
    }
}
