package io.github.twofa.authenticator;

import java.util.List;
import java.util.Map;

import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProvider;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.requiredaction.TotpSetupRequiredAction;
import io.github.twofa.totp.TotpVerifier;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * The login step after the password: asks for the current code of the user's authenticator app.
 * Users without 2FA never reach {@link #authenticate}: Keycloak marks the step "set-up required" and
 * {@link #setRequiredActions} decides, per the execution's {@link EnrolmentPolicy}, whether they must enrol.
 */
public class TotpAuthenticator implements Authenticator, CredentialValidator<TotpCredentialProvider> {

    static final String TEMPLATE = "twofa-login-totp.ftl";
    static final String CODE_FIELD = "code";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        context.challenge(codeForm(context, null));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        String code = TotpVerifier.normalise(context.getHttpRequest().getDecodedFormParameters().getFirst(CODE_FIELD));
        if (code.isEmpty()) {
            context.forceChallenge(codeForm(context, "twofaMissingCode"));
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
            context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, codeForm(context, "twofaInvalidCode"));
            return;
        }
        context.success();
    }

    private Response codeForm(AuthenticationFlowContext context, String errorKey) {
        var form = context.form();
        if (errorKey != null) {
            form.addError(new FormMessage(CODE_FIELD, errorKey));
        }
        return form.createForm(TEMPLATE);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return getCredentialProvider(session).isConfiguredFor(realm, user, TotpCredentialModel.TYPE);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        Map<String, String> config = ExecutionConfigLookup.forCurrentFlow(session, realm, TotpAuthenticatorFactory.PROVIDER_ID);
        if (EnrolmentPolicy.fromConfig(config).requiresEnrolment(realm, user, config)
                && user.getRequiredActionsStream().noneMatch(TotpSetupRequiredAction.PROVIDER_ID::equals)) {
            user.addRequiredAction(TotpSetupRequiredAction.PROVIDER_ID);
        }
    }

    /** Fails closed: if the set-up action is disabled, users without 2FA are refused rather than let through. */
    @Override
    public List<RequiredActionFactory> getRequiredActions(KeycloakSession session) {
        return List.of((RequiredActionFactory) session.getKeycloakSessionFactory()
                .getProviderFactory(RequiredActionProvider.class, TotpSetupRequiredAction.PROVIDER_ID));
    }

    @Override
    public TotpCredentialProvider getCredentialProvider(KeycloakSession session) {
        return (TotpCredentialProvider) session.getProvider(CredentialProvider.class, TotpCredentialProviderFactory.PROVIDER_ID);
    }

    @Override
    public void close() {
    }
}
