package io.github.twofa.authenticator;

import java.util.OptionalInt;
import java.util.OptionalLong;

import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.requiredaction.BackupCodesRequiredAction;
import io.github.twofa.security.AttemptPolicy;
import io.github.twofa.totp.TotpVerifier;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * The login step after the password: asks for the current code of the user's authenticator app, or one of their
 * backup codes. Users without 2FA never reach {@link #authenticate}: Keycloak marks the step "set-up required" and
 * {@link TwoFactorStep#setRequiredActions} decides, per the execution's {@link EnrolmentPolicy}, whether they must enrol.
 */
public class TotpAuthenticator extends TwoFactorStep {

    static final String CODE_TEMPLATE = "twofa-login-totp.ftl";
    static final String BACKUP_CODE_TEMPLATE = "twofa-login-backup-code.ftl";
    static final String CODE_FIELD = "code";
    static final String BACKUP_CODE_FIELD = "backupCode";
    /** Event detail: how many backup codes are left after one was used. */
    public static final String BACKUP_CODES_REMAINING = "backup_codes_remaining";

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
            context.forceChallenge(backup ? backupCodeForm(context, lockedMessage(BACKUP_CODE_FIELD, wait.getAsLong()))
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
            checkAppCode(context, TotpVerifier.normalise(form.getFirst(CODE_FIELD)));
        }
    }

    private void checkAppCode(AuthenticationFlowContext context, String code) {
        if (code.isEmpty()) {
            context.forceChallenge(codeForm(context, new FormMessage(CODE_FIELD, "twofaMissingCode")));
            return;
        }
        UserModel user = context.getUser();
        CredentialModel credential = getCredentialProvider(context.getSession()).getDefaultCredential(
                context.getSession(), context.getRealm(), user);
        boolean valid = credential != null && user.credentialManager().isValid(
                new UserCredentialModel(credential.getId(), TotpCredentialModel.TYPE, code));
        context.getEvent().user(user).detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE);
        if (!valid) {
            context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
            OptionalLong lockout = countFailure(context);
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, codeForm(context, lockout.isPresent()
                    ? lockedMessage(CODE_FIELD, lockout.getAsLong()) : new FormMessage(CODE_FIELD, "twofaInvalidCode")));
            return;
        }
        succeed(context);
    }

    private void checkBackupCode(AuthenticationFlowContext context, String input) {
        if (input == null || input.isBlank()) {
            context.forceChallenge(backupCodeForm(context, new FormMessage(BACKUP_CODE_FIELD, "twofaMissingBackupCode")));
            return;
        }
        UserModel user = context.getUser();
        OptionalInt remaining = BackupCodesCredentialProvider.of(context.getSession()).consume(user, input);
        context.getEvent().user(user).detail(Details.CREDENTIAL_TYPE, BackupCodesCredentialModel.TYPE);
        if (remaining.isEmpty()) {
            context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
            OptionalLong lockout = countFailure(context);
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, backupCodeForm(context, lockout.isPresent()
                    ? lockedMessage(BACKUP_CODE_FIELD, lockout.getAsLong()) : new FormMessage(BACKUP_CODE_FIELD, "twofaInvalidBackupCode")));
            return;
        }
        context.getEvent().detail(BACKUP_CODES_REMAINING, String.valueOf(remaining.getAsInt()));
        // Next: a page that says how many codes are left, offering (or, with none left, requiring) a new set.
        context.getAuthenticationSession().setAuthNote(BackupCodesRequiredAction.REMAINING_NOTE, String.valueOf(remaining.getAsInt()));
        if (remaining.getAsInt() == 0) {
            user.addRequiredAction(BackupCodesRequiredAction.PROVIDER_ID);
        } else {
            context.getAuthenticationSession().addRequiredAction(BackupCodesRequiredAction.PROVIDER_ID);
        }
        succeed(context);
    }

    private static FormMessage lockedMessage(String field, long seconds) {
        return new FormMessage(field, "twofaLockedOut", AttemptPolicy.minutes(seconds));
    }

    private Response codeForm(AuthenticationFlowContext context, FormMessage error) {
        var form = context.form()
                .setAttribute("twofaHasBackupCodes", BackupCodesCredentialProvider.of(context.getSession()).current(context.getUser()).isPresent());
        if (error != null) {
            form.addError(error);
        }
        return form.createForm(CODE_TEMPLATE);
    }

    private Response backupCodeForm(AuthenticationFlowContext context, FormMessage error) {
        var form = context.form();
        if (error != null) {
            form.addError(error);
        }
        return form.createForm(BACKUP_CODE_TEMPLATE);
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
