package io.github.twofa.credential;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

public class BackupCodesCredentialProviderFactory implements CredentialProviderFactory<BackupCodesCredentialProvider> {

    public static final String PROVIDER_ID = BackupCodesCredentialModel.TYPE;

    @Override
    public BackupCodesCredentialProvider create(KeycloakSession session) {
        return new BackupCodesCredentialProvider(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
