package io.github.twofa.it.support;

import java.io.File;
import java.util.List;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/** The same server in a container through testcontainers-keycloak, for machines with Docker. */
final class ContainerServer implements KeycloakServer {

    private final KeycloakContainer container;

    private ContainerServer(KeycloakContainer container) {
        this.container = container;
    }

    static ContainerServer start() {
        Assumptions.assumeTrue(
                isDockerAvailable(),
                "Skipped: kc.test.server=testcontainers needs a Docker engine and none is reachable. "
                        + "Run without -Ptestcontainers to test against the Keycloak distribution instead.");
        KeycloakContainer container = new KeycloakContainer(
                        "quay.io/keycloak/keycloak:" + System.getProperty("kc.test.version", "26.7.3"))
                .withAdminUsername(ADMIN_USER)
                .withAdminPassword(ADMIN_PASSWORD)
                .withProviderLibsFrom(List.of(new File(System.getProperty("kc.test.providerJar"))))
                .withRealmImportFiles("/realm-export.json", DistributionServer.GAP_CHECK_REALM)
                .withEnv("KC_SPI_CREDENTIAL__TWOFA_TOTP__ENCRYPTION_KEYS", ENCRYPTION_KEYS)
                .withEnv("KC_LOG_LEVEL", "INFO,io.github.twofa:DEBUG");
        container.start();
        return new ContainerServer(container);
    }

    private static boolean isDockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    @Override
    public String baseUrl() {
        return container.getAuthServerUrl().replaceAll("/$", "");
    }

    @Override
    public String consoleLog() {
        return container.getLogs();
    }

    @Override
    public void close() {
        container.stop();
    }
}
