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
    private static final long SET_LOCK_WAIT_MILLIS = 1500;

    private final KeycloakSession session;

    /** The session's instance of this provider. */
    public static BackupCodesCredentialProvider of(KeycloakSession session) {
        return (BackupCodesCredentialProvider) session.getProvider(CredentialProvider.class, BackupCodesCredentialProviderFactory.PROVIDER_ID);
    }

    public BackupCodesCredentialProvider(KeycloakSession session) {
        super(BackupCodesCredentialModel.TYPE, BackupCodesCredentialModel::createFromCredentialModel);
        this.session = session;
    }

    /** Makes and stores a new set under {@code policy}; see {@link #storeCodes}. */
    public NewCodes replaceCodes(RealmModel realm, UserModel user, BackupCodePolicy policy) {
        return storeCodes(realm, user, BackupCodeFormat.generate(policy.count()), policy.iterations());
    }

    /**
     * Stores {@code codes} (canonical form) as the user's set, then removes the older ones in the same transaction,
     * so old codes stop working only once the new set is stored. The returned object holds the codes in clear: apart
     * from the page that shows them, the only place they exist.
     */
    public NewCodes storeCodes(RealmModel realm, UserModel user, List<String> codes, int iterations) {
        List<CredentialModel> old = user.credentialManager().getStoredCredentialsByTypeStream(BackupCodesCredentialModel.TYPE).toList();
        CredentialModel created = createCredential(realm, user, BackupCodesCredentialModel.create(codes, iterations));
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
     * What became of a backup code: used (with how many are left), refused, or not checked because another request
     * is using a code of the same set and did not finish within a moment ({@link #BUSY}: "try again", not "wrong").
     */
    public record Use(boolean accepted, int remaining, boolean busy) {

        static final Use REFUSED = new Use(false, 0, false);
        static final Use BUSY = new Use(false, 0, true);
    }

    /**
     * Uses up the code if it is one of the user's unused codes. One PBKDF2 derivation, then a cluster-wide claim
     * of that code, so concurrent requests with the same code cannot both succeed.
     */
    public Use consume(UserModel user, String input) {
        Optional<BackupCodesCredentialModel> stored = current(user);
        return stored.isEmpty() ? Use.REFUSED : consume(user, stored.get(), input);
    }

    /** {@link #consume(UserModel, String)} for the user's current set, already read. */
    public Use consume(UserModel user, BackupCodesCredentialModel set, String input) {
        Optional<String> code = BackupCodeFormat.normalise(input);
        if (code.isEmpty()) {
            return Use.REFUSED;
        }
        if (!lockUntilTransactionEnds("twofa-backup-code-set:" + set.getId())) {
            return Use.BUSY;
        }
        byte[] derived = BackupCodeHasher.hash(code.get(), set.salt(), set.getBackupCodesData().getIterations());
        OptionalInt index = BackupCodeHasher.indexOf(derived, set.hashes());
        if (index.isEmpty() || !session.singleUseObjects().putIfAbsent(claimKey(set, set.storedHash(index.getAsInt())), CLAIM_LIFESPAN_SECONDS)) {
            return Use.REFUSED;
        }
        // Every claimed code goes, not only this one: a request that read the set before another one's use was
        // stored would otherwise write that code back.
        BackupCodesCredentialModel left = set.withoutCodes(hash -> session.singleUseObjects().contains(claimKey(set, hash)));
        user.credentialManager().updateStoredCredential(left);
        LOG.debugf("Backup code %d of set %s of user %s used; %d left", index.getAsInt() + 1, set.getId(), user.getId(), left.remaining());
        return new Use(true, left.remaining(), false);
    }

    private static String claimKey(BackupCodesCredentialModel set, String storedHash) {
        return "twofa-backup-code:" + set.getId() + ":" + storedHash;
    }

    /**
     * Takes the set's lock, waiting up to {@link #SET_LOCK_WAIT_MILLIS} for another request's use of the set to finish
     * (a use takes one PBKDF2 derivation and a write), and releases it when this request's transaction ends.
     */
    private boolean lockUntilTransactionEnds(String lockKey) {
        long deadline = System.nanoTime() + SET_LOCK_WAIT_MILLIS * 1_000_000L;
        while (!session.singleUseObjects().putIfAbsent(lockKey, SET_LOCK_SECONDS)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
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
        return supportsCredentialType(input.getType()) && consume(user, input.getChallengeResponse()).accepted();
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
