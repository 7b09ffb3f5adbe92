package io.github.twofa.testprovider;

import java.util.Map;

import org.keycloak.component.ComponentModel;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.credential.UserCredentialManager;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.adapter.AbstractUserAdapter;
import org.keycloak.storage.user.UserLookupProvider;

/**
 * A read-only user federation for tests, as a read-only LDAP is: users whose names start with "ro-" exist, their
 * password is "pw-" and the name, and nothing of the user can be written: adding a required action fails as in
 * Keycloak's read-only adapters (removing one finds nothing to remove). Compiled and
 * installed by the tests only; never part of the extension.
 */
public class ReadOnlyUserStorageFactory implements UserStorageProviderFactory<ReadOnlyUserStorageFactory.Storage> {

    @Override
    public String getId() {
        return "twofa-test-readonly";
    }

    @Override
    public Storage create(KeycloakSession session, ComponentModel model) {
        return new Storage(session, model);
    }

    public static class Storage implements UserStorageProvider, UserLookupProvider, CredentialInputValidator {

        private final KeycloakSession session;
        private final ComponentModel model;

        Storage(KeycloakSession session, ComponentModel model) {
            this.session = session;
            this.model = model;
        }

        @Override
        public UserModel getUserById(RealmModel realm, String id) {
            return getUserByUsername(realm, new StorageId(id).getExternalId());
        }

        @Override
        public UserModel getUserByUsername(RealmModel realm, String username) {
            if (username == null || !username.startsWith("ro-")) {
                return null;
            }
            return new AbstractUserAdapter(session, realm, model) {
                @Override
                public String getUsername() {
                    return username;
                }

                @Override
                public Map<String, java.util.List<String>> getAttributes() {
                    return Map.of(USERNAME, java.util.List.of(username), EMAIL, java.util.List.of(username + "@example.org"),
                            FIRST_NAME, java.util.List.of("Read"), LAST_NAME, java.util.List.of("Only"));
                }

                @Override
                public String getEmail() {
                    return username + "@example.org";
                }

                @Override
                public String getFirstName() {
                    return "Read";
                }

                @Override
                public String getLastName() {
                    return "Only";
                }

                @Override
                public boolean isEmailVerified() {
                    return true;
                }

                /** Keycloak removes every finished required action from the user; none can be stored, so none is there. */
                @Override
                public void removeRequiredAction(String action) {
                }

                /** Credentials other than the password live in Keycloak's federated storage, as for LDAP users. */
                @Override
                public SubjectCredentialManager credentialManager() {
                    return new UserCredentialManager(session, realm, this);
                }
            };
        }

        @Override
        public UserModel getUserByEmail(RealmModel realm, String email) {
            return email != null && email.endsWith("@example.org")
                    ? getUserByUsername(realm, email.substring(0, email.length() - "@example.org".length()))
                    : null;
        }

        @Override
        public boolean supportsCredentialType(String credentialType) {
            return PasswordCredentialModel.TYPE.equals(credentialType);
        }

        @Override
        public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
            return supportsCredentialType(credentialType);
        }

        @Override
        public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
            return supportsCredentialType(input.getType()) && ("pw-" + user.getUsername()).equals(input.getChallengeResponse());
        }

        @Override
        public void close() {
        }
    }
}
