package io.github.twofa.enrolment;

import java.util.Optional;
import java.util.OptionalLong;

import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.totp.OtpAuthUri;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OTPPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Turning a pending secret into the user's TOTP credential, shared by the login pages and the REST API. */
public final class TotpEnrolment {

    private TotpEnrolment() {
    }

    /** The realm's OTP policy (Authentication > Policies) decides algorithm, digits and period. */
    public static TotpParameters parametersOf(RealmModel realm) {
        OTPPolicy policy = realm.getOTPPolicy();
        try {
            return new TotpParameters(policy.getAlgorithm(), policy.getDigits(), policy.getPeriod());
        } catch (IllegalArgumentException unsupported) {
            return TotpParameters.DEFAULT;
        }
    }

    /** The issuer apps show: the realm's display name, or its name. */
    public static String issuerOf(RealmModel realm) {
        String displayName = realm.getDisplayName();
        return displayName == null || displayName.isBlank() ? realm.getName() : displayName;
    }

    public static String otpauthUri(RealmModel realm, UserModel user, TotpSecret secret) {
        return OtpAuthUri.of(issuerOf(realm), user.getUsername(), secret, parametersOf(realm));
    }

    /**
     * Enables 2FA if {@code code} is the pending secret's current code: stores the credential and marks the code's
     * time step as used, so the code that proved possession cannot log in a second time.
     */
    public static Optional<CredentialModel> enrolIfCodeMatches(KeycloakSession session, RealmModel realm, UserModel user,
                                                               TotpSecret secret, String code) {
        TotpParameters parameters = parametersOf(realm);
        long now = Time.currentTime();
        OptionalLong step = new TotpVerifier(parameters).matchingStep(secret, TotpVerifier.normalise(code), now);
        if (step.isEmpty()) {
            return Optional.empty();
        }
        TotpCredentialProvider provider = TotpCredentialProvider.of(session);
        CredentialModel credential = provider.enrol(realm, user, secret, parameters, null);
        provider.claimStep(credential.getId(), parameters, step.getAsLong(), now);
        return Optional.of(credential);
    }
}
