package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.ClusterNode;
import io.github.twofa.it.support.ConcurrentLogins;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.PostgresServer;
import io.github.twofa.it.support.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Keycloak nodes in production mode sharing one PostgreSQL, with clustered caches found through jdbc-ping: single
 * use, the attempt limit and enrolment hold across nodes, and a node dying in the middle of a login loses nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final int REQUESTS_PER_NODE = 10;

    private static PostgresServer database;
    private static ClusterNode nodeA;
    private static ClusterNode nodeB;
    private static AdminApi adminOnB;
    private static String realm;

    @BeforeAll
    static void startPostgresAndTwoNodes() throws Exception {
        database = PostgresServer.start();
        Path build = ClusterNode.buildDistribution();
        nodeA = ClusterNode.start("a", build, database);
        nodeB = ClusterNode.start("b", build, database);
        nodeA.awaitClusterOf(2);
        nodeB.awaitClusterOf(2);
        adminOnB = new AdminApi(nodeB);
        // Keycloak's own brute-force detection off, so every refusal below is our attempt limit's doing.
        realm = new AdminApi(nodeA).importDemoRealmCopyWithoutBruteForceDetection();
    }

    @AfterAll
    static void stopEverything() {
        for (AutoCloseable resource : new AutoCloseable[] {nodeB, nodeA, database}) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop " + resource + ": " + e);
            }
        }
    }

    private static EnrolledKey enrolOnNodeA(String username) {
        return Enrolment.enrolNewUser(nodeA, new AdminApi(nodeA), realm, username);
    }

    @Test
    @Order(1)
    void givenEnrolmentOnNodeA_whenLoggingInOnNodeB_thenTheKeyWorksThereAndTheEnrolmentCodeIsSpent() {
        EnrolledKey user = enrolOnNodeA("cluster-enrol");

        HttpResponse<String> replay = new ApiClient(nodeB, realm)
                .passwordGrant(
                        user.username(), user.password(), IndependentTotp.code(user.key(), user.enrolmentStep()));
        BrowserSession browser = new BrowserSession(nodeB, realm);
        browser.loginWithPassword(user.username(), user.password());
        browser.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(user.key(), nextUsableStep(user.enrolmentStep()))));

        assertEquals(400, replay.statusCode(), "the code that enrolled on A must be spent on B too: " + replay.body());
        assertTrue(
                browser.isRedirectedToClient(),
                () -> "login on B did not finish: " + browser.page().text());
        assertEquals(
                "cluster-enrol",
                BrowserSession.claims(
                                browser.exchangeCodeForTokens().get("id_token").asText())
                        .get("preferred_username")
                        .asText());
    }

    private static JsonNode appAsAdminSees(AdminApi admin, String userId) {
        return admin.get("/" + realm + "/two-factor/users/" + userId)
                .get("apps")
                .get(0);
    }

    @Test
    @Order(2)
    void givenTheSameAppCodeOnBothNodesAtOnce_thenExactlyOneLoginSucceeds() throws Exception {
        EnrolledKey user = enrolOnNodeA("cluster-race-totp");

        List<Integer> statuses =
                loginsOnBothNodesAtOnce(user, IndependentTotp.code(user.key(), user.enrolmentStep() + 1));

        assertEquals(1, statuses.stream().filter(status -> status == 200).count(), statuses.toString());
    }

    @Test
    @Order(3)
    void givenTheSameBackupCodeOnBothNodesAtOnce_thenExactlyOneLoginSucceedsAndOneCodeIsGone() throws Exception {
        EnrolledKey user = enrolOnNodeA("cluster-race-backup");

        List<Integer> statuses =
                loginsOnBothNodesAtOnce(user, user.backupCodes().get(2));

        assertEquals(1, statuses.stream().filter(status -> status == 200).count(), statuses.toString());
        assertEquals(9, backupCodesRemaining(user));
    }

    @Test
    @Order(4)
    void givenThreeWrongCodesOnNodeAAndTwoOnNodeB_thenTheyAddUpToOneLockoutOnBothNodes() {
        EnrolledKey user = enrolOnNodeA("cluster-lockout");
        ApiClient onA = new ApiClient(nodeA, realm);
        ApiClient onB = new ApiClient(nodeB, realm);

        for (int i = 0; i < 5; i++) {
            ApiClient node = i < 3 ? onA : onB;
            HttpResponse<String> wrong = node.passwordGrant(user.username(), user.password(), wrongCode(user, i));
            assertEquals(400, wrong.statusCode());
            assertFalse(
                    wrong.body().contains("try again in"),
                    "locked out after only " + i + " wrong codes: " + wrong.body());
        }
        String rightCode = IndependentTotp.code(user.key(), user.enrolmentStep() + 1);
        HttpResponse<String> onALocked = onA.passwordGrant(user.username(), user.password(), rightCode);
        HttpResponse<String> onBLocked = onB.passwordGrant(user.username(), user.password(), rightCode);

        assertTrue(onALocked.statusCode() == 400 && onALocked.body().contains("try again in"), onALocked.body());
        assertTrue(onBLocked.statusCode() == 400 && onBLocked.body().contains("try again in"), onBLocked.body());
        String userId = adminOnB.userId(realm, user.username());
        assertEquals(
                1,
                adminOnB.userEvents(realm, userId, "USER_DISABLED_BY_TEMPORARY_LOCKOUT")
                        .size(),
                "one lockout event for five wrong codes spread over two nodes");
    }

    @Test
    @Order(5)
    void givenALoginOnNodeB_thenNodeAShowsTheUseAtOnceAndAnOlderCodeNeverWorksAfterANewerOne() {
        EnrolledKey user = enrolOnNodeA("cluster-last-used");
        AdminApi adminOnA = new AdminApi(nodeA);
        String userId = adminOnA.userId(realm, user.username());
        assertFalse(appAsAdminSees(adminOnA, userId).hasNonNull("lastUsedAt"), "setting up is not a use");

        // A code of the step current at the login: one of a step ahead would change the clock-drift record, which is
        // written through Keycloak, "last used" with it. This one's use is recorded only by the step's claim.
        long step = user.enrolmentStep() + 1;
        while (IndependentTotp.currentStep() < step) {
            Processes.pause(Duration.ofMillis(200));
        }
        long before = System.currentTimeMillis();
        assertEquals(
                200,
                new ApiClient(nodeB, realm)
                        .passwordGrant(user.username(), user.password(), IndependentTotp.code(user.key(), step))
                        .statusCode());
        long after = System.currentTimeMillis();

        // Recorded with the claim, in the login's transaction: node A reads it at once.
        JsonNode app = appAsAdminSees(adminOnA, userId);
        assertTrue(app.hasNonNull("lastUsedAt"), "node A does not show the login on B as the app's last use");
        long lastUsed = Instant.parse(app.get("lastUsedAt").asText()).toEpochMilli();
        assertTrue(lastUsed >= before - 1000 && lastUsed <= after + 1000, app.toString());

        // On PostgreSQL the claim is one upsert that moves the app's step only forward: the next step's code on A,
        // then the older one, already used on B, tried on B again (a check of "this very step used" alone would let
        // it in, since the app's latest step is now another).
        ApiClient onA = new ApiClient(nodeA, realm);
        ApiClient onB = new ApiClient(nodeB, realm);
        assertEquals(
                200,
                onA.passwordGrant(user.username(), user.password(), IndependentTotp.code(user.key(), step + 1))
                        .statusCode());
        assertEquals(
                400,
                onB.passwordGrant(user.username(), user.password(), IndependentTotp.code(user.key(), step))
                        .statusCode(),
                "an older code after a newer one, on the other node");
    }

    @Test
    @Order(6)
    void givenAUserOnKeycloaksBuiltInOtp_whenBothNodesTakeTheCredentialOverAtOnce_thenExactlyOneCredentialResults()
            throws Exception {
        AdminApi adminOnA = new AdminApi(nodeA);
        for (int round = 0; round < 3; round++) {
            String username = "cluster-builtin-" + round;
            byte[] secret = String.format("built-in-secret-%04d", round).getBytes(StandardCharsets.US_ASCII);
            HttpResponse<String> created = adminOnA.call(
                    "POST",
                    "/" + realm + "/users",
                    AdminApi.user(
                            username,
                            List.of(
                                    AdminApi.password("pw-" + username),
                                    AdminApi.builtInTotp(new String(secret, StandardCharsets.US_ASCII), "Phone"))));
            assertEquals(201, created.statusCode(), created.body());
            long step = IndependentTotp.currentStep();
            EnrolledKey user = new EnrolledKey(username, "pw-" + username, secret, step, List.of());

            // The same first code on both nodes at once: each tries to make the built-in credential ours.
            List<Integer> statuses = ConcurrentLogins.send(
                    List.of(new ApiClient(nodeA, realm), new ApiClient(nodeB, realm)),
                    user,
                    2,
                    i -> IndependentTotp.code(secret, step));

            assertEquals(
                    1, statuses.stream().filter(status -> status == 200).count(), "round " + round + ": " + statuses);
            List<String> types = StreamSupport.stream(credentials(user).spliterator(), false)
                    .map(credential -> credential.get("type").asText())
                    .sorted()
                    .toList();
            assertEquals(List.of("password", "twofa-totp"), types, "round " + round + ": exactly one credential");
            assertEquals(
                    200,
                    new ApiClient(nodeB, realm)
                            .passwordGrant(username, "pw-" + username, IndependentTotp.code(secret, step + 1))
                            .statusCode(),
                    "the app logs in afterwards");
        }
    }

    @Test
    @Order(7)
    void givenNodeAKilledInTheMiddleOfALogin_thenTheLoginFinishesOnNodeBAndNothingStoredIsLost() {
        EnrolledKey user = enrolOnNodeA("cluster-crash");
        String usedBeforeCrash = user.backupCodes().get(0);
        assertEquals(
                200,
                new ApiClient(nodeA, realm)
                        .passwordGrant(user.username(), user.password(), usedBeforeCrash)
                        .statusCode());
        JsonNode credentialsBefore = credentials(user);
        BrowserSession browser = new BrowserSession(nodeA, realm);
        assertNotNull(
                browser.loginWithPassword(user.username(), user.password()).selectFirst("#twofa-login-form"));

        nodeA.kill();
        browser.continueOn(nodeB);
        long loginStep = nextUsableStep(user.enrolmentStep());
        String code = IndependentTotp.code(user.key(), loginStep);
        browser.submit("#twofa-login-form", Map.of("code", code));
        if (!browser.isRedirectedToClient()) {
            // B may not have the login A started; then the user starts over on B, which must work.
            assertNotNull(
                    browser.page().selectFirst("#kc-form-login"),
                    "neither finished nor restarted: " + browser.page().text());
            browser.submit("#kc-form-login", Map.of("username", user.username(), "password", user.password()));
            browser.submit("#twofa-login-form", Map.of("code", code));
        }

        assertTrue(
                browser.isRedirectedToClient(),
                () -> "login did not finish on B: " + browser.page().text());
        browser.exchangeCodeForTokens();
        assertEquals(credentialsBefore, credentials(user), "credentials changed by the crash");
        assertEquals(9, backupCodesRemaining(user), "a backup code came back or went missing");
        HttpResponse<String> reuse =
                new ApiClient(nodeB, realm).passwordGrant(user.username(), user.password(), usedBeforeCrash);
        assertEquals(
                400, reuse.statusCode(), "the backup code used on A before it died must stay used: " + reuse.body());

        nodeA.restart();
        nodeA.awaitClusterOf(2);
        nodeB.awaitClusterOf(2);
        String fresh = IndependentTotp.code(user.key(), nextUsableStep(loginStep));
        HttpResponse<String> onB = new ApiClient(nodeB, realm).passwordGrant(user.username(), user.password(), fresh);
        HttpResponse<String> replayOnA =
                new ApiClient(nodeA, realm).passwordGrant(user.username(), user.password(), fresh);
        HttpResponse<String> backupOnA = new ApiClient(nodeA, realm)
                .passwordGrant(
                        user.username(), user.password(), user.backupCodes().get(1));
        assertEquals(200, onB.statusCode(), onB.body());
        assertEquals(
                400,
                replayOnA.statusCode(),
                "a code just used on B must be spent on the restarted A: " + replayOnA.body());
        assertEquals(200, backupOnA.statusCode(), backupOnA.body());
        assertEquals(8, backupCodesRemaining(user));
    }

    /** A step after {@code used} that is inside the ±1 window now (waiting for the clock if it has to). */
    private static long nextUsableStep(long used) {
        while (IndependentTotp.currentStep() < used) {
            Processes.pause(Duration.ofSeconds(1));
        }
        return Math.max(used + 1, IndependentTotp.currentStep());
    }

    /** The same direct-grant login sent {@value REQUESTS_PER_NODE} times to each node at once; the statuses. */
    private static List<Integer> loginsOnBothNodesAtOnce(EnrolledKey user, String code) throws Exception {
        return ConcurrentLogins.send(
                List.of(new ApiClient(nodeA, realm), new ApiClient(nodeB, realm)),
                user,
                2 * REQUESTS_PER_NODE,
                i -> code);
    }

    private static String wrongCode(EnrolledKey user, int i) {
        return IndependentTotp.code(user.key(), user.enrolmentStep() + 40 + i);
    }

    private static int backupCodesRemaining(EnrolledKey user) {
        return adminOnB.backupCodesRemaining(realm, adminOnB.userId(realm, user.username()));
    }

    /**
     * The user's credentials as stored, without the app's "last used" time and the time steps of its recent codes
     * (for the clock-drift notice), which a login is meant to change.
     */
    private static JsonNode credentials(EnrolledKey user) {
        JsonNode credentials = adminOnB.credentials(realm, adminOnB.userId(realm, user.username()));
        credentials.forEach(credential -> {
            String data = credential.path("credentialData").asText("");
            ((com.fasterxml.jackson.databind.node.ObjectNode) credential)
                    .put(
                            "credentialData",
                            data.replaceAll(",\\s*\"lastUsedAt\"\\s*:\\s*\\d+", "")
                                    .replaceAll(",\\s*\"recentStepOffsets\"\\s*:\\s*\\[[^]]*]", ""));
        });
        return credentials;
    }
}
