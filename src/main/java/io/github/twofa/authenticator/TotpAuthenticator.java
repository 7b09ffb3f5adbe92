package io.github.twofa.authenticator;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import io.github.twofa.attemptlimit.AttemptLimiter;
import io.github.twofa.attemptlimit.AttemptPolicy;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.UserSecondFactors;
import io.github.twofa.lifecycle.SecondFactor;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.metrics.TwoFactorMetrics;
import io.github.twofa.settings.ProviderIds;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.utils.FormMessage;

/**
 * The login step after the password: asks for the current code of the user's authenticator app, or one of their
 * backup codes (in the same field, or on a page of their own). Users without 2FA never reach {@link #authenticate}:
 * Keycloak marks the step "set-up required" and {@link TwoFactorStep#setRequiredActions} decides, per the execution's
 * {@link EnrolmentPolicy}, whether they must enrol.
 */
public class TotpAuthenticator extends TwoFactorStep {

    static final String CODE_TEMPLATE = "twofa-login-totp.ftl";
    static final String BACKUP_CODE_TEMPLATE = "twofa-login-backup-code.ftl";
    static final String CODE_FIELD = "code";
    static final String BACKUP_CODE_FIELD = "backupCode";
    static final String TRUST_FIELD = "trustBrowser";
    private static final String LOCKED_OUT_KEY = "twofaLockedOut";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        context.challenge(codeForm(context, null));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        OptionalLong wait = lockedOut(context);
        if (wait.isPresent()) {
            boolean backup = form.containsKey(BACKUP_CODE_FIELD) || form.containsKey("use-backup-code");
            if (form.containsKey(CODE_FIELD) || form.containsKey(BACKUP_CODE_FIELD)) {
                countLockedOut(
                        context, backup ? TwoFactorMetrics.Factor.BACKUP_CODE : TwoFactorMetrics.Factor.APP_CODE);
            }
            context.forceChallenge(
                    backup
                            ? backupCodeForm(context, lockedMessage(BACKUP_CODE_FIELD, wait.getAsLong()))
                            : codeForm(context, lockedMessage(CODE_FIELD, wait.getAsLong())));
            return;
        }
        if (form.containsKey("use-backup-code")) {
            context.challenge(backupCodeForm(context, null));
        } else if (form.containsKey("use-app-code")) {
            context.challenge(codeForm(context, null));
        } else if (form.containsKey(BACKUP_CODE_FIELD)) {
            checkBackupCode(context, form.getFirst(BACKUP_CODE_FIELD));
        } else {
            checkCode(context, form.getFirst(CODE_FIELD));
        }
    }

    /** The two code fields and their messages. */
    private enum CodeField {
        APP(CODE_FIELD, "twofaMissingCode", "twofaMalformedLoginCode", "twofaInvalidCode"),
        BACKUP(BACKUP_CODE_FIELD, "twofaMissingBackupCode", "twofaMalformedBackupCode", "twofaInvalidBackupCode");

        private final String name;
        private final String missing;
        private final String malformed;
        private final String invalid;

        CodeField(String name, String missing, String malformed, String invalid) {
            this.name = name;
            this.missing = missing;
            this.malformed = malformed;
            this.invalid = invalid;
        }
    }

    /** The code page's field takes the app's code or, for users who have no phone at hand, a backup code. */
    private void checkCode(AuthenticationFlowContext context, String code) {
        accepted(
                        context,
                        CodeField.APP,
                        code,
                        attempt -> SecondFactor.check(context.getSession(), context.getUser(), code, attempt))
                .ifPresent(check -> letIn(context, check));
    }

    private void checkBackupCode(AuthenticationFlowContext context, String input) {
        accepted(
                        context,
                        CodeField.BACKUP,
                        input,
                        attempt ->
                                SecondFactor.checkBackupCode(context.getSession(), context.getUser(), input, attempt))
                .ifPresent(check -> letIn(context, check));
    }

    /**
     * Lets the user in; after a backup code, first to a page that says how many codes are left, offering (or, with
     * none left, requiring) a new set.
     */
    private static void letIn(AuthenticationFlowContext context, SecondFactor.Check check) {
        trustBrowserIfAsked(context, check);
        warnAboutClockDrift(context, check);
        if (check.backupCodesRemaining().isPresent()
                && !TotpCredentialProvider.of(context.getSession()).isReadable(context.getRealm(), context.getUser())) {
            // The app's key was refused: with a backup code the user is in, and sets the app up again first.
            context.getAuthenticationSession().addRequiredAction(ProviderIds.TOTP_SETUP);
        }
        if (check.backupCodesRemaining().isPresent() && !UserSecondFactors.hasApp(context.getUser())) {
            // Only Keycloak's recovery codes, no app: the codes run out, so an app is set up now.
            TwoFactorService.of(context.getSession())
                    .requireAction(context.getUser(), context.getAuthenticationSession(), ProviderIds.TOTP_SETUP);
        }
        check.backupCodesRemaining().ifPresent(remaining -> {
            context.getAuthenticationSession()
                    .setAuthNote(ProviderIds.BACKUP_CODES_REMAINING_NOTE, String.valueOf(remaining));
            if (remaining == 0) {
                TwoFactorService.of(context.getSession())
                        .requireAction(context.getUser(), context.getAuthenticationSession(), ProviderIds.BACKUP_CODES);
            } else {
                context.getAuthenticationSession().addRequiredAction(ProviderIds.BACKUP_CODES);
            }
        });
        succeed(context, check);
    }

    /**
     * The app's last codes kept matching a neighbouring time step: before its clock drifts out of the window, a page
     * after the login says so (the app set-up action's notice; the window itself stays +-1 step).
     */
    private static void warnAboutClockDrift(AuthenticationFlowContext context, SecondFactor.Check check) {
        if (!TotpCredentialModel.TYPE.equals(check.credentialType())
                || check.credentialId() == null
                // The login is for setting up another app (kc_action): the set-up page is the action's, not a notice.
                || ProviderIds.TOTP_SETUP.equals(
                        context.getAuthenticationSession().getClientNote(org.keycloak.models.Constants.KC_ACTION))) {
            return;
        }
        TotpCredentialProvider.of(context.getSession())
                .clockDriftAfterThisCheck(check.credentialId())
                .ifPresent(seconds -> {
                    context.getAuthenticationSession()
                            .setAuthNote(ProviderIds.CLOCK_DRIFT_NOTE, String.valueOf(seconds));
                    context.getAuthenticationSession().addRequiredAction(ProviderIds.TOTP_SETUP);
                });
    }

    /** The user ticked "don't ask for a code on this browser": a record bound to the app, and its cookie. */
    private static void trustBrowserIfAsked(AuthenticationFlowContext context, SecondFactor.Check check) {
        int days = BrowserTrust.days(configOf(context));
        if (days == 0
                || !"on"
                        .equals(context.getHttpRequest()
                                .getDecodedFormParameters()
                                .getFirst(TRUST_FIELD))) {
            return;
        }
        String appId = TotpCredentialModel.TYPE.equals(check.credentialType())
                ? check.credentialId()
                : TotpCredentialProvider.of(context.getSession()).apps(context.getUser()).stream()
                        .findFirst()
                        .map(TotpCredentialModel::getId)
                        .orElse(null);
        if (appId != null) {
            BrowserTrust.trust(context.getSession(), context.getRealm(), context.getUser(), appId, days);
        }
    }

    private static Map<String, String> configOf(AuthenticationFlowContext context) {
        return context.getAuthenticatorConfig() == null
                        || context.getAuthenticatorConfig().getConfig() == null
                ? Map.of()
                : context.getAuthenticatorConfig().getConfig();
    }

    /**
     * Checks what was typed into {@code field} under the attempt limit; answers every outcome but acceptance with
     * the field's page and message (missing, locked out, not a code, wrong), and returns the accepted check.
     */
    private Optional<SecondFactor.Check> accepted(
            AuthenticationFlowContext context,
            CodeField field,
            String input,
            Function<AttemptLimiter.Attempt, SecondFactor.Check> checker) {
        if (input == null || input.isBlank()) {
            context.forceChallenge(page(context, field, new FormMessage(field.name, field.missing)));
            return Optional.empty();
        }
        Optional<SecondFactor.Limited> outcome = checkUnderLimit(
                context,
                field == CodeField.APP ? TwoFactorMetrics.Factor.APP_CODE : TwoFactorMetrics.Factor.BACKUP_CODE,
                checker);
        if (outcome.isEmpty()) {
            context.forceChallenge(page(context, field, lockedMessage(field.name, secondsToWait(context))));
            return Optional.empty();
        }
        SecondFactor.Check check = outcome.get().check();
        if (check.malformed()) {
            context.forceChallenge(page(context, field, new FormMessage(field.name, malformedMessage(context, field))));
            return Optional.empty();
        }
        if (check.busy()) {
            context.forceChallenge(page(context, field, new FormMessage(field.name, "twofaBusy")));
            return Optional.empty();
        }
        if (check.unreadable()) {
            unreadable(context);
            context.forceChallenge(page(context, field, new FormMessage(field.name, "twofaSecretUnreadable")));
            return Optional.empty();
        }
        if (!check.accepted()) {
            refuse(context, check);
            OptionalLong lockout = outcome.get().lockout();
            context.failureChallenge(
                    AuthenticationFlowError.INVALID_CREDENTIALS,
                    page(
                            context,
                            field,
                            lockout.isPresent()
                                    ? lockedMessage(field.name, lockout.getAsLong())
                                    : new FormMessage(field.name, invalidMessage(field, check))));
            return Optional.empty();
        }
        return Optional.of(check);
    }

    /** Only users who have backup codes are told that the code page's field takes them too. */
    private static String malformedMessage(AuthenticationFlowContext context, CodeField field) {
        return field == CodeField.APP && !hasBackupCodes(context) ? "twofaMalformedCode" : field.malformed;
    }

    private static boolean hasBackupCodes(AuthenticationFlowContext context) {
        return BackupCodesCredentialProvider.of(context.getSession())
                .current(context.getUser())
                .isPresent();
    }

    /** A wrong backup code typed into the code page's field is told as one, so the user does not wait for the app. */
    private static String invalidMessage(CodeField field, SecondFactor.Check check) {
        return BackupCodesCredentialModel.TYPE.equals(check.credentialType())
                ? CodeField.BACKUP.invalid
                : field.invalid;
    }

    private Response page(AuthenticationFlowContext context, CodeField field, FormMessage error) {
        return field == CodeField.APP ? codeForm(context, error) : backupCodeForm(context, error);
    }

    private static FormMessage lockedMessage(String field, long seconds) {
        return new FormMessage(field, LOCKED_OUT_KEY, AttemptPolicy.minutes(seconds));
    }

    private Response codeForm(AuthenticationFlowContext context, FormMessage error) {
        return withError(context.form(), error)
                .setAttribute("twofaHasBackupCodes", hasBackupCodes(context))
                .setAttribute("twofaTrustDays", BrowserTrust.days(configOf(context)))
                .createForm(CODE_TEMPLATE);
    }

    private Response backupCodeForm(AuthenticationFlowContext context, FormMessage error) {
        return withError(context.form(), error).createForm(BACKUP_CODE_TEMPLATE);
    }

    /** A refused submission is answered with its page and a 4xx status: 429 while locked out, else 400. */
    private static LoginFormsProvider withError(LoginFormsProvider form, FormMessage error) {
        if (error == null) {
            return form;
        }
        return form.addError(error)
                .setStatus(
                        LOCKED_OUT_KEY.equals(error.getMessage())
                                ? Response.Status.TOO_MANY_REQUESTS
                                : Response.Status.BAD_REQUEST);
    }

    @Override
    protected boolean isDirectGrant() {
        return false;
    }

    @Override
    protected String providerId() {
        return TotpAuthenticatorFactory.PROVIDER_ID;
    }
}
