package io.github.twofa.authenticator;

import java.util.Map;

import io.github.twofa.metrics.TwoFactorMetrics;
import io.github.twofa.settings.ProviderIds;
import org.keycloak.authentication.AuthenticatorUtil;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.WebAuthnPolicy;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * A login that began with a passkey (Keycloak's WebAuthn passwordless step, or a passkey on its username form) needs
 * no code: a passkey whose authenticator verified the user (PIN or biometrics) is already two factors. Only when the
 * realm's passwordless policy requires that verification, since a passkey without it is one factor (possession).
 * The step is then passed over without being completed, so {@code amr} says what the WebAuthn step reports, never
 * {@code otp}, and nothing that needs a recent code takes the passkey as one.
 */
public final class PasskeyLogin {

    /** Step setting: whether a passkey login skips the code (default true). */
    public static final String CONFIG_SKIPS_CODE = "twofa.passkey-skips-code";

    /** Authentication-session note: a passkey spared this login the code. */
    public static final String USED_NOTE = "twofa.passkey";

    private PasskeyLogin() {}

    /** The step setting; on unless set to false. */
    public static boolean skipsCode(Map<String, String> config) {
        String value = config == null ? null : config.get(CONFIG_SKIPS_CODE);
        return value == null || value.isBlank() || Boolean.parseBoolean(value.strip());
    }

    /** Whether this browser login may go on without the code because the user signed in with a passkey in it. */
    static boolean sparesCode(KeycloakSession session, RealmModel realm) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null) {
            return false;
        }
        if (authSession.getAuthNote(USED_NOTE) != null) {
            return true;
        }
        boolean passkeyUsed =
                AuthenticatorUtil.getAuthnCredentials(authSession).contains(WebAuthnCredentialModel.TYPE_PASSWORDLESS);
        if (!passkeyUsed
                || !userVerificationRequired(realm)
                || !skipsCode(ExecutionConfigLookup.forCurrentFlow(session, realm, ProviderIds.BROWSER_STEP, false))) {
            return false;
        }
        authSession.setAuthNote(USED_NOTE, "true");
        TwoFactorMetrics.checked(realm.getName(), TwoFactorMetrics.Factor.PASSKEY, TwoFactorMetrics.Outcome.OK, -1);
        return true;
    }

    private static boolean userVerificationRequired(RealmModel realm) {
        WebAuthnPolicy policy = realm.getWebAuthnPolicyPasswordless();
        return policy != null && "required".equals(policy.getUserVerificationRequirement());
    }
}
