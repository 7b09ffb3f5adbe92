package io.github.twofa.credential;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

public class BackupCodesCredentialProviderFactory implements CredentialProviderFactory<BackupCodesCredentialProvider> {

    public static final String PROVIDER_ID = BackupCodesCredentialModel.TYPE;

    @Override
    public BackupCodesCredentialProvider create(KeycloakSession session) {
        return new BackupCodesCredentialProvider(session);
    }

    /** Keycloak removes users and realms without asking credential providers; their used codes go with them. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                UsedBackupCodes.forgetUser(
                        removed.getKeycloakSession(), removed.getUser().getId());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                UsedBackupCodes.forgetRealm(
                        removed.getKeycloakSession(), removed.getRealm().getId());
            }
        });
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
