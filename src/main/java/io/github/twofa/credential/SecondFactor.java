package io.github.twofa.credential;

import java.util.Optional;
import java.util.OptionalInt;

import io.github.twofa.totp.TotpVerifier;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;

/**
 * Checks "a current second factor" where either kind is welcome (API login, regenerating codes, disabling 2FA):
 * input that looks like an app code is checked as one, anything else as a backup code. Either is used up.
 */
public final class SecondFactor {

    /** Which kind of code was accepted, and for a backup code how many are left. */
    public record Accepted(String credentialType, OptionalInt backupCodesRemaining) {
    }

    private SecondFactor() {
    }

    public static Optional<Accepted> check(KeycloakSession session, RealmModel realm, UserModel user, String input) {
        if (input == null || input.isBlank()) {
            return Optional.empty();
        }
        String digits = TotpVerifier.normalise(input);
        // App codes have 6 to 8 digits; backup codes have 10 characters, so the length tells them apart.
        if (digits.length() <= TotpVerifier.MAX_DIGITS && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            boolean valid = user.credentialManager().isValid(new UserCredentialModel(null, TotpCredentialModel.TYPE, digits));
            return valid ? Optional.of(new Accepted(TotpCredentialModel.TYPE, OptionalInt.empty())) : Optional.empty();
        }
        OptionalInt remaining = BackupCodesCredentialProvider.of(session).consume(user, input);
        return remaining.isPresent()
                ? Optional.of(new Accepted(BackupCodesCredentialModel.TYPE, remaining))
                : Optional.empty();
    }

}
