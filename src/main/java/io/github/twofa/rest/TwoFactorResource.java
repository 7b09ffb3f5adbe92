package io.github.twofa.rest;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import io.github.twofa.attemptlimit.AttemptLimiter;
import io.github.twofa.attemptlimit.AttemptPolicy;
import io.github.twofa.audit.AuditEvents;
import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.BuiltInOtp;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.TrustedBrowsers;
import io.github.twofa.credential.UserSecondFactors;
import io.github.twofa.lifecycle.SecondFactor;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.settings.ProviderIds;
import io.github.twofa.settings.RealmSettings;
import io.github.twofa.totp.AppName;
import io.github.twofa.totp.QrCodeImage;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AccountRoles;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * {@code /realms/{realm}/two-factor}: a user's own 2FA over JSON, authorised by the user's bearer access token. What
 * changes 2FA also needs a recent login and proof (password, code); administrators have {@link AdminTwoFactorResource}
 * under Keycloak's admin API.
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
        return noStore(TwoFactorStatus.of(session, authenticateAccountOwner().getUser()));
    }

    /**
     * Starts (or restarts) a setup: a new secret, valid for 10 minutes, shown only in this response. Needs the password
     * and a recent login, so a token that leaked from some app cannot put an authenticator of its holder's on the account.
     */
    @POST
    @Path("setup")
    public Response setup(InputStream body) {
        AuthResult auth = authenticateAccountOwner();
        UserModel user = auth.getUser();
        JsonBodies.SetupRequest request = JsonBodies.read(body, JsonBodies.SetupRequest.class);
        String password = JsonBodies.required(request.password(), "password");
        boolean anotherApp = hasTwoFactor(user);
        // Another app needs a current code as well: a password, or a token of a session that took a code, is not
        // enough.
        String code = anotherApp ? JsonBodies.required(request.code(), "code") : null;
        requireRecentLogin(auth, ProviderIds.TOTP_SETUP);
        requireNotLockedOut(auth);
        if (anotherApp) {
            if (!service().canAddApp(realm, user)) {
                throw tooManyApps(RealmSettings.maxApps(realm));
            }
            if (!SecondFactor.isWellFormed(user, code)) {
                throw malformedCode();
            }
        }
        // One attempt for both, as for disabling: the password first, so a wrong password does not use up the code.
        requireAccepted(auth, EventType.UPDATE_CREDENTIAL, attempt -> {
            SecondFactor.Check passwordCheck = SecondFactor.checkPassword(user, password, attempt);
            return passwordCheck.accepted() && anotherApp
                    ? SecondFactor.check(session, user, code, attempt)
                    : passwordCheck;
        });
        TotpSecret secret = TotpSecret.generate();
        pendingSetups.put(realm, user, auth.getSession(), secret.bytes(), anotherApp);
        String uri = RealmSettings.otpauthUri(realm, user, secret);
        TotpParameters parameters = RealmSettings.totpParameters(realm);
        return noStore(Map.of(
                "otpauthUri",
                uri,
                "qrCode",
                QrCodeImage.pngDataUri(uri),
                "manualKey",
                secret.base32Grouped(),
                "algorithm",
                parameters.otpauthAlgorithm(),
                "digits",
                parameters.digits(),
                "period",
                parameters.period(),
                "expiresAt",
                Instant.ofEpochSecond(Time.currentTime() + PendingSetups.LIFESPAN_SECONDS)
                        .toString()));
    }

    /** Enables 2FA with the first code of the setup this session started; answers the backup codes, this once. */
    @POST
    @Path("verify")
    public Response verify(InputStream body) {
        AuthResult auth = authenticateAccountOwner();
        UserModel user = auth.getUser();
        JsonBodies.VerifyRequest request = JsonBodies.read(body, JsonBodies.VerifyRequest.class);
        requireAppsLock(user);
        String code = JsonBodies.required(request.code(), "code");
        String name = AppName.normalise(request.name(), TotpCredentialProvider.DEFAULT_LABEL)
                .orElseThrow(() -> ApiException.badRequest(
                        "'name' must have at most " + AppName.MAX_LENGTH + " characters and no control characters."));
        requireRecentLogin(auth, ProviderIds.TOTP_SETUP);
        requireNotLockedOut(auth);
        // Asked of the database under the apps lock: the user as this request loaded it may predate another
        // session's verify that just committed.
        boolean firstApp =
                !hasTwoFactor(user) && TotpCredentialProvider.of(session).countApps(user) == 0;
        if (!firstApp && !service().canAddApp(realm, user)) {
            throw tooManyApps(RealmSettings.maxApps(realm));
        }
        if (!new TotpVerifier(RealmSettings.totpParameters(realm)).isWellFormed(TotpVerifier.normalise(code))) {
            throw malformedCode();
        }
        // Taken, not read: of two concurrent verifications only one finds the pending setup.
        PendingSetups.Pending pending = pendingSetups
                .take(realm, user, auth.getSession())
                .orElseThrow(() -> new ApiException(
                        404,
                        "no_pending_setup",
                        "Start a setup first (POST setup) in this login session; it expires after 10 minutes."));
        if (!firstApp && !pending.forAnotherApp()) {
            // Started with the password alone, while the user had no 2FA; another session has turned it on since.
            // Another app needs a current code of the user's at its setup, so this one must start again.
            throw new ApiException(
                    409,
                    "already_enabled",
                    "Two-factor authentication was turned on since this setup started; start the setup again, with a current code.");
        }
        SecondFactor.Check enrolled;
        try {
            enrolled = requireAccepted(
                    auth,
                    EventType.UPDATE_CREDENTIAL,
                    // Rare and not worth a guess (the key is new), so the attempt simply holds its slot first.
                    attempt -> attempt.holdSlot()
                            ? service()
                                    .enrol(
                                            realm,
                                            user,
                                            TotpSecret.fromBytes(pending.secret()),
                                            code,
                                            name,
                                            event(auth, EventType.UPDATE_CREDENTIAL))
                            : SecondFactor.Check.limited(TotpCredentialModel.TYPE, null));
        } catch (ApiException refused) {
            pendingSetups.putBack(realm, user, auth.getSession(), pending);
            throw refused;
        } catch (TwoFactorService.AppLimitReached limit) {
            throw tooManyApps(limit.maxApps());
        }
        TwoFactorStatus.App app = TwoFactorStatus.of(session, user).apps().stream()
                .filter(candidate -> candidate.id().equals(enrolled.credentialId()))
                .findFirst()
                .orElseThrow();
        // The first app comes with the first set of backup codes; another app keeps the set the user has.
        return noStore(
                firstApp
                        ? Map.of("enabled", true, "app", app, "backupCodes", newBackupCodes(auth))
                        : Map.of("enabled", true, "app", app));
    }

    /**
     * Removes one of the user's apps (not the last: turning 2FA off is {@code disable}, with the password). Needs a
     * current code of the user's (any app, or a backup code) in the header {@value #CODE_HEADER}, so a leaked token
     * alone cannot take an app away.
     */
    @DELETE
    @Path("apps/{id}")
    public Response removeApp(@PathParam("id") String id, @HeaderParam(CODE_HEADER) String code) {
        AuthResult auth = authenticateAccountOwner();
        UserModel user = auth.getUser();
        if (code == null || code.isBlank()) {
            throw ApiException.badRequest(
                    "Send a current code (app or backup code) in the header " + CODE_HEADER + ".");
        }
        // Before anything is read: a removal running at the same time commits first, and this one sees its result.
        requireAppsLock(user);
        requireEnabled(user, true);
        requireRecentLogin(auth, ProviderIds.TOTP_SETUP);
        requireNotLockedOut(auth);
        List<String> apps = TwoFactorStatus.of(session, user).apps().stream()
                .map(TwoFactorStatus.App::id)
                .toList();
        if (!apps.contains(id)) {
            throw new ApiException(404, "app_not_found", "The user has no authenticator app with this id.");
        }
        if (apps.size() == 1 && !BuiltInOtp.hasAny(user)) {
            throw new ApiException(
                    409,
                    "last_app",
                    "This is the user's only authenticator app: turn two-factor authentication off with POST disable.");
        }
        if (!SecondFactor.isWellFormed(user, code)) {
            throw malformedCode();
        }
        requireAccepted(auth, EventType.REMOVE_CREDENTIAL, attempt -> SecondFactor.check(session, user, code, attempt));
        service().removeApp(user, id, event(auth, EventType.REMOVE_CREDENTIAL));
        return noStore(TwoFactorStatus.of(session, user));
    }

    /** The browsers the user trusted ("don't ask for a code on this browser"): browser, created, last used, expiry. */
    @GET
    @Path("trusted-browsers")
    public Response trustedBrowsers() {
        return noStore(Map.of(
                "trustedBrowsers",
                TrustedBrowserList.of(authenticateAccountOwner().getUser())));
    }

    /**
     * Forgets every trusted browser: the next login on each asks for a code again. Needs nothing but the token, since
     * it only takes a convenience away (a stolen laptop is the case it is for).
     */
    @DELETE
    @Path("trusted-browsers")
    public Response forgetTrustedBrowsers() {
        UserModel user = authenticateAccountOwner().getUser();
        return noStore(Map.of("forgotten", TrustedBrowsers.revokeAll(user)));
    }

    /** Forgets one trusted browser. */
    @DELETE
    @Path("trusted-browsers/{id}")
    public Response forgetTrustedBrowser(@PathParam("id") String id) {
        UserModel user = authenticateAccountOwner().getUser();
        if (!TrustedBrowsers.revoke(user, id)) {
            throw new ApiException(404, "trusted_browser_not_found", "The user has no trusted browser with this id.");
        }
        return noStore(Map.of("forgotten", 1));
    }

    /** Header of {@code DELETE apps/{id}} with a current code (a DELETE has no body that every client sends). */
    static final String CODE_HEADER = "X-Two-Factor-Code";

    private void requireAppsLock(UserModel user) {
        if (!TotpCredentialProvider.of(session).lockApps(user)) {
            throw tryAgain();
        }
    }

    private static ApiException tryAgain() {
        return new ApiException(
                409, "try_again", "Another request is using this user's codes right now; try again in a moment.", 1);
    }

    private static ApiException tooManyApps(int maxApps) {
        return new ApiException(
                409,
                "too_many_apps",
                "The user has " + maxApps + " authenticator apps, as many as the realm allows; remove one first.");
    }

    /** Replaces all backup codes; needs a current code (app or backup) and a recent login. */
    @POST
    @Path("backup-codes/regenerate")
    public Response regenerateBackupCodes(InputStream body) {
        AuthResult auth = authenticateAccountOwner();
        String code = JsonBodies.required(
                JsonBodies.read(body, JsonBodies.CodeRequest.class).code(), "code");
        requireEnabled(auth.getUser(), true);
        requireRecentLogin(auth, ProviderIds.BACKUP_CODES);
        requireNotLockedOut(auth);
        requireAccepted(
                auth,
                EventType.UPDATE_CREDENTIAL,
                attempt -> SecondFactor.check(session, auth.getUser(), code, attempt));
        return noStore(Map.of("backupCodes", newBackupCodes(auth)));
    }

    /** Turns 2FA off; needs the password, a current code (app or backup) and a recent login. */
    @POST
    @Path("disable")
    public Response disable(InputStream body) {
        AuthResult auth = authenticateAccountOwner();
        UserModel user = auth.getUser();
        JsonBodies.DisableRequest request = JsonBodies.read(body, JsonBodies.DisableRequest.class);
        String password = JsonBodies.required(request.password(), "password");
        String code = JsonBodies.required(request.code(), "code");
        requireEnabled(user, true);
        requireRecentLogin(auth, ProviderIds.TOTP_SETUP);
        requireNotLockedOut(auth);
        if (!SecondFactor.isWellFormed(user, code)) {
            throw malformedCode();
        }
        // One attempt for both: the password first, so a wrong password does not use up the code.
        requireAccepted(auth, EventType.REMOVE_CREDENTIAL, attempt -> {
            SecondFactor.Check passwordCheck = SecondFactor.checkPassword(user, password, attempt);
            return passwordCheck.accepted() ? SecondFactor.check(session, user, code, attempt) : passwordCheck;
        });
        try {
            service().disable(user, event(auth, EventType.REMOVE_CREDENTIAL));
        } catch (BackupCodesCredentialProvider.ChangedMeanwhile concurrent) {
            throw tryAgain();
        }
        return noStore(Map.of("enabled", false));
    }

    private List<String> newBackupCodes(AuthResult auth) {
        try {
            return service()
                    .issueBackupCodes(realm, auth.getUser(), event(auth, EventType.UPDATE_CREDENTIAL))
                    .codes()
                    .stream()
                    .map(BackupCodeFormat::display)
                    .toList();
        } catch (BackupCodesCredentialProvider.ChangedMeanwhile concurrent) {
            // Another request changed the user's backup codes at this moment. Nothing of this one is kept (the code
            // it checked stays unused, events are not stored), since the user could not keep both sets: "try again".
            throw tryAgain();
        }
    }

    /**
     * Runs a check under the attempt limit of this login session's API calls and answers every outcome but
     * acceptance: 429 when no attempt is allowed now, 400 for input that cannot be a code, 403 (recorded and counted)
     * for a wrong password or code. The budget is the session's own, so whoever holds a token cannot use it up for
     * the user's logins.
     */
    private SecondFactor.Check requireAccepted(
            AuthResult auth, EventType operation, Function<AttemptLimiter.Attempt, SecondFactor.Check> checker) {
        UserModel user = auth.getUser();
        AttemptLimiter limiter = sessionLimiter(auth);
        Optional<SecondFactor.Limited> outcome = service()
                .checkUnderLimit(
                        limiter,
                        realm,
                        user,
                        null,
                        checker,
                        () -> event(auth, EventType.USER_DISABLED_BY_TEMPORARY_LOCKOUT));
        if (outcome.isEmpty()) {
            throw tooManyAttempts(limiter.secondsToWait(realm.getId(), user.getId()));
        }
        SecondFactor.Check check = outcome.get().check();
        if (check.malformed()) {
            throw malformedCode();
        }
        if (check.unreadable()) {
            throw new ApiException(
                    409,
                    "authenticator_unreadable",
                    "The authenticator app can no longer be checked: "
                            + "use a backup code, or ask an administrator to reset 2FA, and set the app up again.");
        }
        if (check.busy()) {
            throw tryAgain();
        }
        if (!check.accepted()) {
            check.describe(event(auth, operation)).error(Errors.INVALID_USER_CREDENTIALS);
            throw PasswordCredentialModel.TYPE.equals(check.credentialType())
                    ? new ApiException(403, "invalid_password", "The password is not correct.")
                    : ApiException.invalidCode();
        }
        check.sendBackupCodeUse(event(auth, operation));
        return check;
    }

    /** Input that cannot be a code: refused without spending one of the user's attempts. */
    private static ApiException malformedCode() {
        return ApiException.badRequest(
                "'code' must be the digits the authenticator app shows or one of the backup codes.");
    }

    private static ApiException tooManyAttempts(long seconds) {
        return new ApiException(
                429,
                "too_many_attempts",
                "Too many wrong codes or passwords; try again in " + AttemptPolicy.minutesText(seconds) + ".",
                seconds);
    }

    /** A user locked out of logging in, or this session locked out of its API budget, gets 429 and when to retry. */
    private void requireNotLockedOut(AuthResult auth) {
        String userId = auth.getUser().getId();
        OptionalLong login = loginLimiter().lockedForSeconds(realm.getId(), userId);
        OptionalLong api = sessionLimiter(auth).lockedForSeconds(realm.getId(), userId);
        long seconds = Math.max(login.orElse(0), api.orElse(0));
        if (seconds > 0) {
            throw tooManyAttempts(seconds);
        }
    }

    private AttemptLimiter loginLimiter() {
        return service().loginLimiter();
    }

    private TwoFactorService service() {
        return TwoFactorService.of(session);
    }

    private AttemptLimiter sessionLimiter(AuthResult auth) {
        return loginLimiter().separateBudget("api:" + auth.getSession().getId());
    }

    /**
     * Keycloak's own rule for actions started from the account console (kc_action): the session's last
     * authentication must be within the action's "Maximum Age of Authentication" (5 minutes unless configured). A
     * session made by a token request (direct grant) authenticated when it started. Answered as RFC 9470's step-up
     * challenge, so a client knows to send the user through a login with {@code max_age}.
     */
    private void requireRecentLogin(AuthResult auth, String requiredActionId) {
        int maxAge = RecentLogin.maxAgeOf(realm, requiredActionId);
        if (!RecentLogin.isWithin(auth.getSession(), maxAge)) {
            throw ApiException.reauthenticationRequired(maxAge);
        }
    }

    /** Keycloak's built-in OTP counts: a token holder must not add an app of theirs beside it without a code. */
    private static boolean hasTwoFactor(UserModel user) {
        return UserSecondFactors.hasAny(user);
    }

    private static void requireEnabled(UserModel user, boolean enabled) {
        boolean isEnabled = hasTwoFactor(user);
        if (isEnabled != enabled) {
            throw enabled
                    ? new ApiException(409, "not_enabled", "Two-factor authentication is not enabled for this user.")
                    : new ApiException(
                            409, "already_enabled", "Two-factor authentication is already enabled; disable it first.");
        }
    }

    private EventBuilder event(AuthResult auth, EventType type) {
        return AuditEvents.event(session, realm, auth.getUser(), auth.getClient())
                .session(auth.getSession())
                .event(type);
    }

    /** Answers carry secrets or codes at times; no cache or proxy may keep any of them. */
    static Response noStore(Object entity) {
        CacheControl cacheControl = new CacheControl();
        cacheControl.setNoStore(true);
        cacheControl.setNoCache(true);
        return Response.ok(entity, MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(cacheControl)
                .build();
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

    /** Every call acts for the user of a login session (a token without one, e.g. a service account's, is refused). */
    private AuthResult authenticate() {
        AuthResult auth;
        try {
            auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
        } catch (RuntimeException invalidToken) {
            throw ApiException.unauthorized();
        }
        if (auth == null || auth.getUser() == null || auth.getSession() == null) {
            throw ApiException.unauthorized();
        }
        return auth;
    }
}
