package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;

/**
 * At start the server names every realm whose bound flows let a user with 2FA in without the code. The shared server
 * starts with the demo realm (every way covered) and {@code gap-check} (src/test/resources/import): 2FA in the
 * browser flow, "forgot password" on with Keycloak's own reset flow.
 */
class FlowCoverageWarningIT extends RealServerTest {

    @Test
    void givenARealmWhoseForgotPasswordSkipsTheStep_whenTheServerStarted_thenTheLogNamesThatFlowAndNotTheDemoRealm() {
        String log = server.consoleLog();

        String warning = log.lines()
                .filter(line -> line.contains("Realm gap-check: users with 2FA can log in without their second factor"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no start-up warning for realm gap-check"));
        assertTrue(warning.contains("flow 'reset credentials' (forgot password)"), warning);
        assertTrue(warning.contains("flow 'direct grant' (direct grant of client admin-cli)"), warning);
        assertFalse(
                log.contains("Realm demo: users with 2FA can log in without"), "the demo realm covers every way in");
    }
}
