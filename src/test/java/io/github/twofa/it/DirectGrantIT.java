package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;

/** API login (direct grant, client demo-cli): password and second factor in one token request. */
class DirectGrantIT extends RealServerTest {

    private static EnrolledKey enrolled() {
        return Enrolment.enrolNewUser(
                server, admin, "demo", "dg-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static void assertOAuthError(int status, String error, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, ApiClient.json(response).get("error").asText(), response.body());
    }

    @Test
    void givenEnrolledUser_whenNoCodeIsSent_thenMfaRequiredSoTheClientCanAskAndRetry() {
        EnrolledKey user = enrolled();
        ApiClient api = new ApiClient(server, "demo");

        assertOAuthError(400, "mfa_required", api.passwordGrant(user.username(), user.password(), null));

        HttpResponse<String> retried = api.passwordGrant(
                user.username(), user.password(), IndependentTotp.code(user.key(), user.enrolmentStep() + 1));
        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals(
                List.of("pwd", "otp"),
                TotpEnrolmentAndLoginIT.amr(
                        ApiClient.json(retried).get("access_token").asText()));
    }

    @Test
    void givenEnrolledUser_whenTheCodeIsWrong_thenInvalidGrant() {
        EnrolledKey user = enrolled();

        assertOAuthError(
                400,
                "invalid_grant",
                new ApiClient(server, "demo").passwordGrant(user.username(), user.password(), "000000"));
    }

    /** One failure per user here: the demo realm's brute-force detection locks out failures in quick succession. */
    @Test
    void givenEnrolledUser_whenThePasswordIsWrong_thenInvalidGrantAndTheCodeIsNotUsedUp() {
        EnrolledKey user = enrolled();
        ApiClient api = new ApiClient(server, "demo");
        String nextCode = IndependentTotp.code(user.key(), user.enrolmentStep() + 1);

        assertOAuthError(400, "invalid_grant", api.passwordGrant(user.username(), "wrong-password", nextCode));
        admin.awaitLoginFailuresRecorded("demo", admin.userId("demo", user.username()), 1);
        assertEquals(
                200,
                api.passwordGrant(user.username(), user.password(), nextCode).statusCode(),
                "a code sent with a wrong password must not have been used up");
        assertOAuthError(400, "invalid_grant", api.passwordGrant(user.username(), user.password(), nextCode));
    }

    @Test
    void givenEnrolledUser_whenABackupCodeIsSent_thenItWorksOnce() {
        EnrolledKey user = enrolled();
        ApiClient api = new ApiClient(server, "demo");
        String backupCode = user.backupCodes().get(5);

        assertEquals(
                200,
                api.passwordGrant(user.username(), user.password(), backupCode).statusCode());
        assertOAuthError(400, "invalid_grant", api.passwordGrant(user.username(), user.password(), backupCode));
        admin.awaitLoginFailuresRecorded("demo", admin.userId("demo", user.username()), 1);
        assertEquals(
                9,
                ApiClient.json(api.call(
                                        "GET",
                                        "two-factor/status",
                                        api.accessToken(
                                                user.username(),
                                                user.password(),
                                                user.backupCodes().get(6)),
                                        null))
                                .get("backupCodesRemaining")
                                .asInt()
                        + 1);
    }

    /** The demo realm gives amr through a default client scope, so a client an admin adds later has it too. */
    @Test
    void givenAClientAnAdminAddsLater_whenLoggingInThroughIt_thenItsTokensSayPwdAndOtp() throws Exception {
        String realm = admin.importDemoRealmCopy(Map.of());
        HttpResponse<String> created = admin.call(
                "POST",
                "/" + realm + "/clients",
                Map.of(
                        "clientId",
                        "added-later",
                        "publicClient",
                        true,
                        "directAccessGrantsEnabled",
                        true,
                        "standardFlowEnabled",
                        false));
        assertEquals(201, created.statusCode(), created.body());
        EnrolledKey user = Enrolment.enrolNewUser(
                server, admin, realm, "amr-" + UUID.randomUUID().toString().substring(0, 8));

        HttpResponse<String> tokens = new ApiClient(server, realm, "added-later")
                .passwordGrant(
                        user.username(), user.password(), IndependentTotp.code(user.key(), user.enrolmentStep() + 1));

        assertEquals(200, tokens.statusCode(), tokens.body());
        assertEquals(
                List.of("pwd", "otp"),
                TotpEnrolmentAndLoginIT.amr(
                        ApiClient.json(tokens).get("access_token").asText()));
        assertEquals(
                List.of("pwd", "otp"),
                TotpEnrolmentAndLoginIT.amr(
                        ApiClient.json(tokens).get("id_token").asText()));
    }

    @Test
    void givenUserWithout2faAndPolicyRequire_whenRequestingATokenDirectly_thenRefusedUntilEnrolled() {
        String username = "dg-new-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createUser("demo", username, "pw", List.of());

        HttpResponse<String> refused = new ApiClient(server, "demo").passwordGrant(username, "pw", null);

        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_grant", ApiClient.json(refused).get("error").asText());
        new BrowserSession(server, "demo").loginWithPassword(username, "pw");
    }
}
