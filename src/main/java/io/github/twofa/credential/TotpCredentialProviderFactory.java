package io.github.twofa.credential;

import java.util.List;

import io.github.twofa.crypto.KeyRing;
import io.github.twofa.metrics.TwoFactorMetrics;
import io.github.twofa.security.SecretProtector;
import io.micrometer.core.instrument.Metrics;
import org.keycloak.Config;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.timer.TimerProvider;

/**
 * Reads the server-level encryption keys once at start-up:
 * {@code --spi-credential--twofa-totp--encryption-keys=id:base64Key[,oldId:base64Key...]}.
 */
public class TotpCredentialProviderFactory implements CredentialProviderFactory<TotpCredentialProvider> {

    private static final org.jboss.logging.Logger LOG =
            org.jboss.logging.Logger.getLogger(TotpCredentialProviderFactory.class);

    public static final String PROVIDER_ID = TotpCredentialModel.TYPE;
    public static final String ENCRYPTION_KEYS = "encryption-keys";

    public static final String MIGRATE_SECRETS = "migrate-secrets";

    private SecretProtector protector;
    private boolean migrateSecrets;

    @Override
    public void init(Config.Scope config) {
        protector = new SecretProtector(KeyRing.parse(config.get(ENCRYPTION_KEYS)));
        migrateSecrets = config.getBoolean(MIGRATE_SECRETS, false);
        TwoFactorMetrics.configure(Metrics.globalRegistry, eventMetricsTaggedByRealm());
    }

    /**
     * Whether the server's own user-event metrics carry the realm ({@code --event-metrics-user-tags=realm,...}): the
     * extension's meters follow the operator's choice of that cardinality.
     */
    private static boolean eventMetricsTaggedByRealm() {
        String tags =
                Config.scope("eventsListener", "micrometer-user-event-metrics").get("tags");
        return tags != null
                && java.util.Arrays.stream(tags.split(",")).map(String::strip).anyMatch("realm"::equals);
    }

    /** The server's sealing of TOTP secrets, also used for setups pending over REST. */
    public SecretProtector protector() {
        return protector;
    }

    /** The same, for secrets kept between pages in authentication-session notes. */
    public static SecretProtector protector(KeycloakSession session) {
        return of(session).protector;
    }

    private static TotpCredentialProviderFactory of(KeycloakSession session) {
        return (TotpCredentialProviderFactory)
                session.getKeycloakSessionFactory().getProviderFactory(CredentialProvider.class, PROVIDER_ID);
    }

    /** Once the database is ready: stored keys the server refuses as they are are counted, and migrated if asked. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(
                        factory, session -> TotpSecretMigration.run(session, protector, migrateSecrets));
                scheduleTrustedBrowserCleanup(factory);
                startMetrics(factory);
            } else if (event instanceof RealmModel.RealmPostCreateEvent created && TwoFactorMetrics.byRealm()) {
                TwoFactorMetrics.start(created.getCreatedRealm().getName());
            }
        });
    }

    /** Every series at 0 from the start, per realm where the meters carry the realm. */
    private static void startMetrics(KeycloakSessionFactory factory) {
        if (!TwoFactorMetrics.byRealm()) {
            TwoFactorMetrics.start(null);
            return;
        }
        KeycloakModelUtils.runJobInTransaction(
                factory,
                session ->
                        session.realms().getRealmsStream().forEach(realm -> TwoFactorMetrics.start(realm.getName())));
    }

    private static final long TRUSTED_BROWSER_CLEANUP_MILLIS = 6 * 3_600_000L;

    /** Expired trusted-browser records go every 6 hours (on each node; a record already gone is simply skipped). */
    private static void scheduleTrustedBrowserCleanup(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                timer.scheduleTask(
                        cleanupSession -> {
                            int removed = TrustedBrowsers.removeAllExpired(cleanupSession);
                            if (removed > 0) {
                                LOG.infof("Removed %d expired trusted-browser records", removed);
                            }
                        },
                        TRUSTED_BROWSER_CLEANUP_MILLIS,
                        "twofa-trusted-browser-cleanup");
            }
        });
    }

    @Override
    public TotpCredentialProvider create(KeycloakSession session) {
        return new TotpCredentialProvider(session, protector);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name(ENCRYPTION_KEYS)
                .type("string")
                .helpText("AES keys that encrypt TOTP secrets, as id:base64Key pairs separated by commas; the first "
                        + "one encrypts, all decrypt. Without it the realm's AES key is used.")
                .add()
                .property()
                .name(MIGRATE_SECRETS)
                .type("boolean")
                .defaultValue(false)
                .helpText("At start-up, re-seal TOTP secrets that are sealed with a realm key (while a server key is "
                        + "configured) or in the format before credential binding. Set it once, for one start, when the "
                        + "database is trusted as it is; such secrets are refused otherwise.")
                .add()
                .build();
    }
}
