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
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.events.AuditEvents;
import io.github.twofa.security.SealedNotes;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Shows a new set of backup codes once, with copy, download and print, until the user confirms they saved them.
 * After a login with a backup code it first says how many are left and, when few are, offers a new set; with none
 * left (or right after enrolment) the new set is required.
 */
public class BackupCodesRequiredAction implements RequiredActionProvider, RequiredActionFactory, CredentialRegistrator {

    public static final String PROVIDER_ID = "twofa-backup-codes";
    /** Set by the login step after a backup code was used: how many codes are left. */
    public static final String REMAINING_NOTE = "twofa.backup-codes.remaining";
    private static final String CODES_NOTE = "twofa.backup-codes.pending-display";
    static final String CODES_TEMPLATE = "twofa-backup-codes.ftl";
    static final String NOTICE_TEMPLATE = "twofa-backup-codes-notice.ftl";

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (!context.getUser().credentialManager().isConfiguredFor(TotpCredentialModel.TYPE)) {
            // Backup codes back up an authenticator app; a user without one has nothing to back up.
            context.success();
            return;
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (authSession.getAuthNote(CODES_NOTE) == null && remainingAfterLogin(authSession) > 0) {
            context.challenge(noticeForm(context));
        } else {
            context.challenge(codesForm(context, null));
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst("action");
        boolean showingCodes = authSession.getAuthNote(CODES_NOTE) != null;
        if (!showingCodes && "generate".equals(action)) {
            authSession.removeAuthNote(REMAINING_NOTE);
            context.challenge(codesForm(context, null));
        } else if (!showingCodes && "continue".equals(action) && remainingAfterLogin(authSession) > 0) {
            authSession.removeAuthNote(REMAINING_NOTE);
            context.success();
        } else if (showingCodes && "on".equals(form.getFirst("saved"))) {
            authSession.removeAuthNote(CODES_NOTE);
            authSession.removeAuthNote(REMAINING_NOTE);
            context.success();
        } else if (showingCodes) {
            context.challenge(codesForm(context, "twofaBackupCodesConfirmSaved"));
        } else {
            context.challenge(noticeForm(context));
        }
    }

    private static int remainingAfterLogin(AuthenticationSessionModel authSession) {
        String remaining = authSession.getAuthNote(REMAINING_NOTE);
        return remaining == null ? -1 : Integer.parseInt(remaining);
    }

    private Response noticeForm(RequiredActionContext context) {
        int remaining = remainingAfterLogin(context.getAuthenticationSession());
        return context.form()
                .setAttribute("twofaRemaining", remaining)
                .setAttribute("twofaLow", policyOf(context.getRealm()).isLow(remaining))
                .createForm(NOTICE_TEMPLATE);
    }

    /** Makes the set on first display; shows the same set again until the user confirms (e.g. after a reload). */
    private Response codesForm(RequiredActionContext context, String errorKey) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        SealedNotes notes = new SealedNotes(context.getSession(), TotpCredentialProviderFactory.protector(context.getSession()), authSession, context.getUser());
        Optional<byte[]> pending = notes.get(CODES_NOTE);
        List<String> codes;
        if (pending.isEmpty()) {
            BackupCodesCredentialProvider.NewCodes issued = BackupCodesCredentialProvider.of(context.getSession())
                    .replaceCodes(context.getRealm(), context.getUser(), policyOf(context.getRealm()));
            codes = issued.codes();
            notes.put(CODES_NOTE, String.join(",", codes).getBytes(StandardCharsets.UTF_8));
            context.getEvent().clone().event(EventType.UPDATE_CREDENTIAL).user(context.getUser())
                    .detail(Details.CREDENTIAL_TYPE, BackupCodesCredentialModel.TYPE)
                    .detail(Details.CREDENTIAL_ID, issued.credentialId())
                    .detail(AuditEvents.ACTION, issued.auditAction().value()).success();
        } else {
            codes = List.of(new String(pending.get(), StandardCharsets.UTF_8).split(","));
        }
        List<String> display = new ArrayList<>(codes.size());
        codes.forEach(code -> display.add(BackupCodeFormat.display(code)));
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

    /** The realm's backup-code settings: this action's configuration in the admin console, or the defaults. */
    public static BackupCodePolicy policyOf(RealmModel realm) {
        RequiredActionConfigModel config = realm == null ? null : realm.getRequiredActionConfigByAlias(PROVIDER_ID);
        return BackupCodePolicy.from(config == null ? Map.of() : config.getConfig());
    }


    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        List<ProviderConfigProperty> properties = new ArrayList<>(MAX_AUTH_AGE_CONFIG_PROPERTIES);
        properties.addAll(ProviderConfigurationBuilder.create()
                .property().name(BackupCodePolicy.COUNT).label("Number of codes")
                .helpText("How many codes a new set has (5 to 20).")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(BackupCodePolicy.DEFAULT_COUNT).add()
                .property().name(BackupCodePolicy.LOW_THRESHOLD).label("Warn when this many are left")
                .helpText("After a login with a backup code, users with this many codes or fewer are offered a new set.")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(BackupCodePolicy.DEFAULT_LOW_THRESHOLD).add()
                .property().name(BackupCodePolicy.ITERATIONS).label("PBKDF2 iterations")
                .helpText("Cost of hashing each code (10,000 to 10,000,000); applies to new sets.")
                .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(BackupCodePolicy.DEFAULT_ITERATIONS).add()
                .build());
        return properties;
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
    public void evaluateTriggers(RequiredActionContext context) {
    }

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
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
