package io.github.twofa.credential;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

import io.github.twofa.credential.dto.TotpCredentialData;
import io.github.twofa.crypto.SecretBinding;
import io.github.twofa.crypto.SecretDecryptionException;
import io.github.twofa.security.SecretProtector;
import io.github.twofa.settings.ProviderIds;
import io.github.twofa.totp.AppName;
import io.github.twofa.totp.TotpParameters;
import io.github.twofa.totp.TotpSecret;
import io.github.twofa.totp.TotpVerifier;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Stores TOTP credentials (secret encrypted) and checks codes against them, each time step at most once.
 */
public class TotpCredentialProvider extends StoredCredentialProvider<TotpCredentialModel> {

    private static final Logger LOG = Logger.getLogger(TotpCredentialProvider.class);

    /** The label the admin and account consoles show for the credential. */
    public static final String DEFAULT_LABEL = "Authenticator app";

    private final KeycloakSession session;
    private final SecretProtector protector;

    /** The session's instance of this provider. */
    public static TotpCredentialProvider of(KeycloakSession session) {
        return (TotpCredentialProvider)
                session.getProvider(CredentialProvider.class, TotpCredentialProviderFactory.PROVIDER_ID);
    }

    TotpCredentialProvider(KeycloakSession session, SecretProtector protector) {
        super(TotpCredentialModel.TYPE, TotpCredentialModel::createFromCredentialModel);
        this.session = session;
        this.protector = protector;
    }

    /** The user's authenticator apps, oldest first. */
    public List<TotpCredentialModel> apps(UserModel user) {
        return user.credentialManager()
                .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                .map(TotpCredentialModel::createFromCredentialModel)
                .sorted(Comparator.comparing(
                        credential -> credential.getCreatedDate() == null ? 0L : credential.getCreatedDate()))
                .toList();
    }

    /**
     * Takes the user's app lock until this request ends, so that of two requests adding or removing apps at once the
     * second starts only after the first has committed (the app limit holds, and no removal meets a stale row).
     *
     * @return false when another request kept it for a few seconds
     */
    public boolean lockApps(UserModel user) {
        return RequestLock.holdUntilRequestEnds(session, "twofa-apps:" + user.getId(), APP_LOCK_WAIT_MILLIS);
    }

    private static final long APP_LOCK_WAIT_MILLIS = 3000;

    /** How many apps the user has in the database now (under {@link #lockApps}, the count no other request changes). */
    public long countApps(UserModel user) {
        return JpaConnection.countCredentials(session, user.getId(), TotpCredentialModel.TYPE);
    }

    /** Whether one of the user's apps has this key already (an import run twice adds nothing). */
    public boolean hasApp(RealmModel realm, UserModel user, TotpSecret secret) {
        return apps(user).stream()
                .map(app -> secretOf(realm, user, app))
                .flatMap(Optional::stream)
                .anyMatch(secret::equals);
    }

    /**
     * Encrypts the secret and stores it as another app of the user's, named {@code userLabel}. Apps whose stored key
     * was refused (see {@link Verification#UNREADABLE}) go: they can never be checked again, and setting the app up
     * again is how a user recovers from that.
     */
    public CredentialModel enrol(
            RealmModel realm, UserModel user, TotpSecret secret, TotpParameters parameters, String userLabel) {
        apps(user).stream()
                .filter(app -> secretOf(realm, user, app).isEmpty())
                .forEach(app -> user.credentialManager().removeStoredCredentialById(app.getId()));
        // The id is chosen here, not by the store, because the ciphertext is bound to it.
        String credentialId = KeycloakModelUtils.generateId();
        TotpCredentialModel model = TotpCredentialModel.create(
                parameters,
                protector.seal(
                        session,
                        realm,
                        SecretBinding.totpCredential(realm.getId(), user.getId(), credentialId),
                        secret.bytes()),
                uniqueName(user, userLabel == null ? DEFAULT_LABEL : userLabel));
        model.setId(credentialId);
        return createCredential(realm, user, model);
    }

