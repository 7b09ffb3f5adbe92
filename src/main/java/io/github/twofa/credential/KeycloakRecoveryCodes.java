package io.github.twofa.credential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

import io.github.twofa.backupcodes.BackupCodeHasher;
import io.github.twofa.backupcodes.KeycloakRecoveryCodeFormat;
import org.jboss.logging.Logger;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.models.credential.dto.RecoveryAuthnCodeRepresentation;
import org.keycloak.models.credential.dto.RecoveryAuthnCodesCredentialData;
import org.keycloak.models.credential.dto.RecoveryAuthnCodesSecretData;
import org.keycloak.util.JsonSerialization;

/**
 * Keycloak's own recovery codes (type {@code recovery-authn-codes}), as users of a realm that switches to this
 * extension have them. Our step takes them as backup codes: any unused one, in any order (Keycloak's form wants them in
 * order), each once, until the user makes a set of ours, which replaces them. Only their stored hashes are ever read.
 */
public final class KeycloakRecoveryCodes {

    public static final String TYPE = RecoveryAuthnCodesCredentialModel.TYPE;

    private static final Logger LOG = Logger.getLogger(KeycloakRecoveryCodes.class);

    private KeycloakRecoveryCodes() {}

    /** The user's set of Keycloak recovery codes, if they have one. */
    public static Optional<CredentialModel> of(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(TYPE).findFirst();
    }

    /** How many unused codes the set holds. */
    public static int remaining(CredentialModel set) {
        return secretOf(set).getCodes().size();
    }

    /**
     * Uses up {@code input} if it is one of the set's unused codes: one hash, compared with every stored one, then
     * the set read again with its row locked until the request's transaction ends, and written back without the
     * code. Unlike ours (whose used codes are a record of our own), the set itself loses the code, as Keycloak's own
     * form does: that form, if a flow still has it, then refuses a code our step took.
     */
    public static BackupCodesCredentialProvider.Use consume(
            KeycloakSession session, UserModel user, CredentialModel set, String input, BooleanSupplier allowsSuccess) {
        Optional<String> code = KeycloakRecoveryCodeFormat.normalise(input);
        if (code.isEmpty()) {
            return BackupCodesCredentialProvider.Use.REFUSED;
        }
        byte[] hash = KeycloakRecoveryCodeFormat.hash(code.get());
        Optional<CredentialModel> fresh = JpaConnection.rereadForUpdate(session, set);
        if (fresh.isEmpty()) {
            return BackupCodesCredentialProvider.Use.REFUSED;
        }
        List<RecoveryAuthnCodeRepresentation> codes = secretOf(fresh.get()).getCodes();
        OptionalInt index = BackupCodeHasher.indexOf(
                hash,
                codes.stream()
                        .map(stored -> decode(stored.getEncodedHashedValue()))
                        .toList());
        if (index.isEmpty()) {
            return BackupCodesCredentialProvider.Use.REFUSED;
        }
        if (!allowsSuccess.getAsBoolean()) {
            return BackupCodesCredentialProvider.Use.LIMITED;
        }
        RecoveryAuthnCodeRepresentation used = codes.get(index.getAsInt());
        List<RecoveryAuthnCodeRepresentation> left =
                codes.stream().filter(stored -> stored != used).toList();
        user.credentialManager().updateStoredCredential(withCodes(fresh.get(), left));
        LOG.debugf(
                "Keycloak recovery code %d of set %s of user %s used; %d left",
                used.getNumber(), set.getId(), user.getId(), left.size());
        return BackupCodesCredentialProvider.Use.accepted(left.size());
    }

    private static CredentialModel withCodes(CredentialModel set, List<RecoveryAuthnCodeRepresentation> codes) {
        try {
            RecoveryAuthnCodesCredentialData data =
                    JsonSerialization.readValue(set.getCredentialData(), RecoveryAuthnCodesCredentialData.class);
            data.setRemainingCodes(codes.size());
            CredentialModel updated = new CredentialModel();
            updated.setId(set.getId());
            updated.setType(set.getType());
            updated.setUserLabel(set.getUserLabel());
            updated.setCreatedDate(set.getCreatedDate());
            updated.setCredentialData(JsonSerialization.writeValueAsString(data));
            updated.setSecretData(JsonSerialization.writeValueAsString(new RecoveryAuthnCodesSecretData(codes)));
            return updated;
        } catch (IOException unreadable) {
            throw new UncheckedIOException("Keycloak recovery-code set " + set.getId() + " is unreadable", unreadable);
        }
    }

    private static RecoveryAuthnCodesSecretData secretOf(CredentialModel set) {
        try {
            return JsonSerialization.readValue(set.getSecretData(), RecoveryAuthnCodesSecretData.class);
        } catch (IOException unreadable) {
            throw new UncheckedIOException("Keycloak recovery-code set " + set.getId() + " is unreadable", unreadable);
        }
    }

    /** Keycloak decodes stored hashes leniently (MIME); an entry it could not decode matches nothing. */
    private static byte[] decode(String encoded) {
        try {
            return Base64.getMimeDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            return new byte[0];
        }
    }
}
