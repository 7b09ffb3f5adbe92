package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ApiClient;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.MailSink;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail: Keycloak user and admin events for every 2FA change and check, naming user, client, IP address
 * and credential id, never a code; and the opt-in e-mail to the user (event listener {@code twofa-email}), read
 * back from a local SMTP server.
 */
class AuditEventsIT extends RealServerTest {

    private static final Predicate<String> LOOPBACK = ip -> ip.equals("127.0.0.1") || ip.equals("0:0:0:0:0:0:0:1");

    private static MailSink mail;
    private static String realm;

    private static String skipRealm;

    @BeforeAll
    static void realmWhereUsersWithout2faLogInWithThePassword() throws Exception {
        skipRealm = admin.importDemoRealmCopy(Map.of("twofa.users-without-2fa", "skip"));
    }

    @BeforeAll
    static void realmWithEventsAndMail() throws Exception {
        mail = new MailSink();
        ObjectNode copy = AdminApi.demoRealmCopy();
        copy.put("bruteForceProtected", false);
        copy.put("eventsEnabled", true);
        copy.put("adminEventsEnabled", true);
        copy.putArray("eventsListeners").add("jboss-logging").add("twofa-email");
        copy.set("smtpServer", Http.JSON.valueToTree(mail.realmSmtpSettings()));
        realm = admin.importRealm(copy);
    }

    @AfterAll
    static void stopMail() {
        mail.close();
    }

    @Test
    void givenEnrolmentOnTheLoginPages_thenEventsNameTheNewCredentialsTheClientAndTheIpAddress() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-enrol");
        String userId = admin.userId(realm, user.username());

        JsonNode enrolled = theOnly(events(userId), "UPDATE_CREDENTIAL", "enrolled");
        JsonNode created = theOnly(events(userId), "UPDATE_CREDENTIAL", "backup_codes_created");

