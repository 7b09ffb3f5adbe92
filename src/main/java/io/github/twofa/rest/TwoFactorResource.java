package io.github.twofa.rest;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.SecondFactor;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.enrolment.TotpEnrolment;
import io.github.twofa.requiredaction.BackupCodesRequiredAction;
import io.github.twofa.security.AttemptLimiter;
import io.github.twofa.security.AttemptPolicy;
import io.github.twofa.totp.QrCodeImage;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AccountRoles;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * {@code /realms/{realm}/two-factor}: a user's own 2FA over JSON, authorised by the user's bearer access token;
 * {@code admin/...} for administrators (see {@link AdminTwoFactorResource}).
 */
@Produces(MediaType.APPLICATION_JSON)
public class TwoFactorResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final PendingSetups pendingSetups;

    public TwoFactorResource(KeycloakSession session, PendingSetups pendingSetups) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.pendingSetups = pendingSetups;
    }

    @GET
    @Path("status")
    public Response status() {
        return noStore(TwoFactorStatus.of(authenticateAccountOwner().getUser()));
    }

    /** Starts (or restarts) a setup: a new secret, valid for 10 minutes, shown only in this response. */
    @POST
    @Path("setup")
    public Response setup() {
        UserModel user = authenticateAccountOwner().getUser();
        requireEnabled(user, false);
        TotpSecret secret = TotpSecret.generate();
        pendingSetups.put(realm, user, secret.bytes());
        String uri = TotpEnrolment.otpauthUri(realm, user, secret);
        TotpParameters parameters = TotpEnrolment.parametersOf(realm);
        return noStore(Map.of("otpauthUri", uri, "qrCode", QrCodeImage.pngDataUri(uri), "manualKey", secret.base32Grouped(),
                "algorithm", parameters.otpauthAlgorithm(), "digits", parameters.digits(), "period", parameters.period(),
                "expiresAt", java.time.Instant.ofEpochSecond(Time.currentTime() + PendingSetups.LIFESPAN_SECONDS).toString()));
    }

    /** Enables 2FA with the first code of the pending setup; answers the backup codes, this once. */
    @POST
    @Path("verify")
    public Response verify(InputStream body) {
        AuthResult auth = authenticateAccountOwner();
        UserModel user = auth.getUser();
        String code = JsonBodies.required(JsonBodies.read(body, JsonBodies.CodeRequest.class).code(), "code");
        requireEnabled(user, false);
        requireNotLockedOut(user);
        // Taken, not read: of two concurrent verifications only one finds the pending setup.
        PendingSetups.Pending pending = pendingSetups.take(realm, user)
                .orElseThrow(() -> new ApiException(404, "no_pending_setup", "Start a setup first (POST setup); it expires after 10 minutes."));
        EventBuilder event = event(auth, EventType.UPDATE_CREDENTIAL).detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE);
        Optional<CredentialModel> credential = TotpEnrolment.enrolIfCodeMatches(session, realm, user,
                TotpSecret.fromBytes(pending.secret()), code);
        if (credential.isEmpty()) {
            pendingSetups.putBack(realm, user, pending);
            event.error(Errors.INVALID_USER_CREDENTIALS);
            limiter().recordFailure(realm.getId(), user.getId());
            throw ApiException.invalidCode();
        }
        limiter().recordSuccess(realm.getId(), user.getId());
        event.detail(Details.CREDENTIAL_ID, credential.get().getId()).success();
        return noStore(Map.of("enabled", true, "backupCodes", newBackupCodes(auth)));
    }

    /** Replaces all backup codes; needs a current code (app or backup). */
    @POST
    @Path("backup-codes/regenerate")
    public Response regenerateBackupCodes(InputStream body) {
        AuthResult auth = authenticateAccountOwner();
        String code = JsonBodies.required(JsonBodies.read(body, JsonBodies.CodeRequest.class).code(), "code");
        requireEnabled(auth.getUser(), true);
        requireNotLockedOut(auth.getUser());
        requireSecondFactor(auth, code, EventType.UPDATE_CREDENTIAL);
        return noStore(Map.of("backupCodes", newBackupCodes(auth)));
    }

    /** Turns 2FA off; needs the password and a current code (app or backup). */
    @POST
    @Path("disable")
    public Response disable(InputStream body) {
        AuthResult auth = authenticateAccountOwner();
        UserModel user = auth.getUser();
        JsonBodies.DisableRequest request = JsonBodies.read(body, JsonBodies.DisableRequest.class);
        String password = JsonBodies.required(request.password(), "password");
        String code = JsonBodies.required(request.code(), "code");
        requireEnabled(user, true);
        requireNotLockedOut(user);
        if (!user.credentialManager().isValid(UserCredentialModel.password(password))) {
            event(auth, EventType.REMOVE_CREDENTIAL).detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                    .error(Errors.INVALID_USER_CREDENTIALS);
            limiter().recordFailure(realm.getId(), user.getId());
            throw new ApiException(403, "invalid_password", "The password is not correct.");
        }
        requireSecondFactor(auth, code, EventType.REMOVE_CREDENTIAL);
        removeTwoFactor(session, user);
        event(auth, EventType.REMOVE_CREDENTIAL).detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE).success();
        return noStore(Map.of("enabled", false));
    }

    @Path("admin")
    public AdminTwoFactorResource admin() {
        return new AdminTwoFactorResource(session, authenticate());
    }

    static void removeTwoFactor(KeycloakSession session, UserModel user) {
        TotpCredentialProvider.of(session).removeAll(user);
        BackupCodesCredentialProvider.of(session).removeAll(user);
    }


    private List<String> newBackupCodes(AuthResult auth) {
        List<String> codes = BackupCodesCredentialProvider.of(session).replaceCodes(realm, auth.getUser(), BackupCodesRequiredAction.policyOf(realm));
        event(auth, EventType.UPDATE_CREDENTIAL).detail(Details.CREDENTIAL_TYPE, BackupCodesCredentialModel.TYPE).success();
        return codes.stream().map(BackupCodeFormat::display).toList();
    }

    private void requireSecondFactor(AuthResult auth, String code, EventType operation) {
        Optional<SecondFactor.Accepted> accepted = SecondFactor.check(session, realm, auth.getUser(), code);
        if (accepted.isEmpty()) {
            event(auth, operation).detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE).error(Errors.INVALID_USER_CREDENTIALS);
            limiter().recordFailure(realm.getId(), auth.getUser().getId());
            throw ApiException.invalidCode();
        }
        limiter().recordSuccess(realm.getId(), auth.getUser().getId());
    }

    /** The extension's attempt limit covers the API too: a locked-out user gets 429 and when to retry. */
    private void requireNotLockedOut(UserModel user) {
        limiter().lockedForSeconds(realm.getId(), user.getId()).ifPresent(seconds -> {
            throw new ApiException(429, "too_many_attempts", "Too many wrong codes or passwords; try again in "
                    + AttemptPolicy.minutes(seconds) + " minutes.", seconds);
        });
    }

    private AttemptLimiter limiter() {
        return TotpCredentialProviderFactory.attemptLimiter(session);
    }

    private static void requireEnabled(UserModel user, boolean enabled) {
        boolean isEnabled = user.credentialManager().isConfiguredFor(TotpCredentialModel.TYPE);
        if (isEnabled != enabled) {
            throw enabled
                    ? new ApiException(409, "not_enabled", "Two-factor authentication is not enabled for this user.")
                    : new ApiException(409, "already_enabled", "Two-factor authentication is already enabled; disable it first.");
        }
    }

    private EventBuilder event(AuthResult auth, EventType type) {
        return new EventBuilder(realm, session, session.getContext().getConnection())
                .event(type).user(auth.getUser()).client(auth.getClient()).session(auth.getSession());
    }

    /** Answers carry secrets or codes at times; no cache or proxy may keep any of them. */
    static Response noStore(Object entity) {
        CacheControl cacheControl = new CacheControl();
        cacheControl.setNoStore(true);
        cacheControl.setNoCache(true);
        return Response.ok(entity, MediaType.APPLICATION_JSON_TYPE).cacheControl(cacheControl).build();
    }

    /**
     * Like Keycloak's account API: the token must carry the account client's manage-account role, so a token a
     * user gave some other application of the realm (with a narrower scope) cannot change their 2FA.
     */
    private AuthResult authenticateAccountOwner() {
        AuthResult auth = authenticate();
        AccessToken.Access account = auth.getToken().getResourceAccess(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        if (account == null || !account.isUserInRole(AccountRoles.MANAGE_ACCOUNT)) {
            throw ApiException.forbidden("The token needs the account client's role manage-account.");
        }
        return auth;
    }

    private AuthResult authenticate() {
        AuthResult auth;
        try {
            auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        } catch (RuntimeException invalidToken) {
            throw ApiException.unauthorized();
        }
        if (auth == null || auth.getUser() == null) {
            throw ApiException.unauthorized();
        }
        return auth;
    }
}
