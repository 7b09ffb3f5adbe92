package io.github.twofa.requiredaction;

import java.util.List;
import java.util.OptionalLong;

import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.security.UsedStepRegistry;
import io.github.twofa.totp.OtpAuthUri;
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
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.OTPPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Enrolment: shows a QR code and the key, and enables 2FA only once the user typed a correct code.
 * The pending secret lives in the authentication session on the server, never in the page.
 */
public class TotpSetupRequiredAction implements RequiredActionProvider, RequiredActionFactory, CredentialRegistrator {

    public static final String PROVIDER_ID = "twofa-setup-totp";
    static final String TEMPLATE = "twofa-setup-totp.ftl";
    static final String CODE_FIELD = "code";
    private static final String PENDING_SECRET_NOTE = "twofa.pending-secret";

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(setupForm(context, pendingSecret(context.getAuthenticationSession()), null));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        TotpSecret secret = pendingSecret(context.getAuthenticationSession());
        TotpParameters parameters = parametersOf(context.getRealm());
        String code = TotpVerifier.normalise(context.getHttpRequest().getDecodedFormParameters().getFirst(CODE_FIELD));
        var event = context.getEvent().event(EventType.UPDATE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE);
        if (code.isEmpty()) {
            context.challenge(setupForm(context, secret, "twofaMissingCode"));
            return;
        }
        long now = Time.currentTime();
        OptionalLong step = new TotpVerifier(parameters).matchingStep(secret, code, now);
        if (step.isEmpty()) {
            event.clone().error(Errors.INVALID_USER_CREDENTIALS);
            context.challenge(setupForm(context, secret, "twofaInvalidSetupCode"));
            return;
        }
        CredentialModel credential = credentialProvider(context.getSession())
                .enrol(context.getRealm(), context.getUser(), secret, parameters, null);
        // The code that proved possession must not log in a second time.
        new UsedStepRegistry(context.getSession().singleUseObjects()).claim(credential.getId(), step.getAsLong(),
                parameters.stepAt(now) + TotpVerifier.WINDOW, (long) parameters.period() * (2L * TotpVerifier.WINDOW + 2));
        context.getAuthenticationSession().removeAuthNote(PENDING_SECRET_NOTE);
        // The first set of backup codes is shown right after, before the login completes.
        context.getUser().addRequiredAction(BackupCodesRequiredAction.PROVIDER_ID);
        event.detail(Details.CREDENTIAL_ID, credential.getId());
        context.success();
    }

    /** The same secret across reloads and wrong codes, so the QR the user already scanned stays valid. */
    private static TotpSecret pendingSecret(AuthenticationSessionModel authSession) {
        String stored = authSession.getAuthNote(PENDING_SECRET_NOTE);
        if (stored != null) {
            return TotpSecret.fromBase32(stored);
        }
        TotpSecret secret = TotpSecret.generate();
        authSession.setAuthNote(PENDING_SECRET_NOTE, secret.base32());
        return secret;
    }

    private Response setupForm(RequiredActionContext context, TotpSecret secret, String errorKey) {
        RealmModel realm = context.getRealm();
        TotpParameters parameters = parametersOf(realm);
        String issuer = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName() : realm.getDisplayName();
        String uri = OtpAuthUri.of(issuer, context.getUser().getUsername(), secret, parameters);
        var form = context.form()
                .setAttribute("twofaQrCode", QrCodeImage.pngDataUri(uri))
                .setAttribute("twofaManualKey", secret.base32Grouped())
                .setAttribute("twofaAccount", context.getUser().getUsername())
                .setAttribute("twofaIssuer", issuer)
                .setAttribute("twofaParameters", parameters)
                .setAttribute("twofaDefaultParameters", parameters.isDefault());
        if (errorKey != null) {
            form.addError(new FormMessage(CODE_FIELD, errorKey));
        }
        return form.createForm(TEMPLATE);
    }

    /** The realm's OTP policy (Authentication > Policies) decides algorithm, digits and period. */
    static TotpParameters parametersOf(RealmModel realm) {
        OTPPolicy policy = realm.getOTPPolicy();
        try {
            return new TotpParameters(policy.getAlgorithm(), policy.getDigits(), policy.getPeriod());
        } catch (IllegalArgumentException unsupported) {
            return TotpParameters.DEFAULT;
        }
    }

    private static TotpCredentialProvider credentialProvider(KeycloakSession session) {
        return (TotpCredentialProvider) session.getProvider(CredentialProvider.class, TotpCredentialProviderFactory.PROVIDER_ID);
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
    public List<org.keycloak.provider.ProviderConfigProperty> getConfigMetadata() {
        return List.of();
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