        assertEquals(
                credentialId(userId, "twofa-totp"),
                enrolled.at("/details/credential_id").asText());
        assertEquals(
                credentialId(userId, "twofa-backup-codes"),
                created.at("/details/credential_id").asText());
        for (JsonNode event : List.of(enrolled, created)) {
            assertEquals(BrowserSession.CLIENT_ID, event.get("clientId").asText(), event.toString());
            assertTrue(LOOPBACK.test(event.get("ipAddress").asText()), event.toString());
        }
    }

    @Test
    void givenAWrongCodeThenABackupCode_thenAFailedCheckAndTheUseWithTheCountLeftAreRecorded() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-login");
        String userId = admin.userId(realm, user.username());
        BrowserSession browser = new BrowserSession(server, realm);
        browser.loginWithPassword(user.username(), user.password());
        browser.submit(
                "#twofa-login-form", Map.of("code", IndependentTotp.code(user.key(), user.enrolmentStep() + 40)));
        browser.submit("#twofa-use-backup-code-form", Map.of("use-backup-code", "true"));
        browser.submit(
                "#twofa-backup-code-form",
                Map.of("backupCode", user.backupCodes().get(3)));

        JsonNode failed = theOnly(events(userId), "LOGIN_ERROR", "check_failed");
        JsonNode used = theOnly(events(userId), "UPDATE_CREDENTIAL", "backup_code_used");

        assertEquals("invalid_user_credentials", failed.get("error").asText());
        assertEquals(
                credentialId(userId, "twofa-totp"),
                failed.at("/details/credential_id").asText());
        assertEquals("9", used.at("/details/backup_codes_remaining").asText());
        assertEquals(
                credentialId(userId, "twofa-backup-codes"),
                used.at("/details/credential_id").asText());
        assertEquals(BrowserSession.CLIENT_ID, used.get("clientId").asText());
    }

    @Test
    void givenEachKindOfLogin_thenItsLoginEventSaysWhichSecondFactorWasUsed() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-factor");
        String userId = admin.userId(realm, user.username());
        String appId = credentialId(userId, "twofa-totp");

        BrowserSession browser = new BrowserSession(server, realm);
        browser.loginWithPassword(user.username(), user.password());
        browser.submit("#twofa-login-form", Map.of("code", IndependentTotp.code(user.key(), user.enrolmentStep() + 1)));
        assertTrue(browser.isRedirectedToClient());
        assertFactor(userId, "app-code", appId);

        ApiClient api = new ApiClient(server, realm);
        assertEquals(
                200,
                api.passwordGrant(
                                user.username(),
                                user.password(),
                                user.backupCodes().get(0))
                        .statusCode());
        assertFactor(userId, "backup-code", credentialId(userId, "twofa-backup-codes"));

        // In the browser a backup code is followed by the codes-left page: the LOGIN event, sent after it, says so too.
        BrowserSession backup = new BrowserSession(server, realm);
        backup.loginWithPassword(user.username(), user.password());
        backup.submit("#twofa-login-form", Map.of("code", user.backupCodes().get(1)));
        backup.submit("#twofa-backup-codes-notice-form", Map.of("action", "continue"));
        assertTrue(backup.isRedirectedToClient());
        assertFactor(userId, "backup-code", credentialId(userId, "twofa-backup-codes"));

        // A user the step does not ask (the realm's policy for users without 2FA is skip for this role-less user).
        String skipped = admin.createUser(skipRealm, "audit-none", "pw-audit-none", List.of());
        BrowserSession none = new BrowserSession(server, skipRealm);
        none.loginWithPassword("audit-none", "pw-audit-none");
        assertTrue(none.isRedirectedToClient());
        JsonNode login = admin.userEvents(skipRealm, skipped, "LOGIN").get(0);
        assertEquals("none", login.at("/details/twofa_second_factor").asText(), login.toString());
        assertEquals(
                200,
                new ApiClient(server, skipRealm)
                        .passwordGrant("audit-none", "pw-audit-none", null)
                        .statusCode());
        login = admin.userEvents(skipRealm, skipped, "LOGIN").get(0);
        assertEquals("none", login.at("/details/twofa_second_factor").asText(), "direct grant: " + login);
    }

    /** The newest LOGIN event of the user names the factor and, for a code, the credential. */
    private static void assertFactor(String userId, String factor, String credentialId) {
        JsonNode login = admin.userEvents(realm, userId, "LOGIN").get(0);
        assertEquals(factor, login.at("/details/twofa_second_factor").asText(), login.toString());
        assertEquals(credentialId, login.at("/details/credential_id").asText(), login.toString());
    }

    @Test
    void givenFiveWrongCodes_thenALockoutEventSaysWhyAndForHowLong() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-lockout");
        String userId = admin.userId(realm, user.username());
        ApiClient api = new ApiClient(server, realm);
        for (int i = 0; i < 5; i++) {
            api.passwordGrant(
                    user.username(), user.password(), IndependentTotp.code(user.key(), user.enrolmentStep() + 40 + i));
        }

        JsonNode lockout = theOnly(events(userId), "USER_DISABLED_BY_TEMPORARY_LOCKOUT", "locked_out");

        assertEquals("twofa_attempt_limit", lockout.at("/details/reason").asText());
        assertEquals("300", lockout.at("/details/lockout_seconds").asText());
        assertEquals(ApiClient.CLIENT_ID, lockout.get("clientId").asText());
        assertTrue(LOOPBACK.test(lockout.get("ipAddress").asText()), lockout.toString());
        assertEquals(
                5,
                events(userId).stream()
                        .filter(e -> e.get("type").asText().equals("LOGIN_ERROR"))
                        .count());
    }

    @Test
    void givenNewCodesAndThenDisableThroughTheApi_thenBothAreRecordedAndTheUserIsEmailedAboutEach() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-api");
        String userId = admin.userId(realm, user.username());
        String totpId = credentialId(userId, "twofa-totp");
        ApiClient api = new ApiClient(server, realm);
        String token = api.accessToken(
                user.username(), user.password(), user.backupCodes().get(0));
        String newCodes = api.call(
                        "POST",
                        "two-factor/backup-codes/regenerate",
                        token,
                        "{\"code\":\"" + user.backupCodes().get(1) + "\"}")
                .body();
        String firstNewCode = Http.json(newCodes).get("backupCodes").get(0).asText();
        assertEquals(
                200,
                api.call(
                                "POST",
                                "two-factor/disable",
                                token,
                                "{\"password\":\"" + user.password() + "\",\"code\":\"" + firstNewCode + "\"}")
                        .statusCode());

        JsonNode regenerated = theOnly(events(userId), "UPDATE_CREDENTIAL", "backup_codes_regenerated");
        JsonNode disabled = theOnly(events(userId), "REMOVE_CREDENTIAL", "disabled");
        List<MailSink.Mail> mails = mail.messagesTo(user.username() + "@example.org", 2);

        assertEquals(ApiClient.CLIENT_ID, regenerated.get("clientId").asText());
        assertEquals(totpId, disabled.at("/details/credential_id").asText());
        assertEquals(2, mails.size(), mails.toString());
        assertTrue(
                mails.stream()
                        .anyMatch(m -> m.subject().equals("New backup codes were made for your account")
                                && m.body().contains("old backup codes no longer work")),
                mails.toString());
        assertTrue(
                mails.stream()
                        .anyMatch(m -> m.subject().equals("Two-factor authentication was turned off")
                                && m.body().contains("protected by its password only")),
                mails.toString());
    }

    @Test
    void givenAnAdminReset_thenAnAdminEventAndAUserEventAreRecordedAndTheUserIsEmailed() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-reset");
        String userId = admin.userId(realm, user.username());
        String totpId = credentialId(userId, "twofa-totp");
        EnrolledKey helpdesk = Enrolment.enrolNewUser(server, admin, realm, "audit-helpdesk");
        String helpdeskId = admin.userId(realm, helpdesk.username());
        admin.grantRealmManagementRoles(realm, helpdeskId, List.of("manage-users", "view-users"));
        ApiClient api = new ApiClient(server, realm);
        String token = api.accessToken(
                helpdesk.username(), helpdesk.password(), helpdesk.backupCodes().get(0));
        assertEquals(
                200,
                api.adminCall("POST", "two-factor/users/" + userId + "/reset", token, null)
                        .statusCode());

        JsonNode adminEvent = StreamSupport.stream(
                        admin.get("/" + realm + "/admin-events?resourcePath=users/" + userId + "/two-factor/reset")
                                .spliterator(),
                        false)
                .findFirst()
                .orElse(null);
        JsonNode userEvent = theOnly(events(userId), "REMOVE_CREDENTIAL", "admin_reset");
        List<MailSink.Mail> mails = mail.messagesTo(user.username() + "@example.org", 1);

        assertNotNull(adminEvent, "no admin event for the reset");
        assertEquals("ACTION", adminEvent.get("operationType").asText());
        assertEquals(helpdeskId, adminEvent.at("/authDetails/userId").asText());
        assertTrue(LOOPBACK.test(adminEvent.at("/authDetails/ipAddress").asText()), adminEvent.toString());
        assertEquals(totpId, userEvent.at("/details/credential_id").asText());
        assertEquals(helpdeskId, userEvent.at("/details/admin_user_id").asText());
        assertEquals(1, mails.size(), mails.toString());
        assertEquals(
                "Two-factor authentication was reset by an administrator",
                mails.get(0).subject());
        HttpResponse<String> again = api.adminCall("POST", "two-factor/users/" + userId + "/reset", token, null);
        assertEquals(409, again.statusCode(), "nothing to reset: " + again.body());
    }

    @Test
    void givenAnAdminDeletingTheAuthenticatorInTheAdminConsole_thenTheUserIsEmailedToo() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-console");
        String userId = admin.userId(realm, user.username());

        HttpResponse<String> deleted = admin.call(
                "DELETE",
                "/" + realm + "/users/" + userId + "/credentials/" + credentialId(userId, "twofa-totp"),
                null);
        List<MailSink.Mail> mails = mail.messagesTo(user.username() + "@example.org", 1);

        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(1, mails.size(), mails.toString());
        assertEquals(
                "Two-factor authentication was reset by an administrator",
                mails.get(0).subject());
    }

    @Test
    void givenEveryKindOfEvent_thenNoneCarriesACodeOrTheKey() {
        EnrolledKey user = Enrolment.enrolNewUser(server, admin, realm, "audit-secrets");
        String userId = admin.userId(realm, user.username());
        ApiClient api = new ApiClient(server, realm);
        api.passwordGrant(user.username(), user.password(), user.backupCodes().get(5));
        api.passwordGrant(
                user.username(), user.password(), IndependentTotp.code(user.key(), user.enrolmentStep() + 40));

        String all =
                admin.get("/" + realm + "/events?user=" + userId + "&max=1000").toString();

        assertTrue(all.contains("backup_code_used") && all.contains("check_failed"), all);
        for (String code : user.backupCodes()) {
            assertFalse(all.contains(code) || all.contains(code.replace("-", "")), "a backup code is in the events");
        }
        assertFalse(all.contains(IndependentTotp.base32Encode(user.key())), "the key is in the events");
    }

    private static List<JsonNode> events(String userId) {
        return StreamSupport.stream(
                        admin.get("/" + realm + "/events?user=" + userId + "&max=1000")
                                .spliterator(),
                        false)
                .toList();
    }

    private static JsonNode theOnly(List<JsonNode> events, String type, String action) {
        List<JsonNode> matching = events.stream()
                .filter(e -> e.get("type").asText().equals(type)
                        && action.equals(e.at("/details/twofa_action").asText()))
                .toList();
        assertEquals(1, matching.size(), "events " + type + "/" + action + " among " + events);
        return matching.get(0);
    }

    private static String credentialId(String userId, String type) {
        for (JsonNode credential : admin.credentials(realm, userId)) {
            if (credential.get("type").asText().equals(type)) {
                return credential.get("id").asText();
            }
        }
        throw new AssertionError("no " + type + " credential");
    }
}
