package io.github.twofa.authenticator;

import io.github.twofa.settings.ProviderIds;
import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/** The direct-grant step; the same options as the browser step. */
public class DirectGrantTwoFactorAuthenticatorFactory extends TotpAuthenticatorFactory {

    public static final String PROVIDER_ID = ProviderIds.DIRECT_GRANT_STEP;

    private static final DirectGrantTwoFactorAuthenticator SINGLETON = new DirectGrantTwoFactorAuthenticator();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "2FA - code in the token request (direct grant)";
    }

    @Override
    public String getHelpText() {
        return "Checks the authenticator app code or a backup code sent as 'otp' with the password in a direct-grant "
                + "token request; without one the client gets the error mfa_required.";
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return SINGLETON;
    }
}
