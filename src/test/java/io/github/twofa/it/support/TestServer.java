package io.github.twofa.it.support;

/**
 * One Keycloak for the whole test run, chosen by {@code kc.test.server}: {@code distribution} (default, no Docker)
 * or {@code testcontainers}. Started on first use, stopped when the JVM exits.
 */
public final class TestServer {

    private static KeycloakServer server;

    private TestServer() {}

    public static synchronized KeycloakServer get() {
        if (server == null) {
            String kind = System.getProperty("kc.test.server", "distribution");
            server = switch (kind) {
                case "distribution" -> DistributionServer.start();
                case "testcontainers" -> ContainerServer.start();
                default -> throw new IllegalArgumentException("Unknown kc.test.server: " + kind);
            };
            KeycloakServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server;
    }
}
