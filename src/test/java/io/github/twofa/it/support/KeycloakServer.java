package io.github.twofa.it.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/** A running Keycloak with our provider jar and the demo realm, however it was started. */
public interface KeycloakServer extends AutoCloseable {

    /** The server's base URL without a trailing slash, e.g. http://localhost:8080 */
    String baseUrl();

    /** The server key the tests configure for TOTP secret encryption. */
    String ENCRYPTION_KEYS = "it-key-1:"
            + Base64.getEncoder()
                    .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    String ADMIN_USER = "admin";
    String ADMIN_PASSWORD = "admin";

    /** The database file, where the test can read it like a dump; empty where the database is out of reach. */
    default Optional<Path> databaseFile() {
        return Optional.empty();
    }

    /** The management interface (health, {@code /metrics}), e.g. http://localhost:9000; empty where out of reach. */
    default Optional<String> managementUrl() {
        return Optional.empty();
    }

    /** Everything the server has logged so far (our packages log at DEBUG in tests). */
    String consoleLog();

    @Override
    void close();
}
