package io.github.twofa.credential;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.github.twofa.backupcodes.BackupCodeFormat;
import io.github.twofa.backupcodes.BackupCodeHasher;
import io.github.twofa.settings.ProviderIds;
import io.github.twofa.settings.RealmSettings;
import jakarta.persistence.EntityManager;
import jakarta.persistence.OptimisticLockException;
import org.jboss.logging.Logger;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialMetadata;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Stores backup-code sets and consumes codes: any unused code of the set, in any order, each exactly once.
 */
public class BackupCodesCredentialProvider extends StoredCredentialProvider<BackupCodesCredentialModel> {

    private static final Logger LOG = Logger.getLogger(BackupCodesCredentialProvider.class);

    private final KeycloakSession session;

    /** The session's instance of this provider. */
    public static BackupCodesCredentialProvider of(KeycloakSession session) {
        return (BackupCodesCredentialProvider)
                session.getProvider(CredentialProvider.class, BackupCodesCredentialProviderFactory.PROVIDER_ID);
    }

    public BackupCodesCredentialProvider(KeycloakSession session) {
        super(BackupCodesCredentialModel.TYPE, BackupCodesCredentialModel::createFromCredentialModel);
        this.session = session;
    }

    /**
     * Stores {@code codes} (canonical form) as the user's set, then removes the older ones in the same transaction,
     * so old codes stop working only once the new set is stored. The returned object holds the codes in clear: apart
     * from the page that shows them, the only place they exist.
     */
    public NewCodes storeCodes(RealmModel realm, UserModel user, List<String> codes, int iterations) {
        // Hashed before anything is locked: at the most iterations allowed that takes seconds.
        BackupCodesCredentialModel set = BackupCodesCredentialModel.create(codes, iterations);
        List<String> old = setIds(user);
        if (!lockSets(user, old).equals(old)) {
            // Another request replaced (or made, or removed) the set while this one was checking its code: keeping
            // both would leave the user a set they were shown and that never works, and removing the one it saw
            // would fail this request's commit after its answer was decided. So nothing is kept: "try again".
            throw changedMeanwhile();
        }
        CredentialModel created = changeWhole(() -> {
            CredentialModel stored = createCredential(realm, user, set);
            old.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
            return stored;
        });
        LOG.debugf(
                "New set %s of %d backup codes for user %s replaces %d older (ours and Keycloak's)",
                created.getId(), codes.size(), user.getId(), old.size());
        return new NewCodes(created.getId(), codes, !old.isEmpty());
    }

    /** Both kinds of backup codes: ours, and Keycloak's own recovery codes that a set of ours replaces. */
    private static final List<String> SET_TYPES = List.of(BackupCodesCredentialModel.TYPE, KeycloakRecoveryCodes.TYPE);

    /** The ids of the user's backup-code sets (ours and Keycloak's), as this request sees them; sorted. */
    private static List<String> setIds(UserModel user) {
        return SET_TYPES.stream()
                .flatMap(type -> user.credentialManager().getStoredCredentialsByTypeStream(type))
                .map(CredentialModel::getId)
                .sorted()
                .toList();
    }

    /**
     * Locks the user's sets until this request's transaction ends, and returns those the database holds then. The
     * sets' rows first (in order, as a code's use locks its set's row before anything else), then the user's row,
     * which serializes changes even of a user with no set yet; the sets are read after that, past the caches.
     */
    private List<String> lockSets(UserModel user, List<String> seen) {
        EntityManager em = JpaConnection.entityManager(session);
        seen.forEach(id -> JpaConnection.lockCredential(em, id));
        JpaConnection.lockUser(em, user.getId());
        return JpaConnection.credentialIds(session, user.getId(), SET_TYPES);
    }