    /**
     * {@code name}, or with " (2)", " (3)"... added when one of the user's apps has it: Keycloak refuses two
     * credentials of a type with the same label, and a second "Authenticator app" is the common case.
     */
    private String uniqueName(UserModel user, String name) {
        java.util.Set<String> taken = user.credentialManager()
                .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                .map(CredentialModel::getUserLabel)
                .filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet());
        String unique = name;
        for (int n = 2; taken.contains(unique); n++) {
            String suffix = " (" + n + ")";
            int room = AppName.MAX_LENGTH - suffix.length();
            unique = (name.codePointCount(0, name.length()) > room
                            ? name.substring(0, name.offsetByCodePoints(0, room))
                            : name)
                    + suffix;
        }
        return unique;
    }

    /** How a code fared against a stored TOTP credential. */
    public enum Verification {
        ACCEPTED,
        REFUSED,
        /** A right code of a time step already used: refused like a wrong one, told apart for the metrics. */
        REPLAYED,
        BUSY,
        /** The stored key cannot be trusted or read (moved, restored, planted, or its key is gone): enrol again. */
        UNREADABLE,
        /** A right code, its step used up, that the attempt limit did not let in (see {@code allowsSuccess}). */
        LIMITED
    }

    /**
     * True when the code matches the user's TOTP credential within +-1 step and that step (or a later one) has
     * not been accepted before.
     */
    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        return supportsCredentialType(input.getType())
                && verify(realm, user, input.getCredentialId(), input.getChallengeResponse(), () -> true)
                        == Verification.ACCEPTED;
    }

    /**
     * Checks {@code input} against the credential {@code credentialId} (or the user's first TOTP credential when
     * null) and, if it matches, claims its time step (a check of the same credential under way in another request is
     * waited for, see {@link UsedStepRegistry}). Once the step is claimed, {@code allowsSuccess} says whether a
     * right code may be accepted (the attempt limit's say); if not, the step stays used and nothing is recorded.
     */
    public Verification verify(
            RealmModel realm, UserModel user, String credentialId, String input, BooleanSupplier allowsSuccess) {
        if (input == null) {
            return Verification.REFUSED;
        }
        CredentialModel stored = credentialId == null
                ? user.credentialManager()
                        .getStoredCredentialsByTypeStream(TotpCredentialModel.TYPE)
                        .findFirst()
                        .orElse(null)
                : user.credentialManager().getStoredCredentialById(credentialId);
        if (stored == null || !TotpCredentialModel.TYPE.equals(stored.getType())) {
            return Verification.REFUSED;
        }
        TotpCredentialModel credential = TotpCredentialModel.createFromCredentialModel(stored);
        TotpVerifier verifier = new TotpVerifier(credential.parameters());
        String code = TotpVerifier.normalise(input);
        if (!verifier.isWellFormed(code)) {
            return Verification.REFUSED;
        }
        Optional<TotpSecret> secret = secretOf(realm, user, credential);
        if (secret.isEmpty()) {
            return Verification.UNREADABLE;
        }
        long now = Time.currentTime();
        OptionalLong step = verifier.matchingStep(secret.get(), code, now);
        if (step.isEmpty()) {
            LOG.debugf(
                    "TOTP credential %s of user %s: no match within +-%d steps",
                    stored.getId(), user.getId(), TotpVerifier.WINDOW);
            return Verification.REFUSED;
        }
        // Only a credential made ours moments ago can meet a code the built-in form took: no store call otherwise.
        boolean justAdopted =
                Time.currentTimeMillis() - credential.getTotpCredentialData().verifiedAt()
                        < 1000
                                * UsedStepRegistry.lifespanSeconds(
                                        credential.parameters().period(), TotpVerifier.WINDOW);
        if (justAdopted && BuiltInOtp.usedBeforeAdoption(session, stored.getId(), code)) {
            return Verification.REFUSED;
        }
        UsedStepRegistry.Claim claim = claimStep(stored.getId(), step.getAsLong(), true);
        LOG.debugf(
                "TOTP credential %s of user %s: matched step offset %d, %s",
                stored.getId(),
                user.getId(),
                step.getAsLong() - credential.parameters().stepAt(now),
                claim);
        if (claim == UsedStepRegistry.Claim.CLAIMED) {
            if (!allowsSuccess.getAsBoolean()) {
                return Verification.LIMITED;
            }
            recordUse(realm, user, credential, (int)
                    (step.getAsLong() - credential.parameters().stepAt(now)));
        }
        return switch (claim) {
            case CLAIMED -> Verification.ACCEPTED;
            case REPLAYED -> Verification.REPLAYED;
        };
    }

    private static final String CLOCK_DRIFT_ATTRIBUTE = "twofa.clock-drift.";

    /**
     * Marks the app used: the step its code matched, for the clock-drift notice ("last used" was written by the
     * step's claim). The offsets change only while a clock drifts or recovers; then they are written at once, through
     * Keycloak (which tells every node's user cache, so the next login sees them), in a transaction of their own: two
     * logins a moment apart both write the versioned row, and the loser of that race must lose only the statistic,
     * never the login.
     */
    private void recordUse(RealmModel realm, UserModel user, TotpCredentialModel credential, int stepOffset) {
        long now = Time.currentTimeMillis();
        // On the data alone: a model would be written out as JSON at every login only to be thrown away.
        TotpCredentialData data = credential.getTotpCredentialData();
        TotpCredentialData used = data.usedAt(now, stepOffset).orElse(data);
        session.setAttribute(CLOCK_DRIFT_ATTRIBUTE + credential.getId(), used.clockDriftSeconds());
        if (!used.recentStepOffsets().equals(data.recentStepOffsets())) {
            inOwnTransaction(
                    session.getKeycloakSessionFactory(),
                    realm.getId(),
                    user.getId(),
                    credential.getId(),
                    (own, ownUser, stored) -> stored.usedAt(now, stepOffset)
                            .ifPresent(ownUser.credentialManager()::updateStoredCredential));
        }
    }

    private interface UseWriter {
        void write(KeycloakSession own, UserModel user, TotpCredentialModel stored);
    }

    /** Runs {@code writer} on the app as its own session sees it; a failure is logged, never passed on. */
    private static void inOwnTransaction(
            KeycloakSessionFactory factory, String realmId, String userId, String credentialId, UseWriter writer) {
        try {
            KeycloakModelUtils.runJobInTransaction(
                    factory, own -> withStored(own, realmId, userId, credentialId, writer));
        } catch (RuntimeException e) {
            LOG.debugf(
                    "TOTP credential %s: use not recorded (most likely another login wrote it at the same moment): %s",
                    credentialId, e.getMessage());
        }
    }

    private static void withStored(
            KeycloakSession own, String realmId, String userId, String credentialId, UseWriter writer) {
        RealmModel realm = own.realms().getRealm(realmId);
        own.getContext().setRealm(realm);
        UserModel user = realm == null ? null : own.users().getUserById(realm, userId);
        CredentialModel stored = user == null ? null : user.credentialManager().getStoredCredentialById(credentialId);
        if (stored != null && TotpCredentialModel.TYPE.equals(stored.getType())) {
            writer.write(own, user, TotpCredentialModel.createFromCredentialModel(stored));
        }
    }

    /**
     * The app with its use as the database holds it now: the user cache may hold an older one, and since the claims
     * record "last used" (see {@link UsedStepRegistry}), the credential's own figure is only that of uses before.
     */
    public TotpCredentialModel withCurrentUse(TotpCredentialModel app) {
        TotpCredentialModel stored = JpaConnection.credentialData(session, app.getId())
                .map(app::withCredentialData)
                .orElse(app);
        OptionalLong claimed = new UsedStepRegistry(session).lastUsedAt(app.getId());
        return claimed.isPresent() ? stored.lastUsedNoEarlierThan(claimed.getAsLong()) : stored;
    }

    /** How far the app's clock seems off after the code this request just accepted (see {@link #verify}). */
    public OptionalInt clockDriftAfterThisCheck(String credentialId) {
        Object drift = session.getAttribute(CLOCK_DRIFT_ATTRIBUTE + credentialId);
        return drift instanceof OptionalInt seconds ? seconds : OptionalInt.empty();
    }

    /** What became of a code checked against a built-in OTP credential, and the id of our credential it became. */
    public record Adoption(Verification verification, String credentialId) {}

    /**
     * Checks {@code input} against the user's built-in TOTP credential ({@link BuiltInOtp}) and, if it is right, makes
     * that credential ours in this transaction: the secret sealed as ours are, algorithm, digits, period, label and
     * creation date kept, the plain-text {@code otp} credential removed. The code's step is used up for both, so it
     * cannot log in again, and a code Keycloak's own form accepted before the switch is refused. Of two requests
     * adopting at once, one is answered BUSY and, when retried, finds our credential. {@code allowsSuccess} as for
     * {@link #verify}: asked once the step is claimed, before anything is adopted.
     */
    public Adoption verifyAndAdopt(
            RealmModel realm, UserModel user, OTPCredentialModel builtIn, String input, BooleanSupplier allowsSuccess) {
        Optional<TotpParameters> parameters = BuiltInOtp.parametersOf(builtIn);
        String code = input == null ? "" : TotpVerifier.normalise(input);
        if (parameters.isEmpty() || !BuiltInOtp.isWellFormed(builtIn, code)) {
            return new Adoption(Verification.REFUSED, null);
        }
        TotpSecret secret = TotpSecret.fromBytes(builtIn.getDecodedSecret());
        long now = Time.currentTime();
        OptionalLong step = new TotpVerifier(parameters.get()).matchingStep(secret, code, now);
        if (step.isEmpty() || BuiltInOtp.usedByBuiltInForm(session, builtIn, code)) {
            return new Adoption(Verification.REFUSED, null);
        }
        // Two requests adopting at once: one waits for nothing and is told to try again (see adoptWithoutCode).
        if (!RequestLock.holdUntilRequestEnds(session, UsedStepRegistry.lockKey(builtIn.getId()), 0)) {
            return new Adoption(Verification.BUSY, null);
        }
        if (claimStep(builtIn.getId(), step.getAsLong(), false) != UsedStepRegistry.Claim.CLAIMED) {
            return new Adoption(Verification.REFUSED, null);
        }
        if (!allowsSuccess.getAsBoolean()) {
            return new Adoption(Verification.LIMITED, null);
        }
        if (JpaConnection.reread(session, builtIn).isEmpty()) {
            // Another request adopted it between our reading the user's credentials and taking the lock.
            return new Adoption(Verification.BUSY, null);
        }
        CredentialModel adopted = adopt(realm, user, builtIn, secret, parameters.get());
        claimStep(adopted.getId(), step.getAsLong(), true);
        return new Adoption(Verification.ACCEPTED, adopted.getId());
    }

    /**
     * Makes a built-in TOTP credential ours without a code (an admin's bulk migration), with the user's other
     * built-in devices: under the same lock a login takes to adopt it, so the two never both do. Codes the built-in
     * form accepted shortly before stay refused: the built-in credential's id is remembered for as long as such a
     * code could match.
     *
     * @return our new credential, or empty if a login is adopting it this instant or it is gone
     */
    public Optional<CredentialModel> adoptWithoutCode(RealmModel realm, UserModel user, OTPCredentialModel builtIn) {
        Optional<TotpParameters> parameters = BuiltInOtp.parametersOf(builtIn);
        if (parameters.isEmpty()
                || !RequestLock.holdUntilRequestEnds(session, UsedStepRegistry.lockKey(builtIn.getId()), 0)
                || JpaConnection.reread(session, builtIn).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                adopt(realm, user, builtIn, TotpSecret.fromBytes(builtIn.getDecodedSecret()), parameters.get()));
    }

    /**
     * Ours now: sealed secret, the built-in one's parameters, label and creation date; the plain-text row removed.
     * The user's other built-in TOTP devices (a tablet set up with Keycloak's form beside the phone) become apps of
     * ours in the same transaction, so none stays in plain text or stops working.
     */
    private CredentialModel adopt(
            RealmModel realm,
            UserModel user,
            OTPCredentialModel builtIn,
            TotpSecret secret,
            TotpParameters parameters) {
        CredentialModel adopted = adoptOne(realm, user, builtIn, secret, parameters);
        user.credentialManager()
                .getStoredCredentialsByTypeStream(OTPCredentialModel.TYPE)
                .map(OTPCredentialModel::createFromCredentialModel)
                .filter(other -> !other.getId().equals(builtIn.getId()))
                .filter(other -> OTPCredentialModel.TOTP.equals(
                        other.getOTPCredentialData().getSubType()))
                .toList()
                .forEach(other -> BuiltInOtp.parametersOf(other)
                        .ifPresent(otherParameters -> adoptOne(
                                realm, user, other, TotpSecret.fromBytes(other.getDecodedSecret()), otherParameters)));
        // What is left (HOTP, unsupported parameters) cannot be checked by our step and would only stay in plain text.
        BuiltInOtp.removeAll(user);
        return adopted;
    }

    private CredentialModel adoptOne(
            RealmModel realm,
            UserModel user,
            OTPCredentialModel builtIn,
            TotpSecret secret,
            TotpParameters parameters) {
        CredentialModel adopted = enrol(realm, user, secret, parameters, builtIn.getUserLabel());
        adopted.setCreatedDate(builtIn.getCreatedDate());
        user.credentialManager().updateStoredCredential(adopted);
        user.credentialManager().removeStoredCredentialById(builtIn.getId());
        // Codes the built-in form took shortly before stay refused, whichever step they were of.
        BuiltInOtp.rememberAdoption(
                session,
                adopted.getId(),
                builtIn.getId(),
                UsedStepRegistry.lifespanSeconds(parameters.period(), TotpVerifier.WINDOW));
        LOG.debugf(
                "Built-in OTP credential %s of user %s became TOTP credential %s",
                builtIn.getId(), user.getId(), adopted.getId());
        return adopted;
    }

    /** The credential's key, or empty (logged with the reason) when it cannot be trusted or read. */
    private Optional<TotpSecret> secretOf(RealmModel realm, UserModel user, TotpCredentialModel credential) {
        try {
            return Optional.of(TotpSecret.fromBytes(protector.open(
                    session,
                    realm,
                    SecretBinding.totpCredential(realm.getId(), user.getId(), credential.getId()),
                    credential.protectedSecret())));
        } catch (SecretDecryptionException e) {
            LOG.errorf(
                    "TOTP credential %s of user %s cannot be used: %s",
                    credential.getId(), user.getId(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Whether one of the user's apps can be checked at all (false: the stored key of every one was refused; see
     * {@link Verification#UNREADABLE}); true for a user without apps.
     */
    public boolean isReadable(RealmModel realm, UserModel user) {
        List<TotpCredentialModel> apps = apps(user);
        return apps.isEmpty()
                || apps.stream().anyMatch(app -> secretOf(realm, user, app).isPresent());
    }

    /**
     * Marks {@code step} used for the credential, unless it or a later step was used already (see
     * {@link UsedStepRegistry}); {@code use}: a login, which also records when the app was last used.
     */
    public UsedStepRegistry.Claim claimStep(String credentialId, long step, boolean use) {
        return new UsedStepRegistry(session).claim(credentialId, step, use);
    }

    @Override
    public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
        return CredentialTypeMetadata.builder()
                .type(getType())
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName("twofa-totp-display-name")
                .helpText("twofa-totp-help-text")
                .iconCssClass("kcAuthenticatorOTPClass")
                .createAction(ProviderIds.TOTP_SETUP)
                .removeable(!isAccountApiDeletion() && !isRemovalRefusedInThisLogin())
                .build(session);
    }

    /**
     * Keycloak's {@code delete_credential} action runs in a login; there removing an app needs a code of the user's
     * taken within that action's maximum age (as adding one does), not only a recent password. Any other step of a
     * login removes nothing, yet Keycloak asks for this metadata on every login (to list the ways to sign in): there
     * the answer is "not removable" without looking up the user session, a database read when there is none yet.
     */
    private boolean isRemovalRefusedInThisLogin() {
        AuthenticationSessionModel authSession = session.getContext().getAuthenticationSession();
        if (authSession == null) {
            return false;
        }
        if (!DELETE_CREDENTIAL_ACTION.equals(authSession.getClientNote(Constants.KC_ACTION))) {
            return true;
        }
        RealmModel realm = session.getContext().getRealm();
        return !RecentSecondFactor.within(
                realm,
                authSession,
                session.sessions()
                        .getUserSession(realm, authSession.getParentSession().getId()),
                RecentSecondFactor.maxAgeOf(realm, DELETE_CREDENTIAL_ACTION));
    }

    private static final String DELETE_CREDENTIAL_ACTION = "delete_credential";

    /**
     * Keycloak removes a credential through its account REST API ({@code DELETE /account/credentials/{id}}, with
     * nothing but an access token) and through the {@code delete_credential} action of the login pages (after a
     * re-authentication once the action's maximum age has passed); both ask whether the type is removable. Only the
     * login pages' way is allowed, so a leaked token cannot take the user's authenticator away. The account console
     * still shows "Delete": it uses the login pages' way.
     */
    private boolean isAccountApiDeletion() {
        var request = session.getContext().getHttpRequest();
        return request != null && "DELETE".equals(request.getHttpMethod());
    }
}
