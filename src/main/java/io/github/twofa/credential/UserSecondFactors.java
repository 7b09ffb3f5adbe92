package io.github.twofa.credential;

import org.keycloak.models.UserModel;

/**
 * Whether a user has a second factor, of ours or one Keycloak's own forms set up (its OTP, its recovery codes with
 * codes left): such a user is asked for it at every login, and nothing that needs only the password may give them a
 * new one. A user with only Keycloak's recovery codes (a realm may let users set up those alone) counts too:
 * otherwise the password alone would lead to the set-up page.
 */
public final class UserSecondFactors {

    private UserSecondFactors() {}

    public static boolean hasAny(UserModel user) {
        return user.credentialManager()
                        .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                        .findAny()
                        .isPresent()
                || BuiltInOtp.hasAny(user)
                || KeycloakRecoveryCodes.of(user)
                        .map(set -> KeycloakRecoveryCodes.remaining(set) > 0)
                        .orElse(false);
    }

    /** Whether the user has an authenticator app, ours or Keycloak's built-in OTP (not only codes). */
    public static boolean hasApp(UserModel user) {
        return user.credentialManager()
                        .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                        .findAny()
                        .isPresent()
                || BuiltInOtp.hasAny(user);
    }
}
