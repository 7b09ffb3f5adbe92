package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every code is single-use even when 20 requests carry it at the same moment. */
class ConcurrentUseIT extends RealServerTest {

    private static final int REQUESTS = 20;
    private static String realm;

    @BeforeAll
    static void realmWithoutKeycloaksBruteForceDetection() throws Exception {
        realm = admin.importDemoRealmCopyWithoutBruteForceDetection();
    }

    /** Sends the same direct-grant token request 20 times at once; returns how many got tokens. */
    private static long successesOfConcurrentLogins(EnrolledKey user, String code) throws Exception {
        ApiClient api = new ApiClient(server, realm);
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                responses.add(pool.submit(() -> {
                    start.await();
                    return api.passwordGrant(user.username(), user.password(), code);
                }));
            }
            start.countDown();
            long ok = 0;
            for (Future<HttpResponse<String>> response : responses) {
                int status = response.get(60, TimeUnit.SECONDS).statusCode();
                if (status == 200) {
                    ok++;
                } else {
                    assertEquals(400, status, "every other request must be refused, not fail");
                }
            }
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenTwentyConcurrentLoginsWithTheSameAppCode_thenExactlyOneSucceeds() throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-totp");

        assertEquals(1, successesOfConcurrentLogins(user, IndependentTotp.code(user.key(), user.enrolmentStep() + 1)));
    }

    @Test
    void givenTwentyConcurrentLoginsWithTheSameBackupCode_thenExactlyOneSucceedsAndOneCodeIsGone() throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-backup");

        assertEquals(1, successesOfConcurrentLogins(user, user.backupCodes().get(3)));

        // The 19 refused requests count as wrong attempts, so the user is locked out now; ask the admin API instead.
        String userId = admin.userId(realm, user.username());
        JsonNode codes = StreamSupport.stream(admin.credentials(realm, userId).spliterator(), false)
                .filter(c -> c.get("type").asText().equals("twofa-backup-codes")).findFirst().orElseThrow();
        assertEquals(9, Http.json(codes.get("credentialData").asText()).get("remaining").asInt());
    }
}
