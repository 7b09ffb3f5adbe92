package io.github.twofa.credential;

import java.util.function.Function;

import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** What both of our credential types do alike: they live in Keycloak's user credential store, one type each. */
abstract class StoredCredentialProvider<T extends CredentialModel>
        implements CredentialProvider<T>, CredentialInputValidator {

    private final String type;
    private final Function<CredentialModel, T> fromModel;

    StoredCredentialProvider(String type, Function<CredentialModel, T> fromModel) {
        this.type = type;
        this.fromModel = fromModel;
    }

    /** Removes every credential of this type the user has. */
    public void removeAll(UserModel user) {
        user.credentialManager()
                .getStoredCredentialsByTypeStream(type)
                .toList()
                .forEach(credential -> user.credentialManager().removeStoredCredentialById(credential.getId()));
    }

    @Override
    public CredentialModel createCredential(RealmModel realm, UserModel user, T credentialModel) {
        return user.credentialManager().createStoredCredential(credentialModel);
    }

    @Override
    public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public T getCredentialFromModel(CredentialModel model) {
        return fromModel.apply(model);
    }

    @Override
    public String getType() {
        return type;
    }

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return type.equals(credentialType);
    }

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        return supportsCredentialType(credentialType)
                && user.credentialManager()
                        .getStoredCredentialsByTypeStream(credentialType)
                        .findAny()
                        .isPresent();
    }

    /** Copies what Keycloak stores for every credential onto a typed model read from it. */
    static <M extends CredentialModel> M withStoredFields(CredentialModel stored, M model) {
        model.setId(stored.getId());
        model.setType(stored.getType());
        model.setUserLabel(stored.getUserLabel());
        model.setCreatedDate(stored.getCreatedDate());
        model.setCredentialData(stored.getCredentialData());
        model.setSecretData(stored.getSecretData());
        return model;
    }
}
