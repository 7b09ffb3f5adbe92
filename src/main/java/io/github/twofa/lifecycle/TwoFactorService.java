package io.github.twofa.lifecycle;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.twofa.attemptlimit.AttemptLimiter;
import io.github.twofa.attemptlimit.provider.AttemptLimitProvider;
import io.github.twofa.audit.AuditEvents;
import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.BuiltInOtp;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.TrustedBrowsers;
import io.github.twofa.importing.ImportLine;
import io.github.twofa.metrics.TwoFactorMetrics;
import io.github.twofa.settings.RealmSettings;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.storage.ReadOnlyException;

/**
 * The 2FA life cycle of a user, the same whichever way in (login pages, required actions, the REST API, the admin
 * endpoints): enrol, issue a set of backup codes, check a code under the attempt limit, disable, admin reset. Each
 * operation records its audit event here; the callers only parse input, authorize and answer.
 */
public final class TwoFactorService {

    private final KeycloakSession session;

    private TwoFactorService(KeycloakSession session) {
        this.session = session;
    }

    public static TwoFactorService of(KeycloakSession session) {
        return new TwoFactorService(session);
    }

    /** The user's login budget of the attempt limit. */
    public AttemptLimiter loginLimiter() {
        return AttemptLimitProvider.of(session).logins();
    }

    /**
     * Enables 2FA if {@code code} is the pending secret's current code: stores the credential and marks the code's
     * time step as used, so the code that proved possession cannot log in a second time; records the enrolment.
     *
     * @return the check: accepted, with the new credential's id, or refused (a refusal is the caller's to record)
     */
    public SecondFactor.Check enrol(
            RealmModel realm, UserModel user, TotpSecret secret, String code, String appName, EventBuilder event) {
        TotpCredentialProvider apps = TotpCredentialProvider.of(session);
        if (!apps.lockApps(user)) {
            return new SecondFactor.Check(
                    TotpCredentialModel.TYPE, null, SecondFactor.Outcome.BUSY, OptionalInt.empty());
        }
        // Counted in the database under the lock: two set-ups at once cannot both take the last place.
        if (apps.countApps(user) >= RealmSettings.maxApps(realm)) {
            throw new AppLimitReached(RealmSettings.maxApps(realm));
        }
        TotpParameters parameters = RealmSettings.totpParameters(realm);
        long now = Time.currentTime();
        OptionalLong step = new TotpVerifier(parameters).matchingStep(secret, TotpVerifier.normalise(code), now);
        if (step.isEmpty()) {
            return new SecondFactor.Check(
                    TotpCredentialModel.TYPE, null, SecondFactor.Outcome.REFUSED, OptionalInt.empty());
        }
        TotpCredentialProvider provider = TotpCredentialProvider.of(session);
        CredentialModel credential = provider.enrol(realm, user, secret, parameters, appName);
        provider.claimStep(credential.getId(), step.getAsLong(), false);
        AuditEvents.enrolled(event, credential.getId());
        TwoFactorMetrics.enrolled(realm.getName());
        return new SecondFactor.Check(
                TotpCredentialModel.TYPE, credential.getId(), SecondFactor.Outcome.ACCEPTED, OptionalInt.empty());
    }

    /** Imports apps set up in another system (see {@link AppImport}). */
    public AppImport.Report importApps(
            RealmModel realm, List<ImportLine> lines, List<AppImport.Refusal> refused, boolean dryRun) {
        return new AppImport(session).run(realm, lines, refused, dryRun);
    }

    /** Whether the user may set up another authenticator app: fewer than the realm's maximum (see {@link RealmSettings#maxApps}). */
    public boolean canAddApp(RealmModel realm, UserModel user) {
        return TotpCredentialProvider.of(session).apps(user).size() < RealmSettings.maxApps(realm);
    }

    /** Another request is changing the user's apps and did not finish within a few seconds: "try again". */
    public static final class AppsBusy extends RuntimeException {

        AppsBusy() {
            super("Another request is changing this user's apps.");
        }
    }

    /** The user has as many authenticator apps as the realm allows; one must go before another is set up. */
    public static final class AppLimitReached extends RuntimeException {

        private final int maxApps;

        AppLimitReached(int maxApps) {
            super("The user has " + maxApps + " authenticator apps, as many as the realm allows.");
            this.maxApps = maxApps;
        }

        public int maxApps() {
            return maxApps;
        }
    }

    /**
     * Removes one of the user's apps (already authorized); the last one takes the backup codes with it, as a disable
     * does, since codes back up an app.
     *
     * @return false when the user has no such app
     */
    public boolean removeApp(UserModel user, String credentialId, EventBuilder event) {
        TotpCredentialProvider provider = TotpCredentialProvider.of(session);
        if (!provider.lockApps(user)) {
            throw new AppsBusy();
        }
        if (provider.apps(user).stream().noneMatch(app -> app.getId().equals(credentialId))) {
            return false;
        }
        if (provider.apps(user).size() == 1 && !BuiltInOtp.hasAny(user)) {
            disable(user, event);
        } else {
            user.credentialManager().removeStoredCredentialById(credentialId);
            TrustedBrowsers.revokeForApp(user, credentialId);
            AuditEvents.appRemoved(event, credentialId);
        }
        return true;
    }

