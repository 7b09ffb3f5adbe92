package io.github.twofa.authenticator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

import io.github.twofa.attemptlimit.AttemptLimiter;
import io.github.twofa.audit.AuditEvents;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.UserSecondFactors;
import io.github.twofa.lifecycle.EnrolmentGrace;
import io.github.twofa.lifecycle.SecondFactor;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.metrics.TwoFactorMetrics;
import io.github.twofa.settings.ProviderIds;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * What the browser step and the direct-grant step share: who counts as having 2FA, and what happens to users
 * who do not ({@link EnrolmentPolicy}, from the execution's configuration).
 */
abstract class TwoFactorStep implements Authenticator, CredentialValidator<TotpCredentialProvider> {

    private static final Logger LOG = Logger.getLogger(TwoFactorStep.class);

    /** The id of the step's factory, to find its execution's configuration. */
    protected abstract String providerId();

    /** Whether the step belongs in direct-grant flows (token requests) rather than browser flows. */
    protected abstract boolean isDirectGrant();

    @Override
    public boolean requiresUser() {
        return true;
    }

    /**
     * Users on Keycloak's built-in OTP have 2FA too: a TOTP one's first code here makes the credential ours. One this
     * step cannot check (HOTP, or parameters it does not support) is refused, never let through or replaced after the
     * password alone; an admin reset moves such a user on.
     */
    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        boolean hasTwoFactor = getCredentialProvider(session).isConfiguredFor(realm, user, TotpCredentialModel.TYPE)
                || UserSecondFactors.hasAny(user);
        // A passkey login, or a browser the user trusted: the step is passed over as for a user it need not ask, so
        // it claims no code.
        return hasTwoFactor
                && (isDirectGrant()
                        || !(PasskeyLogin.sparesCode(session, realm) || BrowserTrust.sparesCode(session, realm, user)));
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession != null
                && (authSession.getAuthNote(BrowserTrust.USED_NOTE) != null
                        || authSession.getAuthNote(PasskeyLogin.USED_NOTE) != null)) {
            return;
        }
        List<Map<String, String>> configs =
                ExecutionConfigLookup.forStepsNeedingSetUp(session, realm, providerId(), isDirectGrant());
        List<Map<String, String>> requiring = configs.stream()
                .filter(config -> EnrolmentPolicy.fromConfig(config).requiresEnrolment(realm, user, config))
                .toList();
        boolean stepUp = ExecutionConfigLookup.isInStepUpFlow(session, realm, providerId());
        boolean required = !requiring.isEmpty() || stepUp;
        LOG.debugf(
                "User %s has no 2FA; step %s with settings %s: enrolment %s",
                user.getId(), providerId(), configs, required ? "required" : "skipped");
        if (!required) {
            markLetThroughWithout2fa(authSession);
            return;
        }
        // The strictest step decides: a step-up flow, or a step without a grace period, gives none.
        int graceDays = stepUp
                ? 0
                : requiring.stream()
                        .mapToInt(config -> EnrolmentPolicy.fromConfig(config).graceDays(config))
                        .min()
                        .orElse(0);
        long graceEnds = graceDays > 0 ? EnrolmentGrace.startOrGet(user, graceDays) : 0;
        if (graceEnds > Time.currentTime()) {
            // In the grace period: asked on this login only, with "Set up later" (an API login is let through).
            if (authSession != null && !isDirectGrant()) {
                authSession.setAuthNote(EnrolmentGrace.NOTE, String.valueOf(graceEnds));
                authSession.addRequiredAction(ProviderIds.TOTP_SETUP);
            } else {
                markLetThroughWithout2fa(authSession);
            }
            return;
        }
        TwoFactorService.of(session).requireAction(user, authSession, ProviderIds.TOTP_SETUP);
    }

    /** For the LOGIN event, sent when the login ends, maybe after more pages: the code this login took. */
    static void rememberSecondFactor(AuthenticationSessionModel authSession, SecondFactor.Check check) {
        authSession.setAuthNote(
                ProviderIds.SECOND_FACTOR_NOTE,
                check.backupCode() ? AuditEvents.FACTOR_BACKUP_CODE : AuditEvents.FACTOR_APP_CODE);
        if (check.credentialId() != null) {
            authSession.setAuthNote(ProviderIds.SECOND_FACTOR_CREDENTIAL_NOTE, check.credentialId());
        }
    }

    /** For the login event: this login went on without 2FA (see {@link ProviderIds#NO_SECOND_FACTOR_NOTE}). */
    private static void markLetThroughWithout2fa(AuthenticationSessionModel authSession) {
        if (authSession != null) {
            authSession.setAuthNote(ProviderIds.NO_SECOND_FACTOR_NOTE, "true");
        }
    }

    /** Fails closed: if the set-up action is disabled, users without 2FA are refused rather than let through. */
    @Override
    public List<RequiredActionFactory> getRequiredActions(KeycloakSession session) {
        return List.of((RequiredActionFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(RequiredActionProvider.class, ProviderIds.TOTP_SETUP));
    }

    @Override
    public TotpCredentialProvider getCredentialProvider(KeycloakSession session) {
        return TotpCredentialProvider.of(session);
    }

    // Keycloak's brute-force detection counts failures only for its own categories, so ours are reported as "otp",
    // the category of its built-in OTP form, and cleared by a success the same way.

    /**
     * Seconds the user must wait, by the extension's own attempt limit or by Keycloak's brute-force detection
     * (for which the event error is set); empty if the user may try.
     */
    static OptionalLong lockedOut(AuthenticationFlowContext context) {
        String realmId = context.getRealm().getId();
        String userId = context.getUser().getId();
        OptionalLong own = limiter(context).lockedForSeconds(realmId, userId);
        if (own.isEmpty() && isPasswordReset(context)) {
            // The reset path counts its own failures, but a user locked out of logging in waits here too.
            own = TwoFactorService.of(context.getSession()).loginLimiter().lockedForSeconds(realmId, userId);
        }
        String keycloakLockout = AuthenticatorUtils.getDisabledByBruteForceEventError(context, context.getUser());
        if (own.isPresent() || keycloakLockout != null) {
            context.getEvent()
                    .user(context.getUser())
                    .error(keycloakLockout != null ? keycloakLockout : Errors.USER_TEMPORARILY_DISABLED);
            return OptionalLong.of(own.orElse(context.getRealm().getWaitIncrementSeconds()));
        }
        return OptionalLong.empty();
    }

    /** A code sent while the user is locked out: refused unchecked, counted as such. */
    static void countLockedOut(AuthenticationFlowContext context, TwoFactorMetrics.Factor factor) {
        TwoFactorMetrics.checked(context.getRealm().getName(), factor, TwoFactorMetrics.Outcome.LOCKED, -1);
    }

    /**
     * Checks a second factor under the extension's attempt limit; empty, without checking, when the limit allows no
     * attempt now (see {@link #secondsToWait}). A lockout this check started is recorded as an event.
     */
    static Optional<SecondFactor.Limited> checkUnderLimit(
            AuthenticationFlowContext context,
            TwoFactorMetrics.Factor attempted,
            Function<AttemptLimiter.Attempt, SecondFactor.Check> checker) {
        Optional<SecondFactor.Limited> limited = TwoFactorService.of(context.getSession())
                .checkUnderLimit(
                        limiter(context),
                        context.getRealm(),
                        context.getUser(),
                        attempted,
                        checker,
                        () -> AuditEvents.event(
                                context.getSession(),
                                context.getRealm(),
                                context.getUser(),
                                context.getAuthenticationSession().getClient()));
        if (limited.isEmpty()) {
            context.getEvent().user(context.getUser()).error(Errors.USER_TEMPORARILY_DISABLED);
        }
        return limited;
    }

    static long secondsToWait(AuthenticationFlowContext context) {
        return limiter(context)
                .secondsToWait(context.getRealm().getId(), context.getUser().getId());
    }

    /**
     * Records a wrong code in the login event, and reports it to Keycloak's brute-force detection where it is on;
     * not on the "forgot password" path, whose wrong codes must not lock the user out of logging in.
     */
    static void refuse(AuthenticationFlowContext context, SecondFactor.Check check) {
        check.describe(context.getEvent().user(context.getUser())).error(Errors.INVALID_USER_CREDENTIALS);
        RealmModel realm = context.getRealm();
        if (realm.isBruteForceProtected() && !isPasswordReset(context)) {
            context.getProtector()
                    .failedLogin(
                            realm,
                            context.getUser(),
                            context.getConnection(),
                            context.getSession().getContext().getUri(),
                            Set.of(OTPCredentialModel.TYPE));
        }
    }

    /** Records an accepted code in the login event (sent by Keycloak when the login completes) and lets the user in. */
    static void succeed(AuthenticationFlowContext context, SecondFactor.Check check) {
        AuditEvents.codeUsed(check.describe(context.getEvent().user(context.getUser())), check.backupCode());
        rememberSecondFactor(context.getAuthenticationSession(), check);
        // Now, not with the login event: after a backup code the login goes on to other pages first.
        check.sendBackupCodeUse(context.getEvent().clone());
        context.success(OTPCredentialModel.TYPE);
    }

    /** Event error of a login whose authenticator's stored key was refused. */
    static final String SECRET_UNREADABLE = "twofa_secret_unreadable";

    /** Records that the user's authenticator cannot be checked: its stored key was refused (see the server log). */
    static void unreadable(AuthenticationFlowContext context) {
        context.getEvent()
                .clone()
                .user(context.getUser())
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(
                        Details.REASON,
                        "stored key refused: moved, restored, sealed with an untrusted key, or its key is gone")
                .error(SECRET_UNREADABLE);
    }

    /**
     * The user's login budget, or on the "forgot password" path a budget of its own: whoever reads the user's
     * mailbox gets as many guesses there as at the login, but cannot use them up to lock the user out of logging in.
     */
    private static AttemptLimiter limiter(AuthenticationFlowContext context) {
        AttemptLimiter limiter = TwoFactorService.of(context.getSession()).loginLimiter();
        return isPasswordReset(context) ? limiter.separateBudget(PASSWORD_RESET_BUDGET) : limiter;
    }

    private static final String PASSWORD_RESET_BUDGET = "reset-credentials";

    /** Whether the step runs in the realm's "forgot password" flow (reached by the e-mailed link). */
    private static boolean isPasswordReset(AuthenticationFlowContext context) {
        return LoginActionsService.RESET_CREDENTIALS_PATH.equals(context.getFlowPath());
    }

    @Override
    public void close() {}
}
