package io.github.twofa.requiredaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.backupcodes.BackupCodePolicy;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.BuiltInOtp;
import io.github.twofa.credential.KeycloakRecoveryCodes;
import io.github.twofa.credential.RecentSecondFactor;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.security.SealedNotes;
import io.github.twofa.settings.ProviderIds;
import io.github.twofa.settings.RealmSettings;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.userprofile.ValidationException;
import org.keycloak.validate.ValidationError;

/**
 * Shows a new set of backup codes once, with copy, download and print, and stores it only when the user confirms
 * they saved it; until then the old set keeps working, and leaving the page (or Cancel) changes nothing. A user who
 * still has codes gets a new set only by asking for it on this action's own page (a POST), so a link that merely
 * opens the action ({@code kc_action}) cannot replace them. After a login with a backup code it first says how many
 * are left and, when few are, offers a new set; with none left (or right after enrolment) the new set is required.
 */
public class BackupCodesRequiredAction implements RequiredActionProvider, RequiredActionFactory, CredentialRegistrator {

    public static final String PROVIDER_ID = ProviderIds.BACKUP_CODES;
    private static final String REMAINING_NOTE = ProviderIds.BACKUP_CODES_REMAINING_NOTE;
    private static final String CODES_NOTE = "twofa.backup-codes.pending-display";
    static final String CODES_TEMPLATE = "twofa-backup-codes.ftl";
    static final String NOTICE_TEMPLATE = "twofa-backup-codes-notice.ftl";

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (!context.getUser().credentialManager().isConfiguredFor(TotpCredentialModel.TYPE)
                && BuiltInOtp.totpOf(context.getUser()).isEmpty()) {
            // Backup codes back up an authenticator app; a user without one has nothing to back up.
            context.success();
            return;
        }
        Optional<List<String>> pending = pendingCodes(context);
        int afterLogin = remainingAfterLogin(context.getAuthenticationSession());
        if (pending.isPresent()) {
            context.challenge(codesForm(context, pending.get(), null));
        } else if (afterLogin > 0) {
            context.challenge(noticeForm(context, afterLogin, false));
        } else if (afterLogin < 0 && storedRemaining(context) > 0) {
            // Asked only when no login code told the count: right after a login with a code, the count that login
            // wrote is the one to trust (a node's user cache may hold the set as it was for a moment longer).
            context.challenge(noticeForm(context, storedRemaining(context), true));
        } else {
            // No usable codes to lose: the new set is shown at once, and still stored only when confirmed.
            context.challenge(newSetOrRefusal(context));
        }
    }

    /**
     * A new set, only for a login that took a code of the user's within the action's maximum age (at our login step,
     * or at enrolment): new codes are a second factor, and a browser trusted in place of a code, or a password alone,
     * must not mint one.
     */
    private Response newSetOrRefusal(RequiredActionContext context) {
        RealmModel realm = context.getRealm();
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        boolean recent = RecentSecondFactor.within(
                realm,
                authSession,
                context.getSession()
                        .sessions()
                        .getUserSession(realm, authSession.getParentSession().getId()),
                RecentSecondFactor.maxAgeOf(realm, PROVIDER_ID));
        if (!recent) {
            return context.form()
                    .setError("twofaCodeNeededForNewCodes")
                    .setAttribute("twofaRemaining", storedRemaining(context))
                    .setAttribute("twofaLow", false)
                    .setAttribute("twofaReplacing", true)
                    .setAttribute("twofaKeycloakCodes", false)
                    .setStatus(Response.Status.FORBIDDEN)
                    .createForm(NOTICE_TEMPLATE);
        }
        return codesForm(context, newPendingCodes(context), null);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst("action");
        Optional<List<String>> pending = pendingCodes(context);
        if (pending.isPresent() && "confirm".equals(action) && "on".equals(form.getFirst("saved"))) {
            try {
                store(context, pending.get());
            } catch (BackupCodesCredentialProvider.ChangedMeanwhile concurrent) {
                // Another login of the user's replaced the set this instant: nothing of this request is kept, and
                // confirming again makes the codes shown here the set.
                context.challenge(codesForm(context, pending.get(), "twofaBackupCodesReplacedMeanwhile"));
                return;
            }
            sealedNotes(context).remove(CODES_NOTE);
            authSession.removeAuthNote(REMAINING_NOTE);
            context.success();
        } else if (pending.isPresent()) {
            context.challenge(codesForm(context, pending.get(), "twofaBackupCodesConfirmSaved"));
        } else if ("generate".equals(action)) {
            authSession.removeAuthNote(REMAINING_NOTE);
            context.challenge(newSetOrRefusal(context));
        } else if ("continue".equals(action) && storedRemaining(context) > 0) {
            authSession.removeAuthNote(REMAINING_NOTE);
            context.success();
        } else {
            requiredActionChallenge(context);
        }
    }

    private static int remainingAfterLogin(AuthenticationSessionModel authSession) {
        String remaining = authSession.getAuthNote(REMAINING_NOTE);
        return remaining == null ? -1 : Integer.parseInt(remaining);
    }

    /** Codes left in the user's set, or in Keycloak's recovery codes they still use instead. */
    private static int storedRemaining(RequiredActionContext context) {
        return BackupCodesCredentialProvider.of(context.getSession()).remaining(context.getUser());
    }

    /** Whether the codes the user has are Keycloak's recovery codes, not a set of ours. */
    private static boolean onKeycloaksCodes(RequiredActionContext context) {
        return BackupCodesCredentialProvider.of(context.getSession())
                        .current(context.getUser())
                        .isEmpty()
                && KeycloakRecoveryCodes.of(context.getUser()).isPresent();
    }

    /**
     * @param replacing true when the user came to replace codes they still have (e.g. from the account console),
     *                  false after a login with a backup code
     */
    private Response noticeForm(RequiredActionContext context, int remaining, boolean replacing) {
        return context.form()
                .setAttribute("twofaRemaining", remaining)
                .setAttribute(
                        "twofaLow",
                        RealmSettings.backupCodePolicy(context.getRealm()).isLow(remaining))
                .setAttribute("twofaReplacing", replacing)
                // Keycloak's recovery codes: the user is invited to make a set of ours, whatever the count.
                .setAttribute("twofaKeycloakCodes", onKeycloaksCodes(context))
                .createForm(NOTICE_TEMPLATE);
    }

    /** The set shown but not yet confirmed, kept sealed in the authentication session (the same across reloads). */
    private static Optional<List<String>> pendingCodes(RequiredActionContext context) {
        return sealedNotes(context)
                .get(CODES_NOTE)
                .map(codes -> List.of(new String(codes, StandardCharsets.UTF_8).split(",")));
    }

    private static List<String> newPendingCodes(RequiredActionContext context) {
        List<String> codes = BackupCodeFormat.generate(
                RealmSettings.backupCodePolicy(context.getRealm()).count());
        sealedNotes(context).put(CODES_NOTE, String.join(",", codes).getBytes(StandardCharsets.UTF_8));
        return codes;
    }

    /** The user confirmed: the shown set becomes theirs, replacing the old one. */
    private static void store(RequiredActionContext context, List<String> codes) {
        TwoFactorService.of(context.getSession())
                .issueBackupCodes(
                        context.getRealm(),
                        context.getUser(),
                        codes,
                        context.getEvent().clone().user(context.getUser()));
    }

    private static SealedNotes sealedNotes(RequiredActionContext context) {
        return new SealedNotes(
                context.getSession(),
                TotpCredentialProviderFactory.protector(context.getSession()),
                context.getAuthenticationSession(),
                context.getUser());
    }

    private Response codesForm(RequiredActionContext context, List<String> codes, String errorKey) {
        List<String> display = codes.stream().map(BackupCodeFormat::display).toList();
        var form = context.form()
                .setAttribute("twofaBackupCodes", display)
                .setAttribute("twofaBackupCodesFileName", fileName(context));
        if (errorKey != null) {
            form.addError(new FormMessage("saved", errorKey)).setStatus(Response.Status.BAD_REQUEST);
        }
        return form.createForm(CODES_TEMPLATE);
    }

    private static String fileName(RequiredActionContext context) {
        String name = context.getRealm().getName() + "-" + context.getUser().getUsername() + "-backup-codes.txt";
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        List<ProviderConfigProperty> properties = new ArrayList<>(MAX_AUTH_AGE_CONFIG_PROPERTIES);
        properties.addAll(ProviderConfigurationBuilder.create()
                .property()
                .name(BackupCodePolicy.COUNT)
                .label("Number of codes")
                .helpText("How many codes a new set has (5 to 20).")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(BackupCodePolicy.DEFAULT_COUNT)
                .add()
                .property()
                .name(BackupCodePolicy.LOW_THRESHOLD)
                .label("Warn when this many are left")
                .helpText(
                        "After a login with a backup code, users with this many codes or fewer are offered a new set.")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(BackupCodePolicy.DEFAULT_LOW_THRESHOLD)
                .add()
                .property()
                .name(BackupCodePolicy.ITERATIONS)
                .label("PBKDF2 iterations")
                .helpText("Cost of hashing each code (10,000 to 10,000,000); applies to new sets.")
                .type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(BackupCodePolicy.DEFAULT_ITERATIONS)
                .add()
                .build());
        return properties;
    }

    /** Refuses settings out of range in the admin console (400 with the reason), rather than using defaults silently. */
    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, RequiredActionConfigModel model) {
        RequiredActionFactory.super.validateConfig(session, realm, model);
        List<String> problems = BackupCodePolicy.problems(model.getConfig() == null ? Map.of() : model.getConfig());
        if (!problems.isEmpty()) {
            throw new ValidationException(new ValidationError(getId(), "config", String.join(" ", problems)));
        }
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return BackupCodesCredentialModel.TYPE;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {}

    @Override
    public String getDisplayText() {
        return "Two-factor backup codes";
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
