package io.github.twofa.authenticator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticationFlowBindings;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Every way a realm hands out a session, and whether our step checks the second factor on it: the browser flow (the
 * realm's and each client's override), the direct-grant flow (where a client may use it), "forgot password" (when it
 * is on) and each enabled identity provider (its post-login flow). A way without our step lets a user with 2FA in on
 * the first factor alone; each such way is a {@link Gap}.
 */
public final class FlowCoverage {

    /** One way in that does not check the second factor: the flow (null: none is set) and what it is bound to. */
    public record Gap(String flow, String boundTo, String reason) {

        @Override
        public String toString() {
            return (flow == null ? "no flow" : "flow '" + flow + "'") + " (" + boundTo + "): " + reason;
        }
    }

    private static final Logger LOG = Logger.getLogger(FlowCoverage.class);

    private FlowCoverage() {}

    /** Logs a warning for each realm with gaps, naming every flow; realms without our step at all are not ours to judge. */
    static void warnAboutGaps(KeycloakSession session) {
        session.realms().getRealmsStream().forEach(realm -> {
            session.getContext().setRealm(realm);
            if (!usesTwoFactor(realm)) {
                return;
            }
            List<Gap> gaps = gaps(session, realm);
            if (!gaps.isEmpty()) {
                LOG.warnf(
                        "Realm %s: users with 2FA can log in without their second factor through %s. Add the 2FA step "
                                + "to these flows (see the README's setup).",
                        realm.getName(),
                        String.join("; ", gaps.stream().map(Gap::toString).toList()));
            }
        });
    }

    /** Whether any flow of the realm has our step: only then can its users have 2FA to skip. */
    private static boolean usesTwoFactor(RealmModel realm) {
        return realm.getAuthenticationFlowsStream()
                .anyMatch(flow -> realm.getAuthenticationExecutionsStream(flow.getId())
                        .anyMatch(execution -> TotpAuthenticatorFactory.PROVIDER_ID.equals(execution.getAuthenticator())
                                || DirectGrantTwoFactorAuthenticatorFactory.PROVIDER_ID.equals(
                                        execution.getAuthenticator())));
    }

    /** The realm's gaps; {@code session}'s context must be the realm (identity providers are looked up through it). */
    public static List<Gap> gaps(KeycloakSession session, RealmModel realm) {
        List<Gap> gaps = new ArrayList<>();
        check(realm, realm.getBrowserFlow(), TotpAuthenticatorFactory.PROVIDER_ID, "browser login", gaps);
        List<ClientModel> clients =
                realm.getClientsStream().filter(ClientModel::isEnabled).toList();
        for (ClientModel client : clients) {
            flowOverride(realm, client, AuthenticationFlowBindings.BROWSER_BINDING)
                    .ifPresent(flow -> check(
                            realm,
                            flow,
                            TotpAuthenticatorFactory.PROVIDER_ID,
                            "browser login of client " + client.getClientId(),
                            gaps));
        }
        for (ClientModel client : clients.stream()
                .filter(ClientModel::isDirectAccessGrantsEnabled)
                .toList()) {
            AuthenticationFlowModel flow = flowOverride(realm, client, AuthenticationFlowBindings.DIRECT_GRANT_BINDING)
                    .orElse(realm.getDirectGrantFlow());
            check(
                    realm,
                    flow,
                    DirectGrantTwoFactorAuthenticatorFactory.PROVIDER_ID,
                    "direct grant of client " + client.getClientId(),
                    gaps);
        }
        if (realm.isResetPasswordAllowed()) {
            check(
                    realm,
                    realm.getResetCredentialsFlow(),
                    TotpAuthenticatorFactory.PROVIDER_ID,
                    "forgot password",
                    gaps);
        }
        session.identityProviders()
                .getAllStream()
                .filter(IdentityProviderModel::isEnabled)
                .forEach(provider -> {
                    String flowId = provider.getPostBrokerLoginFlowId();
                    AuthenticationFlowModel flow = flowId == null ? null : realm.getAuthenticationFlowById(flowId);
                    if (flow == null) {
                        gaps.add(new Gap(
                                null,
                                "post login flow of identity provider " + provider.getAlias(),
                                "a user with 2FA who logs in through it is never asked for a code"));
                    } else {
                        check(
                                realm,
                                flow,
                                TotpAuthenticatorFactory.PROVIDER_ID,
                                "post login flow of identity provider " + provider.getAlias(),
                                gaps);
                    }
                });
        return gaps;
    }

    private static Optional<AuthenticationFlowModel> flowOverride(
            RealmModel realm, ClientModel client, String binding) {
        String id = client.getAuthenticationFlowBindingOverride(binding);
        return Optional.ofNullable(id == null ? null : realm.getAuthenticationFlowById(id));
    }

    private static void check(
            RealmModel realm, AuthenticationFlowModel flow, String stepId, String boundTo, List<Gap> gaps) {
        if (flow != null && !contains(realm, flow.getId(), stepId)) {
            gaps.add(new Gap(flow.getAlias(), boundTo, "it has no enabled step " + stepId));
        }
    }

    /** Whether the flow or one of its enabled sub-flows has an enabled execution of {@code stepId}. */
    static boolean contains(RealmModel realm, String flowId, String stepId) {
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(execution -> !execution.isDisabled())
                .anyMatch(execution -> execution.isAuthenticatorFlow()
                        ? contains(realm, execution.getFlowId(), stepId)
                        : Objects.equals(stepId, execution.getAuthenticator()));
    }
}
