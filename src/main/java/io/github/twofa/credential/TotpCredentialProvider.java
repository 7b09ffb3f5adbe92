package io.github.twofa.credential;

import java.util.OptionalLong;

import io.github.twofa.security.SecretDecryptionException;
import io.github.twofa.security.SecretProtector;
import io.github.twofa.security.UsedStepRegistry;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.github.twofa.requiredaction.TotpSetupRequiredAction;

/**
 * Stores TOTP credentials (secret encrypted) and checks codes against them, each time step at most once.
 */
public class TotpCredentialProvider extends StoredCredentialProvider<TotpCredentialModel> {

    private static final Logger LOG = Logger.getLogger(TotpCredentialProvider.class);

    /** The label the admin and account consoles show for the credential. */
    public static final String DEFAULT_LABEL = "Authenticator app";

    private final KeycloakSession session;
    private final SecretProtector protector;

    /** The session's instance of this provider. */
    public static TotpCredentialProvider of(KeycloakSession session) {
        return (TotpCredentialProvider) session.getProvider(CredentialProvider.class, TotpCredentialProviderFactory.PROVIDER_ID);
    }

    public TotpCredentialProvider(KeycloakSession session, SecretProtector protector) {
        super(TotpCredentialModel.TYPE, TotpCredentialModel::createFromCredentialModel);
        this.session = session;
        this.protector = protector;
    }

    /** Encrypts the secret and stores it as the user's only TOTP credential. */
    public CredentialModel enrol(RealmModel realm, UserModel user, TotpSecret secret, TotpParameters parameters,
                                 String userLabel) {
        removeAll(user);
        TotpCredentialModel model = TotpCredentialModel.create(parameters,
                protector.seal(session, realm, user, secret.bytes()), userLabel == null ? DEFAULT_LABEL : userLabel);
        return createCredential(realm, user, model);
    }

    /**
     * True when the code matches the user's TOTP credential within +-1 step and that step (or a later one) has
     * not been accepted before.
     */
    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        if (!supportsCredentialType(input.getType()) || input.getChallengeResponse() == null) {
            return false;
        }
        CredentialModel stored = input.getCredentialId() == null
                ? user.credentialManager().getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE).findFirst().orElse(null)
                : user.credentialManager().getStoredCredentialById(input.getCredentialId());
        if (stored == null || !TotpCredentialModel.TYPE.equals(stored.getType())) {
            return false;
        }
        TotpCredentialModel credential = TotpCredentialModel.createFromCredentialModel(stored);
        TotpVerifier verifier = new TotpVerifier(credential.parameters());
        String code = TotpVerifier.normalise(input.getChallengeResponse());
        if (!verifier.isWellFormed(code)) {
            return false;
        }
        TotpSecret secret;
        try {
            secret = TotpSecret.fromBytes(protector.open(session, realm, user, credential.protectedSecret()));
        } catch (SecretDecryptionException e) {
            LOG.errorf("TOTP credential %s of user %s cannot be read: %s", stored.getId(), user.getId(), e.getMessage());
            return false;
        }
        long now = Time.currentTime();
        OptionalLong step = verifier.matchingStep(secret, code, now);
        if (step.isEmpty()) {
            LOG.debugf("TOTP credential %s of user %s: no match within +-%d steps", stored.getId(), user.getId(), TotpVerifier.WINDOW);
            return false;
        }
        TotpParameters parameters = credential.parameters();
        long lastAcceptable = parameters.stepAt(now) + TotpVerifier.WINDOW;
        boolean claimed = new UsedStepRegistry(session.singleUseObjects()).claim(stored.getId(), step.getAsLong(), lastAcceptable,
                UsedStepRegistry.lifespanSeconds(parameters));
        LOG.debugf("TOTP credential %s of user %s: matched step offset %d, %s", stored.getId(), user.getId(),
                step.getAsLong() - parameters.stepAt(now), claimed ? "accepted" : "refused as a replay");
        return claimed;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("twofa-totp-display-name")
                .helpText("twofa-totp-help-text")
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(TotpSetupRequiredAction.PROVIDER_ID)
                .removeable(true)
                .build(session);
    }
}
