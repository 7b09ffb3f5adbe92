package io.github.twofa.requiredaction;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.authenticator.ExecutionConfigLookup;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.lifecycle.SecondFactor;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.security.SealedNotes;
import io.github.twofa.settings.ProviderIds;
import io.github.twofa.settings.RealmSettings;
import io.github.twofa.totp.QrCodeImage;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Enrolment: shows a QR code and the key, and enables 2FA only once the user typed a correct code.
 * The pending secret lives in the authentication session on the server, never in the page.
 */
public class TotpSetupRequiredAction implements RequiredActionProvider, RequiredActionFactory, CredentialRegistrator {

    public static final String PROVIDER_ID = ProviderIds.TOTP_SETUP;
    static final String TEMPLATE = "twofa-setup-totp.ftl";
    static final String CODE_FIELD = "code";
    private static final String PENDING_SECRET_NOTE = "twofa.pending-secret";

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {}

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(setupForm(context, pendingSecret(context), null));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        TotpSecret secret = pendingSecret(context);
        String code = TotpVerifier.normalise(
                context.getHttpRequest().getDecodedFormParameters().getFirst(CODE_FIELD));
        EventBuilder event = context.getEvent().clone().user(context.getUser());
        if (code.isEmpty()) {
            context.challenge(setupForm(context, secret, "twofaMissingCode"));
            return;
        }
        if (!new TotpVerifier(RealmSettings.totpParameters(context.getRealm())).isWellFormed(code)) {
            context.challenge(setupForm(context, secret, "twofaMalformedCode"));
            return;
        }
        SecondFactor.Check enrolled = TwoFactorService.of(context.getSession())
                .enrol(context.getRealm(), context.getUser(), secret, code, event.clone());
        if (!enrolled.accepted()) {
            AuditEvents.enrolmentCodeRefused(event);
            context.challenge(setupForm(context, secret, "twofaInvalidSetupCode"));
            return;
        }
        notes(context).remove(PENDING_SECRET_NOTE);
        countStepAsDone(context.getRealm(), context.getAuthenticationSession());
        // The first set of backup codes is shown right after, before the login completes.
        TwoFactorService.of(context.getSession())
                .requireAction(
                        context.getUser(), context.getAuthenticationSession(), BackupCodesRequiredAction.PROVIDER_ID);
        context.success();
    }

    /**
     * A code was checked in this login after all, so the login step that sent the user here (marked "set-up
     * required") counts as done: the tokens' {@code amr} then holds the step's reference value ({@code otp}), as after
     * any login with a code. Without enrolment the step stays "set-up required" and counts for nothing.
     */
    private static void countStepAsDone(RealmModel realm, AuthenticationSessionModel authSession) {
        ExecutionConfigLookup.stepsNeedingSetUp(
                        realm, authSession, Set.of(ProviderIds.BROWSER_STEP, ProviderIds.DIRECT_GRANT_STEP))
                .forEach(execution ->
                        AuthenticatorUtils.updateCompletedExecutions(authSession, null, execution.getId()));
    }

    /** The same secret across reloads and wrong codes, so the QR the user already scanned stays valid. */
    private static TotpSecret pendingSecret(RequiredActionContext context) {
        SealedNotes notes = notes(context);
        Optional<byte[]> stored = notes.get(PENDING_SECRET_NOTE);
        if (stored.isPresent()) {
            return TotpSecret.fromBytes(stored.get());
        }
        TotpSecret secret = TotpSecret.generate();
        notes.put(PENDING_SECRET_NOTE, secret.bytes());
        return secret;
    }

    private static SealedNotes notes(RequiredActionContext context) {
        return new SealedNotes(
                context.getSession(),
                TotpCredentialProviderFactory.protector(context.getSession()),
                context.getAuthenticationSession(),
                context.getUser());
    }

    private Response setupForm(RequiredActionContext context, TotpSecret secret, String errorKey) {
        RealmModel realm = context.getRealm();
        TotpParameters parameters = RealmSettings.totpParameters(realm);
        var form = context.form()
                .setAttribute(
                        "twofaQrCode",
                        QrCodeImage.pngDataUri(RealmSettings.otpauthUri(realm, context.getUser(), secret)))
                .setAttribute("twofaManualKey", secret.base32Grouped())
                .setAttribute("twofaAccount", context.getUser().getUsername())
                .setAttribute("twofaIssuer", RealmSettings.issuer(realm))
                .setAttribute("twofaParameters", parameters)
                .setAttribute("twofaDefaultParameters", parameters.isDefault());
        if (errorKey != null) {
            form.addError(new FormMessage(CODE_FIELD, errorKey)).setStatus(Response.Status.BAD_REQUEST);
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authenticationSession) {
        return TotpCredentialModel.TYPE;
    }

    @Override
    public String getDisplayText() {
        return "Set up two-factor authentication (authenticator app)";
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
    public List<ProviderConfigProperty> getConfigMetadata() {
        return List.copyOf(MAX_AUTH_AGE_CONFIG_PROPERTIES);
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
