package io.github.twofa.it.support;

import org.junit.jupiter.api.BeforeAll;

/** Base of the integration tests that share the one Keycloak of this test run. */
public abstract class RealServerTest {

    protected static KeycloakServer server;
    protected static AdminApi admin;

    @BeforeAll
    static void startServer() {
        server = TestServer.get();
        admin = new AdminApi(server);
    }
}
