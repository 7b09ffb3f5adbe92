package io.github.twofa.credential;

import java.util.List;

import io.github.twofa.crypto.SecretBinding;
import io.github.twofa.crypto.SecretDecryptionException;
import io.github.twofa.security.SecretProtector;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Stored TOTP keys that the server refuses as they are: sealed with a realm key while a server key is configured, or
 * in the format before credential binding. At start-up they are counted and, only when the administrator asks for it
 * (option {@code migrate-secrets}), re-sealed under the server key and bound to their credential: the administrator
 * vouches that the database holds nothing planted at that moment. Without it they stay refused, and their users are
 * told to set their app up again.
 */
final class TotpSecretMigration {

    private static final Logger LOG = Logger.getLogger(TotpSecretMigration.class);

    private TotpSecretMigration() {}

    static void run(KeycloakSession session, SecretProtector protector, boolean migrate) {
        List<Object[]> rows = JpaConnection.entityManager(session)
                .createQuery(
                        "select c.id, c.user.id, c.user.realmId, c.secretData from CredentialEntity c where c.type = :type",
                        Object[].class)
                .setParameter("type", TotpCredentialModel.TYPE)
                .getResultList();
        int waiting = 0;
        int migrated = 0;
        for (Object[] row : rows) {
            TotpCredentialModel.StoredSecret stored = TotpCredentialModel.StoredSecret.read((String) row[3]);
            if (!protector.needsMigration(stored.sealed())) {
                continue;
            }
            waiting++;
            if (migrate && migrate(session, protector, (String) row[2], (String) row[1], (String) row[0])) {
                migrated++;
            }
        }
        if (migrated > 0) {
            LOG.infof(
                    "Re-sealed %d TOTP secrets under the server key, bound to their credentials (option migrate-secrets); "
                            + "remove the option now.",
                    migrated);
        }
        if (waiting > migrated) {
            LOG.warnf(
                    "%d TOTP credentials are sealed with a realm key or in the format before credential binding, and are "
                            + "refused: their users must use a backup code and set the app up again. If this database is trusted "
                            + "as it is now, start once with spi-credential--twofa-totp--migrate-secrets=true to re-seal them.",
                    waiting - migrated);
        }
    }

    private static boolean migrate(
            KeycloakSession session, SecretProtector protector, String realmId, String userId, String credentialId) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return false;
        }
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            return false;
        }
        TotpCredentialModel credential = TotpCredentialModel.createFromCredentialModel(
                user.credentialManager().getStoredCredentialById(credentialId));
        SecretBinding binding = SecretBinding.totpCredential(realmId, userId, credentialId);
        try {
            byte[] secret = protector.openForMigration(session, realm, binding, credential.protectedSecret());
            user.credentialManager()
                    .updateStoredCredential(credential.withSecret(protector.seal(session, realm, binding, secret)));
            return true;
        } catch (SecretDecryptionException | IllegalStateException unreadable) {
            LOG.warnf(
                    "TOTP credential %s of user %s cannot be migrated: %s",
                    credentialId, userId, unreadable.getMessage());
            return false;
        }
    }
}
