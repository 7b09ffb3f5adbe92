package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.ConcurrentLogins;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.QrCodes;
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

    /** Sends {@code count} direct-grant token requests at once, the i-th with {@code codeOf(i)}; returns the statuses. */
    private static List<Integer> concurrentLogins(EnrolledKey user, int count, IntFunction<String> codeOf)
            throws Exception {
        return ConcurrentLogins.send(List.of(new ApiClient(server, realm)), user, count, codeOf);
    }

    @Test
    void givenThirtyDifferentWrongCodesAtOnce_thenFiveAreCheckedInOneLockoutAndTheRightCodeIsThenRefused()
            throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-guess");

        List<Integer> statuses =
                concurrentLogins(user, 30, i -> IndependentTotp.code(user.key(), user.enrolmentStep() + 40 + i));

        assertTrue(statuses.stream().allMatch(status -> status == 400), statuses.toString());
        String userId = admin.userId(realm, user.username());
        long checked = admin.userEvents(realm, userId, "LOGIN_ERROR").stream()
                .filter(event ->
                        "check_failed".equals(event.at("/details/twofa_action").asText()))
                .count();
        assertEquals(5, checked, "codes checked out of 30 sent at once");
        assertEquals(
                1,
                admin.userEvents(realm, userId, "USER_DISABLED_BY_TEMPORARY_LOCKOUT")
                        .size(),
                "one burst, one lockout");
        HttpResponse<String> right = new ApiClient(server, realm)
                .passwordGrant(
                        user.username(), user.password(), IndependentTotp.code(user.key(), user.enrolmentStep() + 1));
        assertEquals(400, right.statusCode());
        assertTrue(right.body().contains("try again in"), right.body());
    }

    @Test
    void givenTwentyConcurrentLoginsWithTheSameAppCode_thenExactlyOneSucceeds() throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-totp");

        List<Integer> statuses =
                concurrentLogins(user, REQUESTS, i -> IndependentTotp.code(user.key(), user.enrolmentStep() + 1));

        assertEquals(1, statuses.stream().filter(status -> status == 200).count(), statuses.toString());
        // The others wait for the app's row, then find its step used: a plain refusal, not a failed commit.
        assertEquals(
                REQUESTS - 1, statuses.stream().filter(status -> status == 400).count(), statuses.toString());
    }

    @Test
    void givenTwentyConcurrentLoginsWithTheSameBackupCode_thenExactlyOneSucceedsAndOneCodeIsGone() throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-backup");
        String code = user.backupCodes().get(3);

        List<Integer> statuses = concurrentLogins(user, REQUESTS, i -> code);

        assertEquals(1, statuses.stream().filter(status -> status == 200).count(), statuses.toString());
        // The others wait for the set's row, then find the code used: a plain refusal, not a failed commit.
        assertEquals(
                REQUESTS - 1, statuses.stream().filter(status -> status == 400).count(), statuses.toString());

        // The 19 refused requests count as wrong attempts, so the user is locked out now; ask the admin API instead.
        assertEquals(9, remainingBackupCodes(user));
    }

    /**
     * Codes of S and S+1 sent together are taken one after the other (the app's row in the database): S+1 is always
     * accepted, S only if it was taken first, and after both neither works again (an implementation refusing only
     * the very step used before would let S in after S+1, or S+1 again after S). Keycloak's own brute-force detection is off in this realm: with it on, it
     * holds a user's concurrent logins back itself.
     */
    @Test
    void givenCodesOfStepsSAndTheNextSentTogether_thenTheNextIsAcceptedAndSNeverAfterIt() throws Exception {
        List<EnrolledKey> users = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            users.add(Enrolment.enrolNewUser(
                    server,
                    admin,
                    realm,
                    "race-next-" + UUID.randomUUID().toString().substring(0, 8)));
        }
        // S must be later than the enrolment's step and S+1 within the window: S is the current step, once past them.
        long enrolled =
                users.stream().mapToLong(EnrolledKey::enrolmentStep).max().orElseThrow();
        while (IndependentTotp.currentStep() <= enrolled) {
            Thread.sleep(250);
        }
        for (int round = 0; round < users.size(); round++) {
            EnrolledKey user = users.get(round);
            long step = IndependentTotp.currentStep();

            List<Integer> statuses = concurrentLogins(user, 2, i -> IndependentTotp.code(user.key(), step + 1 - i));

            assertEquals(200, statuses.get(0), "S+1 in round " + round + ": " + statuses);
            assertTrue(statuses.get(1) == 200 || statuses.get(1) == 400, "S in round " + round + ": " + statuses);
            // Whichever came first, S+1 is the app's latest step now: neither code works again.
            for (long usedStep : List.of(step, step + 1)) {
                HttpResponse<String> again = new ApiClient(server, realm)
                        .passwordGrant(user.username(), user.password(), IndependentTotp.code(user.key(), usedStep));
                assertEquals(400, again.statusCode(), "step " + (usedStep - step) + " of S once more, round " + round);
            }
        }
    }

    /** Each request waits for the set's row while another uses a code of it, then sees the code that one used. */
    @Test
    void givenFourDifferentBackupCodesAtOnce_thenEachIsAcceptedAndUsedUp() throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-codes");
        List<String> codes = user.backupCodes().subList(2, 6);

        List<Integer> statuses = concurrentLogins(user, codes.size(), codes::get);

        assertEquals(List.of(200, 200, 200, 200), statuses, "four right codes at once");
        assertEquals(10 - codes.size(), remainingBackupCodes(user), "every accepted code is gone, and only those");
        ApiClient api = new ApiClient(server, realm);
        for (String code : codes) {
            assertEquals(
                    400,
                    api.passwordGrant(user.username(), user.password(), code).statusCode(),
                    "an accepted code must be used up");
        }
        assertEquals(10 - codes.size(), remainingBackupCodes(user));
    }

    /**
     * Two requests replacing the backup codes at the same moment, each with a right code: each is answered with a new
     * set (200) or "try again" (409, keeping nothing: its app code still works afterwards), never a failed commit
     * (500), and exactly one of the sets issued works. Codes of two apps are checked without touching the set, so
     * both requests reach the replacement together and one must find the set replaced; one round pairs an app code
     * with a backup code, whose use locks the set first (then the other may also get 403: its set went before its
     * code was checked).
     */
    @Test
    void givenTwoBackupCodeRegenerationsAtOnce_thenOneSetIsKeptAndNeitherRequestFails() throws Exception {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "race-regenerate");
        ApiClient api = new ApiClient(server, realm);
        List<String> codes = user.backupCodes();
        String token = api.accessToken(user.username(), user.password(), codes.get(9));
        byte[] tablet = addApp(api, token, user, codes.get(8));
        long last = IndependentTotp.currentStep();
        int conflicts = 0;
        for (int round = 0; round < 3; round++) {
            // Both apps' codes of the next step neither has used, once the clock allows it (one step ahead is fine).
            long step = Math.max(last + 1, IndependentTotp.currentStep());
            while (IndependentTotp.currentStep() < step - 1) {
                Thread.sleep(250);
            }
            last = step;
            List<String> sent = round == 1
                    ? List.of(IndependentTotp.code(user.key(), step), codes.get(1))
                    : List.of(IndependentTotp.code(user.key(), step), IndependentTotp.code(tablet, step));
            String sameToken = token;
            List<HttpResponse<String>> responses = ConcurrentLogins.together(List.of(
                    () -> regenerate(api, sameToken, sent.get(0)), () -> regenerate(api, sameToken, sent.get(1))));

            String seen = "round " + round + ": "
                    + responses.stream()
                            .map(response -> response.statusCode() + " " + response.body())
                            .toList();
            List<List<String>> issued = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = responses.get(i);
                int status = response.statusCode();
                boolean backupCode = round == 1 && i == 1;
                assertTrue(status == 200 || status == 409 || (backupCode && status == 403), seen);
                if (status == 200) {
                    List<String> set = new ArrayList<>();
                    ApiClient.json(response).get("backupCodes").forEach(code -> set.add(code.asText()));
                    issued.add(set);
                } else if (status == 409) {
                    assertTrue(response.body().contains("try_again"), seen);
                    conflicts++;
                    if (!backupCode) {
                        // Nothing of the request was kept: its app code was not used up.
                        assertEquals(
                                200,
                                api.passwordGrant(user.username(), user.password(), sent.get(i))
                                        .statusCode(),
                                "the app code of a request answered 409 must still work, " + seen);
                    }
                }
            }
            assertTrue(!issued.isEmpty(), "neither request replaced the set, " + seen);
            assertEquals(
                    400,
                    api.passwordGrant(user.username(), user.password(), codes.get(2))
                            .statusCode(),
                    "an unused code of the replaced set must not work, " + seen);
            List<String> kept = null;
            for (List<String> set : issued) {
                HttpResponse<String> login = api.passwordGrant(user.username(), user.password(), set.get(0));
                if (login.statusCode() == 200) {
                    assertEquals(null, kept, "two sets work, " + seen);
                    kept = set;
                    token = ApiClient.json(login).get("access_token").asText();
                }
            }
            assertTrue(kept != null, "no set issued works, " + seen);
            codes = kept;
        }
        // Two apps' codes reach the replacement together (hashing ten new codes each before it): one is told to try
        // again in at least one of the rounds, or the path this test is for did not run.
        assertTrue(conflicts > 0, "no request was told to try again");
    }

    /**
     * Turning 2FA off while the same user replaces the backup codes (each with a right code of its own app): either
     * order is fine, a failed commit is not. Afterwards 2FA is off if the disable was answered 200, and otherwise
     * the set answered 200 works.
     */
    @Test
    void givenDisableAndARegenerationAtOnce_thenEachIsAnsweredAndTheOutcomeIsWhole() throws Exception {
        ApiClient api = new ApiClient(server, realm);
        for (int round = 0; round < 3; round++) {
            EnrolledKey user = Enrolment.enrolNewUser(
                    server,
                    admin,
                    realm,
                    "race-disable-" + UUID.randomUUID().toString().substring(0, 8));
            String token = api.accessToken(
                    user.username(), user.password(), user.backupCodes().get(9));
            byte[] tablet = addApp(api, token, user, user.backupCodes().get(8));
            long step = IndependentTotp.currentStep() + 1;
            String phoneCode = IndependentTotp.code(user.key(), step);
            String tabletCode = IndependentTotp.code(tablet, step);

            List<HttpResponse<String>> responses = ConcurrentLogins.together(List.of(
                    () -> regenerate(api, token, phoneCode),
                    () -> api.call(
                            "POST",
                            "two-factor/disable",
                            token,
                            "{\"password\":\"" + user.password() + "\",\"code\":\"" + tabletCode + "\"}")));

            String seen = "round " + round + ": "
                    + responses.stream()
                            .map(response -> response.statusCode() + " " + response.body())
                            .toList();
            int regenerated = responses.get(0).statusCode();
            int disabled = responses.get(1).statusCode();
            // After a disable, the regeneration finds 2FA off (409 not_enabled), or its set gone (409 try_again).
            assertTrue(regenerated == 200 || regenerated == 409, seen);
            assertTrue(disabled == 200 || disabled == 409, seen);
            JsonNode status = ApiClient.json(api.call("GET", "two-factor/status", token, null));
            if (disabled == 200) {
                assertEquals(false, status.get("enabled").asBoolean(), seen + " " + status);
            } else {
                assertTrue(responses.get(1).body().contains("try_again"), seen);
                assertEquals(true, status.get("enabled").asBoolean(), seen + " " + status);
            }
            if (regenerated == 200 && disabled == 409) {
                List<String> set = new ArrayList<>();
                ApiClient.json(responses.get(0)).get("backupCodes").forEach(code -> set.add(code.asText()));
                assertEquals(
                        200,
                        api.passwordGrant(user.username(), user.password(), set.get(0))
                                .statusCode(),
                        "the set answered 200 must work, " + seen);
            }
        }
    }

    /** Sets up another app over the API (password and a current code); its key. */
    private static byte[] addApp(ApiClient api, String token, EnrolledKey user, String code) {
        HttpResponse<String> setup = api.call(
                "POST",
                "two-factor/setup",
                token,
                "{\"password\":\"" + user.password() + "\",\"code\":\"" + code + "\"}");
        assertEquals(200, setup.statusCode(), setup.body());
        byte[] key = IndependentTotp.base32Decode(Enrolment.secretOf(URI.create(
                QrCodes.decodeDataUri(ApiClient.json(setup).get("qrCode").asText()))));
        HttpResponse<String> verified = api.call(
                "POST",
                "two-factor/verify",
                token,
                "{\"code\":\"" + IndependentTotp.code(key, IndependentTotp.currentStep()) + "\",\"name\":\"Tablet\"}");
        assertEquals(200, verified.statusCode(), verified.body());
        return key;
    }

    private static HttpResponse<String> regenerate(ApiClient api, String token, String code) {
        return api.call("POST", "two-factor/backup-codes/regenerate", token, "{\"code\":\"" + code + "\"}");
    }

    private static int remainingBackupCodes(EnrolledKey user) {
        return admin.backupCodesRemaining(realm, admin.userId(realm, user.username()));
    }
}
