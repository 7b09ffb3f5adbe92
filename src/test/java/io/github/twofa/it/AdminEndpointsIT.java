package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The administrators' endpoints under Keycloak's admin API ({@code /admin/realms/{realm}/two-factor}): a user's
 * status, reset, and the coverage report, each behind Keycloak's own admin permissions.
 */
class AdminEndpointsIT extends RealServerTest {

    private static String realm;
    private static ApiClient api;
    private static String viewerToken;
    private static String managerToken;
    private static String plainToken;

    @BeforeAll
    static void realmWithAdminsOfEachKind() throws Exception {
        ObjectNode copy = AdminApi.demoRealmCopy();
        copy.put("adminEventsEnabled", true);
        // "Forgot password" on, with Keycloak's own reset flow (no 2FA step): a gap the report must name.
        copy.put("resetPasswordAllowed", true);
        copy.remove("resetCredentialsFlow");
        for (JsonNode config : copy.withArray("authenticatorConfig")) {
            ((ObjectNode) config.get("config")).put("twofa.users-without-2fa", "skip");
        }
        realm = admin.importRealm(copy);
        api = new ApiClient(server, realm);
        admin.grantRealmManagementRoles(
                realm, admin.createUser(realm, "viewer", "pw-viewer", List.of()), List.of("view-users"));
        admin.grantRealmManagementRoles(
                realm, admin.createUser(realm, "manager", "pw-manager", List.of()), List.of("manage-users"));
        admin.createUser(realm, "plain", "pw-plain", List.of());
        viewerToken = api.accessToken("viewer", "pw-viewer", null);
        managerToken = api.accessToken("manager", "pw-manager", null);
        plainToken = api.accessToken("plain", "pw-plain", null);
    }

    private static EnrolledKey enrolled() {
        return Enrolment.enrolNewUser(
                server, admin, realm, "adm-" + UUID.randomUUID().toString().substring(0, 8), Map.of(), true);
    }

    private static String idOf(String username) {
        return admin.userId(realm, username);
    }

    @Test
    void givenViewUsersRole_whenReadingAUsersStatus_thenAnsweredWithoutAnySecret() {
        EnrolledKey user = enrolled();

        HttpResponse<String> status =
                api.adminCall("GET", "two-factor/users/" + idOf(user.username()), viewerToken, null);

        assertEquals(200, status.statusCode(), status.body());
        assertTrue(ApiClient.json(status).get("enabled").asBoolean());
        assertEquals(10, ApiClient.json(status).get("backupCodesRemaining").asInt());
        assertEquals(
                404,
                api.adminCall("GET", "two-factor/users/no-such-user", viewerToken, null)
                        .statusCode());
        HttpResponse<String> masterAdmin =
                api.adminCall("GET", "two-factor/users/" + idOf(user.username()), admin.token(), null);
        assertEquals(200, masterAdmin.statusCode(), "a master-realm administrator reads it too: " + masterAdmin.body());
    }

    @Test
    void givenAnOrdinaryUser_whenCallingTheAdminEndpoints_thenTheSame403WhetherTheUserExistsOrNot() {
        String existing = idOf(enrolled().username());

        HttpResponse<String> known = api.adminCall("GET", "two-factor/users/" + existing, plainToken, null);
        HttpResponse<String> unknown = api.adminCall("GET", "two-factor/users/" + UUID.randomUUID(), plainToken, null);

        assertEquals(403, known.statusCode(), known.body());
        assertEquals(403, unknown.statusCode(), unknown.body());
        assertEquals(known.body(), unknown.body(), "the answer must not tell which user ids exist");
        assertEquals(
                403,
                api.adminCall("POST", "two-factor/users/" + existing + "/reset", plainToken, null)
                        .statusCode());
        assertEquals(
                403,
                api.adminCall("GET", "two-factor/coverage", plainToken, null).statusCode());
        assertEquals(
                404,
                api.call("GET", "two-factor/admin/coverage", viewerToken, null).statusCode(),
                "the old public path is gone");
    }

    @Test
    void givenManageUsersRole_whenResetting_then2faIsGoneAndAnAdminEventIsRecorded() {
        EnrolledKey user = enrolled();
        String userId = idOf(user.username());
        assertEquals(
                403,
                api.adminCall("POST", "two-factor/users/" + userId + "/reset", viewerToken, null)
                        .statusCode());

        HttpResponse<String> reset = api.adminCall("POST", "two-factor/users/" + userId + "/reset", managerToken, null);

        assertEquals(200, reset.statusCode(), reset.body());
        assertEquals(1, admin.credentials(realm, userId).size(), "only the password may be left");
        JsonNode events = admin.get("/" + realm + "/admin-events?resourcePath=users/" + userId + "/two-factor/reset");
        assertEquals(1, events.size(), events.toString());
        assertEquals("ACTION", events.get(0).get("operationType").asText());
    }

    @Test
    void givenUsersWithAndWithout2fa_whenReadingCoverage_thenCountsAndFilteredPagesAddUp() {
        enrolled();
        JsonNode all = ApiClient.json(api.adminCall("GET", "two-factor/coverage?max=1000", viewerToken, null));
        JsonNode enabled =
                ApiClient.json(api.adminCall("GET", "two-factor/coverage?filter=enabled&max=1000", viewerToken, null));
        JsonNode disabled =
                ApiClient.json(api.adminCall("GET", "two-factor/coverage?filter=disabled&max=1000", viewerToken, null));

        assertEquals(
                all.get("totalUsers").asLong(),
                all.get("withTwoFactor").asLong()
                        + all.get("onBuiltInOtp").asLong()
                        + all.get("withoutTwoFactor").asLong());
        assertEquals(all.get("withTwoFactor").asLong(), enabled.get("users").size());
        assertEquals(all.get("withoutTwoFactor").asLong(), disabled.get("users").size());
        assertTrue(StreamSupport.stream(enabled.get("users").spliterator(), false)
                .allMatch(u -> u.get("twoFactorEnabled").asBoolean()));
        assertFalse(StreamSupport.stream(disabled.get("users").spliterator(), false)
                .anyMatch(u -> u.get("twoFactorEnabled").asBoolean()));
        assertEquals(
                1,
                ApiClient.json(api.adminCall("GET", "two-factor/coverage?max=1", viewerToken, null))
                        .get("users")
                        .size());
        for (String bad : List.of("max=0", "max=5000", "first=-1", "first=abc", "filter=everyone")) {
            assertEquals(
                    400,
                    api.adminCall("GET", "two-factor/coverage?" + bad, viewerToken, null)
                            .statusCode(),
                    bad);
        }
    }

    @Test
    void givenForgotPasswordWithoutThe2faStep_whenReadingCoverage_thenTheReportNamesTheFlow() {
        JsonNode gaps = ApiClient.json(api.adminCall("GET", "two-factor/coverage?max=1", viewerToken, null))
                .get("unprotectedFlows");

        assertEquals(1, gaps.size(), gaps.toString());
        assertEquals("reset credentials", gaps.get(0).get("flow").asText());
        assertEquals("forgot password", gaps.get(0).get("boundTo").asText());
    }
}
