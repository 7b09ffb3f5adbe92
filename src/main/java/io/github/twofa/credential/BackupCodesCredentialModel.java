package io.github.twofa.credential;

import java.util.Base64;
import java.util.List;

import io.github.twofa.backupcodes.BackupCodeHasher;
import io.github.twofa.credential.dto.BackupCodesCredentialData;
import io.github.twofa.credential.dto.BackupCodesSecretData;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;

/** A user's set of one-time backup codes, stored only as salted PBKDF2 hashes. */
public class BackupCodesCredentialModel extends CredentialModel {

    public static final String TYPE = "twofa-backup-codes";

    private final BackupCodesCredentialData credentialData;
    private final BackupCodesSecretData secretData;

    private BackupCodesCredentialModel(BackupCodesCredentialData credentialData, BackupCodesSecretData secretData) {
        this.credentialData = credentialData;
        this.secretData = secretData;
    }

    /** A new set from the canonical codes, hashed with a fresh salt. */
    public static BackupCodesCredentialModel create(List<String> canonicalCodes, int iterations) {
        byte[] salt = BackupCodeHasher.newSalt();
        List<String> hashes = canonicalCodes.stream()
                .map(code -> Base64.getEncoder().encodeToString(BackupCodeHasher.hash(code, salt, iterations)))
                .toList();
        long now = Time.currentTimeMillis();
        BackupCodesCredentialModel model = new BackupCodesCredentialModel(
                new BackupCodesCredentialData(
                        hashes.size(), hashes.size(), now, BackupCodeHasher.ALGORITHM, iterations),
                new BackupCodesSecretData(Base64.getEncoder().encodeToString(salt), hashes));
        model.setType(TYPE);
        model.setCreatedDate(now);
        model.writeJson();
        return model;
    }

    public static BackupCodesCredentialModel createFromCredentialModel(CredentialModel stored) {
        return StoredCredentialProvider.withStoredFields(
                stored,
                new BackupCodesCredentialModel(
                        CredentialJson.read(stored.getCredentialData(), BackupCodesCredentialData.class),
                        CredentialJson.read(stored.getSecretData(), BackupCodesSecretData.class)));
    }

    public BackupCodesCredentialData getBackupCodesData() {
        return credentialData;
    }

    /** How many codes the set stores; minus those used ({@link BackupCodesCredentialProvider#remaining}), those left. */
    public int storedCodes() {
        return secretData.hashes().size();
    }

    public byte[] salt() {
        return Base64.getDecoder().decode(secretData.salt());
    }

    public List<byte[]> hashes() {
        return secretData.hashes().stream().map(Base64.getDecoder()::decode).toList();
    }

    /** The stored hash at {@code index}, as the set stores it (Base64): what its use is recorded by. */
    public String storedHash(int index) {
        return secretData.hashes().get(index);
    }

    private void writeJson() {
        setCredentialData(CredentialJson.write(credentialData));
        setSecretData(CredentialJson.write(secretData));
    }
}
