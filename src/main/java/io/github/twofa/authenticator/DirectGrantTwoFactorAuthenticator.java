package io.github.twofa.authenticator;

import java.util.Optional;
import java.util.OptionalLong;

import io.github.twofa.attemptlimit.AttemptPolicy;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.lifecycle.SecondFactor;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.Details;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

/**
 * The second factor of a direct-grant (resource owner password) token request: the app code or a backup code in the
 * {@code otp} form parameter of the same request that carries the password, so it is always checked together with
 * that password. Without a code the client is told, with the OAuth error {@code mfa_required}, to ask for one and retry.
 */
public class DirectGrantTwoFactorAuthenticator extends TwoFactorStep {

    public static final String CODE_PARAMETER = "otp";
    public static final String MFA_REQUIRED = "mfa_required";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String code = form.getFirst(CODE_PARAMETER);
        context.getEvent().user(context.getUser()).detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE);
        OptionalLong wait = lockedOut(context);
        if (wait.isPresent()) {
            if (code != null && !code.isBlank()) {
                countLockedOut(context, SecondFactor.attemptedFactor(code));
            }
            context.failure(AuthenticationFlowError.USER_TEMPORARILY_DISABLED, tooManyAttempts(wait.getAsLong()));
            return;
        }
        if (code == null || code.isBlank()) {
            // Not a failed attempt: the client did not know a second factor is needed.
            context.challenge(oauthError(
                    MFA_REQUIRED,
                    "A second factor is required: repeat the request with the "
                            + "authenticator app code or a backup code in the 'otp' parameter."));
            return;
        }
        Optional<SecondFactor.Limited> outcome = checkUnderLimit(
                context,
                SecondFactor.attemptedFactor(code),
                attempt -> SecondFactor.check(context.getSession(), context.getUser(), code, attempt));
        if (outcome.isEmpty()) {
            context.failure(AuthenticationFlowError.USER_TEMPORARILY_DISABLED, tooManyAttempts(secondsToWait(context)));
            return;
        }
        SecondFactor.Check check = outcome.get().check();
        if (check.malformed()) {
            // Cannot be anyone's code, so no guess is spent: a client bug to report clearly.
            context.failure(
                    AuthenticationFlowError.INVALID_CREDENTIALS,
                    oauthError(
                            "invalid_request",
                            "The 'otp' parameter must be the digits the authenticator app shows or a backup code."));
            return;
        }
        if (check.busy()) {
            // Another request is using the same code this instant: nothing was checked, so nothing is counted.
            context.failure(
                    AuthenticationFlowError.INVALID_CREDENTIALS,
                    oauthError(
                            "invalid_grant",
                            "Another sign-in with this user's codes is under way; try again in a moment."));
            return;
        }
        if (check.unreadable()) {
            unreadable(context);
            context.failure(
                    AuthenticationFlowError.INVALID_CREDENTIALS,
                    oauthError(
                            "invalid_grant",
                            "The authenticator app can no longer be checked: log in with a backup code and set the app up again."));
            return;
        }
        if (!check.accepted()) {
            refuse(context, check);
            context.failure(
                    AuthenticationFlowError.INVALID_CREDENTIALS,
                    oauthError("invalid_grant", "Invalid second factor: the code is wrong or was already used."));
            return;
        }
        succeed(context, check);
    }

    private static Response tooManyAttempts(long seconds) {
        return oauthError(
                "invalid_grant", "Too many wrong codes; try again in " + AttemptPolicy.minutesText(seconds) + ".");
    }

    /** 400, as RFC 6749 section 5.2 and Keycloak's own direct-grant steps answer a refused grant. */
    private static Response oauthError(String error, String description) {
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new OAuth2ErrorRepresentation(error, description))
                .build();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        // A direct grant is a single request; there is no form to come back to.
    }

    @Override
    protected boolean isDirectGrant() {
        return true;
    }

    @Override
    protected String providerId() {
        return DirectGrantTwoFactorAuthenticatorFactory.PROVIDER_ID;
    }
}
