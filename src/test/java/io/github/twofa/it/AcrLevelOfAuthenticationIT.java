package io.github.twofa.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.BrowserSession;
import io.github.twofa.it.support.Enrolment;
import io.github.twofa.it.support.Enrolment.EnrolledKey;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.IndependentTotp;
import io.github.twofa.it.support.RealServerTest;
import org.junit.jupiter.api.Test;

/**
 * In a realm that maps acr values to levels of authentication (Keycloak's step-up flows), our step serves as level 2:
 * a client asking for "mfa" gets the code page and a token with acr "mfa"; a client asking for nothing gets "pwd".
 */
class AcrLevelOfAuthenticationIT extends RealServerTest {

    private static final String STEP_UP_FLOW = """
            [
              {"alias": "twofa browser forms", "providerId": "basic-flow", "topLevel": false, "builtIn": false,
               "authenticationExecutions": [
                 {"authenticatorFlow": true, "flowAlias": "level 1", "requirement": "CONDITIONAL", "priority": 10},
                 {"authenticatorFlow": true, "flowAlias": "level 2", "requirement": "CONDITIONAL", "priority": 20}]},
              {"alias": "level 1", "providerId": "basic-flow", "topLevel": false, "builtIn": false,
               "authenticationExecutions": [
                 {"authenticator": "conditional-level-of-authentication", "authenticatorConfig": "level 1", "authenticatorFlow": false, "requirement": "REQUIRED", "priority": 10},
                 {"authenticator": "auth-username-password-form", "authenticatorConfig": "twofa password amr", "authenticatorFlow": false, "requirement": "REQUIRED", "priority": 20}]},
              {"alias": "level 2", "providerId": "basic-flow", "topLevel": false, "builtIn": false,
               "authenticationExecutions": [
                 {"authenticator": "conditional-level-of-authentication", "authenticatorConfig": "level 2", "authenticatorFlow": false, "requirement": "REQUIRED", "priority": 10},
                 {"authenticator": "twofa-totp-authenticator", "authenticatorConfig": "twofa totp", "authenticatorFlow": false, "requirement": "REQUIRED", "priority": 20}]}
            ]""";

    private static final String LEVEL_CONFIGS = """
            [
              {"alias": "level 1", "config": {"loa-condition-level": "1", "loa-max-age": "36000"}},
              {"alias": "level 2", "config": {"loa-condition-level": "2", "loa-max-age": "0"}}
            ]""";

    @Test
    void givenStepUpRealm_whenClientAsksForMfaOrForNothing_thenAcrFollowsTheRealmsLevelMapping() throws Exception {
        String realm = admin.importRealm(stepUpRealm());
        EnrolledKey enrolled = Enrolment.enrolNewUser(server, admin, realm, "stepup", Map.of("acr_values", "mfa"));

        BrowserSession mfa = new BrowserSession(server, realm);
        mfa.startLogin(Map.of("acr_values", "mfa"));
        mfa.submit("#kc-form-login", Map.of("username", enrolled.username(), "password", enrolled.password()));
        assertNotNull(mfa.page().selectFirst("#twofa-login-form"), "level 2 must ask for the code");
        mfa.submit(
                "#twofa-login-form",
                Map.of("code", IndependentTotp.code(enrolled.key(), enrolled.enrolmentStep() + 1)));
        String mfaIdToken = mfa.exchangeCodeForTokens().get("id_token").asText();

        BrowserSession pwd = new BrowserSession(server, realm);
        pwd.startLogin();
        pwd.submit("#kc-form-login", Map.of("username", enrolled.username(), "password", enrolled.password()));
        assertTrue(pwd.isRedirectedToClient(), "level 1 alone must not ask for a code");
        JsonNode pwdToken = BrowserSession.claims(
                pwd.exchangeCodeForTokens().get("id_token").asText());

        assertEquals("mfa", BrowserSession.claims(mfaIdToken).get("acr").asText());
        assertEquals(List.of("pwd", "otp"), TotpEnrolmentAndLoginIT.amr(mfaIdToken));
        assertEquals("pwd", pwdToken.get("acr").asText());
    }

    /**
     * A realm whose step-up step says "skip": a user without 2FA who is asked for "mfa" must set 2FA up there (a code
     * is typed), and the tokens say so; without the request, no code and no "mfa" (it said "mfa" with no code before).
     */
    @Test
    void givenStepUpStepThatSkipsUsersWithout2fa_whenSuchAUserIsAskedForMfa_thenTheUserEnrolsBeforeTheTokensClaimIt()
            throws Exception {
        ObjectNode copy = stepUpRealm();
        copy.withArray("authenticatorConfig").forEach(config -> {
            if ("twofa totp".equals(config.path("alias").asText())) {
                ((ObjectNode) config.get("config")).put("twofa.users-without-2fa", "skip");
            }
        });
        String realm = admin.importRealm(copy);
        admin.createUser(realm, "no-2fa", "pw-no-2fa", List.of());

        BrowserSession plain = new BrowserSession(server, realm);
        plain.startLogin();
        plain.submit("#kc-form-login", Map.of("username", "no-2fa", "password", "pw-no-2fa"));
        assertTrue(plain.isRedirectedToClient(), "without a request for mfa, the user is not stopped");
        assertEquals(
                "pwd",
                BrowserSession.claims(
                                plain.exchangeCodeForTokens().get("id_token").asText())
                        .get("acr")
                        .asText());

        Enrolment.EnrolledInBrowser enrolled =
                Enrolment.enrolInBrowser(server, admin, realm, "no-2fa-mfa", Map.of("acr_values", "mfa"), false);
        String idToken =
                enrolled.browser().exchangeCodeForTokens().get("id_token").asText();
        assertEquals("mfa", BrowserSession.claims(idToken).get("acr").asText());
        assertEquals(List.of("pwd", "otp"), TotpEnrolmentAndLoginIT.amr(idToken));
    }

    private static ObjectNode stepUpRealm() throws Exception {
        ObjectNode realm = AdminApi.demoRealmCopy();
        realm.putObject("attributes").put("acr.loa.map", "{\"pwd\":1,\"mfa\":2}");
        var flows = realm.withArray("authenticationFlows");
        flows.remove(1);
        Http.JSON.readTree(STEP_UP_FLOW).forEach(flows::add);
        Http.JSON.readTree(LEVEL_CONFIGS).forEach(realm.withArray("authenticatorConfig")::add);
        return realm;
    }
}
