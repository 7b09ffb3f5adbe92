package io.github.twofa.credential;

import java.util.Map;
import java.util.Optional;

import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpVerifier;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;

/**
 * Keycloak's built-in OTP credential (type {@code otp}, secret in plain text), as realms that switch to this extension
 * have it: a TOTP one is checked by our step and, on its first accepted code, becomes ours.
 */
public final class BuiltInOtp {

    private BuiltInOtp() {}

    /** The user's built-in TOTP credential whose parameters we support; HOTP (counter-based) ones are not ours to take. */
    public static Optional<OTPCredentialModel> totpOf(UserModel user) {
        return user.credentialManager()
                .getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .map(OTPCredentialModel::createFromCredentialModel)
                .filter(otp -> OTPCredentialModel.TOTP.equals(
                        otp.getOTPCredentialData().getSubType()))
                .filter(otp -> parametersOf(otp).isPresent())
                .findFirst();
    }

    /** Whether the user has any built-in OTP credential at all, HOTP and unsupported parameters included. */
    public static boolean hasAny(UserModel user) {
        return user.credentialManager()
                .getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .findAny()
                .isPresent();
    }

    /** Removes every built-in OTP credential of the user: when 2FA is reset or disabled. */
    public static void removeAll(UserModel user) {
        user.credentialManager()
                .getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .map(CredentialModel::getId)
                .toList()
                .forEach(id -> user.credentialManager().removeStoredCredentialById(id));
    }

    /** Algorithm, digits and period as the built-in credential stores them, if this extension supports them. */
    public static Optional<TotpParameters> parametersOf(OTPCredentialModel otp) {
        try {
            return Optional.of(new TotpParameters(
                    otp.getOTPCredentialData().getAlgorithm(),
                    otp.getOTPCredentialData().getDigits(),
                    otp.getOTPCredentialData().getPeriod()));
        } catch (IllegalArgumentException unsupported) {
            return Optional.empty();
        }
    }

    /** Whether {@code code} (normalised) has the digits the credential's codes have; false if we cannot check it. */
    public static boolean isWellFormed(OTPCredentialModel otp, String code) {
        return parametersOf(otp)
                .map(parameters -> new TotpVerifier(parameters).isWellFormed(code))
                .orElse(false);
    }

    /**
     * Whether Keycloak's own OTP form accepted {@code code} for this credential recently: it remembers each accepted
     * code in the single-use store under the credential's id and the code, for the time the code could match.
     */
    static boolean usedByBuiltInForm(KeycloakSession session, CredentialModel otp, String code) {
        return session.singleUseObjects().contains(otp.getId() + "." + code);
    }

    /** Remembers, for {@code seconds}, which built-in credential ours was adopted from without a code. */
    static void rememberAdoption(KeycloakSession session, String adoptedId, String builtInId, long seconds) {
        session.singleUseObjects().put(ADOPTED_FROM + adoptedId, seconds, Map.of("builtIn", builtInId));
    }

    /** Whether {@code code} was accepted by the built-in form for the credential ours was just adopted from. */
    static boolean usedBeforeAdoption(KeycloakSession session, String credentialId, String code) {
        Map<String, String> adoption = session.singleUseObjects().get(ADOPTED_FROM + credentialId);
        return adoption != null && session.singleUseObjects().contains(adoption.get("builtIn") + "." + code);
    }

    private static final String ADOPTED_FROM = "twofa-adopted-from:";
}
