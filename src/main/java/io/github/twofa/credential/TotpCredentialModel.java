package io.github.twofa.credential;

import java.util.OptionalInt;

import io.github.twofa.credential.dto.TotpCredentialData;
import io.github.twofa.credential.dto.TotpSecretData;
import io.github.twofa.crypto.ProtectedSecret;
import io.github.twofa.totp.TotpParameters;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;

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
        return StoredCredentialProvider.withStoredFields(
                stored,
                new TotpCredentialModel(
                        CredentialJson.read(stored.getCredentialData(), TotpCredentialData.class),
                        CredentialJson.read(stored.getSecretData(), TotpSecretData.class)));
    }

    /** The same credential with the data column {@code credentialDataJson} (e.g. as read past the user cache). */
    TotpCredentialModel withCredentialData(String credentialDataJson) {
        TotpCredentialModel model = StoredCredentialProvider.withStoredFields(
                this,
                new TotpCredentialModel(CredentialJson.read(credentialDataJson, TotpCredentialData.class), secretData));
        model.setCredentialData(credentialDataJson);
        return model;
    }

    public TotpParameters parameters() {
        return new TotpParameters(credentialData.algorithm(), credentialData.digits(), credentialData.period());
    }

    public TotpCredentialData getTotpCredentialData() {
        return credentialData;
    }

    public ProtectedSecret protectedSecret() {
        return new ProtectedSecret(secretData.keyRef(), secretData.encryptedSecret());
    }

    /** The same credential with its key sealed anew (same id, label, parameters). */
    TotpCredentialModel withSecret(ProtectedSecret sealed) {
        TotpCredentialModel model = StoredCredentialProvider.withStoredFields(
                this,
                new TotpCredentialModel(credentialData, new TotpSecretData(sealed.keyRef(), sealed.ciphertext())));
        model.writeJson();
        return model;
    }

    /** The same credential marked as used (see {@link TotpCredentialData#usedAt}); empty when nothing changed. */
    java.util.Optional<TotpCredentialModel> usedAt(long epochMillis, int stepOffset) {
        return credentialData.usedAt(epochMillis, stepOffset).map(this::withData);
    }

    /** The same credential with "last used" at {@code epochMillis} if that is later than the one held. */
    TotpCredentialModel lastUsedNoEarlierThan(long epochMillis) {
        TotpCredentialData later = credentialData.lastUsedNoEarlierThan(epochMillis);
        return later == credentialData ? this : withData(later);
    }

    private TotpCredentialModel withData(TotpCredentialData data) {
        TotpCredentialModel model =
                StoredCredentialProvider.withStoredFields(this, new TotpCredentialModel(data, secretData));
        model.writeJson();
        return model;
    }

    /** How far the app's clock seems off, in seconds (negative: behind), when its recent codes agree on it. */
    public OptionalInt clockDriftSeconds() {
        return credentialData.clockDriftSeconds();
    }

    /** Only the sealed key of a credential's stored secret data. */
    record StoredSecret(ProtectedSecret sealed) {

        static StoredSecret read(String secretData) {
            TotpSecretData data = CredentialJson.read(secretData, TotpSecretData.class);
            return new StoredSecret(new ProtectedSecret(data.keyRef(), data.encryptedSecret()));
        }
    }

    private void writeJson() {
        setCredentialData(CredentialJson.write(credentialData));
        setSecretData(CredentialJson.write(secretData));
    }
}
