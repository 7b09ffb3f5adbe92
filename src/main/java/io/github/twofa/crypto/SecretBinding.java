package io.github.twofa.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a sealed secret belongs to, bound into its ciphertext as AES-GCM associated data: a purpose label and the ids
 * of its owner (realm, user, and the credential or session it was made for). A ciphertext copied to another user,
 * another credential (e.g. an old one restored after the user enrolled a new phone) or another purpose does not
 * decrypt.
 */
public record SecretBinding(String purpose, List<String> ids) {

    /** The encrypted key of a stored TOTP credential. */
    public static SecretBinding totpCredential(String realmId, String userId, String credentialId) {
        return new SecretBinding("totp-credential", List.of(realmId, userId, credentialId));
    }

    /** The key of a setup started over REST, for the login session that started it. */
    public static SecretBinding pendingSetup(String realmId, String userId, String userSessionId) {
        return new SecretBinding("pending-setup", List.of(realmId, userId, userSessionId));
    }

    /** A secret kept between two login pages in the note {@code note} of one authentication session (tab). */
    public static SecretBinding loginNote(String realmId, String userId, String authSessionId, String note) {
        return new SecretBinding("login-note", List.of(realmId, userId, authSessionId, note));
    }

    /** Purpose and ids, each preceded by its length, so no two bindings give the same bytes. */
    public byte[] associatedData() {
        StringBuilder data = new StringBuilder("twofa-v2");
        data.append('|').append(purpose.length()).append(':').append(purpose);
        for (String id : ids) {
            String value = id == null ? "" : id;
            data.append('|').append(value.length()).append(':').append(value);
        }
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The binding of ciphertexts made before 0.2 (realm and user only); read only to migrate them. */
    public byte[] legacyAssociatedData() {
        return (ids.get(0) + "/" + ids.get(1)).getBytes(StandardCharsets.UTF_8);
    }
}
