package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ways around the second factor that a review of the demo realm found, each tried as the attacker would, with
 * only what that attacker holds: a leaked access token, the user's mailbox, a link the user is lured to open. The
 * realm is the demo realm with "forgot password" on and e-mail going to a local SMTP sink.
 */
class SecondFactorBypassIT extends RealServerTest {

    private static final Pattern RESET_LINK =
            Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+");

    private static MailSink mail;
    private static String realm;
    private static ApiClient api;

    @BeforeAll
    static void demoRealmWithForgotPassword() throws Exception {
        mail = new MailSink();
        ObjectNode copy = AdminApi.demoRealmCopy();
        copy.put("resetPasswordAllowed", true);
        copy.set("smtpServer", Http.JSON.valueToTree(mail.realmSmtpSettings()));
        realm = admin.importRealm(copy);
        api = new ApiClient(server, realm);
    }

    @AfterAll
    static void stopMail() {
        mail.close();
    }

    private static EnrolledKey enrolled(String prefix) {
        return Enrolment.enrolNewUser(
                server,
                admin,
                realm,
                prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static String credentialId(String userId, String type) {
        return StreamSupport.stream(admin.credentials(realm, userId).spliterator(), false)
                .filter(c -> c.get("type").asText().equals(type))
                .findFirst()
                .map(c -> c.get("id").asText())
                .orElse(null);
    }

    @Test
    void
            givenALeakedAccessToken_whenRemovingOrReplacingTheAuthenticator_thenEveryPathRefusesAndTheUsersAppKeepsWorking() {
        EnrolledKey victim = enrolled("victim");
        String userId = admin.userId(realm, victim.username());
        String totpId = credentialId(userId, "twofa-totp");
        String codesId = credentialId(userId, "twofa-backup-codes");
        String leaked = api.accessToken(
                victim.username(), victim.password(), victim.backupCodes().get(0));

        HttpResponse<String> listed = api.call("GET", "account/credentials", leaked, null);
        assertEquals(200, listed.statusCode(), "the token is good for Keycloak's account API: " + listed.body());
        for (String id : List.of(totpId, codesId)) {
            int status = api.call("DELETE", "account/credentials/" + id, leaked, null)
                    .statusCode();
            assertTrue(status >= 400 && status < 500, "account API DELETE must be refused, was " + status);
        }
        assertEquals(totpId, credentialId(userId, "twofa-totp"), "the authenticator must still be there");
        assertEquals(codesId, credentialId(userId, "twofa-backup-codes"), "the backup codes must still be there");
        // Our API: another app needs the password and a current code; removing one needs a code.
        assertEquals(
                400,
                api.call("POST", "two-factor/setup", leaked, "{\"password\":\"guess\"}")
                        .statusCode());
        assertEquals(
                403,
                api.call("POST", "two-factor/setup", leaked, "{\"password\":\"guess\",\"code\":\"000000\"}")
                        .statusCode());
        assertEquals(
                400,
                api.call("DELETE", "two-factor/apps/" + totpId, leaked, null).statusCode());
        assertEquals(
                409,
                api.call("DELETE", "two-factor/apps/" + totpId, leaked, "X-Two-Factor-Code", "000000")
                        .statusCode(),
                "the only app goes only with a disable (password and code)");
        assertEquals(totpId, credentialId(userId, "twofa-totp"), "the authenticator must still be there");

        String appCode = IndependentTotp.code(victim.key(), IndependentTotp.currentStep() + 1);
        assertEquals(
                200,
                api.passwordGrant(victim.username(), victim.password(), appCode).statusCode(),
                "the victim's own app must still log in");
    }

    @Test
    void givenATokenHolder_whenSending20WrongPasswordsToDisable_thenTheUserCanStillLogIn() {
        EnrolledKey victim = enrolled("budget");
        String leaked = api.accessToken(
                victim.username(), victim.password(), victim.backupCodes().get(0));

        for (int i = 0; i < 20; i++) {
            int status = api.call(
                            "POST",
                            "two-factor/disable",
                            leaked,
                            "{\"password\":\"guess-" + i + "\",\"code\":\""
                                    + victim.backupCodes().get(1) + "\"}")
                    .statusCode();
            assertTrue(status == 403 || status == 429, "wrong password answered " + status);
        }

        assertEquals(
                200,
                api.passwordGrant(
                                victim.username(),
                                victim.password(),
                                victim.backupCodes().get(1))
                        .statusCode(),
                "the token holder's wrong passwords must not lock the user out of logging in");
        assertEquals(
                429,
                api.call(
                                "POST",
                                "two-factor/disable",
                                leaked,
                                "{\"password\":\"" + victim.password() + "\",\"code\":\""
                                        + victim.backupCodes().get(2) + "\"}")
                        .statusCode(),
                "the token's own budget is used up");
    }

    @Test
    void givenTheUsersMailbox_whenFollowingTheResetLink_thenTheCodePageComesBeforeAnyNewPasswordOrSession() {
        EnrolledKey victim = enrolled("reset");
        String userId = admin.userId(realm, victim.username());
        int sessionsBefore =
                admin.get("/" + realm + "/users/" + userId + "/sessions").size();
        BrowserSession requester = new BrowserSession(server, realm);
        requester.startLogin();
        requester.openLink("a[href*=reset-credentials]");
        requester.submit("#kc-reset-password-form", Map.of("username", victim.username()));
        String link = resetLink(victim.username() + "@example.org");

        BrowserSession attacker = new BrowserSession(server, realm);
        Document afterLink = attacker.open(link);

        assertNotNull(
                afterLink.selectFirst("#twofa-login-form"),
                "the reset link must lead to the code page: " + afterLink.text());
        assertNull(afterLink.selectFirst("#kc-passwd-update-form"));
        attacker.trySubmit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(victim.key(), IndependentTotp.currentStep() + 9)));
        assertNotNull(attacker.page().selectFirst("#twofa-login-form"), "a wrong code gets no further");
        assertEquals(
                sessionsBefore,
                admin.get("/" + realm + "/users/" + userId + "/sessions").size(),
                "no session without the code");

        Document newPassword = attacker.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(victim.key(), IndependentTotp.currentStep() + 1)));
        assertNotNull(
                newPassword.selectFirst("#kc-passwd-update-form"),
                "with the code, the new password: " + newPassword.text());
    }

    @Test
    void givenTheUsersMailbox_whenTypingWrongCodesAfterTheResetLinkUntilLockedOut_thenTheUserCanStillLogIn() {
        EnrolledKey victim = enrolled("reset-dos");
        BrowserSession requester = new BrowserSession(server, realm);
        requester.startLogin();
        requester.openLink("a[href*=reset-credentials]");
        requester.submit("#kc-reset-password-form", Map.of("username", victim.username()));
        BrowserSession attacker = new BrowserSession(server, realm);
        attacker.open(resetLink(victim.username() + "@example.org"));

        // Wrong codes in quick succession: counted by Keycloak's brute-force detection, they would also trip its
        // quick-login check (a minute's lockout) at once.
        int lastStatus = 0;
        for (int i = 0; i < 7; i++) {
            lastStatus = attacker.trySubmit("#twofa-login-form", Map.of("code", String.format("%06d", 100_000 + i)));
        }
        assertEquals(
                429,
                lastStatus,
                "the reset path has an attempt limit of its own: "
                        + attacker.page().text());

        HttpResponse<String> login = api.passwordGrant(
                victim.username(),
                victim.password(),
                IndependentTotp.code(victim.key(), IndependentTotp.currentStep() + 1));
        assertEquals(
                200,
                login.statusCode(),
                "wrong codes on the reset path must not lock the user out of logging in: " + login.body());
    }

    private static String resetLink(String address) {
        List<MailSink.Mail> mails = mail.messagesTo(address, 1);
        assertEquals(1, mails.size(), "one reset e-mail");
        Matcher link = RESET_LINK.matcher(mails.get(0).body().replace("&amp;", "&"));
        assertTrue(link.find(), "no reset link in: " + mails.get(0).body());
        return link.group();
    }

    @Test
    void givenALinkThatOpensTheBackupCodesAction_whenTheUserOnlyLooksOrCancels_thenTheSavedCodesKeepWorking() {
        EnrolledKey user = enrolled("kc-action");
        String userId = admin.userId(realm, user.username());
        String codesId = credentialId(userId, "twofa-backup-codes");
        BrowserSession browser = new BrowserSession(server, realm);
        browser.startLogin(Map.of("kc_action", "twofa-backup-codes"));
        browser.submit("#kc-form-login", Map.of("username", user.username(), "password", user.password()));
        Document asked = browser.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(user.key(), IndependentTotp.currentStep() + 1)));

        assertNotNull(
                asked.selectFirst("#twofa-backup-codes-replace"), "opening the action must only ask: " + asked.text());
        assertEquals(codesId, credentialId(userId, "twofa-backup-codes"), "showing the page changes nothing");
        Document shown = browser.submit("#twofa-backup-codes-notice-form", Map.of("action", "generate"));
        assertEquals(10, Enrolment.readBackupCodes(shown).size());
        assertEquals(codesId, credentialId(userId, "twofa-backup-codes"), "a new set is stored only once confirmed");
        browser.submit("#twofa-backup-codes-form", Map.of("cancel-aia", "true"));

        assertTrue(browser.isRedirectedToClient(), "Cancel goes back to the app");
        assertEquals(codesId, credentialId(userId, "twofa-backup-codes"), "Cancel keeps the saved set");
        assertEquals(
                200,
                api.passwordGrant(
                                user.username(),
                                user.password(),
                                user.backupCodes().get(0))
                        .statusCode(),
                "the printed codes still work");
    }

    @Test
    void givenAStaleToken_whenChanging2fa_thenARecentLoginIsNeededAsForTheAccountConsole() throws Exception {
        ObjectNode copy = AdminApi.demoRealmCopy();
        for (JsonNode config : copy.withArray("authenticatorConfig")) {
            ((ObjectNode) config.get("config")).put("twofa.users-without-2fa", "skip");
        }
        for (JsonNode action : copy.withArray("requiredActions")) {
            if (action.get("providerId").asText().startsWith("twofa-")) {
                ((ObjectNode) action.get("config")).put("max_auth_age", "2");
            }
        }
        String shortRealm = admin.importRealm(copy);
        ApiClient shortApi = new ApiClient(server, shortRealm);
        admin.createUser(shortRealm, "stale", "pw-stale", List.of());
        String token = shortApi.accessToken("stale", "pw-stale", null);
        Thread.sleep(3_000);

        HttpResponse<String> refused = shortApi.call("POST", "two-factor/setup", token, "{\"password\":\"pw-stale\"}");

        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals(
                "insufficient_user_authentication",
                ApiClient.json(refused).get("error").asText());
        assertTrue(
                refused.headers().firstValue("WWW-Authenticate").orElse("").contains("max_age=2"),
                refused.headers().toString());
        HttpResponse<String> fresh = shortApi.call(
                "POST",
                "two-factor/setup",
                shortApi.accessToken("stale", "pw-stale", null),
                "{\"password\":\"pw-stale\"}");
        assertEquals(200, fresh.statusCode(), "a fresh login may: " + fresh.body());
    }
}
