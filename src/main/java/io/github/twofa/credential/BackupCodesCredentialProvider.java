package io.github.twofa.credential;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.backupcodes.BackupCodeHasher;
import io.github.twofa.backupcodes.BackupCodePolicy;
import io.github.twofa.events.AuditEvents;
import io.github.twofa.requiredaction.BackupCodesRequiredAction;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialMetadata;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Stores backup-code sets and consumes codes: any unused code of the set, in any order, each exactly once.
 */
public class BackupCodesCredentialProvider extends StoredCredentialProvider<BackupCodesCredentialModel> {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(BackupCodesCredentialProvider.class);

    /** How long a consumed code stays claimed in the single-use store; far longer than any request. */
    private static final long CLAIM_LIFESPAN_SECONDS = 3600;
    /**
     * While one request uses a code of a set, others using the same set are refused, so two different codes used
     * at once cannot each write back a list that still holds the other's hash. Released when the request's
     * transaction ends; the lifespan only bounds a lock whose holder died.
     */
    private static final long SET_LOCK_SECONDS = 30;

    private final KeycloakSession session;

    /** The session's instance of this provider. */
    public static BackupCodesCredentialProvider of(KeycloakSession session) {
        return (BackupCodesCredentialProvider) session.getProvider(CredentialProvider.class, BackupCodesCredentialProviderFactory.PROVIDER_ID);
    }

    public BackupCodesCredentialProvider(KeycloakSession session) {
        super(BackupCodesCredentialModel.TYPE, BackupCodesCredentialModel::createFromCredentialModel);
        this.session = session;
    }

    /**
     * Makes and stores a new set, then removes the older ones in the same transaction, so old codes stop working
     * only once the new set is stored. Returns the new codes in canonical form: the only time they exist in clear.
     */
    public NewCodes replaceCodes(RealmModel realm, UserModel user, BackupCodePolicy policy) {
        List<CredentialModel> old = user.credentialManager().getStoredCredentialsByTypeStream(BackupCodesCredentialModel.TYPE).toList();
        List<String> codes = BackupCodeFormat.generate(policy.count());
        CredentialModel created = createCredential(realm, user, BackupCodesCredentialModel.create(codes, policy.iterations()));
        old.forEach(credential -> user.credentialManager().removeStoredCredentialById(credential.getId()));
        LOG.debugf("New set %s of %d backup codes for user %s replaces %d older", created.getId(), codes.size(), user.getId(), old.size());
        return new NewCodes(created.getId(), codes, !old.isEmpty());
    }

    /**
     * A new set: the id of its stored credential, the codes in clear (which exist only in this object), and
     * whether it replaced an older set.
     */
    public record NewCodes(String credentialId, List<String> codes, boolean replacedOlderSet) {

        public AuditEvents.Action auditAction() {
            return replacedOlderSet ? AuditEvents.Action.BACKUP_CODES_REGENERATED : AuditEvents.Action.BACKUP_CODES_CREATED;
        }

        @Override
        public String toString() {
            return "NewCodes[credentialId=" + credentialId + ", " + codes.size() + " codes, replacedOlderSet=" + replacedOlderSet + "]";
        }
    }

    public Optional<BackupCodesCredentialModel> current(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(BackupCodesCredentialModel.TYPE)
                .findFirst().map(BackupCodesCredentialModel::createFromCredentialModel);
    }

    /**
     * Uses up the code if it is one of the user's unused codes. One PBKDF2 derivation, then a cluster-wide claim
     * of that code, so concurrent requests with the same code cannot both succeed.
     *
     * @return how many codes are left, or empty if the code was not valid
     */
    public OptionalInt consume(UserModel user, String input) {
        Optional<BackupCodesCredentialModel> stored = current(user);
        return stored.isEmpty() ? OptionalInt.empty() : consume(user, stored.get(), input);
    }

    /** {@link #consume(UserModel, String)} for the user's current set, already read. */
    public OptionalInt consume(UserModel user, BackupCodesCredentialModel set, String input) {
        Optional<String> code = BackupCodeFormat.normalise(input);
        if (code.isEmpty()) {
            return OptionalInt.empty();
        }
        if (!lockUntilTransactionEnds("twofa-backup-code-set:" + set.getId())) {
            return OptionalInt.empty();
        }
        byte[] derived = BackupCodeHasher.hash(code.get(), set.salt(), set.getBackupCodesData().getIterations());
        OptionalInt index = BackupCodeHasher.indexOf(derived, set.hashes());
        if (index.isEmpty() || !session.singleUseObjects().putIfAbsent(claimKey(set, set.storedHash(index.getAsInt())), CLAIM_LIFESPAN_SECONDS)) {
            return OptionalInt.empty();
        }
        // Every claimed code goes, not only this one: a request that read the set before another one's use was
        // stored would otherwise write that code back.
        BackupCodesCredentialModel left = set.withoutCodes(hash -> session.singleUseObjects().contains(claimKey(set, hash)));
        user.credentialManager().updateStoredCredential(left);
        LOG.debugf("Backup code %d of set %s of user %s used; %d left", index.getAsInt() + 1, set.getId(), user.getId(), left.remaining());
        return OptionalInt.of(left.remaining());
    }

    private static String claimKey(BackupCodesCredentialModel set, String storedHash) {
        return "twofa-backup-code:" + set.getId() + ":" + storedHash;
    }

    private boolean lockUntilTransactionEnds(String lockKey) {
        if (!session.singleUseObjects().putIfAbsent(lockKey, SET_LOCK_SECONDS)) {
            return false;
        }
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                release();
            }

            @Override
            protected void rollbackImpl() {
                release();
            }

            private void release() {
                KeycloakModelUtils.runJobInTransaction(factory, other -> other.singleUseObjects().remove(lockKey));
            }
        });
        return true;
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return supportsCredentialType(input.getType()) && consume(user, input.getChallengeResponse()).isPresent();
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        var builder = CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("twofa-backup-codes-display-name")
                .helpText("twofa-backup-codes-help-text")
                .iconCssClass("kcAuthenticatorRecoveryAuthnCodesClass")
                // Codes go away with the authenticator they back up; on their own they are replaced, not removed.
                .removeable(false);
        UserModel user = metadataContext.getUser();
        if (user != null && current(user).isPresent()) {
            builder.updateAction(BackupCodesRequiredAction.PROVIDER_ID);
        } else if (user != null && user.credentialManager().isConfiguredFor(TotpCredentialModel.TYPE)) {
            // Codes only back up an authenticator; without one there is nothing to offer.
            builder.createAction(BackupCodesRequiredAction.PROVIDER_ID);
        }
        return builder.build(session);
    }

    /** Shown by the account console: how many codes are left, and a warning when few are. */
    @Override
    public CredentialMetadata getCredentialMetadata(BackupCodesCredentialModel credential, CredentialTypeMetadata typeMetadata) {
        CredentialMetadata metadata = new CredentialMetadata();
        int remaining = credential.remaining();
        metadata.setInfoMessage("twofa-backup-codes-remaining", String.valueOf(remaining),
                String.valueOf(credential.getBackupCodesData().getTotal()));
        if (BackupCodesRequiredAction.policyOf(session.getContext().getRealm()).isLow(remaining)) {
            metadata.setWarningMessageTitle("twofa-backup-codes-low-title", String.valueOf(remaining));
            metadata.setWarningMessageDescription("twofa-backup-codes-low-description");
        }
        metadata.setCredentialModel(credential);
        return metadata;
    }
}
