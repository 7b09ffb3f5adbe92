package io.github.twofa.lifecycle;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.github.twofa.attemptlimit.AttemptLimiter;
import io.github.twofa.audit.AuditEvents;
import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.backupcodes.KeycloakRecoveryCodeFormat;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.BuiltInOtp;
import io.github.twofa.credential.KeycloakRecoveryCodes;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.metrics.TwoFactorMetrics;
import io.github.twofa.totp.TotpVerifier;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Checks a second factor: an app code, a backup code, or (API login, regenerating codes, disabling 2FA) either,
 * where input that looks like an app code is checked as one and anything else as a backup code. An accepted code
 * is used up. Input that cannot be a code at all is {@link Outcome#MALFORMED}: refused without a guess being spent,
 * since it tells an attacker nothing.
 */
public final class SecondFactor {

    /**
     * BUSY: another request is using the same credential this instant; nothing was checked, "try again".
     * UNREADABLE: the authenticator's stored key was refused (see {@link TotpCredentialProvider.Verification#UNREADABLE}).
     * LIMITED: the attempt limit refused the check once it was under way (every slot taken or a lockout begun by
     * requests at the same moment); answered as a lockout, never as right or wrong.
     */
    public enum Outcome {
        ACCEPTED,
        REFUSED,
        /** A right code whose time step was used before: refused as a wrong code is, and counted as one. */
        REPLAYED,
        MALFORMED,
        BUSY,
        UNREADABLE,
        LIMITED
    }

    /**
     * The outcome of one check: which credential was checked, whether the code was accepted, and for an accepted
     * backup code how many are left.
     */
    public record Check(String credentialType, String credentialId, Outcome outcome, OptionalInt backupCodesRemaining) {

        /** A check the attempt limit stopped on its way (see {@link Outcome#LIMITED}). */
        public static Check limited(String credentialType, String credentialId) {
            return new Check(credentialType, credentialId, Outcome.LIMITED, OptionalInt.empty());
        }

        public boolean accepted() {
            return outcome == Outcome.ACCEPTED;
        }

        public boolean malformed() {
            return outcome == Outcome.MALFORMED;
        }

        public boolean busy() {
            return outcome == Outcome.BUSY;
        }

        public boolean unreadable() {
            return outcome == Outcome.UNREADABLE;
        }

        /** The factor for the metrics; empty for a password (the REST API's {@code disable} checks one). */
        public Optional<TwoFactorMetrics.Factor> metricsFactor() {
            if (PasswordCredentialModel.TYPE.equals(credentialType)) {
                return Optional.empty();
            }
            return Optional.of(backupCode() ? TwoFactorMetrics.Factor.BACKUP_CODE : TwoFactorMetrics.Factor.APP_CODE);
        }

        /** The outcome for the metrics; empty when nothing was checked (another request held the credential). */
        public Optional<TwoFactorMetrics.Outcome> metricsOutcome() {
            return switch (outcome) {
                case ACCEPTED -> Optional.of(TwoFactorMetrics.Outcome.OK);
                case REFUSED -> Optional.of(TwoFactorMetrics.Outcome.WRONG);
                case REPLAYED -> Optional.of(TwoFactorMetrics.Outcome.REPLAYED);
                case MALFORMED -> Optional.of(TwoFactorMetrics.Outcome.MALFORMED);
                case UNREADABLE -> Optional.of(TwoFactorMetrics.Outcome.UNREADABLE);
                case BUSY, LIMITED -> Optional.empty();
            };
        }

        /** Whether the code checked was a backup code (ours or Keycloak's recovery codes), not an app's. */
        public boolean backupCode() {
            return !TotpCredentialModel.TYPE.equals(credentialType) && !OTPCredentialModel.TYPE.equals(credentialType);
        }

        /** Adds the outcome to an audit event: the kind and id of the credential, never the code. */
        public EventBuilder describe(EventBuilder event) {
            return AuditEvents.secondFactorChecked(event, credentialType, credentialId, accepted());
        }

        /**
         * Sends, for an accepted backup code, its own event (the stored set lost a code) with how many are left;
         * {@code event} is a fresh builder of the right user, client and address.
         */
        public void sendBackupCodeUse(EventBuilder event) {
            backupCodesRemaining.ifPresent(remaining -> AuditEvents.backupCodeUsed(event, credentialId, remaining));
        }
    }

    /** A check made under the attempt limit, and the lockout its failure started, if it did. */
    public record Limited(Check check, OptionalLong lockout) {}

    private SecondFactor() {}

    /**
     * Runs {@code checker} as one of the user's attempts (see {@link AttemptLimiter}): empty, without running it, when
     * the limit allows no attempt now, and empty too when the checker found the limit reached on the way. A malformed
     * input spends no attempt, a right code clears the count, a wrong one is counted before it is answered.
     */
    public static Optional<Limited> underLimit(
            AttemptLimiter limiter, RealmModel realm, UserModel user, Function<AttemptLimiter.Attempt, Check> checker) {
        Optional<AttemptLimiter.Attempt> begun = limiter.begin(realm.getId(), user.getId());
        if (begun.isEmpty()) {
            return Optional.empty();
        }
        AttemptLimiter.Attempt attempt = begun.get();
        Check check = checker.apply(attempt);
        if (check.outcome() == Outcome.LIMITED) {
            attempt.withdrawn();
            return Optional.empty();
        }
        if (check.busy() && !attempt.allowsSuccess()) {
            // "Try again" is only ever said of a code that matches: past the limit it would tell a right guess from
            // a wrong one, so it is answered as a lockout too.
            attempt.withdrawn();
            return Optional.empty();
        }
        if (check.malformed() || check.busy() || check.unreadable()) {
            // Nothing was guessed: the attempt is given back.
            attempt.withdrawn();
            return Optional.of(new Limited(check, OptionalLong.empty()));
        }
        if (check.accepted()) {
            // The checkers ask before a code is used up; a yes is remembered, so this reads again only if one did not.
            if (!attempt.allowsSuccess()) {
                return Optional.empty();
            }
            attempt.succeeded();
            return Optional.of(new Limited(check, OptionalLong.empty()));
        }
        if (!attempt.holdSlot()) {
            // No slot left for this failure: not answered as wrong, so it told the guesser nothing.
            return Optional.empty();
        }
        return Optional.of(new Limited(check, attempt.failed()));
    }

    /**
     * The user's password, checked like a second factor (the REST API's {@code setup} and {@code disable} ask for it);
     * a password hash is expensive, so the attempt holds its slot first.
     */
    public static Check checkPassword(UserModel user, String password, AttemptLimiter.Attempt attempt) {
        if (!attempt.holdSlot()) {
            return Check.limited(PasswordCredentialModel.TYPE, null);
        }
        boolean valid = user.credentialManager().isValid(UserCredentialModel.password(password));
        return new Check(
                PasswordCredentialModel.TYPE, null, valid ? Outcome.ACCEPTED : Outcome.REFUSED, OptionalInt.empty());
    }

    /** An app code or a backup code, told apart by its form; see {@link #checkAppCode} and {@link #checkBackupCode}. */
    public static Check check(KeycloakSession session, UserModel user, String input, AttemptLimiter.Attempt attempt) {
        return looksLikeAppCode(input)
                ? checkAppCode(session, user, input, attempt)
                : checkBackupCode(session, user, input, attempt);
    }

    /** Whether {@code input} could be one of the user's codes, app or backup; checks the form only, uses nothing. */
    public static boolean isWellFormed(UserModel user, String input) {
        if (looksLikeAppCode(input)) {
            List<CredentialModel> apps = appCredentials(user);
            if (apps.isEmpty()) {
                return BuiltInOtp.totpOf(user)
                        .map(otp -> BuiltInOtp.isWellFormed(otp, TotpVerifier.normalise(input)))
                        .orElse(true);
            }
            return apps.stream().anyMatch(app -> isWellFormedAppCode(app, input));
        }
        return BackupCodeFormat.normalise(input).isPresent()
                || (KeycloakRecoveryCodeFormat.normalise(input).isPresent()
                        && KeycloakRecoveryCodes.of(user).isPresent());
    }

    /**
     * Checks an app code against each of the user's apps until one takes it (and uses its time step up): one
     * attempt, whatever the number of apps. BUSY when no app took it and one was being made ours this instant; UNREADABLE
     * only when no app's key could be read at all. A few HMACs are cheap, so the code is looked at before it is
     * counted: a right code asks the attempt whether it may be accepted once its time step is used up.
     */
    public static Check checkAppCode(
            KeycloakSession session, UserModel user, String input, AttemptLimiter.Attempt attempt) {
        List<CredentialModel> apps = appCredentials(user);
        String code = TotpVerifier.normalise(input);
        if (apps.isEmpty()) {
            Optional<OTPCredentialModel> builtIn = BuiltInOtp.totpOf(user);
            if (builtIn.isPresent()) {
                return checkBuiltInCode(session, user, builtIn.get(), code, attempt::allowsSuccess);
            }
            return new Check(TotpCredentialModel.TYPE, null, Outcome.REFUSED, OptionalInt.empty());
        }
        List<CredentialModel> candidates =
                apps.stream().filter(app -> isWellFormedAppCode(app, code)).toList();
        if (candidates.isEmpty()) {
            return new Check(TotpCredentialModel.TYPE, apps.get(0).getId(), Outcome.MALFORMED, OptionalInt.empty());
        }
        TotpCredentialProvider provider = TotpCredentialProvider.of(session);
        Outcome outcome = Outcome.UNREADABLE;
        for (CredentialModel app : candidates) {
            TotpCredentialProvider.Verification verification =
                    provider.verify(session.getContext().getRealm(), user, app.getId(), code, attempt::allowsSuccess);
            Outcome appOutcome = outcomeOf(verification);
            if (appOutcome == Outcome.ACCEPTED || appOutcome == Outcome.LIMITED) {
                return new Check(TotpCredentialModel.TYPE, app.getId(), appOutcome, OptionalInt.empty());
            }
            outcome = worse(outcome, appOutcome);
        }
        // Several apps: the event names the first, since no single one was meant.
        return new Check(TotpCredentialModel.TYPE, candidates.get(0).getId(), outcome, OptionalInt.empty());
    }

    /** Of two apps' outcomes, the one to answer: a replay over a refusal over "try again" over "unreadable". */
    private static Outcome worse(Outcome sofar, Outcome next) {
        if (sofar == Outcome.REPLAYED || next == Outcome.REPLAYED) {
            return Outcome.REPLAYED;
        }
        if (sofar == Outcome.REFUSED || next == Outcome.REFUSED) {
            return Outcome.REFUSED;
        }
        if (sofar == Outcome.BUSY || next == Outcome.BUSY) {
            return Outcome.BUSY;
        }
        return Outcome.UNREADABLE;
    }

    /** A user still on Keycloak's built-in OTP: a right code also makes the credential ours (see {@link TotpCredentialProvider#verifyAndAdopt}). */
    private static Check checkBuiltInCode(
            KeycloakSession session,
            UserModel user,
            OTPCredentialModel builtIn,
            String code,
            BooleanSupplier allowsSuccess) {
        if (!BuiltInOtp.isWellFormed(builtIn, code)) {
            return new Check(OTPCredentialModel.TYPE, builtIn.getId(), Outcome.MALFORMED, OptionalInt.empty());
        }
        TotpCredentialProvider.Adoption adoption = TotpCredentialProvider.of(session)
                .verifyAndAdopt(session.getContext().getRealm(), user, builtIn, code, allowsSuccess);
        return adoption.verification() == TotpCredentialProvider.Verification.ACCEPTED
                ? new Check(TotpCredentialModel.TYPE, adoption.credentialId(), Outcome.ACCEPTED, OptionalInt.empty())
                : new Check(
                        OTPCredentialModel.TYPE,
                        builtIn.getId(),
                        outcomeOf(adoption.verification()),
                        OptionalInt.empty());
    }

    private static Outcome outcomeOf(TotpCredentialProvider.Verification verification) {
        return switch (verification) {
            case ACCEPTED -> Outcome.ACCEPTED;
            case REFUSED -> Outcome.REFUSED;
            case REPLAYED -> Outcome.REPLAYED;
            case BUSY -> Outcome.BUSY;
            case UNREADABLE -> Outcome.UNREADABLE;
            case LIMITED -> Outcome.LIMITED;
        };
    }

    /** Which factor {@code input} would be checked as (for the metrics of a check the attempt limit refused). */
    public static TwoFactorMetrics.Factor attemptedFactor(String input) {
        return looksLikeAppCode(input) ? TwoFactorMetrics.Factor.APP_CODE : TwoFactorMetrics.Factor.BACKUP_CODE;
    }

    /** App codes have 6 to 8 digits; backup codes have 10 characters, so the length tells them apart. */
    private static boolean looksLikeAppCode(String input) {
        String digits = TotpVerifier.normalise(input);
        return !digits.isEmpty()
                && digits.length() <= TotpVerifier.MAX_DIGITS
                && digits.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static List<CredentialModel> appCredentials(UserModel user) {
        return user.credentialManager()
                .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                .toList();
    }

    private static boolean isWellFormedAppCode(CredentialModel stored, String input) {
        return new TotpVerifier(
                        TotpCredentialModel.createFromCredentialModel(stored).parameters())
                .isWellFormed(TotpVerifier.normalise(input));
    }

    /**
     * A backup code: one of ours, or (users of a realm that switched from Keycloak's own recovery codes, until they make
     * a set of ours) one of Keycloak's; their forms differ, so the input says which set to check. Looked at before it
     * is counted, as an app code is: a right code asks the attempt whether it may be accepted before it is used up.
     */
    public static Check checkBackupCode(
            KeycloakSession session, UserModel user, String input, AttemptLimiter.Attempt attempt) {
        if (KeycloakRecoveryCodeFormat.normalise(input).isPresent()) {
            Optional<CredentialModel> keycloaks = KeycloakRecoveryCodes.of(user);
            // Without Keycloak's codes such input cannot be a code of the user's: nothing to guess, nothing spent.
            if (keycloaks.isEmpty()) {
                return new Check(KeycloakRecoveryCodes.TYPE, null, Outcome.MALFORMED, OptionalInt.empty());
            }
            return checkOf(
                    KeycloakRecoveryCodes.TYPE,
                    keycloaks.get().getId(),
                    KeycloakRecoveryCodes.consume(session, user, keycloaks.get(), input, attempt::allowsSuccess));
        }
        BackupCodesCredentialProvider provider = BackupCodesCredentialProvider.of(session);
        Optional<BackupCodesCredentialModel> set = provider.current(user);
        String credentialId = set.map(CredentialModel::getId).orElse(null);
        if (BackupCodeFormat.normalise(input).isEmpty()) {
            return new Check(BackupCodesCredentialModel.TYPE, credentialId, Outcome.MALFORMED, OptionalInt.empty());
        }
        if (set.isEmpty()) {
            return new Check(BackupCodesCredentialModel.TYPE, null, Outcome.REFUSED, OptionalInt.empty());
        }
        return checkOf(
                BackupCodesCredentialModel.TYPE,
                credentialId,
                provider.consume(user, set.get(), input, attempt::allowsSuccess));
    }

    private static Check checkOf(String type, String credentialId, BackupCodesCredentialProvider.Use use) {
        if (use.limited()) {
            return Check.limited(type, credentialId);
        }
        return use.accepted()
                ? new Check(type, credentialId, Outcome.ACCEPTED, OptionalInt.of(use.remaining()))
                : new Check(type, credentialId, Outcome.REFUSED, OptionalInt.empty());
    }
}
