package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.ConcurrentLogins;
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
        return concurrentLogins(user, REQUESTS, i -> code).stream().filter(status -> status == 200).count();
    }

    /** Sends {@code count} direct-grant token requests at once, the i-th with {@code codeOf(i)}; returns the statuses. */
    private static List<Integer> concurrentLogins(EnrolledKey user, int count, IntFunction<String> codeOf) throws Exception {
        return ConcurrentLogins.send(List.of(new ApiClient(server, realm)), user, count, codeOf);
    }

    @Test
    void givenThirtyDifferentWrongCodesAtOnce_thenFiveAreCheckedInOneLockoutAndTheRightCodeIsThenRefused() throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-guess");

        List<Integer> statuses = concurrentLogins(user, 30, i -> IndependentTotp.code(user.key(), user.enrolmentStep() + 40 + i));

        assertTrue(statuses.stream().allMatch(status -> status == 400), statuses.toString());
        String userId = admin.userId(realm, user.username());
        long checked = admin.userEvents(realm, userId, "LOGIN_ERROR").stream()
                .filter(event -> "check_failed".equals(event.at("/details/twofa_action").asText())).count();
        assertEquals(5, checked, "codes checked out of 30 sent at once");
        assertEquals(1, admin.userEvents(realm, userId, "USER_DISABLED_BY_TEMPORARY_LOCKOUT").size(), "one burst, one lockout");
        HttpResponse<String> right = new ApiClient(server, realm).passwordGrant(user.username(), user.password(),
                IndependentTotp.code(user.key(), user.enrolmentStep() + 1));
        assertEquals(400, right.statusCode());
        assertTrue(right.body().contains("try again in"), right.body());
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
