package io.github.twofa.credential;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.github.twofa.credential.dto.TotpCredentialData;
import io.github.twofa.credential.dto.TotpSecretData;
import io.github.twofa.security.ProtectedSecret;
import io.github.twofa.totp.TotpParameters;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.util.JsonSerialization;

/** A user's TOTP authenticator: parameters in credential data, the encrypted key in secret data. */
public class TotpCredentialModel extends CredentialModel {

    public static final String TYPE = "twofa-totp";

    private final TotpCredentialData credentialData;
    private final TotpSecretData secretData;

    private TotpCredentialModel(TotpCredentialData credentialData, TotpSecretData secretData) {
        this.credentialData = credentialData;
        this.secretData = secretData;
    }

    public static TotpCredentialModel create(TotpParameters parameters, ProtectedSecret secret, String userLabel) {
        long now = Time.currentTimeMillis();
        TotpCredentialModel model = new TotpCredentialModel(
                new TotpCredentialData(parameters.algorithm(), parameters.digits(), parameters.period(), now),
                new TotpSecretData(secret.keyRef(), secret.ciphertext()));
        model.setType(TYPE);
        model.setCreatedDate(now);
        model.setUserLabel(userLabel);
        model.writeJson();
        return model;
    }

    public static TotpCredentialModel createFromCredentialModel(CredentialModel stored) {
        try {
            TotpCredentialModel model = new TotpCredentialModel(
                    JsonSerialization.readValue(stored.getCredentialData(), TotpCredentialData.class),
                    JsonSerialization.readValue(stored.getSecretData(), TotpSecretData.class));
            model.setId(stored.getId());
            model.setType(stored.getType());
            model.setUserLabel(stored.getUserLabel());
            model.setCreatedDate(stored.getCreatedDate());
            model.setCredentialData(stored.getCredentialData());
            model.setSecretData(stored.getSecretData());
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TotpParameters parameters() {
        return new TotpParameters(credentialData.getAlgorithm(), credentialData.getDigits(), credentialData.getPeriod());
    }

    public TotpCredentialData getTotpCredentialData() {
        return credentialData;
    }

    public ProtectedSecret protectedSecret() {
        return new ProtectedSecret(secretData.getKeyRef(), secretData.getEncryptedSecret());
    }

    private void writeJson() {
        try {
            setCredentialData(JsonSerialization.writeValueAsString(credentialData));
            setSecretData(JsonSerialization.writeValueAsString(secretData));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
