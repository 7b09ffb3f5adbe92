package io.github.twofa.credential;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.github.twofa.settings.ProviderIds;
import org.jboss.logging.Logger;
import org.keycloak.credential.CredentialMetadata;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Lets the account console list the browsers a user trusted (browser and system, when, last used, until when) and
 * forget each. A trusted browser is never a credential to log in with: this provider validates nothing (it is no
 * input validator), and nothing counts a user as configured for it.
 */
public class TrustedBrowserCredentialProvider implements CredentialProvider<CredentialModel> {

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private static final Logger LOG = Logger.getLogger(TrustedBrowserCredentialProvider.class);

    private final KeycloakSession session;

    public TrustedBrowserCredentialProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public String getType() {
        return TrustedBrowsers.TYPE;
    }

    /**
     * Called for a record in a user representation (the admin API's user creation, a realm import): not stored.
     * Browsers are trusted at the login step, after a code; a record from elsewhere, an imported one too, would
     * spare a code nobody typed here. The import goes on without it, and the browser is trusted again after its
     * next code.
     */
    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, CredentialModel credentialModel) {
        LOG.infof(
                "A trusted-browser record given for user %s was not stored: browsers are trusted at the login step",
                user.getId());
        return credentialModel;
    }

    /** Forgetting a browser only takes a convenience away, so Keycloak's own ways to remove it are fine. */
    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return TrustedBrowsers.revoke(user, credentialId);
    }

    @Override
    public CredentialModel getCredentialFromModel(CredentialModel model) {
        return model;
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("twofa-trusted-browser-display-name")
                .helpText("twofa-trusted-browser-help-text")
                .iconCssClass("kcAuthenticatorDefaultClass")
                // Keycloak's console labels a create action "Set up ..."; ours lists them and forgets them all.
                .createAction(ProviderIds.TRUSTED_BROWSERS)
                .removeable(true)
                .build(session);
    }

    /** Shown by the account console under each browser: last used and until when it is trusted. */
    @Override
    public CredentialMetadata getCredentialMetadata(CredentialModel credential, CredentialTypeMetadata typeMetadata) {
        CredentialMetadata metadata = new CredentialMetadata();
        TrustedBrowsers.Trust trust = TrustedBrowsers.trustOf(credential);
        metadata.setInfoMessage(
                "twofa-trusted-browser-info",
                DAY.format(Instant.ofEpochMilli(trust.lastUsedAt())),
                DAY.format(Instant.ofEpochMilli(trust.expiresAt())));
        metadata.setCredentialModel(credential);
        return metadata;
    }

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return getType().equals(credentialType);
    }
}