    /** Makes a new set under the realm's policy, stores and records it; returns the codes in clear, this once. */
    public BackupCodesCredentialProvider.NewCodes issueBackupCodes(
            RealmModel realm, UserModel user, EventBuilder event) {
        return issueBackupCodes(
                realm,
                user,
                BackupCodeFormat.generate(RealmSettings.backupCodePolicy(realm).count()),
                event);
    }

    /** Stores {@code codes} (canonical form, already shown to the user) as the user's set, replacing the older one. */
    public BackupCodesCredentialProvider.NewCodes issueBackupCodes(
            RealmModel realm, UserModel user, List<String> codes, EventBuilder event) {
        BackupCodesCredentialProvider.NewCodes issued = BackupCodesCredentialProvider.of(session)
                .storeCodes(
                        realm,
                        user,
                        codes,
                        RealmSettings.backupCodePolicy(realm).iterations());
        AuditEvents.backupCodesIssued(event, issued.credentialId(), issued.replacedOlderSet());
        TwoFactorMetrics.backupCodesIssued(realm.getName());
        return issued;
    }

    /**
     * Runs {@code checker} under {@code limiter} (see {@link SecondFactor#underLimit}); a lockout it starts is
     * recorded with a builder from {@code lockoutEvent}, in a transaction of its own.
     */
    public Optional<SecondFactor.Limited> checkUnderLimit(
            AttemptLimiter limiter,
            RealmModel realm,
            UserModel user,
            TwoFactorMetrics.Factor attempted,
            Function<AttemptLimiter.Attempt, SecondFactor.Check> checker,
            Supplier<EventBuilder> lockoutEvent) {
        long started = System.nanoTime();
        Optional<SecondFactor.Limited> limited = SecondFactor.underLimit(limiter, realm, user, checker);
        long nanos = System.nanoTime() - started;
        if (limited.isEmpty()) {
            if (attempted != null) {
                TwoFactorMetrics.checked(realm.getName(), attempted, TwoFactorMetrics.Outcome.LOCKED, -1);
            }
            return limited;
        }
        SecondFactor.Check check = limited.get().check();
        check.metricsFactor()
                .ifPresent(factor -> check.metricsOutcome().ifPresent(outcome -> {
                    if (outcome == TwoFactorMetrics.Outcome.MALFORMED) {
                        // Nothing was checked: counted under what the user meant to type, and not timed.
                        TwoFactorMetrics.checked(realm.getName(), attempted != null ? attempted : factor, outcome, -1);
                    } else {
                        TwoFactorMetrics.checked(realm.getName(), factor, outcome, nanos);
                    }
                }));
        limited.get().lockout().ifPresent(seconds -> {
            AuditEvents.lockedOut(lockoutEvent.get(), check.credentialType(), seconds);
            TwoFactorMetrics.lockedOut(realm.getName());
        });
        return limited;
    }

    /** Turns 2FA off at the user's request (already authorized): the authenticator and the backup codes go. */
    public void disable(UserModel user, EventBuilder event) {
        AuditEvents.disabled(event, removeTwoFactor(user));
    }

    /**
     * An administrator removes the user's 2FA, e.g. after a lost phone. The user starts over with a new
     * authenticator, so a lockout earned with the old one ends too.
     */
    public void adminReset(
            RealmModel realm,
            UserModel user,
            AdminEventBuilder adminEvent,
            EventBuilder userEvent,
            String adminUserId) {
        String credentialId = removeTwoFactor(user);
        loginLimiter().clear(realm.getId(), user.getId());
        AuditEvents.adminReset(adminEvent, userEvent, user, credentialId, adminUserId);
        TwoFactorMetrics.adminReset(realm.getName());
    }

    /**
     * Puts a required action on the user, so that it outlasts an abandoned login; for a user whose account cannot be
     * written (a read-only user federation), on this login only, as Keycloak's own recovery-code step does.
     */
    public void requireAction(UserModel user, AuthenticationSessionModel authSession, String actionId) {
        try {
            if (user.getRequiredActionsStream().noneMatch(actionId::equals)) {
                user.addRequiredAction(actionId);
            }
        } catch (ReadOnlyException readOnly) {
            if (authSession == null) {
                throw readOnly;
            }
            authSession.addRequiredAction(actionId);
        }
    }

    /** Removes the authenticator and the backup codes; returns the id of the authenticator's credential. */
    private String removeTwoFactor(UserModel user) {
        String credentialId = Stream.concat(
                        user.credentialManager().getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE),
                        user.credentialManager().getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE))
                .findFirst()
                .map(CredentialModel::getId)
                .orElse(null);
        BackupCodesCredentialProvider backupCodes = BackupCodesCredentialProvider.of(session);
        return backupCodes.changeWhole(() -> {
            // The backup codes first: their removal takes the locks a new set takes, so everything after it is
            // removed one after the other with a new set made at this moment, never half-way through.
            backupCodes.removeAll(user);
            TotpCredentialProvider.of(session).removeAll(user);
            // A lost phone set up with Keycloak's own form goes too, or it would still log in.
            BuiltInOtp.removeAll(user);
            // A browser trusted in place of a code is trusted no more once there is no second factor.
            TrustedBrowsers.revokeAll(user);
            return credentialId;
        });
    }
}