    /**
     * Runs {@code change} of the user's credentials. Keycloak moves the user's other credentials up a place when it
     * removes one, each a versioned update, and one changed at this moment by another request (an app's use, in a
     * transaction of its own) fails that update: then nothing of this request is kept ({@link ChangedMeanwhile}).
     */
    public <T> T changeWhole(Supplier<T> change) {
        try {
            return change.get();
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof OptimisticLockException) {
                    throw changedMeanwhile();
                }
            }
            throw e;
        }
    }

    /** The request's transaction is rolled back when it ends, whatever the caller answers. */
    private ChangedMeanwhile changedMeanwhile() {
        session.getTransactionManager().setRollbackOnly();
        return new ChangedMeanwhile();
    }

    /**
     * Another request changed the user's backup codes (or another of their credentials) while this one was changing
     * them: nothing of this request is kept (its transaction is marked for rollback); the caller says "try again".
     */
    public static final class ChangedMeanwhile extends RuntimeException {

        private ChangedMeanwhile() {
            super("Another request changed this user's backup codes or credentials at the same moment.");
        }
    }

    /**
     * A new set: the id of its stored credential, the codes in clear (which exist only in this object), and
     * whether it replaced an older set.
     */
    public record NewCodes(String credentialId, List<String> codes, boolean replacedOlderSet) {

        @Override
        public String toString() {
            return "NewCodes[credentialId=" + credentialId + ", " + codes.size() + " codes, replacedOlderSet="
                    + replacedOlderSet + "]";
        }
    }

    /** Removes the user's backup codes, Keycloak's own recovery codes included. */
    @Override
    public void removeAll(UserModel user) {
        // Under the same locks as a new set, and of what the database holds then: a set made or replaced at this
        // moment is removed too, and one removed meanwhile is not removed twice (a failed commit).
        lockSets(user, setIds(user)).forEach(id -> user.credentialManager().removeStoredCredentialById(id));
    }

    /** How many codes of the set are left: those it stores, less those used. */
    public int remaining(BackupCodesCredentialModel set) {
        return set.storedCodes() - UsedBackupCodes.count(session, set.getId());
    }

    /** How many backup codes the user has left: in their set, or in Keycloak's recovery codes they still use. */
    public int remaining(UserModel user) {
        return current(user)
                .map(this::remaining)
                .orElseGet(() -> KeycloakRecoveryCodes.of(user)
                        .map(KeycloakRecoveryCodes::remaining)
                        .orElse(0));
    }

    public Optional<BackupCodesCredentialModel> current(UserModel user) {
        return user.credentialManager()
                .getStoredCredentialsByTypeStream(BackupCodesCredentialModel.TYPE)
                .findFirst()
                .map(BackupCodesCredentialModel::createFromCredentialModel);
    }

    /**
     * What became of a backup code: used (with how many are left), refused, or a right code the attempt limit did not
     * let in ({@link #LIMITED}; the code stays unused).
     */
    public record Use(Result result, int remaining) {

        /** What became of a backup code. */
        public enum Result {
            ACCEPTED,
            REFUSED,
            LIMITED
        }

        static final Use REFUSED = new Use(Result.REFUSED, 0);
        static final Use LIMITED = new Use(Result.LIMITED, 0);

        static Use accepted(int remaining) {
            return new Use(Result.ACCEPTED, remaining);
        }

        public boolean accepted() {
            return result == Result.ACCEPTED;
        }

        public boolean limited() {
            return result == Result.LIMITED;
        }
    }

    /**
     * Uses up the code if it is one of the user's unused codes. One PBKDF2 derivation, then the set locked in the
     * database, so concurrent requests with the same code cannot both succeed.
     */
    public Use consume(UserModel user, String input) {
        Optional<BackupCodesCredentialModel> stored = current(user);
        return stored.isEmpty() ? Use.REFUSED : consume(user, stored.get(), input, () -> true);
    }

    /**
     * {@link #consume(UserModel, String)} for the user's current set, already read (from the user cache, which is
     * right about its codes: they never change once stored). A code not in it is refused at once. Otherwise the set's
     * row is locked until the request's transaction ends and its used codes read, so a code is used by one request
     * only, on any node, and two codes used at once both go; the code is recorded as used in that transaction. A right
     * code is used only if {@code allowsSuccess} (the attempt limit's say) agrees.
     */
    public Use consume(UserModel user, BackupCodesCredentialModel set, String input, BooleanSupplier allowsSuccess) {
        Optional<String> code = BackupCodeFormat.normalise(input);
        if (code.isEmpty()) {
            return Use.REFUSED;
        }
        byte[] derived = BackupCodeHasher.hash(
                code.get(), set.salt(), set.getBackupCodesData().iterations());
        OptionalInt index = BackupCodeHasher.indexOf(derived, set.hashes());
        if (index.isEmpty()) {
            return Use.REFUSED;
        }
        // Gone if the set was replaced or removed since the user was cached.
        Optional<Set<String>> used = UsedBackupCodes.lockSet(session, set.getId());
        String usedCode = UsedBackupCodes.digestOf(set.storedHash(index.getAsInt()));
        if (used.isEmpty() || used.get().contains(usedCode)) {
            return Use.REFUSED;
        }
        if (!allowsSuccess.getAsBoolean()) {
            return Use.LIMITED;
        }
        UsedBackupCodes.markUsed(session, set.getId(), usedCode);
        int left = set.storedCodes() - used.get().size() - 1;
        LOG.debugf(
                "Backup code %d of set %s of user %s used; %d left",
                index.getAsInt() + 1, set.getId(), user.getId(), left);
        return Use.accepted(left);
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return supportsCredentialType(input.getType())
                && consume(user, input.getChallengeResponse()).accepted();
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
            builder.updateAction(ProviderIds.BACKUP_CODES);
        } else if (user != null && user.credentialManager().isConfiguredFor(TotpCredentialModel.TYPE)) {
            // Codes only back up an authenticator; without one there is nothing to offer.
            builder.createAction(ProviderIds.BACKUP_CODES);
        }
        return builder.build(session);
    }

    /** Shown by the account console: how many codes are left, and a warning when few are. */
    @Override
    public CredentialMetadata getCredentialMetadata(
            BackupCodesCredentialModel credential, CredentialTypeMetadata typeMetadata) {
        CredentialMetadata metadata = new CredentialMetadata();
        int remaining = remaining(credential);
        metadata.setInfoMessage(
                "twofa-backup-codes-remaining",
                String.valueOf(remaining),
                String.valueOf(credential.getBackupCodesData().total()));
        if (RealmSettings.backupCodePolicy(session.getContext().getRealm()).isLow(remaining)) {
            metadata.setWarningMessageTitle("twofa-backup-codes-low-title", String.valueOf(remaining));
            metadata.setWarningMessageDescription("twofa-backup-codes-low-description");
        }
        metadata.setCredentialModel(credential);
        return metadata;
    }
}
